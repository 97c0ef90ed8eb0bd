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

/// The workspace's variant files reach the request resolved against the workspace
/// directory; a target platform is checked against the workspace's, sets the host platform
/// and the variants for it, and gets a work directory of its own.
#[test]
fn a_request_for_a_target_platform_with_the_workspaces_variant_files() {
    let dir = tempfile::tempdir().unwrap();
    let machine = pixi_lsp_build::Subdir::current().unwrap();
    let other = if machine == pixi_lsp_build::Subdir::Win64 {
        "osx-arm64"
    } else {
        "win-64"
    };
    let workspace = format!(
        "[workspace]\nchannels = []\nplatforms = [\"{machine}\", \"{other}\"]\npreview = [\"pixi-build\"]\nbuild-variants-files = [\"variants/a.yaml\"]\n\n[workspace.build-variants]\nlib = [\"1\"]\n\n[workspace.target.{other}.build-variants]\nlib = [\"2\"]\n"
    );
    std::fs::write(dir.path().join("pixi.toml"), workspace).unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    let package = dir.path().join("pkg/pixi.toml");
    std::fs::write(&package, PACKAGE).unwrap();

    let host = Host::new();
    let for_platform = |platform: Option<&str>| {
        host.preview_request_on_disk(&package, None, platform)
            .map(|(request, _)| request)
    };
    let native = for_platform(None).unwrap();
    assert_eq!(native.host_platform, machine);
    assert_eq!(
        native.variant_files,
        [dir.path().join("variants/a.yaml")],
        "relative to the workspace, not to the package"
    );
    let lib = |r: &pixi_lsp_build::PreviewRequest| {
        r.variant_configuration.as_ref().unwrap()["lib"].clone()
    };
    assert_eq!(
        lib(&native),
        [pixi_lsp_build_types::VariantValue::String("1".into())]
    );

    let cross = for_platform(Some(other)).unwrap();
    assert_eq!(cross.host_platform.as_str(), other);
    assert_eq!(
        lib(&cross),
        [pixi_lsp_build_types::VariantValue::String("2".into())]
    );
    let noarch = for_platform(Some("noarch")).unwrap();
    let dirs = [&native.work_dir, &cross.work_dir, &noarch.work_dir];
    assert!(
        dirs[1].to_string_lossy().ends_with(&format!("-{other}"))
            && dirs[2].to_string_lossy().ends_with("-noarch"),
        "{dirs:?}"
    );
    assert!(dirs[0] != dirs[1] && dirs[1] != dirs[2] && dirs[0] != dirs[2]);

    let not_ours = for_platform(Some("linux-ppc64le")).unwrap_err().to_string();
    assert!(
        not_ours.starts_with("cannot build for `linux-ppc64le`: it is not one of the workspace's platforms; the workspace's platforms are noarch, "),
        "{not_ours}"
    );
    assert!(not_ours.contains(other), "{not_ours}");
    let unknown = for_platform(Some("linux-65")).unwrap_err().to_string();
    assert!(
        unknown.starts_with("cannot build for `linux-65`: it is not a conda platform"),
        "{unknown}"
    );
}
