//! Tenant log entries the login would write (auth0-post-login §3.10,
//! flow-file.md §3 decision 4). Owns the codes and Auth0's message texts.

use serde::Serialize;

/// A tenant log event code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LogType {
    /// `w`: warning during login.
    #[serde(rename = "w")]
    Warning,
    /// `mfar`: MFA required / fatal MFA-Action failure.
    #[serde(rename = "mfar")]
    MfaRequired,
    /// `s`: successful login.
    #[serde(rename = "s")]
    Success,
    /// `f`: failed login.
    #[serde(rename = "f")]
    Failure,
    /// `session_revoked`: written by `api.session.revoke`.
    #[serde(rename = "session_revoked")]
    SessionRevoked,
    /// `srrt`: refresh token revoked by `api.refreshToken.revoke`.
    #[serde(rename = "srrt")]
    RefreshTokenRevoked,
}

impl LogType {
    /// The code as written in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            LogType::Warning => "w",
            LogType::MfaRequired => "mfar",
            LogType::Success => "s",
            LogType::Failure => "f",
            LogType::SessionRevoked => "session_revoked",
            LogType::RefreshTokenRevoked => "srrt",
        }
    }
}

/// One tenant log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// The event code.
    #[serde(rename = "type")]
    pub type_: LogType,
    /// Its description, in Auth0's words where Auth0 documents them.
    pub description: String,
}

impl LogEntry {
    pub(crate) fn new(type_: LogType, description: impl Into<String>) -> Self {
        LogEntry {
            type_,
            description: description.into(),
        }
    }
}

// Texts from the seed document's troubleshooting table and auth0-post-login §3.3/§3.5.
pub(crate) fn challenge_factor_ignored(factor: &str) -> String {
    format!("An MFA challenge is used in a PostLogin action, but the requested factor {factor} is not properly set up. Enable the requested factor and ensure the user is enrolled with it.")
}

pub(crate) fn enroll_factor_ignored(factor: &str) -> String {
    format!("An MFA enrollment is used in a PostLogin action, but the requested factor {factor} is not properly set up. Enable the requested factor and ensure the user is not already enrolled with it.")
}

pub(crate) const CHALLENGE_NO_USABLE_FACTOR: &str = "An MFA challenge is used in a PostLogin action but the requested factors are not properly set up. To perform MFA, enable the requested factors and ensure the user is enrolled with them.";

pub(crate) const ENROLL_NO_USABLE_FACTOR: &str = "An MFA enrollment is used in a PostLogin action but the requested factors are not properly set up. To perform MFA, enable the requested factors and ensure the user is not already enrolled with them.";

pub(crate) const ENROLL_WITHOUT_CHALLENGE: &str = "An MFA enrollment was requested but the user is already enrolled in MFA. Challenge with at least one existing factor before enrolling a new one.";

pub(crate) fn customize_disabled(command: &str) -> String {
    format!("An MFA command ({command}) is used in a PostLogin action, but \"Customize MFA Factors using Actions\" is disabled in the tenant. The command was ignored.")
}

pub(crate) const SUCCESS: &str = "Successful login";
