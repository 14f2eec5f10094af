//! Criterion benchmark of one whole flow as `actions test` runs it: the
//! 3-action MFA flow of `bench/gen-flows` (kind 0: challenge, enroll,
//! claims) read from its file, loaded, run on a reused runtime and checked
//! against its `expect` block ([`suite::check`] with one [`Runner`]).
//!
//! `cargo bench -p actions-flow --bench flow` (add `-- --quick` for a short
//! run). BENCHMARKS.md has the same mix measured through the CLI.

use actions_flow::suite::{self, Options, Status};
use actions_flow::Runner;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::json;

/// The allocator the `actions` binary runs on (see its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CHALLENGE: &str = "exports.onExecutePostLogin = async (event, api) => {
  const factors = event.user.enrolledFactors || [];
  if (factors.length) api.authentication.challengeWithAny(factors.map((f) => ({ type: f.type })));
};";
const ENROLL: &str = "exports.onExecutePostLogin = async (event, api) => {
  const types = (event.user.enrolledFactors || []).map((f) => f.type);
  if (!types.includes('webauthn-roaming')) api.authentication.enrollWith({ type: 'webauthn-roaming' });
};";
const CLAIMS: &str = "exports.onExecutePostLogin = async (event, api) => {
  const mfa = event.authentication.methods.filter((m) => m.name === 'mfa').map((m) => m.type);
  api.idToken.setCustomClaim('https://example.com/mfa', mfa);
  api.user.setAppMetadata('last_mfa', mfa.join(','));
};";

fn mfa_flow_3_actions(c: &mut Criterion) {
    // `bench/gen-flows` flow 0, field for field.
    let flow = json!({
        "name": "generated 0",
        "clock": "2026-01-01T00:00:00Z",
        "seed": 0,
        "actions": [
            { "name": "challenge", "code": CHALLENGE },
            { "name": "enroll", "code": ENROLL },
            { "name": "claims", "code": CLAIMS }
        ],
        "event": { "user": { "user_id": "auth0|0", "enrolledFactors": [{ "type": "otp" }] } },
        "expect": {
            "outcome": "allowed",
            "mfa_commands_used": 2,
            "id_token": { "claims": { "https://example.com/mfa": ["otp", "webauthn-roaming"] } },
            "logs": ["s"]
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("f00000.flow.json");
    std::fs::write(&path, flow.to_string()).expect("write the flow file");

    // As `actions test` runs it: the report is built only for `expect`.
    let options = Options::default();
    let mut runner = Runner::default();
    // Once before measuring, with the report kept to look at, so a failing
    // flow cannot be what is measured.
    let keep = Options {
        reports: true,
        ..Options::default()
    };
    let result = suite::check(&path, &keep, &mut runner);
    assert!(
        matches!(result.status, Status::Passed),
        "{:?}",
        result.status
    );
    let report = result.report.expect("a report");
    assert_eq!(report["outcome"], "allowed", "{report:#}");
    assert_eq!(report["mfa_commands_used"], 2, "{report:#}");

    let mut group = c.benchmark_group("flow");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mfa_flow_3_actions", |b| {
        b.iter(|| suite::check(&path, &options, &mut runner));
    });
    group.finish();
    // One runtime served every flow: runtime creation is not in the figure.
    assert_eq!(runner.runtimes_created(), 1);
}

criterion_group!(benches, mfa_flow_3_actions);
criterion_main!(benches);
