//! `api.cache`: the per-trigger key/value cache.
//!
//! ## What it does
//! Holds the cache of one trigger and answers `get`, `set` and `delete` with
//! the result objects Auth0 returns. It owns no clock: every call takes
//! `now_ms`. It must not decide what survives between executions; the flow
//! seeds it through [`Cache::new`].
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.5. `get(key)` returns the record `{value, expires_at}`,
//! or `undefined` once `expires_at` has passed (the official implementation
//! tests `expires_at < now`, so a record is still returned at `expires_at`).
//! `set(key, value, {ttl?, expires_at?})` returns
//! `{type: 'success', record}` or `{type: 'error', code}`, checking in order:
//! key over 64 bytes UTF-8 `CacheKeySizeExceeded`; value over 4096 bytes
//! `CacheValueSizeExceeded`; keys and values together over the documented
//! 8 KB (8192 bytes) `CacheSizeExceeded`; a `ttl` that is not a finite number
//! `InvalidExpiry`, else expiry is now + floor(ttl); an `expires_at` that is
//! not a finite number `InvalidExpiry`, else floor(expires_at), the earlier of
//! the two winning; neither gives the default 15 minutes; expiry at or before
//! now `ItemAlreadyExpired`; expiry not a safe integer `InvalidExpiry`. In
//! `@auth0/actions` the side-effect limit is reported after these checks, when
//! the command is recorded, so the 20-entry limit `MaxSideEffectsExceeded`
//! (\[INFERRED\] code) comes last; overwriting a live key is not a new entry.
//! The 24-hour maximum lifetime \[DOC\] is applied by capping the expiry, after
//! validation, as the server would. A non-string key or value gives
//! `FailedToSetCacheRecord` \[INFERRED\] before any other check. `delete(key)`
//! gives `{type: 'success'}` or `CacheKeyDoesNotExist`. Expired records count
//! as absent everywhere (size, entry count, `delete`).
//!
//! ## Example
//! `api.cache.set("k", "v", {ttl: 60000})` at `now` returns
//! `{type: "success", record: {value: "v", expires_at: now + 60000}}`;
//! `api.cache.set("k", "v", {ttl: 0})` returns
//! `{type: "error", code: "ItemAlreadyExpired"}`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

/// Lifetime of a record set without `ttl` or `expires_at`, and of seeded records.
pub const DEFAULT_TTL_MS: i64 = 15 * 60 * 1000;
/// The longest lifetime of a record (24 hours).
pub const MAX_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;
/// The largest key, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 64;
/// The largest value, in UTF-8 bytes.
pub const MAX_VALUE_BYTES: usize = 4096;
/// The largest total of all keys and values, in UTF-8 bytes (8 KB).
pub const MAX_TOTAL_BYTES: usize = 8192;
/// The most records one trigger's cache holds.
pub const MAX_ENTRIES: usize = 20;

/// JavaScript's `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// One cached value, serialized as Auth0's `{value, expires_at}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CacheRecord {
    /// The cached string.
    pub value: String,
    /// Expiry in milliseconds since the Unix epoch.
    pub expires_at: i64,
}

impl CacheRecord {
    /// Whether `get` still returns the record at `now_ms`.
    fn is_live(&self, now_ms: i64) -> bool {
        self.expires_at >= now_ms
    }

    fn to_json(&self) -> Value {
        json!({"value": self.value, "expires_at": self.expires_at})
    }
}

/// The cache of one trigger, ordered by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cache {
    records: BTreeMap<String, CacheRecord>,
}

impl Cache {
    /// A cache seeded with `initial` entries, each expiring
    /// [`DEFAULT_TTL_MS`] after `now_ms`. No limit is checked on seeding.
    pub fn new(initial: impl IntoIterator<Item = (String, String)>, now_ms: i64) -> Cache {
        let records = initial
            .into_iter()
            .map(|(key, value)| {
                let expires_at = now_ms.saturating_add(DEFAULT_TTL_MS);
                (key, CacheRecord { value, expires_at })
            })
            .collect();
        Cache { records }
    }

    /// `api.cache.get(key)`: the record object, or `Value::Null` (`undefined`)
    /// when it is absent, expired, or the key is not a string.
    pub fn get(&self, key: &Value, now_ms: i64) -> Value {
        key.as_str()
            .and_then(|key| self.live(key, now_ms))
            .map_or(Value::Null, CacheRecord::to_json)
    }

    /// `api.cache.set(key, value, options)`: the success or error object.
    pub fn set(&mut self, key: &Value, value: &Value, options: &Value, now_ms: i64) -> Value {
        self.records.retain(|_, record| record.is_live(now_ms));
        match self.try_set(key, value, options, now_ms) {
            Ok(record) => json!({"type": "success", "record": record.to_json()}),
            Err(code) => error(code),
        }
    }

    /// `api.cache.delete(key)`: the success or error object.
    pub fn delete(&mut self, key: &Value, now_ms: i64) -> Value {
        self.records.retain(|_, record| record.is_live(now_ms));
        match key.as_str().and_then(|key| self.records.remove(key)) {
            Some(_) => json!({"type": "success"}),
            None => error("CacheKeyDoesNotExist"),
        }
    }

    /// The live records as `{key: {value, expires_at}}`, ordered by key.
    pub fn entries(&self, now_ms: i64) -> Map<String, Value> {
        self.records
            .iter()
            .filter(|(_, record)| record.is_live(now_ms))
            .map(|(key, record)| (key.clone(), record.to_json()))
            .collect()
    }

    fn live(&self, key: &str, now_ms: i64) -> Option<&CacheRecord> {
        self.records
            .get(key)
            .filter(|record| record.is_live(now_ms))
    }

    /// `set` without the envelope; expired records are already gone.
    fn try_set(
        &mut self,
        key: &Value,
        value: &Value,
        options: &Value,
        now_ms: i64,
    ) -> Result<CacheRecord, &'static str> {
        let (Some(key), Some(value)) = (key.as_str(), value.as_str()) else {
            return Err("FailedToSetCacheRecord");
        };
        if key.len() > MAX_KEY_BYTES {
            return Err("CacheKeySizeExceeded");
        }
        if value.len() > MAX_VALUE_BYTES {
            return Err("CacheValueSizeExceeded");
        }
        let others: usize = self
            .records
            .iter()
            .filter(|(other, _)| other.as_str() != key)
            .map(|(other, record)| other.len() + record.value.len())
            .sum();
        if others + key.len() + value.len() > MAX_TOTAL_BYTES {
            return Err("CacheSizeExceeded");
        }
        let expires_at = expiry(options, now_ms)?;
        if !self.records.contains_key(key) && self.records.len() >= MAX_ENTRIES {
            return Err("MaxSideEffectsExceeded");
        }
        let record = CacheRecord {
            value: value.to_owned(),
            expires_at,
        };
        self.records.insert(key.to_owned(), record.clone());
        Ok(record)
    }
}

/// The expiry `set` records, following §2.5 steps 2 to 5, then capped at 24 h.
fn expiry(options: &Value, now_ms: i64) -> Result<i64, &'static str> {
    // `JSON.stringify` turns `NaN` and `Infinity` into `null`, and drops
    // `undefined` properties, so a present non-number is never finite.
    let finite = |v: &Value| v.as_f64().filter(|n| n.is_finite()).ok_or("InvalidExpiry");
    let now = now_ms as f64;
    let mut expires: Option<f64> = None;
    if let Some(ttl) = options.get("ttl") {
        expires = Some(now + finite(ttl)?.floor());
    }
    if let Some(at) = options.get("expires_at") {
        let at = finite(at)?.floor();
        expires = Some(expires.map_or(at, |ttl| ttl.min(at)));
    }
    let expires = expires.unwrap_or(now + DEFAULT_TTL_MS as f64);
    if expires <= now {
        return Err("ItemAlreadyExpired");
    }
    if expires.abs() > MAX_SAFE_INTEGER {
        return Err("InvalidExpiry");
    }
    Ok((expires as i64).min(now_ms.saturating_add(MAX_LIFETIME_MS)))
}

fn error(code: &str) -> Value {
    json!({"type": "error", "code": code})
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn set(cache: &mut Cache, key: &str, value: &str, options: Value) -> Value {
        cache.set(&json!(key), &json!(value), &options, NOW)
    }

    fn code(result: Value) -> String {
        result["code"].as_str().unwrap_or("<success>").to_owned()
    }

    #[test]
    fn auth0_post_login_2_5_set_then_get_returns_the_record() {
        let mut cache = Cache::default();
        let result = set(&mut cache, "k", "v", json!({"ttl": 60_000.7}));
        let record = json!({"value": "v", "expires_at": NOW + 60_000});
        assert_eq!(result, json!({"type": "success", "record": record}));
        assert_eq!(cache.get(&json!("k"), NOW), record);
        assert_eq!(cache.get(&json!("k"), NOW + 60_000), record);
        assert_eq!(cache.get(&json!("k"), NOW + 60_001), Value::Null);
        assert_eq!(cache.get(&json!("other"), NOW), Value::Null);
        assert_eq!(cache.get(&json!(1), NOW), Value::Null);
    }

    #[test]
    fn auth0_post_login_2_5_default_lifetime_is_15_minutes() {
        let mut cache = Cache::default();
        let result = set(&mut cache, "k", "v", Value::Null);
        assert_eq!(result["record"]["expires_at"], json!(NOW + DEFAULT_TTL_MS));
        let seeded = Cache::new([("a".to_owned(), "b".to_owned())], NOW);
        assert_eq!(
            seeded.get(&json!("a"), NOW),
            json!({"value": "b", "expires_at": NOW + 900_000})
        );
    }

    #[test]
    fn auth0_post_login_2_5_size_limits_in_order() {
        let mut cache = Cache::default();
        let long_key = "é".repeat(33); // 66 bytes
        assert_eq!(
            code(set(&mut cache, &long_key, &"x".repeat(5000), json!({}))),
            "CacheKeySizeExceeded"
        );
        assert_eq!(
            code(set(
                &mut cache,
                &"k".repeat(64),
                &"x".repeat(4097),
                json!({"ttl": "x"})
            )),
            "CacheValueSizeExceeded"
        );
        assert_eq!(
            code(set(&mut cache, "a", &"x".repeat(4096), json!({}))),
            "<success>"
        );
        assert_eq!(
            code(set(&mut cache, "b", &"x".repeat(4094), json!({}))),
            "<success>"
        );
        // 8192 bytes used; one more byte is over.
        assert_eq!(
            code(set(&mut cache, "c", "", json!({"ttl": "x"}))),
            "CacheSizeExceeded"
        );
        // Overwriting replaces the old value's bytes.
        assert_eq!(
            code(set(&mut cache, "b", &"y".repeat(4094), json!({}))),
            "<success>"
        );
    }

    #[test]
    fn auth0_post_login_2_5_invalid_expiry() {
        let mut cache = Cache::default();
        for options in [
            json!({"ttl": null}),
            json!({"ttl": "1000"}),
            json!({"expires_at": null}),
            json!({"ttl": 1000, "expires_at": true}),
            json!({"expires_at": 1e300}),
        ] {
            assert_eq!(
                code(set(&mut cache, "k", "v", options.clone())),
                "InvalidExpiry",
                "{options}"
            );
        }
    }

    #[test]
    fn auth0_post_login_2_5_earlier_expiry_wins() {
        let mut cache = Cache::default();
        let both = json!({"ttl": 10_000, "expires_at": NOW as f64 + 5_000.9});
        assert_eq!(
            set(&mut cache, "k", "v", both)["record"]["expires_at"],
            json!(NOW + 5_000)
        );
        let both = json!({"ttl": 10_000, "expires_at": NOW + 50_000});
        assert_eq!(
            set(&mut cache, "k", "v", both)["record"]["expires_at"],
            json!(NOW + 10_000)
        );
    }

    #[test]
    fn auth0_post_login_2_5_item_already_expired() {
        let mut cache = Cache::default();
        for options in [
            json!({"ttl": 0}),
            json!({"ttl": -5}),
            json!({"expires_at": NOW}),
        ] {
            assert_eq!(
                code(set(&mut cache, "k", "v", options)),
                "ItemAlreadyExpired"
            );
        }
        assert_eq!(
            code(set(&mut cache, "k", "v", json!({"ttl": 0.5}))),
            "ItemAlreadyExpired"
        );
    }

    #[test]
    fn auth0_post_login_2_5_lifetime_is_capped_at_24_hours() {
        let mut cache = Cache::default();
        let result = set(&mut cache, "k", "v", json!({"ttl": 7 * MAX_LIFETIME_MS}));
        assert_eq!(result["record"]["expires_at"], json!(NOW + MAX_LIFETIME_MS));
    }

    #[test]
    fn auth0_post_login_2_5_at_most_20_entries() {
        let mut cache = Cache::default();
        for i in 0..20 {
            assert_eq!(
                code(set(&mut cache, &format!("k{i}"), "v", json!({}))),
                "<success>"
            );
        }
        assert_eq!(
            code(set(&mut cache, "k20", "v", json!({}))),
            "MaxSideEffectsExceeded"
        );
        // Expiry errors come first, overwrites are not new entries.
        assert_eq!(
            code(set(&mut cache, "k20", "v", json!({"ttl": 0}))),
            "ItemAlreadyExpired"
        );
        assert_eq!(code(set(&mut cache, "k3", "w", json!({}))), "<success>");
        // Expired records free their slot.
        let later = NOW + DEFAULT_TTL_MS + 1;
        assert_eq!(
            cache.set(&json!("k20"), &json!("v"), &json!({}), later)["type"],
            "success"
        );
        assert_eq!(cache.entries(later).len(), 1);
    }

    #[test]
    fn auth0_post_login_2_5_non_string_key_or_value_fails() {
        let mut cache = Cache::default();
        let result = cache.set(&json!(1), &json!("v"), &Value::Null, NOW);
        assert_eq!(
            result,
            json!({"type": "error", "code": "FailedToSetCacheRecord"})
        );
        let result = cache.set(&json!("k"), &json!({"a": 1}), &Value::Null, NOW);
        assert_eq!(code(result), "FailedToSetCacheRecord");
    }

    #[test]
    fn auth0_post_login_2_5_delete() {
        let mut cache = Cache::new([("a".to_owned(), "1".to_owned())], NOW);
        assert_eq!(cache.delete(&json!("a"), NOW), json!({"type": "success"}));
        assert_eq!(
            cache.delete(&json!("a"), NOW),
            json!({"type": "error", "code": "CacheKeyDoesNotExist"})
        );
        let mut cache = Cache::new([("a".to_owned(), "1".to_owned())], NOW);
        assert_eq!(
            code(cache.delete(&json!("a"), NOW + DEFAULT_TTL_MS + 1)),
            "CacheKeyDoesNotExist"
        );
    }

    #[test]
    fn auth0_post_login_2_5_entries_lists_live_records_by_key() {
        let mut cache = Cache::new([("b".to_owned(), "2".to_owned())], NOW);
        set(&mut cache, "a", "1", json!({"ttl": 1000}));
        let entries = Value::Object(cache.entries(NOW));
        assert_eq!(
            entries.to_string(),
            json!({"a": {"value": "1", "expires_at": NOW + 1000},
                   "b": {"value": "2", "expires_at": NOW + DEFAULT_TTL_MS}})
            .to_string()
        );
        assert_eq!(cache.entries(NOW + 2000).len(), 1);
    }
}
