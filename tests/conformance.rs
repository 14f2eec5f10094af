//! Keeps `docs/conformance.md` honest: every `api` method has a row, and the
//! end-to-end test the row names exists and calls that method.

use std::path::Path;

use actions_core::ApiMethod;

fn action_code(flow_dir: &Path) -> String {
    let flow: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(flow_dir.join("flow.json")).unwrap())
            .unwrap();
    let mut code = String::new();
    for action in flow["actions"].as_array().unwrap() {
        match (action["code"].as_str(), action["file"].as_str()) {
            (Some(inline), _) => code.push_str(inline),
            (_, Some(file)) => {
                code.push_str(&std::fs::read_to_string(flow_dir.join(file)).unwrap())
            }
            _ => panic!("action without code in {}", flow_dir.display()),
        }
    }
    code
}

#[test]
fn every_api_method_has_a_conformance_row_with_a_test_that_calls_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/conformance.md")).unwrap();
    for method in ApiMethod::ALL {
        let name = method.as_str();
        let row = doc
            .lines()
            .find(|line| line.starts_with(&format!("| `api.{name}` |")))
            .unwrap_or_else(|| panic!("docs/conformance.md has no row for api.{name}"));
        let test = row
            .rsplit('`')
            .nth(1)
            .unwrap_or_else(|| panic!("no test named in: {row}"));
        let dir = root.join(test);
        assert!(
            dir.join("flow.json").is_file(),
            "api.{name}: `{test}` is not a flow folder"
        );
        let call = format!("{}.{}(", method.namespace(), method.name());
        assert!(
            action_code(&dir).contains(&call),
            "api.{name}: `{test}` never calls `{call}`"
        );
    }
}
