//! Recipe preview benchmark (reported, never asserted): a cached preview of an unchanged
//! manifest, a fresh preview through the server, and the example backend's own time for
//! the same work driven directly, so the server's overhead shows; for a package without
//! variants and for one with 2 × 2 build variants (four outputs, four variant previews,
//! each recipe rendered for its variant by the server).
//!
//! `cargo run --release -p pixi-lsp-tests --bin pixi-lsp-preview-bench`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pixi_lsp_backend_client::{BackendCommand, BackendProcess, CallOptions};
use pixi_lsp_build_types::{CondaOutputsParams, InitializeParams};
use pixi_lsp_tests::client::{ClientBuilder, file_uri};
use serde_json::json;

const RUNS: usize = 20;

fn p(samples: &mut [Duration], q: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * q).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn sibling(name: &str) -> PathBuf {
    std::env::current_exe().expect("exe").with_file_name(name)
}

/// The 2 × 2 build variants of the variant scenario: keys the package's host dependencies
/// use.
const VARIANTS: &str =
    "\n[workspace.build-variants]\nlib = [\"1.0\", \"2.0\"]\ntool = [\"1\", \"2\"]\n";

fn manifest(version: usize, variants: bool) -> String {
    let (workspace, package) = if variants {
        (
            VARIANTS,
            "\n[package.build.config]\nnoarch = false\n\n[package.host-dependencies]\nlib = \"*\"\ntool = \"*\"\n",
        )
    } else {
        ("", "")
    };
    format!(
        "[workspace]\nname = \"bench\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n{workspace}\n[package]\nname = \"bench\"\nversion = \"0.{version}.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-lsp-example\" }}\n{package}\n[package.run-dependencies]\npython = \">=3.11\"\n"
    )
}

/// The backend's own time: spawn, handshake, `conda/outputs`, as the server does for a
/// fresh preview.
fn direct(backend: &Path, dir: &Path, runs: usize, variants: bool) -> Vec<Duration> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut out = Vec::new();
    for i in 0..runs {
        let manifest_path = dir.join("pixi.toml");
        let mut target =
            json!({ "runDependencies": { "python": { "binary": { "version": ">=3.11" } } } });
        if variants {
            target["hostDependencies"] = json!({ "lib": { "binary": { "version": "*" } }, "tool": { "binary": { "version": "*" } } });
        }
        let model = json!({ "name": "bench", "version": format!("0.{i}.0"), "targets": { "defaultTarget": target } });
        let configuration = variants.then(|| json!({ "noarch": false }));
        let init: InitializeParams = serde_json::from_value(json!({
            "manifestPath": manifest_path, "sourceDirectory": dir, "workspaceDirectory": dir, "projectModel": model,
            "configuration": configuration
        }))
        .expect("params");
        let variant_configuration = variants.then(|| {
            serde_json::from_value(json!({ "lib": ["1.0", "2.0"], "tool": ["1", "2"] }))
                .expect("variants")
        });
        let work = dir.join(format!(".work-{i}"));
        let params = CondaOutputsParams {
            channels: vec![],
            host_platform: "linux-64".into(),
            build_platform: "linux-64".into(),
            variant_configuration,
            variant_files: Some(Vec::new()),
            work_directory: work.clone(),
        };
        let t = Instant::now();
        runtime.block_on(async {
            let process = BackendProcess::spawn(BackendCommand::new(backend)).expect("spawn");
            process
                .handshake(&init, &CallOptions::default())
                .await
                .expect("handshake");
            process
                .conda_outputs(&params, &CallOptions::default())
                .await
                .expect("outputs");
            let debug = if variants {
                work.join("bench/debug")
            } else {
                work.join("debug")
            };
            let _ = std::fs::read_to_string(debug.join("recipe.yaml"));
            process.shutdown(Duration::from_millis(100)).await;
        });
        out.push(t.elapsed());
    }
    out
}

fn main() {
    scenario("no variants", false);
    scenario("2 x 2 build variants (four outputs)", true);
}

fn scenario(title: &str, variants: bool) {
    println!("== {title}");
    let backend = sibling("test-backend-under-test");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pixi.toml"), manifest(0, variants)).expect("manifest");
    std::fs::write(dir.path().join("hello.txt"), "hello\n").expect("source");
    let mut own = direct(&backend, dir.path(), RUNS, variants);

    let mut c = ClientBuilder::new(&sibling("pixi-lsp-under-test"))
        .initialization_options(json!({ "channels": { "enabled": false }, "backends": { "overrides": { "pixi-build-lsp-example": backend } } }))
        .start();
    let uri = file_uri(&dir.path().join("pixi.toml"));
    c.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "toml", "version": 1, "text": manifest(0, variants) } }));
    let run = |c: &mut pixi_lsp_tests::client::Client| {
        let t = Instant::now();
        let r = c.request(
            "workspace/executeCommand",
            json!({ "command": "pixi-lsp.previewRecipe", "arguments": [uri] }),
        );
        assert!(r["content"].is_string(), "{r}");
        t.elapsed()
    };
    // Fresh: every run changes the manifest (a new version), so the backend is restarted
    // and asked again.
    let mut fresh = Vec::new();
    for i in 1..=RUNS {
        c.change(
            &uri,
            i as i64 + 1,
            json!([{ "text": manifest(i, variants) }]),
        );
        fresh.push(run(&mut c));
    }
    if variants {
        let outputs = std::fs::read_dir(dir.path().join(".pixi/build/work"))
            .expect("work")
            .flatten()
            .map(|e| e.path().join("bench/debug/recipe"))
            .find(|p| p.is_dir())
            .map_or(0, |p| std::fs::read_dir(p).map_or(0, Iterator::count));
        println!("variants the backend wrote: {outputs}");
    }
    let mut cached: Vec<Duration> = (0..RUNS * 5).map(|_| run(&mut c)).collect();
    let _ = c.shutdown();
    let own50 = p(&mut own, 0.5);
    let fresh50 = p(&mut fresh, 0.5);
    println!(
        "backend alone (spawn + handshake + conda/outputs): p50 {}, p95 {}",
        ms(own50),
        ms(p(&mut own, 0.95))
    );
    println!(
        "fresh preview through the server: p50 {}, p95 {}",
        ms(fresh50),
        ms(p(&mut fresh, 0.95))
    );
    println!(
        "server overhead on a fresh preview (p50 difference): {} (target ≤ 50 ms)",
        ms(fresh50.saturating_sub(own50))
    );
    println!(
        "cached preview of an unchanged manifest: p50 {}, p95 {} (target ≤ 5 ms)",
        ms(p(&mut cached, 0.5)),
        ms(p(&mut cached, 0.95))
    );
}
