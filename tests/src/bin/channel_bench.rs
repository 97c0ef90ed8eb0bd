//! Channel benchmark (reported, never asserted): the real server over stdio against a
//! synthetic conda channel of 30,000 package names × 5 versions (linux-64 + noarch), served
//! over loopback HTTP as a plain `repodata.json` channel and as a sharded (CEP-16) one.
//!
//! For each variant, a cold session (empty cache directory) and a warm one (a restarted
//! server on the same cache directory) measure:
//! - the first name completion after opening the manifest: time to the first answer (which
//!   must not wait for the channel: `isIncomplete`) and until an answer is complete;
//! - per-keystroke name completion (didChange + completion) once the names are loaded;
//! - version completion (`name = "|"`) once the package's records are loaded;
//! - peak RSS of the server (`VmHWM`).
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-channel-bench -- [--names N]
//! [--versions V] [--channel-dir DIR] [--no-cache-headers]`
//!
//! `--channel-dir` keeps the generated channels in DIR and reuses them on the next run.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pixi_lsp_test_utils::TestServer;
use pixi_lsp_tests::client::{self, Client, ClientBuilder};
use rattler_conda_types::{RepoData, Subdir};
use rattler_index::{PreconditionChecks, RepodataFileMetadata, RepodataMetadataCollection};
use serde_json::{Value, json};

const DEFAULT_NAMES: usize = 30_000;
const DEFAULT_VERSIONS: usize = 5;
/// Names typed letter by letter in `[dependencies]` (all present in the channel).
const TYPED: &[&str] = &["python-dateutil", "libarrow-dataset", "ros-humble-rclcpp"];
/// The partial name of the first completion: few enough matches (≤ 100) for a complete
/// answer.
const FIRST_PARTIAL: &str = "python-dateu";
/// The package whose versions are completed.
const VERSIONED: &str = "numpy";
const VERSION_SAMPLES: usize = 50;
/// How long to wait for the channel before giving up on a measurement.
const PATIENCE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(5);

// ---------------------------------------------------------------------------------------
// The synthetic channel

/// Deterministic, conda-forge-like names: common prefixes (`py`, `lib`, `r-`, `ros-…`),
/// syllables, suffixes; plus the names the benchmark types.
fn package_names(count: usize) -> Vec<String> {
    const PREFIXES: &[&str] = &[
        "",
        "",
        "",
        "",
        "py",
        "py",
        "python-",
        "lib",
        "lib",
        "r-",
        "r-",
        "perl-",
        "ros-humble-",
        "ros-jazzy-",
        "jupyter",
        "font-",
        "xorg-",
        "go-",
        "rust-",
        "qt-",
        "gst-",
        "nodejs-",
    ];
    const SYLLABLES: &[&str] = &[
        "ar", "bo", "cal", "da", "el", "fo", "gen", "hu", "in", "jo", "ka", "lo", "ma", "ne", "op",
        "pa", "qu", "ra", "si", "to", "un", "ve", "wa", "xe", "yo", "ze", "tion", "ly", "er", "st",
        "ack", "ment", "ix", "net", "crypt", "geo", "stat", "plot", "arrow", "tk", "grpc", "cv",
        "sql", "http", "json", "yaml", "zip", "ssl", "cuda", "blas",
    ];
    const SUFFIXES: &[&str] = &[
        "", "", "", "", "", "-core", "-base", "-utils", "-dev", "-tools", "-python", "-cpp",
        "-plugin", "-data", "-static",
    ];
    let mut rng = fastrand::Rng::with_seed(0x5eed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut names = Vec::with_capacity(count);
    for fixed in TYPED.iter().chain([&VERSIONED, &"scipy", &"pandas"]) {
        if seen.insert((*fixed).to_owned()) {
            names.push((*fixed).to_owned());
        }
    }
    while names.len() < count {
        let mut name = String::from(PREFIXES[rng.usize(..PREFIXES.len())]);
        for _ in 0..rng.usize(2..=4) {
            name.push_str(SYLLABLES[rng.usize(..SYLLABLES.len())]);
        }
        name.push_str(SUFFIXES[rng.usize(..SUFFIXES.len())]);
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

fn hex(rng: &mut fastrand::Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from_digit(rng.u32(..16), 16).unwrap_or('0'))
        .collect()
}

/// The repodata of both subdirs as JSON text: one third of the names are `noarch: python`,
/// the rest linux-64; each name has `versions` versions.
fn repodata_json(names: &[String], versions: usize) -> Vec<(Subdir, String)> {
    let mut rng = fastrand::Rng::with_seed(0xc0da);
    let mut out = Vec::new();
    for (subdir, noarch) in [(Subdir::Linux64, false), (Subdir::NoArch, true)] {
        let mut text = String::with_capacity(64 << 20);
        let _ = write!(
            text,
            "{{\"info\":{{\"subdir\":\"{subdir}\"}},\"packages\":{{}},\"packages.conda\":{{"
        );
        let mut first = true;
        for (i, name) in names.iter().enumerate() {
            // The typed and versioned names are in linux-64, like on conda-forge.
            let is_noarch = i >= TYPED.len() + 3 && i % 3 == 0;
            if is_noarch != noarch {
                continue;
            }
            let major = rng.u32(0..4);
            let mut minor = rng.u32(0..10);
            let mut patch = 0;
            let deps: Vec<&str> = (0..rng.usize(1..=5))
                .map(|_| names[rng.usize(..names.len())].as_str())
                .collect();
            for v in 0..versions {
                if v % 2 == 1 {
                    minor += 1;
                    patch = 0;
                } else {
                    patch += 1;
                }
                let version = format!("{major}.{minor}.{patch}");
                let build = if noarch {
                    format!("pyh{}_0", hex(&mut rng, 7))
                } else {
                    format!("h{}_{}", hex(&mut rng, 7), rng.u32(0..3))
                };
                let build_number = build.rsplit('_').next().unwrap_or("0");
                let mut depends = String::new();
                if noarch {
                    depends.push_str("\"python >=3.9\"");
                }
                for d in &deps {
                    if !depends.is_empty() {
                        depends.push(',');
                    }
                    let _ = write!(depends, "\"{d} >={}.{}\"", rng.u32(0..3), rng.u32(0..10));
                }
                if !noarch {
                    depends.push_str(",\"libgcc >=13\",\"__glibc >=2.17,<3.0.a0\"");
                }
                if !first {
                    text.push(',');
                }
                first = false;
                let noarch_field = if noarch { "\"noarch\":\"python\"," } else { "" };
                let _ = write!(
                    text,
                    "\"{name}-{version}-{build}.conda\":{{\"build\":\"{build}\",\"build_number\":{build_number},\"depends\":[{depends}],\"license\":\"BSD-3-Clause\",\"license_family\":\"BSD\",\"md5\":\"{}\",\"name\":\"{name}\",{noarch_field}\"sha256\":\"{}\",\"size\":{},\"subdir\":\"{subdir}\",\"timestamp\":{},\"version\":\"{version}\"}}",
                    hex(&mut rng, 32),
                    hex(&mut rng, 64),
                    rng.u32(10_000..50_000_000),
                    1_700_000_000_000u64 + u64::from(rng.u32(..100_000_000)),
                );
            }
        }
        text.push_str("},\"repodata_version\":1}");
        out.push((subdir, text));
    }
    out
}

/// Writes one subdir through `rattler_index::write_repodata` (`repodata.json`, plus the
/// shard index and `shards/<sha256>.msgpack.zst` when `shards`).
///
/// Pitfall: `write_repodata` starts every shard write at once, so with more names than the
/// open-files limit (20,002 linux-64 names here) some fail with EMFILE and the call returns
/// early. Shards are written `if_not_exists` (content-addressed), so writing again on a
/// fresh runtime (dropping the old one cancels the writes still in flight and closes their
/// files) completes the rest. Empty files left by cancelled writes are removed first; at
/// the end every name must have a non-empty shard file.
fn write_subdir(root: &Path, subdir: Subdir, repodata: &RepoData, shards: bool) {
    let names: HashSet<&str> = repodata
        .conda_packages
        .values()
        .map(|r| r.name.as_normalized())
        .collect();
    let shard_dir = root.join(subdir.as_str()).join("shards");
    let shard_files = || -> (usize, Vec<PathBuf>) {
        let mut count = 0;
        let mut empty = Vec::new();
        for entry in std::fs::read_dir(&shard_dir)
            .into_iter()
            .flatten()
            .flatten()
        {
            count += 1;
            if entry.metadata().is_ok_and(|m| m.len() == 0) {
                empty.push(entry.path());
            }
        }
        (count, empty)
    };
    let unchecked = || RepodataFileMetadata {
        etag: None,
        last_modified: None,
        file_existed: false,
        precondition_checks: PreconditionChecks::Disabled,
    };
    for attempt in 1..=10 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let mut config = opendal::services::FsConfig::default();
        config.root = Some(root.to_string_lossy().into_owned());
        let op = opendal::Operator::from_config(config).expect("fs operator");
        let metadata = RepodataMetadataCollection {
            repodata: unchecked(),
            repodata_from_packages: None,
            repodata_zst: None,
            repodata_shards: shards.then(unchecked),
        };
        let result = runtime.block_on(rattler_index::write_repodata(
            repodata.clone(),
            None,
            subdir,
            op,
            &metadata,
        ));
        drop(runtime);
        let (count, empty) = shard_files();
        for file in &empty {
            let _ = std::fs::remove_file(file);
        }
        let written = count - empty.len();
        match result {
            Ok(()) if !shards || (written >= names.len() && empty.is_empty()) => return,
            Ok(()) => eprintln!(
                "{subdir}: {written} good shard files for {} names, writing again",
                names.len()
            ),
            Err(e) => eprintln!(
                "{subdir}: write_repodata attempt {attempt} failed ({}); {written}/{} shards written, writing again",
                e.to_string().lines().next().unwrap_or_default(),
                names.len()
            ),
        }
    }
    panic!("could not write the {subdir} repodata");
}

struct Channels {
    plain: PathBuf,
    sharded: PathBuf,
}

fn write_channels(dir: &Path, names: usize, versions: usize) -> Channels {
    let channels = Channels {
        plain: dir.join("plain"),
        sharded: dir.join("sharded"),
    };
    let done = dir.join(format!("done-{names}x{versions}"));
    if done.is_file() {
        println!("channels: reusing {}", dir.display());
        return channels;
    }
    let t = Instant::now();
    let names = package_names(names);
    for (subdir, text) in repodata_json(&names, versions) {
        let repodata: RepoData = serde_json::from_str(&text).expect("generated repodata parses");
        drop(text);
        write_subdir(&channels.plain, subdir, &repodata, false);
        write_subdir(&channels.sharded, subdir, &repodata, true);
    }
    let _ = std::fs::write(&done, "");
    println!("channels: generated in {:.1} s", t.elapsed().as_secs_f64());
    channels
}

fn describe(channel: &Path) {
    for subdir in ["linux-64", "noarch"] {
        let dir = channel.join(subdir);
        let size = |f: &str| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len());
        let shards: Vec<u64> = std::fs::read_dir(dir.join("shards"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.metadata().ok().map(|m| m.len()))
            .collect();
        let mut line = format!(
            "  {subdir}: repodata.json {:.1} MB",
            size("repodata.json") as f64 / 1e6
        );
        if !shards.is_empty() {
            let _ = write!(
                line,
                ", repodata_shards.msgpack.zst {:.0} KB, {} shards ({:.1} MB)",
                size("repodata_shards.msgpack.zst") as f64 / 1e3,
                shards.len(),
                shards.iter().sum::<u64>() as f64 / 1e6
            );
        }
        println!("{line}");
    }
}

// ---------------------------------------------------------------------------------------
// Measuring

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

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

/// Resident kB of the mappings of files below `dir` (the repodata cache), from smaps.
fn mapped_from_kb(pid: u32, dir: &Path) -> Option<u64> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let mut inside = false;
    let mut total = 0;
    for line in smaps.lines() {
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or_default();
        if first.contains('-') && !first.ends_with(':') {
            // A mapping header: `start-end perms offset dev inode [path]`.
            inside = words.nth(4).is_some_and(|p| Path::new(p).starts_with(&dir));
        } else if first == "Rss:" && inside {
            total += words
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Some(total)
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("?".into(), |v| format!("{:.1} MiB", v as f64 / 1024.0))
}

fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name("pixi-lsp-under-test")
}

fn completion_result(c: &mut Client, uri: &str, pos: &Value) -> Value {
    c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos }),
    )
}

fn completion(c: &mut Client, uri: &str, pos: &Value) -> (bool, usize) {
    let result = completion_result(c, uri, pos);
    let incomplete = result["isIncomplete"].as_bool().unwrap_or(true);
    let items = result["items"].as_array().map_or(0, Vec::len);
    (incomplete, items)
}

/// Asks for completion every [`POLL`] until the answer is complete with items; the time
/// since `since`, or `None` after [`PATIENCE`].
fn until_complete(c: &mut Client, uri: &str, pos: &Value, since: Instant) -> Option<Duration> {
    let mut last = (true, 0);
    while since.elapsed() < PATIENCE {
        last = completion(c, uri, pos);
        if !last.0 && last.1 > 0 {
            return Some(since.elapsed());
        }
        std::thread::sleep(POLL);
    }
    eprintln!(
        "no complete answer at {pos} within {PATIENCE:?}: the last was {} with {} items",
        if last.0 { "incomplete" } else { "complete" },
        last.1
    );
    None
}

/// One document, edited by whole-line replacements of its last line.
struct Doc {
    uri: String,
    text: String,
    version: i64,
}

impl Doc {
    /// The index of the last line (which may be empty: `str::lines` would skip it).
    fn last_line(&self) -> usize {
        self.text.matches('\n').count()
    }

    fn last_line_start(&self) -> usize {
        self.text.rfind('\n').map_or(0, |i| i + 1)
    }

    /// Replaces the last line (no trailing newline) and returns the change to send.
    fn set_last_line(&mut self, new: &str) -> Value {
        let line = self.last_line();
        let old_len = self.text[self.last_line_start()..].encode_utf16().count();
        let start = self.last_line_start();
        self.text.replace_range(start.., new);
        self.version += 1;
        json!([{ "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": old_len } }, "text": new }])
    }

    fn insert(&mut self, col: usize, ch: &str) -> Value {
        let line = self.last_line();
        let at = self.last_line_start() + col;
        self.text.insert_str(at, ch);
        self.version += 1;
        let pos = json!({ "line": line, "character": col });
        json!([{ "range": { "start": pos, "end": pos }, "text": ch }])
    }

    fn delete(&mut self, col: usize, len: usize) -> Value {
        let line = self.last_line();
        let at = self.last_line_start() + col;
        self.text.replace_range(at..at + len, "");
        self.version += 1;
        json!([{ "range": { "start": { "line": line, "character": col }, "end": { "line": line, "character": col + len } }, "text": "" }])
    }

    fn pos(&self, col: usize) -> Value {
        json!({ "line": self.last_line(), "character": col })
    }
}

#[derive(Default)]
struct Session {
    initialize: Duration,
    first_answer: Duration,
    first_incomplete: bool,
    first_items: usize,
    complete_after: Option<Duration>,
    keystrokes: Vec<Duration>,
    /// Keystroke answers that were incomplete for a reason other than the 100-item cap.
    keystroke_empty: usize,
    /// Keystroke answers without a name starting with what was typed.
    keystroke_wrong: usize,
    version_loaded_after: Option<Duration>,
    versions: Vec<Duration>,
    idle_kb: Option<u64>,
    hwm_kb: Option<u64>,
    rss_kb: Option<u64>,
    /// Of the RSS at the end: heap and other anonymous memory, and file pages (the
    /// memory-mapped repodata cache).
    anon_kb: Option<u64>,
    file_kb: Option<u64>,
    /// Of the file pages: mappings of files in the cache directory.
    cache_mapped_kb: Option<u64>,
    requests: usize,
    repodata_downloads: usize,
}

fn session(server_url: &str, cache: &Path, work: &Path, http: &TestServer) -> Session {
    http.clear_requests();
    let mut out = Session::default();
    let t = Instant::now();
    let mut c = ClientBuilder::new(&server_binary())
        .initialization_options(json!({
            "channels": { "enabled": true, "cacheDir": cache.to_string_lossy() }
        }))
        .start();
    out.initialize = t.elapsed();
    out.idle_kb = status_kb(c.pid(), "VmRSS:");
    let path = work.join("pixi.toml");
    let head = format!(
        "[workspace]\nname = \"bench\"\nchannels = [\"{server_url}\"]\nplatforms = [\"linux-64\"]\n\n[dependencies]\n"
    );
    let mut doc = Doc {
        uri: client::file_uri(&path),
        text: format!("{head}{FIRST_PARTIAL}"),
        version: 1,
    };
    std::fs::write(&path, &doc.text).expect("write manifest");
    let uri = doc.uri.clone();

    // 1. The first completion, right after opening.
    let opened = Instant::now();
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": doc.text } }),
    );
    let pos = doc.pos(FIRST_PARTIAL.len());
    let t = Instant::now();
    let (incomplete, items) = completion(&mut c, &uri, &pos);
    out.first_answer = t.elapsed();
    out.first_incomplete = incomplete;
    out.first_items = items;
    out.complete_after = if !incomplete && items > 0 {
        Some(opened.elapsed())
    } else {
        until_complete(&mut c, &uri, &pos, opened)
    };

    // 2. Keystrokes: each name typed letter by letter, completion after each letter.
    if out.complete_after.is_some() {
        for name in TYPED {
            let change = doc.set_last_line("");
            c.change(&uri, doc.version, change);
            for (i, ch) in name.char_indices() {
                let change = doc.insert(i, &ch.to_string());
                let pos = doc.pos(i + 1);
                let t = Instant::now();
                c.change(&uri, doc.version, change);
                let result = completion_result(&mut c, &uri, &pos);
                out.keystrokes.push(t.elapsed());
                let items = result["items"].as_array().cloned().unwrap_or_default();
                let incomplete = result["isIncomplete"].as_bool().unwrap_or(true);
                if items.is_empty() || (incomplete && items.len() < 100) {
                    out.keystroke_empty += 1;
                }
                // Sanity check that client and server agree on the text: the typed
                // prefix must be offered.
                let typed = &name[..i + ch.len_utf8()];
                if !items
                    .iter()
                    .any(|it| it["label"].as_str().is_some_and(|l| l.starts_with(typed)))
                {
                    out.keystroke_wrong += 1;
                }
            }
        }
    }

    // 3. Versions: `numpy = "|"`, once its records are there.
    let line = format!("{VERSIONED} = \"\"");
    let col = line.len() - 1;
    let change = doc.set_last_line(&line);
    let t = Instant::now();
    c.change(&uri, doc.version, change);
    out.version_loaded_after = until_complete(&mut c, &uri, &doc.pos(col), t);
    if out.version_loaded_after.is_some() {
        for i in 0..VERSION_SAMPLES {
            // Type a digit into the version and delete it again: each request follows an
            // edit, so it pays for the new snapshot.
            let (change, cursor) = if i % 2 == 0 {
                (doc.insert(col, "1"), col + 1)
            } else {
                (doc.delete(col, 1), col)
            };
            let pos = doc.pos(cursor);
            let t = Instant::now();
            c.change(&uri, doc.version, change);
            let _ = completion(&mut c, &uri, &pos);
            out.versions.push(t.elapsed());
        }
    }

    out.hwm_kb = status_kb(c.pid(), "VmHWM:");
    out.rss_kb = status_kb(c.pid(), "VmRSS:");
    out.anon_kb = status_kb(c.pid(), "RssAnon:");
    out.file_kb = status_kb(c.pid(), "RssFile:");
    out.cache_mapped_kb = mapped_from_kb(c.pid(), cache);
    let _ = c.shutdown();
    let requests = http.requests();
    out.requests = requests.len();
    out.repodata_downloads = requests
        .iter()
        .filter(|(m, p)| {
            m == "GET" && (p.ends_with("/repodata.json") || p.ends_with(".msgpack.zst"))
        })
        .count();
    out
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

struct Targets {
    complete: Duration,
    rss_mb: f64,
}

fn report(label: &str, s: &Session, target: &Duration, rss_target: f64) {
    println!("\n== {label}");
    println!(
        "  initialize {}; server requests {} ({} repodata/shard GETs)",
        ms(s.initialize),
        s.requests,
        s.repodata_downloads
    );
    println!(
        "  first completion: answered in {} ({}, {} items)   target: never blocks -> {}",
        ms(s.first_answer),
        if s.first_incomplete {
            "incomplete"
        } else {
            "complete"
        },
        s.first_items,
        verdict(s.first_answer < Duration::from_millis(100))
    );
    match s.complete_after {
        Some(d) => println!(
            "  complete answer {} after didOpen   target: <= {} -> {}",
            ms(d),
            ms(*target),
            verdict(d <= *target)
        ),
        None => println!("  complete answer: never within {PATIENCE:?} -> MISSED"),
    }
    if !s.keystrokes.is_empty() {
        let p95 = percentile(&s.keystrokes, 0.95);
        println!(
            "  keystroke (didChange + completion) over {} keys: p50 {}, p95 {}, max {}   target: p95 <= 5 ms -> {}{}",
            s.keystrokes.len(),
            ms(percentile(&s.keystrokes, 0.5)),
            ms(p95),
            ms(percentile(&s.keystrokes, 1.0)),
            verdict(p95 <= Duration::from_millis(5)),
            if s.keystroke_empty + s.keystroke_wrong > 0 {
                format!(
                    " ({} answers empty or still loading, {} without the typed prefix)",
                    s.keystroke_empty, s.keystroke_wrong
                )
            } else {
                String::new()
            }
        );
    }
    match s.version_loaded_after {
        Some(d) => {
            let p95 = percentile(&s.versions, 0.95);
            println!(
                "  version completion: records of `{VERSIONED}` complete {} after adding it; then over {} edits p50 {}, p95 {}   target: p95 <= 10 ms -> {}",
                ms(d),
                s.versions.len(),
                ms(percentile(&s.versions, 0.5)),
                ms(p95),
                verdict(p95 <= Duration::from_millis(10))
            );
        }
        None => println!("  version completion: never complete within {PATIENCE:?}"),
    }
    println!(
        "  peak RSS (VmHWM) {}   target: <= {rss_target:.0} MiB -> {}",
        mb(s.hwm_kb),
        verdict(s.hwm_kb.is_some_and(|kb| kb as f64 / 1024.0 <= rss_target))
    );
    println!(
        "  RSS after initialize {}; at the end {} = {} anonymous + {} file-backed, of which {} mapped from the repodata cache",
        mb(s.idle_kb),
        mb(s.rss_kb),
        mb(s.anon_kb),
        mb(s.file_kb),
        mb(s.cache_mapped_kb),
    );
}

fn arg<T: std::str::FromStr>(args: &[String], flag: &str) -> Option<T> {
    let i = args.iter().position(|a| a == flag)?;
    args.get(i + 1)?.parse().ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names: usize = arg(&args, "--names").unwrap_or(DEFAULT_NAMES);
    let versions: usize = arg(&args, "--versions").unwrap_or(DEFAULT_VERSIONS);
    let cache_headers = !args.iter().any(|a| a == "--no-cache-headers");
    let temp = tempfile::tempdir().expect("tempdir");
    let channel_dir: PathBuf =
        arg(&args, "--channel-dir").unwrap_or_else(|| temp.path().join("channels"));
    std::fs::create_dir_all(&channel_dir).expect("channel dir");
    println!("channel: {names} names x {versions} versions (linux-64 + noarch)");
    let channels = write_channels(&channel_dir, names, versions);
    println!("plain:");
    describe(&channels.plain);
    println!("sharded:");
    describe(&channels.sharded);
    if cache_headers {
        println!("HTTP: Cache-Control: public, max-age=300 (what rattler_index sets on repodata)");
    } else {
        println!("HTTP: no caching headers (every start revalidates; the server never sends 304)");
    }

    let targets = [
        (
            "plain repodata.json",
            &channels.plain,
            Targets {
                complete: Duration::from_secs(1),
                rss_mb: 100.0,
            },
            Duration::from_millis(300),
        ),
        (
            "sharded",
            &channels.sharded,
            Targets {
                complete: Duration::from_millis(150),
                rss_mb: 40.0,
            },
            Duration::from_millis(50),
        ),
    ];
    for (label, dir, cold_target, warm_target) in targets {
        let http = TestServer::serve(dir.as_path());
        if cache_headers {
            http.set_header("Cache-Control", "public, max-age=300");
        }
        let cache = temp.path().join(format!("cache-{}", label.len()));
        let work = temp.path().join(format!("work-{}", label.len()));
        std::fs::create_dir_all(&work).expect("work dir");
        let cold = session(&http.url(), &cache, &work, &http);
        report(
            &format!("{label}, cold (empty cache dir)"),
            &cold,
            &cold_target.complete,
            cold_target.rss_mb,
        );
        let warm = session(&http.url(), &cache, &work, &http);
        report(
            &format!("{label}, warm (restarted, same cache dir)"),
            &warm,
            &warm_target,
            cold_target.rss_mb,
        );
    }
}
