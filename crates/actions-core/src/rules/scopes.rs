//! `api.accessToken.addScope` / `removeScope`.
//!
//! ## What it does
//! Checks one scope argument and returns it trimmed, and says when one more
//! added scope would go over Auth0's cap. Keeping the `{scope: add|remove}`
//! map is the transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.2: a non-string throws
//! `TypeError("The value for the scope must be a string.")`; the value is
//! trimmed; an empty result throws `The value for the scope is required.`;
//! more than 280 characters throws
//! `The value for the scope exceeds the allowed maximum of 280 characters.`;
//! internal whitespace throws `The value for the scope must not have whitespace.`;
//! more than 1000 accumulated adds throws
//! `The number of scopes exceeds the allowed maximum of 1000.`. Changes are
//! kept as a map, so the last operation on a scope wins and only scopes whose
//! last operation is `add` count. As in `@auth0/actions`, the length is
//! JavaScript's `String.length` (UTF-16 code units) and "whitespace" is
//! JavaScript's `\s`, the same set `String.prototype.trim` removes.
//!
//! ## Example
//! `api.accessToken.addScope("  read:users ")` records `read:users`;
//! `api.accessToken.addScope("read users")` throws.

use serde_json::Value;

use crate::ApiError;

/// The longest scope, in UTF-16 code units.
pub const MAX_SCOPE_LENGTH: usize = 280;

/// The most scopes an Action may have marked `add` at once.
pub const MAX_SCOPE_CHANGES: usize = 1000;

/// Checks the argument of `addScope`/`removeScope` and returns it trimmed.
pub fn check_scope(value: &Value) -> Result<String, ApiError> {
    let Some(scope) = value.as_str() else {
        return Err(ApiError::type_error(
            "The value for the scope must be a string.",
        ));
    };
    let scope = scope.trim_matches(is_js_whitespace);
    if scope.is_empty() {
        return Err(ApiError::error("The value for the scope is required."));
    }
    if scope.encode_utf16().count() > MAX_SCOPE_LENGTH {
        return Err(ApiError::error(format!(
            "The value for the scope exceeds the allowed maximum of {MAX_SCOPE_LENGTH} characters."
        )));
    }
    if scope.chars().any(is_js_whitespace) {
        return Err(ApiError::error(
            "The value for the scope must not have whitespace.",
        ));
    }
    Ok(scope.to_owned())
}

/// Checks that one more scope may be added. `changes_so_far` is the number of
/// distinct scopes whose last operation is `add`, not counting the scope being
/// added (re-adding a scope already marked `add` needs no check).
pub fn check_count(changes_so_far: usize) -> Result<(), ApiError> {
    if changes_so_far >= MAX_SCOPE_CHANGES {
        return Err(ApiError::error(format!(
            "The number of scopes exceeds the allowed maximum of {MAX_SCOPE_CHANGES}."
        )));
    }
    Ok(())
}

/// JavaScript's `\s`: Unicode `White_Space` except U+0085, plus U+FEFF.
fn is_js_whitespace(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiErrorKind;
    use serde_json::json;

    fn message(value: Value) -> String {
        check_scope(&value).unwrap_err().message
    }

    #[test]
    fn auth0_post_login_2_2_scope_is_trimmed() {
        assert_eq!(
            check_scope(&json!("  read:users\t")),
            Ok("read:users".into())
        );
        assert_eq!(
            check_scope(&json!("\u{feff}openid\u{a0}")),
            Ok("openid".into())
        );
    }

    #[test]
    fn auth0_post_login_2_2_non_string_scope_is_a_type_error() {
        for value in [json!(null), json!(1), json!(["openid"]), json!({})] {
            let error = check_scope(&value).unwrap_err();
            assert_eq!(error.kind, ApiErrorKind::TypeError);
            assert_eq!(error.message, "The value for the scope must be a string.");
        }
    }

    #[test]
    fn auth0_post_login_2_2_empty_scope_is_required() {
        assert_eq!(message(json!("")), "The value for the scope is required.");
        assert_eq!(
            message(json!(" \n ")),
            "The value for the scope is required."
        );
    }

    #[test]
    fn auth0_post_login_2_2_scope_exceeds_280_characters() {
        assert!(check_scope(&json!("a".repeat(280))).is_ok());
        assert_eq!(
            message(json!("a".repeat(281))),
            "The value for the scope exceeds the allowed maximum of 280 characters."
        );
        // 141 astral characters are 282 UTF-16 code units.
        assert_eq!(
            message(json!("😀".repeat(141))),
            "The value for the scope exceeds the allowed maximum of 280 characters."
        );
    }

    #[test]
    fn auth0_post_login_2_2_scope_must_not_have_whitespace() {
        for scope in [
            "read users",
            "read\tusers",
            "read\u{2028}users",
            "a\u{3000}b",
        ] {
            assert_eq!(
                message(json!(scope)),
                "The value for the scope must not have whitespace.",
                "{scope:?}"
            );
        }
        // U+0085 is White_Space in Unicode but not `\s` in JavaScript.
        assert!(check_scope(&json!("a\u{85}b")).is_ok());
    }

    #[test]
    fn auth0_post_login_2_2_number_of_scopes_exceeds_1000() {
        assert!(check_count(0).is_ok());
        assert!(check_count(999).is_ok());
        assert_eq!(
            check_count(1000).unwrap_err().message,
            "The number of scopes exceeds the allowed maximum of 1000."
        );
    }
}
