//! The LSP layer: the only crate that knows LSP types. Handlers (one module per method)
//! convert from LSP, take a snapshot of the document, call one IDE function on a blocking
//! thread and convert back.

mod backend_run;
mod build;
mod fault;
mod file_uri;
mod from_lsp;
mod handlers;
mod preview;
mod server;
mod settings;
mod state;
mod to_lsp;

pub use settings::Settings;

use tower_lsp_server::LspService;

/// Serves LSP on stdin/stdout until the client says `exit` or closes the pipe.
pub async fn run_stdio() {
    let (service, socket) = LspService::build(server::Server::new)
        .custom_method("pixi/recipeContent", server::Server::recipe_content)
        .custom_method(
            "workspace/textDocumentContent",
            server::Server::text_document_content,
        )
        .custom_method(
            "window/workDoneProgress/cancel",
            server::Server::work_done_progress_cancel,
        )
        .finish();
    tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}
