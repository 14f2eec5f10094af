//! `expect` matching (flow-file.md §4): a subset match of the report, with the
//! `logs` shorthand. Returns every mismatch with its JSON path.

use serde_json::Value;

/// One place where the report differs from `expect`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Mismatch {
    /// JSON path, e.g. `mfa[1].prompt`.
    pub path: String,
    /// What `expect` says.
    pub expected: Value,
    /// What the report has (`null` when absent).
    pub actual: Value,
}

/// Matches `expected` against the report (as JSON).
pub fn check(expected: &Value, report: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    match expected {
        Value::Object(keys) => {
            for (key, want) in keys {
                let have = report.get(key).unwrap_or(&Value::Null);
                if key == "logs" && is_log_shorthand(want) {
                    let types: Vec<Value> = have
                        .as_array()
                        .map(|logs| {
                            logs.iter()
                                .map(|l| l.get("type").cloned().unwrap_or(Value::Null))
                                .collect()
                        })
                        .unwrap_or_default();
                    matches(want, &Value::Array(types), key.clone(), &mut out);
                } else {
                    matches(want, have, key.clone(), &mut out);
                }
            }
        }
        other => matches(other, report, String::new(), &mut out),
    }
    out
}

/// `"logs": ["w", "s"]`: an array of strings compares the sequence of types.
fn is_log_shorthand(want: &Value) -> bool {
    want.as_array()
        .is_some_and(|items| items.iter().all(Value::is_string))
}

fn matches(want: &Value, have: &Value, path: String, out: &mut Vec<Mismatch>) {
    let mismatch = |out: &mut Vec<Mismatch>, path: String| {
        out.push(Mismatch {
            path,
            expected: want.clone(),
            actual: have.clone(),
        })
    };
    match (want, have) {
        (Value::Object(want_keys), Value::Object(have_keys)) => {
            for (key, w) in want_keys {
                let child = join(&path, key);
                match have_keys.get(key) {
                    Some(h) => matches(w, h, child, out),
                    None => out.push(Mismatch {
                        path: child,
                        expected: w.clone(),
                        actual: Value::Null,
                    }),
                }
            }
        }
        (Value::Array(want_items), Value::Array(have_items)) => {
            if want_items.len() != have_items.len() {
                mismatch(out, path);
                return;
            }
            for (i, (w, h)) in want_items.iter().zip(have_items).enumerate() {
                matches(w, h, format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            if a.as_f64() != b.as_f64() {
                mismatch(out, path);
            }
        }
        (w, h) if w == h => {}
        _ => mismatch(out, path),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> Value {
        json!({
            "outcome": "allowed",
            "mfa": [{"prompt": "selection", "result": "completed"}, {"prompt": "direct", "result": "completed"}],
            "logs": [{"type": "w", "description": "x"}, {"type": "s", "description": "y"}],
            "mfa_commands_used": 2,
        })
    }

    #[test]
    fn flow_file_4_subset_match_passes() {
        let expect = json!({"outcome": "allowed", "mfa": [{"prompt": "selection"}, {}], "logs": ["w", "s"], "mfa_commands_used": 2.0});
        assert_eq!(check(&expect, &report()), vec![]);
    }

    #[test]
    fn flow_file_4_mismatches_name_the_path() {
        let expect = json!({"outcome": "denied", "mfa": [{"prompt": "direct"}, {"result": "completed"}], "logs": ["s"], "error": {"code": "x"}});
        let paths: Vec<_> = check(&expect, &report())
            .into_iter()
            .map(|m| m.path)
            .collect();
        assert_eq!(paths, ["outcome", "mfa[0].prompt", "logs", "error"]);
    }

    #[test]
    fn flow_file_4_arrays_must_have_the_same_length() {
        let m = check(&json!({"mfa": [{}]}), &report());
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].path, "mfa");
    }

    #[test]
    fn log_objects_can_be_matched_in_full_too() {
        assert!(check(&json!({"logs": [{"type": "w"}, {"type": "s"}]}), &report()).is_empty());
    }
}
