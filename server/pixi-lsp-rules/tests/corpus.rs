//! pixi's oracle: every manifest of the shared corpus that pixi accepts (and pixi's own
//! valid examples) must get no error from `check`; the ones pixi rejects must get one.

mod common;

use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.is_dir().then_some(dir)
}

#[test]
#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn corpus_has_no_false_errors_and_catches_rejected_manifests() {
    let Some(shared) = shared() else {
        eprintln!("note: ../../../shared is absent; corpus test skipped");
        return;
    };
    let sources = std::fs::read_to_string(shared.join("corpus/SOURCES.tsv")).expect("SOURCES.tsv");
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in sources.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(file), Some(expect)) = (cols.first(), cols.get(5)) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(shared.join("corpus").join(file)) else {
            continue;
        };
        checked += 1;
        let diags = common::diagnostics(&text, common::kind_for(file));
        let errors = common::errors(&diags);
        match *expect {
            "valid" if !errors.is_empty() => failures.push(format!(
                "{file}: false errors\n{}",
                common::render(&text, &diags)
            )),
            "error" if errors.is_empty() => {
                failures.push(format!("{file}: pixi rejects it but we report no error"))
            }
            _ => {}
        }
    }
    let examples = shared.join("docs/reference/examples/valid");
    for entry in std::fs::read_dir(examples).into_iter().flatten().flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        checked += 1;
        let diags = common::diagnostics(&text, pixi_lsp_rules::ManifestKind::Pixi);
        if !common::errors(&diags).is_empty() {
            failures.push(format!(
                "{}: false errors\n{}",
                path.display(),
                common::render(&text, &diags)
            ));
        }
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
