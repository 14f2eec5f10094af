/**
 * A new user picks a first factor: an authenticator app or SMS.
 */
exports.onExecutePostLogin = async (event, api) => {
  if ((event.user.enrolledFactors || []).length === 0) {
    api.authentication.enrollWithAny([{ type: 'otp' }, { type: 'phone', options: { preferredMethod: 'sms' } }]);
  }
};
