//! The readable timeline of `actions run`: one block per invocation (what it
//! saw, each call with its verdict, console output, the MFA prompts that
//! followed), then the outcome, tokens, metadata and tenant logs.

use std::fmt::Write;

use actions_core::{MfaEntry, MfaResult, Outcome, PromptKind, Verdict};
use actions_flow::Report;
use serde_json::Value;

use super::style::Paint;

pub(crate) fn timeline(report: &Report, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", p.bold("flow"), report.flow);
    let mut redirects_shown = 0;
    for (i, invocation) in report.invocations.iter().enumerate() {
        let _ = writeln!(
            out,
            "\n{} {} {} {}",
            p.cyan_bold(&format!("[{}]", i + 1)),
            p.bold(&invocation.action),
            p.dim(&format!("· {}", invocation.handler)),
            p.dim(&format!("({:.1} ms)", invocation.duration_ms))
        );
        let factors: Vec<&str> = invocation
            .seen
            .enrolled_factors
            .iter()
            .filter_map(|f| f["type"].as_str())
            .collect();
        let methods: Vec<String> = invocation
            .seen
            .methods
            .iter()
            .map(|m| match (m["name"].as_str(), m["type"].as_str()) {
                (Some("mfa"), Some(t)) => format!("mfa:{t}"),
                (Some(name), _) => name.to_owned(),
                _ => m.to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "  {}  enrolledFactors [{}]  methods [{}]",
            p.dim("saw "),
            factors.join(", "),
            methods.join(", ")
        );
        // Calls and console lines in the order they happened.
        let mut console = invocation.console.iter().peekable();
        for (n, call) in invocation.calls.iter().enumerate() {
            while let Some(line) = console.next_if(|line| line.after_calls <= n) {
                let _ = writeln!(
                    out,
                    "  {}  {}",
                    p.dim(&format!("{:<4}", console_tag(line.level))),
                    line.message
                );
            }
            let args: Vec<String> = call
                .args
                .iter()
                .map(|a| shorten(&a.to_string(), 100))
                .collect();
            let verdict = match &call.verdict {
                Verdict::Accepted => p.green("accepted"),
                Verdict::Ignored { reason } => p.yellow(&format!("ignored ({reason})")),
                Verdict::Rejected { message } => p.red(&format!("rejected: {message}")),
            };
            let _ = writeln!(
                out,
                "  {}  api.{}({})  {}",
                p.dim("call"),
                call.method,
                args.join(", "),
                verdict
            );
        }
        for line in console {
            let _ = writeln!(
                out,
                "  {}  {}",
                p.dim(&format!("{:<4}", console_tag(line.level))),
                line.message
            );
        }
        if let Some(error) = &invocation.error {
            let _ = writeln!(out, "  {}  {}", p.red_bold("fail"), p.red(&error.message));
            if let Some(location) = error.stack.as_deref().and_then(|s| s.lines().nth(1)) {
                let _ = writeln!(out, "        {}", p.dim(location.trim()));
            }
        }
        // A suspension ends this invocation when the same Action resumes next,
        // or when nothing follows it.
        let next = report.invocations.get(i + 1);
        let resumes = next
            .is_some_and(|n| n.action == invocation.action && n.handler == "onContinuePostLogin");
        if let Some(redirect) = report
            .redirects
            .get(redirects_shown)
            .filter(|r| r.action == invocation.action && (resumes || next.is_none()))
        {
            redirects_shown += 1;
            let target = redirect
                .url
                .clone()
                .or_else(|| redirect.form.as_ref().map(|f| format!("form {f}")))
                .unwrap_or_default();
            let back = if redirect.continued {
                p.green("user came back to /continue")
            } else {
                p.yellow("user has not come back")
            };
            let _ = writeln!(
                out,
                "  {}  {} → {back}",
                p.cyan("redirect"),
                shorten(&target, 120)
            );
        }
        let is_last_of_action = !report.invocations[i + 1..]
            .iter()
            .any(|next| next.action == invocation.action);
        if is_last_of_action {
            for entry in report.mfa.iter().filter(|e| e.action == invocation.action) {
                let _ = writeln!(out, "  {}  {}", p.cyan("mfa "), mfa_line(entry, p));
            }
        }
    }

    let outcome = match report.outcome {
        Outcome::Allowed => p.green_bold("allowed"),
        Outcome::Denied => p.red_bold("denied"),
        Outcome::Failed => p.red_bold("failed"),
        Outcome::RedirectPending => p.yellow_bold("redirect-pending"),
    };
    let _ = writeln!(out, "\n{} {outcome}", p.bold("outcome"));
    if let Some(error) = &report.error {
        let code = error.code.as_str().to_owned();
        let action = error
            .action
            .as_deref()
            .map(|a| format!(" in `{a}`"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}{action}: {}", p.red(&code), error.message);
    }
    let _ = writeln!(out, "  mfa commands used: {}/4", report.mfa_commands_used);
    section(
        &mut out,
        p,
        "id_token",
        &Value::Object(report.id_token.claims.clone()),
    );
    section(
        &mut out,
        p,
        "access_token",
        &Value::Object(report.access_token.claims.clone()),
    );
    section(&mut out, p, "app_metadata", &report.user.app_metadata);
    section(&mut out, p, "user_metadata", &report.user.user_metadata);
    let _ = writeln!(out, "{}", p.bold("logs"));
    for log in &report.logs {
        let code = log.type_.as_str();
        let painted = match code {
            "s" => p.green(code),
            "w" => p.yellow(code),
            _ => p.red(code),
        };
        let _ = writeln!(out, "  {painted:<4} {}", log.description);
    }
    out
}

fn console_tag(level: &str) -> &'static str {
    match level {
        "warn" => "warn",
        "error" => "err",
        _ => "log",
    }
}

fn mfa_line(entry: &MfaEntry, p: Paint) -> String {
    let prompt = match entry.prompt {
        PromptKind::Selection => format!("selection of [{}]", entry.usable.join(", ")),
        PromptKind::Direct if entry.alternatives.is_empty() => {
            format!("{} screen", entry.usable[0])
        }
        PromptKind::Direct => format!(
            "{} screen, or try another: {}",
            entry.usable[0],
            entry.alternatives.join(", ")
        ),
        PromptKind::None => "no prompt".to_owned(),
    };
    let result = match entry.result {
        MfaResult::Completed => p.green(&format!(
            "completed {}",
            entry.factor.as_deref().unwrap_or("")
        )),
        MfaResult::Skipped => p.yellow("skipped"),
        MfaResult::Failed => p.red(&format!(
            "failed{}",
            entry
                .factor
                .as_deref()
                .map(|f| format!(" {f}"))
                .unwrap_or_default()
        )),
    };
    let ignored: Vec<String> = entry
        .ignored
        .iter()
        .map(|i| format!("{} ({})", i.type_, i.reason))
        .collect();
    let ignored = if ignored.is_empty() {
        String::new()
    } else {
        p.dim(&format!("  ignored: {}", ignored.join(", ")))
    };
    format!(
        "{} {} → {prompt} → {result}{ignored}",
        entry.kind,
        p.bold(entry.command.as_str())
    )
}

fn section(out: &mut String, p: Paint, title: &str, value: &Value) {
    if value.as_object().is_some_and(|o| o.is_empty()) {
        return;
    }
    let _ = writeln!(out, "{} {}", p.bold(title), value);
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}
