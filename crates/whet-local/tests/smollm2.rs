//! End-to-end behaviour of the local backend on SmolLM2-135M-Instruct (a
//! real model, no mocks).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SMOL, ask, provider, settings};
use futures::StreamExt;
use whet_local::{LocalProvider, PromptMode};
use whet_providers::{
    ChatMessage, ChatRole, FinishReason, Provider, ProviderError, ResponseFormat, StreamEvent,
    ToolDef,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_answers_with_plausible_usage_and_timing() {
    let local = provider(SMOL).await;
    assert_eq!(local.mode(), PromptMode::Chat);
    let mut req = ask("What is the capital of France?");
    req.max_tokens = Some(32);
    let resp = local.chat(&req).await.unwrap();
    assert!(!resp.content.trim().is_empty(), "{resp:?}");
    assert_eq!(resp.model, SMOL);
    // The chat template wraps the question: more tokens than the question
    // alone, far fewer than a page.
    let question = local.count_tokens("What is the capital of France?") as u64;
    assert!(
        resp.usage.input_tokens > question && resp.usage.input_tokens < 100,
        "{:?}",
        resp.usage
    );
    assert!(
        (1..=32).contains(&resp.usage.output_tokens),
        "{:?}",
        resp.usage
    );
    if resp.finish_reason == FinishReason::Length {
        assert_eq!(resp.usage.output_tokens, 32);
    }
    let compute = resp.timing.compute.unwrap();
    let ttft = resp.timing.ttft.unwrap();
    assert!(compute.as_secs_f64() > 0.0 && compute <= resp.timing.latency);
    assert!(ttft <= resp.timing.latency);
    assert!(resp.logprobs.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamed_pieces_add_up_to_the_final_content() {
    let local = provider(SMOL).await;
    let mut req = ask("Write two sentences about the sea.");
    req.max_tokens = Some(40);
    let mut stream = local.chat_stream(&req).await.unwrap();
    let mut pieces = Vec::new();
    let mut done = None;
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::Text(t) => {
                assert!(done.is_none(), "text after Done");
                assert!(!t.is_empty());
                pieces.push(t);
            }
            StreamEvent::Done(resp) => done = Some(resp),
            other => panic!("unexpected event {other:?}"),
        }
    }
    let resp = done.expect("a final response");
    assert!(pieces.len() > 5, "{pieces:?}");
    assert_eq!(pieces.concat(), resp.content);
    // Greedy decoding: the plain call gives the same text.
    assert_eq!(local.chat(&req).await.unwrap().content, resp.content);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_sequences_end_the_answer_and_are_trimmed() {
    let local = provider(SMOL).await;
    let mut req = ask("Count from 1 to 20, separated by commas.");
    req.max_tokens = Some(60);
    let full = local.chat(&req).await.unwrap().content;
    let stop = "7";
    let at = full
        .find(stop)
        .unwrap_or_else(|| panic!("no {stop:?} in {full:?}"));
    req.stop = vec!["never appears".into(), stop.into()];
    let resp = local.chat(&req).await.unwrap();
    assert_eq!(resp.content, full[..at]);
    assert_eq!(resp.finish_reason, FinishReason::Stop);
    assert!(!resp.content.contains(stop));

    // Streamed, the stop sequence never leaks into a piece either.
    let mut stream = local.chat_stream(&req).await.unwrap();
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        if let StreamEvent::Text(t) = event.unwrap() {
            text.push_str(&t);
        }
    }
    assert_eq!(text, full[..at]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_tokens_cuts_the_answer_with_finish_reason_length() {
    let local = provider(SMOL).await;
    let mut req = ask("Count from 1 to 20, separated by commas.");
    req.max_tokens = Some(5);
    let resp = local.chat(&req).await.unwrap();
    assert_eq!(resp.finish_reason, FinishReason::Length);
    assert_eq!(resp.usage.output_tokens, 5);
    assert!(!resp.content.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_text() {
    let local = provider(SMOL).await;
    let mut req = ask("Invent a name for a cat and describe it.");
    req.temperature = Some(0.8);
    req.max_tokens = Some(24);
    let mut outputs = Vec::new();
    for seed in [7, 7, 8, 9, 10] {
        req.seed = Some(seed);
        outputs.push(local.chat(&req).await.unwrap().content);
    }
    assert_eq!(outputs[0], outputs[1]);
    // And it is really sampling: other seeds give other texts.
    let distinct: std::collections::HashSet<&String> = outputs.iter().collect();
    assert!(distinct.len() >= 3, "{outputs:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_refused_as_unsupported() {
    let local = provider(SMOL).await;
    let mut req = ask("What is the weather in Paris?");
    req.tools = vec![ToolDef {
        name: "get_weather".into(),
        description: "Weather for a city".into(),
        parameters: serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    }];
    let err = local.chat(&req).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Unsupported { message, .. } if message.contains("tool-calling") && message.contains("get_weather")),
        "{err:?}"
    );
    let mut req = ask("hi");
    req.messages.push(ChatMessage {
        tool_call_id: Some("call_1".into()),
        ..ChatMessage::new(ChatRole::Tool, "sunny")
    });
    let err = local.chat(&req).await.unwrap_err();
    assert!(matches!(err, ProviderError::Unsupported { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_too_long_for_the_context_is_reported_with_numbers() {
    let settings = tokio::task::spawn_blocking(|| settings(SMOL).with_context_size(256))
        .await
        .unwrap();
    let local = LocalProvider::load(settings).await.unwrap();
    assert_eq!(local.context_size(), 256);

    let long = "lorem ipsum dolor sit amet ".repeat(100);
    let err = local.chat(&ask(&long)).await.unwrap_err();
    let ProviderError::ContextTooLong {
        limit, requested, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*limit, Some(256));
    assert!(requested.unwrap() > 256, "{err}");
    assert!(err.to_string().contains("over"), "{err}");

    // A short prompt with a max_tokens that cannot fit.
    let mut req = ask("hi");
    req.max_tokens = Some(1000);
    let err = local.chat(&req).await.unwrap_err();
    let ProviderError::ContextTooLong { requested, .. } = &err else {
        panic!("{err:?}")
    };
    let requested = requested.unwrap();
    assert!((1001..1100).contains(&requested), "{err}");
    assert!(
        err.to_string().contains(&format!(
            "{requested} tokens requested, limit 256: {} over",
            requested - 256
        )),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_mode_continues_the_joined_contents() {
    let settings = tokio::task::spawn_blocking(|| settings(SMOL).with_mode(PromptMode::Completion))
        .await
        .unwrap();
    let local = LocalProvider::load(settings).await.unwrap();
    assert_eq!(local.mode(), PromptMode::Completion);
    let messages = vec![
        ChatMessage::new(ChatRole::System, "Numbers:"),
        ChatMessage::new(ChatRole::User, "1, 2, 3, 4, 5,"),
    ];
    assert_eq!(
        local.render_prompt(&messages).unwrap(),
        "Numbers:\n\n1, 2, 3, 4, 5,"
    );
    let mut req = ask("");
    req.messages = messages;
    req.max_tokens = Some(6);
    let resp = local.chat(&req).await.unwrap();
    assert!(resp.content.contains('6'), "{resp:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logprobs_come_from_the_sampled_tokens() {
    let local = provider(SMOL).await;
    let mut req = ask("Say hello.");
    req.max_tokens = Some(8);
    req.logprobs = true;
    let resp = local.chat(&req).await.unwrap();
    let lps = resp.logprobs.expect("logprobs");
    assert_eq!(lps.len() as u64, resp.usage.output_tokens);
    assert!(
        lps.iter()
            .all(|l| l.logprob <= 0.0 && l.logprob.is_finite()),
        "{lps:?}"
    );
    assert_eq!(
        lps.iter().map(|l| l.token.as_str()).collect::<String>(),
        resp.content
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_object_format_parses() {
    let local = provider(SMOL).await;
    let mut req = ask("Describe a dog as JSON with a name and an age.");
    req.response_format = ResponseFormat::JsonObject;
    req.max_tokens = Some(200);
    let resp = local.chat(&req).await.unwrap();
    // Free-form strings let a tiny model ramble: the grammar guarantees a
    // valid object only when it completes within max_tokens.
    assert_eq!(resp.finish_reason, FinishReason::Stop, "{resp:?}");
    let value: serde_json::Value =
        serde_json::from_str(&resp.content).unwrap_or_else(|e| panic!("{e}: {:?}", resp.content));
    assert!(value.is_object(), "{value}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_model_file_says_what_to_do() {
    let err = LocalProvider::load(whet_local::LocalSettings::new("/nonexistent/model.gguf"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Local { .. }), "{err:?}");
    assert!(err.to_string().contains("whet models pull"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_stream_frees_the_worker() {
    let local = provider(SMOL).await;
    let mut req = ask("Write a very long essay about the history of bread.");
    req.max_tokens = Some(400);
    let mut stream = local.chat_stream(&req).await.unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert!(matches!(first, StreamEvent::Text(_)), "{first:?}");
    drop(stream);
    // The worker notices at its next piece and takes the next request.
    let mut short = ask("Say hi.");
    short.max_tokens = Some(4);
    let resp = local.chat(&short).await.unwrap();
    assert!(resp.usage.output_tokens > 0);
}
