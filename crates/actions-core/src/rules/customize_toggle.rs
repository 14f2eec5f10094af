//! The "Customize MFA Factors using Actions" toggle.
//!
//! ## What it does
//! Says whether MFA commands take effect, and the reason recorded when not.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.1: the toggle must be on for the commands to work.
//! flow-file.md §3 decision 9: with the toggle off each MFA call is recorded
//! `ignored` with reason `customize-disabled`, counts toward the cap, shows
//! nothing (an `mfa[]` entry with prompt `none`, result `skipped`, every
//! requested factor ignored as `customize-disabled`), writes one `w` per
//! command (decision 4), adds nothing to `methods`, and the login goes on.
//!
//! ## Example
//! With the toggle off, `challengeWith({type: "otp"})` logs one `w` and the
//! next Action runs with `methods` unchanged.

use crate::MfaSettings;

/// The reason recorded on calls and factors when the toggle is off.
pub const REASON: &str = "customize-disabled";

/// Whether MFA commands are ignored in this tenant.
pub fn ignores_commands(settings: &MfaSettings) -> bool {
    !settings.customize_with_actions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_post_login_3_1_commands_need_the_toggle() {
        assert!(!ignores_commands(&MfaSettings::default()));
        assert!(ignores_commands(&MfaSettings {
            customize_with_actions: false,
            ..Default::default()
        }));
    }
}
