//! `actions run FLOW`: run one flow file, print the report (timeline or
//! `--json`), and check its `expect` block.
//!
//! The flow runs in this process under a guard that ends the process when
//! the flow outlives its time or memory limit whatever its Actions are
//! doing (`actions_flow::process`); what it prints then is made before the
//! flow starts.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use actions_flow::process::{Died, Guard};
use actions_flow::{LoadedFlow, Report};
use anyhow::Context;

use crate::render;

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The flow file to run.
    flow: PathBuf,
    /// Print the report as JSON (the contract of flow-file.md §2).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    flow_args: super::FlowArgs,
}

/// What a run prints, and its exit code.
struct Printed {
    stdout: String,
    stderr: String,
    code: u8,
}

impl Printed {
    fn write(&self) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(self.stdout.as_bytes())
            .and_then(|()| stdout.flush())
            .context("writing the report")?;
        eprint!("{}", self.stderr);
        Ok(())
    }
}

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let flow = LoadedFlow::load(&args.flow, args.flow_args.overrides()?)?;
    for warning in &flow.warnings {
        eprintln!("warning: {warning}");
    }
    // Made now: past a limit the flow may be holding any lock or all memory.
    let timed_out = show(&flow, args, &Died::timed_out().report(&flow));
    let out_of_memory = show(&flow, args, &Died::out_of_memory().report(&flow));
    let guard = Guard::start(&flow, move |died| {
        let printed = if died.code == actions_core::ErrorCode::Timeout {
            &timed_out
        } else {
            &out_of_memory
        };
        let _ = printed.write();
        printed.code
    });
    let report = actions_flow::run(&flow);
    guard.disarm();
    let printed = show(&flow, args, &report?);
    printed.write()?;
    Ok(ExitCode::from(printed.code))
}

/// The report (timeline or JSON) and the `expect` check.
fn show(flow: &LoadedFlow, args: &RunArgs, report: &Report) -> Printed {
    let json = serde_json::to_value(report).expect("reports serialise");
    let stdout = if args.json {
        serde_json::to_string_pretty(&json).expect("reports serialise") + "\n"
    } else {
        render::timeline(report, render::use_colour(std::io::stdout().is_terminal()))
    };
    let mismatches = flow
        .file
        .expect
        .as_ref()
        .map(|expect| actions_flow::expect::check(expect, &json))
        .unwrap_or_default();
    if mismatches.is_empty() {
        return Printed {
            stdout,
            stderr: String::new(),
            code: 0,
        };
    }
    let colour = render::use_colour(std::io::stderr().is_terminal());
    Printed {
        stdout,
        stderr: render::mismatches(&flow.name, &mismatches, colour),
        code: 1,
    }
}
