//! Shared by the runtime's tests (through `#[path]`): one Action invoked
//! again and again in one flow, and the process's resident memory.

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, Invocation};

/// Begins a flow, loads `code` as /// Begins the host's flow and loads `code` as its one Action.
pub(crate) fn load(host: &mut Host, code: &str, budget: Duration) -> usize {
    host.begin_flow(1, Some(0)).expect("a new host");
    let source = ActionSource {
        file: "probe.js".into(),
        code: code.into(),
        dir: std::env::temp_dir(),
    };
    host.load(&source, budget).expect("the Action loads")
}

/// Invokes the loaded Action's `onExecutePostLogin` with an empty event.
pub(crate) fn invoke(host: &mut Host, index: usize, budget: Duration) -> (Transaction, Invocation) {
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
