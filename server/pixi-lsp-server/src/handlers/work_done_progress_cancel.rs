//! `window/workDoneProgress/cancel` (not in tower-lsp-server's trait yet): the user pressed
//! cancel on a build's progress.

use std::sync::Arc;

use serde::Deserialize;
use tower_lsp_server::ls_types::NumberOrString;

use crate::server::ServerState;

#[derive(Deserialize)]
pub(crate) struct ProgressCancelParams {
    token: NumberOrString,
}

pub(crate) async fn handle_work_done_progress_cancel(
    server: &Arc<ServerState>,
    params: ProgressCancelParams,
) {
    let token = match params.token {
        NumberOrString::Number(n) => n.to_string(),
        NumberOrString::String(s) => s,
    };
    server.builds.cancel_token(&token);
}
