//! The parts of the event the core reads or evolves during a login: the
//! user's id, the current request, the session, the refresh token, transaction
//! metadata, and how the simulated user comes back from a redirect or form
//! (flow-file.md §3 decision 12).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

/// Event data that rules depend on, taken from the starting event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoginContext {
    /// `event.user.user_id`.
    pub user_id: String,
    /// `event.transaction.protocol`.
    pub protocol: Option<String>,
    /// `event.request` (replaced on each resume from a redirect or form).
    /// Shared with the snapshots handed to Actions, and copied only when it
    /// changes, as are `session` and `refresh_token`.
    pub request: Arc<Value>,
    /// `event.session`, or `Value::Null` when absent.
    pub session: Arc<Value>,
    /// `event.refresh_token`, or `Value::Null` when absent.
    pub refresh_token: Arc<Value>,
    /// `event.transaction.metadata`.
    pub transaction_metadata: Map<String, Value>,
    /// IDs of Rules that ran before the Actions (`api.rules.wasExecuted`).
    pub executed_rules: Vec<String>,
    /// `event.authorization.roles` (answers `api.roles.*`).
    pub roles: Vec<String>,
    /// Seeds the opaque `state` of each suspension.
    pub seed: u64,
}

impl LoginContext {
    /// Whether a session exists (`event.session` is a non-empty object).
    pub fn has_session(&self) -> bool {
        self.session.as_object().is_some_and(|s| !s.is_empty())
    }

    /// `api.redirect.canRedirect()` (auth0-post-login §2.7): false for
    /// `prompt=none` and for the non-interactive grants.
    pub fn can_redirect(&self) -> bool {
        let silent = self
            .request
            .pointer("/query/prompt")
            .and_then(Value::as_str)
            == Some("none");
        let grant = matches!(
            self.protocol.as_deref(),
            Some(
                "oauth2-resource-owner"
                    | "oauth2-refresh-token"
                    | "oauth2-password"
                    | "oauth2-webauthn"
            )
        );
        !silent && !grant
    }
}

/// How the user comes back to `/continue` (flow-file.md §1 `responses.continue[]`).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinueResponse {
    /// The `/continue` query string.
    #[serde(default)]
    pub query: Map<String, Value>,
    /// The `/continue` POST body.
    #[serde(default)]
    pub body: Map<String, Value>,
    /// A `state` to use instead of the suspension's (a tampered or stale one).
    #[serde(default)]
    pub state: Option<String>,
    /// Ask the emulator to sign a token as the external site would.
    #[serde(default)]
    pub token: Option<TokenRequest>,
    /// A form's submitted fields (`event.prompt.fields`).
    #[serde(default)]
    pub fields: Map<String, Value>,
}

/// `responses.continue[].token`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The query parameter to put the token in.
    #[serde(default = "default_token_param")]
    pub param: String,
    /// The HS256 secret.
    pub secret: String,
    /// Claims; they override the standard ones.
    #[serde(default)]
    pub claims: Map<String, Value>,
}

fn default_token_param() -> String {
    "session_token".to_owned()
}
