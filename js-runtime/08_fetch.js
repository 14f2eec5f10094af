// @ts-check
// `fetch`, `Headers`, `Request` and `Response` (the parts of the Fetch
// Standard Actions and HTTP libraries use; bodies are buffered, not
// streamed). Every request goes to `op_fetch`, which answers from the flow's
// `http` fixtures or refuses, and follows redirects hop by hop; see
// crates/actions-runtime/src/ops/fetch.rs. Methods and headers are checked
// here as undici (Node 22's `fetch`) checks them, with its messages, and
// again in Rust before anything is sent.

import { core, primordials } from "ext:core/mod.js";
import { op_fetch } from "ext:core/ops";
import { URLSearchParams } from "ext:actions_runtime/06_node_globals.js";
const {
  JSONParse,
  JSONStringify,
  ObjectPrototypeHasOwnProperty,
  SafeSet,
  StringPrototypeCharCodeAt,
  StringPrototypeIncludes,
  StringPrototypeSlice,
  StringPrototypeToLowerCase,
  StringPrototypeToUpperCase,
  SymbolIterator,
  SymbolToStringTag,
  TypeError,
} = primordials;

const encoder = { encode: (/** @type {string} */ s) => core.encode(s) };

/** RFC 9110 `tchar`s other than letters and digits. */
const TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

/**
 * Whether `text` is an HTTP token (RFC 9110 section 5.6.2), as a method or a
 * header name must be.
 * @param {string} text
 */
function isToken(text) {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = StringPrototypeCharCodeAt(text, i);
    const alphanumeric = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alphanumeric && !StringPrototypeIncludes(TOKEN_PUNCTUATION, text[i])) return false;
  }
  return true;
}

/** @param {number} c */
const isHttpWhitespace = (c) => c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20;

/**
 * A header name, lower-cased; a `TypeError` unless it is a token.
 * @param {string} prefix the method, for the message (`Headers.append`)
 * @param {unknown} name
 */
function headerName(prefix, name) {
  const text = String(name);
  if (!isToken(text)) throw new TypeError(`${prefix}: "${text}" is an invalid header name.`);
  return StringPrototypeToLowerCase(text);
}

/**
 * A header value without leading and trailing HTTP whitespace (Fetch
 * standard, "normalize"); a `TypeError` if NUL, CR or LF remain, which could
 * otherwise end the header line and start another.
 * @param {string} prefix
 * @param {unknown} value
 */
function headerValue(prefix, value) {
  const text = String(value);
  let start = 0;
  let end = text.length;
  while (end > start && isHttpWhitespace(StringPrototypeCharCodeAt(text, end - 1))) end--;
  while (start < end && isHttpWhitespace(StringPrototypeCharCodeAt(text, start))) start++;
  const trimmed = StringPrototypeSlice(text, start, end);
  for (let i = 0; i < trimmed.length; i++) {
    const c = StringPrototypeCharCodeAt(trimmed, i);
    if (c === 0x00 || c === 0x0a || c === 0x0d) throw new TypeError(`${prefix}: "${trimmed}" is an invalid header value.`);
  }
  return trimmed;
}

/** Methods sent upper-cased whatever their case (Fetch standard, "normalize a method"). */
const NORMALISED_METHODS = { DELETE: "DELETE", GET: "GET", HEAD: "HEAD", OPTIONS: "OPTIONS", POST: "POST", PUT: "PUT" };
/** Methods `fetch` refuses (Fetch standard, "forbidden method"). */
const FORBIDDEN_METHODS = new SafeSet(["CONNECT", "TRACE", "TRACK"]);

/**
 * A request's method as undici checks and normalises it: `patch` stays
 * `patch`, as in Node.
 * @param {unknown} value
 */
function requestMethod(value) {
  const method = String(value);
  if (!isToken(method)) throw new TypeError(`'${method}' is not a valid HTTP method.`);
  const upper = StringPrototypeToUpperCase(method);
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${method}' HTTP method is unsupported.`);
  return ObjectPrototypeHasOwnProperty(NORMALISED_METHODS, upper) ? /** @type {any} */ (NORMALISED_METHODS)[upper] : method;
}

/** `RequestRedirect`. */
const REDIRECT_MODES = new SafeSet(["follow", "error", "manual"]);

export class Headers {
  /** @param {any} [init] */
  constructor(init) {
    /** @type {Map<string, string[]>} */
    this._map = new Map();
    if (init instanceof Headers) {
      for (const [k, v] of init) this.append(k, v);
    } else if (init && typeof init[SymbolIterator] === "function") {
      for (const [k, v] of init) this.append(k, v);
    } else if (init && typeof init === "object") {
      for (const key of Object.keys(init)) this.append(key, init[key]);
    }
  }
  /** @param {string} name @param {string} value */
  append(name, value) {
    const normalised = headerValue("Headers.append", value);
    const key = headerName("Headers.append", name);
    const list = this._map.get(key) ?? [];
    list.push(normalised);
    this._map.set(key, list);
  }
  /** @param {string} name @param {string} value */
  set(name, value) {
    const normalised = headerValue("Headers.set", value);
    this._map.set(headerName("Headers.set", name), [normalised]);
  }
  /** @param {string} name */
  get(name) {
    const list = this._map.get(headerName("Headers.get", name));
    return list ? list.join(", ") : null;
  }
  getSetCookie() {
    return [...(this._map.get("set-cookie") ?? [])];
  }
  /** @param {string} name */
  has(name) {
    return this._map.has(headerName("Headers.has", name));
  }
  /** @param {string} name */
  delete(name) {
    this._map.delete(headerName("Headers.delete", name));
  }
  /** @param {(value: string, key: string, parent: Headers) => void} fn @param {unknown} [thisArg] */
  forEach(fn, thisArg) {
    for (const [k, v] of this) fn.call(thisArg, v, k, this);
  }
  *entries() {
    for (const key of [...this._map.keys()].sort()) yield /** @type {[string, string]} */ ([key, this.get(key)]);
  }
  *keys() {
    for (const [k] of this.entries()) yield k;
  }
  *values() {
    for (const [, v] of this.entries()) yield v;
  }
  [SymbolIterator]() {
    return this.entries();
  }
  get [SymbolToStringTag]() {
    return "Headers";
  }
}

/**
 * A body as bytes, and the content type it implies.
 * @param {unknown} body
 * @returns {[Uint8Array | null, string | null]}
 */
function extractBody(body) {
  if (body === undefined || body === null) return [null, null];
  if (typeof body === "string") return [encoder.encode(body), "text/plain;charset=UTF-8"];
  if (body instanceof URLSearchParams) return [encoder.encode(body.toString()), "application/x-www-form-urlencoded;charset=UTF-8"];
  if (body instanceof ArrayBuffer) return [new Uint8Array(body.slice(0)), null];
  if (ArrayBuffer.isView(body)) return [new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), null];
  throw new TypeError(`fetch: this emulator does not support ${Object.prototype.toString.call(body)} bodies (use a string, URLSearchParams or bytes)`);
}

class Body {
  /** @param {Uint8Array | null} bytes */
  constructor(bytes) {
    this._bytes = bytes;
    this.bodyUsed = false;
  }
  get body() {
    return null;
  }
  _consume() {
    if (this.bodyUsed) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.bodyUsed = true;
    return Promise.resolve(this._bytes ?? new Uint8Array(0));
  }
  async text() {
    return core.decode(await this._consume());
  }
  async json() {
    return JSONParse(await this.text());
  }
  async arrayBuffer() {
    const bytes = await this._consume();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }
  async bytes() {
    return new Uint8Array(await this.arrayBuffer());
  }
  async blob() {
    throw new TypeError("Blob bodies are not supported by this emulator; use text(), json() or arrayBuffer()");
  }
  async formData() {
    throw new TypeError("FormData bodies are not supported by this emulator");
  }
}

export class Request extends Body {
  /** @param {string | URL | Request} input @param {any} [init] */
  constructor(input, init = {}) {
    const from = input instanceof Request ? input : null;
    const [bytes, type] = init.body !== undefined ? extractBody(init.body) : [from ? from._bytes : null, null];
    super(bytes);
    this.url = from ? from.url : new URL(String(input)).href;
    this.method = init.method != null ? requestMethod(init.method) : (from?.method ?? "GET");
    this.headers = new Headers(init.headers ?? from?.headers);
    if (type && !this.headers.has("content-type")) this.headers.set("content-type", type);
    this.signal = init.signal ?? from?.signal ?? null;
    this.redirect = String(init.redirect ?? from?.redirect ?? "follow");
    if (!REDIRECT_MODES.has(this.redirect)) {
      throw new TypeError(`Request constructor: ${this.redirect} is not an accepted type. Expected one of follow, error, manual.`);
    }
    this.credentials = init.credentials ?? "same-origin";
    this.duplex = init.duplex;
    if ((this.method === "GET" || this.method === "HEAD") && bytes) {
      throw new TypeError("Request with GET/HEAD method cannot have body.");
    }
  }
  clone() {
    return new Request(this);
  }
  get [SymbolToStringTag]() {
    return "Request";
  }
}

export class Response extends Body {
  /** @param {unknown} [body] @param {{ status?: number, statusText?: string, headers?: any }} [init] */
  constructor(body, init = {}) {
    const [bytes, type] = body instanceof Uint8Array ? [body, null] : extractBody(body);
    super(bytes);
    this.status = init.status ?? 200;
    this.statusText = init.statusText ?? "";
    this.headers = new Headers(init.headers);
    if (type && !this.headers.has("content-type")) this.headers.set("content-type", type);
    this.url = "";
    this.redirected = false;
    this.type = "basic";
  }
  get ok() {
    return this.status >= 200 && this.status < 300;
  }
  clone() {
    const copy = new Response(this._bytes ? new Uint8Array(this._bytes) : null, { status: this.status, statusText: this.statusText, headers: this.headers });
    copy.url = this.url;
    return copy;
  }
  /** @param {unknown} data @param {any} [init] */
  static json(data, init = {}) {
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(JSONStringify(data), { ...init, headers });
  }
  static error() {
    const response = new Response(null, { status: 0 });
    response.type = "error";
    return response;
  }
  /** @param {string} url @param {number} [status] */
  static redirect(url, status = 302) {
    return new Response(null, { status, headers: { location: new URL(url).href } });
  }
  get [SymbolToStringTag]() {
    return "Response";
  }
}

/**
 * @param {string | URL | Request} input
 * @param {any} [init]
 */
export async function fetch(input, init) {
  const request = new Request(input, init);
  const signal = request.signal;
  if (signal?.aborted) throw signal.reason;
  const pending = op_fetch({
    method: request.method,
    url: request.url,
    headers: [...request.headers],
    body: request._bytes,
    redirect: request.redirect,
  });
  const answer = signal
    ? await new Promise((resolve, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      pending.then(resolve, reject);
    })
    : await pending;
  const response = new Response(answer.body, { status: answer.status, statusText: answer.status_text, headers: answer.headers });
  response.url = answer.url;
  response.redirected = answer.redirected;
  return response;
}

/** Installs the Fetch globals. */
export function install() {
  const g = /** @type {any} */ (globalThis);
  g.fetch = fetch;
  g.Headers = Headers;
  g.Request = Request;
  g.Response = Response;
}
