//! Engine behaviour the host relies on, tested through deno_core directly.
//!
//! deno_core makes two native functions with `v8::External` data for every
//! promise it watches (`watch_promise`), so two for every Action invocation.
//! The QuickJS shim keeps a dispatch-table entry per native function and
//! passed its index to the engine in a 16-bit field: from the 32,769th entry
//! on a thread, calls landed on no entry and silently returned `undefined`,
//! so the watched promise never settled (third_party/README.md, change 8).
//! Long `actions test` runs then failed every other flow with "the handler
//! awaited a promise that can never settle".

use deno_core::{v8, JsRuntime, RuntimeOptions};

fn echo_data(
    scope: &mut v8::PinScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let data = v8::Local::<v8::External>::try_from(args.data()).expect("External data");
    rv.set(v8::Number::new(scope, data.value() as usize as f64).into());
}

/// Makes a native function whose data is the External `tag`, as
/// deno_core's `watch_promise` does with a fresh pointer each time.
fn tagged<'s>(scope: &mut v8::PinScope<'s, '_>, tag: usize) -> v8::Local<'s, v8::Function> {
    // The callback only reads the pointer back; it is never dereferenced.
    let external = v8::External::new(scope, tag as *mut std::ffi::c_void);
    v8::Function::builder(echo_data)
        .data(external.into())
        .build(scope)
        .expect("a function")
}

fn assert_reaches_its_callback(
    scope: &mut v8::PinScope,
    function: v8::Local<v8::Function>,
    tag: usize,
) {
    let recv = v8::undefined(scope).into();
    let result = function.call(scope, recv, &[]).expect("the call returns");
    assert!(
        result.is_number() && result.number_value(scope) == Some(tag as f64),
        "native function {tag} returned {} instead of its data",
        result.to_rust_string_lossy(scope)
    );
}

#[test]
fn the_forty_thousandth_native_function_still_reaches_its_callback() {
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    // All alive at once, so no dispatch entry can be reused.
    for tag in 1..=40_000usize {
        let function = tagged(scope, tag);
        assert_reaches_its_callback(scope, function, tag);
    }
}

#[test]
fn native_functions_made_after_others_died_reach_their_own_callbacks() {
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    // Functions that stay alive throughout; the dying ones around them give
    // their entries back, and the new ones take them.
    let survivors: Vec<_> = (0..100usize)
        .map(|i| {
            let function = tagged(scope, 1_000_000 + i);
            (v8::Global::new(scope, function), 1_000_000 + i)
        })
        .collect();
    for round in 0..50usize {
        {
            v8::scope!(let inner, scope);
            for i in 0..1_000usize {
                let tag = round * 1_000 + i + 1;
                let function = tagged(inner, tag);
                assert_reaches_its_callback(inner, function, tag);
            }
        }
        // Collect the round's functions (constructors sit in cycles with
        // their `prototype`), so their entries are freed.
        scope.low_memory_notification();
        for (function, tag) in &survivors {
            let function = v8::Local::new(scope, function);
            assert_reaches_its_callback(scope, function, *tag);
        }
    }
}

fn returns<const N: u32>(
    _scope: &mut v8::PinScope,
    _args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    rv.set_uint32(N);
}

fn assert_returns(scope: &mut v8::PinScope, function: v8::Local<v8::Function>, expected: u32) {
    let recv = v8::undefined(scope).into();
    let result = function.call(scope, recv, &[]).expect("the call returns");
    assert_eq!(
        result.uint32_value(scope),
        Some(expected),
        "a native function reached another function's callback"
    );
}

#[test]
fn functions_sharing_a_callback_keep_their_entry_while_any_lives() {
    // Native functions without data share one dispatch entry per callback;
    // the entry counts its living functions. If it were freed with the
    // first of them to die, a function made later with another callback
    // would take it over, and the survivor would reach that callback.
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    let survivor = v8::Function::builder(returns::<1>)
        .build(scope)
        .expect("a function");
    let survivor = v8::Global::new(scope, survivor);
    for _ in 0..20 {
        {
            v8::scope!(let inner, scope);
            for _ in 0..500 {
                let function = v8::Function::builder(returns::<1>)
                    .build(inner)
                    .expect("a function");
                assert_returns(inner, function, 1);
            }
        }
        scope.low_memory_notification();
        {
            v8::scope!(let inner, scope);
            for _ in 0..50 {
                let other = v8::Function::builder(returns::<2>)
                    .build(inner)
                    .expect("a function");
                assert_returns(inner, other, 2);
                let unrelated = tagged(inner, 7);
                assert_reaches_its_callback(inner, unrelated, 7);
            }
        }
        let function = v8::Local::new(scope, &survivor);
        assert_returns(scope, function, 1);
    }
}

#[test]
fn objects_at_a_dead_external_s_address_are_not_externals() {
    // The shim knows an External by its object's address in a process-wide
    // table. Unpruned, an ordinary object the engine later put at a dead
    // External's address passed for an External (third_party/patches/0006).
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    for round in 0..20usize {
        {
            v8::scope!(let inner, scope);
            for i in 0..500usize {
                let external =
                    v8::External::new(inner, (round * 500 + i + 1) as *mut std::ffi::c_void);
                assert!(v8::Local::<v8::Value>::from(external).is_external());
            }
        }
        scope.low_memory_notification();
        v8::scope!(let inner, scope);
        // Objects the size of an External, made where the dead ones were.
        for _ in 0..2_000 {
            let object: v8::Local<v8::Value> = v8::Object::new(inner).into();
            assert!(
                !object.is_external(),
                "an ordinary object passed for an External (round {round})"
            );
        }
    }
}

#[test]
fn a_compiled_script_runs_as_often_as_it_is_run() {
    // `Script::Compile` keeps what it compiled for the first `Script::Run`
    // (third_party/patches/0009); later runs, and scripts compiled in
    // between, must still run their own code each time.
    let mut runtime = JsRuntime::new(RuntimeOptions::default());
    deno_core::scope!(scope, &mut runtime);
    let counter = v8::String::new(scope, "globalThis.runs = (globalThis.runs || 0) + 1").unwrap();
    let counting = v8::Script::compile(scope, counter, None).expect("compiles");
    let other = v8::String::new(scope, "'other'").unwrap();
    let other = v8::Script::compile(scope, other, None).expect("compiles");
    for expected in 1..=3 {
        let result = counting.run(scope).expect("runs");
        assert_eq!(result.int32_value(scope), Some(expected));
    }
    let result = other.run(scope).expect("runs");
    assert_eq!(result.to_rust_string_lossy(scope), "other");
    // Many scripts compiled and never run, then one that is.
    for i in 0..100 {
        let source = v8::String::new(scope, &format!("{i}")).unwrap();
        v8::Script::compile(scope, source, None).expect("compiles");
    }
    let last = v8::String::new(scope, "40 + 2").unwrap();
    let last = v8::Script::compile(scope, last, None).expect("compiles");
    assert_eq!(last.run(scope).expect("runs").int32_value(scope), Some(42));
    let broken = v8::String::new(scope, "let = ;").unwrap();
    assert!(
        v8::Script::compile(scope, broken, None).is_none(),
        "a syntax error fails the compile"
    );
}
