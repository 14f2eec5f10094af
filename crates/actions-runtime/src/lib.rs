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

/// Embeds files as `$prefix<file>`, read from `$dir<file>` (relative to
/// this folder): `js-runtime/` as `ext:actions_runtime/`, and deno_fetch's
/// classes (`web.rs`).
///
/// deno_core's own `esm = [dir ...]` list records only each file's path at
/// build time and reads the file whenever a runtime is made (it is meant for
/// building snapshots), so a binary moved off its source tree could not start.
macro_rules! embedded {
    ($prefix:literal from $dir:literal: $($file:literal),* $(,)?) => {
        &[$(deno_core::ExtensionFileSource::new(
            concat!($prefix, $file),
            deno_core::ascii_str_include!(concat!($dir, $file)),
        )),*]
    };
}

mod host;
mod http;
mod modules;
mod ops;
mod outgoing;
mod state;
mod watchdog;
mod web;

pub use host::{
    ActionSource, Failure, FailureKind, Host, HostError, HostOptions, Invocation, LoadError,
};
pub use http::{FixtureBody, HttpFixture, HttpRecord, NetAccess};
pub use modules::normalise_path;
pub use state::{ConsoleLine, CONSOLE_LIMIT_BYTES};

#[cfg(all(not(feature = "quickjs"), not(feature = "v8")))]
compile_error!("enable one JS engine backend: the `quickjs` (default) or the `v8` feature");

use std::borrow::Cow;

use deno_core::ExtensionFileSource;
use ops::table_op_decls;

/// The glue, evaluated in every runtime (the entry point is `99_main.js`).
const GLUE: &[ExtensionFileSource] = embedded![
    "ext:actions_runtime/" from "../../../js-runtime/":
    "01_errors.js",
    "02_console.js",
    "03_determinism.js",
    "04_api.js",
    "05_web.js",
    "06_node_globals.js",
    "07_require.js",
    "08_fetch.js",
    "99_main.js",
];

/// The Node built-ins `require` offers, evaluated when an Action first
/// requires one.
const NODE_MODULES: &[ExtensionFileSource] = embedded![
    "ext:actions_runtime/" from "../../../js-runtime/":
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
];

deno_core::extension!(
    actions_runtime,
    ops_fn = table_op_decls,
    ops = [
        ops::host::op_host_event,
        ops::host::op_host_now,
        ops::host::op_host_seed,
        ops::host::op_host_console,
        ops::host::op_host_handler_failed,
        ops::host::op_host_handler_settled,
        ops::host::op_host_init_done,
        ops::modules::op_module_resolve,
        ops::fetch::op_fetch,
    ],
    esm_entry_point = "ext:actions_runtime/99_main.js",
    state = |state| state.put(state::HostState::default()),
    customizer = |ext: &mut deno_core::Extension| {
        ext.esm_files = Cow::Borrowed(GLUE);
        ext.lazy_loaded_esm_files = Cow::Borrowed(NODE_MODULES);
    },
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn every_glue_file_is_embedded_in_the_binary() {
        let extension = crate::actions_runtime::init();
        let files: Vec<_> = extension
            .esm_files
            .iter()
            .chain(extension.lazy_loaded_esm_files.iter())
            .collect();
        for file in &files {
            // Anything but an embedded file is read from the source tree
            // when a runtime is made.
            assert_eq!(
                format!("{:?}", file.code),
                "IncludedInBinary(..)",
                "{}",
                file.specifier
            );
        }
        let listed: BTreeSet<String> = files
            .iter()
            .map(|file| {
                file.specifier
                    .trim_start_matches("ext:actions_runtime/")
                    .to_owned()
            })
            .collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../js-runtime");
        let mut on_disk = BTreeSet::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "js") {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.insert(relative.to_string_lossy().into_owned());
                }
            }
        }
        assert_eq!(listed, on_disk, "js-runtime/ and the embedded files differ");
    }
}
