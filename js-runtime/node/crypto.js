// @ts-check
// `crypto`: Node 22's hashing, HMAC, secret keys and random values, with
// Node's argument checks and error messages. The digests and HMACs are computed
// in Rust (crates/actions-runtime/src/ops/crypto.rs); random bytes come from a
// generator seeded with the flow's `seed`, so a flow replays byte for byte.
// Hash and Hmac keep their input until `digest()` (they are not streams).
// Public-key crypto, ciphers and key derivation are not emulated yet: those
// functions exist, so packages that pick them up at load time (jsonwebtoken,
// jws) still load, and throw an Error naming the function when called.

import { primordials } from "ext:core/mod.js";
import { webcrypto } from "ext:actions_runtime/05_web.js";
import {
  op_crypto_digest,
  op_crypto_hmac,
  op_crypto_random_fill,
  op_crypto_timing_safe_equal,
} from "ext:core/ops";
const {
  ArrayBufferIsView,
  ArrayBufferPrototypeGetByteLength,
  ArrayIsArray,
  ArrayPrototypePush,
  ArrayPrototypeSlice,
  Error,
  FunctionPrototypeCall,
  JSONStringify,
  MathAbs,
  MathMin,
  NumberIsInteger,
  NumberIsNaN,
  NumberIsSafeInteger,
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectIs,
  RangeError,
  SafeMap,
  String,
  StringPrototypeIndexOf,
  StringPrototypeReplace,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  Symbol,
  SymbolToStringTag,
  TypeError,
  TypedArrayPrototypeGetSymbolToStringTag,
  TypedArrayPrototypeSet,
  Uint8Array,
  queueMicrotask,
} = primordials;

// ---- Node's errors ---------------------------------------------------------

/**
 * An error as Node's `internal/errors` builds it: the engine's class, a
 * `code`, and `toString()` giving `TypeError [CODE]: message`.
 * @param {ErrorConstructor} Class
 * @param {string} code
 * @param {string} message
 */
function nodeError(Class, code, message) {
  const error = new Class(message);
  /** @type {any} */ (error).code = code;
  ObjectDefineProperty(error, "toString", {
    __proto__: null,
    value() {
      return `${this.name} [${code}]: ${this.message}`;
    },
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return error;
}

/** Node's `determineSpecificType`, the "Received ..." part. @param {unknown} value */
function received(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "number":
      return `type number (${ObjectIs(value, -0) ? "-0" : String(value)})`;
    case "bigint":
      return `type bigint (${String(value)}n)`;
    case "boolean":
    case "symbol":
      return `type ${typeof value} (${String(value)})`;
    case "function":
      return `function ${value.name}`;
    case "string": {
      const shown = value.length > 28 ? `${StringPrototypeSlice(value, 0, 25)}...` : value;
      return StringPrototypeIndexOf(shown, "'") === -1 ? `type string ('${shown}')` : `type string (${JSONStringify(shown)})`;
    }
    default: {
      const constructor = /** @type {any} */ (value).constructor;
      if (constructor && typeof constructor.name === "string") return `an instance of ${constructor.name}`;
      return "[Object: null prototype] {}";
    }
  }
}

/** Node's `inspect` for the numbers and strings these messages quote. @param {unknown} value */
function inspected(value) {
  if (typeof value === "string") return StringPrototypeIndexOf(value, "'") === -1 ? `'${value}'` : JSONStringify(value);
  if (typeof value === "number" && ObjectIs(value, -0)) return "-0";
  return String(value);
}

/** `ERR_INVALID_ARG_TYPE`, with the "must be ..." part spelled out by the caller. */
function invalidArgType(/** @type {string} */ name, /** @type {string} */ expected, /** @type {unknown} */ value) {
  const kind = StringPrototypeIndexOf(name, ".") === -1 ? "argument" : "property";
  return nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "${name}" ${kind} must be ${expected}. Received ${received(value)}`);
}

/** `ERR_INVALID_ARG_VALUE`. */
function invalidArgValue(/** @type {string} */ name, /** @type {unknown} */ value, reason = "is invalid") {
  const kind = StringPrototypeIndexOf(name, ".") === -1 ? "argument" : "property";
  return nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The ${kind} '${name}' ${reason}. Received ${inspected(value)}`);
}

/** `ERR_OUT_OF_RANGE`: big integers are shown with `_` separators, as Node does. */
function outOfRange(/** @type {string} */ name, /** @type {string} */ range, /** @type {unknown} */ value) {
  let shown = inspected(value);
  if (typeof value === "number" && NumberIsInteger(value) && MathAbs(value) > 2 ** 32) {
    const digits = String(value);
    const start = digits[0] === "-" ? 1 : 0;
    let grouped = "";
    let i = digits.length;
    for (; i >= start + 4; i -= 3) grouped = `_${StringPrototypeSlice(digits, i - 3, i)}${grouped}`;
    shown = `${StringPrototypeSlice(digits, 0, i)}${grouped}`;
  }
  return nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

const digestAlreadyCalled = () => nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");

/** @param {unknown} value @param {string} name */
function validateString(value, name) {
  if (typeof value !== "string") throw invalidArgType(name, "of type string", value);
}

/** @param {unknown} value @param {string} name */
function validateFunction(value, name) {
  if (typeof value !== "function") throw invalidArgType(name, "of type function", value);
}

/** @param {unknown} value @param {string} name */
function validateObject(value, name) {
  if (value === null || typeof value !== "object" || ArrayIsArray(value)) {
    throw invalidArgType(name, "of type object", value);
  }
}

/** @param {unknown} value @param {string} name */
function validateUint32(value, name) {
  if (typeof value !== "number") throw invalidArgType(name, "of type number", value);
  if (!NumberIsInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < 0 || value > 4294967295) throw outOfRange(name, ">= 0 && <= 4294967295", value);
}

// ---- Bytes -----------------------------------------------------------------

/** @param {unknown} value @returns {value is ArrayBuffer} */
function isAnyArrayBuffer(value) {
  if (value === null || typeof value !== "object") return false;
  try {
    ArrayBufferPrototypeGetByteLength(value);
    return true;
  } catch {
    return typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer;
  }
}

/** A `Uint8Array` over the bytes of a view or buffer (no copy). @param {ArrayBufferView | ArrayBuffer} source */
function bytesOf(source) {
  if (ArrayBufferIsView(source)) {
    const view = /** @type {ArrayBufferView} */ (source);
    return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  }
  return new Uint8Array(/** @type {ArrayBuffer} */ (source));
}

/** A private copy of `bytes`. @param {Uint8Array} bytes */
function copyOf(bytes) {
  const copy = new Uint8Array(bytes.length);
  TypedArrayPrototypeSet(copy, bytes);
  return copy;
}

const EMPTY = new Uint8Array(0);

/** Joins the chunks a Hash or Hmac kept. @param {Uint8Array[]} chunks */
function concat(chunks) {
  if (chunks.length === 1) return chunks[0];
  let length = 0;
  for (let i = 0; i < chunks.length; i++) length += chunks[i].length;
  const joined = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    TypedArrayPrototypeSet(joined, chunks[i], at);
    at += chunks[i].length;
  }
  return joined;
}

/**
 * Node's `normalizeEncoding`: the canonical name, or `undefined`.
 * @param {unknown} encoding
 */
function normalizeEncoding(encoding) {
  if (encoding === undefined || encoding === null || encoding === "") return "utf8";
  switch (StringPrototypeToLowerCase(`${encoding}`)) {
    case "utf8": case "utf-8": return "utf8";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    case "latin1": case "binary": return "latin1";
    case "base64": return "base64";
    case "base64url": return "base64url";
    case "hex": return "hex";
    case "ascii": return "ascii";
    default: return undefined;
  }
}

// ---- Digest names ----------------------------------------------------------

// WARNING: must match actions_runtime::ops::crypto::HashAlgorithm::from_node_name
// (the names Node's getHashes() lists for the digests implemented there).
const HASH_NAMES = ObjectFreeze([
  "RSA-MD5", "RSA-SHA1", "RSA-SHA1-2", "RSA-SHA224", "RSA-SHA256", "RSA-SHA384", "RSA-SHA512", "RSA-SHA512/224",
  "RSA-SHA512/256", "md5", "md5WithRSAEncryption", "sha1", "sha1WithRSAEncryption", "sha224", "sha224WithRSAEncryption",
  "sha256", "sha256WithRSAEncryption", "sha384", "sha384WithRSAEncryption", "sha512", "sha512-224",
  "sha512-224WithRSAEncryption", "sha512-256", "sha512-256WithRSAEncryption", "sha512WithRSAEncryption", "ssl3-md5",
  "ssl3-sha1",
]);

/** Algorithm names the host has accepted, with their digest length (asked once, then cached). */
const knownDigests = new SafeMap();

/**
 * The digest length of `algorithm`; throws Node's error unless the host implements it.
 * @param {string} algorithm
 * @returns {number}
 */
function checkDigest(algorithm) {
  let length = knownDigests.get(algorithm);
  if (length === undefined) {
    length = op_crypto_digest(algorithm, EMPTY).length;
    knownDigests.set(algorithm, length);
  }
  return length;
}

/** Throws Node's HMAC error unless the host implements `algorithm`. @param {string} algorithm */
function checkHmacDigest(algorithm) {
  if (knownDigests.has(algorithm)) return;
  op_crypto_hmac(algorithm, EMPTY, EMPTY);
  checkDigest(algorithm);
}

// Node's `constants` (OpenSSL 3's values): packages read them at load time.
const CONSTANTS = ObjectFreeze({
  OPENSSL_VERSION_NUMBER: 805306672, SSL_OP_ALL: 2147485776, SSL_OP_ALLOW_NO_DHE_KEX: 1024,
  SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION: 262144, SSL_OP_CIPHER_SERVER_PREFERENCE: 4194304,
  SSL_OP_CISCO_ANYCONNECT: 32768, SSL_OP_COOKIE_EXCHANGE: 8192, SSL_OP_CRYPTOPRO_TLSEXT_BUG: 2147483648,
  SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS: 2048, SSL_OP_LEGACY_SERVER_CONNECT: 4, SSL_OP_NO_COMPRESSION: 131072,
  SSL_OP_NO_ENCRYPT_THEN_MAC: 524288, SSL_OP_NO_QUERY_MTU: 4096, SSL_OP_NO_RENEGOTIATION: 1073741824,
  SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: 65536, SSL_OP_NO_SSLv2: 0, SSL_OP_NO_SSLv3: 33554432,
  SSL_OP_NO_TICKET: 16384, SSL_OP_NO_TLSv1: 67108864, SSL_OP_NO_TLSv1_1: 268435456, SSL_OP_NO_TLSv1_2: 134217728,
  SSL_OP_NO_TLSv1_3: 536870912, SSL_OP_PRIORITIZE_CHACHA: 2097152, SSL_OP_TLS_ROLLBACK_BUG: 8388608,
  ENGINE_METHOD_RSA: 1, ENGINE_METHOD_DSA: 2, ENGINE_METHOD_DH: 4, ENGINE_METHOD_RAND: 8, ENGINE_METHOD_EC: 2048,
  ENGINE_METHOD_CIPHERS: 64, ENGINE_METHOD_DIGESTS: 128, ENGINE_METHOD_PKEY_METHS: 512,
  ENGINE_METHOD_PKEY_ASN1_METHS: 1024, ENGINE_METHOD_ALL: 65535, ENGINE_METHOD_NONE: 0,
  DH_CHECK_P_NOT_SAFE_PRIME: 2, DH_CHECK_P_NOT_PRIME: 1, DH_UNABLE_TO_CHECK_GENERATOR: 4, DH_NOT_SUITABLE_GENERATOR: 8,
  RSA_PKCS1_PADDING: 1, RSA_NO_PADDING: 3, RSA_PKCS1_OAEP_PADDING: 4, RSA_X931_PADDING: 5, RSA_PKCS1_PSS_PADDING: 6,
  RSA_PSS_SALTLEN_DIGEST: -1, RSA_PSS_SALTLEN_MAX_SIGN: -2, RSA_PSS_SALTLEN_AUTO: -2,
  defaultCoreCipherList:
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA",
  TLS1_VERSION: 769, TLS1_1_VERSION: 770, TLS1_2_VERSION: 771, TLS1_3_VERSION: 772,
  POINT_CONVERSION_COMPRESSED: 2, POINT_CONVERSION_UNCOMPRESSED: 4, POINT_CONVERSION_HYBRID: 6,
  defaultCipherList:
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA",
});

// Node's `randomBytes`/`randomFill` limits (lib/internal/crypto/random.js).
const kMaxPossibleLength = 2 ** 31 - 1;
// Largest integer randomInt draws (six bytes).
const RAND_MAX = 0xffff_ffff_ffff;

const kState = Symbol("kState");
const kHandle = Symbol("kHandle");
const kKeyType = Symbol("kKeyType");

/**
 * Creates the `crypto` exports for one flow.
 * @param {(name: string) => any} require
 */
export default function create(require) {
  const { Buffer } = /** @type {any} */ (require)("buffer");

  /** A Buffer over the op's fresh bytes (no copy). @param {Uint8Array} bytes */
  const toBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // The npm Buffer port predates `base64url`; its base64 decoder already
  // takes `-` and `_`, so only encoding needs help.
  /** `buffer.toString(encoding)`. @param {any} buffer @param {string} encoding */
  const encode = (buffer, encoding) =>
    encoding === "base64url"
      ? StringPrototypeReplace(StringPrototypeReplace(StringPrototypeReplace(buffer.toString("base64"), /\+/g, "-"), /\//g, "_"), /=+$/, "")
      : buffer.toString(encoding);
  /** `Buffer.from(string, encoding)`. @param {string} string @param {string} encoding */
  const decode = (string, encoding) => bytesOf(Buffer.from(string, normalizeEncoding(encoding) === "base64url" ? "base64" : encoding));

  /**
   * What `digest(encoding)` returns: Node's C++ side answers a Buffer for a
   * missing or unknown encoding (`digest('foo')` is a Buffer).
   * @param {Uint8Array} bytes
   * @param {unknown} outputEncoding
   */
  function encodeDigest(bytes, outputEncoding) {
    const buffer = toBuffer(bytes);
    if (!outputEncoding) return buffer;
    const encoding = normalizeEncoding(outputEncoding);
    return encoding === undefined ? buffer : encode(buffer, encoding);
  }

  /**
   * The bytes of `update(data, encoding)`, copied (Node hashes them at once,
   * so later changes to the caller's buffer must not count).
   * @param {unknown} data
   * @param {unknown} encoding
   */
  function updateBytes(data, encoding) {
    if (typeof data === "string") {
      // Node's C++ side reads a string with an unknown encoding as UTF-8.
      const normalized = normalizeEncoding(encoding) ?? "utf8";
      if (normalized === "hex" && data.length % 2 !== 0) {
        throw invalidArgValue("encoding", encoding, `is invalid for data of length ${data.length}`);
      }
      return decode(data, normalized);
    }
    if (!ArrayBufferIsView(data)) {
      throw invalidArgType("data", "of type string or an instance of Buffer, TypedArray, or DataView", data);
    }
    return copyOf(bytesOf(/** @type {ArrayBufferView} */ (data)));
  }

  // ---- Hash ----------------------------------------------------------------

  /**
   * `crypto.Hash`: callable with or without `new`, like Node's.
   * @this {any}
   * @param {unknown} algorithm
   * @param {unknown} [options]
   * @returns {any}
   */
  function Hash(algorithm, options) {
    if (!new.target) return new /** @type {any} */ (Hash)(algorithm, options);
    validateString(algorithm, "algorithm");
    const xofLength = options !== null && typeof options === "object" ? /** @type {any} */ (options).outputLength : undefined;
    if (xofLength !== undefined) validateUint32(xofLength, "options.outputLength");
    const length = checkDigest(/** @type {string} */ (algorithm));
    // None of the digests here is an XOF: OpenSSL only takes their own length.
    if (xofLength !== undefined && xofLength !== length) {
      throw nodeError(Error, "ERR_OSSL_EVP_NOT_XOF_OR_INVALID_LENGTH", "error:030000B2:digital envelope routines::not XOF or invalid length");
    }
    this[kState] = { algorithm, chunks: [], finalized: false };
  }

  /** @this {any} @param {unknown} data @param {unknown} [inputEncoding] */
  Hash.prototype.update = function update(data, inputEncoding) {
    const state = this[kState];
    if (state.finalized) throw digestAlreadyCalled();
    ArrayPrototypePush(state.chunks, updateBytes(data, inputEncoding));
    if (state.chunks.length > 64) state.chunks = [concat(state.chunks)];
    return this;
  };

  /** @this {any} @param {unknown} [outputEncoding] */
  Hash.prototype.digest = function digest(outputEncoding) {
    const state = this[kState];
    if (state.finalized) throw digestAlreadyCalled();
    const bytes = op_crypto_digest(state.algorithm, concat(state.chunks));
    state.finalized = true;
    state.chunks = [];
    return encodeDigest(bytes, outputEncoding);
  };

  /** @this {any} @param {unknown} [options] */
  Hash.prototype.copy = function copy(options) {
    const state = this[kState];
    if (state.finalized) throw digestAlreadyCalled();
    const twin = new /** @type {any} */ (Hash)(state.algorithm, options);
    twin[kState].chunks = ArrayPrototypeSlice(state.chunks);
    return twin;
  };

  // ---- Hmac ----------------------------------------------------------------

  /**
   * `crypto.Hmac`: callable with or without `new`, like Node's.
   * @this {any}
   * @param {unknown} hmac
   * @param {unknown} key
   * @param {any} [options]
   * @returns {any}
   */
  function Hmac(hmac, key, options) {
    if (!(this instanceof Hmac)) return new /** @type {any} */ (Hmac)(hmac, key, options);
    validateString(hmac, "hmac");
    let encoding;
    if (options && options.encoding != null) {
      validateString(options.encoding, "options.encoding");
      encoding = options.encoding;
    }
    const keyBytes = prepareSecretKey(key, encoding, false);
    checkHmacDigest(/** @type {string} */ (hmac));
    /** @type {any} */ (this)[kState] = { algorithm: hmac, key: keyBytes, chunks: [], finalized: false };
  }

  Hmac.prototype.update = Hash.prototype.update;

  /** @this {any} @param {unknown} [outputEncoding] */
  Hmac.prototype.digest = function digest(outputEncoding) {
    const state = this[kState];
    if (state.finalized) {
      // Node answers an empty digest the second time.
      const empty = Buffer.alloc(0);
      return outputEncoding && outputEncoding !== "buffer" ? encode(empty, /** @type {any} */ (outputEncoding)) : empty;
    }
    const bytes = op_crypto_hmac(state.algorithm, state.key, concat(state.chunks));
    state.finalized = true;
    state.chunks = [];
    return encodeDigest(bytes, outputEncoding);
  };

  /** @param {unknown} algorithm @param {unknown} [options] */
  const createHash = (algorithm, options) => new /** @type {any} */ (Hash)(algorithm, options);
  /** @param {unknown} hmac @param {unknown} key @param {unknown} [options] */
  const createHmac = (hmac, key, options) => new /** @type {any} */ (Hmac)(hmac, key, options);

  /**
   * Node 22's one-shot `crypto.hash(algorithm, data, outputEncoding = 'hex')`.
   * @param {unknown} algorithm
   * @param {unknown} input
   * @param {unknown} [outputEncoding]
   */
  function hash(algorithm, input, outputEncoding = "hex") {
    validateString(algorithm, "algorithm");
    if (typeof input !== "string" && !ArrayBufferIsView(input)) {
      throw invalidArgType("input", "of type string or an instance of Buffer, TypedArray, or DataView", input);
    }
    let normalized = /** @type {string | undefined} */ (outputEncoding);
    if (outputEncoding !== "hex") {
      validateString(outputEncoding, "outputEncoding");
      normalized = normalizeEncoding(outputEncoding);
      if (normalized === undefined) {
        if (StringPrototypeToLowerCase(/** @type {string} */ (outputEncoding)) === "buffer") normalized = "buffer";
        else throw invalidArgValue("outputEncoding", outputEncoding);
      }
    }
    const data = typeof input === "string" ? bytesOf(Buffer.from(input, "utf8")) : bytesOf(/** @type {ArrayBufferView} */ (input));
    let bytes;
    try {
      bytes = op_crypto_digest(/** @type {string} */ (algorithm), data);
    } catch {
      // The only failure is an unknown algorithm; the one-shot path names it.
      throw new Error(`Digest method ${algorithm} is not supported`);
    }
    knownDigests.set(algorithm, bytes.length);
    const buffer = toBuffer(bytes);
    return normalized === "buffer" ? buffer : encode(buffer, /** @type {string} */ (normalized));
  }

  const getHashes = () => ArrayPrototypeSlice(HASH_NAMES);

  // ---- Secret keys ---------------------------------------------------------

  class KeyObjectHandle {
    /** @param {Uint8Array} bytes */
    constructor(bytes) {
      this.bytes = bytes;
    }
  }

  class KeyObject {
    /** @param {unknown} type @param {unknown} handle */
    constructor(type, handle) {
      if (type !== "secret" && type !== "public" && type !== "private") throw invalidArgValue("type", type);
      if (typeof handle !== "object" || !(handle instanceof KeyObjectHandle)) {
        throw invalidArgType("handle", "of type object", handle);
      }
      /** @type {any} */ (this)[kKeyType] = type;
      ObjectDefineProperty(this, kHandle, { __proto__: null, value: handle, enumerable: false, configurable: false, writable: false });
    }

    get type() {
      return /** @type {any} */ (this)[kKeyType];
    }

    /** @param {unknown} key */
    static from(key) {
      // A CryptoKey's key material is not reachable from here yet.
      throw invalidArgType("key", "an instance of CryptoKey", key);
    }

    /** @param {unknown} otherKeyObject */
    equals(otherKeyObject) {
      if (!(otherKeyObject instanceof KeyObject)) {
        throw invalidArgType("otherKeyObject", "an instance of KeyObject", otherKeyObject);
      }
      if (otherKeyObject.type !== this.type) return false;
      const a = /** @type {any} */ (this)[kHandle].bytes;
      const b = /** @type {any} */ (otherKeyObject)[kHandle].bytes;
      return a.length === b.length && op_crypto_timing_safe_equal(a, b);
    }
  }
  ObjectDefineProperty(KeyObject.prototype, SymbolToStringTag, { __proto__: null, value: "KeyObject", configurable: true });

  class SecretKeyObject extends KeyObject {
    /** @param {KeyObjectHandle} handle */
    constructor(handle) {
      super("secret", handle);
    }

    get symmetricKeySize() {
      return /** @type {any} */ (this)[kHandle].bytes.length;
    }

    /** @param {any} [options] */
    export(options) {
      const bytes = /** @type {any} */ (this)[kHandle].bytes;
      if (options !== undefined) {
        validateObject(options, "options");
        const format = options.format;
        if (format !== undefined && format !== "buffer" && format !== "jwk") {
          throw invalidArgValue("options.format", format, "must be one of: undefined, 'buffer', 'jwk'");
        }
        if (format === "jwk") return { kty: "oct", k: encode(Buffer.from(bytes), "base64url") };
      }
      return Buffer.from(bytes);
    }
  }

  /**
   * Node's `prepareSecretKey`: the key's bytes (a private copy).
   * @param {unknown} key
   * @param {string | undefined} encoding
   * @param {boolean} bufferOnly `createSecretKey` takes no KeyObject
   */
  function prepareSecretKey(key, encoding, bufferOnly) {
    if (!bufferOnly && key instanceof KeyObject) {
      if (key.type !== "secret") {
        throw nodeError(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${key.type}, expected secret.`);
      }
      return /** @type {any} */ (key)[kHandle].bytes;
    }
    if (typeof key === "string") {
      return decode(key, encoding === "buffer" || encoding === undefined ? "utf8" : encoding);
    }
    if (ArrayBufferIsView(key) || isAnyArrayBuffer(key)) return copyOf(bytesOf(/** @type {any} */ (key)));
    throw invalidArgType(
      "key",
      bufferOnly
        ? "an instance of ArrayBuffer, Buffer, TypedArray, or DataView"
        : "of type string or an instance of ArrayBuffer, Buffer, TypedArray, DataView, KeyObject, or CryptoKey",
      key,
    );
  }

  /** @param {unknown} key @param {string} [encoding] */
  function createSecretKey(key, encoding) {
    return new SecretKeyObject(new KeyObjectHandle(prepareSecretKey(key, encoding, true)));
  }

  // ---- Random values -------------------------------------------------------

  /** Fills `length` bytes of `target` from `offset` with the flow's random bytes. */
  function fill(/** @type {ArrayBufferView | ArrayBuffer} */ target, /** @type {number} */ offset, /** @type {number} */ length) {
    if (length === 0) return;
    const all = bytesOf(target);
    op_crypto_random_fill(new Uint8Array(all.buffer, all.byteOffset + offset, length));
  }

  /** @param {unknown} offset @param {number} elementSize @param {number} length */
  function assertOffset(offset, elementSize, length) {
    if (typeof offset !== "number") throw invalidArgType("offset", "of type number", offset);
    const bytes = offset * elementSize;
    const maxLength = MathMin(length, kMaxPossibleLength);
    if (NumberIsNaN(bytes) || bytes > maxLength || bytes < 0) throw outOfRange("offset", `>= 0 && <= ${maxLength}`, bytes);
    return bytes >>> 0;
  }

  /** @param {unknown} size @param {number} elementSize @param {number} offset @param {number} length */
  function assertSize(size, elementSize, offset, length) {
    if (typeof size !== "number") throw invalidArgType("size", "of type number", size);
    const bytes = size * elementSize;
    if (NumberIsNaN(bytes) || bytes > kMaxPossibleLength || bytes < 0) {
      throw outOfRange("size", `>= 0 && <= ${kMaxPossibleLength}`, bytes);
    }
    if (bytes + offset > length) throw outOfRange("size + offset", `<= ${length}`, bytes + offset);
    return bytes >>> 0;
  }

  /** @param {unknown} buf */
  function validateFillTarget(buf) {
    if (!isAnyArrayBuffer(buf) && !ArrayBufferIsView(buf)) {
      throw invalidArgType("buf", "an instance of ArrayBuffer or ArrayBufferView", buf);
    }
    return /** @type {any} */ (buf);
  }

  /** @param {unknown} size @param {Function} [callback] */
  function randomBytes(size, callback) {
    const length = assertSize(size, 1, 0, Infinity);
    if (callback !== undefined) validateFunction(callback, "callback");
    const buffer = Buffer.alloc(length);
    fill(buffer, 0, length);
    if (callback === undefined) return buffer;
    // Node goes through randomFill, which answers an empty request at once.
    if (length === 0) return void FunctionPrototypeCall(callback, undefined, null, buffer);
    // Drawn now, so the flow's byte stream follows call order; reported later.
    queueMicrotask(() => FunctionPrototypeCall(callback, undefined, null, buffer));
  }

  /** @param {unknown} buf @param {unknown} [offset] @param {unknown} [size] */
  function randomFillSync(buf, offset = 0, size = undefined) {
    const target = validateFillTarget(buf);
    const elementSize = target.BYTES_PER_ELEMENT || 1;
    const start = assertOffset(offset, elementSize, target.byteLength);
    const length = size === undefined ? target.byteLength - start : assertSize(size, elementSize, start, target.byteLength);
    fill(target, start, length);
    return target;
  }

  /** @param {unknown} buf @param {unknown} [offset] @param {unknown} [size] @param {unknown} [callback] */
  function randomFill(buf, offset, size, callback) {
    const target = validateFillTarget(buf);
    const elementSize = target.BYTES_PER_ELEMENT || 1;
    // Node's argument shuffling, quirks included: `size` is counted in
    // elements here, and an ArrayBuffer has no `length` (so Node throws).
    if (typeof offset === "function") {
      callback = offset;
      offset = 0;
      size = target.length;
    } else if (typeof size === "function") {
      callback = size;
      size = target.length - /** @type {number} */ (offset);
    } else {
      validateFunction(callback, "callback");
    }
    const start = assertOffset(offset, elementSize, target.byteLength);
    const length = size === undefined ? target.byteLength - start : assertSize(size, elementSize, start, target.byteLength);
    const done = /** @type {Function} */ (callback);
    if (length === 0) {
      done(null, target);
      return;
    }
    fill(target, start, length);
    queueMicrotask(() => FunctionPrototypeCall(done, undefined, null, target));
  }

  /** Six random bytes as an integer below 2^48. */
  function draw48() {
    const bytes = new Uint8Array(6);
    op_crypto_random_fill(bytes);
    return ((bytes[0] * 256 + bytes[1]) * 256 + bytes[2]) * 2 ** 24 + ((bytes[3] << 16) | (bytes[4] << 8) | bytes[5]);
  }

  /** @param {unknown} min @param {unknown} [max] @param {unknown} [callback] */
  function randomInt(min, max, callback) {
    const minNotSpecified = typeof max === "undefined" || typeof max === "function";
    if (minNotSpecified) {
      callback = max;
      max = min;
      min = 0;
    }
    const isSync = typeof callback === "undefined";
    if (!isSync) validateFunction(callback, "callback");
    if (!NumberIsSafeInteger(min)) throw invalidArgType("min", "a safe integer", min);
    if (!NumberIsSafeInteger(max)) throw invalidArgType("max", "a safe integer", max);
    const low = /** @type {number} */ (min);
    const high = /** @type {number} */ (max);
    if (high <= low) throw outOfRange("max", `greater than the value of "min" (${low})`, high);
    const range = high - low;
    if (!(range <= RAND_MAX)) throw outOfRange(`max${minNotSpecified ? "" : " - min"}`, `<= ${RAND_MAX}`, range);
    // Rejection sampling: x is uniform below randLimit, a multiple of range.
    const randLimit = RAND_MAX - (RAND_MAX % range);
    let x = draw48();
    while (x >= randLimit) x = draw48();
    const n = (x % range) + low;
    if (isSync) return n;
    queueMicrotask(() => /** @type {Function} */ (callback)(undefined, n));
  }

  /** @param {unknown} [options] */
  function randomUUID(options) {
    if (options !== undefined) {
      validateObject(options, "options");
      const disable = /** @type {any} */ (options).disableEntropyCache;
      if (disable !== undefined && typeof disable !== "boolean") {
        throw invalidArgType("options.disableEntropyCache", "of type boolean", disable);
      }
    }
    const bytes = new Uint8Array(16);
    op_crypto_random_fill(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx (RFC 4122)
    const hex = toBuffer(bytes).toString("hex");
    return `${StringPrototypeSlice(hex, 0, 8)}-${StringPrototypeSlice(hex, 8, 12)}-${StringPrototypeSlice(hex, 12, 16)}-${StringPrototypeSlice(hex, 16, 20)}-${StringPrototypeSlice(hex, 20)}`;
  }

  /** A `DOMException` (the engine's if it has one). @param {string} message @param {string} name */
  function domException(message, name) {
    const Native = /** @type {any} */ (globalThis).DOMException;
    if (typeof Native === "function") return new Native(message, name);
    const error = new Error(message);
    const code = name === "QuotaExceededError" ? 22 : name === "TypeMismatchError" ? 17 : 0;
    ObjectDefineProperty(error, "name", { __proto__: null, value: name, configurable: true, writable: true });
    ObjectDefineProperty(error, "code", { __proto__: null, value: code, configurable: true, writable: true });
    return error;
  }

  /** @param {unknown} data */
  function getRandomValues(data) {
    const kind = ArrayBufferIsView(data) ? TypedArrayPrototypeGetSymbolToStringTag(/** @type {any} */ (data)) : undefined;
    if (kind === undefined || kind === "Float16Array" || kind === "Float32Array" || kind === "Float64Array") {
      throw domException("The data argument must be an integer-type TypedArray", "TypeMismatchError");
    }
    const view = /** @type {ArrayBufferView} */ (data);
    if (view.byteLength > 65536) throw domException("The requested length exceeds 65,536 bytes", "QuotaExceededError");
    fill(view, 0, view.byteLength);
    return view;
  }

  // ---- Comparison ----------------------------------------------------------

  /** @param {unknown} buf1 @param {unknown} buf2 */
  function timingSafeEqual(buf1, buf2) {
    const expected = "an instance of ArrayBuffer, Buffer, TypedArray, or DataView.";
    if (!ArrayBufferIsView(buf1) && !isAnyArrayBuffer(buf1)) {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "buf1" argument must be ${expected}`);
    }
    if (!ArrayBufferIsView(buf2) && !isAnyArrayBuffer(buf2)) {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "buf2" argument must be ${expected}`);
    }
    const a = bytesOf(/** @type {any} */ (buf1));
    const b = bytesOf(/** @type {any} */ (buf2));
    if (a.length !== b.length) {
      throw nodeError(RangeError, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", "Input buffers must have the same byte length");
    }
    return op_crypto_timing_safe_equal(a, b);
  }

  // ---- Not emulated --------------------------------------------------------

  /** @param {string} name */
  function notSupported(name) {
    return nodeError(
      Error,
      "ERR_ACTIONS_UNAVAILABLE",
      `${name}() is not supported by this emulator yet (it emulates hashing, HMAC, secret keys and random values)`,
    );
  }
  /** @param {string} name */
  const refuse = (name) => {
    const fn = function () {
      throw notSupported(`crypto.${name}`);
    };
    ObjectDefineProperty(fn, "name", { __proto__: null, value: name, configurable: true });
    return fn;
  };

  const UNSUPPORTED = [
    "checkPrime", "checkPrimeSync", "createCipheriv", "createDecipheriv", "createDiffieHellman",
    "createDiffieHellmanGroup", "createECDH", "createPrivateKey", "createPublicKey", "createSign", "createVerify",
    "diffieHellman", "generateKey", "generateKeyPair", "generateKeyPairSync", "generateKeySync", "generatePrime",
    "generatePrimeSync", "getCipherInfo", "getDiffieHellman", "hkdf", "hkdfSync", "pbkdf2", "pbkdf2Sync",
    "privateDecrypt", "privateEncrypt", "publicDecrypt", "publicEncrypt", "scrypt", "scryptSync", "secureHeapUsed",
    "setEngine", "setFips", "sign", "verify",
    // Classes a package may reference at load time; constructing one throws.
    "Certificate", "Cipheriv", "Decipheriv", "DiffieHellman", "DiffieHellmanGroup", "ECDH", "Sign", "Verify",
    "X509Certificate",
  ];

  /** @type {Record<string, any>} */
  const cryptoExports = {
    Hash,
    Hmac,
    KeyObject,
    constants: CONSTANTS,
    createHash,
    createHmac,
    createSecretKey,
    getCiphers: () => [],
    getCurves: () => [],
    getFips: () => 0,
    getHashes,
    getRandomValues: (/** @type {unknown} */ data) => getRandomValues(data),
    hash,
    randomBytes,
    randomFill,
    randomFillSync,
    randomInt,
    randomUUID,
    // The global `crypto` (deno_crypto's, 05_web.js), loaded when first read.
    get subtle() {
      return webcrypto().subtle;
    },
    timingSafeEqual,
    get webcrypto() {
      return webcrypto();
    },
  };
  for (let i = 0; i < UNSUPPORTED.length; i++) cryptoExports[UNSUPPORTED[i]] = refuse(UNSUPPORTED[i]);
  // Node's deprecated aliases of randomBytes (DEP0115), not enumerable there either.
  for (const alias of ["prng", "pseudoRandomBytes", "rng"]) {
    ObjectDefineProperty(cryptoExports, alias, { __proto__: null, value: randomBytes, enumerable: false, writable: true, configurable: true });
  }
  return cryptoExports;
}
