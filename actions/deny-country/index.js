/**
 * Deny logins from countries the tenant does not serve. `api.access.deny` does
 * not stop the Action: the code after it still runs, then the flow ends.
 */
exports.onExecutePostLogin = async (event, api) => {
  const blocked = (event.secrets.BLOCKED_COUNTRIES || '').split(',');
  const country = event.request.geoip.countryCode;
  if (blocked.includes(country)) {
    api.access.deny(`Logins from ${country} are not allowed.`);
    api.user.setAppMetadata('last_blocked_country', country);
  }
};
