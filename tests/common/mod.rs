//! Helpers shared by the end-to-end tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `actions` binary in `dir` with `args`, without colour.
#[allow(dead_code)]
pub fn actions(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// Runs the `actions` binary in `dir` with `args`, without colour, reading
/// its output as it comes (a full pipe never stalls it), and calls `tick`
/// with its process id every `every` while it runs. Kills it and fails the
/// test if it runs longer than `limit`.
#[allow(dead_code)]
pub fn actions_watched(
    dir: &Path,
    args: &[&str],
    limit: std::time::Duration,
    every: std::time::Duration,
    mut tick: impl FnMut(u32),
) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`actions {}` did not end within {limit:?}", args.join(" "));
        }
        tick(child.id());
        std::thread::sleep(every);
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Runs `npm install` in `dir` once (a stamp beside `node_modules` records
/// the `package.json` it installed), under a lock so parallel tests wait for
/// each other. Installs from the npm registry; without npm the test fails and
/// says so.
#[allow(dead_code)]
pub fn npm_install(dir: &Path) {
    let manifest = std::fs::read_to_string(dir.join("package.json")).expect("a package.json");
    let stamp = dir.join("node_modules/.actions-installed");
    let lock =
        std::fs::File::create(std::env::temp_dir().join("actions-npm-install.lock")).unwrap();
    lock.lock().unwrap();
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == manifest) {
        return;
    }
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--no-package-lock",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .status()
        .unwrap_or_else(|e| {
            panic!("these tests install real packages with npm, which could not run: {e}")
        });
    assert!(status.success(), "npm install in {} failed", dir.display());
    std::fs::write(stamp, manifest).unwrap();
}
