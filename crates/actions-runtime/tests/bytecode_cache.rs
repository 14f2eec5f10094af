//! The engine keeps compiled bytecode of its own start-up scripts in a cache
//! folder; it must not keep the user's code there (third_party/README.md,
//! change 15). One test in its own process: the cache folder is chosen once
//! per process, from the environment, before the first runtime.

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, HostOptions};
use serde_json::json;

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| entries.count())
}

#[test]
fn actions_are_not_written_to_the_bytecode_cache() {
    let cache = tempfile::tempdir().unwrap();
    // Before any runtime exists in this process (the only test here).
    std::env::set_var("V82JSC_BC_CACHE_DIR", cache.path());
    let mut host = Host::new(HostOptions::default()).unwrap();
    let warm = files_in(cache.path());
    assert!(warm > 0, "the start-up scripts are cached");
    host.begin_flow(7, Some(1_767_225_600_000)).unwrap();
    // Code no run has seen: a cached copy would be a new file.
    let unique = format!(
        "exports.onExecutePostLogin = async () => {{ console.log('{}'); }};",
        std::process::id()
    );
    let source = ActionSource {
        file: "actions/unique.js".into(),
        code: unique,
        dir: std::env::temp_dir(),
    };
    let index = host.load(&source, Duration::from_secs(5)).unwrap();
    let user = UserState {
        app_metadata: json!({}),
        user_metadata: json!({}),
        enrolled_factors: vec![].into(),
    };
    let mut tx = Transaction::new(Tenant::default(), user, vec![], vec![]);
    tx.begin("test", 0, "onExecutePostLogin");
    let (_, inv) = host.invoke(
        index,
        "onExecutePostLogin",
        json!({"user": {"user_id": "u1"}}).to_string(),
        Box::new(tx),
        Duration::from_secs(5),
    );
    assert_eq!(inv.failure, None);
    assert_eq!(inv.console[0].message, std::process::id().to_string());
    assert_eq!(
        files_in(cache.path()),
        warm,
        "an Action's bytecode was cached"
    );
    // A second runtime starts from the cache: the start-up scripts still
    // run (their syntax check is skipped when their bytecode is cached).
    drop(host);
    let mut again = Host::new(HostOptions::default()).unwrap();
    again.begin_flow(7, None).unwrap();
    assert!(again.load(&source, Duration::from_secs(5)).is_ok());
    assert_eq!(files_in(cache.path()), warm);
}
