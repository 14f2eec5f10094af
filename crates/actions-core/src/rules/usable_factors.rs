//! Which requested factors a command can use.
//!
//! ## What it does
//! Splits a command's `requested` factor types into `usable` and `ignored`,
//! giving each ignored factor its reason, checked in a fixed order.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.3 (challenge: ignored when not enabled or not enrolled,
//! or already completed in this transaction), §3.5 (enroll: ignored when not
//! enabled, or already enrolled; email is never enrollable), fixed in order by
//! flow-file.md §3 decision 3:
//! - enroll: `not-enabled`, `not-enrollable`, `already-enrolled`;
//! - challenge: `not-enabled`, `not-enrolled`, `already-satisfied`.
//!
//! ## Example
//! A tenant with `otp` only; the user has `otp`. `enrollWithAny([otp, email,
//! phone])` leaves nothing usable: `otp` already-enrolled, `email` and `phone`
//! not-enabled.

use crate::{FactorKind, IgnoredFactor, MfaSettings};

/// The user's state that the checks read.
#[derive(Debug, Clone, Copy)]
pub struct UserFactors<'a> {
    /// Factor types the user is enrolled in now (at the start of the login,
    /// plus enrollments completed earlier in it).
    pub enrolled: &'a [String],
    /// Factor types completed (challenged or enrolled) earlier in this login.
    pub satisfied: &'a [String],
}

/// `usable` and `ignored`, both in requested order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usability {
    /// Factors the command may offer.
    pub usable: Vec<String>,
    /// Factors it may not, with reasons.
    pub ignored: Vec<IgnoredFactor>,
}

/// Sorts the factors of a challenge command.
pub fn for_challenge(
    requested: &[String],
    settings: &MfaSettings,
    user: UserFactors<'_>,
) -> Usability {
    sort(requested, |type_| {
        if !settings.is_enabled(type_) {
            Some("not-enabled")
        } else if !user.enrolled.iter().any(|t| t == type_) {
            Some("not-enrolled")
        } else if user.satisfied.iter().any(|t| t == type_) {
            Some("already-satisfied")
        } else {
            None
        }
    })
}

/// Sorts the factors of an enroll command.
pub fn for_enroll(
    requested: &[String],
    settings: &MfaSettings,
    user: UserFactors<'_>,
) -> Usability {
    sort(requested, |type_| {
        if !settings.is_enabled(type_) {
            Some("not-enabled")
        } else if !type_
            .parse::<FactorKind>()
            .is_ok_and(FactorKind::is_enrollable)
        {
            Some("not-enrollable")
        } else if user.enrolled.iter().any(|t| t == type_) {
            Some("already-enrolled")
        } else {
            None
        }
    })
}

fn sort(requested: &[String], reason: impl Fn(&str) -> Option<&'static str>) -> Usability {
    let mut out = Usability::default();
    for type_ in requested {
        match reason(type_) {
            // The same factor named twice is offered once.
            None if out.usable.contains(type_) => {}
            None => out.usable.push(type_.clone()),
            Some(reason) => out.ignored.push(IgnoredFactor {
                type_: type_.clone(),
                reason,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    fn reasons(u: &Usability) -> Vec<(&str, &str)> {
        u.ignored
            .iter()
            .map(|i| (i.type_.as_str(), i.reason))
            .collect()
    }

    #[test]
    fn auth0_post_login_3_3_challenge_ignores_not_enabled_not_enrolled_and_satisfied() {
        let settings = MfaSettings {
            factors: vec![FactorKind::Otp, FactorKind::Phone, FactorKind::Email],
            ..Default::default()
        };
        let enrolled = s(&["otp", "phone", "webauthn-roaming"]);
        let satisfied = s(&["phone"]);
        let u = for_challenge(
            &s(&["webauthn-roaming", "email", "phone", "otp"]),
            &settings,
            UserFactors {
                enrolled: &enrolled,
                satisfied: &satisfied,
            },
        );
        assert_eq!(u.usable, ["otp"]);
        assert_eq!(
            reasons(&u),
            [
                ("webauthn-roaming", "not-enabled"),
                ("email", "not-enrolled"),
                ("phone", "already-satisfied")
            ]
        );
    }

    #[test]
    fn decision_3_challenge_reasons_are_checked_in_order() {
        // Not enabled wins over not enrolled.
        let settings = MfaSettings {
            factors: vec![],
            ..Default::default()
        };
        let u = for_challenge(
            &s(&["otp"]),
            &settings,
            UserFactors {
                enrolled: &[],
                satisfied: &[],
            },
        );
        assert_eq!(reasons(&u), [("otp", "not-enabled")]);
    }

    #[test]
    fn auth0_post_login_3_5_enroll_ignores_not_enabled_email_and_already_enrolled() {
        let settings = MfaSettings::default();
        let enrolled = s(&["otp"]);
        let u = for_enroll(
            &s(&["otp", "email", "phone", "sms"]),
            &settings,
            UserFactors {
                enrolled: &enrolled,
                satisfied: &[],
            },
        );
        assert_eq!(u.usable, ["phone"]);
        assert_eq!(
            reasons(&u),
            [
                ("otp", "already-enrolled"),
                ("email", "not-enrollable"),
                ("sms", "not-enabled")
            ]
        );
    }

    #[test]
    fn decision_3_email_not_enabled_is_not_enabled_rather_than_not_enrollable() {
        let settings = MfaSettings {
            factors: vec![FactorKind::Otp],
            ..Default::default()
        };
        let u = for_enroll(
            &s(&["email"]),
            &settings,
            UserFactors {
                enrolled: &[],
                satisfied: &[],
            },
        );
        assert_eq!(reasons(&u), [("email", "not-enabled")]);
    }

    #[test]
    fn a_factor_named_twice_is_offered_once() {
        let u = for_enroll(
            &s(&["otp", "otp"]),
            &MfaSettings::default(),
            UserFactors {
                enrolled: &[],
                satisfied: &[],
            },
        );
        assert_eq!(u.usable, ["otp"]);
        assert!(u.ignored.is_empty());
    }
}
