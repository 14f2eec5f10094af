//! The JS floor of the 3-action MFA flow on this engine (issue 7): the work
//! any QuickJS embedding must do per flow, with none of ours. One plain
//! `JsRuntime` (no extension, no glue, no realm restore), the three Actions
//! of `crates/actions-flow/benches/flow.rs` compiled once as CommonJS
//! wrappers; per flow, each wrapper runs for fresh `exports`, and each
//! handler is awaited with its event (a copy of a parsed event the size and
//! shape of the flow's) and a mock `api` that records calls into an array.
//! The MFA effect between Actions is applied to the events in JS.
//!
//! `cargo run --release -p actions-runtime --example js_floor [FLOWS]`

#![allow(clippy::print_stdout)]

use std::time::Instant;

use deno_core::{v8, JsRuntime, PollEventLoopOptions, RuntimeOptions};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT_EVENT: &str = include_str!("../../actions-flow/src/default-event.json");

const SCRIPT: &str = r#"
const CHALLENGE = `exports.onExecutePostLogin = async (event, api) => {
  const factors = event.user.enrolledFactors || [];
  if (factors.length) api.authentication.challengeWithAny(factors.map((f) => ({ type: f.type })));
};`;
const ENROLL = `exports.onExecutePostLogin = async (event, api) => {
  const types = (event.user.enrolledFactors || []).map((f) => f.type);
  if (!types.includes('webauthn-roaming')) api.authentication.enrollWith({ type: 'webauthn-roaming' });
};`;
const CLAIMS = `exports.onExecutePostLogin = async (event, api) => {
  const mfa = event.authentication.methods.filter((m) => m.name === 'mfa').map((m) => m.type);
  api.idToken.setCustomClaim('https://example.com/mfa', mfa);
  api.user.setAppMetadata('last_mfa', mfa.join(','));
};`;
const wrappers = [CHALLENGE, ENROLL, CLAIMS].map((code) =>
  new Function("exports", "require", "module", "__filename", "__dirname", code));
const copy = globalThis.__v8x_actions_clone_json ?? ((v) => JSON.parse(JSON.stringify(v)));
const require = () => { throw new Error("no modules"); };

globalThis.floor = async (flows, text) => {
  // Three events, as the flow's three handlers see them.
  const events = [0, 1, 2].map(() => JSON.parse(text));
  events[0].user.enrolledFactors = [{ type: "otp" }];
  events[1].user.enrolledFactors = [{ type: "otp" }];
  events[1].authentication.methods.push({ name: "mfa", type: "otp", timestamp: "2026-01-01T00:00:01.000Z" });
  events[2].user.enrolledFactors = [{ type: "otp" }, { type: "webauthn-roaming" }];
  events[2].authentication.methods = events[1].authentication.methods.concat(
    [{ name: "mfa", type: "webauthn-roaming", timestamp: "2026-01-01T00:00:02.000Z" }]);
  let total = 0;
  for (let f = 0; f < flows; f++) {
    const calls = [];
    const record = (method) => (...args) => { calls.push({ method, args }); return api; };
    const api = {
      authentication: { challengeWithAny: record("authentication.challengeWithAny"), enrollWith: record("authentication.enrollWith") },
      idToken: { setCustomClaim: record("idToken.setCustomClaim") },
      user: { setAppMetadata: record("user.setAppMetadata") },
    };
    for (let a = 0; a < 3; a++) {
      const module = { exports: {} };
      wrappers[a].call(module.exports, module.exports, require, module, `a${a}.js`, "/");
      await module.exports.onExecutePostLogin(copy(events[a]), api);
    }
    total += calls.length;
  }
  return total;
};
"#;

fn main() {
    let flows: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    runtime
        .execute_script("floor.js", SCRIPT)
        .expect("the probe compiles");
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    let mut run = |flows: usize| {
        let call = format!(
            "floor({flows}, {})",
            serde_json::to_string(DEFAULT_EVENT).expect("text")
        );
        let started = Instant::now();
        let promise = runtime
            .execute_script("run.js", call)
            .expect("the probe runs");
        let resolved = runtime.resolve(promise);
        let value = tokio
            .block_on(runtime.with_event_loop_promise(resolved, PollEventLoopOptions::default()))
            .expect("the probe settles");
        let elapsed = started.elapsed();
        deno_core::scope!(scope, &mut runtime);
        let calls = v8::Local::new(scope, value)
            .integer_value(scope)
            .unwrap_or(0);
        assert_eq!(calls, 4 * flows as i64, "each flow makes four api calls");
        elapsed
    };
    run(1000);
    let elapsed = run(flows);
    let per_flow = elapsed.as_secs_f64() * 1e6 / flows as f64;
    println!(
        "JS floor of the 3-action MFA flow: {per_flow:.1} µs per flow ({:.0} flows/s) over {flows} flows",
        1e6 / per_flow
    );
}
