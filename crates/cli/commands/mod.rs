//! One module per subcommand, plus the flow options `run` and `test` share.

pub(crate) mod init;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod test;

use std::path::PathBuf;
use std::sync::Arc;

use actions_flow::{NetAccess, Overrides, TenantExport};
use anyhow::Context;

/// Options for running flows.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct FlowArgs {
    /// Execution time limit for a whole flow, in ms (overrides `limits.timeout_ms`; default 20000, Auth0's limit).
    #[arg(long, value_name = "MS")]
    timeout_ms: Option<u64>,
    /// JS heap limit in MiB (overrides `limits.memory_mb`; default 128).
    #[arg(long, value_name = "MIB")]
    memory_mb: Option<usize>,
    /// Run the post-login Actions of a tenant exported with Auth0's Deploy CLI
    /// (`a0deploy export`, directory or YAML format) instead of the flow's own
    /// `actions`. Secrets come from the flow file or `ACTIONS_SECRET_<NAME>`.
    #[arg(long, value_name = "DIR")]
    tenant: Option<PathBuf>,
    /// Let `fetch` requests that no `http` fixture answers reach the network:
    /// any host, or only the comma-separated HOSTS (`--allow-net=api.example.com`).
    #[arg(long, value_name = "HOSTS", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    allow_net: Option<String>,
}

impl FlowArgs {
    pub(crate) fn overrides(&self) -> anyhow::Result<Overrides> {
        let tenant = match &self.tenant {
            None => None,
            Some(dir) => Some(Arc::new(TenantExport::read(dir).with_context(|| {
                format!("reading the tenant export `{}`", dir.display())
            })?)),
        };
        let env_secrets = std::env::vars()
            .filter(|(k, _)| k.starts_with("ACTIONS_SECRET_"))
            .collect();
        let net = match self.allow_net.as_deref() {
            None => NetAccess::Denied,
            Some("") => NetAccess::Any,
            Some(hosts) => NetAccess::Hosts(
                hosts
                    .split(',')
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
                    .collect(),
            ),
        };
        Ok(Overrides {
            timeout_ms: self.timeout_ms,
            memory_mb: self.memory_mb,
            tenant,
            env_secrets,
            net,
        })
    }
}
