// @ts-check
// `util` (and `util/types`): the parts Actions and their packages use.
import { format, inspect as render } from "ext:actions_runtime/02_console.js";
import { web } from "ext:actions_runtime/05_web.js";

const customInspect = Symbol.for("nodejs.util.inspect.custom");
const customPromisify = Symbol.for("nodejs.util.promisify.custom");
const tag = (/** @type {unknown} */ v) => Object.prototype.toString.call(v);

export default function create() {
  /** @param {unknown} value @param {any} [options] */
  function inspect(value, options) {
    if (value !== null && typeof value === "object" && typeof (/** @type {any} */ (value))[customInspect] === "function") {
      return String((/** @type {any} */ (value))[customInspect](options?.depth ?? 2, options ?? {}, inspect));
    }
    return render(value, 1, new WeakSet());
  }
  inspect.custom = customInspect;
  inspect.defaultOptions = { depth: 2, colors: false };

  /** @param {Function} original */
  function promisify(original) {
    if (typeof original !== "function") {
      const error = new TypeError('The "original" argument must be of type function');
      /** @type {any} */ (error).code = "ERR_INVALID_ARG_TYPE";
      throw error;
    }
    if (typeof (/** @type {any} */ (original))[customPromisify] === "function") return (/** @type {any} */ (original))[customPromisify];
    /** @this {unknown} @param {unknown[]} args */
    function promisified(...args) {
      return new Promise((resolve, reject) => {
        original.call(this, ...args, (/** @type {unknown} */ err, /** @type {unknown[]} */ ...values) => {
          if (err) reject(err);
          else resolve(values.length > 1 ? values : values[0]);
        });
      });
    }
    Object.setPrototypeOf(promisified, Object.getPrototypeOf(original));
    return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(original));
  }
  promisify.custom = customPromisify;

  /** @param {Function} original */
  function callbackify(original) {
    /** @this {unknown} @param {any[]} args */
    return function (...args) {
      const callback = args.pop();
      original.apply(this, args).then(
        (/** @type {unknown} */ value) => queueMicrotask(() => callback(null, value)),
        (/** @type {unknown} */ err) => queueMicrotask(() => callback(err || new Error("Promise was rejected with a falsy value"))),
      );
    };
  }

  /** @param {any} ctor @param {any} superCtor */
  function inherits(ctor, superCtor) {
    Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
    Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
  }

  /** @param {Function} fn @param {string} message */
  function deprecate(fn, message) {
    let warned = false;
    /** @this {unknown} @param {unknown[]} args */
    return function (...args) {
      if (!warned) {
        warned = true;
        /** @type {any} */ (globalThis).process?.emitWarning?.(message);
      }
      return fn.apply(this, args);
    };
  }

  /** @param {unknown} a @param {unknown} b @param {WeakMap<object, object>} [seen] @returns {boolean} */
  function isDeepStrictEqual(a, b, seen = new WeakMap()) {
    if (Object.is(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || tag(a) !== tag(b)) return false;
    if (seen.get(a) === b) return true;
    seen.set(a, b);
    if (a instanceof Date) return a.getTime() === /** @type {Date} */ (b).getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (a instanceof Map) {
      const m = /** @type {Map<unknown, unknown>} */ (b);
      if (a.size !== m.size) return false;
      for (const [k, v] of a) if (!m.has(k) || !isDeepStrictEqual(v, m.get(k), seen)) return false;
      return true;
    }
    if (a instanceof Set) {
      const s = /** @type {Set<unknown>} */ (b);
      if (a.size !== s.size) return false;
      for (const v of a) if (!s.has(v)) return false;
      return true;
    }
    if (ArrayBuffer.isView(a)) {
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const yv = /** @type {ArrayBufferView} */ (b);
      const y = new Uint8Array(yv.buffer, yv.byteOffset, yv.byteLength);
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    const ka = Reflect.ownKeys(a).filter((k) => Object.prototype.propertyIsEnumerable.call(a, k));
    const kb = Reflect.ownKeys(b).filter((k) => Object.prototype.propertyIsEnumerable.call(b, k));
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual(/** @type {any} */ (a)[k], /** @type {any} */ (b)[k], seen));
  }

  const types = {
    isPromise: (/** @type {unknown} */ v) => v instanceof Promise,
    isDate: (/** @type {unknown} */ v) => tag(v) === "[object Date]",
    isRegExp: (/** @type {unknown} */ v) => tag(v) === "[object RegExp]",
    isMap: (/** @type {unknown} */ v) => tag(v) === "[object Map]",
    isSet: (/** @type {unknown} */ v) => tag(v) === "[object Set]",
    isWeakMap: (/** @type {unknown} */ v) => tag(v) === "[object WeakMap]",
    isWeakSet: (/** @type {unknown} */ v) => tag(v) === "[object WeakSet]",
    isNativeError: (/** @type {unknown} */ v) => v instanceof Error,
    isArrayBuffer: (/** @type {unknown} */ v) => tag(v) === "[object ArrayBuffer]",
    isSharedArrayBuffer: (/** @type {unknown} */ v) => tag(v) === "[object SharedArrayBuffer]",
    isAnyArrayBuffer: (/** @type {unknown} */ v) => tag(v) === "[object ArrayBuffer]" || tag(v) === "[object SharedArrayBuffer]",
    isArrayBufferView: (/** @type {unknown} */ v) => ArrayBuffer.isView(v),
    isTypedArray: (/** @type {unknown} */ v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
    isUint8Array: (/** @type {unknown} */ v) => v instanceof Uint8Array,
    isDataView: (/** @type {unknown} */ v) => v instanceof DataView,
    isAsyncFunction: (/** @type {unknown} */ v) => tag(v) === "[object AsyncFunction]",
    isGeneratorFunction: (/** @type {unknown} */ v) => tag(v) === "[object GeneratorFunction]" || tag(v) === "[object AsyncGeneratorFunction]",
    isGeneratorObject: (/** @type {unknown} */ v) => tag(v) === "[object Generator]",
    isBoxedPrimitive: (/** @type {unknown} */ v) => ["[object Number]", "[object String]", "[object Boolean]", "[object BigInt]", "[object Symbol]"].includes(tag(v)) && typeof v === "object",
    isProxy: () => false,
    isKeyObject: () => false,
  };

  return {
    format: (/** @type {unknown[]} */ ...args) => format(args),
    formatWithOptions: (/** @type {unknown} */ _options, /** @type {unknown[]} */ ...args) => format(args),
    inspect,
    promisify,
    callbackify,
    inherits,
    deprecate,
    debuglog: () => Object.assign(() => {}, { enabled: false }),
    debug: () => Object.assign(() => {}, { enabled: false }),
    isDeepStrictEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b) => isDeepStrictEqual(a, b),
    isArray: Array.isArray,
    isError: (/** @type {unknown} */ v) => v instanceof Error,
    isFunction: (/** @type {unknown} */ v) => typeof v === "function",
    isString: (/** @type {unknown} */ v) => typeof v === "string",
    isNumber: (/** @type {unknown} */ v) => typeof v === "number",
    isObject: (/** @type {unknown} */ v) => v !== null && typeof v === "object",
    isPrimitive: (/** @type {unknown} */ v) => v === null || (typeof v !== "object" && typeof v !== "function"),
    types,
    get TextEncoder() {
      return web.text().TextEncoder;
    },
    get TextDecoder() {
      return web.text().TextDecoder;
    },
    toUSVString: (/** @type {string} */ s) => String(s).toWellFormed(),
    stripVTControlCharacters: (/** @type {string} */ s) => String(s).replace(/\u001b\[[0-9;]*m/g, ""),
  };
}
