//! At most four MFA commands per login.
//!
//! ## What it does
//! Counts calls to the four MFA methods across the whole flow and says when a
//! call is over the cap.
//!
//! ## Auth0 behaviour
//! auth0-post-login §3.7: across all Actions of one flow, at most four calls in
//! total to `enrollWith`, `enrollWithAny`, `challengeWith`, `challengeWithAny`;
//! a fifth produces an authentication error. flow-file.md §3 decision 8: every
//! call counts whatever its verdict; the fifth does not throw but is recorded
//! `rejected`; when that Action finishes none of its MFA commands execute and
//! the login fails with `too_many_mfa_commands`.
//!
//! ## Example
//! Action 1 calls `challengeWith` three times, action 2 calls `enrollWith`
//! twice: the second `enrollWith` is call number five and is rejected.

/// The most MFA commands a login may issue.
pub const MAX_MFA_COMMANDS: usize = 4;

/// The message recorded on the rejected call and in the login's error.
pub const TOO_MANY_MESSAGE: &str = "Too many MFA commands: a login can issue at most 4 calls to enrollWith, enrollWithAny, challengeWith and challengeWithAny";

/// Whether the call numbered `call_number` (1-based, counting every MFA call
/// of the login) is over the cap.
pub fn is_over(call_number: usize) -> bool {
    call_number > MAX_MFA_COMMANDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth0_post_login_3_7_the_fifth_call_is_over_the_cap() {
        assert!((1..=4).all(|n| !is_over(n)));
        assert!(is_over(5));
        assert!(is_over(6));
    }
}
