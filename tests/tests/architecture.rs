//! The dependency invariants ARCHITECTURE.md states, checked on every crate's Cargo.toml so
//! that they stay true: the analysis crates do no IO and know no LSP; only the server crate
//! speaks LSP; channel data reaches the IDE as plain data (the `fetch` feature, which brings
//! the network, is the server's alone).

use std::collections::BTreeMap;
use std::path::Path;

use pixi_lsp_tests::paths;

/// The crates under `server/`, each with the names of its `[dependencies]` and the text of
/// each dependency's line (for features).
fn crates() -> BTreeMap<String, BTreeMap<String, String>> {
    let server = paths::repo_root().join("server");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&server).unwrap().flatten() {
        let manifest = entry.path().join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        out.insert(name, dependencies(&manifest));
    }
    out
}

fn dependencies(manifest: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut in_deps = false;
    let mut deps = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if !in_deps || line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if !key.is_empty() {
            deps.insert(key, line.to_owned());
        }
    }
    deps
}

/// Crates that hold the analysis: plain, synchronous code over text.
const ANALYSIS: &[&str] = &[
    "pixi-lsp-syntax",
    "pixi-lsp-schema",
    "pixi-lsp-rules",
    "pixi-lsp-ide",
    "pixi-lsp-documents",
];
/// What would bring IO, an async runtime or the network into a crate.
const IO: &[&str] = &[
    "tokio",
    "reqwest",
    "reqwest-middleware",
    "rattler",
    "rattler_repodata_gateway",
    "rattler_networking",
    "rattler_cache",
    "tower-lsp-server",
];

#[test]
fn analysis_crates_do_no_io_and_know_no_lsp() {
    let crates = crates();
    assert!(crates.len() >= 10, "found only {:?}", crates.keys());
    for name in ANALYSIS {
        let deps = crates
            .get(*name)
            .unwrap_or_else(|| panic!("no crate {name}"));
        for io in IO {
            assert!(
                !deps.contains_key(*io),
                "{name} depends on {io}: {}",
                deps[*io]
            );
        }
        for runs_things in [
            "pixi-lsp-server",
            "pixi-lsp-build",
            "pixi-lsp-backend-client",
        ] {
            assert!(
                !deps.contains_key(runs_things),
                "{name} depends on a crate that runs things: {deps:?}"
            );
        }
    }
}

/// The backend protocol's messages are plain serde types: the IDE builds the project model
/// with them (the same types the client sends), so they must bring no IO, no runtime and
/// none of our crates with them.
#[test]
fn the_wire_types_are_plain_serde() {
    let crates = crates();
    let types = crates
        .get("pixi-lsp-build-types")
        .expect("a crate for the wire types");
    for dep in types.keys() {
        assert!(
            !IO.contains(&dep.as_str()) && !dep.starts_with("pixi-lsp"),
            "pixi-lsp-build-types depends on {dep}"
        );
    }
    assert!(
        types.contains_key("serde"),
        "the wire types are serde types: {types:?}"
    );
    for user in ["pixi-lsp-ide", "pixi-lsp-backend-client", "pixi-lsp-build"] {
        assert!(
            crates[user].contains_key("pixi-lsp-build-types"),
            "{user} does not use the shared wire types"
        );
    }
}

#[test]
fn only_the_server_crate_speaks_lsp() {
    for (name, deps) in crates() {
        if deps.contains_key("tower-lsp-server") {
            assert_eq!(
                name, "pixi-lsp-server",
                "{name} depends on tower-lsp-server"
            );
        }
    }
}

#[test]
fn channel_data_reaches_the_ide_as_plain_data() {
    let crates = crates();
    let ide = &crates["pixi-lsp-ide"];
    let line = ide
        .get("pixi-lsp-channels")
        .expect("the ide reads channel data");
    assert!(!line.contains("fetch"), "the ide enables fetching: {line}");
    let channels =
        std::fs::read_to_string(paths::repo_root().join("server/pixi-lsp-channels/Cargo.toml"))
            .unwrap();
    let default_features = channels
        .lines()
        .find(|l| l.trim_start().starts_with("default"))
        .unwrap_or("");
    assert!(
        !default_features.contains("fetch"),
        "fetch is a default feature: {default_features}"
    );
    let server = &crates["pixi-lsp-server"];
    assert!(
        server
            .get("pixi-lsp-channels")
            .is_some_and(|l| l.contains("fetch")),
        "the server fetches channel data: {server:?}"
    );
}

/// The host (reading other files, asking the channel service) serves the CLI and the LSP
/// server alike: it knows no LSP, and the CLI reaches files through it, not through the
/// LSP crate.
#[test]
fn the_cli_reaches_files_through_the_host() {
    let crates = crates();
    let host = &crates["pixi-lsp-host"];
    for lsp in ["tower-lsp-server", "pixi-lsp-server", "tokio"] {
        assert!(!host.contains_key(lsp), "the host depends on {lsp}");
    }
    assert!(crates["pixi-lsp-server"].contains_key("pixi-lsp-host"));
    let cli = paths::repo_root().join("server/pixi-lsp/src/cli");
    let mut files = 0;
    for entry in std::fs::read_dir(&cli).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        files += 1;
        assert!(
            !text.contains("pixi_lsp_server"),
            "{} uses the LSP crate",
            entry.path().display()
        );
    }
    assert!(
        files >= 3,
        "found only {files} CLI modules in {}",
        cli.display()
    );
}

/// `unsafe` is denied workspace-wide; the one allowed place is glibc's `malloc_trim` in
/// pixi-lsp-channels `memory.rs`. A second one must be argued for and listed here.
#[test]
fn unsafe_code_lives_in_one_reviewed_place() {
    let mut found = Vec::new();
    let mut stack = vec![
        paths::repo_root().join("server"),
        paths::repo_root().join("tests"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                if text.contains("unsafe {") || text.contains("allow(unsafe_code)") {
                    let relative = path.strip_prefix(paths::repo_root()).unwrap();
                    found.push(relative.display().to_string());
                }
            }
        }
    }
    found.sort();
    found.dedup();
    // This file names the markers it looks for.
    found.retain(|p| p != "tests/tests/architecture.rs");
    assert_eq!(found, ["server/pixi-lsp-channels/src/memory.rs"]);
}
