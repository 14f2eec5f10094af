//! One login's state machine: records calls, applies an Action's effects when
//! it finishes, executes its MFA commands with the user's answers, suspends at
//! redirects and forms and resumes with the user's `/continue`, and ends the
//! login. The rules live in `rules/`; this file only sequences them.
//! `transaction/api.rs` handles the individual `api` calls and
//! `transaction/suspend.rs` the redirects.

use std::collections::VecDeque;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::log::{self, LogEntry, LogType};
use crate::rules::cache::Cache;
use crate::rules::challenge_before_enroll::{self, Completion};
use crate::rules::metadata;
use crate::rules::no_usable_factor::{self, NoUsableFactor};
use crate::rules::non_interactive::{self, Interactivity};
use crate::rules::usable_factors::{self, UserFactors};
use crate::rules::{customize_toggle, prompt_shape};
use crate::{
    iso8601, ApiError, ApiMethod, CallRecord, Clock, ContinueResponse, ErrorCode, FlowError,
    IgnoredFactor, LoginContext, MfaCommand, MfaEntry, MfaResponse, MfaResult, NoServices, Outcome,
    PromptKind, ResponseResult, Services, Tenant, Verdict,
};

mod api;
mod suspend;

use api::{Answer, Pending, Rejection};
pub use api::{RefreshTokenReport, SamlReport, ScopeChange, SessionReport};
pub use suspend::RedirectRecord;
use suspend::Suspension;

/// The user as the login starts (flow-file.md §3 decision 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserState {
    /// `event.user.app_metadata` (may be a non-object, which makes writes throw).
    pub app_metadata: Value,
    /// `event.user.user_metadata`.
    pub user_metadata: Value,
    /// `event.user.enrolledFactors`, the whole truth about the user's factors.
    /// Shared with the snapshots taken while it is unchanged.
    pub enrolled_factors: Arc<Vec<Value>>,
}

/// What one invocation was given (flow-file.md §2 `invocations[].seen`), plus
/// the other parts of the event the login has changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// `event.user.enrolledFactors`.
    #[serde(rename = "enrolledFactors")]
    pub enrolled_factors: Arc<Vec<Value>>,
    /// `event.authentication.methods`.
    pub methods: Arc<Vec<Value>>,
    /// `event.user.app_metadata`.
    #[serde(skip)]
    pub app_metadata: Value,
    /// `event.user.user_metadata`.
    #[serde(skip)]
    pub user_metadata: Value,
    /// `event.request` (the `/continue` request after a resume).
    #[serde(skip)]
    pub request: Arc<Value>,
    /// `event.session` (`Null` when absent).
    #[serde(skip)]
    pub session: Arc<Value>,
    /// `event.refresh_token` (`Null` when absent).
    #[serde(skip)]
    pub refresh_token: Arc<Value>,
    /// `event.transaction.metadata`.
    #[serde(skip)]
    pub transaction_metadata: Map<String, Value>,
    /// `event.prompt` after a form (`None` otherwise).
    #[serde(skip)]
    pub prompt: Option<Value>,
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
    /// The Action redirected or rendered a form: call [`Transaction::resume`].
    Suspend,
    /// The user came back: run the same Action's `onContinuePostLogin`.
    RunContinue,
    /// The login has ended.
    Stop,
}

/// The flow file asked for something impossible (e.g. a response naming a
/// factor the prompt does not offer). Reported as bad input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// What remains to do for the Action that just finished.
#[derive(Debug)]
struct After {
    action: String,
    position: usize,
    mfa: Vec<MfaCommand>,
    suspension: Option<Suspension>,
}

/// One login.
pub struct Transaction {
    tenant: Tenant,
    services: Box<dyn Services>,
    context: LoginContext,
    now_ms: i64,
    handler: String,
    start_enrolled: Vec<String>,
    user: UserState,
    /// Shared with the snapshots taken while it is unchanged.
    methods: Arc<Vec<Value>>,
    responses: VecDeque<MfaResponse>,
    responses_used: usize,
    continues: VecDeque<ContinueResponse>,
    invocations: Vec<InvocationRecord>,
    mfa: Vec<MfaEntry>,
    mfa_commands_used: usize,
    completions: Vec<Completion>,
    id_claims: Map<String, Value>,
    access_claims: Map<String, Value>,
    scopes: Vec<(String, ScopeChange)>,
    scope_adds: usize,
    cache: Cache,
    primary_user: Option<String>,
    multifactor: Option<Value>,
    session: SessionReport,
    refresh_token: RefreshTokenReport,
    saml: SamlReport,
    redirects: Vec<RedirectRecord>,
    continue_state: Option<String>,
    prompt: Option<Value>,
    logs: Vec<LogEntry>,
    ended: Option<(Outcome, Option<FlowError>)>,
    pending: Option<Pending>,
    after: Option<After>,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("outcome", &self.outcome())
            .field("invocations", &self.invocations.len())
            .finish_non_exhaustive()
    }
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
            services: Box::new(NoServices),
            context: LoginContext::default(),
            now_ms: 0,
            handler: String::new(),
            start_enrolled,
            user,
            methods: methods.into(),
            responses: responses.into(),
            responses_used: 0,
            continues: VecDeque::new(),
            invocations: Vec::new(),
            mfa: Vec::new(),
            mfa_commands_used: 0,
            completions: Vec::new(),
            id_claims: Map::new(),
            access_claims: Map::new(),
            scopes: Vec::new(),
            scope_adds: 0,
            cache: Cache::default(),
            primary_user: None,
            multifactor: None,
            session: SessionReport::default(),
            refresh_token: RefreshTokenReport::default(),
            saml: SamlReport::default(),
            redirects: Vec::new(),
            continue_state: None,
            prompt: None,
            logs: Vec::new(),
            ended: None,
            pending: None,
            after: None,
        }
    }

    /// Sets the event data the rules read (user id, request, protocol, session, ...).
    pub fn with_context(mut self, context: LoginContext) -> Self {
        self.context = context;
        self
    }

    /// Sets `event.transaction.protocol` alone (auth0-post-login §3.9).
    pub fn with_protocol(mut self, protocol: Option<String>) -> Self {
        self.context.protocol = protocol;
        self
    }

    /// Sets the token and URL services.
    pub fn with_services(mut self, services: Box<dyn Services>) -> Self {
        self.services = services;
        self
    }

    /// Sets what `api.cache` holds when the login starts.
    pub fn with_cache(mut self, cache: Cache) -> Self {
        self.cache = cache;
        self
    }

    /// Sets how the user comes back from each redirect or form.
    pub fn with_continue_responses(mut self, continues: Vec<ContinueResponse>) -> Self {
        self.continues = continues.into();
        self
    }

    /// Sets "now" for the calls that read the clock (cache, tokens).
    pub fn set_now(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }

    /// An Action's handler starts; returns the snapshot it must be given
    /// (auth0-post-login §3.6: snapshots are taken only when an Action begins).
    pub fn begin(&mut self, action: &str, position: usize, handler: &str) -> &Snapshot {
        let mut metadata = self.context.transaction_metadata.clone();
        metadata.retain(|_, v| !v.is_null());
        let seen = Snapshot {
            enrolled_factors: self.user.enrolled_factors.clone(),
            methods: self.methods.clone(),
            app_metadata: self.user.app_metadata.clone(),
            user_metadata: self.user.user_metadata.clone(),
            request: self.context.request.clone(),
            session: self.context.session.clone(),
            refresh_token: self.context.refresh_token.clone(),
            transaction_metadata: metadata,
            prompt: if handler == "onContinuePostLogin" {
                self.prompt.clone()
            } else {
                None
            },
        };
        self.invocations.push(InvocationRecord {
            action: action.to_owned(),
            handler: handler.to_owned(),
            seen,
            calls: Vec::new(),
        });
        self.handler = handler.to_owned();
        self.pending = Some(Pending::new(action, position));
        &self.invocations.last().expect("just pushed").seen
    }

    /// An `api.*` call. `Ok` is the value the method returns to the Action
    /// (`Null` for none); `Err` throws into the Action. Recorded either way.
    pub fn call(&mut self, method: ApiMethod, args: Vec<Value>) -> Result<Value, ApiError> {
        let (verdict, result) = match self.dispatch(method, &args) {
            Ok(Answer::Accepted(value)) => (Verdict::Accepted, Ok(value)),
            Ok(Answer::Ignored(reason)) => (
                Verdict::Ignored {
                    reason: reason.to_owned(),
                },
                Ok(Value::Null),
            ),
            Err(Rejection::Recorded(message)) => (Verdict::Rejected { message }, Ok(Value::Null)),
            Err(Rejection::Thrown(error)) => (
                Verdict::Rejected {
                    message: error.message.clone(),
                },
                Err(error),
            ),
        };
        if let Some(invocation) = self
            .invocations
            .last_mut()
            .filter(|_| self.pending.is_some())
        {
            invocation.calls.push(CallRecord {
                method: method.as_str(),
                args: api::redact(method, args),
                verdict,
            });
        }
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
            let message = crate::rules::command_cap::TOO_MANY_MESSAGE.to_owned();
            self.fail(
                Outcome::Failed,
                ErrorCode::TooManyMfaCommands,
                message,
                &pending.action,
            );
            return Step::Stop;
        }
        let pending = self.commit(pending);
        if let Some(denial) = pending.denial {
            // auth0-post-login §2.1: side effects are kept, later Actions do not run.
            if let Some(log) = denial.log {
                self.logs.push(LogEntry::new(log, denial.message.clone()));
            }
            self.fail(
                Outcome::Denied,
                denial.code,
                denial.message,
                &pending.action,
            );
            return Step::Stop;
        }
        let step = match (&pending.mfa.is_empty(), &pending.suspension) {
            (false, _) => Step::RunMfa,
            (true, Some(_)) => Step::Suspend,
            (true, None) => return Step::Continue,
        };
        self.after = Some(After {
            action: pending.action,
            position: pending.position,
            mfa: pending.mfa,
            suspension: pending.suspension,
        });
        step
    }

    /// Executes the MFA commands of the Action that just finished, in call
    /// order (auth0-post-login §3.6), asking the scripted user at each prompt.
    pub fn run_mfa(&mut self, clock: &mut dyn Clock) -> Result<Step, InputError> {
        let Some(mut after) = self.after.take() else {
            return Ok(Step::Continue);
        };
        for command in std::mem::take(&mut after.mfa) {
            if !self.execute(&command, &after, clock)? {
                return Ok(Step::Stop);
            }
        }
        if after.suspension.is_some() {
            self.after = Some(after);
            return Ok(Step::Suspend);
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

    /// Applies a finished Action's effects; returns what still has to happen.
    fn commit(&mut self, mut pending: Pending) -> Pending {
        // auth0-post-login §2.4: user metadata set in the same Action as
        // setPrimaryUser is discarded.
        if pending.primary_user.is_none() {
            for (stored, writes) in [
                (&mut self.user.app_metadata, &pending.app_metadata),
                (&mut self.user.user_metadata, &pending.user_metadata),
            ] {
                if let Value::Object(map) = stored {
                    metadata::apply(map, writes);
                }
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
        for (scope, change) in pending.scopes.drain(..) {
            self.scopes.retain(|(s, _)| *s != scope);
            if change == ScopeChange::Add {
                self.scope_adds += 1;
            }
            self.scopes.push((scope, change));
        }
        for url in pending.record_methods.drain(..) {
            Arc::make_mut(&mut self.methods)
                .push(json!({ "name": url, "timestamp": iso8601(self.now_ms) }));
        }
        if let Some(id) = pending.primary_user.take() {
            self.primary_user = Some(id);
        }
        if let Some(enable) = pending.multifactor.take() {
            self.multifactor = Some(enable);
        }
        if let Some(metadata) = pending.transaction_metadata.take() {
            self.context.transaction_metadata = metadata;
        }
        pending
            .session
            .apply(&mut self.session, &mut self.context.session);
        pending
            .refresh_token
            .apply(&mut self.refresh_token, &mut self.context.refresh_token);
        pending.saml.apply(&mut self.saml);
        pending
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
        from: &After,
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
            let text = log::customize_disabled(command.kind.as_str());
            self.logs.push(LogEntry::new(LogType::Warning, text));
            self.mfa.push(entry);
            return Ok(true);
        }

        let failure = match non_interactive::classify(self.context.protocol.as_deref()) {
            Interactivity::Interactive => None,
            Interactivity::MfaRequired => Some((
                ErrorCode::MfaRequired,
                non_interactive::MFA_REQUIRED_MESSAGE,
            )),
            Interactivity::Unsupported => {
                Some((ErrorCode::MfaRule, non_interactive::TOKEN_EXCHANGE_MESSAGE))
            }
        };
        if let Some((code, message)) = failure {
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
            let message = format!("The user failed the {factor} {what}");
            self.fail(Outcome::Failed, ErrorCode::MfaFailed, message, &from.action);
            return Ok(false);
        }

        entry.result = MfaResult::Completed;
        self.mfa.push(entry);
        // Decision 10: what later Actions see.
        if is_enroll {
            Arc::make_mut(&mut self.user.enrolled_factors).push(json!({ "type": factor }));
        }
        Arc::make_mut(&mut self.methods)
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
    /// Every handler run, given up by a finished transaction (its report
    /// moves them instead of copying each snapshot).
    pub fn into_invocations(self) -> Vec<InvocationRecord> {
        self.invocations
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
    /// Scopes added to and removed from the access token (last change wins).
    pub fn scopes(&self, change: ScopeChange) -> Vec<String> {
        self.scopes
            .iter()
            .filter(|(_, c)| *c == change)
            .map(|(s, _)| s.clone())
            .collect()
    }
    /// How many `responses.mfa` entries were consumed.
    pub fn responses_used(&self) -> usize {
        self.responses_used
    }
    /// `api.cache` contents now (live entries only).
    pub fn cache(&self) -> Map<String, Value> {
        self.cache.entries(self.now_ms)
    }
    /// `api.authentication.setPrimaryUser`'s user, if any.
    pub fn primary_user(&self) -> Option<&str> {
        self.primary_user.as_deref()
    }
    /// `api.multifactor.enable`'s request, and whether it still applies: a
    /// `challengeWith*`/`enrollWith*` command overrides it (auth0-post-login §3.8).
    pub fn multifactor(&self) -> Option<Value> {
        let overridden = !self.mfa.is_empty();
        self.multifactor.as_ref().map(|enable| {
            let mut report = enable.clone();
            report["overridden_by_mfa_commands"] = Value::Bool(overridden);
            report
        })
    }
    /// Session changes.
    pub fn session(&self) -> &SessionReport {
        &self.session
    }
    /// Refresh-token changes.
    pub fn refresh_token(&self) -> &RefreshTokenReport {
        &self.refresh_token
    }
    /// SAML response changes.
    pub fn saml(&self) -> &SamlReport {
        &self.saml
    }
    /// The report's `redirects[]`.
    pub fn redirects(&self) -> &[RedirectRecord] {
        &self.redirects
    }
    /// `event.transaction.metadata` now.
    pub fn transaction_metadata(&self) -> &Map<String, Value> {
        &self.context.transaction_metadata
    }
}

/// The factor types of `enrolledFactors`, aliases made canonical (`push` is
/// `push-notification`), as the requested types of commands are.
fn factor_types(factors: &[Value]) -> Vec<String> {
    factors
        .iter()
        .filter_map(|f| f.get("type").and_then(Value::as_str))
        .map(|t| {
            t.parse::<crate::FactorKind>()
                .map_or_else(|_| t.to_owned(), |k| k.as_str().to_owned())
        })
        .collect()
}

#[cfg(test)]
#[path = "transaction_tests.rs"]
mod tests;
