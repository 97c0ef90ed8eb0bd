//! Platform names and the selector/expression subset this backend evaluates.

use regex::Regex;

/// The conda platform this binary runs on.
pub fn current() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "aarch64") => "linux-aarch64",
        ("linux", "powerpc64") => "linux-ppc64le",
        ("linux", _) => "linux-64",
        ("macos", "aarch64") => "osx-arm64",
        ("macos", _) => "osx-64",
        ("windows", "aarch64") => "win-arm64",
        ("windows", _) => "win-64",
        _ => "unknown",
    }
}

/// A platform the protocol names (`hostPlatform`, a prefix's platform), parsed.
pub fn subdir(platform: &str) -> Result<rattler_conda_types::Subdir, crate::config::Failure> {
    platform.parse().map_err(|e| {
        crate::config::Failure::new(format!("unknown platform '{platform}'")).caused_by(e)
    })
}

/// A `[package.build.target.<selector>]` key: `unix`, `linux`, `win`,
/// `macos`/`osx`, or a concrete platform.
pub fn selector_matches(selector: &str, platform: &str) -> bool {
    let family = platform.split('-').next().unwrap_or_default();
    match selector {
        "unix" => matches!(family, "linux" | "osx" | "freebsd" | "emscripten"),
        "linux" => family == "linux",
        "win" => family == "win",
        "macos" | "osx" => family == "osx",
        other => other == platform,
    }
}

/// A conditional-target expression, as pixi lowers selectors: a family
/// name, or `host_platform == '<p>'` / `target_platform == '<p>'`.
/// Anything else is rattler-build's to evaluate; we report `None`.
pub fn expression_matches(expression: &str, platform: &str) -> Option<bool> {
    let expression = expression.trim();
    if matches!(expression, "unix" | "linux" | "win" | "osx" | "macos") {
        return Some(selector_matches(expression, platform));
    }
    let re = Regex::new(r#"^(?:host|target)_platform\s*==\s*['"]([^'"]+)['"]$"#).ok()?;
    let captures = re.captures(expression)?;
    Some(&captures[1] == platform)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_selectors_and_simple_expressions() {
        assert!(selector_matches("unix", "osx-arm64"));
        assert!(!selector_matches("unix", "win-64"));
        assert!(selector_matches("linux-64", "linux-64"));
        assert_eq!(
            expression_matches("host_platform == 'linux-64'", "linux-64"),
            Some(true)
        );
        assert_eq!(expression_matches("win", "linux-64"), Some(false));
        assert_eq!(
            expression_matches("cuda_compiler != 'None'", "linux-64"),
            None
        );
    }
}
