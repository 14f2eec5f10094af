//! `api.validation.error`, and the ajv message format of every schema-checked call.
//!
//! ## What it does
//! Checks the two arguments of `api.validation.error(errorCode, errorMessage)`
//! and returns them. It also owns `AjvErrors` (crate-private), which builds
//! the message Auth0 throws when an argument fails its JSON schema, so that
//! every rule phrases schema errors the same way. It must not decide what the
//! validation error does to the login; the transaction does.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.15: both arguments are required strings of at most 100
//! characters; a violation throws, for example
//! `errorCode must NOT have more than 100 characters`. §2 (introduction):
//! validation messages have the form `"<fieldName> <ajv message>"`. In the
//! official implementation (`formatValidationError` in `@auth0/actions`) ajv
//! reports every error; errors at one JSON pointer are joined with `, `,
//! different pointers with `; `, and the field name is the pointer's last
//! segment. An error about the arguments object itself (a missing required
//! property) has an empty field name, so its message starts with a space:
//! ` must have required property 'errorCode'`. ajv counts `maxLength` in code
//! points, not UTF-16 units.
//!
//! ## Example
//! `api.validation.error("invalid_email", "x".repeat(101))` throws
//! `errorMessage must NOT have more than 100 characters`;
//! `api.validation.error(42)` throws
//! ` must have required property 'errorMessage'; errorCode must be string`
//! (ajv checks required properties before types).

use serde_json::Value;

use crate::ApiError;

/// The most characters `errorCode` and `errorMessage` may have.
pub const MAX_LENGTH: usize = 100;

/// Checks `api.validation.error(errorCode, errorMessage)` and returns both.
///
/// `Value::Null` (a missing or `undefined` argument) counts as missing.
pub fn check(error_code: &Value, error_message: &Value) -> Result<(String, String), ApiError> {
    let mut errors = AjvErrors::default();
    errors.required("errorCode", error_code);
    errors.required("errorMessage", error_message);
    errors.string("/errorCode", error_code, Some(MAX_LENGTH));
    errors.string("/errorMessage", error_message, Some(MAX_LENGTH));
    errors.finish()?;
    Ok((
        error_code.as_str().unwrap_or_default().to_owned(),
        error_message.as_str().unwrap_or_default().to_owned(),
    ))
}

/// Schema errors collected in ajv's order and formatted like Auth0's
/// `formatValidationError` (see the module doc). `Value::Null` stands for an
/// `undefined` property, which ajv skips, so the type checks ignore it.
#[derive(Debug, Default)]
pub(crate) struct AjvErrors {
    /// `(JSON pointer, formatted text)` in order of first appearance.
    groups: Vec<(String, String)>,
}

impl AjvErrors {
    /// Records `message` (an ajv message such as `must be string`) at `path`.
    pub(crate) fn push(&mut self, path: &str, message: &str) {
        if let Some((_, text)) = self.groups.iter_mut().find(|(p, _)| p == path) {
            text.push_str(", ");
            text.push_str(message);
        } else {
            let field = path.rsplit('/').next().unwrap_or_default();
            self.groups
                .push((path.to_owned(), format!("{field} {message}")));
        }
    }

    /// ajv's `required` keyword on the arguments object (an empty pointer).
    pub(crate) fn required(&mut self, property: &str, value: &Value) {
        if value.is_null() {
            self.push("", &format!("must have required property '{property}'"));
        }
    }

    /// `{type: "string", maxLength}`; skipped for `Value::Null`.
    pub(crate) fn string(&mut self, path: &str, value: &Value, max: Option<usize>) {
        match value {
            Value::Null => {}
            Value::String(text) => {
                if let Some(max) = max {
                    self.max_length(path, text, max);
                }
            }
            _ => self.push(path, "must be string"),
        }
    }

    /// ajv's `maxLength`, counted in code points.
    pub(crate) fn max_length(&mut self, path: &str, text: &str, max: usize) {
        if text.chars().count() > max {
            self.push(path, &format!("must NOT have more than {max} characters"));
        }
    }

    /// `{type: "boolean"}`; skipped for `Value::Null`.
    pub(crate) fn boolean(&mut self, path: &str, value: &Value) {
        if !value.is_null() && !value.is_boolean() {
            self.push(path, "must be boolean");
        }
    }

    /// `{enum: allowed}` over strings; skipped for `Value::Null`.
    pub(crate) fn one_of(&mut self, path: &str, value: &Value, allowed: &[&str]) {
        if !value.is_null() && !value.as_str().is_some_and(|v| allowed.contains(&v)) {
            self.push(path, "must be equal to one of the allowed values");
        }
    }

    /// The collected errors as one `Error`, or `Ok` when there are none.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.groups.is_empty() {
            return Ok(());
        }
        let texts: Vec<String> = self.groups.into_iter().map(|(_, text)| text).collect();
        Err(ApiError::error(texts.join("; ")))
    }
}

/// JavaScript truthiness of a JSON value (`NaN` arrives as `null`).
pub(crate) fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(_) | Value::Object(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn message(code: Value, text: Value) -> String {
        check(&code, &text).unwrap_err().message
    }

    #[test]
    fn auth0_post_login_2_15_accepts_two_short_strings() {
        assert_eq!(
            check(&json!("invalid_email"), &json!("Use a work address")),
            Ok(("invalid_email".into(), "Use a work address".into()))
        );
        let hundred = "é".repeat(100);
        assert!(check(&json!(hundred), &json!(hundred)).is_ok());
    }

    #[test]
    fn auth0_post_login_2_15_error_code_must_not_have_more_than_100_characters() {
        assert_eq!(
            message(json!("x".repeat(101)), json!("m")),
            "errorCode must NOT have more than 100 characters"
        );
        assert_eq!(
            message(json!("c"), json!("x".repeat(101))),
            "errorMessage must NOT have more than 100 characters"
        );
    }

    #[test]
    fn auth0_post_login_2_15_arguments_must_be_strings() {
        assert_eq!(message(json!(42), json!("m")), "errorCode must be string");
        assert_eq!(
            message(json!("c"), json!({"a": 1})),
            "errorMessage must be string"
        );
        assert_eq!(
            message(json!(true), json!(["x".repeat(101)])),
            "errorCode must be string; errorMessage must be string"
        );
    }

    #[test]
    fn auth0_post_login_2_15_missing_arguments_use_ajv_required_messages() {
        assert_eq!(
            message(Value::Null, json!("m")),
            " must have required property 'errorCode'"
        );
        assert_eq!(
            message(Value::Null, Value::Null),
            " must have required property 'errorCode', must have required property 'errorMessage'"
        );
        assert_eq!(
            message(json!(1), Value::Null),
            " must have required property 'errorMessage'; errorCode must be string"
        );
    }

    #[test]
    fn auth0_post_login_2_ajv_length_counts_code_points() {
        let mut errors = AjvErrors::default();
        errors.max_length("/a", &"😀".repeat(3), 3);
        assert!(errors.finish().is_ok());
    }

    #[test]
    fn auth0_post_login_2_falsy_follows_javascript() {
        for value in [json!(null), json!(false), json!(0), json!(-0.0), json!("")] {
            assert!(is_falsy(&value), "{value}");
        }
        for value in [json!(true), json!(1), json!("0"), json!([]), json!({})] {
            assert!(!is_falsy(&value), "{value}");
        }
    }
}
