//! Which source files the package contains (config key `files`).
//!
//! Globs are matched against the `/`-separated path relative to the source
//! directory: `*` and `?` stay within one path segment, `**` crosses them.
//! A leading `!` excludes; the last matching pattern wins (gitignore order,
//! which is also how pixi reads our input globs). Hidden files and
//! directories (`.git`, `.pixi`, ...) are never packaged.

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::config::Failure;

/// The selection: ordered patterns.
#[derive(Clone, Debug)]
pub struct FileSelection {
    /// As given (or the default), for `inputGlobs`.
    pub globs: Vec<String>,
    patterns: Vec<(bool, Regex)>,
}

impl FileSelection {
    /// `files` from the config, or everything but the manifest.
    pub fn new(files: Option<&[String]>, manifest_rel: &str) -> Result<Self, Failure> {
        let globs = match files {
            Some(files) => files.to_vec(),
            None => vec!["**".to_owned(), format!("!{manifest_rel}")],
        };
        let mut patterns = Vec::new();
        for glob in &globs {
            let (include, pattern) = match glob.strip_prefix('!') {
                Some(rest) => (false, rest),
                None => (true, glob.as_str()),
            };
            let regex = glob_regex(pattern).map_err(|e| {
                Failure::new(format!("invalid glob in `files`: {glob}")).caused_by(e)
            })?;
            patterns.push((include, regex));
        }
        Ok(FileSelection { globs, patterns })
    }

    pub fn matches(&self, rel: &str) -> bool {
        let mut selected = false;
        for (include, regex) in &self.patterns {
            if regex.is_match(rel) {
                selected = *include;
            }
        }
        selected
    }

    /// Selected files under `root`, relative, `/`-separated, sorted.
    /// Directories in `skip` (work/output dirs inside the source) are not entered.
    pub fn list(&self, root: &Path, skip: &[PathBuf]) -> Result<Vec<String>, Failure> {
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(root.join(&dir)).map_err(|e| {
                Failure::new(format!("cannot read {}", root.join(&dir).display())).caused_by(e)
            })?;
            for entry in entries {
                let entry = entry.map_err(|e| Failure::new("cannot list sources").caused_by(e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let rel = dir.join(&name);
                let file_type = entry
                    .file_type()
                    .map_err(|e| Failure::new("cannot list sources").caused_by(e))?;
                if file_type.is_dir() {
                    if !skip.iter().any(|s| *s == root.join(&rel)) {
                        stack.push(rel);
                    }
                } else {
                    let rel = rel_string(&rel);
                    if self.matches(&rel) {
                        out.push(rel);
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn glob_regex(glob: &str) -> Result<Regex, regex::Error> {
    let mut re = String::from("^");
    let chars: Vec<char> = glob.trim_start_matches("./").chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                if chars.get(i + 2) == Some(&'/') {
                    re.push_str("(?:.*/)?");
                    i += 3;
                } else {
                    re.push_str(".*");
                    i += 2;
                }
                continue;
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    Regex::new(&re)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(globs: &[&str]) -> FileSelection {
        let globs: Vec<String> = globs.iter().map(|g| g.to_string()).collect();
        FileSelection::new(Some(&globs), "pixi.toml").unwrap()
    }

    #[test]
    fn globs_follow_segment_rules_and_last_match_wins() {
        let s = selection(&["**/*.txt", "!secret/**"]);
        assert!(s.matches("a.txt"));
        assert!(s.matches("docs/deep/b.txt"));
        assert!(!s.matches("secret/c.txt"));
        assert!(!s.matches("a.md"));
        let s = selection(&["*.txt"]);
        assert!(!s.matches("docs/b.txt"));
    }

    #[test]
    fn default_selects_everything_but_the_manifest() {
        let s = FileSelection::new(None, "pixi.toml").unwrap();
        assert!(s.matches("src/x.c"));
        assert!(!s.matches("pixi.toml"));
        assert_eq!(s.globs, ["**", "!pixi.toml"]);
    }
}
