//! Flows cannot observe each other (issue 21). For each channel a flow could
//! use to reach a later one on the same worker, an attacker flow and a
//! victim flow run in one `actions test`, with one worker and with the
//! default, in both orders: the victim's report must be byte-identical to
//! its report when it runs alone, and no flow's secret may appear in another
//! flow's output. Then the bypasses of the limits: each ends with the right
//! verdict and the suite carries on.

use std::path::Path;

use proptest::prelude::Strategy;
use serde_json::Value;

mod common;
use common::actions;

/// Writes a flow file whose one Action is `code`, with a secret.
fn write_flow(dir: &Path, file: &str, code: &str, secret: &str) {
    let flow = serde_json::json!({
        "name": file,
        "actions": [{ "name": "a", "code": code, "secrets": { "TOKEN": secret } }],
        "clock": "2026-01-01T00:00:00Z",
        "limits": { "timeout_ms": 2000 },
    });
    std::fs::write(dir.join(file), flow.to_string()).unwrap();
}

/// `actions test --json` over `dir`: each flow's file name and report.
fn reports(dir: &Path, extra: &[&str]) -> (Vec<(String, Value)>, String) {
    results_of(&actions(
        dir,
        &[&["test", "--json"], extra, &["."]].concat(),
    ))
}

/// The results `actions test --json` printed: each flow's file name and
/// report, and all its output.
fn results_of(out: &std::process::Output) -> (Vec<(String, Value)>, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines = stdout
        .lines()
        .map(|line| {
            let result: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let file = Path::new(result["flow"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, result["report"].clone())
        })
        .collect();
    (lines, stdout + &String::from_utf8_lossy(&out.stderr))
}

/// [`reports`], sampling the resident memory of `actions` and every process
/// under it every 5 ms while it runs: the results, the output, and the peak
/// of the sum, in KiB (pages a child shares with its zygote count twice, so
/// this overstates).
fn reports_and_peak_memory(dir: &Path, extra: &[&str]) -> (Vec<(String, Value)>, String, u64) {
    let mut peak = 0;
    let out = common::actions_watched(
        dir,
        &[&["test", "--json"], extra, &["."]].concat(),
        std::time::Duration::from_secs(120),
        std::time::Duration::from_millis(5),
        |pid| peak = peak.max(tree_resident_kib(pid)),
    );
    let (lines, output) = results_of(&out);
    (lines, output, peak)
}

/// The resident memory of `pid` and every process under it, in KiB (Linux).
fn tree_resident_kib(pid: u32) -> u64 {
    let mut parents = std::collections::HashMap::<u32, Vec<u32>>::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1));
        if let Some(ppid) = ppid.and_then(|p| p.parse().ok()) {
            parents.entry(ppid).or_default().push(child);
        }
    }
    let mut total = 0;
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        total += std::fs::read_to_string(format!("/proc/{p}/status"))
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .unwrap_or(0);
        todo.extend(parents.get(&p).into_iter().flatten());
    }
    total
}

/// A victim that reports what it sees of the realm.
const VICTIM: &str = r#"exports.onExecutePostLogin = async (event, api) => {
    const seen = {
        call: String(Function.prototype.call).slice(0, 40),
        toString: String(Object.prototype.toString).slice(0, 40),
        asyncProto: Object.getOwnPropertyNames(Object.getPrototypeOf(async function () {})).sort().join(","),
        stack: typeof Error.prepareStackTrace + "/" + Error.stackTraceLimit,
        env: Object.keys(process.env).sort().join(","),
        intl: typeof Intl.DateTimeFormat,
        stolen: typeof globalThis.stolen,
        json: JSON.stringify({ a: [1, 2] }),
        web: [
            String(URL.prototype.toString).slice(0, 40),
            new URL("https://a.example/x?y=1").searchParams.get("y"),
            new Headers({ "x-a": "1" }).get("x-a"),
            typeof structuredClone,
            typeof fetch,
            String(crypto.getRandomValues).slice(0, 40),
        ].join("|"),
    };
    seen.web += "|" + (await new Response("body").text());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const big = [];
    for (let i = 0; i < 40; i++) big.push(new Array(1e5).fill(i));
    api.idToken.setCustomClaim("seen", seen);
    api.idToken.setCustomClaim("secret_length", event.secrets.TOKEN.length);
};"#;

/// Each channel: the attacker's code. Every one installs something that
/// would show in the victim's report, or steal its secret, if it reached it.
const ATTACKERS: &[(&str, &str)] = &[
    (
        "function_prototype",
        r#"
        Function.prototype.call = function () { return "hooked"; };
        Object.prototype.toString = function () { globalThis.stolen = JSON.stringify(this); return "[object Hooked]"; };
        exports.onExecutePostLogin = async () => {};"#,
    ),
    (
        "hidden_intrinsics",
        r#"
        const AsyncFunction = Object.getPrototypeOf(async function () {});
        AsyncFunction.injected = 1;
        Object.getPrototypeOf([][Symbol.iterator]()).injected = 1;
        Object.getPrototypeOf(Int8Array).injected = 1;
        exports.onExecutePostLogin = async () => {};"#,
    ),
    (
        "engine_settings",
        r#"
        Error.prepareStackTrace = () => "hooked";
        Error.stackTraceLimit = 1;
        process.env.INJECTED = "1";
        Intl.DateTimeFormat = 42;
        JSON.stringify = () => "hooked";
        exports.onExecutePostLogin = async () => {};"#,
    ),
    (
        "pending_work",
        r#"
        exports.onExecutePostLogin = async (event, api) => {
            setTimeout(() => { api.access.deny("injected from another flow"); globalThis.stolen = 1; }, 5);
            new FinalizationRegistry(() => { api.idToken.setCustomClaim("injected", 1); }).register({}, 1);
            Promise.resolve().then(() => new Promise(() => {}));
            fetch("https://example.com/").catch(() => api.idToken.setCustomClaim("late", 1));
        };"#,
    ),
    (
        // The web platform's files, which the zygotes load before they fork.
        "web_platform",
        r#"
        URL.prototype.toString = () => "hooked";
        URLSearchParams.prototype.get = () => "hooked";
        Headers.prototype.get = () => "hooked";
        Response.prototype.text = async () => "hooked";
        globalThis.structuredClone = 42;
        globalThis.fetch = 42;
        crypto.getRandomValues = () => "hooked";
        exports.onExecutePostLogin = async () => {};"#,
    ),
    (
        "kept_memory",
        r#"
        globalThis.hoard = [];
        for (let i = 0; i < 60; i++) globalThis.hoard.push(new Array(1e5).fill(i));
        exports.onExecutePostLogin = async () => {};"#,
    ),
    (
        "secret_thief",
        r#"
        const steal = (o) => { try { globalThis.stolen = JSON.stringify(o); } catch {} };
        Object.defineProperty(Object.prototype, "TOKEN", { set(v) { steal(v); }, get() { return globalThis.stolen; }, configurable: true });
        exports.onExecutePostLogin = async (event, api) => {
            api.idToken.setCustomClaim("stolen", String(globalThis.stolen));
        };"#,
    ),
];

const VICTIM_SECRET: &str = "victim-secret-4f1d";
const ATTACKER_SECRET: &str = "attacker-secret-9c2e";

#[test]
fn no_flow_observes_another_whatever_runs_before_it() {
    // The victim alone: what every later run must reproduce.
    let solo = tempfile::tempdir().unwrap();
    write_flow(solo.path(), "v.flow.json", VICTIM, VICTIM_SECRET);
    let (alone, _) = reports(solo.path(), &["--jobs", "1"]);
    let alone = alone[0].1.clone();
    assert_eq!(alone["outcome"], "allowed", "{alone}");
    assert_eq!(alone["id_token"]["claims"]["seen"]["stolen"], "undefined");

    for (channel, attacker) in ATTACKERS {
        // Both orders (file names sort), each attacker twice around the victim.
        let dir = tempfile::tempdir().unwrap();
        write_flow(dir.path(), "a1.flow.json", attacker, ATTACKER_SECRET);
        write_flow(dir.path(), "b.flow.json", VICTIM, VICTIM_SECRET);
        write_flow(dir.path(), "c1.flow.json", attacker, ATTACKER_SECRET);
        write_flow(dir.path(), "d.flow.json", VICTIM, VICTIM_SECRET);
        for jobs in [&["--jobs", "1"][..], &[][..]] {
            let (results, output) = reports(dir.path(), jobs);
            assert_eq!(results.len(), 4, "{channel}: {output}");
            for (file, report) in &results {
                if file.starts_with('b') || file.starts_with('d') {
                    let mut report = report.clone();
                    report["flow"] = alone["flow"].clone();
                    assert_eq!(
                        report, alone,
                        "{channel} {jobs:?}: the victim {file} saw the attacker"
                    );
                } else {
                    let text = report.to_string();
                    assert!(
                        !text.contains(VICTIM_SECRET),
                        "{channel} {jobs:?}: {file} stole the victim's secret: {text}"
                    );
                }
            }
            assert!(
                !output.contains(VICTIM_SECRET) && !output.contains(ATTACKER_SECRET),
                "{channel} {jobs:?}: a secret reached the output"
            );
        }
    }
}

#[test]
fn runaway_flows_end_with_their_verdict_and_the_suite_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        // Blocks the thread: only the operating system can end it.
        (
            "a_atomics_wait",
            "timeout",
            r#"exports.onExecutePostLogin = async () => {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };"#,
        ),
        // Backing stores outside the JS heap.
        (
            "b_shared_buffers",
            "memory_limit",
            r#"exports.onExecutePostLogin = async () => {
            const kept = []; for (;;) { const b = new SharedArrayBuffer(16 << 20); new Uint8Array(b).fill(1); kept.push(b); } };"#,
        ),
        (
            "c_array_buffers",
            "memory_limit",
            r#"exports.onExecutePostLogin = async () => {
            const kept = []; for (;;) { const b = new ArrayBuffer(16 << 20); new Uint8Array(b).fill(1); kept.push(b); } };"#,
        ),
        (
            "d_busy_getter",
            "timeout",
            r#"exports.onExecutePostLogin = async (event, api) => {
            api.idToken.setCustomClaim("x", { get y() { for (;;) {} } }); };"#,
        ),
    ];
    for (file, _, code) in cases {
        let flow = serde_json::json!({
            "actions": [{ "name": "a", "code": code }],
            "limits": { "timeout_ms": 500, "memory_mb": 32 },
        });
        std::fs::write(
            dir.path().join(format!("{file}.flow.json")),
            flow.to_string(),
        )
        .unwrap();
    }
    write_flow(dir.path(), "z_after.flow.json", VICTIM, VICTIM_SECRET);
    let started = std::time::Instant::now();
    let (results, output, peak_kib) = reports_and_peak_memory(dir.path(), &["--jobs", "1"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "{output}"
    );
    // Each flood stops at its 32 MiB heap cap plus 64 MiB past where its
    // process started (a zygote's copy of about 20 MiB); unstopped, they
    // grow by 16 MiB every few milliseconds until the machine runs out.
    assert!(
        peak_kib < 320 * 1024,
        "the suite's processes reached {} MiB resident",
        peak_kib / 1024
    );
    assert_eq!(results.len(), cases.len() + 1, "{output}");
    for ((file, code, _), (got_file, report)) in cases.iter().zip(&results) {
        assert!(got_file.starts_with(file), "{got_file}");
        assert_eq!(report["outcome"], "failed", "{file}: {report}");
        assert_eq!(report["error"]["code"], *code, "{file}: {report}");
    }
    assert_eq!(results[cases.len()].1["outcome"], "allowed", "{output}");
}

#[test]
fn the_engine_s_own_globals_are_hidden() {
    let dir = tempfile::tempdir().unwrap();
    write_flow(
        dir.path(),
        "g.flow.json",
        r#"exports.onExecutePostLogin = async (event, api) => {
            api.idToken.setCustomClaim("globals", Reflect.ownKeys(globalThis).map(String).filter((k) => /^__|^Deno$|^gc$/.test(k)));
        };"#,
        "s",
    );
    let (results, output) = reports(dir.path(), &[]);
    assert_eq!(
        results[0].1["id_token"]["claims"]["globals"],
        serde_json::json!([]),
        "{output}"
    );
}

/// Every flow folder under `tests/specs/` and `actions/` that needs no npm
/// install, sorted.
fn spec_and_example_flows() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found =
        actions_flow::suite::discover(&[root.join("tests/specs"), root.join("actions")]).unwrap();
    found
        .into_iter()
        .filter(|flow| !flow.with_file_name("package.json").exists())
        .map(|flow| flow.parent().unwrap().to_path_buf())
        .collect()
}

/// Copies the flow folder `from` (its files and subfolders) to `to`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `actions test --jobs 1 --json` over `dir`: the normalised report of each
/// flow, by the name of its folder (the first component under `dir`).
fn reports_by_folder(dir: &Path) -> std::collections::BTreeMap<String, Value> {
    let stdout =
        String::from_utf8_lossy(&actions(dir, &["test", "--jobs", "1", "--json", "."]).stdout)
            .into_owned();
    stdout
        .lines()
        .map(|line| {
            let result: Value = serde_json::from_str(line).unwrap();
            let folder = Path::new(result["flow"].as_str().unwrap())
                .components()
                .find_map(|c| match c {
                    std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                    _ => None,
                })
                .unwrap();
            let mut report = result["report"].clone();
            actions_flow::suite::normalise(&mut report);
            (folder, report)
        })
        .collect()
}

/// Each flow folder and its normalised report when it runs alone.
static SOLO: std::sync::LazyLock<Vec<(std::path::PathBuf, Value)>> =
    std::sync::LazyLock::new(|| {
        spec_and_example_flows()
            .into_iter()
            .map(|folder| {
                let dir = tempfile::tempdir().unwrap();
                copy_folder(&folder, &dir.path().join("solo"));
                let mut reports = reports_by_folder(dir.path());
                let report = reports.remove("solo").unwrap();
                (folder, report)
            })
            .collect()
    });

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        // Each case is one `actions test` run of up to every flow; the
        // cases are few, the flows in each many.
        cases: 12,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Random subsets of the spec and example flows, in random orders on
    /// one worker: each flow's report is its report when it runs alone.
    #[test]
    fn any_subset_in_any_order_reports_as_each_flow_alone(
        picks in proptest::sample::subsequence((0..SOLO.len()).collect::<Vec<_>>(), 2..=SOLO.len())
            .prop_shuffle()
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (order, &index) in picks.iter().enumerate() {
            copy_folder(&SOLO[index].0, &dir.path().join(format!("{order:03}-{index:03}")));
        }
        let together = reports_by_folder(dir.path());
        proptest::prop_assert_eq!(together.len(), picks.len());
        for (order, &index) in picks.iter().enumerate() {
            let report = &together[&format!("{order:03}-{index:03}")];
            proptest::prop_assert!(
                report == &SOLO[index].1,
                "{} after {:?} differs from its solo report",
                SOLO[index].0.display(),
                picks[..order].iter().map(|&i| SOLO[i].0.file_name().unwrap().to_owned()).collect::<Vec<_>>()
            );
        }
    }
}
