//! `api.authentication.recordMethod`.
//!
//! ## What it does
//! Checks that `recordMethod(provider_url)` is called from
//! `onContinuePostLogin` with an http(s) URL, and returns the URL to record as
//! the method's `name`. Adding `{name, timestamp}` to
//! `event.authentication.methods` is the transaction's job.
//!
//! ## Auth0 behaviour
//! auth0-post-login §2.4: `provider_url` is an http/https URL identifying a
//! custom method; the method is only available in `onContinuePostLogin`
//! \[DOC\], and what happens elsewhere is not documented, so this throws
//! \[INFERRED\]. The official client passes the URL through unchecked; the URL
//! check and both messages here are \[INFERRED\]. The URL must start with
//! `http://` or `https://` (any case) and have a non-empty host, an optional
//! port of at most 65535, and no whitespace or control characters.
//!
//! ## Example
//! In `onContinuePostLogin`,
//! `api.authentication.recordMethod("https://idv.example.com")` records
//! `https://idv.example.com`; `recordMethod("idv.example.com")` throws.

use serde_json::Value;

use crate::ApiError;

/// Thrown outside `onContinuePostLogin` \[INFERRED\].
pub const ONLY_IN_CONTINUE: &str =
    "api.authentication.recordMethod() can only be used in onContinuePostLogin";

/// Thrown for anything but an http(s) URL \[INFERRED\].
pub const INVALID_URL: &str = "The provided provider_url must be an http or https URL";

/// Checks `recordMethod(provider_url)`; `in_continue` is whether the call
/// comes from `onContinuePostLogin`.
pub fn check(provider_url: &Value, in_continue: bool) -> Result<String, ApiError> {
    if !in_continue {
        return Err(ApiError::error(ONLY_IN_CONTINUE));
    }
    match provider_url.as_str() {
        Some(url) if is_http_url(url) => Ok(url.to_owned()),
        _ => Err(ApiError::error(INVALID_URL)),
    }
}

/// `http(s)://[userinfo@]host[:port][/…|?…|#…]` with a non-empty host.
fn is_http_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some(rest) = strip_scheme(url, "https://").or_else(|| strip_scheme(url, "http://")) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        match bracketed.split_once(']') {
            Some((ip, after)) if after.is_empty() || after.starts_with(':') => {
                (ip, after.strip_prefix(':'))
            }
            _ => return false,
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port_ok = port.is_none_or(|port| {
        port.is_empty()
            || (port.chars().all(|c| c.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|n| n <= 65_535))
    });
    !host.is_empty() && port_ok
}

/// `url` without `scheme`, compared ignoring ASCII case.
fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let head = url.get(..scheme.len())?;
    head.eq_ignore_ascii_case(scheme)
        .then(|| &url[scheme.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn auth0_post_login_2_4_record_method_only_in_continue() {
        assert_eq!(
            check(&json!("https://idv.example.com"), false)
                .unwrap_err()
                .message,
            "api.authentication.recordMethod() can only be used in onContinuePostLogin"
        );
        assert_eq!(
            check(&json!("https://idv.example.com"), true),
            Ok("https://idv.example.com".into())
        );
    }

    #[test]
    fn auth0_post_login_2_4_record_method_accepts_http_urls() {
        for url in [
            "http://idv.example.com",
            "HTTPS://idv.example.com/path?q=1#f",
            "https://user:pw@idv.example.com:8443/",
            "https://[::1]:443/x",
            "https://localhost:",
        ] {
            assert!(check(&json!(url), true).is_ok(), "{url}");
        }
    }

    #[test]
    fn auth0_post_login_2_4_record_method_rejects_other_values() {
        for value in [
            json!("idv.example.com"),
            json!("ftp://idv.example.com"),
            json!("https://"),
            json!("https:///path"),
            json!("https://user@/x"),
            json!("https://host:99999"),
            json!("https://host:80a"),
            json!("https://[::1"),
            json!("https://exa mple.com"),
            json!(null),
            json!(42),
        ] {
            assert_eq!(
                check(&value, true).unwrap_err().message,
                "The provided provider_url must be an http or https URL",
                "{value}"
            );
        }
    }
}
