//! Refactorings from channel data, offered on a dependency even without a diagnostic:
//! "update to the latest version" (keeping the spec's form) and "pin to `X.Y.*`". And
//! inlay hints: the newest version each spec admits.

use pixi_lsp_channels::{FetchState, PackageInfo, ParseStrictness, Version};
use pixi_lsp_syntax::{TextEdit, TextRange, edit};
use rattler_conda_types::NamelessMatchSpec;

use super::ChannelContext;
use super::scopes::{DepRef, ManifestPackages};
use super::versions::{is_rolling, series_spec};

/// A spec rewrite for one dependency.
pub(crate) struct SpecAction {
    pub title: String,
    pub edit: TextEdit,
}

/// An inlay hint: `label` shown at `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHintInfo {
    pub offset: usize,
    pub label: String,
    pub tooltip: String,
}

fn loaded<'a>(
    dep: &DepRef,
    packages: &ManifestPackages,
    channels: &'a ChannelContext,
) -> Option<&'a PackageInfo> {
    let data = channels.scope(&packages.scopes[dep.scope].key)?;
    match data.package(&dep.name)? {
        (FetchState::Ready { .. }, info) if !info.records.is_empty() => Some(info),
        _ => None,
    }
}

fn newest_stable(info: &PackageInfo) -> Option<&Version> {
    info.versions().iter().find(|v| !is_rolling(v))
}

fn newest_admitted<'a>(info: &'a PackageInfo, spec: &str) -> Option<&'a Version> {
    let spec = NamelessMatchSpec::from_str(spec, ParseStrictness::Lenient).ok()?;
    info.versions()
        .iter()
        .find(|v| spec.version.as_ref().is_none_or(|s| s.matches(v)))
}

/// The same kind of spec as `old`, moved to `latest`: `1.2.*` → `2.1.*`, `>=1.2` →
/// `>=2.1.0`, `==1.2.3` → `==2.1.0`; anything else becomes `>=latest`.
fn moved_spec(old: &str, latest: &Version) -> Option<String> {
    let old = old.trim();
    if old.ends_with(".*") && !old.contains([',', '<', '>', '=']) {
        return series_spec(latest);
    }
    if old.starts_with("==") {
        return Some(format!("=={latest}"));
    }
    Some(format!(">={latest}"))
}

pub(crate) fn spec_actions(
    packages: &ManifestPackages,
    channels: &ChannelContext,
    range: TextRange,
) -> Vec<SpecAction> {
    let mut out = Vec::new();
    for dep in &packages.deps {
        let Some((spec, spec_range)) = &dep.spec else {
            continue;
        };
        let touches = dep.name_range.start <= range.end && range.start <= spec_range.end;
        if !touches {
            continue;
        }
        let Some(info) = loaded(dep, packages, channels) else {
            continue;
        };
        let Some(latest) = newest_stable(info) else {
            continue;
        };
        let admitted = newest_admitted(info, spec);
        if admitted != Some(latest) {
            if let Some(new_spec) = moved_spec(spec, latest) {
                out.push(SpecAction {
                    title: format!(
                        "Update `{}` to the latest version ({latest}): `{new_spec}`",
                        dep.name
                    ),
                    edit: TextEdit {
                        range: *spec_range,
                        new_text: edit::format_string(&new_spec),
                    },
                });
            }
        }
        if let Some(pin) = admitted.and_then(series_spec).filter(|p| p != spec.trim()) {
            out.push(SpecAction {
                title: format!("Pin `{}` to `{pin}`", dep.name),
                edit: TextEdit {
                    range: *spec_range,
                    new_text: edit::format_string(&pin),
                },
            });
        }
    }
    out
}

pub(crate) fn inlay_hints(
    packages: &ManifestPackages,
    channels: &ChannelContext,
    range: TextRange,
) -> Vec<InlayHintInfo> {
    packages
        .deps
        .iter()
        .filter_map(|dep| {
            let (spec, spec_range) = dep.spec.as_ref()?;
            if !(range.start <= spec_range.end && spec_range.start <= range.end) {
                return None;
            }
            let info = loaded(dep, packages, channels)?;
            let version = newest_admitted(info, spec)?;
            Some(InlayHintInfo {
                offset: spec_range.end as usize,
                label: format!(" → {version}"),
                tooltip: "newest version this spec admits in the channels".to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn moved_specs_keep_their_form() {
        let v = Version::from_str("2.1.0").unwrap();
        assert_eq!(moved_spec("1.2.*", &v).as_deref(), Some("2.1.*"));
        assert_eq!(moved_spec("==1.2.3", &v).as_deref(), Some("==2.1.0"));
        assert_eq!(moved_spec(">=1.2,<1.3", &v).as_deref(), Some(">=2.1.0"));
    }
}
