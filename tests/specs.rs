//! End-to-end: runs the real `actions` binary on every flow under
//! `tests/specs/` and `actions/`, checks the exit code (0: the flow's `expect`
//! matched), and compares the JSON report with the golden `report.json` beside
//! the flow file. `UPDATE_EXPECTED=1 cargo test --test specs` rewrites goldens.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn flows(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.file_name().is_some_and(|n| n == "flow.json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn check_flow(flow: &Path) -> Result<(), String> {
    let output = Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(["run", "--json"])
        .arg(flow)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() != Some(0) {
        return Err(format!("exit code {:?}\n{stderr}", output.status.code()));
    }
    let mut report: Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    actions_flow::suite::normalise(&mut report);
    let golden_path = flow.with_file_name("report.json");
    let rendered = serde_json::to_string_pretty(&report).unwrap() + "\n";
    if std::env::var_os("UPDATE_EXPECTED").is_some() {
        std::fs::write(&golden_path, &rendered).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let golden = std::fs::read_to_string(&golden_path).map_err(|e| {
        format!(
            "no golden {} ({e}); run with UPDATE_EXPECTED=1",
            golden_path.display()
        )
    })?;
    let golden: Value =
        serde_json::from_str(&golden).map_err(|e| format!("golden is not JSON: {e}"))?;
    if golden != report {
        return Err(format!(
            "report differs from {}:\n{rendered}",
            golden_path.display()
        ));
    }
    Ok(())
}

fn check_all(root: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(root);
    let flows = flows(&root);
    assert!(!flows.is_empty(), "no flows under {}", root.display());
    // Examples that require npm packages get them first.
    for flow in &flows {
        let dir = flow.parent().unwrap();
        if dir.join("package.json").is_file() {
            common::npm_install(dir);
        }
    }
    let failures: Vec<String> = flows
        .iter()
        .filter_map(|flow| {
            check_flow(flow)
                .err()
                .map(|e| format!("{}: {e}", flow.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} flows failed:\n\n{}",
        failures.len(),
        flows.len(),
        failures.join("\n\n")
    );
}

#[test]
fn spec_cases_match_their_expect_blocks_and_goldens() {
    check_all("tests/specs");
}

#[test]
fn bundled_examples_match_their_expect_blocks_and_goldens() {
    check_all("actions");
}
