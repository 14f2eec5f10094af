//! `api.*` ops. Each receives its arguments as one JSON array (what the glue's
//! `JSON.stringify` made of them) and hands them to the core, which records the
//! call and decides its verdict. A rejected call throws into the Action.

use actions_core::{ApiErrorKind, ApiMethod, CommandKind};
use deno_core::{op2, OpState};

use crate::state::HostState;

/// An `api` call that throws into the Action, with the class Auth0 throws.
#[derive(Debug, thiserror::Error, deno_error::JsError)]
pub(crate) enum ApiOpError {
    /// Thrown as `Error`.
    #[class(generic)]
    #[error("{0}")]
    Error(String),
    /// Thrown as `TypeError`.
    #[class(type)]
    #[error("{0}")]
    Type(String),
}

fn call(state: &mut OpState, method: ApiMethod, args_json: &str) -> Result<(), ApiOpError> {
    let args = match serde_json::from_str::<serde_json::Value>(args_json) {
        Ok(serde_json::Value::Array(args)) => args,
        _ => {
            return Err(ApiOpError::Type(format!(
                "api.{}: arguments are not JSON-serialisable",
                method.as_str()
            )))
        }
    };
    let host = state.borrow_mut::<HostState>();
    let Some(transaction) = host.transaction.as_mut() else {
        return Err(ApiOpError::Error(format!(
            "api.{} was called while no Action handler was running",
            method.as_str()
        )));
    };
    transaction
        .call(method, args)
        .map_err(|error| match error.kind {
            ApiErrorKind::TypeError => ApiOpError::Type(error.message),
            _ => ApiOpError::Error(error.message),
        })
}

macro_rules! api_ops {
    ($($name:ident => $method:expr;)*) => {$(
        #[op2(fast)]
        pub(crate) fn $name(state: &mut OpState, #[string] args: &str) -> Result<(), ApiOpError> {
            call(state, $method, args)
        }
    )*};
}

api_ops! {
    op_access_deny => ApiMethod::AccessDeny;
    op_access_token_set_custom_claim => ApiMethod::AccessTokenSetCustomClaim;
    op_id_token_set_custom_claim => ApiMethod::IdTokenSetCustomClaim;
    op_authentication_challenge_with => ApiMethod::Mfa(CommandKind::ChallengeWith);
    op_authentication_challenge_with_any => ApiMethod::Mfa(CommandKind::ChallengeWithAny);
    op_authentication_enroll_with => ApiMethod::Mfa(CommandKind::EnrollWith);
    op_authentication_enroll_with_any => ApiMethod::Mfa(CommandKind::EnrollWithAny);
    op_user_set_app_metadata => ApiMethod::UserSetAppMetadata;
    op_user_set_user_metadata => ApiMethod::UserSetUserMetadata;
}
