use std::collections::BTreeMap;
use std::sync::Arc;

use crate::{
    AnalysisContext, DiagnosticsConfig, FileAnalysis, FileFacts, FileKind, PreviewOutput,
    PreviewSummary, VariantsFileContent, VariantsFileFact,
};

const WORKSPACE: &str = r#"[workspace]
channels = []
platforms = ["linux-64", "linux-aarch64", "osx-arm64", "win-64"]
preview = ["pixi-build"]
build-variants-files = ["variants.yaml"]

[workspace.build-variants]
python = ["3.11.*", "3.12.*"]
cuda = ["none"]
unused = ["1"]

[workspace.target.linux-64.build-variants]
python = ["3.13.*"]

[workspace.target.linux.build-variants]
cuda = ["12"]

[workspace.target.win-64.build-variants]
only-windows = ["x"]
"#;

fn output(name: &str, subdir: &str, variant: &[(&str, &str)]) -> PreviewOutput {
    PreviewOutput {
        name: name.to_owned(),
        version: "1.0".to_owned(),
        build: "h1234567_0".to_owned(),
        subdir: subdir.to_owned(),
        variant: variant
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        ..PreviewOutput::default()
    }
}

fn analysis(previews: Vec<PreviewSummary>) -> FileAnalysis {
    let mut files = FileFacts::default();
    files.insert_variants_file(
        "variants.yaml",
        VariantsFileFact {
            resolved: "/ws/variants.yaml".to_owned(),
            content: VariantsFileContent::Variants {
                keys: vec!["cuda".to_owned()],
            },
        },
    );
    let context = AnalysisContext {
        files,
        previews: previews.into_iter().map(Arc::new).collect(),
        ..AnalysisContext::default()
    };
    FileAnalysis::with_context(FileKind::PixiToml, Arc::from(WORKSPACE), context)
}

fn previewed() -> Vec<PreviewSummary> {
    vec![PreviewSummary {
        backend: "pixi-build-python@0.4.0".to_owned(),
        outputs: vec![
            output(
                "a",
                "linux-64",
                &[
                    ("python", "3.13.*"),
                    ("cuda", "12"),
                    ("target_platform", "linux-64"),
                ],
            ),
            output("b", "linux-64", &[("python", "3.13.*")]),
        ],
    }]
}

fn hover_at(a: &FileAnalysis, needle: &str) -> String {
    let offset = WORKSPACE.find(needle).expect("needle");
    a.hover(offset).unwrap().expect("hover").markdown
}

fn hints(a: &FileAnalysis) -> Vec<String> {
    a.diagnostics(&DiagnosticsConfig::default())
        .unwrap()
        .iter()
        .filter(|d| d.code == "unused-variant")
        .map(|d| {
            assert_eq!(d.severity, crate::Severity::Hint);
            assert_eq!(d.tags, [pixi_lsp_syntax::Tag::Unnecessary]);
            format!(
                "{} {}",
                &WORKSPACE[d.range.as_usize()],
                d.message.lines().next().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn hover_shows_which_table_wins_on_each_platform() {
    let a = analysis(Vec::new());
    let md = hover_at(&a, "python = [\"3.11");
    assert!(
        md.contains(
            "**Variant `python`**\n\n| platform | values | from |\n|---|---|---|\n\
             | linux-64 | `3.13.*` | `[workspace.target.linux-64.build-variants]` |\n\
             | linux-aarch64, osx-arm64, win-64 | `3.11.*`, `3.12.*` | `[workspace.build-variants]` |"
        ),
        "{md}"
    );
    // The same key in a target's table shows the same resolution (below its own docs).
    let variant_part = |md: &str| md.split_once("---").map(|(_, v)| v.to_owned());
    assert_eq!(
        variant_part(&md),
        variant_part(&hover_at(&a, "python = [\"3.13"))
    );
    let md = hover_at(&a, "cuda = [\"none");
    assert!(
        md.contains(
            "| linux-64, linux-aarch64 | `12` | `[workspace.target.linux.build-variants]` |"
        ),
        "{md}"
    );
    assert!(
        md.contains("Also set in `variants.yaml`; the manifest's values win."),
        "{md}"
    );
    let md = hover_at(&a, "only-windows");
    assert!(md.contains("| win-64 | `x` |"), "{md}");
    assert!(
        md.contains("Not set on linux-64, linux-aarch64, osx-arm64."),
        "{md}"
    );
    // No preview has run: nothing is said about outputs.
    assert!(!md.contains("preview"), "{md}");
}

#[test]
fn hover_lists_the_outputs_of_the_last_previews_that_use_the_key() {
    let a = analysis(previewed());
    let md = hover_at(&a, "python = [\"3.11");
    assert!(
        md.ends_with(
            "---\n\n**Used by** (last preview)\n\
             - **a 1.0** (`h1234567_0`, linux-64): `python` = `3.13.*`\n\
             - **b 1.0** (`h1234567_0`, linux-64): `python` = `3.13.*`"
        ),
        "{md}"
    );
    let md = hover_at(&a, "unused");
    assert!(
        md.ends_with("No output of the last preview uses `unused`."),
        "{md}"
    );
}

#[test]
fn unused_keys_get_a_hint_only_once_a_preview_has_run() {
    assert!(hints(&analysis(Vec::new())).is_empty());
    assert_eq!(
        hints(&analysis(previewed())),
        ["unused no output of the last recipe preview (a, b) uses the variant `unused`"],
        "a win-64 key says nothing about a linux-64 preview"
    );
    // Keys are compared as rattler-build normalizes them.
    let normalized = vec![PreviewSummary {
        backend: String::new(),
        outputs: vec![output(
            "c",
            "win-64",
            &[
                ("only_windows", "x"),
                ("python", "3.12.*"),
                ("cuda", "none"),
                ("unused", "1"),
            ],
        )],
    }];
    assert!(hints(&analysis(normalized)).is_empty());
}
