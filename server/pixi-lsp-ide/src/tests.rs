//! Fixture tests: `$0` marks the cursor.

use std::sync::Arc;

use crate::{CompletionConfig, DiagnosticsConfig, FileAnalysis, FileKind};

/// The text and cursor of a fixture; one without `$0` is a whole file (offset 0).
pub(crate) fn fixture(fixture: &str) -> (String, usize) {
    if fixture.contains(pixi_lsp_test_utils::fixture::CURSOR) {
        pixi_lsp_test_utils::fixture::cursor(fixture)
    } else {
        (fixture.to_owned(), 0)
    }
}

fn analysis(kind: FileKind, fixture: &str) -> (FileAnalysis, usize) {
    let (text, offset) = self::fixture(fixture);
    (FileAnalysis::new(kind, Arc::from(text)), offset)
}

fn completion_labels(fixture: &str) -> Vec<String> {
    let (a, offset) = analysis(FileKind::PixiToml, fixture);
    a.completions(offset, &CompletionConfig::default())
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.label)
        .collect()
}

fn render_diagnostics(kind: FileKind, text: &str, config: &DiagnosticsConfig) -> Vec<String> {
    let (a, _) = analysis(kind, text);
    a.diagnostics(config)
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} [{}]",
                d.severity.as_str(),
                &text[d.range.as_usize()],
                d.code
            )
        })
        .collect()
}

#[test]
fn manifest_schema_compiles() {
    let schema = crate::manifest_schema();
    assert!(schema.def("PyprojectToolPixi").is_some());
}

#[test]
fn completes_package_build_keys() {
    let labels = completion_labels("[package.build]\n$0\n");
    for key in ["backend", "config", "source"] {
        assert!(labels.contains(&key.to_owned()), "{labels:?}");
    }
}

#[test]
fn completes_table_headers() {
    let labels = completion_labels("[package.b$0\n");
    assert!(labels.contains(&"build".to_owned()), "{labels:?}");
    assert!(
        labels.contains(&"host-dependencies".to_owned()),
        "{labels:?}"
    );
}

#[test]
fn completion_skips_keys_already_present() {
    let labels = completion_labels("[workspace]\nname = \"x\"\n$0\n");
    assert!(!labels.contains(&"name".to_owned()));
    assert!(labels.contains(&"channels".to_owned()));
}

#[test]
fn completes_enum_values() {
    let labels = completion_labels("[workspace]\nchannel-priority = \"$0\"\n");
    assert!(labels.contains(&"strict".to_owned()), "{labels:?}");
}

#[test]
fn snippets_when_the_client_supports_them() {
    let (a, offset) = analysis(FileKind::PixiToml, "[workspace]\nchan$0\n");
    let items = a
        .completions(offset, &CompletionConfig { snippets: true })
        .unwrap()
        .items;
    let channels = items
        .iter()
        .find(|i| i.label == "channels")
        .expect("channels offered");
    assert_eq!(channels.edit.new_text, "channels = [$1]");
    assert!(channels.snippet);
}

#[test]
fn hover_shows_key_docs() {
    let (a, offset) = analysis(
        FileKind::PixiToml,
        "[package.build]\nback$0end = { name = \"x\" }\n",
    );
    let info = a.hover(offset).unwrap().expect("hover");
    assert!(
        info.markdown.starts_with("**`package.build.backend`**"),
        "{}",
        info.markdown
    );
}

#[test]
fn hover_on_a_blank_or_comment_line_shows_the_table_it_is_in() {
    let text =
        "# my workspace\n\n[workspace]\nchannels = []\n# platforms below\n$0\nplatforms = []\n";
    let (a, offset) = analysis(FileKind::PixiToml, text);
    let info = a.hover(offset).unwrap().expect("hover");
    assert!(
        info.markdown.starts_with("**`workspace`**"),
        "{}",
        info.markdown
    );
    let comment = text.replace("$0", "").find("# platforms").unwrap() + 2;
    let (a, _) = analysis(FileKind::PixiToml, text);
    let info = a.hover(comment).unwrap().expect("hover");
    assert!(
        info.markdown.starts_with("**`workspace`**"),
        "{}",
        info.markdown
    );
    // Above the first header: the manifest itself.
    let info = a.hover(3).unwrap().expect("hover");
    assert!(
        info.markdown.starts_with("**`pixi.toml`** — pixi manifest"),
        "{}",
        info.markdown
    );
    assert_eq!(info.range, pixi_lsp_syntax::TextRange::new(0, 14));
    // A key being typed is not a blank line: no table docs for it.
    let (a, offset) = analysis(FileKind::PixiToml, "[workspace]\nchann$0\n");
    assert_eq!(a.hover(offset).unwrap(), None);
}

#[test]
fn hover_on_a_header_s_opening_bracket_explains_its_first_segment() {
    for text in [
        "$0[workspace]\nchannels = []\n",
        "[workspace]\n\n$0[tasks]\n",
    ] {
        let (a, offset) = analysis(FileKind::PixiToml, text);
        let info = a.hover(offset).unwrap().expect("hover");
        let expected = if text.contains("tasks") {
            "tasks"
        } else {
            "workspace"
        };
        assert!(
            info.markdown.starts_with(&format!("**`{expected}`**")),
            "{text}: {}",
            info.markdown
        );
    }
}

#[test]
fn hover_in_a_pyproject_s_standard_tables_says_what_pixi_takes_from_them() {
    let cases = [
        (
            "[project]\nname = \"demo\"\nrequires-py$0thon = \">=3.11\"\n",
            "**`project.requires-python`** — Supported Python versions",
        ),
        (
            "[proj$0ect]\nname = \"demo\"\n",
            "**`project`** — Package metadata",
        ),
        (
            "[build-system]\nbuild-back$0end = \"hatchling.build\"\n",
            "**`build-system.build-backend`** — Build backend",
        ),
        (
            "[project]\nname = \"x\"\n\n[tool.pixi.tas$0ks]\n",
            "**`tasks`**",
        ),
    ];
    for (text, expected) in cases {
        let text = format!("{text}\n[tool.pixi.workspace]\nchannels = []\n");
        let (a, offset) = analysis(FileKind::PyprojectToml, &text);
        let info = a.hover(offset).unwrap().expect("hover");
        assert!(
            info.markdown.starts_with(expected),
            "{text}: {}",
            info.markdown
        );
    }
    // Other tools' tables are not ours to document.
    let text = "[tool.ruff]\nline-len$0gth = 100\n\n[tool.pixi.workspace]\n";
    let (a, offset) = analysis(FileKind::PyprojectToml, text);
    assert_eq!(a.hover(offset).unwrap(), None);
}

#[test]
fn hover_on_header_segment() {
    let (a, offset) = analysis(FileKind::PixiToml, "[package.bu$0ild]\n");
    let info = a.hover(offset).unwrap().expect("hover");
    assert!(
        info.markdown.starts_with("**`package.build`**"),
        "{}",
        info.markdown
    );
}

#[test]
fn pyproject_without_tool_pixi_is_left_alone() {
    let text = "[project]\nname = 3\n[tool.black]\nline-length = \"x\"\n";
    assert!(
        render_diagnostics(FileKind::PyprojectToml, text, &DiagnosticsConfig::default()).is_empty()
    );
    let (a, _) = analysis(FileKind::PyprojectToml, text);
    assert!(!a.is_manifest());
}

#[test]
fn pyproject_tool_pixi_is_validated() {
    let text = "[project]\nname = \"x\"\n[tool.pixi.workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nnmae = 1\n";
    let diags = render_diagnostics(FileKind::PyprojectToml, text, &DiagnosticsConfig::default());
    assert!(
        diags
            .iter()
            .any(|d| d.starts_with("error nmae [unknown-key]")),
        "{diags:?}"
    );
}

#[test]
fn generic_diagnostics_can_be_turned_off() {
    let text = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\nfoo = 1\n[dependencies\n";
    let on = render_diagnostics(
        FileKind::PixiToml,
        text,
        &DiagnosticsConfig { generic: true },
    );
    let off = render_diagnostics(
        FileKind::PixiToml,
        text,
        &DiagnosticsConfig { generic: false },
    );
    assert!(on.iter().any(|d| d.contains("[syntax-error]")), "{on:?}");
    assert!(on.iter().any(|d| d.contains("[unknown-key]")), "{on:?}");
    assert!(
        off.iter()
            .all(|d| !d.contains("[syntax-error]") && !d.contains("[unknown-key]")),
        "{off:?}"
    );
}

#[test]
fn outline_nests_tables() {
    let (a, _) = analysis(
        FileKind::PixiToml,
        "[workspace]\nname = \"x\"\n[package.build]\nbackend = { name = \"b\" }\n",
    );
    let symbols = a.symbols().unwrap();
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["workspace", "package"]);
    assert_eq!(symbols[1].children[0].name, "build");
    assert_eq!(symbols[1].children[0].children[0].name, "backend");
}

#[test]
fn completes_backend_names_from_the_registry() {
    let labels = completion_labels("[package.build]\nbackend = { name = \"pixi-build-$0\" }\n");
    for name in [
        "pixi-build-python",
        "pixi-build-cmake",
        "pixi-build-rust",
        "pixi-build-rattler-build",
        "pixi-build-ros",
        "pixi-build-mojo",
        "pixi-build-r",
    ] {
        assert!(labels.contains(&name.to_owned()), "{labels:?}");
    }
}

#[test]
fn completes_backend_config_keys_for_the_admitted_versions() {
    let all = completion_labels(
        "[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n[package.build.config]\n$0\n",
    );
    assert!(
        all.contains(&"abi3".to_owned()) && all.contains(&"noarch".to_owned()),
        "{all:?}"
    );
    let old = completion_labels(
        "[package.build]\nbackend = { name = \"pixi-build-python\", version = \"0.3.*\" }\n[package.build.config]\n$0\n",
    );
    assert!(
        !old.contains(&"abi3".to_owned()),
        "abi3 came in 0.4.7: {old:?}"
    );
    assert!(old.contains(&"noarch".to_owned()));
}

#[test]
fn target_config_omits_keys_forbidden_in_targets() {
    let labels = completion_labels(
        "[package.build]\nbackend = { name = \"pixi-build-rattler-build\" }\n[package.build.target.linux-64.config]\n$0\n",
    );
    assert!(!labels.contains(&"recipe".to_owned()), "{labels:?}");
    assert!(
        labels.contains(&"extra-input-globs".to_owned()),
        "{labels:?}"
    );
}

#[test]
fn completes_backend_config_enum_values() {
    let labels = completion_labels(
        "[package.build]\nbackend = { name = \"pixi-build-python\" }\n[package.build.config]\ninstaller = \"$0\"\n",
    );
    assert_eq!(labels, ["uv", "pip"]);
}

#[test]
fn hover_on_backend_config_key() {
    let (a, offset) = analysis(
        FileKind::PixiToml,
        "[package.build]\nbackend = { name = \"pixi-build-python\" }\n[package.build.config]\nab$0i3 = true\n",
    );
    let md = a.hover(offset).unwrap().expect("hover").markdown;
    assert!(
        md.starts_with("**`abi3`** — pixi-build-python config"),
        "{md}"
    );
    assert!(md.contains("Available since"), "{md}");
}

#[test]
fn hover_on_backend_name() {
    let (a, offset) = analysis(
        FileKind::PixiToml,
        "[package.build]\nbackend = { name = \"pixi-build-r$0ust\" }\n",
    );
    let md = a.hover(offset).unwrap().expect("hover").markdown;
    assert!(md.starts_with("**pixi-build-rust**"), "{md}");
}

#[test]
fn build_variants_resolve_most_specific_target_first() {
    let text = "[workspace]\nchannels = []\nplatforms = [\"linux-64\", \"osx-arm64\"]\npreview = [\"pixi-build\"]\n\n[workspace.build-variants]\npython = [\"3.11.*\", \"3.12.*\"]\nnumpy = [\"1\"]\ncuda = [\"none\"]\n\n[workspace.target.unix.build-variants]\nnumpy = [\"2\"]\n\n[workspace.target.linux.build-variants]\ncuda = [\"12\"]\n\n[workspace.target.linux-64.build-variants]\npython = [\"3.13.*\"]\n\n[package]\nname = \"x\"\nversion = \"1.0\"\n\n[package.build]\nbackend = { name = \"pixi-build-python\", version = \"*\" }\n";
    let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
    let inputs = a.build_inputs().expect("build inputs");
    let on = |host: &str| {
        inputs
            .variant_configuration(host)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", v.join("|")))
            .collect::<Vec<_>>()
    };
    assert_eq!(on("linux-64"), ["cuda=12", "numpy=2", "python=3.13.*"]);
    assert_eq!(
        on("osx-arm64"),
        ["cuda=none", "numpy=2", "python=3.11.*|3.12.*"]
    );
    assert_eq!(
        on("win-64"),
        ["cuda=none", "numpy=1", "python=3.11.*|3.12.*"]
    );
}

#[test]
fn build_variants_take_lists_of_strings_and_no_files_per_target() {
    // pixi's type is `HashMap<String, Vec<String>>`, with toml-span's wording; a target
    // only has `build-variants` (pixi's "Unexpected keys, expected only 'build-variants'").
    let text = "[workspace]\nchannels = []\nplatforms = [\"linux-64\"]\n\n[workspace.build-variants]\npython = \"3.11\"\nnumpy = [3.11]\nok = [\"1\"]\n\n[workspace.target.linux-64]\nbuild-variants-files = [\"linux.yaml\"]\n";
    let (a, _) = analysis(FileKind::PixiToml, text);
    let shown: Vec<String> = a
        .diagnostics(&DiagnosticsConfig::default())
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d.severity.as_str(),
                &text[d.range.as_usize()],
                d.message.lines().next().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "error \"3.11\" expected an array, found string",
            "error 3.11 expected a string, found float",
            "error build-variants-files Unexpected keys, expected only 'build-variants'",
        ]
    );
}

/// pixi 0.77 derives `c_stdlib` / `c_stdlib_version` for a workspace on conda-forge from the
/// platform's minimum glibc or macOS (`pixi_core` `stdlib_variants`): defaults, the legacy
/// `[system-requirements]`, a platform table; never over a manifest's own value.
#[test]
fn stdlib_variants_are_derived_as_pixi_derives_them() {
    let on = |head: &str, host: &str| -> Vec<String> {
        let text = format!(
            "{head}\n\n[package]\nname = \"x\"\nversion = \"1.0\"\n\n[package.build]\nbackend = {{ name = \"pixi-build-cmake\", version = \"*\" }}\n"
        );
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text.as_str()));
        a.build_inputs()
            .expect("build inputs")
            .variant_configuration(host)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", v.join("|")))
            .collect()
    };
    let plain = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\", \"osx-arm64\", \"win-64\"]\npreview = [\"pixi-build\"]";
    assert_eq!(
        on(plain, "linux-64"),
        ["c_stdlib=sysroot", "c_stdlib_version=2.28"]
    );
    assert_eq!(
        on(plain, "osx-arm64"),
        ["c_stdlib=macosx_deployment_target", "c_stdlib_version=13.0"]
    );
    assert!(on(plain, "win-64").is_empty());
    assert!(on(plain, "noarch").is_empty());
    // Not on conda-forge: nothing (the providers are conda-forge packages).
    let elsewhere = plain.replace("\"conda-forge\"", "\"https://prefix.dev/my-channel\"");
    assert!(on(&elsewhere, "linux-64").is_empty());
    // A feature's channel counts; so does a conda-forge URL.
    let feature =
        format!("{elsewhere}\n\n[feature.build]\nchannels = [\"https://prefix.dev/conda-forge/\"]");
    assert_eq!(on(&feature, "linux-64").len(), 2);
    // [system-requirements], pinned to major.minor.
    let required = format!("{plain}\n\n[system-requirements]\nlibc = \"2.17.1\"\nmacos = \"12.3\"");
    assert_eq!(on(&required, "linux-64")[1], "c_stdlib_version=2.17");
    assert_eq!(on(&required, "osx-arm64")[1], "c_stdlib_version=12.3");
    let musl = format!(
        "{plain}\n\n[system-requirements]\nlibc = {{ family = \"musl\", version = \"1.2\" }}"
    );
    assert_eq!(on(&musl, "linux-64")[1], "c_stdlib_version=2.28");
    // A platform table's own glibc.
    let rich = "[workspace]\nchannels = [\"conda-forge\"]\nplatforms = [{ platform = \"linux-64\", glibc = \"2.34\" }]\npreview = [\"pixi-build\"]";
    assert_eq!(on(rich, "linux-64")[1], "c_stdlib_version=2.34");
    // The manifest's own variant wins.
    let own = format!("{plain}\n\n[workspace.build-variants]\nc_stdlib_version = [\"2.31\"]");
    assert_eq!(
        on(&own, "linux-64"),
        ["c_stdlib=sysroot", "c_stdlib_version=2.31"]
    );
}

#[test]
fn pyproject_standard_schema_compiles() {
    let schema = crate::manifest::pyproject_standard_schema();
    let at = schema.at_path(
        schema.root(),
        &[
            pixi_lsp_syntax::PathSeg::Key("project".into()),
            pixi_lsp_syntax::PathSeg::Key("requires-python".into()),
        ],
    );
    assert!(schema.description(&at).is_some());
}
