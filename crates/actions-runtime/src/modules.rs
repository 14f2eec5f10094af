//! Node's CommonJS resolution for `require()` from Action code: relative
//! files, packages in `node_modules` (walking up the folders), `package.json`
//! `exports` (conditions `require`, `node`, `default`) and `main`, `index.js`,
//! `.json`. Reads only inside the flow's and the Actions' folders and the
//! `node_modules` folders above them: `require` is not a way to read files,
//! nor to learn which files exist. A path is checked before the file system
//! is asked anything about it, and symbolic links are followed one at a time,
//! each checked before it is read through, so a refusal is the same whether
//! or not the file exists.

use std::path::{Component, Path, PathBuf};

use serde_json::Value;

/// Conditions a `require` matches in `exports`, in Node's order of preference
/// the map itself decides (first matching key wins).
const CONDITIONS: &[&str] = &["require", "node", "node-addons", "default"];
/// Extensions tried for a file without one, in Node's order.
const EXTENSIONS: &[&str] = &[".js", ".json", ".cjs", ".node"];
/// How many symbolic links one path may go through (Linux's `ELOOP` limit).
const MAX_LINKS: usize = 40;

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
    /// Only by the path's text: see [`locate`] for what it points to.
    fn allows(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| {
            path.starts_with(root)
                || root
                    .ancestors()
                    .any(|ancestor| path.starts_with(ancestor.join("node_modules")))
        })
    }

    /// A root or a folder above one: a real folder (the roots are
    /// canonical), with no link to follow.
    fn above_root(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| root.starts_with(path))
    }
}

/// What a path inside the roots names, its links followed.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    /// A regular file, at this real path.
    File(PathBuf),
    /// A folder.
    Directory,
    /// Nothing, or something `require` does not read (a FIFO, a device).
    Missing,
}

/// Looks `path` (absolute, without `.` or `..`) up one component at a time,
/// as the kernel would, but checks each symbolic link's target against the
/// roots before following it: the file system is asked only about paths
/// inside the roots (and the folders above them), so nothing outside can
/// change the answer. A link out of the roots is [`ResolveError::Forbidden`],
/// reported with `path`.
fn locate(path: &Path, roots: &ModuleRoots) -> Result<Entry, ResolveError> {
    let forbidden = || ResolveError::Forbidden(path.to_owned());
    let mut pending = path.to_owned();
    let mut links = 0;
    'walk: loop {
        if !roots.allows(&pending) {
            return Err(forbidden());
        }
        let components: Vec<Component> = pending.components().collect();
        let mut current = PathBuf::new();
        for (i, component) in components.iter().enumerate() {
            current.push(component);
            if roots.above_root(&current) {
                continue;
            }
            // Every prefix of an allowed path is allowed or above a root,
            // so this asks only about a path inside the roots.
            let Ok(metadata) = std::fs::symlink_metadata(&current) else {
                return Ok(Entry::Missing);
            };
            if metadata.file_type().is_symlink() {
                links += 1;
                if links > MAX_LINKS {
                    return Ok(Entry::Missing);
                }
                let Ok(target) = std::fs::read_link(&current) else {
                    return Ok(Entry::Missing);
                };
                let mut next = current.parent().unwrap_or(Path::new("/")).join(target);
                next.extend(&components[i + 1..]);
                pending = normalise_path(&next);
                continue 'walk;
            }
            let last = i + 1 == components.len();
            if metadata.is_dir() {
                if last {
                    return Ok(Entry::Directory);
                }
            } else if last && metadata.is_file() {
                return Ok(Entry::File(current));
            } else {
                return Ok(Entry::Missing);
            }
        }
        // A root or a folder above one.
        return Ok(Entry::Directory);
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
    // The glue hands over the folder of a resolved module (a real path) or
    // of an Action (as the flow file named it, perhaps through a link).
    let lexical = normalise_path(parent_dir);
    let parent_dir = if roots.allows(&lexical) {
        lexical
    } else {
        match parent_dir.canonicalize() {
            Ok(real) if roots.allows(&real) => real,
            _ => return Err(ResolveError::Forbidden(parent_dir.to_owned())),
        }
    };
    let parent_dir = parent_dir.as_path();
    let resolved = if request.starts_with("./")
        || request.starts_with("../")
        || request == "."
        || request == ".."
        || request.starts_with('/')
    {
        let base = normalise_path(&parent_dir.join(request));
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
    match locate(path, roots)? {
        Entry::File(real) => Ok(Some(Resolved { path: real })),
        Entry::Directory | Entry::Missing => Ok(None),
    }
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
    if let Some(main) = read_package(dir, roots)?
        .and_then(|p| p.get("main").and_then(Value::as_str).map(str::to_owned))
    {
        let target = normalise_path(&dir.join(&main));
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

fn read_package(dir: &Path, roots: &ModuleRoots) -> Result<Option<Value>, ResolveError> {
    let Some(found) = checked(&dir.join("package.json"), roots)? else {
        return Ok(None);
    };
    Ok(std::fs::read_to_string(found.path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok()))
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
        let dir = normalise_path(&ancestor.join("node_modules").join(&name));
        if locate(&dir, roots)? != Entry::Directory {
            continue;
        }
        let manifest = read_package(&dir, roots)?;
        if let Some(exports) = manifest.as_ref().and_then(|p| p.get("exports")) {
            let target =
                exports_target(exports, &subpath).ok_or_else(|| ResolveError::NotExported {
                    package: name.clone(),
                    subpath: subpath.clone(),
                })?;
            let path = normalise_path(&dir.join(target));
            return checked(&path, roots)?.ok_or(ResolveError::NotFound);
        }
        let base = normalise_path(&dir.join(&subpath));
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

/// `path` with `.` and `..` removed, without touching the file system: the
/// text `require` and the flow loader judge a path by.
pub fn normalise_path(path: &Path) -> PathBuf {
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
            (
                "app/node_modules/pkg/package.json",
                r#"{"main": "../../../secret.js"}"#,
            ),
        ]);
        for request in [
            "../secret",
            "../other/node_modules/x",
            "/etc/hostname",
            "pkg/../../../secret",
            "pkg",
        ] {
            assert!(
                matches!(
                    resolve_in(dir.path(), "app", request),
                    Err(ResolveError::Forbidden(_))
                ),
                "{request}"
            );
        }
    }

    #[test]
    fn a_refusal_does_not_depend_on_whether_the_file_exists() {
        let dir = tree(&[("app/a.js", ""), ("outside/secret.js", "")]);
        let roots = ModuleRoots::canonical(vec![dir.path().join("app").canonicalize().unwrap()]);
        let app = dir.path().join("app");
        let existing = resolve(&app, "../outside/secret.js", &roots);
        std::fs::remove_file(dir.path().join("outside/secret.js")).unwrap();
        let missing = resolve(&app, "../outside/secret.js", &roots);
        assert!(
            matches!(existing, Err(ResolveError::Forbidden(_))),
            "{existing:?}"
        );
        assert_eq!(existing, missing);
        for request in ["/etc/passwd", "/etc/no-such-file-here"] {
            assert_eq!(
                resolve(&app, request, &roots),
                Err(ResolveError::Forbidden(PathBuf::from(request)))
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_roots_are_refused_before_they_are_followed() {
        use std::os::unix::fs::symlink;
        let dir = tree(&[
            ("app/a.js", ""),
            ("app/lib/inner.js", ""),
            ("outside/secret.js", ""),
        ]);
        let app = dir.path().join("app");
        symlink(
            dir.path().join("outside/secret.js"),
            app.join("file-link.js"),
        )
        .unwrap();
        symlink(
            dir.path().join("outside/missing.js"),
            app.join("dangling-link.js"),
        )
        .unwrap();
        symlink("../outside", app.join("dir-link")).unwrap();
        symlink("lib/inner.js", app.join("inner-link.js")).unwrap();
        symlink("loop-b.js", app.join("loop-a.js")).unwrap();
        symlink("loop-a.js", app.join("loop-b.js")).unwrap();
        let refused = |request: &str| resolve_in(dir.path(), "app", request);
        // The same answer whether the target exists or not.
        let existing = refused("./file-link.js");
        let dangling = refused("./dangling-link.js");
        assert!(
            matches!(existing, Err(ResolveError::Forbidden(_))),
            "{existing:?}"
        );
        assert!(
            matches!(dangling, Err(ResolveError::Forbidden(_))),
            "{dangling:?}"
        );
        let through_dir = refused("./dir-link/secret.js");
        let through_dir_missing = refused("./dir-link/missing.js");
        assert!(matches!(through_dir, Err(ResolveError::Forbidden(_))));
        assert!(matches!(
            through_dir_missing,
            Err(ResolveError::Forbidden(_))
        ));
        // Links that stay inside work, and a loop is simply not found.
        assert_eq!(refused("./inner-link").unwrap(), "app/lib/inner.js");
        assert_eq!(refused("./loop-a.js"), Err(ResolveError::NotFound));
        // An Action folder reached through a link is still its root.
        let linked_root = dir.path().join("linked-app");
        symlink(&app, &linked_root).unwrap();
        let roots = ModuleRoots::canonical(vec![app.canonicalize().unwrap()]);
        assert!(resolve(&linked_root, "./a", &roots).is_ok());
        assert!(matches!(
            resolve(&linked_root, "../outside/secret", &roots),
            Err(ResolveError::Forbidden(_))
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
