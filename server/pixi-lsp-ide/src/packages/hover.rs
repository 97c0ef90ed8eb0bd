//! Hover on a dependency or backend name: versions, channels, platforms, license.

use pixi_lsp_channels::FetchState;

use super::ChannelContext;
use super::scopes::ManifestPackages;
use super::versions::is_rolling;

/// Markdown about the package whose name is at `offset`, when channel data knows it.
pub(crate) fn hover(
    packages: &ManifestPackages,
    channels: &ChannelContext,
    offset: usize,
) -> Option<(pixi_lsp_syntax::TextRange, String)> {
    let dep = packages
        .deps
        .iter()
        .find(|d| d.name_range.touches(offset))?;
    let scope = &packages.scopes[dep.scope];
    let data = channels.scope(&scope.key)?;
    let (state, info) = data.package(&dep.name)?;
    let mut md = format!("**{}**", dep.name);
    match state {
        FetchState::Loading | FetchState::NotRequested => {
            md.push_str("\n\n*Loading channel data…*")
        }
        FetchState::Failed(e) | FetchState::Unreachable(e) => {
            md.push_str(&format!("\n\n*Channel data unavailable:* {e}"))
        }
        FetchState::Ready { stale } => {
            let versions = info.versions();
            if versions.is_empty() {
                md.push_str("\n\nNot found in the channels in scope.");
                return Some((dep.name_range, md));
            }
            let latest_stable = versions.iter().find(|v| !is_rolling(v));
            if let Some(v) = latest_stable {
                md.push_str(&format!(" — latest {v}"));
            }
            let shown: Vec<String> = versions
                .iter()
                .take(12)
                .map(|v| {
                    if is_rolling(v) {
                        format!("`{v}` (rolling)")
                    } else {
                        format!("`{v}`")
                    }
                })
                .collect();
            md.push_str(&format!("\n\n*Versions:* {}", shown.join(", ")));
            if versions.len() > 12 {
                md.push_str(&format!(" … ({} in all)", versions.len()));
            }
            md.push_str(&format!("\n\n*Channels:* {}", info.channels().join(", ")));
            let mut subdirs: Vec<&str> = info.records.iter().map(|r| &*r.subdir).collect();
            subdirs.sort_unstable();
            subdirs.dedup();
            md.push_str(&format!("\n\n*Platforms:* {}", subdirs.join(", ")));
            if let Some(license) = info.records.iter().find_map(|r| r.license.as_deref()) {
                md.push_str(&format!("\n\n*License:* {license}"));
            }
            if *stale {
                md.push_str("\n\n*(from the cache: the channel could not be reached)*");
            }
        }
    }
    Some((dep.name_range, md))
}
