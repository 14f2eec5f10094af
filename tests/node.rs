//! Node compatibility through the real binary: built-ins, `require` errors,
//! `fetch` against fixtures, refused requests, and `--allow-net` against a
//! server on this machine's loopback.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::actions as run;

fn flow_with(dir: &Path, code: &str, extra: &str) {
    let flow = format!(
        r#"{{"actions": [{{"name": "a", "file": "a.js"}}], "clock": "2026-01-01T00:00:00Z", "seed": 3{extra}}}"#
    );
    std::fs::write(dir.join("flow.json"), flow).unwrap();
    std::fs::write(dir.join("a.js"), code).unwrap();
}

fn report(out: &Output) -> Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn claims(report: &Value) -> &Value {
    &report["id_token"]["claims"]
}

#[test]
fn node_built_ins_actions_use() {
    let dir = tempfile::tempdir().unwrap();
    flow_with(
        dir.path(),
        r#"
const crypto = require('crypto');
const { Buffer: B } = require('node:buffer');
const util = require('util');
const qs = require('querystring');
const { EventEmitter } = require('events');
exports.onExecutePostLogin = async (event, api) => {
  const c = (k, v) => api.idToken.setCustomClaim(k, v);
  c('sha256', crypto.createHash('sha256').update('abc').digest('hex'));
  c('hmac', crypto.createHmac('sha256', 'key').update('The quick brown fox jumps over the lazy dog').digest('base64'));
  c('md5', crypto.createHash('md5').update('').digest('hex'));
  c('random_len', crypto.randomBytes(16).length);
  c('uuid_ok', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
  c('tse', crypto.timingSafeEqual(Buffer.from('abc'), B.from('abc')));
  c('b64', Buffer.from('héllo wörld').toString('base64'));
  c('hex', Buffer.from([1, 2, 255]).toString('hex'));
  c('url', new URL('/a/../b?x=1#h', 'https://example.com/base/').href);
  const params = new URLSearchParams({ a: '1 2', b: 'x&y' }); params.append('a', '3');
  c('params', params.toString());
  c('format', util.format('%s=%d %j', 'n', 42, { a: 1 }));
  c('promisify', await util.promisify((x, cb) => setTimeout(() => cb(null, x * 2), 1))(21));
  c('qs', qs.parse('a=1&b=2&a=3'));
  const e = new EventEmitter(); let got; e.on('x', (v) => { got = v; }); e.emit('x', 7); c('emitted', got);
  c('text', new TextDecoder().decode(new TextEncoder().encode('€')));
  c('clone', structuredClone({ d: [1, { e: 2 }] }));
  c('btoa', btoa('hi'));
  c('timer', await new Promise((r) => setTimeout(() => r('fired'), 5)));
  c('process', [typeof process.env, Object.keys(process.env).length, process.version.startsWith('v22')]);
};"#,
        "",
    );
    let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
    let c = claims(&report);
    assert_eq!(
        c["sha256"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(c["hmac"], "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
    assert_eq!(c["md5"], "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(c["random_len"], 16);
    assert_eq!(c["uuid_ok"], true);
    assert_eq!(c["tse"], true);
    assert_eq!(c["b64"], "aMOpbGxvIHfDtnJsZA==");
    assert_eq!(c["hex"], "0102ff");
    assert_eq!(c["url"], "https://example.com/b?x=1#h");
    assert_eq!(c["params"], "a=1+2&b=x%26y&a=3");
    assert_eq!(c["format"], "n=42 {\"a\":1}");
    assert_eq!(c["promisify"], 42);
    assert_eq!(c["qs"], serde_json::json!({"a": ["1", "3"], "b": "2"}));
    assert_eq!(c["emitted"], 7);
    assert_eq!(c["text"], "€");
    assert_eq!(c["clone"], serde_json::json!({"d": [1, {"e": 2}]}));
    assert_eq!(c["btoa"], "aGk=");
    assert_eq!(c["timer"], "fired");
    assert_eq!(c["process"], serde_json::json!(["object", 0, true]));
}

#[test]
fn require_errors_name_the_module_and_the_action() {
    let dir = tempfile::tempdir().unwrap();
    for (request, needles) in [
        ("left-pad", vec!["Cannot find module 'left-pad'", "a.js"]),
        ("./missing", vec!["Cannot find module './missing'"]),
        ("child_process", vec!["'child_process'", "not supported"]),
        ("node:vm", vec!["'node:vm'", "not supported"]),
    ] {
        flow_with(
            dir.path(),
            &format!(
                "const x = require('{request}');\nexports.onExecutePostLogin = async () => {{}};"
            ),
            "",
        );
        let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
        assert_eq!(report["outcome"], "failed", "{request}");
        let message = report["error"]["message"].as_str().unwrap();
        for needle in needles {
            assert!(
                message.contains(needle),
                "{request}: `{needle}` missing from `{message}`"
            );
        }
        assert_eq!(report["error"]["action"], "a");
    }
    // Using a module whose functions are unavailable names the call.
    flow_with(dir.path(), "const fs = require('fs');\nexports.onExecutePostLogin = async () => { fs.readFileSync('/etc/passwd'); };", "");
    let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("fs.readFileSync() is not available"),
        "{report}"
    );
}

#[test]
fn relative_requires_and_json_files_load() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lib")).unwrap();
    std::fs::write(
        dir.path().join("lib/index.js"),
        "exports.twice = (x) => x * 2; exports.config = require('../config.json');",
    )
    .unwrap();
    std::fs::write(dir.path().join("config.json"), r#"{"tier": "gold"}"#).unwrap();
    flow_with(dir.path(), "const lib = require('./lib');\nexports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('x', [lib.twice(21), lib.config.tier]); };", "");
    let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
    assert_eq!(claims(&report)["x"], serde_json::json!([42, "gold"]));
}

#[test]
fn fetch_is_answered_by_fixtures_and_refused_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    flow_with(
        dir.path(),
        r#"exports.onExecutePostLogin = async (e, api) => {
  const r = await fetch('https://api.example.com/v1/thing?id=1', { method: 'POST', body: JSON.stringify({ a: 1 }), headers: { 'content-type': 'application/json' } });
  api.idToken.setCustomClaim('got', [r.status, r.headers.get('x-test'), await r.text()]);
  try { await fetch('https://other.example.com/'); } catch (err) { api.idToken.setCustomClaim('refused', `${err.name}: ${err.message}`); }
};"#,
        r#", "http": [{"method": "POST", "url": "https://api.example.com/v1/*", "status": 202, "headers": {"x-test": "yes"}, "text": "accepted", "delay_ms": 20}]"#,
    );
    let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
    assert_eq!(
        claims(&report)["got"],
        serde_json::json!([202, "yes", "accepted"])
    );
    let refused = claims(&report)["refused"].as_str().unwrap();
    assert!(
        refused.starts_with("TypeError: fetch GET https://other.example.com/ was refused"),
        "{refused}"
    );
    assert!(
        refused.contains("[0] POST https://api.example.com/v1/*")
            && refused.contains("--allow-net"),
        "{refused}"
    );
    assert_eq!(
        report["http"],
        serde_json::json!([
            {"method": "POST", "url": "https://api.example.com/v1/thing?id=1", "status": 202, "fixture": 0},
            {"method": "GET", "url": "https://other.example.com/", "status": null, "fixture": null},
        ])
    );
}

#[test]
fn allow_net_lets_requests_reach_a_real_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 2048];
        let n = stream.read(&mut request).unwrap();
        let first_line = String::from_utf8_lossy(&request[..n])
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\nconnection: close\r\n\r\n{\"real\": true }").unwrap();
        first_line
    });
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{port}/hello");
    flow_with(dir.path(), &format!("exports.onExecutePostLogin = async (e, api) => {{ const r = await fetch('{url}'); api.idToken.setCustomClaim('real', (await r.json()).real); }};"), "");
    // Denied by default; a host list that does not name the server is refused too.
    let denied = report(&run(dir.path(), &["run", "--json", "flow.json"]));
    assert_eq!(denied["outcome"], "failed");
    let other = report(&run(
        dir.path(),
        &["run", "--json", "--allow-net=api.example.com", "flow.json"],
    ));
    assert!(
        other["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not in --allow-net"),
        "{other}"
    );
    let allowed = report(&run(
        dir.path(),
        &["run", "--json", "--allow-net=127.0.0.1", "flow.json"],
    ));
    assert_eq!(claims(&allowed)["real"], true, "{allowed}");
    assert_eq!(allowed["http"][0]["status"], 200);
    assert_eq!(server.join().unwrap(), "GET /hello HTTP/1.1");
}

/// Results of `tests/node22/*.js` that differ from Node 22's, each with why.
/// Everything else must be equal, and everything listed must still differ
/// (so a fix shows up here).
const NODE_22_DIFFERENCES: &[(&str, &str, &str)] = &[
    ("web.js", "structuredClone function", "the engine's serializer words its DataCloneError for functions itself"),
    ("web.js", "structuredClone symbol", "the engine's serializer words its DataCloneError for symbols itself"),
    ("web.js", "structuredClone error", "the engine's serializer cannot clone Error objects (V8's can)"),
    ("web.js", "event target", "Node's EventTarget reports `eventPhase` 0 to an object listener during the first dispatch; Deno's, as the DOM standard says, 2"),
    ("web.js", "text decoder fatal", "deno_web raises this TypeError from Rust, in its own words"),
    ("web.js", "text decoder label", "deno_web raises this RangeError from Rust, in its own words"),
    ("web.js", "ecdsa round trip", "deno_crypto puts `alg` in an exported EC JWK; Node leaves it out"),
    ("web.js", "wrong usage", "deno_crypto's Rust says which key, not which operation"),
    ("web.js", "not extractable", "Node names this DOMException `InvalidAccessException` and words it in lower case"),
];

/// The probe Actions in `tests/node22/` give the results Node 22 gave
/// (`tests/node22/record.mjs` recorded them), but for the listed differences.
#[test]
fn web_platform_results_equal_node_22_s() {
    let probes = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/node22");
    let mut files: Vec<_> = std::fs::read_dir(&probes)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut problems = Vec::new();
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let expected: Value =
            serde_json::from_slice(&std::fs::read(file.with_extension("expected.json")).unwrap())
                .unwrap();
        let dir = tempfile::tempdir().unwrap();
        flow_with(dir.path(), &std::fs::read_to_string(&file).unwrap(), "");
        let report = report(&run(dir.path(), &["run", "--json", "flow.json"]));
        for (claim, node) in expected["claims"].as_object().unwrap() {
            let ours = &claims(&report)[claim];
            for (check, node_result) in node.as_object().unwrap() {
                let known = NODE_22_DIFFERENCES
                    .iter()
                    .any(|(f, c, _)| *f == name && c == check);
                let equal = ours.get(check) == Some(node_result);
                if equal == known {
                    problems.push(format!(
                        "{name} `{check}`{}:\n  Node 22: {node_result}\n  actions: {}",
                        if known {
                            " (listed as a difference, but equal now)"
                        } else {
                            ""
                        },
                        ours.get(check).unwrap_or(&Value::Null)
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
