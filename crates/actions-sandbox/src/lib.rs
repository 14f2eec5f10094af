//! Runs each job in a process of its own, forked for it from a zygote that
//! was prepared once, so that no job can observe another and no job can
//! outgrow its limits.
//!
//! [`Pool::start`] forks one zygote per worker from the calling process
//! (which must have a single thread then). A zygote calls `prepare` once (for
//! `actions`: a JS runtime with the glue loaded, no user code run) and then,
//! for each job it is sent, forks a child that calls `job` on a copy-on-write
//! copy of the prepared state. The child writes its result and exits; it is
//! never reused. The zygote enforces the limits from outside: it kills a
//! child that outlives its time (whatever the child is doing: a busy loop, a
//! blocked wait, a hung native call), the kernel refuses a child memory past
//! its data limit, and a child that crashes takes only its own job down.
//!
//! This crate knows nothing of flows or engines: jobs are numbers in, bytes
//! out. Only Unix has `fork`: elsewhere the crate offers nothing, and the
//! caller runs each job another way.

use std::time::Duration;

#[cfg(unix)]
mod zygote;

#[cfg(unix)]
pub use zygote::{Job, Pool, Worker};

/// How often a supervisor reads the resident memory of a process that has a
/// memory limit.
pub const MEMORY_CHECK: Duration = Duration::from_millis(5);

/// The resident memory of process `pid` (`None`: the calling process), in
/// bytes. Linux only: `None` elsewhere, and when the process is gone.
pub fn resident_bytes(pid: Option<u32>) -> Option<u64> {
    status_bytes(pid, "VmRSS:")
}

/// A memory figure of `/proc/PID/status` (`field` with its colon), in bytes
/// (Linux; `None` elsewhere).
pub(crate) fn status_bytes(pid: Option<u32>, field: &str) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let path = match pid {
            Some(pid) => format!("/proc/{pid}/status"),
            None => "/proc/self/status".to_owned(),
        };
        let status = std::fs::read_to_string(path).ok()?;
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix(field))?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (pid, field);
        None
    }
}

/// Ends the calling process at once, whatever its other threads are doing:
/// on Unix no destructors and no `atexit` handlers run, which another thread
/// could still be using (`std::process::exit` runs them), and a forked
/// process flushes no buffers that are copies of its parent's. Flush what
/// must be written first.
#[allow(unsafe_code)]
pub fn end_process(code: i32) -> ! {
    // SAFETY: `_exit` is async-signal-safe and takes no pointers.
    #[cfg(unix)]
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

/// How long a child may run after the time it declared
/// ([`Job::limits`]) before it is killed: the job's own watchdog ends
/// overrunning JS well within it, and reports what happened; the kill is
/// for what the watchdog cannot interrupt.
pub const GRACE: Duration = Duration::from_millis(500);

/// What a child declares about itself once it knows its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall time from now until the child is killed (plus [`GRACE`]).
    pub time: Duration,
    /// How much the child's resident memory may grow from when it declares
    /// this (`None`: no limit).
    pub memory_bytes: Option<u64>,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The child wrote its result and exited.
    Finished(Vec<u8>),
    /// The child outlived its time and was killed.
    TimedOut,
    /// The child ran out of memory outside the JS heap (an allocation the
    /// kernel refused) and aborted.
    OutOfMemory,
    /// The child died another way: a crash, or an exit without a result.
    Crashed(String),
}
