// @ts-check
// The `api` object an Action receives. Each method marshals its arguments to
// JSON and calls one op; every rule (validation, limits, MFA) is enforced in
// Rust by `actions_core`. Return values follow auth0-post-login §2.16.

import { primordials } from "ext:core/mod.js";
import {
  op_access_deny,
  op_access_token_set_custom_claim,
  op_authentication_challenge_with,
  op_authentication_challenge_with_any,
  op_authentication_enroll_with,
  op_authentication_enroll_with_any,
  op_id_token_set_custom_claim,
  op_user_set_app_metadata,
  op_user_set_user_metadata,
} from "ext:core/ops";
const { JSONStringify, ObjectFreeze } = primordials;

/**
 * The arguments as a JSON array; `undefined` becomes `null`, as Auth0's own
 * serialisation of commands would make it.
 * @param {unknown[]} args
 */
function json(args) {
  return JSONStringify(args);
}

/** Builds the (frozen, shared) `api` object. */
export function createApi() {
  /** @type {any} */
  const api = {};
  api.access = ObjectFreeze({
    /** @param {string} reason */
    deny(reason) {
      op_access_deny(json([reason]));
      return api;
    },
  });
  api.accessToken = ObjectFreeze({
    /** @param {string} key @param {unknown} value */
    setCustomClaim(key, value) {
      op_access_token_set_custom_claim(json([key, value]));
      return api;
    },
  });
  api.idToken = ObjectFreeze({
    /** @param {string} key @param {unknown} value */
    setCustomClaim(key, value) {
      op_id_token_set_custom_claim(json([key, value]));
      return api;
    },
  });
  api.authentication = ObjectFreeze({
    /** @param {unknown} factor @param {unknown} [options] */
    challengeWith(factor, options) {
      op_authentication_challenge_with(json([factor, options]));
    },
    /** @param {unknown} factors */
    challengeWithAny(factors) {
      op_authentication_challenge_with_any(json([factors]));
    },
    /** @param {unknown} factor @param {unknown} [options] */
    enrollWith(factor, options) {
      op_authentication_enroll_with(json([factor, options]));
    },
    /** @param {unknown} factors */
    enrollWithAny(factors) {
      op_authentication_enroll_with_any(json([factors]));
    },
  });
  api.user = ObjectFreeze({
    /** @param {string} key @param {unknown} value */
    setAppMetadata(key, value) {
      op_user_set_app_metadata(json([key, value]));
      return api;
    },
    /** @param {string} key @param {unknown} value */
    setUserMetadata(key, value) {
      op_user_set_user_metadata(json([key, value]));
      return api;
    },
  });
  return ObjectFreeze(api);
}
