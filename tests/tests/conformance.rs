//! pixi's own verdicts (../shared/conformance): every case through `pixi-lsp check`, as the
//! CLI runs it, agreeing with pixi on the verdict and, for errors, on a line pixi points at.
//! Package-only cases are judged inside a workspace with the facts of the one pixi judges
//! them in (`tests/conformance/workspaces.tsv`); `tests/conformance/decisions.tsv` lists the
//! few recorded verdicts that pixi's own rules contradict.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pixi_lsp_tests::paths;
use serde_json::Value;

struct Case {
    id: String,
    file: String,
    expect: String,
    line: Option<u64>,
    message: String,
}

/// The workspace a package-only case is judged in.
struct WorkspaceFacts {
    pyproject: bool,
    pixi_build: bool,
    fields: Vec<String>,
    /// `name=path` (source) or `name=*` (binary) entries of `[workspace.dependencies]`.
    pool: Vec<(String, String)>,
}

fn tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn cases(dir: &Path) -> Vec<Case> {
    tsv(&dir.join("cases.tsv"))
        .into_iter()
        .skip(1)
        .map(|c| Case {
            id: c[0].clone(),
            file: c[1].clone(),
            expect: c[4].clone(),
            line: c[5].parse().ok(),
            message: c[6].clone(),
        })
        .collect()
}

fn workspace_facts() -> HashMap<String, WorkspaceFacts> {
    let path = paths::repo_root().join("tests/conformance/workspaces.tsv");
    tsv(&path)
        .into_iter()
        .map(|c| {
            let list = |s: &str| -> Vec<String> {
                s.split(',')
                    .filter(|x| !x.is_empty() && *x != "-")
                    .map(str::to_owned)
                    .collect()
            };
            let pool = list(&c[4])
                .into_iter()
                .map(|e| {
                    let (n, s) = e.split_once('=').unwrap();
                    (n.to_owned(), s.to_owned())
                })
                .collect();
            let facts = WorkspaceFacts {
                pyproject: c[1] == "pyproject",
                pixi_build: c[2] == "yes",
                fields: list(&c[3]),
                pool,
            };
            (c[0].clone(), facts)
        })
        .collect()
}

/// A workspace manifest with these facts, and the files it names.
fn write_workspace(dir: &Path, facts: &WorkspaceFacts) {
    let mut workspace = String::from("channels = []\nplatforms = []\n");
    if facts.pixi_build {
        workspace.push_str("preview = [\"pixi-build\"]\n");
    }
    let mut project = String::new();
    for field in &facts.fields {
        let value = match field.as_str() {
            "authors" => "[\"Someone <someone@example.com>\"]".to_owned(),
            "version" => "\"1.2.3\"".to_owned(),
            "license" => "\"MIT\"".to_owned(),
            "readme" | "license-file" => {
                std::fs::write(dir.join("WORKSPACE_FILE.md"), "text\n").unwrap();
                "\"WORKSPACE_FILE.md\"".to_owned()
            }
            "homepage" | "repository" | "documentation" => "\"https://example.com\"".to_owned(),
            _ => "\"workspace-value\"".to_owned(),
        };
        // A pyproject workspace takes name and version from PEP 621 `[project]`.
        if facts.pyproject && matches!(field.as_str(), "name" | "version") {
            project.push_str(&format!("{field} = {value}\n"));
        } else {
            workspace.push_str(&format!("{field} = {value}\n"));
        }
    }
    let mut pool = String::new();
    for (name, spec) in &facts.pool {
        if spec == "*" {
            pool.push_str(&format!("{name} = \"*\"\n"));
        } else {
            pool.push_str(&format!("{name} = {{ path = \"{spec}\" }}\n"));
        }
    }
    let (file, text) = if facts.pyproject {
        let project = if project.contains("name =") {
            project
        } else {
            format!("name = \"workspace\"\n{project}")
        };
        (
            "pyproject.toml",
            format!(
                "[project]\n{project}\n[tool.pixi.workspace]\n{workspace}\n[tool.pixi.workspace.dependencies]\n{pool}"
            ),
        )
    } else {
        (
            "pixi.toml",
            format!("[workspace]\n{workspace}\n[workspace.dependencies]\n{pool}"),
        )
    };
    std::fs::write(dir.join(file), text).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
            let mut perms = std::fs::metadata(&target).unwrap().permissions();
            #[allow(clippy::permissions_set_readonly_false)]
            perms.set_readonly(false);
            std::fs::set_permissions(&target, perms).unwrap();
        }
    }
}

#[test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn every_case_agrees_with_pixi() {
    let Some(shared) = paths::shared_dir() else {
        eprintln!("../shared/conformance not present: conformance test skipped");
        return;
    };
    let dir = shared.join("conformance");
    let cases = cases(&dir);
    let facts = workspace_facts();
    let decisions: HashMap<String, (String, Option<u64>)> =
        tsv(&paths::repo_root().join("tests/conformance/decisions.tsv"))
            .into_iter()
            .map(|c| (c[0].clone(), (c[1].clone(), c[2].parse().ok())))
            .collect();
    for id in facts.keys().chain(decisions.keys()) {
        assert!(
            cases.iter().any(|c| &c.id == id),
            "tests/conformance names a case that is not in ../shared/conformance: {id}"
        );
    }

    let root = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, &Case)> = Vec::new();
    for case in &cases {
        let case_dir = root.path().join(&case.id);
        let manifest_dir = match facts.get(&case.id) {
            Some(f) => {
                std::fs::create_dir_all(&case_dir).unwrap();
                write_workspace(&case_dir, f);
                case_dir.join("package")
            }
            None => case_dir.clone(),
        };
        copy_dir(&dir.join("cases").join(&case.id), &manifest_dir);
        files.push((manifest_dir.join(&case.file), case));
    }
    let out = Command::new(common::binary())
        .args(["check", "--format", "json"])
        .args(files.iter().map(|(p, _)| p))
        .output()
        .unwrap();
    let diagnostics: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });

    let mut disagreements = Vec::new();
    for (path, case) in &files {
        let path = path.display().to_string();
        let errors: Vec<&Value> = diagnostics
            .iter()
            .filter(|d| d["file"] == path.as_str() && d["severity"] == "error")
            .collect();
        let (expect, line) = match decisions.get(&case.id) {
            Some((verdict, line)) => (verdict.as_str(), *line),
            None => (case.expect.as_str(), case.line),
        };
        let got = if errors.is_empty() { "valid" } else { "error" };
        if got != expect {
            let first = errors.first().map(|e| e["message"].to_string());
            disagreements.push(format!(
                "{}: pixi says {expect} ({}), pixi-lsp says {got} {}",
                case.id,
                case.message,
                first.unwrap_or_default()
            ));
            continue;
        }
        if let (Some(line), "error") = (line, expect) {
            // pixi's message may carry several labels; the line it points at can be any
            // of them, which we keep as related locations.
            let lines: Vec<u64> = errors
                .iter()
                .flat_map(|e| {
                    let related = e["related"].as_array().cloned().unwrap_or_default();
                    std::iter::once(e["line"].as_u64())
                        .chain(related.into_iter().map(|r| r["line"].as_u64()))
                })
                .flatten()
                .collect();
            if !lines.contains(&line) {
                disagreements.push(format!(
                    "{}: pixi points at line {line} ({}), pixi-lsp at {lines:?}",
                    case.id, case.message
                ));
            }
        }
    }
    assert!(cases.len() >= 400, "only {} cases found", cases.len());
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree with pixi:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

/// The cases whose `build-variants-files` pixi's repository has beside the manifest but the
/// case directory does not (`decisions.tsv`): with a file in each format written there,
/// the same manifests are valid, so the error is about the missing file alone.
#[test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn variant_file_cases_are_valid_with_their_files() {
    let Some(shared) = paths::shared_dir() else {
        eprintln!("../shared/conformance not present: conformance test skipped");
        return;
    };
    // rattler-build's two formats: `if`/`then` items, and `# [selector]` lines in a file
    // named conda_build_config.yaml.
    let variants = "package3:\n  - if: unix\n    then: [\"1.0\"]\n  - \"2.0\"\n";
    let legacy = "package3:\n  - 1.0  # [unix]\n  - 2.0\n";
    let cases = [
        (
            "data--pixi-build--build-variant-files-python",
            "config.yaml",
        ),
        (
            "data--pixi-build--build-variant-files-rattler-build",
            "config.yaml",
        ),
        (
            "data--pixi-build--build-variant-conda-config-python",
            "conda_build_config.yaml",
        ),
        (
            "data--pixi-build--build-variant-conda-config-rattler-build",
            "conda_build_config.yaml",
        ),
    ];
    let root = tempfile::tempdir().unwrap();
    let mut manifests = Vec::new();
    for (id, file) in cases {
        let dir = root.path().join(id);
        copy_dir(&shared.join("conformance/cases").join(id), &dir);
        let text = std::fs::read_to_string(dir.join("pixi.toml")).unwrap();
        assert!(
            text.contains(&format!("\"./corp-pinning/{file}\"")),
            "{id} no longer names corp-pinning/{file}"
        );
        std::fs::create_dir_all(dir.join("corp-pinning")).unwrap();
        let content = if file == "config.yaml" {
            variants
        } else {
            legacy
        };
        std::fs::write(dir.join("corp-pinning").join(file), content).unwrap();
        manifests.push(dir.join("pixi.toml"));
    }
    let run = |paths: &[PathBuf]| -> Vec<Value> {
        let out = Command::new(common::binary())
            .args(["check", "--format", "json"])
            .args(paths)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let errors: Vec<Value> = run(&manifests)
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty(),
        "errors with the files present: {errors:#?}"
    );
    // And without them, pixi's error at the entry.
    for (id, file) in cases {
        std::fs::remove_file(root.path().join(id).join("corp-pinning").join(file)).unwrap();
    }
    let missing = run(&manifests);
    for (manifest, (id, file)) in manifests.iter().zip(cases) {
        let expected = format!(
            "'{}/./corp-pinning/{file}' does not exist",
            root.path().join(id).display()
        );
        assert!(
            missing
                .iter()
                .any(|d| d["file"] == manifest.display().to_string().as_str()
                    && d["severity"] == "error"
                    && d["line"] == 2
                    && d["message"].as_str().unwrap().starts_with(&expected)),
            "{id}: no error '{expected}' at line 2 in {missing:#?}"
        );
    }
}
