//! Property tests of flow-file parsing (flow-file.md §1, §5): whatever the
//! text, `FlowFile::parse` returns `Ok` or an error with a message and a
//! position inside the input, and never panics; every generated valid flow
//! parses and loads (`LoadedFlow::from_text` reads no file and runs no JS for
//! inline `code`). `tests/corpus/*.json` holds hand-made tricky inputs that a
//! plain test replays.
//!
//! `PROPTEST_CASES` bounds the run (default 256). Failing cases are persisted
//! in `tests/proptest-regressions/parser_props.txt` and replayed first on
//! every later run: commit that file.

use std::path::{Path, PathBuf};

use actions_flow::{FlowFile, LoadedFlow, Overrides};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// Configuration

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/parser_props.txt"
        )))),
        ..ProptestConfig::default()
    }
}

const FLOW_PATH: &str = "/tmp/x/flow.json";

// ---------------------------------------------------------------------------
// Checks

/// What `FlowFile::parse` said, without naming its (unexported) error type.
#[derive(Debug)]
struct Failure {
    line: usize,
    column: usize,
    message: String,
}

fn parse(text: &str) -> Result<FlowFile, Failure> {
    FlowFile::parse(text).map_err(|e| Failure {
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

/// The byte length of each line, as serde_json counts lines.
fn line_lengths(text: &str) -> Vec<usize> {
    text.split('\n').map(str::len).collect()
}

/// Every error has a message and a line inside the input.
fn check_message_and_line(text: &str, failure: &Failure) -> Result<(), TestCaseError> {
    prop_assert!(!failure.message.is_empty(), "empty message: {:?}", failure);
    prop_assert!(failure.line >= 1, "line 0: {:?}", failure);
    let lines = line_lengths(text).len();
    prop_assert!(
        failure.line <= lines,
        "line {} of a {}-line input: {:?}",
        failure.line,
        lines,
        failure
    );
    Ok(())
}

/// The column is 1-based (as `ParseError` documents).
fn check_column(failure: &Failure) -> Result<(), TestCaseError> {
    prop_assert!(failure.column >= 1, "column 0: {:?}", failure);
    Ok(())
}

/// For valid JSON: message, line and column all inside the input.
fn check_points_inside(text: &str, failure: &Failure) -> Result<(), TestCaseError> {
    check_message_and_line(text, failure)?;
    check_column(failure)?;
    let length = line_lengths(text)[failure.line - 1];
    prop_assert!(
        failure.column <= length + 1,
        "column {} of a {}-byte line: {:?}",
        failure.column,
        length,
        failure
    );
    Ok(())
}

fn load(text: &str) -> Result<LoadedFlow, actions_flow::Error> {
    LoadedFlow::from_text(Path::new(FLOW_PATH), text, Overrides::default())
}

fn render(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).expect("a Value serialises")
    } else {
        value.to_string()
    }
}

// ---------------------------------------------------------------------------
// Strategies: arbitrary text and JSON

/// Flow-file keys, so that random JSON gets past the first unknown field.
const FLOW_KEYS: &[&str] = &[
    "$schema",
    "name",
    "tenant",
    "actions",
    "event",
    "responses",
    "clock",
    "seed",
    "expect",
    "http",
    "limits",
    "cache",
    "mfa",
    "factors",
    "customize_with_actions",
    "enroll_challenge_scope",
    "code",
    "file",
    "secrets",
    "continue",
    "factor",
    "result",
    "query",
    "body",
    "state",
    "token",
    "param",
    "secret",
    "claims",
    "fields",
    "url",
    "method",
    "status",
    "headers",
    "json",
    "text",
    "delay_ms",
    "timeout_ms",
    "memory_mb",
    "user",
    "enrolledFactors",
    "type",
];

const FACTORS: [&str; 7] = [
    "otp",
    "email",
    "webauthn-roaming",
    "webauthn-platform",
    "push-notification",
    "phone",
    "recovery-code",
];

fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => Just(Value::Null),
        3 => any::<bool>().prop_map(Value::Bool),
        3 => any::<i64>().prop_map(Value::from),
        3 => any::<u64>().prop_map(Value::from),
        3 => any::<f64>().prop_map(|f| json!(f)),
        3 => "\\PC{0,16}".prop_map(Value::String),
        3 => select(&FACTORS[..]).prop_map(|f| Value::String(f.to_owned())),
        3 => select(&["transaction", "prior-action", "success", "fail", "2026-01-01T00:00:00Z"][..])
            .prop_map(|s| Value::String(s.to_owned())),
        // Huge strings (up to 200 KB of two-byte characters).
        1 => (1usize..=100_000).prop_map(|n| Value::String("é".repeat(n))),
    ]
    .boxed()
}

fn json_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(FLOW_KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,10}",
    ]
    .boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(5, 48, 6, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Value::Array),
                vec((json_key(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
        .boxed()
}

/// Text of every kind: any string, bytes read lossily, JSON-token soup, and
/// valid flows cut short or with a character spliced in.
fn arbitrary_text() -> BoxedStrategy<String> {
    prop_oneof![
        any::<String>(),
        vec(any::<u8>(), 0..256).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[\\[\\]{}\",: \\n\\t\\r0-9a-z.eE+\\\\-]{0,64}",
        (valid_text(), any::<Index>()).prop_map(|(text, at)| {
            let cut = floor_char_boundary(&text, at.index(text.len() + 1));
            text[..cut].to_owned()
        }),
        (valid_text(), any::<Index>(), any::<char>()).prop_map(|(mut text, at, c)| {
            let at = floor_char_boundary(&text, at.index(text.len() + 1));
            text.insert(at, c);
            text
        }),
    ]
    .boxed()
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

// ---------------------------------------------------------------------------
// Strategies: valid flows

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A valid RFC 3339 timestamp: any year 0000–9999, real calendar days
/// (29 February in leap years only), leap seconds, 0–9 fraction digits,
/// `Z`, `z` or a `±HH:MM` offset.
fn rfc3339() -> BoxedStrategy<String> {
    (
        (0u32..=9999, 1u32..=12, 1u32..=31),
        (
            0u32..=23,
            0u32..=59,
            prop_oneof![20 => 0u32..=59, 1 => Just(60u32)],
        ),
        proptest::option::of("[0-9]{1,9}"),
        prop_oneof![8 => Just('T'), 1 => Just('t'), 1 => Just(' ')],
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            (select(&['+', '-'][..]), 0u32..=23, 0u32..=59)
                .prop_map(|(sign, h, m)| format!("{sign}{h:02}:{m:02}")),
        ],
    )
        .prop_map(|((year, month, day), (h, m, s), fraction, sep, offset)| {
            let day = day.min(days_in_month(i64::from(year), month));
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{year:04}-{month:02}-{day:02}{sep}{h:02}:{m:02}:{s:02}{fraction}{offset}")
        })
        .boxed()
}

/// Inserts `key: value` when `value` is `Some`.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value);
    }
}

fn string_map() -> BoxedStrategy<Value> {
    btree_map("[A-Za-z_]{1,8}", "\\PC{0,10}", 0..3)
        .prop_map(|m| json!(m))
        .boxed()
}

fn small_object() -> BoxedStrategy<Value> {
    btree_map("\\PC{0,8}", json_leaf(), 0..3)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
        .boxed()
}

fn tenant() -> BoxedStrategy<Value> {
    (
        proptest::option::of("\\PC{0,12}"),
        proptest::option::of(any::<bool>()),
        proptest::option::of(subsequence(FACTORS.to_vec(), 0..=7)),
        proptest::option::of(select(&["transaction", "prior-action"][..])),
        any::<bool>(),
    )
        .prop_map(|(name, toggle, factors, scope, with_mfa)| {
            let mut mfa = Map::new();
            put(&mut mfa, "customize_with_actions", toggle.map(Value::Bool));
            put(&mut mfa, "factors", factors.map(|f| json!(f)));
            put(&mut mfa, "enroll_challenge_scope", scope.map(|s| json!(s)));
            let mut tenant = Map::new();
            put(&mut tenant, "name", name.map(Value::String));
            put(&mut tenant, "mfa", with_mfa.then_some(Value::Object(mfa)));
            Value::Object(tenant)
        })
        .boxed()
}

fn actions() -> BoxedStrategy<Value> {
    vec(
        (
            "\\PC{0,10}",
            prop_oneof![
                Just("exports.onExecutePostLogin = async (event, api) => {};".to_owned()),
                "\\PC{0,40}",
            ],
            proptest::option::of(string_map()),
        ),
        1..=4,
    )
    .prop_map(|specs| {
        let actions = specs
            .into_iter()
            .enumerate()
            .map(|(i, (name, code, secrets))| {
                // Names must be unique: the index makes them so.
                let mut action = Map::new();
                action.insert("name".into(), json!(format!("{i}-{name}")));
                action.insert("code".into(), json!(code));
                put(&mut action, "secrets", secrets);
                Value::Object(action)
            })
            .collect();
        Value::Array(actions)
    })
    .boxed()
}

fn event() -> BoxedStrategy<Value> {
    (
        proptest::option::of(vec(
            prop_oneof![select(&FACTORS[..]).prop_map(str::to_owned), "\\PC{0,10}"],
            0..4,
        )),
        proptest::option::of(small_object()),
        proptest::option::of(select(
            &["oidc-basic-profile", "oauth2-refresh-token", "samlp"][..],
        )),
        proptest::option::of(json_value()),
    )
        .prop_map(|(factors, app_metadata, protocol, custom)| {
            let mut user = Map::new();
            put(
                &mut user,
                "enrolledFactors",
                factors
                    .map(|f| Value::Array(f.into_iter().map(|t| json!({ "type": t })).collect())),
            );
            put(&mut user, "app_metadata", app_metadata);
            let mut event = Map::new();
            event.insert("user".into(), Value::Object(user));
            put(
                &mut event,
                "transaction",
                protocol.map(|p| json!({ "protocol": p })),
            );
            put(&mut event, "x_custom", custom);
            Value::Object(event)
        })
        .boxed()
}

fn responses() -> BoxedStrategy<Value> {
    let mfa = vec(
        (
            proptest::option::of(select(&FACTORS[..])),
            proptest::option::of(select(&["success", "fail"][..])),
        )
            .prop_map(|(factor, result)| {
                let mut entry = Map::new();
                put(&mut entry, "factor", factor.map(|f| json!(f)));
                put(&mut entry, "result", result.map(|r| json!(r)));
                Value::Object(entry)
            }),
        0..4,
    );
    let token = (
        proptest::option::of("[a-z_]{1,12}"),
        "\\PC{0,12}",
        proptest::option::of(small_object()),
    )
        .prop_map(|(param, secret, claims)| {
            let mut token = Map::new();
            put(&mut token, "param", param.map(Value::String));
            token.insert("secret".into(), json!(secret));
            put(&mut token, "claims", claims);
            Value::Object(token)
        });
    let entry = (
        proptest::option::of(small_object()),
        proptest::option::of(small_object()),
        proptest::option::of("\\PC{0,16}"),
        proptest::option::of(token),
        proptest::option::of(small_object()),
    )
        .prop_map(|(query, body, state, token, fields)| {
            let mut entry = Map::new();
            put(&mut entry, "query", query);
            put(&mut entry, "body", body);
            put(&mut entry, "state", state.map(Value::String));
            put(&mut entry, "token", token);
            put(&mut entry, "fields", fields);
            Value::Object(entry)
        });
    (
        proptest::option::of(mfa),
        proptest::option::of(vec(entry, 0..3)),
    )
        .prop_map(|(mfa, continues)| {
            let mut responses = Map::new();
            put(&mut responses, "mfa", mfa.map(Value::Array));
            put(&mut responses, "continue", continues.map(Value::Array));
            Value::Object(responses)
        })
        .boxed()
}

fn http() -> BoxedStrategy<Value> {
    vec(
        (
            proptest::option::of(select(&["GET", "POST", "put"][..])),
            "https://[a-z]{1,8}\\.example/[a-z*]{0,8}",
            proptest::option::of(100u16..=599),
            proptest::option::of(string_map()),
            prop_oneof![
                Just(None),
                json_leaf().prop_map(|j| Some(("json", j))),
                "\\PC{0,16}".prop_map(|t| Some(("text", Value::String(t)))),
            ],
            proptest::option::of(0u64..5_000),
        )
            .prop_map(|(method, url, status, headers, body, delay)| {
                let mut fixture = Map::new();
                put(&mut fixture, "method", method.map(|m| json!(m)));
                fixture.insert("url".into(), json!(url));
                put(&mut fixture, "status", status.map(|s| json!(s)));
                put(&mut fixture, "headers", headers);
                if let Some((key, body)) = body {
                    fixture.insert(key.into(), body);
                }
                put(&mut fixture, "delay_ms", delay.map(|d| json!(d)));
                Value::Object(fixture)
            }),
        0..3,
    )
    .prop_map(Value::Array)
    .boxed()
}

fn limits() -> BoxedStrategy<Value> {
    (
        proptest::option::of(1u64..=u64::from(u32::MAX)),
        proptest::option::of(8usize..=4096),
    )
        .prop_map(|(timeout, memory)| {
            let mut limits = Map::new();
            put(&mut limits, "timeout_ms", timeout.map(|t| json!(t)));
            put(&mut limits, "memory_mb", memory.map(|m| json!(m)));
            Value::Object(limits)
        })
        .boxed()
}

/// A valid flow file (flow-file.md §1) with inline `code` Actions.
fn valid_flow() -> BoxedStrategy<Value> {
    (
        (
            proptest::option::of("\\PC{0,24}"),
            proptest::option::of("\\PC{0,24}"),
            proptest::option::of(tenant()),
            actions(),
            proptest::option::of(event()),
            proptest::option::of(responses()),
        ),
        (
            proptest::option::of(rfc3339()),
            proptest::option::of(any::<u64>()),
            proptest::option::of(json_value()),
            proptest::option::of(http()),
            proptest::option::of(limits()),
            proptest::option::of(string_map()),
        ),
    )
        .prop_map(
            |(
                (schema, name, tenant, actions, event, responses),
                (clock, seed, expect, http, limits, cache),
            )| {
                let mut flow = Map::new();
                put(&mut flow, "$schema", schema.map(Value::String));
                put(&mut flow, "name", name.map(Value::String));
                put(&mut flow, "tenant", tenant);
                flow.insert("actions".into(), actions);
                put(&mut flow, "event", event);
                put(&mut flow, "responses", responses);
                put(&mut flow, "clock", clock.map(Value::String));
                put(&mut flow, "seed", seed.map(|s| json!(s)));
                put(&mut flow, "expect", expect);
                put(&mut flow, "http", http);
                put(&mut flow, "limits", limits);
                put(&mut flow, "cache", cache);
                Value::Object(flow)
            },
        )
        .boxed()
}

fn valid_text() -> BoxedStrategy<String> {
    (valid_flow(), any::<bool>())
        .prop_map(|(flow, pretty)| render(&flow, pretty))
        .boxed()
}

/// A step from a value to one of its children.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Item(usize),
}

/// The path to every object key in `value`, parents before children.
fn key_paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                key_paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Step::Item(i));
                key_paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn walk<'a>(mut value: &'a mut Value, steps: &[Step]) -> &'a mut Value {
    for step in steps {
        value = match step {
            Step::Key(key) => &mut value[key.as_str()],
            Step::Item(i) => &mut value[*i],
        };
    }
    value
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Rename the key (it moves to the end of its object).
    Rename(String),
    /// Replace its value.
    Replace(Value),
}

/// A valid flow with one key renamed or one value replaced.
fn mutated_flow() -> BoxedStrategy<String> {
    (
        valid_flow(),
        any::<Index>(),
        prop_oneof![
            prop_oneof![
                2 => select(FLOW_KEYS).prop_map(str::to_owned),
                1 => "\\PC{0,10}",
            ]
            .prop_map(Mutation::Rename),
            json_value().prop_map(Mutation::Replace),
        ],
        any::<bool>(),
    )
        .prop_map(|(mut flow, which, mutation, pretty)| {
            let mut paths = Vec::new();
            key_paths(&flow, &mut Vec::new(), &mut paths);
            let path = which.get(&paths).clone();
            let (last, parent) = path.split_last().expect("paths are non-empty");
            let Step::Key(key) = last else {
                unreachable!("key paths end in a key")
            };
            let parent = walk(&mut flow, parent);
            match mutation {
                Mutation::Rename(new_key) => {
                    if let Some(object) = parent.as_object_mut() {
                        let value = object.remove(key).unwrap_or_default();
                        object.insert(new_key, value);
                    }
                }
                Mutation::Replace(value) => parent[key.as_str()] = value,
            }
            render(&flow, pretty)
        })
        .boxed()
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    /// (a) Any text: no panic; an error has a message and a line in the input.
    #[test]
    fn arbitrary_text_never_panics_and_errors_have_a_message_and_line(text in arbitrary_text()) {
        if let Err(failure) = parse(&text) {
            check_message_and_line(&text, &failure)?;
        }
    }

    /// (a) Any text: the error's column is 1-based.
    #[test]
    fn arbitrary_text_errors_have_a_column_of_at_least_1(text in arbitrary_text()) {
        if let Err(failure) = parse(&text) {
            check_column(&failure)?;
        }
    }

    /// (b) Any JSON value, compact or pretty: no panic, and an error points
    /// inside the input.
    #[test]
    fn json_values_never_panic_and_errors_point_inside_the_input(
        value in json_value(),
        pretty in any::<bool>(),
    ) {
        let text = render(&value, pretty);
        if let Err(failure) = parse(&text) {
            check_points_inside(&text, &failure)?;
        }
    }

    /// (c) A valid flow with one key renamed or one value replaced: no panic
    /// (parsing or loading), and a parse error points inside the input.
    #[test]
    fn mutated_flows_never_panic_and_errors_point_inside_the_input(
        text in mutated_flow(),
    ) {
        match parse(&text) {
            Err(failure) => check_points_inside(&text, &failure)?,
            Ok(_) => {
                let _ = load(&text);
            }
        }
    }

    /// Every generated valid flow parses.
    #[test]
    fn generated_flows_parse(text in valid_text()) {
        let parsed = parse(&text);
        prop_assert!(parsed.is_ok(), "{:?}\n{}", parsed.err(), text);
    }

    /// Every generated valid flow with inline `code` loads (no file is read,
    /// no JS runs).
    #[test]
    fn generated_flows_load(text in valid_text()) {
        let loaded = load(&text);
        prop_assert!(loaded.is_ok(), "{}\n{}", loaded.err().map(|e| e.to_string()).unwrap_or_default(), text);
    }
}

// ---------------------------------------------------------------------------
// The hand-made corpus

fn corpus() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "the corpus has {} files, expected at least 10",
        files.len()
    );
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a readable corpus file");
            let text = String::from_utf8_lossy(&bytes).into_owned();
            (path, text)
        })
        .collect()
}

/// Every corpus file parses and loads without panicking; an error has a
/// message and a line inside the input.
#[test]
fn corpus_files_parse_without_panicking() {
    for (path, text) in corpus() {
        let name = path.display();
        let parsed = std::panic::catch_unwind(|| parse(&text))
            .unwrap_or_else(|_| panic!("{name}: FlowFile::parse panicked"));
        if let Err(failure) = parsed {
            check_message_and_line(&text, &failure).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        std::panic::catch_unwind(|| load(&text).map(|_| ()).map_err(|e| e.to_string()))
            .unwrap_or_else(|_| panic!("{name}: LoadedFlow::from_text panicked"))
            .ok();
    }
}

/// Every corpus error carries a 1-based position.
#[test]
fn corpus_parse_errors_carry_a_position() {
    for (path, text) in corpus() {
        if let Err(failure) = parse(&text) {
            assert!(
                failure.line >= 1 && failure.column >= 1,
                "{}: {:?}",
                path.display(),
                failure
            );
        }
    }
}
