// Baseline for the suite benchmark: the fair, minimal Node.js equivalent of
// `actions test DIR` over a folder of flow files (see bench/gen-flows).
//
// Per flow it: reads and parses the file; builds the event (the default
// event, structuredClone'd, with the flow's partial `event` deep-merged over
// it, `null` removing a key) and gives each action its own secrets; creates a
// FRESH `vm` context (only `exports`, `module` and a `require` that throws);
// compiles each action with `new vm.Script` and awaits
// `onExecutePostLogin(event, api)` with a mock `api` that records calls (as
// in bench/node-baseline.js); calls `onContinuePostLogin` when the action
// redirected and the flow has `responses.continue`; applies the MFA effect
// between actions (challenge/enroll adds an `mfa` method, enroll adds the
// factor); applies app_metadata writes; stops at a deny; then checks the
// flow's `expect` outcome, deny message, MFA command count, ID token claims
// and user app_metadata.
//
// What it deliberately does not do: no rule enforcement (no API-misuse or
// ordering errors, no timeouts, no MFA pause/resume semantics, no secret
// checks on tokens, no redirect-URL validation), no `logs` expectations, no
// report (only `N passed, M failed`), no frozen clock or seeded randomness.
//
//   node bench/node-suite-baseline.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const crypto = require('crypto');

const DEFAULT_EVENT = JSON.parse(fs.readFileSync(
  path.join(__dirname, '..', 'crates', 'actions-flow', 'src', 'default-event.json'), 'utf8'));

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function deepMerge(base, overlay) {
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete base[k];
    else if (isObj(v) && isObj(base[k])) deepMerge(base[k], v);
    else base[k] = structuredClone(v);
  }
  return base;
}

const b64url = (s) => Buffer.from(s).toString('base64url');
function hs256(secret, payload) {
  const body = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${crypto.createHmac('sha256', secret).update(body).digest('base64url')}`;
}

// The recording mock `api`: every method records {method, args} into `state.calls`.
function makeApi(state, flow) {
  const rec = (method, chain, effect) => (...args) => {
    state.calls.push({ method, args });
    const out = effect ? effect(...args) : undefined;
    return chain ? api : out;
  };
  const api = {
    access: { deny: rec('access.deny', true, (reason) => { state.denied = String(reason); }) },
    accessToken: { setCustomClaim: rec('accessToken.setCustomClaim', true, (k, v) => { state.accessToken[k] = v; }) },
    idToken: { setCustomClaim: rec('idToken.setCustomClaim', true, (k, v) => { state.idToken[k] = v; }) },
    authentication: {
      challengeWith: rec('authentication.challengeWith', false, (f) => state.mfa.push({ type: f.type })),
      challengeWithAny: rec('authentication.challengeWithAny', false, (fs) => state.mfa.push({ type: fs[0].type })),
      enrollWith: rec('authentication.enrollWith', false, (f) => state.mfa.push({ type: f.type, enroll: true })),
      enrollWithAny: rec('authentication.enrollWithAny', false, (fs) => state.mfa.push({ type: fs[0].type, enroll: true })),
    },
    user: {
      setAppMetadata: rec('user.setAppMetadata', true, (k, v) => { state.appMetadata[k] = v; }),
      setUserMetadata: rec('user.setUserMetadata', true, (k, v) => { state.userMetadata[k] = v; }),
    },
    redirect: {
      encodeToken: rec('redirect.encodeToken', false, ({ secret, payload }) => hs256(secret, payload)),
      sendUserTo: rec('redirect.sendUserTo', true, (url) => { state.redirect = url; }),
      validateToken: rec('redirect.validateToken', false,
        () => (flow.responses && flow.responses.continue && flow.responses.continue[0].token || {}).claims),
    },
  };
  return api;
}

async function runFlow(file) {
  const flow = JSON.parse(fs.readFileSync(file, 'utf8'));
  const event = deepMerge(structuredClone(DEFAULT_EVENT), flow.event || {});
  const baseSecrets = event.secrets || {};
  const now = flow.clock || new Date().toISOString();
  for (const m of event.authentication.methods) m.timestamp ??= now;
  const state = { calls: [], mfa: [], idToken: {}, accessToken: {}, denied: null, redirect: null,
    appMetadata: event.user.app_metadata, userMetadata: event.user.user_metadata };
  const api = makeApi(state, flow);
  const module = { exports: {} };
  const ctx = vm.createContext({
    module, exports: module.exports,
    require: (name) => { throw new Error(`require('${name}') is not available`); },
  });
  for (const [i, action] of flow.actions.entries()) {
    module.exports = ctx.exports = {};
    new vm.Script(action.code, { filename: `${action.name || i}.js` }).runInContext(ctx);
    const handlers = ctx.module.exports;
    event.secrets = { ...baseSecrets, ...(action.secrets || {}) };
    state.redirect = null;
    await handlers.onExecutePostLogin(event, api);
    if (state.denied === null && state.redirect && handlers.onContinuePostLogin
        && flow.responses && flow.responses.continue) {
      await handlers.onContinuePostLogin(event, api);
    }
    if (state.denied !== null) break;
    for (const m of state.mfa.splice(0)) {
      event.authentication.methods.push({ name: 'mfa', type: m.type, timestamp: now });
      if (m.enroll) event.user.enrolledFactors.push({ type: m.type });
    }
  }
  return check(flow.expect || {}, state);
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
function check(expect, state) {
  const outcome = state.denied !== null ? 'denied' : 'allowed';
  if (expect.outcome && expect.outcome !== outcome) return `outcome ${outcome}, expected ${expect.outcome}`;
  if (expect.error && expect.error.message !== undefined && expect.error.message !== state.denied) {
    return `deny message ${JSON.stringify(state.denied)}, expected ${JSON.stringify(expect.error.message)}`;
  }
  if (expect.mfa_commands_used !== undefined) {
    const used = state.calls.filter((c) => /^authentication\.(challenge|enroll)/.test(c.method)).length;
    if (used !== expect.mfa_commands_used) return `${used} MFA commands, expected ${expect.mfa_commands_used}`;
  }
  for (const [k, v] of Object.entries((expect.id_token || {}).claims || {})) {
    if (!same(state.idToken[k], v)) return `id_token claim ${k} is ${JSON.stringify(state.idToken[k])}`;
  }
  for (const [k, v] of Object.entries((expect.user || {}).app_metadata || {})) {
    if (!same(state.appMetadata[k], v)) return `app_metadata.${k} is ${JSON.stringify(state.appMetadata[k])}`;
  }
  return null;
}

(async () => {
  const dir = process.argv[2];
  if (!dir) { process.stderr.write('usage: node bench/node-suite-baseline.js DIR\n'); process.exit(2); }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.flow.json')).sort();
  let passed = 0, failed = 0;
  const start = process.hrtime.bigint();
  for (const f of files) {
    let problem;
    try { problem = await runFlow(path.join(dir, f)); } catch (e) { problem = `error: ${e && e.message}`; }
    if (problem === null) passed++;
    else { failed++; process.stderr.write(`FAIL ${f}: ${problem}\n`); }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  process.stderr.write(`${files.length} flows in ${ms.toFixed(1)} ms\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
})();
