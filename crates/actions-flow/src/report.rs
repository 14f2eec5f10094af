//! The run report (flow-file.md §2), with the contract's names to the letter.

use actions_core::{
    CallRecord, FlowError, LogEntry, MfaEntry, Outcome, RedirectRecord, RefreshTokenReport,
    SamlReport, SessionReport, Snapshot,
};
use actions_runtime::ConsoleLine;
use serde::Serialize;
use serde_json::{Map, Value};

/// What `actions run --json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The flow's label.
    pub flow: String,
    /// How the login ended.
    pub outcome: Outcome,
    /// Why, when it did not succeed.
    pub error: Option<FlowError>,
    /// One per handler run, in order.
    pub invocations: Vec<InvocationReport>,
    /// One per executed MFA command, in order.
    pub mfa: Vec<MfaEntry>,
    /// Calls to the four MFA methods, whatever their verdict.
    pub mfa_commands_used: usize,
    /// The user after the flow.
    pub user: UserReport,
    /// The ID token's custom claims.
    pub id_token: IdTokenReport,
    /// The access token's custom claims and scope changes.
    pub access_token: AccessTokenReport,
    /// One per suspension (redirect or form).
    pub redirects: Vec<RedirectRecord>,
    /// Every outgoing HTTP request.
    pub http: Vec<actions_runtime::HttpRecord>,
    /// Tenant log entries, in order.
    pub logs: Vec<LogEntry>,
    /// `api.cache` contents after the flow: `{key: {value, expires_at}}`.
    pub cache: Map<String, Value>,
    /// `{metadata}`: `event.transaction.metadata` after the flow.
    pub transaction: Value,
    /// What `api.session.*` changed.
    pub session: SessionReport,
    /// What `api.refreshToken.*` changed.
    pub refresh_token: RefreshTokenReport,
    /// What `api.samlResponse.*` set.
    pub saml_response: SamlReport,
    /// `api.multifactor.enable`'s request, if any.
    pub multifactor: Option<Value>,
    /// `api.authentication.setPrimaryUser`'s user, if any.
    pub primary_user: Option<String>,
}

impl Report {
    /// The report's members whose keys `keep` accepts, each as
    /// `serde_json::to_value` of the whole report writes it. `expect` names a
    /// few members; building only those spares writing every invocation's
    /// snapshot and calls for each flow of a suite.
    pub fn members(&self, keep: impl Fn(&str) -> bool) -> Map<String, Value> {
        fn value(member: &impl Serialize) -> Value {
            serde_json::to_value(member).expect("reports serialise")
        }
        let mut members = Map::new();
        let mut add = |key: &str, member: &dyn Fn() -> Value| {
            if keep(key) {
                members.insert(key.to_owned(), member());
            }
        };
        add("flow", &|| value(&self.flow));
        add("outcome", &|| value(&self.outcome));
        add("error", &|| value(&self.error));
        add("invocations", &|| value(&self.invocations));
        add("mfa", &|| value(&self.mfa));
        add("mfa_commands_used", &|| value(&self.mfa_commands_used));
        add("user", &|| value(&self.user));
        add("id_token", &|| value(&self.id_token));
        add("access_token", &|| value(&self.access_token));
        add("redirects", &|| value(&self.redirects));
        add("http", &|| value(&self.http));
        add("logs", &|| value(&self.logs));
        add("cache", &|| value(&self.cache));
        add("transaction", &|| value(&self.transaction));
        add("session", &|| value(&self.session));
        add("refresh_token", &|| value(&self.refresh_token));
        add("saml_response", &|| value(&self.saml_response));
        add("multifactor", &|| value(&self.multifactor));
        add("primary_user", &|| value(&self.primary_user));
        members
    }
}

/// One handler run.
#[derive(Debug, Clone, Serialize)]
pub struct InvocationReport {
    /// The Action's name.
    pub action: String,
    /// `onExecutePostLogin` or `onContinuePostLogin`.
    pub handler: String,
    /// The snapshot it was given.
    pub seen: Snapshot,
    /// Every `api.*` call with its verdict.
    pub calls: Vec<CallRecord>,
    /// Console output.
    pub console: Vec<ConsoleLine>,
    /// Why the handler failed, if it did.
    pub error: Option<InvocationError>,
    /// Wall time of the handler.
    pub duration_ms: f64,
}

/// A handler's failure.
#[derive(Debug, Clone, Serialize)]
pub struct InvocationError {
    /// `action_error`, `timeout` or `memory_limit`.
    pub code: actions_core::ErrorCode,
    /// The message.
    pub message: String,
    /// The thrown Error's class name, when it was an Error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The stack, when there is one, with paths relative to the flow file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack: Option<String>,
    /// The file of the first frame in user code (the Action or a package).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Its 1-based line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Its 1-based column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// `user`.
#[derive(Debug, Clone, Serialize)]
pub struct UserReport {
    /// `app_metadata` after the flow.
    pub app_metadata: Value,
    /// `user_metadata` after the flow.
    pub user_metadata: Value,
    /// The user's factors after the flow.
    #[serde(rename = "enrolledFactors")]
    pub enrolled_factors: Vec<Value>,
}

/// `id_token`.
#[derive(Debug, Clone, Serialize)]
pub struct IdTokenReport {
    /// Custom claims.
    pub claims: Map<String, Value>,
}

/// `access_token`.
#[derive(Debug, Clone, Serialize)]
pub struct AccessTokenReport {
    /// Custom claims.
    pub claims: Map<String, Value>,
    /// Scopes added by `api.accessToken.addScope`.
    pub scopes_added: Vec<String>,
    /// Scopes removed by `api.accessToken.removeScope`.
    pub scopes_removed: Vec<String>,
}
