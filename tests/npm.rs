//! Real npm packages, installed from the npm registry at test time, required
//! by Actions and exercised with real assertions: lodash, uuid, jsonwebtoken
//! (the token is verified again here with the Rust `jsonwebtoken` crate),
//! axios (answered by HTTP fixtures through its fetch adapter) and dayjs.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn actions(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_actions"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn actions_require_real_npm_packages() {
    common::npm_install(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/npm"));
    let out = actions(&["test", "tests/npm"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.lines().last(),
        Some("5 passed, 0 failed"),
        "{stdout}"
    );
}

#[test]
fn a_jwt_signed_by_the_jsonwebtoken_package_verifies_in_rust() {
    common::npm_install(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/npm"));
    let out = actions(&["run", "--json", "tests/npm/jwt.flow.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = report["access_token"]["claims"]["https://x/token"]
        .as_str()
        .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.validate_exp = false; // the flow's virtual clock is in the past
    let data = jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(b"a-very-long-test-secret"),
        &validation,
    )
    .expect("the token verifies with the secret");
    assert_eq!(data.claims["sub"], "auth0|42");
    assert_eq!(data.claims["role"], "reader");
    // `iat` comes from the flow's virtual clock, `exp` is ten minutes later.
    assert_eq!(data.claims["iat"], 1_767_225_600);
    assert_eq!(data.claims["exp"], 1_767_225_600 + 600);
    assert!(jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(b"wrong"),
        &validation
    )
    .is_err());
}

#[test]
fn the_sign_jwt_example_runs() {
    common::npm_install(&Path::new(env!("CARGO_MANIFEST_DIR")).join("actions/sign-jwt"));
    let out = actions(&["run", "actions/sign-jwt/flow.json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
