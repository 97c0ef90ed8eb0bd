//! Real-world manifests (../shared/corpus): no error where pixi accepts the manifest, an
//! error at the right line where pixi rejects it. Also pixi's own reference examples.

mod common;

use std::path::Path;
use std::process::Command;

use pixi_lsp_tests::paths;
use serde_json::Value;

/// Runs `check --format json` on `text` saved under its original file name.
fn diagnostics(name: &str, text: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let out = Command::new(common::binary())
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn errors(diags: &[Value]) -> Vec<&Value> {
    diags.iter().filter(|d| d["severity"] == "error").collect()
}

/// Where pixi complains about the corpus files it rejects (1-based lines).
const ERROR_LINES: &[(&str, u64)] = &[
    (
        "prefix-dev__pixi__tests__data__pixi-build__env-config-invalid-test__pixi.toml",
        23,
    ),
    (
        "prefix-dev__pixi__tests__data__workspace-discovery__invalid_inherit__pixi.toml",
        9,
    ),
    (
        "prefix-dev__pixi__tests__data__workspaces__source-backends__package-d__pixi.toml",
        6,
    ),
];

#[test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn corpus_verdicts_match_pixi() {
    let Some(shared) = paths::shared_dir() else {
        eprintln!("../shared not present: corpus test skipped");
        return;
    };
    let corpus = shared.join("corpus");
    let sources = std::fs::read_to_string(corpus.join("SOURCES.tsv")).unwrap();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, path, expect) = (cols[0], cols[2], cols.get(5).copied().unwrap_or("valid"));
        let text = std::fs::read_to_string(corpus.join(file)).unwrap();
        let name = Path::new(path)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let diags = diagnostics(&name, &text);
        let errs = errors(&diags);
        checked += 1;
        match expect {
            "valid" if !errs.is_empty() => {
                wrong.push(format!("{file}: pixi accepts it, we report {}", errs[0]))
            }
            "error" => {
                let line = ERROR_LINES
                    .iter()
                    .find(|(f, _)| *f == file)
                    .map(|(_, l)| *l);
                let at_line = errs
                    .iter()
                    .any(|e| Some(e["line"].as_u64().unwrap_or(0)) == line);
                if !at_line {
                    wrong.push(format!(
                        "{file}: pixi rejects it at line {line:?}, we report {errs:?}"
                    ));
                }
            }
            _ => {}
        }
    }
    assert!(checked >= 50, "only {checked} corpus manifests found");
    assert!(
        wrong.is_empty(),
        "{} wrong verdicts:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Where each of pixi's invalid reference examples is wrong (1-based lines).
const INVALID_EXAMPLE_LINES: &[(&str, u64)] = &[
    ("bad_conda_pypi_map.toml", 6),
    ("bad_conda_pypi_map_mode.toml", 7),
    ("bad_env_variable.toml", 9),
    ("bad_feature_platform.toml", 9),
    ("bad_workspace_platform_name.toml", 6),
    ("empty.toml", 1),
    ("empty_workspace_platform.toml", 6),
    ("no_channel.toml", 1),
    ("package_target_removed.toml", 18),
    ("reserved_arg_name.toml", 7),
    ("reserved_workspace_platform_name.toml", 6),
];

#[test]
fn reference_examples_match_the_upstream_schema_verdicts() {
    let Some(shared) = paths::shared_dir() else {
        return;
    };
    let examples = shared.join("docs/reference/examples");
    for (dir, want_error) in [("valid", false), ("invalid", true)] {
        for entry in std::fs::read_dir(examples.join(dir)).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let diags = diagnostics("pixi.toml", &text);
            let name = entry.file_name().to_string_lossy().into_owned();
            // pixi still accepts the deprecated [package.target] (with a warning), which the
            // upstream schema dropped: a deprecation warning is the right verdict there.
            let flagged = !errors(&diags).is_empty()
                || (name == "package_target_removed.toml" && !diags.is_empty());
            assert_eq!(flagged, want_error, "{dir}/{name}: {diags:?}");
            if want_error {
                let line = INVALID_EXAMPLE_LINES
                    .iter()
                    .find(|(f, _)| *f == name)
                    .map(|(_, l)| *l);
                let at_line = diags
                    .iter()
                    .any(|d| d["line"].as_u64() == line && d["severity"] != "hint");
                assert!(
                    at_line,
                    "{name}: expected a diagnostic at line {line:?}, got {diags:?}"
                );
            }
        }
    }
}
