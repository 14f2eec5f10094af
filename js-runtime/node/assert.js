// @ts-check
// `assert` and `assert/strict`.
export default function create(require) {
  const util = require("util");

  class AssertionError extends Error {
    /** @param {{ message?: string, actual?: unknown, expected?: unknown, operator?: string }} options */
    constructor(options) {
      super(options.message ?? `${util.inspect(options.actual)} ${options.operator} ${util.inspect(options.expected)}`);
      this.name = "AssertionError";
      this.code = "ERR_ASSERTION";
      this.actual = options.actual;
      this.expected = options.expected;
      this.operator = options.operator;
      this.generatedMessage = options.message === undefined;
    }
  }

  /** @param {unknown} message @param {any} fallback */
  const fail = (message, fallback) => {
    if (message instanceof Error) throw message;
    throw new AssertionError({ ...fallback, message: message === undefined ? undefined : String(message) });
  };

  /** @param {unknown} value @param {unknown} [message] */
  function ok(value, message) {
    if (!value) fail(message ?? "The expression evaluated to a falsy value", { actual: value, expected: true, operator: "==" });
  }
  /** @param {any} fn @param {any} expected */
  const matches = (fn, expected) => {
    if (expected === undefined) return true;
    if (typeof expected === "function" && expected.prototype !== undefined && fn instanceof expected) return true;
    if (expected instanceof RegExp) return expected.test(String(fn?.message ?? fn));
    if (typeof expected === "function") return expected(fn) === true;
    if (typeof expected === "object") return Object.keys(expected).every((k) => util.isDeepStrictEqual(fn?.[k], expected[k]));
    return false;
  };

  const assert = Object.assign(
    (/** @type {unknown} */ value, /** @type {unknown} */ message) => ok(value, message),
    {
      ok,
      AssertionError,
      fail: (/** @type {unknown} */ message = "Failed") => fail(message, { operator: "fail" }),
      equal: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (a != b) fail(m, { actual: a, expected: b, operator: "==" }); },
      notEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (a == b) fail(m, { actual: a, expected: b, operator: "!=" }); },
      strictEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (!Object.is(a, b)) fail(m, { actual: a, expected: b, operator: "strictEqual" }); },
      notStrictEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (Object.is(a, b)) fail(m, { actual: a, expected: b, operator: "notStrictEqual" }); },
      deepEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (!util.isDeepStrictEqual(a, b)) fail(m, { actual: a, expected: b, operator: "deepEqual" }); },
      deepStrictEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (!util.isDeepStrictEqual(a, b)) fail(m, { actual: a, expected: b, operator: "deepStrictEqual" }); },
      notDeepStrictEqual: (/** @type {unknown} */ a, /** @type {unknown} */ b, /** @type {unknown} */ m) => { if (util.isDeepStrictEqual(a, b)) fail(m, { actual: a, expected: b, operator: "notDeepStrictEqual" }); },
      match: (/** @type {string} */ s, /** @type {RegExp} */ re, /** @type {unknown} */ m) => { if (!re.test(s)) fail(m, { actual: s, expected: re, operator: "match" }); },
      /** @param {() => unknown} fn @param {any} [expected] @param {unknown} [m] */
      throws(fn, expected, m) {
        try {
          fn();
        } catch (e) {
          if (!matches(e, expected)) throw e;
          return;
        }
        fail(m ?? "Missing expected exception.", { operator: "throws" });
      },
      /** @param {() => unknown} fn */
      doesNotThrow(fn) {
        fn();
      },
      /** @param {any} promise @param {any} [expected] @param {unknown} [m] */
      async rejects(promise, expected, m) {
        try {
          await (typeof promise === "function" ? promise() : promise);
        } catch (e) {
          if (!matches(e, expected)) throw e;
          return;
        }
        fail(m ?? "Missing expected rejection.", { operator: "rejects" });
      },
      /** @param {unknown} value */
      ifError(value) {
        if (value !== null && value !== undefined) throw value;
      },
    },
  );
  /** @type {any} */ (assert).strict = assert;
  return assert;
}
