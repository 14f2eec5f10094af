/** Removes a stale key; deleting a missing key reports an error code, it does not throw. */
exports.onExecutePostLogin = async (event, api) => {
  const first = api.cache.delete('legacy_token');
  const second = api.cache.delete('legacy_token');
  console.log(first.type, second.type, second.code);
  const big = api.cache.set('too_big', 'x'.repeat(5000));
  console.log('oversized value:', big.type, big.code);
};
