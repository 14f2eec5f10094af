//! WHATWG URL parsing and setters for the `URL` global, through the `url`
//! crate's `quirks` API (the URL Standard's own getters and setters).

use deno_core::{op2, OpState};
use url::{quirks, Url};

/// Parses `url` (against `base`), optionally applies one setter (`part` =
/// `protocol`, `username`, `password`, `host`, `hostname`, `port`,
/// `pathname`, `search`, `hash`) and answers every component as JSON, or
/// `""` when the URL does not parse.
#[op2]
#[string]
pub(crate) fn op_url_parse(
    _state: &mut OpState,
    #[string] url: String,
    #[string] base: Option<String>,
    #[string] part: Option<String>,
    #[string] value: Option<String>,
) -> String {
    let parsed = match base {
        Some(base) => Url::parse(&base).and_then(|base| base.join(&url)),
        None => Url::parse(&url),
    };
    let Ok(mut parsed) = parsed else {
        return String::new();
    };
    if let (Some(part), Some(value)) = (part, value) {
        let applied = match part.as_str() {
            "protocol" => quirks::set_protocol(&mut parsed, &value),
            "username" => quirks::set_username(&mut parsed, &value),
            "password" => quirks::set_password(&mut parsed, &value),
            "host" => quirks::set_host(&mut parsed, &value),
            "hostname" => quirks::set_hostname(&mut parsed, &value),
            "port" => quirks::set_port(&mut parsed, &value),
            "pathname" => {
                quirks::set_pathname(&mut parsed, &value);
                Ok(())
            }
            "search" => {
                quirks::set_search(&mut parsed, &value);
                Ok(())
            }
            "hash" => {
                quirks::set_hash(&mut parsed, &value);
                Ok(())
            }
            _ => Err(()),
        };
        if applied.is_err() {
            return String::new();
        }
    }
    serde_json::json!({
        "href": quirks::href(&parsed),
        "origin": quirks::origin(&parsed),
        "protocol": quirks::protocol(&parsed),
        "username": quirks::username(&parsed),
        "password": quirks::password(&parsed),
        "host": quirks::host(&parsed),
        "hostname": quirks::hostname(&parsed),
        "port": quirks::port(&parsed),
        "pathname": quirks::pathname(&parsed),
        "search": quirks::search(&parsed),
        "hash": quirks::hash(&parsed),
    })
    .to_string()
}
