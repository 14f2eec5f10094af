//! Measures one handler invocation on a warm runtime, against a baseline run
//! in the same process: an empty `async` handler on the same runtime.
//!
//! `cargo run --release -p actions-runtime --example bench_invoke [ITERATIONS]`

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use actions_core::{HandlerEnd, Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, HostOptions};
use serde_json::json;

const ADMIN: &str = include_str!("../../../actions/admin-security-key/require-keys.js");
const EMPTY: &str = "exports.onExecutePostLogin = async (event, api) => {};";

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let started = Instant::now();
    let mut host = Host::new(HostOptions::default()).expect("runtime");
    let first_runtime = started.elapsed();
    let started = Instant::now();
    let again = Host::new(HostOptions::default()).expect("runtime");
    let later_runtime = started.elapsed();
    drop(again);

    host.begin_flow(1, Some(1_767_225_600_000)).expect("begin");
    let budget = Duration::from_secs(20);
    let admin = host
        .load(
            &ActionSource {
                file: "require-keys.js".into(),
                code: ADMIN.into(),
                dir: std::env::temp_dir(),
            },
            budget,
        )
        .expect("load");
    let empty = host
        .load(
            &ActionSource {
                file: "empty.js".into(),
                code: EMPTY.into(),
                dir: std::env::temp_dir(),
            },
            budget,
        )
        .expect("load");

    let event = json!({
        "user": { "user_id": "auth0|42", "app_metadata": { "roles": ["admin"] }, "enrolledFactors": [{ "type": "otp" }] },
        "authentication": { "methods": [{ "name": "pwd", "timestamp": "2026-01-01T00:00:00.000Z" }] },
        "request": { "ip": "13.33.86.47", "geoip": { "countryCode": "US" } },
        "secrets": {}
    })
    .to_string();

    let mut run = |index: usize| {
        let user = UserState {
            app_metadata: json!({ "roles": ["admin"] }),
            user_metadata: json!({}),
            enrolled_factors: vec![json!({ "type": "otp" })],
        };
        let mut tx = Transaction::new(Tenant::default(), user, vec![], vec![]);
        tx.begin("a", 0, "onExecutePostLogin");
        let (mut tx, invocation) =
            host.invoke(index, "onExecutePostLogin", event.clone(), tx, budget);
        assert!(invocation.failure.is_none(), "{:?}", invocation.failure);
        tx.end(HandlerEnd::Returned);
        tx
    };
    // The admin handler makes two MFA calls (two ops) per invocation.
    assert_eq!(run(admin).invocations()[0].calls.len(), 2);
    for _ in 0..1000 {
        run(admin);
        run(empty);
    }
    let time = |run: &mut dyn FnMut(usize) -> Transaction, index: usize| {
        let started = Instant::now();
        for _ in 0..iterations {
            run(index);
        }
        started.elapsed() / iterations
    };
    let empty_time = time(&mut run, empty);
    let admin_time = time(&mut run, admin);
    // Starting a flow on a reused runtime: restore globals and intrinsics.
    let flows = (iterations / 10).max(1);
    let started = Instant::now();
    for _ in 0..flows {
        again_flow(&mut host);
    }
    let begin_flow = started.elapsed() / flows;
    println!(
        "begin_flow on a reused runtime (restore globals and intrinsics): {:.1} µs",
        us(begin_flow)
    );
    println!(
        "runtime creation: first in process {:.1} ms, later {:.1} ms",
        ms(first_runtime),
        ms(later_runtime)
    );
    println!(
        "warm invocation, empty handler (baseline): {:.1} µs",
        us(empty_time)
    );
    println!(
        "warm invocation, admin require-keys (2 MFA ops): {:.1} µs",
        us(admin_time)
    );
    println!(
        "ratio admin / empty: {:.2}x over {iterations} iterations each",
        us(admin_time) / us(empty_time)
    );
}

fn again_flow(host: &mut Host) {
    host.begin_flow(1, Some(1_767_225_600_000)).expect("begin");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
