//! Fixture tests: `check` formats a document (all of it, or the `$0…$0` range), compares
//! with the expected text, and checks that formatting the result again changes nothing.

use std::sync::Arc;

use expect_test::{Expect, expect};
use pixi_lsp_syntax::{NodeId, NodeKind, TextEdit, TextRange, Tree, parse};

use crate::{FileAnalysis, FileKind, FormatConfig};

fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = text.to_owned();
    for e in edits.iter().rev() {
        out.replace_range(e.range.as_usize(), &e.new_text);
    }
    out
}

fn format_with(
    kind: FileKind,
    text: &str,
    range: Option<TextRange>,
    config: &FormatConfig,
) -> String {
    let a = FileAnalysis::new(kind, Arc::from(text));
    let edits = a.format(range, config).expect("the document parses");
    apply(text, &edits)
}

/// Every value with its path and its text as written, to prove formatting kept them.
fn values(text: &str) -> Vec<String> {
    fn walk(tree: &Tree, text: &str, id: NodeId, path: &str, out: &mut Vec<String>) {
        match &tree.node(id).kind {
            NodeKind::Table(t) => {
                for e in &t.entries {
                    walk(tree, text, e.value, &format!("{path}.{}", e.key), out);
                }
            }
            NodeKind::Array(a) => {
                for (i, &item) in a.items.iter().enumerate() {
                    walk(tree, text, item, &format!("{path}[{i}]"), out);
                }
            }
            NodeKind::Scalar(_) => {
                out.push(format!("{path} = {}", &text[tree.range(id).as_usize()]))
            }
        }
    }
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}\n{text}", parsed.errors);
    let mut out = Vec::new();
    walk(&parsed.tree, text, parsed.tree.root(), "", &mut out);
    out
}

fn check_with(kind: FileKind, fixture: &str, config: &FormatConfig, expect: Expect) {
    let marks: Vec<usize> = fixture.match_indices("$0").map(|(i, _)| i).collect();
    let text = fixture.replace("$0", "");
    let range = (marks.len() == 2).then(|| TextRange::new(marks[0], marks[1] - 2));
    let once = format_with(kind, &text, range, config);
    expect.assert_eq(&once);
    assert_eq!(values(&text), values(&once), "formatting changed a value");
    // The same statements again: the range moved by what formatting removed or added.
    let again = range.map(|r| {
        let end = (r.end as usize + once.len()).saturating_sub(text.len());
        TextRange::new(r.start as usize, end)
    });
    let twice = format_with(kind, &once, again, config);
    assert_eq!(once, twice, "formatting is not idempotent");
}

fn check(fixture: &str, expect: Expect) {
    check_with(
        FileKind::PixiToml,
        fixture,
        &FormatConfig::default(),
        expect,
    );
}

#[test]
fn normalises_spacing_and_keeps_values_byte_exact() {
    check(
        "[ workspace ]\nname   =   \"demo\"\n  version='0.1.0'\nchannels=[ \"conda-forge\" ,\"bioconda\", ]\n\n\n\nplatforms = [\"linux-64\"]   \n[ package . build ]\nbackend={name=\"pixi-build-python\",version = \"0.4.*\"}\nn = 0x1F\nd = 1979-05-27T07:32:00Z\nf = 1e3\n",
        expect![[r#"
            [workspace]
            name = "demo"
            version = '0.1.0'
            channels = ["conda-forge", "bioconda"]

            platforms = ["linux-64"]

            [package.build]
            backend = { name = "pixi-build-python", version = "0.4.*" }
            n = 0x1F
            d = 1979-05-27T07:32:00Z
            f = 1e3
        "#]],
    );
}

#[test]
fn keeps_comments_where_they_are() {
    check(
        "# top\n[workspace] # the workspace\n  # about channels\nchannels = [ # open\n    \"conda-forge\", # main\n  # a comment line\n\n  \"bioconda\"\n  ] # after\n# about tasks\n[tasks]\nrun = \"python\"   # run it   \n",
        expect![[r##"
            # top
            [workspace] # the workspace
            # about channels
            channels = [ # open
              "conda-forge", # main
              # a comment line

              "bioconda",
            ] # after

            # about tasks
            [tasks]
            run = "python"   # run it
        "##]],
    );
}

#[test]
fn multi_line_arrays_stay_expanded_one_item_per_line() {
    check(
        "[workspace]\nplatforms = [\"linux-64\", \"osx-arm64\",\n \"win-64\"]\nnested = [[1, 2], [\n3]]\nempty = [\n]\n",
        expect![[r#"
            [workspace]
            platforms = [
              "linux-64",
              "osx-arm64",
              "win-64",
            ]
            nested = [[1, 2], [
              3,
            ]]
            empty = []
        "#]],
    );
}

#[test]
fn inline_tables_are_never_split_and_multi_line_ones_are_kept() {
    check(
        "[dependencies]\na = {version=\">=1\",channel=\"conda-forge\"}\nb = { version = \"1\",\n  build = \"py*\" }\nc = {}\nd = { path = \".\", extras = [\"x\", \"y\"] }\n",
        expect![[r#"
            [dependencies]
            a = { version = ">=1", channel = "conda-forge" }
            b = { version = "1",
              build = "py*" }
            c = {}
            d = { path = ".", extras = ["x", "y"] }
        "#]],
    );
}

#[test]
fn multi_line_strings_are_kept_as_written() {
    check(
        "[tasks]\nrun = \"\"\"\n  python   \n  -m x\"\"\"\nlit = '''\n a  '''\n",
        expect![[r#"
            [tasks]
            run = """
              python   
              -m x"""
            lit = '''
             a  '''
        "#]],
    );
}

#[test]
fn aligns_entries_when_asked() {
    let config = FormatConfig {
        align_entries: true,
        ..FormatConfig::default()
    };
    check_with(
        FileKind::PixiToml,
        "[dependencies]\npython = \">=3.11\"\nnumpy = \"*\"\n# a comment\nscikit-learn = \"*\"\n\nx = 1\nlonger-name = 2\n[tasks]\n\"ä\" = 1\nbb = 2\n",
        &config,
        expect![[r#"
            [dependencies]
            python       = ">=3.11"
            numpy        = "*"
            # a comment
            scikit-learn = "*"

            x           = 1
            longer-name = 2

            [tasks]
            "ä" = 1
            bb  = 2
        "#]],
    );
}

#[test]
fn indent_width_and_no_blank_line_between_tables() {
    let config = FormatConfig {
        indent_width: 4,
        blank_line_between_tables: false,
        ..FormatConfig::default()
    };
    check_with(
        FileKind::PixiToml,
        "[workspace]\nplatforms = [\n\"linux-64\"]\n[tasks]\n\n\n[[outputs]]\nname = \"a\"\n",
        &config,
        expect![[r#"
            [workspace]
            platforms = [
                "linux-64",
            ]
            [tasks]

            [[outputs]]
            name = "a"
        "#]],
    );
}

#[test]
fn keeps_crlf_line_endings() {
    let text = "[workspace]\r\nname =  \"x\"\r\nplatforms = [\r\n\"linux-64\"]\r\n";
    let out = format_with(FileKind::PixiToml, text, None, &FormatConfig::default());
    assert_eq!(
        out,
        "[workspace]\r\nname = \"x\"\r\nplatforms = [\r\n  \"linux-64\",\r\n]\r\n"
    );
}

#[test]
fn range_formatting_touches_only_the_statements_in_range() {
    check(
        "[workspace]\nname   =   \"demo\"\n$0channels=[ \"conda-forge\" ]\n$0platforms   =   []\n",
        expect![[r#"
            [workspace]
            name   =   "demo"
            channels = ["conda-forge"]
            platforms   =   []
        "#]],
    );
}

#[test]
fn pyproject_formats_only_the_pixi_tables() {
    check_with(
        FileKind::PyprojectToml,
        "[project]\nname   =   \"demo\"\n[tool.pixi.workspace]\nchannels=[ \"conda-forge\" ]\n[tool.ruff]\nline-length   = 100\n[tool.pixi.tasks]\nrun   =   \"x\"\n",
        &FormatConfig::default(),
        expect![[r#"
            [project]
            name   =   "demo"

            [tool.pixi.workspace]
            channels = ["conda-forge"]
            [tool.ruff]
            line-length   = 100

            [tool.pixi.tasks]
            run = "x"
        "#]],
    );
}

#[test]
fn refuses_a_document_with_syntax_errors_and_leaves_a_formatted_one_alone() {
    let broken = FileAnalysis::new(
        FileKind::PixiToml,
        Arc::from("[workspace\nname =   \"x\"\n"),
    );
    assert_eq!(broken.format(None, &FormatConfig::default()), None);
    let clean = FileAnalysis::new(FileKind::PixiToml, Arc::from("[workspace]\nname = \"x\"\n"));
    assert_eq!(
        clean.format(None, &FormatConfig::default()),
        Some(Vec::new())
    );
}

#[test]
fn the_edit_is_minimal() {
    let text = "[workspace]\nname = \"x\"\nchannels  = []\nplatforms = []\n";
    let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
    let edits = a.format(None, &FormatConfig::default()).unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(&text[edits[0].range.as_usize()], " ");
    assert_eq!(edits[0].new_text, "");
}
