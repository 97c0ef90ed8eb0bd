//! A workspace dependency is named in several manifests: its `[workspace.dependencies]`
//! entry in the workspace manifest, and a `{ workspace = true }` entry in each package that
//! inherits it. This gives what one file says; the host reads the workspace's other
//! manifests and puts them together (references across files).

use pixi_lsp_syntax::TextRange;

use crate::FileAnalysis;
use crate::names::inheriting_dependencies;

/// One place a manifest names a workspace dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DependencyMention {
    /// The entry's key.
    pub range: TextRange,
    /// The `[workspace.dependencies]` entry (else a `{ workspace = true }` use).
    pub declaration: bool,
}

impl FileAnalysis {
    /// The workspace dependency whose key is under the cursor: a `[workspace.dependencies]`
    /// entry or an entry that inherits one.
    pub fn workspace_dependency_at(&self, offset: usize) -> Option<String> {
        self.workspace_dependency_mentions(None)
            .into_iter()
            .find(|(_, m)| m.range.touches(offset))
            .map(|(name, _)| name)
    }

    /// Where this file names workspace dependencies (`Some(name)`: that one only), in
    /// document order.
    pub fn workspace_dependency_mentions(
        &self,
        only: Option<&str>,
    ) -> Vec<(String, DependencyMention)> {
        let Some(m) = self.manifest() else {
            return Vec::new();
        };
        let tree = m.tree;
        let wanted = |name: &str| only.is_none_or(|o| o == name);
        let mut out = Vec::new();
        if let Some(pool) = m
            .workspace_table()
            .and_then(|w| tree.get(w, "dependencies"))
        {
            for e in tree.entries(pool).iter().filter(|e| wanted(&e.key)) {
                let mention = DependencyMention {
                    range: e.key_range,
                    declaration: true,
                };
                out.push((e.key.clone(), mention));
            }
        }
        for (table, name) in inheriting_dependencies(&m) {
            let Some(e) = tree.entry(table, &name).filter(|_| wanted(&name)) else {
                continue;
            };
            let mention = DependencyMention {
                range: e.key_range,
                declaration: false,
            };
            out.push((name, mention));
        }
        out.sort_by_key(|(_, m)| m.range.start);
        out
    }
}
