//! pixi's own manifest rules (`[workspace]` preview flags, `[package]`, `[package.build]`,
//! package dependency tables, target selectors) and per-backend `[package.build.config]`
//! checks, as plain [`Diagnostic`] data with pixi's wording and spans.
//!
//! Pure and synchronous: no IO, no tokio, no LSP. What needs the file system (`license-file`
//! and `readme` existence, path dependencies, the workspace manifest of a package-only
//! `pixi.toml`) comes in as data through [`Context`], gathered by the caller (the server or
//! the CLI); without it, the rules that would need it stay quiet.
//!
//! Generic TOML/schema checks (types of workspace keys, unknown workspace keys, …) belong to
//! `pixi-lsp-schema`; this crate only adds what the JSON schema cannot say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod backends;

mod backend_config;
mod ctx;
mod deps;
mod environments;
mod features;
mod files;
mod package;
mod package_build;
mod platforms;
mod pypi_options;
mod selector;
mod tasks;
mod workspace;
mod workspace_deps;

use pixi_lsp_syntax::{Diagnostic, NodeId, Tree};

pub use files::{
    FileFacts, PathFact, PathKind, PathRef, PathUse, VariantsFileContent, VariantsFileFact,
    referenced_paths,
};
pub use package::INHERITABLE_PACKAGE_FIELDS;
pub use platforms::platform_names;
pub use workspace::{PIXI_VERSION, requires_pixi};

/// Which file a manifest lives in: the tables are the same, their root differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManifestKind {
    /// `pixi.toml`: the pixi tables are at the root.
    Pixi,
    /// `pyproject.toml`: the pixi tables are under `[tool.pixi]`, and `[project]` is PEP 621
    /// metadata (package defaults), not the deprecated alias of `[workspace]`.
    Pyproject,
}

/// A parsed manifest and where its pixi tables start.
#[derive(Clone, Copy)]
pub struct Manifest<'a> {
    pub text: &'a str,
    pub tree: &'a Tree,
    pub kind: ManifestKind,
    /// The root for `pixi.toml`; the `tool.pixi` table for `pyproject.toml`.
    pub pixi: NodeId,
}

impl<'a> Manifest<'a> {
    /// `None` for a `pyproject.toml` without a `[tool.pixi]` table (not a pixi manifest).
    pub fn new(text: &'a str, tree: &'a Tree, kind: ManifestKind) -> Option<Self> {
        let pixi = match kind {
            ManifestKind::Pixi => tree.root(),
            ManifestKind::Pyproject => tree
                .get_path(tree.root(), &["tool", "pixi"])
                .filter(|&n| tree.table(n).is_some())?,
        };
        Some(Self {
            text,
            tree,
            kind,
            pixi,
        })
    }

    /// The `[workspace]` table (or its deprecated alias `[project]`; `[tool.pixi.workspace]`
    /// in a pyproject.toml), if this manifest defines a workspace itself.
    pub fn workspace_table(&self) -> Option<NodeId> {
        let tree = self.tree;
        tree.get(self.pixi, "workspace")
            .or_else(|| tree.get(self.pixi, "project"))
            .filter(|&n| tree.table(n).is_some())
    }
}

/// What the rules know beyond the manifest's own text, all gathered by the caller.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The manifest whose workspace governs this one, when this one has no workspace of its
    /// own (a package-only `packages/a/pixi.toml` under a root `pixi.toml`). Ignored when the
    /// manifest has its own workspace.
    pub workspace: Option<Manifest<'a>>,
    /// Which paths referenced by this manifest exist. Paths not in it are unknown, and
    /// nothing is reported about them.
    pub files: Option<&'a FileFacts>,
}

/// Every pixi-specific rule over `manifest`, as [`pixi_lsp_syntax::Origin::Pixi`]
/// diagnostics sorted by position. The manifest is judged alone: see [`check_with`].
pub fn check(manifest: &Manifest) -> Vec<Diagnostic> {
    check_with(manifest, &Context::default())
}

/// [`check`] with what the caller knows about the manifest's surroundings: its governing
/// workspace and which referenced paths exist.
pub fn check_with(manifest: &Manifest, context: &Context) -> Vec<Diagnostic> {
    let mut ctx = ctx::Ctx::new(manifest, context);
    workspace::check(&mut ctx);
    workspace_deps::check(&mut ctx);
    platforms::check(&mut ctx);
    features::check(&mut ctx);
    environments::check(&mut ctx);
    pypi_options::check(&mut ctx);
    tasks::check(&mut ctx);
    package::check(&mut ctx);
    package_build::check(&mut ctx);
    deps::check(&mut ctx);
    backend_config::check(&mut ctx);
    files::check(&mut ctx);
    let mut out = ctx.finish();
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}
