//! An enrollment must follow a completed challenge when the user already has MFA.
//!
//! ## What it does
//! Tells whether an enrollment may proceed, given what the user had at the
//! start of the login and what MFA they completed in it so far.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.5 "Challenge before enrolling": a user with at least one
//! enrolled factor must complete a challenge with an existing factor in this
//! transaction before enrolling another, else `mfar` "An MFA enrollment was
//! requested but the user is already enrolled in MFA…". Exception: a user whose
//! only factor is `email` (KB 189615). flow-file.md §3 decision 7 fixes the
//! details: required when the user had a factor other than `email` at the start
//! of the login; met by any MFA completed earlier (challenge or enrollment),
//! anywhere earlier with scope `transaction`, in an earlier Action only with
//! `prior-action`. Decision 6: it applies only when something is left to enroll.
//!
//! ## Example
//! An admin with `otp` calls `challengeWithAny([otp])` then
//! `enrollWith(webauthn-roaming)` in one Action: allowed with the default scope,
//! `mfar` with `prior-action`.

use crate::{ChallengeScope, FactorKind};

/// An MFA step the user completed in this login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The factor type completed.
    pub factor: String,
    /// Position in the flow of the Action whose command it was.
    pub action_position: usize,
}

/// Whether the user must have completed MFA before enrolling: they had a
/// factor other than `email` when the login started.
pub fn is_required(start_enrolled: &[String]) -> bool {
    start_enrolled
        .iter()
        .any(|t| t != FactorKind::Email.as_str())
}

/// Whether an enrollment issued by the Action at `action_position` may go ahead.
pub fn is_met(
    start_enrolled: &[String],
    completions: &[Completion],
    action_position: usize,
    scope: ChallengeScope,
) -> bool {
    !is_required(start_enrolled)
        || completions.iter().any(|c| match scope {
            ChallengeScope::Transaction => true,
            ChallengeScope::PriorAction => c.action_position < action_position,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(factor: &str, action_position: usize) -> Completion {
        Completion {
            factor: factor.into(),
            action_position,
        }
    }

    #[test]
    fn auth0_post_login_3_5_new_users_enroll_without_a_challenge() {
        assert!(is_met(&[], &[], 0, ChallengeScope::PriorAction));
    }

    #[test]
    fn auth0_post_login_3_5_email_only_users_are_exempt() {
        assert!(is_met(
            &["email".into()],
            &[],
            0,
            ChallengeScope::Transaction
        ));
        assert!(!is_met(
            &["email".into(), "otp".into()],
            &[],
            0,
            ChallengeScope::Transaction
        ));
    }

    #[test]
    fn auth0_post_login_3_5_enrolled_users_need_a_completed_challenge_first() {
        let start = ["otp".to_string()];
        assert!(!is_met(&start, &[], 0, ChallengeScope::Transaction));
        assert!(is_met(
            &start,
            &[done("otp", 0)],
            0,
            ChallengeScope::Transaction
        ));
    }

    #[test]
    fn decision_7_prior_action_scope_ignores_the_same_action() {
        let start = ["otp".to_string()];
        assert!(!is_met(
            &start,
            &[done("otp", 1)],
            1,
            ChallengeScope::PriorAction
        ));
        assert!(is_met(
            &start,
            &[done("otp", 0)],
            1,
            ChallengeScope::PriorAction
        ));
    }
}
