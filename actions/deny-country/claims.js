/** Never runs when the previous Action denied. */
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://example.com/country', event.request.geoip.countryCode);
};
