//! Every answer pixi's own backends gave (`../shared/upstream-backends`: `recorded/*/*/debug`
//! and `transcripts/*.json`) reads through our wire types. Needs `../shared` beside the
//! repository (CI has it); skipped with a note naming the folder when it is absent.

use std::path::{Path, PathBuf};

use pixi_lsp_build_types::{
    CondaBuildV1Params, CondaBuildV1Result, CondaOutputsParams, CondaOutputsResult,
    InitializeParams, InitializeResult, NegotiateCapabilitiesResult, NoArch, ProjectModel,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

#[allow(clippy::print_stderr)] // the skip note is for whoever runs the tests
fn upstream() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/upstream-backends");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "note: {} is absent; the upstream-backend recordings test is skipped",
            dir.display()
        );
        None
    }
}

fn read<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{what}: at {}: {e}", e.path()))
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Which type each file of a backend's debug directory is.
fn check_debug_file(path: &Path, failures: &mut Vec<String>) -> Option<Value> {
    let name = path.file_name()?.to_str()?;
    let known = [
        "conda_outputs_params.json",
        "conda_outputs_response.json",
        "conda_build_v1_params.json",
        "build_params.json",
        "conda_build_v1_response.json",
        "build_response.json",
        "project_model.json",
    ];
    if !known.contains(&name) {
        return None;
    }
    let what = path.display().to_string();
    let value = json(path);
    let result = match name {
        "conda_outputs_params.json" => read::<CondaOutputsParams>(&what, value.clone()).map(drop),
        "conda_outputs_response.json" => read::<CondaOutputsResult>(&what, value.clone()).map(drop),
        "conda_build_v1_params.json" | "build_params.json" => {
            read::<CondaBuildV1Params>(&what, value.clone()).map(drop)
        }
        "conda_build_v1_response.json" | "build_response.json" => {
            read::<CondaBuildV1Result>(&what, value.clone()).map(drop)
        }
        _ => read::<ProjectModel>(&what, value.clone()).map(drop),
    };
    if let Err(e) = result {
        failures.push(e);
    }
    Some(value)
}

#[test]
fn every_recorded_backend_answer_reads() {
    let Some(upstream) = upstream() else { return };
    let mut failures = Vec::new();
    let mut outputs_read = 0;
    let mut noarch_false = 0;
    for backend in std::fs::read_dir(upstream.join("recorded")).unwrap() {
        for case in std::fs::read_dir(backend.unwrap().path()).unwrap() {
            let debug = case.unwrap().path().join("debug");
            let Ok(files) = std::fs::read_dir(&debug) else {
                continue;
            };
            for file in files {
                let path = file.unwrap().path();
                let Some(value) = check_debug_file(&path, &mut failures) else {
                    continue;
                };
                if path.ends_with("conda_outputs_response.json")
                    && let Ok(result) = serde_json::from_value::<CondaOutputsResult>(value)
                {
                    outputs_read += 1;
                    noarch_false += result
                        .outputs
                        .iter()
                        .filter(|o| o.metadata.noarch == NoArch::No)
                        .count();
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The recordings hold a dozen answers, the architecture-specific ones with `noarch: false`.
    assert!(outputs_read >= 10, "only {outputs_read} outputs answers");
    assert!(
        noarch_false >= 4,
        "only {noarch_false} noarch: false outputs"
    );
}

#[test]
fn every_transcript_reads() {
    let Some(upstream) = upstream() else { return };
    let mut failures = Vec::new();
    let mut transcripts = 0;
    for file in std::fs::read_dir(upstream.join("transcripts")).unwrap() {
        let path = file.unwrap().path();
        transcripts += 1;
        let Value::Array(exchanges) = json(&path) else {
            panic!("{}: not an array", path.display())
        };
        assert!(!exchanges.is_empty(), "{}", path.display());
        for exchange in exchanges {
            let method = exchange["request"]["method"].as_str().unwrap().to_owned();
            let what = format!("{} {method}", path.display());
            let params = exchange["request"]["params"].clone();
            let result = exchange["response"]["result"].clone();
            assert!(
                exchange["response"].get("error").is_none(),
                "{what}: the transcript holds an error"
            );
            let checked = match method.as_str() {
                "negotiateCapabilities" => {
                    read::<NegotiateCapabilitiesResult>(&what, result).map(drop)
                }
                "initialize" => read::<InitializeParams>(&what, params)
                    .and_then(|_| read::<InitializeResult>(&what, result))
                    .map(drop),
                "conda/outputs" => read::<CondaOutputsParams>(&what, params)
                    .and_then(|_| read::<CondaOutputsResult>(&what, result))
                    .map(|r| assert!(!r.outputs.is_empty(), "{what}: no outputs")),
                other => Err(format!("{what}: a method this test does not know: {other}")),
            };
            if let Err(e) = checked {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(transcripts >= 8, "only {transcripts} transcripts");
}
