//! A suite of flow files, as `actions test` runs it: discovery (`*.flow.json`
//! and `flow.json`), `expect` and golden-report checks, sharding, and
//! parallel execution, each flow on a runtime no other flow's code has run
//! in: a process forked for it from a zygote ([`Isolation::Process`]), or a
//! runtime made for it ([`Isolation::Runtime`]). Results come back in
//! discovery order, as soon as each one and all before it are done.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::expect::{self, Mismatch};
use crate::{Error, LoadedFlow, Overrides, Report};

/// Folders never searched for flow files.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", ".git"];

/// Finds flow files under `paths` (files are taken as given), sorted.
pub fn discover(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_file() {
            found.push(path.clone());
            continue;
        }
        let mut dirs = vec![path.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let entry = entry?;
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if entry.file_type()?.is_dir() {
                    if !SKIPPED_DIRS.contains(&name.as_ref()) {
                        dirs.push(path);
                    }
                } else if name == "flow.json" || name.ends_with(".flow.json") {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The golden report beside a flow file: `x.flow.json` → `x.report.json`,
/// `flow.json` → `report.json`.
pub fn golden_path(flow: &Path) -> PathBuf {
    let name = flow
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let golden = match name.strip_suffix(".flow.json") {
        Some(stem) => format!("{stem}.report.json"),
        None => "report.json".to_owned(),
    };
    flow.with_file_name(golden)
}

/// Keeps the flows of shard `index` (1-based) of `count`: every flow lands
/// in exactly one shard.
pub fn shard<T>(items: Vec<T>, index: usize, count: usize) -> Vec<T> {
    items
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % count == index - 1)
        .map(|(_, item)| item)
        .collect()
}

/// A report with what varies between runs (durations) zeroed, as goldens
/// store it.
pub fn normalise(report: &mut Value) {
    match report {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "duration_ms" {
                    *value = Value::from(0.0);
                } else {
                    normalise(value);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}

/// What became of one flow.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Status {
    /// Its `expect` matched and its golden report (if any) is unchanged.
    Passed,
    /// A mismatch: `expect` paths, or a golden report that differs.
    Failed {
        /// `expect` mismatches.
        mismatches: Vec<Mismatch>,
        /// Set when the golden report differs: its path.
        golden: Option<PathBuf>,
    },
    /// Nothing to check: no `expect` and no golden report.
    Skipped,
    /// The flow could not run (bad input, exit code 2).
    Error(String),
}

/// One flow's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FlowResult {
    /// The flow file.
    pub path: PathBuf,
    /// Its name (or file name).
    pub name: String,
    /// The verdict.
    pub status: Status,
    /// The run report (normalised), when it ran and [`Options::reports`]
    /// asked for it.
    pub report: Option<Value>,
    /// Wall time of the whole flow.
    pub duration: Duration,
    /// Warnings from loading it.
    pub warnings: Vec<String>,
}

/// Where each flow runs (docs/isolation.md compares the two).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Isolation {
    /// In a process of its own, forked from a zygote that holds a runtime
    /// with the glue loaded: the operating system ends it at its time limit
    /// whatever it is doing, bounds all the memory it maps, and contains a
    /// crash. Unix only; the suite falls back to [`Isolation::Runtime`]
    /// elsewhere, or when the calling process already has threads.
    #[default]
    Process,
    /// On a runtime made for it in this process.
    Runtime,
}

/// How to run a suite.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Limits and tenant.
    pub overrides: Overrides,
    /// Rewrite golden reports that exist.
    pub update: bool,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Keep each flow's normalised report in its result
    /// ([`FlowResult::report`]), as `actions test --json` prints them.
    pub reports: bool,
    /// Where each flow runs.
    pub isolation: Isolation,
}

/// Runs and checks one flow on a runtime made for it, in this process.
pub fn check(path: &Path, options: &Options) -> FlowResult {
    check_with(path, options, crate::run)
}

/// [`check`], with `run` running the flow once it is loaded.
fn check_with(
    path: &Path,
    options: &Options,
    run: impl FnOnce(&LoadedFlow) -> Result<Report, Error>,
) -> FlowResult {
    let started = Instant::now();
    let fallback_name = path.display().to_string();
    let flow = match LoadedFlow::load(path, options.overrides.clone()) {
        Ok(flow) => flow,
        Err(error) => return errored(path, fallback_name, error.to_string(), started),
    };
    let report = match run(&flow) {
        Ok(report) => report,
        Err(error) => return errored(path, flow.name.clone(), error.to_string(), started),
    };
    let golden_path = golden_path(path);
    let has_golden = golden_path.is_file();
    let expected = flow.file.expect.as_ref();
    // The whole report as JSON only when something reads it all: a golden
    // report, the caller, or an `expect` that is not an object.
    let whole = (has_golden || options.reports || expected.is_some_and(|e| !e.is_object()))
        .then(|| serde_json::to_value(&report).expect("reports serialise"));
    let mismatches = match (expected, &whole) {
        (None, _) => Vec::new(),
        (Some(expected), Some(whole)) => expect::check(expected, whole),
        (Some(expected), None) => {
            // `expect` names a few keys: a scan of them costs less than
            // hashing each of the report's.
            let named = Value::Object(report.members(|key| {
                expected
                    .as_object()
                    .is_some_and(|names| names.keys().any(|name| name == key))
            }));
            expect::check(expected, &named)
        }
    };
    let report = whole.map(|mut report| {
        normalise(&mut report);
        report
    });
    let mut golden = None;
    if let Some(report) = report.as_ref().filter(|_| has_golden) {
        if options.update {
            let text = serde_json::to_string_pretty(&report).expect("reports serialise") + "\n";
            if let Err(error) = std::fs::write(&golden_path, text) {
                return errored(
                    path,
                    flow.name,
                    format!("cannot write `{}`: {error}", golden_path.display()),
                    started,
                );
            }
        } else {
            let stored = std::fs::read_to_string(&golden_path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok());
            if stored.as_ref() != Some(report) {
                golden = Some(golden_path.clone());
            }
        }
    }
    let status = if !mismatches.is_empty() || golden.is_some() {
        Status::Failed { mismatches, golden }
    } else if flow.file.expect.is_none() && !has_golden {
        Status::Skipped
    } else {
        Status::Passed
    };
    FlowResult {
        path: path.to_owned(),
        name: flow.name,
        status,
        report: report.filter(|_| options.reports),
        duration: started.elapsed(),
        warnings: flow.warnings,
    }
}

fn errored(path: &Path, name: String, message: String, started: Instant) -> FlowResult {
    FlowResult {
        path: path.to_owned(),
        name,
        status: Status::Error(message),
        report: None,
        duration: started.elapsed(),
        warnings: Vec::new(),
    }
}

/// Runs `flows` on `options.jobs` threads and hands each result to
/// `on_result` in the order of `flows`. [`Isolation::Process`] falls back to
/// [`Isolation::Runtime`] where it cannot be had, and returns why.
///
/// The worker that finishes the next flow in order hands out its result and
/// any later ones that were waiting for it, so no thread wakes another per
/// flow.
pub fn run(
    flows: &[PathBuf],
    options: &Options,
    on_result: impl FnMut(FlowResult) + Send,
) -> Option<String> {
    let jobs = options.jobs.clamp(1, flows.len().max(1));
    let next = AtomicUsize::new(0);
    let in_order = Mutex::new(InOrder {
        waiting: HashMap::new(),
        cursor: 0,
        on_result,
    });
    // Before any thread starts: the zygotes are forked from this process.
    let (zygotes, fallback) = match options.isolation {
        Isolation::Process => match zygotes(flows, options, jobs) {
            Ok(workers) => (Some(workers), None),
            Err(why) => (None, Some(why)),
        },
        Isolation::Runtime => (None, None),
    };
    let workers: Vec<Option<Worker>> = match zygotes {
        Some(workers) => workers.into_iter().map(Some).collect(),
        None => (0..jobs).map(|_| None).collect(),
    };
    std::thread::scope(|scope| {
        for mut worker in workers {
            let (next, in_order) = (&next, &in_order);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = flows.get(index) else { break };
                let result = match worker.as_mut() {
                    Some(worker) => check_in_process_of_its_own(worker, index, path, options),
                    None => check(path, options),
                };
                in_order
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .hand_out(index, result);
            });
        }
    });
    fallback
}

#[cfg(unix)]
type Worker = actions_sandbox::Worker;
#[cfg(not(unix))]
type Worker = std::convert::Infallible;

/// Forks `jobs` zygotes, each holding a runtime with the glue loaded; each
/// flow then runs in a child of one of them, on a copy of that runtime.
/// An error, saying why, where that cannot be had.
#[cfg(unix)]
fn zygotes(flows: &[PathBuf], options: &Options, jobs: usize) -> Result<Vec<Worker>, String> {
    let prepare = || {
        let mut host = actions_runtime::Host::new(actions_runtime::HostOptions::default())?;
        host.preload_web()?;
        Ok(host)
    };
    let job = |host: &mut Result<actions_runtime::Host, actions_runtime::HostError>,
               index: usize,
               sandbox: &mut actions_sandbox::Job| {
        let path = &flows[index];
        let result = match host {
            Ok(host) => check_with(path, options, |flow| {
                if let Err(error) = sandbox.limits(crate::process::limits(flow)) {
                    return Err(Error::Engine(actions_runtime::HostError(format!(
                        "cannot set the flow's limits: {error}"
                    ))));
                }
                crate::run_on(flow, host)
            }),
            Err(error) => errored(
                path,
                path.display().to_string(),
                error.to_string(),
                Instant::now(),
            ),
        };
        serde_json::to_vec(&result).expect("results serialise")
    };
    actions_sandbox::Pool::start(jobs, crate::process::LOAD_TIME, prepare, job)
        .map(actions_sandbox::Pool::into_workers)
        .map_err(|error| error.to_string())
}

#[cfg(not(unix))]
fn zygotes(_: &[PathBuf], _: &Options, _: usize) -> Result<Vec<Worker>, String> {
    Err("processes of their own need fork (Unix)".to_owned())
}

/// Runs flow `index` in a child of `worker`'s zygote; the result of a child
/// that died is made here, from the flow file.
#[cfg(unix)]
fn check_in_process_of_its_own(
    worker: &mut Worker,
    index: usize,
    path: &Path,
    options: &Options,
) -> FlowResult {
    let started = Instant::now();
    let outcome = match worker.run(index) {
        Ok(outcome) => outcome,
        Err(error) => {
            return errored(
                path,
                path.display().to_string(),
                format!("the worker process that runs flows failed: {error}"),
                started,
            )
        }
    };
    let died = match crate::process::finished(outcome) {
        Ok(bytes) => {
            return serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                errored(
                    path,
                    path.display().to_string(),
                    format!("the flow's process sent a result that cannot be read: {error}"),
                    started,
                )
            })
        }
        Err(died) => died,
    };
    let mut result = check_with(path, options, |flow| Ok(died.report(flow)));
    result.duration = started.elapsed();
    result
}

#[cfg(not(unix))]
fn check_in_process_of_its_own(worker: &mut Worker, _: usize, _: &Path, _: &Options) -> FlowResult {
    match *worker {}
}

/// Results in flow order: only the few that overtook a slower flow wait.
struct InOrder<F> {
    waiting: HashMap<usize, FlowResult>,
    cursor: usize,
    on_result: F,
}

impl<F: FnMut(FlowResult)> InOrder<F> {
    fn hand_out(&mut self, index: usize, result: FlowResult) {
        if index != self.cursor {
            self.waiting.insert(index, result);
            return;
        }
        (self.on_result)(result);
        self.cursor += 1;
        while let Some(result) = self.waiting.remove(&self.cursor) {
            (self.on_result)(result);
            self.cursor += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_paths() {
        assert_eq!(
            golden_path(Path::new("a/b/login.flow.json")),
            Path::new("a/b/login.report.json")
        );
        assert_eq!(
            golden_path(Path::new("a/flow.json")),
            Path::new("a/report.json")
        );
    }

    #[test]
    fn results_are_handed_out_in_flow_order_whatever_order_they_finish_in() {
        let mut seen = Vec::new();
        let mut in_order = InOrder {
            waiting: HashMap::new(),
            cursor: 0,
            on_result: |result: FlowResult| seen.push(result.name),
        };
        for index in [2, 0, 4, 3, 1, 5] {
            let result = errored(
                Path::new("f"),
                index.to_string(),
                String::new(),
                Instant::now(),
            );
            in_order.hand_out(index, result);
        }
        assert!(in_order.waiting.is_empty());
        assert_eq!(seen, ["0", "1", "2", "3", "4", "5"]);
    }

    /// `expect` is checked against only the members it names
    /// (`Report::members`): over every example flow, those members must be
    /// the whole report's, and an `expect` naming every member (all wrong)
    /// must get the same mismatches either way.
    #[test]
    fn flow_file_4_expect_sees_the_members_it_names_as_the_whole_report_has_them() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../actions");
        let flows = discover(&[examples]).expect("the examples are readable");
        assert!(flows.len() >= 10, "{flows:?}");
        for path in &flows {
            let flow = LoadedFlow::load(path, Overrides::default()).expect("an example loads");
            let report = crate::run(&flow).expect("an example runs");
            let Value::Object(whole) = serde_json::to_value(&report).expect("reports serialise")
            else {
                panic!("a report is an object");
            };
            let all = report.members(|_| true);
            assert_eq!(
                all.keys().collect::<Vec<_>>(),
                whole.keys().collect::<Vec<_>>(),
                "{}",
                path.display()
            );
            assert_eq!(all, whole, "{}", path.display());
            let some = report.members(|key| key == "outcome" || key == "mfa");
            assert_eq!(some.keys().collect::<Vec<_>>(), ["outcome", "mfa"]);

            let wrong: serde_json::Map<String, Value> = whole
                .keys()
                .map(|key| (key.clone(), serde_json::json!({ "no": 1 })))
                .chain([("not_a_member".to_owned(), Value::from(1))])
                .collect();
            let wrong = Value::Object(wrong);
            let named = Value::Object(report.members(|key| wrong.get(key).is_some()));
            let whole = Value::Object(whole);
            let from_named = expect::check(&wrong, &named);
            assert_eq!(from_named, expect::check(&wrong, &whole));
            assert_eq!(from_named.len(), all.len() + 1, "{}", path.display());
            // The example's own `expect`: the same verdict either way (not
            // necessarily a pass: `sign-jwt` needs its `npm install`).
            if let Some(expected) = &flow.file.expect {
                let named = Value::Object(report.members(|key| expected.get(key).is_some()));
                assert_eq!(
                    expect::check(expected, &named),
                    expect::check(expected, &whole),
                    "{}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn shards_cover_every_flow_exactly_once() {
        let items: Vec<usize> = (0..103).collect();
        let mut seen: Vec<usize> = (1..=4).flat_map(|i| shard(items.clone(), i, 4)).collect();
        seen.sort();
        assert_eq!(seen, items);
    }
}
