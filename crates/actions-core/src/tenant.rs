//! The tenant's MFA settings that the rules read (flow-file.md §1 `tenant`).

use crate::FactorKind;

/// Where the challenge that must precede an enrollment may come from
/// (flow-file.md §3 decision 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChallengeScope {
    /// Earlier in the same Action or in any earlier Action.
    #[default]
    Transaction,
    /// Strict: only an earlier Action.
    PriorAction,
}

/// Security > Multi-factor Auth, as far as the Actions commands care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfaSettings {
    /// The "Customize MFA Factors using Actions" toggle.
    pub customize_with_actions: bool,
    /// Factors enabled in the tenant.
    pub factors: Vec<FactorKind>,
    /// See [`ChallengeScope`].
    pub enroll_challenge_scope: ChallengeScope,
}

impl Default for MfaSettings {
    fn default() -> Self {
        MfaSettings {
            customize_with_actions: true,
            factors: FactorKind::ALL.to_vec(),
            enroll_challenge_scope: ChallengeScope::Transaction,
        }
    }
}

/// The tenant a login runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// The tenant name; becomes `event.tenant.id`.
    pub name: String,
    /// MFA settings.
    pub mfa: MfaSettings,
}

impl Default for Tenant {
    fn default() -> Self {
        Tenant {
            name: "local".to_owned(),
            mfa: MfaSettings::default(),
        }
    }
}

impl MfaSettings {
    /// Whether `type_` names a factor enabled in the tenant. Unknown strings are
    /// never enabled.
    pub fn is_enabled(&self, type_: &str) -> bool {
        type_
            .parse::<FactorKind>()
            .is_ok_and(|kind| self.factors.contains(&kind))
    }
}
