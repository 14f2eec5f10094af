//! What a command does when no requested factor is usable.
//!
//! ## What it does
//! Decides between skipping the command (the login goes on) and failing the
//! transaction with `mfar`.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.3/§3.4 (a challenge with no usable factor fails the
//! transaction; all already completed: satisfied, no screen), §3.5 (enrollWithAny
//! where the user is enrolled in all: "the command fails, and the login sequence
//! continues"; otherwise `mfar`), fixed by flow-file.md §3 decisions 4 and 6:
//! skipped when *every* requested factor was ignored as `already-enrolled`
//! (enroll) or `already-satisfied` (challenge); failed for any other reason or a
//! mix. A command that names no factor at all has nothing that could satisfy it
//! and fails.
//!
//! ## Example
//! The user has `otp` and `phone`; `enrollWithAny([otp, phone])` is skipped.
//! With the tenant's `phone` disabled, the same call fails with `mfar`.

use crate::IgnoredFactor;

/// The verdict on a command left with no usable factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoUsableFactor {
    /// Nothing had to be done; the login continues.
    Skip,
    /// The transaction fails with `mfar`.
    Fail,
}

/// Decides, for a command whose `usable` list is empty.
pub fn decide(is_enroll: bool, ignored: &[IgnoredFactor]) -> NoUsableFactor {
    let harmless = if is_enroll {
        "already-enrolled"
    } else {
        "already-satisfied"
    };
    if !ignored.is_empty() && ignored.iter().all(|i| i.reason == harmless) {
        NoUsableFactor::Skip
    } else {
        NoUsableFactor::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(reasons: &[&'static str]) -> Vec<IgnoredFactor> {
        reasons
            .iter()
            .map(|r| IgnoredFactor {
                type_: "otp".into(),
                reason: r,
            })
            .collect()
    }

    #[test]
    fn decision_6_enroll_all_already_enrolled_is_skipped() {
        assert_eq!(
            decide(true, &ignored(&["already-enrolled", "already-enrolled"])),
            NoUsableFactor::Skip
        );
    }

    #[test]
    fn decision_4_enroll_with_a_mix_of_reasons_fails() {
        assert_eq!(
            decide(true, &ignored(&["already-enrolled", "not-enabled"])),
            NoUsableFactor::Fail
        );
        assert_eq!(
            decide(true, &ignored(&["not-enrollable"])),
            NoUsableFactor::Fail
        );
    }

    #[test]
    fn decision_4_challenge_all_satisfied_is_skipped_otherwise_fails() {
        assert_eq!(
            decide(false, &ignored(&["already-satisfied"])),
            NoUsableFactor::Skip
        );
        assert_eq!(
            decide(false, &ignored(&["already-satisfied", "not-enrolled"])),
            NoUsableFactor::Fail
        );
        // An already-enrolled reason does not exist for challenges; it is not harmless there.
        assert_eq!(
            decide(false, &ignored(&["already-enrolled"])),
            NoUsableFactor::Fail
        );
    }

    #[test]
    fn a_command_naming_no_factor_fails() {
        assert_eq!(decide(true, &[]), NoUsableFactor::Fail);
        assert_eq!(decide(false, &[]), NoUsableFactor::Fail);
    }
}
