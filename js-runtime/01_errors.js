// @ts-check
// Turns whatever an Action throws into a plain description the host reports.
// Error classes thrown by ops (Error, TypeError) are the engine's own; nothing
// is registered here beyond the description helper.

import { primordials } from "ext:core/mod.js";
const { ObjectPrototypeToString, String, JSONStringify } = primordials;

/**
 * Describes a thrown value: `{ name, message, stack, is_error }`.
 * A non-Error throw is reported with its string form (flow-file.md section 3 decision 14).
 * @param {unknown} thrown
 * @returns {string} JSON
 */
export function describeThrown(thrown) {
  let isError = false;
  let name = null;
  let message;
  let stack = null;
  try {
    isError = thrown instanceof Error ||
      ObjectPrototypeToString(thrown) === "[object Error]";
  } catch {
    isError = false;
  }
  if (isError) {
    const error = /** @type {Error} */ (thrown);
    name = safeString(() => error.name);
    message = safeString(() => error.message);
    stack = safeString(() => error.stack);
  } else {
    message = safeString(() => String(thrown));
  }
  return JSONStringify({ name, message, stack, is_error: isError });
}

/** @param {() => unknown} read */
function safeString(read) {
  try {
    const value = read();
    return value === undefined ? "" : String(value);
  } catch {
    return "<unprintable value>";
  }
}
