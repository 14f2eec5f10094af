//! The `actions` binary: runs Auth0 post-login Actions locally and reports what
//! the login would do. Only this crate prints, colours, and chooses exit codes
//! (flow-file.md §5: 0 ran and matched, 1 `expect` mismatch, 2 bad input).

mod commands;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc, also standing in for `malloc` itself (its `override` feature),
/// so the engine's C allocations use it too.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Run Auth0 post-login Actions on your machine, exactly as Auth0 would, and
/// see what the login would do.
#[derive(Debug, Parser)]
#[command(name = "actions", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one flow file and print what the login would do.
    Run(commands::run::RunArgs),
    /// Run many flow files and check their `expect` blocks and golden reports (for CI).
    Test(commands::test::TestArgs),
    /// Create a working example: an Action, flow files, schema, types, CI workflow.
    Init(commands::init::InitArgs),
    /// Print the flow file's JSON Schema (or, with --typescript, the types of `event` and `api`).
    Schema(commands::schema::SchemaArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => commands::run::run(&args),
        Command::Test(args) => commands::test::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Schema(args) => commands::schema::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("{}", render::error(&error));
            ExitCode::from(2)
        }
    }
}
