//! All terminal output goes through the [`Printer`], so `--quiet` and
//! `--json` behave the same in every command, and colours are stripped when
//! stdout is not a terminal or `NO_COLOR` is set (anstream decides).

use std::io::Write;

/// Where command output goes.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    quiet: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Self {
        Self { quiet }
    }

    /// Whether `--quiet` was given.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Prints a line of human output (suppressed by `--quiet`).
    pub fn line(&self, text: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(anstream::stdout(), "{}", text.as_ref());
        }
    }

    /// Prints a value as pretty JSON (never suppressed: it was asked for).
    pub fn json(&self, value: &impl serde::Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(s) => {
                let _ = writeln!(anstream::stdout(), "{s}");
            }
            Err(e) => self.error(&format!("cannot serialize output: {e}")),
        }
    }

    /// Prints a value as one line of JSON (for streams of records).
    pub fn json_line(&self, value: &impl serde::Serialize) {
        match serde_json::to_string(value) {
            Ok(s) => {
                let _ = writeln!(anstream::stdout(), "{s}");
            }
            Err(e) => self.error(&format!("cannot serialize output: {e}")),
        }
    }

    /// Prints a note to stderr (suppressed by `--quiet`), so stdout stays
    /// the answer alone.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(anstream::stderr(), "{text}");
        }
    }

    /// Prints raw text to stdout as is (rendered output, diffs).
    pub fn raw(&self, text: &str) {
        // Flushed, so that a note printed next on stderr comes after it.
        let mut out = anstream::stdout();
        let _ = write!(out, "{text}");
        let _ = out.flush();
    }

    /// Prints a warning to stderr.
    pub fn warn(&self, text: &str) {
        use owo_colors::OwoColorize;
        let _ = writeln!(anstream::stderr(), "{}: {text}", "warning".yellow().bold());
    }

    /// Prints an error to stderr.
    pub fn error(&self, text: &str) {
        use owo_colors::OwoColorize;
        let _ = writeln!(anstream::stderr(), "{}: {text}", "error".red().bold());
    }

    /// Prints pre-rendered diagnostics to stderr.
    pub fn stderr(&self, text: &str) {
        let _ = write!(anstream::stderr(), "{text}");
    }
}
