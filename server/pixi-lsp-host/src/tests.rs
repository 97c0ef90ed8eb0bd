use std::path::Path;
use std::sync::Arc;

use pixi_lsp_ide::{CancelToken, Cancelled, FileKind};

use crate::{Document, Host};

const WORKSPACE: &str =
    "[workspace]\nchannels = []\nplatforms = [\"linux-64\"]\npreview = [\"pixi-build\"]\n";
const PACKAGE: &str = "[package]\nname = \"pkg\"\nversion = \"1.0\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";

fn document<'a>(path: Option<&'a Path>, text: &str, cancel: CancelToken) -> Document<'a> {
    Document {
        kind: FileKind::PixiToml,
        text: Arc::from(text),
        path,
        open_text: &|_| None,
        lock: None,
        previews: Vec::new(),
        cancel,
    }
}

/// A package manifest in `pkg/` below a workspace manifest.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pixi.toml"), WORKSPACE).unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    let package = dir.path().join("pkg/pixi.toml");
    std::fs::write(&package, PACKAGE).unwrap();
    (dir, package)
}

#[test]
fn a_package_is_placed_in_its_workspace() {
    let (_dir, package) = workspace();
    let host = Host::new();
    let analyzed = host
        .analyze(&document(Some(&package), PACKAGE, CancelToken::new()), None)
        .unwrap();
    assert!(analyzed.analysis.context().workspace.is_some());
    assert!(analyzed.surroundings.is_some());
}

/// A keystroke that leaves the needs alone reuses what was gathered: no file is read again
/// (here the workspace manifest is gone, and the analysis still has it).
#[test]
fn unchanged_needs_reuse_the_surroundings() {
    let (dir, package) = workspace();
    let host = Host::new();
    let first = host
        .analyze(&document(Some(&package), PACKAGE, CancelToken::new()), None)
        .unwrap();
    std::fs::remove_file(dir.path().join("pixi.toml")).unwrap();
    let edited = format!("{PACKAGE}# a comment\n");
    let doc = document(Some(&package), &edited, CancelToken::new());
    let again = host.analyze(&doc, first.surroundings.as_ref()).unwrap();
    assert!(again.analysis.context().workspace.is_some());
    // Without what was kept, the host looks again and finds no workspace.
    let fresh = host.analyze(&doc, None).unwrap();
    assert!(fresh.analysis.context().workspace.is_none());
}

#[test]
fn changed_needs_gather_again() {
    let (dir, package) = workspace();
    let host = Host::new();
    let alone = "[workspace]\nchannels = []\nplatforms = [\"linux-64\"]\n";
    let first = host
        .analyze(&document(Some(&package), alone, CancelToken::new()), None)
        .unwrap();
    assert!(first.analysis.context().workspace.is_none());
    // The `[workspace]` table is deleted: now the manifest needs its governing workspace.
    let doc = document(Some(&package), PACKAGE, CancelToken::new());
    let again = host.analyze(&doc, first.surroundings.as_ref()).unwrap();
    assert!(again.analysis.context().workspace.is_some());
    drop(dir);
}

#[test]
fn a_superseded_version_is_not_analysed() {
    let (_dir, package) = workspace();
    let cancel = CancelToken::new();
    cancel.cancel();
    let result = Host::new().analyze(&document(Some(&package), PACKAGE, cancel), None);
    assert_eq!(result.err(), Some(Cancelled));
}

#[test]
fn a_document_that_is_not_a_file_has_no_surroundings() {
    let analyzed = Host::new()
        .analyze(&document(None, PACKAGE, CancelToken::new()), None)
        .unwrap();
    assert!(analyzed.surroundings.is_none());
    assert!(analyzed.analysis.context().workspace.is_none());
}

/// Cancellation reaches the finished analysis too: a version superseded after it was built
/// answers `Cancelled` instead of computing diagnostics nobody will read.
#[test]
fn the_analysis_stops_once_its_version_is_superseded() {
    let (_dir, package) = workspace();
    let cancel = CancelToken::new();
    let analyzed = Host::new()
        .analyze(&document(Some(&package), PACKAGE, cancel.clone()), None)
        .unwrap();
    cancel.cancel();
    let config = pixi_lsp_ide::DiagnosticsConfig::default();
    assert_eq!(
        analyzed.analysis.diagnostics(&config).err(),
        Some(Cancelled)
    );
}
