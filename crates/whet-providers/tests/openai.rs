//! The OpenAI-compatible backend against a real loopback HTTP server that
//! impersonates the API: plain, streaming, tools, schemas, retries,
//! timeouts and every error path, asserting the exact requests sent.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Reply, Server};
use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use whet_providers::*;

const KEY: &str = "sk-test-0123456789abcdef";

fn test_env(name: &str) -> Option<String> {
    (name == "TEST_OPENAI_KEY").then(|| KEY.to_owned())
}

fn provider(url: &str) -> OpenAiProvider {
    let mut s = HttpSettings::new("openai-test", format!("{url}/v1"));
    s.api_key_env = Some("TEST_OPENAI_KEY".into());
    s.env = test_env;
    s.backoff = Duration::from_millis(10);
    s.headers.insert("x-team".into(), "support".into());
    OpenAiProvider::new(s).unwrap()
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "gpt-test".into(),
        messages: vec![
            ChatMessage::new(ChatRole::System, "Be brief."),
            ChatMessage::new(ChatRole::User, "Hi"),
        ],
        temperature: Some(0.2),
        max_tokens: Some(50),
        seed: Some(7),
        stop: vec!["END".into()],
        ..ChatRequest::default()
    }
}

fn completion(content: &str) -> serde_json::Value {
    json!({
        "id": "c1", "model": "gpt-test-2025",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": 4}}
    })
}

fn sse(events: &[serde_json::Value], done: bool) -> Vec<String> {
    let mut out: Vec<String> = events.iter().map(|e| format!("data: {e}\n\n")).collect();
    if done {
        out.push("data: [DONE]\n\n".into());
    }
    out
}

#[tokio::test]
async fn plain_chat_sends_the_exact_request_and_reads_usage() {
    let server = Server::start(vec![Reply::Json(200, completion("Hello!"), vec![])]).await;
    let p = provider(&server.url);
    let r = p.chat(&request()).await.unwrap();
    assert_eq!(r.content, "Hello!");
    assert_eq!(r.model, "gpt-test-2025");
    assert_eq!(r.finish_reason, FinishReason::Stop);
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: 12,
            output_tokens: 3,
            cached_input_tokens: 4
        }
    );
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method, "POST");
    assert_eq!(got[0].path, "/v1/chat/completions");
    assert_eq!(got[0].headers["authorization"], format!("Bearer {KEY}"));
    assert_eq!(got[0].headers["x-team"], "support");
    assert_eq!(
        got[0].body,
        json!({
            "model": "gpt-test",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
            "temperature": 0.2, "max_tokens": 50, "seed": 7, "stop": ["END"]
        })
    );
}

#[tokio::test]
async fn streaming_text_arrives_in_pieces_with_usage_at_the_end() {
    let chunks = sse(
        &[
            json!({"model": "gpt-test", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}),
            json!({"model": "gpt-test", "choices": [{"index": 0, "delta": {"content": "Hel"}}]}),
            json!({"model": "gpt-test", "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]}),
            json!({"model": "gpt-test", "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 2}}),
        ],
        true,
    );
    // Split one event across two network chunks.
    let mut split = chunks.clone();
    let second = split.remove(1);
    let (a, b) = second.split_at(10);
    split.insert(1, b.to_owned());
    split.insert(1, a.to_owned());
    let server = Server::start(vec![Reply::Sse(split)]).await;
    let p = provider(&server.url);
    let mut stream = p.chat_stream(&request()).await.unwrap();
    let mut texts = Vec::new();
    let mut done = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            StreamEvent::Text(t) => texts.push(t),
            StreamEvent::Done(r) => done = Some(r),
            StreamEvent::ToolCallDelta { .. } => panic!("no tools here"),
        }
    }
    assert_eq!(texts, ["Hel", "lo"]);
    let done = done.unwrap();
    assert_eq!(done.content, "Hello");
    assert_eq!(done.usage.input_tokens, 9);
    assert_eq!(done.usage.output_tokens, 2);
    assert!(done.timing.ttft.is_some());
    let body = &server.received()[0].body;
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"]["include_usage"], true);
}

#[tokio::test]
async fn streamed_tool_call_arguments_are_assembled() {
    let chunks = sse(
        &[
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "lookup_order", "arguments": ""}}]}}]}),
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"id\": "}}]}}]}),
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "\"A-17\"}"}}]}}]}),
            json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
        ],
        true,
    );
    let server = Server::start(vec![Reply::Sse(chunks)]).await;
    let p = provider(&server.url);
    let mut req = request();
    req.tools = vec![ToolDef {
        name: "lookup_order".into(),
        description: "Finds an order".into(),
        parameters: json!({"type": "object", "properties": {"id": {"type": "string"}}}),
    }];
    let mut stream = p.chat_stream(&req).await.unwrap();
    let mut fragments = 0;
    let mut done = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            StreamEvent::ToolCallDelta { .. } => fragments += 1,
            StreamEvent::Done(r) => done = Some(r),
            StreamEvent::Text(_) => {}
        }
    }
    assert_eq!(fragments, 3);
    let done = done.unwrap();
    assert_eq!(done.finish_reason, FinishReason::ToolCalls);
    assert_eq!(
        done.tool_calls,
        vec![ToolCall {
            id: "call_1".into(),
            name: "lookup_order".into(),
            arguments: "{\"id\": \"A-17\"}".into()
        }]
    );
    let sent = &server.received()[0].body;
    assert_eq!(
        sent["tools"][0],
        json!({"type": "function", "function": {"name": "lookup_order", "description": "Finds an order", "parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}})
    );
}

#[tokio::test]
async fn json_schema_and_choice_formats_are_sent_and_unwrapped() {
    let server = Server::start(vec![
        Reply::Json(200, completion("{\"intent\": \"card_arrival\"}"), vec![]),
        Reply::Json(200, completion("{\"label\": \"refund\"}"), vec![]),
    ])
    .await;
    let p = provider(&server.url);
    let mut req = request();
    let schema = json!({"type": "object", "properties": {"intent": {"type": "string"}}, "required": ["intent"]});
    req.response_format = ResponseFormat::JsonSchema {
        name: "intent".into(),
        schema: schema.clone(),
    };
    let r = p.chat(&req).await.unwrap();
    assert_eq!(r.content, "{\"intent\": \"card_arrival\"}");
    req.response_format = ResponseFormat::Choice {
        labels: vec!["refund".into(), "other".into()],
    };
    let r = p.chat(&req).await.unwrap();
    assert_eq!(r.content, "refund");
    let got = server.received();
    assert_eq!(
        got[0].body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "intent", "schema": schema, "strict": true}})
    );
    assert_eq!(
        got[1].body["response_format"]["json_schema"]["schema"]["properties"]["label"]["enum"],
        json!(["refund", "other"])
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_succeeds() {
    let server = Server::start(vec![
        Reply::Json(
            429,
            json!({"error": {"message": "slow down"}}),
            vec![("retry-after", "1".into())],
        ),
        Reply::Json(200, completion("ok"), vec![]),
    ])
    .await;
    let p = provider(&server.url);
    let start = Instant::now();
    let r = p.chat(&request()).await.unwrap();
    assert_eq!(r.content, "ok");
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "Retry-After not honoured: {:?}",
        start.elapsed()
    );
    assert_eq!(server.received().len(), 2);
    // The limiter backed off after the 429.
    assert!(p.http().limiter().current() < 16);
}

#[tokio::test]
async fn a_500_is_retried_and_persistent_500s_give_up_with_a_typed_error() {
    let server = Server::start(vec![
        Reply::Raw(500, "boom".into()),
        Reply::Json(200, completion("ok"), vec![]),
    ])
    .await;
    let p = provider(&server.url);
    assert_eq!(p.chat(&request()).await.unwrap().content, "ok");
    assert_eq!(server.received().len(), 2);

    let server = Server::start(vec![Reply::Raw(503, "down".into()); 4]).await;
    let err = provider(&server.url).chat(&request()).await.unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Server {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.received().len(), 4, "1 try + 3 retries");
}

#[tokio::test]
async fn a_hang_times_out_on_first_token_and_total() {
    let server = Server::start(vec![Reply::Hang, Reply::Hang]).await;
    let mut s = HttpSettings::new("openai-test", format!("{}/v1", server.url));
    s.ttft_timeout = Duration::from_millis(300);
    s.max_retries = 0;
    let p = OpenAiProvider::new(s).unwrap();
    let start = Instant::now();
    let err = p.chat(&request()).await.unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Timeout {
                kind: TimeoutKind::FirstToken,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(start.elapsed() < Duration::from_secs(3));

    let mut s = HttpSettings::new("openai-test", format!("{}/v1", server.url));
    s.timeout = Duration::from_millis(200);
    s.max_retries = 0;
    let err = OpenAiProvider::new(s)
        .unwrap()
        .chat(&request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Timeout {
                kind: TimeoutKind::Total,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_and_truncated_streams_are_typed_errors() {
    let server = Server::start(vec![Reply::Raw(200, "{not json".into())]).await;
    let err = provider(&server.url).chat(&request()).await.unwrap_err();
    assert!(matches!(err, ProviderError::Malformed { .. }), "{err:?}");

    let chunks = sse(
        &[json!({"choices": [{"index": 0, "delta": {"content": "Hel"}}]})],
        false,
    );
    let server = Server::start(vec![Reply::Sse(chunks)]).await;
    let mut stream = provider(&server.url).chat_stream(&request()).await.unwrap();
    assert_eq!(
        stream.next().await.unwrap().unwrap(),
        StreamEvent::Text("Hel".into())
    );
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, ProviderError::Malformed { message, .. } if message.contains("truncated")),
        "{err:?}"
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn bad_and_missing_keys_name_the_env_var_and_never_the_key() {
    let body = json!({"error": {"message": format!("Incorrect API key provided: {KEY}."), "type": "invalid_request_error"}});
    let server = Server::start(vec![Reply::Json(401, body, vec![])]).await;
    let err = provider(&server.url).chat(&request()).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ProviderError::BadKey { status: 401, .. }));
    assert!(text.contains("TEST_OPENAI_KEY"), "{text}");
    assert!(!text.contains("0123456789abcdef"), "key leaked: {text}");
    assert_eq!(server.received().len(), 1, "a bad key is not retried");

    let mut s = HttpSettings::new("openai-test", format!("{}/v1", server.url));
    s.api_key_env = Some("TEST_UNSET_KEY".into());
    s.env = test_env;
    let err = OpenAiProvider::new(s)
        .unwrap()
        .chat(&request())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "openai-test: the API key is missing: set the environment variable TEST_UNSET_KEY"
    );
    assert_eq!(server.received().len(), 1, "nothing sent without a key");
}

#[tokio::test]
async fn unknown_model_lists_models_and_long_context_says_by_how_much() {
    let server = Server::start(vec![
        Reply::Json(404, json!({"error": {"message": "The model `gpt-nope` does not exist", "code": "model_not_found"}}), vec![]),
        Reply::Json(200, json!({"data": [{"id": "gpt-b"}, {"id": "gpt-a"}]}), vec![]),
        Reply::Json(400, json!({"error": {"message": "This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens."}}), vec![]),
    ])
    .await;
    let p = provider(&server.url);
    let err = p.chat(&request()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "openai-test: model `gpt-test` not found; available: gpt-a, gpt-b"
    );
    assert_eq!(server.received()[1].path, "/v1/models");
    let err = p.chat(&request()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("5000 tokens requested, limit 4096: 904 over"),
        "{err}"
    );
}

#[tokio::test]
async fn embeddings_come_back_in_input_order() {
    let server = Server::start(vec![Reply::Json(
        200,
        json!({"model": "emb", "data": [{"index": 1, "embedding": [0.0, 1.0]}, {"index": 0, "embedding": [1.0, 0.0]}], "usage": {"prompt_tokens": 4}}),
        vec![],
    )])
    .await;
    let e = provider(&server.url)
        .embed("emb", &["a".into(), "b".into()])
        .await
        .unwrap();
    assert_eq!(e.vectors, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
    assert_eq!(
        server.received()[0].body,
        json!({"model": "emb", "input": ["a", "b"]})
    );
}
