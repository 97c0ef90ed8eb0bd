//! Raw pipes, hand-written lines: pins the wire format without our types.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::support::{EXE, Fixture};

fn exchange(lines: &[String]) -> Vec<Value> {
    let mut child = Command::new(EXE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = BufReader::new(child.stdout.take().unwrap());
    let responses = out
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert!(child.wait().unwrap().success());
    responses
}

#[test]
fn speaks_the_documented_wire_format() {
    let fx = Fixture::new();
    let root = fx.root().display().to_string();
    let lines = [
        r#"{"jsonrpc": "2.0", "id": 0, "method": "conda/outputs", "params": {}}"#.to_owned(),
        r#"{"jsonrpc": "2.0", "id": 1, "method": "negotiateCapabilities", "params": {"capabilities": {}}}"#.to_owned(),
        "Content-Length: 10".to_owned(),
        json!({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"manifestPath": format!("{root}/pixi.toml"), "projectModel": {"name": "pkg", "version": "0.1.0"}}}).to_string(),
        r#"{"jsonrpc": "2.0", "method": "initialize", "params": {}}"#.to_owned(),
        json!({"jsonrpc": "2.0", "id": 3, "method": "conda/outputs", "params": {"channels": [], "hostPlatform": "linux-64", "buildPlatform": "linux-64", "variantConfiguration": {"python": ["3.12"]}, "variantFiles": null, "workDirectory": format!("{root}/work")}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 4, "method": "conda/build_v1", "params": {"output": {"name": "pkg", "subdir": "noarch"}, "workDirectory": format!("{root}/bld")}}).to_string(),
        json!({"jsonrpc": "2.0", "id": 5, "method": "conda/build_v1", "params": {"extraDependencies": {}, "output": {"name": "pkg", "version": "0.1.0", "build": "h4616a5c_0", "subdir": "noarch", "variant": {"target_platform": "noarch"}}, "workDirectory": format!("{root}/bld"), "outputDirectory": null, "packageFormat": {"archiveType": "conda", "compressionLevel": "lowest"}}}).to_string(),
        r#"{"jsonrpc": "2.0", "id": 6, "method": "conda/getMetadata", "params": {}}"#.to_owned(),
    ];
    let r = exchange(&lines);
    assert_eq!(r.len(), 8, "{r:#?}");
    assert_eq!(r[0]["error"]["code"], -32600);
    assert_eq!(
        r[1]["result"],
        json!({"capabilities": {"providesCondaOutputs": true, "providesCondaBuildV1": true}})
    );
    assert_eq!(
        (r[2]["id"].clone(), r[2]["error"]["code"].clone()),
        (Value::Null, json!(-32700))
    );
    assert_eq!(r[3], json!({"jsonrpc": "2.0", "result": {}, "id": 2}));
    let output = &r[4]["result"]["outputs"][0];
    assert_eq!(output["metadata"]["buildNumber"], 0);
    assert_eq!(output["runExports"]["weakConstrains"], json!([]));
    assert_eq!(
        output["ignoreRunExports"],
        json!({"byName": [], "fromPackage": []})
    );
    assert_eq!(r[5]["error"]["code"], -32602);
    assert!(
        r[5]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("missing field `extraDependencies`")
    );
    let built = &r[6]["result"];
    assert_eq!(
        built["output_file"],
        format!("{root}/bld/output/noarch/pkg-0.1.0-h4616a5c_0.conda")
    );
    assert!(built.get("input_globs").is_some() && built.get("inputGlobs").is_none());
    assert_eq!(r[7]["error"]["code"], -32601);
    let variants = std::fs::read_to_string(fx.root().join("work/debug/variants.yaml")).unwrap();
    assert_eq!(variants, "python:\n- '3.12'\n");
}
