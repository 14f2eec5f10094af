//! MFA commands as queued by an Action, and what executing one produced
//! (flow-file.md §2 `mfa[]`). The decisions live in `rules/`; this file only
//! holds the shapes.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::FactorKind;

/// The four MFA commands of auth0-post-login §3.3–§3.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum CommandKind {
    /// `challengeWith(factor, {additionalFactors})`.
    #[serde(rename = "challengeWith")]
    ChallengeWith,
    /// `challengeWithAny(factors)`.
    #[serde(rename = "challengeWithAny")]
    ChallengeWithAny,
    /// `enrollWith(factor, {additionalFactors})`.
    #[serde(rename = "enrollWith")]
    EnrollWith,
    /// `enrollWithAny(factors)`.
    #[serde(rename = "enrollWithAny")]
    EnrollWithAny,
}

impl CommandKind {
    /// The method name, as the report's `mfa[].command` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::ChallengeWith => "challengeWith",
            CommandKind::ChallengeWithAny => "challengeWithAny",
            CommandKind::EnrollWith => "enrollWith",
            CommandKind::EnrollWithAny => "enrollWithAny",
        }
    }

    /// Whether the command enrolls (as opposed to challenges).
    pub fn is_enroll(self) -> bool {
        matches!(self, CommandKind::EnrollWith | CommandKind::EnrollWithAny)
    }

    /// Whether the command shows a picker over its factors (the `*Any` forms)
    /// rather than a default factor with alternatives.
    pub fn is_any(self) -> bool {
        matches!(
            self,
            CommandKind::ChallengeWithAny | CommandKind::EnrollWithAny
        )
    }
}

/// One queued command with the factor types it names.
#[derive(Debug, Clone, PartialEq)]
pub struct MfaCommand {
    /// Which command.
    pub kind: CommandKind,
    /// Every factor type the command names, in order: for `challengeWith` and
    /// `enrollWith` the default, then `additionalFactors` (decision 2).
    /// Canonical type strings for known factors; anything else as written.
    pub requested: Vec<String>,
}

impl MfaCommand {
    /// Reads a command from the JSON arguments of the call. Auth0's client
    /// layer passes these through unvalidated (auth0-post-login §2.4), so a
    /// malformed selector is kept (and later ignored as `not-enabled`) rather
    /// than thrown.
    pub fn from_args(kind: CommandKind, args: &[Value]) -> MfaCommand {
        let mut requested = Vec::new();
        match kind {
            CommandKind::ChallengeWith | CommandKind::EnrollWith => {
                if let Some(first) = args.first() {
                    requested.push(selector_type(first));
                }
                if let Some(extra) = args
                    .get(1)
                    .and_then(|options| options.get("additionalFactors"))
                    .and_then(Value::as_array)
                {
                    requested.extend(extra.iter().map(selector_type));
                }
            }
            CommandKind::ChallengeWithAny | CommandKind::EnrollWithAny => {
                if let Some(list) = args.first().and_then(Value::as_array) {
                    requested.extend(list.iter().map(selector_type));
                }
            }
        }
        MfaCommand { kind, requested }
    }
}

/// `{type: "otp", options?}` → `"otp"`; anything else → its JSON text.
fn selector_type(selector: &Value) -> String {
    match selector.get("type").and_then(Value::as_str) {
        Some(type_) => match type_.parse::<FactorKind>() {
            Ok(kind) => kind.as_str().to_owned(),
            Err(_) => type_.to_owned(),
        },
        None => selector.to_string(),
    }
}

/// Which screen the user saw (decision 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    /// A picker over two or more usable factors.
    Selection,
    /// One factor's screen, with `alternatives` behind "Try another method".
    Direct,
    /// Nothing shown.
    None,
}

/// What a command came to (decision 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MfaResult {
    /// The user completed a factor.
    Completed,
    /// The user failed, or the command failed a rule.
    Failed,
    /// Nothing had to be done.
    Skipped,
}

/// A requested factor that the command could not use, and why (decision 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredFactor {
    /// The factor type as requested.
    #[serde(rename = "type")]
    pub type_: String,
    /// `not-enabled`, `not-enrollable`, `already-enrolled`, `not-enrolled`,
    /// `already-satisfied` or `customize-disabled`.
    pub reason: &'static str,
}

/// One entry of the report's `mfa[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaEntry {
    /// The Action that issued the command.
    pub action: String,
    /// The command's name.
    pub command: CommandKind,
    /// `challenge` or `enroll`.
    pub kind: &'static str,
    /// See [`MfaCommand::requested`].
    pub requested: Vec<String>,
    /// The requested factors that survived the checks, in the same order.
    pub usable: Vec<String>,
    /// The others.
    pub ignored: Vec<IgnoredFactor>,
    /// The screen shown.
    pub prompt: PromptKind,
    /// `usable` minus the factor shown first.
    pub alternatives: Vec<String>,
    /// What came of it.
    pub result: MfaResult,
    /// The factor the user completed or failed, if a prompt was shown.
    pub factor: Option<String>,
}

/// How the simulated user answers one prompt (flow-file.md §1 `responses.mfa[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MfaResponse {
    /// Which factor the user picks or completes; must be offered. Absent: the
    /// first offered factor.
    #[serde(default)]
    pub factor: Option<String>,
    /// `success` (default) or `fail`.
    #[serde(default)]
    pub result: ResponseResult,
}

/// Whether the user gets the factor right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResponseResult {
    /// The user completes the factor.
    #[default]
    Success,
    /// The user fails it.
    Fail,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decision_2_requested_is_the_default_then_additional_factors() {
        let command = MfaCommand::from_args(
            CommandKind::ChallengeWith,
            &[
                json!({"type": "otp"}),
                json!({"additionalFactors": [{"type": "email"}, {"type": "push"}]}),
            ],
        );
        assert_eq!(command.requested, ["otp", "email", "push-notification"]);
    }

    #[test]
    fn malformed_selectors_are_kept_as_written() {
        let command = MfaCommand::from_args(
            CommandKind::EnrollWithAny,
            &[json!(["otp", {"type": "sms"}])],
        );
        assert_eq!(command.requested, ["\"otp\"", "sms"]);
        let command = MfaCommand::from_args(CommandKind::ChallengeWithAny, &[json!("otp")]);
        assert!(command.requested.is_empty());
    }
}
