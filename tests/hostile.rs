//! Untrusted Action code (issue 6): every door to the host is shut, runaway
//! code ends with the right verdict, errors point at the line, and the
//! process survives to run the next flow. Each case runs the real binary.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;

fn run_action(code: &str, extra: &str, flags: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    run_action_in(dir.path(), code, extra, flags)
}

/// [`run_action`] with the flow in `dir`: `dir/flow.json` runs
/// `dir/actions/hostile.js`, then an Action that does nothing.
fn run_action_in(dir: &Path, code: &str, extra: &str, flags: &[&str]) -> Value {
    std::fs::create_dir_all(dir.join("actions")).unwrap();
    std::fs::write(dir.join("actions/hostile.js"), code).unwrap();
    std::fs::write(
        dir.join("flow.json"),
        format!(r#"{{"actions": [{{"name": "hostile", "file": "actions/hostile.js"}}, {{"name": "after", "code": "exports.onExecutePostLogin = async () => {{}};"}}], "clock": "2026-01-01T00:00:00Z"{extra}}}"#),
    )
    .unwrap();
    let out = actions(dir, &[&["run", "--json"], flags, &["flow.json"]].concat());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn actions(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SECRET_TOKEN", "host-secret")
        .output()
        .unwrap()
}

/// The Action reports what it could reach through claims; nothing may leak.
fn probe(expression: &str) -> Value {
    let code = format!(
        "exports.onExecutePostLogin = async (e, api) => {{\n  let result;\n  try {{ result = await (async () => {expression})(); }} catch (err) {{ result = `threw ${{err && err.message}}`; }}\n  api.idToken.setCustomClaim('r', result === undefined ? 'undefined' : result);\n}};"
    );
    let report = run_action(&code, "", &[]);
    assert_eq!(report["outcome"], "allowed", "{report}");
    report["id_token"]["claims"]["r"].clone()
}

fn threw(value: &Value, needle: &str) {
    let text = value.as_str().unwrap_or_default();
    assert!(
        text.starts_with("threw") && text.contains(needle),
        "expected a throw mentioning `{needle}`, got {value}"
    );
}

#[test]
fn files_cannot_be_read_or_written() {
    threw(
        &probe("require('fs').readFileSync('/etc/passwd', 'utf8')"),
        "fs.readFileSync() is not available",
    );
    threw(
        &probe("require('fs').writeFileSync('/tmp/actions-hostile', 'x')"),
        "fs.writeFileSync() is not available",
    );
    threw(
        &probe("require('fs/promises').readFile('/etc/passwd')"),
        "is not available",
    );
    threw(
        &probe("require('../../../../../../etc/passwd')"),
        "Cannot find module",
    );
    threw(&probe("require('/etc/passwd')"), "Cannot find module");
    assert!(!Path::new("/tmp/actions-hostile").exists());
}

#[test]
fn processes_cannot_be_spawned_and_the_process_cannot_be_ended() {
    threw(
        &probe("require('child_process').execSync('id')"),
        "'child_process'",
    );
    threw(&probe("require('worker_threads')"), "'worker_threads'");
    threw(&probe("require('vm').runInThisContext('1')"), "'vm'");
    threw(&probe("process.exit(1)"), "process.exit() is not available");
    threw(&probe("process.kill(1)"), "process.kill() is not available");
    threw(&probe("process.binding('fs')"), "is not available");
}

#[test]
fn environment_variables_are_not_visible() {
    assert_eq!(probe("JSON.stringify(process.env)"), "{}");
    assert_eq!(probe("String(process.env.SECRET_TOKEN)"), "undefined");
}

#[test]
fn sockets_cannot_be_opened() {
    threw(
        &probe("require('net').connect(80, '127.0.0.1')"),
        "net.connect() is not available",
    );
    threw(
        &probe("require('http').get('http://127.0.0.1/')"),
        "http.get() is not available",
    );
    threw(&probe("fetch('http://127.0.0.1:9/')"), "was refused");
}

#[test]
fn host_globals_and_dynamic_import_are_not_reachable() {
    assert_eq!(probe("[typeof Deno, typeof __bootstrap, typeof __actionsHostDispatch, typeof __v8x_snapshot_intrinsics].join()"), "undefined,undefined,undefined,undefined");
    assert_eq!(probe("typeof Function('return this')().Deno"), "undefined");
    assert_eq!(probe("typeof (0, eval)('globalThis').Deno"), "undefined");
    threw(&probe("import('file:///etc/passwd')"), "");
    threw(&probe("import('node:fs')"), "");
}

#[test]
fn a_busy_loop_ends_as_a_timeout_naming_the_action() {
    let report = run_action(
        "exports.onExecutePostLogin = async () => { for (;;) {} };",
        "",
        &["--timeout-ms", "300"],
    );
    assert_eq!(
        (
            report["outcome"].as_str(),
            report["error"]["code"].as_str(),
            report["error"]["action"].as_str()
        ),
        (Some("failed"), Some("timeout"), Some("hostile"))
    );
    assert_eq!(
        report["error"]["message"],
        "the execution exceeded its time limit of 300 ms"
    );
    assert!(report["invocations"][0]["duration_ms"].as_f64().unwrap() >= 250.0);
    assert_eq!(
        report["invocations"].as_array().unwrap().len(),
        1,
        "later Actions do not run"
    );
}

/// The time limit is checked by the engine's own interrupt polling (no
/// watchdog thread): it reaches code that runs inside the engine's native
/// loops too, a regular expression backtracking and a sort calling back.
#[test]
fn runaway_code_inside_the_engine_s_own_loops_ends_at_the_deadline() {
    for code in [
        "exports.onExecutePostLogin = async () => { /^(a+)+$/.test('a'.repeat(40) + 'b'); };",
        "exports.onExecutePostLogin = async () => { const a = Array.from({ length: 1e5 }, (_, i) => i); for (;;) a.sort((x, y) => y - x); };",
        "exports.onExecutePostLogin = async () => { JSON.stringify({ get x() { for (;;) {} } }); };",
    ] {
        let started = std::time::Instant::now();
        let report = run_action(code, "", &["--timeout-ms", "300"]);
        assert_eq!(report["error"]["code"], "timeout", "{code}: {report}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "{code}: took {:?}",
            started.elapsed()
        );
    }
}

/// `actions run` ends a flow past its limits whatever it is doing: blocked
/// in `Atomics.wait`, which no engine check reaches, or growing memory the
/// JS heap cap does not count.
#[test]
fn actions_run_ends_a_blocked_or_growing_flow_from_outside() {
    for (code, flags, verdict) in [
        (
            "exports.onExecutePostLogin = async () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };",
            ["--timeout-ms", "300"],
            "timeout",
        ),
        (
            "exports.onExecutePostLogin = async () => { const kept = []; for (;;) { const b = new SharedArrayBuffer(16 << 20); new Uint8Array(b).fill(1); kept.push(b); } };",
            ["--memory-mb", "32"],
            "memory_limit",
        ),
    ] {
        let started = std::time::Instant::now();
        let report = run_action(code, "", &flags);
        assert_eq!(
            (report["outcome"].as_str(), report["error"]["code"].as_str()),
            (Some("failed"), Some(verdict)),
            "{report}"
        );
        // 300 ms, the 2 s for the report, and the 500 ms grace.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(6),
            "{verdict}: took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_timer_that_never_fires_in_time_ends_as_a_timeout() {
    let report = run_action("exports.onExecutePostLogin = async () => { await new Promise((r) => setTimeout(r, 60 * 60 * 1000)); };", r#", "limits": {"timeout_ms": 300}"#, &[]);
    assert_eq!(report["error"]["code"], "timeout", "{report}");
}

#[test]
fn an_await_that_can_never_settle_is_a_timeout() {
    let report = run_action(
        "exports.onExecutePostLogin = async () => { await new Promise(() => {}); };",
        "",
        &[],
    );
    assert_eq!(report["error"]["code"], "timeout", "{report}");
}

#[test]
fn unbounded_allocation_ends_as_memory_limit_and_the_process_survives() {
    let report = run_action("exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push('x'.repeat(1 << 16) + Math.random()); };", "", &["--memory-mb", "32"]);
    assert_eq!(report["error"]["code"], "memory_limit", "{report}");
}

/// Flows whose allocations are nearly all stack traces reach the heap cap
/// while the engine builds one: out of memory there once freed a call site
/// twice, and the process crashed later (third_party/patches/0001). Each
/// flow stops at a different point, so twelve of them cover the steps of
/// building a stack.
#[test]
fn deep_stacks_at_the_heap_cap_end_as_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        let code = format!(
            "const deep = (n) => {{ if (n === 0) throw new Error('x'.repeat({i})); return deep(n - 1); }};\n\
             exports.onExecutePostLogin = async () => {{ const kept = []; for (;;) {{ try {{ deep(40 + {i}); }} catch (e) {{ kept.push(e, e.stack); }} }} }};"
        );
        let flow = serde_json::json!({
            "actions": [{ "name": "stacks", "code": code }],
            "clock": "2026-01-01T00:00:00Z",
            "limits": { "memory_mb": 16 },
            "expect": { "outcome": "failed", "error": { "code": "memory_limit" } },
        });
        std::fs::write(
            dir.path().join(format!("f{i:02}.flow.json")),
            flow.to_string(),
        )
        .unwrap();
    }
    let out = actions(dir.path(), &["test", "--isolation", "runtime", "."]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("12 passed"), "{stdout}");
}

/// A flow stopped at its time or memory limit prints nothing: formatting the
/// stack of the error the engine raises as it terminates made deno_core
/// print "Failed to create JsStackFrame ... This is a bug in deno"
/// (third_party/patches/0003). Not covered: a limit that lands while the
/// flow itself is formatting a stack, where deno_core still warns.
#[test]
fn runaway_flows_print_nothing_to_stderr() {
    for (code, flags) in [
        (
            "exports.onExecutePostLogin = async () => { for (;;) {} };",
            ["--timeout-ms", "200"],
        ),
        (
            "exports.onExecutePostLogin = async () => { const kept = []; for (;;) kept.push('x'.repeat(1 << 12) + Math.random()); };",
            ["--memory-mb", "16"],
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("flow.json"),
            serde_json::json!({ "actions": [{ "name": "a", "code": code }], "clock": "2026-01-01T00:00:00Z" }).to_string(),
        )
        .unwrap();
        let out = actions(dir.path(), &[&["run", "--json"], &flags[..], &["flow.json"]].concat());
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["outcome"], "failed", "{report}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{code}");
    }
}

#[test]
fn deep_recursion_is_a_catchable_range_error_or_a_failure() {
    let caught = run_action(
        "const f = (n) => f(n + 1) + 1;\nexports.onExecutePostLogin = async (e, api) => { try { f(0); } catch (err) { api.idToken.setCustomClaim('r', `${err.name}: ${err.message}`); } };",
        "",
        &[],
    );
    assert_eq!(
        caught["id_token"]["claims"]["r"],
        "RangeError: Maximum call stack size exceeded"
    );
    let uncaught = run_action(
        "const f = (n) => f(n + 1) + 1;\nexports.onExecutePostLogin = async () => { f(0); };",
        "",
        &[],
    );
    assert_eq!(
        (
            uncaught["outcome"].as_str(),
            uncaught["error"]["code"].as_str()
        ),
        (Some("failed"), Some("action_error"))
    );
    assert_eq!(uncaught["invocations"][0]["error"]["name"], "RangeError");
}

#[test]
fn errors_point_at_the_file_line_and_column() {
    let report = run_action("exports.onExecutePostLogin = async (event) => {\n  const user = event.user;\n  return user.profile.name;\n};", "", &[]);
    let error = &report["invocations"][0]["error"];
    assert_eq!(
        (error["file"].as_str(), error["line"].as_u64()),
        (Some("actions/hostile.js"), Some(3)),
        "{error}"
    );
    assert!(error["column"].as_u64().unwrap() >= 3, "{error}");
    assert_eq!(error["name"], "TypeError");
    assert!(
        error["stack"]
            .as_str()
            .unwrap()
            .contains("actions/hostile.js:3:"),
        "{error}"
    );
}

#[test]
fn non_error_throws_are_reported_faithfully() {
    for (thrown, message) in [
        ("'a string'", "a string"),
        ("42", "42"),
        ("{ code: 1 }", "[object Object]"),
        ("null", "null"),
        ("undefined", "undefined"),
    ] {
        let report = run_action(
            &format!("exports.onExecutePostLogin = async () => {{ throw {thrown}; }};"),
            "",
            &[],
        );
        assert_eq!(report["error"]["message"], message, "{thrown}");
    }
}

#[test]
fn an_unhandled_rejection_is_a_warning_not_a_failure() {
    let report = run_action("exports.onExecutePostLogin = async () => { Promise.reject(new Error('fire and forget')); await new Promise((r) => setTimeout(r, 5)); };", "", &[]);
    assert_eq!(report["outcome"], "allowed", "{report}");
    let console = report["invocations"][0]["console"].as_array().unwrap();
    assert!(
        console.iter().any(|l| l["level"] == "warn"
            && l["message"]
                .as_str()
                .unwrap()
                .contains("Unhandled promise rejection: Error: fire and forget")),
        "{console:?}"
    );
}

#[test]
fn a_suite_keeps_running_after_hostile_flows() {
    let dir = tempfile::tempdir().unwrap();
    let flows = [
        ("1-loop", "exports.onExecutePostLogin = async () => { for (;;) {} };", r#"{"outcome": "failed", "error": {"code": "timeout"}}"#),
        ("2-ok", "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('x', typeof globalThis.leak); };", r#"{"outcome": "allowed", "id_token": {"claims": {"x": "undefined"}}}"#),
        ("3-memory", "exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push(new Array(1e5).fill(1)); };", r#"{"outcome": "failed", "error": {"code": "memory_limit"}}"#),
        ("4-polluter", "globalThis.leak = 1; Object.freeze(Object.prototype); exports.onExecutePostLogin = async () => {};", r#"{"outcome": "allowed"}"#),
        ("5-ok", "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('x', [typeof globalThis.leak, Object.isFrozen(Object.prototype)]); };", r#"{"outcome": "allowed", "id_token": {"claims": {"x": ["undefined", false]}}}"#),
    ];
    for (name, code, expect) in flows {
        // The allocating flow gets time to reach its heap cap even on a
        // loaded machine; the looping one shows a timeout is not fatal.
        let timeout_ms = if name == "3-memory" { 5_000 } else { 300 };
        std::fs::write(
            dir.path().join(format!("{name}.flow.json")),
            format!(r#"{{"actions": [{{"name": "a", "code": {}}}], "limits": {{"timeout_ms": {timeout_ms}, "memory_mb": 32}}, "expect": {expect}}}"#, serde_json::to_string(code).unwrap()),
        )
        .unwrap();
    }
    let out = actions(dir.path(), &["test", "--jobs", "1"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("5 passed, 0 failed"));
    // The engine once printed "Failed to create JsStackFrame ... This is a
    // bug in deno" for every flow that hit the heap cap.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// The host boundary (issue 21): redirects, request lines, `require` paths and
// the files a flow names.

/// Runs the binary in `dir`, failing the test if it has not ended within
/// `seconds` (a read that blocks on a FIFO or never ends on a device).
fn actions_within(dir: &Path, args: &[&str], seconds: u64) -> Output {
    common::actions_watched(
        dir,
        args,
        std::time::Duration::from_secs(seconds),
        std::time::Duration::from_millis(20),
        |_| {},
    )
}

/// Bad input: exit code 2 and every `needle` in stderr.
fn bad_input(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "`{needle}` missing from: {stderr}");
    }
}

/// A server on 127.0.0.1 that answers one connection per entry of
/// `responses` (given the port it listens on) and hands back each request
/// it read: the head and the body.
fn serve(
    responses: Vec<Box<dyn Fn(u16) -> String + Send>>,
) -> (u16, std::thread::JoinHandle<Vec<(String, String)>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for response in responses {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|n| n.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            reader
                .get_mut()
                .write_all(response(port).as_bytes())
                .unwrap();
            seen.push((head, String::from_utf8(body).unwrap()));
        }
        seen
    });
    (port, server)
}

fn redirect(status: &str, location: String) -> String {
    format!("HTTP/1.1 {status}\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
}

/// Nothing connected to `listener` (a connection would wait to be accepted).
fn never_connected(listener: &std::net::TcpListener) -> bool {
    listener.set_nonblocking(true).unwrap();
    matches!(listener.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[test]
fn allow_net_checks_every_redirect_hop() {
    // `localhost` is this machine too, but not a host the list names.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere_port = elsewhere.local_addr().unwrap().port();
    let (port, server) = serve(vec![Box::new(move |_| {
        redirect(
            "302 Found",
            format!("http://localhost:{elsewhere_port}/secret"),
        )
    })]);
    let report = run_action(
        &format!("exports.onExecutePostLogin = async (e, api) => {{ try {{ await fetch('http://127.0.0.1:{port}/start'); api.idToken.setCustomClaim('r', 'reached'); }} catch (err) {{ api.idToken.setCustomClaim('r', `${{err.name}}: ${{err.message}}`); }} }};"),
        "",
        &["--allow-net=127.0.0.1"],
    );
    let message = report["id_token"]["claims"]["r"].as_str().unwrap();
    assert!(
        message.starts_with(&format!("TypeError: fetch GET http://localhost:{elsewhere_port}/secret (a redirect from http://127.0.0.1:{port}/start) was refused")),
        "{message}"
    );
    assert!(
        message.contains("not in --allow-net (127.0.0.1)"),
        "{message}"
    );
    assert_eq!(
        report["http"],
        serde_json::json!([
            {"method": "GET", "url": format!("http://127.0.0.1:{port}/start"), "status": 302, "fixture": null},
            {"method": "GET", "url": format!("http://localhost:{elsewhere_port}/secret"), "status": null, "fixture": null},
        ])
    );
    assert_eq!(server.join().unwrap().len(), 1);
    assert!(
        never_connected(&elsewhere),
        "the refused hop reached its server"
    );
}

#[test]
fn redirects_change_method_and_body_as_the_fetch_standard_does() {
    let (port, server) = serve(vec![
        Box::new(|port| {
            redirect(
                "307 Temporary Redirect",
                format!("http://127.0.0.1:{port}/kept"),
            )
        }),
        Box::new(|_| redirect("303 See Other", "/seen".to_owned())),
        Box::new(|_| {
            "HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\ndone".to_owned()
        }),
    ]);
    let report = run_action(
        &format!("exports.onExecutePostLogin = async (e, api) => {{ const r = await fetch('http://127.0.0.1:{port}/start', {{ method: 'POST', body: 'payload', headers: {{ 'content-type': 'text/plain' }} }}); api.idToken.setCustomClaim('r', [r.status, r.redirected, r.url, await r.text()]); }};"),
        "",
        &["--allow-net=127.0.0.1"],
    );
    assert_eq!(
        report["id_token"]["claims"]["r"],
        serde_json::json!([200, true, format!("http://127.0.0.1:{port}/seen"), "done"]),
        "{report}"
    );
    let methods: Vec<_> = report["http"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["method"].as_str().unwrap().to_owned(),
                h["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        methods,
        [
            ("POST".into(), 307),
            ("POST".into(), 303),
            ("GET".into(), 200)
        ]
    );
    let seen = server.join().unwrap();
    let lines: Vec<_> = seen
        .iter()
        .map(|(head, body)| (head.lines().next().unwrap().to_owned(), body.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            ("POST /start HTTP/1.1".to_owned(), "payload"),
            ("POST /kept HTTP/1.1".to_owned(), "payload"),
            ("GET /seen HTTP/1.1".to_owned(), ""),
        ]
    );
    assert!(
        !seen[2].0.to_ascii_lowercase().contains("content-type"),
        "the body's headers go with it: {}",
        seen[2].0
    );
}

#[test]
fn fixture_redirects_are_hops_too_with_manual_error_and_a_limit() {
    let code = r#"exports.onExecutePostLogin = async (e, api) => {
  const c = (k, v) => api.idToken.setCustomClaim(k, v);
  const moved = await fetch('https://api.example.com/old', { method: 'POST', body: 'x' });
  c('moved', [moved.status, moved.redirected, moved.url, (await moved.json()).at]);
  const manual = await fetch('https://api.example.com/old', { method: 'POST', redirect: 'manual' });
  c('manual', [manual.status, manual.headers.get('location'), manual.redirected]);
  try { await fetch('https://api.example.com/old', { method: 'POST', redirect: 'error' }); } catch (err) { c('error', `${err.name}: ${err.message}`); }
  try { await fetch('https://api.example.com/loop'); } catch (err) { c('loop', `${err.name}: ${err.message}`); }
};"#;
    let fixtures = r#", "http": [
  {"method": "POST", "url": "https://api.example.com/old", "status": 301, "headers": {"location": "/new"}},
  {"method": "GET", "url": "https://api.example.com/new", "json": {"at": "new"}},
  {"url": "https://api.example.com/loop", "status": 302, "headers": {"location": "https://api.example.com/loop"}}
]"#;
    let report = run_action(code, fixtures, &[]);
    let claims = &report["id_token"]["claims"];
    assert_eq!(
        claims["moved"],
        serde_json::json!([200, true, "https://api.example.com/new", "new"]),
        "{report}"
    );
    assert_eq!(claims["manual"], serde_json::json!([301, "/new", false]));
    let error = claims["error"].as_str().unwrap();
    assert!(
        error.starts_with("TypeError: fetch failed: unexpected redirect"),
        "{error}"
    );
    let looped = claims["loop"].as_str().unwrap();
    assert!(
        looped.starts_with("TypeError: fetch failed: redirect count exceeded (20 redirects"),
        "{looped}"
    );
    let http = report["http"].as_array().unwrap();
    assert_eq!(
        http[..2],
        [
            serde_json::json!({"method": "POST", "url": "https://api.example.com/old", "status": 301, "fixture": 0}),
            serde_json::json!({"method": "GET", "url": "https://api.example.com/new", "status": 200, "fixture": 1}),
        ]
    );
    // 2 for the move, 1 manual, 1 error, then the loop's first request and
    // its 20 redirects.
    assert_eq!(http.len(), 2 + 1 + 1 + 21);
}

#[test]
fn fetch_checks_methods_and_headers_as_node_does() {
    let code = r#"exports.onExecutePostLogin = async (e, api) => {
  const out = [];
  const attempt = async (f) => { try { out.push(await f()); } catch (err) { out.push(`${err.name}: ${err.message}`); } };
  for (const method of ['CONNECT', 'trace', 'Track', 'GET /x HTTP/1.1\r\nHost: evil', '']) {
    await attempt(() => fetch('https://api.example.com/', { method }));
  }
  await attempt(() => new Headers({ 'x-a': 'a\r\nInjected: 1' }));
  await attempt(() => new Headers([['x y', '1']]));
  await attempt(() => { const h = new Headers(); h.set('x-a', 'a\0b'); });
  await attempt(() => fetch('https://api.example.com/', { headers: { 'x-a': 'v\nInjected: 1' } }));
  await attempt(() => new Headers({ 'x-a': ' \t padded \r\n' }).get('x-a'));
  await attempt(() => ['get', 'Post', 'delete', 'patch', 'PROPFIND'].map((method) => new Request('https://api.example.com/', { method }).method).join());
  api.idToken.setCustomClaim('r', out);
};"#;
    let report = run_action(code, "", &[]);
    assert_eq!(
        report["id_token"]["claims"]["r"],
        serde_json::json!([
            "TypeError: 'CONNECT' HTTP method is unsupported.",
            "TypeError: 'trace' HTTP method is unsupported.",
            "TypeError: 'Track' HTTP method is unsupported.",
            "TypeError: 'GET /x HTTP/1.1\r\nHost: evil' is not a valid HTTP method.",
            "TypeError: '' is not a valid HTTP method.",
            "TypeError: Headers.append: \"a\r\nInjected: 1\" is an invalid header value.",
            "TypeError: Headers.append: \"x y\" is an invalid header name.",
            "TypeError: Headers.set: \"a\u{0}b\" is an invalid header value.",
            "TypeError: Headers.append: \"v\nInjected: 1\" is an invalid header value.",
            "padded",
            "GET,POST,DELETE,patch,PROPFIND",
        ]),
        "{report}"
    );
    assert_eq!(report["http"], serde_json::json!([]), "nothing was sent");
}

#[test]
fn a_request_line_cannot_be_rewritten_past_the_glue() {
    // As undici does, `fetch` reads the request's own state, not its
    // properties: an own `method` or `url` that shadows the getters does not
    // reach the wire (the host would check the method again if it did).
    let (port, server) = serve(vec![Box::new(|_| {
        "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned()
    })]);
    let report = run_action(
        &format!("exports.onExecutePostLogin = async (e, api) => {{ const request = new Request('http://127.0.0.1:{port}/'); Object.defineProperty(request, 'method', {{ value: 'GET / HTTP/1.1\\r\\nHost: evil\\r\\n\\r\\nGET' }}); Object.defineProperty(request, 'url', {{ value: 'http://evil.example/' }}); const response = await fetch(request); api.idToken.setCustomClaim('r', response.status); }};"),
        "",
        &["--allow-net=127.0.0.1"],
    );
    assert_eq!(report["id_token"]["claims"]["r"], 200, "{report}");
    let seen = server.join().unwrap();
    assert!(seen[0].0.starts_with("GET / HTTP/1.1\r\n"), "{seen:?}");
    assert!(!seen[0].0.contains("evil"), "{seen:?}");
}

/// What `require(request)` threw from `flow/actions/hostile.js`, with the
/// temporary folder written as `<tmp>`. `setup` prepares the folder.
fn require_error(request: &str, setup: impl Fn(&Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("flow/actions")).unwrap();
    std::fs::create_dir_all(dir.path().join("outside")).unwrap();
    setup(dir.path());
    let report = run_action_in(
        &dir.path().join("flow"),
        &format!("exports.onExecutePostLogin = async (e, api) => {{ try {{ require({request:?}); api.idToken.setCustomClaim('r', 'loaded'); }} catch (err) {{ api.idToken.setCustomClaim('r', err.message); }} }};"),
        "",
        &[],
    );
    let message = report["id_token"]["claims"]["r"]
        .as_str()
        .unwrap()
        .to_owned();
    let root = dir.path().canonicalize().unwrap();
    message
        .replace(&root.display().to_string(), "<tmp>")
        .replace(&dir.path().display().to_string(), "<tmp>")
}

#[test]
fn require_refuses_paths_outside_before_looking_at_them() {
    let secret =
        |dir: &Path| std::fs::write(dir.join("outside/secret.js"), "module.exports = 1;").unwrap();
    let nothing = |_: &Path| {};
    for request in ["../../outside/secret.js", "../../outside/secret"] {
        let existing = require_error(request, secret);
        let missing = require_error(request, nothing);
        assert!(
            existing.starts_with(&format!("Cannot find module '{request}'")),
            "{existing}"
        );
        assert!(
            existing.contains("leads outside the Action's folder"),
            "{existing}"
        );
        assert_eq!(
            existing, missing,
            "the answer must not tell whether the file exists"
        );
    }
    // An absolute path: only the name differs.
    assert_eq!(
        require_error("/etc/passwd", nothing).replace("/etc/passwd", "X"),
        require_error("/etc/no-such-file-here", nothing).replace("/etc/no-such-file-here", "X"),
    );
}

#[cfg(unix)]
#[test]
fn require_refuses_links_that_lead_outside_whether_or_not_they_lead_anywhere() {
    use std::os::unix::fs::symlink;
    let link = |target_exists: bool| {
        move |dir: &Path| {
            if target_exists {
                std::fs::write(dir.join("outside/secret.js"), "module.exports = 1;").unwrap();
            }
            symlink(
                dir.join("outside/secret.js"),
                dir.join("flow/actions/link.js"),
            )
            .unwrap();
            symlink(dir.join("outside"), dir.join("flow/actions/up")).unwrap();
        }
    };
    for request in ["./link.js", "./up/secret.js"] {
        let existing = require_error(request, link(true));
        let dangling = require_error(request, link(false));
        assert!(
            existing.contains("leads outside the Action's folder"),
            "{existing}"
        );
        assert_eq!(existing, dangling, "{request}");
    }
}

#[cfg(unix)]
#[test]
fn flow_and_action_files_must_be_regular_files_under_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let mkfifo = |name: &str| {
        let status = Command::new("mkfifo")
            .arg(path.join(name))
            .status()
            .unwrap();
        assert!(status.success());
    };
    bad_input(
        &actions_within(path, &["run", "/dev/zero"], 20),
        &["/dev/zero", "a device, not a regular file"],
    );
    mkfifo("fifo.flow.json");
    bad_input(
        &actions_within(path, &["run", "fifo.flow.json"], 20),
        &["fifo.flow.json", "a FIFO, not a regular file"],
    );
    std::fs::create_dir(path.join("folder.flow.json")).unwrap();
    bad_input(
        &actions_within(path, &["run", "folder.flow.json"], 20),
        &["folder.flow.json", "a folder, not a regular file"],
    );
    let mut huge =
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async () => {};"}]}"#
            .to_owned();
    huge.push_str(&" ".repeat(10 * 1024 * 1024));
    std::fs::write(path.join("huge.flow.json"), &huge).unwrap();
    bad_input(
        &actions_within(path, &["run", "huge.flow.json"], 20),
        &["huge.flow.json", "larger than 10 MiB"],
    );

    // The same for Action files, named by their field.
    mkfifo("fifo.js");
    std::fs::write(path.join("huge.js"), &huge).unwrap();
    std::os::unix::fs::symlink("/dev/zero", path.join("zero.js")).unwrap();
    for (file, needle) in [
        ("fifo.js", "a FIFO, not a regular file"),
        ("huge.js", "larger than 10 MiB"),
        ("zero.js", "lies outside the flow file's folder"),
    ] {
        std::fs::write(
            path.join("flow.json"),
            format!(r#"{{"actions": [{{"name": "a", "file": "{file}"}}]}}"#),
        )
        .unwrap();
        bad_input(
            &actions_within(path, &["run", "flow.json"], 20),
            &["flow.json", "actions[0].file", file, needle],
        );
    }
}

#[test]
fn action_files_must_lie_inside_the_flow_files_folder() {
    let dir = tempfile::tempdir().unwrap();
    let flow = dir.path().join("flow");
    std::fs::create_dir_all(flow.join("actions")).unwrap();
    let ok = "exports.onExecutePostLogin = async () => {};";
    std::fs::write(dir.path().join("outside.js"), ok).unwrap();
    std::fs::write(flow.join("actions/a.js"), ok).unwrap();
    let outside = dir.path().join("outside.js").display().to_string();
    let mut files = vec![
        "../outside.js".to_owned(),
        "actions/../../outside.js".to_owned(),
        outside.clone(),
        "/etc/passwd".to_owned(),
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&outside, flow.join("actions/link.js")).unwrap();
        std::os::unix::fs::symlink(dir.path(), flow.join("up")).unwrap();
        files.extend(["actions/link.js".to_owned(), "up/outside.js".to_owned()]);
    }
    for file in files {
        std::fs::write(
            flow.join("flow.json"),
            serde_json::json!({"actions": [{"name": "a", "file": file}, {"name": "b", "file": "actions/a.js"}]}).to_string(),
        )
        .unwrap();
        bad_input(
            &actions(&flow, &["run", "--json", "flow.json"]),
            &[
                "actions[0].file",
                &format!("`{file}` lies outside the flow file's folder"),
            ],
        );
    }
    // Inside, by any spelling, is fine.
    let inside = flow.join("actions/a.js").display().to_string();
    for file in ["actions/a.js", "./actions/../actions/a.js", inside.as_str()] {
        std::fs::write(
            flow.join("flow.json"),
            serde_json::json!({"actions": [{"name": "a", "file": file}]}).to_string(),
        )
        .unwrap();
        let out = actions(&flow, &["run", "--json", "flow.json"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn tenant_action_code_must_lie_inside_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    std::fs::create_dir_all(export.join("actions")).unwrap();
    std::fs::create_dir_all(export.join("triggers")).unwrap();
    std::fs::write(
        dir.path().join("outside.js"),
        "exports.onExecutePostLogin = async () => {};",
    )
    .unwrap();
    std::fs::write(
        export.join("actions/A.json"),
        r#"{"name": "A", "code": "../outside.js"}"#,
    )
    .unwrap();
    std::fs::write(
        export.join("triggers/triggers.json"),
        r#"{"post-login": [{"action_name": "A"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("flow.json"), r#"{"actions": []}"#).unwrap();
    bad_input(
        &actions(dir.path(), &["run", "--tenant", "export", "flow.json"]),
        &[
            "Action `A`",
            "`../outside.js` lies outside the export folder",
        ],
    );
}

#[test]
fn structured_clone_of_a_graph_with_shared_paths_returns() {
    // Two paths to the same object at each level: the engine's check for
    // host objects once walked every path (2^200 of them here).
    let started = std::time::Instant::now();
    let report = run_action(
        "exports.onExecutePostLogin = async (e, api) => { const a = {}; a.l = { x: a, y: a }; const b = { ...Array.from({ length: 40 }, () => a) }; const c = structuredClone([a, b]); api.idToken.setCustomClaim('r', [c[0].l.x === c[0], c[0].l.y === c[0], c[1][39] === c[0]]); };",
        "",
        &[],
    );
    assert_eq!(report["outcome"], "allowed", "{report}");
    assert_eq!(
        report["id_token"]["claims"]["r"],
        serde_json::json!([true, true, true])
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
