//! Renders registry diagnostics as miette reports: `file:line:col`, the
//! offending span underlined, the label, and a hint.

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use whet_registry::{Diagnostic, Severity};

/// A registry diagnostic dressed for miette.
struct Report {
    inner: Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("whet::{}", self.inner.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.inner.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.inner
            .span
            .as_ref()
            .map(|_| &self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.inner.span.clone()?;
        let len = self.source.inner().len();
        let start = span.start.min(len);
        let end = span.end.clamp(start, len);
        let label = self.inner.label.clone();
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label,
            SourceSpan::from(start..end),
        ))))
    }
}

/// Renders diagnostics for a terminal. Colour follows anstream's choice
/// (`--color`, `NO_COLOR`, whether stderr is a terminal).
pub fn render(diags: &[Diagnostic]) -> String {
    let colored = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    let theme = if colored {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diags {
        let report = Report {
            source: NamedSource::new(d.file.path.display().to_string(), d.file.text.to_string()),
            inner: d.clone(),
        };
        let mut one = String::new();
        if handler.render_report(&mut one, &report).is_err() || d.span.is_none() {
            // Without a span miette prints no location; say it ourselves.
            one = format!(
                "{}: {}: {}\n",
                severity_word(d.severity),
                d.location(),
                d.message
            );
            if let Some(h) = &d.help {
                one.push_str(&format!("  help: {h}\n"));
            }
        }
        out.push_str(&one);
        out.push('\n');
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
