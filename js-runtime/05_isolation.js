// @ts-check
// Lets one runtime serve many flows without one flow's state reaching the
// next: the equivalent of a fresh realm per flow. At start-up we record the
// global object and the intrinsics Action code (and the packages it uses)
// most often patches; at the start of each flow we delete what was added and
// restore what was changed. A change that cannot be undone (a frozen or
// sealed intrinsic, a non-configurable property) makes `restore` answer
// false, and the host then throws the runtime away and makes a new one.

import { primordials } from "ext:core/mod.js";
const {
  ArrayPrototypePush,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectIsExtensible,
  ObjectSetPrototypeOf,
  ReflectDefineProperty,
  ReflectDeleteProperty,
  ReflectOwnKeys,
  SafeSet,
  SetPrototypeAdd,
  SetPrototypeHas,
  StringPrototypeStartsWith,
} = primordials;

/**
 * The patched QuickJS engine's allocation-free scan (third_party/v8x.patch,
 * change 3): given `plan`, the quadruples [object, prototype, extensible,
 * flat] of the recorded objects, it returns the index of the first one at or
 * after `from` that may have changed, or -1. Most objects are untouched by a
 * flow, and one call answers for all of them without allocating a
 * descriptor per property. Other engines compare every object the slow way.
 * @type {((plan: unknown[], from: number) => number) | undefined}
 */
const firstChanged = /** @type {any} */ (globalThis).__v8x_actions_first_changed;
delete (/** @type {any} */ (globalThis)).__v8x_actions_first_changed;

/** @type {unknown[]} */
const plan = [];

/**
 * `descriptors[i]` belongs to `keys[i]`; `known` answers "was this key
 * there?". The same object's `flat` in `plan` holds, per key, the quadruple
 * [key, flags, value or getter, setter] `firstChanged` reads.
 * @typedef {{ target: object, proto: object | null, extensible: boolean,
 *   keys: (string | symbol)[], descriptors: PropertyDescriptor[],
 *   known: Set<string | symbol> }} Record
 * @type {Record[]}
 */
const records = [];

/** @param {object} target */
function record(target) {
  const keys = ReflectOwnKeys(target);
  /** @type {PropertyDescriptor[]} */
  const descriptors = [];
  /** @type {unknown[]} */
  const flat = [];
  const known = new SafeSet();
  for (let i = 0; i < keys.length; i++) {
    const d = /** @type {PropertyDescriptor} */ (ObjectGetOwnPropertyDescriptor(target, keys[i]));
    descriptors[i] = d;
    SetPrototypeAdd(known, keys[i]);
    const accessor = "get" in d || "set" in d;
    const flags = (d.configurable ? 1 : 0) | (d.writable ? 2 : 0) | (d.enumerable ? 4 : 0) | (accessor ? 16 : 0);
    ArrayPrototypePush(flat, keys[i], flags, accessor ? d.get : d.value, d.set);
  }
  const proto = ObjectGetPrototypeOf(target);
  const extensible = ObjectIsExtensible(target);
  ArrayPrototypePush(records, { target, proto, extensible, keys, descriptors, known });
  ArrayPrototypePush(plan, target, proto, extensible, flat);
}

/**
 * Records the global object and the intrinsics reachable from it: each
 * global constructor or namespace and its `prototype`.
 */
export function snapshot() {
  const global = /** @type {any} */ (globalThis);
  record(global);
  const names = ReflectOwnKeys(global);
  for (let i = 0; i < names.length; i++) {
    const descriptor = ObjectGetOwnPropertyDescriptor(global, names[i]);
    const value = descriptor && descriptor.value;
    // The engine's own hooks (`__v8x...`) are kept on the global object but not walked.
    if (typeof names[i] === "string" && StringPrototypeStartsWith(names[i], "__v8x")) continue;
    if ((typeof value === "function" || (typeof value === "object" && value !== null)) && value !== global) {
      record(value);
      const proto = typeof value === "function" ? ObjectGetOwnPropertyDescriptor(value, "prototype") : undefined;
      if (proto && typeof proto.value === "object" && proto.value !== null) record(proto.value);
    }
  }
}

/**
 * @param {PropertyDescriptor} a
 * @param {PropertyDescriptor | undefined} b
 */
function same(a, b) {
  return b !== undefined && a.value === b.value && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

/**
 * Puts every recorded object back as it was. Returns false when something
 * could not be restored.
 */
export function restore() {
  let clean = true;
  for (let r = 0; r < records.length; r++) {
    if (firstChanged !== undefined) {
      r = firstChanged(plan, r);
      if (r < 0) break;
    }
    const { target, proto, extensible, keys, descriptors, known } = records[r];
    if (extensible && !ObjectIsExtensible(target)) return false;
    if (ObjectGetPrototypeOf(target) !== proto && !ObjectSetPrototypeOf(target, proto)) return false;
    const now = ReflectOwnKeys(target);
    if (now.length !== keys.length || !sameKeys(now, keys)) {
      for (let i = 0; i < now.length; i++) {
        if (!SetPrototypeHas(known, now[i]) && !ReflectDeleteProperty(target, now[i])) clean = false;
      }
    }
    for (let i = 0; i < keys.length; i++) {
      const want = descriptors[i];
      const have = ObjectGetOwnPropertyDescriptor(target, keys[i]);
      if (!same(want, have) && !ReflectDefineProperty(target, keys[i], want)) clean = false;
    }
  }
  return clean;
}

/**
 * @param {(string | symbol)[]} a
 * @param {(string | symbol)[]} b
 */
function sameKeys(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
