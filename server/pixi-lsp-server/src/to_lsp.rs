//! IDE → LSP conversions.

use pixi_lsp_documents::LineIndex;
use pixi_lsp_ide::{
    Action, BuildCommand, CompletionItem, CompletionKind, CompletionList, HoverInfo, Symbol,
    SymbolKind,
};
use pixi_lsp_syntax::{Diagnostic, Severity, Tag, TextEdit, TextRange};
use tower_lsp_server::ls_types as lsp;

pub(crate) fn range(index: &LineIndex, r: TextRange) -> lsp::Range {
    let start = index.position(r.start as usize);
    let end = index.position(r.end as usize);
    lsp::Range::new(
        lsp::Position::new(start.line, start.character),
        lsp::Position::new(end.line, end.character),
    )
}

pub(crate) fn diagnostic(uri: &lsp::Uri, index: &LineIndex, d: &Diagnostic) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|r| lsp::DiagnosticRelatedInformation {
            location: lsp::Location::new(uri.clone(), range(index, r.range)),
            message: r.message.clone(),
        })
        .collect();
    let tags: Vec<lsp::DiagnosticTag> = d
        .tags
        .iter()
        .map(|t| match t {
            Tag::Deprecated => lsp::DiagnosticTag::DEPRECATED,
            Tag::Unnecessary => lsp::DiagnosticTag::UNNECESSARY,
        })
        .collect();
    lsp::Diagnostic {
        range: range(index, d.range),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_owned())),
        code_description: None,
        source: Some("pixi-lsp".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: (!tags.is_empty()).then_some(tags),
        data: None,
    }
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub(crate) fn text_edit(index: &LineIndex, e: &TextEdit) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(index, e.range),
        new_text: e.new_text.clone(),
    }
}

pub(crate) fn completion_list(index: &LineIndex, list: CompletionList) -> lsp::CompletionList {
    lsp::CompletionList {
        is_incomplete: list.is_incomplete,
        items: list
            .items
            .into_iter()
            .map(|i| completion_item(index, i))
            .collect(),
    }
}

fn completion_item(index: &LineIndex, item: CompletionItem) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: item.label,
        kind: Some(match item.kind {
            CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
            CompletionKind::Table => lsp::CompletionItemKind::MODULE,
            CompletionKind::Value => lsp::CompletionItemKind::VALUE,
        }),
        detail: item.detail,
        documentation: item.documentation.map(|d| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: d,
            })
        }),
        tags: item
            .deprecated
            .then(|| vec![lsp::CompletionItemTag::DEPRECATED]),
        sort_text: Some(item.sort_text),
        insert_text_format: Some(if item.snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(text_edit(index, &item.edit))),
        ..Default::default()
    }
}

pub(crate) fn hover(index: &LineIndex, info: HoverInfo) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(range(index, info.range)),
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be named even though it is unused.
pub(crate) fn symbol(index: &LineIndex, s: Symbol) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.is_empty() {
            "\"\"".to_owned()
        } else {
            s.name
        },
        detail: s.detail,
        kind: match s.kind {
            SymbolKind::Table => lsp::SymbolKind::OBJECT,
            SymbolKind::Array => lsp::SymbolKind::ARRAY,
            SymbolKind::Key => lsp::SymbolKind::PROPERTY,
        },
        tags: None,
        deprecated: None,
        range: range(index, s.range),
        selection_range: range(index, s.selection_range),
        children: Some(s.children.into_iter().map(|c| symbol(index, c)).collect()),
    }
}

pub(crate) fn inlay_hint(index: &LineIndex, hint: pixi_lsp_ide::InlayHintInfo) -> lsp::InlayHint {
    let p = index.position(hint.offset);
    lsp::InlayHint {
        position: lsp::Position::new(p.line, p.character),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: Some(lsp::InlayHintTooltip::String(hint.tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub(crate) fn code_action(uri: &lsp::Uri, index: &LineIndex, action: Action) -> lsp::CodeAction {
    let edits = action.edits.iter().map(|e| text_edit(index, e)).collect();
    // Fixes of a diagnostic are quick fixes; the rest are rewrites offered at the cursor.
    let kind = match action.diagnostic {
        Some(_) => lsp::CodeActionKind::QUICKFIX,
        None => lsp::CodeActionKind::REFACTOR_REWRITE,
    };
    lsp::CodeAction {
        title: action.title,
        kind: Some(kind),
        diagnostics: action.diagnostic.map(|d| vec![diagnostic(uri, index, &d)]),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some([(uri.clone(), edits)].into_iter().collect()),
            ..Default::default()
        }),
        is_preferred: Some(action.preferred),
        ..Default::default()
    }
}

/// A build command with the manifest's URI as its first argument.
pub(crate) fn build_command(manifest: &lsp::Uri, c: &BuildCommand) -> lsp::Command {
    let uri = serde_json::Value::String(manifest.as_str().to_owned());
    lsp::Command {
        title: c.titled_with_icon(),
        command: c.command.to_owned(),
        arguments: Some(
            [Some(uri), c.options.clone()]
                .into_iter()
                .flatten()
                .collect(),
        ),
    }
}

/// A navigation target as a location: in the current document, or another file (whose
/// text, when the analysis has it, places the range; else the start of the file).
pub(crate) fn location(
    current: &lsp::Uri,
    index: &LineIndex,
    target: &pixi_lsp_ide::NavTarget,
) -> Option<lsp::Location> {
    match &target.file {
        pixi_lsp_ide::NavFile::Current => Some(lsp::Location::new(
            current.clone(),
            range(index, target.range),
        )),
        pixi_lsp_ide::NavFile::Other { path, text } => {
            let uri = crate::file_uri::to_uri(path)?;
            let r = match text {
                Some(text) => range(
                    &LineIndex::new(text.clone(), index.encoding()),
                    target.range,
                ),
                None => lsp::Range::default(),
            };
            Some(lsp::Location::new(uri, r))
        }
    }
}

/// A task lens's command: `pixi-lsp.runTask` with `{ task, environment, environments,
/// manifestPath }`, executed by the client.
pub(crate) fn run_task_command(
    manifest: &std::path::Path,
    lens: &pixi_lsp_ide::TaskLens,
) -> lsp::Command {
    lsp::Command {
        title: lens.title.clone(),
        command: pixi_lsp_ide::RUN_TASK_COMMAND.to_owned(),
        arguments: Some(vec![serde_json::json!({
            "task": lens.task,
            "environment": lens.environment,
            "environments": lens.environments,
            "manifestPath": manifest.display().to_string(),
        })]),
    }
}
