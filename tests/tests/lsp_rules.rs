//! Every rule, positive and negative, over stdio: the data files of the rules crate
//! (`server/pixi-lsp-rules/tests/data/{valid,invalid}`) are opened in the real server with
//! generic diagnostics off, and the published diagnostics must be exactly those in each
//! file's `.expected` (range, severity, code).

mod common;

use common::*;
use serde_json::json;

fn expected_lines(expected: &str) -> Vec<String> {
    expected
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            // `3:0-3:6 error[code] message` → `3:0-3:6 error code`
            let mut parts = l.splitn(3, ' ');
            let range = parts.next().unwrap_or("");
            let sev_code = parts.next().unwrap_or("");
            let (sev, code) = sev_code.split_once('[').unwrap_or((sev_code, ""));
            format!("{range} {sev} {}", code.trim_end_matches(']'))
        })
        .collect()
}

const FILE_SYSTEM_CODES: &[&str] = &["missing-path", "missing-file", "no-package-manifest"];

#[test]
fn every_rule_data_file_matches_over_stdio() {
    let data = pixi_lsp_tests::paths::repo_root().join("server/pixi-lsp-rules/tests/data");
    let mut c = server_with(json!({ "diagnostics": { "generic": false } }));
    // Real directories, so that what the server checks on disk (`path = "."`) exists.
    let root = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in ["valid", "invalid"] {
        let mut entries: Vec<_> = std::fs::read_dir(data.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let file_name = if stem.contains("pyproject") {
                "pyproject.toml"
            } else {
                "pixi.toml"
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let file = root.path().join(dir).join(&stem).join(file_name);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &text).unwrap();
            let uri = pixi_lsp_tests::client::file_uri(&file);
            let expected =
                std::fs::read_to_string(path.with_extension("expected")).unwrap_or_default();
            // What the server learns from the file system (missing paths) depends on where the
            // data files are copied to; `lsp_workspace.rs` tests those facts.
            let got: Vec<String> = render(&c.open(&uri, &text))
                .into_iter()
                .filter(|d| {
                    !FILE_SYSTEM_CODES
                        .iter()
                        .any(|code| d.ends_with(&format!(" {code}")))
                })
                .collect();
            let want = expected_lines(&expected);
            if got != want {
                failures.push(format!(
                    "{dir}/{stem}.toml\n  expected {want:#?}\n  got {got:#?}"
                ));
            }
            if dir == "invalid" && want.is_empty() {
                failures.push(format!(
                    "{dir}/{stem}.toml has no expected diagnostic: a negative test must expect one"
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} rule files");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
