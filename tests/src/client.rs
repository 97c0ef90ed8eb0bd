//! A minimal LSP client over a child process's stdio: Content-Length framing, requests
//! matched to responses by id, notifications buffered for the test to wait on, and
//! requests from the server answered with `null`.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: i64,
    pub initialize_result: Value,
    /// Shut down through the protocol already ([`Client::shutdown`]).
    closed: bool,
}

/// Reads one framed message; `None` at end of stream.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn write_message(w: &mut impl Write, msg: &Value) {
    let body = msg.to_string();
    let _ = write!(w, "Content-Length: {}\r\n\r\n{}", body.len(), body);
    let _ = w.flush();
}

pub struct ClientBuilder {
    command: Command,
    initialization_options: Value,
    capabilities: Value,
}

impl ClientBuilder {
    pub fn new(binary: &Path) -> Self {
        let mut command = Command::new(binary);
        command.arg("serve");
        Self {
            command,
            initialization_options: Value::Null,
            capabilities: json!({
                "general": { "positionEncodings": ["utf-16"] },
                "textDocument": { "completion": { "completionItem": { "snippetSupport": false } } }
            }),
        }
    }

    pub fn initialization_options(mut self, options: Value) -> Self {
        self.initialization_options = options;
        self
    }

    pub fn capabilities(mut self, capabilities: Value) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// Replaces the default `serve` argument (for other servers, e.g. tombi).
    pub fn args_replace(mut self, args: &[&str]) -> Self {
        let program = self.command.get_program().to_owned();
        let mut command = Command::new(program);
        command.args(args);
        self.command = command;
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn start(mut self) -> Client {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server binary starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        // Tests reach no network: channel data is off unless a test asks for it.
        if self.initialization_options.is_null() {
            self.initialization_options = json!({});
        }
        if let Some(options) = self.initialization_options.as_object_mut() {
            options
                .entry("channels")
                .or_insert_with(|| json!({ "enabled": false }));
        }
        let mut client = Client {
            child,
            stdin,
            incoming: rx,
            pending: VecDeque::new(),
            next_id: 0,
            initialize_result: Value::Null,
            closed: false,
        };
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": self.capabilities,
                "initializationOptions": self.initialization_options,
            }),
        );
        client.initialize_result = result;
        client.notify("initialized", json!({}));
        client
    }
}

impl Client {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        write_message(
            &mut self.stdin,
            &json!({ "jsonrpc": "2.0", "method": method, "params": params }),
        );
    }

    /// Sends a request and returns its `result` (panics on an error response).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        if let Some(err) = response.get("error") {
            panic!("{method} failed: {err}");
        }
        response.get("result").cloned().unwrap_or(Value::Null)
    }

    /// Sends a request without waiting; the answer comes from [`Client::response`].
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        write_message(
            &mut self.stdin,
            &json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }),
        );
        id
    }

    /// The response to request `id` (sent with [`Client::send_request`]).
    pub fn response(&mut self, id: i64) -> Value {
        if let Some(pos) = self.pending.iter().position(|m| is_response_to(m, id)) {
            return self.pending.remove(pos).unwrap_or(Value::Null);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no response to request {id} within {TIMEOUT:?}"));
            if is_response_to(&msg, id) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// Sends a request and returns the whole response message.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        write_message(
            &mut self.stdin,
            &json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }),
        );
        let deadline = Instant::now() + TIMEOUT;
        // Buffered messages first: the response may already be there.
        if let Some(pos) = self.pending.iter().position(|m| is_response_to(m, id)) {
            return self.pending.remove(pos).unwrap_or(Value::Null);
        }
        loop {
            let msg = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no response to {method} within {TIMEOUT:?}"));
            if is_response_to(&msg, id) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.checked_duration_since(Instant::now())?;
        let msg = self.incoming.recv_timeout(left).ok()?;
        if msg.get("method").is_some() && msg.get("id").is_some() {
            // A request from the server (progress creation, configuration…).
            let id = msg["id"].clone();
            write_message(
                &mut self.stdin,
                &json!({ "jsonrpc": "2.0", "id": id, "result": null }),
            );
        }
        Some(msg)
    }

    /// Waits for a notification `method` whose params satisfy `pred`; earlier messages
    /// that don't match stay buffered for later waits.
    pub fn wait_for(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(method, TIMEOUT, pred)
            .unwrap_or_else(|| panic!("no {method} notification matched within {TIMEOUT:?}"))
    }

    pub fn try_wait_for(
        &mut self,
        method: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(pos) = self
            .pending
            .iter()
            .position(|m| m["method"] == method && pred(&m["params"]))
        {
            return self.pending.remove(pos).map(|m| m["params"].clone());
        }
        let deadline = Instant::now() + timeout;
        loop {
            let msg = self.recv(deadline)?;
            if msg["method"] == method && pred(&msg["params"]) {
                return Some(msg["params"].clone());
            }
            self.pending.push_back(msg);
        }
    }

    /// Opens a document and returns the diagnostics published for that version.
    pub fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }));
        self.diagnostics(uri, 1)
    }

    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }));
    }

    /// Whether the process is still alive.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Shuts down politely and returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.close()
    }

    /// `shutdown`, then `exit`, then waits for the process (killing it after 10 s).
    fn close(&mut self) -> Option<i32> {
        self.closed = true;
        // Never panics: a server that died or hangs is killed below.
        let id = self.send_request("shutdown", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(msg) = self.recv(deadline) {
            if is_response_to(&msg, id) {
                break;
            }
            self.pending.push_back(msg);
        }
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        None
    }
}

/// Messages nobody read that say the server failed: a request answered with an internal
/// error (a panic in a handler), or a message telling the user that one happened.
fn server_failures(messages: &[Value]) -> Vec<&Value> {
    messages
        .iter()
        .filter(|m| {
            let internal = m["error"]["code"] == -32603;
            let told = m["method"] == "window/showMessage"
                && m["params"]["type"] == 1
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|t| t.contains("failed unexpectedly"));
            internal || told
        })
        .collect()
}

/// Ends the server as an editor does (`shutdown`, `exit`), and fails the test when the
/// server reported an internal failure that the test never looked at.
impl Drop for Client {
    fn drop(&mut self) {
        if !self.closed && matches!(self.child.try_wait(), Ok(None)) && !std::thread::panicking() {
            let _ = self.close();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            return;
        }
        let mut unread: Vec<Value> = self.pending.drain(..).collect();
        unread.extend(self.incoming.try_iter());
        let failures = server_failures(&unread);
        assert!(
            failures.is_empty(),
            "the server reported failures nobody read: {failures:?}"
        );
    }
}

fn is_response_to(msg: &Value, id: i64) -> bool {
    msg.get("method").is_none() && msg.get("id").and_then(Value::as_i64) == Some(id)
}

/// A `file://` URI for a path.
pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// (line, character) of byte `offset` in `text`, counting UTF-16 units.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .encode_utf16()
        .count();
    json!({ "line": line, "character": col })
}

/// Applies LSP TextEdits (UTF-16 positions) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

pub fn offset(text: &str, pos: &Value) -> usize {
    let line = pos["line"].as_u64().unwrap_or(0) as usize;
    let ch = pos["character"].as_u64().unwrap_or(0) as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let mut units = 0;
    for (i, c) in line_text.char_indices() {
        if units >= ch {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + line_text.len()
}
