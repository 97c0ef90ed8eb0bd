//! The diagnostic type shared by every analysis layer. It knows nothing of LSP: the server
//! converts it at the edge (`to_lsp`), the CLI renders it for terminals.

use crate::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// Which layer produced a diagnostic. `Syntax` and `Schema` are "generic" TOML checks that
/// tools like tombi or taplo also make; users who run those can turn ours off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    Syntax,
    Schema,
    Pixi,
    Backend,
}

impl Origin {
    pub fn is_generic(self) -> bool {
        matches!(self, Origin::Syntax | Origin::Schema)
    }
}

/// A replacement of `range` by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// A quick fix attached to a diagnostic: only offered when the fix is certain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Deprecated,
    Unnecessary,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// Stable kebab-case code (`unknown-key`, `deprecated-field`, …): tests, fixes and user
    /// suppressions refer to it.
    pub code: &'static str,
    pub message: String,
    pub origin: Origin,
    pub related: Vec<Related>,
    pub fixes: Vec<Fix>,
    pub tags: Vec<Tag>,
}

impl Diagnostic {
    pub fn new(
        origin: Origin,
        severity: Severity,
        code: &'static str,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            range,
            severity,
            code,
            message: message.into(),
            origin,
            related: Vec::new(),
            fixes: Vec::new(),
            tags: Vec::new(),
        }
    }

    pub fn error(
        origin: Origin,
        code: &'static str,
        range: TextRange,
        msg: impl Into<String>,
    ) -> Self {
        Self::new(origin, Severity::Error, code, range, msg)
    }

    pub fn warning(
        origin: Origin,
        code: &'static str,
        range: TextRange,
        msg: impl Into<String>,
    ) -> Self {
        Self::new(origin, Severity::Warning, code, range, msg)
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    pub fn with_tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }
}
