//! What every rule needs: the manifest, where its main tables are, the workspace that
//! governs it (its own, or another file's), whether `pixi-build` is enabled, and helpers
//! that phrase diagnostics the way pixi does.

use pixi_lsp_syntax::{
    Diagnostic, Entry, Fix, NodeId, Origin, Severity, TableOrigin, TextEdit, TextRange, Tree,
    ValueType, closest, edit,
};

use crate::files::FileFacts;
use crate::{Context, Manifest, ManifestKind};

/// The workspace table the rules read: this manifest's own, or the one of the manifest that
/// governs it. Its nodes belong to `m.tree`, which is not `Ctx::tree` when `external`.
#[derive(Clone, Copy)]
pub(crate) struct Ws<'a> {
    pub m: Manifest<'a>,
    pub table: NodeId,
    /// The workspace lives in another file: fixes can't edit it, and ranges in it mean
    /// nothing here.
    pub external: bool,
}

impl<'a> Ws<'a> {
    pub fn tree(&self) -> &'a Tree {
        self.m.tree
    }

    /// A key of the workspace table, as a node of [`Ws::tree`].
    pub fn get(&self, key: &str) -> Option<NodeId> {
        self.m.tree.get(self.table, key)
    }

    /// `[workspace.dependencies.<name>]`, as a node of [`Ws::tree`].
    pub fn dependency(&self, name: &str) -> Option<NodeId> {
        self.get("dependencies")
            .and_then(|pool| self.m.tree.get(pool, name))
    }

    /// Whether `{ workspace = true }` on `name` inherits a source spec; `None` when the pool
    /// does not define it, or defines it as neither a version string nor a table.
    pub fn inherits_source(&self, name: &str) -> Option<bool> {
        let tree = self.m.tree;
        let spec = self.dependency(name)?;
        if tree.str(spec).is_some() {
            return Some(false);
        }
        tree.table(spec).map(|_| is_source_spec(tree, spec))
    }
}

/// A table that holds a feature's content (the root's default feature, a `[feature.*]`, an
/// environment's inline content, or a `[target.*]` of one of them), and the target
/// selector it sits under.
pub(crate) struct Owner<'s> {
    pub table: NodeId,
    pub selector: Option<&'s str>,
}

pub(crate) struct Ctx<'a> {
    pub m: Manifest<'a>,
    pub tree: &'a Tree,
    /// `[workspace]` of this very file (or its deprecated alias `[project]`): the rules
    /// about the workspace table itself only look here.
    pub own_workspace: Option<NodeId>,
    /// The workspace that governs this manifest: its own, or the one the caller found for a
    /// package-only manifest. `None` when neither is known: rules that depend on the
    /// workspace (preview flags, inheritance) then stay quiet.
    pub workspace: Option<Ws<'a>>,
    /// Whether the `pixi-build` preview flag is on (`preview = true` counts, as in pixi).
    pub pixi_build: bool,
    pub package: Option<NodeId>,
    /// Which referenced paths exist; `None` when the caller doesn't know.
    pub files: Option<&'a FileFacts>,
    out: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(m: &Manifest<'a>, context: &Context<'a>) -> Self {
        let tree = m.tree;
        let own_workspace = m.workspace_table();
        let workspace = match own_workspace {
            Some(table) => Some(Ws {
                m: *m,
                table,
                external: false,
            }),
            None => context.workspace.and_then(|wm| {
                wm.workspace_table().map(|table| Ws {
                    m: wm,
                    table,
                    external: true,
                })
            }),
        };
        let pixi_build = workspace
            .and_then(|w| w.get("preview").map(|p| (w.tree(), p)))
            .is_some_and(|(t, p)| preview_enables_build(t, p));
        let package = tree
            .get(m.pixi, "package")
            .filter(|&n| tree.table(n).is_some());
        Self {
            m: *m,
            tree,
            own_workspace,
            workspace,
            pixi_build,
            package,
            files: context.files,
            out: Vec::new(),
        }
    }

    /// Every table that holds feature content: the root, each feature, each environment's
    /// inline content, and the targets of each.
    pub fn feature_owners(&self) -> Vec<Owner<'a>> {
        let tree = self.tree;
        let root = self.m.pixi;
        let children = |table: NodeId, key: &str| {
            tree.get(table, key)
                .filter(|&n| tree.table(n).is_some())
                .map(|n| tree.entries(n))
                .unwrap_or_default()
        };
        let mut tables = vec![root];
        tables.extend(children(root, "feature").iter().map(|f| f.value));
        tables.extend(
            children(root, "environments")
                .iter()
                .filter(|e| tree.table(e.value).is_some())
                .map(|e| e.value),
        );
        let mut out = Vec::new();
        for table in tables {
            out.push(Owner {
                table,
                selector: None,
            });
            for target in children(table, "target") {
                out.push(Owner {
                    table: target.value,
                    selector: Some(target.key.as_str()),
                });
            }
        }
        out
    }

    /// Whether fixes may edit the workspace table (it is in this file).
    pub fn workspace_is_here(&self) -> bool {
        self.workspace.is_some_and(|w| !w.external)
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.out
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    pub fn error(
        &mut self,
        code: &'static str,
        range: TextRange,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::error(Origin::Pixi, code, range, msg));
        self.last()
    }

    pub fn warning(
        &mut self,
        code: &'static str,
        range: TextRange,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out
            .push(Diagnostic::warning(Origin::Pixi, code, range, msg));
        self.last()
    }

    pub fn hint(
        &mut self,
        code: &'static str,
        range: TextRange,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        self.out.push(Diagnostic::new(
            Origin::Pixi,
            Severity::Hint,
            code,
            range,
            msg,
        ));
        self.last()
    }

    fn last(&mut self) -> &mut Diagnostic {
        let i = self.out.len() - 1; // invariant: called right after a push
        &mut self.out[i]
    }

    /// The range pixi's span points at for a table as a whole: its `[header]` when it has
    /// one, otherwise the key that holds it.
    pub fn anchor(&self, entry: &Entry) -> TextRange {
        match self.tree.table(entry.value) {
            Some(t) if matches!(t.origin, TableOrigin::Header) => {
                t.header.unwrap_or(entry.key_range)
            }
            _ => entry.key_range,
        }
    }

    /// Whether the workspace defines a value `{ workspace = true }` can inherit: a
    /// `[workspace]` field, or for a pyproject.toml workspace its `[project]` metadata. A
    /// package-only pyproject's own `[project]` is not the workspace: it only supplies
    /// defaults for fields the package leaves out.
    pub fn workspace_defines(&self, field: &str) -> bool {
        self.workspace.is_some_and(|w| {
            w.get(field).is_some()
                || (w.m.kind == ManifestKind::Pyproject && pyproject_defines(w.tree(), field))
        })
    }

    /// The package's own name: `[package] name`, inherited, or from `[project]`.
    pub fn own_name(&self) -> Option<String> {
        let package = self.package?;
        match self.tree.get(package, "name") {
            Some(n) if self.tree.str(n).is_some() => self.tree.str(n).map(str::to_owned),
            _ => self
                .workspace
                .and_then(|w| w.get("name").and_then(|n| w.tree().str(n)))
                .or_else(|| {
                    self.tree
                        .get_path(self.tree.root(), &["project", "name"])
                        .filter(|_| self.m.kind == ManifestKind::Pyproject)
                        .and_then(|n| self.tree.str(n))
                })
                .map(str::to_owned),
        }
    }

    /// pixi's `TableHelper::finalize`: every key not in `allowed` is an error at the key,
    /// `Unexpected keys, expected only …`, with a "did you mean" and a rename fix.
    pub fn unexpected_keys(&mut self, table: NodeId, allowed: &[&str]) {
        self.unexpected_keys_except(table, allowed, &[]);
    }

    /// Like `unexpected_keys`, with keys that are accepted without being named in the
    /// message (pixi takes deprecated aliases out of the table before `finalize`).
    pub fn unexpected_keys_except(&mut self, table: NodeId, allowed: &[&str], silent: &[&str]) {
        let tree = self.tree;
        for entry in tree.entries(table) {
            if !allowed.contains(&entry.key.as_str()) && !silent.contains(&entry.key.as_str()) {
                self.unexpected_key(entry, allowed);
            }
        }
    }

    pub fn unexpected_key(&mut self, entry: &Entry, allowed: &[&str]) {
        let list: Vec<String> = allowed.iter().map(|k| format!("'{k}'")).collect();
        let mut msg = format!(
            "Unexpected keys, expected only {}\n'{}' was not expected here",
            list.join(", "),
            entry.key
        );
        let suggestion = closest(&entry.key, allowed.iter().copied());
        if let Some(s) = suggestion {
            msg.push_str(&format!("\nDid you mean '{s}'?"));
        }
        let range = entry.key_range;
        let d = self.error("unknown-key", range, msg);
        if let Some(s) = suggestion {
            d.fixes.push(rename_fix(range, s));
        }
    }

    /// `expected <what>, found <type>` at the value, as toml_span words it; true when the
    /// value has the right type (or is a syntax error already reported).
    pub fn expect(&mut self, value: NodeId, ok: &[ValueType], what: &str) -> bool {
        let ty = self.tree.value_type(value);
        if ty == ValueType::Invalid || ok.contains(&ty) {
            return true;
        }
        let range = self.tree.range(value);
        self.error(
            "type-mismatch",
            range,
            format!("expected {what}, found {}", type_word(ty)),
        );
        false
    }

    /// An array whose items must all be strings.
    pub fn expect_strings(&mut self, value: NodeId, what: &str) {
        if !self.expect(value, &[ValueType::Array], what) {
            return;
        }
        for &item in self.tree.items(value) {
            self.expect(item, &[ValueType::String], "a string");
        }
    }
}

pub(crate) fn rename_fix(range: TextRange, to: &str) -> Fix {
    Fix {
        title: format!("Rename to '{to}'"),
        edits: vec![TextEdit {
            range,
            new_text: edit::format_key(to),
        }],
    }
}

/// toml_span's names for value types, used in its `expected …, found …` messages.
pub(crate) fn type_word(ty: ValueType) -> &'static str {
    ty.found_name()
}

/// `preview = true` (any bool: pixi's `is_enabled` answers true for `AllEnabled(_)`) or a
/// list containing `"pixi-build"`.
fn preview_enables_build(tree: &Tree, preview: NodeId) -> bool {
    match tree.value_type(preview) {
        ValueType::Boolean => true,
        ValueType::Array => tree
            .items(preview)
            .iter()
            .any(|&i| tree.str(i) == Some("pixi-build")),
        // A malformed value is its own error; don't pile "flag missing" errors on top.
        _ => true,
    }
}

/// PEP 621 `[project]` fields that pixi turns into package defaults.
fn pyproject_defines(tree: &Tree, field: &str) -> bool {
    let key = match field {
        "homepage" | "repository" | "documentation" => {
            return tree.get_path(tree.root(), &["project", "urls"]).is_some();
        }
        "license-file" => "license",
        other => other,
    };
    tree.get_path(tree.root(), &["project", key]).is_some()
}

/// Whether a dependency value is a source spec: `git`, or a `path`/`url` that is not a
/// package archive.
pub(crate) fn is_source_spec(tree: &Tree, spec: NodeId) -> bool {
    if tree.get(spec, "git").is_some() {
        return true;
    }
    ["path", "url"].iter().any(|k| {
        tree.get(spec, k)
            .and_then(|v| tree.str(v))
            .is_some_and(|s| !is_archive(s))
    })
}

pub(crate) fn is_archive(path: &str) -> bool {
    path.ends_with(".conda") || path.ends_with(".tar.bz2")
}
