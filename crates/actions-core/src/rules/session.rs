//! `api.session`: revoke, expiry, cookie mode and metadata.
//!
//! ## What it does
//! Checks the arguments of the `api.session` methods and returns what the
//! transaction must record, and applies `setMetadata` to a copy of the
//! session's metadata. It also owns the metadata checks `api.refreshToken`
//! shares. Whether a session exists, the earliest-expiry-wins rule and the
//! tenant caps are the transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.11, with the official implementation's exact texts.
//! `revoke(reason, options)` validates `{message: reason, options}` against a
//! schema: `message must be string`, `options must be object`,
//! `options must NOT have additional properties` (only
//! `preserveRefreshTokens`), `preserveRefreshTokens must be boolean`.
//! `setExpiresAt(ms)`/`setIdleExpiresAt(ms)`: a falsy argument throws
//! `Either inactivity or absolute expiration time must be provided`; anything
//! else that is not a finite number fails the schema of `{absolute}` or
//! `{inactivity}`: `absolute must be number` / `inactivity must be number`.
//! `setCookieMode(mode)`: falsy throws `Cookie mode must be provided`;
//! anything but `persistent`/`non-persistent` throws
//! `Invalid cookie mode: <m>. Valid values are 'persistent' and 'non-persistent'.`
//! (`<m>` is JavaScript's `String(mode)`). `setMetadata(key, value)`: errors
//! are prefixed `Failed to set session metadata: `; a non-string key gives
//! `Invalid metadata: Metadata key must be a string`; `null` deletes the key;
//! a non-string value gives `Invalid metadata: Metadata value must be a string`;
//! the value is then written and the whole metadata checked, giving
//! `Invalid metadata: ` and one of: `Metadata must not contain more than 25
//! entries`, `All metadata keys must be at most 255 characters long`,
//! `Metadata keys must not contain null bytes (\x00)`, `Metadata keys may only
//! include letters, numbers, underscores, or hyphens` (`^[a-zA-Z0-9_-]{1,255}$`),
//! `All metadata values must be at most 255 characters long`, `Metadata values
//! must not contain null bytes (\x00)`. Lengths are JavaScript's
//! `String.length`.
//!
//! ## Example
//! `api.session.setMetadata("device", "kiosk")` stores the key;
//! `api.session.setMetadata("my key", "x")` throws `Failed to set session
//! metadata: Invalid metadata: Metadata keys may only include letters,
//! numbers, underscores, or hyphens`.

use serde_json::{Map, Value};

use super::validation_error::{is_falsy, AjvErrors};
use crate::ApiError;

/// The prefix of every `api.session.setMetadata` error.
pub const METADATA_ERROR_PREFIX: &str = "Failed to set session metadata: ";
/// The most metadata keys a session or refresh token may have.
pub const MAX_METADATA_KEYS: usize = 25;
/// The longest metadata key, in UTF-16 code units.
pub const MAX_METADATA_KEY_LENGTH: usize = 255;
/// The longest metadata value, in UTF-16 code units.
pub const MAX_METADATA_VALUE_LENGTH: usize = 255;
/// The cookie modes `setCookieMode` accepts.
pub const COOKIE_MODES: &[&str] = &["persistent", "non-persistent"];

/// Thrown by `setExpiresAt`/`setIdleExpiresAt` for a falsy argument.
const EXPIRY_REQUIRED: &str = "Either inactivity or absolute expiration time must be provided";

/// Checks `revoke(reason, options)`; returns the reason (empty when
/// `undefined`, which the schema allows) and `preserveRefreshTokens`.
pub fn check_revoke(reason: &Value, options: &Value) -> Result<(String, bool), ApiError> {
    let mut errors = AjvErrors::default();
    errors.string("/message", reason, None);
    let mut preserve = false;
    match options {
        Value::Null => {}
        Value::Object(map) => {
            let extra = map.keys().filter(|key| *key != "preserveRefreshTokens");
            for _ in extra {
                errors.push("/options", "must NOT have additional properties");
            }
            if let Some(value) = map.get("preserveRefreshTokens") {
                errors.boolean("/options/preserveRefreshTokens", value);
                preserve = value.as_bool().unwrap_or(false);
            }
        }
        _ => errors.push("/options", "must be object"),
    }
    errors.finish()?;
    Ok((reason.as_str().unwrap_or_default().to_owned(), preserve))
}

/// Checks the argument of `setExpiresAt(absoluteMs)`; returns the milliseconds
/// since the epoch, rounded down.
pub fn check_expiry(value: &Value) -> Result<i64, ApiError> {
    expiry("absolute", value)
}

/// Checks the argument of `setIdleExpiresAt(inactivityMs)`; returns the
/// milliseconds since the epoch, rounded down.
pub fn check_idle_expiry(value: &Value) -> Result<i64, ApiError> {
    expiry("inactivity", value)
}

/// `if (!value) throw …` then the `{<field>: {type: "number"}}` schema.
fn expiry(field: &str, value: &Value) -> Result<i64, ApiError> {
    if is_falsy(value) {
        return Err(ApiError::error(EXPIRY_REQUIRED));
    }
    // JSON numbers are always finite: `NaN` and `Infinity` arrive as `null`,
    // which is falsy. Out-of-range values saturate; the tenant cap applies later.
    match value.as_f64() {
        Some(ms) => Ok(ms.floor() as i64),
        // What `AjvErrors` makes of the one `type` error at `/<field>`.
        None => Err(ApiError::error(format!("{field} must be number"))),
    }
}

/// Checks `setCookieMode(mode)` and returns the mode.
pub fn check_cookie_mode(mode: &Value) -> Result<String, ApiError> {
    if is_falsy(mode) {
        return Err(ApiError::error("Cookie mode must be provided"));
    }
    match mode.as_str() {
        Some(mode) if COOKIE_MODES.contains(&mode) => Ok(mode.to_owned()),
        _ => Err(ApiError::error(format!(
            "Invalid cookie mode: {}. Valid values are 'persistent' and 'non-persistent'.",
            js_string(mode)
        ))),
    }
}

/// The error `setMetadata` throws when the login has no session.
pub fn no_session() -> ApiError {
    ApiError::error(format!(
        "{METADATA_ERROR_PREFIX}Cannot set metadata on a session that does not exist."
    ))
}

/// Applies `setMetadata(key, value)` to the session's metadata; on error the
/// metadata is left unchanged.
pub fn set_metadata(
    metadata: &mut Map<String, Value>,
    key: &Value,
    value: &Value,
) -> Result<(), ApiError> {
    set_metadata_with_prefix(METADATA_ERROR_PREFIX, metadata, key, value)
}

/// `setMetadata` for sessions and refresh tokens; `prefix` starts every error.
pub(crate) fn set_metadata_with_prefix(
    prefix: &str,
    metadata: &mut Map<String, Value>,
    key: &Value,
    value: &Value,
) -> Result<(), ApiError> {
    let fail = |cause: &str| ApiError::error(format!("{prefix}Invalid metadata: {cause}"));
    let Some(key) = key.as_str() else {
        return Err(fail("Metadata key must be a string"));
    };
    if value.is_null() {
        metadata.shift_remove(key);
        return Ok(());
    }
    if !value.is_string() {
        return Err(fail("Metadata value must be a string"));
    }
    let mut next = metadata.clone();
    next.insert(key.to_owned(), value.clone());
    validate_metadata(&next).map_err(fail)?;
    *metadata = next;
    Ok(())
}

/// Auth0's `ServerSessionValidator.validateMetadata`, first failure wins.
fn validate_metadata(metadata: &Map<String, Value>) -> Result<(), &'static str> {
    if metadata.len() > MAX_METADATA_KEYS {
        return Err("Metadata must not contain more than 25 entries");
    }
    for (key, value) in metadata {
        if key.encode_utf16().count() > MAX_METADATA_KEY_LENGTH {
            return Err("All metadata keys must be at most 255 characters long");
        }
        // The official message has a literal NUL between the parentheses: the
        // bundled JS writes '(\x00)' in a single-quoted string literal.
        if key.contains('\0') {
            return Err("Metadata keys must not contain null bytes (\0)");
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if key.is_empty() || !key.chars().all(allowed) {
            return Err("Metadata keys may only include letters, numbers, underscores, or hyphens");
        }
        // Stored values are strings; anything else came from the event as is.
        let Some(value) = value.as_str() else {
            continue;
        };
        if value.encode_utf16().count() > MAX_METADATA_VALUE_LENGTH {
            return Err("All metadata values must be at most 255 characters long");
        }
        if value.contains('\0') {
            return Err("Metadata values must not contain null bytes (\0)");
        }
    }
    Ok(())
}

/// JavaScript's `String(value)` for a JSON value.
fn js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Null => String::new(),
                item => js_string(item),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    fn set_error(stored: Value, key: Value, value: Value) -> String {
        set_metadata(&mut metadata(stored), &key, &value)
            .unwrap_err()
            .message
    }

    #[test]
    fn auth0_post_login_2_11_revoke_reason_and_options() {
        assert_eq!(
            check_revoke(&json!("risk"), &Value::Null),
            Ok(("risk".into(), false))
        );
        assert_eq!(
            check_revoke(&json!("risk"), &json!({"preserveRefreshTokens": true})),
            Ok(("risk".into(), true))
        );
        assert_eq!(
            check_revoke(&Value::Null, &json!({})),
            Ok((String::new(), false))
        );
    }

    #[test]
    fn auth0_post_login_2_11_revoke_schema_messages() {
        let message =
            |reason: Value, options: Value| check_revoke(&reason, &options).unwrap_err().message;
        assert_eq!(message(json!(1), Value::Null), "message must be string");
        assert_eq!(message(json!("r"), json!("x")), "options must be object");
        assert_eq!(
            message(json!("r"), json!({"a": 1, "b": 2})),
            "options must NOT have additional properties, must NOT have additional properties"
        );
        assert_eq!(
            message(json!(false), json!({"preserveRefreshTokens": "yes"})),
            "message must be string; preserveRefreshTokens must be boolean"
        );
    }

    #[test]
    fn auth0_post_login_2_11_expiry_must_be_provided() {
        for value in [json!(null), json!(0), json!(false), json!("")] {
            assert_eq!(
                check_expiry(&value).unwrap_err().message,
                "Either inactivity or absolute expiration time must be provided"
            );
            assert_eq!(
                check_idle_expiry(&value).unwrap_err().message,
                "Either inactivity or absolute expiration time must be provided"
            );
        }
    }

    #[test]
    fn auth0_post_login_2_11_expiry_must_be_a_number() {
        assert_eq!(
            check_expiry(&json!(1_700_000_000_000i64)),
            Ok(1_700_000_000_000)
        );
        assert_eq!(
            check_idle_expiry(&json!(1.5e12 + 0.7)),
            Ok(1_500_000_000_000)
        );
        assert_eq!(
            check_expiry(&json!("1700000000000")).unwrap_err().message,
            "absolute must be number"
        );
        assert_eq!(
            check_idle_expiry(&json!(true)).unwrap_err().message,
            "inactivity must be number"
        );
    }

    #[test]
    fn auth0_post_login_2_11_cookie_mode_must_be_valid() {
        assert_eq!(
            check_cookie_mode(&json!("persistent")),
            Ok("persistent".into())
        );
        assert_eq!(
            check_cookie_mode(&json!("non-persistent")),
            Ok("non-persistent".into())
        );
        for mode in [json!(null), json!(""), json!(0)] {
            assert_eq!(
                check_cookie_mode(&mode).unwrap_err().message,
                "Cookie mode must be provided"
            );
        }
        for (mode, shown) in [
            (json!("session"), "session"),
            (json!(5), "5"),
            (json!(1.5), "1.5"),
            (json!(["persistent"]), "persistent"),
            (json!({"mode": "persistent"}), "[object Object]"),
        ] {
            assert_eq!(
                check_cookie_mode(&mode).unwrap_err().message,
                format!("Invalid cookie mode: {shown}. Valid values are 'persistent' and 'non-persistent'.")
            );
        }
    }

    #[test]
    fn auth0_post_login_2_11_set_metadata_sets_and_null_deletes() {
        let mut stored = metadata(json!({"a": "1", "b": "2", "c": "3"}));
        set_metadata(&mut stored, &json!("d"), &json!("4")).unwrap();
        set_metadata(&mut stored, &json!("b"), &Value::Null).unwrap();
        set_metadata(&mut stored, &json!("missing"), &Value::Null).unwrap();
        set_metadata(&mut stored, &json!("a"), &json!("one")).unwrap();
        assert_eq!(
            Value::Object(stored).to_string(),
            r#"{"a":"one","c":"3","d":"4"}"#
        );
    }

    #[test]
    fn auth0_post_login_2_11_set_metadata_type_messages() {
        assert_eq!(
            set_error(json!({}), json!(1), json!("v")),
            "Failed to set session metadata: Invalid metadata: Metadata key must be a string"
        );
        assert_eq!(
            set_error(json!({}), json!("k"), json!(1)),
            "Failed to set session metadata: Invalid metadata: Metadata value must be a string"
        );
        assert_eq!(
            no_session().message,
            "Failed to set session metadata: Cannot set metadata on a session that does not exist."
        );
    }

    #[test]
    fn auth0_post_login_2_11_set_metadata_limits() {
        let full = Value::Object((0..25).map(|i| (format!("k{i}"), json!("v"))).collect());
        let prefix = "Failed to set session metadata: Invalid metadata: ";
        let cases = [
            (
                full.clone(),
                json!("k25"),
                json!("v"),
                "Metadata must not contain more than 25 entries",
            ),
            (
                json!({}),
                json!("k".repeat(256)),
                json!("v"),
                "All metadata keys must be at most 255 characters long",
            ),
            (
                json!({}),
                json!("a\0b"),
                json!("v"),
                "Metadata keys must not contain null bytes (\0)",
            ),
            (
                json!({}),
                json!("my key"),
                json!("v"),
                "Metadata keys may only include letters, numbers, underscores, or hyphens",
            ),
            (
                json!({}),
                json!(""),
                json!("v"),
                "Metadata keys may only include letters, numbers, underscores, or hyphens",
            ),
            (
                json!({}),
                json!("k"),
                json!("v".repeat(256)),
                "All metadata values must be at most 255 characters long",
            ),
            (
                json!({}),
                json!("k"),
                json!("a\0"),
                "Metadata values must not contain null bytes (\0)",
            ),
        ];
        for (stored, key, value, cause) in cases {
            assert_eq!(
                set_error(stored, key.clone(), value),
                format!("{prefix}{cause}"),
                "{key}"
            );
        }
        // Overwriting a key at the limit is fine; the metadata is unchanged on error.
        let mut stored = metadata(full);
        set_metadata(&mut stored, &json!("k0"), &json!("w")).unwrap();
        assert!(set_metadata(&mut stored, &json!("k-new"), &json!("v")).is_err());
        assert_eq!(stored.len(), 25);
        assert!(set_metadata(&mut stored, &json!("A-z_09"), &json!("v".repeat(255))).is_err());
    }
}
