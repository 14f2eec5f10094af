// @ts-check
// Virtual time and seeded randomness (flow-file.md section 1 `clock` and `seed`):
// `Date.now()`, `new Date()` and `performance.now()` read the host's clock;
// `Math.random` and `crypto.randomUUID` draw from a generator seeded per flow.

import { primordials } from "ext:core/mod.js";
import { op_host_now, op_host_seed } from "ext:core/ops";
const { ReflectConstruct, MathImul, NumberPrototypeToString, StringPrototypePadStart, ObjectFreeze } = primordials;

const RealDate = globalThis.Date;

/**
 * A `Date` whose "now" is the host's (virtual when the flow sets `clock`).
 * @this {unknown}
 * @param {...unknown} args
 */
function Date(...args) {
  if (new.target === undefined) {
    return new RealDate(op_host_now()).toString();
  }
  return ReflectConstruct(RealDate, args.length === 0 ? [op_host_now()] : args, new.target);
}
Date.prototype = RealDate.prototype;
Date.now = () => op_host_now();
Date.parse = RealDate.parse;
Date.UTC = RealDate.UTC;

let state = 0;
/** Re-seeds the generator from the host (called at the start of each flow). */
export function reseed() {
  state = op_host_seed() >>> 0;
}

/** mulberry32: small, fast, and good enough for test determinism. */
function next32() {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = MathImul(t ^ (t >>> 15), t | 1);
  t ^= t + MathImul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

function random() {
  return next32() / 4294967296;
}

function hex8() {
  return StringPrototypePadStart(NumberPrototypeToString(next32(), 16), 8, "0");
}

/** RFC 4122 version 4 UUID from the seeded generator. */
function randomUUID() {
  const a = hex8(), b = hex8(), c = hex8(), d = hex8();
  const variant = NumberPrototypeToString((parseInt(c[0], 16) & 0x3) | 0x8, 16);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

/** @param {ArrayBufferView} view */
function getRandomValues(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = next32() & 0xff;
  return view;
}

/** Installs the deterministic globals. */
export function install() {
  globalThis.Date = /** @type {any} */ (Date);
  globalThis.Math.random = random;
  const start = op_host_now();
  globalThis.performance = /** @type {any} */ (ObjectFreeze({ now: () => op_host_now() - start, timeOrigin: start }));
}

/** The seeded generator's `crypto` functions (05_web.js installs them). */
export const seeded = ObjectFreeze({ randomUUID, getRandomValues });
