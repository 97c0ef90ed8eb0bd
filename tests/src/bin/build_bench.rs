//! Build orchestration benchmark (reported, never asserted): a full build through the
//! server (`pixi-lsp.build` with `rebuild`, caches warm: backend resolved, repodata loaded,
//! prefixes installed) against the same backend's build driven directly with the very
//! `conda/build_v1` parameters the orchestrator used (spawn, handshake, build).
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-build-bench [RUNS]`
//! (needs `test-backend-under-test` and `pixi-lsp-under-test` beside it).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pixi_lsp_backend_client::{BackendCommand, BackendProcess, CallOptions};
use pixi_lsp_build_types::{CondaBuildV1Params, InitializeParams};
use pixi_lsp_test_utils::{IndexOptions, LocalChannel, NoArch, Package};
use pixi_lsp_tests::client::{Client, ClientBuilder, file_uri};
use serde_json::{Value, json};

fn p(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn sibling(name: &str) -> PathBuf {
    std::env::current_exe().expect("exe").with_file_name(name)
}

/// A package of `files` source files of `size` bytes each (incompressible), with a host
/// and a build dependency from a local channel.
fn project(root: &Path, files: usize, size: usize) -> PathBuf {
    let channel = LocalChannel::new(root.join("channel"))
        .package(
            Package::new("tinypy", "3.12.1")
                .noarch(NoArch::Generic)
                .file("share/tinypy/VERSION", "3.12.1"),
        )
        .package(Package::new("pixi-build-api-version", "7"))
        .write(IndexOptions::JSON_ONLY)
        .expect("channel");
    let pkg = root.join("pkg");
    std::fs::create_dir_all(pkg.join("src")).expect("dir");
    let manifest = format!(
        "[workspace]\nname = \"bench\"\nchannels = [\"{}\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n\n[package]\nname = \"bench\"\nversion = \"1.0.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-lsp-example\" }}\n\n[package.build-dependencies]\ntinypy = \"*\"\n\n[package.host-dependencies]\ntinypy = \">=3.12\"\n\n[package.run-dependencies]\ntinypy = \">=3.12\"\n",
        channel.url()
    );
    std::fs::write(pkg.join("pixi.toml"), manifest).expect("manifest");
    let mut state = 0x9e37_79b9_u32;
    for i in 0..files {
        let bytes: Vec<u8> = (0..size)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        std::fs::write(pkg.join(format!("src/file-{i:04}.bin")), bytes).expect("source");
    }
    pkg.join("pixi.toml")
}

fn build(c: &mut Client, uri: &str) -> Value {
    build_with(c, uri, true)
}

fn build_with(c: &mut Client, uri: &str, rebuild: bool) -> Value {
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.build", "arguments": [uri, { "rebuild": rebuild }] }),
    );
    assert!(r["artifacts"][0].is_string(), "{r}");
    r
}

/// The backend alone, on the orchestrator's own inputs: spawn, handshake, `conda/build_v1`.
fn direct(backend: &Path, init: &InitializeParams, params: &CondaBuildV1Params) -> Duration {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let t = Instant::now();
    runtime.block_on(async {
        let process = BackendProcess::spawn(BackendCommand::new(backend)).expect("spawn");
        let call = CallOptions::default();
        process.handshake(init, &call).await.expect("handshake");
        let built = process.conda_build_v1(params, &call).await.expect("build");
        assert!(built.output_file.is_file());
        process.shutdown(Duration::from_millis(500)).await;
    });
    t.elapsed()
}

fn bench(label: &str, files: usize, size: usize, runs: usize) {
    let backend = sibling("test-backend-under-test");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("root");
    let manifest = project(&root, files, size);
    let uri = file_uri(&manifest);
    let mut c = ClientBuilder::new(&sibling("pixi-lsp-under-test"))
        .initialization_options(json!({
            "channels": { "enabled": false },
            "backends": { "overrides": { "pixi-build-lsp-example": backend },
                          "cacheDir": root.join("cache") },
            "build": { "outputDir": root.join("out") },
        }))
        .start();
    c.open(&uri, &std::fs::read_to_string(&manifest).expect("read"));
    // Warm up: the first build installs the prefixes and fills every cache.
    let first = build(&mut c, &uri);
    let log = PathBuf::from(first["log"].as_str().expect("log"));
    let work = log.parent().expect("work dir").to_path_buf();
    let read = |name: &str| -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(work.join("debug").join(name)).expect("debug file"),
        )
        .expect("json")
    };
    let params: CondaBuildV1Params =
        serde_json::from_value(read("build_params.json")).expect("build params");
    let init: InitializeParams = serde_json::from_value(json!({
        "manifestPath": manifest,
        "workspaceDirectory": root.join("pkg"),
        "cacheDirectory": root.join("cache"),
        "projectModel": read("project_model.json"),
    }))
    .expect("init params");

    let mut server = Vec::new();
    let mut alone = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        build(&mut c, &uri);
        server.push(t.elapsed());
        alone.push(direct(&backend, &init, &params));
    }
    // Unchanged inputs: the artifact cache answers (the backend still reports its outputs
    // and the environments are solved, but nothing is installed or built).
    // (The direct runs replaced the archive, so the first of these builds it again.)
    build_with(&mut c, &uri, false);
    let mut cached = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let r = build_with(&mut c, &uri, false);
        assert_eq!(r["cached"], true, "{r}");
        cached.push(t.elapsed());
    }
    let _ = c.shutdown();
    println!(
        "    unchanged inputs (artifact cache): p50 {} (p95 {})",
        ms(p(&mut cached, 0.5)),
        ms(p(&mut cached, 0.95))
    );
    // Where the server's time goes: the stage lines of the last build's log.
    let timeline = std::fs::read_to_string(&log).unwrap_or_default();
    for line in timeline.lines().filter(|l| l.contains("] == ")) {
        println!("    {line}");
    }
    let (s50, a50) = (p(&mut server, 0.5), p(&mut alone, 0.5));
    println!(
        "{label}: backend alone p50 {} (p95 {}); through the server p50 {} (p95 {}); ratio {:.2}× (target ≤ 1.2×)",
        ms(a50),
        ms(p(&mut alone, 0.95)),
        ms(s50),
        ms(p(&mut server, 0.95)),
        s50.as_secs_f64() / a50.as_secs_f64()
    );
}

fn main() {
    let runs = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    bench("small package (10 files × 4 KiB)", 10, 4 << 10, runs);
    bench("medium package (200 files × 64 KiB)", 200, 64 << 10, runs);
}
