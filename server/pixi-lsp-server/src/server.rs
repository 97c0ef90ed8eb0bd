//! The `LanguageServer` implementation: every method is a one-line delegation to its
//! handler module, so `grep "fn handle_"` lists every entry point. Every handler takes
//! `&Arc<ServerState>` (the `Arc` lets the ones that start tasks keep the state alive).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::{Mutex, RwLock};
use pixi_lsp_documents::PositionEncoding;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::handlers;
use crate::settings::Settings;
use crate::state::{Documents, Snapshot};

/// What tower-lsp-server drives; all state is in [`ServerState`].
pub(crate) struct Server {
    pub state: Arc<ServerState>,
}

/// Everything the handlers share: the client, open documents, settings, previews, builds.
pub(crate) struct ServerState {
    pub client: Client,
    pub docs: Documents,
    pub settings: RwLock<Settings>,
    pub encoding: RwLock<PositionEncoding>,
    pub snippets: AtomicBool,
    /// The client can watch files for us (`pixi.lock`), registered at `initialized`.
    pub watch_files: AtomicBool,
    /// One diagnostics publisher task per open document; dropping the sender ends it.
    publishers: Mutex<HashMap<Uri, watch::Sender<()>>>,
    /// Kinds of internal failure already shown to the user (each is shown once).
    shown_failures: Mutex<Vec<&'static str>>,
    /// The client's workspace folder, where pixi's workspace-level config may live.
    workspace_root: Mutex<Option<std::path::PathBuf>>,
    pub previews: crate::preview::Previews,
    pub builds: crate::build::Builds,
    /// Reads saved manifests for builds and previews (the backends read the disk too):
    /// without channel data, its cache of workspace manifests shared by every build.
    pub disk_host: pixi_lsp_host::Host,
    /// The channel settings the channel service was started with.
    channel_settings: Mutex<Option<crate::settings::ChannelSettings>>,
}

impl Server {
    /// `pixi/recipeContent` (custom methods are registered in `lib.rs`).
    pub(crate) async fn recipe_content(
        &self,
        params: handlers::recipe_content::ContentParams,
    ) -> Result<handlers::recipe_content::RecipeContent> {
        handlers::recipe_content::handle_recipe_content(&self.state, params).await
    }

    /// `workspace/textDocumentContent` (LSP 3.18, not in tower-lsp-server's trait yet).
    pub(crate) async fn text_document_content(
        &self,
        params: handlers::recipe_content::ContentParams,
    ) -> Result<handlers::recipe_content::TextDocumentContent> {
        handlers::recipe_content::handle_text_document_content(&self.state, params).await
    }

    /// `window/workDoneProgress/cancel` (not in tower-lsp-server's trait yet).
    pub(crate) async fn work_done_progress_cancel(
        &self,
        params: handlers::work_done_progress_cancel::ProgressCancelParams,
    ) {
        handlers::work_done_progress_cancel::handle_work_done_progress_cancel(&self.state, params)
            .await
    }

    pub fn new(client: Client) -> Self {
        Self {
            state: Arc::new(ServerState {
                client,
                docs: Documents::default(),
                settings: RwLock::new(Settings::default()),
                encoding: RwLock::new(PositionEncoding::Utf16),
                snippets: AtomicBool::new(false),
                watch_files: AtomicBool::new(false),
                publishers: Mutex::new(HashMap::new()),
                shown_failures: Mutex::new(Vec::new()),
                workspace_root: Mutex::new(None),
                previews: crate::preview::Previews::default(),
                builds: crate::build::Builds::default(),
                disk_host: pixi_lsp_host::Host::new(),
                channel_settings: Mutex::new(None),
            }),
        }
    }
}

impl ServerState {
    pub fn set_workspace_root(&self, root: Option<std::path::PathBuf>) {
        *self.workspace_root.lock() = root;
    }

    /// Starts (or restarts, when the settings changed) the background channel service. Its
    /// data arriving makes every open document re-publish its diagnostics.
    pub fn start_channels(self: &Arc<Self>) {
        let settings = self.settings.read().channels.clone();
        if self.channel_settings.lock().as_ref() == Some(&settings) {
            return;
        }
        *self.channel_settings.lock() = Some(settings.clone());
        if !settings.enabled {
            self.docs.set_channels(None);
        } else {
            let config = settings.config(self.workspace_root.lock().as_deref());
            let alias = config.channel_alias.clone();
            let weak = Arc::downgrade(self);
            let service = pixi_lsp_channels::ChannelService::new(config, move || {
                if let Some(server) = weak.upgrade() {
                    server.channel_data_arrived();
                }
            });
            self.docs
                .set_channels(Some(pixi_lsp_host::ChannelSource { service, alias }));
        }
        self.channel_data_arrived();
    }

    fn channel_data_arrived(self: &Arc<Self>) {
        for uri in self.docs.invalidate_all_derived() {
            self.schedule_diagnostics(&uri);
        }
    }

    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read()
    }

    pub fn snippets(&self) -> bool {
        self.snippets.load(Ordering::Relaxed)
    }

    pub async fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let previews = crate::file_uri::to_path(uri)
            .and_then(|p| p.parent().map(|d| self.previews.of_workspace(d)))
            .unwrap_or_default();
        self.docs.snapshot(uri, self.encoding(), previews).await
    }

    /// A recipe preview of a package of the workspace in `workspace_dir` finished: the
    /// manifests there are analysed again with it and their diagnostics published.
    pub fn preview_finished(self: &Arc<Self>, workspace_dir: &std::path::Path) {
        for uri in self.docs.refresh_in(workspace_dir) {
            self.schedule_diagnostics(&uri);
        }
    }

    /// Runs analysis on a blocking thread. A panic inside becomes an `InternalError` for
    /// this one request; the server goes on.
    pub async fn run<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        match tokio::task::spawn_blocking(f).await {
            Ok(v) => Ok(v),
            Err(e) => {
                tracing::error!("{what} failed: {e}");
                self.report_failure(what).await;
                Err(Error {
                    code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                    message: format!("{what} failed: {e}").into(),
                    data: None,
                })
            }
        }
    }

    /// [`ServerState::run`] for an analysis of one document version: when the version is
    /// superseded meanwhile the answer is `ContentModified`, and the client asks again.
    pub async fn run_analysis<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce() -> pixi_lsp_ide::Cancellable<T> + Send + 'static,
    ) -> Result<T> {
        self.run(what, f)
            .await?
            .map_err(|_| Error::content_modified())
    }

    async fn report_failure(&self, what: &'static str) {
        let first = {
            let mut shown = self.shown_failures.lock();
            let first = !shown.contains(&what);
            if first {
                shown.push(what);
            }
            first
        };
        if first {
            self.client
                .show_message(MessageType::ERROR, format!("pixi-lsp: {what} failed unexpectedly; see the server log. The server keeps running."))
                .await;
        }
    }

    /// Asks the document's publisher task to recompute and publish diagnostics.
    pub fn schedule_diagnostics(self: &Arc<Self>, uri: &Uri) {
        let mut publishers = self.publishers.lock();
        if let Some(tx) = publishers.get(uri) {
            let _ = tx.send(());
            return;
        }
        let (tx, rx) = watch::channel(());
        let _ = tx.send(());
        publishers.insert(uri.clone(), tx);
        tokio::spawn(handlers::publish_diagnostics::publish_loop(
            self.clone(),
            uri.clone(),
            rx,
        ));
    }

    /// `uri` may be the workspace manifest of other open documents and just changed (edited,
    /// saved, opened or closed): their analyses are rebuilt and their diagnostics
    /// re-published.
    pub fn refresh_dependents(self: &Arc<Self>, uri: &Uri) {
        for dependent in self.docs.invalidate_below(uri) {
            self.schedule_diagnostics(&dependent);
        }
    }

    pub fn stop_diagnostics(&self, uri: &Uri) {
        self.publishers.lock().remove(uri);
    }

    pub async fn report_panic(&self, what: &'static str) {
        self.report_failure(what).await;
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        handlers::initialize::handle_initialize(&self.state, params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::initialize::handle_initialized(&self.state).await
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.previews.shutdown().await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::did_open::handle_did_open(&self.state, params).await
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::did_change::handle_did_change(&self.state, params).await
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        handlers::did_save::handle_did_save(&self.state, params).await
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::did_close::handle_did_close(&self.state, params).await
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::did_change_configuration::handle_did_change_configuration(&self.state, params)
            .await
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::did_change_watched_files::handle_did_change_watched_files(&self.state, params)
            .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        handlers::completion::handle_completion(&self.state, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        handlers::hover::handle_hover(&self.state, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        handlers::document_symbol::handle_document_symbol(&self.state, params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        handlers::execute_command::handle_execute_command(&self.state, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        handlers::code_lens::handle_code_lens(&self.state, params).await
    }

    async fn code_lens_resolve(&self, lens: CodeLens) -> Result<CodeLens> {
        handlers::code_lens_resolve::handle_code_lens_resolve(&self.state, lens).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        handlers::inlay_hint::handle_inlay_hint(&self.state, params).await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        handlers::formatting::handle_formatting(&self.state, params).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        handlers::range_formatting::handle_range_formatting(&self.state, params).await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        handlers::folding_range::handle_folding_range(&self.state, params).await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        handlers::selection_range::handle_selection_range(&self.state, params).await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        handlers::semantic_tokens_full::handle_semantic_tokens_full(&self.state, params).await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        handlers::document_link::handle_document_link(&self.state, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        handlers::code_action::handle_code_action(&self.state, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        handlers::goto_definition::handle_goto_definition(&self.state, params).await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        handlers::references::handle_references(&self.state, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        handlers::prepare_rename::handle_prepare_rename(&self.state, params).await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        handlers::rename::handle_rename(&self.state, params).await
    }
}
