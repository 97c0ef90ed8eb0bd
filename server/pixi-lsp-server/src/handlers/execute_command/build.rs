//! `pixi-lsp.build` `[manifestUri, { rebuild, withPathDependencies }]`: the package's
//! build (run by `crate::backend_run`, with the bookkeeping in `crate::build`) as JSON.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::NumberOrString;

use super::manifest_uri;
use crate::server::ServerState;

pub(super) async fn build_package(
    server: &Arc<ServerState>,
    args: &[Value],
    token: Option<NumberOrString>,
) -> Result<Value> {
    let uri = manifest_uri(args)?;
    let options = crate::build::BuildOptions::from_json(args.get(1));
    let (outcome, log) = crate::backend_run::build(server, &uri, options, token).await?;
    Ok(crate::build::outcome_json(&outcome, &log))
}
