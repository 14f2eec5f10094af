/**
 * Cache an expensive token between Actions (and, in Auth0, between logins on
 * the same instance). `api.cache.get` returns the record `{value, expires_at}`,
 * not the bare string.
 */
exports.onExecutePostLogin = async (event, api) => {
  const cached = api.cache.get('partner_token');
  let token;
  if (cached) {
    token = cached.value;
    console.log('cache hit, expires at', new Date(cached.expires_at).toISOString());
  } else {
    token = `tok_${crypto.randomUUID()}`;
    const result = api.cache.set('partner_token', token, { ttl: 10 * 60 * 1000 });
    console.log('cache miss, stored:', result.type);
  }
  api.idToken.setCustomClaim('https://example.com/partner_token', token.slice(0, 12));
};
