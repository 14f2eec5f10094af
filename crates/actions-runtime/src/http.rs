//! Outgoing HTTP for `fetch`: answers from the flow's `http` fixtures
//! (flow-file.md §1: first match wins; `method` defaults to any; `url` exact
//! or with `*` for any run of characters), records every request for the
//! report, and refuses the rest unless the flow allows the network.

use serde::Serialize;
use serde_json::Value;

/// One fixture.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpFixture {
    /// `GET`, `POST`, ...; `None` matches any method.
    pub method: Option<String>,
    /// Exact URL, or a pattern with `*`.
    pub url: String,
    /// Response status (default 200).
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The response body.
    pub body: FixtureBody,
    /// How long the response takes.
    pub delay_ms: u64,
}

/// A fixture's body.
#[derive(Debug, Clone, PartialEq)]
pub enum FixtureBody {
    /// `json`: served with `content-type: application/json`.
    Json(Value),
    /// `text`: served with `content-type: text/plain;charset=UTF-8`.
    Text(String),
    /// No body.
    Empty,
}

/// Which real requests are allowed when no fixture matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NetAccess {
    /// None (the default).
    #[default]
    Denied,
    /// Any host.
    Any,
    /// Only these hosts.
    Hosts(Vec<String>),
}

impl NetAccess {
    pub(crate) fn allows(&self, url: &str) -> bool {
        match self {
            NetAccess::Denied => false,
            NetAccess::Any => true,
            NetAccess::Hosts(hosts) => url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(&host))),
        }
    }
}

/// One entry of the report's `http[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpRecord {
    /// The request method.
    pub method: String,
    /// The request URL.
    pub url: String,
    /// The response status, `null` when the request was refused or failed.
    pub status: Option<u16>,
    /// The index of the fixture that answered, `null` otherwise.
    pub fixture: Option<usize>,
}

/// `*` matches any run of characters; everything else literally.
pub(crate) fn url_matches(pattern: &str, url: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == url;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !url.starts_with(first) || !url.ends_with(last) || url.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &url[first.len()..url.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The first fixture matching `method` and `url`.
pub(crate) fn find(fixtures: &[HttpFixture], method: &str, url: &str) -> Option<usize> {
    fixtures.iter().position(|f| {
        f.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && url_matches(&f.url, url)
    })
}

/// The message of a refused request: what was asked (and, for a redirect,
/// from where) and which fixtures exist.
pub(crate) fn refused_message(
    method: &str,
    url: &str,
    from: Option<&str>,
    fixtures: &[HttpFixture],
    net: &NetAccess,
) -> String {
    let listed: Vec<String> = fixtures
        .iter()
        .enumerate()
        .map(|(i, f)| format!("[{i}] {} {}", f.method.as_deref().unwrap_or("*"), f.url))
        .collect();
    let why = match net {
        NetAccess::Hosts(hosts) => format!("its host is not in --allow-net ({})", hosts.join(", ")),
        _ => "network access is denied (allow it with --allow-net)".to_owned(),
    };
    let fixtures = if listed.is_empty() {
        "the flow has no `http` fixtures".to_owned()
    } else {
        format!("fixtures: {}", listed.join("; "))
    };
    let from = from.map_or_else(String::new, |from| format!(" (a redirect from {from})"));
    format!(
        "fetch {method} {url}{from} was refused: no `http` fixture matches and {why}; {fixtures}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_file_1_http_url_patterns() {
        assert!(url_matches(
            "https://api.example.com/users/42",
            "https://api.example.com/users/42"
        ));
        assert!(!url_matches(
            "https://api.example.com/users/42",
            "https://api.example.com/users/43"
        ));
        assert!(url_matches(
            "https://api.example.com/users/*",
            "https://api.example.com/users/42?x=1"
        ));
        assert!(url_matches(
            "https://*.example.com/*/v1",
            "https://eu.example.com/a/b/v1"
        ));
        assert!(!url_matches(
            "https://*.example.com/*/v1",
            "https://eu.example.org/a/v1"
        ));
        assert!(url_matches("*", "anything"));
    }

    #[test]
    fn flow_file_1_first_matching_fixture_wins_and_method_defaults_to_any() {
        let fixture = |method: Option<&str>, url: &str| HttpFixture {
            method: method.map(str::to_owned),
            url: url.to_owned(),
            status: 200,
            headers: vec![],
            body: FixtureBody::Empty,
            delay_ms: 0,
        };
        let fixtures = [
            fixture(Some("POST"), "https://a/*"),
            fixture(None, "https://a/x"),
            fixture(None, "https://a/*"),
        ];
        assert_eq!(find(&fixtures, "GET", "https://a/x"), Some(1));
        assert_eq!(find(&fixtures, "post", "https://a/x"), Some(0));
        assert_eq!(find(&fixtures, "GET", "https://b/"), None);
        let message = refused_message("GET", "https://b/", None, &fixtures, &NetAccess::Denied);
        assert!(
            message.contains("[0] POST https://a/*") && message.contains("--allow-net"),
            "{message}"
        );
    }

    #[test]
    fn allow_net_host_lists() {
        let net = NetAccess::Hosts(vec!["api.example.com".into()]);
        assert!(net.allows("https://API.example.com/x"));
        assert!(!net.allows("https://evil.example.com/x"));
        assert!(!NetAccess::Denied.allows("https://api.example.com/"));
    }
}
