//! JSON-RPC 2.0 envelopes, error codes and the miette error data backends
//! attach (§5). Shared by the client and by backends written in Rust.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// What `pixi_build_backend` uses for every backend failure.
pub const BACKEND_ERROR: i64 = -32000;

/// An outgoing request. Params are always a by-name object.
#[derive(Debug, Serialize)]
pub struct Request<'a, P> {
    pub jsonrpc: &'static str,
    pub id: u64,
    pub method: &'a str,
    pub params: &'a P,
}

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

/// A response as read from a backend's stdout.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// `None` for `"id": null` (parse errors).
    pub id: Option<u64>,
    pub outcome: Result<Value, RpcError>,
}

impl Response {
    /// Parses one stdout line. `Err` carries why it is not a JSON-RPC response.
    pub fn parse(line: &str) -> Result<Response, String> {
        let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
        let Value::Object(mut map) = value else {
            return Err("not a JSON object".to_owned());
        };
        if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err("missing \"jsonrpc\": \"2.0\"".to_owned());
        }
        if map.contains_key("method") {
            return Err("unexpected request or notification from the backend".to_owned());
        }
        let id = match map.get("id") {
            Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_u64().ok_or_else(|| format!("unexpected id {n}"))?),
            Some(other) => return Err(format!("unexpected id {other}")),
            None => return Err("missing \"id\"".to_owned()),
        };
        let outcome = match (map.remove("result"), map.remove("error")) {
            (Some(result), None) => Ok(result),
            (None, Some(error)) => Err(serde_json::from_value::<RpcError>(error)
                .map_err(|e| format!("malformed error object ({e})"))?),
            _ => return Err("a response needs exactly one of \"result\" and \"error\"".to_owned()),
        };
        Ok(Response { id, outcome })
    }
}

/// miette's `JSONReportHandler` output, as backends put it in `error.data`.
/// Every field is optional: pixi tolerates missing or ill-typed fields too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorReport {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub causes: Vec<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub filename: Option<String>,
    #[serde(default)]
    pub labels: Vec<Value>,
    #[serde(default)]
    pub related: Vec<Value>,
}

impl ErrorReport {
    /// A report with a message and its causes, outermost first.
    pub fn new(message: impl Into<String>, causes: Vec<String>) -> Self {
        ErrorReport {
            message: message.into(),
            severity: Some("error".to_owned()),
            causes,
            filename: Some(String::new()),
            ..Default::default()
        }
    }

    /// Reads `data` leniently; `None` if it is not an object.
    pub fn from_data(data: &Value) -> Option<ErrorReport> {
        let Value::Object(map) = data else {
            return None;
        };
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
        let list = |key: &str| match map.get(key) {
            Some(Value::Array(items)) => items.clone(),
            _ => Vec::new(),
        };
        Some(ErrorReport {
            message: text("message").unwrap_or_default(),
            code: text("code"),
            severity: text("severity"),
            causes: list("causes")
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect(),
            url: text("url"),
            help: text("help"),
            filename: text("filename"),
            labels: list("labels"),
            related: list("related"),
        })
    }
}
