//! `api.authentication.setPrimaryUser`.
//!
//! ## What it does
//! Checks the argument of `setPrimaryUser` and that the primary user has not
//! been changed already, and returns the new primary user id.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.4, checked in this order: a second call in the same
//! transaction (Rules and Actions together) throws
//! `The primary user can only be altered once per transaction`; a non-string
//! or empty value throws
//! `The provided primary_user_id must be a non-empty string`; more than 128
//! characters (JavaScript `String.length`, UTF-16 code units) throws
//! `The provided primary_user_id exceeds the maximum length.`. Metadata set in
//! the same Action is discarded; that is the transaction's job.
//!
//! ## Example
//! `api.authentication.setPrimaryUser("auth0|123")` then
//! `api.authentication.setPrimaryUser("auth0|456")`: the second call throws.

use serde_json::Value;

use crate::ApiError;

/// The longest primary user id, in UTF-16 code units.
pub const MAX_USER_ID_LENGTH: usize = 128;

/// Checks `setPrimaryUser(id)`; `already_set` is whether this transaction
/// already changed the primary user.
pub fn check(id: &Value, already_set: bool) -> Result<String, ApiError> {
    if already_set {
        return Err(ApiError::error(
            "The primary user can only be altered once per transaction",
        ));
    }
    let id = match id.as_str() {
        Some(id) if !id.is_empty() => id,
        _ => {
            return Err(ApiError::error(
                "The provided primary_user_id must be a non-empty string",
            ))
        }
    };
    if id.encode_utf16().count() > MAX_USER_ID_LENGTH {
        return Err(ApiError::error(
            "The provided primary_user_id exceeds the maximum length.",
        ));
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auth0_post_login_2_4_primary_user_is_accepted_once() {
        assert_eq!(check(&json!("auth0|123"), false), Ok("auth0|123".into()));
        assert_eq!(
            check(&json!("auth0|123"), true).unwrap_err().message,
            "The primary user can only be altered once per transaction"
        );
        // The once-per-transaction check comes first.
        assert_eq!(
            check(&json!(1), true).unwrap_err().message,
            "The primary user can only be altered once per transaction"
        );
    }

    #[test]
    fn auth0_post_login_2_4_primary_user_must_be_a_non_empty_string() {
        for value in [json!(""), json!(null), json!(42), json!(["auth0|1"])] {
            assert_eq!(
                check(&value, false).unwrap_err().message,
                "The provided primary_user_id must be a non-empty string",
                "{value}"
            );
        }
    }

    #[test]
    fn auth0_post_login_2_4_primary_user_exceeds_the_maximum_length() {
        assert!(check(&json!("a".repeat(128)), false).is_ok());
        assert_eq!(
            check(&json!("a".repeat(129)), false).unwrap_err().message,
            "The provided primary_user_id exceeds the maximum length."
        );
        assert!(check(&json!("😀".repeat(65)), false).is_err());
    }
}
