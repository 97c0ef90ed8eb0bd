//! The project model of representative manifests, as the backend receives it, against
//! what the hand-built JSON of earlier versions sent. `wire/*.json` are that JSON, written
//! by the old code and kept as it was (nulls left out, and a `channel` in a source spec,
//! which the wire type never read): a fixture is compared as the `ProjectModel` it reads
//! as, which is what went over the wire.

use std::sync::Arc;

use pixi_lsp_build_types::ProjectModel;

use crate::context::WorkspaceManifest;
use crate::{AnalysisContext, FileAnalysis, FileKind};

fn check(kind: FileKind, manifest: &str, workspace: Option<&str>, old_json: &str) {
    let context = AnalysisContext {
        workspace: workspace.map(|w| WorkspaceManifest::new(FileKind::PixiToml, Arc::from(w))),
        ..Default::default()
    };
    let analysis = FileAnalysis::with_context(kind, Arc::from(manifest), context);
    let inputs = analysis.build_inputs().expect("a build");
    let sent: ProjectModel =
        serde_json::from_value(serde_json::to_value(&inputs.project_model).unwrap()).unwrap();
    let before: ProjectModel = serde_json::from_str(old_json).unwrap();
    let pretty = |m: &ProjectModel| serde_json::to_string_pretty(m).unwrap();
    assert_eq!(pretty(&sent), pretty(&before));
    assert_eq!(sent, before);
}

#[test]
fn every_part_of_a_pixi_toml() {
    check(
        FileKind::PixiToml,
        include_str!("wire/everything.pixi.toml"),
        None,
        include_str!("wire/everything.json"),
    );
}

#[test]
fn a_package_that_names_only_its_backend() {
    check(
        FileKind::PixiToml,
        include_str!("wire/minimal.pixi.toml"),
        None,
        include_str!("wire/minimal.json"),
    );
}

#[test]
fn a_pyproject_with_project_defaults() {
    check(
        FileKind::PyprojectToml,
        include_str!("wire/defaults.pyproject.toml"),
        None,
        include_str!("wire/defaults.json"),
    );
}

#[test]
fn a_member_inheriting_from_its_workspace_manifest() {
    check(
        FileKind::PixiToml,
        include_str!("wire/member.pixi.toml"),
        Some(include_str!("wire/member.workspace.toml")),
        include_str!("wire/member.json"),
    );
}

#[test]
fn values_the_rules_flag_but_the_model_took() {
    check(
        FileKind::PixiToml,
        include_str!("wire/oddities.pixi.toml"),
        None,
        include_str!("wire/oddities.json"),
    );
}
