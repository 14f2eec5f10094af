//! Criterion benchmarks of the JS host: runtime creation, one warm
//! invocation (against an empty handler), and the cost of an op call.
//!
//! `cargo bench -p actions-runtime --bench host` (add `-- --quick` for a
//! short run). The same figures, measured by hand, are in BENCHMARKS.md
//! (`examples/bench_invoke.rs`).

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actions_runtime::{Host, HostOptions};
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};

/// The allocator the `actions` binary runs on (see its `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/warm.rs"]
mod warm;
use warm::{Warm, ADMIN, EMPTY};
/// One op call per loop turn; `OP_CALLS_0` runs the same loop with no call,
/// so the difference between the two is the op calls alone.
const OP_CALLS_100: &str = "exports.onExecutePostLogin = async (event, api) => {
  for (let i = 0; i < 100; i++) api.idToken.setCustomClaim('k', 1);
};";
const OP_CALLS_0: &str = "exports.onExecutePostLogin = async (event, api) => {
  for (let i = 0; i < 100; i++) if (i < 0) api.idToken.setCustomClaim('k', 1);
};";

/// The engine stops creating runtimes after some 140 in one process (a known
/// leak, BENCHMARKS.md "untrusted code"); stay well clear of it.
const MAX_RUNTIMES: usize = 100;
static RUNTIMES: AtomicUsize = AtomicUsize::new(0);

fn new_host() -> Host {
    let created = RUNTIMES.fetch_add(1, Ordering::Relaxed) + 1;
    assert!(
        created <= MAX_RUNTIMES,
        "more than {MAX_RUNTIMES} runtimes in one process: the engine fails after some 140 \
         (BENCHMARKS.md); keep runtime_creation's measurement time short"
    );
    Host::new(HostOptions::default()).expect("runtime")
}

fn runtime_creation(c: &mut Criterion) {
    // The first runtime in the process also sets up the engine (54 ms against
    // about 15 ms later, BENCHMARKS.md); make it here so only later runtimes
    // are measured.
    drop(new_host());
    let mut group = c.benchmark_group("runtime_creation");
    // Every iteration makes a runtime, and the process can make only some 140.
    // These settings are the group's own, so command-line `--warm-up-time` and
    // `--measurement-time` do not change them. At about 15 ms a runtime:
    // warm-up 1 + 2 + 4 runtimes, then 10 samples of 2 (flat sampling), about
    // 30 in all; `--quick` stops doubling once past the 0.2 s measurement
    // time (at most about 2 × 0.2 s / 15 ms + 2 ≈ 30). `new_host` stops the
    // run with a clear message past MAX_RUNTIMES.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(200));
    group.bench_function("later_runtime", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let host = black_box(new_host());
                total += started.elapsed();
                // Dropped outside the timing: only creation is measured.
                drop(host);
            }
            total
        });
    });
    group.finish();
    eprintln!(
        "runtime_creation: {} runtimes created in this process so far",
        RUNTIMES.load(Ordering::Relaxed)
    );
}

fn warm_invocation(c: &mut Criterion) {
    let mut warm = Warm::new(new_host());
    let admin = warm.load("require-keys.js", ADMIN);
    let empty = warm.load("empty.js", EMPTY);
    // The admin handler makes two MFA calls (two ops) per invocation; the
    // empty one none. Checked once so a failure cannot be measured.
    assert_eq!(warm.calls(admin), 2);
    assert_eq!(warm.calls(empty), 0);
    let mut group = c.benchmark_group("warm_invocation");
    group.bench_function("admin_require_keys", |b| b.iter(|| warm.run(admin)));
    group.bench_function("empty_handler", |b| b.iter(|| warm.run(empty)));
    group.finish();
}

/// The cost of one op call is (`100_calls` − `0_calls`) / 100: the two
/// handlers run the same 100-turn loop, one calling
/// `api.idToken.setCustomClaim` on every turn and the other never.
fn op_call(c: &mut Criterion) {
    let mut warm = Warm::new(new_host());
    let hundred = warm.load("calls-100.js", OP_CALLS_100);
    let zero = warm.load("calls-0.js", OP_CALLS_0);
    assert_eq!(warm.calls(hundred), 100);
    assert_eq!(warm.calls(zero), 0);
    let mut group = c.benchmark_group("op_call");
    group.bench_function("100_calls", |b| b.iter(|| warm.run(hundred)));
    group.bench_function("0_calls", |b| b.iter(|| warm.run(zero)));
    group.finish();
}

criterion_group!(benches, runtime_creation, warm_invocation, op_call);
criterion_main!(benches);
