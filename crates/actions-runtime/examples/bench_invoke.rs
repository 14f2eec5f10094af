//! Measures one handler invocation on a warm runtime, against a baseline run
//! in the same process: an empty `async` handler on the same runtime.
//!
//! `cargo run --release -p actions-runtime --example bench_invoke [ITERATIONS]`

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use actions_runtime::{Host, HostOptions};

/// The allocator the `actions` binary runs on (see its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/warm.rs"]
mod warm;
use warm::{Warm, ADMIN, EMPTY};

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let started = Instant::now();
    let host = Host::new(HostOptions::default()).expect("runtime");
    let first_runtime = started.elapsed();
    let started = Instant::now();
    let again = Host::new(HostOptions::default()).expect("runtime");
    let later_runtime = started.elapsed();
    drop(again);

    let mut warm = Warm::new(host);
    let admin = warm.load("require-keys.js", ADMIN);
    let empty = warm.load("empty.js", EMPTY);
    // The admin handler makes two MFA calls (two ops) per invocation.
    assert_eq!(warm.calls(admin), 2);
    for _ in 0..1000 {
        warm.run(admin);
        warm.run(empty);
    }
    let mut time = |index: usize| {
        let started = Instant::now();
        for _ in 0..iterations {
            warm.run(index);
        }
        started.elapsed() / iterations
    };
    let empty_time = time(empty);
    let admin_time = time(admin);
    // Starting a flow on a reused runtime: restore globals and intrinsics.
    let flows = (iterations / 10).max(1);
    let started = Instant::now();
    for _ in 0..flows {
        warm.host
            .begin_flow(1, Some(1_767_225_600_000))
            .expect("begin");
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
