//! The IDE API: everything the editor asks about one manifest, as plain synchronous
//! functions over an immutable [`FileAnalysis`]. Byte offsets in, plain data out; the LSP
//! layer converts. No IO, no tokio, no LSP types.

mod backend;
mod backend_problems;
mod build_commands;
mod build_inputs;
mod code_actions;
mod completion;
mod context;
mod diagnostics;
mod folding;
mod formatting;
mod hover;
mod links;
mod manifest;
mod packages;
mod platforms;
mod preview_hover;
mod selection;
mod semantic_tokens;
mod symbols;

use std::sync::{Arc, OnceLock};

use pixi_lsp_syntax::{CursorContext, Diagnostic, Parse, TextRange, parse};

pub use backend_problems::BackendProblem;
pub use build_commands::{BUILD_COMMAND, BuildCommand, OPEN_LOG_COMMAND, PREVIEW_COMMAND};
pub use build_inputs::{BackendRequest, BuildInputs, to_json};
pub use code_actions::Action;
pub use completion::{CompletionConfig, CompletionItem, CompletionKind, CompletionList};
pub use context::{
    AnalysisContext, ContextNeeds, FileFacts, PathFact, PathKind, PathUse, WorkspaceManifest,
    declares_workspace,
};
pub use diagnostics::DiagnosticsConfig;
pub use folding::{Fold, FoldKind};
pub use formatting::FormatConfig;
pub use hover::HoverInfo;
pub use links::{Link, LinkTarget};
pub use manifest::{FileKind, manifest_schema};
pub use packages::actions::InlayHintInfo;
pub use packages::{ChannelContext, ChannelNeed, SUPPORTED_API_VERSIONS};
pub use pixi_lsp_channels::{ScopeData, ScopeKey};
pub use pixi_lsp_syntax::{Fix, Origin, Severity, TextEdit};
pub use preview_hover::{PreviewOutput, PreviewSummary};
pub use semantic_tokens::{SemanticKind, SemanticToken};
pub use symbols::{Symbol, SymbolKind};

/// One version of one manifest, parsed once; derived results are computed on demand and
/// cached, so a request that only needs the tree never pays for validation.
pub struct FileAnalysis {
    kind: FileKind,
    text: Arc<str>,
    parse: Parse,
    context: AnalysisContext,
    workspace: Option<WorkspaceManifest>,
    diagnostics: OnceLock<Vec<Diagnostic>>,
    packages: OnceLock<Option<packages::scopes::ManifestPackages>>,
}

impl FileAnalysis {
    /// The manifest judged alone: no workspace from another file, no file-system facts.
    pub fn new(kind: FileKind, text: Arc<str>) -> Self {
        Self::with_context(kind, text, AnalysisContext::default())
    }

    /// The manifest with what the caller gathered for it (see [`FileAnalysis::context_needs`]).
    pub fn with_context(kind: FileKind, text: Arc<str>, context: AnalysisContext) -> Self {
        let parse = parse(&text);
        let workspace = context.workspace.clone();
        Self {
            kind,
            text,
            parse,
            context,
            workspace,
            diagnostics: OnceLock::new(),
            packages: OnceLock::new(),
        }
    }

    /// The dependencies and channel scopes of the manifest (computed once).
    pub(crate) fn packages(&self) -> Option<&packages::scopes::ManifestPackages> {
        self.packages
            .get_or_init(|| {
                let m = self.manifest()?;
                let ws = self.workspace.as_ref().and_then(|w| w.manifest());
                let fallback_alias;
                let (alias, root) = match &self.context.channels {
                    Some(c) => (&c.alias, c.root_dir.as_path()),
                    None => {
                        fallback_alias = packages::default_alias();
                        (&fallback_alias, std::path::Path::new("/"))
                    }
                };
                let workspace_dir = self.workspace.as_ref().and_then(|w| w.dir.as_deref());
                let resolver = packages::scopes::Resolver {
                    alias,
                    root_dir: root,
                    workspace_dir: workspace_dir.unwrap_or(root),
                };
                Some(packages::scopes::collect(&m, ws.as_ref(), &resolver))
            })
            .as_ref()
    }

    /// Fills in the channel data the caller loaded for [`FileAnalysis::channel_needs`]; what
    /// was derived from the old data is recomputed on demand.
    pub fn set_channel_data(&mut self, data: std::collections::HashMap<ScopeKey, Arc<ScopeData>>) {
        if let Some(channels) = self.context.channels.as_mut() {
            channels.data = data;
            self.diagnostics = OnceLock::new();
        }
    }

    /// The channel data the caller should load for this manifest: each scope's names, and
    /// the records of the packages the manifest names. Empty when channels are off.
    pub fn channel_needs(&self) -> Vec<ChannelNeed> {
        if self.context.channels.is_none() {
            return Vec::new();
        }
        let Some(p) = self.packages() else {
            return Vec::new();
        };
        // Scopes that resolve to the same channels and platforms are one need; each
        // dependency is looked at once.
        let mut needs: Vec<ChannelNeed> = Vec::new();
        let mut need_of_scope: Vec<Option<usize>> = Vec::with_capacity(p.scopes.len());
        for s in &p.scopes {
            if s.key.channels.is_empty() {
                need_of_scope.push(None);
                continue;
            }
            let index = match needs.iter().position(|n| n.scope == s.key) {
                Some(i) => i,
                None => {
                    needs.push(ChannelNeed {
                        scope: s.key.clone(),
                        packages: Vec::new(),
                    });
                    needs.len() - 1
                }
            };
            need_of_scope.push(Some(index));
        }
        for d in &p.deps {
            if let Some(Some(i)) = need_of_scope.get(d.scope) {
                needs[*i].packages.push(d.name.clone());
            }
        }
        for need in &mut needs {
            need.packages.sort();
            need.packages.dedup();
        }
        needs
    }

    /// What the caller should gather before building the analysis [`with_context`]:
    /// whether to look for a governing workspace, and which paths to look up.
    ///
    /// [`with_context`]: FileAnalysis::with_context
    pub fn context_needs(&self) -> ContextNeeds {
        let Some(m) = self.manifest() else {
            return ContextNeeds::default();
        };
        let mut paths: Vec<String> = pixi_lsp_rules::referenced_paths(&m)
            .into_iter()
            .map(|r| r.path)
            .collect();
        paths.sort();
        paths.dedup();
        ContextNeeds {
            workspace: m.workspace_table().is_none(),
            paths,
        }
    }

    pub fn context(&self) -> &AnalysisContext {
        &self.context
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

    pub fn diagnostics(&self, config: &DiagnosticsConfig) -> Vec<Diagnostic> {
        let all = self.diagnostics.get_or_init(|| diagnostics::compute(self));
        diagnostics::filter(all, config)
    }

    pub fn completions(&self, offset: usize, config: &CompletionConfig) -> CompletionList {
        completion::complete(self, offset, config)
    }

    pub fn hover(&self, offset: usize) -> Option<HoverInfo> {
        hover::hover(self, offset)
    }

    pub fn symbols(&self) -> Vec<Symbol> {
        symbols::symbols(self)
    }

    /// The newest version each dependency spec in `range` admits (from channel data).
    pub fn inlay_hints(&self, range: TextRange) -> Vec<InlayHintInfo> {
        match (self.packages(), self.context.channels.as_ref()) {
            (Some(p), Some(c)) => packages::actions::inlay_hints(p, c, range),
            _ => Vec::new(),
        }
    }

    pub fn code_actions(&self, range: TextRange, config: &DiagnosticsConfig) -> Vec<Action> {
        code_actions::code_actions(self, range, config)
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
