//! The ops behind `api.*` and the host plumbing. One file per area, named
//! after the JS path (`api.access.deny` → `op_access_deny` in `access.rs`).

pub(crate) mod api;
pub(crate) mod host;
