//! A loopback static-file HTTP server that misbehaves on demand.
//!
//! Plain std threads (one accept thread, one thread per connection, at most
//! [`MAX_CONNECTIONS`] at once), HTTP/1.1 with `Connection: close`. It never
//! answers `304`: conditional headers are ignored, because rattler's sharded
//! path fails on a bare 304 (see docs/deps.md, "PITFALL").

use std::{
    collections::HashMap,
    fs,
    io::{self, Read, Write},
    net::{Shutdown, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicBool, Ordering},
    },
    thread::{self, JoinHandle},
    time::{Duration, Instant},
};

/// Connections handled at once; further ones wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 128;
const MAX_HEAD_BYTES: usize = 64 * 1024;
const POLL: Duration = Duration::from_millis(5);
/// A client that doesn't finish sending its request head within this is dropped.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Body of [`Mode::Garbage`] answers: not JSON, not zstd, not msgpack.
pub const GARBAGE_BODY: &[u8] = b"{\"this is\": not json <html>\x00\xff";

/// How the server answers requests under a path prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Serve the file (or its replacement); 404 when there is none.
    Normal,
    /// 404 for everything, existing or not.
    NotFound,
    /// 500 for everything.
    ServerError,
    /// Wait this long before sending anything, then behave as `Normal`.
    Slow(Duration),
    /// Send the full `Content-Length` but close after this many body bytes.
    Truncate(usize),
    /// 200 with `Content-Type: application/json` and [`GARBAGE_BODY`].
    Garbage,
    /// Read the request, never answer; the connection closes when the server is dropped.
    Hang,
}

#[derive(Default)]
struct State {
    modes: Vec<(String, Mode)>,
    replaced: HashMap<String, Vec<u8>>,
    requests: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

struct Shared {
    root: PathBuf,
    shutdown: AtomicBool,
    state: Mutex<State>,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking handler thread must not take every later request down with it.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    /// Sleeps up to `duration`; false when the server stopped meanwhile.
    fn sleep(&self, duration: Duration) -> bool {
        let end = Instant::now() + duration;
        while Instant::now() < end {
            if self.stopping() {
                return false;
            }
            thread::sleep(POLL.min(end.saturating_duration_since(Instant::now())));
        }
        !self.stopping()
    }
}

/// See the module docs. Stops (and joins its threads) on drop.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves `dir` on `127.0.0.1:<free port>`.
    ///
    /// # Panics
    /// If the loopback port can't be bound; use [`TestServer::try_serve`] to handle that.
    pub fn serve(dir: impl Into<PathBuf>) -> TestServer {
        TestServer::try_serve(dir).expect("bind a loopback port for the test server")
    }

    pub fn try_serve(dir: impl Into<PathBuf>) -> io::Result<TestServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            root: dir.into(),
            shutdown: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name("test-server-accept".into())
            .spawn(move || accept_loop(&listener, &accept_shared))?;
        Ok(TestServer {
            addr,
            shared,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT/`
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers requests whose path starts with `prefix` (leading `/`
    /// optional) in `mode`. The longest matching prefix wins; set
    /// [`Mode::Normal`] to undo.
    pub fn set_mode(&self, prefix: &str, mode: Mode) {
        let prefix = normalize(prefix);
        let mut state = self.shared.state();
        state.modes.retain(|(p, _)| *p != prefix);
        state.modes.push((prefix, mode));
    }

    /// Back to [`Mode::Normal`] everywhere.
    pub fn clear_modes(&self) {
        self.shared.state().modes.clear();
    }

    /// Serves `bytes` at `path` instead of the file on disk (which need not
    /// exist), until replaced again.
    pub fn replace(&self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.shared
            .state()
            .replaced
            .insert(normalize(path), bytes.into());
    }

    /// Adds a header to every 200 answer (e.g. `Cache-Control`). By default
    /// there is no caching header, no `ETag` and no `Last-Modified`.
    pub fn set_header(&self, name: &str, value: &str) {
        self.shared
            .state()
            .headers
            .push((name.to_owned(), value.to_owned()));
    }

    /// Every request received so far, in order: `(method, decoded path without query)`.
    /// Requests are logged as soon as their head is read, whatever the mode.
    pub fn requests(&self) -> Vec<(String, String)> {
        self.shared.state().requests.clone()
    }

    /// How many requests asked for exactly `path` (any method).
    pub fn request_count(&self, path: &str) -> usize {
        let path = normalize(path);
        self.shared
            .state()
            .requests
            .iter()
            .filter(|(_, p)| *p == path)
            .count()
    }

    pub fn clear_requests(&self) {
        self.shared.state().requests.clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn normalize(path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut handlers: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stopping() {
        handlers.retain(|h| !h.is_finished());
        if handlers.len() >= MAX_CONNECTIONS {
            thread::sleep(POLL);
            continue;
        }
        match listener.accept() {
            Ok((stream, _)) => {
                let conn_shared = Arc::clone(shared);
                let spawned = thread::Builder::new()
                    .name("test-server-conn".into())
                    .spawn(move || handle(stream, &conn_shared));
                if let Ok(handle) = spawned {
                    handlers.push(handle);
                }
            }
            Err(_) => thread::sleep(POLL),
        }
    }
    for handler in handlers {
        let _ = handler.join();
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(POLL * 10));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Some(head) = read_head(&mut stream, shared) else {
        return;
    };
    let mut words = head.lines().next().unwrap_or_default().split_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        let _ = respond(
            &mut stream,
            400,
            "text/plain",
            b"bad request\n",
            BodyPart::Full,
            &[],
        );
        return;
    };
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let (mode, headers) = {
        let mut state = shared.state();
        state.requests.push((method.to_owned(), path.clone()));
        let mode = state
            .modes
            .iter()
            .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(Mode::Normal, |(_, mode)| *mode);
        (mode, state.headers.clone())
    };
    let part = if method == "HEAD" {
        BodyPart::None
    } else {
        BodyPart::Full
    };
    if method != "GET" && method != "HEAD" {
        let _ = respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed\n",
            part,
            &[],
        );
        return;
    }
    let _ = match mode {
        Mode::Hang => {
            while shared.sleep(Duration::from_secs(1)) {}
            Ok(())
        }
        Mode::NotFound => respond(&mut stream, 404, "text/plain", b"not found\n", part, &[]),
        Mode::ServerError => respond(
            &mut stream,
            500,
            "text/plain",
            b"internal server error\n",
            part,
            &[],
        ),
        Mode::Garbage => respond(
            &mut stream,
            200,
            "application/json",
            GARBAGE_BODY,
            part,
            &headers,
        ),
        // The guard does the waiting: once it returns true (not stopped), the
        // `Slow` request falls through to the `Normal` arm below.
        Mode::Slow(delay) if !shared.sleep(delay) => Ok(()),
        Mode::Normal | Mode::Slow(_) | Mode::Truncate(_) => {
            let part = match (mode, part) {
                (Mode::Truncate(n), BodyPart::Full) => BodyPart::Prefix(n),
                _ => part,
            };
            match body_for(shared, &path) {
                Some(body) => respond(&mut stream, 200, content_type(&path), &body, part, &headers),
                None => respond(&mut stream, 404, "text/plain", b"not found\n", part, &[]),
            }
        }
    };
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads up to the blank line ending the request head. `None` when the
/// client goes away, takes too long, sends too much, or the server stops.
fn read_head(stream: &mut TcpStream, shared: &Shared) -> Option<String> {
    let start = Instant::now();
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if shared.stopping() || start.elapsed() > REQUEST_DEADLINE || head.len() > MAX_HEAD_BYTES {
            return None;
        }
        match stream.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn body_for(shared: &Shared, path: &str) -> Option<Vec<u8>> {
    if let Some(bytes) = shared.state().replaced.get(path) {
        return Some(bytes.clone());
    }
    let file = resolve(&shared.root, path)?;
    if !file.is_file() {
        return None;
    }
    fs::read(file).ok()
}

/// Maps a URL path below `root`; `None` for `..` or other escapes.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let mut file = root.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment == "." || segment == ".." || segment.contains('\\') {
            return None;
        }
        file.push(segment);
    }
    Some(file)
}

fn content_type(path: &str) -> &'static str {
    if path.ends_with(".json") {
        "application/json"
    } else if path.ends_with(".bz2") {
        "application/x-bzip2"
    } else if path.ends_with(".zst") {
        "application/zstd"
    } else if path.ends_with(".html") {
        "text/html"
    } else if path.ends_with(".txt") {
        "text/plain"
    } else {
        "application/octet-stream"
    }
}

#[derive(Clone, Copy)]
enum BodyPart {
    None,
    Full,
    Prefix(usize),
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    part: BodyPart,
    extra_headers: &[(String, String)],
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nContent-Type: {content_type}\r\nConnection: close\r\n",
        body.len()
    );
    if status == 405 {
        head.push_str("Allow: GET, HEAD\r\n");
    }
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    match part {
        BodyPart::None => Ok(()),
        BodyPart::Full => stream.write_all(body),
        BodyPart::Prefix(n) => stream.write_all(&body[..n.min(body.len())]),
    }
}

fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
