//! Redirects and forms: the login suspends after the Action, the user goes to
//! the external site or form and comes back to `/continue` with the flow
//! file's next `responses.continue` entry, and the same Action's
//! `onContinuePostLogin` runs (auth0-post-login §2.7, §2.8, §2.13, §4.5;
//! flow-file.md §3 decision 12).

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{After, Step, Transaction};
use crate::{Clock, ErrorCode, InputError, Outcome};

/// How an Action suspended the login.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Suspension {
    /// `api.redirect.sendUserTo(url, {query})`; `url` has the query applied.
    Redirect { url: String },
    /// `api.prompt.render(id, {fields, vars})`.
    Form {
        id: String,
        fields: Value,
        vars: Value,
    },
}

/// One entry of the report's `redirects[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedirectRecord {
    /// The Action that suspended the login.
    pub action: String,
    /// The full URL the user is sent to (redirects), `state` included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The form id (renders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Whether a `responses.continue` entry brought the user back.
    pub continued: bool,
    /// Claims of the JWTs the URL carries, by query parameter (e.g. the
    /// `session_token` an Action made with `api.redirect.encodeToken`).
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub tokens: Map<String, Value>,
}

/// The message of a `/continue` whose `state` is not the suspension's.
pub(super) const INVALID_STATE_MESSAGE: &str =
    "The state parameter of /continue does not match the suspended login";
/// The message of a redirect or form in a flow that cannot interact.
pub(super) const INTERACTION_REQUIRED_MESSAGE: &str =
    "The Action redirected or rendered a form, but this login cannot interact with the user (prompt=none or a non-interactive grant)";

impl Transaction {
    /// Suspends at the finished Action's redirect or form and brings the user
    /// back with the next `responses.continue` entry. Returns
    /// [`Step::RunContinue`] when the same Action's `onContinuePostLogin` must
    /// run next, or [`Step::Stop`] when the login ended here.
    pub fn resume(&mut self, clock: &mut dyn Clock) -> Result<Step, InputError> {
        let Some(After {
            action,
            suspension: Some(suspension),
            ..
        }) = self.after.take()
        else {
            return Ok(Step::Continue);
        };
        // §1 v3 changes: in a non-interactive flow a redirect is an error, not skipped.
        if !self.context.can_redirect() {
            let message = INTERACTION_REQUIRED_MESSAGE.to_owned();
            self.fail(
                Outcome::Failed,
                ErrorCode::InteractionRequired,
                message,
                &action,
            );
            return Ok(Step::Stop);
        }
        let state = self.next_state();
        let mut record = RedirectRecord {
            action: action.clone(),
            url: None,
            form: None,
            continued: false,
            tokens: Map::new(),
        };
        match &suspension {
            Suspension::Redirect { url } => {
                let with_state = self
                    .services
                    .set_query(url, &[("state".to_owned(), state.clone())])
                    .unwrap_or_else(|_| url.clone());
                record.tokens = self.services.query_tokens(&with_state);
                record.url = Some(with_state);
            }
            Suspension::Form { id, .. } => record.form = Some(id.clone()),
        }

        let Some(entry) = self.continues.pop_front() else {
            // Nobody came back: the login has not ended (no `s`, no `f`).
            self.redirects.push(record);
            self.ended = Some((Outcome::RedirectPending, None));
            return Ok(Step::Stop);
        };
        record.continued = true;
        self.redirects.push(record);
        clock.user_acted();
        self.now_ms = clock.now_ms();

        let used_state = entry.state.clone().unwrap_or_else(|| state.clone());
        let mut query = entry.query.clone();
        query.insert("state".to_owned(), Value::String(used_state.clone()));
        if let Some(token) = &entry.token {
            // decision 12: `exp` an hour later.
            let mut claims = self.standard_claims(3600);
            claims.insert("state".into(), Value::String(used_state.clone()));
            claims.extend(token.claims.clone());
            let signed = self
                .services
                .sign_hs256(&claims, &token.secret)
                .map_err(|e| {
                    InputError(format!("responses.continue: cannot sign the token: {e}"))
                })?;
            query.insert(token.param.clone(), Value::String(signed));
        }
        // §1.3: a new request describes the /continue call; it keeps the
        // original request's other fields.
        if let Some(request) = Arc::make_mut(&mut self.context.request).as_object_mut() {
            request.insert("query".to_owned(), Value::Object(query));
            request.insert("body".to_owned(), Value::Object(entry.body.clone()));
        }
        self.prompt = match &suspension {
            Suspension::Form { id, vars, .. } => Some(
                json!({ "id": id, "fields": Value::Object(entry.fields.clone()), "vars": vars }),
            ),
            Suspension::Redirect { .. } => None,
        };
        if used_state != state {
            // §2.8: a missing or wrong state fails the login with invalid_request.
            self.fail(
                Outcome::Failed,
                ErrorCode::InvalidRequest,
                INVALID_STATE_MESSAGE.to_owned(),
                &action,
            );
            return Ok(Step::Stop);
        }
        self.continue_state = Some(state);
        Ok(Step::RunContinue)
    }

    /// An opaque `state` for the next suspension, derived from the seed.
    fn next_state(&self) -> String {
        let n = self.redirects.len() as u64 + 1;
        let mut x = self.context.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut out = String::new();
        for _ in 0..2 {
            // splitmix64
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            out.push_str(&format!("{:016x}", z ^ (z >> 31)));
        }
        out
    }
}
