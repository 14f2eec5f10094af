//! Each `api` call: validated through `rules/`, its effect recorded in the
//! running Action's [`Pending`] (applied when the Action finishes) or, for the
//! calls Auth0 answers at once (cache, tokens, `canRedirect`), answered here.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{Suspension, Transaction};
use crate::log::LogType;
use crate::rules::custom_claims::{self, ClaimCheck};
use crate::rules::metadata::{self, Which};
use crate::rules::{
    command_cap, customize_toggle, multifactor, primary_user, record_method, refresh_token,
    saml_response, scopes, session, transaction_metadata, validation_error,
};
use crate::{ApiError, ApiMethod, ErrorCode, MfaCommand, TokenError};

/// What a call answers.
pub(super) enum Answer {
    /// Accepted; the value is what the method returns (`Null` for nothing).
    Accepted(Value),
    /// Accepted without effect, with the reason.
    Ignored(&'static str),
}

/// Why a call was rejected.
pub(super) enum Rejection {
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

/// An access-token scope change (auth0-post-login §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeChange {
    /// `addScope`.
    Add,
    /// `removeScope`.
    Remove,
}

/// A login ended by the Action (deny, validation error, revocations).
#[derive(Debug)]
pub(super) struct Denial {
    pub(super) code: ErrorCode,
    pub(super) message: String,
    pub(super) log: Option<LogType>,
}

/// `api.session.*` effects (auth0-post-login §2.11).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionReport {
    /// `revoke(reason, {preserveRefreshTokens})`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Value>,
    /// The earliest `setExpiresAt` (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The earliest `setIdleExpiresAt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_expires_at: Option<i64>,
    /// The last `setCookieMode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_mode: Option<String>,
    /// `event.session.metadata` after the flow, when the flow changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

/// `api.refreshToken.*` effects (auth0-post-login §2.12).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RefreshTokenReport {
    /// `revoke(reason)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
    /// The earliest `setExpiresAt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// The earliest `setIdleExpiresAt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_expires_at: Option<i64>,
    /// Metadata for the (current or about to be issued) refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

/// `api.samlResponse.*` effects (auth0-post-login §2.10).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SamlReport {
    /// Attributes set (a `null` value removes the attribute).
    pub attributes: Map<String, Value>,
    /// Configuration set through the `set*` methods, by setting name
    /// (`setSignResponse(true)` → `signResponse: true`).
    pub settings: Map<String, Value>,
}

/// Pending session changes of one Action.
#[derive(Debug, Default)]
pub(super) struct SessionChanges {
    revoked: Option<Value>,
    expires_at: Option<i64>,
    idle_expires_at: Option<i64>,
    cookie_mode: Option<String>,
    metadata: Option<Map<String, Value>>,
}

impl SessionChanges {
    /// `session` is copied only if a change reaches it (snapshots share it).
    pub(super) fn apply(&mut self, report: &mut SessionReport, session: &mut Arc<Value>) {
        if let Some(revoked) = self.revoked.take() {
            report.revoked = Some(revoked);
        }
        report.expires_at = earliest(report.expires_at, self.expires_at);
        report.idle_expires_at = earliest(report.idle_expires_at, self.idle_expires_at);
        if let Some(mode) = self.cookie_mode.take() {
            if let Some(session) = object_mut(session).filter(|s| !s.is_empty()) {
                session.insert("cookie".to_owned(), json!({ "mode": mode }));
            }
            report.cookie_mode = Some(mode);
        }
        if let Some(metadata) = self.metadata.take() {
            if let Some(session) = object_mut(session) {
                session.insert("metadata".to_owned(), Value::Object(metadata.clone()));
            }
            report.metadata = Some(metadata);
        }
    }
}

/// Pending refresh-token changes of one Action.
#[derive(Debug, Default)]
pub(super) struct RefreshTokenChanges {
    revoked: Option<String>,
    expires_at: Option<i64>,
    idle_expires_at: Option<i64>,
    metadata: Option<Map<String, Value>>,
}

impl RefreshTokenChanges {
    /// `token` is copied only if a change reaches it (snapshots share it).
    pub(super) fn apply(&mut self, report: &mut RefreshTokenReport, token: &mut Arc<Value>) {
        if let Some(revoked) = self.revoked.take() {
            report.revoked = Some(revoked);
        }
        report.expires_at = earliest(report.expires_at, self.expires_at);
        report.idle_expires_at = earliest(report.idle_expires_at, self.idle_expires_at);
        if let Some(metadata) = self.metadata.take() {
            // §2.12: `event.refresh_token.metadata` changes only if a token exists.
            if let Some(token) = object_mut(token) {
                token.insert("metadata".to_owned(), Value::Object(metadata.clone()));
            }
            report.metadata = Some(metadata);
        }
    }
}

/// Pending SAML changes of one Action.
#[derive(Debug, Default)]
pub(super) struct SamlChanges {
    attributes: Option<Map<String, Value>>,
    settings: Map<String, Value>,
}

impl SamlChanges {
    pub(super) fn apply(&mut self, report: &mut SamlReport) {
        if let Some(attributes) = self.attributes.take() {
            report.attributes = attributes;
        }
        report.settings.append(&mut self.settings);
    }
}

/// The object in `shared`, copied first if a snapshot still shares it;
/// `None` (and no copy) when it is not an object.
fn object_mut(shared: &mut Arc<Value>) -> Option<&mut Map<String, Value>> {
    if shared.is_object() {
        Arc::make_mut(shared).as_object_mut()
    } else {
        None
    }
}

fn earliest(current: Option<i64>, new: Option<i64>) -> Option<i64> {
    match (current, new) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Effects of the running Action, applied only if it finishes cleanly.
#[derive(Debug, Default)]
pub(super) struct Pending {
    pub(super) action: String,
    pub(super) position: usize,
    pub(super) denial: Option<Denial>,
    pub(super) over_cap: bool,
    pub(super) mfa: Vec<MfaCommand>,
    pub(super) suspension: Option<Suspension>,
    pub(super) app_metadata: Vec<(String, Value)>,
    pub(super) user_metadata: Vec<(String, Value)>,
    pub(super) id_claims: Vec<(String, Value)>,
    pub(super) access_claims: Vec<(String, Value)>,
    pub(super) scopes: Vec<(String, ScopeChange)>,
    pub(super) record_methods: Vec<String>,
    pub(super) primary_user: Option<String>,
    pub(super) multifactor: Option<Value>,
    pub(super) transaction_metadata: Option<Map<String, Value>>,
    pub(super) session: SessionChanges,
    pub(super) refresh_token: RefreshTokenChanges,
    pub(super) saml: SamlChanges,
}

impl Pending {
    pub(super) fn new(action: &str, position: usize) -> Self {
        Pending {
            action: action.to_owned(),
            position,
            ..Pending::default()
        }
    }

    fn deny(&mut self, code: ErrorCode, message: String, log: Option<LogType>) {
        // The first denial decides the outcome.
        self.denial.get_or_insert(Denial { code, message, log });
    }
}

/// The arguments as the report shows them: token secrets are redacted.
pub(super) fn redact(method: ApiMethod, mut args: Vec<Value>) -> Vec<Value> {
    if matches!(
        method,
        ApiMethod::RedirectEncodeToken | ApiMethod::RedirectValidateToken
    ) {
        if let Some(secret) = args.first_mut().and_then(|a| a.get_mut("secret")) {
            *secret = Value::String("[redacted]".to_owned());
        }
    }
    args
}

/// JavaScript's `String(value)` for the JSON values a call can carry.
pub(super) fn display_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

const NULL: Value = Value::Null;

impl Transaction {
    pub(super) fn dispatch(
        &mut self,
        method: ApiMethod,
        args: &[Value],
    ) -> Result<Answer, Rejection> {
        let Some(mut pending) = self.pending.take() else {
            return Err(Rejection::Thrown(ApiError::error(format!(
                "api.{} was called while no Action handler was running",
                method.as_str()
            ))));
        };
        let answer = self.apply(&mut pending, method, args);
        self.pending = Some(pending);
        answer
    }

    fn apply(
        &mut self,
        pending: &mut Pending,
        method: ApiMethod,
        args: &[Value],
    ) -> Result<Answer, Rejection> {
        let arg = |i: usize| args.get(i).unwrap_or(&NULL);
        let done = Ok(Answer::Accepted(Value::Null));
        use ApiMethod as M;
        match method {
            M::AccessDeny => {
                pending.deny(ErrorCode::AccessDenied, display_string(arg(0)), None);
                done
            }
            M::IdTokenSetCustomClaim | M::AccessTokenSetCustomClaim => {
                let key = display_string(arg(0));
                match custom_claims::check(&key)? {
                    ClaimCheck::Dropped => Ok(Answer::Ignored(custom_claims::RESERVED_REASON)),
                    ClaimCheck::Set => {
                        let claims = if method == M::IdTokenSetCustomClaim {
                            &mut pending.id_claims
                        } else {
                            &mut pending.access_claims
                        };
                        claims.push((key, arg(1).clone()));
                        done
                    }
                }
            }
            M::AccessTokenAddScope | M::AccessTokenRemoveScope => {
                let scope = scopes::check_scope(arg(0))?;
                let change = if method == M::AccessTokenAddScope {
                    let adds = pending
                        .scopes
                        .iter()
                        .filter(|(_, c)| *c == ScopeChange::Add)
                        .count();
                    scopes::check_count(self.scope_adds + adds)?;
                    ScopeChange::Add
                } else {
                    ScopeChange::Remove
                };
                pending.scopes.push((scope, change));
                done
            }
            M::AuthenticationChallengeWith
            | M::AuthenticationChallengeWithAny
            | M::AuthenticationEnrollWith
            | M::AuthenticationEnrollWithAny => {
                let kind = method.mfa_command().expect("an MFA method");
                self.mfa_commands_used += 1;
                if command_cap::is_over(self.mfa_commands_used) {
                    pending.over_cap = true;
                    return Err(Rejection::Recorded(
                        command_cap::TOO_MANY_MESSAGE.to_owned(),
                    ));
                }
                pending.mfa.push(MfaCommand::from_args(kind, args));
                if customize_toggle::ignores_commands(&self.tenant.mfa) {
                    return Ok(Answer::Ignored(customize_toggle::REASON));
                }
                done
            }
            M::AuthenticationRecordMethod => {
                let url = record_method::check(arg(0), self.handler == "onContinuePostLogin")?;
                pending.record_methods.push(url);
                done
            }
            M::AuthenticationSetPrimaryUser => {
                let already = self.primary_user.is_some() || pending.primary_user.is_some();
                pending.primary_user = Some(primary_user::check(arg(0), already)?);
                done
            }
            M::CacheGet => Ok(Answer::Accepted(self.cache.get(arg(0), self.now_ms))),
            M::CacheSet => Ok(Answer::Accepted(self.cache.set(
                arg(0),
                arg(1),
                arg(2),
                self.now_ms,
            ))),
            M::CacheDelete => Ok(Answer::Accepted(self.cache.delete(arg(0), self.now_ms))),
            M::GroupsGetUserGroups => {
                check_paging(arg(0))?;
                Ok(Answer::Accepted(json!({ "groups": [] })))
            }
            M::GroupsHasGroupMembership => {
                let groups = string_list(arg(0), "groups", usize::MAX)?;
                let memberships: Map<String, Value> = groups
                    .into_iter()
                    .map(|g| (g, json!({ "is_member": false })))
                    .collect();
                Ok(Answer::Accepted(json!({ "memberships": memberships })))
            }
            M::RolesGetUserEffectiveRoles => {
                let (from, take) = check_paging(arg(0))?;
                if take.is_some_and(|t| t > 100) {
                    return Err(
                        ApiError::error("The \"take\" parameter must be at most 100.").into(),
                    );
                }
                let start: usize = from.and_then(|f| f.parse().ok()).unwrap_or(0);
                let take = take.unwrap_or(50) as usize;
                let page: Vec<Value> = self
                    .context
                    .roles
                    .iter()
                    .skip(start)
                    .take(take)
                    .map(|r| json!({ "id": r, "name": r }))
                    .collect();
                let mut answer = json!({ "roles": page });
                if start + take < self.context.roles.len() {
                    answer["next"] = Value::String((start + take).to_string());
                }
                Ok(Answer::Accepted(answer))
            }
            M::RolesGetUserEffectiveRolesByIds | M::RolesGetUserEffectiveRolesByNames => {
                let (field, max) = if method == M::RolesGetUserEffectiveRolesByIds {
                    ("ids", 100)
                } else {
                    ("names", 50)
                };
                let wanted = string_list(arg(0), field, max)?;
                let roles: Vec<Value> = self
                    .context
                    .roles
                    .iter()
                    .filter(|r| wanted.contains(r))
                    .map(|r| json!({ "id": r, "name": r }))
                    .collect();
                Ok(Answer::Accepted(json!({ "roles": roles })))
            }
            M::MultifactorEnable => {
                let (provider, options) = multifactor::check_enable(arg(0), arg(1))?;
                pending.multifactor = Some(json!({ "provider": provider, "options": options }));
                done
            }
            M::PromptRender => {
                let redirect_pending =
                    matches!(pending.suspension, Some(Suspension::Redirect { .. }));
                let render_pending = matches!(pending.suspension, Some(Suspension::Form { .. }));
                let (id, fields, vars) = crate::rules::prompt_render::check_render(
                    arg(0),
                    arg(1),
                    redirect_pending,
                    render_pending,
                )?;
                pending.suspension = Some(Suspension::Form { id, fields, vars });
                done
            }
            M::RedirectCanRedirect => {
                Ok(Answer::Accepted(Value::Bool(self.context.can_redirect())))
            }
            M::RedirectSendUserTo => {
                if matches!(pending.suspension, Some(Suspension::Form { .. })) {
                    return Err(ApiError::error(
                        "Redirect and render commands cannot be used in the same action.",
                    )
                    .into());
                }
                let url = match arg(0) {
                    Value::String(url) => url.clone(),
                    other => display_string(other),
                };
                let query: Vec<(String, String)> = arg(1)
                    .get("query")
                    .and_then(Value::as_object)
                    .map(|q| {
                        q.iter()
                            .map(|(k, v)| (k.clone(), display_string(v)))
                            .collect()
                    })
                    .unwrap_or_default();
                let url = self
                    .services
                    .set_query(&url, &query)
                    .map_err(ApiError::type_error)?;
                // Only one redirect per Action; a second call replaces the first (§2.7, [INFERRED]).
                pending.suspension = Some(Suspension::Redirect { url });
                done
            }
            M::RedirectEncodeToken => {
                Ok(Answer::Accepted(Value::String(self.encode_token(arg(0))?)))
            }
            M::RedirectValidateToken => Ok(Answer::Accepted(self.validate_token(arg(0))?)),
            M::RefreshTokenRevoke => {
                let reason = refresh_token::check_revoke(arg(0))?;
                if self.context.protocol.as_deref() != Some("oauth2-refresh-token") {
                    return Ok(Answer::Ignored("not-a-refresh-token-exchange"));
                }
                pending.refresh_token.revoked = Some(reason.clone());
                pending.deny(
                    ErrorCode::AccessDenied,
                    reason,
                    Some(LogType::RefreshTokenRevoked),
                );
                done
            }
            M::RefreshTokenSetExpiresAt | M::RefreshTokenSetIdleExpiresAt => {
                let access = self
                    .context
                    .refresh_token
                    .get("access")
                    .and_then(Value::as_str);
                refresh_token::check_online(method.name(), access)?;
                let (at, slot) = if method == M::RefreshTokenSetExpiresAt {
                    (
                        session::check_expiry(arg(0))?,
                        &mut pending.refresh_token.expires_at,
                    )
                } else {
                    (
                        session::check_idle_expiry(arg(0))?,
                        &mut pending.refresh_token.idle_expires_at,
                    )
                };
                *slot = earliest(*slot, Some(at));
                done
            }
            M::RefreshTokenSetMetadata
            | M::RefreshTokenDeleteMetadata
            | M::RefreshTokenEvictMetadata => {
                let access = self
                    .context
                    .refresh_token
                    .get("access")
                    .and_then(Value::as_str);
                refresh_token::check_online(method.name(), access).map_err(|e| {
                    ApiError::error(format!(
                        "{}{}",
                        refresh_token::METADATA_ERROR_PREFIX,
                        e.message
                    ))
                })?;
                let current = self.refresh_token.metadata.clone().or_else(|| {
                    self.context
                        .refresh_token
                        .get("metadata")
                        .and_then(Value::as_object)
                        .cloned()
                });
                let working = pending
                    .refresh_token
                    .metadata
                    .get_or_insert_with(|| current.unwrap_or_default());
                match method {
                    M::RefreshTokenSetMetadata => {
                        refresh_token::set_metadata(working, arg(0), arg(1))?
                    }
                    M::RefreshTokenDeleteMetadata => {
                        working.remove(&display_string(arg(0)));
                    }
                    _ => working.clear(),
                }
                done
            }
            M::RulesWasExecuted => {
                let id = display_string(arg(0));
                Ok(Answer::Accepted(Value::Bool(
                    self.context.executed_rules.contains(&id),
                )))
            }
            M::SamlResponseSetAttribute => {
                let (name, value) = saml_response::check_attribute(arg(0), arg(1))?;
                let mut attributes = pending
                    .saml
                    .attributes
                    .clone()
                    .unwrap_or_else(|| self.saml.attributes.clone());
                if value.is_null() {
                    attributes.remove(&name);
                } else {
                    attributes.insert(name, value);
                }
                saml_response::check_total_size(&attributes)?;
                pending.saml.attributes = Some(attributes);
                done
            }
            M::SessionRevoke => {
                let (reason, preserve) = session::check_revoke(arg(0), arg(1))?;
                if !self.context.has_session() {
                    return Ok(Answer::Ignored("no-session"));
                }
                pending.session.revoked =
                    Some(json!({ "reason": reason, "preserveRefreshTokens": preserve }));
                pending.deny(
                    ErrorCode::AccessDenied,
                    reason,
                    Some(LogType::SessionRevoked),
                );
                done
            }
            M::SessionSetExpiresAt | M::SessionSetIdleExpiresAt => {
                let (at, slot) = if method == M::SessionSetExpiresAt {
                    (
                        session::check_expiry(arg(0))?,
                        &mut pending.session.expires_at,
                    )
                } else {
                    (
                        session::check_idle_expiry(arg(0))?,
                        &mut pending.session.idle_expires_at,
                    )
                };
                *slot = earliest(*slot, Some(at));
                done
            }
            M::SessionSetCookieMode => {
                let mode = session::check_cookie_mode(arg(0))?;
                if !self.context.has_session() {
                    // §2.11: fails silently where no session is available.
                    return Ok(Answer::Ignored("no-session"));
                }
                pending.session.cookie_mode = Some(mode);
                done
            }
            M::SessionSetMetadata | M::SessionDeleteMetadata | M::SessionEvictMetadata => {
                if !self.context.has_session() {
                    if method == M::SessionSetMetadata {
                        return Err(session::no_session().into());
                    }
                    return Ok(Answer::Ignored("no-session"));
                }
                let current = self
                    .context
                    .session
                    .get("metadata")
                    .and_then(Value::as_object)
                    .cloned();
                let working = pending
                    .session
                    .metadata
                    .get_or_insert_with(|| current.unwrap_or_default());
                match method {
                    M::SessionSetMetadata => session::set_metadata(working, arg(0), arg(1))?,
                    M::SessionDeleteMetadata => {
                        working.remove(&display_string(arg(0)));
                    }
                    _ => working.clear(),
                }
                done
            }
            M::TransactionSetMetadata => {
                let working = pending
                    .transaction_metadata
                    .get_or_insert_with(|| self.context.transaction_metadata.clone());
                transaction_metadata::set_metadata(working, arg(0), arg(1))?;
                done
            }
            M::TransactionAddTargetScope
            | M::TransactionRemoveTargetScope
            | M::TransactionSetTargetScopes
            | M::TransactionClearTargetScopes => {
                // §2.14: behind an Early Access flag that is off here.
                Err(ApiError::error("Method not implemented.").into())
            }
            M::UserSetAppMetadata | M::UserSetUserMetadata => {
                let (which, stored, writes) = if method == M::UserSetAppMetadata {
                    (
                        Which::App,
                        &self.user.app_metadata,
                        &mut pending.app_metadata,
                    )
                } else {
                    (
                        Which::User,
                        &self.user.user_metadata,
                        &mut pending.user_metadata,
                    )
                };
                metadata::check_writable(which, stored)?;
                writes.push((display_string(arg(0)), arg(1).clone()));
                done
            }
            M::ValidationError => {
                let (code, message) = validation_error::check(arg(0), arg(1))?;
                pending.deny(ErrorCode::Validation(code), message, None);
                done
            }
            saml_setting => {
                let value = saml_response::check_setting(saml_setting.name(), arg(0))?;
                let key =
                    saml_response::setting_name(saml_setting.name()).unwrap_or(saml_setting.name());
                pending.saml.settings.insert(key.to_owned(), value);
                done
            }
        }
    }

    /// `api.redirect.encodeToken` (auth0-post-login §2.7).
    fn encode_token(&self, options: &Value) -> Result<String, ApiError> {
        let secret = options
            .get("secret")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::type_error("secret must be a non-empty string"))?;
        let payload = match options.get("payload") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(payload)) => payload.clone(),
            Some(_) => return Err(ApiError::type_error("payload must be an object")),
        };
        let expires_in = match options.get("expiresInSeconds") {
            None | Some(Value::Null) => 900,
            Some(value) => value
                .as_f64()
                .filter(|n| n.is_finite() && *n > 0.0)
                .ok_or_else(|| ApiError::type_error("expiresInSeconds must be a positive number"))?
                as i64,
        };
        let mut claims = self.standard_claims(expires_in);
        claims.insert(
            "ip".into(),
            self.context
                .request
                .get("ip")
                .cloned()
                .unwrap_or(Value::Null),
        );
        // The payload is spread last, so it can override the standard claims.
        claims.extend(payload);
        self.services
            .sign_hs256(&claims, secret)
            .map_err(ApiError::error)
    }

    /// The standard claims of the tokens the emulator signs: `iat` (now),
    /// `iss` (`event.request.hostname`), `sub` (the user) and `exp`
    /// (`lifetime_s` later), in the order Auth0's `encodeToken` builds them.
    pub(super) fn standard_claims(&self, lifetime_s: i64) -> Map<String, Value> {
        let iat = self.now_ms.div_euclid(1000);
        let hostname = self
            .context
            .request
            .get("hostname")
            .cloned()
            .unwrap_or(Value::Null);
        let mut claims = Map::new();
        claims.insert("iat".into(), iat.into());
        claims.insert("iss".into(), hostname);
        claims.insert("sub".into(), Value::String(self.context.user_id.clone()));
        claims.insert("exp".into(), (iat + lifetime_s).into());
        claims
    }

    /// `api.redirect.validateToken` (auth0-post-login §2.7), checks in the
    /// order Auth0 reports them.
    fn validate_token(&self, options: &Value) -> Result<Value, ApiError> {
        let secret = options
            .get("secret")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::type_error("secret must be a string"))?;
        let name = options
            .get("tokenParameterName")
            .and_then(Value::as_str)
            .unwrap_or("session_token");
        let request = &self.context.request;
        let token = request
            .get("body")
            .and_then(|b| b.get(name))
            .filter(|t| truthy(t))
            .or_else(|| {
                request
                    .get("query")
                    .and_then(|q| q.get(name))
                    .filter(|t| truthy(t))
            });
        let Some(token) = token else {
            return Err(ApiError::error(format!(
                "There is no parameter called '{name}' available in either the POST body or query string."
            )));
        };
        let invalid =
            |reason: &str| ApiError::error(format!("The session token is invalid: {reason}"));
        let verified = match self.services.verify_hs256(&display_string(token), secret) {
            Ok(verified) => verified,
            Err(TokenError::BadSignature | TokenError::Malformed) => {
                return Err(invalid("Failed signature validation"))
            }
        };
        let Some(payload) = verified
            .payload
            .as_object()
            .filter(|_| verified.typ.as_deref() == Some("JWT"))
        else {
            return Err(invalid("Unexpected token payload type"));
        };
        let standard = payload.get("sub").is_some_and(Value::is_string)
            && payload.get("iss").is_some_and(Value::is_string)
            && payload.get("exp").is_some_and(Value::is_number)
            && payload.get("iat").is_some_and(Value::is_number);
        if !standard {
            return Err(invalid("Missing or invalid standard claims"));
        }
        let exp = payload["exp"].as_f64().unwrap_or(0.0);
        if exp * 1000.0 <= self.now_ms as f64 {
            return Err(invalid("Token has expired."));
        }
        if payload.get("state").and_then(Value::as_str) != self.continue_state.as_deref()
            || self.continue_state.is_none()
        {
            return Err(invalid(
                "State in the token does not match the /continue state.",
            ));
        }
        if payload["sub"].as_str() != Some(self.context.user_id.as_str()) {
            return Err(invalid("The sub claim does not match the user_id."));
        }
        Ok(Value::Object(payload.clone()))
    }
}

fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
        && value.as_str() != Some("")
        && value.as_f64() != Some(0.0)
}

/// `{from?, take?}` of `groups.getUserGroups` and `roles.getUserEffectiveRoles`
/// (auth0-post-login §2.15, messages [OFF-CODE]).
fn check_paging(options: &Value) -> Result<(Option<String>, Option<u64>), ApiError> {
    let from = match options.get("from") {
        None | Some(Value::Null) => None,
        Some(Value::String(from)) => Some(from.clone()),
        Some(_) => {
            return Err(ApiError::error(
                "The \"from\" parameter must be a string if provided.",
            ))
        }
    };
    let take = match options.get("take") {
        None | Some(Value::Null) => None,
        Some(take) => Some(take.as_u64().filter(|t| *t > 0).ok_or_else(|| {
            ApiError::error("The \"take\" parameter must be a positive integer if provided.")
        })?),
    };
    Ok((from, take))
}

/// A non-empty array of at most `max` strings (auth0-post-login §2.15).
fn string_list(value: &Value, field: &str, max: usize) -> Result<Vec<String>, ApiError> {
    let message = || {
        ApiError::error(format!(
            "The \"{field}\" parameter must be a non-empty array of strings."
        ))
    };
    let items = value
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(message)?;
    if items.len() > max {
        return Err(ApiError::error(format!(
            "The \"{field}\" parameter must contain at most {max} items."
        )));
    }
    items
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(message))
        .collect()
}
