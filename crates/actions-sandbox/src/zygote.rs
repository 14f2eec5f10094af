//! The zygotes and their children: forking, the pipes between the three
//! kinds of process, and the limits. Parent and zygote speak in frames: a
//! tag byte, a little-endian `u64` length, the bytes.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{ForkResult, Pid};

use crate::{end_process, Limits, Outcome, GRACE, MEMORY_CHECK};

/// Child → zygote: the limits the child declares ([`Job::limits`]).
const TAG_LIMITS: u8 = b'L';
/// Child → zygote, and zygote → parent: the job's result.
const TAG_RESULT: u8 = b'R';
/// Zygote → parent: the other [`Outcome`]s.
const TAG_TIMED_OUT: u8 = b'T';
const TAG_OUT_OF_MEMORY: u8 = b'M';
const TAG_CRASHED: u8 = b'C';

/// How much of a child's output is passed on.
const OUTPUT_KEPT: usize = 64 * 1024;

/// What Rust's allocation-failure handler prints before it aborts.
const ALLOCATION_FAILED: &[u8] = b"memory allocation of ";

/// The zygotes. Hand one [`Worker`] to each thread that sends jobs.
pub struct Pool {
    workers: Vec<Worker>,
}

/// One zygote, seen from the parent.
pub struct Worker {
    pid: Pid,
    /// Job numbers to the zygote. `None` once closed.
    requests: Option<File>,
    /// Outcomes from the zygote.
    outcomes: File,
}

/// The child's side of one job.
pub struct Job {
    results: File,
}

impl Pool {
    /// Forks `count` zygotes. Each calls `prepare` once, then for each job
    /// number it is sent forks a child that calls `job` with the prepared
    /// state, the number and the child's [`Job`], writes what `job` returns
    /// as the result, and exits. A child may run for `default_time` until
    /// it declares its own limits.
    ///
    /// The calling process must have one thread (a thread running in the
    /// parent at the fork could hold a lock the zygote then needs): on
    /// Linux this is checked, and a process with more threads gets an error.
    pub fn start<P>(
        count: usize,
        default_time: Duration,
        prepare: impl Fn() -> P,
        job: impl Fn(&mut P, usize, &mut Job) -> Vec<u8>,
    ) -> io::Result<Pool> {
        if threads()? > 1 {
            return Err(io::Error::other(
                "a zygote can only be forked from a process with one thread",
            ));
        }
        // Nothing the parent buffered may be written twice.
        io::stdout().flush()?;
        let mut workers: Vec<Worker> = Vec::with_capacity(count);
        for _ in 0..count {
            let (requests_read, requests_write) = nix::unistd::pipe()?;
            let (outcomes_read, outcomes_write) = nix::unistd::pipe()?;
            match fork()? {
                ForkResult::Child => {
                    // The other zygotes must see their parent's end close.
                    for worker in &workers {
                        close(worker.outcomes.as_raw_fd());
                        if let Some(requests) = &worker.requests {
                            close(requests.as_raw_fd());
                        }
                    }
                    drop((requests_write, outcomes_read));
                    // The zygote ends with the parent (Linux).
                    #[cfg(target_os = "linux")]
                    let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
                    serve(
                        File::from(requests_read),
                        File::from(outcomes_write),
                        default_time,
                        &prepare,
                        &job,
                    );
                }
                ForkResult::Parent { child } => workers.push(Worker {
                    pid: child,
                    requests: Some(File::from(requests_write)),
                    outcomes: File::from(outcomes_read),
                }),
            }
        }
        Ok(Pool { workers })
    }

    /// The workers, one per zygote.
    pub fn into_workers(self) -> Vec<Worker> {
        self.workers
    }
}

impl Worker {
    /// The zygote's process id (to measure it).
    pub fn pid(&self) -> u32 {
        self.pid.as_raw().unsigned_abs()
    }

    /// Runs job `number` in a new child of this worker's zygote and waits
    /// for it. An error means the zygote itself is gone.
    pub fn run(&mut self, number: usize) -> io::Result<Outcome> {
        let requests = self
            .requests
            .as_mut()
            .ok_or_else(|| io::Error::other("the zygote was closed"))?;
        requests.write_all(&(number as u64).to_le_bytes())?;
        let (tag, bytes) =
            read_frame(&mut self.outcomes)?.ok_or_else(|| io::Error::other("the zygote exited"))?;
        Ok(match tag {
            TAG_RESULT => Outcome::Finished(bytes),
            TAG_TIMED_OUT => Outcome::TimedOut,
            TAG_OUT_OF_MEMORY => Outcome::OutOfMemory,
            _ => Outcome::Crashed(String::from_utf8_lossy(&bytes).into_owned()),
        })
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // The zygote exits when its requests end.
        self.requests = None;
        let _ = waitpid(self.pid, None);
    }
}

impl Job {
    /// Declares the child's limits: it is killed `limits.time` (plus
    /// [`GRACE`]) from now, and when its resident memory grows by more than
    /// `limits.memory_bytes` from now (checked every [`MEMORY_CHECK`]).
    /// Beyond that, on Linux, the kernel refuses it address space past
    /// `limits.memory_bytes` more than it has mapped now: the allocator
    /// maps ahead, so that bound is looser, but no check interval can
    /// overshoot it (a refused allocation of the engine is an exception in
    /// JS, one of Rust's an abort reported as [`Outcome::OutOfMemory`]).
    pub fn limits(&mut self, limits: Limits) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if let Some(extra) = limits.memory_bytes {
            use nix::sys::resource::{setrlimit, Resource};
            let cap = data_bytes()?.saturating_add(extra);
            setrlimit(Resource::RLIMIT_DATA, cap, cap)?;
        }
        write_frame(&mut self.results, TAG_LIMITS, &encode_limits(limits))
    }
}

/// A [`TAG_LIMITS`] frame's payload: the time in milliseconds and the memory
/// in bytes (`u64::MAX`: none), little-endian.
fn encode_limits(limits: Limits) -> [u8; 16] {
    let millis = u64::try_from(limits.time.as_millis()).unwrap_or(u64::MAX);
    let mut payload = [0u8; 16];
    payload[..8].copy_from_slice(&millis.to_le_bytes());
    payload[8..].copy_from_slice(&limits.memory_bytes.unwrap_or(u64::MAX).to_le_bytes());
    payload
}

/// The limits [`encode_limits`] wrote (a short payload reads as no limit).
fn decode_limits(payload: &[u8]) -> Limits {
    let number = |at: usize| {
        payload
            .get(at..at + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(u64::MAX, u64::from_le_bytes)
    };
    Limits {
        time: Duration::from_millis(number(0)),
        memory_bytes: Some(number(8)).filter(|&bytes| bytes != u64::MAX),
    }
}

/// The zygote: prepares once, then forks a child per job until the parent
/// closes its requests. Never returns.
fn serve<P>(
    mut requests: File,
    mut outcomes: File,
    default_time: Duration,
    prepare: &impl Fn() -> P,
    job: &impl Fn(&mut P, usize, &mut Job) -> Vec<u8>,
) -> ! {
    let mut prepared = prepare();
    loop {
        let mut number = [0u8; 8];
        if requests.read_exact(&mut number).is_err() {
            end_process(0);
        }
        let number = u64::from_le_bytes(number) as usize;
        let outcome = match spawn(&requests, &outcomes, &mut prepared, number, job) {
            Ok((pid, results, output)) => supervise(pid, results, output, default_time),
            Err(error) => Outcome::Crashed(format!("cannot start the job's process: {error}")),
        };
        let written = match &outcome {
            Outcome::Finished(bytes) => write_frame(&mut outcomes, TAG_RESULT, bytes),
            Outcome::TimedOut => write_frame(&mut outcomes, TAG_TIMED_OUT, &[]),
            Outcome::OutOfMemory => write_frame(&mut outcomes, TAG_OUT_OF_MEMORY, &[]),
            Outcome::Crashed(why) => write_frame(&mut outcomes, TAG_CRASHED, why.as_bytes()),
        };
        if written.is_err() {
            end_process(0);
        }
    }
}

/// Forks the child for job `number`: in the parent, returns its pid and the
/// read ends of its result pipe and of its standard output and error.
fn spawn<P>(
    requests: &File,
    outcomes: &File,
    prepared: &mut P,
    number: usize,
    job: &impl Fn(&mut P, usize, &mut Job) -> Vec<u8>,
) -> io::Result<(Pid, File, File)> {
    let (results_read, results_write) = nix::unistd::pipe()?;
    let (output_read, output_write) = nix::unistd::pipe()?;
    match fork()? {
        ForkResult::Child => {
            close(requests.as_raw_fd());
            close(outcomes.as_raw_fd());
            drop((results_read, output_read));
            #[cfg(target_os = "linux")]
            let _ = nix::sys::prctl::set_pdeathsig(Signal::SIGKILL);
            redirect_output(&output_write);
            drop(output_write);
            let mut handle = Job {
                results: File::from(results_write),
            };
            let result = job(prepared, number, &mut handle);
            let code = match write_frame(&mut handle.results, TAG_RESULT, &result) {
                Ok(()) => 0,
                Err(_) => 1,
            };
            end_process(code)
        }
        ForkResult::Parent { child } => {
            Ok((child, File::from(results_read), File::from(output_read)))
        }
    }
}

/// Waits for a child: reads its frames and passes its output on to the
/// zygote's standard error, until it exits or its time is up.
fn supervise(pid: Pid, mut results: File, mut output: File, default_time: Duration) -> Outcome {
    let mut deadline = Instant::now() + default_time;
    let mut received = Vec::new();
    let mut result = None;
    // What the child printed, passed on once it ended, and its end, to tell
    // an allocation failure.
    let mut printed: Vec<u8> = Vec::new();
    let mut tail: Vec<u8> = Vec::new();
    let (mut results_open, mut output_open) = (true, true);
    let mut chunk = vec![0u8; 64 * 1024];
    // The resident bytes the child may reach, once it declared a limit.
    let mut memory_cap: Option<u64> = None;
    // `Some` when the child must be killed, with what to report.
    let killed = loop {
        if !results_open && !output_open {
            break None;
        }
        if memory_cap.is_some_and(|cap| child_resident_bytes(pid).is_some_and(|rss| rss > cap)) {
            break Some(Outcome::OutOfMemory);
        }
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break Some(Outcome::TimedOut);
        };
        let wait = match memory_cap {
            Some(_) => left.min(MEMORY_CHECK),
            None => left,
        };
        let timeout =
            PollTimeout::try_from(wait.max(Duration::from_millis(1))).unwrap_or(PollTimeout::MAX);
        let mut fds = Vec::with_capacity(2);
        if results_open {
            fds.push(PollFd::new(results.as_fd(), PollFlags::POLLIN));
        }
        if output_open {
            fds.push(PollFd::new(output.as_fd(), PollFlags::POLLIN));
        }
        match nix::poll::poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(_) => break Some(Outcome::TimedOut),
        }
        let ready = |i: usize| fds[i].revents().is_some_and(|events| !events.is_empty());
        // `fds` lists the open pipes, results first.
        let (results_ready, output_ready) = (
            results_open && ready(0),
            output_open && ready(usize::from(results_open)),
        );
        drop(fds);
        if results_ready {
            match results.read(&mut chunk) {
                Ok(0) | Err(_) => results_open = false,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
            while let Some((tag, bytes, used)) = parse_frame(&received) {
                if tag == TAG_LIMITS {
                    let limits = decode_limits(bytes);
                    let time = limits.time.saturating_add(GRACE);
                    deadline = Instant::now().checked_add(time).unwrap_or(deadline);
                    memory_cap = limits
                        .memory_bytes
                        .and_then(|bytes| Some(child_resident_bytes(pid)?.saturating_add(bytes)));
                } else {
                    result = Some(bytes.to_vec());
                }
                received.drain(..used);
            }
        }
        if output_ready {
            match output.read(&mut chunk) {
                Ok(0) | Err(_) => output_open = false,
                Ok(n) => {
                    let room = OUTPUT_KEPT.saturating_sub(printed.len());
                    printed.extend_from_slice(&chunk[..n.min(room)]);
                    tail.extend_from_slice(&chunk[..n]);
                    let keep = tail.len().saturating_sub(4096);
                    tail.drain(..keep);
                }
            }
        }
    };
    if let Some(outcome) = killed {
        kill_and_reap(pid);
        return outcome;
    }
    // Both pipes closed: the child is exiting (or closed them itself and
    // hangs, which its deadline still covers). A child that sent its result
    // is in `_exit` (the job's last step), so it is waited for without a
    // poll: polling cost up to a millisecond per job, while the kernel took
    // the child's memory down.
    let wait_flags = if result.is_some() {
        None
    } else {
        Some(WaitPidFlag::WNOHANG)
    };
    let status = loop {
        match waitpid(pid, wait_flags) {
            Ok(WaitStatus::StillAlive) if Instant::now() >= deadline => {
                kill_and_reap(pid);
                return Outcome::TimedOut;
            }
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(1)),
            Err(nix::errno::Errno::EINTR) => {}
            Ok(status) => break Ok(status),
            Err(error) => break Err(error),
        }
    };
    if contains(&tail, ALLOCATION_FAILED) {
        // Reported as such: the allocator's own words and a backtrace of
        // the glue would only alarm.
        return Outcome::OutOfMemory;
    }
    let _ = io::stderr().write_all(&printed);
    match (status, result) {
        (Ok(WaitStatus::Exited(_, 0)), Some(result)) => Outcome::Finished(result),
        (Ok(WaitStatus::Signaled(_, signal, _)), _) => {
            Outcome::Crashed(format!("the process was ended by {signal}"))
        }
        (Ok(WaitStatus::Exited(_, code)), _) => {
            Outcome::Crashed(format!("the process exited with code {code} and no result"))
        }
        (Ok(status), _) => Outcome::Crashed(format!("the process ended: {status:?}")),
        (Err(error), _) => {
            Outcome::Crashed(format!("the process could not be waited for: {error}"))
        }
    }
}

fn kill_and_reap(pid: Pid) {
    let _ = kill(pid, Signal::SIGKILL);
    let _ = waitpid(pid, None);
}

fn child_resident_bytes(pid: Pid) -> Option<u64> {
    crate::resident_bytes(Some(pid.as_raw().unsigned_abs()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A whole frame at the start of `bytes`: tag, payload, bytes used.
fn parse_frame(bytes: &[u8]) -> Option<(u8, &[u8], usize)> {
    let (&tag, rest) = bytes.split_first()?;
    let length = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?);
    let length = usize::try_from(length).ok()?;
    let payload = rest.get(8..8usize.checked_add(length)?)?;
    Some((tag, payload, 9 + length))
}

fn write_frame(to: &mut File, tag: u8, bytes: &[u8]) -> io::Result<()> {
    let mut head = [0u8; 9];
    head[0] = tag;
    head[1..].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    to.write_all(&head)?;
    to.write_all(bytes)
}

/// The next frame, or `None` at the end of the stream.
fn read_frame(from: &mut File) -> io::Result<Option<(u8, Vec<u8>)>> {
    let mut head = [0u8; 9];
    match from.read_exact(&mut head) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let length = u64::from_le_bytes(head[1..].try_into().expect("eight bytes"));
    let mut bytes = Vec::new();
    from.take(length).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != length {
        return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
    }
    Ok(Some((head[0], bytes)))
}

/// The process's threads (Linux: counted; elsewhere taken to be one).
fn threads() -> io::Result<usize> {
    #[cfg(target_os = "linux")]
    return Ok(std::fs::read_dir("/proc/self/task")?.count());
    #[cfg(not(target_os = "linux"))]
    Ok(1)
}

/// Bytes of private writable memory mapped now, as `RLIMIT_DATA` counts it.
#[cfg(target_os = "linux")]
fn data_bytes() -> io::Result<u64> {
    crate::status_bytes(None, "VmData:")
        .ok_or_else(|| io::Error::other("no VmData in /proc/self/status"))
}

/// The child's standard output and error go to the zygote, which passes them
/// on and reads them for an allocation failure.
fn redirect_output(to: &OwnedFd) {
    let _ = nix::unistd::dup2(to.as_raw_fd(), 1);
    let _ = nix::unistd::dup2(to.as_raw_fd(), 2);
}

fn close(fd: RawFd) {
    let _ = nix::unistd::close(fd);
}

/// `fork`, for the two places that may call it: the parent while it has one
/// thread ([`Pool::start`] checks), and a zygote, which never starts one.
#[allow(unsafe_code)]
fn fork() -> io::Result<ForkResult> {
    // SAFETY: the calling process has a single thread (see above), so the
    // child cannot inherit a lock held by a thread that does not exist in it.
    Ok(unsafe { nix::unistd::fork() }?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_parse_only_when_whole() {
        let mut bytes = vec![TAG_RESULT];
        bytes.extend_from_slice(&3u64.to_le_bytes());
        bytes.extend_from_slice(b"abc");
        assert_eq!(parse_frame(&bytes), Some((TAG_RESULT, &b"abc"[..], 12)));
        assert_eq!(parse_frame(&bytes[..11]), None);
        assert_eq!(parse_frame(&bytes[..5]), None);
        assert_eq!(parse_frame(&[]), None);
    }

    #[test]
    fn limits_read_back_as_they_were_declared() {
        for limits in [
            Limits {
                time: Duration::from_millis(20_500),
                memory_bytes: Some(192 << 20),
            },
            Limits {
                time: Duration::ZERO,
                memory_bytes: None,
            },
        ] {
            assert_eq!(decode_limits(&encode_limits(limits)), limits);
        }
        // A short payload: no memory limit, and a time no child outlives.
        assert_eq!(decode_limits(&[]).memory_bytes, None);
    }
}
