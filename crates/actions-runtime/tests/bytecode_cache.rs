//! The engine writes no compiled bytecode to disk and reads none back, even
//! where `V82JSC_BC_CACHE_DIR` names a folder (third_party/patches/0008):
//! bytecode from a folder other processes can write would run unchecked.
//! One test in its own process: the engine reads its cache setting once per
//! process, before the first runtime.

use std::time::Duration;

use actions_core::{Tenant, Transaction, UserState};
use actions_runtime::{ActionSource, Host, HostOptions};

fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .map(|entry| {
                if entry.path().is_dir() {
                    files_under(&entry.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn no_bytecode_is_cached_in_the_users_folders() {
    let home = tempfile::tempdir().unwrap();
    // Before any runtime exists in this process (the only test here): the
    // places the engine used to cache in by default.
    std::env::set_var("V82JSC_BC_CACHE_DIR", home.path().join("named"));
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_CACHE_HOME", home.path().join(".cache"));
    let mut host = Host::new(HostOptions::default()).unwrap();
    host.begin_flow(7, Some(1_767_225_600_000)).unwrap();
    let source = ActionSource {
        file: "actions/unique.js".into(),
        code: "exports.onExecutePostLogin = async () => { console.log('ran'); };".into(),
        dir: std::env::temp_dir(),
    };
    let index = host.load(&source, Duration::from_secs(5)).unwrap();
    let mut tx = Transaction::new(Tenant::default(), UserState::default(), vec![], vec![]);
    tx.begin("test", 0, "onExecutePostLogin");
    let (_, inv) = host.invoke(
        index,
        "onExecutePostLogin",
        "{}".into(),
        Box::new(tx),
        Duration::from_secs(5),
    );
    assert_eq!(inv.failure, None);
    assert_eq!(inv.console[0].message, "ran");
    drop(host);
    assert_eq!(
        files_under(home.path()),
        0,
        "the engine wrote to the user's folders"
    );
}
