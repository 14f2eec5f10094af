// @ts-check
// `timers` and `timers/promises`.
import { timers } from "ext:actions_runtime/06_node_globals.js";

export default function create() {
  const promises = {
    setTimeout: (/** @type {number} */ ms, /** @type {unknown} */ value) =>
      new Promise((resolve) => timers.setTimeout(() => resolve(value), ms)),
    setImmediate: (/** @type {unknown} */ value) => new Promise((resolve) => timers.setImmediate(() => resolve(value))),
    scheduler: { wait: (/** @type {number} */ ms) => new Promise((resolve) => timers.setTimeout(resolve, ms)) },
  };
  return { ...timers, promises };
}
