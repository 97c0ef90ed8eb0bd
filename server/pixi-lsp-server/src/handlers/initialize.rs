use pixi_lsp_documents::PositionEncoding;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use std::sync::Arc;

use crate::server::ServerState;
use crate::settings::Settings;

pub(crate) async fn handle_initialize(
    server: &Arc<ServerState>,
    params: InitializeParams,
) -> Result<InitializeResult> {
    if let Some(options) = &params.initialization_options {
        *server.settings.write() = Settings::from_json(options);
    }
    #[allow(deprecated)] // `root_uri` is what older clients send instead of folders.
    let root = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first().map(|f| f.uri.clone()))
        .or_else(|| params.root_uri.clone())
        .and_then(|uri| crate::file_uri::to_path(&uri));
    server.set_workspace_root(root);
    server.start_channels();
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.clone())
        .unwrap_or_default();
    // UTF-8 saves a conversion on every position; UTF-16 is LSP's default for the rest.
    let (encoding, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
        (PositionEncoding::Utf8, PositionEncodingKind::UTF8)
    } else {
        (PositionEncoding::Utf16, PositionEncodingKind::UTF16)
    };
    *server.encoding.write() = encoding;
    let snippets = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    server
        .snippets
        .store(snippets, std::sync::atomic::Ordering::Relaxed);
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    server
        .watch_files
        .store(watch, std::sync::atomic::Ordering::Relaxed);
    Ok(InitializeResult {
        server_info: Some(ServerInfo {
            name: "pixi-lsp".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        offset_encoding: None,
        capabilities: ServerCapabilities {
            position_encoding: Some(kind),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(
                    ["[", ".", "\"", "=", " ", "{", ","]
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect(),
                ),
                ..Default::default()
            }),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })),
            inlay_hint_provider: Some(OneOf::Left(true)),
            // Always announced: with `formatting.enable` off the requests answer nothing,
            // so turning it on needs no restart.
            document_formatting_provider: Some(OneOf::Left(true)),
            document_range_formatting_provider: Some(OneOf::Left(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            }),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: super::semantic_tokens_full::legend(),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    ..Default::default()
                }),
            ),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(true),
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: crate::build::commands(),
                ..Default::default()
            }),
            experimental: Some(
                serde_json::json!({ "textDocumentContent": { "schemes": [crate::preview::RECIPE_SCHEME] } }),
            ),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::REFACTOR_REWRITE,
                ]),
                ..Default::default()
            })),
            ..Default::default()
        },
    })
}

pub(crate) async fn handle_initialized(server: &Arc<ServerState>) {
    if server
        .watch_files
        .load(std::sync::atomic::Ordering::Relaxed)
    {
        // pixi.lock is read again only when it changes; so are the variant files a
        // workspace names (YAML, any name).
        let watch = |pattern: &str| FileSystemWatcher {
            glob_pattern: GlobPattern::String(pattern.to_owned()),
            kind: None,
        };
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![watch("**/pixi.lock"), watch("**/*.yaml"), watch("**/*.yml")],
        };
        let registration = Registration {
            id: "pixi-lsp-lock-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(e) = server.client.register_capability(vec![registration]).await {
            tracing::warn!("could not watch pixi.lock files: {e}");
        }
    }
    server
        .client
        .log_message(
            MessageType::INFO,
            format!("pixi-lsp {} ready", env!("CARGO_PKG_VERSION")),
        )
        .await;
}
