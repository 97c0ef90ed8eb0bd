//! Task lenses and hover over fixtures (`$0` marks the cursor).

use std::sync::Arc;

use expect_test::{Expect, expect};

use crate::{FileAnalysis, FileKind};

const MANIFEST: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[tasks]
configure = "cmake -B build"
build = { cmd = ["cmake", "--build", "build"], depends-on = ["configure"], inputs = ["src/**"], outputs = ["build/app"] }
test = { cmd = "ctest", depends-on = ["build"], description = "Run the tests" }

[feature.docs.tasks]
docs = { depends-on = [{ task = "build" }, "test"] }

[feature.lint.tasks]
lint = "ruff check"

[feature.unused.tasks]
orphan = "true"

[environments]
docs = ["docs"]
lint = { features = ["lint"], no-default-feature = true }
ci = ["docs", "lint"]
"#;

fn analysis(fixture: &str) -> (FileAnalysis, usize) {
    let (text, offset) = crate::tests::fixture(fixture);
    (
        FileAnalysis::new(FileKind::PixiToml, Arc::from(text)),
        offset,
    )
}

fn check_hover(fixture: &str, expect: Expect) {
    let (a, offset) = analysis(fixture);
    let info = a.hover(offset).unwrap().expect("a hover");
    expect.assert_eq(&format!(
        "{}\n{}",
        &a.text()[info.range.as_usize()],
        info.markdown
    ));
}

#[test]
fn lenses_run_each_task_where_environments_have_it() {
    let (a, _) = analysis(MANIFEST);
    let rendered: String = a
        .task_lenses()
        .iter()
        .map(|l| {
            format!(
                "{} | {} | {:?} | {:?}\n",
                &a.text()[l.range.as_usize()],
                l.title,
                l.environment,
                l.environments
            )
        })
        .collect();
    expect![[r#"
        configure | ▶ Run | None | []
        configure | Run in environment… | None | ["default", "docs", "ci"]
        build | ▶ Run | None | []
        build | Run in environment… | None | ["default", "docs", "ci"]
        test | ▶ Run | None | []
        test | Run in environment… | None | ["default", "docs", "ci"]
        docs | Run in environment… | None | ["docs", "ci"]
        lint | Run in environment… | None | ["lint", "ci"]
    "#]]
    .assert_eq(&rendered);
}

#[test]
fn hover_on_a_task_shows_command_chain_files_and_environments() {
    check_hover(
        &MANIFEST.replace("test = { cmd", "te$0st = { cmd"),
        expect![[r#"
            test
            **task `test`**

            Run the tests

            ```sh
            ctest
            ```

            *Runs first:* `configure` → `build`

            *Environments:* `default`, `docs`, `ci`"#]],
    );
    check_hover(
        &MANIFEST.replace("[{ task = \"build\" }", "[{ task = \"bu$0ild\" }"),
        expect![[r#"
            "build"
            **task `build`**

            ```sh
            cmake --build build
            ```

            *Runs first:* `configure`

            *Inputs:* `src/**`

            *Outputs:* `build/app`

            *Environments:* `default`, `docs`, `ci`"#]],
    );
    check_hover(
        &MANIFEST.replace("\ndocs = {", "\ndo$0cs = {"),
        expect![[r#"
            docs
            **task `docs`** — feature `docs`

            *Alias:* runs only the tasks it depends on

            *Runs first:* `configure` → `build` → `test`

            *Environments:* `docs`, `ci`"#]],
    );
    check_hover(
        &MANIFEST.replace("orphan =", "orp$0han ="),
        expect![[r#"
            orphan
            **task `orphan`** — feature `unused`

            ```sh
            true
            ```

            *Environments:* none (no environment includes this feature)"#]],
    );
}
