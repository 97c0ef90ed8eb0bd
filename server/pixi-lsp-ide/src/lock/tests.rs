//! Lock facts against manifests: diagnostics, hints, hover, the pin action.

use std::sync::Arc;

use expect_test::{Expect, expect};
use pixi_lsp_syntax::TextRange;

use super::{LockFacts, LockState, LockedPackage};
use crate::{DiagnosticsConfig, FileAnalysis, FileKind};

const MANIFEST: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64", "win-64"]

[dependencies]
zlib = ">=1.3"
python = "3.12.*"
numpy = { version = ">=2" }
missing = "*"

[target.win-64.dependencies]
vc = "*"

[pypi-dependencies]
Flask_Login = "*"

[feature.docs.dependencies]
mkdocs = "*"

[environments]
docs = ["docs"]
lint = []
"#;

fn conda(name: &str, version: &str, build: &str) -> LockedPackage {
    LockedPackage {
        name: name.to_owned(),
        version: version.to_owned(),
        build: Some(build.to_owned()),
        pypi: false,
    }
}

fn facts() -> LockFacts {
    let base = |zlib: &str| {
        vec![
            conda("zlib", zlib, "h0"),
            conda("python", "3.12.4", "h1"),
            conda("numpy", "1.26.4", "py312"),
            LockedPackage {
                name: "flask-login".to_owned(),
                version: "0.6.3".to_owned(),
                build: None,
                pypi: true,
            },
        ]
    };
    let mut f = LockFacts::default();
    for env in ["default", "docs"] {
        let mut platforms = std::collections::BTreeMap::new();
        platforms.insert("linux-64".to_owned(), base("1.3.1"));
        platforms.insert("osx-arm64".to_owned(), base("1.3.1"));
        let mut docs = base("1.3.1");
        if env == "docs" {
            docs.push(conda("mkdocs", "1.6.0", "pyh0"));
            platforms.insert("linux-64".to_owned(), docs);
        }
        f.environments.insert(env.to_owned(), platforms);
    }
    f.sorted()
}

fn analysis(text: &str, state: LockState) -> FileAnalysis {
    let context = crate::AnalysisContext {
        lock: Some(Arc::new(state)),
        ..Default::default()
    };
    FileAnalysis::with_context(FileKind::PixiToml, Arc::from(text), context)
}

fn check_diagnostics(text: &str, state: LockState, expect: Expect) {
    let a = analysis(text, state);
    let out: String = a
        .diagnostics(&DiagnosticsConfig::default())
        .unwrap()
        .iter()
        .filter(|d| d.code.starts_with("lock-"))
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
    expect.assert_eq(&out);
}

#[test]
fn diagnostics_say_where_the_lock_no_longer_satisfies_the_manifest() {
    check_diagnostics(
        MANIFEST,
        LockState::Loaded(facts()),
        expect![[r#"
            info "win-64" [lock-missing-platform] platform `win-64` is not in pixi.lock
            info ">=2" [lock-unsatisfied] pixi.lock has `numpy` 1.26.4 (default: linux-64, osx-arm64; docs: linux-64, osx-arm64), which `>=2` does not admit
            info missing [lock-missing-package] `missing` is not locked in pixi.lock (default: linux-64, osx-arm64; docs: linux-64, osx-arm64)
            info mkdocs [lock-missing-package] `mkdocs` is not locked in pixi.lock (docs: osx-arm64)
            info lint [lock-missing-environment] environment `lint` is not in pixi.lock
        "#]],
    );
}

#[test]
fn an_unreadable_lock_is_one_warning_and_a_package_manifest_is_not_compared() {
    check_diagnostics(
        MANIFEST,
        LockState::Unreadable("expected a mapping at line 3".to_owned()),
        expect![[r#"
            warning [workspace] [lock-unreadable] pixi.lock could not be read: expected a mapping at line 3
        "#]],
    );
    check_diagnostics(
        "[package]\nname = \"a\"\n\n[package.build]\nbackend = { name = \"b\", version = \"*\" }\n\n[package.run-dependencies]\nzlib = \">=9\"\n",
        LockState::Loaded(facts()),
        expect![[""]],
    );
}

#[test]
fn hints_and_hover_show_the_locked_versions() {
    let a = analysis(MANIFEST, LockState::Loaded(facts()));
    let hints: String = a
        .lock_hints(TextRange::new(0, MANIFEST.len()))
        .iter()
        .map(|h| {
            let line = MANIFEST[..h.offset].rsplit('\n').next().unwrap_or("");
            format!("{line}{}\n", h.label)
        })
        .collect();
    expect![[r#"
        zlib = ">=1.3" 🔒 1.3.1
        python = "3.12.*" 🔒 3.12.4
        numpy = { version = ">=2" 🔒 1.26.4
        Flask_Login = "*" 🔒 0.6.3
        mkdocs = "*" 🔒 1.6.0
    "#]]
    .assert_eq(&hints);
    let at = MANIFEST.find("numpy").unwrap() + 1;
    let hover = a.hover(at).unwrap().expect("hover");
    expect![[r#"
        **`dependencies.numpy`**

        *Type:* a string or a table

        A conda dependency: a version spec string such as `">=1.2"`, or a table with more detail.

        ---

        **numpy** in pixi.lock

        - `1.26.4` `py312` — default: linux-64, osx-arm64; docs: linux-64, osx-arm64"#]]
    .assert_eq(&hover.markdown);
}

#[test]
fn pin_to_the_locked_version() {
    let a = analysis(MANIFEST, LockState::Loaded(facts()));
    let at = MANIFEST.find("zlib").unwrap();
    let actions = a
        .code_actions(TextRange::new(at, at), &DiagnosticsConfig::default())
        .unwrap();
    let pin = actions
        .iter()
        .find(|x| x.title.starts_with("Pin `zlib`"))
        .expect("a pin action");
    assert_eq!(pin.title, "Pin `zlib` to the locked version (`==1.3.1`)");
    let mut text = MANIFEST.to_owned();
    text.replace_range(pin.edits[0].range.as_usize(), &pin.edits[0].new_text);
    assert!(text.contains("zlib = \"==1.3.1\"\n"), "{text}");
    // Nothing to pin where the lock has nothing.
    let at = MANIFEST.find("missing").unwrap();
    let actions = a
        .code_actions(TextRange::new(at, at), &DiagnosticsConfig::default())
        .unwrap();
    assert!(!actions.iter().any(|x| x.title.starts_with("Pin `missing`")));
}
