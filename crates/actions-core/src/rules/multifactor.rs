//! `api.multifactor.enable`.
//!
//! ## What it does
//! Checks `enable(provider, options)` and returns the provider and the
//! options the transaction records. Deferring the challenge to the end of the
//! flow, and letting `challengeWith*`/`enrollWith*` override it, are the
//! transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.6: `provider` is one of `any`, `none`, `guardian`,
//! `google-authenticator`, `duo`; `options.allowRememberBrowser` is a
//! boolean; `options.providerOptions` (`{host, ikey, skey, username?}`, all
//! strings) applies to `duo` only. The official client passes only those two
//! options on (`{allowRememberBrowser: options?.allowRememberBrowser,
//! providerOptions: options?.providerOptions}`), so other keys are dropped
//! here too. It validates nothing itself; the server does, with messages that
//! are not public, so the ajv-style messages below are \[INFERRED\]:
//! ` must have required property 'provider'`, `provider must be equal to one
//! of the allowed values`, `options must be object`, `allowRememberBrowser
//! must be boolean`, `providerOptions must be object`, `providerOptions must
//! have required property 'host'`, `host must be string`. `providerOptions`
//! is checked whatever the provider and kept as given; it only has an effect
//! for `duo`.
//!
//! ## Example
//! `api.multifactor.enable("sms")` throws
//! `provider must be equal to one of the allowed values`.

use serde_json::{Map, Value};

use super::validation_error::AjvErrors;
use crate::ApiError;

/// The providers `enable` accepts.
pub const PROVIDERS: &[&str] = &["any", "none", "guardian", "google-authenticator", "duo"];

/// Checks `enable(provider, options)`; returns the provider and the options
/// as `{allowRememberBrowser?, providerOptions?}`.
pub fn check_enable(provider: &Value, options: &Value) -> Result<(String, Value), ApiError> {
    let mut errors = AjvErrors::default();
    errors.required("provider", provider);
    errors.one_of("/provider", provider, PROVIDERS);
    let mut kept = Map::new();
    match options {
        Value::Null => {}
        Value::Object(map) => {
            if let Some(remember) = map.get("allowRememberBrowser") {
                if !remember.is_boolean() {
                    errors.push("/options/allowRememberBrowser", "must be boolean");
                }
                kept.insert("allowRememberBrowser".to_owned(), remember.clone());
            }
            if let Some(provider_options) = map.get("providerOptions") {
                check_provider_options(&mut errors, provider_options);
                kept.insert("providerOptions".to_owned(), provider_options.clone());
            }
        }
        _ => errors.push("/options", "must be object"),
    }
    errors.finish()?;
    Ok((
        provider.as_str().unwrap_or_default().to_owned(),
        Value::Object(kept),
    ))
}

/// `{host, ikey, skey}` required strings, `username` an optional string.
fn check_provider_options(errors: &mut AjvErrors, value: &Value) {
    const PATH: &str = "/options/providerOptions";
    let Some(map) = value.as_object() else {
        errors.push(PATH, "must be object");
        return;
    };
    for property in ["host", "ikey", "skey"] {
        if !map.contains_key(property) {
            errors.push(PATH, &format!("must have required property '{property}'"));
        }
    }
    for property in ["host", "ikey", "skey", "username"] {
        if let Some(field) = map.get(property) {
            if !field.is_string() {
                errors.push(&format!("{PATH}/{property}"), "must be string");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(provider: Value, options: Value) -> String {
        check_enable(&provider, &options).unwrap_err().message
    }

    #[test]
    fn auth0_post_login_2_6_every_provider_is_accepted() {
        for provider in PROVIDERS {
            assert_eq!(
                check_enable(&json!(provider), &Value::Null),
                Ok((provider.to_string(), json!({})))
            );
        }
    }

    #[test]
    fn auth0_post_login_2_6_provider_must_be_allowed() {
        assert_eq!(
            error(json!("sms"), Value::Null),
            "provider must be equal to one of the allowed values"
        );
        assert_eq!(
            error(json!(1), Value::Null),
            "provider must be equal to one of the allowed values"
        );
        assert_eq!(
            error(Value::Null, Value::Null),
            " must have required property 'provider'"
        );
    }

    #[test]
    fn auth0_post_login_2_6_options_are_checked_and_filtered() {
        let options = json!({"allowRememberBrowser": true, "colour": "red"});
        assert_eq!(
            check_enable(&json!("guardian"), &options),
            Ok(("guardian".into(), json!({"allowRememberBrowser": true})))
        );
        assert_eq!(error(json!("any"), json!("yes")), "options must be object");
        assert_eq!(
            error(json!("any"), json!({"allowRememberBrowser": "yes"})),
            "allowRememberBrowser must be boolean"
        );
    }

    #[test]
    fn auth0_post_login_2_6_duo_provider_options() {
        let duo = json!({"providerOptions": {"host": "api-1.duo", "ikey": "i", "skey": "s"}});
        assert_eq!(
            check_enable(&json!("duo"), &duo),
            Ok(("duo".into(), duo.clone()))
        );
        assert_eq!(
            error(json!("duo"), json!({"providerOptions": {"host": "h"}})),
            "providerOptions must have required property 'ikey', must have required property 'skey'"
        );
        assert_eq!(
            error(
                json!("duo"),
                json!({"providerOptions": {"host": 1, "ikey": "i", "skey": "s", "username": false}})
            ),
            "host must be string; username must be string"
        );
        assert_eq!(
            error(json!("duo"), json!({"providerOptions": []})),
            "providerOptions must be object"
        );
    }
}
