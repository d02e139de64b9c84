//! The registry's error type.

use crate::diag::Diagnostic;
use std::path::PathBuf;
use thiserror::Error;

/// Everything that can stop a registry operation. Messages say what to do.
#[derive(Debug, Error)]
pub enum RegistryError {
    /// A file could not be read or written (the message names the path).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// No `whet.toml` up the directory tree.
    #[error("no whet.toml in {} or any parent directory; run `whet init` to create a project", start.display())]
    NoProject {
        /// Where the search started.
        start: PathBuf,
    },
    /// A user file has errors; the diagnostics say where.
    #[error("{} error(s) in project files", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
    /// No prompt file of that name.
    #[error("no prompt named `{name}`{}", fmt_suggestion(.suggestion))]
    PromptNotFound {
        /// The name asked for.
        name: String,
        /// The closest existing name.
        suggestion: Option<String>,
    },
    /// No such released version.
    #[error("`{name}` has no release {version}; released: {}", list_or_none(.released))]
    VersionNotFound {
        /// Prompt name.
        name: String,
        /// The version asked for.
        version: String,
        /// Versions that exist.
        released: Vec<String>,
    },
    /// The label points nowhere.
    #[error("`{name}` has no label `{label}`; labels: {}", list_or_none(.labels))]
    LabelNotFound {
        /// Prompt name.
        name: String,
        /// The label asked for.
        label: String,
        /// Labels that exist.
        labels: Vec<String>,
    },
    /// Nothing changed since the last release.
    #[error("nothing to release: `{name}` is unchanged since {version} (content hash {hash})")]
    Unchanged {
        /// Prompt name.
        name: String,
        /// The release it equals.
        version: String,
        /// The shared hash.
        hash: String,
    },
    /// A requested version is not above the latest.
    #[error("version {requested} must be greater than the latest release {latest}")]
    VersionNotGreater {
        /// Asked for.
        requested: String,
        /// Latest.
        latest: String,
    },
    /// Another process holds the prompt's lock.
    #[error("another whet process is changing `{name}` (lock {}); try again when it finishes", path.display())]
    Locked {
        /// Prompt name.
        name: String,
        /// The lock file.
        path: PathBuf,
    },
    /// Moving a protected label without confirmation.
    #[error("label `{label}` is protected; pass --yes to move it")]
    Protected {
        /// The label.
        label: String,
    },
    /// Rollback with no earlier position.
    #[error("label `{label}` of `{name}` has no earlier version to roll back to")]
    NoRollback {
        /// Prompt name.
        name: String,
        /// The label.
        label: String,
    },
    /// A release file was edited after it was cut.
    #[error(
        "release {version} of `{name}` was modified after release: stored hash {stored}, content hashes to {actual}"
    )]
    Tampered {
        /// Prompt name.
        name: String,
        /// Version.
        version: String,
        /// Hash recorded at release.
        stored: String,
        /// Hash of the content now.
        actual: String,
    },
    /// A history file line could not be read.
    #[error("{path}:{line}: {message}")]
    BadHistory {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A variable problem at render time.
    #[error(transparent)]
    Vars(#[from] crate::vars::VarsError),
    /// Rendering failed.
    #[error("cannot render {what}: {message}")]
    Render {
        /// Which message or partial.
        what: String,
        /// MiniJinja's complaint.
        message: String,
    },
    /// Any other bad request, already phrased for the user.
    #[error("{0}")]
    Usage(String),
}

impl RegistryError {
    /// Wraps an I/O error (from `fs-err`, so it names the path).
    pub fn io(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

fn fmt_suggestion(s: &Option<String>) -> String {
    s.as_ref()
        .map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}
