//! Probe: does a deno_core startup snapshot of the `actions_runtime` glue make
//! runtime creation faster (QuickJS backend by default)?
//!
//! `cargo run --release -p actions-runtime --example snapshot_probe [MODE] [FILE]`
//!
//! Modes (each in a fresh process gives a true "first creation"):
//! - `all` (default): fresh creations, snapshot build, snapshot creations,
//!   behaviour comparison, all in one process.
//! - `fresh`: only creations without a snapshot (1 + N).
//! - `build FILE`: build the snapshot and write it to FILE.
//! - `snap FILE`: only creations from the snapshot in FILE (1 + N), plus the
//!   behaviour check.
//! - `host`: `Host::new` (today's path, includes the setup script and the
//!   JS-level pristine-state snapshot), 1 + N.
//! - `inproc`: build the snapshot, then use it, in one process.
//! - `registry`: when the shim's `__v8x_snapshot_module_exports` global
//!   leaves `globalThis`, and what it exposes meanwhile.
//! - `fresh2`: control run without any snapshot.
//!
//! Env: `PROBE_TOUCH=1` calls `get_module_namespace(0)` after creation from
//! a snapshot (removes the shim's registry global); `PROBE_NO_RESIDUAL=1`
//! leaves out the lazy-ESM source table; `PROBE_SAVE=FILE` (mode `all`)
//! saves the blob; `PROBE_SKIP_FRESH_CHECK=1`, `PROBE_FRESH_FIRST=1`,
//! `PROBE_DELETE_FIRST=1` (mode `registry`, aborts) isolate failures.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use deno_core::{v8, JsRuntime, JsRuntimeForSnapshot, PollEventLoopOptions, RuntimeOptions};

const LATER: usize = 10;

/// Facts about the glue's globals; both runtimes must give the same answer
/// (except `timeOrigin`, which is when the glue was evaluated).
const FINGERPRINT: &str = r#"(() => {
  const r = {};
  const reg0 = globalThis.__v8x_snapshot_module_exports;
  r.v8xRegistryAtStart = reg0 === undefined ? "absent" : Object.keys(reg0).length + " keys: " + Object.keys(reg0).join(",");
  const names = Object.getOwnPropertyNames(globalThis).sort();
  r.globalCount = names.length;
  r.globals = names.join(",");
  r.dispatch = typeof globalThis.__actionsHostDispatch;
  r.URL = typeof URL;
  r.TextEncoder = typeof TextEncoder;
  r.console = typeof console?.log;
  r.url = new URL("https://a.example/c/../d?x=1#h").href + "|" + new URL("https://a.example/?x=1").searchParams.get("x");
  r.enc = Array.from(new TextEncoder().encode("hé")).join(",");
  r.random = [Math.random(), Math.random()].join(",");
  r.dateIsFunction = typeof Date.now();
  r.timeOriginAgeMs = Math.round(Date.now() - performance.timeOrigin);
  r.buffer = (() => { try { return Buffer.from("hi").toString("hex"); } catch (e) { return "ERR " + e; } })();
  r.stack = String(new Error("x").stack).split("\n").slice(0, 2).join(" / ");
  r.primordialsLeak = typeof globalThis.__bootstrap;
  const reg = globalThis.__v8x_snapshot_module_exports;
  r.v8xRegistry = reg === undefined ? "absent" : Object.keys(reg).length + " keys: " + Object.keys(reg).slice(0, 5).join(",");
  return JSON.stringify(r);
})()"#;

/// What `Host::new` does after `try_new`, then a flow: remove the host
/// globals, record the pristine state (4), begin a flow (3), register (0) and
/// initialise (1) a CommonJS module that uses `require` of a lazy builtin.
const HOST_SIM: &str = r#"(() => {
  const d = globalThis.__actionsHostDispatch;
  for (const name of ["__actionsHostDispatch", "Deno", "__bootstrap", "gc", "__v8x_import_source",
                       "__v8x_snapshot_intrinsics"]) {
    delete globalThis[name];
  }
  d(4);
  const begin = d(3);
  const wrapper = (function (exports, require, module, __filename, __dirname) {
    const util = require("util");
    exports.onExecutePostLogin = async (event, api) => {};
    exports.fmt = util.format("%s=%d", "a", 1);
  });
  d(0, 0, wrapper, "a.js", "/tmp");
  const init = d(1, 0);
  // The failing case: why did init fail?
  let why = "";
  if (init !== "ok") {
    d(0, 1, (function (exports, require) { try { require("util"); } catch (e) { globalThis.__probeWhy = String(e); } }), "b.js", "/tmp");
    d(1, 1);
    why = String(globalThis.__probeWhy);
  }
  return JSON.stringify({ begin, init, why });
})()"#;

/// As `Host::new`: a 128 MiB heap cap.
fn create_params() -> v8::CreateParams {
    v8::CreateParams::default().heap_limits(0, 128 * 1024 * 1024)
}

/// The rest of `Host::new` after `try_new`: take the dispatcher, delete the
/// host globals, record the pristine state (command 4).
const SETUP: &str = r#"(() => {
  const d = globalThis.__actionsHostDispatch;
  for (const name of ["__actionsHostDispatch", "Deno", "__bootstrap", "gc", "__v8x_import_source",
                       "__v8x_snapshot_intrinsics"]) {
    delete globalThis[name];
  }
  d(4);
  return typeof d;
})()"#;

fn with_setup(mut runtime: JsRuntime) -> JsRuntime {
    let answer = eval(&mut runtime, "ext:probe/setup.js", SETUP);
    assert_eq!(answer, "function", "setup");
    runtime
}

fn heap_used(mut runtime: JsRuntime) -> String {
    let used = runtime.v8_isolate().get_heap_statistics().used_heap_size();
    format!("{:.2} MiB", used as f64 / 1024.0 / 1024.0)
}

fn ext() -> deno_core::Extension {
    actions_runtime::actions_runtime::init()
}

fn fresh() -> JsRuntime {
    JsRuntime::try_new(RuntimeOptions {
        extensions: vec![ext()],
        create_params: Some(create_params()),
        ..Default::default()
    })
    .expect("fresh runtime")
}

/// The extension's `lazy_loaded_esm` files as the sorted `(specifier,
/// source)` table deno_core wants for lazy modules not consumed while the
/// snapshot was made (`RuntimeOptions::residual_lazy_esm_sources`). Without
/// it, `require('util')` / `Buffer` fail in a runtime made from a snapshot.
/// Set `PROBE_NO_RESIDUAL=1` to leave it out.
fn residual_lazy_esm() -> &'static [(&'static str, &'static str)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, &'static str)>> =
        std::sync::OnceLock::new();
    if std::env::var_os("PROBE_NO_RESIDUAL").is_some() {
        return &[];
    }
    TABLE.get_or_init(|| {
        let mut table: Vec<(&'static str, &'static str)> = ext()
            .lazy_loaded_esm_files
            .iter()
            .map(|file| {
                let code = file.load().expect("lazy source").to_string();
                (file.specifier, &*Box::leak(code.into_boxed_str()))
            })
            .collect();
        table.sort_by(|a, b| a.0.cmp(b.0));
        table
    })
}

fn from_snapshot(blob: &'static [u8]) -> JsRuntime {
    let mut runtime = JsRuntime::try_new(RuntimeOptions {
        startup_snapshot: Some(blob),
        extensions: vec![ext()],
        residual_lazy_esm_sources: residual_lazy_esm(),
        create_params: Some(create_params()),
        ..Default::default()
    })
    .expect("runtime from snapshot");
    if std::env::var_os("PROBE_TOUCH").is_some() {
        // Makes the shim drop `__v8x_snapshot_module_exports` from globalThis.
        runtime.get_module_namespace(0).expect("module 0");
    }
    runtime
}

fn build_snapshot() -> (Box<[u8]>, Duration, Duration) {
    let t = Instant::now();
    let runtime = JsRuntimeForSnapshot::new(RuntimeOptions {
        extensions: vec![ext()],
        ..Default::default()
    });
    let created = t.elapsed();
    let blob = runtime.snapshot();
    (blob, created, t.elapsed())
}

fn eval(runtime: &mut JsRuntime, name: &'static str, code: &'static str) -> String {
    match runtime.execute_script(name, code) {
        Ok(value) => {
            deno_core::scope!(scope, runtime);
            let local = v8::Local::new(scope, value);
            local.to_rust_string_lossy(scope)
        }
        Err(e) => format!("ERROR: {e}"),
    }
}

/// An unhandled rejection must be swallowed by the glue's handler (99_main.js).
fn unhandled_rejection(runtime: &mut JsRuntime) -> String {
    if let Err(e) = runtime.execute_script(
        "ext:probe/reject.js",
        "Promise.reject(new Error('boom')); 1",
    ) {
        return format!("ERROR executing: {e}");
    }
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio");
    match tokio.block_on(runtime.run_event_loop(PollEventLoopOptions::default())) {
        Ok(()) => "handled (event loop Ok)".to_owned(),
        Err(e) => format!("event loop Err: {e}"),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Times `make` once, then `LATER` more times; each runtime is dropped
/// (untimed) before the next is made.
fn time_creations(label: &str, mut make: impl FnMut() -> JsRuntime) {
    let t = Instant::now();
    let first = make();
    let first_time = t.elapsed();
    drop(first);
    let mut later = Vec::new();
    for _ in 0..LATER {
        let t = Instant::now();
        let runtime = make();
        later.push(t.elapsed());
        drop(runtime);
    }
    later.sort();
    let mean = later.iter().sum::<Duration>() / LATER as u32;
    println!(
        "{label}: first {}, later x{LATER}: min {} median {} mean {} max {}",
        ms(first_time),
        ms(later[0]),
        ms(later[LATER / 2]),
        ms(mean),
        ms(later[LATER - 1]),
    );
}

fn check(label: &str, mut runtime: JsRuntime) -> (String, String) {
    let t = Instant::now();
    let fingerprint = eval(&mut runtime, "ext:probe/fingerprint.js", FINGERPRINT);
    let t_fp = t.elapsed();
    let t = Instant::now();
    let host_sim = eval(&mut runtime, "ext:probe/host_sim.js", HOST_SIM);
    println!("[{label}] first scripts: fingerprint (incl. lazy Buffer) {}, host sim (setup, flow, require util) {}", ms(t_fp), ms(t.elapsed()));
    let rejection = unhandled_rejection(&mut runtime);
    println!("[{label}] host sim: {host_sim}");
    println!("[{label}] unhandled rejection: {rejection}");
    (fingerprint, format!("{host_sim} | {rejection}"))
}

fn compare(a: &(String, String), b: &(String, String)) {
    let pa: serde_json::Value = serde_json::from_str(&a.0).unwrap_or_default();
    let pb: serde_json::Value = serde_json::from_str(&b.0).unwrap_or_default();
    if pa.is_null() || pb.is_null() {
        println!("fingerprint (fresh): {}", a.0);
        println!("fingerprint (snap):  {}", b.0);
        return;
    }
    let (Some(oa), Some(ob)) = (pa.as_object(), pb.as_object()) else {
        return;
    };
    for (key, va) in oa {
        let vb = ob.get(key).cloned().unwrap_or_default();
        if *va == vb {
            let shown = va.to_string();
            let shown = if shown.len() > 100 {
                format!("{}... (same)", &shown[..100])
            } else {
                shown
            };
            println!("  same  {key}: {shown}");
        } else {
            println!("  DIFF  {key}: fresh={va} snap={vb}");
        }
    }
    println!(
        "  host sim + rejection: {}",
        if a.1 == b.1 {
            "same".to_owned()
        } else {
            format!("DIFF fresh={} snap={}", a.1, b.1)
        }
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "all".to_owned());
    let file = args.next();
    match mode.as_str() {
        "fresh" => {
            time_creations("try_new without snapshot", fresh);
            time_creations("  + Host::new setup script", || with_setup(fresh()));
            println!("heap used after creation: {}", heap_used(fresh()));
        }
        "host" => {
            let t = Instant::now();
            let host =
                actions_runtime::Host::new(actions_runtime::HostOptions::default()).expect("host");
            println!("Host::new first: {}", ms(t.elapsed()));
            drop(host);
            let mut later = Vec::new();
            for _ in 0..LATER {
                let t = Instant::now();
                let host = actions_runtime::Host::new(actions_runtime::HostOptions::default())
                    .expect("host");
                later.push(t.elapsed());
                drop(host);
            }
            later.sort();
            println!(
                "Host::new later x{LATER}: min {} median {} max {}",
                ms(later[0]),
                ms(later[LATER / 2]),
                ms(later[LATER - 1])
            );
        }
        "build" => {
            let file = file.expect("build FILE");
            let (blob, created, total) = build_snapshot();
            std::fs::write(&file, &blob).expect("write blob");
            println!(
                "snapshot: {} bytes; JsRuntimeForSnapshot::new {}, total with .snapshot() {}",
                blob.len(),
                ms(created),
                ms(total)
            );
        }
        "snap" => {
            let file = file.expect("snap FILE");
            let blob: &'static [u8] =
                Box::leak(std::fs::read(&file).expect("read blob").into_boxed_slice());
            if std::env::var_os("PROBE_FRESH_FIRST").is_some() {
                time_creations("try_new without snapshot (before)", fresh);
            }
            let _ = residual_lazy_esm(); // built once, untimed (a build.rs would emit it statically)
            time_creations("try_new from snapshot", || from_snapshot(blob));
            time_creations("  + Host::new setup script", || {
                with_setup(from_snapshot(blob))
            });
            println!(
                "heap used after creation: {}",
                heap_used(from_snapshot(blob))
            );
            let _ = check("snap", from_snapshot(blob));
            println!(
                "fingerprint: {}",
                eval(&mut from_snapshot(blob), "ext:probe/fp.js", FINGERPRINT)
            );
        }
        "fresh2" => {
            // Control for the intermittent crash in `all`: the same sequence
            // with no snapshot at all.
            time_creations("try_new without snapshot", fresh);
            let _ = check("fresh", fresh());
            let _ = check("fresh again", fresh());
        }
        "inproc" => {
            // Build the snapshot and use it in the same process (the "make it
            // lazily at first run" integration), with no fresh runtime first.
            let (blob, _, total) = build_snapshot();
            println!("snapshot: {} bytes in {}", blob.len(), ms(total));
            let blob: &'static [u8] = Box::leak(blob);
            let _ = residual_lazy_esm();
            time_creations("try_new from snapshot (in-process blob)", || {
                from_snapshot(blob)
            });
            let _ = check("snap", from_snapshot(blob));
        }
        "registry" => {
            // When does the shim's module-export registry leave globalThis,
            // and does the glue still work if the host deletes it up front?
            let (blob, _, _) = build_snapshot();
            let blob: &'static [u8] = Box::leak(blob);
            const KEYS: &str = "(() => { const r = globalThis.__v8x_snapshot_module_exports; return r === undefined ? 'absent' : Object.keys(r).length + ' keys'; })()";
            let mut rt = from_snapshot(blob);
            println!("after try_new: {}", eval(&mut rt, "ext:probe/k1.js", KEYS));
            println!(
                "typeof URL: {}",
                eval(&mut rt, "ext:probe/u.js", "typeof URL")
            );
            println!(
                "after typeof URL: {}",
                eval(&mut rt, "ext:probe/k2.js", KEYS)
            );
            println!(
                "new URL: {}",
                eval(
                    &mut rt,
                    "ext:probe/u2.js",
                    "new URL('https://x.example/a').href"
                )
            );
            println!("after new URL: {}", eval(&mut rt, "ext:probe/k3.js", KEYS));
            println!(
                "console.log: {}",
                eval(&mut rt, "ext:probe/c.js", "console.log('hi'), 'ok'")
            );
            println!(
                "after console.log: {}",
                eval(&mut rt, "ext:probe/k4.js", KEYS)
            );
            println!("ops reachable: {}", eval(&mut rt, "ext:probe/o.js", "(() => { const r = globalThis.__v8x_snapshot_module_exports; return r ? Object.keys(r['ext:core/ops'] || {}).filter(k => k.startsWith('op_host') || k === 'op_fetch').join(',') : 'n/a'; })()"));
            println!(
                "Buffer: {}",
                eval(
                    &mut rt,
                    "ext:probe/b.js",
                    "Buffer.from('hi').toString('hex')"
                )
            );
            println!("after Buffer: {}", eval(&mut rt, "ext:probe/k5.js", KEYS));
            drop(rt);
            if std::env::var_os("PROBE_DELETE_FIRST").is_some() {
                // Aborts the process (deno_core modules/map.rs unwrap in
                // instantiate_module, inside op_lazy_load_esm).
                let mut rt = from_snapshot(blob);
                println!(
                    "-- delete registry first, then the host sim: {}",
                    eval(
                        &mut rt,
                        "ext:probe/d.js",
                        "delete globalThis.__v8x_snapshot_module_exports"
                    )
                );
                println!("host sim: {}", eval(&mut rt, "ext:probe/hs.js", HOST_SIM));
            }
            // Workaround: any Module namespace/instantiate/evaluate call makes
            // the shim consume the registry; ask for a module namespace.
            let mut rt = from_snapshot(blob);
            let t = Instant::now();
            let touched = rt
                .get_module_namespace(0)
                .map(|_| ())
                .map_err(|e| e.to_string());
            println!(
                "-- get_module_namespace(0): {touched:?} in {}",
                ms(t.elapsed())
            );
            println!("after touch: {}", eval(&mut rt, "ext:probe/k8.js", KEYS));
            println!("host sim: {}", eval(&mut rt, "ext:probe/hs3.js", HOST_SIM));
            println!(
                "Buffer: {}",
                eval(
                    &mut rt,
                    "ext:probe/b3.js",
                    "Buffer.from('hi').toString('hex')"
                )
            );
            println!("rejection: {}", unhandled_rejection(&mut rt));
            drop(rt);
            let mut rt = from_snapshot(blob);
            println!(
                "-- host sim untouched: {}",
                eval(&mut rt, "ext:probe/hs2.js", HOST_SIM)
            );
            println!("after host sim: {}", eval(&mut rt, "ext:probe/k7.js", KEYS));
        }
        _ => {
            time_creations("try_new without snapshot", fresh);
            let (blob, created, total) = build_snapshot();
            println!(
                "snapshot: {} bytes; JsRuntimeForSnapshot::new {}, total with .snapshot() {}",
                blob.len(),
                ms(created),
                ms(total)
            );
            if let Some(path) = std::env::var_os("PROBE_SAVE") {
                std::fs::write(path, &blob).expect("save blob");
            }
            let blob: &'static [u8] = Box::leak(blob);
            time_creations("try_new from snapshot", || from_snapshot(blob));
            let a = if std::env::var_os("PROBE_SKIP_FRESH_CHECK").is_some() {
                (String::new(), String::new())
            } else {
                check("fresh", fresh())
            };
            let b = check("snap", from_snapshot(blob));
            compare(&a, &b);
        }
    }
}
