//! `actions run FLOW`: run one flow file, print the report (timeline or
//! `--json`), and check its `expect` block.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use actions_flow::LoadedFlow;
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

pub(crate) fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let flow = LoadedFlow::load(&args.flow, args.flow_args.overrides()?)?;
    for warning in &flow.warnings {
        eprintln!("warning: {warning}");
    }
    let report = actions_flow::run(&flow)?;
    let json = serde_json::to_value(&report).context("serialising the report")?;

    let mut stdout = std::io::stdout().lock();
    if args.json {
        let text = serde_json::to_string_pretty(&json).context("serialising the report")?;
        writeln!(stdout, "{text}").context("writing the report")?;
    } else {
        let colour = render::use_colour(std::io::stdout().is_terminal());
        write!(stdout, "{}", render::timeline(&report, colour)).context("writing the report")?;
    }
    stdout.flush().ok();

    let Some(expect) = &flow.file.expect else {
        return Ok(ExitCode::SUCCESS);
    };
    let mismatches = actions_flow::expect::check(expect, &json);
    if mismatches.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let colour = render::use_colour(std::io::stderr().is_terminal());
    eprint!("{}", render::mismatches(&flow.name, &mismatches, colour));
    Ok(ExitCode::from(1))
}
