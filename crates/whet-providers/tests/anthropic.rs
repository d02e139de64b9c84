//! The Anthropic backend against a real loopback HTTP server that
//! impersonates the Messages API.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Reply, Server};
use futures::StreamExt;
use serde_json::json;
use std::time::Duration;
use whet_providers::*;

const KEY: &str = "sk-ant-test-0123456789abcdef";

fn test_env(name: &str) -> Option<String> {
    (name == "TEST_ANTHROPIC_KEY").then(|| KEY.to_owned())
}

fn provider(url: &str) -> AnthropicProvider {
    let mut s = HttpSettings::new("anthropic-test", url);
    s.api_key_env = Some("TEST_ANTHROPIC_KEY".into());
    s.env = test_env;
    s.backoff = Duration::from_millis(10);
    AnthropicProvider::new(s).unwrap()
}

fn request() -> ChatRequest {
    ChatRequest {
        model: "claude-test".into(),
        messages: vec![
            ChatMessage::new(ChatRole::System, "Be brief."),
            ChatMessage::new(ChatRole::User, "Where is order A-17?"),
        ],
        temperature: Some(0.0),
        stop: vec!["END".into()],
        tools: vec![ToolDef {
            name: "lookup_order".into(),
            description: "Finds an order".into(),
            parameters: json!({"type": "object", "properties": {"id": {"type": "string"}}}),
        }],
        ..ChatRequest::default()
    }
}

fn sse(events: &[serde_json::Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn plain_tool_use_sends_the_exact_request() {
    let reply = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test-2025",
        "content": [{"type": "text", "text": "Let me check."}, {"type": "tool_use", "id": "tu_1", "name": "lookup_order", "input": {"id": "A-17"}}],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 30, "output_tokens": 12, "cache_read_input_tokens": 5}
    });
    let server = Server::start(vec![Reply::Json(200, reply, vec![])]).await;
    let r = provider(&server.url).chat(&request()).await.unwrap();
    assert_eq!(r.content, "Let me check.");
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    assert_eq!(
        r.tool_calls,
        vec![ToolCall {
            id: "tu_1".into(),
            name: "lookup_order".into(),
            arguments: "{\"id\":\"A-17\"}".into()
        }]
    );
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: 30,
            output_tokens: 12,
            cached_input_tokens: 5
        }
    );
    let got = &server.received()[0];
    assert_eq!(got.path, "/v1/messages");
    assert_eq!(got.headers["x-api-key"], KEY);
    assert_eq!(got.headers["anthropic-version"], ANTHROPIC_VERSION);
    assert_eq!(
        got.body,
        json!({
            "model": "claude-test",
            "max_tokens": 1024,
            "system": "Be brief.",
            "messages": [{"role": "user", "content": "Where is order A-17?"}],
            "temperature": 0.0,
            "stop_sequences": ["END"],
            "tools": [{"name": "lookup_order", "description": "Finds an order", "input_schema": {"type": "object", "properties": {"id": {"type": "string"}}}}]
        })
    );
}

#[tokio::test]
async fn tool_results_round_trip_as_content_blocks() {
    let server = Server::start(vec![Reply::Json(
        200,
        json!({"model": "m", "content": [{"type": "text", "text": "It ships today."}], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}}),
        vec![],
    )])
    .await;
    let mut req = request();
    let mut call = ChatMessage::new(ChatRole::Assistant, "");
    call.tool_calls = vec![ToolCall {
        id: "tu_1".into(),
        name: "lookup_order".into(),
        arguments: "{\"id\":\"A-17\"}".into(),
    }];
    let mut result = ChatMessage::new(ChatRole::Tool, "{\"status\":\"shipping\"}");
    result.tool_call_id = Some("tu_1".into());
    req.messages.extend([call, result]);
    let r = provider(&server.url).chat(&req).await.unwrap();
    assert_eq!(r.content, "It ships today.");
    let msgs = &server.received()[0].body["messages"];
    assert_eq!(
        msgs[1],
        json!({"role": "assistant", "content": [{"type": "tool_use", "id": "tu_1", "name": "lookup_order", "input": {"id": "A-17"}}]})
    );
    assert_eq!(
        msgs[2],
        json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu_1", "content": "{\"status\":\"shipping\"}"}]})
    );
}

#[tokio::test]
async fn streaming_text_and_tool_input_fragments() {
    let events = sse(&[
        json!({"type": "message_start", "message": {"model": "claude-test", "usage": {"input_tokens": 25, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Checking"}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "tu_9", "name": "lookup_order", "input": {}}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"id\":"}}),
        json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": " \"A-17\"}"}}),
        json!({"type": "content_block_stop", "index": 1}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 17}}),
        json!({"type": "message_stop"}),
    ]);
    let server = Server::start(vec![Reply::Sse(events)]).await;
    let mut stream = provider(&server.url).chat_stream(&request()).await.unwrap();
    let mut texts = Vec::new();
    let mut tool_fragments = Vec::new();
    let mut done = None;
    while let Some(ev) = stream.next().await {
        match ev.unwrap() {
            StreamEvent::Text(t) => texts.push(t),
            StreamEvent::ToolCallDelta { arguments, .. } => tool_fragments.push(arguments),
            StreamEvent::Done(r) => done = Some(r),
        }
    }
    assert_eq!(texts, ["Checking"]);
    assert_eq!(tool_fragments, ["", "{\"id\":", " \"A-17\"}"]);
    let r = done.unwrap();
    assert_eq!(r.tool_calls[0].arguments, "{\"id\": \"A-17\"}");
    assert_eq!(r.finish_reason, FinishReason::ToolCalls);
    assert_eq!(r.usage.input_tokens, 25);
    assert_eq!(r.usage.output_tokens, 17);
    assert_eq!(server.received()[0].body["stream"], true);
}

#[tokio::test]
async fn json_schema_output_is_a_forced_tool_whose_input_is_the_answer() {
    let reply = json!({
        "model": "m", "stop_reason": "tool_use", "usage": {"input_tokens": 1, "output_tokens": 1},
        "content": [{"type": "tool_use", "id": "x", "name": "whet_output", "input": {"intent": "card_arrival"}}]
    });
    let server = Server::start(vec![Reply::Json(200, reply, vec![])]).await;
    let mut req = request();
    req.tools.clear();
    let schema = json!({"type": "object", "properties": {"intent": {"type": "string"}}});
    req.response_format = ResponseFormat::JsonSchema {
        name: "intent".into(),
        schema: schema.clone(),
    };
    let r = provider(&server.url).chat(&req).await.unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.content).unwrap(),
        json!({"intent": "card_arrival"})
    );
    assert!(r.tool_calls.is_empty());
    assert_eq!(r.finish_reason, FinishReason::Stop);
    let body = &server.received()[0].body;
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "whet_output"})
    );
    assert_eq!(body["tools"][0]["input_schema"], schema);
}

#[tokio::test]
async fn overloaded_is_retried_and_errors_are_typed() {
    let ok = json!({"model": "m", "content": [{"type": "text", "text": "hi"}], "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 1}});
    let server = Server::start(vec![
        Reply::Json(529, json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}), vec![]),
        Reply::Json(200, ok, vec![]),
        Reply::Json(401, json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}), vec![]),
        Reply::Json(400, json!({"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 250000 tokens > 200000 maximum"}}), vec![]),
    ])
    .await;
    let p = provider(&server.url);
    assert_eq!(p.chat(&request()).await.unwrap().content, "hi");
    let err = p.chat(&request()).await.unwrap_err();
    assert!(err.to_string().contains("TEST_ANTHROPIC_KEY"), "{err}");
    let err = p.chat(&request()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("250000 tokens requested, limit 200000: 50000 over"),
        "{err}"
    );
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn a_truncated_stream_is_a_typed_error() {
    let events = sse(&[
        json!({"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 1}}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hal"}}),
    ]);
    let server = Server::start(vec![Reply::Sse(events)]).await;
    let mut stream = provider(&server.url).chat_stream(&request()).await.unwrap();
    assert_eq!(
        stream.next().await.unwrap().unwrap(),
        StreamEvent::Text("Hal".into())
    );
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&err, ProviderError::Malformed { message, .. } if message.contains("truncated")),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_model_lists_the_models_the_api_offers() {
    let server = Server::start(vec![
        Reply::Json(404, json!({"type": "error", "error": {"type": "not_found_error", "message": "model: claude-nope"}}), vec![]),
        Reply::Json(200, json!({"data": [{"id": "claude-b", "type": "model"}, {"id": "claude-a", "type": "model"}]}), vec![]),
    ])
    .await;
    let mut req = request();
    req.model = "claude-nope".into();
    let err = provider(&server.url).chat(&req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "anthropic-test: model `claude-nope` not found; available: claude-a, claude-b"
    );
    let got = server.received();
    assert_eq!(
        (got[1].method.as_str(), got[1].path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(got[1].headers["x-api-key"], KEY);
}
