//! MFA commands in logins where no prompt can be shown.
//!
//! ## What it does
//! Says what an MFA command does when the login's protocol cannot show a
//! prompt.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.9: in a refresh-token exchange or a Resource Owner
//! Password grant, MFA commands give an `mfa_required` error (HTTP 403 with an
//! `mfa_token` for the client to complete through the MFA API); in Custom Token
//! Exchange (`oauth2-token-exchange`) `challengeWith` and `enrollWith` cause a
//! non-recoverable failure. The emulator ends the login `failed` with code
//! `mfa_required` (log `mfar`, then `f`) for the former and `mfa_rule` for the
//! latter. The toggle (§3.1) is checked first: with it off, commands are
//! ignored whatever the protocol.
//!
//! ## Example
//! `event.transaction.protocol = "oauth2-refresh-token"` and
//! `api.authentication.challengeWith({type: "otp"})`: the refresh fails with
//! `mfa_required`.

/// What a protocol does to an MFA command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interactivity {
    /// Prompts can be shown (browser-based flows).
    Interactive,
    /// No prompt: the client gets `mfa_required` and completes MFA itself.
    MfaRequired,
    /// Custom Token Exchange: the command is a non-recoverable failure.
    Unsupported,
}

/// Message of the `mfa_required` failure.
pub const MFA_REQUIRED_MESSAGE: &str = "Multifactor authentication required";
/// Message of the Custom Token Exchange failure.
pub const TOKEN_EXCHANGE_MESSAGE: &str =
    "MFA commands (challengeWith, enrollWith, ...) cannot be used in a Custom Token Exchange";

/// Classifies `event.transaction.protocol`.
pub fn classify(protocol: Option<&str>) -> Interactivity {
    match protocol {
        Some(
            "oauth2-refresh-token"
            | "oauth2-resource-owner"
            | "oauth2-password"
            | "oauth2-resource-owner-jwt-bearer",
        ) => Interactivity::MfaRequired,
        Some("oauth2-token-exchange") => Interactivity::Unsupported,
        _ => Interactivity::Interactive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_post_login_3_9_refresh_and_ropg_require_mfa_out_of_band() {
        assert_eq!(
            classify(Some("oauth2-refresh-token")),
            Interactivity::MfaRequired
        );
        assert_eq!(
            classify(Some("oauth2-password")),
            Interactivity::MfaRequired
        );
        assert_eq!(
            classify(Some("oauth2-resource-owner")),
            Interactivity::MfaRequired
        );
    }

    #[test]
    fn auth0_post_login_3_9_token_exchange_cannot_run_mfa_commands() {
        assert_eq!(
            classify(Some("oauth2-token-exchange")),
            Interactivity::Unsupported
        );
    }

    #[test]
    fn browser_flows_are_interactive() {
        for protocol in [
            None,
            Some("oidc-basic-profile"),
            Some("samlp"),
            Some("oidc-implicit-profile"),
        ] {
            assert_eq!(classify(protocol), Interactivity::Interactive);
        }
    }
}
