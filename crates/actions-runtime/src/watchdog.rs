//! A thread that terminates JS execution when a handler overruns its budget.
//! One per [`crate::Host`]; armed before each invocation, disarmed after.

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

use deno_core::v8;

#[derive(Default)]
struct Shared {
    /// The current deadline and its generation.
    deadline: Option<(Instant, u64)>,
    /// The generation that fired, if any.
    fired: Option<u64>,
    /// When the watchdog thread will next wake by itself (`None`: only when
    /// notified). Arming wakes it only when the new deadline comes sooner,
    /// so the steady state of many short calls costs no thread wake-ups.
    wakes_at: Option<Instant>,
    shutdown: bool,
}

pub(crate) struct Watchdog {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    generation: u64,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    pub(crate) fn new(isolate: v8::IsolateHandle) -> Self {
        let shared = Arc::new((Mutex::new(Shared::default()), Condvar::new()));
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("actions-watchdog".into())
            .spawn(move || watch(&theirs, &isolate))
            .expect("spawning the watchdog thread");
        Watchdog {
            shared,
            generation: 0,
            thread: Some(thread),
        }
    }

    pub(crate) fn arm(&mut self, deadline: Instant) {
        self.generation += 1;
        let (lock, cvar) = &*self.shared;
        let mut shared = lock.lock().expect("watchdog lock");
        shared.deadline = Some((deadline, self.generation));
        shared.fired = None;
        if shared.wakes_at.is_none_or(|wakes_at| wakes_at > deadline) {
            cvar.notify_one();
        }
    }

    /// Disarms; returns whether the deadline fired for this arming.
    pub(crate) fn disarm(&mut self) -> bool {
        let (lock, _) = &*self.shared;
        let mut shared = lock.lock().expect("watchdog lock");
        // No need to wake the thread: when it wakes at the old deadline it
        // finds none, or a newer one, and goes back to sleep.
        shared.deadline = None;
        shared.fired == Some(self.generation)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        {
            let (lock, cvar) = &*self.shared;
            let mut shared = lock.lock().expect("watchdog lock");
            shared.shutdown = true;
            cvar.notify_one();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &(Mutex<Shared>, Condvar), isolate: &v8::IsolateHandle) {
    let (lock, cvar) = shared;
    let mut state = lock.lock().expect("watchdog lock");
    loop {
        if state.shutdown {
            return;
        }
        match state.deadline {
            None => {
                state.wakes_at = None;
                state = cvar.wait(state).expect("watchdog lock");
            }
            Some((deadline, generation)) => {
                let now = Instant::now();
                if now >= deadline {
                    state.fired = Some(generation);
                    state.deadline = None;
                    isolate.terminate_execution();
                } else {
                    state.wakes_at = Some(deadline);
                    state = cvar
                        .wait_timeout(state, deadline - now)
                        .expect("watchdog lock")
                        .0;
                }
            }
        }
    }
}
