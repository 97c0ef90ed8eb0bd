//! A package-only manifest judged with the workspace that governs it, and with facts about
//! the paths it references.

mod common;

use pixi_lsp_rules::{
    Context, FileFacts, Manifest, ManifestKind, PathFact, PathKind, PathUse, VariantsFileContent,
    VariantsFileFact, check_with, referenced_paths,
};
use pixi_lsp_syntax::{Severity, parse};

const ROOT: &str = r#"[workspace]
name = "root"
version = "1.2.3"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[workspace.dependencies]
pixi-build-python = ">=0.4"
numpy = ">=2"

[dependencies]
a = { path = "packages/a" }
"#;

const PACKAGE: &str = r#"[package]
name = { workspace = true }
version = { workspace = true }
description = { workspace = true }

[package.build]
backend = { name = "pixi-build-python", workspace = true }

[package.run-dependencies]
numpy = { workspace = true }
scipy = { workspace = true }
"#;

fn check(package: &str, root: Option<&str>, facts: Option<&FileFacts>) -> String {
    let parsed = parse(package);
    let m = Manifest::new(package, &parsed.tree, ManifestKind::Pixi).unwrap();
    let root_parse = root.map(parse);
    let workspace = root
        .zip(root_parse.as_ref())
        .and_then(|(t, p)| Manifest::new(t, &p.tree, ManifestKind::Pixi));
    let context = Context {
        workspace,
        files: facts,
    };
    common::render(package, &check_with(&m, &context))
}

#[test]
fn inheritance_is_checked_against_the_external_workspace() {
    let expected = "\
3:14-3:34 error[workspace-inheritance] the workspace does not define a 'description'
10:22-10:26 error[workspace-inheritance] the workspace does not define `scipy` in `[workspace.dependencies]`
";
    assert_eq!(check(PACKAGE, Some(ROOT), None), expected);
}

#[test]
fn without_a_workspace_inheritance_is_not_judged() {
    assert_eq!(check(PACKAGE, None, None), "");
}

#[test]
fn preview_flag_comes_from_the_external_workspace() {
    let root = ROOT.replace("preview = [\"pixi-build\"]\n", "");
    let parsed = parse(PACKAGE);
    let m = Manifest::new(PACKAGE, &parsed.tree, ManifestKind::Pixi).unwrap();
    let rp = parse(&root);
    let context = Context {
        workspace: Manifest::new(&root, &rp.tree, ManifestKind::Pixi),
        files: None,
    };
    let diags = check_with(&m, &context);
    let preview = diags
        .iter()
        .find(|d| d.code == "preview-required")
        .expect("preview-required");
    assert_eq!(&PACKAGE[preview.range.as_usize()], "[package]");
    // The fix would have to edit the other file: none is offered.
    assert!(preview.fixes.is_empty());
}

#[test]
fn an_own_workspace_wins_over_the_external_one() {
    let own = "[workspace]\nchannels = []\nplatforms = []\npreview = [\"pixi-build\"]\n\n[package]\nversion = { workspace = true }\n[package.build]\nbackend = { name = \"x\" }\n";
    let rendered = check(own, Some(ROOT), None);
    assert!(
        rendered.contains("the workspace does not define a 'version'"),
        "{rendered}"
    );
}

#[test]
fn referenced_paths_lists_what_the_caller_must_look_up() {
    let text = "[package]\nlicense-file = \"LICENSE\"\nreadme = \"README.md\"\n[package.build]\nbackend = { name = \"x\" }\nsource = { path = \"src\" }\n[package.run-dependencies]\nb = { path = \"../b\" }\nc = { git = \"https://x\" }\n[package.host-dependencies.\"if(unix)\"]\nd = { path = \"../d\" }\n";
    let parsed = parse(text);
    let m = Manifest::new(text, &parsed.tree, ManifestKind::Pixi).unwrap();
    let refs: Vec<(String, PathUse)> = referenced_paths(&m)
        .into_iter()
        .map(|r| (r.path, r.usage))
        .collect();
    assert_eq!(
        refs,
        [
            ("LICENSE".to_owned(), PathUse::PackageFile),
            ("README.md".to_owned(), PathUse::PackageFile),
            ("src".to_owned(), PathUse::BuildSource),
            ("../b".to_owned(), PathUse::Dependency),
            ("../d".to_owned(), PathUse::Dependency),
        ]
    );
}

#[test]
fn license_file_of_a_git_source_is_not_looked_up() {
    let text = "[package]\nlicense-file = \"LICENSE\"\n[package.build]\nbackend = { name = \"x\" }\nsource = { git = \"https://x\" }\n";
    let parsed = parse(text);
    let m = Manifest::new(text, &parsed.tree, ManifestKind::Pixi).unwrap();
    assert!(referenced_paths(&m).is_empty());
}

#[test]
fn missing_paths_are_warnings_and_manifestless_dirs_hints() {
    let text = "[workspace]\nchannels = []\nplatforms = []\npreview = [\"pixi-build\"]\n[dependencies]\na = { path = \"packages/a\" }\nb = { path = \"packages/b\" }\nc = { path = \"packages/c\" }\n[package]\nlicense-file = \"LICENSE\"\n[package.build]\nbackend = { name = \"x\" }\n";
    let fact = |resolved: &str, kind| PathFact {
        resolved: resolved.to_owned(),
        kind,
        manifest: None,
    };
    let mut facts = FileFacts::default();
    facts.insert("LICENSE", fact("/ws/LICENSE", PathKind::Missing));
    facts.insert("packages/a", fact("/ws/packages/a", PathKind::Missing));
    facts.insert(
        "packages/b",
        fact(
            "/ws/packages/b",
            PathKind::Dir {
                has_manifest: false,
            },
        ),
    );
    facts.insert(
        "packages/c",
        fact("/ws/packages/c", PathKind::Dir { has_manifest: true }),
    );
    let parsed = parse(text);
    let m = Manifest::new(text, &parsed.tree, ManifestKind::Pixi).unwrap();
    let diags = check_with(
        &m,
        &Context {
            workspace: None,
            files: Some(&facts),
        },
    );
    let expected = "\
5:13-5:25 warning[missing-path] '/ws/packages/a' does not exist
6:13-6:25 hint[no-package-manifest] '/ws/packages/b' has no pixi.toml, pyproject.toml or recipe.yaml
9:15-9:24 warning[missing-file] '/ws/LICENSE' does not exist
";
    assert_eq!(common::render(text, &diags), expected);
    assert!(diags.iter().all(|d| d.severity != Severity::Error));
}

const VARIANTS: &str = "[workspace]\nchannels = []\nplatforms = []\nbuild-variants-files = [\"./missing.yaml\", \"bad.yaml\", \"list.yaml\", \"ok.yaml\", \"big.yaml\"]\n\n[workspace.target.linux-64]\nbuild-variants-files = [\"linux.yaml\"]\n";

fn variants_fact(resolved: &str, content: VariantsFileContent) -> VariantsFileFact {
    VariantsFileFact {
        resolved: resolved.to_owned(),
        content,
    }
}

#[test]
fn variant_files_are_looked_up_from_the_workspace_table_only() {
    let parsed = parse(VARIANTS);
    let m = Manifest::new(VARIANTS, &parsed.tree, ManifestKind::Pixi).unwrap();
    let refs: Vec<(String, PathUse)> = referenced_paths(&m)
        .into_iter()
        .map(|r| (r.path, r.usage))
        .collect();
    let expected: Vec<(String, PathUse)> = [
        "./missing.yaml",
        "bad.yaml",
        "list.yaml",
        "ok.yaml",
        "big.yaml",
    ]
    .into_iter()
    .map(|p| (p.to_owned(), PathUse::VariantsFile))
    .collect();
    // `[workspace.target.*]` has no `build-variants-files` in pixi (the schema refuses it).
    assert_eq!(refs, expected);
}

#[test]
fn a_missing_variant_file_is_pixis_error_and_unreadable_ones_ours() {
    let mut facts = FileFacts::default();
    facts.insert_variants_file(
        "./missing.yaml",
        variants_fact("/ws/./missing.yaml", VariantsFileContent::Missing),
    );
    facts.insert_variants_file(
        "bad.yaml",
        variants_fact(
            "/ws/bad.yaml",
            VariantsFileContent::NotYaml {
                line: 2,
                column: 5,
                message: "did not find expected key".to_owned(),
            },
        ),
    );
    facts.insert_variants_file(
        "list.yaml",
        variants_fact(
            "/ws/list.yaml",
            VariantsFileContent::NotVariants {
                line: Some(3),
                message: "Variant values for 'python' must be a list".to_owned(),
            },
        ),
    );
    facts.insert_variants_file(
        "ok.yaml",
        variants_fact(
            "/ws/ok.yaml",
            VariantsFileContent::Variants {
                keys: vec!["python".to_owned()],
            },
        ),
    );
    facts.insert_variants_file(
        "big.yaml",
        variants_fact("/ws/big.yaml", VariantsFileContent::Unchecked),
    );
    let parsed = parse(VARIANTS);
    let m = Manifest::new(VARIANTS, &parsed.tree, ManifestKind::Pixi).unwrap();
    let diags = check_with(
        &m,
        &Context {
            workspace: None,
            files: Some(&facts),
        },
    );
    let expected = "\
3:24-3:40 error[missing-file] '/ws/./missing.yaml' does not exist
3:42-3:52 error[invalid-variants-file] '/ws/bad.yaml' is not valid YAML: line 2, column 5: did not find expected key
3:54-3:65 error[invalid-variants-file] '/ws/list.yaml' is not a variant configuration (line 3): Variant values for 'python' must be a list
";
    assert_eq!(common::render(VARIANTS, &diags), expected);
    // Without facts (a manifest judged away from its directory) nothing is said.
    assert!(check_with(&m, &Context::default()).is_empty());
}
