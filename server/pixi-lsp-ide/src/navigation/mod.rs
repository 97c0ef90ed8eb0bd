//! Go to definition and find references: between the names a manifest defines and the
//! places that use them ([`crate::names`]), and from what points into another file — a
//! `{ workspace = true }` to the workspace manifest's entry, a path dependency to the
//! package's manifest ([`links`]).

mod inherited;
mod links;
pub(crate) mod rename;

pub use inherited::DependencyMention;

use std::path::PathBuf;
use std::sync::Arc;

use pixi_lsp_syntax::TextRange;

use crate::FileAnalysis;
use crate::names::{NameKind, Occurrence};

/// Which file a target is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NavFile {
    /// The analysed manifest.
    Current,
    /// Another file; `text` is there when the analysis knows it (the workspace manifest),
    /// so that the caller can turn the range into positions. Without it the range is empty
    /// at 0 (the start of the file).
    Other {
        path: PathBuf,
        text: Option<Arc<str>>,
    },
}

/// Where "go to definition" (or a reference) leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub file: NavFile,
    pub range: TextRange,
}

impl NavTarget {
    fn here(range: TextRange) -> Self {
        NavTarget {
            file: NavFile::Current,
            range,
        }
    }
}

/// Definition at a use; at a definition, its uses (or, without any, its other
/// definitions: a task redefined for a target), so that the same key goes both ways.
pub(crate) fn definition(analysis: &FileAnalysis, offset: usize) -> Vec<NavTarget> {
    if let Some(targets) = links::definition(analysis, offset) {
        return targets;
    }
    let names = analysis.names();
    let Some(at) = names.at(offset) else {
        return Vec::new();
    };
    let same: Vec<&Occurrence> = names.of(at.kind, &at.name).collect();
    let others = |want_def: bool| -> Vec<NavTarget> {
        same.iter()
            .filter(|o| o.def == want_def && o.range != at.range)
            .map(|o| NavTarget::here(o.range))
            .collect()
    };
    if at.kind == NameKind::SolveGroup {
        return others(false);
    }
    if at.def {
        let uses = others(false);
        if !uses.is_empty() {
            return uses;
        }
        return others(true);
    }
    others(true)
}

/// Every place the name under the cursor is written in this file.
pub(crate) fn references(
    analysis: &FileAnalysis,
    offset: usize,
    include_declaration: bool,
) -> Vec<TextRange> {
    let names = analysis.names();
    let Some(at) = names.at(offset) else {
        return Vec::new();
    };
    names
        .of(at.kind, &at.name)
        .filter(|o| include_declaration || !o.def)
        .map(|o| o.range)
        .collect()
}

#[cfg(test)]
mod tests;
