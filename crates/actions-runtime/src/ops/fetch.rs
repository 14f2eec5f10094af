//! `op_fetch`: one `fetch`, from its first request to its last redirect.
//! Each request (a redirect is a request too) is answered from the flow's
//! fixtures (after their `delay_ms`), or, when the flow allows the network
//! for its host, by a real HTTP request made on a blocking thread; refused
//! otherwise. Redirects are followed here, hop by hop, not by the HTTP
//! client, so every hop is checked against `--allow-net` and recorded for
//! the report's `http[]`.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use deno_core::{op2, JsBuffer, OpState, ToJsBuffer};
use serde::{Deserialize, Serialize};

use crate::http::{self, FixtureBody, HttpRecord};
use crate::outgoing::{Outgoing, RedirectMode, MAX_REDIRECTS};
use crate::state::HostState;

/// How long a real request may take (Auth0 advises under 10 s).
const REAL_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
pub(crate) struct FetchRequest {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<JsBuffer>,
    /// `RequestInit.redirect`: `follow` (the default), `error` or `manual`.
    #[serde(default)]
    redirect: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FetchResponse {
    status: u16,
    status_text: String,
    headers: Vec<(String, String)>,
    body: ToJsBuffer,
    url: String,
    /// Whether a redirect was followed to get here (`Response.redirected`).
    redirected: bool,
}

/// A refused or failed request: `fetch` rejects with a `TypeError`, as Node's does.
#[derive(Debug, thiserror::Error, deno_error::JsError)]
#[class(type)]
#[error("{0}")]
pub(crate) struct FetchError(String);

#[op2]
#[serde]
pub(crate) async fn op_fetch(
    state: Rc<RefCell<OpState>>,
    #[serde] request: FetchRequest,
) -> Result<FetchResponse, FetchError> {
    let mode = RedirectMode::parse(request.redirect.as_deref()).ok_or_else(|| {
        FetchError(format!(
            "Request constructor: {} is not an accepted type. Expected one of follow, error, manual.",
            request.redirect.as_deref().unwrap_or_default()
        ))
    })?;
    // The glue checked method and headers already; checking again here
    // means no value can reach a request line unchecked.
    let mut outgoing = Outgoing::new(
        &request.method,
        &request.url,
        request.headers,
        request.body.map(|b| b.to_vec()),
    )
    .map_err(FetchError)?;
    let mut from = None;
    let mut redirects = 0;
    loop {
        let mut response = send(&state, &outgoing, from.as_deref()).await?;
        response.redirected = redirects > 0;
        let Some(target) = outgoing.redirect_target(response.status, &response.headers) else {
            return Ok(response);
        };
        match mode {
            RedirectMode::Manual => return Ok(response),
            RedirectMode::Error => {
                let message = format!(
                    "fetch failed: unexpected redirect from {} (the request's `redirect` is \"error\")",
                    outgoing.url
                );
                return Err(FetchError(message));
            }
            RedirectMode::Follow => {}
        }
        let target = target.map_err(|e| FetchError(format!("fetch failed: {e}")))?;
        if redirects == MAX_REDIRECTS {
            return Err(FetchError(format!(
                "fetch failed: redirect count exceeded ({MAX_REDIRECTS} redirects followed, the next to {target})"
            )));
        }
        redirects += 1;
        from = Some(outgoing.url.clone());
        outgoing.redirect(response.status, target);
    }
}

/// Answers one request: from a fixture, from the network when allowed, or
/// refuses it. `from` is the URL that redirected here. Records the request.
async fn send(
    state: &Rc<RefCell<OpState>>,
    request: &Outgoing,
    from: Option<&str>,
) -> Result<FetchResponse, FetchError> {
    let (fixture, net) = {
        let state = state.borrow();
        let host = state.borrow::<HostState>();
        let index = http::find(&host.http_fixtures, &request.method, &request.url);
        (
            index.map(|i| (i, host.http_fixtures[i].clone())),
            host.net_access.clone(),
        )
    };
    let record = |status: Option<u16>, fixture: Option<usize>| {
        let record = HttpRecord {
            method: request.method.clone(),
            url: request.url.clone(),
            status,
            fixture,
        };
        state
            .borrow_mut()
            .borrow_mut::<HostState>()
            .http_log
            .push(record);
    };

    if let Some((index, fixture)) = fixture {
        record(Some(fixture.status), Some(index));
        if fixture.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fixture.delay_ms)).await;
        }
        let (mut headers, body) = match fixture.body {
            FixtureBody::Json(value) => (
                vec![("content-type".to_owned(), "application/json".to_owned())],
                value.to_string().into_bytes(),
            ),
            FixtureBody::Text(text) => (
                vec![(
                    "content-type".to_owned(),
                    "text/plain;charset=UTF-8".to_owned(),
                )],
                text.into_bytes(),
            ),
            FixtureBody::Empty => (vec![], Vec::new()),
        };
        for (name, value) in fixture.headers {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            headers.push((name.to_ascii_lowercase(), value));
        }
        return Ok(FetchResponse {
            status: fixture.status,
            status_text: reason(fixture.status).to_owned(),
            headers,
            body: body.into(),
            url: request.url.clone(),
            redirected: false,
        });
    }

    if !net.allows(&request.url) {
        record(None, None);
        let fixtures = state.borrow().borrow::<HostState>().http_fixtures.clone();
        return Err(FetchError(http::refused_message(
            &request.method,
            &request.url,
            from,
            &fixtures,
            &net,
        )));
    }

    let real = request.clone();
    let real = tokio::task::spawn_blocking(move || real_request(&real))
        .await
        .map_err(|e| FetchError(format!("fetch failed: {e}")))?;
    match real {
        Ok(response) => {
            record(Some(response.status), None);
            Ok(response)
        }
        Err(message) => {
            record(None, None);
            Err(FetchError(format!("fetch failed: {message}")))
        }
    }
}

/// One real HTTP request; a redirect response is returned, not followed.
fn real_request(request: &Outgoing) -> Result<FetchResponse, String> {
    let agent = ureq::AgentBuilder::new()
        .timeout(REAL_REQUEST_TIMEOUT)
        .redirects(0)
        .build();
    let mut call = agent.request(&request.method, &request.url);
    for (name, value) in &request.headers {
        call = call.set(name, value);
    }
    let result = match &request.body {
        Some(body) => call.send_bytes(body),
        None => call.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => return Err(error.to_string()),
    };
    let status = response.status();
    let status_text = response.status_text().to_owned();
    let headers: Vec<(String, String)> = response
        .headers_names()
        .into_iter()
        .flat_map(|name| {
            response
                .all(&name)
                .into_iter()
                .map(move |v| (name.clone(), v.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(FetchResponse {
        status,
        status_text,
        headers,
        body: bytes.into(),
        url: request.url.clone(),
        redirected: false,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
