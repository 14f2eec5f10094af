//! JUnit XML for CI systems: one `<testcase>` per flow, the `expect`
//! mismatches as the failure message, bad input as `<error>`.

use std::fmt::Write;
use std::time::Duration;

use actions_flow::suite::{FlowResult, Status};

pub(crate) fn junit(results: &[FlowResult], total: Duration) -> String {
    let count = |f: fn(&Status) -> bool| results.iter().filter(|r| f(&r.status)).count();
    let failures = count(|s| matches!(s, Status::Failed { .. }));
    let errors = count(|s| matches!(s, Status::Error(_)));
    let skipped = count(|s| matches!(s, Status::Skipped));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let header = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{:.3}\"",
        results.len(),
        total.as_secs_f64()
    );
    let _ = writeln!(out, "<testsuites name=\"actions\" {header}>");
    let _ = writeln!(out, "  <testsuite name=\"actions\" {header}>");
    for result in results {
        let path = result.path.display().to_string();
        let classname = result
            .path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" time=\"{:.3}\"",
            escape(&classname),
            escape(&result.name),
            escape(&path),
            result.duration.as_secs_f64()
        );
        match &result.status {
            Status::Passed => out.push_str("/>\n"),
            Status::Skipped => out.push_str(">\n      <skipped message=\"no expect block and no golden report\"/>\n    </testcase>\n"),
            Status::Error(message) => {
                let _ = write!(out, ">\n      <error message=\"{}\">{}</error>\n    </testcase>\n", escape(message), escape(message));
            }
            Status::Failed { .. } => {
                let details = super::failure_details(result);
                let _ = write!(
                    out,
                    ">\n      <failure message=\"the report does not match\" type=\"mismatch\">{}</failure>\n    </testcase>\n",
                    escape(&details)
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// XML text and attribute escaping (also drops characters XML 1.0 forbids).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
