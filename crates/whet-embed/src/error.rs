//! Typed errors: each names the file or step that failed and what to do.

use std::path::PathBuf;
use thiserror::Error;

/// Everything loading or running the embedding model can fail with.
#[derive(Debug, Error)]
pub enum EmbedError {
    /// A model file is missing or unreadable.
    #[error(
        "cannot read {}: {source}; pull the model again (`whet models pull all-minilm-l6-v2`)",
        path.display()
    )]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `config.json` is not a BERT configuration we can run.
    #[error("invalid model configuration {}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// `tokenizer.json` could not be loaded or configured.
    #[error("invalid tokenizer {}: {message}", path.display())]
    Tokenizer {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// `model.safetensors` does not hold the weights the configuration needs.
    #[error("cannot load the weights in {}: {message}; pull the model again", path.display())]
    Weights {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
    /// Tokenizing an input failed.
    #[error("cannot tokenize the input: {message}")]
    Tokenize {
        /// What was wrong.
        message: String,
    },
    /// The forward pass failed (a bug or an out-of-memory condition).
    #[error("embedding failed: {0}")]
    Compute(#[from] candle_core::Error),
    /// The blocking task running the model was cancelled or panicked.
    #[error("the embedding task did not finish: {0}")]
    Task(String),
}
