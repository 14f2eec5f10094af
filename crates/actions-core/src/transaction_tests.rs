//! Table-style tests of the state machine: each names the spec section it checks.

use serde_json::{json, Value};

use super::*;
use crate::{ChallengeScope, FactorKind, FixedClock, MfaSettings};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

struct Login {
    tx: Transaction,
    clock: FixedClock,
    position: usize,
}

impl Login {
    /// Sets the transaction up further (`with_context`, `with_protocol`, ...).
    fn set_up(&mut self, f: impl FnOnce(Transaction) -> Transaction) {
        let blank = Transaction::new(Tenant::default(), UserState::default(), vec![], vec![]);
        self.tx = f(std::mem::replace(&mut self.tx, blank));
    }
}

fn login(enrolled: &[&str]) -> Login {
    login_with(Tenant::default(), enrolled, vec![])
}

fn login_with(tenant: Tenant, enrolled: &[&str], responses: Vec<MfaResponse>) -> Login {
    let user = UserState {
        app_metadata: json!({}),
        user_metadata: json!({}),
        enrolled_factors: enrolled
            .iter()
            .map(|t| json!({ "type": t }))
            .collect::<Vec<_>>()
            .into(),
    };
    let methods = vec![json!({"name": "pwd", "timestamp": iso8601(START)})];
    Login {
        tx: Transaction::new(tenant, user, methods, responses),
        clock: FixedClock { now_ms: START },
        position: 0,
    }
}

fn factors(types: &[&str]) -> Value {
    Value::Array(types.iter().map(|t| json!({ "type": t })).collect())
}

fn challenge_any(types: &[&str]) -> (ApiMethod, Vec<Value>) {
    (
        ApiMethod::AuthenticationChallengeWithAny,
        vec![factors(types)],
    )
}
fn enroll_any(types: &[&str]) -> (ApiMethod, Vec<Value>) {
    (ApiMethod::AuthenticationEnrollWithAny, vec![factors(types)])
}
fn challenge_with(first: &str, more: &[&str]) -> (ApiMethod, Vec<Value>) {
    (
        ApiMethod::AuthenticationChallengeWith,
        vec![
            json!({ "type": first }),
            json!({ "additionalFactors": factors(more) }),
        ],
    )
}
fn enroll_with(first: &str, more: &[&str]) -> (ApiMethod, Vec<Value>) {
    (
        ApiMethod::AuthenticationEnrollWith,
        vec![
            json!({ "type": first }),
            json!({ "additionalFactors": factors(more) }),
        ],
    )
}

impl Login {
    /// Runs one Action that makes `calls`, then its MFA. Returns the step.
    fn action(&mut self, name: &str, calls: Vec<(ApiMethod, Vec<Value>)>) -> Step {
        self.tx.begin(name, self.position, "onExecutePostLogin");
        self.position += 1;
        for (method, args) in calls {
            let _ = self.tx.call(method, args);
        }
        match self.tx.end(HandlerEnd::Returned) {
            Step::RunMfa => self.tx.run_mfa(&mut self.clock).expect("valid responses"),
            step => step,
        }
    }
    fn log_types(&self) -> Vec<&'static str> {
        self.tx.logs().iter().map(|l| l.type_.as_str()).collect()
    }
    fn last_mfa(&self) -> &MfaEntry {
        self.tx.mfa().last().expect("an mfa entry")
    }
    fn code(&self) -> Option<ErrorCode> {
        self.tx.error().map(|e| e.code.clone())
    }
}

#[test]
fn seed_admin_flow_challenge_then_enroll_in_one_action() {
    let mut l = login(&["otp"]);
    let step = l.action(
        "require-keys",
        vec![
            challenge_any(&["otp"]),
            enroll_with("webauthn-roaming", &[]),
        ],
    );
    assert_eq!(step, Step::Continue);
    let mfa = l.tx.mfa();
    assert_eq!(mfa.len(), 2);
    assert_eq!(
        (mfa[0].prompt, mfa[0].result, mfa[0].factor.as_deref()),
        (PromptKind::Direct, MfaResult::Completed, Some("otp"))
    );
    assert_eq!(
        (mfa[1].kind, mfa[1].result, mfa[1].factor.as_deref()),
        ("enroll", MfaResult::Completed, Some("webauthn-roaming"))
    );
    // auth0-post-login §3.6: the next Action sees the refreshed snapshots.
    let seen = l.tx.begin("next", 1, "onExecutePostLogin");
    assert_eq!(
        *seen.enrolled_factors,
        vec![json!({"type": "otp"}), json!({"type": "webauthn-roaming"})]
    );
    let names: Vec<_> = seen
        .methods
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap(),
                m.get("type").and_then(Value::as_str),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("pwd", None),
            ("mfa", Some("otp")),
            ("mfa", Some("webauthn-roaming"))
        ]
    );
    // flow-file.md §1 clock: one second per prompt, stamped at completion.
    assert_eq!(seen.methods[1]["timestamp"], "2026-01-01T00:00:01.000Z");
    assert_eq!(seen.methods[2]["timestamp"], "2026-01-01T00:00:02.000Z");
    l.tx.end(HandlerEnd::Returned);
    assert_eq!(l.tx.finish(), Outcome::Allowed);
    assert_eq!(l.log_types(), ["s"]);
}

#[test]
fn auth0_post_login_3_6_the_issuing_action_does_not_see_its_own_mfa() {
    let mut l = login(&[]);
    let seen = l.tx.begin("a", 0, "onExecutePostLogin").clone();
    l.tx.call(enroll_any(&["otp"]).0, enroll_any(&["otp"]).1)
        .unwrap();
    assert!(seen.enrolled_factors.is_empty());
    // Nothing executes before the Action finishes.
    assert!(l.tx.mfa().is_empty());
    assert_eq!(l.tx.end(HandlerEnd::Returned), Step::RunMfa);
}

#[test]
fn auth0_post_login_3_3_challenge_with_shows_default_and_alternatives() {
    let mut l = login(&["otp", "email"]);
    l.action("a", vec![challenge_with("otp", &["email"])]);
    let e = l.last_mfa();
    assert_eq!(
        (e.prompt, e.alternatives.clone()),
        (PromptKind::Direct, vec!["email".to_string()])
    );
}

#[test]
fn auth0_post_login_3_3_ignored_challenge_factors_log_w_and_the_rest_proceeds() {
    let tenant = Tenant {
        mfa: MfaSettings {
            factors: vec![FactorKind::Otp, FactorKind::Phone],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut l = login_with(tenant, &["otp"], vec![]);
    l.action("a", vec![challenge_any(&["email", "phone", "otp"])]);
    let e = l.last_mfa();
    assert_eq!(e.usable, ["otp"]);
    assert_eq!(
        e.ignored.iter().map(|i| i.reason).collect::<Vec<_>>(),
        ["not-enabled", "not-enrolled"]
    );
    assert_eq!(e.prompt, PromptKind::Direct);
    assert_eq!(l.tx.finish(), Outcome::Allowed);
    assert_eq!(l.log_types(), ["w", "w", "s"]);
    assert!(l.tx.logs()[0].description.contains("An MFA challenge is used in a PostLogin action, but the requested factor email is not properly set up."));
}

#[test]
fn auth0_post_login_3_3_challenge_with_no_usable_factor_fails_with_mfar() {
    let mut l = login(&["otp"]);
    assert_eq!(
        l.action("a", vec![challenge_with("phone", &["push-notification"])]),
        Step::Stop
    );
    assert_eq!(l.log_types(), ["w", "w", "mfar", "f"]);
    assert_eq!(l.code(), Some(ErrorCode::MfaRule));
    assert_eq!(l.tx.outcome(), Outcome::Failed);
    assert_eq!(
        (l.last_mfa().prompt, l.last_mfa().result),
        (PromptKind::None, MfaResult::Failed)
    );
    assert_eq!(l.tx.error().unwrap().action.as_deref(), Some("a"));
}

#[test]
fn auth0_post_login_3_3_already_completed_factors_satisfy_silently() {
    let mut l = login(&["otp"]);
    l.action("a", vec![challenge_any(&["otp"])]);
    l.action("b", vec![challenge_any(&["otp"])]);
    let e = l.last_mfa();
    assert_eq!((e.prompt, e.result), (PromptKind::None, MfaResult::Skipped));
    assert_eq!(e.ignored[0].reason, "already-satisfied");
    assert_eq!(l.tx.finish(), Outcome::Allowed);
    // Decision 4: no `w` for already-satisfied.
    assert_eq!(l.log_types(), ["s"]);
    assert_eq!(l.tx.responses_used(), 1);
}

#[test]
fn auth0_post_login_3_4_challenge_with_any_selection_and_single_factor() {
    let mut l = login(&["otp", "phone"]);
    l.action("a", vec![challenge_any(&["otp", "phone"])]);
    assert_eq!(l.last_mfa().prompt, PromptKind::Selection);
    let mut l = login(&["otp"]);
    l.action("a", vec![challenge_any(&["otp", "phone"])]);
    assert_eq!(l.last_mfa().prompt, PromptKind::Direct);
}

#[test]
fn auth0_post_login_3_4_challenge_with_any_for_a_user_enrolled_in_none_fails() {
    let mut l = login(&[]);
    l.action("a", vec![challenge_any(&["otp", "phone"])]);
    assert_eq!(l.code(), Some(ErrorCode::MfaRule));
    assert_eq!(l.log_types(), ["w", "w", "mfar", "f"]);
}

#[test]
fn auth0_post_login_3_5_enroll_with_any_selection_rules() {
    // Two or more usable: selection.
    let mut l = login(&[]);
    l.action("a", vec![enroll_any(&["otp", "phone"])]);
    assert_eq!(l.last_mfa().prompt, PromptKind::Selection);
    // All but one enrolled: direct to the remaining one (challenge first).
    let mut l = login(&["otp"]);
    l.action(
        "a",
        vec![challenge_any(&["otp"]), enroll_any(&["otp", "phone"])],
    );
    assert_eq!(
        (l.last_mfa().prompt, l.last_mfa().factor.as_deref()),
        (PromptKind::Direct, Some("phone"))
    );
    // All enrolled: the command is a no-op and the login continues (decision 6).
    let mut l = login(&["otp", "phone"]);
    assert_eq!(
        l.action("a", vec![enroll_any(&["otp", "phone"])]),
        Step::Continue
    );
    assert_eq!(
        (l.last_mfa().prompt, l.last_mfa().result),
        (PromptKind::None, MfaResult::Skipped)
    );
    assert_eq!(l.tx.finish(), Outcome::Allowed);
    assert_eq!(l.log_types(), ["w", "w", "s"]);
}

#[test]
fn decision_6_all_already_enrolled_skips_before_the_challenge_rule() {
    // The user has otp and has not been challenged: the challenge rule would
    // fail, but nothing is left to enroll, so the command is skipped.
    let mut l = login(&["otp"]);
    assert_eq!(l.action("a", vec![enroll_with("otp", &[])]), Step::Continue);
    assert_eq!(l.last_mfa().result, MfaResult::Skipped);
}

#[test]
fn auth0_post_login_3_5_enroll_with_unusable_factors_fails_with_mfar() {
    let tenant = Tenant {
        mfa: MfaSettings {
            factors: vec![FactorKind::Otp],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut l = login_with(tenant, &[], vec![]);
    l.action("a", vec![enroll_with("phone", &["email"])]);
    assert_eq!(l.code(), Some(ErrorCode::MfaRule));
    assert_eq!(l.log_types(), ["w", "w", "mfar", "f"]);
    assert!(l.tx.logs()[2].description.starts_with("An MFA enrollment is used in a PostLogin action but the requested factors are not properly set up."));
}

#[test]
fn auth0_post_login_3_5_email_is_never_enrollable() {
    let mut l = login(&[]);
    l.action("a", vec![enroll_with("email", &["otp"])]);
    let e = l.last_mfa();
    assert_eq!(e.ignored[0].reason, "not-enrollable");
    assert_eq!(
        (e.usable.clone(), e.result),
        (vec!["otp".to_string()], MfaResult::Completed)
    );
}

#[test]
fn auth0_post_login_3_5_enroll_without_prior_challenge_fails_with_mfar() {
    let mut l = login(&["otp"]);
    l.action("a", vec![enroll_with("webauthn-roaming", &[])]);
    assert_eq!(l.code(), Some(ErrorCode::MfaRule));
    assert_eq!(l.log_types(), ["mfar", "f"]);
    assert!(l.tx.logs()[0]
        .description
        .starts_with("An MFA enrollment was requested but the user is already enrolled in MFA."));
    assert_eq!(
        (l.last_mfa().prompt, l.last_mfa().result),
        (PromptKind::None, MfaResult::Failed)
    );
}

#[test]
fn auth0_post_login_3_5_email_only_user_enrolls_without_challenge() {
    let mut l = login(&["email"]);
    l.action("a", vec![enroll_with("otp", &[])]);
    assert_eq!(l.last_mfa().result, MfaResult::Completed);
}

#[test]
fn decision_7_prior_action_scope_requires_an_earlier_action() {
    let strict = || Tenant {
        mfa: MfaSettings {
            enroll_challenge_scope: ChallengeScope::PriorAction,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut l = login_with(strict(), &["otp"], vec![]);
    l.action(
        "a",
        vec![challenge_any(&["otp"]), enroll_with("phone", &[])],
    );
    // The challenge completed, then the enrollment failed.
    assert_eq!(l.tx.mfa()[0].result, MfaResult::Completed);
    assert_eq!(l.code(), Some(ErrorCode::MfaRule));

    let mut l = login_with(strict(), &["otp"], vec![]);
    l.action("a", vec![challenge_any(&["otp"])]);
    l.action("b", vec![enroll_with("phone", &[])]);
    assert_eq!(l.last_mfa().result, MfaResult::Completed);
}

#[test]
fn decision_7_an_earlier_enrollment_meets_the_challenge_rule() {
    // A new user enrolls otp; a later enrollment in the same login needs no challenge
    // (the user had nothing at the start).
    let mut l = login(&[]);
    l.action(
        "a",
        vec![
            enroll_any(&["otp", "phone"]),
            enroll_with("recovery-code", &[]),
        ],
    );
    assert_eq!(
        l.tx.mfa().iter().map(|e| e.result).collect::<Vec<_>>(),
        [MfaResult::Completed, MfaResult::Completed]
    );
    let seen = l.tx.begin("b", 1, "onExecutePostLogin");
    assert_eq!(
        *seen.enrolled_factors,
        vec![json!({"type": "otp"}), json!({"type": "recovery-code"})]
    );
}

#[test]
fn auth0_post_login_3_7_fifth_command_is_rejected_and_fails_the_login() {
    let mut l = login(&[
        "otp",
        "phone",
        "push-notification",
        "webauthn-roaming",
        "recovery-code",
    ]);
    l.action(
        "a",
        vec![
            challenge_any(&["otp"]),
            challenge_any(&["phone"]),
            challenge_any(&["push-notification"]),
        ],
    );
    assert_eq!(l.tx.mfa().len(), 3);
    let step = l.action(
        "b",
        vec![
            challenge_any(&["webauthn-roaming"]),
            challenge_any(&["recovery-code"]),
        ],
    );
    assert_eq!(step, Step::Stop);
    assert_eq!(l.code(), Some(ErrorCode::TooManyMfaCommands));
    assert_eq!(l.tx.error().unwrap().action.as_deref(), Some("b"));
    // Decision 8: the fifth call is recorded rejected, none of b's commands run.
    let calls = &l.tx.invocations()[1].calls;
    assert_eq!(calls[0].verdict, Verdict::Accepted);
    assert!(matches!(calls[1].verdict, Verdict::Rejected { .. }));
    assert_eq!(l.tx.mfa().len(), 3);
    assert_eq!(l.tx.mfa_commands_used(), 5);
    assert_eq!(l.log_types(), ["f"]);
}

#[test]
fn auth0_post_login_3_7_the_fifth_call_does_not_throw() {
    let mut l = login(&[]);
    l.tx.begin("a", 0, "onExecutePostLogin");
    for _ in 0..4 {
        assert!(l
            .tx
            .call(enroll_any(&["otp"]).0, enroll_any(&["otp"]).1)
            .is_ok());
    }
    assert!(l
        .tx
        .call(enroll_any(&["otp"]).0, enroll_any(&["otp"]).1)
        .is_ok());
}

#[test]
fn decision_9_toggle_off_ignores_commands_and_logs_one_w_each() {
    let tenant = Tenant {
        mfa: MfaSettings {
            customize_with_actions: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut l = login_with(tenant, &["otp"], vec![]);
    assert_eq!(
        l.action(
            "a",
            vec![challenge_with("otp", &["email"]), enroll_any(&["phone"])]
        ),
        Step::Continue
    );
    let calls = &l.tx.invocations()[0].calls;
    assert!(calls.iter().all(|c| c.verdict
        == Verdict::Ignored {
            reason: "customize-disabled".into()
        }));
    let e = &l.tx.mfa()[0];
    assert_eq!((e.prompt, e.result), (PromptKind::None, MfaResult::Skipped));
    assert!(e.ignored.iter().all(|i| i.reason == "customize-disabled") && e.ignored.len() == 2);
    assert_eq!(l.tx.methods().len(), 1);
    assert_eq!(l.tx.mfa_commands_used(), 2);
    assert_eq!(l.tx.finish(), Outcome::Allowed);
    assert_eq!(l.log_types(), ["w", "w", "s"]);
}

#[test]
fn decision_11_responses_pick_the_factor_and_may_fail() {
    let responses = vec![MfaResponse {
        factor: Some("phone".into()),
        result: ResponseResult::Success,
    }];
    let mut l = login_with(Tenant::default(), &[], responses);
    l.action("a", vec![enroll_any(&["otp", "phone"])]);
    assert_eq!(l.last_mfa().factor.as_deref(), Some("phone"));

    let responses = vec![MfaResponse {
        factor: None,
        result: ResponseResult::Fail,
    }];
    let mut l = login_with(Tenant::default(), &["otp"], responses);
    assert_eq!(l.action("a", vec![challenge_any(&["otp"])]), Step::Stop);
    assert_eq!(l.code(), Some(ErrorCode::MfaFailed));
    assert_eq!(
        (l.last_mfa().result, l.last_mfa().factor.as_deref()),
        (MfaResult::Failed, Some("otp"))
    );
    assert_eq!(l.tx.methods().len(), 1);
}

#[test]
fn decision_11_a_response_naming_a_factor_not_offered_is_an_input_error() {
    let responses = vec![MfaResponse {
        factor: Some("webauthn-roaming".into()),
        result: ResponseResult::Success,
    }];
    let mut l = login_with(Tenant::default(), &[], responses);
    l.tx.begin("a", 0, "onExecutePostLogin");
    l.tx.call(
        enroll_any(&["otp", "phone"]).0,
        enroll_any(&["otp", "phone"]).1,
    )
    .unwrap();
    l.tx.end(HandlerEnd::Returned);
    let err = l.tx.run_mfa(&mut l.clock).unwrap_err();
    assert!(
        err.0.contains("responses.mfa[0]")
            && err.0.contains("webauthn-roaming")
            && err.0.contains("otp, phone"),
        "{err}"
    );
}

#[test]
fn auth0_post_login_2_1_deny_keeps_side_effects_and_stops() {
    let mut l = login(&[]);
    let step = l.action(
        "a",
        vec![
            (
                ApiMethod::UserSetAppMetadata,
                vec![json!("blocked"), json!(true)],
            ),
            (ApiMethod::AccessDeny, vec![json!("not allowed")]),
            (
                ApiMethod::IdTokenSetCustomClaim,
                vec![json!("after"), json!(1)],
            ),
        ],
    );
    assert_eq!(step, Step::Stop);
    assert_eq!(l.tx.outcome(), Outcome::Denied);
    let error = l.tx.error().unwrap();
    assert_eq!(
        (error.code.clone(), error.message.as_str()),
        (ErrorCode::AccessDenied, "not allowed")
    );
    assert_eq!(l.tx.user().app_metadata, json!({"blocked": true}));
    // Code after deny keeps running and its calls are recorded.
    assert_eq!(l.tx.invocations()[0].calls.len(), 3);
    assert_eq!(l.log_types(), ["f"]);
}

#[test]
fn deny_in_an_action_with_mfa_commands_runs_no_mfa() {
    let mut l = login(&[]);
    l.action(
        "a",
        vec![
            enroll_any(&["otp"]),
            (ApiMethod::AccessDeny, vec![json!("no")]),
        ],
    );
    assert!(l.tx.mfa().is_empty());
    assert_eq!(l.tx.outcome(), Outcome::Denied);
}

#[test]
fn decision_10_a_throwing_action_loses_its_effects_and_earlier_ones_keep_theirs() {
    let mut l = login(&[]);
    l.action(
        "a",
        vec![(ApiMethod::UserSetUserMetadata, vec![json!("a"), json!(1)])],
    );
    l.tx.begin("b", 1, "onExecutePostLogin");
    l.tx.call(ApiMethod::UserSetUserMetadata, vec![json!("b"), json!(2)])
        .unwrap();
    l.tx.call(ApiMethod::IdTokenSetCustomClaim, vec![json!("c"), json!(3)])
        .unwrap();
    let step = l.tx.end(HandlerEnd::Failed {
        code: ErrorCode::ActionError,
        message: "boom".into(),
    });
    assert_eq!(step, Step::Stop);
    assert_eq!(l.tx.user().user_metadata, json!({"a": 1}));
    assert!(l.tx.id_claims().is_empty());
    assert_eq!(
        (l.code(), l.tx.outcome()),
        (Some(ErrorCode::ActionError), Outcome::Failed)
    );
    // Its calls keep the verdicts they had when made.
    assert!(l.tx.invocations()[1]
        .calls
        .iter()
        .all(|c| c.verdict == Verdict::Accepted));
    assert_eq!(l.log_types(), ["f"]);
}

#[test]
fn decision_10_later_actions_see_metadata_but_the_current_one_does_not() {
    let mut l = login(&[]);
    l.tx.begin("a", 0, "onExecutePostLogin");
    l.tx.call(
        ApiMethod::UserSetAppMetadata,
        vec![json!("plan"), json!("pro")],
    )
    .unwrap();
    l.tx.end(HandlerEnd::Returned);
    let seen = l.tx.begin("b", 1, "onExecutePostLogin");
    assert_eq!(seen.app_metadata, json!({"plan": "pro"}));
}

#[test]
fn auth0_post_login_2_2_claims_scope_throws_and_reserved_are_ignored() {
    let mut l = login(&[]);
    l.tx.begin("a", 0, "onExecutePostLogin");
    let err =
        l.tx.call(
            ApiMethod::AccessTokenSetCustomClaim,
            vec![json!("scope"), json!("x")],
        )
        .unwrap_err();
    assert_eq!(err.message, "The \"scope\" claim cannot be set.");
    l.tx.call(
        ApiMethod::IdTokenSetCustomClaim,
        vec![json!("sub"), json!("x")],
    )
    .unwrap();
    l.tx.call(
        ApiMethod::IdTokenSetCustomClaim,
        vec![json!("https://acme/roles"), json!(["a"])],
    )
    .unwrap();
    l.tx.end(HandlerEnd::Returned);
    let calls = &l.tx.invocations()[0].calls;
    assert_eq!(
        calls[0].verdict,
        Verdict::Rejected {
            message: "The \"scope\" claim cannot be set.".into()
        }
    );
    assert_eq!(
        calls[1].verdict,
        Verdict::Ignored {
            reason: "reserved-claim".into()
        }
    );
    assert_eq!(
        Value::Object(l.tx.id_claims().clone()),
        json!({"https://acme/roles": ["a"]})
    );
}

#[test]
fn auth0_post_login_2_9_metadata_writes_throw_on_non_object_metadata() {
    let user = UserState {
        app_metadata: json!("legacy"),
        user_metadata: json!({}),
        enrolled_factors: vec![].into(),
    };
    let mut tx = Transaction::new(Tenant::default(), user, vec![], vec![]);
    tx.begin("a", 0, "onExecutePostLogin");
    let err = tx
        .call(ApiMethod::UserSetAppMetadata, vec![json!("k"), json!(1)])
        .unwrap_err();
    assert_eq!(
        err.message,
        "Unexpected app_metadata format. Must be a valid JSON object"
    );
}

#[test]
fn calls_outside_a_handler_throw() {
    let mut l = login(&[]);
    assert!(l.tx.call(ApiMethod::AccessDeny, vec![json!("x")]).is_err());
}

#[test]
fn auth0_post_login_2_7_a_redirect_nobody_returns_from_writes_neither_s_nor_f() {
    let mut l = login(&[]);
    l.tx.begin("a", 0, "onExecutePostLogin");
    l.tx.call(
        ApiMethod::RedirectSendUserTo,
        vec![json!("https://example.com/x")],
    )
    .unwrap();
    assert_eq!(l.tx.end(HandlerEnd::Returned), Step::Suspend);
    assert_eq!(l.tx.resume(&mut l.clock).unwrap(), Step::Stop);
    assert_eq!(l.tx.finish(), Outcome::RedirectPending);
    assert!(l.tx.logs().is_empty());
    let redirect = &l.tx.redirects()[0];
    assert!(
        redirect
            .url
            .as_deref()
            .unwrap()
            .starts_with("https://example.com/x?state="),
        "{redirect:?}"
    );
    assert!(!redirect.continued);
}

#[test]
fn auth0_post_login_2_8_continue_runs_the_same_action_with_the_new_request() {
    let mut l = login(&[]);
    l.set_up(|tx| {
        tx.with_context(crate::LoginContext {
            request: json!({"ip": "1.2.3.4", "query": {"a": 1}, "body": {}}).into(),
            ..Default::default()
        })
        .with_continue_responses(vec![crate::ContinueResponse {
            body: json!({"answer": "yes"}).as_object().unwrap().clone(),
            ..Default::default()
        }])
    });
    l.tx.begin("a", 0, "onExecutePostLogin");
    l.tx.call(
        ApiMethod::RedirectSendUserTo,
        vec![json!("https://example.com/x")],
    )
    .unwrap();
    l.tx.end(HandlerEnd::Returned);
    assert_eq!(l.tx.resume(&mut l.clock).unwrap(), Step::RunContinue);
    let seen = l.tx.begin("a", 0, "onContinuePostLogin");
    assert_eq!(seen.request["ip"], "1.2.3.4");
    assert_eq!(seen.request["body"], json!({"answer": "yes"}));
    assert!(seen.request["query"]["state"].is_string());
    assert!(seen.request["query"].get("a").is_none());
    assert!(l.tx.redirects()[0].continued);
}

/// Snapshots share the request, session and refresh token with the
/// transaction until a change reaches them: a later Action sees an earlier
/// one's session and refresh-token changes, and the earlier Action's
/// recorded snapshot keeps what it was given.
#[test]
fn auth0_post_login_3_6_later_snapshots_see_session_changes_and_earlier_ones_keep_theirs() {
    let mut l = login(&[]);
    l.set_up(|tx| {
        tx.with_context(crate::LoginContext {
            request: json!({"ip": "1.2.3.4"}).into(),
            session: json!({"id": "s1"}).into(),
            refresh_token: json!({"id": "r1"}).into(),
            ..Default::default()
        })
    });
    l.tx.begin("a", 0, "onExecutePostLogin");
    for (method, args) in [
        (ApiMethod::SessionSetCookieMode, vec![json!("persistent")]),
        (ApiMethod::SessionSetMetadata, vec![json!("k"), json!("v")]),
        (
            ApiMethod::RefreshTokenSetMetadata,
            vec![json!("device"), json!("phone")],
        ),
    ] {
        l.tx.call(method, args).unwrap();
    }
    l.tx.end(HandlerEnd::Returned);
    let seen = l.tx.begin("b", 1, "onExecutePostLogin").clone();
    assert_eq!(
        *seen.session,
        json!({"id": "s1", "cookie": {"mode": "persistent"}, "metadata": {"k": "v"}})
    );
    assert_eq!(
        *seen.refresh_token,
        json!({"id": "r1", "metadata": {"device": "phone"}})
    );
    assert!(std::sync::Arc::ptr_eq(
        &seen.request,
        &l.tx.invocations()[0].seen.request
    ));
    let first = &l.tx.invocations()[0].seen;
    assert_eq!(*first.session, json!({"id": "s1"}));
    assert_eq!(*first.refresh_token, json!({"id": "r1"}));
}

#[test]
fn auth0_post_login_3_9_refresh_token_exchange_fails_with_mfa_required() {
    let mut l = login(&["otp"]);
    l.set_up(|tx| tx.with_protocol(Some("oauth2-refresh-token".into())));
    assert_eq!(l.action("a", vec![challenge_any(&["otp"])]), Step::Stop);
    assert_eq!(l.code(), Some(ErrorCode::MfaRequired));
    assert_eq!(l.log_types(), ["mfar", "f"]);
    assert_eq!(
        (l.last_mfa().prompt, l.last_mfa().result),
        (PromptKind::None, MfaResult::Failed)
    );
}

#[test]
fn auth0_post_login_3_9_toggle_off_wins_over_the_protocol() {
    let tenant = Tenant {
        mfa: MfaSettings {
            customize_with_actions: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut l = login_with(tenant, &["otp"], vec![]);
    l.set_up(|tx| tx.with_protocol(Some("oauth2-password".into())));
    assert_eq!(l.action("a", vec![challenge_any(&["otp"])]), Step::Continue);
}
