//! Benchmarks (reported, never asserted): keystroke → diagnostics over real stdio on a
//! 5,000-line manifest, initialize time, idle RSS, the in-process analysis phases, and the
//! same keystroke loop against tombi when it is installed (`pip install tombi`); formatting
//! and semantic tokens on the same manifest, in process, over stdio and against tombi (its
//! LSP and `tombi format`).
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-bench -- [--tombi PATH]
//! [--server PATH] [--baseline PATH] [--no-channels] [--no-tombi] [--in-process-channels]`: `--baseline` runs the same loops
//! against another build of the server (e.g. the previous commit's), in the same run, so
//! before and after are compared on the same machine state.

#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "bench/host.rs"]
mod host;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pixi_lsp_ide::{CompletionConfig, DiagnosticsConfig, FileAnalysis, FileKind, FormatConfig};
use pixi_lsp_tests::client::{self, ClientBuilder};
use pixi_lsp_tests::{generate, paths};
use serde_json::json;

const EDITS: usize = 50;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let idx = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[idx]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss_kb(pid: u32) -> Option<u64> {
    status_kb(pid, "VmRSS:")
}

/// A `/proc/<pid>/status` field in KiB (`RssAnon:` is the heap, without mapped files).
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Where an edit goes: inside the version string of the Nth dependency, so every edit keeps
/// the manifest valid and forces a full re-validation.
fn edit_offsets(text: &str) -> Vec<usize> {
    text.match_indices("\">=1.")
        .map(|(i, _)| i + 5)
        .take(EDITS)
        .collect()
}

struct Keystrokes {
    initialize: Duration,
    open: Duration,
    samples: Vec<Duration>,
    /// Completion requested right after an edit (so the snapshot is rebuilt first).
    completions: Vec<Duration>,
    idle_rss_kb: Option<u64>,
    loaded_rss_kb: Option<u64>,
    /// The heap part of `loaded_rss_kb` (without memory-mapped files such as rattler's
    /// cached `repodata.json`).
    loaded_anon_kb: Option<u64>,
    /// Diagnostics in the last publication (channel checks add some).
    diagnostics: usize,
}

/// A client of `server` with channel data off (the analysis alone).
fn channels_off(server: &Path) -> ClientBuilder {
    ClientBuilder::new(server).initialization_options(json!({ "channels": { "enabled": false } }))
}

/// A client of `server` with channel data on (the default), cached in `cache`.
fn channels_on(server: &Path, cache: &Path) -> ClientBuilder {
    ClientBuilder::new(server).initialization_options(json!({
        "channels": { "enabled": true, "cacheDir": cache.to_string_lossy() }
    }))
}

/// One open manifest in a running server, edited one keystroke at a time.
struct Session {
    c: client::Client,
    uri: String,
    current: String,
    edits: Vec<usize>,
    version: i64,
    /// Wait for the publication of the edit's own version (servers that send versions).
    versioned: bool,
}

impl Session {
    /// Starts the server, opens `text` as `dir/pixi.toml` and waits for its diagnostics;
    /// also returns the time to initialize and to the first diagnostics, and the idle RSS.
    fn open(
        builder: ClientBuilder,
        dir: &Path,
        text: &str,
        versioned: bool,
    ) -> (Session, Duration, Duration, Option<u64>) {
        let started = Instant::now();
        let c = builder.start();
        let initialize = started.elapsed();
        std::thread::sleep(Duration::from_millis(300));
        let idle_rss_kb = rss_kb(c.pid());
        let mut session = Session {
            c,
            uri: client::file_uri(&dir.join("pixi.toml")),
            current: text.to_owned(),
            edits: edit_offsets(text),
            version: 1,
            versioned,
        };
        let t = Instant::now();
        session.c.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": session.uri, "languageId": "toml", "version": 1, "text": text } }),
        );
        let uri = session.uri.clone();
        session.c.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str()
        });
        (session, initialize, t.elapsed(), idle_rss_kb)
    }

    /// Types a digit at the `i`-th edit offset; the time to its diagnostics and their count.
    fn keystroke(&mut self, i: usize) -> (Duration, usize) {
        self.edit(i, true)
    }

    /// Types a digit at the `i`-th edit offset (`insert`), or deletes the digit typed there
    /// (edits are undone last first, so the offsets before stay put); the time to the
    /// edit's diagnostics and their count.
    fn edit(&mut self, i: usize, insert: bool) -> (Duration, usize) {
        // Offsets were taken on the original text; each earlier edit added one byte before.
        let offset = self.edits[i] + i;
        self.version += 1;
        let pos = client::position(&self.current, offset);
        let (end, text) = if insert {
            self.current.insert(offset, '9');
            (pos.clone(), "9")
        } else {
            let end = client::position(&self.current, offset + 1);
            self.current.remove(offset);
            (end, "")
        };
        let t = Instant::now();
        self.c.change(
            &self.uri,
            self.version,
            json!([{ "range": { "start": pos, "end": end }, "text": text }]),
        );
        let (uri, version, versioned) = (self.uri.clone(), self.version, self.versioned);
        let published = self.c.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && (!versioned || p["version"] == version)
        });
        let count = published["diagnostics"].as_array().map_or(0, Vec::len);
        (t.elapsed(), count)
    }
}

fn run_keystrokes(
    builder: ClientBuilder,
    dir: &Path,
    text: &str,
    versioned: bool,
    settle: Duration,
) -> Keystrokes {
    let (mut s, initialize, open, idle_rss_kb) = Session::open(builder, dir, text, versioned);
    // Background work started by opening (channel data) finishes before the edits.
    std::thread::sleep(settle);
    let mut samples = Vec::new();
    let mut diagnostics = 0;
    for i in 0..s.edits.len() {
        let (took, count) = s.keystroke(i);
        samples.push(took);
        diagnostics = count;
    }
    let loaded_rss_kb = rss_kb(s.c.pid());
    let loaded_anon_kb = status_kb(s.c.pid(), "RssAnon:");
    let completions = completions_after_edits(&mut s.c, &s.uri, &mut s.current);
    let _ = s.c.shutdown();
    Keystrokes {
        initialize,
        open,
        samples,
        completions,
        idle_rss_kb,
        loaded_rss_kb,
        loaded_anon_kb,
        diagnostics,
    }
}

/// The channels-off and channels-on servers edited in turns (off, on, on, off, …), so both
/// see the same load on a shared machine: the p95 of each, for a ratio that machine noise
/// does not decide.
const INTERLEAVED_ROUNDS: usize = 4;

fn interleaved(
    off: (ClientBuilder, &Path, &str),
    on: (ClientBuilder, &Path, &str),
) -> (Duration, Duration) {
    let (mut a, ..) = Session::open(off.0, off.1, off.2, true);
    let (mut b, ..) = Session::open(on.0, on.1, on.2, true);
    std::thread::sleep(Duration::from_secs(20));
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    let n = a.edits.len().min(b.edits.len());
    // Rounds of typing the digits and deleting them again: 4 × 50 edits each, for a p95 that
    // one slow moment of the machine does not make.
    for round in 0..INTERLEAVED_ROUNDS {
        let insert = round % 2 == 0;
        for k in 0..n {
            let i = if insert { k } else { n - 1 - k };
            if k % 2 == 0 {
                sa.push(a.edit(i, insert).0);
                sb.push(b.edit(i, insert).0);
            } else {
                sb.push(b.edit(i, insert).0);
                sa.push(a.edit(i, insert).0);
            }
        }
    }
    let _ = a.c.shutdown();
    let _ = b.c.shutdown();
    (percentile(&mut sa, 0.95), percentile(&mut sb, 0.95))
}

/// Types and deletes a letter in `[package.build.config]`, asking for completion after each
/// edit: the request pays for the re-parse of the new version.
fn completions_after_edits(
    c: &mut client::Client,
    uri: &str,
    current: &mut String,
) -> Vec<Duration> {
    let anchor = "[package.build.config]\n";
    let Some(at) = current.find(anchor).map(|i| i + anchor.len()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..EDITS {
        let version = (EDITS + 2 + i) as i64;
        let pos = client::position(current, at);
        let typing = i % 2 == 0;
        let (end, text) = if typing {
            (pos.clone(), "n")
        } else {
            (json!({ "line": pos["line"], "character": 1 }), "")
        };
        c.change(
            uri,
            version,
            json!([{ "range": { "start": pos, "end": end }, "text": text }]),
        );
        if typing {
            current.insert(at, 'n');
        } else {
            current.remove(at);
        }
        let cursor = client::position(current, at + text.len());
        let t = Instant::now();
        let _ = c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": cursor }),
        );
        out.push(t.elapsed());
    }
    out
}

fn report(name: &str, k: &mut Keystrokes) -> Duration {
    let p50 = percentile(&mut k.samples, 0.5);
    let p95 = percentile(&mut k.samples, 0.95);
    println!(
        "{name}: initialize {}, open+diagnostics {}",
        ms(k.initialize),
        ms(k.open)
    );
    println!(
        "{name}: didChange → publishDiagnostics over {} edits: p50 {}, p95 {}, max {}",
        k.samples.len(),
        ms(p50),
        ms(p95),
        ms(percentile(&mut k.samples, 1.0))
    );
    if !k.completions.is_empty() {
        println!(
            "{name}: completion right after an edit over {} requests: p50 {}, p95 {}",
            k.completions.len(),
            ms(percentile(&mut k.completions, 0.5)),
            ms(percentile(&mut k.completions, 0.95))
        );
    }
    println!(
        "{name}: RSS idle {} MB, with the manifest open {} MB",
        k.idle_rss_kb
            .map_or("?".into(), |v| format!("{:.1}", v as f64 / 1024.0)),
        k.loaded_rss_kb
            .map_or("?".into(), |v| format!("{:.1}", v as f64 / 1024.0))
    );
    p95
}

fn in_process(text: &str) {
    let text: Arc<str> = Arc::from(text);
    let mut parse = Vec::new();
    let mut diagnostics = Vec::new();
    let mut completion = Vec::new();
    let offset = text
        .find("[feature.f10.dependencies]\n")
        .map_or(0, |i| i + "[feature.f10.dependencies]\n".len());
    for _ in 0..30 {
        let t = Instant::now();
        let a = FileAnalysis::new(FileKind::PixiToml, text.clone());
        parse.push(t.elapsed());
        let t = Instant::now();
        let _ = a.diagnostics(&DiagnosticsConfig::default());
        diagnostics.push(t.elapsed());
        let t = Instant::now();
        let _ = a.completions(offset, &CompletionConfig::default());
        completion.push(t.elapsed());
    }
    println!(
        "in-process (p50): parse {}, validate {}, completion {}",
        ms(percentile(&mut parse, 0.5)),
        ms(percentile(&mut diagnostics, 0.5)),
        ms(percentile(&mut completion, 0.5))
    );
    let messy: Arc<str> = Arc::from(messy(&text));
    let mut format = Vec::new();
    let mut tokens = Vec::new();
    let mut folds = Vec::new();
    let mut changed = 0;
    for _ in 0..30 {
        let a = FileAnalysis::new(FileKind::PixiToml, messy.clone());
        let t = Instant::now();
        let edits = a.format(None, &FormatConfig::default());
        format.push(t.elapsed());
        changed = edits.map_or(0, |e| e.iter().map(|e| e.range.len()).sum::<usize>());
        let t = Instant::now();
        let _ = a.semantic_tokens();
        tokens.push(t.elapsed());
        let t = Instant::now();
        let _ = a.folds();
        folds.push(t.elapsed());
    }
    println!(
        "in-process (p50): format {} (an edit over {} KB), semantic tokens {}, folding {}",
        ms(percentile(&mut format, 0.5)),
        changed / 1024,
        ms(percentile(&mut tokens, 0.5)),
        ms(percentile(&mut folds, 0.5))
    );
}

/// The manifest with its spacing spoilt, so that formatting has work everywhere.
fn messy(text: &str) -> String {
    text.replace(" = ", "  =   ").replace(", ", " ,")
}

/// Formatting and semantic tokens over stdio: each request's round trip, on an open
/// document. Returns the p50 of (formatting, semantic tokens) when the server answers both.
fn structure_requests(label: &str, builder: ClientBuilder, dir: &Path, text: &str) {
    let mut c = builder.start();
    let uri = client::file_uri(&dir.join("pixi.toml"));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": text } }),
    );
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str()
    });
    let caps = c.initialize_result["capabilities"].clone();
    let mut line = format!("{label}:");
    let requests = [
        (
            "formatting",
            "documentFormattingProvider",
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
        ),
        (
            "semantic tokens",
            "semanticTokensProvider",
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        ),
        (
            "folding",
            "foldingRangeProvider",
            "textDocument/foldingRange",
            json!({ "textDocument": { "uri": uri } }),
        ),
        (
            "code lens",
            "codeLensProvider",
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        ),
    ];
    for (name, capability, method, params) in requests {
        if caps[capability].is_null() || caps[capability] == false {
            line.push_str(&format!(" {name} not offered;"));
            continue;
        }
        let mut samples = Vec::new();
        let mut size = 0;
        let mut last = serde_json::Value::Null;
        for _ in 0..20 {
            let t = Instant::now();
            let response = c.request_raw(method, params.clone());
            samples.push(t.elapsed());
            size = response.to_string().len();
            last = response;
        }
        if size < 1024 {
            let shown = last.to_string();
            line.push_str(&format!(
                " {name} answered {};",
                &shown[..shown.len().min(200)]
            ));
        }
        line.push_str(&format!(
            " {name} p50 {} p95 {} ({} KB answer);",
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 0.95)),
            size / 1024
        ));
    }
    println!("{line}");
    let _ = c.shutdown();
}

/// `tombi format` on the file (a process per run, as a format-on-save hook would run it).
fn tombi_format_cli(tombi: &Path, dir: &Path, text: &str) {
    let path = dir.join("pixi.toml");
    let mut samples = Vec::new();
    for _ in 0..10 {
        std::fs::write(&path, text).expect("write manifest");
        let t = Instant::now();
        let status = Command::new(tombi)
            .args(["format", "--offline", "--quiet"])
            .arg(&path)
            .current_dir(dir)
            .status();
        samples.push(t.elapsed());
        if !status.as_ref().is_ok_and(|s| s.success()) {
            println!("tombi format: failed ({status:?})");
            return;
        }
    }
    println!(
        "tombi format (CLI, process included): p50 {}",
        ms(percentile(&mut samples, 0.5))
    );
    std::fs::write(&path, text).expect("write manifest");
}

/// The channels-off keystroke loop (the analysis alone), then with channel data on
/// (unless `loopback` is `None`); the channels-off p95.
fn measure(
    name: &str,
    server: &Path,
    text: &str,
    dir: &Path,
    loopback: Option<&LoopbackChannels>,
) -> Duration {
    let mut off = run_keystrokes(channels_off(server), dir, text, true, Duration::ZERO);
    let off_p95 = report(name, &mut off);
    if let Some(loopback) = loopback {
        with_channels(name, server, text, loopback, &off, off_p95);
    }
    off_p95
}

/// Channel data is measured unless `--no-channels`.
fn channels_enabled(args: &[String]) -> bool {
    !args.iter().any(|a| a == "--no-channels")
}

/// The value after `name` on the command line.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(String::as_str)
}

/// `--server PATH`, else the `pixi-lsp-under-test` built beside this benchmark.
fn server_binary(args: &[String]) -> PathBuf {
    if let Some(path) = flag(args, "--server") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name("pixi-lsp-under-test")
}

/// The package names the generated manifest depends on.
fn manifest_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, _)| k.trim().to_owned())
        .filter(|k| {
            k.starts_with("pkg-") || k.starts_with("libfoo") || k == "python" || k == "hatchling"
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Channels for the manifest: servers of its names among 30,000 (and of ten names), kept
/// alive while the caller measures; written once per bench run (each server under test
/// gets a cache of its own).
struct LoopbackChannels {
    _dir: tempfile::TempDir,
    full: pixi_lsp_test_utils::TestServer,
    small: pixi_lsp_test_utils::TestServer,
    wanted: usize,
}

impl LoopbackChannels {
    fn serve(text: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut names = manifest_names(text);
        let wanted = names.len();
        let mut i = 0;
        while names.len() < 30_000 {
            names.push(format!("filler-{i}"));
            i += 1;
        }
        names.sort();
        let full = dir.path().join("full");
        let small = dir.path().join("small");
        let subdirs = ["linux-64", "osx-arm64", "win-64"];
        pixi_lsp_tests::synthetic_channel::write(&full, &names, &subdirs);
        pixi_lsp_tests::synthetic_channel::write(&small, &names[..10], &subdirs);
        LoopbackChannels {
            full: pixi_lsp_test_utils::TestServer::serve(&full),
            small: pixi_lsp_test_utils::TestServer::serve(&small),
            _dir: dir,
            wanted,
        }
    }
}

/// The manifest with its workspace channels replaced by `a` and `b`.
fn with_channel_urls(text: &str, a: &str, b: &str) -> String {
    text.replacen(
        "channels = [\"conda-forge\"]",
        &format!("channels = [\"{a}\", \"{b}\"]"),
        1,
    )
}

/// The in-process host measurement.
fn in_process_channels(text: &str, loopback: &LoopbackChannels) {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = with_channel_urls(text, &loopback.full.url(), &loopback.small.url());
    std::fs::write(dir.path().join("pixi.toml"), &manifest).expect("write manifest");
    host::keystrokes(dir.path(), &manifest);
}

/// The keystroke loop with channel data on (default settings): against channels that
/// cannot be reached, and against loopback channels holding every name the manifest uses
/// among 30,000. Compared with the channels-off run of the same manifest.
fn with_channels(
    name: &str,
    server: &Path,
    text: &str,
    loopback: &LoopbackChannels,
    off: &Keystrokes,
    off_p95: Duration,
) {
    let closed = || {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}/channel", listener.local_addr().expect("addr"))
    };
    let cases = [
        ("unreachable channels, no cache", closed(), closed()),
        (
            "loopback channels (30,000 names)",
            loopback.full.url(),
            loopback.small.url(),
        ),
    ];
    println!(
        "channel data on: the manifest's {} package names",
        loopback.wanted
    );
    let off_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(off_dir.path().join("pixi.toml"), text).expect("write manifest");
    for (label, a, b) in cases {
        let cache = tempfile::tempdir().expect("cache dir");
        let dir = tempfile::tempdir().expect("tempdir");
        let manifest = with_channel_urls(text, &a, &b);
        std::fs::write(dir.path().join("pixi.toml"), &manifest).expect("write manifest");
        let builder = channels_on(server, cache.path());
        let mut k = run_keystrokes(
            builder,
            dir.path(),
            &manifest,
            true,
            Duration::from_secs(20),
        );
        let p95 = report(&format!("{name}, {label}"), &mut k);
        let delta = |a: Option<u64>, b: Option<u64>| {
            (a.unwrap_or(0) as f64 - b.unwrap_or(0) as f64) / 1024.0
        };
        println!(
            "{name}, {label}: {} diagnostics; keystroke p95 {:.2}x the channels-off run; RSS {:+.1} MB (heap {:+.1} MB)",
            k.diagnostics,
            p95.as_secs_f64() / off_p95.as_secs_f64().max(1e-9),
            delta(k.loaded_rss_kb, off.loaded_rss_kb),
            delta(k.loaded_anon_kb, off.loaded_anon_kb),
        );
        let off_builder = channels_off(server);
        let on_cache = tempfile::tempdir().expect("cache dir");
        let on_builder = channels_on(server, on_cache.path());
        let (off_p95, on_p95) = interleaved(
            (off_builder, off_dir.path(), text),
            (on_builder, dir.path(), &manifest),
        );
        println!(
            "{name}, {label}: interleaved with a channels-off server, keystroke p95 {} vs {} = {:.2}x",
            ms(on_p95),
            ms(off_p95),
            on_p95.as_secs_f64() / off_p95.as_secs_f64().max(1e-9)
        );
    }
}

fn find_tombi(args: &[String]) -> Option<PathBuf> {
    if let Some(path) = flag(args, "--tombi") {
        return Some(PathBuf::from(path));
    }
    let out = Command::new("sh")
        .args(["-c", "command -v tombi"])
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!path.is_empty()).then(|| PathBuf::from(path))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "pixi-lsp-bench [--server PATH] [--tombi PATH] [--no-channels]\n\
             Keystroke → diagnostics, completion, formatting, semantic tokens and folding on a\n\
             5,000-line manifest, in process and over stdio; tombi in the same run when installed."
        );
        return;
    }
    let text = generate::big_manifest(5000);
    println!(
        "manifest: {} lines, {} KB",
        text.lines().count(),
        text.len() / 1024
    );
    let only_in_process = args.iter().any(|a| a == "--in-process-channels");
    let loopback =
        (only_in_process || channels_enabled(&args)).then(|| LoopbackChannels::serve(&text));
    if only_in_process {
        in_process_channels(&text, loopback.as_ref().expect("served above"));
        return;
    }
    in_process(&text);
    if let Some(loopback) = &loopback {
        in_process_channels(&text, loopback);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pixi.toml"), &text).expect("write manifest");
    let our_p95 = measure(
        "pixi-lsp",
        &server_binary(&args),
        &text,
        dir.path(),
        loopback.as_ref(),
    );
    let messy_text = messy(&text);
    structure_requests(
        "pixi-lsp over stdio",
        channels_off(&server_binary(&args)),
        dir.path(),
        &messy_text,
    );
    // The task lenses' worst case: every task in every environment.
    let envs_dir = tempfile::tempdir().expect("tempdir");
    let envs_text = generate::many_environments(100, 500);
    std::fs::write(envs_dir.path().join("pixi.toml"), &envs_text).expect("write manifest");
    structure_requests(
        "pixi-lsp over stdio, 100 tasks in 500 environments",
        channels_off(&server_binary(&args)),
        envs_dir.path(),
        &envs_text,
    );
    if let Some(baseline) = flag(&args, "--baseline") {
        let base_p95 = measure(
            "baseline",
            Path::new(baseline),
            &text,
            dir.path(),
            loopback.as_ref(),
        );
        println!(
            "ratio: baseline p95 / pixi-lsp p95 (channels off) = {:.2}x",
            base_p95.as_secs_f64() / our_p95.as_secs_f64().max(1e-9)
        );
    }

    if args.iter().any(|a| a == "--no-tombi") {
        return;
    }
    match find_tombi(&args) {
        Some(tombi) => {
            // tombi gets the same schema through its config file.
            let schema = paths::repo_root().join("schemas/pixi-manifest.schema.json");
            let config = format!(
                "[[schemas]]\npath = \"{}\"\ninclude = [\"pixi.toml\"]\n",
                schema.display()
            );
            std::fs::write(dir.path().join("tombi.toml"), config).expect("tombi.toml");
            let mut builder = ClientBuilder::new(&tombi);
            builder = builder
                .args_replace(&["lsp", "--offline"])
                .current_dir(dir.path());
            let mut theirs = run_keystrokes(builder, dir.path(), &text, false, Duration::ZERO);
            let their_p95 = report("tombi", &mut theirs);
            structure_requests(
                "tombi over stdio",
                ClientBuilder::new(&tombi)
                    .args_replace(&["lsp", "--offline"])
                    .current_dir(dir.path()),
                dir.path(),
                &messy_text,
            );
            tombi_format_cli(&tombi, dir.path(), &messy_text);
            println!(
                "ratio: tombi p95 / pixi-lsp p95 = {:.1}x",
                their_p95.as_secs_f64() / our_p95.as_secs_f64().max(1e-9)
            );
        }
        None => println!("tombi: not installed (pip install tombi), comparison skipped"),
    }
}
