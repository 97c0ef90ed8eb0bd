//! Backend names and backend config keys/values.

use pixi_lsp_rules::backends::{TargetRule, registry};
use pixi_lsp_syntax::{CursorContext, CursorKind, NodeId, PathSeg, TextEdit, Tree, edit};
use serde_json::Value;

use super::{backend_in_scope, config_rest, is_backend_name};
use crate::completion::{CompletionItem, CompletionKind};

/// Items for the cursor when it is in backend territory; `None` lets the schema answer.
pub(crate) fn complete(
    tree: &Tree,
    pixi: NodeId,
    rel: &[PathSeg],
    ctx: &CursorContext,
    existing: &[String],
) -> Option<Vec<CompletionItem>> {
    if matches!(ctx.kind, CursorKind::Value { .. }) && is_backend_name(rel) {
        return Some(backend_names(ctx));
    }
    let (rest, in_target) = config_rest(rel)?;
    let backend = backend_in_scope(tree, pixi, in_target)?;
    match (&ctx.kind, rest) {
        (CursorKind::Key, []) => Some(
            backend
                .profile
                .keys_for(&backend.admitted)
                .filter(|(name, _)| {
                    ctx.key.as_deref() == Some(*name) || !existing.iter().any(|e| e == name)
                })
                .filter(|(_, info)| !(backend.in_target && info.target == TargetRule::Forbidden))
                .map(|(name, info)| {
                    let detail = match &info.since {
                        Some(since) => format!("{} ≥ {since}", backend.profile.backend),
                        None => backend.profile.backend.clone(),
                    };
                    let deprecated = info.deprecated.is_some();
                    CompletionItem {
                        label: name.to_owned(),
                        kind: CompletionKind::Key,
                        detail: Some(detail),
                        documentation: Some(info.description.clone()),
                        edit: TextEdit {
                            range: ctx.range,
                            new_text: edit::format_key(name),
                        },
                        snippet: false,
                        deprecated,
                        sort_text: format!("{}{name}", if deprecated { "z" } else { "a" }),
                    }
                })
                .collect(),
        ),
        (CursorKind::Value { in_string, .. }, [PathSeg::Key(key), inner @ ..]) => {
            let info = backend.profile.key(key)?;
            let schema = info.schema()?;
            let at = schema.at_path(schema.root(), inner);
            let mut values: Vec<Value> = schema.enum_values(&at);
            if values.is_empty()
                && schema
                    .types(&at)
                    .contains(&pixi_lsp_schema::JsonType::Boolean)
            {
                values = vec![Value::Bool(true), Value::Bool(false)];
            }
            Some(
                values
                    .into_iter()
                    .map(|v| {
                        let (label, text) = match &v {
                            Value::String(s) if *in_string => (s.clone(), s.clone()),
                            Value::String(s) => (s.clone(), edit::format_string(s)),
                            other => (other.to_string(), other.to_string()),
                        };
                        CompletionItem {
                            label: label.clone(),
                            kind: CompletionKind::Value,
                            detail: Some(backend.profile.backend.clone()),
                            documentation: None,
                            edit: TextEdit {
                                range: ctx.range,
                                new_text: text,
                            },
                            snippet: false,
                            deprecated: false,
                            sort_text: format!("a{label}"),
                        }
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

fn backend_names(ctx: &CursorContext) -> Vec<CompletionItem> {
    registry()
        .iter()
        .map(|p| CompletionItem {
            detail: Some(p.title.clone()),
            documentation: Some(p.description.clone()),
            ..CompletionItem::string_value(&p.backend, ctx, format!("a{}", p.backend))
        })
        .collect()
}
