//! Problems a build backend reported (an error response, a crash, a recipe that doesn't
//! parse), placed where the user can act on them: the path dependency that failed to
//! build, else the config key the message names, else the backend entry, else the
//! `[package.build]` table.

use pixi_lsp_syntax::{Diagnostic, Origin, Severity, TextRange};

use crate::FileAnalysis;

/// One problem, as the server learned it from the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendProblem {
    pub message: String,
    /// The problem concerns the backend itself (installing or starting it), not its input.
    pub about_backend: bool,
    /// The problem is in building this path dependency of the package.
    pub dependency: Option<String>,
}

impl FileAnalysis {
    pub fn backend_diagnostics(&self, problems: &[BackendProblem]) -> Vec<Diagnostic> {
        let Some(m) = self.manifest() else {
            return Vec::new();
        };
        let tree = m.tree;
        let Some(build) = tree.get_path(m.pixi, &["package", "build"]) else {
            return Vec::new();
        };
        let build_range = tree
            .table(build)
            .and_then(|t| t.header)
            .or_else(|| {
                tree.entry(tree.get(m.pixi, "package").unwrap_or(m.pixi), "build")
                    .map(|e| e.key_range)
            })
            .unwrap_or(TextRange::empty(0));
        let backend_range = tree.entry(build, "backend").map(|e| e.key_range);
        let mut configs = Vec::new();
        for key in ["config", "configuration"] {
            configs.extend(tree.get(build, key));
        }
        for target in tree
            .get(build, "target")
            .map(|t| tree.entries(t))
            .unwrap_or_default()
        {
            configs.extend(tree.get(target.value, "config"));
        }
        problems
            .iter()
            .map(|p| {
                let key_range = configs
                    .iter()
                    .flat_map(|&c| tree.entries(c))
                    .find(|e| names_key(&p.message, &e.key))
                    .map(|e| e.key_range);
                let dependency_range = p
                    .dependency
                    .as_deref()
                    .and_then(|name| self.dependency_key_range(name));
                let range = dependency_range
                    .or(key_range)
                    .or(if p.about_backend { backend_range } else { None })
                    .unwrap_or(build_range);
                Diagnostic::new(
                    Origin::Backend,
                    Severity::Error,
                    "backend-error",
                    range,
                    p.message.clone(),
                )
            })
            .collect()
    }
}

impl FileAnalysis {
    /// The key of `name` in the package's build, host or run dependencies (also
    /// target-specific ones), in that order.
    fn dependency_key_range(&self, name: &str) -> Option<TextRange> {
        let m = self.manifest()?;
        let tree = m.tree;
        let package = tree.get(m.pixi, "package")?;
        let mut tables = Vec::new();
        for kind in [
            "build-dependencies",
            "host-dependencies",
            "run-dependencies",
        ] {
            tables.extend(tree.get(package, kind));
        }
        for target in tree
            .get(package, "target")
            .map(|t| tree.entries(t))
            .unwrap_or_default()
        {
            for kind in [
                "build-dependencies",
                "host-dependencies",
                "run-dependencies",
            ] {
                tables.extend(tree.get(target.value, kind));
            }
        }
        tables
            .into_iter()
            .find_map(|t| tree.entry(t, name))
            .map(|e| e.key_range)
    }
}

/// Whether a backend message names `key` (serde quotes field names in backticks).
fn names_key(message: &str, key: &str) -> bool {
    message.contains(&format!("`{key}`"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::BackendProblem;
    use crate::{FileAnalysis, FileKind};

    #[test]
    fn problems_land_on_the_key_they_name_or_the_build_table() {
        let text = "[package]\nname = \"x\"\n[package.build]\nbackend = { name = \"b\" }\n[package.build.config]\nnoarhc = true\n";
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let problems = [
            BackendProblem {
                message: "failed to parse configuration: unknown field `noarhc`".into(),
                about_backend: false,
                dependency: None,
            },
            BackendProblem {
                message: "the backend crashed".into(),
                about_backend: false,
                dependency: None,
            },
            BackendProblem {
                message: "could not install the backend".into(),
                about_backend: true,
                dependency: None,
            },
        ];
        let ranges: Vec<&str> = a
            .backend_diagnostics(&problems)
            .iter()
            .map(|d| &text[d.range.as_usize()])
            .collect();
        assert_eq!(ranges, ["noarhc", "[package.build]", "backend"]);
    }

    #[test]
    fn a_failed_path_dependency_lands_on_its_entry() {
        let text = "[package]\nname = \"x\"\n[package.build]\nbackend = { name = \"b\" }\n[package.target.linux-64.host-dependencies]\nlib = { path = \"../lib\" }\n";
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let problem = |dependency: &str| BackendProblem {
            message: "building path dependency `lib` failed".into(),
            about_backend: false,
            dependency: Some(dependency.into()),
        };
        let ranges: Vec<&str> = a
            .backend_diagnostics(&[problem("lib"), problem("gone")])
            .iter()
            .map(|d| &text[d.range.as_usize()])
            .collect();
        assert_eq!(ranges, ["lib", "[package.build]"]);
    }
}
