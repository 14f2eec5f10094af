// @ts-check
// The Node globals of Node 22 that are not web platform (05_web.js has
// those): `process`, `global` and timers. `Buffer` and `fetch` are installed
// by later files. Nothing here reaches the host: `process.env`
// is empty and `process.exit` throws.

import { core, primordials } from "ext:core/mod.js";
import { op_host_console } from "ext:core/ops";
const {
  Error,
  SymbolFor,
  TypeError,
} = primordials;

// ---------------------------------------------------------------- timers

class Timeout {
  /** @param {any} timer */
  constructor(timer) {
    this._timer = timer;
  }
  ref() {
    core.refTimer(this._timer);
    return this;
  }
  unref() {
    core.unrefTimer(this._timer);
    return this;
  }
  hasRef() {
    return true;
  }
  refresh() {
    core.refreshTimer(this._timer);
    return this;
  }
  close() {
    core.cancelTimer(this._timer);
    return this;
  }
  [SymbolFor("nodejs.util.inspect.custom")]() {
    return "Timeout {}";
  }
  [Symbol.toPrimitive]() {
    return this._timer._timerId;
  }
}

/** @type {Map<number, Timeout>} */
const byId = new Map();

/**
 * @param {Function} callback
 * @param {number} delay
 * @param {unknown[]} args
 * @param {boolean} repeat
 */
function schedule(callback, delay, args, repeat) {
  if (typeof callback !== "function") {
    const error = new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
    /** @type {any} */ (error).code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  const timeout = new Timeout(core.createTimer(
    repeat ? callback : (/** @type {unknown[]} */ ...a) => {
      byId.delete(timeout._timer._timerId);
      return callback(...a);
    },
    delay,
    args,
    repeat,
    true,
  ));
  byId.set(timeout._timer._timerId, timeout);
  return timeout;
}

/** @param {any} handle */
function clear(handle) {
  if (handle === undefined || handle === null) return;
  const timeout = handle instanceof Timeout ? handle : byId.get(Number(handle));
  if (timeout) {
    core.cancelTimer(timeout._timer);
    byId.delete(timeout._timer._timerId);
  }
}

export const timers = {
  setTimeout: (/** @type {Function} */ fn, /** @type {number} */ ms, /** @type {unknown[]} */ ...args) => schedule(fn, ms, args, false),
  setInterval: (/** @type {Function} */ fn, /** @type {number} */ ms, /** @type {unknown[]} */ ...args) => schedule(fn, ms, args, true),
  setImmediate: (/** @type {Function} */ fn, /** @type {unknown[]} */ ...args) => schedule(fn, 0, args, false),
  clearTimeout: clear,
  clearInterval: clear,
  clearImmediate: clear,
};

// ---------------------------------------------------------------- process

const processEvents = new Map();
export const process = {
  env: {},
  argv: ["/usr/local/bin/node"],
  execArgv: [],
  version: "v22.12.0",
  versions: { node: "22.12.0", v8: "12.4.254.21-node.21", uv: "1.49.1", modules: "127" },
  release: { name: "node", lts: "Jod" },
  platform: "linux",
  arch: "x64",
  pid: 1,
  ppid: 0,
  title: "node",
  exitCode: undefined,
  cwd: () => "/",
  chdir() {
    throw new Error("process.chdir() is not available in an Action");
  },
  exit() {
    throw new Error("process.exit() is not available in an Action");
  },
  abort() {
    throw new Error("process.abort() is not available in an Action");
  },
  kill() {
    throw new Error("process.kill() is not available in an Action");
  },
  umask: () => 0o22,
  uptime: () => performance.now() / 1000,
  hrtime: Object.assign(
    (/** @type {[number, number] | undefined} */ previous) => {
      const ns = Math.round(performance.now() * 1e6);
      let seconds = Math.floor(ns / 1e9);
      let nanos = ns % 1e9;
      if (previous) {
        seconds -= previous[0];
        nanos -= previous[1];
        if (nanos < 0) {
          seconds -= 1;
          nanos += 1e9;
        }
      }
      return [seconds, nanos];
    },
    { bigint: () => BigInt(Math.round(performance.now() * 1e6)) },
  ),
  memoryUsage: Object.assign(() => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }), { rss: () => 0 }),
  cpuUsage: () => ({ user: 0, system: 0 }),
  nextTick: (/** @type {Function} */ fn, /** @type {unknown[]} */ ...args) => queueMicrotask(() => fn(...args)),
  emitWarning: (/** @type {unknown} */ warning) => op_host_console(2, `(node) Warning: ${warning instanceof Error ? warning.message : warning}`),
  stdout: { write: (/** @type {string} */ s) => (op_host_console(0, String(s).replace(/\n$/, "")), true), isTTY: false },
  stderr: { write: (/** @type {string} */ s) => (op_host_console(3, String(s).replace(/\n$/, "")), true), isTTY: false },
  on(/** @type {string} */ event, /** @type {Function} */ listener) {
    if (!processEvents.has(event)) processEvents.set(event, []);
    processEvents.get(event).push(listener);
    return process;
  },
  once(/** @type {string} */ event, /** @type {Function} */ listener) {
    return process.on(event, listener);
  },
  off(/** @type {string} */ event, /** @type {Function} */ listener) {
    const list = processEvents.get(event) || [];
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    return process;
  },
  emit(/** @type {string} */ event, /** @type {unknown[]} */ ...args) {
    const list = processEvents.get(event) || [];
    for (const listener of [...list]) listener(...args);
    return list.length > 0;
  },
  listenerCount: (/** @type {string} */ event) => (processEvents.get(event) || []).length,
  binding(/** @type {string} */ name) {
    throw new Error(`process.binding('${name}') is not available in an Action`);
  },
  features: {},
  config: { variables: {} },
};
/** @type {any} */ (process).addListener = process.on;
/** @type {any} */ (process).removeListener = process.off;
/** @type {any} */ (process).removeAllListeners = () => (processEvents.clear(), process);
/** @type {any} */ (process).prependListener = process.on;

// ---------------------------------------------------------------- install

/** Installs the Node globals (called once by 99_main.js). */
export function install() {
  const g = /** @type {any} */ (globalThis);
  g.global = globalThis;
  g.process = process;
  for (const name of Object.keys(timers)) g[name] = /** @type {any} */ (timers)[name];
}
