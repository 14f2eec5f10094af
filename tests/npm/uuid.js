const { v4, v5, validate, version } = require('uuid');
exports.onExecutePostLogin = async (event, api) => {
  const id = v4();
  api.idToken.setCustomClaim('https://x/v4_valid', validate(id) && version(id) === 4);
  api.idToken.setCustomClaim('https://x/v5', v5('example.com', v5.DNS));
};
