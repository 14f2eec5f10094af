//! `api.*` ops, one per method, named after the JS path (`api.access.deny` →
//! `op_access_deny`). Each receives its arguments as one JSON array (what the
//! glue's `JSON.stringify` made of them) and hands them to the core, which
//! records the call and decides its verdict. A rejected call throws into the
//! Action with the class Auth0 throws. Methods that return a value to the
//! Action return it as JSON text; the others are fast ops returning nothing.

use actions_core::{ApiErrorKind, ApiMethod};
use deno_core::{op2, OpDecl, OpState};
use serde_json::Value;

use crate::state::HostState;

/// An `api` call that throws into the Action.
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

fn call(state: &mut OpState, method: ApiMethod, args_json: &str) -> Result<Value, ApiOpError> {
    let args = match serde_json::from_str::<Value>(args_json) {
        Ok(Value::Array(args)) => args,
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
    (
        void { $($name:ident => $method:ident,)* }
        value { $($value_name:ident => $value_method:ident,)* }
    ) => {
        $(
            #[op2(fast)]
            pub(crate) fn $name(state: &mut OpState, #[string] args: &str) -> Result<(), ApiOpError> {
                call(state, ApiMethod::$method, args).map(drop)
            }
        )*
        $(
            #[op2]
            #[string]
            pub(crate) fn $value_name(state: &mut OpState, #[string] args: &str) -> Result<String, ApiOpError> {
                call(state, ApiMethod::$value_method, args).map(|value| value.to_string())
            }
        )*

        /// Every `api` op, for the extension's `ops_fn`.
        pub(crate) fn api_op_decls() -> Vec<OpDecl> {
            vec![$($name(),)* $($value_name(),)*]
        }

        #[cfg(test)]
        pub(crate) const API_OP_METHODS: &[(&str, ApiMethod)] = &[
            $((stringify!($name), ApiMethod::$method),)*
            $((stringify!($value_name), ApiMethod::$value_method),)*
        ];
    };
}

api_ops! {
    void {
        op_access_deny => AccessDeny,
        op_access_token_set_custom_claim => AccessTokenSetCustomClaim,
        op_access_token_add_scope => AccessTokenAddScope,
        op_access_token_remove_scope => AccessTokenRemoveScope,
        op_authentication_challenge_with => AuthenticationChallengeWith,
        op_authentication_challenge_with_any => AuthenticationChallengeWithAny,
        op_authentication_enroll_with => AuthenticationEnrollWith,
        op_authentication_enroll_with_any => AuthenticationEnrollWithAny,
        op_authentication_record_method => AuthenticationRecordMethod,
        op_authentication_set_primary_user => AuthenticationSetPrimaryUser,
        op_id_token_set_custom_claim => IdTokenSetCustomClaim,
        op_multifactor_enable => MultifactorEnable,
        op_prompt_render => PromptRender,
        op_redirect_send_user_to => RedirectSendUserTo,
        op_refresh_token_revoke => RefreshTokenRevoke,
        op_refresh_token_set_expires_at => RefreshTokenSetExpiresAt,
        op_refresh_token_set_idle_expires_at => RefreshTokenSetIdleExpiresAt,
        op_refresh_token_set_metadata => RefreshTokenSetMetadata,
        op_refresh_token_delete_metadata => RefreshTokenDeleteMetadata,
        op_refresh_token_evict_metadata => RefreshTokenEvictMetadata,
        op_saml_response_set_attribute => SamlResponseSetAttribute,
        op_saml_response_set_audience => SamlResponseSetAudience,
        op_saml_response_set_recipient => SamlResponseSetRecipient,
        op_saml_response_set_destination => SamlResponseSetDestination,
        op_saml_response_set_create_upn_claim => SamlResponseSetCreateUpnClaim,
        op_saml_response_set_passthrough_claims_with_no_mapping => SamlResponseSetPassthroughClaimsWithNoMapping,
        op_saml_response_set_map_unknown_claims_as_is => SamlResponseSetMapUnknownClaimsAsIs,
        op_saml_response_set_map_identities => SamlResponseSetMapIdentities,
        op_saml_response_set_signature_algorithm => SamlResponseSetSignatureAlgorithm,
        op_saml_response_set_digest_algorithm => SamlResponseSetDigestAlgorithm,
        op_saml_response_set_lifetime_in_seconds => SamlResponseSetLifetimeInSeconds,
        op_saml_response_set_sign_response => SamlResponseSetSignResponse,
        op_saml_response_set_name_identifier_format => SamlResponseSetNameIdentifierFormat,
        op_saml_response_set_name_identifier_probes => SamlResponseSetNameIdentifierProbes,
        op_saml_response_set_authn_context_class_ref => SamlResponseSetAuthnContextClassRef,
        op_saml_response_set_signing_cert => SamlResponseSetSigningCert,
        op_saml_response_set_include_attribute_name_format => SamlResponseSetIncludeAttributeNameFormat,
        op_saml_response_set_typed_attributes => SamlResponseSetTypedAttributes,
        op_saml_response_set_encryption_cert => SamlResponseSetEncryptionCert,
        op_saml_response_set_encryption_public_key => SamlResponseSetEncryptionPublicKey,
        op_saml_response_set_cert => SamlResponseSetCert,
        op_saml_response_set_key => SamlResponseSetKey,
        op_saml_response_set_relay_state => SamlResponseSetRelayState,
        op_saml_response_set_issuer => SamlResponseSetIssuer,
        op_saml_response_set_encryption_algorithm => SamlResponseSetEncryptionAlgorithm,
        op_session_revoke => SessionRevoke,
        op_session_set_expires_at => SessionSetExpiresAt,
        op_session_set_idle_expires_at => SessionSetIdleExpiresAt,
        op_session_set_cookie_mode => SessionSetCookieMode,
        op_session_set_metadata => SessionSetMetadata,
        op_session_delete_metadata => SessionDeleteMetadata,
        op_session_evict_metadata => SessionEvictMetadata,
        op_transaction_set_metadata => TransactionSetMetadata,
        op_transaction_add_target_scope => TransactionAddTargetScope,
        op_transaction_remove_target_scope => TransactionRemoveTargetScope,
        op_transaction_set_target_scopes => TransactionSetTargetScopes,
        op_transaction_clear_target_scopes => TransactionClearTargetScopes,
        op_user_set_app_metadata => UserSetAppMetadata,
        op_user_set_user_metadata => UserSetUserMetadata,
        op_validation_error => ValidationError,
    }
    value {
        op_cache_get => CacheGet,
        op_cache_set => CacheSet,
        op_cache_delete => CacheDelete,
        op_groups_get_user_groups => GroupsGetUserGroups,
        op_groups_has_group_membership => GroupsHasGroupMembership,
        op_redirect_can_redirect => RedirectCanRedirect,
        op_redirect_encode_token => RedirectEncodeToken,
        op_redirect_validate_token => RedirectValidateToken,
        op_roles_get_user_effective_roles => RolesGetUserEffectiveRoles,
        op_roles_get_user_effective_roles_by_ids => RolesGetUserEffectiveRolesByIds,
        op_roles_get_user_effective_roles_by_names => RolesGetUserEffectiveRolesByNames,
        op_rules_was_executed => RulesWasExecuted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `op_<area>_<verb>` in snake case for `api.<area>.<verb>`.
    fn op_name(method: ApiMethod) -> String {
        let mut out = String::from("op_");
        for c in method.as_str().replace('.', "_").chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn every_api_method_has_exactly_one_op_named_after_its_js_path() {
        for method in ApiMethod::ALL {
            let ops: Vec<_> = API_OP_METHODS.iter().filter(|(_, m)| m == method).collect();
            assert_eq!(ops.len(), 1, "{} has {} ops", method.as_str(), ops.len());
            assert_eq!(ops[0].0, op_name(*method), "{}", method.as_str());
        }
        assert_eq!(API_OP_METHODS.len(), ApiMethod::ALL.len());
    }
}
