//! A flow's limits, enforced from outside the JS heap: its time
//! (`timeout_ms` for each `/continue`, plus [`REPORT_TIME`] to build the
//! report) and its memory (the JS heap cap plus [`MEMORY_HEADROOM_MB`]),
//! whatever its Actions are doing, a blocked native call such as
//! `Atomics.wait` included.
//!
//! `actions test` runs each flow in a process forked for it from a zygote
//! (`suite.rs`), which the zygote kills past these limits. `actions run`
//! runs its one flow in its own process, under a [`Guard`]: a thread that
//! ends the whole process past them. The engine's own time and heap checks
//! end nearly every runaway flow first, with a full report; these limits
//! are for what those checks cannot reach.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use actions_core::ErrorCode;

use crate::{LoadedFlow, Report};

/// How long a flow's process may take to load its flow and declare its
/// limits.
pub(crate) const LOAD_TIME: Duration = Duration::from_secs(30);
/// What a flow may take beyond its Actions' time limit (building and
/// checking the report).
pub const REPORT_TIME: Duration = Duration::from_secs(2);
/// How much more a flow's process may grow than its JS heap cap: the
/// engine's own bookkeeping, backing stores, native buffers, the report.
pub const MEMORY_HEADROOM_MB: u64 = 64;

/// A flow ended from outside, past one of its limits: nothing its Actions
/// did survived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Died {
    /// `timeout`, `memory_limit`, or `action_error` for a crash.
    pub code: ErrorCode,
    /// What happened.
    pub message: String,
}

impl Died {
    /// Past its time.
    pub fn timed_out() -> Died {
        Died {
            code: ErrorCode::Timeout,
            message: "the execution exceeded its time limit and would not stop; it was ended"
                .to_owned(),
        }
    }

    /// Past its memory, outside the JS heap.
    pub fn out_of_memory() -> Died {
        Died {
            code: ErrorCode::MemoryLimit,
            message: "the execution exceeded its memory limit outside the JS heap; it was ended"
                .to_owned(),
        }
    }

    /// The flow's report, made from the flow file: how the login ended.
    pub fn report(&self, flow: &LoadedFlow) -> Report {
        crate::run::ended(flow, self.code.clone(), self.message.clone())
    }
}

/// The time a flow may run, from when it starts, before it is ended from
/// outside (`actions_sandbox::GRACE` not included).
pub fn time_limit(flow: &LoadedFlow) -> Duration {
    let continues = flow.file.responses.continue_.len();
    // auth0-post-login §4.2: each `/continue` starts a new time limit.
    let actions_time = Duration::from_millis(flow.timeout_ms).saturating_mul(1 + continues as u32);
    actions_time.saturating_add(REPORT_TIME)
}

/// How much a flow's process may grow while it runs, in bytes.
pub fn memory_limit(flow: &LoadedFlow) -> u64 {
    (flow.memory_mb as u64 + MEMORY_HEADROOM_MB) << 20
}

/// The limits of a flow's forked process.
#[cfg(unix)]
pub(crate) fn limits(flow: &LoadedFlow) -> actions_sandbox::Limits {
    actions_sandbox::Limits {
        time: time_limit(flow),
        memory_bytes: Some(memory_limit(flow)),
    }
}

/// What a flow's forked process returned, or how the flow died when the
/// process did not finish.
#[cfg(unix)]
pub(crate) fn finished(outcome: actions_sandbox::Outcome) -> Result<Vec<u8>, Died> {
    use actions_sandbox::Outcome;
    Err(match outcome {
        Outcome::Finished(bytes) => return Ok(bytes),
        Outcome::TimedOut => Died::timed_out(),
        Outcome::OutOfMemory => Died::out_of_memory(),
        Outcome::Crashed(why) => Died {
            code: ErrorCode::ActionError,
            message: format!("the JS engine crashed while running this flow ({why})"),
        },
    })
}

/// Ends this process if the flow it runs outlives its limits: a thread that
/// waits for the flow's time (plus `actions_sandbox::GRACE`, as a zygote
/// does) and, on Linux, reads the process's resident memory every few
/// milliseconds. Past either, it calls
/// `on_limit`, which prints what must be printed and returns the exit code,
/// and ends the process with that code, whatever the flow is doing.
/// [`Guard::disarm`] once the flow is done.
pub struct Guard {
    shared: Arc<(Mutex<State>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct State {
    disarmed: bool,
    fired: bool,
}

impl Guard {
    /// Starts guarding `flow`, which starts now.
    pub fn start(flow: &LoadedFlow, on_limit: impl FnOnce(&Died) -> u8 + Send + 'static) -> Guard {
        let deadline = Instant::now() + time_limit(flow) + actions_sandbox::GRACE;
        let memory_cap =
            actions_sandbox::resident_bytes(None).map(|now| now.saturating_add(memory_limit(flow)));
        let shared = Arc::new((Mutex::new(State::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("actions-guard".into())
            .spawn(move || {
                if let Some(died) = watch(&theirs, deadline, memory_cap) {
                    let code = on_limit(&died);
                    actions_sandbox::end_process(i32::from(code));
                }
            })
            .expect("starting the flow's guard thread");
        Guard {
            shared,
            thread: Some(thread),
        }
    }

    /// The flow is done. If the guard fired first, this never returns: the
    /// guard is ending the process.
    pub fn disarm(mut self) {
        let (lock, cvar) = &*self.shared;
        let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
        if state.fired {
            drop(state);
            loop {
                std::thread::park();
            }
        }
        state.disarmed = true;
        cvar.notify_one();
        drop(state);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Waits until the guard is disarmed (`None`) or the flow passes a limit.
fn watch(
    shared: &(Mutex<State>, Condvar),
    deadline: Instant,
    memory_cap: Option<u64>,
) -> Option<Died> {
    let (lock, cvar) = shared;
    let mut state = lock.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if state.disarmed {
            return None;
        }
        let now = Instant::now();
        let died = if now >= deadline {
            Some(Died::timed_out())
        } else if memory_cap
            .is_some_and(|cap| actions_sandbox::resident_bytes(None).is_some_and(|rss| rss > cap))
        {
            Some(Died::out_of_memory())
        } else {
            None
        };
        if died.is_some() {
            state.fired = true;
            return died;
        }
        let wait = match memory_cap {
            Some(_) => (deadline - now).min(actions_sandbox::MEMORY_CHECK),
            None => deadline - now,
        };
        state = cvar
            .wait_timeout(state, wait)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
}
