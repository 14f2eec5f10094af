//! `require()` support: resolves a request with Node's algorithm (see
//! `modules.rs`) and returns the module's source. Reads nothing outside the
//! flow's module roots.

use std::path::Path;

use deno_core::{op2, OpState};

use crate::modules::{resolve, ResolveError};
use crate::state::HostState;

/// A failed `require`, with Node's message and `code`; the JS side throws it.
struct ModuleError {
    message: String,
    code: String,
}

/// Resolves `request` from `parent_dir`; answers
/// `{"filename", "format", "source"}` or `{"error": {"message", "code"}}` as JSON.
#[op2]
#[string]
pub(crate) fn op_module_resolve(
    state: &mut OpState,
    #[string] parent_dir: &str,
    #[string] request: &str,
) -> String {
    match resolve_module(state, parent_dir, request) {
        Ok(found) => found,
        Err(error) => {
            serde_json::json!({ "error": { "message": error.message, "code": error.code } })
                .to_string()
        }
    }
}

fn resolve_module(
    state: &mut OpState,
    parent_dir: &str,
    request: &str,
) -> Result<String, ModuleError> {
    let roots = &state.borrow::<HostState>().module_roots;
    let not_found = |detail: String| ModuleError {
        message: format!("Cannot find module '{request}'{detail}"),
        code: "MODULE_NOT_FOUND".to_owned(),
    };
    let resolved = resolve(Path::new(parent_dir), request, roots).map_err(|error| match error {
        ResolveError::NotFound => not_found(String::new()),
        ResolveError::Native(path) => not_found(format!(
            ": `{}` is a native addon, and Auth0 Actions do not support native modules",
            path.display()
        )),
        ResolveError::Forbidden(path) => not_found(format!(
            ": `{}` leads outside the Action's folder and its node_modules",
            path.display()
        )),
        ResolveError::NotExported { package, subpath } => ModuleError {
            message: format!("Package subpath '{subpath}' is not defined by \"exports\" in the package.json of `{package}`"),
            code: "ERR_PACKAGE_PATH_NOT_EXPORTED".to_owned(),
        },
    })?;
    let source =
        std::fs::read_to_string(&resolved.path).map_err(|e| not_found(format!(": {e}")))?;
    let format = if resolved.path.extension().is_some_and(|e| e == "json") {
        "json"
    } else {
        "js"
    };
    Ok(serde_json::json!({
        "filename": resolved.path.display().to_string(),
        "format": format,
        "source": source,
    })
    .to_string())
}
