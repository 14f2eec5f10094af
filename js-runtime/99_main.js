// @ts-check
// Entry point of the glue: owns the loaded Action modules and runs handlers.
// The only file that touches `globalThis`. It hands the host one dispatcher
// function; Rust takes it and deletes it, with the engine's own globals
// (`Deno`, `__bootstrap`, ...), before any Action code runs.

import { core, primordials } from "ext:core/mod.js";
import {
  op_host_console,
  op_host_event,
  op_host_handler_failed,
  op_host_handler_settled,
  op_host_init_done,
} from "ext:core/ops";
import { describeThrown } from "ext:actions_runtime/01_errors.js";
import { console } from "ext:actions_runtime/02_console.js";
import { install as installDeterminism, reseed } from "ext:actions_runtime/03_determinism.js";
import { createApi } from "ext:actions_runtime/04_api.js";
import { install as installNode } from "ext:actions_runtime/06_node_globals.js";
import { createRequire, requireBuiltin } from "ext:actions_runtime/07_require.js";
import { install as installFetch } from "ext:actions_runtime/08_fetch.js";
const {
  JSONParse,
  ObjectCreate,
  ObjectPrototypeToString,
  FunctionPrototypeCall,
  Error,
  SafeMap,
  StringPrototypeLastIndexOf,
  StringPrototypeSlice,
} = primordials;

/**
 * The patched QuickJS engine's deep copy of a value `JSON.parse` made
 * (third_party/README.md, change 10), or undefined on other engines.
 * @type {((value: unknown) => any) | undefined}
 */
const cloneJson = /** @type {any} */ (globalThis).__v8x_actions_clone_json;
delete (/** @type {any} */ (globalThis)).__v8x_actions_clone_json;
/**
 * Parsed templates of events the host sent, by id. No script can reach them:
 * handlers get copies. A null prototype, so storing one can never reach a
 * setter a handler put on `Object.prototype`.
 * @type {Record<number, any>}
 */
let templates = ObjectCreate(null);
/**
 * Leaves the host sent to be kept, parsed, by slot. Templates hold them as
 * they are: nothing writes into a leaf, and handlers get deep copies.
 * @type {Record<number, any>}
 */
let leaves = ObjectCreate(null);
/** The token of the last plan built in full (0: none). */
let finished = 0;
/** Tokens count up to this and wrap to 1 (crates/actions-runtime/src/event_plan.rs). */
const TOKEN_WRAP = 1 << 30;
/**
 * Plans of changes already parsed, by their text: the same changes to the
 * same template recur from flow to flow. Parsing a plan's text always gives
 * the same plan, and nothing changes a plan or the values it holds
 * (templates hold them as they are, handlers get copies).
 */
const plans = new SafeMap();
/** How many parsed plans `plans` keeps at most, and the longest text it keeps. */
const MAX_PLANS = 64;
const MAX_PLAN_TEXT = 2048;

/**
 * The running handler's event, built from the host's plan
 * (crates/actions-runtime/src/event_plan.rs): `[reset, id, kind, ...]`.
 * Kind -1: the rest is the whole event, kept as template `id` (unless -1).
 * Kind 0: the rest are changed leaves `n, k1..kn, value`, set in template
 * `id` before it is copied; `-n, k1..kn, slot` for the leaf kept in `slot`,
 * and `-n, k1..kn, -(slot + 1), value` for one to keep there. Either way the
 * result is what `JSON.parse` of the event's text gives.
 * @returns {any}
 */
function hostEvent() {
  if (cloneJson === undefined) return JSONParse(op_host_event(-1));
  const text = op_host_event(finished);
  let plan = plans.get(text);
  if (plan === undefined) {
    plan = JSONParse(text);
    // Only plans of changes: a whole event is handed to the handler itself.
    if (plan[2] === 0 && text.length <= MAX_PLAN_TEXT) {
      if (plans.size >= MAX_PLANS) plans.clear();
      plans.set(text, plan);
    }
  }
  const reset = plan[0] === 1;
  if (reset) {
    templates = ObjectCreate(null);
    leaves = ObjectCreate(null);
  }
  const id = plan[1];
  let event;
  if (plan[2] === -1) {
    event = plan[3];
    if (id !== -1) {
      try {
        templates[id] = cloneJson(event);
      } catch {
        // Too deep to copy, or no memory left for it: the handler still
        // gets its event, and the stale token makes the host start over.
        return event;
      }
    }
  } else {
    const template = templates[id];
    for (let i = 3; i < plan.length; ) {
      const kept = plan[i] < 0;
      const n = kept ? -plan[i] : plan[i];
      let target = template;
      for (let j = 1; j < n; j++) target = target[plan[i + j]];
      const key = plan[i + n];
      let value = plan[i + n + 1];
      i += n + 2;
      if (kept) {
        if (value >= 0) {
          value = leaves[value];
        } else {
          leaves[-value - 1] = plan[i];
          value = plan[i];
          i++;
        }
      }
      target[key] = value;
    }
    event = cloneJson(template);
  }
  const from = reset ? 0 : finished;
  finished = from + 1 >= TOKEN_WRAP ? 1 : from + 1;
  return event;
}

/**
 * @typedef {{ wrapper: Function, file: string, dir: string, exports: any, initError: unknown }} ActionModule
 * @type {ActionModule[]}
 */
const modules = [];
/** The running handler's event, for the api methods that change it at once. */
let currentEvent = null;
const api = createApi(() => currentEvent);

const SIGNATURE = (/** @type {string} */ handler) =>
  `Invalid function signature for the "${handler}" handler. Use "exports.${handler} = async function(event, api) { }" as the signature.`;

/**
 * Registers a module: its compiled wrapper, file name and folder.
 * @param {number} index
 * @param {Function} wrapper
 * @param {string} file
 * @param {string} dir
 */
function register(index, wrapper, file, dir) {
  modules[index] = { wrapper, file, dir, exports: undefined, initError: undefined };
}

/**
 * Runs a module's top-level code once (auth0-post-login section 4.1).
 * @param {number} index
 * @returns {number} what `op_host_init_done` takes: 0 ok, 1 no handler,
 *   2 the top-level code threw (every invocation rethrows it)
 */
function init(index) {
  const mod = modules[index];
  const module = { id: ".", filename: mod.file, path: mod.dir, exports: {}, loaded: false, children: [], paths: [] };
  // Primordials: an Action initialised before this one may have changed
  // `String.prototype`.
  const base = StringPrototypeSlice(mod.file, StringPrototypeLastIndexOf(mod.file, "/") + 1);
  const require = createRequire(`${mod.dir}/${base}`, mod.dir);
  try {
    FunctionPrototypeCall(mod.wrapper, module.exports, module.exports, require, module, mod.file, mod.dir);
  } catch (e) {
    mod.initError = e;
    return 2;
  }
  mod.exports = module.exports;
  if (mod.exports === null || (typeof mod.exports !== "object" && typeof mod.exports !== "function")) {
    mod.initError = new Error("The Action must export an object.");
    return 2;
  }
  return typeof mod.exports.onExecutePostLogin === "function" ? 0 : 1;
}

/**
 * Runs one handler with the event the host prepared. Failures are reported
 * through an op, and so is the end: the host waits for that, not for the
 * promise, which always resolves.
 * @param {number} index
 * @param {string} handler
 */
async function invoke(index, handler) {
  const mod = modules[index];
  try {
    if (mod.initError !== undefined) throw mod.initError;
    const fn = mod.exports[handler];
    if (typeof fn !== "function") {
      throw new Error(`The Action does not export "${handler}".`);
    }
    if (ObjectPrototypeToString(fn) !== "[object AsyncFunction]") {
      throw new Error(SIGNATURE(handler));
    }
    const event = hostEvent();
    currentEvent = event;
    await FunctionPrototypeCall(fn, mod.exports, event, api);
  } catch (e) {
    let description;
    try {
      description = describeThrown(e);
    } catch {
      // Out of stack or memory while describing it: still a failure.
      description = '{"name":"Error","message":"the handler threw","stack":null,"is_error":true}';
    }
    op_host_handler_failed(description);
  } finally {
    currentEvent = null;
    op_host_handler_settled();
  }
}

/**
 * The host's single entry point.
 * @param {number} command 5 register and initialise modules, 2 start a handler, 3 begin the
 *   host's one flow
 * @param {number} index
 * @param {any} arg
 * @param {any} extra
 * @param {any} dir
 */
function dispatch(command, index, arg, extra, dir) {
  switch (command) {
    case 5:
      // Register and initialise modules (`arg`, `extra`, `dir`: lists), each
      // reported as it is done: what it printed stays its own, and if the
      // engine stops one for time or memory, the host knows which.
      for (let i = 0; i < arg.length; i++) {
        register(index + i, arg[i], extra[i], dir[i]);
        op_host_init_done(init(index + i));
      }
      return undefined;
    case 2:
      // The host drives the event loop until the handler settles.
      invoke(index, arg);
      return undefined;
    case 3:
      // The flow's seed is known now.
      reseed();
      return undefined;
  }
  throw new Error(`unknown host command ${command}`);
}

installDeterminism();
reseed();
globalThis.console = console;
installNode();
installFetch();
// A promise an Action rejected and nobody handled (a fire-and-forget call)
// does not fail the login: like Node's warning mode, it is reported as a
// warning in the invocation's console.
core.setUnhandledPromiseRejectionHandler((/** @type {unknown} */ _promise, /** @type {unknown} */ reason) => {
  const { name, message, stack } = JSONParse(describeThrown(reason));
  op_host_console(2, `Unhandled promise rejection: ${stack || (name ? `${name}: ${message}` : message)}`);
  return true;
});
// `Buffer` is a global in Node; created on first use (the module is lazy).
Object.defineProperty(globalThis, "Buffer", {
  get: () => requireBuiltin("buffer").Buffer,
  set(value) {
    Object.defineProperty(globalThis, "Buffer", { value, writable: true, configurable: true, enumerable: false });
  },
  configurable: true,
  enumerable: false,
});
globalThis.__actionsHostDispatch = dispatch;
