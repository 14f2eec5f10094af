//! What the core needs from outside but must not implement itself: signing and
//! verifying HS256 tokens (a JWT crate's job) and building URLs (a WHATWG URL
//! parser's job). `actions-flow` provides the real implementation; the core's
//! tests use [`NoServices`] or their own.

use serde_json::{Map, Value};

/// A verified token's parts.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedToken {
    /// The header's `typ`, if any.
    pub typ: Option<String>,
    /// The payload (any JSON; Auth0 expects an object).
    pub payload: Value,
}

/// Why a token did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT at all, or not HS256.
    Malformed,
    /// The signature does not match the secret.
    BadSignature,
}

/// Crypto and URL services.
pub trait Services {
    /// Signs `claims` as an HS256 JWT (`{"alg":"HS256","typ":"JWT"}`).
    fn sign_hs256(&self, claims: &Map<String, Value>, secret: &str) -> Result<String, String>;
    /// Verifies an HS256 JWT's signature; does not look at its claims.
    fn verify_hs256(&self, token: &str, secret: &str) -> Result<VerifiedToken, TokenError>;
    /// Parses `url` as WHATWG `new URL(url)` does and sets each query entry
    /// with `searchParams.set`. `Err` carries the message `new URL` throws.
    fn set_query(&self, url: &str, query: &[(String, String)]) -> Result<String, String>;
    /// The claims of every query parameter of `url` that is a JWT (decoded,
    /// not verified: the report shows what the Action sent).
    fn query_tokens(&self, url: &str) -> Map<String, Value>;
}

/// Services for tests that never sign, verify or build URLs: every call fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoServices;

impl Services for NoServices {
    fn sign_hs256(&self, _: &Map<String, Value>, _: &str) -> Result<String, String> {
        Err("no token services configured".to_owned())
    }
    fn verify_hs256(&self, _: &str, _: &str) -> Result<VerifiedToken, TokenError> {
        Err(TokenError::Malformed)
    }
    fn query_tokens(&self, _: &str) -> Map<String, Value> {
        Map::new()
    }
    fn set_query(&self, url: &str, query: &[(String, String)]) -> Result<String, String> {
        let mut out = url.to_owned();
        for (key, value) in query {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&format!("{key}={value}"));
        }
        Ok(out)
    }
}
