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

/// Why a stdout line is not a JSON-RPC response.
#[derive(Debug, thiserror::Error)]
pub enum NotAResponse {
    #[error("not JSON ({0})")]
    NotJson(#[source] serde_json::Error),
    #[error("not a JSON object")]
    NotAnObject,
    #[error("missing \"jsonrpc\": \"2.0\"")]
    NotJsonRpc2,
    #[error("unexpected request or notification from the backend")]
    RequestFromBackend,
    #[error("unexpected id {0}")]
    UnexpectedId(Value),
    #[error("missing \"id\"")]
    MissingId,
    #[error("malformed error object ({0})")]
    MalformedError(#[source] serde_json::Error),
    #[error("a response needs exactly one of \"result\" and \"error\"")]
    NotOneOutcome,
}

impl Response {
    /// Parses one stdout line.
    pub fn parse(line: &str) -> Result<Response, NotAResponse> {
        let value: Value = serde_json::from_str(line).map_err(NotAResponse::NotJson)?;
        let Value::Object(mut map) = value else {
            return Err(NotAResponse::NotAnObject);
        };
        if map.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
            return Err(NotAResponse::NotJsonRpc2);
        }
        if map.contains_key("method") {
            return Err(NotAResponse::RequestFromBackend);
        }
        let id = match map.get("id") {
            Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(
                n.as_u64()
                    .ok_or_else(|| NotAResponse::UnexpectedId(Value::Number(n.clone())))?,
            ),
            Some(other) => return Err(NotAResponse::UnexpectedId(other.clone())),
            None => return Err(NotAResponse::MissingId),
        };
        let outcome =
            match (map.remove("result"), map.remove("error")) {
                (Some(result), None) => Ok(result),
                (None, Some(error)) => Err(serde_json::from_value::<RpcError>(error)
                    .map_err(NotAResponse::MalformedError)?),
                _ => return Err(NotAResponse::NotOneOutcome),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_is_not_a_response_says_why() {
        for (line, why) in [
            (
                "{",
                "not JSON (EOF while parsing an object at line 1 column 1)",
            ),
            ("[1]", "not a JSON object"),
            (r#"{"id": 1, "result": 1}"#, r#"missing "jsonrpc": "2.0""#),
            (
                r#"{"jsonrpc": "2.0", "method": "log", "params": {}}"#,
                "unexpected request or notification from the backend",
            ),
            (
                r#"{"jsonrpc": "2.0", "id": -1, "result": 1}"#,
                "unexpected id -1",
            ),
            (
                r#"{"jsonrpc": "2.0", "id": "a", "result": 1}"#,
                r#"unexpected id "a""#,
            ),
            (r#"{"jsonrpc": "2.0", "result": 1}"#, r#"missing "id""#),
            (
                r#"{"jsonrpc": "2.0", "id": 1, "error": {"code": "x"}}"#,
                "malformed error object (invalid type: string \"x\", expected i64)",
            ),
            (
                r#"{"jsonrpc": "2.0", "id": 1, "result": 1, "error": {}}"#,
                r#"a response needs exactly one of "result" and "error""#,
            ),
        ] {
            let err = Response::parse(line).unwrap_err();
            assert_eq!(err.to_string(), why, "{line}");
        }
        let ok = Response::parse(r#"{"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "parse error"}}"#).unwrap();
        assert_eq!(ok.id, None);
        assert_eq!(ok.outcome.unwrap_err().code, PARSE_ERROR);
    }
}
