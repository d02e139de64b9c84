//! Shared helpers: real models, obtained through whet-models (pulled on
//! first use, then verified by sha256 from the models directory).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use whet_local::{LocalProvider, LocalSettings};
use whet_models::{ModelStore, NoProgress};
use whet_providers::{ChatMessage, ChatRequest, ChatRole};

pub const SMOL: &str = "smollm2-135m-instruct";
pub const QWEN: &str = "qwen2.5-coder-0.5b-instruct";
pub const GEMMA: &str = "gemma3-270m";

/// The installed, verified GGUF file of `alias`, pulled if missing.
pub fn model_path(alias: &str) -> PathBuf {
    let store = ModelStore::from_env().expect("a models directory");
    store
        .pull(alias, &mut NoProgress)
        .unwrap_or_else(|e| panic!("cannot pull {alias}: {e}"))
        .path
}

/// Default settings for `alias`.
pub fn settings(alias: &str) -> LocalSettings {
    LocalSettings::new(model_path(alias)).with_model_name(alias)
}

/// A provider for `alias` with default settings.
pub async fn provider(alias: &'static str) -> LocalProvider {
    let settings = tokio::task::spawn_blocking(move || settings(alias))
        .await
        .unwrap();
    LocalProvider::load(settings).await.unwrap()
}

/// A request with one user message, greedy unless changed.
pub fn ask(text: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![ChatMessage::new(ChatRole::User, text)],
        ..ChatRequest::default()
    }
}
