use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeConfigurationParams;

use crate::server::ServerState;
use crate::settings::Settings;

pub(crate) async fn handle_did_change_configuration(
    server: &Arc<ServerState>,
    params: DidChangeConfigurationParams,
) {
    *server.settings.write() = Settings::from_json(&params.settings);
    server.start_channels();
    for uri in server.docs.uris() {
        server.schedule_diagnostics(&uri);
    }
}
