//! Runs one flow file over and over on one warm runtime, as `actions test`
//! runs each flow (read, load, run, check `expect`), and prints the time
//! per flow. A fixed count of runs, so `perf stat` can count the work of a
//! flow when the machine is too noisy for times:
//!
//! `cargo run --release -p actions-flow --example flow_loop FILE [RUNS]`

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use actions_flow::suite::{self, Options, Status};
use actions_flow::Runner;

/// The allocator the `actions` binary runs on (see its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next().map(PathBuf::from) else {
        eprintln!("usage: flow_loop FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let options = Options::default();
    let mut runner = Runner::default();
    // The first run makes the runtime; it must pass, or a failure is what
    // would be timed.
    let first = suite::check(&path, &options, &mut runner);
    if !matches!(first.status, Status::Passed) {
        eprintln!("{}: {:?}", path.display(), first.status);
        std::process::exit(1);
    }
    let started = Instant::now();
    for _ in 0..runs {
        let result = suite::check(&path, &options, &mut runner);
        assert!(
            matches!(result.status, Status::Passed),
            "{:?}",
            result.status
        );
    }
    let per_flow = started.elapsed().as_secs_f64() * 1e6 / f64::from(runs);
    println!(
        "{}: {per_flow:.1} µs per flow ({:.0} flows/s) over {runs} runs, {} runtime(s)",
        path.display(),
        1e6 / per_flow,
        runner.runtimes_created()
    );
}
