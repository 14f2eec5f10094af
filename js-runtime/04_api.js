// @ts-check
// The `api` object an Action receives (auth0-post-login section 2). Each method
// forwards exactly the arguments it was given, as JSON, to one op; every rule
// (validation, limits, MFA) is enforced in Rust by `actions_core`. Return
// values follow section 2.16: chainable methods return `api`, commands return
// nothing, the rest return what the core answers. Where Auth0 changes `event`
// at once (transaction, session and refresh-token metadata, cookie mode), the
// glue mirrors the accepted change into the running handler's `event`.

import { primordials } from "ext:core/mod.js";
import {
  op_access_deny,
  op_access_token_add_scope,
  op_access_token_remove_scope,
  op_access_token_set_custom_claim,
  op_authentication_challenge_with,
  op_authentication_challenge_with_any,
  op_authentication_enroll_with,
  op_authentication_enroll_with_any,
  op_authentication_record_method,
  op_authentication_set_primary_user,
  op_cache_delete,
  op_cache_get,
  op_cache_set,
  op_groups_get_user_groups,
  op_groups_has_group_membership,
  op_id_token_set_custom_claim,
  op_multifactor_enable,
  op_prompt_render,
  op_redirect_can_redirect,
  op_redirect_encode_token,
  op_redirect_send_user_to,
  op_redirect_validate_token,
  op_refresh_token_delete_metadata,
  op_refresh_token_evict_metadata,
  op_refresh_token_revoke,
  op_refresh_token_set_expires_at,
  op_refresh_token_set_idle_expires_at,
  op_refresh_token_set_metadata,
  op_roles_get_user_effective_roles,
  op_roles_get_user_effective_roles_by_ids,
  op_roles_get_user_effective_roles_by_names,
  op_rules_was_executed,
  op_saml_response_set_attribute,
  op_saml_response_set_audience,
  op_saml_response_set_authn_context_class_ref,
  op_saml_response_set_cert,
  op_saml_response_set_create_upn_claim,
  op_saml_response_set_destination,
  op_saml_response_set_digest_algorithm,
  op_saml_response_set_encryption_algorithm,
  op_saml_response_set_encryption_cert,
  op_saml_response_set_encryption_public_key,
  op_saml_response_set_include_attribute_name_format,
  op_saml_response_set_issuer,
  op_saml_response_set_key,
  op_saml_response_set_lifetime_in_seconds,
  op_saml_response_set_map_identities,
  op_saml_response_set_map_unknown_claims_as_is,
  op_saml_response_set_name_identifier_format,
  op_saml_response_set_name_identifier_probes,
  op_saml_response_set_passthrough_claims_with_no_mapping,
  op_saml_response_set_recipient,
  op_saml_response_set_relay_state,
  op_saml_response_set_sign_response,
  op_saml_response_set_signature_algorithm,
  op_saml_response_set_signing_cert,
  op_saml_response_set_typed_attributes,
  op_session_delete_metadata,
  op_session_evict_metadata,
  op_session_revoke,
  op_session_set_cookie_mode,
  op_session_set_expires_at,
  op_session_set_idle_expires_at,
  op_session_set_metadata,
  op_transaction_add_target_scope,
  op_transaction_clear_target_scopes,
  op_transaction_remove_target_scope,
  op_transaction_set_metadata,
  op_transaction_set_target_scopes,
  op_user_set_app_metadata,
  op_user_set_user_metadata,
  op_validation_error,
} from "ext:core/ops";
const { JSONParse, JSONStringify, ObjectFreeze, ObjectKeys, PromiseResolve, PromiseReject } = primordials;

/**
 * Builds the (frozen, shared) `api` object.
 * @param {() => any} currentEvent the running handler's `event`
 */
export function createApi(currentEvent) {
  /** @type {any} */
  const api = {};
  /**
   * Sends the arguments to `op`, returns `api`.
   * @param {(json: string) => void} op
   */
  const chainable = (op) => (/** @type {unknown[]} */ ...args) => {
    op(JSONStringify(args));
    return api;
  };
  /**
   * Sends the arguments to `op`, returns nothing.
   * @param {(json: string) => void} op
   */
  const command = (op) => (/** @type {unknown[]} */ ...args) => {
    op(JSONStringify(args));
  };
  /**
   * Sends the arguments to `op`, returns its JSON answer.
   * @param {(json: string) => string} op
   */
  const value = (op) => (/** @type {unknown[]} */ ...args) => {
    const answer = JSONParse(op(JSONStringify(args)));
    return answer === null ? undefined : answer;
  };
  /**
   * Like `value`, but answers with a promise (groups and roles look-ups).
   * @param {(json: string) => string} op
   */
  const promised = (op) => (/** @type {unknown[]} */ ...args) => {
    try {
      return PromiseResolve(JSONParse(op(JSONStringify(args))));
    } catch (e) {
      return PromiseReject(e);
    }
  };
  /**
   * Runs `op`, then mirrors the accepted change into the current event.
   * @param {(json: string) => void} op
   * @param {(event: any, ...args: any[]) => void} mirror
   */
  const mirrored = (op, mirror) => (/** @type {unknown[]} */ ...args) => {
    op(JSONStringify(args));
    const event = currentEvent();
    if (event) mirror(event, ...args);
  };
  /** @param {any} session */
  const hasSession = (session) => session !== null && typeof session === "object" && ObjectKeys(session).length > 0;
  /**
   * @param {any} holder
   * @param {string} key
   * @param {unknown} v
   */
  const setOrDelete = (holder, key, v) => {
    holder.metadata ??= {};
    if (v === null || v === undefined) delete holder.metadata[key];
    else holder.metadata[key] = v;
  };

  api.access = ObjectFreeze({ deny: chainable(op_access_deny) });
  api.accessToken = ObjectFreeze({
    setCustomClaim: chainable(op_access_token_set_custom_claim),
    addScope: command(op_access_token_add_scope),
    removeScope: command(op_access_token_remove_scope),
  });
  api.authentication = ObjectFreeze({
    challengeWith: command(op_authentication_challenge_with),
    challengeWithAny: command(op_authentication_challenge_with_any),
    enrollWith: command(op_authentication_enroll_with),
    enrollWithAny: command(op_authentication_enroll_with_any),
    recordMethod: chainable(op_authentication_record_method),
    setPrimaryUser: command(op_authentication_set_primary_user),
  });
  api.cache = ObjectFreeze({
    get: value(op_cache_get),
    set: value(op_cache_set),
    delete: value(op_cache_delete),
  });
  api.groups = ObjectFreeze({
    getUserGroups: promised(op_groups_get_user_groups),
    hasGroupMembership: promised(op_groups_has_group_membership),
  });
  api.idToken = ObjectFreeze({ setCustomClaim: chainable(op_id_token_set_custom_claim) });
  api.multifactor = ObjectFreeze({ enable: chainable(op_multifactor_enable) });
  api.prompt = ObjectFreeze({ render: command(op_prompt_render) });
  api.redirect = ObjectFreeze({
    canRedirect: value(op_redirect_can_redirect),
    encodeToken: value(op_redirect_encode_token),
    sendUserTo: chainable(op_redirect_send_user_to),
    validateToken: value(op_redirect_validate_token),
  });
  api.refreshToken = ObjectFreeze({
    revoke: command(op_refresh_token_revoke),
    setExpiresAt: command(op_refresh_token_set_expires_at),
    setIdleExpiresAt: command(op_refresh_token_set_idle_expires_at),
    setMetadata: mirrored(op_refresh_token_set_metadata, (e, key, v) => {
      if (e.refresh_token) setOrDelete(e.refresh_token, key, v);
    }),
    deleteMetadata: mirrored(op_refresh_token_delete_metadata, (e, key) => {
      if (e.refresh_token?.metadata) delete e.refresh_token.metadata[key];
    }),
    evictMetadata: mirrored(op_refresh_token_evict_metadata, (e) => {
      if (e.refresh_token) e.refresh_token.metadata = {};
    }),
  });
  api.roles = ObjectFreeze({
    getUserEffectiveRoles: promised(op_roles_get_user_effective_roles),
    getUserEffectiveRolesByIds: promised(op_roles_get_user_effective_roles_by_ids),
    getUserEffectiveRolesByNames: promised(op_roles_get_user_effective_roles_by_names),
  });
  api.rules = ObjectFreeze({ wasExecuted: value(op_rules_was_executed) });
  api.samlResponse = ObjectFreeze({
    setAttribute: chainable(op_saml_response_set_attribute),
    setAudience: chainable(op_saml_response_set_audience),
    setRecipient: chainable(op_saml_response_set_recipient),
    setDestination: chainable(op_saml_response_set_destination),
    setCreateUpnClaim: chainable(op_saml_response_set_create_upn_claim),
    setPassthroughClaimsWithNoMapping: chainable(op_saml_response_set_passthrough_claims_with_no_mapping),
    setMapUnknownClaimsAsIs: chainable(op_saml_response_set_map_unknown_claims_as_is),
    setMapIdentities: chainable(op_saml_response_set_map_identities),
    setSignatureAlgorithm: chainable(op_saml_response_set_signature_algorithm),
    setDigestAlgorithm: chainable(op_saml_response_set_digest_algorithm),
    setLifetimeInSeconds: chainable(op_saml_response_set_lifetime_in_seconds),
    setSignResponse: chainable(op_saml_response_set_sign_response),
    setNameIdentifierFormat: chainable(op_saml_response_set_name_identifier_format),
    setNameIdentifierProbes: chainable(op_saml_response_set_name_identifier_probes),
    setAuthnContextClassRef: chainable(op_saml_response_set_authn_context_class_ref),
    setSigningCert: chainable(op_saml_response_set_signing_cert),
    setIncludeAttributeNameFormat: chainable(op_saml_response_set_include_attribute_name_format),
    setTypedAttributes: chainable(op_saml_response_set_typed_attributes),
    setEncryptionCert: chainable(op_saml_response_set_encryption_cert),
    setEncryptionPublicKey: chainable(op_saml_response_set_encryption_public_key),
    setCert: chainable(op_saml_response_set_cert),
    setKey: chainable(op_saml_response_set_key),
    setRelayState: chainable(op_saml_response_set_relay_state),
    setIssuer: chainable(op_saml_response_set_issuer),
    setEncryptionAlgorithm: chainable(op_saml_response_set_encryption_algorithm),
  });
  api.session = ObjectFreeze({
    revoke: command(op_session_revoke),
    setExpiresAt: command(op_session_set_expires_at),
    setIdleExpiresAt: command(op_session_set_idle_expires_at),
    setCookieMode: mirrored(op_session_set_cookie_mode, (e, mode) => {
      if (hasSession(e.session)) (e.session.cookie ??= {}).mode = mode;
    }),
    setMetadata: mirrored(op_session_set_metadata, (e, key, v) => {
      if (hasSession(e.session)) setOrDelete(e.session, key, v);
    }),
    deleteMetadata: mirrored(op_session_delete_metadata, (e, key) => {
      if (hasSession(e.session) && e.session.metadata) delete e.session.metadata[key];
    }),
    evictMetadata: mirrored(op_session_evict_metadata, (e) => {
      if (hasSession(e.session)) e.session.metadata = {};
    }),
  });
  api.transaction = ObjectFreeze({
    setMetadata: mirrored(op_transaction_set_metadata, (e, key, v) => {
      setOrDelete((e.transaction ??= {}), key, v);
    }),
    addTargetScope: command(op_transaction_add_target_scope),
    removeTargetScope: command(op_transaction_remove_target_scope),
    setTargetScopes: command(op_transaction_set_target_scopes),
    clearTargetScopes: command(op_transaction_clear_target_scopes),
  });
  api.user = ObjectFreeze({
    setAppMetadata: chainable(op_user_set_app_metadata),
    setUserMetadata: chainable(op_user_set_user_metadata),
  });
  api.validation = ObjectFreeze({ error: chainable(op_validation_error) });
  return ObjectFreeze(api);
}
