//! The `event` each handler receives, as the JSON text the host hands it:
//! the default event, the flow file's partial event deep-merged over it
//! (flow-file.md §1), and each invocation's snapshot (factors, methods,
//! metadata, request, session, refresh token, prompt) and the Action's
//! secrets laid on top. It reads the snapshots the transaction keeps and
//! changes none of them.

use std::collections::BTreeMap;

use actions_core::{iso8601, Snapshot};
use serde::ser::{Serialize, SerializeMap, Serializer};
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

/// `value`'s member `key`, found by comparing keys in turn: the event's
/// objects have a dozen or so members, and serde_json's maps hash a key with
/// SipHash to look it up, which costs more.
pub(crate) fn member<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    map_member(value.as_object()?, key)
}

/// [`member`] of a map.
pub(crate) fn map_member<'m>(map: &'m Map<String, Value>, key: &str) -> Option<&'m Value> {
    map.iter()
        .find(|(name, _)| *name == key)
        .map(|(_, value)| value)
}

/// [`member`], or `null` when there is none (as `value[key]` gives).
pub(crate) fn member_or_null<'v>(value: &'v Value, key: &str) -> &'v Value {
    static NULL: Value = Value::Null;
    member(value, key).unwrap_or(&NULL)
}

/// [`member`], to change.
fn member_mut<'v>(value: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    value
        .as_object_mut()?
        .iter_mut()
        .find(|(name, _)| *name == key)
        .map(|(_, value)| value)
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
    let mut event = default_event().clone();
    let id = Value::String(tenant_name.to_owned());
    match member_mut(&mut event, "tenant").and_then(|tenant| member_mut(tenant, "id")) {
        Some(slot) => *slot = id,
        None => event["tenant"]["id"] = id,
    }
    if let Some(partial) = partial {
        if !partial.is_object() {
            return Err("`event` must be an object".to_owned());
        }
        deep_merge(&mut event, partial);
    }
    check_shape(&event)?;
    let start = iso8601(start_ms);
    if let Some(methods) = member_mut(&mut event, "authentication")
        .and_then(|authentication| member_mut(authentication, "methods"))
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

/// The default event, parsed once per process.
fn default_event() -> &'static Value {
    static DEFAULT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DEFAULT.get_or_init(|| {
        serde_json::from_str(DEFAULT_EVENT).expect("the default event is valid JSON")
    })
}

fn check_shape(event: &Value) -> Result<(), String> {
    let user = member(event, "user")
        .filter(|u| u.is_object())
        .ok_or("`event.user` must be an object")?;
    match member(user, "enrolledFactors") {
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
    match member(event, "authentication").and_then(|a| member(a, "methods")) {
        Some(Value::Array(methods)) if methods.iter().all(Value::is_object) => Ok(()),
        _ => Err("`event.authentication.methods` must be an array of objects".to_owned()),
    }
}

/// The event one invocation sees, as JSON text: the base event with the
/// snapshot's factors, methods, metadata, request, session, refresh token
/// and prompt, and the Action's own secrets. The base event is not cloned:
/// the snapshot's members are laid over it as it is written ([`overlay`]).
pub(crate) fn invocation_event_json(
    base: &Value,
    seen: &Snapshot,
    secrets: &BTreeMap<String, String>,
) -> String {
    json(&overlay(base, seen, secrets))
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("an event serialises")
}

/// The event of one invocation as the base event with the snapshot's parts
/// laid over it.
fn overlay<'b, 's>(
    base: &'b Value,
    seen: &'s Snapshot,
    secrets: &'s BTreeMap<String, String>,
) -> Overlay<'b, 's> {
    static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
    let empty: &'static Map<String, Value> = &EMPTY;
    let base = object(Some(base)).unwrap_or(empty);
    let user = Overlay {
        base: object(map_member(base, "user")).unwrap_or(empty),
        replace: vec![
            ("enrolledFactors", Part::Values(&seen.enrolled_factors)),
            ("app_metadata", Part::Value(&seen.app_metadata)),
            ("user_metadata", Part::Value(&seen.user_metadata)),
        ],
    };
    let authentication = Overlay {
        base: object(map_member(base, "authentication")).unwrap_or(empty),
        replace: vec![("methods", Part::Values(&seen.methods))],
    };
    let mut replace = vec![
        ("user", Part::Object(user)),
        ("authentication", Part::Object(authentication)),
        ("request", Part::Value(&seen.request)),
    ];
    for (key, value) in [
        ("session", &seen.session),
        ("refresh_token", &seen.refresh_token),
    ] {
        if !value.is_null() {
            replace.push((key, Part::Value(value)));
        }
    }
    if let Some(transaction) = object(map_member(base, "transaction")) {
        replace.push((
            "transaction",
            Part::Object(Overlay {
                base: transaction,
                replace: vec![("metadata", Part::Map(&seen.transaction_metadata))],
            }),
        ));
    }
    if let Some(prompt) = &seen.prompt {
        replace.push(("prompt", Part::Value(prompt)));
    }
    // The event's secrets, then the Action's own over them.
    let secrets = Overlay {
        base: object(map_member(base, "secrets")).unwrap_or(empty),
        replace: secrets
            .iter()
            .map(|(key, secret)| (key.as_str(), Part::Str(secret)))
            .collect(),
    };
    replace.push(("secrets", Part::Object(secrets)));
    Overlay { base, replace }
}

fn object(value: Option<&Value>) -> Option<&Map<String, Value>> {
    value.and_then(Value::as_object)
}

/// An object written as `base` with the keys of `replace` replaced in place,
/// and those `base` lacks added at the end, in order.
/// `'b` borrows from the base event, `'s` from the snapshot and secrets.
struct Overlay<'b, 's> {
    base: &'b Map<String, Value>,
    replace: Vec<(&'s str, Part<'b, 's>)>,
}

enum Part<'b, 's> {
    Value(&'s Value),
    Values(&'s [Value]),
    Map(&'s Map<String, Value>),
    Object(Overlay<'b, 's>),
    Str(&'s str),
}

/// A member of an [`Overlay`]: the base's value, or the part over it.
enum Item<'o, 'b, 's> {
    Base(&'b Value),
    Part(&'o Part<'b, 's>),
}

impl<'b, 's> Overlay<'b, 's> {
    /// The members in order: `base`'s keys, with `replace`'s in place, then
    /// those of `replace` that `base` lacks.
    fn members(&self) -> Vec<(&str, Item<'_, 'b, 's>)> {
        let mut members = Vec::with_capacity(self.base.len() + self.replace.len());
        // Which of `replace` took a base key's place, so the rest are found
        // without hashing their names (the names of `replace` are distinct,
        // as are the keys of `base`).
        let mut placed = vec![false; self.replace.len()];
        for (key, value) in self.base {
            match self.replace.iter().position(|(name, _)| name == key) {
                Some(at) => {
                    placed[at] = true;
                    members.push((key.as_str(), Item::Part(&self.replace[at].1)));
                }
                None => members.push((key.as_str(), Item::Base(value))),
            }
        }
        for ((name, part), placed) in self.replace.iter().zip(placed) {
            if !placed {
                members.push((*name, Item::Part(part)));
            }
        }
        members
    }
}

impl Serialize for Overlay<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, item) in self.members() {
            match item {
                Item::Base(value) => map.serialize_entry(key, value)?,
                Item::Part(part) => map.serialize_entry(key, part)?,
            }
        }
        map.end()
    }
}

impl Serialize for Part<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Part::Value(value) => value.serialize(serializer),
            Part::Values(values) => values.serialize(serializer),
            Part::Map(map) => map.serialize(serializer),
            Part::Object(overlay) => overlay.serialize(serializer),
            Part::Str(text) => text.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The merged event built as a value: the plain statement of what
    /// `invocation_event_json` writes, kept as its oracle.
    fn invocation_event(
        base: &Value,
        seen: &Snapshot,
        secrets: &BTreeMap<String, String>,
    ) -> Value {
        let mut event = base.clone();
        let user = &mut event["user"];
        user["enrolledFactors"] = Value::Array(seen.enrolled_factors.to_vec());
        user["app_metadata"] = seen.app_metadata.clone();
        user["user_metadata"] = seen.user_metadata.clone();
        event["authentication"]["methods"] = Value::Array(seen.methods.to_vec());
        event["request"] = (*seen.request).clone();
        for (key, value) in [
            ("session", &seen.session),
            ("refresh_token", &seen.refresh_token),
        ] {
            if !value.is_null() {
                event[key] = (**value).clone();
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

    #[test]
    fn the_invocation_event_is_written_as_the_merged_event_would_be() {
        let default = base_event("acme", None, 0).unwrap();
        let mut sparse = default.clone();
        let sparse_map = sparse.as_object_mut().unwrap();
        for key in ["transaction", "request", "session", "secrets"] {
            sparse_map.remove(key);
        }
        sparse["user"]
            .as_object_mut()
            .unwrap()
            .remove("app_metadata");
        let mut with_secrets = default.clone();
        with_secrets["secrets"] = json!({"A": "base", "B": "base"});
        with_secrets["session"] = json!({"id": "s0"});
        let quiet = Snapshot {
            enrolled_factors: vec![].into(),
            methods: vec![json!({"name": "pwd"})].into(),
            app_metadata: json!({}),
            user_metadata: json!({"x": [1, "two", null]}),
            request: json!({"ip": "1.2.3.4"}).into(),
            session: Value::Null.into(),
            refresh_token: Value::Null.into(),
            transaction_metadata: Map::new(),
            prompt: None,
        };
        let busy = Snapshot {
            enrolled_factors: vec![json!({"type": "otp"}), json!({"type": "webauthn-roaming"})]
                .into(),
            methods: vec![json!({"name": "mfa", "type": "otp", "timestamp": "t"})].into(),
            app_metadata: json!({"roles": ["admin"], "q": "\"quoted\" \u{e9}"}),
            user_metadata: Value::Null,
            request: json!({"query": {"state": "abc"}}).into(),
            session: json!({"id": "s1"}).into(),
            refresh_token: json!({"id": "r1"}).into(),
            transaction_metadata: json!({"k": 1}).as_object().unwrap().clone(),
            prompt: Some(json!({"fields": {"a": 1}})),
        };
        let none = BTreeMap::new();
        let own: BTreeMap<String, String> = [("B", "own"), ("C", "own")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into();
        // The snapshot's request and session as the base event has them.
        let unchanged = Snapshot {
            request: default["request"].clone().into(),
            session: with_secrets["session"].clone().into(),
            ..quiet.clone()
        };
        // Near the default: members in another order, and numbers written
        // another way, are written as the base has them.
        let mut near = default.clone();
        let geoip = near["request"]["geoip"].as_object().unwrap().clone();
        near["request"]["geoip"] = Value::Object(geoip.into_iter().rev().collect());
        near["stats"]["logins_count"] = json!(1.0);
        near["connection"]["metadata"] = json!({"zero": -0.0});
        let identity = near["user"]["identities"][0].as_object().unwrap().clone();
        near["user"]["identities"][0] = Value::Object(identity.into_iter().rev().collect());
        near["session"]["device"] = Value::Object(
            near["session"]["device"]
                .as_object()
                .unwrap()
                .clone()
                .into_iter()
                .rev()
                .collect(),
        );
        for base in [&default, &sparse, &with_secrets, &near] {
            for seen in [&quiet, &busy, &unchanged] {
                for secrets in [&none, &own] {
                    let merged = invocation_event(base, seen, secrets).to_string();
                    assert_eq!(invocation_event_json(base, seen, secrets), merged);
                }
            }
        }
    }

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
