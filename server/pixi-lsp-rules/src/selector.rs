//! `[target.<selector>]` keys: parsing them like pixi's `TargetSelector::from_str`, and
//! matching them against the platforms a workspace or feature declares.

use std::str::FromStr;

use rattler_conda_types::Subdir;

use crate::platforms::Platform;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Selector {
    Linux,
    Unix,
    Win,
    MacOs,
    Subdir(Subdir),
    Glob(String),
    /// A platform name declared in `[workspace] platforms` (rich platforms).
    Named(String),
    /// `if(...)` or anything with `(`: only valid in package dependency tables.
    Expression,
}

impl Selector {
    pub fn parse(s: &str) -> Selector {
        if s.contains('(') {
            return Selector::Expression;
        }
        match s {
            "linux" => return Selector::Linux,
            "unix" => return Selector::Unix,
            "win" => return Selector::Win,
            "osx" | "macos" => return Selector::MacOs,
            _ => {}
        }
        if let Ok(subdir) = Subdir::from_str(s) {
            return Selector::Subdir(subdir);
        }
        if s.contains(['*', '?', '[']) {
            return Selector::Glob(s.to_owned());
        }
        Selector::Named(s.to_owned())
    }

    pub fn is_glob(&self) -> bool {
        matches!(self, Selector::Glob(_))
    }

    /// Could this selector apply to `platform`? Unknown subdirs answer yes, so that a
    /// platform we cannot resolve never causes a warning.
    fn matches(&self, p: &Platform) -> bool {
        let family = |f: fn(Subdir) -> bool| p.subdir.is_none_or(f);
        match self {
            Selector::Linux => family(Subdir::is_linux),
            Selector::Unix => family(Subdir::is_unix),
            Selector::Win => family(Subdir::is_windows),
            Selector::MacOs => family(Subdir::is_osx),
            Selector::Subdir(s) => p.subdir.is_none_or(|ps| ps == *s) || p.name() == s.as_str(),
            Selector::Glob(g) => glob_match(g, p.name()),
            Selector::Named(n) => p.name() == n,
            Selector::Expression => true,
        }
    }
}

pub(crate) fn matches_any(selector: &Selector, platforms: &[Platform]) -> bool {
    platforms.iter().any(|p| selector.matches(p))
}

/// `*`/`?` globs, enough for platform names (`linux-*`, `osx-?4`); `[...]` classes are
/// treated as matching anything so they never cause a false warning.
fn glob_match(glob: &str, name: &str) -> bool {
    if glob.contains('[') {
        return true;
    }
    fn go(g: &[u8], n: &[u8]) -> bool {
        match (g.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&g[1..], n) || (!n.is_empty() && go(g, &n[1..])),
            (Some(b'?'), Some(_)) => go(&g[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&g[1..], &n[1..]),
            _ => false,
        }
    }
    go(glob.as_bytes(), name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_selectors_like_pixi() {
        assert_eq!(Selector::parse("unix"), Selector::Unix);
        assert_eq!(Selector::parse("macos"), Selector::MacOs);
        assert_eq!(
            Selector::parse("linux-64"),
            Selector::Subdir(Subdir::Linux64)
        );
        assert!(Selector::parse("linux-*").is_glob());
        assert_eq!(Selector::parse("if(unix)"), Selector::Expression);
        assert_eq!(
            Selector::parse("linux-64-cuda"),
            Selector::Named("linux-64-cuda".into())
        );
    }

    #[test]
    fn globs_match_names() {
        assert!(glob_match("linux-*", "linux-aarch64"));
        assert!(!glob_match("osx-*", "linux-64"));
        assert!(glob_match("osx-?4", "osx-64"));
    }
}
