//! This crate provides whet's model providers: one [`Provider`] trait for
//! chat completions (plain and streamed) and embeddings, and the backends
//! behind it.
//!
//! # Brief overview
//!
//! - [`ChatRequest`] in, [`ChatResponse`] out; [`Provider::chat_stream`]
//!   yields [`StreamEvent`]s ending in [`StreamEvent::Done`] with the whole
//!   response, so streamed calls report usage too.
//! - [`OpenAiProvider`] speaks to any OpenAI-compatible endpoint,
//!   [`AnthropicProvider`] to Anthropic's Messages API, [`MockProvider`]
//!   answers deterministically for tests of whet's own plumbing.
//! - HTTP backends share [`HttpSettings`]: total and time-to-first-token
//!   timeouts, retries with exponential backoff and jitter on 429, 5xx,
//!   connect errors and timeouts (honouring `Retry-After`), and an
//!   [`AdaptiveLimiter`] that halves concurrency on 429.
//! - Errors are typed ([`ProviderError`]) and never carry an API key: keys
//!   are read from the environment at call time and redacted from any body
//!   a provider echoes.
//!
//! ```
//! use whet_providers::{ChatMessage, ChatRequest, ChatRole, MockBehavior, MockProvider, Provider};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let mock = MockProvider::new("mock", MockBehavior::Echo);
//! let req = ChatRequest {
//!     model: "echo".into(),
//!     messages: vec![ChatMessage::new(ChatRole::User, "ping")],
//!     ..ChatRequest::default()
//! };
//! assert_eq!(mock.chat(&req).await?.content, "ping");
//! # Ok::<(), whet_providers::ProviderError>(())
//! # }).unwrap();
//! ```

mod anthropic;
mod cost;
mod error;
mod http;
mod limiter;
mod mock;
mod openai;
mod provider;
mod sse;
mod stream;
mod types;

pub use anthropic::{ANTHROPIC_VERSION, AnthropicProvider};
pub use cost::Pricing;
pub use error::{ProviderError, TimeoutKind, redact};
pub use http::{EnvLookup, HttpSettings};
pub use limiter::{AdaptiveLimiter, Permit};
pub use mock::{MockBehavior, MockProvider};
pub use openai::OpenAiProvider;
pub use provider::{ChatStream, Provider};
pub use sse::{SseDecoder, SseEvent};
pub use stream::{Assembler, EventSender, channel};
pub use types::*;
