//! The warm-invocation harness shared by `benches/host.rs` (criterion) and
//! `examples/bench_invoke.rs` (the hand-timed figures in BENCHMARKS.md), so
//! both measure exactly the same thing.

use std::time::Duration;

use actions_core::{HandlerEnd, Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host};
use serde_json::json;

/// The admin example's handler: two MFA calls (two ops) per invocation.
pub(crate) const ADMIN: &str =
    include_str!("../../../../actions/admin-security-key/require-keys.js");
/// The baseline: an empty `async` handler.
pub(crate) const EMPTY: &str = "exports.onExecutePostLogin = async (event, api) => {};";

pub(crate) const BUDGET: Duration = Duration::from_secs(20);

/// A warm runtime in a begun flow that loads Actions and runs one invocation:
/// a new transaction, `begin`, `invoke`, `end`.
pub(crate) struct Warm {
    pub(crate) host: Host,
    event: String,
}

impl Warm {
    pub(crate) fn new(mut host: Host) -> Warm {
        host.begin_flow(1, Some(1_767_225_600_000)).expect("begin");
        let event = json!({
            "user": { "user_id": "auth0|42", "app_metadata": { "roles": ["admin"] }, "enrolledFactors": [{ "type": "otp" }] },
            "authentication": { "methods": [{ "name": "pwd", "timestamp": "2026-01-01T00:00:00.000Z" }] },
            "request": { "ip": "13.33.86.47", "geoip": { "countryCode": "US" } },
            "secrets": {}
        })
        .to_string();
        Warm { host, event }
    }

    pub(crate) fn load(&mut self, file: &str, code: &str) -> usize {
        self.host
            .load(
                &ActionSource {
                    file: file.into(),
                    code: code.into(),
                    dir: std::env::temp_dir(),
                },
                BUDGET,
            )
            .expect("load")
    }

    pub(crate) fn run(&mut self, index: usize) -> Transaction {
        let user = UserState {
            app_metadata: json!({ "roles": ["admin"] }),
            user_metadata: json!({}),
            enrolled_factors: vec![json!({ "type": "otp" })].into(),
        };
        let mut tx = Transaction::new(Tenant::default(), user, vec![], vec![]);
        tx.begin("a", 0, "onExecutePostLogin");
        let (mut tx, invocation) = self.host.invoke(
            index,
            "onExecutePostLogin",
            self.event.clone(),
            Box::new(tx),
            BUDGET,
        );
        assert!(invocation.failure.is_none(), "{:?}", invocation.failure);
        tx.end(HandlerEnd::Returned);
        *tx
    }

    /// How many api calls one invocation of `index` records.
    pub(crate) fn calls(&mut self, index: usize) -> usize {
        self.run(index).invocations()[0].calls.len()
    }
}
