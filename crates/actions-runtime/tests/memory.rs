//! Resident memory stays flat when an Action throws and formats stacks
//! invocation after invocation, and when native functions come and go. A test binary of
//! its own: the process's resident memory is the measurement, so no other
//! test may run beside it, and its tests take turns (`ONE_AT_A_TIME`).
//!
//! Both leaks it guards against were in the engine shim (third_party/README.md,
//! changes 4 and 6): each formatted stack left ~1.3 KB behind for good, so the
//! 20,000 stacks below grew the process by some 25 MiB.

use std::sync::Mutex;
use std::time::Duration;

use actions_runtime::{Host, HostOptions};
use deno_core::{v8, JsRuntime, RuntimeOptions};

#[path = "support/probe.rs"]
mod probe;
use probe::resident_kib;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const CODE: &str = r#"exports.onExecutePostLogin = async (event, api) => {
    let frames = 0;
    for (let i = 0; i < 100; i++) {
        try { throw "a string"; } catch (e) { frames += e.length; }
        try { throw new Error("x"); } catch (e) { frames += e.stack.split("\n").length; }
    }
    api.idToken.setCustomClaim("frames", frames);
};"#;

fn invocations(host: &mut Host, index: usize, count: usize) {
    for _ in 0..count {
        let (tx, invocation) = probe::invoke(host, index, Duration::from_secs(10));
        assert_eq!(invocation.failure.map(|f| f.message), None);
        assert!(tx.invocations()[0].calls.len() == 1, "the claim was set");
    }
}

#[test]
fn throwing_and_formatting_stacks_does_not_grow_resident_memory() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let mut host = Host::new(HostOptions::default()).expect("runtime");
    let index = probe::load(&mut host, CODE, Duration::from_secs(10));
    // Warm up: caches, the allocator's arenas, the first GC cycles.
    invocations(&mut host, index, 50);
    let before = resident_kib();
    invocations(&mut host, index, 200);
    let grown = resident_kib().saturating_sub(before);
    assert!(
        grown < 8 * 1024,
        "200 invocations of 100 throws and 100 stacks each grew resident memory by {grown} KiB"
    );
}

fn noop(_: &mut v8::PinScope, _: v8::FunctionCallbackArguments, _: v8::ReturnValue) {}

/// Makes and drops `count` native functions, each with its own External
/// data, as deno_core does for every promise it watches.
fn native_functions(scope: &mut v8::PinScope, count: usize, first_tag: usize) {
    for batch in 0..count / 1_000 {
        {
            v8::scope!(let inner, scope);
            for i in 0..1_000 {
                let tag = first_tag + batch * 1_000 + i;
                let external = v8::External::new(inner, tag as *mut std::ffi::c_void);
                v8::Function::builder(noop)
                    .data(external.into())
                    .build(inner)
                    .expect("a function");
            }
        }
        scope.low_memory_notification();
    }
}

/// The shim's table of native functions kept an entry for every function
/// ever made (third_party/README.md, change 8): about 195 bytes each, and
/// deno_core makes two per Action invocation.
#[test]
fn native_functions_that_die_do_not_grow_resident_memory() {
    let _turn = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poison| poison.into_inner());
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    native_functions(scope, 20_000, 1);
    let before = resident_kib();
    native_functions(scope, 300_000, 100_000);
    let grown = resident_kib().saturating_sub(before);
    assert!(
        grown < 8 * 1024,
        "making and dropping 300,000 native functions grew resident memory by {grown} KiB"
    );
}
