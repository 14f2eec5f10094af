// @ts-check
// The globals Node 22 gives every module that the engine lacks: `process`,
// `global`, timers, `TextEncoder`/`TextDecoder`, `structuredClone`,
// `EventTarget`/`Event`, `AbortController`/`AbortSignal`, `URL` and
// `URLSearchParams` (parsed by the Rust `url` crate). `Buffer` and `fetch`
// are installed by later files. Nothing here reaches the host: `process.env`
// is empty and `process.exit` throws.

import { core, primordials } from "ext:core/mod.js";
import { op_host_console, op_url_parse } from "ext:core/ops";
const {
  ArrayPrototypeMap,
  ArrayPrototypePush,
  ArrayPrototypeSplice,
  ArrayPrototypeJoin,
  ArrayPrototypeFilter,
  ArrayPrototypeSort,
  Error,
  JSONParse,
  ObjectFreeze,
  StringPrototypeSlice,
  StringPrototypeSplit,
  StringPrototypeReplace,
  SymbolFor,
  SymbolIterator,
  SymbolToStringTag,
  TypeError,
  decodeURIComponent,
  encodeURIComponent,
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

// ---------------------------------------------------------------- events

export class Event {
  /** @param {string} type @param {{ bubbles?: boolean, cancelable?: boolean }} [init] */
  constructor(type, init = {}) {
    this.type = String(type);
    this.bubbles = !!init.bubbles;
    this.cancelable = !!init.cancelable;
    this.defaultPrevented = false;
    this.timeStamp = performance.now();
    /** @type {any} */
    this.target = null;
    this.currentTarget = null;
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true;
  }
  stopPropagation() {}
  stopImmediatePropagation() {
    this._stop = true;
  }
}

export class EventTarget {
  constructor() {
    /** @type {Map<string, { listener: any, once: boolean }[]>} */
    this._listeners = new Map();
  }
  /** @param {string} type @param {any} listener @param {any} [options] */
  addEventListener(type, listener, options) {
    if (!listener) return;
    const list = this._listeners.get(type) || [];
    if (list.some((l) => l.listener === listener)) return;
    const once = typeof options === "object" && options !== null && !!options.once;
    list.push({ listener, once });
    this._listeners.set(type, list);
    const signal = typeof options === "object" && options !== null ? options.signal : undefined;
    if (signal) signal.addEventListener("abort", () => this.removeEventListener(type, listener), { once: true });
  }
  /** @param {string} type @param {any} listener */
  removeEventListener(type, listener) {
    const list = this._listeners.get(type);
    if (list) this._listeners.set(type, list.filter((l) => l.listener !== listener));
  }
  /** @param {Event} event */
  dispatchEvent(event) {
    event.target = this;
    event.currentTarget = this;
    const handler = /** @type {any} */ (this)[`on${event.type}`];
    const list = [...(this._listeners.get(event.type) || [])];
    if (typeof handler === "function") list.unshift({ listener: handler, once: false });
    for (const { listener, once } of list) {
      if (once) this.removeEventListener(event.type, listener);
      if (typeof listener === "function") listener.call(this, event);
      else if (listener && typeof listener.handleEvent === "function") listener.handleEvent(event);
      if (/** @type {any} */ (event)._stop) break;
    }
    return !event.defaultPrevented;
  }
}

function abortError(/** @type {unknown} */ reason) {
  if (reason !== undefined) return reason;
  const error = new Error("This operation was aborted");
  error.name = "AbortError";
  /** @type {any} */ (error).code = 20;
  return error;
}

export class AbortSignal extends EventTarget {
  constructor() {
    super();
    this.aborted = false;
    /** @type {unknown} */
    this.reason = undefined;
    /** @type {any} */
    this.onabort = null;
  }
  throwIfAborted() {
    if (this.aborted) throw this.reason;
  }
  /** @param {unknown} [reason] */
  _abort(reason) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = abortError(reason);
    this.dispatchEvent(new Event("abort"));
  }
  /** @param {unknown} [reason] */
  static abort(reason) {
    const signal = new AbortSignal();
    signal._abort(reason);
    return signal;
  }
  /** @param {number} ms */
  static timeout(ms) {
    const signal = new AbortSignal();
    timers.setTimeout(() => {
      const error = new Error("The operation was aborted due to timeout");
      error.name = "TimeoutError";
      signal._abort(error);
    }, ms);
    return signal;
  }
  /** @param {AbortSignal[]} signals */
  static any(signals) {
    const signal = new AbortSignal();
    for (const s of signals) {
      if (s.aborted) {
        signal._abort(s.reason);
        return signal;
      }
      s.addEventListener("abort", () => signal._abort(s.reason), { once: true });
    }
    return signal;
  }
  get [SymbolToStringTag]() {
    return "AbortSignal";
  }
}

export class AbortController {
  constructor() {
    this.signal = new AbortSignal();
  }
  /** @param {unknown} [reason] */
  abort(reason) {
    this.signal._abort(reason);
  }
}

// ---------------------------------------------------------------- text

export class TextEncoder {
  get encoding() {
    return "utf-8";
  }
  /** @param {string} [input] */
  encode(input = "") {
    return core.encode(String(input));
  }
  /** @param {string} input @param {Uint8Array} dest */
  encodeInto(input, dest) {
    const bytes = core.encode(String(input));
    const written = Math.min(bytes.length, dest.length);
    dest.set(bytes.subarray(0, written));
    return { read: input.length, written };
  }
}

export class TextDecoder {
  /** @param {string} [label] @param {{ fatal?: boolean, ignoreBOM?: boolean }} [options] */
  constructor(label = "utf-8", options = {}) {
    const normalised = String(label).toLowerCase();
    if (normalised !== "utf-8" && normalised !== "utf8" && normalised !== "unicode-1-1-utf-8") {
      throw new RangeError(`The "${label}" encoding is not supported`);
    }
    this.encoding = "utf-8";
    this.fatal = !!options.fatal;
    this.ignoreBOM = !!options.ignoreBOM;
  }
  /** @param {ArrayBuffer | ArrayBufferView} [input] */
  decode(input) {
    if (input === undefined) return "";
    const bytes = ArrayBuffer.isView(input)
      ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength)
      : new Uint8Array(input);
    let text = core.decode(bytes);
    if (!this.ignoreBOM && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  }
}

// ---------------------------------------------------------------- URL

/** @param {string} s */
function formDecode(s) {
  return decodeURIComponent(StringPrototypeReplace(s, /\+/g, " "));
}

/** @param {string} s */
function formEncode(s) {
  return StringPrototypeReplace(encodeURIComponent(s), /%20/g, "+").replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export class URLSearchParams {
  /** @param {any} [init] */
  constructor(init) {
    /** @type {[string, string][]} */
    this._list = [];
    /** @type {URL | null} */
    this._url = null;
    if (init === undefined || init === null) return;
    if (typeof init === "string") {
      this._parse(init);
    } else if (typeof init === "object" && typeof init[SymbolIterator] === "function") {
      for (const pair of init) {
        const [k, v] = pair;
        ArrayPrototypePush(this._list, [String(k), String(v)]);
      }
    } else if (typeof init === "object") {
      for (const key of Object.keys(init)) ArrayPrototypePush(this._list, [key, String(init[key])]);
    }
  }
  /** @param {string} query */
  _parse(query) {
    this._list = [];
    const text = query[0] === "?" ? StringPrototypeSlice(query, 1) : query;
    if (text === "") return;
    for (const part of StringPrototypeSplit(text, "&")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      const key = eq === -1 ? part : StringPrototypeSlice(part, 0, eq);
      const value = eq === -1 ? "" : StringPrototypeSlice(part, eq + 1);
      ArrayPrototypePush(this._list, [formDecode(key), formDecode(value)]);
    }
  }
  _update() {
    if (this._url) this._url._setSearch(this.toString());
  }
  /** @param {string} name @param {string} value */
  append(name, value) {
    ArrayPrototypePush(this._list, [String(name), String(value)]);
    this._update();
  }
  /** @param {string} name @param {string} [value] */
  delete(name, value) {
    this._list = ArrayPrototypeFilter(this._list, ([k, v]) => k !== String(name) || (value !== undefined && v !== String(value)));
    this._update();
  }
  /** @param {string} name */
  get(name) {
    const found = this._list.find(([k]) => k === String(name));
    return found ? found[1] : null;
  }
  /** @param {string} name */
  getAll(name) {
    return ArrayPrototypeMap(ArrayPrototypeFilter(this._list, ([k]) => k === String(name)), ([, v]) => v);
  }
  /** @param {string} name @param {string} [value] */
  has(name, value) {
    return this._list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value)));
  }
  /** @param {string} name @param {string} value */
  set(name, value) {
    const i = this._list.findIndex(([k]) => k === String(name));
    if (i === -1) {
      ArrayPrototypePush(this._list, [String(name), String(value)]);
    } else {
      this._list[i][1] = String(value);
      this._list = ArrayPrototypeFilter(this._list, ([k], j) => j <= i || k !== String(name));
    }
    this._update();
  }
  sort() {
    ArrayPrototypeSort(this._list, (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this._update();
  }
  /** @param {(value: string, key: string, parent: URLSearchParams) => void} fn @param {unknown} [thisArg] */
  forEach(fn, thisArg) {
    for (const [k, v] of this._list) fn.call(thisArg, v, k, this);
  }
  keys() {
    return ArrayPrototypeMap(this._list, ([k]) => k)[SymbolIterator]();
  }
  values() {
    return ArrayPrototypeMap(this._list, ([, v]) => v)[SymbolIterator]();
  }
  entries() {
    return ArrayPrototypeMap(this._list, ([k, v]) => [k, v])[SymbolIterator]();
  }
  [SymbolIterator]() {
    return this.entries();
  }
  get size() {
    return this._list.length;
  }
  toString() {
    return ArrayPrototypeJoin(ArrayPrototypeMap(this._list, ([k, v]) => `${formEncode(k)}=${formEncode(v)}`), "&");
  }
  get [SymbolToStringTag]() {
    return "URLSearchParams";
  }
}

const URL_PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];

export class URL {
  /** @param {string | URL} url @param {string | URL} [base] */
  constructor(url, base) {
    /** @type {Record<string, string>} */
    this._parts = parse(String(url), base === undefined ? undefined : String(base));
    this._params = new URLSearchParams(this._parts.search);
    this._params._url = this;
  }
  /** @param {string} search */
  _setSearch(search) {
    this._parts = parse(this._with("search", search ? `?${search}` : ""));
  }
  /** @param {string} part @param {string} value */
  _with(part, value) {
    // WHATWG setters ignore values they cannot apply.
    const json = op_url_parse(this._parts.href, undefined, part, String(value));
    return json === "" ? this._parts.href : JSONParse(json).href;
  }
  get searchParams() {
    return this._params;
  }
  toString() {
    return this._parts.href;
  }
  toJSON() {
    return this._parts.href;
  }
  /** @param {string} url @param {string} [base] */
  static canParse(url, base) {
    try {
      parse(String(url), base === undefined ? undefined : String(base));
      return true;
    } catch {
      return false;
    }
  }
  /** @param {string} url @param {string} [base] */
  static parse(url, base) {
    try {
      return new URL(url, base);
    } catch {
      return null;
    }
  }
  get [SymbolToStringTag]() {
    return "URL";
  }
}

for (const part of URL_PARTS) {
  Object.defineProperty(URL.prototype, part, {
    get() {
      return this._parts[part];
    },
    set(value) {
      if (part === "origin") return;
      const href = part === "href" ? String(value) : this._with(part, value);
      this._parts = parse(href);
      if (part === "search" || part === "href") this._params._parse(this._parts.search);
    },
    enumerable: true,
    configurable: true,
  });
}

/** @param {string} url @param {string} [base] */
function parse(url, base) {
  const json = op_url_parse(url, base, undefined, undefined);
  if (json === "") {
    const error = new TypeError("Invalid URL");
    /** @type {any} */ (error).code = "ERR_INVALID_URL";
    /** @type {any} */ (error).input = url;
    throw error;
  }
  return JSONParse(json);
}

// ---------------------------------------------------------------- install

/** Installs the Node globals (called once by 99_main.js). */
export function install() {
  const g = /** @type {any} */ (globalThis);
  g.global = globalThis;
  g.process = process;
  for (const name of Object.keys(timers)) g[name] = /** @type {any} */ (timers)[name];
  g.Event = Event;
  g.EventTarget = EventTarget;
  g.AbortController = AbortController;
  g.AbortSignal = AbortSignal;
  g.TextEncoder = TextEncoder;
  g.TextDecoder = TextDecoder;
  g.URL = URL;
  g.URLSearchParams = URLSearchParams;
  g.structuredClone = (/** @type {unknown} */ value) => core.structuredClone(value);
}
