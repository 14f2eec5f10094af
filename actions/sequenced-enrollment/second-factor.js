/**
 * Sees the factor enrolled by the previous Action, then asks for a passkey or
 * a security key and, after it, a recovery code: enrollWith* enrolls one factor
 * per command, so the recovery code needs its own command (Auth0 KB 151635).
 */
exports.onExecutePostLogin = async (event, api) => {
  const types = (event.user.enrolledFactors || []).map((f) => f.type);
  console.log('enrolled so far:', types);
  if (!types.includes('webauthn-platform') && !types.includes('webauthn-roaming')) {
    api.authentication.enrollWithAny([{ type: 'webauthn-platform' }, { type: 'webauthn-roaming' }]);
  }
  if (!types.includes('recovery-code')) {
    api.authentication.enrollWith({ type: 'recovery-code' });
  }
};
