//! End-to-end tests of the `actions` binary's contract: exit codes
//! (flow-file.md §5), bad-input messages that name the file and the line and
//! column or the field, nothing on stdout when the flow could not run, the
//! `expect` mismatch report, and the human timeline.

use std::path::Path;
use std::process::{Command, Output};

struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        Case {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn file(self, name: &str, text: &str) -> Case {
        let path = self.dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_actions"))
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }
    fn run_flow(&self) -> Output {
        self.run(&["run", "--json", "flow.json"])
    }
}

const OK_ACTION: &str = "exports.onExecutePostLogin = async (event, api) => {};\n";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Bad input: exit 2, nothing on stdout, and every `needle` in the message.
fn assert_bad_input(output: &Output, needles: &[&str]) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "stderr: {err}");
    assert!(
        output.stdout.is_empty(),
        "stdout must stay empty, got {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(err.starts_with("error: "), "{err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` missing from: {err}");
    }
}

#[test]
fn invalid_json_names_line_and_column() {
    let case = Case::new().file(
        "flow.json",
        "{\n  \"actions\": [\n    { \"name\": \"a\", \"code\": \"x\" },\n  ]\n}\n",
    );
    assert_bad_input(&case.run_flow(), &["flow.json:4:3", "trailing comma"]);
}

#[test]
fn unknown_top_level_key_names_line_and_column() {
    let case = Case::new()
        .file(
            "flow.json",
            "{\n  \"actions\": [{ \"name\": \"a\", \"file\": \"a.js\" }],\n  \"respones\": {}\n}\n",
        )
        .file("a.js", OK_ACTION);
    assert_bad_input(
        &case.run_flow(),
        &["flow.json:3:12", "unknown field `respones`", "hint:"],
    );
}

#[test]
fn wrong_value_type_names_line_and_column() {
    let case = Case::new().file("flow.json", "{\"actions\": [{\"name\": \"a\", \"file\": \"a.js\"}],\n \"tenant\": {\"mfa\": {\"factors\": [\"otp\", \"sms\"]}}}").file("a.js", OK_ACTION);
    assert_bad_input(
        &case.run_flow(),
        &["flow.json:2:", "`sms` is not an MFA factor type"],
    );
}

#[test]
fn missing_action_file_names_the_field_and_path() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "file": "actions/missing.js"}]}"#,
    );
    assert_bad_input(
        &case.run_flow(),
        &["flow.json", "actions[0].file", "missing.js"],
    );
}

#[test]
fn action_that_does_not_parse_names_file_line_and_column() {
    let case = Case::new()
        .file("flow.json", r#"{"actions": [{"name": "a", "file": "a.js"}, {"name": "b", "file": "actions/bad.js"}]}"#)
        .file("a.js", OK_ACTION)
        .file("actions/bad.js", "exports.onExecutePostLogin = async (event, api) => {\n  const x = ;\n};\n");
    assert_bad_input(&case.run_flow(), &["actions/bad.js:2:13", "SyntaxError"]);
}

#[test]
fn action_without_handler_names_the_file() {
    let case = Case::new()
        .file(
            "flow.json",
            r#"{"actions": [{"name": "a", "file": "a.js"}]}"#,
        )
        .file(
            "a.js",
            "exports.onExecutePreUserRegistration = async () => {};\n",
        );
    assert_bad_input(&case.run_flow(), &["a.js", "onExecutePostLogin"]);
}

#[test]
fn action_needs_exactly_one_of_file_and_code() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "file": "a.js", "code": "x"}]}"#,
    );
    assert_bad_input(
        &case.run_flow(),
        &["actions[0]", "exactly one of `file` or `code`"],
    );
}

#[test]
fn a_flow_needs_actions() {
    let case = Case::new().file("flow.json", r#"{"actions": []}"#);
    assert_bad_input(&case.run_flow(), &["actions", "at least one"]);
}

#[test]
fn bad_clock_names_the_field() {
    let case = Case::new().file("flow.json", r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async () => {};"}], "clock": "tomorrow"}"#);
    assert_bad_input(&case.run_flow(), &["clock", "RFC 3339"]);
}

#[test]
fn malformed_enrolled_factors_name_the_field() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async () => {};"}], "event": {"user": {"enrolledFactors": "otp"}}}"#,
    );
    assert_bad_input(&case.run_flow(), &["event", "enrolledFactors"]);
}

#[test]
fn decision_11_a_response_for_a_factor_not_offered_is_bad_input() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async (e, api) => { api.authentication.enrollWithAny([{type: 'otp'}, {type: 'phone'}]); };"}],
            "responses": {"mfa": [{"factor": "email"}]}}"#,
    );
    assert_bad_input(
        &case.run_flow(),
        &["responses.mfa[0]", "`email` is not offered", "otp, phone"],
    );
}

#[test]
fn a_missing_flow_file_is_bad_input() {
    let case = Case::new();
    assert_bad_input(&case.run(&["run", "nope.json"]), &["nope.json"]);
}

#[test]
fn flow_file_5_expect_mismatch_exits_1_and_names_the_path() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async (e, api) => { api.access.deny('nope'); };"}],
            "expect": {"outcome": "allowed", "logs": ["s"]}}"#,
    );
    let output = case.run_flow();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("at outcome\n    expected: \"allowed\"\n    actual:   \"denied\""),
        "{err}"
    );
    assert!(
        err.contains("at logs[0]\n    expected: \"s\"\n    actual:   \"f\""),
        "{err}"
    );
    // The report was still printed, whole.
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "denied");
}

#[test]
fn flow_file_5_run_exits_0_whatever_the_outcome() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async () => { throw new Error('x'); };"}]}"#,
    );
    let output = case.run_flow();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "failed");
}

#[test]
fn the_timeline_shows_calls_prompts_and_outcome() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(["run", "actions/admin-security-key/flow.json"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains('\x1b'),
        "no colour when NO_COLOR is set / not a terminal"
    );
    let expected_in_order = [
        "flow admin enrolled in OTP must add a security key",
        "[1] require-keys · onExecutePostLogin",
        "saw   enrolledFactors [otp]  methods [pwd]",
        "call  api.authentication.challengeWithAny([{\"type\":\"otp\"}])  accepted",
        "call  api.authentication.enrollWith({\"type\":\"webauthn-roaming\"})  accepted",
        "mfa   challenge challengeWithAny → otp screen → completed otp",
        "mfa   enroll enrollWith → webauthn-roaming screen → completed webauthn-roaming",
        "[2] audit · onExecutePostLogin",
        "saw   enrolledFactors [otp, webauthn-roaming]  methods [pwd, mfa:otp, mfa:webauthn-roaming]",
        "log   mfa this login: otp, webauthn-roaming",
        "outcome allowed",
        "s    Successful login",
    ];
    let mut rest: &str = &text;
    for needle in expected_in_order {
        let at = rest
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing or out of order in:\n{text}"));
        rest = &rest[at + needle.len()..];
    }
}

#[test]
fn two_runs_with_clock_and_seed_give_identical_reports() {
    let case = Case::new().file(
        "flow.json",
        r#"{"actions": [{"name": "a", "code": "exports.onExecutePostLogin = async (e, api) => { api.idToken.setCustomClaim('r', [Math.random(), crypto.randomUUID(), Date.now()]); };"}],
            "clock": "2026-03-01T12:00:00Z", "seed": 42}"#,
    );
    let strip = |o: Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["invocations"][0]["duration_ms"] = 0.into();
        v
    };
    let (a, b) = (strip(case.run_flow()), strip(case.run_flow()));
    assert_eq!(a, b);
    assert_eq!(a["id_token"]["claims"]["r"][2], 1_772_366_400_000_i64);
}
