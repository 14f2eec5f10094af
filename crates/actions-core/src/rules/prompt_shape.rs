//! Which screen a command shows, and what is behind "Try another method".
//!
//! ## What it does
//! Given a command with at least one usable factor, picks the prompt kind and
//! the alternatives.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.3 (`challengeWith`: the default factor's screen, the
//! additional factors behind "Try Another Method"), §3.4 (`challengeWithAny`:
//! a picker for two or more usable factors, the factor itself when only one is
//! left), §3.5 and the seed document (`enrollWith`: default factor and
//! alternatives; `enrollWithAny`: a selection prompt for two or more, skipped
//! to the remaining factor when all but one are enrolled). flow-file.md §3
//! decision 2: `alternatives` is `usable` minus the factor shown first.
//!
//! ## Example
//! `enrollWithAny([otp, phone])` for a user enrolled in `otp` shows `phone`
//! directly; with neither enrolled it shows a selection.

use crate::{CommandKind, PromptKind};

/// Prompt kind and alternatives for a command; `usable` must not be empty.
pub fn shape(kind: CommandKind, usable: &[String]) -> (PromptKind, Vec<String>) {
    let prompt = if kind.is_any() && usable.len() >= 2 {
        PromptKind::Selection
    } else {
        PromptKind::Direct
    };
    (prompt, usable.iter().skip(1).cloned().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn auth0_post_login_3_4_any_with_two_usable_shows_a_selection() {
        assert_eq!(
            shape(CommandKind::ChallengeWithAny, &s(&["otp", "phone"])),
            (PromptKind::Selection, s(&["phone"]))
        );
        assert_eq!(
            shape(CommandKind::EnrollWithAny, &s(&["otp", "phone"])).0,
            PromptKind::Selection
        );
    }

    #[test]
    fn seed_enroll_with_any_skips_the_picker_for_the_remaining_factor() {
        assert_eq!(
            shape(CommandKind::EnrollWithAny, &s(&["phone"])),
            (PromptKind::Direct, vec![])
        );
    }

    #[test]
    fn auth0_post_login_3_3_with_shows_the_default_and_alternatives() {
        assert_eq!(
            shape(CommandKind::ChallengeWith, &s(&["otp", "email", "phone"])),
            (PromptKind::Direct, s(&["email", "phone"]))
        );
        assert_eq!(
            shape(CommandKind::EnrollWith, &s(&["otp", "phone"])),
            (PromptKind::Direct, s(&["phone"]))
        );
    }
}
