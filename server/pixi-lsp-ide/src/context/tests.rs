//! Multi-file fixtures: `#- /path` starts a file; the first file is the workspace manifest,
//! the last one is analysed with it.

use std::sync::Arc;

use expect_test::{Expect, expect};

use crate::{
    AnalysisContext, ContextNeeds, DiagnosticsConfig, FileAnalysis, FileFacts, FileKind, PathFact,
    PathKind, WorkspaceManifest, declares_workspace,
};

fn files(fixture: &str) -> Vec<(&str, String)> {
    fixture
        .split("#- ")
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let (path, text) = s.split_once('\n').unwrap_or((s, ""));
            (path.trim(), text.to_owned())
        })
        .collect()
}

fn analysis(fixture: &str, facts: &[(&str, PathKind)]) -> (String, FileAnalysis) {
    let files = files(fixture);
    let (path, text) = files.last().cloned().unwrap();
    let workspace = (files.len() > 1).then(|| {
        WorkspaceManifest::new(
            FileKind::from_path(files[0].0),
            Arc::from(files[0].1.as_str()),
        )
    });
    let mut file_facts = FileFacts::default();
    for (p, kind) in facts {
        let resolved = format!("/ws/packages/a/{p}");
        file_facts.insert(
            *p,
            PathFact {
                resolved,
                kind: *kind,
                manifest: matches!(kind, PathKind::Dir { has_manifest: true })
                    .then(|| "pixi.toml".to_owned()),
            },
        );
    }
    let context = AnalysisContext {
        workspace,
        files: file_facts,
        channels: None,
        lock: None,
        previews: Vec::new(),
    };
    let a =
        FileAnalysis::with_context(FileKind::from_path(path), Arc::from(text.as_str()), context);
    (text, a)
}

fn check_diagnostics(fixture: &str, facts: &[(&str, PathKind)], expect: Expect) {
    let (text, a) = analysis(fixture, facts);
    let rendered: String = a
        .diagnostics(&DiagnosticsConfig::default())
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} [{}] {}\n",
                d.severity.as_str(),
                &text[d.range.as_usize()],
                d.code,
                d.message.lines().next().unwrap_or("")
            )
        })
        .collect();
    expect.assert_eq(&rendered);
}

const ROOT: &str = r#"#- /pixi.toml
[workspace]
name = "root"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[dependencies]
a = { path = "packages/a" }
"#;

#[test]
fn package_inherits_from_the_workspace_manifest() {
    let fixture = format!(
        "{ROOT}#- /packages/a/pixi.toml\n[package]\nname = {{ workspace = true }}\nversion = {{ workspace = true }}\n[package.build]\nbackend = {{ name = \"pixi-build-python\", version = \"*\" }}\n"
    );
    check_diagnostics(
        &fixture,
        &[],
        expect![[r#"
            error { workspace = true } [workspace-inheritance] the workspace does not define a 'version'
        "#]],
    );
}

#[test]
fn package_without_the_workspace_is_not_judged_on_inheritance() {
    let fixture = "#- /packages/a/pixi.toml\n[package]\nversion = { workspace = true }\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";
    check_diagnostics(fixture, &[], expect![[""]]);
}

#[test]
fn preview_flag_of_the_workspace_manifest_governs_the_package() {
    let root = ROOT.replace("preview = [\"pixi-build\"]\n", "");
    let fixture = format!(
        "{root}#- /packages/a/pixi.toml\n[package]\nname = \"a\"\n[package.build]\nbackend = {{ name = \"pixi-build-python\", version = \"*\" }}\n"
    );
    check_diagnostics(
        &fixture,
        &[],
        expect![[r#"
            error [package] [preview-required] [package] section is only allowed when the `pixi-build` preview flag is enabled
        "#]],
    );
}

#[test]
fn missing_license_file_is_a_warning() {
    let fixture = "#- /packages/a/pixi.toml\n[package]\nname = \"a\"\nlicense-file = \"LICENSE\"\nreadme = \"README.md\"\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";
    check_diagnostics(
        fixture,
        &[
            ("LICENSE", PathKind::Missing),
            ("README.md", PathKind::File),
        ],
        expect![[r#"
            warning "LICENSE" [missing-file] '/ws/packages/a/LICENSE' does not exist
        "#]],
    );
}

#[test]
fn context_needs_name_the_workspace_and_paths() {
    let (_, root) = analysis(ROOT, &[]);
    assert_eq!(
        crate::ParsedFile::new(root.kind(), root.text().clone()).context_needs(),
        ContextNeeds {
            workspace: false,
            paths: vec!["packages/a".to_owned()],
            variant_files: Vec::new(),
        }
    );
    let (_, package) = analysis(
        "#- /packages/a/pixi.toml\n[package]\nreadme = \"README.md\"\n",
        &[],
    );
    assert_eq!(
        crate::ParsedFile::new(package.kind(), package.text().clone()).context_needs(),
        ContextNeeds {
            workspace: true,
            paths: vec!["README.md".to_owned()],
            variant_files: Vec::new(),
        }
    );
    let (_, variants) = analysis(
        "#- /pixi.toml\n[workspace]\nchannels = []\nplatforms = []\nbuild-variants-files = [\"b.yaml\", \"./a.yaml\", \"b.yaml\"]\n[workspace.target.linux-64]\nbuild-variants-files = [\"refused.yaml\"]\n",
        &[],
    );
    assert_eq!(
        crate::ParsedFile::new(variants.kind(), variants.text().clone()).context_needs(),
        ContextNeeds {
            workspace: false,
            paths: Vec::new(),
            variant_files: vec!["./a.yaml".to_owned(), "b.yaml".to_owned()],
        }
    );
}

#[test]
fn declares_workspace_knows_both_file_kinds() {
    assert!(declares_workspace(FileKind::PixiToml, "[workspace]\n"));
    assert!(declares_workspace(FileKind::PixiToml, "[project]\n"));
    assert!(!declares_workspace(FileKind::PixiToml, "[package]\n"));
    assert!(declares_workspace(
        FileKind::PyprojectToml,
        "[project]\nname = \"x\"\n[tool.pixi.workspace]\n"
    ));
    assert!(!declares_workspace(
        FileKind::PyprojectToml,
        "[project]\nname = \"x\"\n"
    ));
}

#[test]
fn relative_workspace_channels_resolve_against_the_workspace_manifest() {
    let workspace = WorkspaceManifest::new(
        FileKind::PixiToml,
        Arc::from("[workspace]\nchannels = [\"./channel\"]\nplatforms = [\"linux-64\"]\n"),
    )
    .in_dir("/ws");
    let package = "[package]\nname = \"a\"\n\n[package.build]\nbackend = { name = \"b\", channels = [\"./backends\"] }\n\n[package.host-dependencies]\nzlib = \"*\"\n";
    let context = AnalysisContext {
        workspace: Some(workspace),
        files: FileFacts::default(),
        lock: None,
        previews: Vec::new(),
        channels: Some(crate::ChannelContext::new(
            "https://conda.anaconda.org/".parse().unwrap(),
            "/ws/packages/a".into(),
        )),
    };
    let a = crate::ParsedFile::new(FileKind::PixiToml, Arc::from(package)).in_context(context);
    let mut urls: Vec<String> = a
        .channel_needs()
        .iter()
        .flat_map(|n| n.scope.channels.iter().map(|c| c.url.to_string()))
        .collect();
    urls.sort();
    urls.dedup();
    // The workspace's channel next to the workspace manifest; the backend's own next to
    // the package manifest.
    assert_eq!(
        urls,
        ["file:///ws/channel/", "file:///ws/packages/a/backends/"]
    );
}
