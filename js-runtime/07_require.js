// @ts-check
// CommonJS for Action code, as Node 22 does it: `require` of Node built-ins
// (`crypto`, `buffer`, `node:url`, ...), of relative files and of packages in
// `node_modules` (resolved in Rust, see crates/actions-runtime/src/modules.rs),
// with a per-flow module cache. Built-ins are loaded lazily, on first
// `require`, so a runtime that never needs them never pays for them, and are
// created afresh in each flow so one flow cannot change another's.

import { core, primordials } from "ext:core/mod.js";
import { op_module_resolve } from "ext:core/ops";
import { process, timers } from "ext:actions_runtime/06_node_globals.js";
const { Error, JSONParse, ObjectFreeze, StringPrototypeSlice, StringPrototypeStartsWith, SafeMap } = primordials;

const lazy = (/** @type {string} */ file) => core.createLazyLoader(`ext:actions_runtime/node/${file}`);

/** Built-ins a module can `require`, by name. */
const BUILTINS = {
  assert: lazy("assert.js"),
  "assert/strict": lazy("assert.js"),
  buffer: lazy("buffer.js"),
  crypto: lazy("crypto.js"),
  events: lazy("vendor/events.js"),
  fs: lazy("unavailable.js"),
  "fs/promises": lazy("unavailable.js"),
  http: lazy("unavailable.js"),
  http2: lazy("unavailable.js"),
  https: lazy("unavailable.js"),
  net: lazy("unavailable.js"),
  tls: lazy("unavailable.js"),
  dns: lazy("unavailable.js"),
  zlib: lazy("unavailable.js"),
  os: lazy("os.js"),
  path: lazy("vendor/path-browserify.js"),
  "path/posix": lazy("vendor/path-browserify.js"),
  punycode: lazy("vendor/punycode.js"),
  querystring: lazy("vendor/querystring-es3.js"),
  stream: lazy("vendor/readable-stream.js"),
  string_decoder: lazy("vendor/string_decoder.js"),
  timers: lazy("timers.js"),
  "timers/promises": lazy("timers.js"),
  url: lazy("url.js"),
  util: lazy("util.js"),
  "util/types": lazy("util.js"),
};

/** Packages the vendored built-ins use internally (not visible to Actions). */
const INTERNAL = {
  "buffer-port": lazy("vendor/buffer.js"),
  "base64-js": lazy("vendor/base64-js.js"),
  ieee754: lazy("vendor/ieee754.js"),
  inherits: lazy("vendor/inherits.js"),
  "safe-buffer": lazy("vendor/safe-buffer.js"),
  "util-deprecate": lazy("vendor/util-deprecate.js"),
};

/** Node 22's other built-in modules: a `require` names them and fails. */
const UNSUPPORTED = new Set([
  "async_hooks", "child_process", "cluster", "console", "constants", "dgram", "diagnostics_channel", "domain",
  "inspector", "module", "perf_hooks", "readline", "repl", "sea", "sqlite", "test", "trace_events", "tty", "v8",
  "vm", "wasi", "worker_threads",
]);

/**
 * `require.cache` of every module: one frozen object, as Node gives every
 * module the same `require.cache` (this one lists nothing).
 */
const REQUIRE_CACHE = ObjectFreeze({});

/** The per-flow caches: built-in exports and loaded files. */
const builtinCache = new SafeMap();
const fileCache = new SafeMap();

/**
 * Creates a built-in's exports (once per flow).
 * @param {string} name
 * @param {boolean} internal whether internal packages are visible
 */
function builtin(name, internal) {
  if (builtinCache.has(name)) return builtinCache.get(name);
  let exports;
  if (name === "process") {
    exports = process;
  } else {
    const loader = /** @type {any} */ (BUILTINS)[name] ?? (internal ? /** @type {any} */ (INTERNAL)[name] : undefined);
    if (!loader) return undefined;
    const namespace = loader();
    exports = namespace.default(internalRequire, name);
  }
  if (name === "assert/strict") exports = exports.strict;
  if (name === "util/types") exports = exports.types;
  if (name === "fs/promises") exports = exports.promises;
  if (name === "path/posix") exports = exports.posix ?? exports;
  if (name === "timers/promises") exports = exports.promises;
  builtinCache.set(name, exports);
  return exports;
}

/** `require` as the vendored built-ins see it. @param {string} name */
function internalRequire(name) {
  const bare = StringPrototypeStartsWith(name, "node:") ? StringPrototypeSlice(name, 5) : name;
  const exports = builtin(bare, true);
  if (exports === undefined) throw new Error(`internal error: built-in '${name}' is missing`);
  return exports;
}

/** Whether `name` is a Node built-in module (supported or not). @param {string} name */
export function isBuiltin(name) {
  const bare = StringPrototypeStartsWith(name, "node:") ? StringPrototypeSlice(name, 5) : name;
  return bare === "process" || bare in BUILTINS || UNSUPPORTED.has(bare);
}

/**
 * @param {string} request
 * @param {string} from the requiring file, for the error's "Require stack"
 */
function unsupported(request, from) {
  const error = new Error(
    `Cannot load the Node built-in module '${request}': it is not supported by this emulator (required from ${from})`,
  );
  /** @type {any} */ (error).code = "ERR_UNKNOWN_BUILTIN_MODULE";
  return error;
}

/**
 * Loads `request` for a module in `dir` (file `from`).
 * @param {string} dir
 * @param {string} from
 * @param {string} request
 */
function load(dir, from, request) {
  if (typeof request !== "string" || request === "") {
    const error = new TypeError(`The "id" argument must be a non-empty string. Received ${String(request)}`);
    /** @type {any} */ (error).code = "ERR_INVALID_ARG_VALUE";
    throw error;
  }
  const prefixed = StringPrototypeStartsWith(request, "node:");
  const bare = prefixed ? StringPrototypeSlice(request, 5) : request;
  if (bare === "process" || bare in BUILTINS) return builtin(bare, false);
  if (prefixed || UNSUPPORTED.has(bare)) throw unsupported(request, from);
  const resolved = resolve(dir, from, request);
  const cached = fileCache.get(resolved.filename);
  if (cached) return cached.exports;
  const module = { id: resolved.filename, filename: resolved.filename, path: dirname(resolved.filename), exports: {}, loaded: false, children: [], paths: [] };
  fileCache.set(resolved.filename, module);
  try {
    if (resolved.format === "json") {
      try {
        module.exports = JSONParse(resolved.source);
      } catch (e) {
        throw new SyntaxError(`${resolved.filename}: ${/** @type {Error} */ (e).message}`);
      }
    } else {
      runModule(module, resolved.source);
    }
  } catch (e) {
    fileCache.delete(resolved.filename);
    throw e;
  }
  module.loaded = true;
  return module.exports;
}

/**
 * @param {string} dir
 * @param {string} from
 * @param {string} request
 * @returns {{ filename: string, format: string, source: string }}
 */
function resolve(dir, from, request) {
  const answer = JSONParse(op_module_resolve(dir, request));
  if (answer.error) {
    const error = /** @type {any} */ (new Error(answer.error.message));
    error.code = answer.error.code;
    if (error.code === "MODULE_NOT_FOUND") {
      error.message += `\nRequire stack:\n- ${from}`;
      error.requireStack = [from];
    }
    throw error;
  }
  return answer;
}

/** @param {string} path */
function dirname(path) {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : StringPrototypeSlice(path, 0, i);
}

/**
 * Compiles and runs a CommonJS file with Node's wrapper.
 * @param {any} module
 * @param {string} source
 */
function runModule(module, source) {
  const code = StringPrototypeStartsWith(source, "#!") ? `//${StringPrototypeSlice(source, 2)}` : source;
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${code}\n})`;
  const [fn, error] = core.evalContext(wrapped, `file://${module.filename}`);
  if (error) throw error.thrown;
  fn.call(module.exports, module.exports, createRequire(module.filename), module, module.filename, module.path);
}

/**
 * A `require` for the module at `filename` (its folder is where relative
 * requests and `node_modules` resolve from).
 * @param {string} filename
 * @param {string} [dir] the folder, when `filename` is not a real path
 */
export function createRequire(filename, dir = dirname(filename)) {
  const require = (/** @type {string} */ request) => load(dir, filename, request);
  require.resolve = (/** @type {string} */ request) => (isBuiltin(request) ? request : resolve(dir, filename, request).filename);
  require.resolve.paths = () => null;
  require.cache = REQUIRE_CACHE;
  require.main = undefined;
  return require;
}

export { timers };

/** A built-in's exports, for the glue itself (e.g. the `Buffer` global). @param {string} name */
export function requireBuiltin(name) {
  return builtin(name, false);
}
