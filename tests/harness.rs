//! End-to-end tests of `actions test`, `actions init` and `actions schema`
//! through the real binary: exit codes, the summary line, mismatch text,
//! JUnit XML that parses, sharding, golden updates, runtime reuse without
//! leaks, tenant exports, and determinism.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn actions(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("ACTIONS_SECRET_API_KEY")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write(dir: &Path, name: &str, content: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn flow(code: &str, expect: &str) -> String {
    format!(
        r#"{{"actions": [{{"name": "a", "code": {}}}], "clock": "2026-01-01T00:00:00Z", "expect": {expect}}}"#,
        serde_json::to_string(code).unwrap()
    )
}

const ALLOW: &str = "exports.onExecutePostLogin = async () => {};";
const DENY: &str = "exports.onExecutePostLogin = async (e, api) => { api.access.deny('no'); };";

/// A suite: two passing flows, one failing, one without expectations.
fn suite() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ok/allow.flow.json",
        &flow(ALLOW, r#"{"outcome": "allowed", "logs": ["s"]}"#),
    );
    write(
        dir.path(),
        "ok/deny/flow.json",
        &flow(DENY, r#"{"outcome": "denied"}"#),
    );
    write(
        dir.path(),
        "bad/wrong.flow.json",
        &flow(DENY, r#"{"outcome": "allowed", "error": null}"#),
    );
    write(
        dir.path(),
        "other/plain.flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async () => {};"}]}"#,
    );
    write(dir.path(), "node_modules/pkg/flow.json", "not even json");
    write(dir.path(), "ignored.json", "{}");
    dir
}

#[test]
fn a_suite_with_a_failure_exits_1_with_summary_and_mismatch() {
    let dir = suite();
    let out = actions(dir.path(), &["test", "--junit", "junit.xml"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        stdout.lines().last(),
        Some("2 passed, 1 failed, 1 skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("FAIL  ./bad/wrong.flow.json"), "{stdout}");
    assert!(
        stdout.contains("at outcome\n        expected: \"allowed\"\n        actual:   \"denied\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("PASS  ./ok/allow.flow.json")
            && stdout.contains("PASS  ./ok/deny/flow.json"),
        "{stdout}"
    );
    assert!(stdout.contains("SKIP  ./other/plain.flow.json"), "{stdout}");
    assert!(
        !stdout.contains("node_modules"),
        "node_modules is never searched"
    );

    // The JUnit file parses and says the same.
    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped) = (0, Vec::new(), 0);
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed JUnit XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => {
                        cases += 1;
                        current = e
                            .try_get_attribute("file")
                            .unwrap()
                            .unwrap()
                            .unescape_value()
                            .unwrap()
                            .into_owned();
                    }
                    b"failure" => failures.push(current.clone()),
                    b"skipped" => skipped += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(
        (cases, failures, skipped),
        (4, vec!["./bad/wrong.flow.json".to_string()], 1)
    );
    assert!(xml.contains("expected: &quot;allowed&quot;"), "{xml}");
}

#[test]
fn an_all_passing_suite_exits_0_and_filter_selects_by_path_or_name() {
    let dir = suite();
    let out = actions(dir.path(), &["test", "ok"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout).lines().last(), Some("2 passed, 0 failed"));
    let out = actions(dir.path(), &["test", "--filter", "deny"]);
    assert_eq!(text(&out.stdout).lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn bad_input_in_any_flow_exits_2_and_the_rest_still_run() {
    let dir = suite();
    write(
        dir.path(),
        "broken.flow.json",
        r#"{"actions": [], "tenat": 1}"#,
    );
    let out = actions(dir.path(), &["test"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("ERROR ./broken.flow.json") && stdout.contains("unknown field `tenat`"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().last(), Some("2 passed, 2 failed, 1 skipped"));
}

#[test]
fn shards_cover_every_flow_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..11 {
        write(
            dir.path(),
            &format!("f{i:02}.flow.json"),
            &flow(ALLOW, r#"{"outcome": "allowed"}"#),
        );
    }
    let mut seen = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let out = actions(dir.path(), &["test", "--json", "--shard", shard]);
        assert_eq!(out.status.code(), Some(0));
        for line in text(&out.stdout).lines() {
            let result: Value = serde_json::from_str(line).unwrap();
            assert_eq!(result["status"], "passed");
            seen.push(result["flow"].as_str().unwrap().to_owned());
        }
    }
    seen.sort();
    let expected: Vec<String> = (0..11).map(|i| format!("./f{i:02}.flow.json")).collect();
    assert_eq!(seen, expected);
    let out = actions(dir.path(), &["test", "--shard", "4/3"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn update_rewrites_existing_golden_reports_only() {
    let dir = suite();
    write(dir.path(), "ok/allow.report.json", "{}");
    let out = actions(dir.path(), &["test", "ok"]);
    assert_eq!(out.status.code(), Some(1), "a stale golden fails");
    assert!(
        text(&out.stdout).contains("differs from the golden"),
        "{}",
        text(&out.stdout)
    );
    let out = actions(dir.path(), &["test", "ok", "--update"]);
    assert_eq!(out.status.code(), Some(0));
    let golden: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("ok/allow.report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(golden["outcome"], "allowed");
    assert!(
        !dir.path().join("ok/deny/report.json").exists(),
        "no golden is created where there was none"
    );
    assert_eq!(actions(dir.path(), &["test", "ok"]).status.code(), Some(0));
}

#[test]
fn a_global_set_by_one_flow_is_not_seen_by_the_next_on_the_same_runtime() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.flow.json", &flow("globalThis.shared = 'leaked'; Object.prototype.leak = 1; exports.onExecutePostLogin = async () => {};", r#"{"outcome": "allowed"}"#));
    let check = "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('seen', [typeof shared, ({}).leak === undefined]); };";
    write(
        dir.path(),
        "b.flow.json",
        &flow(
            check,
            r#"{"id_token": {"claims": {"seen": ["undefined", true]}}}"#,
        ),
    );
    // One worker: both flows run on the same runtime, in order.
    let out = actions(dir.path(), &["test", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn json_results_are_deterministic_apart_from_durations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::npm_install(&root.join("actions/sign-jwt"));
    let run = || {
        let out = actions(root, &["test", "--json", "actions", "tests/specs"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let mut lines: Vec<Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for line in &mut lines {
            line["duration_ms"] = Value::Null;
        }
        lines
    };
    let first = run();
    // Each line carries its flow's whole report (the suite builds it only
    // for `--json`; otherwise `expect` sees only the members it names).
    for line in &first {
        let report = &line["report"];
        assert!(report["outcome"].is_string(), "{line}");
        assert!(report["invocations"].is_array(), "{line}");
    }
    assert_eq!(first, run());
}

#[test]
fn a_deploy_cli_export_runs_in_both_formats() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for tenant in [
        "tests/fixtures/tenant-directory",
        "tests/fixtures/tenant-yaml",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_actions"))
            .args([
                "test",
                "--tenant",
                tenant,
                "tests/fixtures/tenant-login.json",
                "tests/fixtures/tenant-suspended.json",
            ])
            .current_dir(root)
            .env("NO_COLOR", "1")
            .env("ACTIONS_SECRET_API_KEY", "from-env")
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{tenant}: {stdout}{}",
            text(&out.stderr)
        );
        assert_eq!(stdout.lines().last(), Some("2 passed, 0 failed"));
    }
    // Without the secret's value the claim says so, and a warning names it.
    let out = Command::new(env!("CARGO_BIN_EXE_actions"))
        .args([
            "run",
            "--json",
            "--tenant",
            "tests/fixtures/tenant-directory",
            "tests/fixtures/tenant-login.json",
        ])
        .current_dir(root)
        .env_remove("ACTIONS_SECRET_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("declares secret `API_KEY`"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("Marketplace Thing"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn init_scaffolds_a_suite_that_passes_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = actions(dir.path(), &["init", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = actions(dir.path(), &["test", "demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(text(&out.stdout).lines().last(), Some("2 passed, 0 failed"));
    assert!(std::fs::read_to_string(dir.path().join("demo/README.md"))
        .unwrap()
        .contains("actions test --shard"));
    let out = actions(dir.path(), &["init", "demo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already exist"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn every_flow_in_the_repository_validates_against_the_printed_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = actions(root, &["schema"]);
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut flows: Vec<PathBuf> = Vec::new();
    for dir in ["actions", "tests/specs", "tests/fixtures"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .ends_with("flow.json")
                    || path.starts_with(root.join("tests/fixtures"))
                        && path.extension().is_some_and(|e| e == "json")
                        && path.parent() == Some(&root.join("tests/fixtures"))
                {
                    flows.push(path);
                }
            }
        }
    }
    assert!(flows.len() > 50, "{}", flows.len());
    for flow in flows {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&flow).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", flow.display());
    }
    // A typo is caught by the schema too.
    assert!(!validator.is_valid(&serde_json::json!({"actions": [], "tenat": {}})));
    let out = actions(root, &["schema", "--typescript"]);
    assert!(text(&out.stdout).contains("export interface PostLoginAPI"));
}
