//! Typed errors. A [`SpecError`] is a mistake in the assertion (caught up
//! front by [`crate::validate_spec`]); a [`JudgeError`] means this case could
//! not be graded, which the runner records as an errored grade, never as a
//! failing one.

use std::fmt;
use thiserror::Error;
use whet_providers::ProviderError;
use whet_store::StoreError;

/// An assertion that cannot be graded as written: a wrong value shape, a
/// key that does not apply, a threshold out of range, a judge or embedder
/// that is not configured. [`SpecError::key`] names the assertion key at
/// fault so a suite parser can point at its span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    key: Option<&'static str>,
    message: String,
}

impl SpecError {
    pub(crate) fn at(key: &'static str, message: impl Into<String>) -> Self {
        SpecError {
            key: Some(key),
            message: message.into(),
        }
    }

    /// The key at fault (`type`, `value`, `threshold`, `weight`, `metric`,
    /// `normalizeUnicode`, `judge_samples`, `provider`), or `None` when the
    /// assertion as a whole is at fault.
    pub fn key(&self) -> Option<&'static str> {
        self.key
    }

    /// The message, without the key.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}

/// Why one assertion could not be graded on one case.
#[derive(Debug, Error)]
pub enum JudgeError {
    /// The assertion is malformed or needs a model that is not configured.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The case lacks what the assertion reads (`vars.context` for
    /// context-faithfulness, a query for answer-relevance).
    #[error("{assertion}: {message}")]
    MissingInput {
        /// The assertion type.
        assertion: &'static str,
        /// What is missing and where to put it.
        message: String,
    },
    /// The judge or embedding call failed.
    #[error("judge `{judge}`: {source}")]
    Provider {
        /// The model alias.
        judge: String,
        /// What the provider said.
        #[source]
        source: ProviderError,
    },
    /// The response cache failed (the database, not the provider).
    #[error("judge `{judge}`: response cache: {source}")]
    Cache {
        /// The model alias.
        judge: String,
        /// What the store said.
        #[source]
        source: StoreError,
    },
    /// The judge answered, but not with a verdict whet can read.
    #[error("judge `{judge}` gave no usable verdict ({message}); it answered: {raw}")]
    Unparseable {
        /// The model alias.
        judge: String,
        /// What was wrong with the answer.
        message: String,
        /// The answer, trimmed to a few hundred characters.
        raw: String,
    },
    /// The embedder returned something other than one vector per input.
    #[error("embedder `{embedder}`: {message}")]
    Embedding {
        /// The model alias.
        embedder: String,
        /// What was wrong.
        message: String,
    },
    /// The script could not be started.
    #[error("script `{command}` could not start: {source}")]
    ScriptSpawn {
        /// The command, as written.
        command: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The script ran past its timeout and was killed with its process group.
    #[error(
        "script `{command}` ran longer than {seconds} s and was killed; raise `timeout_s` or make it faster"
    )]
    ScriptTimeout {
        /// The command, as written.
        command: String,
        /// The limit.
        seconds: f64,
    },
    /// The script exited with a non-zero status (or was killed by a signal).
    #[error("script `{command}` failed ({status}); its stderr ended with:\n{stderr}")]
    ScriptFailed {
        /// The command, as written.
        command: String,
        /// `exit status 3`, `killed by signal 9`, ...
        status: String,
        /// The last lines of its stderr.
        stderr: String,
    },
    /// The script's stdout is not a verdict.
    #[error(
        "script `{command}` printed no verdict ({message}): print a number in [0, 1], true/false, or a JSON object {{\"pass\", \"score\", \"reason\"}}; it printed: {stdout}"
    )]
    ScriptOutput {
        /// The command, as written.
        command: String,
        /// What was wrong.
        message: String,
        /// The stdout, trimmed.
        stdout: String,
    },
}

/// The first `max` characters of `text` (trimmed), marked when cut, so that
/// an error quoting a model's or a script's answer stays readable.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_on_characters() {
        assert_eq!(clip("  short  ", 10), "short");
        assert_eq!(clip("ééééé", 3), "ééé…");
    }
}
