/** Runs after the consent Action resumed; sees the /continue request. */
exports.onExecutePostLogin = async (event, api) => {
  console.log('request query keys:', Object.keys(event.request.query).sort().join(','));
  api.accessToken.setCustomClaim('https://example.com/consented', true);
};
