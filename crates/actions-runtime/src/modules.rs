//! Node's CommonJS resolution for `require()` from Action code: relative
//! files, packages in `node_modules` (walking up the folders), `package.json`
//! `exports` (conditions `require`, `node`, `default`) and `main`, `index.js`,
//! `.json`. Reads only inside the flow's and the Actions' folders and the
//! `node_modules` folders above them: `require` is not a way to read files.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

/// Conditions a `require` matches in `exports`, in Node's order of preference
/// the map itself decides (first matching key wins).
const CONDITIONS: &[&str] = &["require", "node", "node-addons", "default"];
/// Extensions tried for a file without one, in Node's order.
const EXTENSIONS: &[&str] = &[".js", ".json", ".cjs", ".node"];

/// A resolved module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// Absolute path.
    pub(crate) path: PathBuf,
}

/// Where `require` may read from.
#[derive(Debug, Clone, Default)]
pub(crate) struct ModuleRoots {
    roots: Vec<PathBuf>,
}

impl ModuleRoots {
    /// From folders already in canonical form.
    pub(crate) fn canonical(mut roots: Vec<PathBuf>) -> Self {
        roots.sort();
        roots.dedup();
        ModuleRoots { roots }
    }

    /// Inside a root, or inside a `node_modules` folder of a root's ancestor.
    fn allows(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| {
            path.starts_with(root)
                || root
                    .ancestors()
                    .any(|ancestor| path.starts_with(ancestor.join("node_modules")))
        })
    }
}

/// Why `require` failed (Node's `MODULE_NOT_FOUND` and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResolveError {
    NotFound,
    /// A native addon (`.node`): Auth0 does not support them either.
    Native(PathBuf),
    /// `exports` does not export the requested subpath.
    NotExported {
        package: String,
        subpath: String,
    },
    /// Outside the folders `require` may read.
    Forbidden(PathBuf),
}

/// Resolves `request` from a module in `parent_dir`.
pub(crate) fn resolve(
    parent_dir: &Path,
    request: &str,
    roots: &ModuleRoots,
) -> Result<Resolved, ResolveError> {
    let resolved = if request.starts_with("./")
        || request.starts_with("../")
        || request == "."
        || request == ".."
        || request.starts_with('/')
    {
        let base = normalise(&parent_dir.join(request));
        file_or_directory(&base, roots)?
    } else {
        package(parent_dir, request, roots)?
    };
    if resolved.path.extension().is_some_and(|e| e == "node") {
        return Err(ResolveError::Native(resolved.path));
    }
    Ok(resolved)
}

fn file_or_directory(base: &Path, roots: &ModuleRoots) -> Result<Resolved, ResolveError> {
    if let Some(found) = as_file(base, roots)? {
        return Ok(found);
    }
    as_directory(base, roots)?.ok_or(ResolveError::NotFound)
}

fn checked(path: &Path, roots: &ModuleRoots) -> Result<Option<Resolved>, ResolveError> {
    if !path.is_file() {
        return Ok(None);
    }
    let real = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    if !roots.allows(&real) {
        return Err(ResolveError::Forbidden(path.to_owned()));
    }
    Ok(Some(Resolved { path: real }))
}

fn as_file(base: &Path, roots: &ModuleRoots) -> Result<Option<Resolved>, ResolveError> {
    if let Some(found) = checked(base, roots)? {
        return Ok(Some(found));
    }
    for ext in EXTENSIONS {
        let mut candidate = base.as_os_str().to_owned();
        candidate.push(ext);
        if let Some(found) = checked(Path::new(&candidate), roots)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn as_directory(dir: &Path, roots: &ModuleRoots) -> Result<Option<Resolved>, ResolveError> {
    if let Some(main) =
        read_package(dir).and_then(|p| p.get("main").and_then(Value::as_str).map(str::to_owned))
    {
        let target = normalise(&dir.join(&main));
        if let Some(found) = as_file(&target, roots)? {
            return Ok(Some(found));
        }
        if let Some(found) = as_index(&target, roots)? {
            return Ok(Some(found));
        }
    }
    as_index(dir, roots)
}

fn as_index(dir: &Path, roots: &ModuleRoots) -> Result<Option<Resolved>, ResolveError> {
    for ext in EXTENSIONS {
        if let Some(found) = checked(&dir.join(format!("index{ext}")), roots)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn read_package(dir: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// `lodash/fp` → (`lodash`, `./fp`); `@scope/pkg/x` → (`@scope/pkg`, `./x`).
fn split_package(request: &str) -> (String, String) {
    let mut parts = request.splitn(if request.starts_with('@') { 3 } else { 2 }, '/');
    let name = if request.starts_with('@') {
        format!(
            "{}/{}",
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default()
        )
    } else {
        parts.next().unwrap_or_default().to_owned()
    };
    let subpath = parts
        .next()
        .map_or_else(|| ".".to_owned(), |rest| format!("./{rest}"));
    (name, subpath)
}

fn package(
    parent_dir: &Path,
    request: &str,
    roots: &ModuleRoots,
) -> Result<Resolved, ResolveError> {
    let (name, subpath) = split_package(request);
    for ancestor in parent_dir.ancestors() {
        if ancestor.file_name().is_some_and(|n| n == "node_modules") {
            continue;
        }
        let dir = ancestor.join("node_modules").join(&name);
        if !dir.is_dir() {
            continue;
        }
        let manifest = read_package(&dir);
        if let Some(exports) = manifest.as_ref().and_then(|p| p.get("exports")) {
            let target =
                exports_target(exports, &subpath).ok_or_else(|| ResolveError::NotExported {
                    package: name.clone(),
                    subpath: subpath.clone(),
                })?;
            let path = normalise(&dir.join(target));
            return checked(&path, roots)?.ok_or(ResolveError::NotFound);
        }
        let base = normalise(&dir.join(&subpath));
        return file_or_directory(&base, roots);
    }
    Err(ResolveError::NotFound)
}

/// `exports` for a subpath: a string, a condition map, or a subpath map (with
/// `*` patterns).
fn exports_target(exports: &Value, subpath: &str) -> Option<String> {
    let is_subpath_map = exports
        .as_object()
        .is_some_and(|m| m.keys().next().is_some_and(|k| k.starts_with('.')));
    if !is_subpath_map {
        return if subpath == "." {
            conditional(exports)
        } else {
            None
        };
    }
    let map = exports.as_object()?;
    if let Some(entry) = map.get(subpath) {
        return conditional(entry);
    }
    // Longest matching `*` pattern.
    let mut best: Option<(&str, &Value, String)> = None;
    for (key, value) in map {
        let Some((prefix, suffix)) = key.split_once('*') else {
            continue;
        };
        if subpath.len() >= prefix.len() + suffix.len()
            && subpath.starts_with(prefix)
            && subpath.ends_with(suffix)
        {
            let matched = subpath[prefix.len()..subpath.len() - suffix.len()].to_owned();
            if best.as_ref().is_none_or(|(k, _, _)| key.len() > k.len()) {
                best = Some((key.as_str(), value, matched));
            }
        }
    }
    let (_, value, matched) = best?;
    conditional(value).map(|target| target.replace('*', &matched))
}

fn conditional(value: &Value) -> Option<String> {
    match value {
        Value::String(target) => Some(target.clone()),
        Value::Array(items) => items.iter().find_map(conditional),
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| CONDITIONS.contains(&k.as_str()))
            .and_then(|(_, v)| conditional(v)),
        _ => None,
    }
}

/// Removes `.` and `..` without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn resolve_in(dir: &Path, from: &str, request: &str) -> Result<String, ResolveError> {
        let roots = ModuleRoots::canonical(vec![dir.join("app").canonicalize().unwrap()]);
        let root = dir.canonicalize().unwrap();
        resolve(&dir.join(from), request, &roots)
            .map(|r| r.path.strip_prefix(&root).unwrap().display().to_string())
    }

    #[test]
    fn relative_files_extensions_and_index() {
        let dir = tree(&[
            ("app/a.js", ""),
            ("app/data.json", "{}"),
            ("app/lib/index.js", ""),
            ("app/pkg/package.json", r#"{"main": "main.js"}"#),
            ("app/pkg/main.js", ""),
        ]);
        assert_eq!(resolve_in(dir.path(), "app", "./a").unwrap(), "app/a.js");
        assert_eq!(
            resolve_in(dir.path(), "app", "./data.json").unwrap(),
            "app/data.json"
        );
        assert_eq!(
            resolve_in(dir.path(), "app", "./lib").unwrap(),
            "app/lib/index.js"
        );
        assert_eq!(
            resolve_in(dir.path(), "app/lib", "../pkg").unwrap(),
            "app/pkg/main.js"
        );
        assert_eq!(
            resolve_in(dir.path(), "app", "./missing"),
            Err(ResolveError::NotFound)
        );
    }

    #[test]
    fn packages_walk_up_node_modules_with_main_and_exports() {
        let dir = tree(&[
            (
                "node_modules/lodash/package.json",
                r#"{"main": "lodash.js"}"#,
            ),
            ("node_modules/lodash/lodash.js", ""),
            ("node_modules/lodash/fp.js", ""),
            (
                "app/node_modules/uuid/package.json",
                r#"{"exports": {".": {"node": {"import": "./esm/index.js", "require": "./cjs/index.js"}, "default": "./esm/index.js"}, "./package.json": "./package.json"}}"#,
            ),
            ("app/node_modules/uuid/cjs/index.js", ""),
            (
                "app/node_modules/@scope/x/package.json",
                r#"{"exports": {"./sub/*": "./lib/*.js"}}"#,
            ),
            ("app/node_modules/@scope/x/lib/deep.js", ""),
            ("app/src/action.js", ""),
        ]);
        assert_eq!(
            resolve_in(dir.path(), "app/src", "lodash").unwrap(),
            "node_modules/lodash/lodash.js"
        );
        assert_eq!(
            resolve_in(dir.path(), "app/src", "lodash/fp").unwrap(),
            "node_modules/lodash/fp.js"
        );
        assert_eq!(
            resolve_in(dir.path(), "app/src", "uuid").unwrap(),
            "app/node_modules/uuid/cjs/index.js"
        );
        assert_eq!(
            resolve_in(dir.path(), "app/src", "@scope/x/sub/deep").unwrap(),
            "app/node_modules/@scope/x/lib/deep.js"
        );
        assert!(matches!(
            resolve_in(dir.path(), "app/src", "uuid/internal"),
            Err(ResolveError::NotExported { .. })
        ));
        assert_eq!(
            resolve_in(dir.path(), "app/src", "nope"),
            Err(ResolveError::NotFound)
        );
    }

    #[test]
    fn require_cannot_read_outside_the_allowed_folders() {
        let dir = tree(&[
            ("app/a.js", ""),
            ("secret.js", ""),
            ("other/node_modules/x/index.js", ""),
        ]);
        assert!(matches!(
            resolve_in(dir.path(), "app", "../secret"),
            Err(ResolveError::Forbidden(_))
        ));
        assert!(matches!(
            resolve_in(dir.path(), "app", "../other/node_modules/x"),
            Err(ResolveError::Forbidden(_))
        ));
        assert!(matches!(
            resolve_in(dir.path(), "app", "/etc/hostname"),
            Err(ResolveError::Forbidden(_)) | Err(ResolveError::NotFound)
        ));
    }

    #[test]
    fn native_addons_are_refused() {
        let dir = tree(&[
            (
                "app/node_modules/bcrypt/package.json",
                r#"{"main": "binding.node"}"#,
            ),
            ("app/node_modules/bcrypt/binding.node", ""),
        ]);
        assert!(matches!(
            resolve_in(dir.path(), "app", "bcrypt"),
            Err(ResolveError::Native(_))
        ));
    }
}
