// @ts-check
// The `api` object an Action receives. Each method forwards exactly the
// arguments it was given, as JSON, to one op; every rule (validation, limits,
// MFA) is enforced in Rust by `actions_core`. Return values follow
// auth0-post-login §2.16: chainable methods return `api`, the others nothing.

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

/** Builds the (frozen, shared) `api` object. */
export function createApi() {
  /** @type {any} */
  const api = {};
  /**
   * A method that sends its arguments to `op` and returns `api`.
   * @param {(json: string) => void} op
   */
  const chainable = (op) => (/** @type {unknown[]} */ ...args) => {
    op(JSONStringify(args));
    return api;
  };
  /**
   * A method that sends its arguments to `op` and returns nothing.
   * @param {(json: string) => void} op
   */
  const command = (op) => (/** @type {unknown[]} */ ...args) => {
    op(JSONStringify(args));
  };

  api.access = ObjectFreeze({ deny: chainable(op_access_deny) });
  api.accessToken = ObjectFreeze({ setCustomClaim: chainable(op_access_token_set_custom_claim) });
  api.idToken = ObjectFreeze({ setCustomClaim: chainable(op_id_token_set_custom_claim) });
  api.authentication = ObjectFreeze({
    challengeWith: command(op_authentication_challenge_with),
    challengeWithAny: command(op_authentication_challenge_with_any),
    enrollWith: command(op_authentication_enroll_with),
    enrollWithAny: command(op_authentication_enroll_with_any),
  });
  api.user = ObjectFreeze({
    setAppMetadata: chainable(op_user_set_app_metadata),
    setUserMetadata: chainable(op_user_set_user_metadata),
  });
  return ObjectFreeze(api);
}
