//! The web platform of Node 22 (`Blob`, `FormData`, streams, `URL`,
//! `structuredClone`, `crypto.subtle`, ...) from Deno's own extension crates:
//! deno_webidl, deno_web and deno_crypto, plus deno_fetch's `Headers`,
//! `FormData`, `Request` and `Response` (its JS only, in
//! `third_party/deno_fetch/`; `fetch` itself is ours, answered by fixtures).
//!
//! Every file is lazily loaded: nothing of it runs until an Action reads one
//! of the globals `js-runtime/05_web.js` installs (docs/npm-compat.md).

use std::borrow::Cow;
use std::sync::Arc;

use deno_core::{Extension, ExtensionFileSource};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/deno_js.rs"));
}

/// deno_fetch's classes.
const FETCH_JS: &[ExtensionFileSource] = embedded![
    "ext:deno_fetch/" from "../../../third_party/deno_fetch/":
    "20_headers.js",
    "21_formdata.js",
    "22_body.js",
    "23_request.js",
    "23_response.js",
];

/// A stand-in for the file of `Deno.createHttpClient`'s class, which would
/// bring deno_fetch's HTTP client and deno_net: no client can be made here,
/// so no value is ever one.
const HTTP_CLIENT_JS: ExtensionFileSource = ExtensionFileSource::new(
    "ext:deno_fetch/22_http_client.js",
    deno_core::ascii_str!(
        "(function () { return { HttpClientPrototype: { __proto__: null } }; })();"
    ),
);

deno_core::extension!(
    actions_web,
    deps = [deno_webidl, deno_web, deno_crypto],
    customizer = |ext: &mut Extension| {
        ext.lazy_loaded_js_files = FETCH_JS.iter().cloned().chain([HTTP_CLIENT_JS]).collect();
    },
);

/// The extensions, in the order they depend on each other, before the
/// project's own.
pub(crate) fn extensions() -> Vec<Extension> {
    vec![
        embed(deno_webidl::deno_webidl::init()),
        embed(deno_web::deno_web::init(
            Arc::new(deno_web::BlobStore::default()),
            None,
            false,
            deno_web::InMemoryBroadcastChannel::default(),
        )),
        // Unseeded: `crypto.getRandomValues` and `randomUUID` are the glue's
        // seeded ones (03_determinism.js); key generation draws from the
        // system, as Node's does.
        embed(deno_crypto::deno_crypto::init(None)),
        actions_web::init(),
    ]
}

/// Where Deno's messages differ from Node 22's, Node's, put in the text of
/// the file as it is embedded: (file, Deno's code, Node's, how many times).
/// deno_fetch's files carry theirs in place (third_party/deno_fetch), each
/// marked `// actions:`. Messages raised in the crates' Rust are listed in
/// tests/node.rs as known differences.
const NODE_MESSAGES: &[(&str, &str, &str, usize)] = &[
    (
        "deno_web-0.291.0/00_url.js",
        "throw new TypeError(\n      `Invalid URL: '${href}'` +\n        (maybeBase ? ` with base '${maybeBase}'` : \"\"),\n    );",
        "throw primordials.ObjectAssign(new TypeError(\"Invalid URL\"), maybeBase ? { code: \"ERR_INVALID_URL\", input: href, base: maybeBase } : { code: \"ERR_INVALID_URL\", input: href });",
        1,
    ),
    (
        "deno_web-0.291.0/03_abort_signal.js",
        "\"The signal has been aborted\"",
        "\"This operation was aborted\"",
        1,
    ),
    (
        "deno_web-0.291.0/05_base64.js",
        "if (ObjectPrototypeIsPrototypeOf(TypeErrorPrototype, e)) {\n      throw new DOMException(\n        \"Failed to decode base64: invalid character\",",
        // The op raises the DOMException itself when a character is bad.
        "if (e !== null && typeof e === \"object\") {\n      throw new DOMException(\n        primordials.RegExpPrototypeExec(/[^A-Za-z0-9+/=\\t\\n\\f\\r ]/, data) !== null ? \"Invalid character\" : \"The string to be decoded is not correctly encoded.\",",
        1,
    ),
    (
        "deno_web-0.291.0/06_streams.js",
        "new TypeError(\"ReadableStream is locked\")",
        "new TypeError(\"Invalid state: ReadableStream is locked\")",
        2,
    ),
];

/// Swaps each JS file an extension names by its path for the text
/// build.rs embedded, with Node's messages.
fn embed(mut ext: Extension) -> Extension {
    let swap =
        |files: &Cow<'static, [ExtensionFileSource]>| -> Cow<'static, [ExtensionFileSource]> {
            files
                .iter()
                .map(|file| match embedded_text(file) {
                    Some((key, code)) => ExtensionFileSource::new_computed(
                        file.specifier,
                        with_node_messages(key, code).into(),
                    ),
                    None => file.clone(),
                })
                .collect::<Vec<_>>()
                .into()
        };
    ext.js_files = swap(&ext.js_files);
    ext.esm_files = swap(&ext.esm_files);
    ext.lazy_loaded_esm_files = swap(&ext.lazy_loaded_esm_files);
    ext.lazy_loaded_js_files = swap(&ext.lazy_loaded_js_files);
    ext
}

/// `code` with [`NODE_MESSAGES`] put in.
fn with_node_messages(key: &str, code: &str) -> String {
    let mut code = code.to_owned();
    for (file, deno, node, count) in NODE_MESSAGES.iter().filter(|m| m.0 == key) {
        // The test below checks the counts; a new deno_web may move code.
        debug_assert_eq!(code.matches(deno).count(), *count, "{file}: {deno}");
        code = code.replace(deno, node);
    }
    code
}

/// The embedded text of a file named by its path, and its crate folder and
/// file name (`deno_web-0.291.0/00_url.js`), which it is matched on.
fn embedded_text(file: &ExtensionFileSource) -> Option<(&'static str, &'static str)> {
    #[allow(deprecated)] // the variant deno_core itself still produces
    let deno_core::ExtensionFileSourceCode::LoadedFromFsDuringSnapshot(path) = &file.code
    else {
        return None;
    };
    let mut parts = path.rsplit('/');
    let (file_name, crate_dir) = (parts.next()?, parts.next()?);
    let key = format!("{crate_dir}/{file_name}");
    let found = embedded::DENO_JS
        .iter()
        .find(|(name, _)| *name == key)
        .copied();
    Some(found.unwrap_or_else(|| panic!("{path} was not embedded by build.rs")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_node_message_replaces_what_it_names() {
        for (file, deno, _, count) in super::NODE_MESSAGES {
            let (_, code) = super::embedded::DENO_JS
                .iter()
                .find(|(name, _)| name == file)
                .unwrap_or_else(|| panic!("{file} is not embedded"));
            assert_eq!(code.matches(deno).count(), *count, "{file}: {deno}");
        }
    }

    #[test]
    fn every_deno_file_is_embedded() {
        for ext in super::extensions() {
            for file in ext
                .js_files
                .iter()
                .chain(ext.esm_files.iter())
                .chain(ext.lazy_loaded_js_files.iter())
                .chain(ext.lazy_loaded_esm_files.iter())
            {
                assert!(
                    file.is_runtime_loadable(),
                    "{}: {:?}",
                    file.specifier,
                    file.code
                );
            }
        }
    }
}
