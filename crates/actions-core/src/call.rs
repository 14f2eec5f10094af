//! The `api.*` calls an Action can make, and how each one is recorded.

use serde::Serialize;
use serde_json::Value;

use crate::CommandKind;

/// An `api` method this emulator implements. Each maps to one op in the host
/// (`op_<area>_<verb>`) and to one `method` string in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiMethod {
    /// `api.access.deny(reason)`.
    AccessDeny,
    /// `api.accessToken.setCustomClaim(key, value)`.
    AccessTokenSetCustomClaim,
    /// `api.idToken.setCustomClaim(key, value)`.
    IdTokenSetCustomClaim,
    /// `api.authentication.challengeWith(factor, options?)` and the other three
    /// MFA commands.
    Mfa(CommandKind),
    /// `api.user.setAppMetadata(key, value)`.
    UserSetAppMetadata,
    /// `api.user.setUserMetadata(key, value)`.
    UserSetUserMetadata,
}

impl ApiMethod {
    /// The method's path below `api`, as the report's `calls[].method` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiMethod::AccessDeny => "access.deny",
            ApiMethod::AccessTokenSetCustomClaim => "accessToken.setCustomClaim",
            ApiMethod::IdTokenSetCustomClaim => "idToken.setCustomClaim",
            ApiMethod::Mfa(CommandKind::ChallengeWith) => "authentication.challengeWith",
            ApiMethod::Mfa(CommandKind::ChallengeWithAny) => "authentication.challengeWithAny",
            ApiMethod::Mfa(CommandKind::EnrollWith) => "authentication.enrollWith",
            ApiMethod::Mfa(CommandKind::EnrollWithAny) => "authentication.enrollWithAny",
            ApiMethod::UserSetAppMetadata => "user.setAppMetadata",
            ApiMethod::UserSetUserMetadata => "user.setUserMetadata",
        }
    }
}

/// What became of one call (flow-file.md §3 decision 13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    /// The call returned normally and will take effect.
    Accepted,
    /// Auth0 accepts the call but it has no effect.
    Ignored {
        /// Why, e.g. `reserved-claim` or `customize-disabled`.
        reason: String,
    },
    /// The call failed. Normally it threw into the Action; the fifth MFA
    /// command is the exception (decision 8): recorded here, not thrown.
    Rejected {
        /// The error message.
        message: String,
    },
}

/// One entry of an invocation's `calls[]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// See [`ApiMethod::as_str`].
    pub method: &'static str,
    /// The arguments as JSON (what `JSON.stringify` made of them).
    pub args: Vec<Value>,
    /// The verdict, flattened into `verdict` plus `reason` or `message`.
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// The JavaScript class a rejected call throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// `Error`.
    Error,
    /// `TypeError`.
    TypeError,
}

/// A call that throws into the Action, with Auth0's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// Which class to throw.
    pub kind: ApiErrorKind,
    /// The message, verbatim from Auth0 where Auth0 documents it.
    pub message: String,
}

impl ApiError {
    /// An `Error` with `message`.
    pub fn error(message: impl Into<String>) -> Self {
        ApiError {
            kind: ApiErrorKind::Error,
            message: message.into(),
        }
    }

    /// A `TypeError` with `message`.
    pub fn type_error(message: impl Into<String>) -> Self {
        ApiError {
            kind: ApiErrorKind::TypeError,
            message: message.into(),
        }
    }
}
