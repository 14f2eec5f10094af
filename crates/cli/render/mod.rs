//! Human output: the timeline of a run, `expect` mismatches, and errors in
//! the house message style (`error:` then `hint:`). Colour only on a terminal
//! and never with `NO_COLOR` set.

pub(crate) mod junit;
pub(crate) mod style;
mod timeline;

pub(crate) use style::use_colour;
pub(crate) use timeline::timeline;

use actions_flow::expect::Mismatch;
use actions_flow::suite::{FlowResult, Status};
use style::Paint;

/// `error: ...` with a hint where one helps.
pub(crate) fn error(error: &anyhow::Error) -> String {
    let colour = use_colour(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let p = Paint(colour);
    let mut out = format!("{} {error:#}", p.red_bold("error:"));
    if let Some(hint) = error.downcast_ref::<actions_flow::Error>().and_then(hint) {
        out.push_str(&format!("\n\n{} {hint}", p.cyan_bold("hint:")));
    }
    out
}

fn hint(error: &actions_flow::Error) -> Option<&'static str> {
    use actions_flow::Error;
    match error {
        Error::FlowSyntax { message, .. } if message.starts_with("unknown field") => {
            Some("flow files accept only the keys of the flow-file contract; put custom event data under `event`")
        }
        Error::Action { source: actions_flow::LoadError::NoHandler { .. }, .. } => {
            Some("an Action exports its handler as `exports.onExecutePostLogin = async (event, api) => { ... }`")
        }
        Error::ReadAction { .. } => Some("`file` is resolved relative to the flow file's folder"),
        _ => None,
    }
}

/// The mismatches of a flow's `expect` block.
pub(crate) fn mismatches(flow: &str, mismatches: &[Mismatch], colour: bool) -> String {
    let p = Paint(colour);
    let mut out = format!(
        "{} `{flow}`: the report does not match `expect`\n",
        p.red_bold("mismatch:")
    );
    for m in mismatches {
        out.push_str(&format!(
            "  at {}\n    expected: {}\n    actual:   {}\n",
            p.bold(&m.path),
            p.green(&compact(&m.expected)),
            p.red(&compact(&m.actual))
        ));
    }
    out
}

/// What failed in a suite flow, plain (for JUnit).
pub(crate) fn failure_details(result: &FlowResult) -> String {
    failure_details_painted(result, Paint(false))
}

/// What failed in a suite flow: each `expect` mismatch with its path, and a
/// golden report that differs.
pub(crate) fn failure_details_painted(result: &FlowResult, p: Paint) -> String {
    let mut out = String::new();
    if let Status::Failed { mismatches, golden } = &result.status {
        for m in mismatches {
            out.push_str(&format!(
                "at {}
  expected: {}
  actual:   {}
",
                p.bold(&m.path),
                p.green(&compact(&m.expected)),
                p.red(&compact(&m.actual))
            ));
        }
        if let Some(golden) = golden {
            out.push_str(&format!(
                "the report differs from the golden `{}` (rewrite it with --update)
",
                golden.display()
            ));
        }
    }
    out
}

fn compact(value: &serde_json::Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
