/**
 * Challenge with OTP by default; users can pick email behind "Try another method".
 * The seed document's sample use case (customize-mfa-enrollments-universal-login).
 *
 * @param {Event} event
 * @param {PostLoginAPI} api
 */
exports.onExecutePostLogin = async (event, api) => {
  api.authentication.challengeWith({ type: 'otp' }, {
    additionalFactors: [{ type: 'email' }],
  });
};
