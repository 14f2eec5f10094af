//! The orchestrator: runs a loaded flow's Actions in order on a [`Host`],
//! pauses for MFA after an Action that issued commands, suspends at redirects
//! and forms and resumes in `onContinuePostLogin` with the simulated user's
//! `/continue`, refreshes the snapshots, and assembles the [`Report`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use actions_core::rules::cache::Cache;
use actions_core::{
    Clock, ErrorCode, FixedClock, HandlerEnd, LoginContext, ScopeChange, Step, Transaction,
    UserState,
};
use actions_runtime::{Failure, FailureKind, Host, HostOptions, Invocation};
use serde_json::Value;

use crate::event::{invocation_event_json, member, member_or_null};
use crate::report::{
    AccessTokenReport, IdTokenReport, InvocationError, InvocationReport, Report, UserReport,
};
use crate::services::RealServices;
use crate::{Error, LoadedFlow};

/// The system clock: real time; the user acting does not move it.
struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::load::now_ms()
    }
    fn user_acted(&mut self) {}
}

const EXECUTE: &str = "onExecutePostLogin";
const CONTINUE: &str = "onContinuePostLogin";

/// Runs a flow on a new runtime of its own.
pub fn run(flow: &LoadedFlow) -> Result<Report, Error> {
    let mut host = Host::new(HostOptions {
        memory_mb: flow.memory_mb,
    })?;
    run_on(flow, &mut host)
}

/// Runs a flow on `host`, which must not have run another (a host made
/// ahead of its flow, as a zygote does, gets the flow's heap cap here).
pub fn run_on(flow: &LoadedFlow, host: &mut Host) -> Result<Report, Error> {
    host.set_memory_limit(flow.memory_mb);
    host.begin_flow(fold_seed(flow.seed), flow.clock_ms)?;
    host.set_http(flow.http.clone(), flow.net.clone());
    let budget = Duration::from_millis(flow.timeout_ms);
    let started = Instant::now();
    let indices = host
        .load_all(&flow.sources, budget)
        .map_err(|source| Error::Action {
            path: flow.path.clone(),
            source,
        })?;
    let mut spent = started.elapsed();

    let mut clock: Box<dyn Clock> = match flow.clock_ms {
        Some(now_ms) => Box::new(FixedClock { now_ms }),
        None => Box::new(SystemClock),
    };
    // Boxed: it is handed to the host and back for every invocation.
    let mut transaction = Box::new(new_transaction(flow, clock.now_ms()));
    let responses_error = |source| Error::Responses {
        path: flow.path.clone(),
        source,
    };

    let mut extras = Vec::new();
    let mut http_log = Vec::new();
    'actions: for (position, spec) in flow.actions.iter().enumerate() {
        let mut handler = EXECUTE;
        loop {
            transaction.begin(&spec.name, position, handler);
            let [.., seen] = transaction.invocations() else {
                unreachable!("an invocation has begun")
            };
            let event = invocation_event_json(&flow.base_event, &seen.seen, &spec.secrets);
            let now = clock.now_ms();
            transaction.set_now(now);
            host.set_virtual_now(flow.clock_ms.map(|_| now));
            let (returned, invocation) = host.invoke(
                indices[position],
                handler,
                event,
                transaction,
                budget.saturating_sub(spent),
            );
            transaction = returned;
            spent += invocation.duration;
            let end = handler_end(&invocation, flow.timeout_ms);
            http_log.extend(invocation.http.iter().cloned());
            extras.push(invocation);
            let mut step = transaction.end(end);
            loop {
                step = match step {
                    Step::RunMfa => transaction
                        .run_mfa(clock.as_mut())
                        .map_err(responses_error)?,
                    Step::Suspend => transaction
                        .resume(clock.as_mut())
                        .map_err(responses_error)?,
                    _ => break,
                };
            }
            match step {
                Step::RunContinue => {
                    // auth0-post-login §4.2: a redirecting Action has a separate
                    // time limit after the redirect.
                    spent = Duration::ZERO;
                    handler = CONTINUE;
                }
                Step::Stop => break 'actions,
                _ => break,
            }
        }
    }
    transaction.set_now(clock.now_ms());
    transaction.finish();
    Ok(report(flow, *transaction, extras, http_log))
}

/// The report of a flow whose process died: killed at its time limit, out
/// of memory outside the JS heap, or crashed. Nothing its Actions did
/// survived, so the report holds only how the login ended.
pub(crate) fn ended(flow: &LoadedFlow, code: ErrorCode, message: String) -> Report {
    let now = flow.clock_ms.unwrap_or_else(crate::load::now_ms);
    let mut transaction = new_transaction(flow, now);
    transaction.finish();
    let mut report = report(flow, transaction, Vec::new(), Vec::new());
    report.outcome = actions_core::Outcome::Failed;
    report.error = Some(actions_core::FlowError {
        code,
        message,
        action: None,
    });
    report
}

/// The flow's transaction. The request, session and refresh token it starts
/// with are copies of the base event's (`null` when it has none).
fn new_transaction(flow: &LoadedFlow, now_ms: i64) -> Transaction {
    let event = &flow.base_event;
    let copy = |key| Arc::new(member(event, key).cloned().unwrap_or(Value::Null));
    let user = member_or_null(event, "user");
    let transaction = member_or_null(event, "transaction");
    let strings = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let context = LoginContext {
        user_id: member_or_null(user, "user_id")
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        protocol: member_or_null(transaction, "protocol")
            .as_str()
            .map(str::to_owned),
        request: copy("request"),
        session: copy("session"),
        refresh_token: copy("refresh_token"),
        transaction_metadata: member_or_null(transaction, "metadata")
            .as_object()
            .cloned()
            .unwrap_or_default(),
        executed_rules: Vec::new(),
        roles: strings(member_or_null(
            member_or_null(event, "authorization"),
            "roles",
        )),
        seed: flow.seed,
    };
    Transaction::new(
        flow.tenant.clone(),
        UserState {
            app_metadata: member_or_null(user, "app_metadata").clone(),
            user_metadata: member_or_null(user, "user_metadata").clone(),
            enrolled_factors: member_or_null(user, "enrolledFactors")
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into(),
        },
        member_or_null(member_or_null(event, "authentication"), "methods")
            .as_array()
            .cloned()
            .unwrap_or_default(),
        flow.file.responses.mfa.clone(),
    )
    .with_context(context)
    .with_services(Box::new(RealServices))
    .with_cache(Cache::new(flow.file.cache.clone(), now_ms))
    .with_continue_responses(flow.file.responses.continue_.clone())
}

/// What a handler's failure means for the login.
fn handler_end(invocation: &Invocation, timeout_ms: u64) -> HandlerEnd {
    match &invocation.failure {
        None => HandlerEnd::Returned,
        Some(failure) => HandlerEnd::Failed {
            code: error_code(failure.kind),
            message: failure_message(failure, timeout_ms),
        },
    }
}

/// The message reported for a failure; a timeout names the flow's limit.
fn failure_message(failure: &Failure, timeout_ms: u64) -> String {
    match failure.kind {
        FailureKind::Timeout => format!("{} of {timeout_ms} ms", failure.message),
        _ => failure.message.clone(),
    }
}

fn error_code(kind: FailureKind) -> ErrorCode {
    match kind {
        FailureKind::Threw => ErrorCode::ActionError,
        FailureKind::Timeout | FailureKind::NeverSettled => ErrorCode::Timeout,
        FailureKind::MemoryLimit => ErrorCode::MemoryLimit,
    }
}

/// The JS generator takes 32 bits; fold the flow's 64-bit seed into them.
fn fold_seed(seed: u64) -> u32 {
    (seed ^ (seed >> 32)) as u32
}

fn report(
    flow: &LoadedFlow,
    transaction: Transaction,
    extras: Vec<Invocation>,
    http: Vec<actions_runtime::HttpRecord>,
) -> Report {
    let timeout_ms = flow.timeout_ms;
    let flow_dir = || {
        std::path::absolute(flow.path.parent().unwrap_or(std::path::Path::new(".")))
            .unwrap_or_default()
            .display()
            .to_string()
    };
    let user = transaction.user();
    let mut report = Report {
        flow: flow.name.clone(),
        outcome: transaction.outcome(),
        error: transaction.error().cloned(),
        invocations: Vec::new(),
        mfa: transaction.mfa().to_vec(),
        mfa_commands_used: transaction.mfa_commands_used(),
        user: UserReport {
            app_metadata: user.app_metadata.clone(),
            user_metadata: user.user_metadata.clone(),
            enrolled_factors: user.enrolled_factors.to_vec(),
        },
        id_token: IdTokenReport {
            claims: transaction.id_claims().clone(),
        },
        access_token: AccessTokenReport {
            claims: transaction.access_claims().clone(),
            scopes_added: transaction.scopes(ScopeChange::Add),
            scopes_removed: transaction.scopes(ScopeChange::Remove),
        },
        redirects: transaction.redirects().to_vec(),
        http,
        logs: transaction.logs().to_vec(),
        cache: transaction.cache(),
        transaction: serde_json::json!({ "metadata": transaction.transaction_metadata() }),
        session: transaction.session().clone(),
        refresh_token: transaction.refresh_token().clone(),
        saml_response: transaction.saml().clone(),
        multifactor: transaction.multifactor(),
        primary_user: transaction.primary_user().map(str::to_owned),
    };
    // The records are moved, not copied: the transaction is done.
    report.invocations = transaction
        .into_invocations()
        .into_iter()
        .zip(extras)
        .map(|(record, extra)| InvocationReport {
            action: record.action,
            handler: record.handler,
            seen: record.seen,
            calls: record.calls,
            console: extra.console,
            error: extra.failure.map(|f| {
                let stack = f.stack.as_deref().map(|s| relative_stack(s, &flow_dir()));
                let location = stack.as_deref().and_then(first_user_frame);
                InvocationError {
                    code: error_code(f.kind),
                    message: failure_message(&f, timeout_ms),
                    name: f.name,
                    file: location.as_ref().map(|l| l.0.clone()),
                    line: location.as_ref().map(|l| l.1),
                    column: location.as_ref().map(|l| l.2),
                    stack,
                }
            }),
            duration_ms: (extra.duration.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        })
        .collect();
    report
}

/// A stack with `file:///<flow folder>/` taken off its paths.
fn relative_stack(stack: &str, flow_dir: &str) -> String {
    let prefix = format!("file://{}/", flow_dir.trim_end_matches('/'));
    stack.replace(&prefix, "")
}

/// `(file, line, column)` of the first stack frame outside the glue.
fn first_user_frame(stack: &str) -> Option<(String, u32, u32)> {
    stack.lines().skip(1).find_map(|line| {
        let frame = line.trim().strip_prefix("at ")?;
        let location = match (frame.rfind('('), frame.ends_with(')')) {
            (Some(open), true) => &frame[open + 1..frame.len() - 1],
            _ => frame,
        };
        if location.starts_with("ext:") {
            return None;
        }
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((parts.next()?.to_owned(), line, column))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_frames_give_the_location_relative_to_the_flow() {
        let stack = "TypeError: x is not a function\n    at helper (file:///work/flows/node_modules/lib/index.js:3:9)\n    at Object.onExecutePostLogin (actions/a.js:7:3)";
        let relative = relative_stack(stack, "/work/flows");
        assert!(
            relative.contains("(node_modules/lib/index.js:3:9)"),
            "{relative}"
        );
        assert_eq!(
            first_user_frame(&relative),
            Some(("node_modules/lib/index.js".to_owned(), 3, 9))
        );
        assert_eq!(
            first_user_frame("Error: x\n    at inline:claims:2:11"),
            Some(("inline:claims".to_owned(), 2, 11))
        );
        assert_eq!(first_user_frame("Error: no frames"), None);
    }
}
