//! Custom claims on the ID and access tokens.
//!
//! ## What it does
//! Checks a claim name: rejects `scope`, silently drops Auth0's restricted
//! claims, accepts the rest.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.2/§2.3: `setCustomClaim("scope", …)` throws
//! `The "scope" claim cannot be set.` (the only name checked client-side);
//! names on Auth0's restricted list are silently dropped and the transaction
//! does not fail; OIDC profile claims may be added; the last write wins.
//! flow-file.md §3 decision 13: a dropped claim is `ignored` with reason
//! `reserved-claim`.
//!
//! ## Example
//! `api.idToken.setCustomClaim("sub", "x")` is ignored;
//! `api.idToken.setCustomClaim("https://acme/roles", [...])` is accepted.

use crate::ApiError;

/// Auth0's restricted claim names (auth0-post-login §2.2).
pub const RESTRICTED: &[&str] = &[
    "acr",
    "act",
    "active",
    "amr",
    "at_hash",
    "ath",
    "attest",
    "aud",
    "auth_time",
    "authorization_details",
    "azp",
    "c_hash",
    "client_id",
    "cnf",
    "cty",
    "dest",
    "entitlements",
    "events",
    "exp",
    "groups",
    "gty",
    "htm",
    "htu",
    "iat",
    "internalService",
    "iss",
    "jcard",
    "jku",
    "jti",
    "jwe",
    "jwk",
    "kid",
    "may_act",
    "mky",
    "nbf",
    "nonce",
    "object_id",
    "org_id",
    "org_name",
    "orig",
    "origid",
    "permissions",
    "roles",
    "rph",
    "s_hash",
    "sid",
    "sip_callid",
    "sip_cseq_num",
    "sip_date",
    "sip_from_tag",
    "sip_via_branch",
    "sub",
    "sub_jwk",
    "toe",
    "txn",
    "typ",
    "uuid",
    "vot",
    "vtm",
    "x5t#S256",
];

/// The reason recorded for a dropped claim.
pub const RESERVED_REASON: &str = "reserved-claim";

/// What happens to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimCheck {
    /// It is set on the token.
    Set,
    /// It is silently dropped.
    Dropped,
}

/// Checks a claim name.
pub fn check(name: &str) -> Result<ClaimCheck, ApiError> {
    if name == "scope" {
        Err(ApiError::error("The \"scope\" claim cannot be set."))
    } else if RESTRICTED.contains(&name) {
        Ok(ClaimCheck::Dropped)
    } else {
        Ok(ClaimCheck::Set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_post_login_2_2_scope_throws_with_auth0_message() {
        assert_eq!(
            check("scope").unwrap_err().message,
            "The \"scope\" claim cannot be set."
        );
    }

    #[test]
    fn auth0_post_login_2_2_restricted_claims_are_dropped() {
        for name in ["sub", "iss", "aud", "x5t#S256", "permissions", "org_id"] {
            assert_eq!(check(name), Ok(ClaimCheck::Dropped), "{name}");
        }
    }

    #[test]
    fn auth0_post_login_2_2_profile_and_namespaced_claims_are_set() {
        for name in [
            "email",
            "name",
            "https://acme.example/roles",
            "favourite_colour",
        ] {
            assert_eq!(check(name), Ok(ClaimCheck::Set), "{name}");
        }
    }
}
