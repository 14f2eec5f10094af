/**
 * Runs after the MFA pause and sees the refreshed snapshots: the new factor in
 * enrolledFactors and an `mfa` entry per completed step in methods.
 */
exports.onExecutePostLogin = async (event, api) => {
  const mfa = event.authentication.methods.filter((m) => m.name === 'mfa');
  console.log('mfa this login:', mfa.map((m) => m.type).join(', '));
  const justEnrolled = mfa.some(
    (m) => m.type === 'webauthn-roaming' && Date.now() - new Date(m.timestamp) < 5000,
  );
  api.idToken.setCustomClaim('https://example.com/security_key', justEnrolled ? 'enrolled-now' : 'existing');
  api.user.setAppMetadata('security_key_checked_at', new Date().toISOString());
};
