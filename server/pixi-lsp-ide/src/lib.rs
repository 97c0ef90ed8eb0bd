//! The IDE API: everything the editor asks about one manifest, as plain synchronous
//! functions over an immutable [`FileAnalysis`]. Byte offsets in, plain data out; the LSP
//! layer converts. No IO, no tokio, no LSP types.

mod backend;
mod backend_problems;
mod build_commands;
mod build_inputs;
mod cancel;
mod code_actions;
mod completion;
mod context;
mod diagnostics;
mod hover;
mod manifest;
mod packages;
mod platforms;
mod preview_hover;
mod stages;
mod symbols;

use std::sync::{Arc, OnceLock};

use pixi_lsp_syntax::{CursorContext, Diagnostic, Parse, TextRange};

pub use backend_problems::BackendProblem;
pub use build_commands::{BUILD_COMMAND, BuildCommand, OPEN_LOG_COMMAND, PREVIEW_COMMAND};
pub use build_inputs::{BackendRequest, BuildInputs, BuildInputsError, InvalidValue};
pub use cancel::{CancelToken, Cancellable, Cancelled};
pub use code_actions::Action;
pub use completion::{CompletionConfig, CompletionItem, CompletionKind, CompletionList};
pub use context::{
    AnalysisContext, ContextNeeds, FileFacts, PathFact, PathKind, PathUse, WorkspaceManifest,
    declares_workspace,
};
pub use diagnostics::DiagnosticsConfig;
pub use hover::HoverInfo;
pub use manifest::{FileKind, manifest_schema};
pub use packages::actions::InlayHintInfo;
pub use packages::{ChannelContext, ChannelNeed, SUPPORTED_API_VERSIONS};
pub use pixi_lsp_channels::{ScopeData, ScopeKey};
pub use pixi_lsp_syntax::{Fix, Origin, Severity, TextEdit};
pub use preview_hover::{PreviewOutput, PreviewSummary};
pub use stages::{ChannelData, FileInContext, ParsedFile};
pub use symbols::{Symbol, SymbolKind};

/// One version of one manifest, parsed once and placed in its surroundings; derived
/// results are computed on demand and cached, so a request that only needs the tree never
/// pays for validation. Built in one pass by [`ParsedFile`] → [`FileInContext`] →
/// [`FileInContext::finish`], and never changed afterwards.
pub struct FileAnalysis {
    kind: FileKind,
    text: Arc<str>,
    parse: Parse,
    context: AnalysisContext,
    cancel: CancelToken,
    diagnostics: OnceLock<Vec<Diagnostic>>,
    packages: OnceLock<Option<packages::scopes::ManifestPackages>>,
}

impl FileAnalysis {
    /// The manifest judged alone: no workspace from another file, no file-system facts, no
    /// channel data.
    pub fn new(kind: FileKind, text: Arc<str>) -> Self {
        Self::with_context(kind, text, AnalysisContext::default())
    }

    /// The manifest with what the caller gathered for it, without channel data beyond what
    /// `context.channels` already holds (tests and tools that have everything up front).
    pub fn with_context(kind: FileKind, text: Arc<str>, context: AnalysisContext) -> Self {
        ParsedFile::new(kind, text)
            .in_context(context)
            .finish_as_is()
    }

    /// The dependencies and channel scopes of the manifest (computed once).
    pub(crate) fn packages(&self) -> Option<&packages::scopes::ManifestPackages> {
        self.packages
            .get_or_init(|| stages::collect_packages(self.manifest()?, &self.context))
            .as_ref()
    }

    pub fn context(&self) -> &AnalysisContext {
        &self.context
    }

    /// The token the caller trips when this version is superseded.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    pub fn parse(&self) -> &Parse {
        &self.parse
    }

    fn manifest(&self) -> Option<pixi_lsp_rules::Manifest<'_>> {
        manifest::manifest(self.kind, &self.text, &self.parse.tree)
    }

    fn cursor(&self, offset: usize) -> CursorContext {
        CursorContext::at(&self.parse, &self.text, offset)
    }

    /// Whether this file is a pixi manifest at all (a pyproject.toml needs `[tool.pixi]`).
    pub fn is_manifest(&self) -> bool {
        self.manifest().is_some()
    }

    /// Every diagnostic of the manifest, computed once per version (a cancelled
    /// computation is not kept: the next caller of a live version starts again).
    pub fn diagnostics(&self, config: &DiagnosticsConfig) -> Cancellable<Vec<Diagnostic>> {
        let all = match self.diagnostics.get() {
            Some(all) => all,
            None => {
                let computed = diagnostics::compute(self)?;
                self.diagnostics.get_or_init(|| computed)
            }
        };
        Ok(diagnostics::filter(all, config))
    }

    pub fn completions(
        &self,
        offset: usize,
        config: &CompletionConfig,
    ) -> Cancellable<CompletionList> {
        self.cancel.check()?;
        Ok(completion::complete(self, offset, config))
    }

    pub fn hover(&self, offset: usize) -> Cancellable<Option<HoverInfo>> {
        self.cancel.check()?;
        Ok(hover::hover(self, offset))
    }

    pub fn symbols(&self) -> Cancellable<Vec<Symbol>> {
        self.cancel.check()?;
        Ok(symbols::symbols(self))
    }

    /// The newest version each dependency spec in `range` admits (from channel data).
    pub fn inlay_hints(&self, range: TextRange) -> Cancellable<Vec<InlayHintInfo>> {
        self.cancel.check()?;
        Ok(match (self.packages(), self.context.channels.as_ref()) {
            (Some(p), Some(c)) => packages::actions::inlay_hints(p, c, range),
            _ => Vec::new(),
        })
    }

    pub fn code_actions(
        &self,
        range: TextRange,
        config: &DiagnosticsConfig,
    ) -> Cancellable<Vec<Action>> {
        code_actions::code_actions(self, range, config)
    }
}

/// A cursor path made relative to the pixi table: `tool.pixi.x` → `x` in a pyproject.toml.
pub(crate) fn completion_path(
    analysis: &FileAnalysis,
    path: &[pixi_lsp_syntax::PathSeg],
) -> Option<Vec<pixi_lsp_syntax::PathSeg>> {
    completion::relative_path(analysis, path)
}

#[cfg(test)]
mod tests;
