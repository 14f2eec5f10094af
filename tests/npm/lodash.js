const _ = require('lodash');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/chunks', _.chunk([1, 2, 3, 4, 5], 2));
  api.idToken.setCustomClaim('https://x/plan', _.get(event, 'user.app_metadata.plan', 'free'));
  api.idToken.setCustomClaim('https://x/greeting', _.template('hello <%= name %>')({ name: event.user.nickname }));
  api.idToken.setCustomClaim('https://x/merged', _.merge({ a: { b: 1 } }, { a: { c: 2 } }));
};
