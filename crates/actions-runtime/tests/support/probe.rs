//! Shared by `tests/memory.rs` and `examples/leak_probe.rs` (through
//! `#[path]`): one Action run as a whole flow on a reused runtime, and the
//! process's resident memory.

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, Invocation};

/// Begins a flow, loads `code` as the flow's one Action and invokes its
/// `onExecutePostLogin` with an empty event.
pub(crate) fn one_flow(host: &mut Host, code: &str, budget: Duration) -> (Transaction, Invocation) {
    host.begin_flow(1, Some(0)).expect("a reusable runtime");
    let source = ActionSource {
        file: "probe.js".into(),
        code: code.into(),
        dir: std::env::temp_dir(),
    };
    let index = host.load(&source, budget).expect("the Action loads");
    let mut tx = Transaction::new(Tenant::default(), UserState::default(), vec![], vec![]);
    tx.begin("probe", 0, "onExecutePostLogin");
    let (tx, invocation) = host.invoke(
        index,
        "onExecutePostLogin",
        "{}".into(),
        Box::new(tx),
        budget,
    );
    (*tx, invocation)
}

/// The process's resident memory (`VmRSS`), in KiB.
pub(crate) fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}
