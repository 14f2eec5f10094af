//! The flow orchestrator of `actions`: reads a flow file (flow-file.md §1),
//! runs its Auth0 post-login Actions in order on an `actions-runtime` host,
//! pauses for MFA and answers the prompts as the flow's simulated user, and
//! produces the run report (§2). Also matches `expect` blocks (§4).
//!
//! It prints nothing; the CLI renders the [`Report`].

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod error;
mod event;
pub mod expect;
mod flow_file;
mod input;
mod load;
pub mod process;
mod report;
mod run;
mod services;
pub mod suite;
mod tenant;

pub use error::Error;
pub use event::deep_merge;
pub use flow_file::{ActionSpec, FlowFile, Limits, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS};
pub use input::{ACTION_FILE_LIMIT, FLOW_FILE_LIMIT};
pub use load::{LoadedFlow, Overrides, DEFAULT_SEED};
pub use report::{
    AccessTokenReport, IdTokenReport, InvocationError, InvocationReport, Report, UserReport,
};
pub use run::{run, run_on};
pub use services::RealServices;
pub use tenant::{TenantAction, TenantError, TenantExport};

pub use actions_runtime::{
    ConsoleLine, Host, HostOptions, HttpFixture, HttpRecord, LoadError, NetAccess,
};
