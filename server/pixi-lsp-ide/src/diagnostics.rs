//! All diagnostics of a manifest: syntax, schema, pixi's rules and backend config.

use pixi_lsp_syntax::{Diagnostic, TextRange};

use crate::manifest::root_schema;
use crate::{Cancellable, FileAnalysis};

/// What the user wants to see.
#[derive(Clone, Debug)]
pub struct DiagnosticsConfig {
    /// Syntax and schema diagnostics, which tombi or taplo also produce. Users who run those
    /// alongside turn ours off, keeping only pixi-specific ones, so nothing shows twice.
    pub generic: bool,
}

impl Default for DiagnosticsConfig {
    fn default() -> Self {
        Self { generic: true }
    }
}

/// The passes run in order; between them the analysis gives up if its version was
/// superseded (each pass is a few milliseconds on the largest manifests).
pub(crate) fn compute(analysis: &FileAnalysis) -> Cancellable<Vec<Diagnostic>> {
    let cancel = &analysis.cancel;
    cancel.check()?;
    let Some(manifest) = analysis.manifest() else {
        // A pyproject.toml without [tool.pixi] is not ours to judge.
        return Ok(Vec::new());
    };
    let mut out = analysis.parse.errors.clone();
    if let Some(unmet) = pixi_lsp_rules::requires_pixi(&manifest) {
        // pixi stops here: the rest may be written for the newer pixi it asks for.
        out.push(unmet);
        return Ok(out);
    }
    let schema = crate::manifest_schema();
    let anchor = analysis
        .parse
        .tree
        .table(manifest.pixi)
        .and_then(|t| t.header)
        .unwrap_or(TextRange::empty(0));
    schema.validate(
        &analysis.parse.tree,
        manifest.pixi,
        anchor,
        root_schema(manifest.kind),
        &mut out,
    );
    cancel.check()?;
    let context = pixi_lsp_rules::Context {
        workspace: analysis
            .context
            .workspace
            .as_ref()
            .and_then(|w| w.manifest()),
        files: Some(&analysis.context.files),
    };
    let pixi = pixi_lsp_rules::check_with(&manifest, &context);
    // Where a pixi rule reports the same place as the schema, pixi's own wording wins.
    out.retain(|d| {
        !(d.origin.is_generic()
            && pixi
                .iter()
                .any(|p| p.range == d.range && p.severity <= d.severity))
    });
    out.extend(pixi);
    cancel.check()?;
    if let Some(packages) = analysis.packages() {
        out.extend(crate::packages::diagnostics::check(
            &analysis.text,
            packages,
            analysis.context.channels.as_ref(),
        ));
    }
    if let Some(lock) = analysis.context.lock.as_deref() {
        out.extend(crate::lock::diagnostics(&manifest, analysis.names(), lock));
    }
    out.extend(crate::variants::diagnostics(
        &manifest,
        &analysis.context.previews,
    ));
    out.sort_by_key(|d| (d.range.start, d.range.end, d.severity));
    out.dedup_by(|a, b| a.range == b.range && a.message == b.message);
    Ok(out)
}

pub(crate) fn filter(all: &[Diagnostic], config: &DiagnosticsConfig) -> Vec<Diagnostic> {
    all.iter()
        .filter(|d| config.generic || !d.origin.is_generic())
        .cloned()
        .collect()
}
