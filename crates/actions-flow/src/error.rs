//! Bad input: everything that stops a flow from running at all (flow-file.md
//! §5, exit code 2). Each variant names the file and the line and column or
//! the field.

use std::path::PathBuf;

/// Why a flow could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The flow file could not be read.
    #[error("cannot read flow file `{path}`: {source}")]
    ReadFlow {
        /// The flow file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The flow file is not valid JSON or not a valid flow.
    #[error("{path}:{line}:{column}: {message}")]
    FlowSyntax {
        /// The flow file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A field has a value the flow cannot use.
    #[error("{path}: {field}: {message}")]
    Field {
        /// The flow file.
        path: PathBuf,
        /// The field, e.g. `actions[1].file`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An Action's file could not be read.
    #[error("{path}: {field}: cannot read `{file}`: {source}")]
    ReadAction {
        /// The flow file.
        path: PathBuf,
        /// `actions[i].file`.
        field: String,
        /// The Action file as resolved.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An Action does not parse or has no handler.
    #[error("{path}: {source}")]
    Action {
        /// The flow file.
        path: PathBuf,
        /// The Action's file, line and column, and what is wrong.
        source: actions_runtime::LoadError,
    },
    /// The flow's responses do not fit the prompts the Actions produced.
    #[error("{path}: {source}")]
    Responses {
        /// The flow file.
        path: PathBuf,
        /// What did not fit.
        source: actions_core::InputError,
    },
    /// The JS engine failed.
    #[error("{0}")]
    Engine(#[from] actions_runtime::HostError),
}
