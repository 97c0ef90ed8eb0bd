use pixi_lsp_syntax::{PathSeg, TextRange, parse};

use crate::Schema;

const SCHEMA: &str = r##"{
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "workspace": { "$ref": "#/$defs/Workspace" },
    "project": { "$ref": "#/$defs/Workspace", "deprecated": true, "x-deprecated-message": "use [workspace]" },
    "dependencies": { "type": "object", "additionalProperties": { "$ref": "#/$defs/Spec" } },
    "package": { "type": "object", "required": ["build"], "properties": { "build": { "type": "object" } } }
  },
  "$defs": {
    "Workspace": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "name": { "type": "string", "description": "The name." },
        "channels": { "type": "array", "items": { "type": "string" }, "minItems": 1 },
        "channel-priority": { "enum": ["strict", "disabled"] },
        "build-number": { "type": "integer", "minimum": 0 }
      }
    },
    "Spec": {
      "anyOf": [
        { "type": "string", "minLength": 1 },
        { "type": "object", "additionalProperties": false, "properties": { "version": { "type": "string" }, "path": { "type": "string" } } }
      ]
    }
  }
}"##;

fn check(text: &str) -> String {
    let schema = Schema::from_json_str(SCHEMA).unwrap();
    let parse = parse(text);
    assert!(parse.errors.is_empty(), "{:?}", parse.errors);
    let mut out = Vec::new();
    schema.validate(
        &parse.tree,
        parse.tree.root(),
        TextRange::default(),
        schema.root(),
        &mut out,
    );
    out.iter()
        .map(|d| {
            format!(
                "{} {} [{}] {}",
                d.severity.as_str(),
                &text[d.range.as_usize()],
                d.code,
                d.message.lines().next().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn valid_document_has_no_errors() {
    assert_eq!(
        check(
            "[workspace]\nname = \"x\"\nchannels = [\"conda-forge\"]\n[dependencies]\npython = \">=3\"\nfoo = { version = \"1\" }\n"
        ),
        ""
    );
}

#[test]
fn unknown_keys_at_the_key_with_suggestion() {
    assert_eq!(
        check("[workspace]\nnmae = \"x\"\n"),
        "error nmae [unknown-key] 'nmae' was not expected here. Did you mean 'name'?"
    );
}

#[test]
fn type_errors_at_the_value() {
    assert_eq!(
        check("[workspace]\nname = 3\n"),
        "error 3 [type-mismatch] expected a string, found integer"
    );
}

#[test]
fn any_of_reports_closest_branch() {
    assert_eq!(
        check("[dependencies]\nfoo = { versoin = \"1\" }\n"),
        "error versoin [unknown-key] 'versoin' was not expected here. Did you mean 'version'?"
    );
    assert_eq!(
        check("[dependencies]\nfoo = 3\n"),
        "error 3 [type-mismatch] expected a string or a table, found integer"
    );
}

#[test]
fn enum_and_minimums() {
    assert_eq!(
        check("[workspace]\nchannel-priority = \"strickt\"\nbuild-number = -1\nchannels = []\n"),
        "error \"strickt\" [invalid-value] Expected one of 'strict', 'disabled'\nerror -1 [invalid-value] must be at least 0\nerror [] [invalid-value] must not be empty"
    );
}

#[test]
fn missing_required_at_header_and_deprecation() {
    assert_eq!(
        check("[package]\nname = \"x\"\n"),
        "error [package] [missing-key] missing field 'build' in table"
    );
    assert_eq!(
        check("[project]\nname = \"x\"\n"),
        "warning project [deprecated] use [workspace]"
    );
}

#[test]
fn navigation_finds_properties_and_docs() {
    let schema = Schema::from_json_str(SCHEMA).unwrap();
    let at = schema.at_path(schema.root(), &[PathSeg::Key("workspace".into())]);
    let names: Vec<String> = schema.properties(&at).into_iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        ["name", "channels", "channel-priority", "build-number"]
    );
    let name = schema.at_path(
        schema.root(),
        &[
            PathSeg::Key("workspace".into()),
            PathSeg::Key("name".into()),
        ],
    );
    assert_eq!(schema.description(&name), Some("The name."));
    let prio = schema.at_path(
        schema.root(),
        &[
            PathSeg::Key("project".into()),
            PathSeg::Key("channel-priority".into()),
        ],
    );
    assert_eq!(schema.enum_values(&prio).len(), 2);
}
