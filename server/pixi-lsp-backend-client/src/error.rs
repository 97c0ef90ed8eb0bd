//! What can go wrong talking to a backend, with what a user needs to act.

use std::time::Duration;

use crate::jsonrpc::{ErrorReport, METHOD_NOT_FOUND};

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// The executable could not be started (`NotFound` = not installed).
    #[error("{}", spawn_message(program, source))]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// The process went away while we waited for an answer.
    #[error("{}", exited_message(*code, stderr_tail))]
    Exited {
        /// `None` when killed by a signal.
        code: Option<i32>,
        stderr_tail: String,
    },
    /// No answer within the call's timeout; the process was killed.
    #[error("the build backend did not answer '{method}' within {}s", after.as_secs_f64())]
    Timeout {
        method: String,
        after: Duration,
        stderr_tail: String,
    },
    /// The caller cancelled; the process was killed.
    #[error("the call to the build backend was cancelled")]
    Cancelled,
    /// Garbage on stdout, malformed JSON, an id mismatch, an unreadable result.
    /// The process is killed: the stream can no longer be trusted.
    #[error("the build backend broke the protocol: {0}")]
    Protocol(String),
    /// A JSON-RPC error response. `data` is usually a miette report whose
    /// causes are part of the message.
    #[error("{}", backend_message(method, *code, message, data.as_deref()))]
    Backend {
        method: String,
        code: i64,
        message: String,
        /// Boxed to keep `Result<_, BackendError>` small.
        data: Option<Box<serde_json::Value>>,
        stderr_tail: String,
    },
    /// `negotiateCapabilities` did not promise every method API 7 needs.
    #[error("the build backend does not provide {}", missing.join(" and "))]
    UnsupportedCapabilities { missing: Vec<String> },
    /// A call on a process that an earlier timeout, cancellation, protocol
    /// error or exit already ended.
    #[error("the build backend process is no longer running ({reason})")]
    Terminated { reason: String },
}

impl BackendError {
    /// The backend's stderr tail, when the error carries one.
    pub fn stderr_tail(&self) -> Option<&str> {
        match self {
            BackendError::Exited { stderr_tail, .. }
            | BackendError::Timeout { stderr_tail, .. }
            | BackendError::Backend { stderr_tail, .. } => Some(stderr_tail),
            _ => None,
        }
    }

    /// For [`BackendError::Backend`]: the miette report in `data`, if any.
    pub fn report(&self) -> Option<ErrorReport> {
        match self {
            BackendError::Backend {
                data: Some(data), ..
            } => ErrorReport::from_data(data),
            _ => None,
        }
    }
}

fn spawn_message(program: &str, source: &std::io::Error) -> String {
    if source.kind() == std::io::ErrorKind::NotFound {
        format!("the build backend executable '{program}' appears to be missing")
    } else {
        format!("failed to start the build backend '{program}': {source}")
    }
}

fn exited_message(code: Option<i32>, stderr_tail: &str) -> String {
    let status = match code {
        Some(code) => format!("exit code {code}"),
        None => "killed by a signal".to_owned(),
    };
    if stderr_tail.trim().is_empty() {
        format!("the build backend exited prematurely ({status})")
    } else {
        format!(
            "the build backend exited prematurely ({status})\nbuild backend output:\n\n{stderr_tail}"
        )
    }
}

fn backend_message(
    method: &str,
    code: i64,
    message: &str,
    data: Option<&serde_json::Value>,
) -> String {
    if code == METHOD_NOT_FOUND {
        return format!("the build backend does not implement the method '{method}'");
    }
    let mut text = message.to_owned();
    if let Some(report) = data.and_then(ErrorReport::from_data) {
        for cause in report.causes.iter().filter(|c| c.as_str() != message) {
            text.push_str("\n  caused by: ");
            text.push_str(cause);
        }
        if let Some(help) = report.help.filter(|h| !h.is_empty()) {
            text.push_str("\n  help: ");
            text.push_str(&help);
        }
    }
    text
}
