/**
 * Put the user's roles and plan into the tokens and remember the login.
 * Reserved claims such as `sub` are silently dropped by Auth0; `scope` throws.
 */
exports.onExecutePostLogin = async (event, api) => {
  const namespace = 'https://example.com';
  const roles = event.authorization?.roles ?? [];
  api.idToken.setCustomClaim(`${namespace}/roles`, roles);
  api.accessToken.setCustomClaim(`${namespace}/roles`, roles);
  api.idToken.setCustomClaim(`${namespace}/plan`, event.user.app_metadata.plan || 'free');
  api.idToken.setCustomClaim('sub', 'someone-else'); // dropped: reserved
  try {
    api.accessToken.setCustomClaim('scope', 'admin');
  } catch (err) {
    console.warn('could not set scope:', err.message);
  }
  api.user.setUserMetadata('last_login_country', event.request.geoip.countryCode);
};
