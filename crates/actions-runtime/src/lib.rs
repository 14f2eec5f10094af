//! The JS host of `actions`: a deno_core `JsRuntime` (QuickJS by default, V8
//! with the `v8` feature) that loads Auth0 post-login Action code and routes
//! every `api.*` call through an op into [`actions_core`].
//!
//! This crate owns the engine: creating runtimes, compiling and initialising
//! Action modules, invoking handlers with a time budget and a heap cap, and
//! capturing console output. It knows nothing about flow files or reports;
//! `actions-flow` drives it.

#![deny(unsafe_code)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod host;
mod http;
mod modules;
mod ops;
mod state;
mod watchdog;

pub use host::{
    ActionSource, Failure, FailureKind, Host, HostError, HostOptions, Invocation, LoadError,
};
pub use http::{FixtureBody, HttpFixture, HttpRecord, NetAccess};
pub use state::{ConsoleLine, CONSOLE_LIMIT_BYTES};

#[cfg(all(not(feature = "quickjs"), not(feature = "v8")))]
compile_error!("enable one JS engine backend: the `quickjs` (default) or the `v8` feature");

use ops::table_op_decls;

deno_core::extension!(
    actions_runtime,
    ops_fn = table_op_decls,
    ops = [
        ops::host::op_host_event,
        ops::host::op_host_now,
        ops::host::op_host_seed,
        ops::host::op_host_console,
        ops::host::op_host_handler_failed,
        ops::modules::op_module_resolve,
        ops::url::op_url_parse,
        ops::fetch::op_fetch,
    ],
    esm_entry_point = "ext:actions_runtime/99_main.js",
    esm = [
        dir "../../js-runtime",
        "01_errors.js",
        "02_console.js",
        "03_determinism.js",
        "04_api.js",
        "05_isolation.js",
        "06_node_globals.js",
        "07_require.js",
        "08_fetch.js",
        "99_main.js",
    ],
    lazy_loaded_esm = [
        dir "../../js-runtime",
        "node/assert.js",
        "node/buffer.js",
        "node/crypto.js",
        "node/os.js",
        "node/timers.js",
        "node/unavailable.js",
        "node/url.js",
        "node/util.js",
        "node/vendor/base64-js.js",
        "node/vendor/buffer.js",
        "node/vendor/events.js",
        "node/vendor/ieee754.js",
        "node/vendor/inherits.js",
        "node/vendor/path-browserify.js",
        "node/vendor/punycode.js",
        "node/vendor/querystring-es3.js",
        "node/vendor/readable-stream.js",
        "node/vendor/safe-buffer.js",
        "node/vendor/string_decoder.js",
        "node/vendor/util-deprecate.js",
    ],
    state = |state| state.put(state::HostState::default()),
);
