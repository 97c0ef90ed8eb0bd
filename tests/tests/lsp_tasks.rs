//! Tasks over stdio: a "▶ Run" lens on each task carrying `pixi-lsp.runTask` for the client
//! (the server neither advertises nor runs it), and hover with the task's command, chain
//! and environments.

mod common;

use common::*;
use serde_json::{Value, json};

const MANIFEST: &str = r#"[workspace]
channels = ["conda-forge"]
platforms = ["linux-64"]

[tasks]
build = "make"
test = { cmd = "pytest", depends-on = ["build"] }

[feature.docs.tasks]
docs = "mkdocs build"

[environments]
docs = ["docs"]
"#;

fn unresolved_lenses(c: &mut pixi_lsp_tests::client::Client, uri: &str) -> Vec<Value> {
    let result = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    result.as_array().cloned().unwrap_or_default()
}

/// The lenses as an editor shows them: those without a command resolved.
fn lenses(c: &mut pixi_lsp_tests::client::Client, uri: &str) -> Vec<Value> {
    unresolved_lenses(c, uri)
        .into_iter()
        .map(|l| match l["command"].is_null() {
            true => c.request("codeLens/resolve", l),
            false => l,
        })
        .collect()
}

#[test]
fn each_task_gets_a_run_lens_for_the_client() {
    let mut c = server();
    c.open(URI, MANIFEST);
    let lenses = lenses(&mut c, URI);
    let shown: Vec<String> = lenses
        .iter()
        .map(|l| {
            let args = &l["command"]["arguments"][0];
            format!(
                "{} {} {} {} {}",
                l["range"]["start"]["line"],
                l["command"]["title"].as_str().unwrap(),
                args["task"],
                args["environment"],
                args["environments"]
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "5 ▶ Run \"build\" null []",
            "5 Run in environment… \"build\" null [\"default\",\"docs\"]",
            "6 ▶ Run \"test\" null []",
            "6 Run in environment… \"test\" null [\"default\",\"docs\"]",
            "9 ▶ Run in docs \"docs\" \"docs\" []",
        ]
    );
    for l in &lenses {
        assert_eq!(l["command"]["command"], "pixi-lsp.runTask");
        assert_eq!(
            l["command"]["arguments"][0]["manifestPath"],
            "/work/project/pixi.toml"
        );
    }
    // The environments to pick from come on resolve, not with every lens.
    let unresolved = unresolved_lenses(&mut c, URI);
    let without: Vec<_> = unresolved
        .iter()
        .filter(|l| l["command"].is_null())
        .map(|l| l["range"]["start"]["line"].clone())
        .collect();
    assert_eq!(without, [json!(5), json!(6)]);
    // Resolved after an edit moved the lenses: the task is found by its name.
    let edited = MANIFEST.replace("[tasks]\n", "[tasks]\nlint = \"ruff\"\n");
    c.change(URI, 2, json!([{ "text": edited }]));
    let resolved = c.request("codeLens/resolve", unresolved[3].clone());
    assert_eq!(resolved["command"]["title"], "Run in environment…");
    assert_eq!(resolved["command"]["arguments"][0]["task"], "test");
    assert_eq!(
        resolved["command"]["arguments"][0]["environments"],
        json!(["default", "docs"])
    );
    // The client runs it: the server does not offer the command, and refuses to run it.
    let commands = &c.initialize_result["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        !commands
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "pixi-lsp.runTask"),
        "{commands}"
    );
    let response = c.request_raw(
        "workspace/executeCommand",
        json!({ "command": "pixi-lsp.runTask", "arguments": [lenses[0]["command"]["arguments"][0]] }),
    );
    assert!(response["error"].is_object(), "{response}");
}

#[test]
fn no_task_lens_without_tasks_or_without_a_file() {
    let mut c = server();
    c.open(URI, &VALID.replace("[package]", "[tasks]\n\n[package]"));
    assert!(
        lenses(&mut c, URI)
            .iter()
            .all(|l| l["command"]["command"] != "pixi-lsp.runTask")
    );
    // An unsaved buffer has no manifest path for `pixi run`.
    let untitled = "untitled:Untitled-1";
    c.open(untitled, MANIFEST);
    assert_eq!(lenses(&mut c, untitled), Vec::<Value>::new());
}

#[test]
fn hover_on_a_depends_on_shows_the_task() {
    let mut c = server();
    let (text, pos) = cursor(&MANIFEST.replace("[\"build\"]", "[\"bu$0ild\"]"));
    c.open(URI, &text);
    let hover = c.request("textDocument/hover", text_document_position(URI, &pos));
    let md = hover["contents"]["value"].as_str().expect("markdown");
    assert!(md.starts_with("**task `build`**"), "{md}");
    assert!(md.contains("```sh\nmake\n```"), "{md}");
    assert!(md.contains("*Environments:* `default`, `docs`"), "{md}");
}
