//! The `Provider` trait every backend implements.

use crate::error::ProviderError;
use crate::types::{ChatRequest, ChatResponse, Embeddings, StreamEvent};
use async_trait::async_trait;
use futures::StreamExt;
use futures::stream::BoxStream;

/// A stream of events ending in [`StreamEvent::Done`].
pub type ChatStream = BoxStream<'static, Result<StreamEvent, ProviderError>>;

/// A source of chat completions and embeddings.
#[async_trait]
pub trait Provider: Send + Sync {
    /// The provider's name, as configured (used in errors and traces).
    fn name(&self) -> &str;

    /// A streamed completion.
    async fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream, ProviderError>;

    /// A whole completion. The default collects [`Provider::chat_stream`].
    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let mut stream = self.chat_stream(req).await?;
        while let Some(event) = stream.next().await {
            if let StreamEvent::Done(resp) = event? {
                return Ok(resp);
            }
        }
        Err(ProviderError::Malformed {
            provider: self.name().to_owned(),
            message: "the stream ended without a final response".into(),
        })
    }

    /// Embeddings of `inputs`, in order.
    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, ProviderError> {
        let _ = (model, inputs);
        Err(ProviderError::Unsupported {
            provider: self.name().to_owned(),
            message: "this provider has no embeddings".into(),
        })
    }
}
