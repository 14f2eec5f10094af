//! The flow file (flow-file.md §1): its shape, its defaults, and parsing with
//! errors that name the file, line and column. Reads nothing but the JSON
//! text it is given; resolving action files is `load.rs`'s job.

use std::collections::BTreeMap;

use actions_core::{ChallengeScope, ContinueResponse, FactorKind, MfaResponse};
use serde::Deserialize;
use serde_json::Value;

/// A parsed flow file. Unknown keys are rejected everywhere except inside
/// `event`, which is passed to the Actions as-is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowFile {
    /// The JSON Schema editors validate against (`actions schema`); ignored.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Label shown in reports (default: the file name).
    pub name: Option<String>,
    /// The tenant.
    #[serde(default)]
    pub tenant: TenantSpec,
    /// The Actions, in flow order. With a tenant export, only `name` and
    /// `secrets`, to give the exported Actions their secrets.
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
    /// A partial event, deep-merged over the default event.
    #[serde(default)]
    pub event: Option<Value>,
    /// The simulated user's answers.
    #[serde(default)]
    pub responses: Responses,
    /// When the login starts (RFC 3339); makes time virtual.
    pub clock: Option<String>,
    /// Seeds `Math.random` and `crypto.randomUUID`.
    pub seed: Option<u64>,
    /// What the report must contain (flow-file.md §4).
    pub expect: Option<Value>,
    /// HTTP fixtures (flow-file.md §1 `http`).
    #[serde(default)]
    pub http: Vec<HttpFixtureSpec>,
    /// Execution limits.
    #[serde(default)]
    pub limits: Limits,
    /// Initial `api.cache` contents.
    #[serde(default)]
    pub cache: BTreeMap<String, String>,
}

/// `tenant`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSpec {
    /// Becomes `event.tenant.id`.
    #[serde(default = "default_tenant_name")]
    pub name: String,
    /// MFA settings.
    #[serde(default)]
    pub mfa: MfaSpec,
}

impl Default for TenantSpec {
    fn default() -> Self {
        TenantSpec {
            name: default_tenant_name(),
            mfa: MfaSpec::default(),
        }
    }
}

fn default_tenant_name() -> String {
    "local".to_owned()
}

/// `tenant.mfa`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MfaSpec {
    /// The "Customize MFA Factors using Actions" toggle.
    #[serde(default = "yes")]
    pub customize_with_actions: bool,
    /// Factors enabled in the tenant.
    #[serde(default = "all_factors")]
    pub factors: Vec<FactorKind>,
    /// `transaction` or `prior-action`.
    #[serde(default)]
    pub enroll_challenge_scope: ScopeSpec,
}

impl Default for MfaSpec {
    fn default() -> Self {
        MfaSpec {
            customize_with_actions: true,
            factors: all_factors(),
            enroll_challenge_scope: ScopeSpec::default(),
        }
    }
}

fn yes() -> bool {
    true
}

fn all_factors() -> Vec<FactorKind> {
    FactorKind::ALL.to_vec()
}

/// `tenant.mfa.enroll_challenge_scope`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeSpec {
    /// `"transaction"`.
    #[default]
    Transaction,
    /// `"prior-action"`.
    PriorAction,
}

impl From<ScopeSpec> for ChallengeScope {
    fn from(scope: ScopeSpec) -> Self {
        match scope {
            ScopeSpec::Transaction => ChallengeScope::Transaction,
            ScopeSpec::PriorAction => ChallengeScope::PriorAction,
        }
    }
}

/// One entry of `actions[]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// The Action's name.
    pub name: String,
    /// Path of its code, relative to the flow file and inside its folder.
    pub file: Option<String>,
    /// Its code, inline.
    pub code: Option<String>,
    /// `event.secrets` for this Action.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
}

/// `responses`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Responses {
    /// One per MFA prompt shown, in order.
    #[serde(default)]
    pub mfa: Vec<MfaResponse>,
    /// One per redirect or form, in order.
    #[serde(rename = "continue", default)]
    pub continue_: Vec<ContinueResponse>,
}

/// One entry of `http[]`: a fixture that answers matching requests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpFixtureSpec {
    /// Method to match (default: any).
    pub method: Option<String>,
    /// URL to match: exact, or with `*` for any run of characters.
    pub url: String,
    /// Response status (default 200).
    #[serde(default = "ok_status")]
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON response body.
    pub json: Option<Value>,
    /// A text response body.
    pub text: Option<String>,
    /// How long the response takes.
    #[serde(default)]
    pub delay_ms: u64,
}

fn ok_status() -> u16 {
    200
}

/// `limits`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Time for the whole flow's execution, in ms (default Auth0's 20 s).
    pub timeout_ms: Option<u64>,
    /// JS heap cap in MiB (default 128).
    pub memory_mb: Option<usize>,
}

/// Auth0's execution limit for one trigger (auth0-post-login §4.2).
pub const DEFAULT_TIMEOUT_MS: u64 = 20_000;
/// The default heap cap (Auth0 documents none; flow-file.md §1).
pub const DEFAULT_MEMORY_MB: usize = 128;

/// A JSON or shape error at a position in the flow file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, without the position.
    pub message: String,
}

impl FlowFile {
    /// Parses flow-file JSON.
    pub fn parse(text: &str) -> Result<FlowFile, ParseError> {
        serde_json::from_str(text).map_err(|error| {
            let full = error.to_string();
            let suffix = format!(" at line {} column {}", error.line(), error.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
            // serde_json says column 0 right after a newline; positions are 1-based.
            ParseError {
                line: error.line().max(1),
                column: error.column().max(1),
                message,
            }
        })
    }
}

/// Parses an RFC 3339 timestamp (`2026-01-01T00:00:00Z`, optional fraction,
/// `Z` or `±HH:MM`) into milliseconds since the epoch.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let (h, m): (i64, i64) = (rest[1..3].parse().ok()?, rest[4..6].parse().ok()?);
            sign * (h * 60 + m)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute - offset_minutes) * 60_000 + second * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_file_1_defaults() {
        let flow = FlowFile::parse(r#"{"actions": [{"name": "a", "code": "x"}]}"#).unwrap();
        assert_eq!(flow.tenant.name, "local");
        assert!(flow.tenant.mfa.customize_with_actions);
        assert_eq!(flow.tenant.mfa.factors.len(), 7);
        assert!(matches!(
            flow.tenant.mfa.enroll_challenge_scope,
            ScopeSpec::Transaction
        ));
        assert!(flow.responses.mfa.is_empty() && flow.expect.is_none() && flow.clock.is_none());
    }

    #[test]
    fn flow_file_1_unknown_top_level_keys_are_errors_with_position() {
        let err = FlowFile::parse("{\n  \"actions\": [],\n  \"tenat\": {}\n}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 9));
        assert!(
            err.message.starts_with("unknown field `tenat`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_factor_names_are_errors_with_position() {
        let err =
            FlowFile::parse(r#"{"actions": [], "tenant": {"mfa": {"factors": ["otp", "sms"]}}}"#)
                .unwrap_err();
        assert!(
            err.message.contains("`sms` is not an MFA factor type"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_keys_inside_event_pass_through() {
        let flow = FlowFile::parse(r#"{"actions": [], "event": {"custom": {"x": 1}}}"#).unwrap();
        assert_eq!(flow.event.unwrap()["custom"]["x"], 1);
    }

    #[test]
    fn rfc3339_timestamps() {
        assert_eq!(
            parse_rfc3339("2026-01-01T00:00:00Z"),
            Some(1_767_225_600_000)
        );
        assert_eq!(
            parse_rfc3339("2026-01-01T00:00:00.5Z"),
            Some(1_767_225_600_500)
        );
        assert_eq!(
            parse_rfc3339("2026-01-01T01:00:00+01:00"),
            Some(1_767_225_600_000)
        );
        assert_eq!(parse_rfc3339("2026-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("yesterday"), None);
    }
}
