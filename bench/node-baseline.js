// Baseline for the cold-process benchmark: Node.js running the same Action
// files in order with a plain mock `api` that records calls (no rules, no MFA
// pause). A fair, minimal harness: what a hand-written Node mock would do.
//
//   node bench/node-baseline.js actions/admin-security-key/require-keys.js actions/admin-security-key/audit.js
'use strict';
const path = require('path');

const calls = [];
const record = (name, chain) => (...args) => { calls.push({ name, args }); return chain ? api : undefined; };
const api = {
  access: { deny: record('access.deny', true) },
  accessToken: { setCustomClaim: record('accessToken.setCustomClaim', true) },
  idToken: { setCustomClaim: record('idToken.setCustomClaim', true) },
  authentication: {
    challengeWith: record('authentication.challengeWith'),
    challengeWithAny: record('authentication.challengeWithAny'),
    enrollWith: record('authentication.enrollWith'),
    enrollWithAny: record('authentication.enrollWithAny'),
  },
  user: { setAppMetadata: record('user.setAppMetadata', true), setUserMetadata: record('user.setUserMetadata', true) },
};

const event = {
  user: { user_id: 'auth0|42', app_metadata: { roles: ['admin'] }, user_metadata: {}, enrolledFactors: [{ type: 'otp' }] },
  authentication: { methods: [{ name: 'pwd', timestamp: new Date().toISOString() }] },
  request: { ip: '13.33.86.47', geoip: { countryCode: 'US' } },
  secrets: {},
};

(async () => {
  for (const file of process.argv.slice(2)) {
    const action = require(path.resolve(file));
    await action.onExecutePostLogin(event, api);
  }
  process.stdout.write(JSON.stringify({ calls }) + '\n');
})();
