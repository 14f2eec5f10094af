//! `api.samlResponse`: attributes and configuration setters.
//!
//! ## What it does
//! Checks `setAttribute(name, value)`, the total size of the attributes, and
//! the argument of each `set*` configuration method, returning what the
//! transaction must record. Applying the configuration to a `samlp`
//! transaction is not its job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.10, with the schema of `@auth0/actions`
//! (`PostLoginSetSAMLAttributeInput`, `PostLoginSetSAMLConfigurationInput`)
//! and its ajv messages (see `validation_error`). `setAttribute`: `undefined`
//! becomes `null`, which removes the attribute; the attribute name is a string
//! of at most 1024 characters (`attribute must be string`, `attribute must NOT
//! have more than 1024 characters`); the value is a string (at most 2048
//! characters), number, boolean, `null`, or an array of strings (at most 2048
//! characters), numbers and booleans (`value must be
//! string,number,boolean,null,array`, `<index> must be string,number,boolean`).
//! Before that schema check, the official code serializes all attributes with
//! the new one and throws `The total size of the SAML attributes exceeds the
//! limit of 102400 bytes.` when over: call [`check_total_size`] on the
//! would-be attributes first. Each setter validates `{<field>: value}`: string
//! maximum lengths (`audience must NOT have more than 2048 characters`),
//! booleans (`signResponse must be boolean`), enums (`signatureAlgorithm must
//! be equal to one of the allowed values`), `lifetimeInSeconds must be
//! number`, and `nameIdentifierProbes` (an array of at most 10 strings of at
//! most 512 characters). `setRelayState` writes the field `RelayState`. An
//! `undefined` argument is skipped by the schema, so it is accepted; for
//! `setNameIdentifierFormat` it means the default
//! `urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified`. The docs' limit of
//! 100 changed attributes is not enforced client-side, nor is supplying both
//! halves of a certificate/key pair.
//!
//! ## Example
//! `api.samlResponse.setSignatureAlgorithm("rsa-sha512")` throws
//! `signatureAlgorithm must be equal to one of the allowed values`.

use serde_json::{Map, Value};

use super::validation_error::AjvErrors;
use crate::ApiError;

/// The longest attribute name, in code points.
pub const MAX_ATTRIBUTE_LENGTH: usize = 1024;
/// The longest attribute value string, in code points.
pub const MAX_VALUE_LENGTH: usize = 2048;
/// The most bytes all attributes may take once serialized as JSON.
pub const MAX_TOTAL_BYTES: usize = 102_400;
/// What `setNameIdentifierFormat()` with no argument sets.
pub const DEFAULT_NAME_IDENTIFIER_FORMAT: &str =
    "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/// The schema of one configuration field.
#[derive(Debug, Clone, Copy)]
enum Schema {
    /// A string of at most this many code points.
    Text(usize),
    Boolean,
    Number,
    OneOf(&'static [&'static str]),
    /// At most 10 strings of at most 512 code points.
    Probes,
}

/// Every configuration setter: method, schema field, schema (§2.10).
const SETTINGS: &[(&str, &str, Schema)] = &[
    ("setAudience", "audience", Schema::Text(2048)),
    ("setRecipient", "recipient", Schema::Text(2048)),
    ("setDestination", "destination", Schema::Text(2048)),
    ("setCreateUpnClaim", "createUpnClaim", Schema::Boolean),
    (
        "setPassthroughClaimsWithNoMapping",
        "passthroughClaimsWithNoMapping",
        Schema::Boolean,
    ),
    (
        "setMapUnknownClaimsAsIs",
        "mapUnknownClaimsAsIs",
        Schema::Boolean,
    ),
    ("setMapIdentities", "mapIdentities", Schema::Boolean),
    (
        "setSignatureAlgorithm",
        "signatureAlgorithm",
        Schema::OneOf(&["rsa-sha256", "rsa-sha1"]),
    ),
    (
        "setDigestAlgorithm",
        "digestAlgorithm",
        Schema::OneOf(&["sha256", "sha1"]),
    ),
    ("setLifetimeInSeconds", "lifetimeInSeconds", Schema::Number),
    ("setSignResponse", "signResponse", Schema::Boolean),
    (
        "setNameIdentifierFormat",
        "nameIdentifierFormat",
        Schema::Text(512),
    ),
    (
        "setNameIdentifierProbes",
        "nameIdentifierProbes",
        Schema::Probes,
    ),
    (
        "setAuthnContextClassRef",
        "authnContextClassRef",
        Schema::Text(512),
    ),
    ("setSigningCert", "signingCert", Schema::Text(4096)),
    (
        "setIncludeAttributeNameFormat",
        "includeAttributeNameFormat",
        Schema::Boolean,
    ),
    ("setTypedAttributes", "typedAttributes", Schema::Boolean),
    ("setEncryptionCert", "encryptionCert", Schema::Text(4096)),
    (
        "setEncryptionPublicKey",
        "encryptionPublicKey",
        Schema::Text(4096),
    ),
    ("setCert", "cert", Schema::Text(4096)),
    ("setKey", "key", Schema::Text(4096)),
    ("setRelayState", "RelayState", Schema::Text(512)),
    ("setIssuer", "issuer", Schema::Text(512)),
    (
        "setEncryptionAlgorithm",
        "encryptionAlgorithm",
        Schema::OneOf(&["aes256-gcm", "aes256-cbc"]),
    ),
];

/// Checks `setAttribute(name, value)`; returns the name and the value
/// (`Value::Null` means remove the attribute).
pub fn check_attribute(name: &Value, value: &Value) -> Result<(String, Value), ApiError> {
    let mut errors = AjvErrors::default();
    errors.required("attribute", name);
    errors.string("/attribute", name, Some(MAX_ATTRIBUTE_LENGTH));
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
        Value::String(text) => errors.max_length("/value", text, MAX_VALUE_LENGTH),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let path = format!("/value/{index}");
                match item {
                    Value::Bool(_) | Value::Number(_) => {}
                    Value::String(text) => errors.max_length(&path, text, MAX_VALUE_LENGTH),
                    _ => errors.push(&path, "must be string,number,boolean"),
                }
            }
        }
        Value::Object(_) => errors.push("/value", "must be string,number,boolean,null,array"),
    }
    errors.finish()?;
    Ok((name.as_str().unwrap_or_default().to_owned(), value.clone()))
}

/// Checks the serialized size of all attributes (including the one being set).
pub fn check_total_size(attributes: &Map<String, Value>) -> Result<(), ApiError> {
    let size = serde_json::to_string(attributes).map_or(0, |json| json.len());
    if size > MAX_TOTAL_BYTES {
        return Err(ApiError::error(format!(
            "The total size of the SAML attributes exceeds the limit of {MAX_TOTAL_BYTES} bytes."
        )));
    }
    Ok(())
}

/// The configuration field a setter writes (`setRelayState` → `RelayState`),
/// or `None` for an unknown method. `method` may carry the `samlResponse.` prefix.
pub fn setting_name(method: &str) -> Option<&'static str> {
    let method = method.strip_prefix("samlResponse.").unwrap_or(method);
    SETTINGS
        .iter()
        .find(|(name, ..)| *name == method)
        .map(|(_, field, _)| *field)
}

/// Checks the argument of a configuration setter such as `setAudience`
/// (`method` may carry the `samlResponse.` prefix) and returns the value to
/// record; `Value::Null` means "left unset".
pub fn check_setting(method: &str, value: &Value) -> Result<Value, ApiError> {
    let short = method.strip_prefix("samlResponse.").unwrap_or(method);
    let Some((_, field, schema)) = SETTINGS.iter().find(|(name, ..)| *name == short) else {
        return Err(ApiError::type_error(format!(
            "api.samlResponse.{short} is not a function"
        )));
    };
    if value.is_null() {
        return Ok(match short {
            "setNameIdentifierFormat" => Value::from(DEFAULT_NAME_IDENTIFIER_FORMAT),
            _ => Value::Null,
        });
    }
    let path = format!("/{field}");
    let mut errors = AjvErrors::default();
    match *schema {
        Schema::Text(max) => errors.string(&path, value, Some(max)),
        Schema::Boolean => errors.boolean(&path, value),
        Schema::Number if value.is_number() => {}
        Schema::Number => errors.push(&path, "must be number"),
        Schema::OneOf(allowed) => errors.one_of(&path, value, allowed),
        Schema::Probes => match value.as_array() {
            None => errors.push(&path, "must be array"),
            Some(items) => {
                if items.len() > 10 {
                    errors.push(&path, "must NOT have more than 10 items");
                }
                for (index, item) in items.iter().enumerate() {
                    let item_path = format!("{path}/{index}");
                    match item {
                        Value::String(text) => errors.max_length(&item_path, text, 512),
                        _ => errors.push(&item_path, "must be string"),
                    }
                }
            }
        },
    }
    errors.finish()?;
    Ok(value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiErrorKind;
    use serde_json::json;

    fn attribute_error(name: Value, value: Value) -> String {
        check_attribute(&name, &value).unwrap_err().message
    }

    fn setting_error(method: &str, value: Value) -> String {
        check_setting(method, &value).unwrap_err().message
    }

    #[test]
    fn auth0_post_login_2_10_attribute_values() {
        let name = "http://schemas.example/role";
        for value in [
            json!("admin"),
            json!(3),
            json!(true),
            json!(null),
            json!(["a", 1, false]),
        ] {
            assert_eq!(
                check_attribute(&json!(name), &value),
                Ok((name.into(), value.clone()))
            );
        }
    }

    #[test]
    fn auth0_post_login_2_10_attribute_schema_messages() {
        assert_eq!(
            attribute_error(json!(1), json!("v")),
            "attribute must be string"
        );
        assert_eq!(
            attribute_error(Value::Null, json!("v")),
            " must have required property 'attribute'"
        );
        assert_eq!(
            attribute_error(json!("a".repeat(1025)), json!("v")),
            "attribute must NOT have more than 1024 characters"
        );
        assert_eq!(
            attribute_error(json!("a"), json!("v".repeat(2049))),
            "value must NOT have more than 2048 characters"
        );
        assert_eq!(
            attribute_error(json!("a"), json!({"x": 1})),
            "value must be string,number,boolean,null,array"
        );
        assert_eq!(
            attribute_error(json!("a"), json!(["ok", null, "v".repeat(2049)])),
            "1 must be string,number,boolean; 2 must NOT have more than 2048 characters"
        );
    }

    #[test]
    fn auth0_post_login_2_10_total_size_exceeds_102400_bytes() {
        let mut attributes = Map::new();
        attributes.insert("a".into(), json!("x".repeat(102_400 - 8)));
        assert!(check_total_size(&attributes).is_ok()); // {"a":"…"} is exactly 102400
        attributes.insert("b".into(), json!(null));
        assert_eq!(
            check_total_size(&attributes).unwrap_err().message,
            "The total size of the SAML attributes exceeds the limit of 102400 bytes."
        );
    }

    #[test]
    fn auth0_post_login_2_10_string_settings() {
        assert_eq!(
            check_setting("setAudience", &json!("urn:a")),
            Ok(json!("urn:a"))
        );
        assert_eq!(
            setting_error("setAudience", json!("a".repeat(2049))),
            "audience must NOT have more than 2048 characters"
        );
        assert_eq!(
            setting_error("samlResponse.setRelayState", json!("r".repeat(513))),
            "RelayState must NOT have more than 512 characters"
        );
        assert_eq!(setting_error("setCert", json!(1)), "cert must be string");
        assert!(check_setting("setKey", &json!("k".repeat(4096))).is_ok());
    }

    #[test]
    fn auth0_post_login_2_10_boolean_number_and_enum_settings() {
        assert_eq!(
            setting_error("setSignResponse", json!("true")),
            "signResponse must be boolean"
        );
        assert_eq!(
            check_setting("setMapIdentities", &json!(false)),
            Ok(json!(false))
        );
        assert_eq!(
            setting_error("setLifetimeInSeconds", json!("3600")),
            "lifetimeInSeconds must be number"
        );
        assert_eq!(
            check_setting("setLifetimeInSeconds", &json!(3600)),
            Ok(json!(3600))
        );
        assert_eq!(
            setting_error("setSignatureAlgorithm", json!("rsa-sha512")),
            "signatureAlgorithm must be equal to one of the allowed values"
        );
        assert_eq!(
            setting_error("setEncryptionAlgorithm", json!(1)),
            "encryptionAlgorithm must be equal to one of the allowed values"
        );
        assert!(check_setting("setDigestAlgorithm", &json!("sha1")).is_ok());
    }

    #[test]
    fn auth0_post_login_2_10_name_identifier_probes() {
        assert!(check_setting("setNameIdentifierProbes", &json!(["a", "b"])).is_ok());
        assert_eq!(
            setting_error("setNameIdentifierProbes", json!("a")),
            "nameIdentifierProbes must be array"
        );
        let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        assert_eq!(
            setting_error("setNameIdentifierProbes", json!(eleven)),
            "nameIdentifierProbes must NOT have more than 10 items"
        );
        assert_eq!(
            setting_error("setNameIdentifierProbes", json!([1, "p".repeat(513)])),
            "0 must be string; 1 must NOT have more than 512 characters"
        );
    }

    #[test]
    fn auth0_post_login_2_10_undefined_and_unknown_settings() {
        assert_eq!(check_setting("setAudience", &Value::Null), Ok(Value::Null));
        assert_eq!(
            check_setting("setNameIdentifierFormat", &Value::Null),
            Ok(json!(
                "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
            ))
        );
        let error = check_setting("setColour", &json!("red")).unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::TypeError);
        assert_eq!(
            error.message,
            "api.samlResponse.setColour is not a function"
        );
        assert_eq!(setting_name("setRelayState"), Some("RelayState"));
        assert_eq!(setting_name("samlResponse.setIssuer"), Some("issuer"));
        assert_eq!(setting_name("setColour"), None);
    }
}
