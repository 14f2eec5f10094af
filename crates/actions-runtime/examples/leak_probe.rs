//! Runs one Action as N flows on one reused runtime and prints the engine's
//! heap and the process's resident memory every 2,000 flows: a leak probe.
//!
//! `cargo run --release -p actions-runtime --example leak_probe [N] [CODE]`
//!
//! Found with it (BENCHMARKS.md): every `throw`, even one the Action
//! caught, cost about 2.4 KB the engine never gave back (fixed:
//! third_party/README.md, changes 4–7).

#![allow(clippy::print_stdout)]

use std::time::Duration;

use actions_runtime::{Host, HostOptions};

#[path = "../tests/support/probe.rs"]
mod probe;

fn main() {
    let mut args = std::env::args().skip(1);
    let flows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let code = args.next().unwrap_or_else(|| {
        "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('x', 1); };"
            .to_owned()
    });
    let mut host = Host::new(HostOptions::default()).expect("runtime");
    let budget = Duration::from_secs(5);
    for flow in 0..=flows {
        let (_, invocation) = probe::one_flow(&mut host, &code, budget);
        if flow == 0 {
            println!(
                "first flow's failure: {:?}",
                invocation.failure.map(|f| f.message)
            );
        }
        if flow % 2000 == 0 {
            println!(
                "{flow:>6} flows: JS heap {:>9} bytes, resident {:>8} KiB",
                host.heap_used(),
                probe::resident_kib()
            );
        }
    }
}
