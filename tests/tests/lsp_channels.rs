//! Channel data over stdio: a real local channel (on disk and over loopback HTTP), the
//! server fetching it in the background, completion/diagnostics/hover/inlay hints/code
//! actions answering from it.

mod common;

use std::time::{Duration, Instant};

use common::*;
use pixi_lsp_test_utils::{IndexOptions, Mode, TestServer, backend_channel};
use pixi_lsp_tests::client::{Client, ClientBuilder, apply_edits};
use serde_json::{Value, json};

struct Setup {
    _dir: tempfile::TempDir,
    channel_url: String,
    cache: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let channel = backend_channel(dir.path().join("channel"), IndexOptions::default()).unwrap();
    Setup {
        channel_url: channel.url().to_string(),
        _dir: dir,
        cache: tempfile::tempdir().unwrap(),
    }
}

fn client(cache: &std::path::Path, extra: Value) -> Client {
    let mut options =
        json!({ "channels": { "enabled": true, "cacheDir": cache, "timeoutSeconds": 3 } });
    if let (Some(o), Some(e)) = (options.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    ClientBuilder::new(&binary())
        .initialization_options(options)
        .start()
}

fn manifest(channel: &str, body: &str) -> String {
    format!(
        "[workspace]\nname = \"demo\"\nchannels = [\"{channel}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n{body}"
    )
}

/// Asks for completion until the answer is complete (channel data loaded), bounded.
fn complete(c: &mut Client, uri: &str, pos: &Value) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let result = c.request("textDocument/completion", text_document_position(uri, pos));
        if result["isIncomplete"] == false || Instant::now() > deadline {
            assert_eq!(
                result["isIncomplete"], false,
                "channel data never finished loading: {result}"
            );
            return completion_labels(&result);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for published diagnostics that satisfy `pred`.
fn diagnostics_where(c: &mut Client, uri: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let params = c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["diagnostics"].as_array().is_some_and(|d| pred(d))
    });
    params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn has(diags: &[Value], code: &str) -> bool {
    diags.iter().any(|d| d["code"] == code)
}

#[test]
fn completes_backend_names_and_versions_from_the_channel() {
    let s = setup();
    let mut c = client(s.cache.path(), json!({}));
    let (text, pos) = cursor(&manifest(
        &s.channel_url,
        "[package]\nname = \"x\"\n\n[package.build]\nbackend = { name = \"pixi-build-$0\" }\n",
    ));
    c.open(URI, &text);
    let labels = complete(&mut c, URI, &pos);
    for backend in [
        "pixi-build-python",
        "pixi-build-cmake",
        "pixi-build-rust",
        "pixi-build-rattler-build",
        "pixi-build-ros",
        "pixi-build-mojo",
        "pixi-build-r",
    ] {
        assert!(
            labels.contains(&backend.to_owned()),
            "{backend} in {labels:?}"
        );
    }
    let uri2 = "file:///work/project2/pixi.toml";
    let (text, pos) = cursor(&manifest(
        &s.channel_url,
        "[package]\nname = \"x\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"$0\" }\n",
    ));
    c.open(uri2, &text);
    let labels = complete(&mut c, uri2, &pos);
    assert_eq!(&labels[..2], ["0.4.*", ">=0.4,<0.5"], "{labels:?}");
    assert!(
        labels.contains(&"==0.4.2.20260301.1234.abcdef1".to_owned()),
        "{labels:?}"
    );
}

#[test]
fn completes_dependency_names_and_versions() {
    let s = setup();
    let mut c = client(s.cache.path(), json!({}));
    let (text, pos) = cursor(&manifest(&s.channel_url, "[dependencies]\nnum$0\n"));
    c.open(URI, &text);
    assert_eq!(complete(&mut c, URI, &pos), ["numpy"]);
    let uri2 = "file:///work/project2/pixi.toml";
    let (text, pos) = cursor(&manifest(
        &s.channel_url,
        "[dependencies]\npython = \"$0\"\n",
    ));
    c.open(uri2, &text);
    assert_eq!(complete(&mut c, uri2, &pos)[0], "3.12.*");
}

#[test]
fn checks_names_specs_and_backend_compatibility_against_the_channel() {
    let s = setup();
    let mut c = client(s.cache.path(), json!({}));
    let text = manifest(
        &s.channel_url,
        "[dependencies]\nnumpy = \">=9\"\nnot-a-package = \"*\"\npython = \"3.12.*\"\n\n[package]\nname = \"x\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"0.2.*\" }\n",
    );
    c.open(URI, &text);
    let diags = diagnostics_where(&mut c, URI, |d| {
        has(d, "package-not-found") && has(d, "backend-api-incompatible")
    });
    let rendered = render(&diags);
    assert!(
        rendered.contains(&"7:8-7:13 warning version-not-in-channels".to_owned()),
        "{rendered:?}"
    );
    assert!(
        rendered.contains(&"8:0-8:13 warning package-not-found".to_owned()),
        "{rendered:?}"
    );
    assert!(
        !rendered.iter().any(|d| d.starts_with("9:")),
        "python 3.12.* exists: {rendered:?}"
    );
    // The incompatible backend gets a fix to the newest compatible series.
    let incompatible = diags
        .iter()
        .find(|d| d["code"] == "backend-api-incompatible")
        .unwrap()
        .clone();
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": URI }, "range": incompatible["range"], "context": { "diagnostics": [incompatible] } }));
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a fix")
        .clone();
    let fixed = apply_edits(&text, fix["edit"]["changes"][URI].as_array().unwrap());
    assert!(fixed.contains("version = \"0.4.*\""), "{fixed}");
}

#[test]
fn an_unreachable_channel_is_reported_at_its_entry() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::serve(dir.path());
    server.set_mode("/", Mode::NotFound);
    let mut c = client(s.cache.path(), json!({}));
    let text = format!(
        "[workspace]\nchannels = [\"{}\", \"{}\"]\nplatforms = [\"linux-64\"]\n\n[dependencies]\nnot-a-package = \"*\"\n",
        s.channel_url,
        server.url()
    );
    c.open(URI, &text);
    let diags = diagnostics_where(&mut c, URI, |d| has(d, "channel-unreachable"));
    let unreachable = diags
        .iter()
        .find(|d| d["code"] == "channel-unreachable")
        .unwrap();
    assert_eq!(unreachable["range"]["start"]["line"], 1);
    assert!(
        unreachable["message"].as_str().unwrap().contains("404"),
        "{unreachable}"
    );
    // With one channel down, a missing name is not claimed to be missing everywhere.
    assert!(!has(&diags, "package-not-found"), "{:?}", render(&diags));
}

#[test]
fn hover_inlay_hints_and_version_updates() {
    let s = setup();
    let mut c = client(s.cache.path(), json!({ "inlayHints": { "enabled": true } }));
    let (text, pos) = cursor(&manifest(
        &s.channel_url,
        "[dependencies]\nnum$0py = \"1.*\"\n",
    ));
    c.open(URI, &text);
    // Hover once the records are there.
    let deadline = Instant::now() + Duration::from_secs(20);
    let md = loop {
        let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
        let md = hover["contents"]["value"].as_str().unwrap_or("").to_owned();
        if md.contains("Versions") || Instant::now() > deadline {
            break md;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(md.starts_with("**numpy** — latest 2.0.0"), "{md}");
    let hints = c.request("textDocument/inlayHint", json!({ "textDocument": { "uri": URI }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 99, "character": 0 } } }));
    assert_eq!(hints[0]["label"], " → 1.26.4", "{hints}");
    let actions = c.request("textDocument/codeAction", json!({ "textDocument": { "uri": URI }, "range": { "start": pos, "end": pos }, "context": { "diagnostics": [] } }));
    let update = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with("Update"))
        .expect("update action")
        .clone();
    assert_eq!(update["kind"], "refactor.rewrite");
    let fixed = apply_edits(&text, update["edit"]["changes"][URI].as_array().unwrap());
    // The spec keeps its form: a series stays a series.
    assert!(fixed.contains("numpy = \"2.0.*\""), "{fixed}");
}

/// No network and no cache says nothing about the manifest: one information diagnostic
/// for the file, no warning on each channel (regression: a valid manifest opened offline
/// got a warning per channel).
#[test]
fn channels_that_cannot_be_reached_get_one_info_and_no_warning() {
    let s = setup();
    // Ports that were free a moment ago: connecting is refused, as with no network.
    let closed = |_| {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/channel", listener.local_addr().unwrap())
    };
    let (a, b): (String, String) = (closed(0), closed(1));
    let mut c = client(s.cache.path(), json!({}));
    let text = format!(
        "[workspace]\nchannels = [\"{a}\", \"{b}\"]\nplatforms = [\"linux-64\"]\n\n[dependencies]\nnumpy = \"*\"\n"
    );
    c.open(URI, &text);
    let diags = diagnostics_where(&mut c, URI, |d| has(d, "channel-unreachable"));
    let unreachable: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "channel-unreachable")
        .collect();
    assert_eq!(unreachable.len(), 1, "{:?}", render(&diags));
    assert_eq!(
        unreachable[0]["severity"], 3,
        "information: {}",
        unreachable[0]
    );
    assert!(
        !diags
            .iter()
            .any(|d| d["severity"] == 1 || d["severity"] == 2),
        "no error or warning for a valid manifest offline: {:?}",
        render(&diags)
    );
}
