//! Host plumbing ops: the event for the running handler, the clock, the seed,
//! console capture and handler failures. No access to files, network or
//! environment goes through here.

use deno_core::{op2, OpState};

use crate::state::HostState;

#[op2]
#[string]
pub(crate) fn op_host_event(state: &mut OpState) -> String {
    std::mem::take(&mut state.borrow_mut::<HostState>().event_json)
}

#[op2(fast)]
pub(crate) fn op_host_now(state: &mut OpState) -> f64 {
    match state.borrow::<HostState>().virtual_now_ms {
        Some(ms) => ms,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64),
    }
}

#[op2(fast)]
pub(crate) fn op_host_seed(state: &mut OpState) -> u32 {
    state.borrow::<HostState>().seed
}

#[op2(fast)]
pub(crate) fn op_host_console(state: &mut OpState, level: u32, #[string] message: String) {
    let level = match level {
        0 => "log",
        1 => "info",
        2 => "warn",
        3 => "error",
        4 => "debug",
        _ => "trace",
    };
    let host = state.borrow_mut::<HostState>();
    let after_calls = host
        .transaction
        .as_ref()
        .map_or(0, |tx| tx.invocations().last().map_or(0, |i| i.calls.len()));
    host.console.push(level, message, after_calls);
}

#[op2(fast)]
pub(crate) fn op_host_handler_failed(state: &mut OpState, #[string] description: String) {
    state.borrow_mut::<HostState>().failure = Some(description);
}
