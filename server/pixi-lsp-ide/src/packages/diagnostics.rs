//! Checks against channel data: channels that fail or are stale, names no channel has,
//! malformed specs, specs no version matches, and the build backend's compatibility.

use std::str::FromStr;

use pixi_lsp_channels::{
    FetchState, MatchSpec, PackageInfo, ParseStrictness, RecordInfo, ScopeData, Version,
};
use pixi_lsp_syntax::{Diagnostic, Fix, Origin, Severity, TextEdit, TextRange, edit};

use super::scopes::{DepRef, ManifestPackages, Scope};
use super::{ChannelContext, SUPPORTED_API_VERSIONS, versions};

fn diag(severity: Severity, code: &'static str, range: TextRange, message: String) -> Diagnostic {
    Diagnostic::new(Origin::Pixi, severity, code, range, message)
}

pub(crate) fn check(
    text: &str,
    packages: &ManifestPackages,
    channels: Option<&ChannelContext>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for scope in &packages.scopes {
        for (range, message) in &scope.bad_channels {
            out.push(diag(
                Severity::Error,
                "invalid-channel",
                *range,
                format!("invalid channel: {message}"),
            ));
        }
    }
    for dep in &packages.deps {
        if let Some((spec, range)) = &dep.spec {
            if let Some(e) = super::spec_check::spec_error(spec) {
                out.push(diag(
                    Severity::Error,
                    "invalid-version-spec",
                    *range,
                    format!("invalid version spec `{spec}`: {e}"),
                ));
            }
        }
    }
    let Some(channels) = channels else { return out };
    channel_states(packages, channels, &mut out);
    // One lookup per scope, not per dependency (a scope key hashes its channel URLs).
    let data_of: Vec<Option<&ScopeData>> = packages
        .scopes
        .iter()
        .map(|s| channels.scope(&s.key))
        .collect();
    for dep in &packages.deps {
        let scope = &packages.scopes[dep.scope];
        let Some(data) = data_of[dep.scope] else {
            continue;
        };
        check_dep(dep, scope, data, &mut out);
        if let Some(last) = out
            .last_mut()
            .filter(|d| d.code == "package-not-found" && d.range == dep.name_range)
        {
            if let Some(fix) = add_channel_fix(text, packages, channels, dep) {
                last.fixes.push(fix);
            }
        }
    }
    out
}

/// A failing channel is reported at its entry. A channel that could not be reached (no
/// network) says nothing about the manifest: one info diagnostic for the file, as for
/// cached (stale) data.
fn channel_states(
    packages: &ManifestPackages,
    channels: &ChannelContext,
    out: &mut Vec<Diagnostic>,
) {
    let mut stale_reported = false;
    let mut unreachable_reported = false;
    let mut reported: Vec<TextRange> = Vec::new();
    for scope in &packages.scopes {
        let Some(data) = channels.scope(&scope.key) else {
            continue;
        };
        for (i, (name, state)) in data.channel_states.iter().enumerate() {
            let Some(range) = scope.channel_ranges.get(i).copied().flatten() else {
                continue;
            };
            match state {
                FetchState::Failed(e) if !reported.contains(&range) => {
                    reported.push(range);
                    out.push(diag(
                        Severity::Warning,
                        "channel-unreachable",
                        range,
                        format!("could not load channel `{name}`: {e}"),
                    ));
                }
                FetchState::Unreachable(e) if !unreachable_reported => {
                    unreachable_reported = true;
                    out.push(diag(
                        Severity::Info,
                        "channel-unreachable",
                        range,
                        format!("channel `{name}` could not be reached and nothing is cached, so package names and versions are not checked ({e})"),
                    ));
                }
                FetchState::Ready { stale: true } if !stale_reported => {
                    stale_reported = true;
                    out.push(diag(
                        Severity::Info,
                        "channel-data-stale",
                        range,
                        format!("channel `{name}` could not be reached; package names and versions come from the last cached repodata"),
                    ));
                }
                _ => {}
            }
        }
    }
}

fn channel_list(scope: &Scope) -> String {
    scope
        .key
        .channels
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_dep(dep: &DepRef, scope: &Scope, data: &ScopeData, out: &mut Vec<Diagnostic>) {
    let loaded = data.package(&dep.name).filter(|(state, info)| {
        matches!(state, FetchState::Ready { .. }) && !info.records.is_empty()
    });
    // Records are loaded only for names the channels have, so a package with records needs
    // no lookup among the scope's (tens of thousands of) names: that lookup is for the rest.
    let Some((_, info)) = loaded else {
        if is_missing(dep, scope, data) {
            let what = if dep.is_backend {
                "build backend"
            } else {
                "package"
            };
            out.push(diag(
                Severity::Warning,
                "package-not-found",
                dep.name_range,
                format!(
                    "{what} `{}` is not in any channel of this scope ({})",
                    dep.name,
                    channel_list(scope)
                ),
            ));
        }
        return;
    };
    let spec = dep
        .spec
        .as_ref()
        .and_then(|(s, r)| super::spec_check::parse(s).ok().map(|m| (s, *r, m)));
    let admits = |version: &Version| {
        spec.as_ref()
            .is_none_or(|(_, _, m)| m.version.as_ref().is_none_or(|v| v.matches(version)))
    };
    if let Some((text, range, _)) = &spec {
        if !info.versions().iter().any(admits) {
            let newest: Vec<String> = info
                .versions()
                .iter()
                .take(5)
                .map(|v| v.to_string())
                .collect();
            out.push(diag(
                Severity::Warning,
                "version-not-in-channels",
                *range,
                format!(
                    "no version of `{}` matches `{text}`; the newest are {}",
                    dep.name,
                    newest.join(", ")
                ),
            ));
            return;
        }
    }
    if dep.is_backend {
        let admitted: Vec<&RecordInfo> =
            info.records.iter().filter(|r| admits(&r.version)).collect();
        backend_checks(dep, scope, info, &admitted, out);
    }
}

/// Whether `dep` is known to be in none of the scope's channels. Only judged once every
/// channel of the scope answered: a channel that is down must not make all its packages
/// look missing.
fn is_missing(dep: &DepRef, scope: &Scope, data: &ScopeData) -> bool {
    let all_answered = data.channel_states.len() == scope.key.channels.len()
        && data
            .channel_states
            .iter()
            .all(|(_, s)| matches!(s, FetchState::Ready { .. }));
    matches!(data.names_state, FetchState::Ready { .. })
        && all_answered
        && !data.has_name(&dep.name)
}

/// The API version a backend build speaks, from its `pixi-build-api-version` dependency.
fn speaks_supported_api(record: &RecordInfo) -> bool {
    record.build_api.iter().any(|d| {
        let Ok(spec) = MatchSpec::from_str(d, ParseStrictness::Lenient) else {
            return false;
        };
        let named = spec
            .name
            .as_exact()
            .is_some_and(|n| n.as_normalized() == "pixi-build-api-version");
        named
            && SUPPORTED_API_VERSIONS.clone().any(|api| {
                let Ok(v) = Version::from_str(&api.to_string()) else {
                    return false;
                };
                spec.version.as_ref().is_none_or(|s| s.matches(&v))
            })
    })
}

fn backend_checks(
    dep: &DepRef,
    scope: &Scope,
    info: &PackageInfo,
    admitted: &[&RecordInfo],
    out: &mut Vec<Diagnostic>,
) {
    let compatible: Vec<&RecordInfo> = admitted
        .iter()
        .copied()
        .filter(|r| speaks_supported_api(r))
        .collect();
    let newest_compatible = info.records.iter().find(|r| speaks_supported_api(r));
    let pin = newest_compatible.and_then(|r| versions::series_spec(&r.version));
    let range = dep.spec.as_ref().map_or(dep.name_range, |(_, r)| *r);
    if compatible.is_empty() {
        let mut d = diag(
            Severity::Warning,
            "backend-api-incompatible",
            range,
            format!(
                "no build of `{}` admitted by this spec speaks pixi-build API version {}; pixi cannot use it",
                dep.name, SUPPORTED_API_VERSIONS.start
            ),
        );
        if let (Some(pin), Some((_, spec_range))) = (&pin, &dep.spec) {
            d = d.with_fix(Fix {
                title: format!("Change the version to `{pin}`"),
                edits: vec![TextEdit {
                    range: *spec_range,
                    new_text: edit::format_string(pin),
                }],
            });
        }
        out.push(d);
        return;
    }
    let unpinned = dep.spec.as_ref().is_none_or(|(s, _)| s.trim() == "*");
    if unpinned {
        let mut d = diag(
            Severity::Hint,
            "backend-unpinned",
            range,
            format!(
                "`{}` is not pinned: any new release (even one with breaking changes) will be used",
                dep.name
            ),
        );
        if let (Some(pin), Some((_, spec_range))) = (&pin, &dep.spec) {
            d = d.with_fix(Fix {
                title: format!("Pin to `{pin}` (latest compatible)"),
                edits: vec![TextEdit {
                    range: *spec_range,
                    new_text: edit::format_string(pin),
                }],
            });
        }
        out.push(d);
    }
    for platform in &scope.key.subdirs {
        let name = platform.to_string();
        if name == "noarch" {
            continue;
        }
        if !compatible
            .iter()
            .any(|r| *r.subdir == *name || &*r.subdir == "noarch")
        {
            out.push(diag(
                Severity::Warning,
                "backend-platform-missing",
                dep.name_range,
                format!(
                    "`{}` has no build for `{name}`, one of the workspace's platforms",
                    dep.name
                ),
            ));
        }
    }
}

/// "Add channel `x`": when the name is missing from the workspace's channels but exactly one
/// other channel this manifest uses (a feature's, the backend's) has it.
fn add_channel_fix(
    text: &str,
    packages: &ManifestPackages,
    channels: &ChannelContext,
    dep: &DepRef,
) -> Option<Fix> {
    if Some(dep.scope) != packages.workspace_scope {
        return None;
    }
    let path = packages.workspace_path.as_ref()?;
    let own = &packages.scopes[dep.scope].key.channels;
    let mut candidates: Vec<&str> = Vec::new();
    for scope in &packages.scopes {
        let has = channels
            .scope(&scope.key)
            .is_some_and(|d| d.has_name(&dep.name));
        for channel in scope
            .key
            .channels
            .iter()
            .filter(|c| has && !own.iter().any(|o| o.url == c.url))
        {
            if !candidates.contains(&channel.name.as_str()) {
                candidates.push(&channel.name);
            }
        }
    }
    let [channel] = candidates.as_slice() else {
        return None;
    };
    let channel = (*channel).to_owned();
    let push = |doc: &mut edit::toml_edit::DocumentMut| -> Option<()> {
        let mut table: &mut edit::toml_edit::Item = doc.as_item_mut();
        for key in path {
            table = table.get_mut(key.as_str())?;
        }
        table
            .get_mut("channels")?
            .as_array_mut()?
            .push(channel.as_str());
        Some(())
    };
    let edit = edit::edit_document(text, |doc| push(doc).is_some())?;
    Some(Fix {
        title: format!("Add channel `{channel}` to the workspace"),
        edits: vec![edit],
    })
}
