//! The event a handler receives, sent as a plan the glue builds it from.
//!
//! Parsing each handler's event from its JSON text was the largest single
//! cost of a flow, and the events of one flow, or of a suite of similar
//! flows, differ in a few places: the factors and methods after a prompt,
//! the metadata, the user's id. So the glue keeps a parsed template of the
//! events it has seen (`js-runtime/99_main.js`), and the host sends only
//! where the new event differs from one. The glue puts the new values into
//! the template and gives the handler a deep copy of it, made by the engine
//! without parsing anything (`__v8x_actions_clone_json`,
//! `third_party/README.md` change 10). The handler's event is exactly what
//! `JSON.parse` of the text gives, as a fresh object graph.
//!
//! The host cuts the event into leaves: the values of its members, with the
//! objects among them cut into their members in turn. Two events with the
//! same keys at the same places share a skeleton (the text with every leaf
//! written `0`); a template stands for a skeleton and holds the leaves it
//! was last sent. The host reads the text with a strict scanner of its own
//! (it finds where values begin and end, and builds nothing), so text that
//! is not JSON is handed to `JSON.parse` as it is, to report.
//!
//! A plan is one JSON array, `[token, reset, id, kind, ...]`:
//! - `reset` is 1 when the glue must drop its templates first;
//! - `id` is the template the plan is about, or -1 for none;
//! - `kind` -1: the rest is the whole event; the glue keeps a copy of it as
//!   template `id` (if not -1);
//! - `kind` 0: the rest are the leaves that changed, `n, k1, ..., kn,
//!   value` each: the glue sets each in template `id`, then copies it.
//!
//! The glue hands back the token of the last plan it finished with every
//! request. A plan it did not finish (the handler's budget ran out while it
//! built the event) therefore cannot leave the two sides disagreeing about a
//! template: the host sees a stale token and starts over.

use std::fmt::Write as _;

/// How deep cutting goes: the event's members, and theirs.
const SPLIT_DEPTH: usize = 2;
/// Larger events get no template: each would hold this much of the heap.
const MAX_EVENT_LEN: usize = 64 * 1024;
/// How many templates the glue keeps at most.
const MAX_TEMPLATES: usize = 4;
/// Tokens count up to this and wrap to 1; 0 is the glue's "none yet".
const TOKEN_WRAP: i32 = 1 << 30;

/// The host's side of the templates.
#[derive(Debug, Default)]
pub(crate) struct EventTemplates {
    templates: Vec<Template>,
    /// The token of the last plan sent.
    token: i32,
    clock: u64,
}

#[derive(Debug)]
struct Template {
    skeleton: String,
    leaves: Vec<String>,
    used: u64,
}

impl EventTemplates {
    /// The plan for `event`, given the token of the last plan the glue
    /// finished. Text that is not valid JSON comes back as it is, so the
    /// glue's `JSON.parse` reports it exactly as before.
    pub(crate) fn plan(&mut self, event: &str, finished: i32) -> String {
        let reset = finished != self.token;
        if reset {
            self.templates.clear();
        }
        self.token = if self.token + 1 >= TOKEN_WRAP {
            1
        } else {
            self.token + 1
        };
        self.clock += 1;
        let head = |id: i64, kind: i32| format!("[{},{},{id},{kind}", self.token, u8::from(reset));
        let tree = match split(event) {
            Err(()) => return event.to_owned(),
            Ok(Some(tree)) if event.len() <= MAX_EVENT_LEN => tree,
            Ok(_) => {
                let mut plan = head(-1, -1);
                plan.push(',');
                plan.push_str(event);
                plan.push(']');
                return plan;
            }
        };
        let mut skeleton = String::with_capacity(event.len() / 2);
        let mut leaves = Vec::with_capacity(64);
        flatten(&tree, &mut skeleton, &mut leaves);
        let found = self
            .templates
            .iter()
            .position(|t| t.skeleton == skeleton && t.leaves.len() == leaves.len());
        let Some(id) = found else {
            let template = Template {
                skeleton,
                leaves: leaves.iter().map(|leaf| (*leaf).to_owned()).collect(),
                used: self.clock,
            };
            let id = if self.templates.len() < MAX_TEMPLATES {
                self.templates.push(template);
                self.templates.len() - 1
            } else {
                let oldest = (0..self.templates.len())
                    .min_by_key(|&i| self.templates[i].used)
                    .expect("there are templates");
                self.templates[oldest] = template;
                oldest
            };
            let mut plan = head(id as i64, -1);
            plan.push(',');
            plan.push_str(event);
            plan.push(']');
            return plan;
        };
        let template = &mut self.templates[id];
        template.used = self.clock;
        let mut plan = head(id as i64, 0);
        let mut changed = Vec::new();
        for (i, (old, new)) in template.leaves.iter_mut().zip(&leaves).enumerate() {
            if old != new {
                old.clear();
                old.push_str(new);
                changed.push(i);
            }
        }
        if !changed.is_empty() {
            let mut path = Vec::new();
            let mut next = 0;
            write_changed(&tree, &mut path, &mut next, &changed, &mut plan);
        }
        plan.push(']');
        plan
    }
}

/// Writes the skeleton of `tree` and collects its leaves in order.
fn flatten<'a>(tree: &[Member<'a>], skeleton: &mut String, leaves: &mut Vec<&'a str>) {
    skeleton.push('{');
    for (i, member) in tree.iter().enumerate() {
        if i > 0 {
            skeleton.push(',');
        }
        skeleton.push_str(member.key);
        skeleton.push(':');
        match &member.children {
            Some(children) => flatten(children, skeleton, leaves),
            None => {
                skeleton.push('0');
                leaves.push(member.text);
            }
        }
    }
    skeleton.push('}');
}

/// Writes `,n,"k1",...,"kn",value` for each leaf whose index (in `flatten`
/// order) is in `changed`; `next` counts the leaves passed.
fn write_changed<'m>(
    tree: &'m [Member<'m>],
    path: &mut Vec<&'m str>,
    next: &mut usize,
    changed: &[usize],
    plan: &mut String,
) {
    for member in tree {
        path.push(member.key);
        match &member.children {
            Some(children) => write_changed(children, path, next, changed, plan),
            None => {
                if changed.binary_search(next).is_ok() {
                    let _ = write!(plan, ",{}", path.len());
                    for key in path.iter() {
                        plan.push(',');
                        plan.push_str(key);
                    }
                    plan.push(',');
                    plan.push_str(member.text);
                }
                *next += 1;
            }
        }
        path.pop();
    }
}

struct Member<'a> {
    /// The key as written, quotes and escapes included.
    key: &'a str,
    text: &'a str,
    /// The members of an object near the top, cut in turn.
    children: Option<Vec<Member<'a>>>,
}

/// The members of `event` if it is a JSON object, with the objects among
/// them cut in turn down to `SPLIT_DEPTH`. `Ok(None)` for valid JSON that is
/// not an object, or an object with a key twice (the last value wins in
/// `JSON.parse`, so a path would be ambiguous). `Err` for text that is not
/// JSON, by the grammar `JSON.parse` follows.
fn split(event: &str) -> Result<Option<Vec<Member<'_>>>, ()> {
    let mut scanner = Scanner {
        text: event,
        at: 0,
        open: Vec::new(),
    };
    scanner.space();
    let members = if scanner.peek() == Some(b'{') {
        scanner.members(0)?
    } else {
        scanner.value()?;
        None
    };
    scanner.space();
    if scanner.at != event.len() {
        return Err(());
    }
    Ok(members)
}

/// A strict JSON scanner that finds where values begin and end, without
/// building them. No recursion deeper than `SPLIT_DEPTH`: nesting within a
/// value is counted on `open`, so no text can overflow the stack.
struct Scanner<'a> {
    text: &'a str,
    at: usize,
    /// The brackets open in the value being skipped: true for `{`.
    open: Vec<bool>,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ()> {
        self.space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    /// The object at `at` (just before its `{`), as members, or `None` if a
    /// key repeats.
    fn members(&mut self, depth: usize) -> Result<Option<Vec<Member<'a>>>, ()> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Some(members));
        }
        loop {
            self.space();
            let key = self.string()?;
            self.expect(b':')?;
            self.space();
            let start = self.at;
            let children = if depth + 1 < SPLIT_DEPTH && self.peek() == Some(b'{') {
                self.members(depth + 1)?
            } else {
                self.value()?;
                None
            };
            members.push(Member {
                key,
                text: &self.text[start..self.at],
                children,
            });
            self.space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    break;
                }
                _ => return Err(()),
            }
        }
        Ok(if has_repeated_key(&members) {
            None
        } else {
            Some(members)
        })
    }

    /// Skips one value, whatever its nesting.
    fn value(&mut self) -> Result<(), ()> {
        self.open.clear();
        loop {
            // A value is expected here.
            self.space();
            match self.peek().ok_or(())? {
                open @ (b'{' | b'[') => {
                    self.at += 1;
                    self.space();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.at += 1;
                    } else {
                        self.open.push(open == b'{');
                        if open == b'{' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal("true")?,
                b'f' => self.literal("false")?,
                b'n' => self.literal("null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return Err(()),
            }
            // A value ended: close what it ends, or go on to the next.
            loop {
                let Some(&in_object) = self.open.last() else {
                    return Ok(());
                };
                self.space();
                match (self.peek(), in_object) {
                    (Some(b','), true) => {
                        self.at += 1;
                        self.key()?;
                        break;
                    }
                    (Some(b','), false) => {
                        self.at += 1;
                        break;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => {
                        self.at += 1;
                        self.open.pop();
                    }
                    _ => return Err(()),
                }
            }
        }
    }

    /// A key and its colon, inside a value being skipped.
    fn key(&mut self) -> Result<(), ()> {
        self.space();
        self.string()?;
        self.expect(b':')
    }

    /// The string at `at`, quotes included.
    fn string(&mut self) -> Result<&'a str, ()> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        if bytes.get(start) != Some(&b'"') {
            return Err(());
        }
        let mut at = start + 1;
        loop {
            match *bytes.get(at).ok_or(())? {
                b'"' => break,
                b'\\' => {
                    at += 1;
                    match *bytes.get(at).ok_or(())? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 1,
                        b'u' => {
                            let hex = bytes.get(at + 1..at + 5).ok_or(())?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return Err(());
                            }
                            at += 5;
                        }
                        _ => return Err(()),
                    }
                }
                0..=0x1f => return Err(()),
                _ => at += 1,
            }
        }
        self.at = at + 1;
        Ok(&self.text[start..self.at])
    }

    fn literal(&mut self, word: &str) -> Result<(), ()> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(())
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<(), ()> {
        let bytes = self.text.as_bytes();
        let digits = |at: &mut usize| {
            let start = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            if *at > start {
                Ok(())
            } else {
                Err(())
            }
        };
        let mut at = self.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        if bytes.get(at) == Some(&b'0') {
            at += 1;
        } else {
            digits(&mut at)?;
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            digits(&mut at)?;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            digits(&mut at)?;
        }
        self.at = at;
        Ok(())
    }
}

/// Whether two members name the same key (compared as the strings the keys
/// stand for, so `"a"` and `"\u0061"` are the same).
fn has_repeated_key(members: &[Member<'_>]) -> bool {
    let escaped = members.iter().any(|member| member.key.contains('\\'));
    if !escaped {
        return members
            .iter()
            .enumerate()
            .any(|(i, member)| members[..i].iter().any(|other| other.key == member.key));
    }
    let keys: Vec<Option<String>> = members
        .iter()
        .map(|member| serde_json::from_str(member.key).ok())
        .collect();
    // A key serde cannot decode (a lone surrogate) is compared as written.
    keys.iter().enumerate().any(|(i, key)| {
        keys[..i]
            .iter()
            .enumerate()
            .any(|(j, other)| match (key, other) {
                (Some(key), Some(other)) => key == other,
                _ => members[i].key == members[j].key,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// The glue's side (`hostEvent` in js-runtime/99_main.js), in Rust: the
    /// oracle the plans are checked against. The glue's templates, and the
    /// token of the last plan it finished.
    #[derive(Default)]
    struct Glue {
        templates: std::collections::HashMap<i64, Value>,
        finished: i32,
    }

    impl Glue {
        /// Asks `host` for `event`'s plan and builds the event from it, as
        /// the glue does. The text is what `JSON.stringify` would write.
        fn event(&mut self, host: &mut EventTemplates, event: &str) -> String {
            let plan: Value = serde_json::from_str(&host.plan(event, self.finished)).unwrap();
            let plan = plan.as_array().unwrap();
            if plan[1] == 1 {
                self.templates.clear();
            }
            let id = plan[2].as_i64().unwrap();
            let built = if plan[3] == -1 {
                assert_eq!(plan.len(), 5);
                if id != -1 {
                    self.templates.insert(id, plan[4].clone());
                }
                plan[4].clone()
            } else {
                let template = self
                    .templates
                    .get_mut(&id)
                    .expect("a template the glue holds");
                let mut i = 4;
                while i < plan.len() {
                    let n = plan[i].as_u64().unwrap() as usize;
                    let mut target = &mut *template;
                    for key in &plan[i + 1..i + n] {
                        target = target.get_mut(key.as_str().unwrap()).unwrap();
                    }
                    let last = plan[i + n].as_str().unwrap();
                    *target.get_mut(last).expect("the leaf is there") = plan[i + n + 1].clone();
                    i += n + 2;
                }
                template.clone()
            };
            self.finished = plan[0].as_i64().unwrap() as i32;
            built.to_string()
        }
    }

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

    fn parsed(text: &str) -> String {
        serde_json::from_str::<Value>(text).unwrap().to_string()
    }

    #[test]
    fn every_event_is_built_as_json_parse_would_give_it() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let events = [
            event("auth0|1", json!([])),
            event("auth0|1", json!([{ "type": "otp" }])),
            event("auth0|1", json!([{ "type": "otp" }])),
            event("auth0|2", json!([{ "type": "otp" }, { "type": "webauthn-roaming" }])),
            // A key more: another skeleton, then back to the first.
            event("auth0|3", json!([])).replacen("\"secrets\":{}", "\"secrets\":{},\"extra\":1", 1),
            event("auth0|4", json!([])),
            // Keys with escapes, and one that is `__proto__`.
            r#"{"a\"b":{"c\\d":1},"__proto__":{"x":"a long enough string to be a leaf of its own"},"é":[1]}"#.to_owned(),
            r#"{"a\"b":{"c\\d":2},"__proto__":{"x":"a long enough string to be a leaf of its own"},"é":[1]}"#.to_owned(),
        ];
        for (i, text) in events.iter().enumerate() {
            assert_eq!(glue.event(&mut host, text), parsed(text), "event {i}");
        }
        // The second event differs from the first in one leaf: the plan
        // carries that leaf, not the event.
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        glue.event(&mut host, &events[0]);
        let plan = host.plan(&events[1], glue.finished);
        assert_eq!(
            plan,
            "[2,0,0,0,2,\"user\",\"enrolledFactors\",[{\"type\":\"otp\"}]]"
        );
        assert!(!plan.contains("Bellevue"), "{plan}");
    }

    #[test]
    fn a_plan_the_glue_did_not_finish_makes_the_host_start_over() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        glue.event(&mut host, &event("auth0|1", json!([])));
        // The glue asked for a plan and was stopped before it finished: the
        // host has moved its template on, the glue has not.
        let _ = host.plan(&event("auth0|2", json!([])), glue.finished);
        let text = event("auth0|3", json!([]));
        let plan = host.plan(&text, glue.finished);
        assert!(plan.starts_with("[3,1,0,-1,{"), "{plan}");
        // Had the host sent only the changes from its template, the glue
        // would have kept its own stale `[]` for the factors.
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        glue.event(&mut host, &event("auth0|1", json!([])));
        let _ = host.plan(&event("auth0|2", json!([{ "type": "otp" }])), glue.finished);
        let text = event("auth0|3", json!([{ "type": "otp" }]));
        assert_eq!(glue.event(&mut host, &text), parsed(&text));
    }

    /// The scanner accepts exactly the texts a JSON parser does: checked
    /// against serde_json on every one-byte change of an event, with the
    /// bytes JSON's grammar turns on.
    #[test]
    fn the_scanner_accepts_what_json_parse_accepts_and_nothing_else() {
        let base = r#"{"a":{"b":[1,-2.5e+3,true,false,null,"s\"\\\/\b\f\n\r\tA"],"c":{}},"d":[],"e":"x", "f" : 0 }"#;
        let alphabet = b"{}[]\",:\\ 0123456789.-+eEtrufalsnbxA\t\n";
        let mut checked = 0;
        for at in 0..=base.len() {
            for &byte in alphabet {
                for replace in [false, true] {
                    let mut text = base.as_bytes().to_vec();
                    if replace {
                        if at == base.len() {
                            continue;
                        }
                        text[at] = byte;
                    } else {
                        text.insert(at, byte);
                    }
                    let text = String::from_utf8(text).unwrap();
                    let valid = serde_json::from_str::<Value>(&text).is_ok();
                    assert_eq!(split(&text).is_ok(), valid, "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000);
        for text in [
            "",
            " ",
            "01",
            "1.",
            ".1",
            "-",
            "1e",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\u12G4\"",
            "[1,]",
            "{\"a\"}",
            "tru",
            "nul",
        ] {
            assert!(split(text).is_err(), "{text:?}");
        }
        for text in [
            "0",
            "-0.0e-0",
            " [ ] ",
            "\"\\u00e9\"",
            "{\"a\":{\"a\":{\"a\":[[[{}]]]}}}",
            "\"é\"",
        ] {
            assert!(split(text).is_ok(), "{text:?}");
        }
        // Nesting deeper than any stack: an error or a value, not a crash.
        let deep = format!(
            "{{\"a\":{}{}}}",
            "[".repeat(1_000_000),
            "]".repeat(1_000_000)
        );
        assert!(split(&deep).is_ok());
    }

    #[test]
    fn invalid_json_comes_back_as_it_is_and_other_values_whole() {
        let mut host = EventTemplates::default();
        assert_eq!(host.plan("{\"a\": 1,}", 0), "{\"a\": 1,}");
        assert_eq!(host.plan("{\"a\": [1}", 0), "{\"a\": [1}");
        let mut glue = Glue::default();
        for text in ["null", "[1,2]", "\"text\"", "{}", r#"{"a":1,"a":{"b":2}}"#] {
            assert_eq!(glue.event(&mut host, text), parsed(text), "{text}");
        }
        // A key twice: no template (the path would be ambiguous).
        assert!(host
            .plan(r#"{"a":1,"a":{"b":2}}"#, glue.finished)
            .contains(",-1,-1,"));
    }

    #[test]
    fn large_events_get_no_template_and_templates_are_bounded() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let big = json!({ "user": { "app_metadata": { "blob": "x".repeat(MAX_EVENT_LEN) } } })
            .to_string();
        assert!(host.plan(&big, glue.finished).contains(",-1,-1,"));
        let mut glue2 = Glue::default();
        let mut host2 = EventTemplates::default();
        assert_eq!(glue2.event(&mut host2, &big), parsed(&big));
        // More skeletons than templates: the least recently used goes.
        for round in 0..3 {
            for k in 0..MAX_TEMPLATES + 2 {
                let text = json!({ format!("key{k}"): { "round": round, "pad": "y".repeat(300) } })
                    .to_string();
                assert_eq!(glue.event(&mut host, &text), parsed(&text), "{round} {k}");
            }
        }
        assert_eq!(host.templates.len(), MAX_TEMPLATES);
    }
}
