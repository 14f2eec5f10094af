//! Reads a flow file and everything it names, and checks it, before anything
//! runs: a bad flow fails here with nothing executed (flow-file.md §5).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use actions_core::{MfaSettings, Tenant};
use actions_runtime::ActionSource;
use serde_json::Value;

use crate::event::base_event;
use crate::flow_file::{
    parse_rfc3339, ActionSpec, FlowFile, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS,
};
use crate::input::{self, ACTION_FILE_LIMIT, FLOW_FILE_LIMIT};
use crate::tenant::{secret_values, TenantExport};
use crate::Error;

/// Settings from the command line: limits that override the flow file's,
/// and a tenant export whose post-login Actions replace the flow's own.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--timeout-ms`.
    pub timeout_ms: Option<u64>,
    /// `--memory-mb`.
    pub memory_mb: Option<usize>,
    /// `--tenant DIR`.
    pub tenant: Option<std::sync::Arc<TenantExport>>,
    /// `ACTIONS_SECRET_<NAME>` values for the tenant's Actions.
    pub env_secrets: BTreeMap<String, String>,
    /// `--allow-net`: which requests no fixture answers may reach the network.
    pub net: actions_runtime::NetAccess,
}

/// A flow file with its Actions read and its defaults resolved.
#[derive(Debug, Clone)]
pub struct LoadedFlow {
    /// The flow file's path.
    pub path: PathBuf,
    /// The report's `flow` label.
    pub name: String,
    /// The parsed file.
    pub file: FlowFile,
    /// The Actions in flow order: name and secrets (from the flow file, or
    /// from the tenant export and the flow file).
    pub actions: Vec<ActionSpec>,
    /// The Actions' code, in flow order.
    pub sources: Vec<ActionSource>,
    /// Things worth telling the user that do not stop the flow.
    pub warnings: Vec<String>,
    /// The tenant.
    pub tenant: Tenant,
    /// The event before any Action ran.
    pub base_event: Value,
    /// The login's start (ms since the epoch) when `clock` is set.
    pub clock_ms: Option<i64>,
    /// The seed for `Math.random`.
    pub seed: u64,
    /// The execution time limit for the whole flow.
    pub timeout_ms: u64,
    /// The JS heap cap.
    pub memory_mb: usize,
    /// The `http` fixtures, checked.
    pub http: Vec<actions_runtime::HttpFixture>,
    /// Whether requests no fixture answers may reach the network.
    pub net: actions_runtime::NetAccess,
}

/// The seed used when the flow file sets none (flow-file.md §1: "a fixed default").
pub const DEFAULT_SEED: u64 = 0;

impl LoadedFlow {
    /// Reads and checks the flow file at `path` and its Action files.
    pub fn load(path: &Path, overrides: Overrides) -> Result<LoadedFlow, Error> {
        let text = input::read_text(path, FLOW_FILE_LIMIT).map_err(|source| Error::ReadFlow {
            path: path.to_owned(),
            source,
        })?;
        Self::from_text(path, &text, overrides)
    }

    /// Like [`LoadedFlow::load`], with the flow file's text already read.
    pub fn from_text(path: &Path, text: &str, overrides: Overrides) -> Result<LoadedFlow, Error> {
        let file = FlowFile::parse(text).map_err(|e| Error::FlowSyntax {
            path: path.to_owned(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let field = |field: &str, message: String| Error::Field {
            path: path.to_owned(),
            field: field.to_owned(),
            message,
        };

        let mut warnings = Vec::new();
        let (actions, sources) = match &overrides.tenant {
            None => local_actions(path, &file)?,
            Some(tenant) => {
                tenant_actions(path, &file, tenant, &overrides.env_secrets, &mut warnings)?
            }
        };

        let clock_ms = match &file.clock {
            None => None,
            Some(text) => Some(parse_rfc3339(text).ok_or_else(|| {
                field(
                    "clock",
                    format!("`{text}` is not an RFC 3339 timestamp such as `2026-01-01T00:00:00Z`"),
                )
            })?),
        };
        let start_ms = clock_ms.unwrap_or_else(now_ms);
        let base_event = base_event(&file.tenant.name, file.event.as_ref(), start_ms)
            .map_err(|m| field("event", m))?;

        let timeout_ms = overrides
            .timeout_ms
            .or(file.limits.timeout_ms)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let memory_mb = overrides
            .memory_mb
            .or(file.limits.memory_mb)
            .unwrap_or(DEFAULT_MEMORY_MB);
        if timeout_ms == 0 {
            return Err(field("limits.timeout_ms", "must be at least 1".to_owned()));
        }
        if memory_mb < 8 {
            return Err(field(
                "limits.memory_mb",
                "must be at least 8 (MiB)".to_owned(),
            ));
        }

        let mut http = Vec::with_capacity(file.http.len());
        for (i, spec) in file.http.iter().enumerate() {
            let body = match (&spec.json, &spec.text) {
                (Some(_), Some(_)) => {
                    return Err(field(
                        &format!("http[{i}]"),
                        "give one body: `json` or `text`, not both".to_owned(),
                    ))
                }
                (Some(json), None) => actions_runtime::FixtureBody::Json(json.clone()),
                (None, Some(text)) => actions_runtime::FixtureBody::Text(text.clone()),
                (None, None) => actions_runtime::FixtureBody::Empty,
            };
            if !(100..=599).contains(&spec.status) {
                return Err(field(
                    &format!("http[{i}].status"),
                    format!("{} is not an HTTP status", spec.status),
                ));
            }
            http.push(actions_runtime::HttpFixture {
                method: spec.method.clone(),
                url: spec.url.clone(),
                status: spec.status,
                headers: spec
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                body,
                delay_ms: spec.delay_ms,
            });
        }

        let tenant = Tenant {
            name: file.tenant.name.clone(),
            mfa: MfaSettings {
                customize_with_actions: file.tenant.mfa.customize_with_actions,
                factors: file.tenant.mfa.factors.clone(),
                enroll_challenge_scope: file.tenant.mfa.enroll_challenge_scope.into(),
            },
        };
        let name = file.name.clone().unwrap_or_else(|| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        });
        Ok(LoadedFlow {
            path: path.to_owned(),
            name,
            actions,
            warnings,
            seed: file.seed.unwrap_or(DEFAULT_SEED),
            file,
            sources,
            tenant,
            base_event,
            clock_ms,
            timeout_ms,
            memory_mb,
            http,
            net: overrides.net.clone(),
        })
    }
}

/// The flow's own Actions: each with exactly one of `file` or `code`.
fn local_actions(
    path: &Path,
    file: &FlowFile,
) -> Result<(Vec<ActionSpec>, Vec<ActionSource>), Error> {
    let field = |field: &str, message: String| Error::Field {
        path: path.to_owned(),
        field: field.to_owned(),
        message,
    };
    if file.actions.is_empty() {
        return Err(field(
            "actions",
            "a flow needs at least one Action".to_owned(),
        ));
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut names = BTreeSet::new();
    let mut sources = Vec::with_capacity(file.actions.len());
    for (i, action) in file.actions.iter().enumerate() {
        if !names.insert(action.name.as_str()) {
            return Err(field(
                &format!("actions[{i}].name"),
                format!("`{}` names two Actions; names must be unique", action.name),
            ));
        }
        sources.push(read_action(path, dir, i, action)?);
    }
    Ok((file.actions.clone(), sources))
}

/// A tenant export's post-login Actions, in binding order; the flow file's
/// `actions[]` entries may only give them secrets, by name.
fn tenant_actions(
    path: &Path,
    file: &FlowFile,
    tenant: &TenantExport,
    env: &BTreeMap<String, String>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<ActionSpec>, Vec<ActionSource>), Error> {
    let field = |field: String, message: String| Error::Field {
        path: path.to_owned(),
        field,
        message,
    };
    for (i, spec) in file.actions.iter().enumerate() {
        if spec.file.is_some() || spec.code.is_some() {
            return Err(field(
                format!("actions[{i}]"),
                "with --tenant the Actions come from the export; an entry may only give `name` and `secrets`".to_owned(),
            ));
        }
        if !tenant.actions.iter().any(|a| a.name == spec.name) {
            return Err(field(
                format!("actions[{i}].name"),
                format!(
                    "the tenant export has no post-login Action named `{}`",
                    spec.name
                ),
            ));
        }
    }
    if tenant.actions.is_empty() {
        return Err(field(
            "actions".to_owned(),
            format!(
                "the tenant export `{}` binds no Action to post-login",
                tenant.root.display()
            ),
        ));
    }
    warnings.extend(tenant.warnings.iter().cloned());
    let mut specs = Vec::new();
    let mut sources = Vec::new();
    for action in &tenant.actions {
        let from_flow = file
            .actions
            .iter()
            .find(|a| a.name == action.name)
            .map(|a| &a.secrets);
        let (secrets, missing) = secret_values(action, from_flow, env);
        for name in missing {
            warnings.push(format!(
                "Action `{}` declares secret `{name}`, but neither the flow file nor ACTIONS_SECRET_{name} gives it a value",
                action.name
            ));
        }
        let code = input::read_text(&action.file, ACTION_FILE_LIMIT).map_err(|source| {
            Error::ReadAction {
                path: path.to_owned(),
                field: format!("tenant Action `{}`", action.name),
                file: action.file.clone(),
                source,
            }
        })?;
        let display = action
            .file
            .strip_prefix(&tenant.root)
            .unwrap_or(&action.file)
            .display()
            .to_string();
        let dir = absolute(action.file.parent().unwrap_or(&tenant.root));
        sources.push(ActionSource {
            file: display,
            code,
            dir,
        });
        specs.push(ActionSpec {
            name: action.name.clone(),
            file: None,
            code: None,
            secrets,
        });
    }
    Ok((specs, sources))
}

fn read_action(
    path: &Path,
    dir: &Path,
    i: usize,
    action: &ActionSpec,
) -> Result<ActionSource, Error> {
    match (&action.file, &action.code) {
        (Some(file), None) => {
            let resolved = dir.join(file);
            // `require` reads the Action's folder: an Action file from
            // anywhere would let a flow file widen that to anywhere.
            if !input::inside(dir, &resolved) {
                return Err(Error::Field {
                    path: path.to_owned(),
                    field: format!("actions[{i}].file"),
                    message: format!(
                        "`{file}` lies outside the flow file's folder; an Action file must be inside it"
                    ),
                });
            }
            let code = input::read_text(&resolved, ACTION_FILE_LIMIT).map_err(|source| {
                Error::ReadAction {
                    path: path.to_owned(),
                    field: format!("actions[{i}].file"),
                    file: resolved.clone(),
                    source,
                }
            })?;
            Ok(ActionSource {
                file: file.trim_start_matches("./").to_owned(),
                code,
                dir: absolute(resolved.parent().unwrap_or(dir)),
            })
        }
        (None, Some(code)) => Ok(ActionSource {
            file: format!("inline:{}", action.name),
            code: code.clone(),
            dir: absolute(dir),
        }),
        _ => Err(Error::Field {
            path: path.to_owned(),
            field: format!("actions[{i}]"),
            message: format!(
                "Action `{}` needs exactly one of `file` or `code`",
                action.name
            ),
        }),
    }
}

/// `path` made absolute (against the current folder; the empty path is the
/// current folder), for `require`.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
