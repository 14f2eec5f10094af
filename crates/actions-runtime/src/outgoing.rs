//! One outgoing `fetch` request as the host sends it: the Fetch standard's
//! checks on its method and header list (run again here, after the glue ran
//! them, so nothing the engine hands over can put a CR or LF into a request
//! line), and the steps that turn a redirect response into the next request.
//! It decides nothing about who answers a request; `ops/fetch.rs` does.

use url::Url;

/// How many redirects one `fetch` follows (Fetch standard, "HTTP-redirect
/// fetch" step 8; undici fails the twenty-first).
pub(crate) const MAX_REDIRECTS: usize = 20;

/// Methods `fetch` refuses (Fetch standard, "forbidden method").
const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Methods `fetch` upper-cases, whatever case they are given in (Fetch
/// standard, "normalize a method"); any other method is sent as written, so
/// `patch` stays `patch`, as in Node.
const NORMALISED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Headers that describe a body, dropped with it when a redirect turns the
/// request into a `GET` (Fetch standard, "request-body-header name").
const BODY_HEADERS: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

/// Headers that carry credentials, not sent on to another origin (Fetch
/// standard, "HTTP-redirect fetch" step 12 names `Authorization`; undici,
/// Node's `fetch`, also drops these).
const CREDENTIAL_HEADERS: [&str; 3] = ["authorization", "proxy-authorization", "cookie"];

/// What `fetch` does with a redirect response (`RequestInit.redirect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectMode {
    /// Follow it (the default).
    Follow,
    /// Fail the request.
    Error,
    /// Return the redirect response itself.
    Manual,
}

impl RedirectMode {
    /// The `RequestRedirect` enum; `None` for any other value.
    pub(crate) fn parse(mode: Option<&str>) -> Option<RedirectMode> {
        match mode {
            None | Some("follow") => Some(RedirectMode::Follow),
            Some("error") => Some(RedirectMode::Error),
            Some("manual") => Some(RedirectMode::Manual),
            Some(_) => None,
        }
    }
}

/// A request ready to be answered by a fixture or sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Outgoing {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

impl Outgoing {
    /// Checks `method` and `headers` as `fetch` does, normalises the
    /// method, and writes `url` as the URL parser does (which leaves no CR
    /// or LF in it). The message is the `TypeError` `fetch` rejects with.
    pub(crate) fn new(
        method: &str,
        url: &str,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<Outgoing, String> {
        let method = normalise_method(method)?;
        let url = Url::parse(url).map_err(|_| format!("Failed to parse URL from {url}"))?;
        for (name, value) in &headers {
            check_header(name, value)?;
        }
        Ok(Outgoing {
            method,
            url: url.into(),
            headers,
            body,
        })
    }

    /// Where a response with `status` and `headers` redirects this request
    /// to: `None` when it does not redirect (not 301, 302, 303, 307 or 308,
    /// or no `location`), the resolved URL otherwise, or the reason the
    /// redirect cannot be followed.
    pub(crate) fn redirect_target(
        &self,
        status: u16,
        headers: &[(String, String)],
    ) -> Option<Result<Url, String>> {
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("location"))?;
        let target = Url::parse(&self.url)
            .and_then(|base| base.join(&location.1))
            .map_err(|e| format!("invalid redirect location `{}`: {e}", location.1));
        Some(target.and_then(|url| {
            if matches!(url.scheme(), "http" | "https") {
                Ok(url)
            } else {
                Err(format!("redirect location `{url}` is not an HTTP(S) URL"))
            }
        }))
    }

    /// Turns this request into the one a `status` redirect to `target` makes
    /// (Fetch standard, "HTTP-redirect fetch" steps 11 and 12): 301 and 302
    /// turn a `POST` into a `GET`, and 303 any method but `GET` and `HEAD`,
    /// dropping the body and the headers that describe it; 307 and 308 keep
    /// method and body. Credentials are not sent on to another origin.
    pub(crate) fn redirect(&mut self, status: u16, target: Url) {
        let to_get = (matches!(status, 301 | 302) && self.method == "POST")
            || (status == 303 && !matches!(self.method.as_str(), "GET" | "HEAD"));
        if to_get {
            self.method = "GET".to_owned();
            self.body = None;
            self.headers
                .retain(|(name, _)| !BODY_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)));
        }
        let same_origin = Url::parse(&self.url).is_ok_and(|from| from.origin() == target.origin());
        if !same_origin {
            self.headers.retain(|(name, _)| {
                !CREDENTIAL_HEADERS
                    .iter()
                    .any(|h| name.eq_ignore_ascii_case(h))
            });
        }
        self.url = target.into();
    }
}

/// RFC 9110 `tchar`: what a method or a header name is made of.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// A method as `fetch` sends it, or undici's `TypeError` message.
pub(crate) fn normalise_method(method: &str) -> Result<String, String> {
    if !is_token(method) {
        return Err(format!("'{method}' is not a valid HTTP method."));
    }
    let upper = method.to_ascii_uppercase();
    if FORBIDDEN_METHODS.contains(&upper.as_str()) {
        return Err(format!("'{method}' HTTP method is unsupported."));
    }
    if NORMALISED_METHODS.contains(&upper.as_str()) {
        Ok(upper)
    } else {
        Ok(method.to_owned())
    }
}

/// A header name must be a token and a value must not hold NUL, CR or LF
/// (Fetch standard, "header name" and "header value"); the message is
/// undici's.
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), String> {
    if !is_token(name) {
        return Err(format!(
            "Headers.append: \"{name}\" is an invalid header name."
        ));
    }
    if value.bytes().any(|b| matches!(b, b'\0' | b'\r' | b'\n')) {
        return Err(format!(
            "Headers.append: \"{value}\" is an invalid header value."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&str>) -> Outgoing {
        Outgoing::new(
            method,
            url,
            headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body.map(|b| b.as_bytes().to_vec()),
        )
        .unwrap()
    }

    #[test]
    fn methods_are_tokens_forbidden_ones_refused_and_six_upper_cased() {
        assert_eq!(normalise_method("get").as_deref(), Ok("GET"));
        assert_eq!(normalise_method("Delete").as_deref(), Ok("DELETE"));
        assert_eq!(normalise_method("patch").as_deref(), Ok("patch"));
        assert_eq!(normalise_method("PROPFIND").as_deref(), Ok("PROPFIND"));
        assert_eq!(
            normalise_method("connect"),
            Err("'connect' HTTP method is unsupported.".to_owned())
        );
        for forbidden in ["CONNECT", "TRACE", "track"] {
            assert!(normalise_method(forbidden).is_err(), "{forbidden}");
        }
        for bad in [
            "",
            "GET /evil HTTP/1.1\r\nX:",
            "G ET",
            "GET\n",
            "G\0T",
            "GÉT",
        ] {
            assert_eq!(
                normalise_method(bad),
                Err(format!("'{bad}' is not a valid HTTP method.")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn header_names_are_tokens_and_values_hold_no_cr_lf_or_nul() {
        assert_eq!(check_header("x-id", "a b\tc"), Ok(()));
        assert_eq!(
            check_header("x\r\ny", "v"),
            Err("Headers.append: \"x\r\ny\" is an invalid header name.".to_owned())
        );
        assert!(check_header("", "v").is_err());
        assert!(check_header("x y", "v").is_err());
        for bad in ["a\r\nx-injected: 1", "a\nb", "a\rb", "a\0b"] {
            assert_eq!(
                check_header("x", bad),
                Err(format!(
                    "Headers.append: \"{bad}\" is an invalid header value."
                )),
                "{bad:?}"
            );
        }
        let smuggled = Outgoing::new(
            "GET",
            "http://a/",
            vec![("x".to_owned(), "1\r\nhost: b".to_owned())],
            None,
        );
        assert!(smuggled.is_err());
        // The URL parser drops CR and LF, so a URL cannot end the request line.
        let url = Outgoing::new("GET", "http://a/x\r\nHost: b", vec![], None).unwrap();
        assert_eq!(url.url, "http://a/xHost:%20b");
        assert_eq!(
            Outgoing::new("GET", "not a url", vec![], None),
            Err("Failed to parse URL from not a url".to_owned())
        );
    }

    #[test]
    fn redirect_targets_resolve_against_the_request_url() {
        let get = request("GET", "http://a.test/x/y?q=1", &[], None);
        let location = |status, to: &str| {
            get.redirect_target(status, &[("Location".to_owned(), to.to_owned())])
                .map(|r| r.map(String::from))
        };
        assert_eq!(
            location(302, "../z"),
            Some(Ok("http://a.test/z".to_owned()))
        );
        assert_eq!(
            location(308, "https://b.test/"),
            Some(Ok("https://b.test/".to_owned()))
        );
        assert_eq!(location(200, "/z"), None);
        assert_eq!(location(304, "/z"), None);
        assert!(matches!(location(301, "file:///etc/passwd"), Some(Err(_))));
        assert_eq!(get.redirect_target(302, &[]), None);
    }

    #[test]
    fn redirects_change_method_and_body_as_the_fetch_standard_does() {
        let post = request(
            "POST",
            "http://a.test/",
            &[
                ("content-type", "application/json"),
                ("authorization", "Bearer t"),
                ("x-keep", "1"),
            ],
            Some("{}"),
        );
        let target = Url::parse("http://a.test/next").unwrap();
        for (status, method, body) in [
            (301, "GET", None),
            (302, "GET", None),
            (303, "GET", None),
            (307, "POST", Some(b"{}".to_vec())),
            (308, "POST", Some(b"{}".to_vec())),
        ] {
            let mut next = post.clone();
            next.redirect(status, target.clone());
            assert_eq!(
                (next.method.as_str(), &next.body),
                (method, &body),
                "{status}"
            );
            assert_eq!(next.url, "http://a.test/next");
            let names: Vec<&str> = next.headers.iter().map(|(n, _)| n.as_str()).collect();
            let expected: &[&str] = if body.is_some() {
                &["content-type", "authorization", "x-keep"]
            } else {
                &["authorization", "x-keep"]
            };
            assert_eq!(names, expected, "{status}");
        }
        // 303 turns any method but GET and HEAD into GET; 301 keeps PUT.
        let mut put = request("PUT", "http://a.test/", &[], Some("x"));
        let mut kept = put.clone();
        kept.redirect(301, target.clone());
        assert_eq!(kept.method, "PUT");
        put.redirect(303, target.clone());
        assert_eq!((put.method.as_str(), put.body), ("GET", None));
        let mut head = request("HEAD", "http://a.test/", &[], None);
        head.redirect(303, target);
        assert_eq!(head.method, "HEAD");
    }

    #[test]
    fn credentials_are_not_sent_to_another_origin() {
        let mut request = request(
            "GET",
            "http://a.test/",
            &[
                ("Authorization", "Bearer t"),
                ("cookie", "s=1"),
                ("x-keep", "1"),
            ],
            None,
        );
        request.redirect(302, Url::parse("http://a.test:8080/").unwrap());
        assert_eq!(request.headers, vec![("x-keep".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn redirect_modes() {
        assert_eq!(RedirectMode::parse(None), Some(RedirectMode::Follow));
        assert_eq!(
            RedirectMode::parse(Some("manual")),
            Some(RedirectMode::Manual)
        );
        assert_eq!(
            RedirectMode::parse(Some("error")),
            Some(RedirectMode::Error)
        );
        assert_eq!(RedirectMode::parse(Some("Follow")), None);
    }
}
