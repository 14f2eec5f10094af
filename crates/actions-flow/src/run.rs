//! The orchestrator: runs a loaded flow's Actions in order on a [`Host`],
//! pauses for MFA after an Action that issued commands, feeds the simulated
//! user's answers, refreshes the snapshots, and assembles the [`Report`].

use std::time::{Duration, Instant};

use actions_core::{Clock, ErrorCode, FixedClock, HandlerEnd, Step, Transaction, UserState};
use actions_runtime::{Failure, FailureKind, Host, HostOptions, Invocation};
use serde_json::Value;

use crate::event::invocation_event;
use crate::report::{
    AccessTokenReport, IdTokenReport, InvocationError, InvocationReport, Report, UserReport,
};
use crate::{Error, LoadedFlow};

/// The system clock: real time; the user acting does not move it.
struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::load::now_ms()
    }
    fn user_acted(&mut self) {}
}

/// Runs a flow on a fresh runtime.
pub fn run(flow: &LoadedFlow) -> Result<Report, Error> {
    let mut host = Host::new(HostOptions {
        memory_mb: flow.memory_mb,
    })?;
    run_on(flow, &mut host)
}

/// Runs a flow on the given runtime (which must have been created with the
/// flow's memory limit and must not have run another flow).
pub fn run_on(flow: &LoadedFlow, host: &mut Host) -> Result<Report, Error> {
    host.begin_flow(fold_seed(flow.seed), flow.clock_ms)?;
    let budget = Duration::from_millis(flow.timeout_ms);
    let mut spent = Duration::ZERO;
    let mut indices = Vec::with_capacity(flow.sources.len());
    for source in &flow.sources {
        let started = Instant::now();
        let index = host
            .load(source, budget.saturating_sub(spent))
            .map_err(|source| Error::Action {
                path: flow.path.clone(),
                source,
            })?;
        indices.push(index);
        spent += started.elapsed();
    }

    let user = &flow.base_event["user"];
    let mut transaction = Transaction::new(
        flow.tenant.clone(),
        UserState {
            app_metadata: user["app_metadata"].clone(),
            user_metadata: user["user_metadata"].clone(),
            enrolled_factors: user["enrolledFactors"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        },
        flow.base_event["authentication"]["methods"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        flow.file.responses.mfa.clone(),
    )
    .with_protocol(
        flow.base_event["transaction"]["protocol"]
            .as_str()
            .map(str::to_owned),
    );
    let mut clock: Box<dyn Clock> = match flow.clock_ms {
        Some(now_ms) => Box::new(FixedClock { now_ms }),
        None => Box::new(SystemClock),
    };

    let mut extras = Vec::new();
    for (position, spec) in flow.file.actions.iter().enumerate() {
        let seen = transaction.begin(&spec.name, position, "onExecutePostLogin");
        let event = invocation_event(&flow.base_event, &seen, &spec.secrets);
        host.set_virtual_now(flow.clock_ms.map(|_| clock.now_ms()));
        let (returned, invocation) = host.invoke(
            indices[position],
            "onExecutePostLogin",
            event.to_string(),
            transaction,
            budget.saturating_sub(spent),
        );
        transaction = returned;
        spent += invocation.duration;
        let end = handler_end(&invocation, flow.timeout_ms);
        extras.push(invocation);
        let mut step = transaction.end(end);
        if step == Step::RunMfa {
            step = transaction
                .run_mfa(clock.as_mut())
                .map_err(|source| Error::Responses {
                    path: flow.path.clone(),
                    source,
                })?;
        }
        if step == Step::Stop {
            break;
        }
    }
    transaction.finish();
    Ok(report(flow, &transaction, extras))
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

fn report(flow: &LoadedFlow, transaction: &Transaction, extras: Vec<Invocation>) -> Report {
    let timeout_ms = flow.timeout_ms;
    let invocations = transaction
        .invocations()
        .iter()
        .zip(extras)
        .map(|(record, extra)| InvocationReport {
            action: record.action.clone(),
            handler: record.handler.clone(),
            seen: record.seen.clone(),
            calls: record.calls.clone(),
            console: extra.console,
            error: extra.failure.map(|f| InvocationError {
                code: error_code(f.kind),
                message: failure_message(&f, timeout_ms),
                name: f.name,
                stack: f.stack,
            }),
            duration_ms: (extra.duration.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        })
        .collect();
    let user = transaction.user();
    Report {
        flow: flow.name.clone(),
        outcome: transaction.outcome(),
        error: transaction.error().cloned(),
        invocations,
        mfa: transaction.mfa().to_vec(),
        mfa_commands_used: transaction.mfa_commands_used(),
        user: UserReport {
            app_metadata: user.app_metadata.clone(),
            user_metadata: user.user_metadata.clone(),
            enrolled_factors: user.enrolled_factors.clone(),
        },
        id_token: IdTokenReport {
            claims: transaction.id_claims().clone(),
        },
        access_token: AccessTokenReport {
            claims: transaction.access_claims().clone(),
            scopes_added: Vec::new(),
            scopes_removed: Vec::new(),
        },
        redirects: Vec::<Value>::new(),
        http: Vec::<Value>::new(),
        logs: transaction.logs().to_vec(),
    }
}
