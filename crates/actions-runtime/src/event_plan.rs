//! The event a handler receives, sent as a plan the glue builds it from.
//!
//! Parsing each handler's event from its JSON text was the largest single
//! cost of a flow, and the events of one flow differ in a few places: the factors and methods after a prompt,
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
//! is not JSON is handed to `JSON.parse` as it is, to report. A host that
//! builds its events from parts anyway (the flow runner) gives them as
//! [`EventParts`] instead, with no text to write or scan.
//!
//! A plan is one JSON array, `[reset, id, kind, ...]`:
//! - `reset` is 1 when the glue must drop its templates (and kept leaves)
//!   first;
//! - `id` is the template the plan is about, or -1 for none;
//! - `kind` -1: the rest is the whole event; the glue keeps a copy of it as
//!   template `id` (if not -1);
//! - `kind` 0: the rest are the leaves that changed, `n, k1, ..., kn,
//!   value` each: the glue sets each in template `id`, then copies it.
//!   A leaf written `-n, k1, ..., kn, slot` is the value the glue keeps in
//!   `slot`; one written `-n, k1, ..., kn, -(slot + 1), value` is sent, and
//!   kept in `slot` from then on.
//!
//! The leaves that change from one handler to the next (the factors and
//! methods after each prompt) are mostly values seen before in the flow. So the glue also keeps the last
//! [`MAX_CACHED_LEAVES`] object and array leaves it was sent, parsed, by
//! slot: a template holds them as they are (nothing writes into a leaf, and
//! every handler gets a deep copy), and a plan names the slot of a leaf the
//! glue has, instead of carrying its text to be parsed again.
//!
//! Both sides count the plans: the token of a plan is the one before plus
//! one (wrapping to 1), and 1 after a reset. The glue hands back the token
//! of the last plan it finished with every request. A plan it did not
//! finish (the handler's budget ran out while it built the event) therefore
//! cannot leave the two sides disagreeing about a template: the host sees a
//! stale token and starts over. The token is not written in the plan, so the
//! same changes to the same template are the same text, handler after
//! handler, and the glue keeps the last plans it parsed by their text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How deep cutting goes: the event's members, and theirs.
const SPLIT_DEPTH: usize = 2;
/// Larger events get no template: each would hold this much of the heap.
const MAX_EVENT_LEN: usize = 64 * 1024;
/// How many templates the glue keeps at most.
const MAX_TEMPLATES: usize = 4;
/// Tokens count up to this and wrap to 1; 0 is the glue's "none yet".
const TOKEN_WRAP: i32 = 1 << 30;
/// How many leaves the glue keeps parsed at most.
const MAX_CACHED_LEAVES: usize = 32;
/// Larger leaves are not kept: sent once in a while, they would push out
/// the small ones that recur.
const MAX_CACHED_LEAF_LEN: usize = 4096;

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

/// The host's side of the templates.
#[derive(Debug, Default)]
pub(crate) struct EventTemplates {
    templates: Vec<Template>,
    /// The token of the last plan sent.
    token: i32,
    clock: u64,
    /// The texts of the leaves the glue keeps parsed, by slot, and when
    /// each was last sent or named.
    cached: Vec<(String, u64)>,
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
    pub(crate) fn plan_event(&mut self, event: &Event, finished: i32) -> String {
        match event {
            Event::Json(text) => self.plan(text, finished),
            Event::Parts(parts) => self.plan_parts(parts, finished),
        }
    }

    /// The plan for the event `event`.
    pub(crate) fn plan(&mut self, event: &str, finished: i32) -> String {
        let tree = match split(event) {
            Err(()) => return event.to_owned(),
            Ok(Some(tree)) if event.len() <= MAX_EVENT_LEN => tree,
            Ok(_) => {
                let reset = self.next_token(finished);
                return whole_plan(reset, None, event);
            }
        };
        let mut cut = Cut::default();
        flatten(&tree, &mut Vec::new(), &mut cut);
        self.plan_cut(&cut, |_| true, || Cow::Borrowed(event), finished)
            .expect("the leaves of scanned text are valid")
    }

    /// The plan for an event given as its parts. The leaves the glue is
    /// sent are checked first: if one is not a JSON value, the plan is the
    /// one for the text the parts make up, as [`EventTemplates::plan`]
    /// gives it.
    pub(crate) fn plan_parts(&mut self, parts: &EventParts, finished: i32) -> String {
        if !parts.splittable || parts.cut.text.len() > MAX_EVENT_LEN {
            return self.plan(&parts.text(), finished);
        }
        let planned = self.plan_cut(
            &parts.cut,
            is_json_value,
            || Cow::Owned(parts.text()),
            finished,
        );
        planned.unwrap_or_else(|| self.plan(&parts.text(), finished))
    }

    /// Counts the plan about to be sent; true when the glue's token is stale
    /// and the plan must reset it.
    fn next_token(&mut self, finished: i32) -> bool {
        let reset = finished != self.token;
        if reset {
            self.templates.clear();
            self.cached.clear();
            self.token = 0;
        }
        self.token = next_token(self.token);
        self.clock += 1;
        reset
    }

    /// The plan for an event cut into `cut`, whose text `text` gives.
    /// `None`, with nothing changed, if a leaf the glue would be sent fails
    /// `valid`.
    fn plan_cut<'t>(
        &mut self,
        cut: &Cut,
        valid: impl Fn(&str) -> bool,
        text: impl FnOnce() -> Cow<'t, str>,
        finished: i32,
    ) -> Option<String> {
        let count = cut.ends.len();
        // A stale token drops the templates before any is looked up.
        let stale = finished != self.token;
        let found = if stale {
            None
        } else {
            self.templates
                .iter()
                .position(|t| t.skeleton == cut.skeleton && t.leaves.len() == count)
        };
        let Some(id) = found else {
            if !(0..count).all(|i| valid(cut.leaf(i))) {
                return None;
            }
            let plan_text = text();
            let reset = self.next_token(finished);
            let template = Template {
                skeleton: cut.skeleton.clone(),
                leaves: (0..count).map(|i| cut.leaf(i).to_owned()).collect(),
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
            return Some(whole_plan(reset, Some(id), &plan_text));
        };
        // Leaf by leaf, as bytes: most are unchanged, and most that changed
        // changed their length.
        let text = cut.text.as_bytes();
        let mut start = 0;
        let changed: Vec<usize> = (self.templates[id].leaves.iter())
            .zip(&cut.ends)
            .enumerate()
            .filter_map(|(i, (old, &end))| {
                let leaf = &text[start..end as usize];
                start = end as usize;
                (old.as_bytes() != leaf).then_some(i)
            })
            .collect();
        // A leaf the glue keeps was sent before, so it is valid.
        if !changed
            .iter()
            .all(|&i| self.cached_slot(cut.leaf(i)).is_some() || valid(cut.leaf(i)))
        {
            return None;
        }
        self.next_token(finished);
        let clock = self.clock;
        let mut plan = format!("[0,{id},0");
        for i in changed {
            let leaf = cut.leaf(i);
            // Looked up afresh: a leaf kept earlier in this plan may have
            // taken the slot of one found above.
            if let Some(slot) = self.cached_slot(leaf) {
                self.cached[slot].1 = clock;
                cut.write_path(i, true, &mut plan);
                let _ = write!(plan, ",{slot}");
            } else if cacheable(leaf) {
                let slot = self.keep(leaf);
                cut.write_path(i, true, &mut plan);
                let _ = write!(plan, ",{},", -(slot as i64) - 1);
                plan.push_str(leaf);
            } else {
                cut.write_path(i, false, &mut plan);
                plan.push(',');
                plan.push_str(leaf);
            }
            let template = &mut self.templates[id];
            template.leaves[i].clear();
            template.leaves[i].push_str(leaf);
        }
        self.templates[id].used = clock;
        plan.push(']');
        Some(plan)
    }

    /// The slot of the glue's parsed copy of `leaf`, if it keeps one.
    fn cached_slot(&self, leaf: &str) -> Option<usize> {
        self.cached.iter().position(|(text, _)| text == leaf)
    }

    /// Records that the glue keeps `leaf` (sent in the plan being written),
    /// in a free slot or the least recently used one; answers the slot.
    fn keep(&mut self, leaf: &str) -> usize {
        let slot = if self.cached.len() < MAX_CACHED_LEAVES {
            self.cached.push((String::new(), 0));
            self.cached.len() - 1
        } else {
            (0..self.cached.len())
                .min_by_key(|&slot| self.cached[slot].1)
                .expect("the cache is full")
        };
        let (text, used) = &mut self.cached[slot];
        text.clear();
        text.push_str(leaf);
        *used = self.clock;
        slot
    }
}

/// Whether the glue keeps `leaf` parsed once it is sent: an object or an
/// array with members (what parsing costs most), and not a large one.
fn cacheable(leaf: &str) -> bool {
    leaf.len() > 2 && leaf.len() <= MAX_CACHED_LEAF_LEN && matches!(leaf.as_bytes()[0], b'[' | b'{')
}

/// `[reset, id, -1, event]`: the whole event, kept as template `id` (-1
/// for none).
fn whole_plan(reset: bool, id: Option<usize>, event: &str) -> String {
    let id = id.map_or(-1, |id| id as i64);
    format!("[{},{id},-1,{event}]", u8::from(reset))
}

/// The token after `token` (`hostEvent` in js-runtime/99_main.js counts the
/// same way).
fn next_token(token: i32) -> i32 {
    if token + 1 >= TOKEN_WRAP {
        1
    } else {
        token + 1
    }
}

/// An event cut into its skeleton and leaves. The leaves are kept in one
/// string; each one's path as where its keys are in the skeleton.
#[derive(Debug, Clone, Default)]
struct Cut {
    /// The event's text with `0` for each leaf.
    skeleton: String,
    /// Where each leaf's `0` is in `skeleton`.
    holes: Vec<u32>,
    /// The leaves' JSON texts, one after another; `ends[i]` ends leaf `i`.
    text: String,
    ends: Vec<u32>,
    paths: Vec<Path>,
}

/// The keys down to a leaf, as ranges of the skeleton.
#[derive(Debug, Clone, Copy, Default)]
struct Path {
    len: u8,
    keys: [(u32, u32); SPLIT_DEPTH],
}

impl Path {
    fn new(keys: &[(u32, u32)]) -> Path {
        let mut path = Path {
            len: keys.len() as u8,
            ..Path::default()
        };
        path.keys[..keys.len()].copy_from_slice(keys);
        path
    }
}

impl Cut {
    fn leaf(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Writes `,n,"k1",...,"kn"` for leaf `i` (`-n` for a leaf the glue
    /// keeps).
    fn write_path(&self, i: usize, cached: bool, out: &mut String) {
        let path = &self.paths[i];
        out.push(',');
        if cached {
            out.push('-');
        }
        out.push(char::from(b'0' + path.len));
        for &(start, end) in &path.keys[..usize::from(path.len)] {
            out.push(',');
            out.push_str(&self.skeleton[start as usize..end as usize]);
        }
    }

    /// Writes a key and its colon; returns where the key is.
    fn push_key(&mut self, key: &str) -> (u32, u32) {
        let start = self.skeleton.len() as u32;
        self.skeleton.push_str(key);
        let end = self.skeleton.len() as u32;
        self.skeleton.push(':');
        (start, end)
    }

    /// A leaf at `path` (ranges of the skeleton).
    fn push_leaf(&mut self, path: &[(u32, u32)], leaf: &str) {
        self.paths.push(Path::new(path));
        self.holes.push(self.skeleton.len() as u32);
        self.skeleton.push('0');
        self.text.push_str(leaf);
        self.ends.push(self.text.len() as u32);
    }
}

/// Writes the skeleton of `tree` and its leaves, in order, to `cut`.
fn flatten(tree: &[Member<'_>], path: &mut Vec<(u32, u32)>, cut: &mut Cut) {
    cut.skeleton.push('{');
    for (i, member) in tree.iter().enumerate() {
        if i > 0 {
            cut.skeleton.push(',');
        }
        path.push(cut.push_key(member.key));
        match &member.children {
            Some(children) => flatten(children, path, cut),
            None => cut.push_leaf(path, member.text),
        }
        path.pop();
    }
    cut.skeleton.push('}');
}

/// Whether `text` is one JSON value (with blanks around it, if any).
fn is_json_value(text: &str) -> bool {
    let mut scanner = Scanner {
        text,
        at: 0,
        open: Vec::new(),
    };
    scanner.value().is_ok() && {
        scanner.space();
        scanner.at == text.len()
    }
}

/// An event given as its parts instead of its text, for a host that builds
/// events from parts anyway (the flow runner): it saves writing the whole
/// text and scanning it again. Built member by member, in order:
/// [`EventParts::leaf`] for a member given as its JSON text, and
/// [`EventParts::open`] and [`EventParts::close`] around the members of an
/// event member that is an object. The event stands for the text the parts
/// make up, [`EventParts::text`], and each handler gets what `JSON.parse`
/// of that text gives.
#[derive(Debug, Clone)]
pub struct EventParts {
    cut: Cut,
    /// The objects open: where each one's key is in the skeleton (none for
    /// the event itself), and where its members' keys are.
    open: Vec<Frame>,
    /// False once an object has a key twice: then the text is planned.
    splittable: bool,
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
        let mut cut = Cut {
            skeleton: String::with_capacity(2048),
            holes: Vec::with_capacity(128),
            text: String::with_capacity(4096),
            ends: Vec::with_capacity(128),
            paths: Vec::with_capacity(128),
        };
        cut.skeleton.push('{');
        EventParts {
            cut,
            open: vec![Frame::default()],
            splittable: true,
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
        // At most two keys deep (`open` checks it).
        match self.open.len() {
            1 => self.cut.push_leaf(&[key], json),
            _ => {
                let outer = self.open[1].key;
                self.cut.push_leaf(&[outer, key], json);
            }
        }
        self
    }

    /// A member that is an object, whose members follow until
    /// [`EventParts::close`]. Only the event's own members can be opened.
    ///
    /// # Panics
    /// Inside an object already opened.
    pub fn open(&mut self, key: &str) -> &mut Self {
        assert!(
            self.open.len() < SPLIT_DEPTH,
            "only the event's own members can be opened"
        );
        let key = self.key(key);
        self.cut.skeleton.push('{');
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
        let cut = &self.cut;
        let mut text = String::with_capacity(cut.skeleton.len() + cut.text.len());
        let mut from = 0;
        for (i, &hole) in cut.holes.iter().enumerate() {
            text.push_str(&cut.skeleton[from..hole as usize]);
            text.push_str(cut.leaf(i));
            from = hole as usize + 1;
        }
        text.push_str(&cut.skeleton[from..]);
        text.extend(std::iter::repeat_n('}', self.open.len()));
        text
    }

    /// Gives the leaf at `path` (its keys, from the event down) `json` as its
    /// text, for a host that builds an event from the one before it. Answers
    /// false, changing nothing, when no leaf has that path or a key is
    /// written twice in one object (then which leaf the path names is not
    /// clear): build the event afresh instead.
    pub fn replace(&mut self, path: &[&str], json: &str) -> bool {
        if !self.splittable {
            return false;
        }
        let cut = &self.cut;
        let Some(i) = cut.paths.iter().position(|leaf| {
            usize::from(leaf.len) == path.len()
                && leaf.keys[..path.len()]
                    .iter()
                    .zip(path)
                    .all(|(&(start, end), key)| {
                        written_key_is(&cut.skeleton[start as usize..end as usize], key)
                    })
        }) else {
            return false;
        };
        self.replace_leaf(i, json)
    }

    /// How many leaves the event has so far: the next [`EventParts::leaf`]
    /// is leaf number `leaves()`, for [`EventParts::replace_leaf`].
    pub fn leaves(&self) -> usize {
        self.cut.ends.len()
    }

    /// Gives leaf number `i` (in the order the leaves were given) `json` as
    /// its text, as [`EventParts::replace`] does for a path. False, changing
    /// nothing, when there is no such leaf or a key is written twice in one
    /// object.
    pub fn replace_leaf(&mut self, i: usize, json: &str) -> bool {
        if !self.splittable || i >= self.cut.ends.len() {
            return false;
        }
        let cut = &mut self.cut;
        let start = if i == 0 { 0 } else { cut.ends[i - 1] as usize };
        let end = cut.ends[i] as usize;
        cut.text.replace_range(start..end, json);
        let moved = json.len() as i64 - (end - start) as i64;
        for end in &mut cut.ends[i..] {
            *end = (i64::from(*end) + moved) as u32;
        }
        true
    }

    fn end_object(&mut self) {
        self.cut.skeleton.push('}');
        self.open.pop();
    }

    /// Writes `key` and its colon; returns where the key is.
    fn key(&mut self, key: &str) -> (u32, u32) {
        let skeleton = &mut self.cut.skeleton;
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
            self.splittable = false;
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
        /// The leaves it keeps parsed, by slot.
        leaves: std::collections::HashMap<i64, Value>,
        finished: i32,
    }

    impl Glue {
        /// Asks `host` for `event`'s plan and builds the event from it, as
        /// the glue does. The text is what `JSON.stringify` would write.
        fn event(&mut self, host: &mut EventTemplates, event: &str) -> String {
            let plan = host.plan(event, self.finished);
            self.build(&plan)
        }

        fn parts(&mut self, host: &mut EventTemplates, parts: &EventParts) -> String {
            let plan = host.plan_parts(parts, self.finished);
            self.build(&plan)
        }

        fn build(&mut self, plan: &str) -> String {
            let plan: Value = serde_json::from_str(plan).unwrap();
            let plan = plan.as_array().unwrap();
            let reset = plan[0] == 1;
            if reset {
                self.templates.clear();
                self.leaves.clear();
            }
            let id = plan[1].as_i64().unwrap();
            let built = if plan[2] == -1 {
                assert_eq!(plan.len(), 4);
                if id != -1 {
                    self.templates.insert(id, plan[3].clone());
                }
                plan[3].clone()
            } else {
                let template = self
                    .templates
                    .get_mut(&id)
                    .expect("a template the glue holds");
                let mut i = 3;
                while i < plan.len() {
                    let signed = plan[i].as_i64().unwrap();
                    let n = signed.unsigned_abs() as usize;
                    let mut target = &mut *template;
                    for key in &plan[i + 1..i + n] {
                        target = target.get_mut(key.as_str().unwrap()).unwrap();
                    }
                    let last = plan[i + n].as_str().unwrap();
                    let mut value = plan[i + n + 1].clone();
                    let mut next = i + n + 2;
                    if signed < 0 {
                        let slot = value.as_i64().unwrap();
                        if slot >= 0 {
                            value = self.leaves[&slot].clone();
                        } else {
                            value = plan[next].clone();
                            self.leaves.insert(-slot - 1, value.clone());
                            next += 1;
                        }
                    }
                    *target.get_mut(last).expect("the leaf is there") = value;
                    i = next;
                }
                template.clone()
            };
            self.finished = next_token(if reset { 0 } else { self.finished });
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
            "[0,0,0,-2,\"user\",\"enrolledFactors\",-1,[{\"type\":\"otp\"}]]"
        );
        assert!(!plan.contains("Bellevue"), "{plan}");
    }

    #[test]
    fn a_leaf_the_glue_keeps_is_named_by_its_slot_and_not_sent_again() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let none = event("auth0|1", json!([]));
        let otp = event("auth0|1", json!([{ "type": "otp" }]));
        let both = event("auth0|1", json!([{ "type": "otp" }, { "type": "sms" }]));
        glue.event(&mut host, &none);
        // Sent once, to be kept in slot 0; `[]` is sent as it is.
        let plan = host.plan(&otp, glue.finished);
        assert!(
            plan.ends_with(r#"-2,"user","enrolledFactors",-1,[{"type":"otp"}]]"#),
            "{plan}"
        );
        assert_eq!(glue.build(&plan), parsed(&otp));
        assert_eq!(glue.event(&mut host, &none), parsed(&none));
        let plan = host.plan(&otp, glue.finished);
        assert!(
            plan.ends_with(r#"-2,"user","enrolledFactors",0]"#),
            "{plan}"
        );
        assert_eq!(glue.build(&plan), parsed(&otp));
        let plan = host.plan(&both, glue.finished);
        assert!(
            plan.ends_with(r#",-2,[{"type":"otp"},{"type":"sms"}]]"#),
            "{plan}"
        );
        assert_eq!(glue.build(&plan), parsed(&both));
        // A plan the glue did not finish drops what it keeps, as it drops
        // the templates.
        let _ = host.plan(&otp, glue.finished);
        let plan = host.plan(&none, glue.finished);
        assert!(plan.starts_with("[1,0,-1,"), "{plan}");
        assert!(host.cached.is_empty());
        assert_eq!(glue.build(&plan), parsed(&none));
        assert_eq!(glue.event(&mut host, &otp), parsed(&otp));
        assert_eq!(host.cached.len(), 1);
    }

    #[test]
    fn the_same_changes_to_the_same_template_are_the_same_plan_text() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let none = event("auth0|1", json!([]));
        let otp = event("auth0|1", json!([{ "type": "otp" }]));
        glue.event(&mut host, &none);
        glue.event(&mut host, &otp);
        let back = host.plan(&none, glue.finished);
        assert_eq!(glue.build(&back), parsed(&none));
        let forth = host.plan(&otp, glue.finished);
        assert_eq!(glue.build(&forth), parsed(&otp));
        for _ in 0..3 {
            assert_eq!(host.plan(&none, glue.finished), back);
            assert_eq!(glue.build(&back), parsed(&none));
            assert_eq!(host.plan(&otp, glue.finished), forth);
            assert_eq!(glue.build(&forth), parsed(&otp));
        }
        // The token the glue counts is the host's: a plan it skips makes the
        // next one a reset.
        let _ = host.plan(&none, glue.finished);
        assert!(host.plan(&otp, glue.finished).starts_with("[1,"));
    }

    #[test]
    fn the_leaves_the_glue_keeps_are_bounded_and_the_least_recently_used_goes() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let factors = |k: usize| json!([{ "type": "otp", "k": k }]);
        let recent = event("auth0|1", factors(0));
        glue.event(&mut host, &event("auth0|1", json!([])));
        // More leaves than slots, with the first named again between each,
        // and leaves too large to keep among them.
        for k in 1..3 * MAX_CACHED_LEAVES {
            let text = event("auth0|1", factors(k));
            assert_eq!(glue.event(&mut host, &text), parsed(&text), "{k}");
            assert_eq!(glue.event(&mut host, &recent), parsed(&recent), "{k}");
            let large = event("auth0|1", json!(["x".repeat(MAX_CACHED_LEAF_LEN)]));
            assert_eq!(glue.event(&mut host, &large), parsed(&large), "{k}");
        }
        assert_eq!(host.cached.len(), MAX_CACHED_LEAVES);
        assert!(host
            .cached
            .iter()
            .all(|(text, _)| text.len() <= MAX_CACHED_LEAF_LEN));
        let plan = host.plan(&recent, glue.finished);
        assert!(!plan.contains("otp"), "{plan}");
        // Leaves the glue was sent in the plan that evicts them.
        let oldest = event("auth0|1", factors(1));
        let plan = host.plan(&oldest, glue.finished);
        assert!(plan.contains(r#""k":1"#), "{plan}");
        assert_eq!(glue.build(&plan), parsed(&oldest));
    }

    #[test]
    fn a_leaf_kept_in_a_plan_may_take_the_slot_of_one_the_same_plan_names() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let leaf = |k: usize| json!([k, "pad"]);
        let two = |a: Value, b: Value| json!({ "user": { "a": a, "b": b } }).to_string();
        glue.event(&mut host, &two(json!(0), json!(0)));
        // Fill every slot; the leaf of slot 0 is the least recently used.
        for k in 1..=MAX_CACHED_LEAVES {
            glue.event(&mut host, &two(leaf(k), json!(0)));
        }
        assert_eq!(host.cached_slot(&leaf(1).to_string()), Some(0));
        // `a` is kept in slot 0, which held the leaf `b` now is: `b` must be
        // sent again, not named by the slot it was in when the plan began.
        let text = two(leaf(100), leaf(1));
        let plan = host.plan(&text, glue.finished);
        assert!(plan.contains(r#""b",-2,[1,"pad"]"#), "{plan}");
        assert_eq!(glue.build(&plan), parsed(&text));
    }

    fn parts_of(text: &str) -> EventParts {
        let value: Value = serde_json::from_str(text).unwrap();
        EventParts::from_object(value.as_object().unwrap())
    }

    #[test]
    fn events_given_as_parts_are_built_as_their_text_would_be() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let events = [
            event("auth0|1", json!([])),
            event("auth0|1", json!([{ "type": "otp" }])),
            event("auth0|2", json!([{ "type": "otp" }])),
            r#"{"a\"b":{"c\\d":1,"0":"zero"},"__proto__":{"x":1},"é":[1]}"#.to_owned(),
        ];
        for (i, text) in events.iter().enumerate() {
            let parts = parts_of(text);
            assert_eq!(parts.text(), parsed(text), "event {i}");
            assert_eq!(glue.parts(&mut host, &parts), parsed(text), "event {i}");
            // Text and parts share templates.
            assert_eq!(glue.event(&mut host, text), parsed(text), "event {i}");
        }
        // Only the changed leaves are sent.
        let plan = host.plan_parts(&parts_of(&events[1]), glue.finished);
        assert!(plan.contains(r#""user_id","auth0|1""#), "{plan}");
        assert!(!plan.contains("Bellevue"), "{plan}");
    }

    #[test]
    fn parts_with_a_key_twice_or_a_leaf_that_is_not_json_are_planned_as_text() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let mut twice = EventParts::new();
        twice
            .leaf("a", "1")
            .open("b")
            .leaf("c", "2")
            .leaf("c", "3")
            .close();
        let twice = twice.finish();
        assert_eq!(twice.text(), r#"{"a":1,"b":{"c":2,"c":3}}"#);
        // The text of parts not yet finished closes what is open.
        let mut open = EventParts::new();
        open.leaf("a", "1").open("b").leaf("c", "2");
        assert_eq!(open.text(), r#"{"a":1,"b":{"c":2}}"#);
        assert_eq!(glue.parts(&mut host, &twice), r#"{"a":1,"b":{"c":3}}"#);
        assert_eq!(glue.parts(&mut host, &twice), r#"{"a":1,"b":{"c":3}}"#);
        // A leaf that smuggles in a member: the plan is that of the text,
        // which JSON.parse reads as it reads any text.
        let mut smuggled = EventParts::new();
        smuggled.leaf("a", r#"1,"b":2"#);
        let smuggled = smuggled.finish();
        assert_eq!(glue.parts(&mut host, &smuggled), r#"{"a":1,"b":2}"#);
        let mut broken = EventParts::new();
        broken.leaf("a", "[1");
        let broken = broken.finish();
        assert_eq!(host.plan_parts(&broken, glue.finished), r#"{"a":[1}"#);
    }

    #[test]
    fn a_replaced_leaf_makes_the_parts_of_the_event_with_that_leaf() {
        let mut host = EventTemplates::default();
        let mut glue = Glue::default();
        let before = event("auth0|1", json!([]));
        let mut parts = parts_of(&before);
        glue.parts(&mut host, &parts);
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
            assert_eq!(glue.parts(&mut host, &parts), expected.to_string());
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
        assert!(plan.starts_with("[1,0,-1,{"), "{plan}");
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
