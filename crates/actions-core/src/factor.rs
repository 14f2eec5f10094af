//! Factor type strings (auth0-post-login §3.2). Owns parsing and the
//! enrollable/challengeable distinction; knows nothing about tenants or users.

use std::fmt;
use std::str::FromStr;

/// One MFA factor type, as spelled in `enrolledFactors[].type` and in the
/// selectors passed to `challengeWith*` / `enrollWith*` (auth0-post-login §3.2).
///
/// WARNING: `js-runtime` does not duplicate this list; the tenant's enabled
/// factors in a flow file are parsed through [`FactorKind::from_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactorKind {
    /// `otp`: one-time password app.
    Otp,
    /// `email`: challenge only, never enrollable.
    Email,
    /// `recovery-code`.
    RecoveryCode,
    /// `push-notification` (Guardian push); `push` is accepted as an alias.
    PushNotification,
    /// `phone` (SMS or voice).
    Phone,
    /// `webauthn-platform` (device biometrics).
    WebauthnPlatform,
    /// `webauthn-roaming` (security keys).
    WebauthnRoaming,
}

impl FactorKind {
    /// Every factor, in the order of flow-file.md §1's default `factors` list.
    pub const ALL: [FactorKind; 7] = [
        FactorKind::Otp,
        FactorKind::Email,
        FactorKind::WebauthnRoaming,
        FactorKind::WebauthnPlatform,
        FactorKind::PushNotification,
        FactorKind::Phone,
        FactorKind::RecoveryCode,
    ];

    /// The canonical type string.
    pub fn as_str(self) -> &'static str {
        match self {
            FactorKind::Otp => "otp",
            FactorKind::Email => "email",
            FactorKind::RecoveryCode => "recovery-code",
            FactorKind::PushNotification => "push-notification",
            FactorKind::Phone => "phone",
            FactorKind::WebauthnPlatform => "webauthn-platform",
            FactorKind::WebauthnRoaming => "webauthn-roaming",
        }
    }

    /// Whether `enrollWith*` may enroll this factor: every factor but `email`
    /// (auth0-post-login §3.2, §3.5 "Email factor").
    pub fn is_enrollable(self) -> bool {
        self != FactorKind::Email
    }
}

impl fmt::Display for FactorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of Auth0's factor types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an MFA factor type (expected one of otp, email, recovery-code, push-notification, phone, webauthn-platform, webauthn-roaming)")]
pub struct ParseFactorError(pub String);

impl FromStr for FactorKind {
    type Err = ParseFactorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "otp" => FactorKind::Otp,
            "email" => FactorKind::Email,
            "recovery-code" => FactorKind::RecoveryCode,
            // The official FactorSelector union also spells push as `push`.
            "push-notification" | "push" => FactorKind::PushNotification,
            "phone" => FactorKind::Phone,
            "webauthn-platform" => FactorKind::WebauthnPlatform,
            "webauthn-roaming" => FactorKind::WebauthnRoaming,
            other => return Err(ParseFactorError(other.to_owned())),
        })
    }
}

impl<'de> serde::Deserialize<'de> for FactorKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for FactorKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_string() {
        for kind in FactorKind::ALL {
            assert_eq!(kind.as_str().parse::<FactorKind>(), Ok(kind));
        }
    }

    #[test]
    fn push_alias_and_unknown_types() {
        assert_eq!("push".parse(), Ok(FactorKind::PushNotification));
        assert!("sms".parse::<FactorKind>().is_err());
        assert!("OTP".parse::<FactorKind>().is_err());
    }

    #[test]
    fn auth0_post_login_3_2_email_is_the_only_factor_that_cannot_be_enrolled() {
        let not_enrollable: Vec<_> = FactorKind::ALL
            .into_iter()
            .filter(|k| !k.is_enrollable())
            .collect();
        assert_eq!(not_enrollable, vec![FactorKind::Email]);
    }
}
