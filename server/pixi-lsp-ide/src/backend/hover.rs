//! Hover on backend config keys and on the backend name.

use pixi_lsp_rules::backends::{TargetRule, registry};
use pixi_lsp_syntax::{NodeId, PathSeg, Tree};

use super::{backend_in_scope, config_rest, is_backend_name};

pub(crate) fn hover(
    tree: &Tree,
    pixi: NodeId,
    rel: &[PathSeg],
    value_text: Option<&str>,
) -> Option<String> {
    if is_backend_name(rel) {
        let profile = registry().get(value_text?)?;
        let mut md = format!(
            "**{}** — {} build backend\n\n{}",
            profile.backend, profile.title, profile.description
        );
        if let (Some(first), Some(last)) = (profile.releases().first(), profile.releases().last()) {
            md.push_str(&format!(
                "\n\n*Known releases:* {} … {} ({} releases)",
                first.version,
                last.version,
                profile.releases().len()
            ));
        }
        if let Some(docs) = &profile.docs {
            md.push_str(&format!("\n\n[Documentation]({docs})"));
        }
        return Some(md);
    }
    let (rest, in_target) = config_rest(rel)?;
    let [PathSeg::Key(key), inner @ ..] = rest else {
        return None;
    };
    let backend = backend_in_scope(tree, pixi, in_target)?;
    let (name, info) = backend
        .profile
        .key(key)
        .map(|i| (key.as_str(), i))
        .or_else(|| backend.profile.key_by_alias(key))?;
    if !inner.is_empty() {
        let schema = info.schema()?;
        let at = schema.at_path(schema.root(), inner);
        let path: Vec<&str> = rest.iter().filter_map(PathSeg::key).collect();
        return Some(format!(
            "**`{}`** ({})\n\n{}",
            path.join("."),
            backend.profile.backend,
            schema.description(&at).unwrap_or_default()
        ));
    }
    let mut md = format!(
        "**`{name}`** — {} config\n\n{}",
        backend.profile.backend, info.description
    );
    if let Some(schema) = info.schema() {
        let types = schema.types(&schema.expand(schema.root()));
        if !types.is_empty() {
            let names: Vec<&str> = types.iter().map(|t| t.describe()).collect();
            md.push_str(&format!("\n\n*Type:* {}", names.join(" or ")));
        }
    }
    if let Some(default) = &info.default {
        md.push_str(&format!("\n\n*Default:* `{default}`"));
    }
    match (&info.since, &info.until) {
        (Some(s), None) => md.push_str(&format!(
            "\n\n*Available since* {} {s}",
            backend.profile.backend
        )),
        (None, Some(u)) => {
            md.push_str(&format!("\n\n*Removed in* {} {u}", backend.profile.backend))
        }
        (Some(s), Some(u)) => md.push_str(&format!(
            "\n\n*Available in* {} {s} up to {u}",
            backend.profile.backend
        )),
        (None, None) => {}
    }
    if info.target == TargetRule::Forbidden {
        md.push_str("\n\n*Not allowed in target-specific config.*");
    } else if let Some(merge) = &info.target_merge {
        md.push_str(&format!("\n\n*Target-specific values:* {merge}"));
    }
    if let Some(deprecated) = &info.deprecated {
        md.push_str(&format!("\n\n**Deprecated:** {deprecated}"));
    }
    Some(md)
}
