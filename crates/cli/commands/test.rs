//! `actions test [PATH...]`: finds flow files, runs them in parallel, each
//! in a process of its own (`docs/isolation.md`), checks each one's `expect`
//! and golden report, and reports the way CI systems expect: a line per flow (or a progress bar on a
//! terminal), `--json` lines, `--junit` XML, and the closing line
//! `N passed, M failed[, K skipped]`. Exit code 0 all matched, 1 a mismatch,
//! 2 bad input.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Instant;

use actions_flow::suite::{self, FlowResult, Options, Status};
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::render::{self, style::Paint};

/// Standard output for the per-flow lines. A terminal gets each line as it
/// comes. A pipe or file gets them in blocks, flushed at least every
/// [`Output::LIVE`] so a CI log still moves: a write per line cost about 7 %
/// of a 1,000-flow suite (BENCHMARKS.md).
struct Output {
    writer: std::io::BufWriter<std::io::Stdout>,
    live: bool,
    flushed: Instant,
}

impl Output {
    const LIVE: std::time::Duration = std::time::Duration::from_millis(200);

    fn new() -> Output {
        Output {
            writer: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            live: std::io::stdout().is_terminal(),
            flushed: Instant::now(),
        }
    }

    fn line(&mut self, text: std::fmt::Arguments) {
        let _ = self.writer.write_fmt(text);
        if self.live || self.flushed.elapsed() >= Self::LIVE {
            let _ = self.writer.flush();
            self.flushed = Instant::now();
        }
    }

    /// Flushes what is left, and gives standard output back.
    fn finish(mut self) -> std::io::Stdout {
        let _ = self.writer.flush();
        std::io::stdout()
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// Flow files, or folders searched for `*.flow.json` and `flow.json` (default: `.`).
    paths: Vec<PathBuf>,
    /// Print one JSON result per flow on stdout (the summary goes to stderr).
    #[arg(long)]
    json: bool,
    /// Write JUnit XML to FILE.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Run only the flows whose path or name contains PATTERN.
    #[arg(long, value_name = "PATTERN")]
    filter: Option<String>,
    /// Run only shard I of N (1-based), for CI job matrices: every flow lands in exactly one shard.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Rewrite the golden reports (`report.json`, `NAME.report.json`) of flows that have one.
    #[arg(long)]
    update: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// Where each flow runs: `process`, a process of its own forked from a
    /// prepared one, with its time and memory limits enforced by the
    /// operating system (Unix); `runtime`, a JS runtime of its own in this
    /// process, limits enforced by the engine (docs/isolation.md).
    #[arg(long, value_enum, default_value_t = IsolationArg::Process)]
    isolation: IsolationArg,
    #[command(flatten)]
    flow_args: super::FlowArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum IsolationArg {
    Process,
    Runtime,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Shard {
    index: usize,
    count: usize,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = s
            .split_once('/')
            .and_then(|(i, n)| Some((i.parse().ok()?, n.parse().ok()?)));
        match parsed {
            Some((index, count)) if count >= 1 && (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "`{s}` is not a shard: expected I/N with 1 <= I <= N, e.g. 2/4"
            )),
        }
    }
}

pub(crate) fn run(args: &TestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for path in &paths {
        if !path.exists() {
            bail!("`{}` does not exist", path.display());
        }
    }
    let mut flows = suite::discover(&paths).context("searching for flow files")?;
    if let Some(pattern) = &args.filter {
        flows.retain(|path| {
            path.display().to_string().contains(pattern.as_str())
                || flow_name(path).is_some_and(|n| n.contains(pattern.as_str()))
        });
    }
    if let Some(shard) = args.shard {
        flows = suite::shard(flows, shard.index, shard.count);
    }
    if flows.is_empty() {
        bail!(
            "no flow files (`*.flow.json`, `flow.json`) under {}{}",
            paths
                .iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", "),
            if args.filter.is_some() || args.shard.is_some() {
                " match the filter/shard"
            } else {
                ""
            }
        );
    }

    let options = Options {
        overrides: args.flow_args.overrides()?,
        update: args.update,
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        // Only the JSON lines print each flow's report.
        reports: args.json,
        isolation: match args.isolation {
            IsolationArg::Process => suite::Isolation::Process,
            IsolationArg::Runtime => suite::Isolation::Runtime,
        },
    };
    let terminal = std::io::stderr().is_terminal() && !args.json;
    let colour = render::use_colour(if args.json {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    });
    let p = Paint(colour);
    let bar = terminal.then(|| {
        let bar = ProgressBar::new(flows.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} flows {msg}",
            )
            .expect("a valid template"),
        );
        bar
    });

    // Counts for the summary; whole results only when JUnit needs them, so
    // a suite of many thousands of flows runs in flat memory.
    let mut tally = Tally::default();
    let mut results = Vec::new();
    // Results may be handed out on any worker thread, so no lock is held
    // between them.
    let out = std::sync::Mutex::new(Output::new());
    let fallback = suite::run(&flows, &options, |result| {
        if args.json {
            out.lock()
                .expect("no writer panics")
                .line(format_args!("{}\n", json_line(&result)));
        } else {
            let text = human_line(&result, p);
            match &bar {
                Some(bar) if matches!(result.status, Status::Passed) => {}
                Some(bar) => bar.println(text.trim_end()),
                None => out
                    .lock()
                    .expect("no writer panics")
                    .line(format_args!("{text}")),
            }
        }
        if let Some(bar) = &bar {
            bar.inc(1);
        }
        tally.add(&result.status);
        if args.junit.is_some() {
            let mut result = result;
            result.report = None;
            results.push(result);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Some(why) = fallback {
        eprintln!(
            "warning: the flows ran in this process, each on a runtime of its own (`--isolation runtime`), not in processes of their own ({why}): a flow blocked in a native call could not be stopped"
        );
    }
    let mut stdout = out.into_inner().expect("no writer panics").finish();

    if let Some(file) = &args.junit {
        std::fs::write(file, render::junit::junit(&results, started.elapsed()))
            .with_context(|| format!("writing JUnit XML to `{}`", file.display()))?;
    }
    let Tally {
        passed,
        failed,
        errors,
        skipped,
    } = tally;
    let total = passed + failed + skipped;
    let mut summary = format!("{passed} passed, {failed} failed");
    if skipped > 0 {
        summary.push_str(&format!(", {skipped} skipped"));
    }
    let timing = format!(
        "{} flows in {:.2} s on {} threads",
        total,
        started.elapsed().as_secs_f64(),
        options.jobs.min(total)
    );
    if args.json {
        eprintln!("{timing}\n{summary}");
    } else {
        let _ = writeln!(stdout, "{}\n{summary}", p.dim(&timing));
    }
    Ok(ExitCode::from(if errors > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }))
}

/// How many flows ended each way.
#[derive(Debug, Default)]
struct Tally {
    passed: usize,
    /// Failed or could not run.
    failed: usize,
    /// Could not run (bad input).
    errors: usize,
    skipped: usize,
}

impl Tally {
    fn add(&mut self, status: &Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed { .. } => self.failed += 1,
            Status::Error(_) => {
                self.failed += 1;
                self.errors += 1;
            }
            Status::Skipped => self.skipped += 1,
        }
    }
}

/// The flow's `name`, read cheaply for `--filter`.
fn flow_name(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    value.get("name")?.as_str().map(str::to_owned)
}

fn human_line(result: &FlowResult, p: Paint) -> String {
    let path = result.path.display();
    let ms = result.duration.as_secs_f64() * 1000.0;
    let mut out = String::new();
    for warning in &result.warnings {
        out.push_str(&format!("{} {path}: {warning}\n", p.yellow("warning:")));
    }
    match &result.status {
        Status::Passed => out.push_str(&format!(
            "{} {path} {}\n",
            p.green("PASS "),
            p.dim(&format!("({ms:.1} ms)"))
        )),
        Status::Skipped => out.push_str(&format!(
            "{} {path} {}\n",
            p.yellow("SKIP "),
            p.dim("(no expect block and no golden report)")
        )),
        Status::Error(message) => out.push_str(&format!(
            "{} {path}\n      {} {message}\n",
            p.red_bold("ERROR"),
            p.red("error:")
        )),
        Status::Failed { .. } => {
            out.push_str(&format!(
                "{} {path} {}\n",
                p.red_bold("FAIL "),
                p.dim(&format!("`{}`", result.name))
            ));
            for line in render::failure_details_painted(result, p).lines() {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out
}

fn json_line(result: &FlowResult) -> serde_json::Value {
    let (status, mismatches, error, golden) = match &result.status {
        Status::Passed => ("passed", vec![], None, None),
        Status::Skipped => ("skipped", vec![], None, None),
        Status::Error(message) => ("error", vec![], Some(message.clone()), None),
        Status::Failed { mismatches, golden } => (
            "failed",
            mismatches
                .iter()
                .map(|m| json!({ "path": m.path, "expected": m.expected, "actual": m.actual }))
                .collect(),
            None,
            golden.as_ref().map(|g| g.display().to_string()),
        ),
    };
    json!({
        "flow": result.path.display().to_string(),
        "name": result.name,
        "status": status,
        "mismatches": mismatches,
        "golden_differs": golden,
        "error": error,
        "warnings": result.warnings,
        "duration_ms": (result.duration.as_secs_f64() * 1e6).round() / 1e3,
        "report": result.report,
    })
}
