//! Document links: channels to their URL, and the files a manifest names — `path`
//! dependencies and `[package.build] source.path` to the package's manifest or directory,
//! `license-file`, `readme`, `build-variants-files`, and the recipe a backend that builds
//! the user's own recipe reads. This crate does no IO: paths come back relative to the
//! manifest's directory, and the caller keeps only those that exist.

use pixi_lsp_rules::PathUse;
use pixi_lsp_rules::backends::registry;
use pixi_lsp_syntax::{NodeId, TextRange, Tree};

use crate::FileAnalysis;
use crate::semantic_tokens::{SemanticKind, classify};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// An absolute URL (a channel).
    Url(String),
    /// A path relative to the manifest's directory. A `package` path is a source package
    /// directory (link to the manifest in it, else the directory) or an archive.
    Path { path: String, package: bool },
    /// The recipe the backend builds: `configured` (the `recipe` config key, relative),
    /// else where backends look for it.
    UserRecipe { configured: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The string's content, without its quotes.
    pub range: TextRange,
    pub target: LinkTarget,
}

pub(crate) fn links(analysis: &FileAnalysis) -> Vec<Link> {
    let Some(m) = analysis.manifest() else {
        return Vec::new();
    };
    let tree = m.tree;
    let text: &str = analysis.text();
    let inner = |id: NodeId| unquoted(text, tree.range(id));
    let mut out = Vec::new();
    let alias = analysis
        .context()
        .channels
        .as_ref()
        .map_or_else(crate::packages::default_alias, |c| c.alias.clone());
    channels(tree, m.pixi, &mut |id, name| {
        let target = if name.contains("://") {
            LinkTarget::Url(name.to_owned())
        } else if name.starts_with(['.', '/', '~']) {
            LinkTarget::Path {
                path: name.to_owned(),
                package: false,
            }
        } else {
            match alias.join(name) {
                Ok(url) => LinkTarget::Url(url.to_string()),
                Err(_) => return,
            }
        };
        out.push(Link {
            range: inner(id),
            target,
        });
    });
    for r in pixi_lsp_rules::referenced_paths(&m) {
        out.push(Link {
            range: unquoted(text, r.range),
            target: LinkTarget::Path {
                path: r.path,
                package: matches!(r.usage, PathUse::Dependency | PathUse::BuildSource),
            },
        });
    }
    // `[workspace] build-variants-files` is among the referenced paths above.
    let owners = [tree.get_path(m.pixi, &["package", "build"])];
    for owner in owners.into_iter().flatten() {
        let Some(files) = tree.get(owner, "build-variants-files") else {
            continue;
        };
        for &item in tree.items(files) {
            if let Some(p) = tree.str(item) {
                out.push(Link {
                    range: inner(item),
                    target: LinkTarget::Path {
                        path: p.to_owned(),
                        package: false,
                    },
                });
            }
        }
    }
    if let Some(backend) = tree.get_path(m.pixi, &["package", "build", "backend"]) {
        let name = tree.get(backend, "name");
        let profile = name
            .and_then(|n| tree.str(n))
            .and_then(|n| registry().get(n));
        if let (Some(name), Some(profile)) = (name, profile) {
            if profile.builds_user_recipe {
                let configured = tree
                    .get_path(m.pixi, &["package", "build", "config", "recipe"])
                    .and_then(|r| tree.str(r))
                    .map(str::to_owned);
                out.push(Link {
                    range: inner(name),
                    target: LinkTarget::UserRecipe { configured },
                });
            }
        }
    }
    out.sort_by_key(|l| l.range.start);
    out
}

/// Every string that names a channel, with its node.
fn channels(tree: &Tree, id: NodeId, found: &mut impl FnMut(NodeId, &str)) {
    crate::semantic_tokens::walk_scalars(tree, id, &mut Vec::new(), 0, &mut |path, id, _| {
        if let Some(s) = tree
            .str(id)
            .filter(|_| classify(path) == SemanticKind::Channel)
        {
            found(id, s);
        }
    });
}

/// A string's range without its quotes (one or three of them).
fn unquoted(text: &str, range: TextRange) -> TextRange {
    let raw = &text[range.as_usize()];
    let quotes = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else if raw.starts_with(['"', '\'']) {
        1
    } else {
        0
    };
    if raw.len() < 2 * quotes {
        return range;
    }
    TextRange::new(range.start as usize + quotes, range.end as usize - quotes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::FileKind;

    fn check(text: &str, expect: Expect) {
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let shown: Vec<String> = links(&a)
            .iter()
            .map(|l| format!("{} → {:?}", &text[l.range.as_usize()], l.target))
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn links_channels_paths_and_files() {
        check(
            r#"[workspace]
channels = ["conda-forge", "https://prefix.dev/pixi-build-backends", "./local", { channel = "bioconda", priority = 1 }]
platforms = ["linux-64"]
preview = ["pixi-build"]
build-variants-files = ["variants.yaml"]

[dependencies]
mylib = { path = "../mylib" }
other = { version = "1", channel = "file:///srv/channel" }

[package]
name = "x"
version = "0.1.0"
license-file = "LICENSE"
readme = "README.md"

[package.build]
backend = { name = "pixi-build-python", version = "*" }
source = { path = "src" }
"#,
            expect![[r#"
                conda-forge → Url("https://conda.anaconda.org/conda-forge")
                https://prefix.dev/pixi-build-backends → Url("https://prefix.dev/pixi-build-backends")
                ./local → Path { path: "./local", package: false }
                bioconda → Url("https://conda.anaconda.org/bioconda")
                variants.yaml → Path { path: "variants.yaml", package: false }
                ../mylib → Path { path: "../mylib", package: true }
                file:///srv/channel → Url("file:///srv/channel")
                LICENSE → Path { path: "LICENSE", package: false }
                README.md → Path { path: "README.md", package: false }
                src → Path { path: "src", package: true }"#]],
        );
    }

    #[test]
    fn links_the_recipe_a_backend_builds() {
        check(
            "[package.build]\nbackend = { name = \"pixi-build-rattler-build\", version = \"*\" }\n",
            expect![[r#"pixi-build-rattler-build → UserRecipe { configured: None }"#]],
        );
        check(
            "[package.build]\nbackend = { name = \"pixi-build-rattler-build\" }\nconfig = { recipe = \"r/my.yaml\" }\n",
            expect![[r#"pixi-build-rattler-build → UserRecipe { configured: Some("r/my.yaml") }"#]],
        );
        check(
            "[package.build]\nbackend = { name = \"pixi-build-cmake\" }\n",
            expect![[r#""#]],
        );
    }
}
