//! Building a [`FileAnalysis`] in one pass, each stage consuming the one before: the text
//! is parsed once ([`ParsedFile`]), which says what to gather from other files
//! ([`ContextNeeds`]); placed in what was gathered ([`FileInContext`]), it says what channel
//! data to load ([`ChannelNeed`]); with that data it becomes the finished, immutable
//! analysis. The host (`pixi-lsp-host`) drives the stages and does the IO between them.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use pixi_lsp_channels::{ScopeData, ScopeKey};
use pixi_lsp_syntax::{Parse, parse};

use crate::packages::{self, ChannelNeed, scopes::ManifestPackages};
use crate::{AnalysisContext, CancelToken, ContextNeeds, FileAnalysis, FileKind, manifest};

/// What the channel service had loaded for each scope when the analysis was built.
pub type ChannelData = HashMap<ScopeKey, Arc<ScopeData>>;

/// A manifest's text, parsed once.
pub struct ParsedFile {
    kind: FileKind,
    text: Arc<str>,
    parse: Parse,
    cancel: CancelToken,
}

impl ParsedFile {
    pub fn new(kind: FileKind, text: Arc<str>) -> Self {
        let parse = parse(&text);
        Self {
            kind,
            text,
            parse,
            cancel: CancelToken::default(),
        }
    }

    /// The token that, once tripped, makes the analysis built from this text stop early.
    pub fn with_cancel(mut self, cancel: CancelToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// What the caller should gather before [`ParsedFile::in_context`]: whether to look for
    /// a governing workspace, and which paths to look up.
    pub fn context_needs(&self) -> ContextNeeds {
        let Some(m) = manifest::manifest(self.kind, &self.text, &self.parse.tree) else {
            return ContextNeeds::default();
        };
        let (variant_files, paths): (Vec<_>, Vec<_>) = pixi_lsp_rules::referenced_paths(&m)
            .into_iter()
            .partition(|r| r.usage == pixi_lsp_rules::PathUse::VariantsFile);
        let sorted = |refs: Vec<pixi_lsp_rules::PathRef>| {
            let mut paths: Vec<String> = refs.into_iter().map(|r| r.path).collect();
            paths.sort();
            paths.dedup();
            paths
        };
        ContextNeeds {
            workspace: m.workspace_table().is_none(),
            paths: sorted(paths),
            variant_files: sorted(variant_files),
        }
    }

    pub fn in_context(self, context: AnalysisContext) -> FileInContext {
        FileInContext {
            file: self,
            context,
            packages: OnceLock::new(),
        }
    }
}

/// A parsed manifest with what was gathered from other files: it knows its channel scopes.
pub struct FileInContext {
    file: ParsedFile,
    context: AnalysisContext,
    /// Computed for [`FileInContext::channel_needs`] and handed on to the analysis.
    packages: OnceLock<Option<ManifestPackages>>,
}

impl FileInContext {
    pub fn context(&self) -> &AnalysisContext {
        &self.context
    }

    fn packages(&self) -> Option<&ManifestPackages> {
        self.packages
            .get_or_init(|| {
                let f = &self.file;
                collect_packages(
                    manifest::manifest(f.kind, &f.text, &f.parse.tree)?,
                    &self.context,
                )
            })
            .as_ref()
    }

    /// The channel data the caller should load for this manifest: each scope's names, and
    /// the records of the packages the manifest names. Empty when channels are off.
    /// Scopes that resolve to the same channels and platforms are one need.
    pub fn channel_needs(&self) -> Vec<ChannelNeed> {
        if self.context.channels.is_none() {
            return Vec::new();
        }
        let Some(p) = self.packages() else {
            return Vec::new();
        };
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

    /// The finished analysis, with the channel data loaded for [`FileInContext::channel_needs`].
    pub fn finish(mut self, data: ChannelData) -> FileAnalysis {
        if let Some(channels) = self.context.channels.as_mut() {
            channels.data = data;
        }
        self.finish_as_is()
    }

    /// The finished analysis with the channel data the context already holds.
    pub(crate) fn finish_as_is(self) -> FileAnalysis {
        let FileInContext {
            file,
            context,
            packages,
        } = self;
        FileAnalysis {
            kind: file.kind,
            text: file.text,
            parse: file.parse,
            context,
            cancel: file.cancel,
            diagnostics: OnceLock::new(),
            packages,
            names: OnceLock::new(),
        }
    }
}

/// The dependencies and channel scopes of a manifest in its context.
pub(crate) fn collect_packages(
    m: pixi_lsp_rules::Manifest<'_>,
    context: &AnalysisContext,
) -> Option<ManifestPackages> {
    let ws = context.workspace.as_ref().and_then(|w| w.manifest());
    let fallback_alias;
    let (alias, root) = match &context.channels {
        Some(c) => (&c.alias, c.root_dir.as_path()),
        None => {
            fallback_alias = packages::default_alias();
            (&fallback_alias, std::path::Path::new("/"))
        }
    };
    let workspace_dir = context.workspace.as_ref().and_then(|w| w.dir.as_deref());
    let resolver = packages::scopes::Resolver {
        alias,
        root_dir: root,
        workspace_dir: workspace_dir.unwrap_or(root),
    };
    Some(packages::scopes::collect(&m, ws.as_ref(), &resolver))
}
