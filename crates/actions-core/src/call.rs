//! The `api.*` calls an Action can make, and how each one is recorded.

use serde::Serialize;
use serde_json::Value;

use crate::CommandKind;

/// Declares [`ApiMethod`] from one table: variant and JS path below `api`.
macro_rules! api_methods {
    ($($variant:ident => $name:literal,)*) => {
        /// An `api` method this emulator implements. Each maps to one op in the
        /// host (`op_<area>_<verb>`) and to one `method` string in the report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ApiMethod {
            $(
                #[doc = concat!("`api.", $name, "`.")]
                $variant,
            )*
        }

        impl ApiMethod {
            /// Every method, in the order of auth0-post-login §2's namespaces.
            pub const ALL: &'static [ApiMethod] = &[$(ApiMethod::$variant,)*];

            /// The method's path below `api`, as the report's `calls[].method` spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ApiMethod::$variant => $name,)*
                }
            }
        }
    };
}

api_methods! {
    AccessDeny => "access.deny",
    AccessTokenSetCustomClaim => "accessToken.setCustomClaim",
    AccessTokenAddScope => "accessToken.addScope",
    AccessTokenRemoveScope => "accessToken.removeScope",
    AuthenticationChallengeWith => "authentication.challengeWith",
    AuthenticationChallengeWithAny => "authentication.challengeWithAny",
    AuthenticationEnrollWith => "authentication.enrollWith",
    AuthenticationEnrollWithAny => "authentication.enrollWithAny",
    AuthenticationRecordMethod => "authentication.recordMethod",
    AuthenticationSetPrimaryUser => "authentication.setPrimaryUser",
    CacheGet => "cache.get",
    CacheSet => "cache.set",
    CacheDelete => "cache.delete",
    GroupsGetUserGroups => "groups.getUserGroups",
    GroupsHasGroupMembership => "groups.hasGroupMembership",
    IdTokenSetCustomClaim => "idToken.setCustomClaim",
    MultifactorEnable => "multifactor.enable",
    PromptRender => "prompt.render",
    RedirectCanRedirect => "redirect.canRedirect",
    RedirectEncodeToken => "redirect.encodeToken",
    RedirectSendUserTo => "redirect.sendUserTo",
    RedirectValidateToken => "redirect.validateToken",
    RefreshTokenRevoke => "refreshToken.revoke",
    RefreshTokenSetExpiresAt => "refreshToken.setExpiresAt",
    RefreshTokenSetIdleExpiresAt => "refreshToken.setIdleExpiresAt",
    RefreshTokenSetMetadata => "refreshToken.setMetadata",
    RefreshTokenDeleteMetadata => "refreshToken.deleteMetadata",
    RefreshTokenEvictMetadata => "refreshToken.evictMetadata",
    RolesGetUserEffectiveRoles => "roles.getUserEffectiveRoles",
    RolesGetUserEffectiveRolesByIds => "roles.getUserEffectiveRolesByIds",
    RolesGetUserEffectiveRolesByNames => "roles.getUserEffectiveRolesByNames",
    RulesWasExecuted => "rules.wasExecuted",
    SamlResponseSetAttribute => "samlResponse.setAttribute",
    SamlResponseSetAudience => "samlResponse.setAudience",
    SamlResponseSetRecipient => "samlResponse.setRecipient",
    SamlResponseSetDestination => "samlResponse.setDestination",
    SamlResponseSetCreateUpnClaim => "samlResponse.setCreateUpnClaim",
    SamlResponseSetPassthroughClaimsWithNoMapping => "samlResponse.setPassthroughClaimsWithNoMapping",
    SamlResponseSetMapUnknownClaimsAsIs => "samlResponse.setMapUnknownClaimsAsIs",
    SamlResponseSetMapIdentities => "samlResponse.setMapIdentities",
    SamlResponseSetSignatureAlgorithm => "samlResponse.setSignatureAlgorithm",
    SamlResponseSetDigestAlgorithm => "samlResponse.setDigestAlgorithm",
    SamlResponseSetLifetimeInSeconds => "samlResponse.setLifetimeInSeconds",
    SamlResponseSetSignResponse => "samlResponse.setSignResponse",
    SamlResponseSetNameIdentifierFormat => "samlResponse.setNameIdentifierFormat",
    SamlResponseSetNameIdentifierProbes => "samlResponse.setNameIdentifierProbes",
    SamlResponseSetAuthnContextClassRef => "samlResponse.setAuthnContextClassRef",
    SamlResponseSetSigningCert => "samlResponse.setSigningCert",
    SamlResponseSetIncludeAttributeNameFormat => "samlResponse.setIncludeAttributeNameFormat",
    SamlResponseSetTypedAttributes => "samlResponse.setTypedAttributes",
    SamlResponseSetEncryptionCert => "samlResponse.setEncryptionCert",
    SamlResponseSetEncryptionPublicKey => "samlResponse.setEncryptionPublicKey",
    SamlResponseSetCert => "samlResponse.setCert",
    SamlResponseSetKey => "samlResponse.setKey",
    SamlResponseSetRelayState => "samlResponse.setRelayState",
    SamlResponseSetIssuer => "samlResponse.setIssuer",
    SamlResponseSetEncryptionAlgorithm => "samlResponse.setEncryptionAlgorithm",
    SessionRevoke => "session.revoke",
    SessionSetExpiresAt => "session.setExpiresAt",
    SessionSetIdleExpiresAt => "session.setIdleExpiresAt",
    SessionSetCookieMode => "session.setCookieMode",
    SessionSetMetadata => "session.setMetadata",
    SessionDeleteMetadata => "session.deleteMetadata",
    SessionEvictMetadata => "session.evictMetadata",
    TransactionSetMetadata => "transaction.setMetadata",
    TransactionAddTargetScope => "transaction.addTargetScope",
    TransactionRemoveTargetScope => "transaction.removeTargetScope",
    TransactionSetTargetScopes => "transaction.setTargetScopes",
    TransactionClearTargetScopes => "transaction.clearTargetScopes",
    UserSetAppMetadata => "user.setAppMetadata",
    UserSetUserMetadata => "user.setUserMetadata",
    ValidationError => "validation.error",
}

impl ApiMethod {
    /// The MFA command this method issues, if it is one of the four.
    pub fn mfa_command(self) -> Option<CommandKind> {
        match self {
            ApiMethod::AuthenticationChallengeWith => Some(CommandKind::ChallengeWith),
            ApiMethod::AuthenticationChallengeWithAny => Some(CommandKind::ChallengeWithAny),
            ApiMethod::AuthenticationEnrollWith => Some(CommandKind::EnrollWith),
            ApiMethod::AuthenticationEnrollWithAny => Some(CommandKind::EnrollWithAny),
            _ => None,
        }
    }

    /// The namespace below `api` (`"samlResponse"` for `samlResponse.setAudience`).
    pub fn namespace(self) -> &'static str {
        self.as_str().split('.').next().unwrap_or_default()
    }

    /// The method name within its namespace (`"setAudience"`).
    pub fn name(self) -> &'static str {
        self.as_str().split('.').nth(1).unwrap_or_default()
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
