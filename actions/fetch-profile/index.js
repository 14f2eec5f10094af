/**
 * Enrich the ID token from a profile API. In a flow file the API is a
 * fixture (`http`), so the test needs no network and no server.
 */
exports.onExecutePostLogin = async (event, api) => {
  const url = `https://profiles.example.com/v1/users/${encodeURIComponent(event.user.user_id)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${event.secrets.PROFILE_API_KEY}` } });
  if (!response.ok) {
    console.warn(`profile API answered ${response.status}; continuing without a tier`);
    return;
  }
  const profile = await response.json();
  api.idToken.setCustomClaim('https://example.com/tier', profile.tier);
  api.user.setAppMetadata('tier', profile.tier);
};
