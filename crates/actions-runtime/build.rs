//! Embeds the JS of Deno's extension crates in the binary.
//!
//! deno_core 0.413 records the JS files of an `extension!` as paths into the
//! crate's source folder and reads them at every `JsRuntime::new` (its
//! snapshot mode is the only mode), so a binary built here would only start
//! on the machine that built it, next to Cargo's registry. This finds each
//! crate's source folder the way Cargo laid it out and writes
//! `deno_js.rs`: `(crate folder/file, include_str!(path))` for each file;
//! `web.rs` swaps the paths for the embedded text.

use std::path::{Path, PathBuf};
use std::{env, fs};

/// The crates and versions `Cargo.toml` pins.
const CRATES: &[&str] = &[
    "deno_webidl-0.260.0",
    "deno_web-0.291.0",
    "deno_crypto-0.274.0",
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let mut out = String::from("pub(crate) static DENO_JS: &[(&str, &str)] = &[\n");
    for name in CRATES {
        let dir = crate_dir(&cargo_home, name).unwrap_or_else(|| {
            panic!(
                "cannot find the source of {name} under {}/registry/src (run `cargo fetch`)",
                cargo_home.display()
            )
        });
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("a crate's source folder is readable")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
            .collect();
        files.sort();
        for path in files {
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .expect("UTF-8 names");
            out += &format!(
                "    ({:?}, include_str!({:?})),\n",
                format!("{name}/{file}"),
                path
            );
        }
    }
    out += "];\n";
    let dest =
        PathBuf::from(env::var_os("OUT_DIR").expect("Cargo sets OUT_DIR")).join("deno_js.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// `$CARGO_HOME/registry/src/<index>/<name>`: the first index folder that
/// has the crate (there is one per registry the machine has used).
fn crate_dir(cargo_home: &Path, name: &str) -> Option<PathBuf> {
    let mut indexes: Vec<PathBuf> = fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .collect();
    indexes.sort();
    indexes
        .into_iter()
        .map(|index| index.join(name))
        .find(|dir| dir.is_dir())
}
