//! What the ops share through `OpState` while a handler runs: the login's
//! [`Transaction`], the event JSON, the clock, the seed, console lines and the
//! handler's failure. Owned by [`crate::Host`]; ops only borrow it.

use actions_core::Transaction;
use serde::Serialize;

/// Console output kept per invocation: Auth0 caps an execution's log buffer at
/// 256 KiB (auth0-post-login §4.4).
pub const CONSOLE_LIMIT_BYTES: usize = 256 * 1024;

/// One captured console line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleLine {
    /// `log`, `info`, `warn`, `error`, `debug` or `trace`.
    pub level: &'static str,
    /// The formatted line.
    pub message: String,
    /// How many `api` calls the invocation had made when the line was
    /// written, so a timeline can interleave the two.
    #[serde(skip)]
    pub after_calls: usize,
}

#[derive(Debug, Default)]
pub(crate) struct Console {
    pub(crate) lines: Vec<ConsoleLine>,
    bytes: usize,
    truncated: bool,
}

impl Console {
    pub(crate) fn push(&mut self, level: &'static str, message: String, after_calls: usize) {
        if self.truncated {
            return;
        }
        if self.bytes + message.len() > CONSOLE_LIMIT_BYTES {
            self.truncated = true;
            self.lines.push(ConsoleLine {
                level: "warn",
                message: "[actions] console output truncated at Auth0's 256 KiB limit".to_owned(),
                after_calls,
            });
            return;
        }
        self.bytes += message.len();
        self.lines.push(ConsoleLine {
            level,
            message,
            after_calls,
        });
    }
}

#[derive(Debug, Default)]
pub(crate) struct HostState {
    pub(crate) transaction: Option<Box<Transaction>>,
    /// The running handler's event as JSON text, until the glue takes it
    /// (`op_host_event`).
    pub(crate) event_json: String,
    /// Virtual time in ms since the epoch, or `None` for the system clock.
    pub(crate) virtual_now_ms: Option<f64>,
    pub(crate) seed: u32,
    pub(crate) console: Console,
    pub(crate) failure: Option<String>,
    /// Each Action initialised by one `load_all` call: its code (0 ok, 1 no
    /// handler, 2 threw) and what it printed.
    pub(crate) inits: Vec<(u32, Vec<ConsoleLine>)>,
    /// Whether the running handler has settled (the glue says so).
    pub(crate) settled: bool,
    /// Where `require` may read from (this flow's folders).
    pub(crate) module_roots: crate::modules::ModuleRoots,
    /// This flow's `http` fixtures.
    pub(crate) http_fixtures: Vec<crate::http::HttpFixture>,
    /// Whether unmatched requests may reach the network.
    pub(crate) net_access: crate::http::NetAccess,
    /// Requests made during the running invocation.
    pub(crate) http_log: Vec<crate::http::HttpRecord>,
}
