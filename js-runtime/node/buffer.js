// @ts-check
// `buffer`: the npm port of Node's Buffer (vendor/buffer.js), plus what
// Node 22 has and the port lacks: the `base64url` encoding (JWT code uses
// it), `atob`/`btoa`, `constants`, `isUtf8`/`isAscii`.

export default function create(require) {
  const port = require("buffer-port");
  const { Buffer } = port;

  /** base64url -> base64 with padding. @param {string} s */
  const fromUrl = (s) => {
    const base64 = String(s).replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
    return base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  };
  /** base64 -> base64url without padding. @param {string} s */
  const toUrl = (s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  /** @param {unknown} encoding */
  const isUrl = (encoding) => typeof encoding === "string" && encoding.toLowerCase() === "base64url";

  const from = Buffer.from;
  Buffer.from = function (/** @type {any} */ value, /** @type {any} */ encoding, /** @type {any} */ length) {
    if (typeof value === "string" && isUrl(encoding)) return from.call(this, fromUrl(value), "base64");
    return from.call(this, value, encoding, length);
  };
  const toString = Buffer.prototype.toString;
  Buffer.prototype.toString = function (/** @type {any} */ encoding, /** @type {any} */ start, /** @type {any} */ end) {
    if (isUrl(encoding)) return toUrl(toString.call(this, "base64", start, end));
    return toString.call(this, encoding, start, end);
  };
  const write = Buffer.prototype.write;
  Buffer.prototype.write = function (/** @type {any} */ string, /** @type {any[]} */ ...rest) {
    const i = rest.findIndex(isUrl);
    if (i >= 0) {
      rest[i] = "base64";
      return write.call(this, fromUrl(string), ...rest);
    }
    return write.call(this, string, ...rest);
  };
  const byteLength = Buffer.byteLength;
  Buffer.byteLength = function (/** @type {any} */ value, /** @type {any} */ encoding) {
    if (typeof value === "string" && isUrl(encoding)) return byteLength.call(this, fromUrl(value), "base64");
    return byteLength.call(this, value, encoding);
  };
  const isEncoding = Buffer.isEncoding;
  Buffer.isEncoding = (/** @type {any} */ encoding) => isUrl(encoding) || isEncoding(encoding);

  /** @param {ArrayBufferView} view */
  const bytes = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return {
    ...port,
    Buffer,
    atob: globalThis.atob,
    btoa: globalThis.btoa,
    constants: { MAX_LENGTH: port.kMaxLength, MAX_STRING_LENGTH: 2 ** 29 - 24 },
    kStringMaxLength: 2 ** 29 - 24,
    isAscii: (/** @type {ArrayBufferView} */ input) => bytes(input).every((b) => b < 0x80),
    isUtf8: (/** @type {ArrayBufferView} */ input) => {
      try {
        new (web.text().TextDecoder)("utf-8", { fatal: true }).decode(input);
        return true;
      } catch {
        return false;
      }
    },
  };
}
