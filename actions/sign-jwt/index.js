/**
 * Sign a short-lived token for a downstream API with the `jsonwebtoken`
 * package (as Actions do with `require`), and put it in the access token.
 * Run `npm install` in this folder first.
 */
const jwt = require('jsonwebtoken');

exports.onExecutePostLogin = async (event, api) => {
  const token = jwt.sign(
    { sub: event.user.user_id, scope: 'profile:read' },
    event.secrets.DOWNSTREAM_SECRET,
    { algorithm: 'HS256', expiresIn: '5m', issuer: 'https://example.com' },
  );
  const checked = jwt.verify(token, event.secrets.DOWNSTREAM_SECRET, { issuer: 'https://example.com' });
  console.log('verified for', checked.sub);
  api.accessToken.setCustomClaim('https://example.com/downstream_token', token);
};
