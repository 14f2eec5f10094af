const jwt = require('jsonwebtoken');
exports.onExecutePostLogin = async (event, api) => {
  const token = jwt.sign({ sub: event.user.user_id, role: 'reader' }, event.secrets.SECRET, { algorithm: 'HS256', expiresIn: '10m' });
  const verified = jwt.verify(token, event.secrets.SECRET);
  api.accessToken.setCustomClaim('https://x/token', token);
  api.accessToken.setCustomClaim('https://x/verified_sub', verified.sub);
  try {
    jwt.verify(token, 'the-wrong-secret');
  } catch (err) {
    api.accessToken.setCustomClaim('https://x/wrong_secret', `${err.name}: ${err.message}`);
  }
};
