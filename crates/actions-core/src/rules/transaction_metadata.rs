//! `api.transaction.setMetadata`.
//!
//! ## What it does
//! Applies `setMetadata(key, value)` to `event.transaction.metadata`, checking
//! Auth0's documented limits. Creating `event.transaction` when it is absent
//! and keeping the metadata across redirects are the transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.14 \[DOC\]: `null` removes the key; keys are at most 64
//! characters; each value at most 8 KB; the whole metadata at most 16 KB;
//! values are strings, numbers or booleans (objects and arrays are rejected);
//! numbers that are not safe integers are rejected. Read here as: an integral
//! number outside ±(2^53 − 1) is rejected, fractions are accepted. The checks
//! are server-side and their messages are not public, so every message below
//! is \[INFERRED\]. Sizes are UTF-8 bytes: a string value counts its bytes, a
//! number or boolean its JSON text; the total counts every key and value.
//! Lengths of keys are JavaScript's `String.length`.
//!
//! ## Example
//! `api.transaction.setMetadata("plan", {tier: "pro"})` throws
//! `Transaction metadata value must be a string, number or boolean`.

use serde_json::{Map, Value};

use crate::ApiError;

/// The longest key, in UTF-16 code units.
pub const MAX_KEY_LENGTH: usize = 64;
/// The largest value, in UTF-8 bytes (8 KB).
pub const MAX_VALUE_BYTES: usize = 8 * 1024;
/// The largest total of all keys and values, in UTF-8 bytes (16 KB).
pub const MAX_TOTAL_BYTES: usize = 16 * 1024;

/// JavaScript's `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Applies `setMetadata(key, value)`; on error the metadata is left unchanged.
pub fn set_metadata(
    metadata: &mut Map<String, Value>,
    key: &Value,
    value: &Value,
) -> Result<(), ApiError> {
    // [INFERRED] messages throughout.
    let Some(key) = key.as_str() else {
        return Err(ApiError::error("Transaction metadata key must be a string"));
    };
    if key.encode_utf16().count() > MAX_KEY_LENGTH {
        return Err(ApiError::error(format!(
            "Transaction metadata key exceeds the maximum length of {MAX_KEY_LENGTH} characters"
        )));
    }
    match value {
        Value::Null => {
            metadata.shift_remove(key);
            return Ok(());
        }
        Value::String(_) | Value::Bool(_) => {}
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or_default();
            if n.fract() == 0.0 && n.abs() > MAX_SAFE_INTEGER {
                return Err(ApiError::error(
                    "Transaction metadata number must be a safe integer",
                ));
            }
        }
        Value::Array(_) | Value::Object(_) => {
            return Err(ApiError::error(
                "Transaction metadata value must be a string, number or boolean",
            ))
        }
    }
    if value_bytes(value) > MAX_VALUE_BYTES {
        return Err(ApiError::error(format!(
            "Transaction metadata value exceeds the maximum size of {MAX_VALUE_BYTES} bytes"
        )));
    }
    let others: usize = metadata
        .iter()
        .filter(|(other, _)| other.as_str() != key)
        .map(|(other, value)| other.len() + value_bytes(value))
        .sum();
    if others + key.len() + value_bytes(value) > MAX_TOTAL_BYTES {
        return Err(ApiError::error(format!(
            "Transaction metadata exceeds the maximum total size of {MAX_TOTAL_BYTES} bytes"
        )));
    }
    metadata.insert(key.to_owned(), value.clone());
    Ok(())
}

/// A value's size: a string's UTF-8 bytes, anything else its JSON text.
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len(),
        other => other.to_string().len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(stored: Value, key: Value, value: Value) -> String {
        let mut stored = stored.as_object().cloned().unwrap_or_default();
        set_metadata(&mut stored, &key, &value).unwrap_err().message
    }

    #[test]
    fn auth0_post_login_2_14_set_and_null_removes() {
        let mut stored = Map::new();
        set_metadata(&mut stored, &json!("a"), &json!("x")).unwrap();
        set_metadata(&mut stored, &json!("b"), &json!(2.5)).unwrap();
        set_metadata(&mut stored, &json!("c"), &json!(true)).unwrap();
        set_metadata(&mut stored, &json!("a"), &Value::Null).unwrap();
        set_metadata(&mut stored, &json!("missing"), &Value::Null).unwrap();
        assert_eq!(Value::Object(stored).to_string(), r#"{"b":2.5,"c":true}"#);
    }

    #[test]
    fn auth0_post_login_2_14_only_strings_numbers_and_booleans() {
        for value in [json!({"tier": "pro"}), json!([1])] {
            assert_eq!(
                error(json!({}), json!("k"), value),
                "Transaction metadata value must be a string, number or boolean"
            );
        }
        assert_eq!(
            error(json!({}), json!(1), json!("v")),
            "Transaction metadata key must be a string"
        );
    }

    #[test]
    fn auth0_post_login_2_14_numbers_must_be_safe_integers() {
        let mut stored = Map::new();
        assert!(set_metadata(&mut stored, &json!("k"), &json!(9_007_199_254_740_991i64)).is_ok());
        assert!(set_metadata(&mut stored, &json!("k"), &json!(-9_007_199_254_740_991i64)).is_ok());
        for value in [
            json!(9_007_199_254_740_992i64),
            json!(1e20),
            json!(u64::MAX),
        ] {
            assert_eq!(
                error(json!({}), json!("k"), value),
                "Transaction metadata number must be a safe integer"
            );
        }
    }

    #[test]
    fn auth0_post_login_2_14_key_and_size_limits() {
        let mut stored = Map::new();
        assert!(set_metadata(&mut stored, &json!("k".repeat(64)), &json!("v")).is_ok());
        assert_eq!(
            error(json!({}), json!("k".repeat(65)), json!("v")),
            "Transaction metadata key exceeds the maximum length of 64 characters"
        );
        assert_eq!(
            error(json!({}), json!("k"), json!("é".repeat(4097))),
            "Transaction metadata value exceeds the maximum size of 8192 bytes"
        );
        let half = json!({"a": "x".repeat(8191), "b": "y".repeat(8191)});
        assert_eq!(
            error(half.clone(), json!("c"), json!("")),
            "Transaction metadata exceeds the maximum total size of 16384 bytes"
        );
        // Replacing a key counts the new value only.
        let mut stored = half.as_object().cloned().unwrap_or_default();
        assert!(set_metadata(&mut stored, &json!("b"), &json!("z".repeat(8191))).is_ok());
    }
}
