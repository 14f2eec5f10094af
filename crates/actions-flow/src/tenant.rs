//! Reads the post-login Actions of a tenant exported by Auth0's Deploy CLI
//! (`a0deploy export`), in its directory or YAML format, so users test exactly
//! what they deploy. Secrets are never in an export: they come from the flow
//! file or from `ACTIONS_SECRET_<NAME>` environment variables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::input::{self, FLOW_FILE_LIMIT};

/// One Action bound to post-login, in execution order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantAction {
    /// The Action's `name`.
    pub name: String,
    /// Its `code.js`.
    pub file: PathBuf,
    /// The secret names the export declares (values are never exported).
    pub secrets: Vec<String>,
}

/// A tenant export's post-login chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantExport {
    /// The export's root folder.
    pub root: PathBuf,
    /// The post-login Actions in binding order.
    pub actions: Vec<TenantAction>,
    /// Bindings that name an Action the export does not contain (marketplace
    /// Actions are not exported): skipped, with this warning.
    pub warnings: Vec<String>,
}

/// Why an export could not be read.
#[derive(Debug, thiserror::Error)]
#[error("tenant export `{root}`: {message}")]
pub struct TenantError {
    root: PathBuf,
    message: String,
}

#[derive(Debug, Deserialize)]
struct ActionMeta {
    name: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    secrets: SecretsMeta,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum SecretsMeta {
    #[default]
    None,
    List(Vec<SecretMeta>),
    /// A keyword-replacement marker such as `"@@SECRETS@@"`.
    Marker(String),
}

#[derive(Debug, Deserialize)]
struct SecretMeta {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Binding {
    action_name: String,
}

#[derive(Debug, Deserialize)]
struct TenantYaml {
    #[serde(default)]
    actions: Vec<ActionMeta>,
    #[serde(default)]
    triggers: BTreeMap<String, Vec<Binding>>,
}

impl TenantExport {
    /// Reads `root`: a directory export (`actions/*.json`,
    /// `triggers/*.json`) or a folder holding `tenant.yaml` (or the YAML file
    /// itself).
    pub fn read(root: &Path) -> Result<TenantExport, TenantError> {
        let fail = |message: String| TenantError {
            root: root.to_owned(),
            message,
        };
        let yaml = if root.is_file() {
            Some(root.to_owned())
        } else {
            ["tenant.yaml", "tenant.yml"]
                .iter()
                .map(|n| root.join(n))
                .find(|p| p.is_file())
        };
        let (base, metas, bindings) = match yaml {
            Some(file) => {
                let text = input::read_text(&file, FLOW_FILE_LIMIT)
                    .map_err(|e| fail(format!("cannot read `{}`: {e}", file.display())))?;
                let tenant: TenantYaml = serde_yaml::from_str(&text)
                    .map_err(|e| fail(format!("`{}`: {e}", file.display())))?;
                let base = file.parent().unwrap_or(Path::new(".")).to_owned();
                let bindings: Option<Vec<String>> = tenant
                    .triggers
                    .get("post-login")
                    .map(|b| b.iter().map(|b| b.action_name.clone()).collect());
                (base, tenant.actions, bindings.unwrap_or_default())
            }
            None => {
                let metas = read_json_dir::<ActionMeta>(&root.join("actions")).map_err(fail)?;
                let triggers =
                    read_json_dir::<BTreeMap<String, Vec<Binding>>>(&root.join("triggers"))
                        .map_err(fail)?;
                // The Deploy CLI reads the first triggers file.
                let bindings = triggers
                    .into_iter()
                    .next()
                    .and_then(|mut t| t.remove("post-login"))
                    .map(|b| b.into_iter().map(|b| b.action_name).collect())
                    .unwrap_or_default();
                (root.to_owned(), metas, bindings)
            }
        };
        let mut actions = Vec::new();
        let mut warnings = Vec::new();
        for name in bindings {
            let Some(meta) = metas.iter().find(|m| m.name == name) else {
                warnings.push(format!(
                    "post-login binding `{name}` names an Action the export does not contain (marketplace Actions are not exported); skipped"
                ));
                continue;
            };
            let file = code_path(&base, meta);
            // `require` reads the Action's folder, so its code must come
            // from inside the export, as `file` must in a flow file.
            let outside = |code: &dyn std::fmt::Display| {
                fail(format!(
                    "Action `{name}`: its `code` `{code}` lies outside the export folder `{}`",
                    base.display()
                ))
            };
            if !input::inside(&base, &file) {
                return Err(outside(&file.display()));
            }
            if !file.is_file() {
                // Nothing to read; when `code` leads outside, that is why.
                if !input::inside(&base, &base.join(&meta.code)) {
                    return Err(outside(&meta.code));
                }
                return Err(fail(format!(
                    "Action `{name}`: its code `{}` does not exist",
                    file.display()
                )));
            }
            let secrets = match &meta.secrets {
                SecretsMeta::List(list) => list.iter().map(|s| s.name.clone()).collect(),
                SecretsMeta::None => Vec::new(),
                SecretsMeta::Marker(marker) => {
                    warnings.push(format!(
                        "Action `{name}`: its secrets are the keyword-replacement marker `{marker}`; give their values in the flow file"
                    ));
                    Vec::new()
                }
            };
            actions.push(TenantAction {
                name: meta.name.clone(),
                file,
                secrets,
            });
        }
        Ok(TenantExport {
            root: root.to_owned(),
            actions,
            warnings,
        })
    }
}

/// The Action's `code.js`: the `code` path resolved against the export root,
/// falling back to `actions/<safe-name>/code.js` for exports made before
/// Deploy CLI 8.4.2, which wrote the output folder into the path. A `code`
/// path that leads out of the export is not even looked at.
fn code_path(base: &Path, meta: &ActionMeta) -> PathBuf {
    let written = base.join(meta.code.replace('\\', "/"));
    if !meta.code.is_empty() && input::inside(base, &written) && written.is_file() {
        return written;
    }
    base.join("actions")
        .join(sanitize(&meta.name))
        .join("code.js")
}

/// The Deploy CLI's `sanitize-filename`: characters illegal in file names become `-`.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | '?' | '<' | '>' | ':' | '*' | '|' | '"') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect()
}

fn read_json_dir<T: serde::de::DeserializeOwned>(dir: &Path) -> Result<Vec<T>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json") && p.is_file())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = input::read_text(file, FLOW_FILE_LIMIT)
                .map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
            serde_json::from_str::<T>(&text).map_err(|e| format!("`{}`: {e}", file.display()))
        })
        .collect()
}

/// Secret values for a tenant Action: the flow file's first, then
/// `ACTIONS_SECRET_<NAME>` from `env`.
pub(crate) fn secret_values(
    action: &TenantAction,
    from_flow: Option<&BTreeMap<String, String>>,
    env: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    let mut values = from_flow.cloned().unwrap_or_default();
    let mut missing = Vec::new();
    for name in &action.secrets {
        if values.contains_key(name) {
            continue;
        }
        match env.get(&format!("ACTIONS_SECRET_{name}")) {
            Some(value) => {
                values.insert(name.clone(), value.clone());
            }
            None => missing.push(name.clone()),
        }
    }
    (values, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory export binding one Action whose `code` is `code`.
    fn export(code: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("export");
        std::fs::create_dir_all(root.join("actions/A")).unwrap();
        std::fs::create_dir_all(root.join("triggers")).unwrap();
        std::fs::write(
            root.join("actions/A.json"),
            serde_json::json!({"name": "A", "code": code}).to_string(),
        )
        .unwrap();
        std::fs::write(
            root.join("triggers/triggers.json"),
            r#"{"post-login": [{"action_name": "A"}]}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("outside.js"), "").unwrap();
        dir
    }

    #[test]
    fn action_code_must_lie_inside_the_export() {
        let dir = export("./actions/A/code.js");
        std::fs::write(dir.path().join("export/actions/A/code.js"), "").unwrap();
        let read = TenantExport::read(&dir.path().join("export")).unwrap();
        assert!(read.actions[0].file.ends_with("actions/A/code.js"));

        // Outside, and nothing at the fallback `actions/A/code.js`.
        let dir = export("../outside.js");
        let error = TenantExport::read(&dir.path().join("export")).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("its `code` `../outside.js` lies outside the export folder"),
            "{error}"
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                dir.path().join("outside.js"),
                dir.path().join("export/actions/A/code.js"),
            )
            .unwrap();
            let error = TenantExport::read(&dir.path().join("export")).unwrap_err();
            assert!(
                error.to_string().contains("lies outside the export folder"),
                "{error}"
            );
        }
    }

    #[test]
    fn sanitize_matches_the_deploy_cli() {
        assert_eq!(sanitize("Add Roles/Claims"), "Add Roles-Claims");
        assert_eq!(sanitize("a:b*c"), "a-b-c");
    }
}
