//! Fixture tests: `$0` marks the cursor; each result is shown as its line with the range
//! between `«` and `»`.

use std::sync::Arc;

use expect_test::{Expect, expect};
use pixi_lsp_syntax::TextRange;

use super::{NavFile, NavTarget};
use crate::{
    AnalysisContext, FileAnalysis, FileFacts, FileKind, PathFact, PathKind, WorkspaceManifest,
};

fn analysis_with(kind: FileKind, fixture: &str, context: AnalysisContext) -> (FileAnalysis, usize) {
    let (text, offset) = pixi_lsp_test_utils::fixture::cursor(fixture);
    (
        FileAnalysis::with_context(kind, Arc::from(text), context),
        offset,
    )
}

fn analysis(fixture: &str) -> (FileAnalysis, usize) {
    analysis_with(FileKind::PixiToml, fixture, AnalysisContext::default())
}

/// `line: text with «range»`.
fn mark(text: &str, r: TextRange) -> String {
    let start = text[..r.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let end = text[r.end as usize..]
        .find('\n')
        .map_or(text.len(), |i| r.end as usize + i);
    let line = text[..start].matches('\n').count();
    format!(
        "{line}: {}«{}»{}\n",
        &text[start..r.start as usize],
        &text[r.as_usize()],
        &text[r.end as usize..end]
    )
}

fn render_targets(a: &FileAnalysis, targets: &[NavTarget]) -> String {
    targets
        .iter()
        .map(|t| match &t.file {
            NavFile::Current => mark(a.text(), t.range),
            NavFile::Other {
                path,
                text: Some(text),
            } => format!("{} {}", path.display(), mark(text, t.range)),
            NavFile::Other { path, text: None } => {
                format!("{} {:?}\n", path.display(), t.range)
            }
        })
        .collect()
}

fn check_definition(fixture: &str, expect: Expect) {
    let (a, offset) = analysis(fixture);
    expect.assert_eq(&render_targets(&a, &a.definition(offset)));
}

fn check_references(fixture: &str, expect: Expect) {
    let (a, offset) = analysis(fixture);
    let out: String = a
        .references(offset, true)
        .iter()
        .map(|r| mark(a.text(), *r))
        .collect();
    expect.assert_eq(&out);
}

/// The renamed text, or the refusal.
fn check_rename(kind: FileKind, fixture: &str, new_name: &str, expect: Expect) {
    let (a, offset) = analysis_with(kind, fixture, AnalysisContext::default());
    let out = match a.rename(offset, new_name) {
        Ok(edits) => {
            let mut text = a.text().to_string();
            for e in edits.iter().rev() {
                text.replace_range(e.range.as_usize(), &e.new_text);
            }
            text
        }
        Err(e) => format!("refused: {}", e.0),
    };
    expect.assert_eq(&out);
}

const FEATURES: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[feature.test.dependencies]
pytest = "*"

[feature.test.tasks]
test = "pytest"

[feature.lint]
dependencies = { ruff = "*" }

[environments]
test = ["test"]
dev = { features = ["te$0st", "lint"], solve-group = "main" }
ci = { features = ["lint"], solve-group = "main" }
"#;

#[test]
fn feature_use_goes_to_every_table_of_the_feature() {
    check_definition(
        FEATURES,
        expect![[r#"
            4: [feature.«test».dependencies]
            7: [feature.«test».tasks]
        "#]],
    );
}

#[test]
fn feature_table_goes_to_the_environments_that_use_it() {
    check_definition(
        &FEATURES
            .replace("$0", "")
            .replace("[feature.lint]", "[feature.li$0nt]"),
        expect![[r#"
            15: dev = { features = ["test", «"lint"»], solve-group = "main" }
            16: ci = { features = [«"lint"»], solve-group = "main" }
        "#]],
    );
}

#[test]
fn feature_references_include_definitions_and_uses() {
    check_references(
        FEATURES,
        expect![[r#"
            4: [feature.«test».dependencies]
            7: [feature.«test».tasks]
            14: test = [«"test"»]
            15: dev = { features = [«"test"», "lint"], solve-group = "main" }
        "#]],
    );
}

#[test]
fn solve_groups_reference_each_other() {
    check_definition(
        &FEATURES.replace("$0", "").replace(
            "solve-group = \"main\" }\nci",
            "solve-group = \"ma$0in\" }\nci",
        ),
        expect![[r#"
            16: ci = { features = ["lint"], solve-group = «"main"» }
        "#]],
    );
}

const TASKS: &str = r#"[tasks]
build = "make"
test = { cmd = "pytest", depends-on = ["bu$0ild"] }

[target.linux-64.tasks]
build = "make -j8"

[feature.docs.tasks]
docs = { cmd = "mkdocs build", depends-on = [{ task = "build" }, "test"] }
serve = { depends_on = "docs" }
"#;

#[test]
fn depends_on_goes_to_every_definition_of_the_task() {
    check_definition(
        TASKS,
        expect![[r#"
            1: «build» = "make"
            5: «build» = "make -j8"
        "#]],
    );
}

#[test]
fn task_definition_goes_to_its_uses_across_features() {
    check_definition(
        &TASKS
            .replace("$0", "")
            .replace("\ndocs = {", "\ndo$0cs = {"),
        expect![[r#"
            9: serve = { depends_on = «"docs"» }
        "#]],
    );
    check_references(
        &TASKS
            .replace("$0", "")
            .replace("build = \"make\"", "bu$0ild = \"make\""),
        expect![[r#"
            1: «build» = "make"
            2: test = { cmd = "pytest", depends-on = [«"build"»] }
            5: «build» = "make -j8"
            8: docs = { cmd = "mkdocs build", depends-on = [{ task = «"build"» }, "test"] }
        "#]],
    );
}

#[test]
fn nothing_to_find_off_names() {
    check_definition("[tasks]\nbuild = \"ma$0ke\"\n", expect![[""]]);
    check_definition("[workspace]\nname = \"x$0\"\n", expect![[""]]);
}

#[test]
fn rename_a_feature_everywhere_and_nothing_else() {
    check_rename(
        FileKind::PixiToml,
        FEATURES,
        "tests",
        expect![[r#"
            [workspace]
            channels = ["conda-forge"]
            platforms = ["linux-64"]

            [feature.tests.dependencies]
            pytest = "*"

            [feature.tests.tasks]
            test = "pytest"

            [feature.lint]
            dependencies = { ruff = "*" }

            [environments]
            test = ["tests"]
            dev = { features = ["tests", "lint"], solve-group = "main" }
            ci = { features = ["lint"], solve-group = "main" }
        "#]],
    );
}

#[test]
fn rename_a_task_in_pyproject_keeps_quotes_and_form() {
    let fixture = r#"[project]
name = "x"

[tool.pixi.workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[tool.pixi.tasks]
"bu$0ild" = "make"
test = { cmd = "pytest", depends-on = ['build'] }

[tool.pixi.feature.docs.tasks]
docs = { cmd = "mkdocs", depends-on = [{ task = "build" }] }
"#;
    check_rename(
        FileKind::PyprojectToml,
        fixture,
        "compile",
        expect![[r#"
            [project]
            name = "x"

            [tool.pixi.workspace]
            channels = ["conda-forge"]
            platforms = ["linux-64"]

            [tool.pixi.tasks]
            "compile" = "make"
            test = { cmd = "pytest", depends-on = ['compile'] }

            [tool.pixi.feature.docs.tasks]
            docs = { cmd = "mkdocs", depends-on = [{ task = "compile" }] }
        "#]],
    );
    // A name that needs quoting gets them from toml_edit.
    check_rename(
        FileKind::PyprojectToml,
        &fixture.replace("\"bu$0ild\"", "bu$0ild"),
        "my task",
        expect![[r#"
            [project]
            name = "x"

            [tool.pixi.workspace]
            channels = ["conda-forge"]
            platforms = ["linux-64"]

            [tool.pixi.tasks]
            "my task" = "make"
            test = { cmd = "pytest", depends-on = ['my task'] }

            [tool.pixi.feature.docs.tasks]
            docs = { cmd = "mkdocs", depends-on = [{ task = "my task" }] }
        "#]],
    );
}

#[test]
fn rename_refuses_taken_reserved_and_invalid_names() {
    check_rename(
        FileKind::PixiToml,
        FEATURES,
        "lint",
        expect!["refused: A feature named 'lint' already exists"],
    );
    check_rename(
        FileKind::PixiToml,
        FEATURES,
        "default",
        expect!["refused: 'default' is reserved for the implicit feature"],
    );
    check_rename(
        FileKind::PixiToml,
        &FEATURES.replace("$0", "").replace("\ndev =", "\nd$0ev ="),
        "Dev Env",
        expect![
            "refused: 'Dev Env' is not a valid environment name: use only lowercase letters, numbers and dashes"
        ],
    );
    check_rename(
        FileKind::PixiToml,
        TASKS,
        "test",
        expect!["refused: A task named 'test' already exists"],
    );
    check_rename(
        FileKind::PixiToml,
        "[workspace]\nname = \"x$0\"\n",
        "y",
        expect!["refused: There is no feature, environment, task or solve group here to rename"],
    );
}

#[test]
fn rename_a_solve_group_and_an_environment() {
    let fixture = FEATURES
        .replace("$0", "")
        .replace("\"main\" }\nci", "\"ma$0in\" }\nci");
    check_rename(
        FileKind::PixiToml,
        &fixture,
        "shared",
        expect![[r#"
            [workspace]
            channels = ["conda-forge"]
            platforms = ["linux-64"]

            [feature.test.dependencies]
            pytest = "*"

            [feature.test.tasks]
            test = "pytest"

            [feature.lint]
            dependencies = { ruff = "*" }

            [environments]
            test = ["test"]
            dev = { features = ["test", "lint"], solve-group = "shared" }
            ci = { features = ["lint"], solve-group = "shared" }
        "#]],
    );
    let (a, offset) = analysis(&FEATURES.replace("$0", "").replace("\nci =", "\nc$0i ="));
    let target = a.prepare_rename(offset).unwrap();
    assert_eq!(
        (target.name.as_str(), &a.text()[target.range.as_usize()]),
        ("ci", "ci")
    );
}

const ROOT: &str = r#"[workspace]
name = "root"
version = "1.2.3"
channels = ["conda-forge"]
platforms = ["linux-64"]
preview = ["pixi-build"]

[workspace.dependencies]
zlib = ">=1.3"
"#;

#[test]
fn workspace_inheritance_goes_to_the_workspace_manifest() {
    let package = "[package]\nname = \"a\"\nversion = { workspace$0 = true }\n\n[package.build]\nbackend = { name = \"pixi-build-cmake\", version = \"*\" }\n\n[package.host-dependencies]\nzlib = { workspace = true }\n";
    let context = || AnalysisContext {
        workspace: Some(WorkspaceManifest::new(FileKind::PixiToml, Arc::from(ROOT)).in_dir("/ws")),
        ..AnalysisContext::default()
    };
    let (a, offset) = analysis_with(FileKind::PixiToml, package, context());
    expect![[r#"
        /ws/pixi.toml 2: «version» = "1.2.3"
    "#]]
    .assert_eq(&render_targets(&a, &a.definition(offset)));
    let moved = package.replace("$0", "").replace("zlib = {", "zl$0ib = {");
    let (a, offset) = analysis_with(FileKind::PixiToml, &moved, context());
    expect![[r#"
        /ws/pixi.toml 8: «zlib» = ">=1.3"
    "#]]
    .assert_eq(&render_targets(&a, &a.definition(offset)));
}

#[test]
fn workspace_inheritance_in_the_same_file_goes_both_ways() {
    let text = format!("{ROOT}\n[dependencies]\nzlib = {{ workspace = tr$0ue }}\n");
    check_definition(
        &text,
        expect![[r#"
            8: «zlib» = ">=1.3"
        "#]],
    );
    check_references(
        &text.replace("$0", "").replace("zlib = \">", "zl$0ib = \">"),
        expect![[r#"
            8: «zlib» = ">=1.3"
            11: «zlib» = { workspace = true }
        "#]],
    );
}

#[test]
fn path_dependency_goes_to_the_package_manifest() {
    let fixture = format!(
        "{ROOT}\n[dependencies]\na = {{ path = \"packages/a$0\" }}\nb = {{ path = \"packages/b\" }}\n"
    );
    let mut files = FileFacts::default();
    let dir = |has_manifest| PathKind::Dir { has_manifest };
    files.insert(
        "packages/a",
        PathFact {
            resolved: "/ws/packages/a".to_owned(),
            kind: dir(true),
            manifest: Some("recipe.yaml".to_owned()),
        },
    );
    files.insert(
        "packages/b",
        PathFact {
            resolved: "/ws/packages/b".to_owned(),
            kind: dir(false),
            manifest: None,
        },
    );
    let context = AnalysisContext {
        files,
        ..AnalysisContext::default()
    };
    let (a, offset) = analysis_with(FileKind::PixiToml, &fixture, context.clone());
    expect![[r#"
        /ws/packages/a/recipe.yaml 0..0
    "#]]
    .assert_eq(&render_targets(&a, &a.definition(offset)));
    // A directory without a manifest leads nowhere.
    let moved = fixture
        .replace("$0", "")
        .replace("packages/b\"", "packages/$0b\"");
    let (a, offset) = analysis_with(FileKind::PixiToml, &moved, context);
    assert_eq!(a.definition(offset), []);
}

fn check_dependency_mentions(fixture: &str, expect: Expect) {
    let (a, offset) = analysis(fixture);
    let name = a.workspace_dependency_at(offset);
    let mut out = format!("{name:?}\n");
    for (_, m) in a.workspace_dependency_mentions(name.as_deref()) {
        let role = if m.declaration { "declaration" } else { "use" };
        out.push_str(&format!("{role} {}", mark(a.text(), m.range)));
    }
    expect.assert_eq(&out);
}

#[test]
fn a_workspace_dependency_is_named_by_its_entry_and_by_what_inherits_it() {
    check_dependency_mentions(
        r#"[workspace]
[workspace.dependencies]
zlib = ">=1.3"
cmake = "*"

[package.host-dependencies]
zl$0ib = { workspace = true }
cmake = { workspace = true }

[package.run-dependencies]
zlib = { workspace = true }
python = ">=3.12"
"#,
        expect![[r#"
            Some("zlib")
            declaration 2: «zlib» = ">=1.3"
            use 6: «zlib» = { workspace = true }
            use 10: «zlib» = { workspace = true }
        "#]],
    );
    // A package manifest without the workspace: only its uses; an ordinary entry is none.
    check_dependency_mentions(
        r#"[package.host-dependencies]
zlib = { workspace = true }
pyth$0on = ">=3.12"
"#,
        expect![[r#"
            None
            use 1: «zlib» = { workspace = true }
        "#]],
    );
}
