//! Host plumbing ops: the event for the running handler, the clock, the seed,
//! console capture and handler failures. No access to files, network or
//! environment goes through here.

use deno_core::{op2, OpState};

use crate::state::HostState;

/// The running handler's event as JSON text, for the glue's `JSON.parse`:
/// each handler gets exactly what `JSON.parse` gives, as a fresh object
/// graph. The text is not parsed or checked here: text that is not JSON
/// reaches `JSON.parse` as it is, to report.
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

/// One Action of a `load_all` call is initialised: `code` 0 ok, 1 no
/// handler, 2 its top-level code threw. What it printed is its own.
#[op2(fast)]
pub(crate) fn op_host_init_done(state: &mut OpState, code: u32) {
    let host = state.borrow_mut::<HostState>();
    let console = std::mem::take(&mut host.console).lines;
    host.inits.push((code, console));
}

/// The running handler has settled: returned, or failed (reported first
/// through [`op_host_handler_failed`]).
#[op2(fast)]
pub(crate) fn op_host_handler_settled(state: &mut OpState) {
    state.borrow_mut::<HostState>().settled = true;
}

#[op2(fast)]
pub(crate) fn op_host_handler_failed(state: &mut OpState, #[string] description: String) {
    state.borrow_mut::<HostState>().failure = Some(description);
}
