//! The store's error type.

use thiserror::Error;

/// A store operation failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is not one whet understands.
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://USER@HOST/DB")]
    BadUrl(String),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed; the database is left at the previous version.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Its version.
        version: i64,
        /// Its name.
        name: &'static str,
        /// Why.
        source: sqlx::Error,
    },
    /// A stored row could not be read back.
    #[error("corrupt row in {table}: {message}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What was wrong.
        message: String,
    },
    /// The provider call failed (nothing was stored).
    #[error(transparent)]
    Provider(#[from] whet_providers::ProviderError),
    /// `create_run` was given an id that is already stored.
    #[error("an evaluation run with id `{0}` already exists: pick a new id, or resume that run")]
    RunExists(String),
    /// No stored evaluation run has this id (or id prefix).
    #[error("no evaluation run matches `{0}`: list the stored runs to find its id")]
    RunNotFound(String),
    /// An id prefix matched more than one run.
    #[error("`{prefix}` matches {matches} evaluation runs ({}): give more characters of the id", candidate_list(.candidates, *.matches))]
    AmbiguousRun {
        /// The prefix given.
        prefix: String,
        /// How many runs it matched.
        matches: u64,
        /// The first ids it matched, newest first (at most ten).
        candidates: Vec<String>,
    },
    /// A result cannot be stored as given (nothing of its batch was stored).
    #[error(
        "cannot store result (case {case_idx}, variant {variant}, repeat {repeat}) of run `{run_id}`: {reason}"
    )]
    BadResult {
        /// The run.
        run_id: String,
        /// The case index.
        case_idx: u64,
        /// The variant index.
        variant: u32,
        /// The repeat index.
        repeat: u32,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A directory for the database could not be created.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// `a, b, c` plus `, …` when some matches were left out.
fn candidate_list(candidates: &[String], matches: u64) -> String {
    let mut list = candidates.join(", ");
    if matches > candidates.len() as u64 {
        list.push_str(", …");
    }
    list
}
