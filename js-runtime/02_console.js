// @ts-check
// `console`: formats arguments the way Node's util.format does for the common
// cases and hands each line to the host, which caps and records it per
// invocation.

import { primordials } from "ext:core/mod.js";
import { op_host_console } from "ext:core/ops";
const {
  ArrayIsArray,
  ArrayPrototypeJoin,
  ArrayPrototypeMap,
  JSONStringify,
  ObjectFreeze,
  ObjectKeys,
  String,
  StringPrototypeReplace,
  SafeWeakSet,
  WeakSetPrototypeAdd,
  WeakSetPrototypeHas,
  WeakSetPrototypeDelete,
} = primordials;

const LEVEL = { log: 0, info: 1, warn: 2, error: 3, debug: 4, trace: 5 };

/**
 * Node quotes nested strings with single quotes.
 * @param {string} value
 */
function quote(value) {
  const json = JSONStringify(value);
  return `'${StringPrototypeReplace(StringPrototypeReplace(json.slice(1, -1), /\\"/g, '"'), /'/g, "\\'")}'`;
}

/**
 * A short, Node-like rendering of a value.
 * @param {unknown} value
 * @param {number} depth
 * @param {WeakSet<object>} seen
 * @returns {string}
 */
export function inspect(value, depth, seen) {
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : quote(value);
    case "function":
      return `[Function: ${value.name || "(anonymous)"}]`;
    case "bigint":
      return `${value}n`;
    case "symbol":
      return String(value);
    case "object":
      break;
    default:
      return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Error) return String(value.stack ?? value);
  if (WeakSetPrototypeHas(seen, value)) return "[Circular]";
  if (depth > 3) return ArrayIsArray(value) ? "[Array]" : "[Object]";
  WeakSetPrototypeAdd(seen, value);
  let out;
  if (ArrayIsArray(value)) {
    out = `[ ${ArrayPrototypeJoin(ArrayPrototypeMap(value, (v) => inspect(v, depth + 1, seen)), ", ")} ]`;
    if (value.length === 0) out = "[]";
  } else {
    const keys = ObjectKeys(value);
    const parts = ArrayPrototypeMap(keys, (k) => `${k}: ${inspect(/** @type {any} */ (value)[k], depth + 1, seen)}`);
    out = keys.length === 0 ? "{}" : `{ ${ArrayPrototypeJoin(parts, ", ")} }`;
  }
  WeakSetPrototypeDelete(seen, value);
  return out;
}

/**
 * util.format: `%s %d %i %f %j %o %O %%` in the first string, the rest joined by spaces.
 * @param {unknown[]} args
 */
export function format(args) {
  const seen = new SafeWeakSet();
  let rest = 0;
  let head = "";
  if (typeof args[0] === "string") {
    rest = 1;
    head = StringPrototypeReplace(args[0], /%[sdifjoO%]/g, (/** @type {string} */ spec) => {
      if (spec === "%%") return "%";
      if (rest >= args.length) return spec;
      const arg = args[rest++];
      switch (spec) {
        case "%s": return typeof arg === "string" ? arg : inspect(arg, 1, seen);
        case "%d": return typeof arg === "bigint" ? `${arg}n` : String(Number(arg));
        case "%i": return typeof arg === "bigint" ? `${arg}n` : String(parseInt(String(arg), 10));
        case "%f": return String(Number(arg));
        case "%j": try { return JSONStringify(arg); } catch { return "[Circular]"; }
        default: return inspect(arg, 1, seen);
      }
    });
  }
  const tail = ArrayPrototypeMap(args.slice(rest), (a) => inspect(a, 0, seen));
  // `rest` has moved past the arguments the format string consumed.
  return typeof args[0] === "string" ? ArrayPrototypeJoin([head, ...tail], " ") : ArrayPrototypeJoin(tail, " ");
}

/** @param {keyof typeof LEVEL} level */
function method(level) {
  return (/** @type {unknown[]} */ ...args) => op_host_console(LEVEL[level], format(args));
}

export const console = ObjectFreeze({
  log: method("log"),
  info: method("info"),
  warn: method("warn"),
  error: method("error"),
  debug: method("debug"),
  trace: method("trace"),
});
