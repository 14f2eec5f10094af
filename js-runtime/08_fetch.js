// @ts-check
// `fetch` on Deno's `Request` and `Response` (deno_fetch's classes, in
// third_party/deno_fetch; 05_web.js installs them): the request is read into
// bytes and goes to `op_fetch`, which answers from the flow's `http`
// fixtures or refuses, and follows redirects hop by hop; see
// crates/actions-runtime/src/ops/fetch.rs. Methods and headers are checked by
// the classes, and again in Rust before anything is sent.

import { core, primordials } from "ext:core/mod.js";
import { op_fetch } from "ext:core/ops";
import { web } from "ext:actions_runtime/05_web.js";
const {
  Promise,
  PromisePrototypeThen,
} = primordials;

/**
 * @param {string | URL | Request} input
 * @param {any} [init]
 */
export async function fetch(input, init) {
  const { Request, toInnerRequest } = web.fetch.request();
  const request = new Request(input, init);
  // The request's own state, as undici reads it: properties an Action
  // defines on the object do not reach the wire.
  const inner = toInnerRequest(request);
  const signal = request.signal;
  if (signal.aborted) throw signal.reason;
  const bytes = inner.body === null ? null : await inner.body.consume();
  const body = typeof bytes === "string" ? core.encode(bytes) : bytes;
  const pending = op_fetch({
    method: inner.method,
    url: inner.url(),
    headers: inner.headerList,
    body,
    redirect: inner.redirectMode,
  });
  const answer = await new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    PromisePrototypeThen(pending, resolve, reject);
  });
  return response(answer);
}

/**
 * An immutable `Response` for the answer of `op_fetch`, as Deno's `fetch`
 * makes one.
 * @param {{ status: number, status_text: string, headers: [string, string][], body: Uint8Array, url: string, redirected: boolean }} answer
 */
function response(answer) {
  const { extractBody } = web.fetch.body();
  const { newInnerResponse, fromInnerResponse, nullBodyStatus } = web.fetch.response();
  const inner = newInnerResponse(answer.status, answer.status_text);
  inner.type = "basic";
  inner.headerList = answer.headers;
  // `redirected` is true when the list holds more than one URL; only the
  // last is exposed.
  inner.urlList = answer.redirected ? [answer.url, answer.url] : [answer.url];
  if (!nullBodyStatus(answer.status)) inner.body = extractBody(answer.body).body;
  return fromInnerResponse(inner, "immutable");
}

/** Installs `fetch` (its classes are 05_web.js's). */
export function install() {
  /** @type {any} */ (globalThis).fetch = fetch;
}
