const dayjs = require('dayjs');
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim('https://x/tomorrow', dayjs(Date.now()).add(1, 'day').format('YYYY-MM-DD'));
  api.idToken.setCustomClaim('https://x/days_since_signup', dayjs(Date.now()).diff(dayjs(event.user.created_at), 'day'));
};
