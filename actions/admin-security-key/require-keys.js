/**
 * Admins must have a security key. An admin enrolled only in OTP is first
 * challenged with OTP (you must challenge before enrolling), then asked to
 * enroll a security key. The seed document's contextual flow.
 */
exports.onExecutePostLogin = async (event, api) => {
  const roles = event.user.app_metadata.roles || [];
  if (!roles.includes('admin')) return;

  const factors = event.user.enrolledFactors || [];
  const hasKey = factors.some((f) => f.type === 'webauthn-roaming');
  if (hasKey) return;

  if (factors.length > 0) {
    api.authentication.challengeWithAny(factors.map((f) => ({ type: f.type })));
  }
  api.authentication.enrollWith({ type: 'webauthn-roaming' });
};
