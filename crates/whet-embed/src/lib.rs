//! This crate provides whet's local sentence embeddings: all-MiniLM-L6-v2
//! (or any BERT sentence encoder in the same layout) run in pure Rust with
//! candle on the CPU, with no server, no Python and no network.
//!
//! # Brief overview
//!
//! - [`LocalEmbedder::load`] reads a model directory (`config.json`,
//!   `tokenizer.json`, `model.safetensors`; `whet_models::ModelStore::path`
//!   hands out a verified one) once. The embedder is immutable and
//!   `Send + Sync`: share it through an [`Arc`](std::sync::Arc).
//! - [`LocalEmbedder::embed`] does what sentence-transformers does for this
//!   model: WordPiece tokens truncated at 256 (`[CLS]`/`[SEP]` included),
//!   BERT, mean pooling over the attention mask, L2 normalisation. Vectors
//!   agree with the Python reference to a cosine of at least 0.999
//!   (`tests/reference.rs`). Many inputs per call are sorted by length and
//!   run in batches of 32, which is several times faster than one at a time.
//! - [`EmbeddingProvider`] puts a loaded model behind
//!   [`whet_providers::Provider`]: `embed` runs on tokio's blocking pool and
//!   reports the token count as usage; chat is unsupported.
//! - [`cosine`] compares two vectors.
//!
//! What it costs (2-core machine, release build, shared with other jobs):
//! a load takes about 0.1 s and holds about 90 MB; one short sentence per
//! call runs at about 80 per second, batches of 32 at 200–300 per second.
//! candle spreads each operation over `CANDLE_NUM_THREADS` threads (default:
//! the physical cores); its workers spin while they wait, so on a busy
//! machine `CANDLE_NUM_THREADS=1` can be faster.
//!
//! ```no_run
//! use whet_embed::{LocalEmbedder, cosine};
//!
//! let dir = whet_models::ModelStore::from_env()?.path("all-minilm-l6-v2")?;
//! let embedder = LocalEmbedder::load(&dir)?;
//! let out = embedder.embed(&["I lost my card", "my card was stolen"])?;
//! assert!(cosine(&out.vectors[0], &out.vectors[1]) > 0.5);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod embedder;
mod error;
mod provider;

pub use embedder::{
    DEFAULT_BATCH_SIZE, DEFAULT_MAX_SEQ_LENGTH, Embedded, EmbedderOptions, LocalEmbedder, cosine,
};
pub use error::EmbedError;
pub use provider::{DEFAULT_MODEL_NAME, DEFAULT_PROVIDER_NAME, EmbeddingProvider};
