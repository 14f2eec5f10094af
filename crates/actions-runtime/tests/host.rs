//! The host against real JS: loading, invoking, errors, isolation, limits.

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState, Verdict};
use actions_runtime::{ActionSource, FailureKind, Host, HostOptions, LoadError};
use serde_json::json;

const BUDGET: Duration = Duration::from_secs(5);

fn transaction() -> Transaction {
    let user = UserState {
        app_metadata: json!({}),
        user_metadata: json!({}),
        enrolled_factors: vec![].into(),
    };
    Transaction::new(Tenant::default(), user, vec![], vec![])
}

fn source(code: &str) -> ActionSource {
    ActionSource {
        file: "actions/test.js".into(),
        code: code.into(),
        dir: std::env::temp_dir(),
    }
}

/// Loads `code`, runs its onExecutePostLogin once, returns the transaction and invocation.
fn run(code: &str) -> (Transaction, actions_runtime::Invocation) {
    run_with(code, HostOptions::default(), BUDGET)
}

fn run_with(
    code: &str,
    options: HostOptions,
    budget: Duration,
) -> (Transaction, actions_runtime::Invocation) {
    let mut host = Host::new(options).unwrap();
    host.begin_flow(7, Some(1_767_225_600_000)).unwrap();
    let index = host.load(&source(code), budget).unwrap();
    let mut tx = transaction();
    tx.begin("test", 0, "onExecutePostLogin");
    let (tx, inv) = host.invoke(
        index,
        "onExecutePostLogin",
        json!({"user": {"user_id": "u1"}}).to_string(),
        Box::new(tx),
        budget,
    );
    (*tx, inv)
}

#[test]
fn api_calls_reach_the_core_with_their_arguments() {
    let (tx, inv) = run(r#"exports.onExecutePostLogin = async (event, api) => {
            api.idToken.setCustomClaim("https://x/uid", event.user.user_id).accessToken.setCustomClaim("k", { a: [1, undefined] });
            api.authentication.challengeWith({ type: "otp" }, { additionalFactors: [{ type: "email" }] });
        };"#);
    assert_eq!(inv.failure, None);
    let calls = &tx.invocations()[0].calls;
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].method, "idToken.setCustomClaim");
    assert_eq!(calls[0].args, vec![json!("https://x/uid"), json!("u1")]);
    assert_eq!(calls[1].args, vec![json!("k"), json!({"a": [1, null]})]);
    assert_eq!(
        calls[2].args,
        vec![
            json!({"type": "otp"}),
            json!({"additionalFactors": [{"type": "email"}]})
        ]
    );
}

#[test]
fn a_rejected_call_throws_the_auth0_message_into_the_action() {
    let (tx, inv) = run(r#"exports.onExecutePostLogin = async (event, api) => {
            try { api.idToken.setCustomClaim("scope", "x"); } catch (e) { console.log(e.constructor.name, e.message); }
        };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        r#"Error The "scope" claim cannot be set."#
    );
    assert!(matches!(
        tx.invocations()[0].calls[0].verdict,
        Verdict::Rejected { .. }
    ));
}

#[test]
fn syntax_errors_name_file_line_and_column() {
    let mut host = Host::new(HostOptions::default()).unwrap();
    let err = host
        .load(
            &source("exports.onExecutePostLogin = async () => {\n  let x = ;\n};"),
            BUDGET,
        )
        .unwrap_err();
    match err {
        LoadError::Syntax {
            file,
            line,
            column,
            message,
        } => {
            assert_eq!((file.as_str(), line, column), ("actions/test.js", 2, 11));
            assert!(message.starts_with("SyntaxError"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // On line 1 the wrapper's length is taken off the column.
    let err = host.load(&source("var = 1;"), BUDGET).unwrap_err();
    assert!(
        matches!(err, LoadError::Syntax { line: 1, column, .. } if column <= 6),
        "{err:?}"
    );
}

#[test]
fn a_module_without_the_handler_is_a_load_error() {
    let mut host = Host::new(HostOptions::default()).unwrap();
    let err = host
        .load(&source("exports.somethingElse = 1;"), BUDGET)
        .unwrap_err();
    assert_eq!(
        err,
        LoadError::NoHandler {
            file: "actions/test.js".into()
        }
    );
}

#[test]
fn throws_are_reported_faithfully() {
    let (_, inv) =
        run("exports.onExecutePostLogin = async () => { throw new TypeError('bad input'); };");
    let failure = inv.failure.unwrap();
    assert_eq!(
        (
            failure.kind,
            failure.name.as_deref(),
            failure.message.as_str()
        ),
        (FailureKind::Threw, Some("TypeError"), "bad input")
    );
    let stack = failure.stack.unwrap();
    assert!(stack.contains("actions/test.js:1"), "{stack}");
    assert!(
        !stack.contains("ext:"),
        "glue frames leak into the stack: {stack}"
    );
    let (_, inv) = run("exports.onExecutePostLogin = async () => { throw 'just a string'; };");
    assert_eq!(inv.failure.unwrap().message, "just a string");
    let (_, inv) = run("exports.onExecutePostLogin = async () => { throw {}; };");
    assert_eq!(inv.failure.unwrap().message, "[object Object]");
    let (_, inv) = run(
        "exports.onExecutePostLogin = async () => { await Promise.reject(new Error('later')); };",
    );
    assert_eq!(inv.failure.unwrap().message, "later");
}

#[test]
fn auth0_post_login_4_1_non_async_handlers_are_rejected_with_auth0_message() {
    let (_, inv) = run("exports.onExecutePostLogin = function (event, api) {};");
    assert_eq!(
        inv.failure.unwrap().message,
        r#"Invalid function signature for the "onExecutePostLogin" handler. Use "exports.onExecutePostLogin = async function(event, api) { }" as the signature."#
    );
}

#[test]
fn auth0_post_login_4_1_initialisation_errors_are_rethrown_on_invocation() {
    let (_, inv) =
        run("throw new Error('init failed'); exports.onExecutePostLogin = async () => {};");
    assert_eq!(inv.failure.unwrap().message, "init failed");
}

#[test]
fn host_globals_are_not_reachable_from_action_code() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
            console.log([typeof Deno, typeof __bootstrap, typeof __actionsHostDispatch, typeof gc].join(","));
            console.log(Reflect.ownKeys(globalThis).filter((k) => String(k).startsWith("__v8x")).join(","));
        };"#);
    assert_eq!(
        inv.console[0].message,
        "undefined,undefined,undefined,undefined"
    );
    // Whatever the engine's own globals are called: none is left.
    assert_eq!(inv.console[1].message, "");
}

/// Node 22, which Auth0 runs Actions on, has no `Temporal`; the engine shim
/// installs a polyfill for it, which
/// `third_party/patches/0007-no-temporal-polyfill.patch` removes. `Intl`
/// stays: Actions format dates with it.
#[test]
fn globals_node_lacks_are_absent() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
            console.log([typeof Temporal, typeof Date.prototype.toTemporalInstant,
                         typeof Intl.DateTimeFormat, typeof Intl.NumberFormat].join(","));
        };"#);
    assert_eq!(
        inv.console[0].message,
        "undefined,undefined,function,function"
    );
}

#[test]
fn clock_and_seed_are_deterministic() {
    let code = r#"exports.onExecutePostLogin = async () => {
        console.log(new Date().toISOString(), Date.now(), Math.random(), crypto.randomUUID());
    };"#;
    let (_, a) = run(code);
    let (_, b) = run(code);
    assert!(
        a.console[0]
            .message
            .starts_with("2026-01-01T00:00:00.000Z 1767225600000 0."),
        "{}",
        a.console[0].message
    );
    assert_eq!(a.console[0].message, b.console[0].message);
}

#[test]
fn a_busy_loop_is_stopped_by_the_watchdog() {
    let (_, inv) = run_with(
        "exports.onExecutePostLogin = async () => { for (;;) {} };",
        HostOptions::default(),
        Duration::from_millis(200),
    );
    assert_eq!(inv.failure.unwrap().kind, FailureKind::Timeout);
}

#[test]
fn an_await_that_can_never_settle_is_reported_at_once() {
    let (_, inv) =
        run("exports.onExecutePostLogin = async () => { await new Promise(() => {}); };");
    assert_eq!(inv.failure.unwrap().kind, FailureKind::NeverSettled);
}

#[test]
fn unbounded_allocation_hits_the_heap_cap_and_the_process_survives() {
    let (_, inv) = run_with(
        "exports.onExecutePostLogin = async () => { const a = []; for (;;) a.push(new Array(1e5).fill(1)); };",
        HostOptions { memory_mb: 32 },
        Duration::from_secs(20),
    );
    assert_eq!(inv.failure.unwrap().kind, FailureKind::MemoryLimit);
}

/// Runs `code`'s handler as a flow of its own on `host` within `budget`.
fn invoke_flow(host: &mut Host, code: &str, budget: Duration) -> actions_runtime::Invocation {
    host.begin_flow(1, Some(0)).unwrap();
    let index = host.load(&source(code), BUDGET).unwrap();
    let mut tx = transaction();
    tx.begin("a", 0, "onExecutePostLogin");
    host.invoke(
        index,
        "onExecutePostLogin",
        "{}".into(),
        Box::new(tx),
        budget,
    )
    .1
}

/// A large event, with `user_id`, the factors and a key of its own varying.
fn big_event(user_id: &str, factors: serde_json::Value, extra: Option<&str>) -> String {
    let mut event = json!({
        "tenant": { "id": "local" },
        "request": {
            "ip": "13.33.86.47",
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
            "geoip": { "cityName": "Bellevue", "countryCode": "US", "latitude": 47.61, "longitude": -122.2 },
            "query": { "a": "b", "__proto__": { "polluted": true } }
        },
        "user": {
            "user_id": user_id,
            "email": "jane@example.com",
            "picture": "https://s.gravatar.com/avatar/jane-with-a-long-enough-address.png",
            "enrolledFactors": factors,
            "identities": [{ "connection": "Username-Password-Authentication", "user_id": user_id }],
            "app_metadata": { "roles": ["admin"], "nested": { "deep": [1, 2.5, { "x": null }] } },
        },
        "secrets": {}
    });
    if let Some(extra) = extra {
        event[extra] = json!({ "flag": true });
    }
    event.to_string()
}

/// Each handler gets what `JSON.parse` of its event's text gives: the same
/// keys in the same order, plain writable data, and its own objects,
/// whatever an earlier handler did to its own event or to
/// `Object.prototype`.
#[test]
fn every_handler_gets_its_event_as_json_parse_gives_it_whatever_came_before() {
    let mut host = Host::new(HostOptions::default()).unwrap();
    let describe = r#"
        const plain = (o) => Object.getPrototypeOf(o) === (Array.isArray(o) ? Array.prototype : Object.prototype)
            && Object.isExtensible(o)
            && Object.entries(Object.getOwnPropertyDescriptors(o)).every(([k, d]) =>
                d.writable && (d.enumerable || (Array.isArray(o) && k === 'length'))
                && d.configurable !== (Array.isArray(o) && k === 'length')
                && (d.value === null || typeof d.value !== 'object' || plain(d.value)));
        const own = Object.getOwnPropertyDescriptor(event.request.query, '__proto__');
        console.log(JSON.stringify(event), plain(event), own && own.value.polluted);
    "#;
    let vandal = format!(
        "exports.onExecutePostLogin = async (event) => {{ {describe}
            event.user.enrolledFactors.push({{ type: 'sms' }});
            event.user.app_metadata.nested.deep[2].x = 'changed';
            event.request.geoip.cityName = 'Elsewhere';
            delete event.tenant;
            event.added = 1;
            Object.freeze(event.request);
            Object.setPrototypeOf(event.user.identities[0], null);
        }};"
    );
    let trap = r#"
        for (const key of ['user', 'request', 'enrolledFactors', 'cityName', 'x', '0', '1', '2', '3']) {
            Object.defineProperty(Object.prototype, key, {
                get() { throw new Error('getter ' + key); }, set() { throw new Error('setter ' + key); }, configurable: true,
            });
        }
    "#;
    let events = [
        big_event("auth0|1", json!([]), None),
        big_event("auth0|1", json!([{ "type": "otp" }]), None),
        big_event("auth0|2", json!([{ "type": "otp" }]), Some("extra")),
        big_event(
            "auth0|2",
            json!([{ "type": "otp" }, { "type": "email" }]),
            None,
        ),
        big_event("auth0|3", json!([]), None),
        // Factors seen before, which the handler that got them changed.
        big_event("auth0|3", json!([{ "type": "otp" }]), None),
        big_event(
            "auth0|1",
            json!([{ "type": "otp" }, { "type": "email" }]),
            None,
        ),
        // Back and forth between two events.
        big_event("auth0|1", json!([{ "type": "otp" }]), None),
        big_event("auth0|1", json!([]), None),
        big_event("auth0|1", json!([{ "type": "otp" }]), None),
        big_event("auth0|1", json!([]), None),
    ];
    host.begin_flow(1, Some(0)).unwrap();
    let vandal = host.load(&source(&vandal), BUDGET).unwrap();
    let trap = host
        .load(
            &source(&format!(
                "exports.onExecutePostLogin = async (event) => {{ {trap} }};"
            )),
            BUDGET,
        )
        .unwrap();
    for (i, event) in events.iter().enumerate() {
        if i == 2 {
            let mut tx = transaction();
            tx.begin("trap", 0, "onExecutePostLogin");
            let (_, inv) = host.invoke(
                trap,
                "onExecutePostLogin",
                "{}".into(),
                Box::new(tx),
                BUDGET,
            );
            assert_eq!(inv.failure, None);
        }
        let mut tx = transaction();
        tx.begin("vandal", 0, "onExecutePostLogin");
        let (_, inv) = host.invoke(
            vandal,
            "onExecutePostLogin",
            event.clone(),
            Box::new(tx),
            BUDGET,
        );
        assert_eq!(inv.failure, None, "event {i}");
        let want = serde_json::from_str::<serde_json::Value>(event)
            .unwrap()
            .to_string();
        assert_eq!(
            inv.console[0].message,
            format!("{want} true true"),
            "event {i}"
        );
    }
}

#[test]
fn a_host_made_ahead_of_its_flow_takes_the_flow_s_heap_cap() {
    // As a zygote does: the host is made with the default cap, the flow
    // sets its own before it runs.
    let bomb = "exports.onExecutePostLogin = async (e, api) => { const a = []; for (let i = 0; i < 60; i++) a.push(new Array(1e5).fill(i)); console.log('survived'); };";
    for (memory_mb, survives) in [(16, false), (256, true)] {
        let mut host = Host::new(HostOptions::default()).unwrap();
        host.set_memory_limit(memory_mb);
        let inv = invoke_flow(&mut host, bomb, Duration::from_secs(20));
        assert_eq!(
            inv.failure.as_ref().map(|f| f.kind),
            (!survives).then_some(FailureKind::MemoryLimit),
            "{memory_mb} MiB: {:?}",
            inv.failure
        );
    }
}

#[test]
fn a_host_runs_one_flow() {
    let mut host = Host::new(HostOptions::default()).unwrap();
    host.begin_flow(1, None).unwrap();
    assert!(host.begin_flow(1, None).is_err());
}

/// Each of `codes` as an Action in its own file (`actions/a1.js`, ...).
fn sources(codes: &[&str]) -> Vec<ActionSource> {
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| ActionSource {
            file: format!("actions/a{}.js", i + 1),
            ..source(code)
        })
        .collect()
}

/// What each loaded Action's first invocation printed, and how it failed.
type Seen = Vec<(Vec<String>, Option<(FailureKind, String)>)>;

/// A way to load a flow's Actions.
type LoadAll = fn(&mut Host, &[ActionSource], Duration) -> Result<Vec<usize>, LoadError>;

/// Begins a flow on a new host, loads `codes` with `load` and invokes each.
fn loaded_with(
    codes: &[&str],
    budget: Duration,
    load: impl FnOnce(&mut Host, &[ActionSource], Duration) -> Result<Vec<usize>, LoadError>,
) -> Result<Seen, LoadError> {
    let mut host = Host::new(HostOptions::default()).unwrap();
    let host = &mut host;
    host.begin_flow(1, Some(0)).unwrap();
    let indices = load(host, &sources(codes), budget)?;
    let mut seen = Vec::new();
    for (position, index) in indices.into_iter().enumerate() {
        let mut tx = transaction();
        tx.begin("a", position, "onExecutePostLogin");
        let (_, inv) = host.invoke(
            index,
            "onExecutePostLogin",
            "{}".into(),
            Box::new(tx),
            BUDGET,
        );
        seen.push((
            inv.console.into_iter().map(|line| line.message).collect(),
            inv.failure.map(|f| (f.kind, f.message)),
        ));
    }
    Ok(seen)
}

/// The flow runner's way before `load_all`: one call per Action, each with
/// what is left of the budget.
fn one_by_one(
    host: &mut Host,
    sources: &[ActionSource],
    budget: Duration,
) -> Result<Vec<usize>, LoadError> {
    let started = std::time::Instant::now();
    sources
        .iter()
        .map(|source| host.load(source, budget.saturating_sub(started.elapsed())))
        .collect()
}

#[test]
fn loading_all_at_once_is_loading_one_by_one() {
    let print = |name: &str| {
        format!(
            "console.log('init {name}'); exports.onExecutePostLogin = async () => {{ console.log('run {name}'); }};"
        )
    };
    let (a, c) = (print("a"), print("c"));
    let threw = "console.log('init b'); throw new RangeError('top-level');";
    let no_handler = "console.log('init b'); exports.other = 1;";
    let syntax = "exports.onExecutePostLogin = async () => {";
    let scenarios: [&[&str]; 4] = [
        &[&a, &c],
        &[&a, threw, &c],
        &[&a, no_handler, &c],
        &[&a, &c, syntax],
    ];
    let each_way = |load: LoadAll| {
        scenarios
            .iter()
            .chain(&scenarios)
            .map(|codes| loaded_with(codes, BUDGET, load))
            .collect::<Vec<_>>()
    };
    let expected = each_way(one_by_one);
    let got = each_way(Host::load_all);
    for (i, codes) in scenarios.iter().chain(&scenarios).enumerate() {
        assert_eq!(got[i], expected[i], "{codes:?}");
    }
    // Each one's top-level output is its own.
    assert_eq!(loaded_with(&[], BUDGET, Host::load_all), Ok(Vec::new()));
    let seen = loaded_with(&[&a, threw, &c], BUDGET, Host::load_all).unwrap();
    assert_eq!(seen[0].0, ["init a", "run a"]);
    assert_eq!(seen[1].0, ["init b"]);
    assert_eq!(
        seen[1].1,
        Some((FailureKind::Threw, "top-level".to_owned()))
    );
    assert_eq!(seen[2].0, ["init c", "run c"]);
    assert!(matches!(
        loaded_with(&[&a, no_handler], BUDGET, Host::load_all),
        Err(LoadError::NoHandler { file }) if file == "actions/a2.js"
    ));
    assert!(matches!(
        loaded_with(&[&a, syntax], BUDGET, Host::load_all),
        Err(LoadError::Syntax { file, .. }) if file == "actions/a2.js"
    ));
}

#[test]
fn an_action_that_overruns_its_initialisation_fails_alone_when_loaded_with_others() {
    let a = "console.log('init a'); exports.onExecutePostLogin = async () => {};";
    let looping = "console.log('init b'); for (;;) {}";
    let c = "exports.onExecutePostLogin = async () => { console.log('run c'); };";
    let seen = loaded_with(&[a, looping, c], Duration::from_millis(200), Host::load_all).unwrap();
    assert_eq!(seen[0], (vec!["init a".to_owned()], None));
    assert_eq!(seen[1].0, ["init b"]);
    assert_eq!(seen[1].1.as_ref().map(|f| f.0), Some(FailureKind::Timeout));
    // The third is loaded after the budget ran out: as one by one, it may
    // or may not finish before the watchdog strikes.
    assert_eq!(seen.len(), 3);
    assert!(
        seen[2] == (vec!["run c".to_owned()], None)
            || seen[2].1.as_ref().map(|f| f.0) == Some(FailureKind::Timeout),
        "{:?}",
        seen[2]
    );
}

/// Every api call's arguments go to the host as `JSON.stringify` text. What
/// it writes for plain data must be what it writes with a replacer of
/// `null` (the engine's general path), and getters, proxies and `toJSON`
/// must be honoured. Each value is written both ways and compared.
#[test]
fn json_stringify_of_plain_data_writes_what_the_generic_path_writes() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const both = (v) => {
            let fast, generic;
            try { fast = JSON.stringify(v); } catch (e) { fast = 'threw ' + e.name; }
            try { generic = JSON.stringify(v, null); } catch (e) { generic = 'threw ' + e.name; }
            return [fast, generic];
        };
        const cases = [];
        const sparse = [1, , 3];
        const long = [1, 2]; long.length = 4;
        const hidden = { a: 1 }; Object.defineProperty(hidden, 'b', { value: 2, enumerable: false });
        const symbolic = { a: 1, [Symbol('s')]: 2 };
        const deleted = { a: 1, b: 2, c: 3 }; delete deleted.b; deleted.b = 4;
        const cycle = { a: [] }; cycle.a.push(cycle);
        let deep = { leaf: 'x' }; for (let i = 0; i < 40; i++) deep = { d: [deep] };
        class Point { constructor() { this.x = 1; this.y = 2; } }
        cases.push(
            [[{ type: 'otp' }]], ['https://example.com/mfa', ['otp', 'webauthn-roaming']], {},
            [], [[]], [{}], { a: undefined, b: () => 1, c: Symbol('x'), d: null, e: true, f: false },
            [undefined, () => 1, Symbol('y'), null], { b: 1, 2: 1, a: 1, 1: 1 }, { 4294967294: 1, z: 2, 4294967295: 3 },
            { s: 'quote " backslash \\ nl \n tab \t cr \r bs \b ff \f nul \0 us \x1f del \x7f' },
            { s: 'lone \ud800 pair \ud83d\ude00 low \udc00 é ü 中' }, ['\u2028\u2029'],
            [0, -0, 1, -1, 2147483647, -2147483648, 2147483648, 0.1, 1e21, 1e-7, 123456789012345680000, NaN, Infinity, -Infinity],
            sparse, long, hidden, symbolic, deleted, cycle, deep, new Point(), Object.create(null),
            Object.assign(Object.create(null), { a: 1 }), Object.freeze({ a: [1] }), { __proto__: null, x: 1 },
            JSON.parse('{"__proto__": {"polluted": true}}'), [new Date(0)], { n: new Number(1), s: new String('s'), b: new Boolean(false) },
            new Proxy({ a: 1 }, {}), [new Proxy([1, 2], {})], new Map([[1, 2]]), [1n], { big: 2n }, new Uint8Array(2),
            { get g() { return 'got'; } }, Object.create({ inherited: 1 }), { toJSON() { return 'own'; } },
            (function () { return arguments; })(1, 2),
        );
        // Pseudo-random plain data (Math.random is seeded for each flow).
        const keys = ['a', 'b', 'type', 'name', '0', '10', 'é', 'x y', ''];
        const random = (depth) => {
            const r = Math.random();
            if (depth > 3 || r < 0.3) return [null, true, 7, -3.5, 'text', undefined, 2 ** 40][Math.floor(Math.random() * 7)];
            if (r < 0.65) return Array.from({ length: Math.floor(Math.random() * 4) }, () => random(depth + 1));
            const o = {};
            for (let i = Math.floor(Math.random() * 4); i > 0; i--) o[keys[Math.floor(Math.random() * keys.length)]] = random(depth + 1);
            return o;
        };
        for (let i = 0; i < 300; i++) cases.push(random(0));
        const mismatches = cases.map(both).filter(([f, g]) => f !== g);
        console.log(JSON.stringify(mismatches));
        // Hooks on the prototypes are honoured: the fast path must not
        // write these objects itself.
        Object.prototype.toJSON = function () { return 'proto'; };
        const protoHook = JSON.stringify([{ a: 1 }]);
        delete Object.prototype.toJSON;
        Object.defineProperty(Array.prototype, 'toJSON', { get() { return () => 'array getter'; }, configurable: true });
        const arrayHook = JSON.stringify({ list: [1] });
        delete Array.prototype.toJSON;
        console.log(protoHook, arrayHook, JSON.stringify({ b: 1, 2: 1, a: 1, 1: 1 }), JSON.stringify(long));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(inv.console[0].message, "[]", "fast and generic JSON differ");
    assert_eq!(
        inv.console[1].message,
        r#""proto" {"list":"array getter"} {"1":1,"2":1,"b":1,"a":1} [1,2,null,null]"#
    );
}

/// `JSON.parse` makes ordinary arrays: writable, enumerable, configurable
/// elements, a `length` that follows pushes, `Array.prototype`.
#[test]
fn json_parse_makes_ordinary_arrays() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const text = '[1,[],[2,[3,{"a":[4,5,"x"]}]],null,' + JSON.stringify(Array.from({ length: 1000 }, (_, i) => i)) + ']';
        const v = JSON.parse(text);
        const described = (a) => Object.entries(Object.getOwnPropertyDescriptors(a))
            .map(([k, d]) => `${k}:${d.writable}${d.enumerable}${d.configurable}`).join(' ');
        v[2].push('pushed');
        console.log(JSON.stringify(v) === text.replace(']],null', '],"pushed"],null'),
            Array.isArray(v[1]), v.length, v[4].length, v[4][999], described(v[2][1]),
            Object.getPrototypeOf(v[1]) === Array.prototype,
            JSON.stringify(JSON.parse('[1,2]', (k, x) => (typeof x === 'number' ? x * 10 : x))));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        "true true 5 1000 999 0:truetruetrue 1:truetruetrue length:truefalsefalse true [10,20]"
    );
}

/// Each closure is an ordinary function of its own, whatever was done to one
/// of its kind made before it (an engine may share one shape among them). The
/// expected lines are what Node prints for the same code, less the
/// `arguments` and `caller` own properties V8 gives sloppy functions, which
/// this engine never had.
#[test]
fn closures_made_in_a_kept_shape_are_ordinary_functions() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const make = () => [
            function named(a, b) {}, (x) => x, async (x, y, z) => x, function* gen() {},
            async function* agen(a) {}, class C {}, { method(a) {} }.method, function () {},
        ];
        const described = (f) => Reflect.ownKeys(f).map((k) => {
            const d = Object.getOwnPropertyDescriptor(f, k);
            return `${String(k)}=${typeof d.value === 'object' ? typeof d.value : String(d.value)}:${d.writable}${d.enumerable}${d.configurable}`;
        }).join(' ') + ' ' + Object.getPrototypeOf(f).constructor.name;
        const first = make();
        // Change the ones made first every way a function can change.
        first[0].extra = 1;
        Object.defineProperty(first[1], 'name', { value: 'renamed' });
        delete first[2].length;
        Object.setPrototypeOf(first[3], null);
        Object.freeze(first[4]);
        first[6].prototype;
        const later = make();
        console.log(later.map(described).join(' | '));
        console.log(later.every((f, i) => f !== first[i]), first[0].extra, later[0].extra,
            first[1].name, later[1].name, later[2].length, later[3] instanceof Object,
            Object.isFrozen(later[4]), later[1](7));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        "length=2:falsefalsetrue name=named:falsefalsetrue prototype=object:truefalsefalse Function \
         | length=1:falsefalsetrue name=:falsefalsetrue Function \
         | length=3:falsefalsetrue name=:falsefalsetrue AsyncFunction \
         | length=0:falsefalsetrue name=gen:falsefalsetrue prototype=object:truefalsefalse GeneratorFunction \
         | length=1:falsefalsetrue name=agen:falsefalsetrue prototype=object:truefalsefalse AsyncGeneratorFunction \
         | length=0:falsefalsetrue name=C:falsefalsetrue prototype=object:falsefalsefalse Function \
         | length=1:falsefalsetrue name=method:falsefalsetrue Function \
         | length=0:falsefalsetrue name=:falsefalsetrue prototype=object:truefalsefalse Function"
    );
    assert_eq!(
        inv.console[1].message,
        "true 1 undefined renamed  3 true false 7"
    );
}

/// Strings reach Rust as they are, whichever way the engine holds them
/// (Latin-1 or UTF-16, joined or sliced). Console lines and API arguments
/// both cross.
#[test]
fn strings_reach_rust_as_they_are() {
    let (tx, inv) = run(r#"exports.onExecutePostLogin = async (event, api) => {
        const long = 'é'.repeat(300) + 'ÿ';
        const rope = ['a', 'b', 'c'].reduce((s, c) => s + c + 'é'.repeat(40), '');
        const slice = 'xxcafé ÿxx'.repeat(50).slice(2, 8);
        for (const s of ['plain', 'café ÿ', '日本', '😀', '', long, rope, slice, 'é\u0000é']) console.log(s);
        api.idToken.setCustomClaim('k', [long, '日本 é', slice, event.user.user_id + 'ü']);
    };"#);
    assert_eq!(inv.failure, None);
    let long = format!("{}ÿ", "é".repeat(300));
    let rope = ["a", "b", "c"]
        .map(|c| format!("{c}{}", "é".repeat(40)))
        .concat();
    let lines: Vec<&str> = inv
        .console
        .iter()
        .map(|line| line.message.as_str())
        .collect();
    assert_eq!(
        lines,
        [
            "plain",
            "café ÿ",
            "日本",
            "😀",
            "",
            &long,
            &rope,
            "café ÿ",
            "é\u{0}é"
        ]
    );
    let calls = &tx.invocations()[0].calls;
    assert_eq!(calls[0].args[1], json!([long, "日本 é", "café ÿ", "u1ü"]));
}

/// An object keeps its properties, in order, as it grows, shrinks, shares
/// shapes with others and as others are freed. The expected line is what
/// Node prints for the same code.
#[test]
fn objects_keep_their_properties_as_their_arrays_grow_and_shrink() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const out = [];
        const show = (o) => Reflect.ownKeys(o).map((k) => `${String(k)}=${JSON.stringify(o[k])}`).join(",");
        // Literals, JSON.parse and constructors: each object's first array.
        const lit = { a: 1, b: 2 };
        const parsed = JSON.parse('{"x":1,"y":[1,2],"z":{"w":true}}');
        class P { constructor() { this.p = 1; this.q = 2; } }
        const inst = new P();
        const arr = [1, 2, 3];
        arr.extra = "e";
        // Grow past the first array, one key at a time.
        for (const o of [lit, parsed, inst, arr]) for (let i = 0; i < 30; i++) o["g" + i] = i;
        out.push([lit, parsed, inst, arr].map((o) => Object.keys(o).length).join(" "));
        // Delete most of them (compacts the array), then grow again.
        for (const o of [lit, parsed, inst]) {
          for (let i = 0; i < 28; i++) delete o["g" + i];
          for (let i = 0; i < 5; i++) o["h" + i] = -i;
        }
        out.push(show(lit), show(parsed), show(inst));
        // Two objects built the same way share shapes; one grows and shrinks alone.
        const twin = () => { const o = {}; o.m = 1; o.n = 2; o.o = 3; return o; };
        const t1 = twin(), t2 = twin();
        for (let i = 0; i < 12; i++) t1["k" + i] = i;
        for (let i = 0; i < 12; i++) delete t1["k" + i];
        t1.after = true;
        out.push(show(t1), show(t2), show(twin()));
        // A literal too big for the object's block, and symbols and accessors.
        const big = {};
        for (let i = 0; i < 60; i++) big["b" + i] = i;
        const copy = { ...big };
        const s = Symbol("s");
        const acc = { get v() { return 7; }, [s]: 1 };
        acc.more = 2;
        for (let i = 0; i < 10; i++) acc["a" + i] = i;
        out.push(Object.keys(copy).length + " " + copy.b59 + " " + acc.v + " " + acc[s] + " " + Object.keys(acc).join(""));
        // Frozen and sealed objects, and objects freed while others live.
        const keep = [];
        for (let i = 0; i < 200; i++) { const o = { i, j: i * 2 }; if (i % 7 === 0) keep.push(o); }
        Object.freeze(keep[0]);
        keep[1].k = 1;
        out.push(keep.map((o) => o.i + o.j + (o.k ?? 0)).join(","), Object.isFrozen(keep[0]));
        console.log(out.join(" | "));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        r#"32 33 32 34 | a=1,b=2,g28=28,g29=29,h0=0,h1=-1,h2=-2,h3=-3,h4=-4 | x=1,y=[1,2],z={"w":true},g28=28,g29=29,h0=0,h1=-1,h2=-2,h3=-3,h4=-4 | p=1,q=2,g28=28,g29=29,h0=0,h1=-1,h2=-2,h3=-3,h4=-4 | m=1,n=2,o=3,after=true | m=1,n=2,o=3 | m=1,n=2,o=3 | 60 59 7 1 vmorea0a1a2a3a4a5a6a7a8a9 | 0,22,42,63,84,105,126,147,168,189,210,231,252,273,294,315,336,357,378,399,420,441,462,483,504,525,546,567,588 | true"#
    );
}

/// Objects built the same way share shapes in the engine; each must still
/// change alone, in every way an object can. The expected lines are what
/// Node prints for the same code.
#[test]
fn objects_that_share_a_kept_shape_change_alone() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const make = () => { const o = {}; o.a = 1; o.b = 2; o.c = 3; return o; };
        const fn = () => { const f = () => 0; f.x = 1; f.y = 2; return f; };
        const bare = () => { const o = Object.create(null); o.p = 1; o.q = 2; return o; };
        const described = (o) => Reflect.ownKeys(o).map((k) => {
            const d = Object.getOwnPropertyDescriptor(o, k);
            return `${k}=${'value' in d ? d.value : 'get'}:${d.writable}${d.enumerable}${d.configurable}`;
        }).join(' ') + ` ${Object.isExtensible(o)}`;
        const changed = [make(), make(), make(), make(), make(), fn(), bare()];
        const [del, flags, frozen, getter, proto, f, b] = changed;
        delete del.b;
        del.b = 'again';
        Object.defineProperty(flags, 'a', { writable: false, enumerable: false });
        Object.freeze(frozen);
        Object.defineProperty(getter, 'c', { get: () => 'got', configurable: true });
        Object.setPrototypeOf(proto, { inherited: true });
        delete f.x;
        b.r = 3;
        const fresh = [make(), make(), make(), make(), make(), fn(), bare()];
        console.log(changed.map(described).join(' | '));
        console.log(fresh.map(described).join(' | '));
        // Many properties, past the kept sizes; and built in another order.
        const big = {};
        for (let i = 0; i < 40; i++) big['k' + i] = i;
        const other = {}; other.c = 3; other.b = 2; other.a = 1;
        console.log(Object.keys(big).length, big.k39, JSON.stringify(other), JSON.stringify(make()),
            proto.inherited, fresh[4].inherited, Object.getPrototypeOf(fresh[6]));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        "a=1:truetruetrue c=3:truetruetrue b=again:truetruetrue true \
         | a=1:falsefalsetrue b=2:truetruetrue c=3:truetruetrue true \
         | a=1:falsetruefalse b=2:falsetruefalse c=3:falsetruefalse false \
         | a=1:truetruetrue b=2:truetruetrue c=get:undefinedtruetrue true \
         | a=1:truetruetrue b=2:truetruetrue c=3:truetruetrue true \
         | length=0:falsefalsetrue name=f:falsefalsetrue y=2:truetruetrue true \
         | p=1:truetruetrue q=2:truetruetrue r=3:truetruetrue true"
    );
    let plain = "a=1:truetruetrue b=2:truetruetrue c=3:truetruetrue true";
    assert_eq!(
        inv.console[1].message,
        format!(
            "{plain} | {plain} | {plain} | {plain} | {plain} \
             | length=0:falsefalsetrue name=f:falsefalsetrue x=1:truetruetrue y=2:truetruetrue true \
             | p=1:truetruetrue q=2:truetruetrue true"
        )
    );
    assert_eq!(
        inv.console[2].message,
        r#"40 39 {"c":3,"b":2,"a":1} {"a":1,"b":2,"c":3} true undefined null"#
    );
}

/// Object literals make what Node makes: repeated, numeric, computed,
/// accessor, spread and `__proto__` keys, and class fields. The expected
/// lines are what Node prints.
#[test]
fn object_literals_make_what_node_makes() {
    let (_, inv) = run(r#"exports.onExecutePostLogin = async () => {
        const k = 'computed';
        class C { x = 1; ['y'] = 2; static s = 3; constructor() { this.z = 4; } }
        const seen = [
            { a: 1, b: 2, a: 3 },
            { 2: 'two', 1: 'one', b: 'b', [k]: 'c', 0: 'zero' },
            { get g() { return 'got'; }, g2: 1, set s(v) {}, ...{ spread: true }, after: 1 },
            { __proto__: { inherited: 1 }, own: 2 },
            { ['__proto__']: 'own proto key', x: 1 },
            new C(),
            Object.assign(Object.preventExtensions({}), {}),
        ];
        const described = (o) => Reflect.ownKeys(o).map((key) => {
            const d = Object.getOwnPropertyDescriptor(o, key);
            return `${String(key)}=${'value' in d ? String(d.value) : 'accessor'}:${d.writable}${d.enumerable}${d.configurable}`;
        }).join(' ') + ` ${Object.getPrototypeOf(o) === Object.prototype}`;
        console.log(seen.map(described).join(' | '));
        console.log(seen[3].inherited, C.s, JSON.stringify(seen[0]));
    };"#);
    assert_eq!(inv.failure, None);
    assert_eq!(
        inv.console[0].message,
        "a=3:truetruetrue b=2:truetruetrue true | 0=zero:truetruetrue 1=one:truetruetrue 2=two:truetruetrue b=b:truetruetrue computed=c:truetruetrue true | g=accessor:undefinedtruetrue g2=1:truetruetrue s=accessor:undefinedtruetrue spread=true:truetruetrue after=1:truetruetrue true | own=2:truetruetrue false | __proto__=own proto key:truetruetrue x=1:truetruetrue true | x=1:truetruetrue y=2:truetruetrue z=4:truetruetrue false |  true"
    );
    assert_eq!(inv.console[1].message, r#"1 3 {"a":3,"b":2}"#);
}
