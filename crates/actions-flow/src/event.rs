//! The `event` each handler receives: the default event, the flow file's
//! partial event deep-merged over it (flow-file.md §1), and the per-invocation
//! parts (snapshots, metadata, secrets) laid on top.

use std::collections::BTreeMap;

use actions_core::{iso8601, Snapshot};
use serde_json::{Map, Value};

const DEFAULT_EVENT: &str = include_str!("default-event.json");

/// Merges `overlay` into `base`: objects key by key, arrays and scalars
/// replace, and `null` removes the key (as in JSON merge patch), since Auth0
/// leaves absent fields out of the event rather than setting them to `null`.
pub fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                if value.is_null() {
                    base.remove(key);
                    continue;
                }
                match base.get_mut(key) {
                    Some(slot) => deep_merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// The login's starting event: the default event, `tenant.id` from the
/// tenant name, the flow's partial event over both, and a `timestamp` on every
/// authentication method that lacks one (the login's start time).
pub(crate) fn base_event(
    tenant_name: &str,
    partial: Option<&Value>,
    start_ms: i64,
) -> Result<Value, String> {
    // Parsed once per process: cloning the value costs less than parsing it
    // for every flow.
    static DEFAULT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let mut event = DEFAULT
        .get_or_init(|| {
            serde_json::from_str(DEFAULT_EVENT).expect("the default event is valid JSON")
        })
        .clone();
    event["tenant"]["id"] = Value::String(tenant_name.to_owned());
    if let Some(partial) = partial {
        if !partial.is_object() {
            return Err("`event` must be an object".to_owned());
        }
        deep_merge(&mut event, partial);
    }
    check_shape(&event)?;
    let start = iso8601(start_ms);
    if let Some(methods) = event
        .pointer_mut("/authentication/methods")
        .and_then(Value::as_array_mut)
    {
        for method in methods.iter_mut().filter_map(Value::as_object_mut) {
            method
                .entry("timestamp")
                .or_insert_with(|| Value::String(start.clone()));
        }
    }
    Ok(event)
}

fn check_shape(event: &Value) -> Result<(), String> {
    let user = event
        .get("user")
        .filter(|u| u.is_object())
        .ok_or("`event.user` must be an object")?;
    match user.get("enrolledFactors") {
        Some(Value::Array(factors)) => {
            for (i, factor) in factors.iter().enumerate() {
                if factor.get("type").and_then(Value::as_str).is_none() {
                    return Err(format!(
                        "`event.user.enrolledFactors[{i}]` must be an object with a string `type`"
                    ));
                }
            }
        }
        _ => return Err("`event.user.enrolledFactors` must be an array".to_owned()),
    }
    match event.pointer("/authentication/methods") {
        Some(Value::Array(methods)) if methods.iter().all(Value::is_object) => Ok(()),
        _ => Err("`event.authentication.methods` must be an array of objects".to_owned()),
    }
}

/// The event one invocation sees: the base event with the snapshot's factors,
/// methods, metadata, request, session, refresh token and prompt, and the
/// Action's own secrets.
pub(crate) fn invocation_event(
    base: &Value,
    seen: &Snapshot,
    secrets: &BTreeMap<String, String>,
) -> Value {
    let mut event = base.clone();
    let user = &mut event["user"];
    user["enrolledFactors"] = Value::Array(seen.enrolled_factors.clone());
    user["app_metadata"] = seen.app_metadata.clone();
    user["user_metadata"] = seen.user_metadata.clone();
    event["authentication"]["methods"] = Value::Array(seen.methods.clone());
    event["request"] = seen.request.clone();
    for (key, value) in [
        ("session", &seen.session),
        ("refresh_token", &seen.refresh_token),
    ] {
        if !value.is_null() {
            event[key] = value.clone();
        }
    }
    if let Some(transaction) = event.get_mut("transaction").and_then(Value::as_object_mut) {
        transaction.insert(
            "metadata".to_owned(),
            Value::Object(seen.transaction_metadata.clone()),
        );
    }
    if let Some(prompt) = &seen.prompt {
        event["prompt"] = prompt.clone();
    }
    let mut all_secrets = event
        .get("secrets")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_else(Map::new);
    for (key, value) in secrets {
        all_secrets.insert(key.clone(), Value::String(value.clone()));
    }
    event["secrets"] = Value::Object(all_secrets);
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flow_file_1_event_objects_merge_and_arrays_replace() {
        let mut base = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        deep_merge(&mut base, &json!({"a": {"c": [3], "e": 2}, "d": {"x": 1}}));
        assert_eq!(
            base,
            json!({"a": {"b": 1, "c": [3], "e": 2}, "d": {"x": 1}})
        );
    }

    #[test]
    fn flow_file_3_decision_1_defaults() {
        let event = base_event("acme", None, 0).unwrap();
        assert_eq!(event["tenant"]["id"], "acme");
        assert_eq!(event["user"]["enrolledFactors"], json!([]));
        assert_eq!(
            event["authentication"]["methods"],
            json!([{"name": "pwd", "timestamp": "1970-01-01T00:00:00.000Z"}])
        );
        assert_eq!(event["user"]["email_verified"], true);
        assert_eq!(
            (
                event["user"]["app_metadata"].clone(),
                event["user"]["user_metadata"].clone()
            ),
            (json!({}), json!({}))
        );
        // The realistic parts always exist.
        for pointer in [
            "/request/ip",
            "/request/geoip/countryCode",
            "/client/client_id",
            "/connection/strategy",
            "/transaction/metadata",
        ] {
            assert!(event.pointer(pointer).is_some(), "{pointer}");
        }
    }

    #[test]
    fn null_removes_a_default_field() {
        let event = base_event(
            "local",
            Some(&json!({"session": null, "resource_server": null})),
            0,
        )
        .unwrap();
        assert!(event.get("session").is_none() && event.get("resource_server").is_none());
        assert!(event.get("client").is_some());
    }

    #[test]
    fn partial_events_keep_the_defaults_they_do_not_name() {
        let event = base_event(
            "local",
            Some(&json!({"request": {"geoip": {"countryCode": "NZ"}}})),
            0,
        )
        .unwrap();
        assert_eq!(event["request"]["geoip"]["countryCode"], "NZ");
        assert_eq!(event["request"]["geoip"]["cityName"], "Bellevue");
    }

    #[test]
    fn malformed_factor_lists_are_rejected() {
        let err = base_event(
            "local",
            Some(&json!({"user": {"enrolledFactors": ["otp"]}})),
            0,
        )
        .unwrap_err();
        assert!(err.contains("enrolledFactors[0]"), "{err}");
    }
}
