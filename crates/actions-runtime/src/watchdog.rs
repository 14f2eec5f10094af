//! Ends JS execution when a handler overruns its budget. One per
//! [`crate::Host`]; armed before each call, disarmed after.
//!
//! On QuickJS the check runs on the JS thread itself: the engine polls for
//! interrupts every few thousand operations (loop back-edges and calls, and
//! inside regular expressions), and a queued interrupt compares the clock
//! with the deadline and queues itself again. No thread is started: a child
//! process that ran a flow with a thread beside it paid for the thread and,
//! for every page it copied on write, for flushing the other core's TLB
//! (22 % of a suite's CPU time, BENCHMARKS.md). A blocked native call is
//! not ended by either kind of watchdog; the sandbox's kill is
//! (`actions-sandbox`).
//!
//! On V8 an interrupt that queues itself again would run at every stack
//! check, so a thread waits for the deadline there instead.

#[cfg(not(feature = "v8"))]
pub(crate) use polled::Watchdog;
#[cfg(feature = "v8")]
pub(crate) use threaded::Watchdog;

#[cfg(not(feature = "v8"))]
mod polled {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::ffi::c_void;
    use std::rc::Rc;
    use std::time::Instant;

    use deno_core::v8;

    thread_local! {
        /// The watchdogs of this thread's hosts, by the id their queued
        /// interrupts carry: an interrupt that outlives its watchdog finds
        /// nothing and does nothing.
        static WATCHDOGS: RefCell<HashMap<usize, Rc<State>>> = RefCell::new(HashMap::new());
        static NEXT_ID: Cell<usize> = const { Cell::new(1) };
    }

    struct State {
        isolate: v8::IsolateHandle,
        deadline: Cell<Option<Instant>>,
        fired: Cell<bool>,
        /// Whether an interrupt is queued (at most one is).
        queued: Cell<bool>,
    }

    pub(crate) struct Watchdog {
        id: usize,
        state: Rc<State>,
    }

    impl Watchdog {
        pub(crate) fn new(isolate: v8::IsolateHandle) -> Self {
            let id = NEXT_ID.with(|next| next.replace(next.get() + 1));
            let state = Rc::new(State {
                isolate,
                deadline: Cell::new(None),
                fired: Cell::new(false),
                queued: Cell::new(false),
            });
            WATCHDOGS.with(|all| all.borrow_mut().insert(id, Rc::clone(&state)));
            Watchdog { id, state }
        }

        pub(crate) fn arm(&mut self, deadline: Instant) {
            self.state.deadline.set(Some(deadline));
            self.state.fired.set(false);
            if !self.state.queued.get() {
                queue(self.id, &self.state);
            }
        }

        /// Disarms; returns whether the deadline fired for this arming.
        pub(crate) fn disarm(&mut self) -> bool {
            // A queued interrupt finds no deadline and does not queue again.
            self.state.deadline.set(None);
            self.state.fired.get()
        }
    }

    impl Drop for Watchdog {
        fn drop(&mut self) {
            WATCHDOGS.with(|all| all.borrow_mut().remove(&self.id));
        }
    }

    fn queue(id: usize, state: &State) {
        state.queued.set(true);
        // The id travels as the interrupt's data; it is never dereferenced.
        state.isolate.request_interrupt(check, id as *mut c_void);
    }

    /// The queued interrupt: on the JS thread, while JS runs.
    extern "C" fn check(_isolate: v8::UnsafeRawIsolatePtr, data: *mut c_void) {
        let id = data as usize;
        let Some(state) = WATCHDOGS.with(|all| all.borrow().get(&id).cloned()) else {
            return;
        };
        state.queued.set(false);
        let Some(deadline) = state.deadline.get() else {
            return;
        };
        if Instant::now() >= deadline {
            state.deadline.set(None);
            state.fired.set(true);
            state.isolate.terminate_execution();
        } else {
            queue(id, &state);
        }
    }
}

#[cfg(feature = "v8")]
mod threaded {
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
}
