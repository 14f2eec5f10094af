//! `api.user.setAppMetadata` / `setUserMetadata`.
//!
//! ## What it does
//! Validates a metadata write against the stored metadata and applies a batch
//! of writes (the Action's, once it finished).
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.9: the call throws `Unexpected app_metadata format. Must
//! be a valid JSON object` (user metadata: `Unexpected user_metadata format.
//! Must be a valid JSON object.`) when the stored metadata is not a plain
//! object; `null` removes the key; updates are shallow, per top-level key; the
//! current Action's `event.user` does not change. flow-file.md §3 decision 10:
//! later Actions see what earlier Actions set.
//!
//! ## Example
//! `setAppMetadata("plan", "pro")` then `setAppMetadata("plan", null)` in one
//! Action leaves no `plan` key for the next Action.

use serde_json::{Map, Value};

use crate::ApiError;

/// Which metadata object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// `app_metadata`.
    App,
    /// `user_metadata`.
    User,
}

/// Throws Auth0's error when the stored metadata is not a plain object.
pub fn check_writable(which: Which, stored: &Value) -> Result<(), ApiError> {
    if stored.is_object() {
        return Ok(());
    }
    Err(ApiError::error(match which {
        Which::App => "Unexpected app_metadata format. Must be a valid JSON object",
        Which::User => "Unexpected user_metadata format. Must be a valid JSON object.",
    }))
}

/// Applies writes in order: `null` removes the key, anything else replaces it.
pub fn apply(stored: &mut Map<String, Value>, writes: &[(String, Value)]) {
    for (key, value) in writes {
        if value.is_null() {
            stored.remove(key);
        } else {
            stored.insert(key.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auth0_post_login_2_9_non_object_metadata_throws_auth0_messages() {
        assert_eq!(
            check_writable(Which::App, &json!([])).unwrap_err().message,
            "Unexpected app_metadata format. Must be a valid JSON object"
        );
        assert_eq!(
            check_writable(Which::User, &json!("x"))
                .unwrap_err()
                .message,
            "Unexpected user_metadata format. Must be a valid JSON object."
        );
        assert!(check_writable(Which::App, &json!({})).is_ok());
    }

    #[test]
    fn auth0_post_login_2_9_null_removes_and_last_write_wins() {
        let mut stored = json!({"a": 1, "b": {"c": 2}}).as_object().unwrap().clone();
        apply(
            &mut stored,
            &[
                ("a".into(), json!(null)),
                ("b".into(), json!({"d": 3})),
                ("e".into(), json!(1)),
                ("e".into(), json!(2)),
            ],
        );
        assert_eq!(Value::Object(stored), json!({"b": {"d": 3}, "e": 2}));
    }
}
