//! Version specs as users write them, offered newest first: `0.4.*`, `>=0.4,<0.5`, `==0.4.5`.

use pixi_lsp_channels::{PackageInfo, Version};

/// One suggested spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SpecSuggestion {
    pub spec: String,
    /// The newest version the spec admits.
    pub newest: String,
    pub rolling: bool,
}

/// A dated rolling build (`0.4.2.20260301.123456.abcdef1`) rather than a stable release:
/// more than three segments with a date-like fourth one.
pub(crate) fn is_rolling(version: &Version) -> bool {
    let text = version.to_string();
    let segments: Vec<&str> = text.split('.').collect();
    segments.len() > 3 && segments[3].len() >= 8 && segments[3].chars().all(|c| c.is_ascii_digit())
}

fn major_minor(version: &Version) -> Option<(u64, u64)> {
    let text = version.to_string();
    let mut it = text.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// Suggestions for `versions` (newest first): a `X.Y.*` and a `>=X.Y,<X.Y+1` per recent
/// series, then exact pins of the newest releases.
pub(crate) fn suggestions(
    info: &PackageInfo,
    series_limit: usize,
    exact_limit: usize,
) -> Vec<SpecSuggestion> {
    let versions = info.versions();
    let mut out = Vec::new();
    let mut seen_series: Vec<(u64, u64)> = Vec::new();
    for v in versions.iter().filter(|v| !is_rolling(v)) {
        let Some((major, minor)) = major_minor(v) else {
            continue;
        };
        if seen_series.contains(&(major, minor)) || seen_series.len() >= series_limit {
            continue;
        }
        seen_series.push((major, minor));
        let newest = v.to_string();
        out.push(SpecSuggestion {
            spec: format!("{major}.{minor}.*"),
            newest: newest.clone(),
            rolling: false,
        });
        out.push(SpecSuggestion {
            spec: format!(">={major}.{minor},<{major}.{}", minor + 1),
            newest,
            rolling: false,
        });
    }
    for v in versions.iter().take(exact_limit) {
        out.push(SpecSuggestion {
            spec: format!("=={v}"),
            newest: v.to_string(),
            rolling: is_rolling(v),
        });
    }
    out
}

/// The `X.Y.*` series of a version (for "pin" fixes).
pub(crate) fn series_spec(version: &Version) -> Option<String> {
    major_minor(version).map(|(a, b)| format!("{a}.{b}.*"))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use pixi_lsp_channels::RecordInfo;

    use super::*;

    fn info(versions: &[&str]) -> PackageInfo {
        let records = versions
            .iter()
            .map(|v| RecordInfo {
                version: Version::from_str(v).unwrap(),
                build_number: 0,
                subdir: "noarch".into(),
                channel: "c".into(),
                build_api: None,
                license: None,
            })
            .collect();
        PackageInfo::new(records)
    }

    #[test]
    fn suggests_series_then_pins_newest_first() {
        let s = suggestions(
            &info(&["0.4.2.20260301.123456.abcdef1", "0.4.1", "0.4.0", "0.3.2"]),
            2,
            2,
        );
        let specs: Vec<&str> = s.iter().map(|s| s.spec.as_str()).collect();
        assert_eq!(
            specs,
            [
                "0.4.*",
                ">=0.4,<0.5",
                "0.3.*",
                ">=0.3,<0.4",
                "==0.4.2.20260301.123456.abcdef1",
                "==0.4.1"
            ]
        );
        assert!(s[4].rolling && !s[5].rolling);
        assert_eq!(s[0].newest, "0.4.1");
    }
}
