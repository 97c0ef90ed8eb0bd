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
mod folding;
mod formatting;
mod hover;
mod links;
mod lock;
mod manifest;
mod names;
mod navigation;
mod packages;
mod platforms;
mod preview_hover;
mod selection;
mod semantic_tokens;
mod stages;
mod symbols;
mod tasks;
mod text_diff;
mod variants;

use std::sync::{Arc, OnceLock};

use pixi_lsp_syntax::{CursorContext, Diagnostic, Parse, TextRange};

pub use backend_problems::BackendProblem;
pub use build_commands::{
    BUILD_COMMAND, BuildCommand, COMPARE_VARIANTS_COMMAND, OPEN_LOG_COMMAND, PREVIEW_COMMAND,
    output_label,
};
pub use build_inputs::{BackendRequest, BuildInputs, BuildInputsError, InvalidValue};
pub use cancel::{CancelToken, Cancellable, Cancelled};
pub use code_actions::Action;
pub use completion::{CompletionConfig, CompletionItem, CompletionKind, CompletionList};
pub use context::{
    AnalysisContext, ContextNeeds, FileFacts, PathFact, PathKind, PathUse, VariantsFileContent,
    VariantsFileFact, WorkspaceManifest, declares_workspace,
};
pub use diagnostics::DiagnosticsConfig;
pub use folding::{Fold, FoldKind};
pub use formatting::FormatConfig;
pub use hover::HoverInfo;
pub use links::{Link, LinkTarget};
pub use lock::{LockFacts, LockState, LockedPackage};
pub use manifest::{FileKind, manifest_schema};
pub use navigation::rename::{RenameError, RenameTarget};
pub use navigation::{DependencyMention, NavFile, NavTarget};
pub use packages::actions::InlayHintInfo;
pub use packages::{ChannelContext, ChannelNeed, SUPPORTED_API_VERSIONS};
pub use pixi_lsp_channels::{ScopeData, ScopeKey};
pub use pixi_lsp_syntax::{Fix, Origin, Severity, TextEdit};
pub use preview_hover::{PreviewOutput, PreviewSummary};
pub use semantic_tokens::{SemanticKind, SemanticToken};
pub use stages::{ChannelData, FileInContext, ParsedFile};
pub use symbols::{Symbol, SymbolKind};
pub use tasks::{RUN_TASK_COMMAND, TaskLens};
pub use text_diff::unified_diff;

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
    /// Features, environments, tasks and their uses (navigation, task lenses and hover).
    names: OnceLock<names::Names>,
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

    /// The lock facts, when a lock file was read and parsed.
    pub(crate) fn lock_facts(&self) -> Option<&LockFacts> {
        match self.context.lock.as_deref()? {
            LockState::Loaded(facts) => Some(facts),
            LockState::Unreadable(_) => None,
        }
    }

    /// The dependencies and channel scopes of the manifest (computed once).
    pub(crate) fn packages(&self) -> Option<&packages::scopes::ManifestPackages> {
        self.packages
            .get_or_init(|| stages::collect_packages(self.manifest()?, &self.context))
            .as_ref()
    }

    /// The name index of the manifest (computed once; empty when it is not a manifest).
    pub(crate) fn names(&self) -> &names::Names {
        self.names.get_or_init(|| {
            self.manifest()
                .map_or_else(names::Names::default, |m| names::collect(&m))
        })
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

    /// The version `pixi.lock` holds for each dependency in `range`.
    pub fn lock_hints(&self, range: TextRange) -> Vec<InlayHintInfo> {
        match (self.manifest(), self.lock_facts()) {
            (Some(m), Some(facts)) => lock::inlay_hints(&m, self.names(), facts, range),
            _ => Vec::new(),
        }
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

    /// A "▶ Run" lens on each task (and "Run in environment…" where several have it).
    pub fn task_lenses(&self) -> Vec<TaskLens> {
        tasks::lenses(self)
    }

    /// Where the name or link under the cursor is defined (at a definition: its uses).
    pub fn definition(&self, offset: usize) -> Vec<NavTarget> {
        navigation::definition(self, offset)
    }

    /// Every place in this file that writes the name under the cursor.
    pub fn references(&self, offset: usize, include_declaration: bool) -> Vec<TextRange> {
        navigation::references(self, offset, include_declaration)
    }

    pub fn prepare_rename(&self, offset: usize) -> Result<RenameTarget, RenameError> {
        navigation::rename::prepare(self, offset)
    }

    /// The edits that rename the name under the cursor everywhere in this file.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, RenameError> {
        navigation::rename::rename(self, offset, new_name)
    }

    /// The regions an editor can fold: tables, multi-line arrays and inline tables, comment
    /// blocks.
    pub fn folds(&self) -> Vec<Fold> {
        folding::folds(self)
    }

    /// For each offset, the ranges a selection grows through, innermost first.
    pub fn selection_ranges(&self, offsets: &[usize]) -> Vec<Vec<TextRange>> {
        selection::selection_ranges(self, offsets)
    }

    /// The channels and files the manifest names, as links (paths not yet checked).
    pub fn links(&self) -> Vec<Link> {
        links::links(self)
    }

    /// What each key, value and comment is to pixi, in document order, one line each.
    pub fn semantic_tokens(&self) -> Vec<SemanticToken> {
        semantic_tokens::semantic_tokens(self)
    }

    /// The edits that format the document (or the statements overlapping `range`); `None`
    /// when it has syntax errors.
    pub fn format(&self, range: Option<TextRange>, config: &FormatConfig) -> Option<Vec<TextEdit>> {
        formatting::format(self, range, config)
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
