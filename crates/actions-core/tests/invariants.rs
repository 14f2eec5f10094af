//! Property tests of the login state machine (flow-file.md §2 and §3): random
//! tenants, users, protocols, scripted user answers and flows of 1–6 Actions
//! making random `api.*` calls, driven the way the orchestrator drives a login
//! (begin → call* → end → run_mfa/resume → … → finish), checked against the
//! invariants the report must always satisfy.
//!
//! `PROPTEST_CASES` bounds the run (default 256). Failing cases are persisted
//! in `tests/proptest-regressions/invariants.txt` and replayed first on every
//! later run: commit that file.

use actions_core::rules::command_cap::{MAX_MFA_COMMANDS, TOO_MANY_MESSAGE};
use actions_core::{
    iso8601, ApiError, ApiMethod, ChallengeScope, ContinueResponse, ErrorCode, FactorKind,
    FixedClock, HandlerEnd, InputError, LogType, LoginContext, MfaCommand, MfaResponse, MfaResult,
    MfaSettings, Outcome, ResponseResult, Services, Step, Tenant, TokenError, TokenRequest,
    Transaction, UserState, VerifiedToken,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------
// Configuration

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/proptest-regressions/invariants.txt"
        )))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Vocabulary

const REAL_FACTORS: [&str; 7] = [
    "otp",
    "email",
    "webauthn-roaming",
    "webauthn-platform",
    "push-notification",
    "phone",
    "recovery-code",
];

/// Type strings that are not factors (`push` is an alias, kept apart).
const BOGUS_FACTORS: &[&str] = &[
    "sms",
    "OTP",
    "",
    "totp",
    "webauthn",
    "email ",
    "guardian",
    "duo",
    "recovery_code",
    "push_notification",
];

/// auth0-post-login §1 `transaction.protocol`.
const PROTOCOLS: &[&str] = &[
    "oidc-basic-profile",
    "oidc-ciba",
    "oidc-ciba-web-link",
    "oidc-implicit-profile",
    "oauth2-device-code",
    "oauth2-resource-owner",
    "oauth2-resource-owner-jwt-bearer",
    "oauth2-password",
    "oauth2-webauthn",
    "oauth2-access-token",
    "oauth2-refresh-token",
    "oauth2-token-exchange",
    "oidc-hybrid-profile",
    "samlp",
    "wsfed",
    "wstrust-usernamemixed",
];

const URLS: &[&str] = &[
    "https://example.com/consent",
    "http://localhost:3000/cb?x=1",
    "https://idp.example.org/path#frag",
    "not a url",
    "ftp://example.com/",
    "",
];

const KEYS: &[&str] = &[
    "type",
    "additionalFactors",
    "options",
    "query",
    "secret",
    "payload",
    "expiresInSeconds",
    "tokenParameterName",
    "fields",
    "vars",
    "from",
    "take",
    "groups",
    "ids",
    "names",
    "preserveRefreshTokens",
    "ttl",
    "allowRememberBrowser",
    "providerOptions",
];

/// The secret the fake external site signs `/continue` tokens with.
const SECRET: &str = "s3cret";

const EXECUTE: &str = "onExecutePostLogin";
const CONTINUE: &str = "onContinuePostLogin";

// ---------------------------------------------------------------------------
// Scenario

#[derive(Debug, Clone)]
struct Invocation {
    calls: Vec<(ApiMethod, Vec<Value>)>,
    end: HandlerEnd,
}

/// One Action: its `onExecutePostLogin`, then the `onContinuePostLogin` runs
/// it gets if it suspends (an empty handler that returns once they run out).
#[derive(Debug, Clone)]
struct ActionScript {
    invocations: Vec<Invocation>,
}

#[derive(Debug, Clone)]
struct Scenario {
    tenant: Tenant,
    user: UserState,
    context: LoginContext,
    responses: Vec<MfaResponse>,
    continues: Vec<ContinueResponse>,
    start_ms: i64,
    actions: Vec<ActionScript>,
}

// ---------------------------------------------------------------------------
// Strategies

fn factor_name() -> BoxedStrategy<String> {
    prop_oneof![
        8 => select(&REAL_FACTORS[..]).prop_map(str::to_owned),
        1 => Just("push".to_owned()),
        2 => select(BOGUS_FACTORS).prop_map(str::to_owned),
        1 => "[a-z-]{0,12}",
    ]
    .boxed()
}

fn short_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[a-z0-9_:/.-]{0,12}",
        1 => "\\PC{0,16}",
    ]
    .boxed()
}

fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => Just(Value::Null),
        2 => any::<bool>().prop_map(Value::Bool),
        2 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => prop_oneof![Just(0.0), Just(-0.5), Just(1e300), any::<f64>()].prop_map(|f| json!(f)),
        4 => short_string().prop_map(Value::String),
        3 => factor_name().prop_map(Value::String),
        2 => select(URLS).prop_map(|u| Value::String(u.to_owned())),
        // Huge strings (up to ~200 KB).
        1 => (1usize..=200_000).prop_map(|n| Value::String("x".repeat(n))),
    ]
    .boxed()
}

/// A factor name, more often one the tenant enables or the user has (`pool`)
/// so that logins get past their first MFA command.
fn pooled_factor(pool: &[String]) -> BoxedStrategy<String> {
    if pool.is_empty() {
        return factor_name();
    }
    prop_oneof![
        3 => select(pool.to_vec()),
        1 => factor_name(),
    ]
    .boxed()
}

/// An MFA selector: usually `{type}` naming a real or bogus factor; only
/// `{type}` from `pool` when `tidy`.
fn selector(pool: &[String], tidy: bool) -> BoxedStrategy<Value> {
    if tidy && !pool.is_empty() {
        return select(pool.to_vec())
            .prop_map(|t| json!({ "type": t }))
            .boxed();
    }
    prop_oneof![
        10 => pooled_factor(pool).prop_map(|t| json!({ "type": t })),
        1 => (pooled_factor(pool), json_leaf()).prop_map(|(t, o)| json!({ "type": t, "options": o })),
        1 => json_leaf(),
        1 => any::<i64>().prop_map(|n| json!({ "type": n })),
    ]
    .boxed()
}

fn json_key() -> BoxedStrategy<String> {
    prop_oneof![
        3 => select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ]
    .boxed()
}

/// Any JSON: scalars, selectors, arrays of them, nested objects.
fn json_value() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => json_leaf(),
        1 => selector(&[], false),
    ]
    .prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            vec((json_key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
    .boxed()
}

fn small_object() -> BoxedStrategy<Map<String, Value>> {
    btree_map(json_key(), json_leaf(), 0..3)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

/// The factors a login's commands name most often: those the user has
/// (for challenges) and those the tenant enables (for enrollments).
#[derive(Debug, Clone)]
struct Pools {
    challenge: Vec<String>,
    enroll: Vec<String>,
    /// Well-formed MFA commands over the pools only, and few thrown
    /// handlers, so that logins get deep (several Actions, completed MFA).
    tidy: bool,
}

impl Pools {
    /// Challenges name the user's factors that the tenant enables (or, when
    /// there are none, whatever the user has); enrollments the enabled
    /// factors, email aside.
    fn new(tenant: &Tenant, user: &UserState, tidy: bool) -> Pools {
        let has = factor_types(&user.enrolled_factors);
        let enabled: Vec<String> = tenant
            .mfa
            .factors
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect();
        let challenge: Vec<String> = has
            .iter()
            .filter(|t| tenant.mfa.is_enabled(t))
            .cloned()
            .collect();
        // Enrollments also name factors the user already has, as the type
        // string the user has it under (`push` as well as `push-notification`).
        let mut enroll: Vec<String> = enabled.into_iter().filter(|t| t != "email").collect();
        enroll.extend(challenge.iter().cloned());
        Pools {
            challenge: if challenge.is_empty() { has } else { challenge },
            enroll,
            tidy,
        }
    }
}

/// One of the four MFA methods, with selector-shaped (or random) arguments.
fn mfa_call(pools: &Pools) -> BoxedStrategy<(ApiMethod, Vec<Value>)> {
    let tidy = pools.tidy;
    let with = |method: ApiMethod, pool: &[String]| {
        (
            selector(pool, tidy),
            proptest::option::of(vec(selector(pool, tidy), 0..3)),
        )
            .prop_map(move |(first, more)| {
                let mut args = vec![first];
                if let Some(more) = more {
                    args.push(json!({ "additionalFactors": more }));
                }
                (method, args)
            })
    };
    let any_of = |method: ApiMethod, pool: &[String]| {
        // Mostly non-empty lists; an empty one now and then.
        let empty = if tidy { 0.0 } else { 0.15 };
        (
            proptest::bool::weighted(empty),
            vec(selector(pool, tidy), 1..4),
        )
            .prop_map(move |(empty, list)| {
                let list = if empty { Vec::new() } else { list };
                (method, vec![Value::Array(list)])
            })
    };
    let all_four = select(
        &[
            ApiMethod::AuthenticationChallengeWith,
            ApiMethod::AuthenticationEnrollWith,
            ApiMethod::AuthenticationChallengeWithAny,
            ApiMethod::AuthenticationEnrollWithAny,
        ][..],
    );
    let shaped = prop_oneof![
        with(ApiMethod::AuthenticationChallengeWith, &pools.challenge),
        with(ApiMethod::AuthenticationEnrollWith, &pools.enroll),
        any_of(ApiMethod::AuthenticationChallengeWithAny, &pools.challenge),
        any_of(ApiMethod::AuthenticationEnrollWithAny, &pools.enroll),
    ];
    if tidy {
        return shaped.boxed();
    }
    prop_oneof![
        8 => shaped,
        1 => (all_four, vec(json_value(), 0..3)),
    ]
    .boxed()
}

/// Calls with arguments shaped so that they are often accepted.
fn shaped_call() -> BoxedStrategy<(ApiMethod, Vec<Value>)> {
    prop_oneof![
        3 => (select(URLS), small_object()).prop_map(|(url, query)| (
            ApiMethod::RedirectSendUserTo,
            vec![json!(url), json!({ "query": query })]
        )),
        2 => ("[a-z-]{1,12}", btree_map("[a-z_]{1,6}", json_leaf(), 0..3)).prop_map(
            |(id, fields)| (
                ApiMethod::PromptRender,
                vec![json!(id), json!({ "fields": fields })]
            )
        ),
        2 => (prop_oneof![Just(SECRET.to_owned()), short_string()], small_object()).prop_map(
            |(secret, payload)| (
                ApiMethod::RedirectEncodeToken,
                vec![json!({ "secret": secret, "payload": payload, "expiresInSeconds": 60 })]
            )
        ),
        2 => prop_oneof![Just(SECRET.to_owned()), short_string()].prop_map(|secret| (
            ApiMethod::RedirectValidateToken,
            vec![json!({ "secret": secret, "tokenParameterName": "session_token" })]
        )),
        1 => short_string().prop_map(|r| (ApiMethod::AccessDeny, vec![json!(r)])),
        1 => (short_string(), short_string()).prop_map(|(c, m)| (
            ApiMethod::ValidationError,
            vec![json!(c), json!(m)]
        )),
        2 => select(URLS).prop_map(|u| (ApiMethod::AuthenticationRecordMethod, vec![json!(u)])),
        2 => ("[a-z]{1,6}", json_leaf()).prop_map(|(k, v)| (
            ApiMethod::IdTokenSetCustomClaim,
            vec![json!(format!("https://example.com/{k}")), v]
        )),
        2 => ("[a-z]{1,6}", json_leaf()).prop_map(|(k, v)| (
            ApiMethod::UserSetAppMetadata,
            vec![json!(k), v]
        )),
        2 => ("[a-z]{1,6}", short_string()).prop_map(|(k, v)| (
            ApiMethod::CacheSet,
            vec![json!(k), json!(v)]
        )),
        2 => "[a-z:]{1,12}".prop_map(|s| (ApiMethod::AccessTokenAddScope, vec![json!(s)])),
        1 => short_string().prop_map(|r| (ApiMethod::SessionRevoke, vec![json!(r)])),
        1 => short_string().prop_map(|r| (ApiMethod::RefreshTokenRevoke, vec![json!(r)])),
    ]
    .boxed()
}

/// Any call: every method of [`ApiMethod::ALL`] with random JSON arguments,
/// plus MFA commands and well-shaped calls more often than chance gives.
fn call(pools: &Pools) -> BoxedStrategy<(ApiMethod, Vec<Value>)> {
    let (random, mfa) = if pools.tidy { (2, 2) } else { (4, 3) };
    prop_oneof![
        random => (select(ApiMethod::ALL), vec(json_value(), 0..4)),
        mfa => mfa_call(pools),
        2 => shaped_call(),
    ]
    .boxed()
}

fn handler_end(tidy: bool) -> BoxedStrategy<HandlerEnd> {
    prop_oneof![
        if tidy { 40 } else { 10 } => Just(HandlerEnd::Returned),
        1 => short_string().prop_map(|message| HandlerEnd::Failed {
            code: ErrorCode::ActionError,
            message,
        }),
    ]
    .boxed()
}

fn invocation(pools: &Pools) -> BoxedStrategy<Invocation> {
    let tidy = pools.tidy;
    // A well-written Action challenges with everything the user has first.
    let challenge_all = (
        ApiMethod::AuthenticationChallengeWithAny,
        vec![Value::Array(
            pools
                .challenge
                .iter()
                .map(|t| json!({ "type": t }))
                .collect(),
        )],
    );
    let calls = prop_oneof![vec(call(pools), 0..=2), vec(call(pools), 0..=8)];
    (calls, handler_end(tidy), proptest::bool::weighted(0.35))
        .prop_map(move |(mut calls, end, challenge_first)| {
            if tidy {
                // Challenges before enrollments, as a well-written Action does.
                calls.sort_by_key(|(method, _)| {
                    method.mfa_command().is_none_or(|kind| kind.is_enroll())
                });
                if challenge_first {
                    calls.insert(0, challenge_all.clone());
                    calls.truncate(8);
                }
            }
            Invocation { calls, end }
        })
        .boxed()
}

fn action(pools: &Pools) -> BoxedStrategy<ActionScript> {
    vec(invocation(pools), 1..=3)
        .prop_map(|invocations| ActionScript { invocations })
        .boxed()
}

fn tenant() -> BoxedStrategy<Tenant> {
    (
        prop_oneof![
            1 => Just(FactorKind::ALL.to_vec()),
            2 => subsequence(FactorKind::ALL.to_vec(), 0..=7),
        ],
        prop_oneof![4 => Just(true), 1 => Just(false)],
        select(&[ChallengeScope::Transaction, ChallengeScope::PriorAction][..]),
    )
        .prop_map(|(factors, toggle, scope)| Tenant {
            name: "acme".to_owned(),
            mfa: MfaSettings {
                customize_with_actions: toggle,
                factors,
                enroll_challenge_scope: scope,
            },
        })
        .boxed()
}

fn metadata() -> BoxedStrategy<Value> {
    prop_oneof![
        8 => Just(json!({})),
        2 => small_object().prop_map(Value::Object),
        1 => json_leaf(),
    ]
    .boxed()
}

fn user() -> BoxedStrategy<UserState> {
    (
        vec(factor_name().prop_map(|t| json!({ "type": t })), 0..=4),
        metadata(),
        metadata(),
    )
        .prop_map(
            |(enrolled_factors, app_metadata, user_metadata)| UserState {
                app_metadata,
                user_metadata,
                enrolled_factors: enrolled_factors.into(),
            },
        )
        .boxed()
}

fn context() -> BoxedStrategy<LoginContext> {
    (
        prop_oneof![
            2 => Just(None),
            2 => select(&["oidc-basic-profile", "samlp", "oidc-implicit-profile"][..])
                .prop_map(|p| Some(p.to_owned())),
            1 => select(PROTOCOLS).prop_map(|p| Some(p.to_owned())),
        ],
        prop_oneof![7 => Just(json!({})), 1 => Just(json!({ "prompt": "none" }))],
        prop_oneof![
            Just(Value::Null),
            Just(json!({ "id": "sess-1", "metadata": { "a": "1" } })),
        ],
        prop_oneof![
            2 => Just(Value::Null),
            1 => Just(json!({ "id": "rt-1", "access": "offline" })),
            1 => Just(json!({ "id": "rt-1", "access": "online" })),
        ],
        vec("[a-z]{1,6}", 0..4),
        any::<u64>(),
    )
        .prop_map(
            |(protocol, query, session, refresh_token, roles, seed)| LoginContext {
                user_id: "auth0|42".to_owned(),
                protocol,
                request: json!({
                    "ip": "203.0.113.7",
                    "hostname": "acme.auth0.com",
                    "method": "GET",
                    "query": query,
                    "body": {},
                })
                .into(),
                session: session.into(),
                refresh_token: refresh_token.into(),
                transaction_metadata: Map::new(),
                executed_rules: vec!["rul_1".to_owned()],
                roles,
                seed,
            },
        )
        .boxed()
}

fn mfa_response(pool: &[String]) -> BoxedStrategy<MfaResponse> {
    (
        prop_oneof![3 => Just(None), 2 => pooled_factor(pool).prop_map(Some)],
        prop_oneof![4 => Just(ResponseResult::Success), 1 => Just(ResponseResult::Fail)],
    )
        .prop_map(|(factor, result)| MfaResponse { factor, result })
        .boxed()
}

fn continue_response() -> BoxedStrategy<ContinueResponse> {
    (
        small_object(),
        small_object(),
        prop_oneof![4 => Just(None), 1 => "[0-9a-f]{0,32}".prop_map(Some)],
        prop_oneof![
            2 => Just(None),
            1 => (prop_oneof![Just(SECRET.to_owned()), short_string()], small_object()).prop_map(
                |(secret, claims)| Some(TokenRequest {
                    param: "session_token".to_owned(),
                    secret,
                    claims,
                })
            ),
        ],
        small_object(),
    )
        .prop_map(|(query, body, state, token, fields)| ContinueResponse {
            query,
            body,
            state,
            token,
            fields,
        })
        .boxed()
}

fn scenario() -> BoxedStrategy<Scenario> {
    (tenant(), user(), any::<bool>())
        .prop_flat_map(|(tenant, user, tidy)| {
            let pools = Pools::new(&tenant, &user, tidy);
            let mut answers = pools.challenge.clone();
            answers.extend(pools.enroll.iter().cloned());
            (
                Just(tenant),
                Just(user),
                context(),
                vec(mfa_response(&answers), 0..=6),
                vec(continue_response(), 0..=3),
                0i64..4_102_444_800_000,
                vec(action(&pools), 1..=6),
            )
        })
        .prop_map(
            |(tenant, user, context, responses, continues, start_ms, actions)| Scenario {
                tenant,
                user,
                context,
                responses,
                continues,
                start_ms,
                actions,
            },
        )
        .boxed()
}

// ---------------------------------------------------------------------------
// Fake services: tokens as hex, URLs must start with http(s)://.

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = text
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).ok().filter(|p| p.len() == 2)?;
            u8::from_str_radix(pair, 16).ok()
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

struct FakeServices;

impl Services for FakeServices {
    fn sign_hs256(&self, claims: &Map<String, Value>, secret: &str) -> Result<String, String> {
        if secret.is_empty() {
            return Err("secret must not be empty".to_owned());
        }
        Ok(format!(
            "{}.{}.{}",
            hex(r#"{"alg":"HS256","typ":"JWT"}"#),
            hex(&Value::Object(claims.clone()).to_string()),
            hex(secret)
        ))
    }

    fn verify_hs256(&self, token: &str, secret: &str) -> Result<VerifiedToken, TokenError> {
        let parts: Vec<&str> = token.split('.').collect();
        let [header, payload, signature] = parts[..] else {
            return Err(TokenError::Malformed);
        };
        let decode = |part: &str| -> Result<Value, TokenError> {
            unhex(part)
                .and_then(|text| serde_json::from_str(&text).ok())
                .ok_or(TokenError::Malformed)
        };
        let (header, payload) = (decode(header)?, decode(payload)?);
        if unhex(signature).as_deref() != Some(secret) {
            return Err(TokenError::BadSignature);
        }
        Ok(VerifiedToken {
            typ: header["typ"].as_str().map(str::to_owned),
            payload,
        })
    }

    fn set_query(&self, url: &str, query: &[(String, String)]) -> Result<String, String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!("Invalid URL: {url}"));
        }
        let mut out = url.to_owned();
        for (key, value) in query {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&format!("{key}={value}"));
        }
        Ok(out)
    }

    fn query_tokens(&self, _: &str) -> Map<String, Value> {
        Map::new()
    }
}

// ---------------------------------------------------------------------------
// Driving a login as the orchestrator does (actions-flow `run_on`).

#[derive(Debug)]
struct MadeCall {
    /// Index of the invocation (handler run) that made it.
    invocation: usize,
    action: String,
    method: ApiMethod,
    args: Vec<Value>,
    result: Result<Value, ApiError>,
}

struct Run {
    tx: Transaction,
    /// The run stopped on a response that did not fit a prompt.
    input_error: Option<InputError>,
    calls: Vec<MadeCall>,
    invocations: usize,
}

impl Run {
    fn finished(&self) -> bool {
        self.input_error.is_none()
    }

    fn log_types(&self) -> Vec<&'static str> {
        self.tx.logs().iter().map(|l| l.type_.as_str()).collect()
    }

    fn mfa_calls(&self) -> impl Iterator<Item = &MadeCall> {
        self.calls
            .iter()
            .filter(|c| c.method.mfa_command().is_some())
    }
}

fn drive(s: &Scenario) -> Run {
    let methods = vec![json!({ "name": "pwd", "timestamp": iso8601(s.start_ms) })];
    let mut tx = Transaction::new(
        s.tenant.clone(),
        s.user.clone(),
        methods,
        s.responses.clone(),
    )
    .with_context(s.context.clone())
    .with_services(Box::new(FakeServices))
    .with_continue_responses(s.continues.clone());
    let mut clock = FixedClock { now_ms: s.start_ms };
    let mut calls = Vec::new();
    let mut invocations = 0;

    'actions: for (position, script) in s.actions.iter().enumerate() {
        let name = format!("action-{position}");
        let mut handler = EXECUTE;
        let mut run = 0;
        loop {
            tx.set_now(clock.now_ms);
            tx.begin(&name, position, handler);
            let invocation = script.invocations.get(run);
            for (method, args) in invocation.map_or(&[][..], |i| &i.calls[..]) {
                let result = tx.call(*method, args.clone());
                calls.push(MadeCall {
                    invocation: invocations,
                    action: name.clone(),
                    method: *method,
                    args: args.clone(),
                    result,
                });
            }
            invocations += 1;
            let end = invocation.map_or(HandlerEnd::Returned, |i| i.end.clone());
            let mut step = tx.end(end);
            loop {
                let next = match step {
                    Step::RunMfa => tx.run_mfa(&mut clock),
                    Step::Suspend => tx.resume(&mut clock),
                    _ => break,
                };
                step = match next {
                    Ok(step) => step,
                    Err(error) => {
                        return Run {
                            tx,
                            input_error: Some(error),
                            calls,
                            invocations,
                        }
                    }
                };
            }
            match step {
                Step::RunContinue => {
                    handler = CONTINUE;
                    run += 1;
                }
                Step::Stop => break 'actions,
                _ => break,
            }
        }
    }
    tx.set_now(clock.now_ms);
    tx.finish();
    Run {
        tx,
        input_error: None,
        calls,
        invocations,
    }
}

fn canonical(type_: &str) -> String {
    type_
        .parse::<FactorKind>()
        .map_or_else(|_| type_.to_owned(), |k| k.as_str().to_owned())
}

fn factor_types(factors: &[Value]) -> Vec<String> {
    factors
        .iter()
        .filter_map(|f| f.get("type").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Walks `mfa[]` in order, tracking what the user is enrolled in (each type
/// read through `read`), and checks that no completed enrollment names a
/// factor already there and that the final `enrolledFactors` are the
/// starting ones plus the completed enrollments.
fn check_enrollments(
    s: &Scenario,
    run: &Run,
    read: fn(&str) -> String,
) -> Result<(), TestCaseError> {
    let start = factor_types(&s.user.enrolled_factors);
    let mut enrolled: Vec<String> = start.iter().map(|t| read(t)).collect();
    let mut added = Vec::new();
    for (i, entry) in run.tx.mfa().iter().enumerate() {
        if entry.kind != "enroll" || entry.result != MfaResult::Completed {
            continue;
        }
        let Some(factor) = entry.factor.clone() else {
            return Err(TestCaseError::fail(format!(
                "mfa[{i}] completed without a factor"
            )));
        };
        prop_assert!(
            !enrolled.contains(&read(&factor)),
            "mfa[{}] enrolled `{}` but the user already had {:?}",
            i,
            factor,
            enrolled
        );
        enrolled.push(read(&factor));
        added.push(factor);
    }
    let mut expected = start;
    expected.extend(added);
    prop_assert_eq!(factor_types(&run.tx.user().enrolled_factors), expected);
    Ok(())
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(config())]

    /// Whatever the tenant, user, answers and calls, the core never panics.
    #[test]
    fn nothing_panics(s in scenario()) {
        let run = drive(&s);
        // Read every part of the report, as the report builder does.
        let _ = (run.tx.outcome(), run.tx.error(), run.tx.mfa(), run.tx.logs());
        let _ = (run.tx.user(), run.tx.methods(), run.tx.cache(), run.tx.redirects());
        let _ = (run.tx.multifactor(), run.tx.session(), run.tx.refresh_token(), run.tx.saml());
    }

    /// Decision 8: at most four MFA commands execute, and each `mfa[]` entry
    /// comes from one of the first four MFA calls of the login, in order.
    #[test]
    fn at_most_four_mfa_commands_execute_from_the_first_four_calls(s in scenario()) {
        let run = drive(&s);
        let mfa = run.tx.mfa();
        prop_assert!(mfa.len() <= MAX_MFA_COMMANDS, "{} mfa entries", mfa.len());
        let first_four: Vec<&MadeCall> = run.mfa_calls().take(MAX_MFA_COMMANDS).collect();
        let mut next = 0;
        for (i, entry) in mfa.iter().enumerate() {
            let found = first_four[next..].iter().position(|call| {
                call.action == entry.action
                    && call.method.mfa_command() == Some(entry.command)
                    && MfaCommand::from_args(entry.command, &call.args).requested
                        == entry.requested
            });
            prop_assert!(
                found.is_some(),
                "mfa[{}] = {:?} matches none of the first four MFA calls after #{}: {:?}",
                i, entry, next, first_four
            );
            next += found.unwrap_or_default() + 1;
        }
    }

    /// Decisions 3, 6 and 10: no completed enrollment names a factor the user
    /// was already enrolled in (at the start of the login, spelled as the
    /// command's canonical type, or through an earlier enrollment), and every
    /// completed enrollment, and nothing else, is added to `enrolledFactors`.
    #[test]
    fn no_enrollment_of_an_already_enrolled_factor(s in scenario()) {
        check_enrollments(&s, &drive(&s), |t| t.to_owned())?;
    }

    /// The same, with the user's factors read through their aliases: a user
    /// whose `enrolledFactors` says `push` has `push-notification`.
    #[test]
    fn no_enrollment_of_a_factor_enrolled_under_an_alias(s in scenario()) {
        check_enrollments(&s, &drive(&s), canonical)?;
    }

    /// §2 `logs[]` and decision 14: a login that ended ends its logs with `s`
    /// (allowed) or `f` (denied, failed), exactly one of them; a
    /// redirect-pending login writes neither.
    #[test]
    fn logs_end_with_exactly_one_s_or_f_unless_redirect_pending(s in scenario()) {
        let run = drive(&s);
        prop_assume!(run.finished());
        let types = run.log_types();
        let count = |t: LogType| types.iter().filter(|x| **x == t.as_str()).count();
        let (successes, failures) = (count(LogType::Success), count(LogType::Failure));
        match run.tx.outcome() {
            Outcome::RedirectPending => {
                prop_assert_eq!((successes, failures), (0, 0), "logs {:?}", types);
            }
            outcome => {
                let last = types.last().copied();
                prop_assert!(
                    matches!(last, Some("s" | "f")),
                    "{:?} login's logs {:?} do not end with s or f", outcome, types
                );
                prop_assert_eq!(successes + failures, 1, "logs {:?}", types);
                if successes == 1 {
                    prop_assert_eq!(outcome, Outcome::Allowed, "logs {:?}", types);
                }
            }
        }
    }

    /// §2 `outcome` and `error`: allowed ⇔ no error and no `f` (among ended
    /// logins); denied and failed carry an error; redirect-pending has
    /// `error: null` (decision 14).
    #[test]
    fn outcome_and_error_agree(s in scenario()) {
        let run = drive(&s);
        prop_assume!(run.finished());
        let outcome = run.tx.outcome();
        let error = run.tx.error();
        let has_f = run.log_types().contains(&"f");
        match outcome {
            Outcome::Allowed => {
                prop_assert!(error.is_none() && !has_f, "allowed with {:?}, logs {:?}",
                    error, run.log_types());
            }
            Outcome::Denied | Outcome::Failed => {
                prop_assert!(error.is_some(), "{:?} without an error", outcome);
                prop_assert!(has_f, "{:?} without `f`: {:?}", outcome, run.log_types());
            }
            Outcome::RedirectPending => {
                prop_assert!(error.is_none(), "redirect-pending with {:?}", error);
            }
        }
        if outcome != Outcome::RedirectPending {
            prop_assert_eq!(
                outcome == Outcome::Allowed,
                error.is_none() && !has_f,
                "outcome {:?}, error {:?}, logs {:?}", outcome, error, run.log_types()
            );
        }
    }

    /// Decision 8: `mfa_commands_used` is the number of MFA calls made, every
    /// call counted whatever its verdict or its Action's fate.
    #[test]
    fn mfa_commands_used_counts_every_mfa_call(s in scenario()) {
        let run = drive(&s);
        prop_assert_eq!(run.tx.mfa_commands_used(), run.mfa_calls().count());
    }

    /// §2 `calls[]` and decision 13: every call is recorded, in call order, in
    /// its invocation, with a verdict `accepted`, `ignored` (with a reason) or
    /// `rejected` (with a non-empty message); a call that threw is `rejected`
    /// with the thrown message, and only the fifth-and-later MFA call is
    /// `rejected` without throwing.
    #[test]
    fn every_call_is_recorded_with_a_well_formed_verdict(s in scenario()) {
        let run = drive(&s);
        let invocations = run.tx.invocations();
        prop_assert_eq!(invocations.len(), run.invocations);
        for (i, invocation) in invocations.iter().enumerate() {
            let made: Vec<&MadeCall> = run.calls.iter().filter(|c| c.invocation == i).collect();
            prop_assert_eq!(invocation.calls.len(), made.len(), "invocation {}", i);
            for (record, call) in invocation.calls.iter().zip(made) {
                prop_assert_eq!(record.method, call.method.as_str());
                let shown = serde_json::to_value(record).map_err(|e| {
                    TestCaseError::fail(format!("calls[] entry does not serialise: {e}"))
                })?;
                let verdict = shown["verdict"].as_str().unwrap_or_default();
                let text = |key: &str| shown[key].as_str().unwrap_or_default().to_owned();
                match verdict {
                    "accepted" => prop_assert!(call.result.is_ok(), "{:?} accepted", call),
                    "ignored" => {
                        prop_assert!(!text("reason").is_empty(), "{}", shown);
                        prop_assert!(call.result.is_ok(), "{:?} ignored", call);
                    }
                    "rejected" => {
                        let message = text("message");
                        prop_assert!(!message.is_empty(), "{}", shown);
                        match &call.result {
                            Err(error) => prop_assert_eq!(&error.message, &message),
                            Ok(_) => prop_assert!(
                                call.method.mfa_command().is_some() && message == TOO_MANY_MESSAGE,
                                "{:?} rejected without throwing: {}", call, shown
                            ),
                        }
                    }
                    other => prop_assert!(false, "verdict {:?} in {}", other, shown),
                }
            }
        }
    }
}
