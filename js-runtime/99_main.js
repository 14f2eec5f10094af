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
import { install as installDeterminism, reseed, seeded } from "ext:actions_runtime/03_determinism.js";
import { createApi } from "ext:actions_runtime/04_api.js";
import { install as installWeb, lazy, loadAll as loadWeb } from "ext:actions_runtime/05_web.js";
import { install as installNode } from "ext:actions_runtime/06_node_globals.js";
import { createRequire, requireBuiltin } from "ext:actions_runtime/07_require.js";
import { install as installFetch } from "ext:actions_runtime/08_fetch.js";
const {
  JSONParse,
  ObjectPrototypeToString,
  FunctionPrototypeCall,
  Error,
  StringPrototypeLastIndexOf,
  StringPrototypeSlice,
} = primordials;

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
    // What `JSON.parse` of the event's text gives: a fresh object graph of
    // plain data, the handler's own.
    const event = JSONParse(op_host_event());
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
 *   host's one flow, 6 load the web platform's files
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
    case 6:
      // A zygote's host, before it forks: its children share the code.
      loadWeb();
      return undefined;
  }
  throw new Error(`unknown host command ${command}`);
}

installDeterminism();
reseed();
globalThis.console = console;
installWeb(seeded);
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
lazy("Buffer", () => requireBuiltin("buffer").Buffer);
globalThis.__actionsHostDispatch = dispatch;
