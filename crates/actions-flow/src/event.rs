//! The `event` each handler receives: the default event, the flow file's
//! partial event deep-merged over it (flow-file.md §1), and the per-invocation
//! parts (snapshots, metadata, secrets) laid on top.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use actions_core::{iso8601, Snapshot};
use actions_runtime::EventParts;
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

/// The default event's member `key`, shared, when the flow's is the same
/// (see [`same_in_order`]): the snapshots of most flows start with the
/// default request and session, and need not copy them.
pub(crate) fn shared_default_member(key: &str, value: &Value) -> Option<Arc<Value>> {
    static SHARED: std::sync::LazyLock<Vec<(&'static str, Arc<Value>)>> =
        std::sync::LazyLock::new(|| {
            let default = default_event();
            ["request", "session", "refresh_token"]
                .into_iter()
                .filter_map(|key| Some((key, Arc::new(default.get(key)?.clone()))))
                .collect()
        });
    SHARED
        .iter()
        .find(|(shared, member)| *shared == key && same_in_order(member, value))
        .map(|(_, member)| Arc::clone(member))
}

/// Whether `a` and `b` are written as the same JSON text: equal, with the
/// members of objects in the same order (serde_json's `==` ignores their
/// order) and numbers of the same kind and bits (`0.0 == -0.0`).
pub(crate) fn same_in_order(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => same_members_in_order(a, b),
        (Value::Array(a), Value::Array(b)) => same_items_in_order(a, b),
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            _ if a.is_f64() != b.is_f64() => false,
            (Some(x), Some(y)) if a.is_f64() => x.to_bits() == y.to_bits(),
            _ => a == b,
        },
        (a, b) => a == b,
    }
}

/// [`same_in_order`] for two arrays' items.
fn same_items_in_order(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_in_order(a, b))
}

/// [`same_in_order`] for two objects' members.
fn same_members_in_order(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && same_in_order(va, vb))
}

/// A member of the default event (or of one of its objects) with its JSON
/// text, written once per process: a base event's leaf that is the
/// default's ([`same_in_order`]) takes its text from here instead of being
/// written again for every flow.
struct DefaultMember {
    key: &'static str,
    value: &'static Value,
    text: String,
    /// An object's members, the same way (none for other values).
    inner: Vec<DefaultMember>,
}

impl DefaultMember {
    /// The members of `map`, each with its text, and theirs `depth` levels
    /// down.
    fn all_of(map: &'static Map<String, Value>, depth: usize) -> Vec<DefaultMember> {
        map.iter()
            .map(|(key, value)| DefaultMember {
                key,
                value,
                text: json(value),
                inner: match value {
                    Value::Object(map) if depth > 0 => DefaultMember::all_of(map, depth - 1),
                    _ => Vec::new(),
                },
            })
            .collect()
    }

    /// The text of this member, if `value` is the default's.
    fn text_of(&'static self, value: &Value) -> Option<&'static str> {
        same_in_order(self.value, value).then_some(self.text.as_str())
    }
}

/// The default event's members, with their members.
fn default_members() -> &'static [DefaultMember] {
    static MEMBERS: std::sync::LazyLock<Vec<DefaultMember>> = std::sync::LazyLock::new(|| {
        let default = default_event()
            .as_object()
            .expect("the default event is an object");
        DefaultMember::all_of(default, 1)
    });
    &MEMBERS
}

/// The member `key` of `members`, looked for at `at` first: a base event
/// keeps the default's order, with the flow's new members after.
fn default_member(
    members: &'static [DefaultMember],
    at: usize,
    key: &str,
) -> Option<&'static DefaultMember> {
    match members.get(at) {
        Some(member) if member.key == key => Some(member),
        _ => members.iter().find(|member| member.key == key),
    }
}

/// The text of member `key` (at `at`) of the default member `outer`, if
/// `value` is the default's.
fn default_inner_text(
    outer: Option<&'static DefaultMember>,
    at: usize,
    key: &str,
    value: &Value,
) -> Option<&'static str> {
    default_member(&outer?.inner, at, key)?.text_of(value)
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
/// and prompt, and the Action's own secrets. The tests hold
/// [`invocation_event_parts`] to it, byte for byte.
#[cfg(test)]
pub(crate) fn invocation_event_json(
    base: &Value,
    seen: &Snapshot,
    secrets: &BTreeMap<String, String>,
) -> String {
    json(&overlay(base, seen, secrets))
}

/// The same event as [`invocation_event_json`], given to the host as its
/// parts (`actions_runtime::EventParts`): the event's members, with those
/// that are objects cut into theirs. The base event's values are written
/// once per run of the flow (`texts`), not once per invocation. The flow
/// runner builds it with [`next_event_parts`].
#[cfg(test)]
pub(crate) fn invocation_event_parts<'a>(
    base: &'a Value,
    seen: &Snapshot,
    secrets: &BTreeMap<String, String>,
    texts: &mut LeafTexts<'a>,
) -> EventParts {
    event_parts(base, seen, secrets, texts, &mut [None; FOLLOWED.len()])
}

/// The leaves [`LastEvent::follow`] replaces: the snapshot's members laid
/// over a member of the event.
const FOLLOWED: [[&str; 2]; 5] = [
    ["user", "enrolledFactors"],
    ["user", "app_metadata"],
    ["user", "user_metadata"],
    ["authentication", "methods"],
    ["transaction", "metadata"],
];

/// The parts of one invocation's event, noting in `followed` the leaf
/// number of each path of [`FOLLOWED`] the event has.
fn event_parts<'a>(
    base: &'a Value,
    seen: &Snapshot,
    secrets: &BTreeMap<String, String>,
    texts: &mut LeafTexts<'a>,
    followed: &mut [Option<usize>; FOLLOWED.len()],
) -> EventParts {
    let event = overlay(base, seen, secrets);
    let defaults = default_members();
    let mut parts = EventParts::new();
    for (at, (key, item)) in event.members().into_iter().enumerate() {
        // A snapshot's value equal to the base event's is written as the
        // base's (with no comparison when it is the copy the flow started
        // with).
        let item = match item {
            Item::Part(Part::Value(value)) => match event.base.get(key) {
                Some(same) if texts.is_copy_of_base(key, value) || same_in_order(same, value) => {
                    Item::Base(same)
                }
                _ => item,
            },
            item => item,
        };
        let default = default_member(defaults, at, key);
        match item {
            Item::Base(Value::Object(map)) => {
                parts.open(key);
                for (at, (key, value)) in map.iter().enumerate() {
                    let text = default_inner_text(default, at, key, value);
                    parts.leaf(key, texts.get_or(value, text));
                }
                parts.close();
            }
            Item::Base(value) => {
                let text = default.and_then(|default| default.text_of(value));
                parts.leaf(key, texts.get_or(value, text));
            }
            Item::Part(Part::Object(inner)) => {
                let outer = key;
                parts.open(key);
                for (at, (key, item)) in inner.members().into_iter().enumerate() {
                    match item {
                        Item::Base(value) => {
                            let text = default_inner_text(default, at, key, value);
                            parts.leaf(key, texts.get_or(value, text))
                        }
                        Item::Part(part) => {
                            if let Some(slot) = FOLLOWED.iter().position(|p| *p == [outer, key]) {
                                followed[slot] = Some(parts.leaves());
                            }
                            parts.leaf(key, &json(part))
                        }
                    };
                }
                parts.close();
            }
            Item::Part(Part::Value(Value::Object(map))) | Item::Part(&Part::Map(map)) => {
                parts.open(key);
                for (key, value) in map {
                    parts.leaf(key, &json(value));
                }
                parts.close();
            }
            Item::Part(part) => {
                parts.leaf(key, &json(part));
            }
        }
    }
    parts.finish()
}

/// The event of the invocation before, to build the next one of the same
/// run of a flow from: between two invocations only the snapshot's members
/// change, and mostly only the factors, methods and metadata.
/// It keeps no copy of the snapshot it was built for: the transaction
/// keeps every invocation's, and the caller gives the last one back.
pub(crate) struct LastEvent<'a> {
    /// The parts, once the host has given them back
    /// ([`LastEvent::give_back`]).
    parts: Option<EventParts>,
    /// The leaf number of each path of [`FOLLOWED`] in `parts`.
    followed: [Option<usize>; FOLLOWED.len()],
    secrets: &'a BTreeMap<String, String>,
}

/// The same event as [`invocation_event_parts`] gives, built from the last
/// one (`last`) when only leaves changed, and kept in `last` for the next.
/// `before` is the snapshot `last` was built for (the invocation before
/// this one); with none, the event is built afresh.
pub(crate) fn next_event_parts<'a>(
    base: &'a Value,
    seen: &Snapshot,
    before: Option<&Snapshot>,
    secrets: &'a BTreeMap<String, String>,
    texts: &mut LeafTexts<'a>,
    last: &mut Option<LastEvent<'a>>,
) -> EventParts {
    if let (Some(event), Some(before)) = (last.as_mut(), before) {
        if event.follow(seen, before, secrets) {
            if let Some(parts) = event.parts.take() {
                return parts;
            }
        }
    }
    let mut followed = [None; FOLLOWED.len()];
    let parts = event_parts(base, seen, secrets, texts, &mut followed);
    *last = Some(LastEvent {
        parts: None,
        followed,
        secrets,
    });
    parts
}

impl LastEvent<'_> {
    /// The parts [`next_event_parts`] gave, given back unchanged once they
    /// are used (`None` when they are not to be had: the next event is then
    /// built afresh).
    pub(crate) fn give_back(&mut self, parts: Option<EventParts>) {
        self.parts = parts;
    }
}

impl<'a> LastEvent<'a> {
    /// Makes this event, built for the snapshot `last`, the event of `seen`
    /// and `secrets` by replacing the leaves that changed. False when that
    /// is not enough (a member came, went or changed its keys); the parts
    /// are then spoilt, and must be built afresh.
    fn follow(
        &mut self,
        seen: &Snapshot,
        last: &Snapshot,
        secrets: &'a BTreeMap<String, String>,
    ) -> bool {
        // Every member, so a member added to the snapshot is not missed.
        let Snapshot {
            enrolled_factors,
            methods,
            app_metadata,
            user_metadata,
            request,
            session,
            refresh_token,
            transaction_metadata,
            prompt,
        } = seen;
        // Compared as they are written: a member that moved is a change.
        let same = |a: &Arc<Value>, b: &Arc<Value>| Arc::ptr_eq(a, b) || same_in_order(a, b);
        // These are objects cut into their members, or absent: rebuilt whole.
        if !(std::ptr::eq(secrets, self.secrets) || *secrets == *self.secrets)
            || !same(request, &last.request)
            || !same(session, &last.session)
            || !same(refresh_token, &last.refresh_token)
            || match (prompt, &last.prompt) {
                (Some(a), Some(b)) => !same_in_order(a, b),
                (a, b) => a.is_some() != b.is_some(),
            }
        {
            return false;
        }
        let Some(parts) = self.parts.as_mut() else {
            return false;
        };
        // In the order of FOLLOWED.
        let leaves = [
            (
                !same_items_in_order(enrolled_factors, &last.enrolled_factors),
                Part::Values(enrolled_factors),
            ),
            (
                !same_in_order(app_metadata, &last.app_metadata),
                Part::Value(app_metadata),
            ),
            (
                !same_in_order(user_metadata, &last.user_metadata),
                Part::Value(user_metadata),
            ),
            (
                !same_items_in_order(methods, &last.methods),
                Part::Values(methods),
            ),
            (
                !same_members_in_order(transaction_metadata, &last.transaction_metadata),
                Part::Map(transaction_metadata),
            ),
        ];
        for ((changed, part), leaf) in leaves.into_iter().zip(self.followed) {
            if !changed {
                continue;
            }
            match leaf {
                Some(leaf) if parts.replace_leaf(leaf, &json(&part)) => {}
                _ => return false,
            }
        }
        self.secrets = secrets;
        true
    }
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("an event serialises")
}

/// The JSON text of the base event's values, written once for a run of a
/// flow: the base event does not change while the flow runs. Keyed by
/// address, which the borrow of the base event keeps valid.
/// It also keeps the copies of base event members the flow's snapshots
/// start with (kept alive here, so no other value can take their address).
#[derive(Default)]
pub(crate) struct LeafTexts<'a> {
    texts: HashMap<*const Value, String, BuildHasherDefault<AddressHasher>>,
    copies: Vec<(&'static str, Arc<Value>)>,
    base: std::marker::PhantomData<&'a Value>,
}

impl<'a> LeafTexts<'a> {
    fn get(&mut self, value: &'a Value) -> &str {
        self.texts
            .entry(std::ptr::from_ref(value))
            .or_insert_with(|| json(value))
    }

    /// `text` if given (the default event's text of `value`), else
    /// [`LeafTexts::get`].
    fn get_or(&mut self, value: &'a Value, text: Option<&'static str>) -> &str {
        match text {
            Some(text) => text,
            None => self.get(value),
        }
    }

    /// `value` is a copy of the base event's member `key` (or `null` when
    /// the base has none), made for the flow's snapshots.
    pub(crate) fn copied_from_base(&mut self, key: &'static str, value: &Arc<Value>) {
        self.copies.push((key, Arc::clone(value)));
    }

    /// Whether `value` is the copy of the base event's member `key` that
    /// [`LeafTexts::copied_from_base`] was given.
    fn is_copy_of_base(&self, key: &str, value: &Value) -> bool {
        self.copies
            .iter()
            .any(|(copied, copy)| *copied == key && std::ptr::eq(&**copy, value))
    }
}

/// Hashes an address with one multiplication (the addresses of live values
/// are distinct, and a few dozen are kept).
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8 | u64::from(byte)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, address: usize) {
        self.0 = (address as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
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
        // The snapshot's request and session as the base event has them:
        // the parts take the base's (kept) texts for them.
        let unchanged = Snapshot {
            request: default["request"].clone().into(),
            session: with_secrets["session"].clone().into(),
            ..quiet.clone()
        };
        // Near the default: members it has, in another order or with their
        // numbers written another way, must not take the default's texts.
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
            // One cache across the invocations, as in one run of a flow.
            let mut texts = LeafTexts::default();
            for seen in [&quiet, &busy, &unchanged, &quiet] {
                for secrets in [&none, &own] {
                    let merged = invocation_event(base, seen, secrets).to_string();
                    assert_eq!(invocation_event_json(base, seen, secrets), merged);
                    let parts = invocation_event_parts(base, seen, secrets, &mut texts);
                    assert_eq!(parts.text(), merged);
                }
            }
        }
    }

    #[test]
    fn values_are_the_same_in_order_only_when_written_the_same() {
        let same = |a: Value, b: Value| {
            let same = same_in_order(&a, &b);
            assert_eq!(same, json(&a) == json(&b), "{a} {b}");
            same
        };
        assert!(same(
            json!({"a": 1, "b": [1, "x", null]}),
            json!({"a": 1, "b": [1, "x", null]})
        ));
        assert!(!same(json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1})));
        assert!(!same(json!(1), json!(1.0)));
        assert!(!same(json!(0.0), json!(-0.0)));
        assert!(!same(json!(-1), json!(-1.0)));
        assert!(same(json!(2.5), json!(2.5)));
        assert!(!same(json!([1]), json!([1, 1])));
        assert!(!same(json!({"a": {"b": 1}}), json!({"a": {"b": 2}})));
    }

    #[test]
    fn flows_that_start_with_the_default_request_share_one_copy() {
        let default = base_event("acme", None, 0).unwrap();
        let one = shared_default_member("request", &default["request"]).unwrap();
        let two = shared_default_member("request", &default["request"]).unwrap();
        assert!(Arc::ptr_eq(&one, &two));
        assert_eq!(*one, default["request"]);
        assert!(shared_default_member("session", &default["session"]).is_some());
        let mut other = default["request"].clone();
        other["ip"] = json!("9.9.9.9");
        assert!(shared_default_member("request", &other).is_none());
        assert!(shared_default_member("session", &default["request"]).is_none());
        assert!(shared_default_member("user", &default["user"]).is_none());
    }

    #[test]
    fn the_copies_a_flow_starts_with_stand_for_the_base_members_they_copy() {
        let base = base_event("acme", None, 0).unwrap();
        assert!(base.get("session").is_some_and(Value::is_object));
        let request = Arc::new(base["request"].clone());
        let session = Arc::new(base["session"].clone());
        let mut texts = LeafTexts::default();
        texts.copied_from_base("request", &request);
        texts.copied_from_base("session", &session);
        let start = Snapshot {
            enrolled_factors: vec![json!({"type": "otp"})].into(),
            methods: vec![json!({"name": "pwd"})].into(),
            app_metadata: json!({}),
            user_metadata: json!({}),
            request: Arc::clone(&request),
            session: Arc::clone(&session),
            refresh_token: Value::Null.into(),
            transaction_metadata: Map::new(),
            prompt: None,
        };
        // The copies; another request (a `/continue` one); and each copy
        // under the other's key, which must not pass for that member.
        let moved = Snapshot {
            request: Arc::new(json!({"ip": "9.9.9.9", "query": {"state": "s"}})),
            ..start.clone()
        };
        let swapped = Snapshot {
            request: Arc::clone(&session),
            session: Arc::clone(&request),
            ..start.clone()
        };
        let none = BTreeMap::new();
        for seen in [&start, &moved, &swapped, &start] {
            let merged = invocation_event(&base, seen, &none).to_string();
            let parts = invocation_event_parts(&base, seen, &none, &mut texts);
            assert_eq!(parts.text(), merged);
        }
        assert!(texts.is_copy_of_base("request", &request));
        assert!(!texts.is_copy_of_base("session", &request));
        assert!(!texts.is_copy_of_base("request", &moved.request));
    }

    /// [`next_event_parts`] with the parts given back as the host gives
    /// them; the event's text.
    fn next_text<'a>(
        base: &'a Value,
        seen: &Snapshot,
        before: Option<&Snapshot>,
        secrets: &'a BTreeMap<String, String>,
        texts: &mut LeafTexts<'a>,
        last: &mut Option<LastEvent<'a>>,
    ) -> String {
        let parts = next_event_parts(base, seen, before, secrets, texts, last);
        let text = parts.text();
        last.as_mut()
            .expect("made or followed")
            .give_back(Some(parts));
        text
    }

    #[test]
    fn each_event_built_from_the_last_is_the_merged_event() {
        let default = base_event("acme", None, 0).unwrap();
        let mut sparse = default.clone();
        for key in ["transaction", "session"] {
            sparse.as_object_mut().unwrap().remove(key);
        }
        let first = Snapshot {
            enrolled_factors: vec![json!({"type": "otp"})].into(),
            methods: vec![json!({"name": "pwd"})].into(),
            app_metadata: json!({}),
            user_metadata: json!({}),
            request: default["request"].clone().into(),
            session: Value::Null.into(),
            refresh_token: Value::Null.into(),
            transaction_metadata: Map::new(),
            prompt: None,
        };
        // Each changes one leaf of the one before (longer or shorter).
        let mut leaves = vec![first.clone()];
        let mut next = |change: &dyn Fn(&mut Snapshot)| {
            let mut seen = leaves.last().unwrap().clone();
            change(&mut seen);
            leaves.push(seen);
        };
        next(&|s| Arc::make_mut(&mut s.enrolled_factors).push(json!({"type": "webauthn-roaming"})));
        next(&|s| Arc::make_mut(&mut s.methods).push(json!({"name": "mfa", "type": "otp"})));
        next(&|s| s.app_metadata = json!({"last": "\"é\""}));
        next(&|s| s.user_metadata = Value::Null);
        next(&|s| {
            s.transaction_metadata.insert("k".to_owned(), json!(1));
        });
        next(&|s| {
            Arc::make_mut(&mut s.enrolled_factors).clear();
            Arc::make_mut(&mut s.methods).pop();
        });
        // The same members in another order are another text.
        next(&|s| s.app_metadata = json!({"a": 1, "b": [1, 2]}));
        next(&|s| s.app_metadata = json!({"b": [1, 2], "a": 1}));
        next(&|s| {
            s.transaction_metadata.insert("j".to_owned(), json!(2));
        });
        next(&|s| {
            let members = std::mem::take(&mut s.transaction_metadata);
            s.transaction_metadata = members.into_iter().rev().collect();
        });
        // Each changes a member that is cut into its members, comes or goes.
        let rebuilt: Vec<Snapshot> = vec![
            Snapshot {
                request: json!({"query": {"state": "abc"}}).into(),
                ..first.clone()
            },
            Snapshot {
                session: json!({"id": "s1"}).into(),
                ..first.clone()
            },
            Snapshot {
                refresh_token: json!({"id": "r1"}).into(),
                ..first.clone()
            },
            Snapshot {
                prompt: Some(json!({"fields": {}})),
                ..first.clone()
            },
        ];
        let none = BTreeMap::new();
        let own: BTreeMap<String, String> = [("A".to_owned(), "own".to_owned())].into();
        let own_too = own.clone();
        let none_too = none.clone();
        for base in [&default, &sparse] {
            let merged =
                |seen: &Snapshot, secrets| invocation_event(base, seen, secrets).to_string();
            let mut texts = LeafTexts::default();
            let mut last = None;
            next_text(base, &first, None, &none, &mut texts, &mut last);
            let mut before = &first;
            for seen in &leaves[1..] {
                let event = last.as_mut().unwrap();
                // Without a transaction, its metadata is no leaf to change.
                let lacks_leaf = !base.as_object().unwrap().contains_key("transaction")
                    && json(&seen.transaction_metadata) != json(&before.transaction_metadata);
                assert_eq!(event.follow(seen, before, &none), !lacks_leaf);
                if lacks_leaf {
                    last = None;
                    next_text(base, seen, Some(before), &none, &mut texts, &mut last);
                } else {
                    assert_eq!(event.parts.as_ref().unwrap().text(), merged(seen, &none));
                }
                before = seen;
            }
            // Equal secrets of another Action follow; other secrets do not.
            let event = last.as_mut().unwrap();
            let end = before;
            assert!(event.follow(end, end, &none_too));
            assert!(!event.follow(end, end, &own));
            next_text(base, end, None, &own, &mut texts, &mut last);
            assert!(last.as_mut().unwrap().follow(end, end, &own_too));
            let mut before = end;
            for seen in &rebuilt {
                let event = last.as_mut().unwrap();
                assert!(!event.follow(seen, before, &own));
                let text = next_text(base, seen, Some(before), &own, &mut texts, &mut last);
                assert_eq!(text, merged(seen, &own));
                before = seen;
            }
            // And whatever comes, each event is the merged one, whether
            // the parts come back or not.
            let mut last = None;
            let mut before = None;
            for (i, seen) in leaves
                .iter()
                .chain(&rebuilt)
                .chain(leaves.iter().rev())
                .enumerate()
            {
                for secrets in [&none, &own] {
                    let parts =
                        next_event_parts(base, seen, before, secrets, &mut texts, &mut last);
                    assert_eq!(parts.text(), merged(seen, secrets));
                    let back = (i % 3 != 2).then_some(parts);
                    last.as_mut().unwrap().give_back(back);
                    before = Some(seen);
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
