//! The core's [`Services`]: HS256 tokens through the `jsonwebtoken` crate and
//! WHATWG URL handling through the `url` crate (no hand-rolled crypto).

use actions_core::{Services, TokenError, VerifiedToken};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value};

/// The real services.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealServices;

impl Services for RealServices {
    fn sign_hs256(&self, claims: &Map<String, Value>, secret: &str) -> Result<String, String> {
        let header = Header::new(Algorithm::HS256);
        jsonwebtoken::encode(
            &header,
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .map_err(|e| e.to_string())
    }

    fn verify_hs256(&self, token: &str, secret: &str) -> Result<VerifiedToken, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != Algorithm::HS256 {
            return Err(TokenError::Malformed);
        }
        // Only the signature here: the core checks the claims itself, in the
        // order Auth0 reports them.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims.clear();
        let data = jsonwebtoken::decode::<Value>(
            token,
            &DecodingKey::from_secret(secret.as_bytes()),
            &validation,
        )
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
            _ => TokenError::Malformed,
        })?;
        Ok(VerifiedToken {
            typ: data.header.typ,
            payload: data.claims,
        })
    }

    fn query_tokens(&self, url: &str) -> Map<String, Value> {
        let Ok(parsed) = url::Url::parse(url) else {
            return Map::new();
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.insecure_disable_signature_validation();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.required_spec_claims.clear();
        parsed
            .query_pairs()
            .filter_map(|(name, value)| {
                let data = jsonwebtoken::decode::<Value>(
                    &value,
                    &DecodingKey::from_secret(&[]),
                    &validation,
                )
                .ok()?;
                Some((name.into_owned(), data.claims))
            })
            .collect()
    }

    fn set_query(&self, url: &str, query: &[(String, String)]) -> Result<String, String> {
        let mut parsed = url::Url::parse(url).map_err(|_| "Invalid URL".to_owned())?;
        if query.is_empty() {
            return Ok(parsed.to_string());
        }
        // URLSearchParams.set: replace every existing value of the name.
        let mut pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for (key, value) in query {
            match pairs.iter().position(|(k, _)| k == key) {
                Some(first) => {
                    pairs[first].1 = value.clone();
                    let mut i = 0;
                    pairs.retain(|(k, _)| {
                        i += 1;
                        k != key || i - 1 == first
                    });
                }
                None => pairs.push((key.clone(), value.clone())),
            }
        }
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
        Ok(parsed.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_round_trip_and_bad_secrets_fail_the_signature() {
        let claims = json!({"sub": "u1", "iat": 1, "exp": 2})
            .as_object()
            .unwrap()
            .clone();
        let token = RealServices.sign_hs256(&claims, "s3cret").unwrap();
        let verified = RealServices.verify_hs256(&token, "s3cret").unwrap();
        assert_eq!(
            (verified.typ.as_deref(), verified.payload),
            (Some("JWT"), Value::Object(claims))
        );
        assert_eq!(
            RealServices.verify_hs256(&token, "other"),
            Err(TokenError::BadSignature)
        );
        assert_eq!(
            RealServices.verify_hs256("not.a.jwt", "s3cret"),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn auth0_post_login_2_7_send_user_to_sets_query_parameters() {
        let url = RealServices
            .set_query(
                "https://example.com/verify?a=1&b=2&a=3",
                &[("a".into(), "x y".into()), ("c".into(), "4".into())],
            )
            .unwrap();
        assert_eq!(url, "https://example.com/verify?a=x+y&b=2&c=4");
        assert_eq!(
            RealServices.set_query("not a url", &[]),
            Err("Invalid URL".to_owned())
        );
    }
}
