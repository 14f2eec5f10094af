/**
 * Send users who have not accepted the current terms to a consent page, with a
 * signed token that says who they are; when they come back, check the token
 * the consent site signed and record the consent.
 */
const TERMS_VERSION = '2026-01';

exports.onExecutePostLogin = async (event, api) => {
  if (event.user.app_metadata.terms_version === TERMS_VERSION) return;
  const token = api.redirect.encodeToken({
    secret: event.secrets.CONSENT_SECRET,
    expiresInSeconds: 300,
    payload: { email: event.user.email, terms: TERMS_VERSION },
  });
  api.redirect.sendUserTo('https://consent.example.com/terms', {
    query: { session_token: token, redirect_uri: `https://${event.request.hostname}/continue` },
  });
};

exports.onContinuePostLogin = async (event, api) => {
  const payload = api.redirect.validateToken({
    secret: event.secrets.CONSENT_SECRET,
    tokenParameterName: 'consent_token',
  });
  if (payload.accepted !== true) {
    api.access.deny('You must accept the terms to continue.');
    return;
  }
  api.user.setAppMetadata('terms_version', payload.terms);
  api.idToken.setCustomClaim('https://example.com/terms_version', payload.terms);
};
