//! [`Host`]: one JS runtime with the `actions_runtime` extension, the loaded
//! Action modules, and a watchdog. Compiles and initialises Actions, invokes
//! their handlers under a time budget, and returns what happened. It does not
//! decide what a failure means for the login: `actions-flow` does.
//!
//! A host runs one flow. Nothing a flow's code did can be undone reliably
//! (a realm holds more state than any list of objects), so a second flow gets
//! a new host, or a process forked from one that ran no flow
//! (`docs/isolation.md`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use actions_core::Transaction;
use deno_core::error::{CoreError, CoreErrorKind};
use deno_core::{v8, JsRuntime, PollEventLoopOptions, RuntimeOptions};

use crate::state::{ConsoleLine, HostState};
use crate::watchdog::Watchdog;

/// Engine settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostOptions {
    /// JS heap cap in MiB (flow-file.md §1 `limits.memory_mb`, default 128).
    pub memory_mb: usize,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions { memory_mb: 128 }
    }
}

/// An Action's code and the name it goes by in stack traces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionSource {
    /// How stack traces and errors name the file, e.g. `actions/deny.js`.
    pub file: String,
    /// The CommonJS source.
    pub code: String,
    /// The folder its `require('./x')` and `require('pkg')` resolve from
    /// (absolute). `require` may read inside it, inside the other Actions'
    /// folders, and inside `node_modules` folders above them.
    pub dir: std::path::PathBuf,
}

/// An Action that cannot run at all: bad input (flow-file.md §5, exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The code does not parse.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file as named in [`ActionSource::file`].
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The engine's message, e.g. `SyntaxError: unexpected token`.
        message: String,
    },
    /// The module has no `onExecutePostLogin` export.
    #[error("{file}: the Action does not export `onExecutePostLogin` (expected `exports.onExecutePostLogin = async (event, api) => {{ ... }}`)")]
    NoHandler {
        /// The file.
        file: String,
    },
}

/// The engine itself failed (not the Action's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JS engine error: {0}")]
pub struct HostError(pub String);

/// Why a handler did not return normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// It threw or its promise rejected (or its module's initialisation did).
    Threw,
    /// It ran out of time.
    Timeout,
    /// It awaited a promise that nothing can ever settle (the event loop has
    /// no pending work); Auth0 would run into its time limit.
    NeverSettled,
    /// It hit the heap cap.
    MemoryLimit,
}

/// A handler failure, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What kind.
    pub kind: FailureKind,
    /// The thrown value's `name` when it was an Error.
    pub name: Option<String>,
    /// `error.message`, or the string form of a non-Error throw.
    pub message: String,
    /// The stack, when there is one.
    pub stack: Option<String>,
}

/// What one handler run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// Console lines, in order (those of the module's top-level code first,
    /// on its first invocation).
    pub console: Vec<ConsoleLine>,
    /// `None` when the handler returned normally.
    pub failure: Option<Failure>,
    /// Wall time of the handler.
    pub duration: Duration,
    /// Outgoing HTTP requests, in order.
    pub http: Vec<crate::HttpRecord>,
}

/// The wrapper Node puts around CommonJS code, on the code's first line so
/// line numbers stay true; columns on line 1 are shifted by its length.
const WRAPPER_HEAD: &str = "(function (exports, require, module, __filename, __dirname) {";
const WRAPPER_TAIL: &str = "\n})";

/// Registers an Action's compiled wrapper and runs its top-level code.
const CMD_INVOKE: i32 = 2;
const CMD_BEGIN_FLOW: i32 = 3;
const CMD_LOAD_ALL: i32 = 5;
const CMD_LOAD_WEB: i32 = 6;
/// `op_host_init_done`'s code for an Action without `onExecutePostLogin`.
pub(crate) const INIT_NO_HANDLER: u32 = 1;

#[derive(Default)]
struct Loaded {
    init_console: Vec<ConsoleLine>,
    init_failure: Option<Failure>,
}

/// A JS runtime that runs Actions.
pub struct Host {
    runtime: JsRuntime,
    dispatch: v8::Global<v8::Function>,
    tokio: tokio::runtime::Runtime,
    /// Made on the first call with a time budget, not with the host: on V8
    /// it starts a thread, and a host made in a zygote must have no thread
    /// of its own when it forks.
    watchdog: Option<Watchdog>,
    loaded: Vec<Loaded>,
    /// The folders of this flow's Actions: `require` resolves inside them.
    module_dirs: Vec<std::path::PathBuf>,
    /// The heap cap in MiB.
    memory_mb: usize,
    /// Whether [`Host::begin_flow`] was called: it may be, once.
    flow_begun: bool,
}

/// Builds `v8::Global` arguments inside a scope of `$runtime`.
macro_rules! js_args {
    ($runtime:expr, |$scope:ident| [$($arg:expr),* $(,)?]) => {{
        deno_core::scope!($scope, $runtime);
        vec![$({
            let local: v8::Local<v8::Value> = $arg;
            v8::Global::new($scope, local)
        }),*]
    }};
}

/// A JS array of `texts` (an Action's file names or folders).
fn js_strings<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    texts: impl Iterator<Item = impl AsRef<str>>,
) -> v8::Local<'s, v8::Value> {
    let items: Vec<v8::Local<v8::Value>> = texts
        .map(|text| {
            v8::String::new(scope, text.as_ref())
                .expect("a file or folder name fits a JS string")
                .into()
        })
        .collect();
    v8::Array::new_with_elements(scope, &items).into()
}

impl Host {
    /// Creates a runtime with the glue loaded and the engine's own globals
    /// removed from the Actions' view. Starts no thread.
    pub fn new(options: HostOptions) -> Result<Host, HostError> {
        let create_params =
            v8::CreateParams::default().heap_limits(0, options.memory_mb.max(1) * 1024 * 1024);
        let mut runtime = JsRuntime::try_new(RuntimeOptions {
            extensions: crate::web::extensions()
                .into_iter()
                .chain([crate::actions_runtime::init()])
                .collect(),
            create_params: Some(create_params),
            // Without a store, deno_core ignores `structuredClone`'s
            // `transfer` list.
            shared_array_buffer_store: Some(Default::default()),
            ..Default::default()
        })
        .map_err(|e| HostError(e.to_string()))?;
        // Take the dispatcher, then remove everything that would give Action
        // code a handle on the host (auth0-post-login §4: no ambient access).
        let value = runtime
            .execute_script(
                "ext:actions_runtime/setup.js",
                r#"(() => {
                    const dispatch = globalThis.__actionsHostDispatch;
                    for (const name of Reflect.ownKeys(globalThis)) {
                        if (typeof name === "string" &&
                            (name.startsWith("__v8x") || ["__actionsHostDispatch", "Deno", "__bootstrap", "gc"].includes(name)) &&
                            !delete globalThis[name]) {
                            throw new Error(`cannot hide the engine's global ${name}`);
                        }
                    }
                    return dispatch;
                })()"#,
            )
            .map_err(|e| HostError(e.to_string()))?;
        let dispatch = {
            deno_core::scope!(scope, &mut runtime);
            let local = v8::Local::new(scope, value);
            let function =
                v8::Local::<v8::Function>::try_from(local).map_err(|e| HostError(e.to_string()))?;
            v8::Global::new(scope, function)
        };
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| HostError(e.to_string()))?;
        Ok(Host {
            runtime,
            dispatch,
            tokio,
            watchdog: None,
            loaded: Vec::new(),
            module_dirs: Vec::new(),
            memory_mb: options.memory_mb,
            flow_begun: false,
        })
    }

    /// Sets the JS heap cap (flow-file.md `limits.memory_mb`): a host made
    /// ahead of its flow learns the flow's cap here.
    pub fn set_memory_limit(&mut self, memory_mb: usize) {
        if memory_mb == self.memory_mb {
            return;
        }
        self.memory_mb = memory_mb;
        self.install_heap_limit();
    }

    /// Installs the heap cap in the engine.
    fn install_heap_limit(&mut self) {
        // Removing a near-heap-limit callback with a limit installs that
        // limit (both backends); add one first so there is one to remove.
        self.runtime
            .add_near_heap_limit_callback(|current, _initial| current);
        self.runtime
            .remove_near_heap_limit_callback(self.memory_mb.max(1) * 1024 * 1024);
    }

    /// Makes the runtime safe to use again after an execution hit the heap
    /// cap. The QuickJS shim answers an exhausted heap by terminating the
    /// execution and raising the engine's limit by 16 MiB so the failed
    /// evaluation can unwind; it never lowers it again. Without this, the
    /// next heap-cap hit has no headroom left, the unwinding itself runs out
    /// of memory, and after a few hundred such flows the engine crashes on an
    /// allocation it assumed could not fail. So: collect the failed
    /// execution's garbage while the headroom is still there, then put the
    /// cap back.
    fn recover_from_heap_limit(&mut self) {
        self.runtime.v8_isolate().low_memory_notification();
        self.install_heap_limit();
    }

    /// Compiles and runs the files of the web platform's globals ahead of
    /// use (they load lazily otherwise): for a host that children are
    /// forked from, so that they share that work instead of each redoing
    /// it. The globals still look untouched to Actions.
    pub fn preload_web(&mut self) -> Result<(), HostError> {
        self.command(CMD_LOAD_WEB)
    }

    /// Runs a glue command that takes no argument.
    fn command(&mut self, command: i32) -> Result<(), HostError> {
        let args = js_args!(&mut self.runtime, |scope| [v8::Integer::new(
            scope, command
        )
        .into()]);
        self.call(args, None).map_err(|f| HostError(f.message))?;
        Ok(())
    }

    /// Starts the host's one flow: seeds `Math.random` and sets the clock.
    /// Fails if a flow was begun on this host before.
    pub fn begin_flow(&mut self, seed: u32, virtual_now_ms: Option<i64>) -> Result<(), HostError> {
        if std::mem::replace(&mut self.flow_begun, true) {
            return Err(HostError(
                "a host runs one flow; create a new one for the next".to_owned(),
            ));
        }
        self.with_state(|host| {
            host.seed = seed;
            host.virtual_now_ms = virtual_now_ms.map(|ms| ms as f64);
        });
        self.command(CMD_BEGIN_FLOW)
    }

    /// Sets the time `Date.now()` returns (virtual clock), or `None` for the
    /// system clock.
    pub fn set_virtual_now(&mut self, virtual_now_ms: Option<i64>) {
        self.with_state(|host| host.virtual_now_ms = virtual_now_ms.map(|ms| ms as f64));
    }

    /// Sets how `fetch` is answered in this flow: its `http` fixtures, and
    /// whether unmatched requests may reach the network.
    pub fn set_http(&mut self, fixtures: Vec<crate::HttpFixture>, net: crate::NetAccess) {
        self.with_state(|host| {
            host.http_fixtures = fixtures;
            host.net_access = net;
        });
    }

    /// Compiles an Action, runs its top-level code once (Node 22 semantics,
    /// auth0-post-login §4.1) and checks that it exports `onExecutePostLogin`.
    /// Returns the Action's index. A throw during initialisation is not a load
    /// error: like Auth0, every invocation rethrows it.
    pub fn load(&mut self, source: &ActionSource, budget: Duration) -> Result<usize, LoadError> {
        let indices = self.load_all(std::slice::from_ref(source), budget)?;
        Ok(indices[0])
    }

    /// [`Host::load`] for each of a flow's Actions in order, under one
    /// `budget` for them all, with one call into the engine instead of one
    /// per Action: what each Action's initialisation printed, threw or
    /// overran is its own, as with [`Host::load`]. Every Action is compiled
    /// before any is initialised, so a syntax error anywhere stops the
    /// flow before any of its code runs.
    pub fn load_all(
        &mut self,
        sources: &[ActionSource],
        budget: Duration,
    ) -> Result<Vec<usize>, LoadError> {
        if sources.is_empty() {
            return Ok(Vec::new());
        }
        let started = Instant::now();
        let wrappers = sources
            .iter()
            .map(|source| self.wrapper(source))
            .collect::<Result<Vec<_>, _>>()?;
        let first = self.loaded.len();
        for source in sources {
            self.loaded.push(Loaded::default());
            self.add_module_dir(&source.dir);
        }
        let roots = crate::modules::ModuleRoots::canonical(self.module_dirs.clone());
        self.with_state(|host| {
            host.module_roots = roots;
            host.inits.clear();
        });
        let args = js_args!(&mut self.runtime, |scope| [
            v8::Integer::new(scope, CMD_LOAD_ALL).into(),
            v8::Integer::new(scope, first as i32).into(),
            {
                let items: Vec<v8::Local<v8::Value>> =
                    wrappers.iter().map(|w| v8::Local::new(scope, w)).collect();
                v8::Array::new_with_elements(scope, &items).into()
            },
            js_strings(scope, sources.iter().map(|source| &source.file)),
            js_strings(
                scope,
                sources
                    .iter()
                    .map(|source| source.dir.display().to_string())
            ),
        ]);
        let status = self.call(args, Some(budget));
        let inits = self.with_state(|host| std::mem::take(&mut host.inits));
        let done = inits.len();
        for (k, (code, console)) in inits.into_iter().enumerate() {
            self.loaded[first + k].init_console = console;
            if code == INIT_NO_HANDLER {
                return Err(LoadError::NoHandler {
                    file: sources[k].file.clone(),
                });
            }
        }
        if let Err(failure) = status {
            // The engine stopped in the initialisation of Action `done`
            // (time or memory), or just after the last one: that one
            // failed, and the rest are loaded one by one with what is left
            // of the budget, as they would have been by `load`.
            let stopped = done.min(sources.len() - 1);
            let failed = first + stopped;
            let console = self.with_state(|host| std::mem::take(&mut host.console).lines);
            self.loaded[failed].init_console.extend(console);
            self.loaded[failed].init_failure = Some(failure);
            self.loaded.truncate(failed + 1);
            self.module_dirs.truncate(failed + 1);
            for source in &sources[stopped + 1..] {
                self.load(source, budget.saturating_sub(started.elapsed()))?;
            }
        }
        Ok((first..first + sources.len()).collect())
    }

    /// The module wrapper function of `source`, compiled.
    fn wrapper(&mut self, source: &ActionSource) -> Result<v8::Global<v8::Value>, LoadError> {
        let code = source
            .code
            .strip_prefix("#!")
            .map_or_else(|| source.code.clone(), |rest| format!("//{rest}"));
        let wrapped = format!("{WRAPPER_HEAD}{code}{WRAPPER_TAIL}");
        self.runtime
            .execute_script(source.file.clone(), wrapped)
            .map_err(|error| syntax_error(&source.file, &error))
    }

    /// Adds `dir` to the flow's folders, where `require` may read (the
    /// caller then hands the glue the new roots).
    fn add_module_dir(&mut self, dir: &std::path::Path) {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
        self.module_dirs.push(canonical);
    }

    /// Runs `handler` of the Action at `index` with `event_json` as its event.
    /// The transaction is lent to the ops for the duration of the call. It is
    /// boxed: a `Transaction` is a few kilobytes, and it is handed on several
    /// times per call.
    pub fn invoke(
        &mut self,
        index: usize,
        handler: &str,
        event_json: String,
        transaction: Box<Transaction>,
        budget: Duration,
    ) -> (Box<Transaction>, Invocation) {
        let started = Instant::now();
        let mut console = std::mem::take(&mut self.loaded[index].init_console);
        if let Some(failure) = self.loaded[index]
            .init_failure
            .clone()
            .filter(|f| f.kind != FailureKind::Threw)
        {
            return (
                transaction,
                Invocation {
                    console,
                    failure: Some(failure),
                    duration: started.elapsed(),
                    http: Vec::new(),
                },
            );
        }
        self.with_state(|host| {
            host.transaction = Some(transaction);
            host.event_json = event_json;
            host.failure = None;
            host.settled = false;
        });
        let args = js_args!(&mut self.runtime, |scope| [
            v8::Integer::new(scope, CMD_INVOKE).into(),
            v8::Integer::new(scope, index as i32).into(),
            v8::String::new(scope, handler)
                .expect("handler name fits a JS string")
                .into(),
        ]);
        let result = self.call_until(args, Some(budget), Until::Settled);
        let duration = started.elapsed();
        self.with_state(|host| {
            let transaction = host
                .transaction
                .take()
                .expect("the transaction stays in the op state during a call");
            console.append(&mut std::mem::take(&mut host.console).lines);
            let failure = match result {
                Err(failure) => Some(failure),
                Ok(_) => host.failure.take().map(|json| thrown(&json)),
            };
            let http = std::mem::take(&mut host.http_log);
            (
                transaction,
                Invocation {
                    console,
                    failure,
                    duration,
                    http,
                },
            )
        })
    }

    fn with_state<R>(&mut self, f: impl FnOnce(&mut HostState) -> R) -> R {
        let state = self.runtime.op_state();
        let mut state = state.borrow_mut();
        f(state.borrow_mut::<HostState>())
    }

    /// Calls the dispatcher and drives the event loop until its promise
    /// settles, under an optional time budget. Returns the result as a string
    /// (`undefined` for non-strings).
    fn call(
        &mut self,
        args: Vec<v8::Global<v8::Value>>,
        budget: Option<Duration>,
    ) -> Result<String, Failure> {
        self.call_until(args, budget, Until::Returned)
    }

    /// [`Host::call`], driving the event loop until what `until` says.
    fn call_until(
        &mut self,
        args: Vec<v8::Global<v8::Value>>,
        budget: Option<Duration>,
        until: Until,
    ) -> Result<String, Failure> {
        if let Some(budget) = budget {
            let isolate = self.runtime.v8_isolate().thread_safe_handle();
            self.watchdog
                .get_or_insert_with(|| Watchdog::new(isolate))
                .arm(Instant::now() + budget);
        }
        // Async ops (fetch, timers) are polled as soon as JS calls them,
        // before `block_on`: they need the Tokio context from the start.
        let _context = self.tokio.enter();
        let future = self.runtime.call_with_args(&self.dispatch, &args);
        let (runtime, tokio) = (&mut self.runtime, &self.tokio);
        let driven = match until {
            Until::Returned => {
                let settled =
                    runtime.with_event_loop_promise(future, PollEventLoopOptions::default());
                wait(tokio, std::pin::pin!(settled), budget)
            }
            Until::Settled => drive_until_settled(runtime, tokio, future, budget),
        };
        let timed_out = budget.is_some() && self.watchdog.as_mut().is_some_and(Watchdog::disarm);
        // The watchdog can fire just as the handler finishes; once disarmed it
        // cannot fire again, so clear any termination it left pending, or it
        // would strike the flow's next call at an arbitrary point inside the
        // engine.
        let terminating = self.runtime.v8_isolate().is_execution_terminating();
        self.runtime.v8_isolate().cancel_terminate_execution();
        let Some(result) = driven else {
            return Err(Failure {
                kind: FailureKind::Timeout,
                name: None,
                message: "the execution exceeded its time limit".to_owned(),
                stack: None,
            });
        };
        match result {
            Ok(value) => {
                deno_core::scope!(scope, &mut self.runtime);
                let local = v8::Local::new(scope, value);
                Ok(if local.is_string() {
                    local.to_rust_string_lossy(scope)
                } else {
                    String::new()
                })
            }
            Err(error) => {
                let terminated = terminating || timed_out;
                // A terminated execution leaves the engine usable once the
                // termination is cancelled, for what the flow does next.
                let text = error.to_string();
                let kind = if timed_out {
                    FailureKind::Timeout
                } else if terminated || text.contains("out of memory") {
                    FailureKind::MemoryLimit
                } else if text.contains("Promise resolution is still pending") {
                    FailureKind::NeverSettled
                } else {
                    FailureKind::Threw
                };
                let message = match kind {
                    FailureKind::NeverSettled => {
                        "the handler awaited a promise that can never settle; Auth0 would end the execution at its time limit".to_owned()
                    }
                    FailureKind::Timeout => "the execution exceeded its time limit".to_owned(),
                    FailureKind::MemoryLimit => "the execution exceeded its memory limit".to_owned(),
                    FailureKind::Threw => text,
                };
                if kind == FailureKind::MemoryLimit {
                    self.recover_from_heap_limit();
                }
                Err(Failure {
                    kind,
                    name: None,
                    message,
                    stack: None,
                })
            }
        }
    }
}

/// How long [`Host::call_until`] drives the event loop.
#[derive(Clone, Copy)]
enum Until {
    /// Until the dispatcher's result (a promise, or any other value) settles.
    Returned,
    /// Until the glue reports the handler settled (`op_host_handler_settled`);
    /// the dispatcher returns nothing.
    Settled,
}

/// Drives the event loop after a dispatch that started a handler, until the
/// glue reports it settled: `None` when `budget` ran out first. Most
/// handlers settle in the first turn of the loop, which [`wait`] runs
/// without Tokio's scheduler. (Waiting for the handler's promise instead
/// costs the engine two callbacks a call.)
fn drive_until_settled(
    runtime: &mut JsRuntime,
    tokio: &tokio::runtime::Runtime,
    mut call: impl Future<Output = Result<v8::Global<v8::Value>, Box<deno_core::error::JsError>>>
        + Unpin,
    budget: Option<Duration>,
) -> Option<Result<v8::Global<v8::Value>, CoreError>> {
    // The dispatcher returns at once (with nothing, or with what it threw).
    let returned = match Pin::new(&mut call).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(value)) => value,
        Poll::Ready(Err(error)) => return Some(Err(CoreError::from(error))),
        Poll::Pending => unreachable!("the dispatcher returns no promise for a handler"),
    };
    let state = runtime.op_state();
    let settled = move || state.borrow().borrow::<HostState>().settled;
    let turn = std::future::poll_fn(|cx| {
        let polled = runtime.poll_event_loop(cx, PollEventLoopOptions::default());
        if settled() {
            return Poll::Ready(Ok(()));
        }
        match polled {
            // Nothing left that could settle it.
            Poll::Ready(Ok(())) => Poll::Ready(Err(CoreError(Box::new(
                CoreErrorKind::PendingPromiseResolution,
            )))),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    });
    wait(tokio, std::pin::pin!(turn), budget).map(|result| result.map(|()| returned))
}

/// Polls `future` once, and only if it is not ready then, waits for it on
/// Tokio's scheduler: `None` when `budget` runs out first. The watchdog
/// stops running JS; this deadline also ends a wait on a timer or request
/// that would outlive the budget.
fn wait<T>(
    tokio: &tokio::runtime::Runtime,
    mut future: Pin<&mut impl Future<Output = T>>,
    budget: Option<Duration>,
) -> Option<T> {
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(result) => Some(result),
        Poll::Pending => tokio.block_on(async {
            match budget {
                Some(budget) => tokio::time::timeout(budget, future).await.ok(),
                None => Some(future.await),
            }
        }),
    }
}

/// A compile error as file, line and column of the user's code.
fn syntax_error(file: &str, error: &deno_core::error::JsError) -> LoadError {
    let frame = error.frames.first();
    let line = frame.and_then(|f| f.line_number).unwrap_or(1).max(1) as u32;
    let mut column = frame.and_then(|f| f.column_number).unwrap_or(1).max(1) as u32;
    if line == 1 {
        column = column.saturating_sub(WRAPPER_HEAD.len() as u32).max(1);
    }
    let message = error
        .exception_message
        .strip_prefix("Uncaught ")
        .unwrap_or(&error.exception_message)
        .to_owned();
    LoadError::Syntax {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// Reads the glue's description of a thrown value.
fn thrown(json: &str) -> Failure {
    #[derive(serde::Deserialize)]
    struct Thrown {
        name: Option<String>,
        message: String,
        stack: Option<String>,
    }
    match serde_json::from_str::<Thrown>(json) {
        Ok(t) => Failure {
            kind: FailureKind::Threw,
            name: t.name,
            message: t.message,
            stack: t.stack.map(|s| user_frames(&s)).filter(|s| !s.is_empty()),
        },
        Err(_) => Failure {
            kind: FailureKind::Threw,
            name: None,
            message: json.to_owned(),
            stack: None,
        },
    }
}

/// A stack without the glue's own frames (`ext:...`), which mean nothing to
/// the Action's author.
fn user_frames(stack: &str) -> String {
    stack
        .lines()
        .filter(|line| !line.contains("(ext:") && !line.trim_start().starts_with("at ext:"))
        .collect::<Vec<_>>()
        .join("\n")
}
