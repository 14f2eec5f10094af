//! One login's state machine: records calls, applies an Action's effects when
//! it finishes, executes its MFA commands with the user's answers, and ends the
//! login. The rules themselves live in `rules/`; this file only sequences them.

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::log::{self, LogEntry, LogType};
use crate::rules::challenge_before_enroll::{self, Completion};
use crate::rules::custom_claims::{self, ClaimCheck};
use crate::rules::metadata::{self, Which};
use crate::rules::no_usable_factor::{self, NoUsableFactor};
use crate::rules::non_interactive::{self, Interactivity};
use crate::rules::usable_factors::{self, UserFactors};
use crate::rules::{command_cap, customize_toggle, prompt_shape};
use crate::{
    iso8601, ApiError, ApiMethod, CallRecord, Clock, ErrorCode, FlowError, IgnoredFactor,
    MfaCommand, MfaEntry, MfaResponse, MfaResult, Outcome, PromptKind, ResponseResult, Tenant,
    Verdict,
};

/// The user as the login starts (flow-file.md §3 decision 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserState {
    /// `event.user.app_metadata` (may be a non-object, which makes writes throw).
    pub app_metadata: Value,
    /// `event.user.user_metadata`.
    pub user_metadata: Value,
    /// `event.user.enrolledFactors`, the whole truth about the user's factors.
    pub enrolled_factors: Vec<Value>,
}

/// What one invocation was given (flow-file.md §2 `invocations[].seen`), plus
/// the metadata it sees.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// `event.user.enrolledFactors`.
    #[serde(rename = "enrolledFactors")]
    pub enrolled_factors: Vec<Value>,
    /// `event.authentication.methods`.
    pub methods: Vec<Value>,
    /// `event.user.app_metadata`.
    #[serde(skip)]
    pub app_metadata: Value,
    /// `event.user.user_metadata`.
    #[serde(skip)]
    pub user_metadata: Value,
}

/// One handler run as the core saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationRecord {
    /// The Action's name.
    pub action: String,
    /// `onExecutePostLogin` or `onContinuePostLogin`.
    pub handler: String,
    /// The snapshot it was given.
    pub seen: Snapshot,
    /// Every `api.*` call, in call order.
    pub calls: Vec<CallRecord>,
}

/// How a handler ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerEnd {
    /// It returned (or its promise resolved).
    Returned,
    /// It threw, timed out or broke a limit: the login fails with `code`.
    Failed {
        /// `action_error`, `timeout` or `memory_limit`.
        code: ErrorCode,
        /// What to report.
        message: String,
    },
}

/// What the orchestrator does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Run the next Action.
    Continue,
    /// The Action queued MFA commands: pause and call [`Transaction::run_mfa`].
    RunMfa,
    /// The login has ended.
    Stop,
}

/// The flow file asked for something impossible (e.g. a response naming a
/// factor the prompt does not offer). Reported as bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// Effects of the running Action, applied only if it finishes cleanly.
#[derive(Debug, Default)]
struct Pending {
    action: String,
    position: usize,
    denied: Option<String>,
    over_cap: bool,
    mfa: Vec<MfaCommand>,
    app_metadata: Vec<(String, Value)>,
    user_metadata: Vec<(String, Value)>,
    id_claims: Vec<(String, Value)>,
    access_claims: Vec<(String, Value)>,
}

/// One login.
#[derive(Debug)]
pub struct Transaction {
    tenant: Tenant,
    protocol: Option<String>,
    start_enrolled: Vec<String>,
    user: UserState,
    methods: Vec<Value>,
    responses: VecDeque<MfaResponse>,
    responses_used: usize,
    invocations: Vec<InvocationRecord>,
    mfa: Vec<MfaEntry>,
    mfa_commands_used: usize,
    completions: Vec<Completion>,
    id_claims: Map<String, Value>,
    access_claims: Map<String, Value>,
    logs: Vec<LogEntry>,
    ended: Option<(Outcome, Option<FlowError>)>,
    pending: Option<Pending>,
    queued: Option<Pending>,
}

impl Transaction {
    /// Starts a login. `methods` is `event.authentication.methods` with
    /// timestamps already filled in; `responses` are the user's answers.
    pub fn new(
        tenant: Tenant,
        user: UserState,
        methods: Vec<Value>,
        responses: Vec<MfaResponse>,
    ) -> Self {
        let start_enrolled = factor_types(&user.enrolled_factors);
        Transaction {
            tenant,
            protocol: None,
            start_enrolled,
            user,
            methods,
            responses: responses.into(),
            responses_used: 0,
            invocations: Vec::new(),
            mfa: Vec::new(),
            mfa_commands_used: 0,
            completions: Vec::new(),
            id_claims: Map::new(),
            access_claims: Map::new(),
            logs: Vec::new(),
            ended: None,
            pending: None,
            queued: None,
        }
    }

    /// Sets `event.transaction.protocol`, which decides whether MFA prompts
    /// can be shown at all (auth0-post-login §3.9).
    pub fn with_protocol(mut self, protocol: Option<String>) -> Self {
        self.protocol = protocol;
        self
    }

    /// An Action's handler starts; returns the snapshot it must be given
    /// (auth0-post-login §3.6: snapshots are taken only when an Action begins).
    pub fn begin(&mut self, action: &str, position: usize, handler: &str) -> Snapshot {
        let seen = Snapshot {
            enrolled_factors: self.user.enrolled_factors.clone(),
            methods: self.methods.clone(),
            app_metadata: self.user.app_metadata.clone(),
            user_metadata: self.user.user_metadata.clone(),
        };
        self.invocations.push(InvocationRecord {
            action: action.to_owned(),
            handler: handler.to_owned(),
            seen: seen.clone(),
            calls: Vec::new(),
        });
        self.pending = Some(Pending {
            action: action.to_owned(),
            position,
            ..Pending::default()
        });
        seen
    }

    /// An `api.*` call. `Err` throws into the Action; the call is recorded
    /// either way.
    pub fn call(&mut self, method: ApiMethod, args: Vec<Value>) -> Result<(), ApiError> {
        let Some(pending) = self.pending.as_mut() else {
            return Err(ApiError::error(format!(
                "api.{} was called while no Action handler was running",
                method.as_str()
            )));
        };
        let (verdict, result) = match apply_call(
            &self.tenant,
            &self.user,
            &mut self.mfa_commands_used,
            pending,
            method,
            &args,
        ) {
            Ok(None) => (Verdict::Accepted, Ok(())),
            Ok(Some(reason)) => (
                Verdict::Ignored {
                    reason: reason.to_owned(),
                },
                Ok(()),
            ),
            Err(Rejection::Recorded(message)) => (Verdict::Rejected { message }, Ok(())),
            Err(Rejection::Thrown(error)) => (
                Verdict::Rejected {
                    message: error.message.clone(),
                },
                Err(error),
            ),
        };
        let invocation = self
            .invocations
            .last_mut()
            .expect("begin() pushed an invocation");
        invocation.calls.push(CallRecord {
            method: method.as_str(),
            args,
            verdict,
        });
        result
    }

    /// The running handler ended. Applies or discards its effects
    /// (flow-file.md §3 decision 10) and says what comes next.
    pub fn end(&mut self, end: HandlerEnd) -> Step {
        let Some(pending) = self.pending.take() else {
            return Step::Stop;
        };
        if let HandlerEnd::Failed { code, message } = end {
            self.fail(Outcome::Failed, code, message, &pending.action);
            return Step::Stop;
        }
        if pending.over_cap {
            // Decision 8: none of the Action's MFA commands execute; breaking a
            // limit discards its effects like a throw does.
            self.fail(
                Outcome::Failed,
                ErrorCode::TooManyMfaCommands,
                command_cap::TOO_MANY_MESSAGE.to_owned(),
                &pending.action,
            );
            return Step::Stop;
        }
        self.commit(&pending);
        if let Some(reason) = &pending.denied {
            // auth0-post-login §2.1: side effects are kept, later Actions do not run.
            self.fail(
                Outcome::Denied,
                ErrorCode::AccessDenied,
                reason.clone(),
                &pending.action,
            );
            return Step::Stop;
        }
        if pending.mfa.is_empty() {
            return Step::Continue;
        }
        self.queued = Some(pending);
        Step::RunMfa
    }

    /// Executes the MFA commands of the Action that just finished, in call
    /// order (auth0-post-login §3.6), asking the scripted user at each prompt.
    pub fn run_mfa(&mut self, clock: &mut dyn Clock) -> Result<Step, InputError> {
        let Some(queued) = self.queued.take() else {
            return Ok(Step::Continue);
        };
        for command in &queued.mfa {
            if !self.execute(command, &queued, clock)? {
                return Ok(Step::Stop);
            }
        }
        Ok(Step::Continue)
    }

    /// Ends the login if nothing ended it earlier: every Action ran, so it is
    /// allowed and logs `s`. Returns the outcome.
    pub fn finish(&mut self) -> Outcome {
        if self.ended.is_none() {
            self.logs
                .push(LogEntry::new(LogType::Success, log::SUCCESS));
            self.ended = Some((Outcome::Allowed, None));
        }
        self.outcome()
    }

    /// The login is suspended at a redirect nobody came back from: no `s`, no `f`.
    pub fn suspend(&mut self) {
        self.ended.get_or_insert((Outcome::RedirectPending, None));
    }

    fn commit(&mut self, pending: &Pending) {
        for (stored, writes) in [
            (&mut self.user.app_metadata, &pending.app_metadata),
            (&mut self.user.user_metadata, &pending.user_metadata),
        ] {
            if let Value::Object(map) = stored {
                metadata::apply(map, writes);
            }
        }
        for (claims, writes) in [
            (&mut self.id_claims, &pending.id_claims),
            (&mut self.access_claims, &pending.access_claims),
        ] {
            for (key, value) in writes {
                claims.insert(key.clone(), value.clone());
            }
        }
    }

    fn fail(&mut self, outcome: Outcome, code: ErrorCode, message: String, action: &str) {
        self.logs
            .push(LogEntry::new(LogType::Failure, message.clone()));
        self.ended = Some((
            outcome,
            Some(FlowError {
                code,
                message,
                action: Some(action.to_owned()),
            }),
        ));
    }

    /// Executes one command; `false` when it ended the login.
    fn execute(
        &mut self,
        command: &MfaCommand,
        from: &Pending,
        clock: &mut dyn Clock,
    ) -> Result<bool, InputError> {
        let is_enroll = command.kind.is_enroll();
        let mut entry = MfaEntry {
            action: from.action.clone(),
            command: command.kind,
            kind: if is_enroll { "enroll" } else { "challenge" },
            requested: command.requested.clone(),
            usable: Vec::new(),
            ignored: Vec::new(),
            prompt: PromptKind::None,
            alternatives: Vec::new(),
            result: MfaResult::Skipped,
            factor: None,
        };

        if customize_toggle::ignores_commands(&self.tenant.mfa) {
            entry.ignored = command
                .requested
                .iter()
                .map(|t| IgnoredFactor {
                    type_: t.clone(),
                    reason: customize_toggle::REASON,
                })
                .collect();
            self.logs.push(LogEntry::new(
                LogType::Warning,
                log::customize_disabled(command.kind.as_str()),
            ));
            self.mfa.push(entry);
            return Ok(true);
        }

        let (code, message) = match non_interactive::classify(self.protocol.as_deref()) {
            Interactivity::Interactive => (None, ""),
            Interactivity::MfaRequired => (
                Some(ErrorCode::MfaRequired),
                non_interactive::MFA_REQUIRED_MESSAGE,
            ),
            Interactivity::Unsupported => (
                Some(ErrorCode::MfaRule),
                non_interactive::TOKEN_EXCHANGE_MESSAGE,
            ),
        };
        if let Some(code) = code {
            entry.result = MfaResult::Failed;
            self.mfa.push(entry);
            self.logs.push(LogEntry::new(LogType::MfaRequired, message));
            self.fail(Outcome::Failed, code, message.to_owned(), &from.action);
            return Ok(false);
        }

        let enrolled = factor_types(&self.user.enrolled_factors);
        let satisfied: Vec<String> = self.completions.iter().map(|c| c.factor.clone()).collect();
        let user = UserFactors {
            enrolled: &enrolled,
            satisfied: &satisfied,
        };
        let usability = if is_enroll {
            usable_factors::for_enroll(&command.requested, &self.tenant.mfa, user)
        } else {
            usable_factors::for_challenge(&command.requested, &self.tenant.mfa, user)
        };
        // Decision 4: one `w` per ignored factor, none for already-satisfied.
        for ignored in usability
            .ignored
            .iter()
            .filter(|i| i.reason != "already-satisfied")
        {
            let text = if is_enroll {
                log::enroll_factor_ignored(&ignored.type_)
            } else {
                log::challenge_factor_ignored(&ignored.type_)
            };
            self.logs.push(LogEntry::new(LogType::Warning, text));
        }
        entry.usable = usability.usable;
        entry.ignored = usability.ignored;

        if entry.usable.is_empty() {
            return Ok(match no_usable_factor::decide(is_enroll, &entry.ignored) {
                NoUsableFactor::Skip => {
                    self.mfa.push(entry);
                    true
                }
                NoUsableFactor::Fail => {
                    let text = if is_enroll {
                        log::ENROLL_NO_USABLE_FACTOR
                    } else {
                        log::CHALLENGE_NO_USABLE_FACTOR
                    };
                    self.rule_failure(entry, text, &from.action);
                    false
                }
            });
        }

        if is_enroll
            && !challenge_before_enroll::is_met(
                &self.start_enrolled,
                &self.completions,
                from.position,
                self.tenant.mfa.enroll_challenge_scope,
            )
        {
            self.rule_failure(entry, log::ENROLL_WITHOUT_CHALLENGE, &from.action);
            return Ok(false);
        }

        let (prompt, alternatives) = prompt_shape::shape(command.kind, &entry.usable);
        entry.prompt = prompt;
        entry.alternatives = alternatives;

        let index = self.responses_used;
        let response = self.responses.pop_front().unwrap_or_default();
        self.responses_used += 1;
        let factor = match response.factor {
            None => entry.usable[0].clone(),
            Some(factor) => {
                let canonical = factor
                    .parse::<crate::FactorKind>()
                    .map_or(factor.clone(), |k| k.as_str().to_owned());
                if !entry.usable.contains(&canonical) {
                    return Err(InputError(format!(
                        "responses.mfa[{index}]: factor `{factor}` is not offered by the {} prompt of action `{}` (offered: {})",
                        command.kind.as_str(),
                        from.action,
                        entry.usable.join(", ")
                    )));
                }
                canonical
            }
        };
        clock.user_acted();
        entry.factor = Some(factor.clone());

        if response.result == ResponseResult::Fail {
            entry.result = MfaResult::Failed;
            self.mfa.push(entry);
            let what = if is_enroll { "enrollment" } else { "challenge" };
            self.fail(
                Outcome::Failed,
                ErrorCode::MfaFailed,
                format!("The user failed the {factor} {what}"),
                &from.action,
            );
            return Ok(false);
        }

        entry.result = MfaResult::Completed;
        self.mfa.push(entry);
        // Decision 10: what later Actions see.
        if is_enroll {
            self.user.enrolled_factors.push(json!({ "type": factor }));
        }
        self.methods
            .push(json!({ "name": "mfa", "type": factor, "timestamp": iso8601(clock.now_ms()) }));
        self.completions.push(Completion {
            factor,
            action_position: from.position,
        });
        Ok(true)
    }

    fn rule_failure(&mut self, mut entry: MfaEntry, mfar: &str, action: &str) {
        entry.result = MfaResult::Failed;
        self.mfa.push(entry);
        self.logs.push(LogEntry::new(LogType::MfaRequired, mfar));
        self.fail(Outcome::Failed, ErrorCode::MfaRule, mfar.to_owned(), action);
    }

    /// The outcome so far (`allowed` until something ends the login).
    pub fn outcome(&self) -> Outcome {
        self.ended
            .as_ref()
            .map_or(Outcome::Allowed, |(outcome, _)| *outcome)
    }
    /// Whether the login has ended.
    pub fn has_ended(&self) -> bool {
        self.ended.is_some()
    }
    /// The report's `error`.
    pub fn error(&self) -> Option<&FlowError> {
        self.ended.as_ref().and_then(|(_, error)| error.as_ref())
    }
    /// Every handler run so far.
    pub fn invocations(&self) -> &[InvocationRecord] {
        &self.invocations
    }
    /// The report's `mfa[]`.
    pub fn mfa(&self) -> &[MfaEntry] {
        &self.mfa
    }
    /// The report's `mfa_commands_used`.
    pub fn mfa_commands_used(&self) -> usize {
        self.mfa_commands_used
    }
    /// The report's `logs[]`.
    pub fn logs(&self) -> &[LogEntry] {
        &self.logs
    }
    /// The user as it stands now.
    pub fn user(&self) -> &UserState {
        &self.user
    }
    /// `event.authentication.methods` as it stands now.
    pub fn methods(&self) -> &[Value] {
        &self.methods
    }
    /// Custom claims of the ID token.
    pub fn id_claims(&self) -> &Map<String, Value> {
        &self.id_claims
    }
    /// Custom claims of the access token.
    pub fn access_claims(&self) -> &Map<String, Value> {
        &self.access_claims
    }
    /// How many `responses.mfa` entries were consumed.
    pub fn responses_used(&self) -> usize {
        self.responses_used
    }
}

enum Rejection {
    /// Recorded as rejected without throwing (the fifth MFA command).
    Recorded(String),
    /// Thrown into the Action.
    Thrown(ApiError),
}

impl From<ApiError> for Rejection {
    fn from(error: ApiError) -> Self {
        Rejection::Thrown(error)
    }
}

/// Validates one call and records its effect in `pending`. `Ok(Some(reason))`
/// means ignored.
fn apply_call(
    tenant: &Tenant,
    user: &UserState,
    mfa_commands_used: &mut usize,
    pending: &mut Pending,
    method: ApiMethod,
    args: &[Value],
) -> Result<Option<&'static str>, Rejection> {
    let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
    match method {
        ApiMethod::AccessDeny => {
            pending.denied = Some(display_string(&arg(0)));
            Ok(None)
        }
        ApiMethod::IdTokenSetCustomClaim | ApiMethod::AccessTokenSetCustomClaim => {
            let key = display_string(&arg(0));
            match custom_claims::check(&key)? {
                ClaimCheck::Dropped => Ok(Some(custom_claims::RESERVED_REASON)),
                ClaimCheck::Set => {
                    let claims = if method == ApiMethod::IdTokenSetCustomClaim {
                        &mut pending.id_claims
                    } else {
                        &mut pending.access_claims
                    };
                    claims.push((key, arg(1)));
                    Ok(None)
                }
            }
        }
        ApiMethod::UserSetAppMetadata | ApiMethod::UserSetUserMetadata => {
            let (which, stored, writes) = if method == ApiMethod::UserSetAppMetadata {
                (Which::App, &user.app_metadata, &mut pending.app_metadata)
            } else {
                (Which::User, &user.user_metadata, &mut pending.user_metadata)
            };
            metadata::check_writable(which, stored)?;
            writes.push((display_string(&arg(0)), arg(1)));
            Ok(None)
        }
        ApiMethod::Mfa(kind) => {
            *mfa_commands_used += 1;
            if command_cap::is_over(*mfa_commands_used) {
                pending.over_cap = true;
                return Err(Rejection::Recorded(
                    command_cap::TOO_MANY_MESSAGE.to_owned(),
                ));
            }
            pending.mfa.push(MfaCommand::from_args(kind, args));
            if customize_toggle::ignores_commands(&tenant.mfa) {
                return Ok(Some(customize_toggle::REASON));
            }
            Ok(None)
        }
    }
}

/// JavaScript's `String(value)` for the JSON values a call can carry.
fn display_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

fn factor_types(factors: &[Value]) -> Vec<String> {
    factors
        .iter()
        .filter_map(|f| f.get("type").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
#[path = "transaction_tests.rs"]
mod tests;
