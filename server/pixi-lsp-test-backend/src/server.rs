//! The JSON-RPC loop: one request per stdin line, one response per stdout
//! line, the state machine of §2 (`conda/*` only after `initialize`, one
//! `initialize`), and the debug files of §7.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use pixi_lsp_backend_client::jsonrpc::{
    BACKEND_ERROR, ErrorReport, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR,
    RpcError,
};
use pixi_lsp_build_types::{
    BackendCapabilities, CondaBuildV1Params, CondaBuildV1Result, CondaOutputsParams,
    InitializeParams, InitializeResult, NegotiateCapabilitiesParams, NegotiateCapabilitiesResult,
    methods,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::config::Failure;
use crate::mode::Mode;
use crate::plan::{Initialized, Plan};
use crate::user_recipe::UserRecipe;
use crate::{build, outputs, platform, recipe, variants};

pub fn run(mode: Mode) -> ExitCode {
    tracing::info!("pixi-build-lsp-example ready (mode {mode:?})");
    let mut server = Server {
        mode,
        state: None,
        wrote_project_model: false,
    };
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.split(b'\n') {
        let Ok(line) = line else { break };
        let response = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => server.handle_line(text),
            Err(_) => Some(error_response(Value::Null, rpc(PARSE_ERROR, "Parse error"))),
        };
        let Some(response) = response else { continue };
        if mode == Mode::GarbageStdout {
            let _ = writeln!(stdout, "this line is not JSON-RPC (garbage-stdout mode)");
        }
        let text = serde_json::to_string(&response).unwrap_or_default();
        if writeln!(stdout, "{text}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    tracing::info!("stdin closed; exiting");
    ExitCode::SUCCESS
}

struct Server {
    mode: Mode,
    state: Option<Initialized>,
    /// `project_model.json` is written once per process, like upstream.
    wrote_project_model: bool,
}

impl Server {
    /// `None` = no response (notifications, and `hang-on-outputs`).
    fn handle_line(&mut self, text: &str) -> Option<Value> {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Some(error_response(Value::Null, rpc(PARSE_ERROR, "Parse error")));
        };
        let id = message.get("id").cloned();
        let method = message.get("method").and_then(Value::as_str);
        let (Some(method), Some("2.0")) = (method, message.get("jsonrpc").and_then(Value::as_str))
        else {
            return Some(error_response(
                id.unwrap_or(Value::Null),
                rpc(INVALID_REQUEST, "Invalid request"),
            ));
        };
        let Some(id) = id else {
            tracing::debug!("ignoring notification {method}");
            return None;
        };
        let params = message.get("params").cloned().unwrap_or(json!({}));
        tracing::info!("handling {method}");
        let outcome = match method {
            methods::NEGOTIATE_CAPABILITIES => {
                parse::<NegotiateCapabilitiesParams>(params).map(|_| {
                    to_value(NegotiateCapabilitiesResult {
                        capabilities: BackendCapabilities::full(),
                    })
                })
            }
            methods::INITIALIZE => self.initialize(params),
            methods::CONDA_OUTPUTS => self.conda_outputs(params)?,
            methods::CONDA_BUILD_V1 => self.conda_build_v1(params),
            other => Err(rpc(METHOD_NOT_FOUND, &format!("Method not found: {other}"))),
        };
        Some(match outcome {
            Ok(result) => json!({"jsonrpc": "2.0", "result": result, "id": id}),
            Err(error) => error_response(id, error),
        })
    }

    fn initialize(&mut self, params: Value) -> Result<Value, RpcError> {
        if self.state.is_some() {
            return Err(rpc(INVALID_REQUEST, "Invalid request"));
        }
        let params: InitializeParams = parse(params)?;
        if self.mode == Mode::CrashOnInitialize {
            tracing::error!("crashing on purpose (crash-on-initialize)");
            std::process::exit(3);
        }
        self.state = Some(Initialized::new(params).map_err(backend_error)?);
        Ok(to_value(InitializeResult {}))
    }

    /// `None` = don't answer (`hang-on-outputs`).
    fn conda_outputs(&mut self, params: Value) -> Option<Result<Value, RpcError>> {
        if self.state.is_none() {
            return Some(Err(rpc(INVALID_REQUEST, "Invalid request")));
        }
        let params: CondaOutputsParams = match parse(params) {
            Ok(params) => params,
            Err(e) => return Some(Err(e)),
        };
        let debug = params.work_directory.join("debug");
        let _ = write_json(&debug.join("conda_outputs_params.json"), &params);
        self.write_project_model(&debug);
        if self.mode == Mode::HangOnOutputs {
            tracing::warn!("never answering conda/outputs (hang-on-outputs)");
            return None;
        }
        let state = self.state.as_ref()?;
        let outcome = self.outputs(state, &params);
        let _ = match &outcome {
            Ok(result) => write_json(&debug.join("conda_outputs_response.json"), result),
            Err(error) => write_json(&debug.join("conda_outputs_error.json"), error),
        };
        Some(outcome)
    }

    fn outputs(&self, state: &Initialized, params: &CondaOutputsParams) -> Result<Value, RpcError> {
        if self.mode == Mode::ErrorOnOutputs {
            return Err(backend_error(
                Failure::new("the example backend failed on purpose")
                    .caused_by("PIXI_BUILD_LSP_EXAMPLE_MODE=error-on-outputs"),
            ));
        }
        if let Some(user) = &state.user_recipe {
            // Built as written: no recipe is generated, so none goes to `debug/`.
            if let Some(message) = state.configs.for_platform(&params.host_platform).fail {
                return Err(backend_error(Failure::new(message)));
            }
            return user.outputs(params).map(to_value).map_err(backend_error);
        }
        let plan = Plan::new(state, &params.host_platform).map_err(backend_error)?;
        if let Some(message) = &plan.fail {
            return Err(backend_error(Failure::new(message.clone())));
        }
        let files = plan
            .files(std::slice::from_ref(&params.work_directory))
            .map_err(backend_error)?;
        let recipe = recipe::generate(&plan, &files);
        let host = platform::subdir(&params.host_platform).map_err(backend_error)?;
        let config = variants::config(
            params.variant_files.as_deref().unwrap_or_default(),
            params.variant_configuration.as_ref(),
            host,
        )
        .map_err(backend_error)?;
        let rendered = outputs::render(&plan, &recipe, &config).map_err(backend_error)?;
        let entries = rendered
            .iter()
            .map(|v| {
                Ok(variants::DebugEntry {
                    name: v.recipe.package.name.as_normalized(),
                    hash: outputs::hash(v)?,
                    used: &v.variant,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()
            .map_err(backend_error)?;
        let written = match self.mode {
            Mode::BadRecipe => "package: {name: [unclosed\n\t- : :\n",
            _ => recipe.as_str(),
        };
        variants::write_debug_files(&params.work_directory, written, &config, &entries)
            .map_err(backend_error)?;
        outputs::result(&plan, &rendered)
            .map(to_value)
            .map_err(backend_error)
    }

    fn conda_build_v1(&mut self, params: Value) -> Result<Value, RpcError> {
        let Some(state) = &self.state else {
            return Err(rpc(INVALID_REQUEST, "Invalid request"));
        };
        let params: CondaBuildV1Params = parse(params)?;
        let debug = params.work_directory.join("debug");
        let _ = write_json(&debug.join("conda_build_v1_params.json"), &params);
        let outcome = build_v1(state, &params);
        self.write_project_model(&debug);
        let _ = match &outcome {
            Ok(result) => write_json(&debug.join("conda_build_v1_response.json"), result),
            Err(error) => write_json(&debug.join("conda_build_v1_error.json"), error),
        };
        outcome
    }

    fn write_project_model(&mut self, debug: &Path) {
        if self.wrote_project_model {
            return;
        }
        if let Some(state) = &self.state {
            self.wrote_project_model = true;
            let _ = write_json(&debug.join("project_model.json"), &state.model);
        }
    }
}

fn build_v1(state: &Initialized, params: &CondaBuildV1Params) -> Result<Value, RpcError> {
    // build_v1 has no host platform; the host prefix's says which
    // conditional targets apply (the package itself is noarch).
    let platform = params
        .host_prefix
        .as_ref()
        .map_or(platform::current(), |p| p.platform.as_str());
    if let Some(user) = &state.user_recipe {
        return build_user_recipe(state, user, params, platform);
    }
    let plan = Plan::new(state, platform).map_err(backend_error)?;
    if let Some(message) = &plan.fail {
        return Err(backend_error(Failure::new(message.clone())));
    }
    let output_dir = params
        .output_directory
        .clone()
        .unwrap_or_else(|| params.work_directory.join("output"));
    let skip = [params.work_directory.clone(), output_dir];
    let files = plan.files(&skip).map_err(backend_error)?;
    let recipe = recipe::generate(&plan, &files);
    let built = build::build(&build::Request {
        params,
        recipe: &recipe,
        recipe_path: plan.source_dir.join(&plan.manifest_rel),
        source_dir: &plan.source_dir,
        host_platform: platform,
        write_debug_files: true,
    })
    .map_err(backend_error)?;
    Ok(to_value(CondaBuildV1Result {
        output_file: built.output_file,
        input_globs: plan.input_globs(),
        input_glob_sets: None,
        name: built.name,
        version: built.version,
        build: built.build,
        subdir: built.subdir,
    }))
}

/// The user's recipe, built as written (pixi-build-rattler-build's way).
fn build_user_recipe(
    state: &Initialized,
    user: &UserRecipe,
    params: &CondaBuildV1Params,
    platform: &str,
) -> Result<Value, RpcError> {
    if let Some(message) = state.configs.for_platform(platform).fail {
        return Err(backend_error(Failure::new(message)));
    }
    let text = user.text().map_err(backend_error)?;
    let built = build::build(&build::Request {
        params,
        recipe: &text,
        recipe_path: user.path.clone(),
        source_dir: &user.dir(),
        host_platform: platform,
        write_debug_files: false,
    })
    .map_err(backend_error)?;
    Ok(to_value(CondaBuildV1Result {
        output_file: built.output_file,
        input_globs: user.build_input_globs(),
        input_glob_sets: None,
        name: built.name,
        version: built.version,
        build: built.build,
        subdir: built.subdir,
    }))
}

/// jsonrpc-core's wording: `Invalid params: <serde message>.`
fn parse<T: DeserializeOwned>(params: Value) -> Result<T, RpcError> {
    serde_json::from_value(params)
        .map_err(|e| rpc(INVALID_PARAMS, &format!("Invalid params: {e}.")))
}

fn rpc(code: i64, message: &str) -> RpcError {
    RpcError {
        code,
        message: message.to_owned(),
        data: None,
    }
}

/// A backend failure: -32000 with a miette-shaped report, like
/// `pixi_build_backend::server::convert_error`.
fn backend_error(failure: Failure) -> RpcError {
    tracing::error!("{}", failure.message);
    let report = ErrorReport::new(failure.message.clone(), failure.causes);
    RpcError {
        code: BACKEND_ERROR,
        message: failure.message,
        data: serde_json::to_value(report).ok(),
    }
}

fn error_response(id: Value, error: RpcError) -> Value {
    json!({"jsonrpc": "2.0", "error": error, "id": id})
}

fn to_value<T: Serialize>(value: T) -> Value {
    // Invariant: our result types serialize to JSON without fail.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    write_file(path, text.as_bytes())
}

pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let failure = |e: std::io::Error| {
        Failure::new(format!("failed to write {}", path.display())).caused_by(e)
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(failure)?;
    }
    std::fs::write(path, bytes).map_err(failure)
}
