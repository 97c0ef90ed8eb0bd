use std::{
    fs,
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use pixi_lsp_test_utils::{GARBAGE_BODY, Mode, TestServer};

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one raw request, reads until the server closes.
fn send(server: &TestServer, method: &str, path: &str, extra: &str) -> Response {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n{extra}\r\n",
        server.addr()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete head");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(": ").unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect();
    Response {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn get(server: &TestServer, path: &str) -> Response {
    send(server, "GET", path, "")
}

fn served_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("noarch/shards")).unwrap();
    fs::write(
        dir.path().join("noarch/repodata.json"),
        br#"{"packages":{}}"#,
    )
    .unwrap();
    fs::write(
        dir.path().join("noarch/shards/ab.msgpack.zst"),
        vec![7u8; 1000],
    )
    .unwrap();
    fs::write(dir.path().join("noarch/a b.conda"), b"spaced").unwrap();
    dir
}

#[test]
fn serves_files_with_length_and_type() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    assert!(server.url().starts_with("http://127.0.0.1:") && server.url().ends_with('/'));
    let r = get(&server, "/noarch/repodata.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, br#"{"packages":{}}"#);
    assert_eq!(r.header("Content-Length"), Some("15"));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(r.header("Connection"), Some("close"));
    assert_eq!(r.header("ETag"), None);
    let r = get(&server, "/noarch/shards/ab.msgpack.zst?x=1");
    assert_eq!((r.status, r.body.len()), (200, 1000));
    assert_eq!(get(&server, "/noarch/a%20b.conda").body, b"spaced");
}

#[test]
fn head_sends_headers_only() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    let r = send(&server, "HEAD", "/noarch/shards/ab.msgpack.zst", "");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("1000"));
    assert!(r.body.is_empty());
    assert_eq!(send(&server, "HEAD", "/missing.json", "").status, 404);
}

#[test]
fn missing_files_escapes_and_directories_are_404_and_other_methods_405() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path().join("noarch"));
    assert_eq!(get(&server, "/nope.json").status, 404);
    assert_eq!(get(&server, "/../noarch/repodata.json").status, 404);
    assert_eq!(get(&server, "/%2e%2e/noarch/repodata.json").status, 404);
    assert_eq!(get(&server, "/shards").status, 404);
    let r = send(&server, "POST", "/repodata.json", "Content-Length: 0\r\n");
    assert_eq!(r.status, 405);
    assert_eq!(r.header("Allow"), Some("GET, HEAD"));
}

#[test]
fn never_answers_304() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    let conditional = "If-None-Match: *\r\nIf-Modified-Since: Wed, 01 Jan 2099 00:00:00 GMT\r\n";
    let r = send(&server, "GET", "/noarch/repodata.json", conditional);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, br#"{"packages":{}}"#);
}

#[test]
fn not_found_and_server_error_modes() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/shards/", Mode::NotFound);
    server.set_mode("noarch/repodata", Mode::ServerError);
    assert_eq!(get(&server, "/noarch/shards/ab.msgpack.zst").status, 404);
    let r = get(&server, "/noarch/repodata.json");
    assert_eq!(r.status, 500);
    assert_eq!(
        r.header("Content-Length").unwrap(),
        r.body.len().to_string()
    );
    assert_eq!(
        get(&server, "/noarch/a%20b.conda").status,
        200,
        "other prefixes unaffected"
    );
    server.set_mode("/noarch/repodata", Mode::Normal);
    assert_eq!(get(&server, "/noarch/repodata.json").status, 200);
    server.clear_modes();
    assert_eq!(get(&server, "/noarch/shards/ab.msgpack.zst").status, 200);
}

#[test]
fn longest_prefix_wins() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/", Mode::ServerError);
    server.set_mode("/noarch/shards", Mode::Normal);
    assert_eq!(get(&server, "/noarch/repodata.json").status, 500);
    assert_eq!(get(&server, "/noarch/shards/ab.msgpack.zst").status, 200);
}

#[test]
fn garbage_mode_sends_invalid_json() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/repodata.json", Mode::Garbage);
    let r = get(&server, "/noarch/repodata.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, GARBAGE_BODY);
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());
}

#[test]
fn truncate_mode_closes_early_with_full_length_header() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/shards/", Mode::Truncate(100));
    let r = get(&server, "/noarch/shards/ab.msgpack.zst");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("Content-Length"), Some("1000"));
    assert_eq!(r.body.len(), 100);
}

#[test]
fn slow_mode_delays_only_its_prefix() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/shards/", Mode::Slow(Duration::from_millis(800)));
    let start = Instant::now();
    assert_eq!(get(&server, "/noarch/repodata.json").status, 200);
    assert!(start.elapsed() < Duration::from_millis(800));
    let start = Instant::now();
    let r = get(&server, "/noarch/shards/ab.msgpack.zst");
    assert!(start.elapsed() >= Duration::from_millis(800));
    assert_eq!((r.status, r.body.len()), (200, 1000));
}

#[test]
fn hang_mode_never_answers_until_dropped() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/", Mode::Hang);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    stream
        .write_all(b"GET /noarch/repodata.json HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut buf = [0u8; 64];
    let err = stream.read(&mut buf).expect_err("no answer while hanging");
    assert!(matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ));
    assert_eq!(
        server.requests(),
        [("GET".to_owned(), "/noarch/repodata.json".to_owned())]
    );

    let start = Instant::now();
    drop(server);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "drop is bounded: {:?}",
        start.elapsed()
    );
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let closed = matches!(stream.read(&mut buf), Ok(0) | Err(_));
    assert!(closed, "connection closed after drop");
}

#[test]
fn replace_changes_content_between_requests() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.replace("/noarch/repodata.json", r#"{"v":1}"#);
    assert_eq!(get(&server, "/noarch/repodata.json").body, br#"{"v":1}"#);
    server.replace("noarch/repodata.json", r#"{"v":22}"#);
    let r = get(&server, "/noarch/repodata.json");
    assert_eq!(
        (r.body.as_slice(), r.header("Content-Length")),
        (&br#"{"v":22}"#[..], Some("8"))
    );
    server.replace("/linux-64/repodata.json", "{}");
    assert_eq!(
        get(&server, "/linux-64/repodata.json").status,
        200,
        "file need not exist"
    );
}

#[test]
fn request_log_records_method_and_decoded_path() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/shards", Mode::NotFound);
    get(&server, "/noarch/repodata.json?cache=1");
    send(&server, "HEAD", "/noarch/a%20b.conda", "");
    get(&server, "/noarch/shards/ab.msgpack.zst");
    get(&server, "/noarch/repodata.json");
    let expected: Vec<(String, String)> = [
        ("GET", "/noarch/repodata.json"),
        ("HEAD", "/noarch/a b.conda"),
        ("GET", "/noarch/shards/ab.msgpack.zst"),
        ("GET", "/noarch/repodata.json"),
    ]
    .iter()
    .map(|(m, p)| (m.to_string(), p.to_string()))
    .collect();
    assert_eq!(server.requests(), expected);
    assert_eq!(server.request_count("noarch/repodata.json"), 2);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn extra_headers_are_sent_on_success() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_header("Cache-Control", "max-age=60");
    assert_eq!(
        get(&server, "/noarch/repodata.json").header("Cache-Control"),
        Some("max-age=60")
    );
    assert_eq!(get(&server, "/missing").header("Cache-Control"), None);
}

#[test]
fn handles_concurrent_connections() {
    let dir = served_dir();
    let server = TestServer::serve(dir.path());
    server.set_mode("/noarch/shards/", Mode::Slow(Duration::from_millis(300)));
    let start = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..32)
            .map(|_| s.spawn(|| get(&server, "/noarch/shards/ab.msgpack.zst")))
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap().body.len(), 1000);
        }
    });
    // Serially this would take 32 * 300 ms = 9.6 s.
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(server.request_count("/noarch/shards/ab.msgpack.zst"), 32);
}
