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
    /// The problem is about this table's dependencies (`host-dependencies` for a host
    /// environment that does not solve): it lands on the first one the message names.
    pub dependency_table: Option<&'static str>,
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
                let range = self
                    .dependency_range(p)
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

const DEPENDENCY_TABLES: [&str; 3] = [
    "build-dependencies",
    "host-dependencies",
    "run-dependencies",
];

impl FileAnalysis {
    /// The package's dependency entries of the `kinds` tables (also target-specific ones),
    /// in that order: (name, key range).
    fn dependency_entries(&self, kinds: &[&str]) -> Vec<(String, TextRange)> {
        let Some(m) = self.manifest() else {
            return Vec::new();
        };
        let tree = m.tree;
        let Some(package) = tree.get(m.pixi, "package") else {
            return Vec::new();
        };
        let targets = tree
            .get(package, "target")
            .map(|t| tree.entries(t))
            .unwrap_or_default();
        let mut tables = Vec::new();
        for kind in kinds {
            tables.extend(tree.get(package, kind));
            tables.extend(targets.iter().filter_map(|t| tree.get(t.value, kind)));
        }
        tables
            .into_iter()
            .flat_map(|t| tree.entries(t))
            .map(|e| (e.key.clone(), e.key_range))
            .collect()
    }

    /// Where a problem about one of the package's dependencies belongs: the entry it
    /// names, or the first entry of its table that the message mentions.
    fn dependency_range(&self, p: &BackendProblem) -> Option<TextRange> {
        if let Some(name) = &p.dependency {
            return self
                .dependency_entries(&DEPENDENCY_TABLES)
                .into_iter()
                .find(|(key, _)| key == name)
                .map(|(_, range)| range);
        }
        let table = p.dependency_table?;
        self.dependency_entries(&[table])
            .into_iter()
            .find(|(key, _)| mentions(&p.message, key))
            .map(|(_, range)| range)
    }
}

/// Whether `text` has `name` as a whole package name (not inside a longer one).
fn mentions(text: &str, name: &str) -> bool {
    let part_of_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + name.len()..].chars().next();
        !before.is_some_and(part_of_name) && !after.is_some_and(|c| part_of_name(c) && c != '.')
    })
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
                dependency_table: None,
            },
            BackendProblem {
                message: "the backend crashed".into(),
                about_backend: false,
                dependency: None,
                dependency_table: None,
            },
            BackendProblem {
                message: "could not install the backend".into(),
                about_backend: true,
                dependency: None,
                dependency_table: None,
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
            dependency_table: None,
        };
        let ranges: Vec<&str> = a
            .backend_diagnostics(&[problem("lib"), problem("gone")])
            .iter()
            .map(|d| &text[d.range.as_usize()])
            .collect();
        assert_eq!(ranges, ["lib", "[package.build]"]);
    }

    #[test]
    fn an_unsolvable_environment_lands_on_the_dependency_it_names() {
        let text = "[package]\nname = \"x\"\n[package.build]\nbackend = { name = \"b\" }\n[package.host-dependencies]\npy = \"*\"\ntinypy = \">=99\"\n[package.run-dependencies]\nzlib = \"*\"\n";
        let a = FileAnalysis::new(FileKind::PixiToml, Arc::from(text));
        let problem = |message: &str| BackendProblem {
            message: message.into(),
            about_backend: false,
            dependency: None,
            dependency_table: Some("host-dependencies"),
        };
        let ranges: Vec<String> = a
            .backend_diagnostics(&[
                problem("could not solve:\nNo candidates were found for tinypy >=99."),
                // `zlib` is not a host dependency; `py` only inside a longer name.
                problem("could not solve: zlib and tinypy-extra and py-lib"),
            ])
            .iter()
            .map(|d| format!("{}@{}", &text[d.range.as_usize()], d.range.as_usize().start))
            .collect();
        assert_eq!(
            ranges,
            [
                format!("tinypy@{}", text.find("tinypy").unwrap()),
                format!("[package.build]@{}", text.find("[package.build]").unwrap())
            ]
        );
    }
}
