//! Diagnostics: what is wrong in a user's file, where, and what to do about it.
//!
//! Lint never fails: parsing and checking return values plus a list of
//! [`Diagnostic`]s. Rendering them (colours, miette's frames) is the CLI's job.

use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a finding is. Errors make `whet prompt lint` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run on its own.
    Warning,
    /// The file cannot be used as written.
    Error,
}

/// The text of a file a diagnostic points into, shared between diagnostics.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user should see it.
    pub path: PathBuf,
    /// The whole file.
    pub text: Arc<str>,
}

impl SourceFile {
    /// Wraps a file's text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding in one file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case identifier such as `unknown-key`.
    pub code: &'static str,
    /// What is wrong, in one sentence without a trailing period.
    pub message: String,
    /// The file it is in.
    pub file: SourceFile,
    /// Byte range of the offending text; `None` for whole-file problems.
    pub span: Option<Range<usize>>,
    /// A short note shown under the span.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `span`.
    pub fn error(
        code: &'static str,
        file: &SourceFile,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            file: file.clone(),
            span,
            label: None,
            help: None,
        }
    }

    /// A warning at `span`.
    pub fn warning(
        code: &'static str,
        file: &SourceFile,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, span, message)
        }
    }

    /// Adds the note shown under the span.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds the hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` of the start of the span (line 1, col 1 without one).
    pub fn location(&self) -> String {
        let (line, col) = self
            .span
            .as_ref()
            .map_or((1, 1), |s| self.file.line_col(s.start));
        format!("{}:{line}:{col}", self.file.path.display())
    }

    /// A flat, serializable form for `--json` output.
    pub fn to_record(&self) -> DiagnosticRecord {
        let (line, column) = self
            .span
            .as_ref()
            .map_or((1, 1), |s| self.file.line_col(s.start));
        DiagnosticRecord {
            severity: self.severity,
            code: self.code,
            message: self.message.clone(),
            file: self.file.path.clone(),
            line,
            column,
            label: self.label.clone(),
            help: self.help.clone(),
        }
    }
}

/// A diagnostic as `--json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticRecord {
    /// `error` or `warning`.
    pub severity: Severity,
    /// Stable identifier.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Which file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Note under the span.
    pub label: Option<String>,
    /// What to do.
    pub help: Option<String>,
}

/// Suggests the closest of `candidates` to a misspelt `word`, if any is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Whether a list of diagnostics holds an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Shows a path relative to `base` when it lies under it.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_from_one() {
        let f = SourceFile::new("a.toml", "ab\ncé d\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // 'é' is two bytes: offset 6 is the space after it, the third character.
        assert_eq!(f.line_col(6), (2, 3));
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn suggestions_need_to_be_close() {
        assert_eq!(
            did_you_mean("descripton", ["description", "owner"]),
            Some("description")
        );
        assert_eq!(did_you_mean("zzz", ["description", "owner"]), None);
    }
}
