//! `actions schema`: the flow file's JSON Schema (for editors), or with
//! `--typescript` the declarations of `event` and `api` for Action authors.

use std::io::Write;

/// The flow file's JSON Schema.
pub(crate) const FLOW_SCHEMA: &str = include_str!("../../../types/flow.schema.json");
/// TypeScript declarations of the post-login `event` and `api`.
pub(crate) const POST_LOGIN_TYPES: &str = include_str!("../../../types/post-login.d.ts");

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// Print the TypeScript declarations of `event` and `api` instead.
    #[arg(long)]
    typescript: bool,
}

pub(crate) fn run(args: &SchemaArgs) -> anyhow::Result<std::process::ExitCode> {
    let text = if args.typescript {
        POST_LOGIN_TYPES
    } else {
        FLOW_SCHEMA
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(std::process::ExitCode::SUCCESS)
}
