//! rt
pub use deno_core;
