//! This crate provides whet's in-process llama.cpp backend: GGUF models run
//! on the CPU behind the [`whet_providers::Provider`] trait, with no server
//! and no network.
//!
//! # Brief overview
//!
//! - [`LocalProvider::new`] (or [`LocalProvider::load`] from async code)
//!   takes [`LocalSettings`]: the GGUF file, threads, context size, how many
//!   requests run at once, and the [`PromptMode`] (the model's chat
//!   template, or plain completion for base models).
//! - A model file is loaded **once per process** and shared: any number of
//!   providers and concurrent requests use the same weights
//!   ([`LocalProvider::models_loaded`] counts loads). Requests queue for a
//!   small pool of worker threads, each owning its own llama.cpp context;
//!   async callers await the stream the worker feeds.
//! - Decoding honours temperature, `top_p`, `seed` (reproducible), stop
//!   sequences, `max_tokens` and the model's end-of-generation tokens. A
//!   JSON Schema, JSON object or choice of labels in `response_format`
//!   becomes a grammar, so constrained output always parses.
//! - Usage is counted with the model's tokenizer; timing reports time to
//!   first token and compute seconds (the caller prices them; local cost is
//!   zero). Tool calls are refused as unsupported, and a prompt that does
//!   not fit the context is [`ProviderError::ContextTooLong`] with the
//!   numbers.
//!
//! ```no_run
//! use whet_local::{LocalProvider, LocalSettings};
//! use whet_providers::{ChatMessage, ChatRequest, ChatRole, Provider, ResponseFormat};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let local = LocalProvider::load(LocalSettings::new("/models/smollm2-135m-instruct.gguf")).await?;
//! let req = ChatRequest {
//!     messages: vec![ChatMessage::new(ChatRole::User, "Is the sky blue? Answer yes or no.")],
//!     response_format: ResponseFormat::Choice { labels: vec!["yes".into(), "no".into()] },
//!     ..ChatRequest::default()
//! };
//! let answer = local.chat(&req).await?;
//! assert!(answer.content == "yes" || answer.content == "no");
//! # Ok::<(), whet_providers::ProviderError>(())
//! # }).unwrap();
//! ```
//!
//! [`ProviderError::ContextTooLong`]: whet_providers::ProviderError::ContextTooLong

mod engine;
mod error;
mod generate;
mod grammar;
mod provider;
mod sampler;
mod settings;
mod text;

pub use error::LocalError;
pub use provider::LocalProvider;
pub use settings::{DEFAULT_CONTEXT_SIZE, DEFAULT_MAX_TOKENS, LocalSettings, PromptMode};
