//! pixi's own manifest rules (`[workspace]` preview flags, `[package]`, `[package.build]`,
//! package dependency tables, target selectors) and per-backend `[package.build.config]`
//! checks, as plain [`Diagnostic`] data with pixi's wording and spans.
//!
//! Pure and synchronous: no IO, no tokio, no LSP. What needs the file system (`license-file`
//! and `readme` existence, path dependencies, the workspace manifest of a package-only
//! `pixi.toml`) is the ide layer's job; rules that would need it stay quiet here.
//!
//! Generic TOML/schema checks (types of workspace keys, unknown workspace keys, …) belong to
//! `pixi-lsp-schema`; this crate only adds what the JSON schema cannot say.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod backends;

mod backend_config;
mod ctx;
mod deps;
mod package;
mod package_build;
mod selector;
mod workspace;

use pixi_lsp_syntax::{Diagnostic, NodeId, Tree};

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
}

/// Every pixi-specific rule over `manifest`, as [`pixi_lsp_syntax::Origin::Pixi`]
/// diagnostics sorted by position.
pub fn check(manifest: &Manifest) -> Vec<Diagnostic> {
    let mut ctx = ctx::Ctx::new(manifest);
    workspace::check(&mut ctx);
    package::check(&mut ctx);
    package_build::check(&mut ctx);
    deps::check(&mut ctx);
    backend_config::check(&mut ctx);
    let mut out = ctx.finish();
    out.sort_by_key(|d| (d.range.start, d.range.end));
    out
}
