//! Runs one Action as N flows on one reused runtime and prints the engine's
//! heap and the process's resident memory every 2,000 flows: a leak probe.
//!
//! `cargo run --release -p actions-runtime --example leak_probe [N] [CODE]`
//!
//! Found with it (BENCHMARKS.md): every `throw`, even one the Action
//! catches, costs about 2.4 KB the engine never gives back.

#![allow(clippy::print_stdout)]

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, HostOptions};

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
        host.begin_flow(1, Some(0)).expect("a reusable runtime");
        let source = ActionSource {
            file: "probe.js".into(),
            code: code.clone(),
            dir: std::env::temp_dir(),
        };
        let index = host.load(&source, budget).expect("the Action loads");
        let mut tx = Transaction::new(Tenant::default(), UserState::default(), vec![], vec![]);
        tx.begin("probe", 0, "onExecutePostLogin");
        let (_, invocation) = host.invoke(index, "onExecutePostLogin", "{}".into(), tx, budget);
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
                resident_kib()
            );
        }
    }
}

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
