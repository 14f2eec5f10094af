//! The enforcement core of `actions`: Auth0's post-login rules, with no JS engine.
//!
//! Every `api.*` call an Action makes arrives here as an [`ApiMethod`] with its
//! JSON arguments. A [`Transaction`] validates it against Auth0's rules
//! (`auth0-post-login.md` §2 and §3, and the decisions of `flow-file.md` §3),
//! records it with a [`Verdict`], and, when the Action finishes, applies its
//! effects: metadata, token claims, the MFA commands in call order with the
//! simulated user's answers, tenant log entries and the login's [`Outcome`].
//!
//! The crate owns no clock, no file and no randomness: time comes in through
//! the [`Clock`] trait and user answers through [`MfaResponse`], so every rule
//! can be tested, fuzzed and reused without a JS engine.

#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod call;
mod clock;
mod context;
mod factor;
mod log;
mod mfa;
mod outcome;
pub mod rules;
mod services;
mod tenant;
mod transaction;

pub use call::{ApiError, ApiErrorKind, ApiMethod, CallRecord, Verdict};
pub use clock::{iso8601, Clock, FixedClock};
pub use context::{ContinueResponse, LoginContext, TokenRequest};
pub use factor::{FactorKind, ParseFactorError};
pub use log::{LogEntry, LogType};
pub use mfa::{
    CommandKind, IgnoredFactor, MfaCommand, MfaEntry, MfaResponse, MfaResult, PromptKind,
    ResponseResult,
};
pub use outcome::{ErrorCode, FlowError, Outcome};
pub use services::{NoServices, Services, TokenError, VerifiedToken};
pub use tenant::{ChallengeScope, MfaSettings, Tenant};
pub use transaction::{
    HandlerEnd, InputError, InvocationRecord, RedirectRecord, RefreshTokenReport, SamlReport,
    ScopeChange, SessionReport, Snapshot, Step, Transaction, UserState,
};
