//! [`LocalEmbedder`]: a BERT sentence encoder run with candle on the CPU.

use crate::error::EmbedError;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

/// The longest input, in tokens (including `[CLS]` and `[SEP]`), that
/// sentence-transformers feeds all-MiniLM-L6-v2; longer inputs are cut.
pub const DEFAULT_MAX_SEQ_LENGTH: usize = 256;

/// How many inputs go through the model in one forward pass by default
/// (sentence-transformers' default batch size).
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// How a [`LocalEmbedder`] tokenizes and batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbedderOptions {
    /// Inputs are truncated to this many tokens, special tokens included.
    /// At most the model's `max_position_embeddings`; at least 2.
    pub max_seq_length: usize,
    /// The most inputs per forward pass. Inputs are sorted by length first,
    /// so each pass pads little.
    pub batch_size: usize,
}

impl Default for EmbedderOptions {
    fn default() -> Self {
        EmbedderOptions {
            max_seq_length: DEFAULT_MAX_SEQ_LENGTH,
            batch_size: DEFAULT_BATCH_SIZE,
        }
    }
}

/// The vectors of a batch of inputs, and what they cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Embedded {
    /// One unit-length vector per input, in input order.
    pub vectors: Vec<Vec<f32>>,
    /// Tokens the model read, special tokens included, after truncation.
    pub tokens: u64,
    /// How many inputs were longer than `max_seq_length` and were cut.
    pub truncated: usize,
}

/// A sentence embedding model loaded in memory: BERT, mean pooling over the
/// attention mask, then L2 normalisation (what sentence-transformers does
/// for all-MiniLM-L6-v2).
///
/// Loading reads the weights once (about 90 MB for MiniLM, well under a
/// second); the embedder is then immutable and `Send + Sync`, so share one
/// through an [`Arc`] between threads and tasks. Each call computes on the
/// calling thread (candle spreads matrix products over all cores); from
/// async code use [`LocalEmbedder::embed_async`], which runs on tokio's
/// blocking pool.
pub struct LocalEmbedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    dimension: usize,
    pad_id: u32,
    options: EmbedderOptions,
    dir: PathBuf,
}

impl std::fmt::Debug for LocalEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEmbedder")
            .field("dir", &self.dir)
            .field("dimension", &self.dimension)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl LocalEmbedder {
    /// Loads the model in `dir` (`config.json`, `tokenizer.json`,
    /// `model.safetensors`) with the default options: 256 tokens, batches
    /// of 32.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, EmbedError> {
        Self::load_with(dir, EmbedderOptions::default())
    }

    /// Loads the model in `dir` with `options`.
    pub fn load_with(dir: impl AsRef<Path>, options: EmbedderOptions) -> Result<Self, EmbedError> {
        let started = Instant::now();
        let dir = dir.as_ref();
        let config_path = dir.join("config.json");
        let config = read_config(&config_path, options)?;
        let tokenizer_path = dir.join("tokenizer.json");
        let (tokenizer, pad_id) = read_tokenizer(&tokenizer_path, &config, options)?;

        let weights_path = dir.join("model.safetensors");
        let bytes = read(&weights_path)?;
        let device = Device::Cpu;
        let weights_error = |e: candle_core::Error| EmbedError::Weights {
            path: weights_path.clone(),
            message: e.to_string(),
        };
        // Buffered, not memory-mapped: mapping a file is `unsafe` in candle
        // (the file could change underneath), and 90 MB reads in a blink.
        let vb = VarBuilder::from_buffered_safetensors(bytes, DType::F32, &device)
            .map_err(weights_error)?;
        let model = BertModel::load(vb, &config).map_err(weights_error)?;
        tracing::debug!(
            dir = %dir.display(),
            elapsed_ms = started.elapsed().as_millis(),
            "loaded embedding model"
        );
        Ok(LocalEmbedder {
            model,
            tokenizer,
            device,
            dimension: config.hidden_size,
            pad_id,
            options,
            dir: dir.to_path_buf(),
        })
    }

    /// Loads on tokio's blocking pool, for async callers.
    pub async fn load_async(
        dir: impl Into<PathBuf>,
        options: EmbedderOptions,
    ) -> Result<Arc<Self>, EmbedError> {
        let dir = dir.into();
        tokio::task::spawn_blocking(move || Self::load_with(dir, options).map(Arc::new))
            .await
            .map_err(|e| EmbedError::Task(e.to_string()))?
    }

    /// The length of every vector (384 for MiniLM).
    pub fn dimension(&self) -> usize {
        self.dimension
    }

    /// The options the model was loaded with.
    pub fn options(&self) -> EmbedderOptions {
        self.options
    }

    /// The directory the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How many tokens the model reads for `text`: special tokens included,
    /// after truncation to `max_seq_length`.
    pub fn count_tokens(&self, text: &str) -> Result<usize, EmbedError> {
        let encoding =
            self.tokenizer
                .encode_fast(text, true)
                .map_err(|e| EmbedError::Tokenize {
                    message: e.to_string(),
                })?;
        Ok(encoding.len())
    }

    /// The unit-length embedding of one text.
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let mut embedded = self.embed(&[text])?;
        Ok(embedded.vectors.pop().unwrap_or_default())
    }

    /// Embeds `inputs`, in order. Inputs are tokenized in parallel, sorted
    /// by length and run in batches of `batch_size`, so a call with many
    /// inputs costs far less than one call per input.
    pub fn embed<S: AsRef<str>>(&self, inputs: &[S]) -> Result<Embedded, EmbedError> {
        if inputs.is_empty() {
            return Ok(Embedded::default());
        }
        let started = Instant::now();
        let texts: Vec<&str> = inputs.iter().map(AsRef::as_ref).collect();
        let encodings =
            self.tokenizer
                .encode_batch_fast(texts, true)
                .map_err(|e| EmbedError::Tokenize {
                    message: e.to_string(),
                })?;

        // Longest first, as sentence-transformers does: each batch then
        // holds inputs of similar length and pads little.
        let mut order: Vec<usize> = (0..encodings.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(encodings[i].len()));
        let mut vectors = vec![Vec::new(); encodings.len()];
        for chunk in order.chunks(self.options.batch_size.max(1)) {
            let batch: Vec<&Encoding> = chunk.iter().map(|&i| &encodings[i]).collect();
            let rows = self.forward(&batch)?;
            for (&i, row) in chunk.iter().zip(rows) {
                vectors[i] = row;
            }
        }
        let tokens = encodings.iter().map(|e| e.len() as u64).sum();
        let truncated = encodings
            .iter()
            .filter(|e| !e.get_overflowing().is_empty())
            .count();
        tracing::trace!(
            inputs = encodings.len(),
            tokens,
            truncated,
            elapsed_ms = started.elapsed().as_millis(),
            "embedded"
        );
        Ok(Embedded {
            vectors,
            tokens,
            truncated,
        })
    }

    /// [`LocalEmbedder::embed`] on tokio's blocking pool, so the async
    /// caller's worker thread keeps serving other tasks meanwhile.
    pub async fn embed_async(
        self: &Arc<Self>,
        inputs: Vec<String>,
    ) -> Result<Embedded, EmbedError> {
        if inputs.is_empty() {
            return Ok(Embedded::default());
        }
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || this.embed(&inputs))
            .await
            .map_err(|e| EmbedError::Task(e.to_string()))?
    }

    /// One forward pass: pads `batch` to its longest member, runs BERT,
    /// mean-pools the token vectors under the attention mask and
    /// L2-normalises each row.
    fn forward(&self, batch: &[&Encoding]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let rows = batch.len();
        let width = batch.iter().map(|e| e.len()).max().unwrap_or(0);
        let mut ids = Vec::with_capacity(rows * width);
        let mut type_ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for encoding in batch {
            let pad = width - encoding.len();
            ids.extend_from_slice(encoding.get_ids());
            ids.extend(std::iter::repeat_n(self.pad_id, pad));
            type_ids.extend_from_slice(encoding.get_type_ids());
            type_ids.extend(std::iter::repeat_n(0, pad));
            mask.extend_from_slice(encoding.get_attention_mask());
            mask.extend(std::iter::repeat_n(0, pad));
        }
        let ids = Tensor::from_vec(ids, (rows, width), &self.device)?;
        let type_ids = Tensor::from_vec(type_ids, (rows, width), &self.device)?;
        let mask = Tensor::from_vec(mask, (rows, width), &self.device)?;

        let hidden = self.model.forward(&ids, &type_ids, Some(&mask))?; // (rows, width, dim)
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (rows, width, 1)
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?; // (rows, dim)
        let counts = mask.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (rows, 1)
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        Ok(mean.broadcast_div(&norms)?.to_vec2::<f32>()?)
    }
}

/// The cosine similarity of two vectors (the dot product, for the unit
/// vectors [`LocalEmbedder`] returns). 0 when either is all zeros or the
/// lengths differ.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut dot, mut aa, mut bb) = (0f64, 0f64, 0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        dot += x * y;
        aa += x * x;
        bb += y * y;
    }
    if aa == 0.0 || bb == 0.0 {
        return 0.0;
    }
    (dot / (aa.sqrt() * bb.sqrt())) as f32
}

fn read(path: &Path) -> Result<Vec<u8>, EmbedError> {
    std::fs::read(path).map_err(|source| EmbedError::Read {
        path: path.to_path_buf(),
        source,
    })
}

fn read_config(path: &Path, options: EmbedderOptions) -> Result<Config, EmbedError> {
    let invalid = |message: String| EmbedError::Config {
        path: path.to_path_buf(),
        message,
    };
    let config: Config =
        serde_json::from_slice(&read(path)?).map_err(|e| invalid(e.to_string()))?;
    if config.num_attention_heads == 0
        || !config
            .hidden_size
            .is_multiple_of(config.num_attention_heads)
    {
        return Err(invalid(format!(
            "hidden_size {} is not a multiple of num_attention_heads {}",
            config.hidden_size, config.num_attention_heads
        )));
    }
    if options.max_seq_length < 2 || options.max_seq_length > config.max_position_embeddings {
        return Err(invalid(format!(
            "max_seq_length {} must be between 2 and the model's max_position_embeddings {}",
            options.max_seq_length, config.max_position_embeddings
        )));
    }
    Ok(config)
}

fn read_tokenizer(
    path: &Path,
    config: &Config,
    options: EmbedderOptions,
) -> Result<(Tokenizer, u32), EmbedError> {
    let invalid = |message: String| EmbedError::Tokenizer {
        path: path.to_path_buf(),
        message,
    };
    let mut tokenizer = Tokenizer::from_bytes(read(path)?).map_err(|e| invalid(e.to_string()))?;
    let pad_id = tokenizer
        .get_padding()
        .map(|p| p.pad_id)
        .or_else(|| tokenizer.token_to_id("[PAD]"))
        .unwrap_or(u32::try_from(config.pad_token_id).unwrap_or(0));
    // tokenizer.json as published pads every input to 128 tokens and cuts at
    // 128; sentence-transformers overrides both (truncate at 256, pad to the
    // longest in the batch), and so do we: padding happens per batch, in
    // `forward`.
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: options.max_seq_length,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
            direction: TruncationDirection::Right,
        }))
        .map_err(|e| invalid(e.to_string()))?;
    tokenizer.with_padding(None);
    Ok((tokenizer, pad_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_known_vectors() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn embedder_is_shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<LocalEmbedder>();
    }

    #[test]
    fn missing_directory_names_the_file() {
        let err = LocalEmbedder::load("/nonexistent/whet-embed-model").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nonexistent/whet-embed-model/config.json"),
            "{text}"
        );
        assert!(text.contains("whet models pull"), "{text}");
    }
}
