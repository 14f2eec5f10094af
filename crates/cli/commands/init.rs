//! `actions init [DIR]`: scaffolds a working example: an Action, two flow
//! files with `expect` blocks, the flow schema and the `event`/`api` types for
//! editors, and a README with a GitHub Actions workflow. Never overwrites.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::schema::{FLOW_SCHEMA, POST_LOGIN_TYPES};

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Where to create the example (default: the current folder).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

const ACTION: &str = r#"/**
 * Admins must use MFA: challenge them with a factor they have, or have them
 * enroll one. Everyone else logs in as before.
 *
 * @param {import('../../types/post-login').Event} event
 * @param {import('../../types/post-login').PostLoginAPI} api
 */
exports.onExecutePostLogin = async (event, api) => {
  const roles = event.authorization?.roles ?? [];
  if (!roles.includes('admin')) return;

  const factors = event.user.enrolledFactors ?? [];
  if (factors.length > 0) {
    api.authentication.challengeWithAny(factors.map((f) => ({ type: f.type })));
  } else {
    api.authentication.enrollWithAny([{ type: 'otp' }, { type: 'webauthn-roaming' }]);
  }
  api.idToken.setCustomClaim('https://example.com/roles', roles);
};
"#;

const ADMIN_FLOW: &str = r#"{
  "$schema": "../../flow.schema.json",
  "name": "an admin with OTP is challenged",
  "actions": [{ "name": "require-mfa-for-admins", "file": "index.js" }],
  "event": {
    "authorization": { "roles": ["admin"] },
    "user": { "enrolledFactors": [{ "type": "otp" }] }
  },
  "clock": "2026-01-01T00:00:00Z",
  "expect": {
    "outcome": "allowed",
    "mfa": [{ "command": "challengeWithAny", "prompt": "direct", "result": "completed", "factor": "otp" }],
    "id_token": { "claims": { "https://example.com/roles": ["admin"] } },
    "logs": ["s"]
  }
}
"#;

const NEW_ADMIN_FLOW: &str = r#"{
  "$schema": "../../flow.schema.json",
  "name": "a new admin picks a factor to enroll",
  "actions": [{ "name": "require-mfa-for-admins", "file": "index.js" }],
  "event": { "authorization": { "roles": ["admin"] } },
  "responses": { "mfa": [{ "factor": "webauthn-roaming" }] },
  "clock": "2026-01-01T00:00:00Z",
  "expect": {
    "outcome": "allowed",
    "mfa": [{ "command": "enrollWithAny", "prompt": "selection", "factor": "webauthn-roaming" }],
    "user": { "enrolledFactors": [{ "type": "webauthn-roaming" }] }
  }
}
"#;

const README: &str = r#"# Auth0 Actions, tested locally

Each `*.flow.json` describes one login (the user, the tenant's MFA settings,
how the user answers each prompt) and what must come of it (`expect`).

```sh
actions run actions/require-mfa-for-admins/admin.flow.json   # see what the login does
actions test                                                  # check every flow file
```

Editors validate flow files against `flow.schema.json` (`"$schema"` in each
file) and complete `event` and `api` from `types/post-login.d.ts`.

## CI: GitHub Actions

```yaml
# .github/workflows/auth0-actions.yml
name: auth0-actions
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        shard: [1, 2]          # split large suites across machines
    steps:
      - uses: actions/checkout@v4
      - name: Install the actions CLI
        run: cargo install --locked --path path/to/actions   # or download your release binary
      - name: Test the Actions
        run: actions test --shard ${{ matrix.shard }}/2 --junit junit-${{ matrix.shard }}.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: junit-${{ matrix.shard }}
          path: junit-${{ matrix.shard }}.xml
```
"#;

pub(crate) fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let files: [(&str, &str); 6] = [
        ("actions/require-mfa-for-admins/index.js", ACTION),
        ("actions/require-mfa-for-admins/admin.flow.json", ADMIN_FLOW),
        (
            "actions/require-mfa-for-admins/new-admin.flow.json",
            NEW_ADMIN_FLOW,
        ),
        ("flow.schema.json", FLOW_SCHEMA),
        ("types/post-login.d.ts", POST_LOGIN_TYPES),
        ("README.md", README),
    ];
    let existing: Vec<String> = files
        .iter()
        .map(|(name, _)| args.dir.join(name))
        .filter(|path| path.exists())
        .map(|path| format!("`{}`", path.display()))
        .collect();
    if !existing.is_empty() {
        bail!("nothing written: {} already exist(s)", existing.join(", "));
    }
    for (name, text) in files {
        write(&args.dir.join(name), text)?;
    }
    println!(
        "Created an example in `{}`. Next:\n\n  actions test {}\n",
        args.dir.display(),
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating `{}`", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing `{}`", path.display()))
}
