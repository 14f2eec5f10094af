//! `api.refreshToken`: revoke, expiry and metadata.
//!
//! ## What it does
//! Checks the arguments of the `api.refreshToken` methods and returns what
//! the transaction must record; applies `setMetadata` to a copy of the
//! refresh token's metadata. The protocol check for `revoke`, the
//! earliest-expiry-wins rule and the tenant caps are the transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.12, with the official implementation's exact texts.
//! `revoke(reason)` validates `{message: reason}`: `message must be string`,
//! `message must NOT have more than 1024 characters` (ajv counts code points).
//! `setExpiresAt`, `setIdleExpiresAt`, `setMetadata`, `deleteMetadata` and
//! `evictMetadata` first throw `Cannot call <method> on an online refresh
//! token.` when `event.refresh_token.access === 'online'` (inside
//! `setMetadata` the message gets the metadata prefix); the expiry setters
//! then check their argument exactly like the session ones
//! ([`check_expiry`], [`check_idle_expiry`]). `setMetadata` has the session's limits with
//! the prefix `Failed to set refresh token metadata: `, and is allowed when no
//! refresh token exists yet.
//!
//! ## Example
//! With `event.refresh_token.access === "online"`,
//! `api.refreshToken.setExpiresAt(Date.now() + 1000)` throws
//! `Cannot call setExpiresAt on an online refresh token.`.

use serde_json::{Map, Value};

use super::session::set_metadata_with_prefix;
use super::validation_error::AjvErrors;
use crate::ApiError;

/// The argument checks of `setExpiresAt`/`setIdleExpiresAt`, shared with `api.session`.
pub use super::session::{check_expiry, check_idle_expiry};

/// The prefix of every `api.refreshToken.setMetadata` error.
pub const METADATA_ERROR_PREFIX: &str = "Failed to set refresh token metadata: ";
/// The longest revoke reason, in code points.
pub const MAX_REASON_LENGTH: usize = 1024;

/// Checks `revoke(reason)` and returns the reason (empty when `undefined`,
/// which the schema allows).
pub fn check_revoke(reason: &Value) -> Result<String, ApiError> {
    let mut errors = AjvErrors::default();
    errors.string("/message", reason, Some(MAX_REASON_LENGTH));
    errors.finish()?;
    Ok(reason.as_str().unwrap_or_default().to_owned())
}

/// Throws when `method` (e.g. `setExpiresAt`) is called on an online refresh
/// token; `access` is `event.refresh_token.access`.
pub fn check_online(method: &str, access: Option<&str>) -> Result<(), ApiError> {
    if access == Some("online") {
        return Err(ApiError::error(format!(
            "Cannot call {method} on an online refresh token."
        )));
    }
    Ok(())
}

/// Applies `setMetadata(key, value)` to the refresh token's metadata; on
/// error the metadata is left unchanged. The online check is separate
/// ([`check_online`]); prefix its message with [`METADATA_ERROR_PREFIX`].
pub fn set_metadata(
    metadata: &mut Map<String, Value>,
    key: &Value,
    value: &Value,
) -> Result<(), ApiError> {
    set_metadata_with_prefix(METADATA_ERROR_PREFIX, metadata, key, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auth0_post_login_2_12_revoke_reason_is_a_string_of_at_most_1024_characters() {
        assert_eq!(check_revoke(&json!("stolen")), Ok("stolen".into()));
        assert_eq!(check_revoke(&Value::Null), Ok(String::new()));
        assert!(check_revoke(&json!("é".repeat(1024))).is_ok());
        assert_eq!(
            check_revoke(&json!("x".repeat(1025))).unwrap_err().message,
            "message must NOT have more than 1024 characters"
        );
        assert_eq!(
            check_revoke(&json!(1)).unwrap_err().message,
            "message must be string"
        );
    }

    #[test]
    fn auth0_post_login_2_12_online_refresh_token_rejects_the_method() {
        assert!(check_online("setExpiresAt", None).is_ok());
        assert!(check_online("setExpiresAt", Some("offline")).is_ok());
        assert_eq!(
            check_online("setIdleExpiresAt", Some("online"))
                .unwrap_err()
                .message,
            "Cannot call setIdleExpiresAt on an online refresh token."
        );
    }

    #[test]
    fn auth0_post_login_2_12_expiry_uses_the_session_checks() {
        assert_eq!(
            check_expiry(&json!(0)).unwrap_err().message,
            "Either inactivity or absolute expiration time must be provided"
        );
        assert_eq!(
            check_idle_expiry(&json!("soon")).unwrap_err().message,
            "inactivity must be number"
        );
        assert_eq!(check_expiry(&json!(42)), Ok(42));
    }

    #[test]
    fn auth0_post_login_2_12_set_metadata_uses_the_refresh_token_prefix() {
        let mut stored = Map::new();
        set_metadata(&mut stored, &json!("k"), &json!("v")).unwrap();
        assert_eq!(stored.get("k"), Some(&json!("v")));
        assert_eq!(
            set_metadata(&mut stored, &json!("k!"), &json!("v")).unwrap_err().message,
            "Failed to set refresh token metadata: Invalid metadata: Metadata keys may only include letters, numbers, underscores, or hyphens"
        );
        assert_eq!(
            set_metadata(&mut stored, &json!(["k"]), &json!("v"))
                .unwrap_err()
                .message,
            "Failed to set refresh token metadata: Invalid metadata: Metadata key must be a string"
        );
        set_metadata(&mut stored, &json!("k"), &Value::Null).unwrap();
        assert!(stored.is_empty());
    }
}
