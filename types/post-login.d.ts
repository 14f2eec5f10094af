// Types for Auth0 post-login Actions (trigger version v3), as `actions`
// emulates them. Reference them from an Action file for editor completion:
//
//   /** @param {import('./types/post-login').Event} event
//    *  @param {import('./types/post-login').PostLoginAPI} api */
//   exports.onExecutePostLogin = async (event, api) => { ... };

export type FactorType =
  | 'otp' | 'email' | 'recovery-code' | 'push-notification' | 'phone'
  | 'webauthn-platform' | 'webauthn-roaming';

export type FactorSelector =
  | { type: 'otp' | 'email' | 'recovery-code' | 'webauthn-platform' | 'webauthn-roaming'; options?: Record<string, never> }
  | { type: 'push-notification'; options?: { otpFallback?: boolean } }
  | { type: 'phone'; options?: { preferredMethod?: 'sms' | 'voice' | 'both' } };

export type EnrollmentFactorSelector = Exclude<FactorSelector, { type: 'email' }>;

export interface AuthenticationMethod {
  /** `pwd`, `federated`, `passkey`, `sms`, `email`, `phone_number`, `mock`, `mfa`, or a custom method URL. */
  name: string;
  /** ISO 8601. */
  timestamp: string;
  /** The factor used, when `name` is `mfa`. */
  type?: FactorType;
}

export interface EnrolledFactor {
  type: FactorType | string;
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface User {
  user_id: string;
  email?: string;
  email_verified: boolean;
  username?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  phone_number?: string;
  phone_verified?: boolean;
  created_at: string;
  updated_at: string;
  last_password_reset?: string;
  app_metadata: Record<string, any>;
  user_metadata: Record<string, any>;
  identities: Array<{ connection?: string; isSocial?: boolean; provider?: string; user_id?: string; profileData?: Record<string, string>; [key: string]: unknown }>;
  multifactor?: string[];
  enrolledFactors?: EnrolledFactor[];
  [key: string]: unknown;
}

export interface Request {
  ip: string;
  asn?: string;
  method: string;
  query: Record<string, any>;
  body: Record<string, any>;
  geoip: {
    cityName?: string; continentCode?: string; countryCode?: string; countryCode3?: string;
    countryName?: string; latitude?: number; longitude?: number; subdivisionCode?: string;
    subdivisionName?: string; timeZone?: string;
  };
  hostname?: string;
  language?: string;
  user_agent?: string;
}

export interface Transaction {
  id?: string;
  acr_values?: string[];
  linking_id?: string;
  locale?: string;
  login_hint?: string;
  prompt?: string[];
  protocol?: string;
  redirect_uri?: string;
  requested_scopes?: string[];
  response_mode?: 'query' | 'fragment' | 'form_post' | 'web_message';
  response_type?: Array<'code' | 'token' | 'id_token'>;
  state?: string;
  ui_locales?: string[];
  metadata: Record<string, string | number | boolean>;
  [key: string]: unknown;
}

export interface Session {
  id: string;
  created_at?: string;
  updated_at?: string;
  authenticated_at?: string;
  expires_at?: string;
  idle_expires_at?: string;
  last_interacted_at?: string;
  clients?: Array<{ client_id: string }>;
  cookie?: { mode: 'persistent' | 'non-persistent' };
  device?: Record<string, string>;
  metadata?: Record<string, string>;
  [key: string]: unknown;
}

export interface Event {
  tenant: { id: string };
  client: { client_id: string; name: string; metadata: Record<string, string>; [key: string]: unknown };
  connection: { id: string; name: string; strategy: string; metadata?: Record<string, string> };
  organization?: { id: string; name: string; display_name: string; metadata: Record<string, string> };
  resource_server?: { identifier: string };
  authorization?: { roles: string[] };
  authentication?: { methods: AuthenticationMethod[]; riskAssessment?: Record<string, unknown> };
  request: Request;
  transaction?: Transaction;
  session?: Session;
  refresh_token?: Record<string, unknown>;
  prompt?: { id: string; fields?: Record<string, any>; vars?: Record<string, any> };
  stats: { logins_count: number };
  secrets: Record<string, string>;
  configuration: Record<string, never>;
  user: User;
  [key: string]: unknown;
}

export type CacheRecord = { value: string; expires_at: number };
export type CacheWriteResult = { type: 'success'; record: CacheRecord } | { type: 'error'; code: string };

export interface PostLoginAPI {
  access: { deny(reason: string): PostLoginAPI };
  accessToken: {
    setCustomClaim(name: string, value: unknown): PostLoginAPI;
    addScope(scope: string): void;
    removeScope(scope: string): void;
  };
  authentication: {
    challengeWith(factor: FactorSelector, options?: { additionalFactors?: FactorSelector[] }): void;
    challengeWithAny(factors: FactorSelector[]): void;
    enrollWith(factor: EnrollmentFactorSelector, options?: { additionalFactors?: EnrollmentFactorSelector[] }): void;
    enrollWithAny(factors: EnrollmentFactorSelector[]): void;
    recordMethod(providerUrl: string): PostLoginAPI;
    setPrimaryUser(primaryUserId: string): void;
  };
  cache: {
    get(key: string): CacheRecord | undefined;
    set(key: string, value: string, options?: { ttl?: number; expires_at?: number }): CacheWriteResult;
    delete(key: string): { type: 'success' } | { type: 'error'; code: string };
  };
  groups: {
    getUserGroups(options?: { from?: string; take?: number }): Promise<{ groups: unknown[]; next?: string }>;
    hasGroupMembership(groups: string[]): Promise<{ memberships: Record<string, { is_member: boolean }> }>;
  };
  idToken: { setCustomClaim(name: string, value: unknown): PostLoginAPI };
  multifactor: {
    enable(provider: 'any' | 'none' | 'guardian' | 'google-authenticator' | 'duo', options?: {
      allowRememberBrowser?: boolean;
      providerOptions?: { host: string; ikey: string; skey: string; username?: string };
    }): PostLoginAPI;
  };
  prompt: { render(promptId: string, options?: { fields?: Record<string, unknown>; vars?: Record<string, unknown> }): void };
  redirect: {
    canRedirect(): boolean;
    encodeToken(options: { secret: string; payload?: Record<string, unknown>; expiresInSeconds?: number }): string;
    sendUserTo(url: string, options?: { query?: Record<string, string> }): PostLoginAPI;
    validateToken(options: { secret: string; tokenParameterName?: string }): Record<string, unknown>;
  };
  refreshToken: {
    revoke(reason: string): void;
    setExpiresAt(absolute: number): void;
    setIdleExpiresAt(inactivity: number): void;
    setMetadata(key: string, value: string | null): void;
    deleteMetadata(key: string): void;
    evictMetadata(): void;
  };
  roles: {
    getUserEffectiveRoles(options?: { from?: string; take?: number }): Promise<{ roles: Array<{ id: string; name: string }>; next?: string }>;
    getUserEffectiveRolesByIds(ids: string[]): Promise<{ roles: Array<{ id: string; name: string }> }>;
    getUserEffectiveRolesByNames(names: string[]): Promise<{ roles: Array<{ id: string; name: string }> }>;
  };
  rules: { wasExecuted(ruleId: string): boolean };
  samlResponse: { setAttribute(attribute: string, value: unknown): PostLoginAPI; [setter: `set${string}`]: (value: any) => PostLoginAPI };
  session: {
    revoke(reason: string, options?: { preserveRefreshTokens?: boolean }): void;
    setExpiresAt(absolute: number): void;
    setIdleExpiresAt(inactivity: number): void;
    setCookieMode(mode: 'persistent' | 'non-persistent'): void;
    setMetadata(key: string, value: string | null): void;
    deleteMetadata(key: string): void;
    evictMetadata(): void;
  };
  transaction: { setMetadata(key: string, value: string | number | boolean | null): void };
  user: {
    setAppMetadata(key: string, value: unknown): PostLoginAPI;
    setUserMetadata(key: string, value: unknown): PostLoginAPI;
  };
  validation: { error(errorCode: string, errorMessage: string): PostLoginAPI };
}

export type OnExecutePostLogin = (event: Event, api: PostLoginAPI) => Promise<void>;
export type OnContinuePostLogin = (event: Event, api: PostLoginAPI) => Promise<void>;
