// @ts-check
// The web platform of Node 22, from Deno's extensions (deno_webidl, deno_web,
// deno_crypto, and deno_fetch's classes in third_party/deno_fetch): see
// crates/actions-runtime/src/web.rs. Each global is an accessor until it is
// first read, as Node's lazy globals are; only then is the file that defines
// it compiled and run, unless a zygote ran them all before it forked
// (`loadAll`; BENCHMARKS.md has both costs).

import { core, internals, primordials } from "ext:core/mod.js";
const { FunctionPrototypeCall, ObjectDefineProperty, ObjectEntries, RegExpPrototypeExec, Symbol } = primordials;

const WEB = "ext:deno_web/";
const FETCH = "ext:deno_fetch/";

/**
 * Runs one of Deno's scripts on its first load and answers its exports.
 * @param {string} specifier e.g. `ext:deno_web/09_file.js`
 * @returns {any}
 */
export function load(specifier) {
  return core.loadExtScript(specifier);
}

/** Deno's `URL`, `URLSearchParams`, ... for the glue's own use. */
export const web = {
  url: () => load(`${WEB}00_url.js`),
  text: () => load(`${WEB}08_text_encoding.js`),
  fetch: {
    body: () => load(`${FETCH}22_body.js`),
    request: () => load(`${FETCH}23_request.js`),
    response: () => load(`${FETCH}23_response.js`),
  },
  crypto: () => load("ext:deno_crypto/00_crypto.js"),
};

/** Where each global comes from: file, then the names it defines. */
const GLOBALS = [
  [`${WEB}00_url.js`, ["URL", "URLSearchParams"]],
  [`${WEB}01_dom_exception.js`, ["DOMException"]],
  [`${WEB}02_event.js`, ["Event", "EventTarget", "CustomEvent", "MessageEvent"]],
  [`${WEB}03_abort_signal.js`, ["AbortController", "AbortSignal"]],
  [`${WEB}05_base64.js`, ["atob", "btoa"]],
  [`${WEB}06_streams.js`, [
    "ByteLengthQueuingStrategy",
    "CountQueuingStrategy",
    "ReadableByteStreamController",
    "ReadableStream",
    "ReadableStreamBYOBReader",
    "ReadableStreamBYOBRequest",
    "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader",
    "TransformStream",
    "TransformStreamDefaultController",
    "WritableStream",
    "WritableStreamDefaultController",
    "WritableStreamDefaultWriter",
  ]],
  [`${WEB}08_text_encoding.js`, ["TextEncoder", "TextDecoder", "TextEncoderStream", "TextDecoderStream"]],
  [`${WEB}09_file.js`, ["Blob", "File"]],
  [`${WEB}01_broadcast_channel.js`, ["BroadcastChannel"]],
  [`${WEB}13_message_port.js`, ["MessageChannel", "MessagePort", "structuredClone"]],
  [`${WEB}14_compression.js`, ["CompressionStream", "DecompressionStream"]],
  ["ext:deno_crypto/00_crypto.js", ["Crypto", "CryptoKey", "SubtleCrypto"]],
  [`${FETCH}20_headers.js`, ["Headers"]],
  [`${FETCH}21_formdata.js`, ["FormData"]],
  [`${FETCH}23_request.js`, ["Request"]],
  [`${FETCH}23_response.js`, ["Response"]],
];

/**
 * Compiles and runs every file the globals come from, without defining any
 * global: for a zygote, whose children then share the result instead of
 * each compiling what it uses (docs/isolation.md).
 */
export function loadAll() {
  // 22_body.js comes with 23_request.js.
  for (const [file] of GLOBALS) load(/** @type {string} */ (file));
}

/**
 * Defines `name` on the global object as Node defines its lazy globals: not
 * enumerable, and an accessor that becomes a plain value when first read or
 * assigned.
 * @param {string} name
 * @param {() => unknown} get
 */
export function lazy(name, get) {
  const settle = (/** @type {unknown} */ value) => {
    ObjectDefineProperty(globalThis, name, { __proto__: null, value, writable: true, enumerable: false, configurable: true });
    return value;
  };
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    get: () => settle(get()),
    set: settle,
    enumerable: false,
    configurable: true,
  });
}

/**
 * Node 22's message for a DOMException that deno_crypto's Rust raises with
 * its own words, where the two differ only in the words.
 * @param {string} name
 * @param {string} message
 */
function nodeMessage(name, message) {
  for (const [n, deno, node] of NODE_MESSAGES) {
    if (n === name && RegExpPrototypeExec(deno, message) !== null) return node;
  }
  return message;
}

/** @type {[string, RegExp, string][]} */
const NODE_MESSAGES = [
  ["OperationError", /^Decryption failed$/, "The operation failed for an operation-specific reason"],
  ["NotSupportedError", /^Algorithm '.*' is not supported$/, "Unrecognized algorithm name"],
  ["TypeMismatchError", /^The provided value is not an integer-type TypedArray$/, "The data argument must be an integer-type TypedArray"],
  ["QuotaExceededError", /^The ArrayBufferView's byte length \(\d+\) exceeds/, "The requested length exceeds 65,536 bytes"],
];

/**
 * Installs the globals (called once by 99_main.js).
 * @param {{ getRandomValues: Function, randomUUID: Function }} seeded the
 *   seeded generator that `crypto.getRandomValues` and `randomUUID` use
 */
export function install(seeded) {
  random = seeded;
  // deno_crypto's node interop reads this symbol; Deno's Node layer sets it.
  internals.kKeyObject ??= Symbol("kKeyObject");
  // Errors the extensions' Rust side raises as DOMExceptions (Deno's runtime
  // registers these builders in its 99_main.js).
  for (const name of [
    "AbortError",
    "DataCloneError",
    "DataError",
    "IndexSizeError",
    "InvalidAccessError",
    "InvalidCharacterError",
    "InvalidStateError",
    "NetworkError",
    "NotSupportedError",
    "OperationError",
    "QuotaExceededError",
    "SyntaxError",
    "TypeMismatchError",
  ]) {
    core.registerErrorBuilder(`DOMException${name}`, (/** @type {string} */ message) => {
      const { DOMException } = load(`${WEB}01_dom_exception.js`);
      return new DOMException(nodeMessage(name, message), name);
    });
  }
  for (const [file, names] of GLOBALS) {
    for (const name of /** @type {string[]} */ (names)) lazy(name, () => load(/** @type {string} */ (file))[name]);
  }
  lazy("crypto", webcrypto);
}

/** @type {any} */
let cryptoSingleton;
/** @type {{ getRandomValues: Function, randomUUID: Function }} */
let random;

/**
 * The global `crypto`, which is also node:crypto's `webcrypto`.
 * @returns {any}
 */
export function webcrypto() {
  if (cryptoSingleton === undefined) {
    const crypto = web.crypto().crypto;
    // The flow's seeded generator (flow-file.md `seed`), not the system's;
    // Deno's method still checks the receiver and the argument, with Node's
    // errors, before the seeded bytes overwrite its own.
    const check = crypto.getRandomValues;
    const seeded = {
      getRandomValues(/** @type {ArrayBufferView} */ view) {
        FunctionPrototypeCall(check, this, view);
        return random.getRandomValues(view);
      },
      randomUUID() {
        return random.randomUUID();
      },
    };
    for (const [name, fn] of ObjectEntries(seeded)) {
      ObjectDefineProperty(crypto, name, { __proto__: null, value: fn, writable: true, enumerable: false, configurable: true });
    }
    cryptoSingleton = crypto;
  }
  return cryptoSingleton;
}
