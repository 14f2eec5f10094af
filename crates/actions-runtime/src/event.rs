//! The event a handler receives, as the host is given it: JSON text, or
//! [`EventParts`]. The glue reads it as `JSON.parse` of its text
//! (`op_host_event`), so each handler gets exactly what `JSON.parse` gives,
//! as a fresh object graph. This module does not parse or check the text:
//! text that is not JSON reaches `JSON.parse` as it is, to report.
//!
//! The flow runner builds each event from parts anyway (the default event,
//! the flow's event, the invocation's snapshot), and from one handler to the
//! next only a few of them change: the factors and methods after a prompt,
//! the metadata. [`EventParts`] keeps the event as a skeleton (its keys and
//! brackets) and the JSON text of each leaf, so the runner replaces the
//! leaves that changed ([`EventParts::replace_leaf`]) instead of serialising
//! the whole event again, and the text is written once, when the handler
//! takes it. The host then gives the parts back for the next event
//! ([`crate::Host::take_event_parts`]).

/// How deep parts go: the event's members, and theirs.
const MAX_DEPTH: usize = 2;

/// The running handler's event, as the host was given it.
#[derive(Debug)]
pub(crate) enum Event {
    Json(String),
    Parts(EventParts),
}

impl Default for Event {
    fn default() -> Self {
        Event::Json(String::new())
    }
}

/// An event given as its parts instead of its text. Built member by member,
/// in order: [`EventParts::leaf`] for a member given as its JSON text, and
/// [`EventParts::open`] and [`EventParts::close`] around the members of an
/// event member that is an object. The event stands for the text the parts
/// make up, [`EventParts::text`], and each handler gets what `JSON.parse`
/// of that text gives.
#[derive(Debug, Clone)]
pub struct EventParts {
    /// The event's text without its leaves.
    skeleton: String,
    /// Where each leaf goes in `skeleton`.
    holes: Vec<u32>,
    /// The leaves' JSON texts, one after another; `ends[i]` ends leaf `i`.
    leaf_text: String,
    ends: Vec<u32>,
    /// The keys down to each leaf, for [`EventParts::replace`].
    paths: Vec<Path>,
    /// The objects open: where each one's key is in the skeleton (none for
    /// the event itself), and where its members' keys are.
    open: Vec<Frame>,
    /// False once an object has a key twice: a path may then name either
    /// leaf, so none is replaced.
    unique_keys: bool,
}

/// The keys down to a leaf, as ranges of the skeleton.
#[derive(Debug, Clone, Copy, Default)]
struct Path {
    len: u8,
    keys: [(u32, u32); MAX_DEPTH],
}

#[derive(Debug, Clone, Default)]
struct Frame {
    key: (u32, u32),
    keys: Vec<(u32, u32)>,
}

impl Default for EventParts {
    fn default() -> Self {
        EventParts::new()
    }
}

impl EventParts {
    /// An event with no members yet.
    pub fn new() -> EventParts {
        // Room for an event like Auth0's: it saves growing each buffer
        // several times over while the members are added.
        let mut skeleton = String::with_capacity(2048);
        skeleton.push('{');
        EventParts {
            skeleton,
            holes: Vec::with_capacity(128),
            leaf_text: String::with_capacity(4096),
            ends: Vec::with_capacity(128),
            paths: Vec::with_capacity(128),
            open: vec![Frame::default()],
            unique_keys: true,
        }
    }

    /// The event `event`: its members, with those that are objects opened.
    pub fn from_object(event: &serde_json::Map<String, serde_json::Value>) -> EventParts {
        let mut parts = EventParts::new();
        for (key, value) in event {
            match value {
                serde_json::Value::Object(members) => {
                    parts.open(key);
                    for (key, value) in members {
                        parts.leaf(key, &value.to_string());
                    }
                    parts.close();
                }
                value => {
                    parts.leaf(key, &value.to_string());
                }
            }
        }
        parts.finish()
    }

    /// A member given as its JSON text.
    pub fn leaf(&mut self, key: &str, json: &str) -> &mut Self {
        let key = self.key(key);
        let mut path = Path {
            len: 1,
            keys: [key; MAX_DEPTH],
        };
        // At most two keys deep (`open` checks it).
        if let Some(outer) = self.open.get(1) {
            path.len = 2;
            path.keys[0] = outer.key;
        }
        self.paths.push(path);
        self.holes.push(self.skeleton.len() as u32);
        self.leaf_text.push_str(json);
        self.ends.push(self.leaf_text.len() as u32);
        self
    }

    /// A member that is an object, whose members follow until
    /// [`EventParts::close`]. Only the event's own members can be opened.
    ///
    /// # Panics
    /// Inside an object already opened.
    pub fn open(&mut self, key: &str) -> &mut Self {
        assert!(
            self.open.len() < MAX_DEPTH,
            "only the event's own members can be opened"
        );
        let key = self.key(key);
        self.skeleton.push('{');
        self.open.push(Frame {
            key,
            keys: Vec::with_capacity(16),
        });
        self
    }

    /// Ends the object [`EventParts::open`] began.
    ///
    /// # Panics
    /// When no object is open.
    pub fn close(&mut self) -> &mut Self {
        assert!(self.open.len() > 1, "no object is open");
        self.end_object();
        self
    }

    /// The event is complete (any object still open is closed).
    pub fn finish(mut self) -> EventParts {
        while !self.open.is_empty() {
            self.end_object();
        }
        self
    }

    /// The event's text: the skeleton with each leaf in its place, and any
    /// object still open closed, as [`EventParts::finish`] would.
    pub fn text(&self) -> String {
        let mut text =
            String::with_capacity(self.skeleton.len() + self.leaf_text.len() + self.open.len());
        let mut from = 0;
        for (i, &hole) in self.holes.iter().enumerate() {
            text.push_str(&self.skeleton[from..hole as usize]);
            text.push_str(self.leaf_at(i));
            from = hole as usize;
        }
        text.push_str(&self.skeleton[from..]);
        text.extend(std::iter::repeat_n('}', self.open.len()));
        text
    }

    /// Gives the leaf at `path` (its keys, from the event down) `json` as its
    /// text, for a host that builds an event from the one before it. Answers
    /// false, changing nothing, when no leaf has that path or a key is
    /// written twice in one object (then which leaf the path names is not
    /// clear): build the event afresh instead.
    pub fn replace(&mut self, path: &[&str], json: &str) -> bool {
        if !self.unique_keys {
            return false;
        }
        let skeleton = &self.skeleton;
        let Some(i) = self.paths.iter().position(|leaf| {
            usize::from(leaf.len) == path.len()
                && leaf.keys[..path.len()]
                    .iter()
                    .zip(path)
                    .all(|(&(start, end), key)| {
                        written_key_is(&skeleton[start as usize..end as usize], key)
                    })
        }) else {
            return false;
        };
        self.replace_leaf(i, json)
    }

    /// How many leaves the event has so far: the next [`EventParts::leaf`]
    /// is leaf number `leaves()`, for [`EventParts::replace_leaf`].
    pub fn leaves(&self) -> usize {
        self.ends.len()
    }

    /// Gives leaf number `i` (in the order the leaves were given) `json` as
    /// its text, as [`EventParts::replace`] does for a path. False, changing
    /// nothing, when there is no such leaf or a key is written twice in one
    /// object.
    pub fn replace_leaf(&mut self, i: usize, json: &str) -> bool {
        if !self.unique_keys || i >= self.ends.len() {
            return false;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.leaf_text.replace_range(start..end, json);
        let moved = json.len() as i64 - (end - start) as i64;
        for end in &mut self.ends[i..] {
            *end = (i64::from(*end) + moved) as u32;
        }
        true
    }

    /// The JSON text of leaf number `i`.
    fn leaf_at(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.leaf_text[start..self.ends[i] as usize]
    }

    fn end_object(&mut self) {
        self.skeleton.push('}');
        self.open.pop();
    }

    /// Writes `key` and its colon; returns where the key is.
    fn key(&mut self, key: &str) -> (u32, u32) {
        let skeleton = &mut self.skeleton;
        let frame = self.open.last_mut().expect("the event is not finished");
        if !frame.keys.is_empty() {
            skeleton.push(',');
        }
        let start = skeleton.len();
        if key.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            skeleton.push('"');
            skeleton.push_str(key);
            skeleton.push('"');
        } else {
            skeleton.push_str(&serde_json::to_string(key).expect("a string serialises"));
        }
        let end = skeleton.len();
        // As bytes, lengths first: most keys differ in length, and no slice
        // of the skeleton's text needs its ends checked.
        let bytes = skeleton.as_bytes();
        let written = &bytes[start..end];
        if frame.keys.iter().any(|&(s, e)| {
            (e - s) as usize == written.len() && &bytes[s as usize..e as usize] == written
        }) {
            self.unique_keys = false;
        }
        skeleton.push(':');
        let key = (start as u32, end as u32);
        frame.keys.push(key);
        key
    }
}

/// Whether `written` (a key as [`EventParts::key`] wrote it, quotes and
/// escapes included) is `key`.
fn written_key_is(written: &str, key: &str) -> bool {
    match written.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
        Some(plain) if !plain.contains('\\') => plain == key,
        _ => serde_json::from_str::<String>(written).is_ok_and(|k| k == key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn event(user_id: &str, factors: Value) -> String {
        json!({
            "tenant": { "id": "local" },
            "request": {
                "ip": "13.33.86.47",
                "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
                "geoip": { "cityName": "Bellevue", "countryCode": "US", "latitude": 47.61, "longitude": -122.2 },
                "query": { "a": "b" }
            },
            "user": {
                "user_id": user_id,
                "email": "jane@example.com",
                "enrolledFactors": factors,
                "identities": [{ "connection": "Username-Password-Authentication", "user_id": user_id }],
                "app_metadata": { "roles": ["admin"], "nested": { "deep": [1, 2, { "x": null }] } }
            },
            "secrets": {}
        })
        .to_string()
    }

    /// What `JSON.stringify(JSON.parse(text))` writes.
    fn parsed(text: &str) -> String {
        serde_json::from_str::<Value>(text).unwrap().to_string()
    }

    fn parts_of(text: &str) -> EventParts {
        let value: Value = serde_json::from_str(text).unwrap();
        EventParts::from_object(value.as_object().unwrap())
    }

    #[test]
    fn parts_make_the_text_of_the_event_they_were_made_from() {
        for (i, text) in [
            event("auth0|1", json!([])),
            event("auth0|1", json!([{ "type": "otp" }])),
            r#"{"a\"b":{"c\\d":1,"0":"zero"},"__proto__":{"x":1},"é":[1]}"#.to_owned(),
            "{}".to_owned(),
            r#"{"empty":{},"last":{"x":[]}}"#.to_owned(),
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(parts_of(text).text(), parsed(text), "event {i}");
        }
    }

    #[test]
    fn parts_with_a_key_twice_or_a_leaf_that_is_not_json_make_the_text_as_given() {
        let mut twice = EventParts::new();
        twice
            .leaf("a", "1")
            .open("b")
            .leaf("c", "2")
            .leaf("c", "3")
            .close();
        assert_eq!(twice.finish().text(), r#"{"a":1,"b":{"c":2,"c":3}}"#);
        // The text of parts not yet finished closes what is open.
        let mut open = EventParts::new();
        open.leaf("a", "1").open("b").leaf("c", "2");
        assert_eq!(open.text(), r#"{"a":1,"b":{"c":2}}"#);
        // A leaf is not checked: `JSON.parse` reads the text as it is, and
        // reports what is not JSON.
        let mut smuggled = EventParts::new();
        smuggled.leaf("a", r#"1,"b":2"#);
        assert_eq!(smuggled.finish().text(), r#"{"a":1,"b":2}"#);
        let mut broken = EventParts::new();
        broken.leaf("a", "[1");
        assert_eq!(broken.finish().text(), r#"{"a":[1}"#);
    }

    #[test]
    fn a_replaced_leaf_makes_the_parts_of_the_event_with_that_leaf() {
        let before = event("auth0|1", json!([]));
        let mut parts = parts_of(&before);
        // Longer, shorter, at either depth, and under keys with escapes.
        for (path, leaf) in [
            (
                &["user", "enrolledFactors"][..],
                r#"[{"type":"otp"},{"type":"sms"}]"#,
            ),
            (&["user", "enrolledFactors"], "[]"),
            (&["tenant", "id"], r#""another tenant""#),
            (&["request", "geoip"], "null"),
        ] {
            let mut expected: Value = serde_json::from_str(&parts.text()).unwrap();
            let slot = path.iter().fold(&mut expected, |v, key| &mut v[*key]);
            *slot = serde_json::from_str(leaf).unwrap();
            assert!(parts.replace(path, leaf), "{path:?}");
            assert_eq!(parts.text(), expected.to_string(), "{path:?}");
            assert_eq!(parts_of(&parts.text()).text(), parts.text());
        }
        let escaped = r#"{"a\"b":{"c\\d":1},"é":[1]}"#;
        let mut parts = parts_of(escaped);
        assert!(parts.replace(&["a\"b", "c\\d"], "2"));
        assert!(parts.replace(&["é"], "[2]"));
        assert_eq!(parts.text(), r#"{"a\"b":{"c\\d":2},"é":[2]}"#);
        // No such leaf (an object is not a leaf), or a key twice: nothing
        // changes.
        let text = parts.text();
        assert!(!parts.replace(&["a\"b"], "1"));
        assert!(!parts_of(&before).replace(&["secrets"], "{}"));
        assert!(!parts.replace(&["a\"b", "x"], "1"));
        assert!(!parts.replace(&["c\\d"], "1"));
        assert!(!parts.replace(&[], "1"));
        assert_eq!(parts.text(), text);
        let mut twice = EventParts::new();
        twice.leaf("a", "1").leaf("a", "2");
        assert!(!twice.replace(&["a"], "3"));
        assert!(!twice.replace_leaf(1, "3"));
        assert_eq!(twice.finish().text(), r#"{"a":1,"a":2}"#);
    }

    #[test]
    fn a_leaf_replaced_by_number_is_the_leaf_replaced_by_path() {
        let mut parts = EventParts::new();
        parts.leaf("a", "1").open("b");
        let c = parts.leaves();
        parts
            .leaf("c", r#""x""#)
            .leaf("d", "[]")
            .close()
            .leaf("e", "null");
        let mut parts = parts.finish();
        assert_eq!(parts.leaves(), 4);
        let mut by_path = parts.clone();
        assert!(parts.replace_leaf(c, r#"{"long":"er"}"#));
        assert!(by_path.replace(&["b", "c"], r#"{"long":"er"}"#));
        assert_eq!(parts.text(), by_path.text());
        assert!(parts.replace_leaf(0, "22"));
        assert!(parts.replace_leaf(3, "0"));
        assert_eq!(
            parts.text(),
            r#"{"a":22,"b":{"c":{"long":"er"},"d":[]},"e":0}"#
        );
        assert!(!parts.replace_leaf(4, "1"));
        assert_eq!(
            parts.text(),
            r#"{"a":22,"b":{"c":{"long":"er"},"d":[]},"e":0}"#
        );
    }

    #[test]
    #[should_panic(expected = "only the event's own members can be opened")]
    fn parts_open_one_level_down_only() {
        EventParts::new().open("a").open("b");
    }
}
