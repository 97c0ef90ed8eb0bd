//! A backend child process and the four protocol calls.
//!
//! One request at a time (a mutex around the pipes, as pixi does). A call
//! that times out, is cancelled or sees garbage on stdout kills and reaps
//! the process: after that the stream can't be trusted, and a half-finished
//! build must not keep running. Dropping the handle kills and reaps too.

use std::process::Stdio;
use std::time::Duration;

use pixi_lsp_build_types::{
    BackendCapabilities, CondaBuildV1Params, CondaBuildV1Result, CondaOutputsParams,
    CondaOutputsResult, InitializeParams, InitializeResult, NegotiateCapabilitiesParams,
    NegotiateCapabilitiesResult, methods,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::task::JoinHandle;

use crate::cancel::CancelToken;
use crate::command::BackendCommand;
use crate::error::BackendError;
use crate::jsonrpc::{Request, Response};
use crate::process_tree::ProcessTree;
use crate::stderr::{StderrCallback, StderrLimits, StderrSink};

/// Longest stdout line we accept; a backend that streams more without a
/// newline is broken, and we must not buffer it forever.
const MAX_LINE_BYTES: usize = 256 * 1024 * 1024;
/// After an error response, how long the stderr reader gets to take in the backend's last
/// log lines (only on that path).
const STDERR_SETTLE: Duration = Duration::from_millis(20);

/// How long a process that closed stdout may take to exit before we kill it.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How long to wait for the last stderr lines after the process ended
/// (grandchildren may hold the pipe open).
const STDERR_DRAIN: Duration = Duration::from_millis(500);

/// Process-wide options.
#[derive(Clone)]
pub struct ProcessConfig {
    /// Used when a call doesn't set its own. pixi uses 24 h (builds are long).
    pub default_timeout: Duration,
    pub stderr_limits: StderrLimits,
    /// Every stderr line, as it arrives. Can be swapped later with
    /// [`BackendProcess::set_stderr_callback`].
    pub on_stderr_line: Option<StderrCallback>,
}

impl Default for ProcessConfig {
    fn default() -> Self {
        ProcessConfig {
            default_timeout: Duration::from_secs(24 * 60 * 60),
            stderr_limits: StderrLimits::default(),
            on_stderr_line: None,
        }
    }
}

impl std::fmt::Debug for ProcessConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessConfig")
            .field("default_timeout", &self.default_timeout)
            .field("stderr_limits", &self.stderr_limits)
            .field("on_stderr_line", &self.on_stderr_line.is_some())
            .finish()
    }
}

/// Per-call options.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    /// `None` = [`ProcessConfig::default_timeout`].
    pub timeout: Option<Duration>,
    pub cancel: Option<CancelToken>,
}

impl CallOptions {
    pub fn timeout(timeout: Duration) -> Self {
        CallOptions {
            timeout: Some(timeout),
            cancel: None,
        }
    }
}

/// A running backend. Not `Clone`: share it behind an `Arc`.
pub struct BackendProcess {
    program: String,
    tree: ProcessTree,
    default_timeout: Duration,
    stderr: StderrSink,
    io: tokio::sync::Mutex<Io>,
}

struct Io {
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr_task: Option<JoinHandle<()>>,
    next_id: u64,
    /// Id of a request whose caller dropped the future before the answer.
    pending: Option<u64>,
    /// A dropped call may have left half a line on stdin.
    write_incomplete: bool,
    /// Set once the process is gone; later calls fail with this reason.
    terminated: Option<String>,
}

enum Interrupt {
    Timeout(Duration),
    Cancelled,
}

impl BackendProcess {
    /// Starts the backend. Needs a tokio runtime (for the child's pipes).
    pub fn spawn(command: BackendCommand) -> Result<Self, BackendError> {
        Self::spawn_with(command, ProcessConfig::default())
    }

    pub fn spawn_with(
        command: BackendCommand,
        config: ProcessConfig,
    ) -> Result<Self, BackendError> {
        let program = command.program.to_string_lossy().into_owned();
        let mut cmd = command.to_tokio();
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A backstop: our Drop kills and reaps explicitly.
            .kill_on_drop(true);
        // Its own process group, so that the whole tree ends with it (see `process_tree`).
        #[cfg(unix)]
        cmd.process_group(0);
        let mut child = cmd.spawn().map_err(|source| BackendError::Spawn {
            program: program.clone(),
            source,
        })?;
        let tree = ProcessTree::adopt(&child);
        let pid = tree.pid();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            // Invariant: all three were configured as piped above.
            unreachable!("child pipes are configured as piped");
        };
        let sink = StderrSink::new(config.stderr_limits, config.on_stderr_line);
        let stderr_task = tokio::spawn(read_stderr(BufReader::new(stderr), sink.clone()));
        tracing::debug!(program, pid, "spawned build backend");
        Ok(BackendProcess {
            program,
            tree,
            default_timeout: config.default_timeout,
            stderr: sink,
            io: tokio::sync::Mutex::new(Io {
                child: Some(child),
                stdin: Some(stdin),
                stdout: BufReader::new(stdout),
                stderr_task: Some(stderr_task),
                next_id: 0,
                pending: None,
                write_incomplete: false,
                terminated: None,
            }),
        })
    }

    /// The program as given in [`BackendCommand::program`].
    pub fn program(&self) -> &str {
        &self.program
    }

    /// The OS process id (for logs, and tests that check reaping).
    pub fn pid(&self) -> Option<u32> {
        self.tree.pid()
    }

    /// The last stderr lines (bounded by [`StderrLimits`]).
    pub fn stderr_tail(&self) -> String {
        self.stderr.text()
    }

    /// Replaces the stderr line callback (e.g. to stream one build's log).
    pub fn set_stderr_callback(&self, callback: Option<StderrCallback>) {
        *self
            .stderr
            .callback
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = callback;
    }

    pub async fn negotiate_capabilities(
        &self,
        params: &NegotiateCapabilitiesParams,
        options: &CallOptions,
    ) -> Result<NegotiateCapabilitiesResult, BackendError> {
        self.call(methods::NEGOTIATE_CAPABILITIES, params, options)
            .await
    }

    pub async fn initialize(
        &self,
        params: &InitializeParams,
        options: &CallOptions,
    ) -> Result<InitializeResult, BackendError> {
        self.call(methods::INITIALIZE, params, options).await
    }

    pub async fn conda_outputs(
        &self,
        params: &CondaOutputsParams,
        options: &CallOptions,
    ) -> Result<CondaOutputsResult, BackendError> {
        self.call(methods::CONDA_OUTPUTS, params, options).await
    }

    pub async fn conda_build_v1(
        &self,
        params: &CondaBuildV1Params,
        options: &CallOptions,
    ) -> Result<CondaBuildV1Result, BackendError> {
        self.call(methods::CONDA_BUILD_V1, params, options).await
    }

    /// pixi's setup sequence: `negotiateCapabilities` (both methods must be
    /// provided, as API 7 requires) then `initialize`.
    pub async fn handshake(
        &self,
        params: &InitializeParams,
        options: &CallOptions,
    ) -> Result<BackendCapabilities, BackendError> {
        let negotiated = self
            .negotiate_capabilities(&NegotiateCapabilitiesParams::default(), options)
            .await?;
        let missing = negotiated.capabilities.missing();
        if !missing.is_empty() {
            return Err(BackendError::UnsupportedCapabilities {
                missing: missing.into_iter().map(str::to_owned).collect(),
            });
        }
        self.initialize(params, options).await?;
        Ok(negotiated.capabilities)
    }

    /// Any method. Public for methods newer than this crate.
    pub async fn call<P: Serialize, R: DeserializeOwned>(
        &self,
        method: &str,
        params: &P,
        options: &CallOptions,
    ) -> Result<R, BackendError> {
        let never = CancelToken::new();
        let cancel = options.cancel.as_ref().unwrap_or(&never);
        let timeout = options.timeout.unwrap_or(self.default_timeout);
        let mut io = tokio::select! {
            io = self.io.lock() => io,
            () = cancel.cancelled() => return Err(BackendError::Cancelled),
        };
        if let Some(reason) = &io.terminated {
            return Err(BackendError::Terminated {
                reason: reason.clone(),
            });
        }
        if io.write_incomplete {
            self.terminate(&mut io, "an earlier call was abandoned mid-request")
                .await;
            return Err(BackendError::Terminated {
                reason: "an earlier call was abandoned mid-request".to_owned(),
            });
        }
        let id = io.next_id;
        io.next_id += 1;
        let line = serde_json::to_string(&Request {
            jsonrpc: "2.0",
            id,
            method,
            params,
        })
        .map_err(|e| BackendError::Protocol(format!("cannot serialize '{method}' params: {e}")))?;
        tracing::debug!(
            program = self.program,
            method,
            id,
            "calling the build backend"
        );

        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => Err(Interrupt::Cancelled),
            () = tokio::time::sleep(timeout) => Err(Interrupt::Timeout(timeout)),
            result = self.exchange(&mut io, id, method, line) => Ok(result),
        };
        let value = match outcome {
            Ok(result) => result?,
            Err(Interrupt::Cancelled) => {
                self.terminate(&mut io, "cancelled").await;
                return Err(BackendError::Cancelled);
            }
            Err(Interrupt::Timeout(after)) => {
                self.terminate(&mut io, &format!("'{method}' timed out"))
                    .await;
                return Err(BackendError::Timeout {
                    method: method.to_owned(),
                    after,
                    stderr_tail: self.stderr.text(),
                });
            }
        };
        // The stream is still in sync here, so a result we can't read does
        // not end the process.
        read_result(value).map_err(|e| {
            BackendError::Protocol(format!(
                "received invalid response from the build backend '{}' when calling '{method}': {e}",
                backend_name(&self.program)
            ))
        })
    }

    /// Writes one request line and reads lines until its response.
    async fn exchange(
        &self,
        io: &mut Io,
        id: u64,
        method: &str,
        line: String,
    ) -> Result<Value, BackendError> {
        let stale = io.pending.replace(id);
        io.write_incomplete = true;
        let written = match io.stdin.as_mut() {
            Some(stdin) => write_line(stdin, &line).await,
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if let Err(e) = written {
            tracing::debug!("writing to the backend failed: {e}");
            return Err(self.exited(io).await);
        }
        io.write_incomplete = false;
        loop {
            let text = match read_line(&mut io.stdout, MAX_LINE_BYTES).await {
                Ok(Some(text)) => text,
                Ok(None) => return Err(self.exited(io).await),
                Err(e) => return Err(self.protocol(io, format!("garbage on stdout: {e}")).await),
            };
            if text.trim().is_empty() {
                continue;
            }
            let response = match Response::parse(&text) {
                Ok(response) => response,
                Err(why) => {
                    let message = format!("garbage on stdout ({why}): {}", snippet(&text));
                    return Err(self.protocol(io, message).await);
                }
            };
            if response.id.is_some() && response.id == stale {
                tracing::debug!(id = stale, "dropping the answer to an abandoned call");
                continue;
            }
            if response.id != Some(id) {
                let got = response.id.map_or("null".to_owned(), |i| i.to_string());
                let detail = match &response.outcome {
                    Err(e) => format!(" (error {}: {})", e.code, e.message),
                    Ok(_) => String::new(),
                };
                let message = format!("response id mismatch: expected {id}, got {got}{detail}");
                return Err(self.protocol(io, message).await);
            }
            io.pending = None;
            return match response.outcome {
                Ok(value) => Ok(value),
                Err(e) => {
                    // Backends log the failure to stderr just before they answer: give the
                    // stderr reader a moment to catch up, so the tail ends with it.
                    tokio::time::sleep(STDERR_SETTLE).await;
                    Err(BackendError::Backend {
                        method: method.to_owned(),
                        code: e.code,
                        message: e.message,
                        data: e.data.map(Box::new),
                        stderr_tail: self.stderr.text(),
                    })
                }
            };
        }
    }

    async fn protocol(&self, io: &mut Io, message: String) -> BackendError {
        self.terminate(io, "protocol error").await;
        BackendError::Protocol(message)
    }

    /// stdout closed (or stdin broke): wait for the exit code and the last
    /// stderr lines.
    async fn exited(&self, io: &mut Io) -> BackendError {
        io.stdin = None;
        let mut code = None;
        if let Some(mut child) = io.child.take() {
            let status = match tokio::time::timeout(EXIT_GRACE, child.wait()).await {
                Ok(status) => status.ok(),
                Err(_) => {
                    self.tree.kill();
                    let _ = child.start_kill();
                    child.wait().await.ok()
                }
            };
            // It stopped talking: what it started goes too.
            self.tree.kill();
            code = status.and_then(|s| s.code());
        }
        drain_stderr(io).await;
        let status = code.map_or("killed by a signal".to_owned(), |c| {
            format!("exit code {c}")
        });
        io.terminated = Some(format!("exited with {status}"));
        tracing::debug!(program = self.program, "build backend exited ({status})");
        BackendError::Exited {
            code,
            stderr_tail: self.stderr.text(),
        }
    }

    /// Kills and reaps the process (and what it started); later calls fail with `reason`.
    async fn terminate(&self, io: &mut Io, reason: &str) {
        io.stdin = None;
        if let Some(mut child) = io.child.take() {
            self.tree.kill();
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        drain_stderr(io).await;
        io.terminated.get_or_insert_with(|| reason.to_owned());
        tracing::debug!(program = self.program, reason, "build backend terminated");
    }

    /// Kills the backend and everything it started, now (a cancelled or failed build).
    /// Unlike `shutdown`, a backend that exits by itself on the closed stdin in the
    /// meantime does not spare its process group.
    pub async fn kill(&self) {
        let mut io = self.io.lock().await;
        self.terminate(&mut io, "killed").await;
    }

    /// Closes stdin (real backends exit on EOF), waits up to `grace`, then
    /// kills. Always reaps.
    pub async fn shutdown(&self, grace: Duration) {
        let mut io = self.io.lock().await;
        io.stdin = None;
        if let Some(child) = io.child.as_mut()
            && tokio::time::timeout(grace, child.wait()).await.is_ok()
        {
            io.child = None;
        }
        self.terminate(&mut io, "shut down").await;
    }
}

impl Drop for BackendProcess {
    fn drop(&mut self) {
        let io = self.io.get_mut();
        io.stdin = None;
        if let Some(task) = io.stderr_task.take() {
            task.abort();
        }
        let Some(mut child) = io.child.take() else {
            return;
        };
        self.tree.kill();
        let _ = child.start_kill();
        // SIGKILL takes effect within microseconds; reap synchronously so no
        // zombie outlives the handle. Bounded, so Drop never stalls.
        for _ in 0..100 {
            if !matches!(child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        // Still running (uninterruptible sleep?): reap it in the background.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = child.wait().await;
            });
        }
        // Otherwise `kill_on_drop` hands it to tokio's orphan reaper.
    }
}

async fn write_line(stdin: &mut ChildStdin, line: &str) -> std::io::Result<()> {
    // serde_json's compact output never contains a raw newline.
    stdin.write_all(line.as_bytes()).await?;
    stdin.write_all(b"\n").await?;
    stdin.flush().await
}

/// One `\n`-terminated line, at most `max` bytes. `None` at EOF; a partial
/// last line (the process died mid-write) counts as EOF.
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max: usize,
) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(None);
        }
        if let Some(pos) = available.iter().position(|&b| b == b'\n') {
            buf.extend_from_slice(&available[..pos]);
            reader.consume(pos + 1);
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return String::from_utf8(buf).map(Some).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "a line is not UTF-8")
            });
        }
        let n = available.len();
        buf.extend_from_slice(available);
        reader.consume(n);
        if buf.len() > max {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a line is longer than {max} bytes"),
            ));
        }
    }
}

async fn read_stderr<R: AsyncBufRead + Unpin>(mut reader: R, sink: StderrSink) {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {
                let text = String::from_utf8_lossy(&buf);
                sink.line(text.trim_end_matches(['\n', '\r']));
            }
        }
    }
}

async fn drain_stderr(io: &mut Io) {
    if let Some(mut task) = io.stderr_task.take()
        && tokio::time::timeout(STDERR_DRAIN, &mut task).await.is_err()
    {
        task.abort();
    }
}

fn snippet(text: &str) -> String {
    const MAX: usize = 200;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut cut = MAX;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// A result that does not read as the method's, with the field that does not fit
/// (`outputs[0].metadata.noarch`): without the path, serde's message alone does not say
/// where to look.
#[derive(Debug, thiserror::Error)]
#[error("{}{source}", at(path))]
struct UnreadableResult {
    /// `.` for the result itself.
    path: String,
    source: serde_json::Error,
}

fn at(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        format!("at `{path}`: ")
    }
}

fn read_result<R: DeserializeOwned>(value: Value) -> Result<R, UnreadableResult> {
    serde_path_to_error::deserialize(value).map_err(|e| UnreadableResult {
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}

/// The backend's executable name (`pixi-build-cmake`), for messages.
fn backend_name(program: &str) -> &str {
    std::path::Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(program)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pixi_lsp_build_types::CondaOutputsResult;

    #[test]
    fn an_unreadable_result_names_the_field() {
        let value = serde_json::json!({"outputs": [{"metadata": {"name": "a", "version": "1", "build": "h_0", "buildNumber": "zero", "subdir": "noarch", "variant": {}}}], "inputGlobs": []});
        let err = read_result::<CondaOutputsResult>(value)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("at `outputs[0].metadata.buildNumber`: invalid type"),
            "{err}"
        );
        assert_eq!(
            backend_name("/opt/bin/pixi-build-cmake"),
            "pixi-build-cmake"
        );
    }
}
