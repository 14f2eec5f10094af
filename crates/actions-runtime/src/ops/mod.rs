//! The ops behind `api.*` and the host plumbing. One file per area, named
//! after the JS path (`api.access.deny` → `op_access_deny` in `access.rs`).

pub(crate) mod api;
pub(crate) mod crypto;
pub(crate) mod fetch;
pub(crate) mod host;
pub(crate) mod modules;

/// Every op declared by a table rather than by name in `extension!`.
pub(crate) fn table_op_decls() -> Vec<deno_core::OpDecl> {
    let mut decls = api::api_op_decls();
    decls.extend(crypto::crypto_op_decls());
    decls
}
