//! [`EmbeddingProvider`]: a [`LocalEmbedder`] behind the [`Provider`] trait.

use crate::embedder::{EmbedderOptions, LocalEmbedder};
use crate::error::EmbedError;
use async_trait::async_trait;
use std::path::PathBuf;
use std::sync::Arc;
use whet_providers::{ChatRequest, ChatStream, Embeddings, Provider, ProviderError, Usage};

/// The provider name [`EmbeddingProvider::new`] reports.
pub const DEFAULT_PROVIDER_NAME: &str = "local-embeddings";

/// The model name [`EmbeddingProvider::new`] reports (whet's catalogue
/// alias of the model this crate is proven against).
pub const DEFAULT_MODEL_NAME: &str = "all-minilm-l6-v2";

/// Local sentence embeddings as a [`Provider`].
///
/// - [`Provider::embed`] computes on tokio's blocking pool, so async callers
///   never stall; `usage.input_tokens` counts the tokens the model read
///   (special tokens included, after truncation).
/// - the provider serves the one model it was created with: the `model`
///   argument of [`Provider::embed`] is not consulted, and responses name
///   [`EmbeddingProvider::model_name`];
/// - chat is [`ProviderError::Unsupported`].
///
/// Cloning is cheap: clones share the loaded model.
#[derive(Debug, Clone)]
pub struct EmbeddingProvider {
    name: String,
    model: String,
    embedder: Arc<LocalEmbedder>,
}

impl EmbeddingProvider {
    /// A provider over an already loaded model, named
    /// [`DEFAULT_PROVIDER_NAME`] and reporting [`DEFAULT_MODEL_NAME`].
    pub fn new(embedder: Arc<LocalEmbedder>) -> Self {
        EmbeddingProvider {
            name: DEFAULT_PROVIDER_NAME.to_owned(),
            model: DEFAULT_MODEL_NAME.to_owned(),
            embedder,
        }
    }

    /// Loads the model in `dir` (on the blocking pool) with default options.
    pub async fn load(dir: impl Into<PathBuf>) -> Result<Self, ProviderError> {
        let embedder = LocalEmbedder::load_async(dir, EmbedderOptions::default())
            .await
            .map_err(|e| local_error(DEFAULT_PROVIDER_NAME, &e))?;
        Ok(Self::new(embedder))
    }

    /// Sets the provider name used in errors and traces.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the model name reported in [`Embeddings::model`].
    #[must_use]
    pub fn with_model_name(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// The model name reported in responses.
    pub fn model_name(&self) -> &str {
        &self.model
    }

    /// The loaded model.
    pub fn embedder(&self) -> &Arc<LocalEmbedder> {
        &self.embedder
    }
}

#[async_trait]
impl Provider for EmbeddingProvider {
    fn name(&self) -> &str {
        &self.name
    }

    async fn chat_stream(&self, _req: &ChatRequest) -> Result<ChatStream, ProviderError> {
        Err(ProviderError::Unsupported {
            provider: self.name.clone(),
            message: format!(
                "`{}` is an embedding model and cannot chat; use a chat model",
                self.model
            ),
        })
    }

    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, ProviderError> {
        if !model.is_empty() && model != self.model {
            tracing::debug!(
                asked = model,
                serving = %self.model,
                "embedding with the loaded model"
            );
        }
        let embedded = self
            .embedder
            .embed_async(inputs.to_vec())
            .await
            .map_err(|e| local_error(&self.name, &e))?;
        Ok(Embeddings {
            model: self.model.clone(),
            vectors: embedded.vectors,
            usage: Usage {
                input_tokens: embedded.tokens,
                ..Usage::default()
            },
        })
    }
}

fn local_error(provider: &str, e: &EmbedError) -> ProviderError {
    ProviderError::Local {
        provider: provider.to_owned(),
        message: e.to_string(),
    }
}
