//! `api.prompt.render` (Forms).
//!
//! ## What it does
//! Checks a render against the redirect/render already pending in this Action
//! and validates its arguments, returning the prompt id, `fields` and `vars`
//! the transaction records (and later exposes as `event.prompt`).
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.13, with the schema of `@auth0/actions`
//! (`PostLoginRenderPromptInput`) and its ajv messages (see
//! `validation_error`). In order: a pending redirect aborts with
//! `Redirect and render commands cannot be used in the same action.`; a
//! pending render aborts with `Only 1 render command per action is allowed.`;
//! falsy options become `{}`; `{promptId, promptOptions}` is validated:
//! ` must have required property 'promptId'`, `promptId must be string`,
//! `promptId must NOT have more than 48 characters`, `promptOptions must be
//! object`, `promptOptions must NOT have additional properties` (only
//! `fields` and `vars`), `fields must be object`, `fields must NOT have more
//! than 24 properties`, `fields must NOT have additional properties` (a key
//! not matching `^[a-zA-Z_][a-zA-Z0-9_]{0,49}$`), and the same for `vars`
//! (any key). Then options serialized to more than 24576 bytes throw
//! `The total size of the prompt options exceeds the limit of 24576 bytes.`.
//!
//! ## Example
//! `api.prompt.render("ap_123", {fields: {"first name": "Ada"}})` throws
//! `fields must NOT have additional properties`.

use serde_json::{Map, Value};

use super::validation_error::{is_falsy, AjvErrors};
use crate::ApiError;

/// The longest prompt id, in code points.
pub const MAX_PROMPT_ID_LENGTH: usize = 48;
/// The most keys `fields` and `vars` may each have.
pub const MAX_KEYS: usize = 24;
/// The most bytes the options may take once serialized as JSON.
pub const MAX_OPTIONS_BYTES: usize = 24 * 1024;

/// Checks `render(promptId, options)`. `redirect_pending` and
/// `render_pending` say whether this Action already called `sendUserTo` or
/// `render`. Returns the prompt id, `fields` and `vars` (`{}` when absent).
pub fn check_render(
    prompt_id: &Value,
    options: &Value,
    redirect_pending: bool,
    render_pending: bool,
) -> Result<(String, Value, Value), ApiError> {
    if redirect_pending {
        return Err(ApiError::error(
            "Redirect and render commands cannot be used in the same action.",
        ));
    }
    if render_pending {
        return Err(ApiError::error(
            "Only 1 render command per action is allowed.",
        ));
    }
    let empty = Value::Object(Map::new());
    let options = if is_falsy(options) { &empty } else { options };

    let mut errors = AjvErrors::default();
    errors.required("promptId", prompt_id);
    errors.string("/promptId", prompt_id, Some(MAX_PROMPT_ID_LENGTH));
    match options.as_object() {
        None => errors.push("/promptOptions", "must be object"),
        Some(map) => {
            for _ in map.keys().filter(|key| *key != "fields" && *key != "vars") {
                errors.push("/promptOptions", "must NOT have additional properties");
            }
            if let Some(fields) = map.get("fields") {
                check_keys(&mut errors, "/promptOptions/fields", fields, is_field_name);
            }
            if let Some(vars) = map.get("vars") {
                check_keys(&mut errors, "/promptOptions/vars", vars, |_| true);
            }
        }
    }
    errors.finish()?;

    let size = serde_json::to_string(options).map_or(0, |json| json.len());
    if size > MAX_OPTIONS_BYTES {
        return Err(ApiError::error(format!(
            "The total size of the prompt options exceeds the limit of {MAX_OPTIONS_BYTES} bytes."
        )));
    }
    let part = |name: &str| options.get(name).cloned().unwrap_or_else(|| empty.clone());
    Ok((
        prompt_id.as_str().unwrap_or_default().to_owned(),
        part("fields"),
        part("vars"),
    ))
}

/// `{type: "object", maxProperties: 24, propertyNames}` at `path`.
fn check_keys(errors: &mut AjvErrors, path: &str, value: &Value, valid: fn(&str) -> bool) {
    let Some(map) = value.as_object() else {
        errors.push(path, "must be object");
        return;
    };
    if map.len() > MAX_KEYS {
        errors.push(
            path,
            &format!("must NOT have more than {MAX_KEYS} properties"),
        );
    }
    for _ in map.keys().filter(|key| !valid(key)) {
        errors.push(path, "must NOT have additional properties");
    }
}

/// `^[a-zA-Z_][a-zA-Z0-9_]{0,49}$`.
fn is_field_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.len() <= 50
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(prompt_id: Value, options: Value) -> String {
        check_render(&prompt_id, &options, false, false)
            .unwrap_err()
            .message
    }

    #[test]
    fn auth0_post_login_2_13_render_returns_fields_and_vars() {
        let options = json!({"fields": {"first_name": "Ada"}, "vars": {"tier": "gold"}});
        assert_eq!(
            check_render(&json!("ap_123"), &options, false, false),
            Ok((
                "ap_123".into(),
                json!({"first_name": "Ada"}),
                json!({"tier": "gold"})
            ))
        );
        assert_eq!(
            check_render(&json!("ap_123"), &Value::Null, false, false),
            Ok(("ap_123".into(), json!({}), json!({})))
        );
    }

    #[test]
    fn auth0_post_login_2_13_redirect_and_render_in_one_action() {
        let result = check_render(&json!("ap_1"), &Value::Null, true, true);
        assert_eq!(
            result.unwrap_err().message,
            "Redirect and render commands cannot be used in the same action."
        );
        let result = check_render(&json!(1), &Value::Null, false, true);
        assert_eq!(
            result.unwrap_err().message,
            "Only 1 render command per action is allowed."
        );
    }

    #[test]
    fn auth0_post_login_2_13_prompt_id_schema() {
        assert_eq!(
            error(Value::Null, Value::Null),
            " must have required property 'promptId'"
        );
        assert_eq!(error(json!(5), Value::Null), "promptId must be string");
        assert_eq!(
            error(json!("p".repeat(49)), Value::Null),
            "promptId must NOT have more than 48 characters"
        );
    }

    #[test]
    fn auth0_post_login_2_13_options_schema() {
        assert_eq!(
            error(json!("p"), json!("x")),
            "promptOptions must be object"
        );
        assert_eq!(
            error(json!("p"), json!({"field": {}})),
            "promptOptions must NOT have additional properties"
        );
        assert_eq!(
            error(json!("p"), json!({"fields": []})),
            "fields must be object"
        );
        assert_eq!(
            error(
                json!("p"),
                json!({"fields": {"first name": 1, "9lives": 2, "ok_1": 3}})
            ),
            "fields must NOT have additional properties, must NOT have additional properties"
        );
        let many = Value::Object((0..25).map(|i| (format!("k{i}"), json!(i))).collect());
        assert_eq!(
            error(json!("p"), json!({"vars": many})),
            "vars must NOT have more than 24 properties"
        );
        assert!(check_render(&json!("p"), &json!({"vars": {"any key!": 1}}), false, false).is_ok());
        assert_eq!(
            error(json!(1), json!({"vars": null})),
            "promptId must be string; vars must be object"
        );
    }

    #[test]
    fn auth0_post_login_2_13_field_names_match_the_pattern() {
        for key in ["a", "_", "A_9", &"a".repeat(50)] {
            assert!(is_field_name(key), "{key}");
        }
        for key in ["", "9a", "a-b", "é", &"a".repeat(51)] {
            assert!(!is_field_name(key), "{key}");
        }
    }

    #[test]
    fn auth0_post_login_2_13_options_exceed_24576_bytes() {
        // {"vars":{"v":"…"}} is 17 bytes plus the string.
        let fits = json!({"vars": {"v": "x".repeat(24576 - 17)}});
        assert!(check_render(&json!("p"), &fits, false, false).is_ok());
        let over = json!({"vars": {"v": "x".repeat(24576 - 16)}});
        assert_eq!(
            error(json!("p"), over),
            "The total size of the prompt options exceeds the limit of 24576 bytes."
        );
    }
}
