//! Which files are manifests, and the schema that describes them.

use std::sync::LazyLock;

use pixi_lsp_rules::{Manifest, ManifestKind};
use pixi_lsp_schema::{Schema, SchemaId};
use pixi_lsp_syntax::Tree;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    PixiToml,
    PyprojectToml,
    /// Any other TOML file: treated like pixi.toml (for e.g. `my-pixi.toml` opened on purpose).
    OtherToml,
}

impl FileKind {
    pub fn from_path(path: &str) -> FileKind {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        match name {
            "pyproject.toml" => FileKind::PyprojectToml,
            "pixi.toml" => FileKind::PixiToml,
            _ => FileKind::OtherToml,
        }
    }
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    // Invariant: the schema is compiled into the binary and `tests::manifest_schema_compiles`
    // proves it compiles, so this cannot fail at run time.
    #[allow(clippy::expect_used)]
    Schema::from_json_str(include_str!("../../../schemas/pixi-manifest.schema.json"))
        .expect("bundled manifest schema compiles")
});

pub fn manifest_schema() -> &'static Schema {
    &SCHEMA
}

static PYPROJECT_STANDARD: LazyLock<Schema> = LazyLock::new(|| {
    // Invariant: compiled in, and `tests::pyproject_standard_schema_compiles` proves it.
    #[allow(clippy::expect_used)]
    Schema::from_json_str(include_str!(
        "../../../schemas/pyproject-standard.schema.json"
    ))
    .expect("bundled pyproject schema compiles")
});

/// Documentation of the standard pyproject.toml tables beside `[tool.pixi]` (`[project]`,
/// `[build-system]`, `[dependency-groups]`), for hover; never used to validate.
pub(crate) fn pyproject_standard_schema() -> &'static Schema {
    &PYPROJECT_STANDARD
}

/// The schema for the pixi table of this file kind.
pub(crate) fn root_schema(kind: ManifestKind) -> SchemaId {
    let schema = manifest_schema();
    match kind {
        ManifestKind::Pixi => schema.root(),
        ManifestKind::Pyproject => schema.def("PyprojectToolPixi").unwrap_or(schema.root()),
    }
}

pub(crate) fn manifest<'a>(kind: FileKind, text: &'a str, tree: &'a Tree) -> Option<Manifest<'a>> {
    let kind = match kind {
        FileKind::PyprojectToml => ManifestKind::Pyproject,
        FileKind::PixiToml | FileKind::OtherToml => ManifestKind::Pixi,
    };
    Manifest::new(text, tree, kind)
}
