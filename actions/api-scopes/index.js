/**
 * Shape the access token's scopes for our API: admins get `admin:all`,
 * nobody gets `write:billing` from this client.
 */
exports.onExecutePostLogin = async (event, api) => {
  if (event.resource_server?.identifier !== 'https://api.example.com') return;
  const roles = event.authorization?.roles ?? [];
  if (roles.includes('admin')) api.accessToken.addScope('admin:all');
  api.accessToken.addScope('read:profile');
  api.accessToken.removeScope('write:billing');
  try {
    api.accessToken.addScope('read profile');
  } catch (err) {
    console.warn(err.message);
  }
};
