//! A base model without a chat template (Gemma 3 270M): the provider picks
//! completion mode by itself and continues the text.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{GEMMA, ask, provider, settings};
use whet_local::{LocalProvider, PromptMode};
use whet_providers::{FinishReason, Provider, ProviderError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_without_chat_template_runs_in_completion_mode() {
    let local = provider(GEMMA).await;
    assert_eq!(local.mode(), PromptMode::Completion);
    let mut req = ask("The days of the week are Monday, Tuesday, Wednesday,");
    req.max_tokens = Some(8);
    let resp = local.chat(&req).await.unwrap();
    assert!(resp.content.contains("Thursday"), "{resp:?}");
    assert!(resp.finish_reason == FinishReason::Length || resp.usage.output_tokens < 8);

    // Asking for chat mode explicitly is refused with a way out.
    let settings = tokio::task::spawn_blocking(|| settings(GEMMA).with_mode(PromptMode::Chat))
        .await
        .unwrap();
    let err = LocalProvider::load(settings).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unsupported { message, .. } if message.contains("completion mode")),
        "{err:?}"
    );
}
