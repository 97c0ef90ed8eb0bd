//! Directory tests: every `tests/data/{valid,invalid}/*.toml` is checked and its rendered
//! diagnostics compared with the `.expected` file beside it (`UPDATE_EXPECT=1` rewrites
//! them). `valid/` files must have no error, `invalid/` files at least one.

mod common;

use std::path::Path;

#[test]
fn data_files_match_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in ["valid", "invalid"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("tests/data dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        {
            count += 1;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("readable");
            let diags = common::diagnostics(&text, common::kind_for(&name));
            let rendered = common::render(&text, &diags);
            let errors = common::errors(&diags).len();
            if dir == "valid" && errors > 0 {
                failures.push(format!("{dir}/{name}: expected no error, got\n{rendered}"));
            }
            if dir == "invalid" && diags.is_empty() {
                failures.push(format!("{dir}/{name}: expected diagnostics, got none"));
            }
            let expected_path = path.with_extension("expected");
            if update {
                std::fs::write(&expected_path, &rendered).expect("writable");
                continue;
            }
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != rendered {
                failures.push(format!("{dir}/{name}: diagnostics differ\n--- expected\n{expected}--- actual\n{rendered}"));
            }
        }
    }
    assert!(count > 0, "no data files found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
