//! The pool end to end: each case forks real zygotes and children. Runs in
//! `main` (`harness = false`), as a pool needs a process with one thread.

use std::time::{Duration, Instant};

use actions_sandbox::{Limits, Outcome, Pool, GRACE};

/// What the zygote prepares: state every child starts from.
struct Prepared {
    counter: u64,
}

fn job(prepared: &mut Prepared, number: usize, job: &mut actions_sandbox::Job) -> Vec<u8> {
    match number {
        // Each child changes the prepared state; none may see another's change.
        0 => {
            prepared.counter += 1;
            prepared.counter.to_string().into_bytes()
        }
        // Runs forever after declaring 50 ms.
        1 => {
            job.limits(Limits {
                time: Duration::from_millis(50),
                memory_bytes: None,
            })
            .unwrap();
            loop {
                std::hint::spin_loop();
            }
        }
        // Never declares a limit and blocks.
        2 => loop {
            std::thread::sleep(Duration::from_secs(60));
        },
        // Allocates past a 64 MiB allowance.
        3 => {
            job.limits(Limits {
                time: Duration::from_secs(10),
                memory_bytes: Some(64 << 20),
            })
            .unwrap();
            let mut kept: Vec<Vec<u8>> = Vec::new();
            loop {
                kept.push(vec![1u8; 16 << 20]);
            }
        }
        // Crashes.
        4 => std::process::abort(),
        // A large result.
        5 => vec![7u8; 3 << 20],
        // Touches memory past a 64 MiB allowance inside memory the
        // allocator already mapped (which the kernel's data limit cannot
        // see), a mebibyte a millisecond, as a JS loop might: the
        // resident-memory check stops it.
        7 => {
            let mut arena = vec![0u8; 512 << 20];
            job.limits(Limits {
                time: Duration::from_secs(10),
                memory_bytes: Some(64 << 20),
            })
            .unwrap();
            for chunk in arena.chunks_mut(1 << 20) {
                chunk.fill(1);
                std::thread::sleep(Duration::from_millis(1));
            }
            arena
                .iter()
                .map(|&b| u64::from(b))
                .sum::<u64>()
                .to_string()
                .into_bytes()
        }
        // Allocates 100 MiB within a 256 MiB allowance, and returns.
        6 => {
            job.limits(Limits {
                time: Duration::from_secs(10),
                memory_bytes: Some(256 << 20),
            })
            .unwrap();
            let big = vec![1u8; 100 << 20];
            big.iter()
                .map(|&b| u64::from(b))
                .sum::<u64>()
                .to_string()
                .into_bytes()
        }
        _ => b"unknown".to_vec(),
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let default_time = Duration::from_millis(300);
    let pool = Pool::start(2, default_time, || Prepared { counter: 41 }, job)
        .expect("a pool starts from a process with one thread");
    let mut workers = pool.into_workers();
    let mut failed = Vec::new();
    let mut passed = 0;
    let mut check = |name: &str, ok: bool, detail: String| {
        if ok {
            passed += 1;
            println!("test {name} ... ok");
        } else {
            println!("test {name} ... FAILED: {detail}");
            failed.push(name.to_owned());
        }
    };

    let results: Vec<Outcome> = (0..4).map(|_| workers[0].run(0).unwrap()).collect();
    check(
        "children_start_from_the_prepared_state_not_from_each_other",
        results
            .iter()
            .all(|r| *r == Outcome::Finished(b"42".to_vec())),
        format!("{results:?}"),
    );

    let started = Instant::now();
    let outcome = workers[1].run(1).unwrap();
    let took = started.elapsed();
    check(
        "a_child_past_its_declared_time_is_killed",
        outcome == Outcome::TimedOut
            && took < Duration::from_millis(50) + GRACE + Duration::from_millis(500),
        format!("{outcome:?} after {took:?}"),
    );

    let started = Instant::now();
    let outcome = workers[0].run(2).unwrap();
    let took = started.elapsed();
    check(
        "a_blocked_child_that_declared_nothing_is_killed_at_the_default_time",
        outcome == Outcome::TimedOut
            && took >= default_time
            && took < default_time + Duration::from_secs(1),
        format!("{outcome:?} after {took:?}"),
    );

    let outcome = workers[1].run(3).unwrap();
    check(
        "a_child_past_its_memory_is_refused_and_reported",
        outcome == Outcome::OutOfMemory,
        format!("{outcome:?}"),
    );

    let outcome = workers[0].run(7).unwrap();
    check(
        "a_child_that_touches_memory_it_mapped_before_its_limit_is_stopped",
        outcome == Outcome::OutOfMemory,
        format!("{outcome:?}"),
    );

    let outcome = workers[0].run(4).unwrap();
    check(
        "a_crash_is_contained_to_its_job",
        matches!(&outcome, Outcome::Crashed(why) if why.contains("SIGABRT"))
            && workers[0].run(0).unwrap() == Outcome::Finished(b"42".to_vec()),
        format!("{outcome:?}"),
    );

    let outcome = workers[1].run(5).unwrap();
    check(
        "large_results_arrive_whole",
        outcome == Outcome::Finished(vec![7u8; 3 << 20]),
        format!(
            "{} bytes",
            match &outcome {
                Outcome::Finished(b) => b.len(),
                _ => 0,
            }
        ),
    );

    // The zygotes stay as they were however much their children used.
    let before: Vec<u64> = workers.iter().map(|w| rss_kib(w.pid())).collect();
    let mut wrong = Vec::new();
    for _ in 0..30 {
        for worker in &mut workers {
            let outcome = worker.run(6).unwrap();
            if outcome != Outcome::Finished(format!("{}", 100u64 << 20).into_bytes()) {
                wrong.push(outcome);
            }
        }
    }
    let all_right = wrong.is_empty();
    let after: Vec<u64> = workers.iter().map(|w| rss_kib(w.pid())).collect();
    check(
        "the_zygotes_do_not_grow_with_their_children",
        all_right && before.iter().zip(&after).all(|(b, a)| *a < b + 1024),
        format!("wrong: {wrong:?}; RSS before {before:?} KiB, after {after:?} KiB"),
    );

    drop(workers);
    println!("\n{passed} passed, {} failed", failed.len());
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
