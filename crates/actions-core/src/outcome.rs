//! How a login ends (flow-file.md §2 `outcome` and `error`).

use serde::Serialize;

/// The login's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every Action ran and the login completes.
    Allowed,
    /// `api.access.deny` or an equivalent.
    Denied,
    /// An Action threw, timed out or broke a limit, an MFA rule failed the
    /// transaction, or the user failed a prompt.
    Failed,
    /// A redirect had no `responses.continue` entry.
    RedirectPending,
}

/// The report's `error.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `api.access.deny`.
    AccessDenied,
    /// An MFA command failed a rule (`mfar`).
    MfaRule,
    /// The user failed an MFA prompt.
    MfaFailed,
    /// MFA was requested in a login that cannot prompt (refresh token, ROPG).
    MfaRequired,
    /// A fifth MFA command.
    TooManyMfaCommands,
    /// The Action threw or rejected.
    ActionError,
    /// The execution limit was reached.
    Timeout,
    /// The JS heap limit was reached.
    MemoryLimit,
    /// A redirect or form in a flow that cannot interact with the user.
    InteractionRequired,
    /// `/continue` came back with the wrong `state`.
    InvalidRequest,
    /// `api.validation.error(code, ...)`: the Action's own code.
    Validation(String),
}

impl ErrorCode {
    /// The code as the report spells it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::AccessDenied => "access_denied",
            ErrorCode::MfaRule => "mfa_rule",
            ErrorCode::MfaFailed => "mfa_failed",
            ErrorCode::MfaRequired => "mfa_required",
            ErrorCode::TooManyMfaCommands => "too_many_mfa_commands",
            ErrorCode::ActionError => "action_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::MemoryLimit => "memory_limit",
            ErrorCode::InteractionRequired => "interaction_required",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Validation(code) => code,
        }
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The report's `error` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowError {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// Human-readable message (what the application would get as
    /// `error_description`).
    pub message: String,
    /// The Action that caused it.
    pub action: Option<String>,
}
