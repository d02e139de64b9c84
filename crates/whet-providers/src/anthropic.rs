//! Anthropic's Messages API, plain and streamed, with tool use.
//!
//! Anthropic has no response-format switch, so JSON-Schema output (and label
//! choice) is asked for the documented way: a single tool whose input schema
//! is the output schema, with `tool_choice` forcing it; its input becomes the
//! response text.

use crate::error::ProviderError;
use crate::http::{Answer, HttpClient, HttpSettings, error_message};
use crate::provider::{ChatStream, Provider};
use crate::sse::SseDecoder;
use crate::stream::{Assembler, EventSender, channel};
use crate::types::{
    ChatRequest, ChatResponse, ChatRole, FinishReason, ResponseFormat, StreamEvent, ToolCall, Usage,
};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The API version header whet speaks.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// `max_tokens` is required by the API; used when a prompt sets none.
pub const DEFAULT_MAX_TOKENS: u32 = 1024;
const OUTPUT_TOOL: &str = "whet_output";

/// An Anthropic provider.
#[derive(Debug, Clone)]
pub struct AnthropicProvider {
    http: HttpClient,
}

impl AnthropicProvider {
    /// A provider for `settings.base_url` (e.g. `https://api.anthropic.com`).
    pub fn new(settings: HttpSettings) -> Result<Self, ProviderError> {
        Ok(Self {
            http: HttpClient::new(settings)?,
        })
    }

    fn name(&self) -> &str {
        &self.http.settings.name
    }

    fn malformed(&self, message: impl Into<String>) -> ProviderError {
        self.http.malformed(message)
    }

    async fn send(&self, req: &ChatRequest, stream: bool) -> Result<Answer, ProviderError> {
        let mut auth = vec![("anthropic-version".to_owned(), ANTHROPIC_VERSION.to_owned())];
        if let Some(key) = self.http.key()? {
            auth.push(("x-api-key".to_owned(), key));
        }
        let body = self.http.with_extra(request_body(req, stream));
        let result = self
            .http
            .post("/v1/messages", &body, &auth, &req.model)
            .await;
        self.http.with_model_list(result, "/v1/models", &auth).await
    }
}

/// The request body, in Anthropic's shape.
pub fn request_body(req: &ChatRequest, stream: bool) -> Value {
    let system: Vec<&str> = req
        .messages
        .iter()
        .filter(|m| m.role == ChatRole::System)
        .map(|m| m.content.as_str())
        .collect();
    let mut messages: Vec<Value> = Vec::new();
    for m in req.messages.iter().filter(|m| m.role != ChatRole::System) {
        let (role, content) = match m.role {
            ChatRole::Assistant => {
                let mut blocks = Vec::new();
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    let input: Value =
                        serde_json::from_str(&c.arguments).unwrap_or_else(|_| json!({}));
                    blocks.push(
                        json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input}),
                    );
                }
                ("assistant", Value::Array(blocks))
            }
            ChatRole::Tool => (
                "user",
                json!([{"type": "tool_result", "tool_use_id": m.tool_call_id.clone().unwrap_or_default(), "content": m.content}]),
            ),
            _ => ("user", json!(m.content)),
        };
        messages.push(json!({"role": role, "content": content}));
    }
    let mut body = json!({
        "model": req.model,
        "max_tokens": req.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
        "messages": messages,
    });
    let Some(map) = body.as_object_mut() else {
        return body;
    };
    if !system.is_empty() {
        map.insert("system".into(), json!(system.join("\n\n")));
    }
    if let Some(t) = req.temperature {
        map.insert("temperature".into(), json!(t.min(1.0)));
    }
    if let Some(p) = req.top_p {
        map.insert("top_p".into(), json!(p));
    }
    if !req.stop.is_empty() {
        map.insert("stop_sequences".into(), json!(req.stop));
    }
    let mut tools: Vec<Value> = req
        .tools
        .iter()
        .map(
            |t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}),
        )
        .collect();
    let output_schema = match &req.response_format {
        ResponseFormat::Text => None,
        ResponseFormat::JsonObject => Some(json!({"type": "object"})),
        ResponseFormat::JsonSchema { schema, .. } => Some(schema.clone()),
        ResponseFormat::Choice { labels } => Some(json!({
            "type": "object",
            "properties": {"label": {"type": "string", "enum": labels}},
            "required": ["label"]
        })),
    };
    if let Some(schema) = output_schema {
        tools.push(json!({"name": OUTPUT_TOOL, "description": "Give the final answer in the required shape.", "input_schema": schema}));
        map.insert(
            "tool_choice".into(),
            json!({"type": "tool", "name": OUTPUT_TOOL}),
        );
    }
    if !tools.is_empty() {
        map.insert("tools".into(), Value::Array(tools));
    }
    if stream {
        map.insert("stream".into(), json!(true));
    }
    body
}

fn finish_reason(s: &str) -> FinishReason {
    match s {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "tool_use" => FinishReason::ToolCalls,
        "refusal" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_owned()),
    }
}

/// Moves the forced output tool's input into the text, as the caller asked
/// for structured text, not a tool call.
fn unwrap_output(req: &ChatRequest, mut resp: ChatResponse) -> ChatResponse {
    if let Some(i) = resp.tool_calls.iter().position(|c| c.name == OUTPUT_TOOL) {
        let call = resp.tool_calls.remove(i);
        resp.content = match &req.response_format {
            ResponseFormat::Choice { .. } => serde_json::from_str::<Value>(&call.arguments)
                .ok()
                .and_then(|v| v["label"].as_str().map(str::to_owned))
                .unwrap_or(call.arguments),
            _ => call.arguments,
        };
        if resp.finish_reason == FinishReason::ToolCalls && resp.tool_calls.is_empty() {
            resp.finish_reason = FinishReason::Stop;
        }
    }
    resp
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn name(&self) -> &str {
        AnthropicProvider::name(self)
    }

    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let answer = self.send(req, false).await?;
        let started = answer.started;
        let v = self.http.read_json(answer).await?;
        let blocks = v["content"]
            .as_array()
            .ok_or_else(|| self.malformed("no `content` in the response"))?;
        let mut text = String::new();
        let mut tool_calls = Vec::new();
        for b in blocks {
            match b["type"].as_str() {
                Some("text") => text.push_str(b["text"].as_str().unwrap_or_default()),
                Some("tool_use") => tool_calls.push(ToolCall {
                    id: b["id"].as_str().unwrap_or_default().to_owned(),
                    name: b["name"].as_str().unwrap_or_default().to_owned(),
                    arguments: b["input"].to_string(),
                }),
                _ => {}
            }
        }
        let resp = ChatResponse {
            model: v["model"].as_str().unwrap_or(&req.model).to_owned(),
            content: text,
            tool_calls,
            finish_reason: finish_reason(v["stop_reason"].as_str().unwrap_or("end_turn")),
            usage: Usage {
                input_tokens: v
                    .pointer("/usage/input_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                output_tokens: v
                    .pointer("/usage/output_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                cached_input_tokens: v
                    .pointer("/usage/cache_read_input_tokens")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            },
            timing: crate::types::Timing {
                latency: started.elapsed(),
                ttft: None,
                compute: None,
            },
            logprobs: None,
        };
        Ok(unwrap_output(req, resp))
    }

    async fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let answer = self.send(req, true).await?;
        let (tx, stream) = channel();
        let this = self.clone();
        let req = req.clone();
        tokio::spawn(async move {
            if let Err(e) = this.pump(answer, &req, &tx).await {
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(stream)
    }
}

impl AnthropicProvider {
    async fn pump(
        &self,
        answer: Answer,
        req: &ChatRequest,
        tx: &EventSender,
    ) -> Result<(), ProviderError> {
        let Answer {
            response,
            permit,
            started,
            ..
        } = answer;
        let mut body = response.bytes_stream();
        let mut sse = SseDecoder::default();
        let mut acc = Assembler::new(req.model.clone(), started);
        // Content-block index -> tool-call index, for tool_use blocks.
        let mut tool_index: BTreeMap<u64, usize> = BTreeMap::new();
        let output_tool = !matches!(req.response_format, ResponseFormat::Text);
        loop {
            let chunk = self
                .http
                .next_chunk(&mut body, started, acc.first_token_seen(), "`message_stop`")
                .await?;
            for event in sse.feed(&chunk) {
                let v: Value = serde_json::from_str(&event.data).map_err(|e| {
                    self.malformed(format!("invalid JSON in the stream ({e}): {}", event.data))
                })?;
                match v["type"].as_str().unwrap_or_default() {
                    "message_start" => {
                        let m = &v["message"];
                        if let Some(model) = m["model"].as_str() {
                            acc.model = model.to_owned();
                        }
                        acc.usage.input_tokens = m
                            .pointer("/usage/input_tokens")
                            .and_then(Value::as_u64)
                            .unwrap_or(0);
                        acc.usage.cached_input_tokens = m
                            .pointer("/usage/cache_read_input_tokens")
                            .and_then(Value::as_u64)
                            .unwrap_or(0);
                    }
                    "content_block_start" => {
                        let block = &v["content_block"];
                        if block["type"] == "tool_use" {
                            let index = v["index"].as_u64().unwrap_or(0);
                            let call = tool_index.len();
                            tool_index.insert(index, call);
                            let name = block["name"].as_str().map(str::to_owned);
                            let ev = acc.tool_delta(
                                call,
                                block["id"].as_str().map(str::to_owned),
                                name,
                                "",
                            );
                            if !output_tool && tx.send(Ok(ev)).await.is_err() {
                                return Ok(());
                            }
                        }
                    }
                    "content_block_delta" => {
                        let delta = &v["delta"];
                        let ev = match delta["type"].as_str() {
                            Some("text_delta") => {
                                Some(acc.text(delta["text"].as_str().unwrap_or_default()))
                            }
                            Some("input_json_delta") => {
                                let call = tool_index
                                    .get(&v["index"].as_u64().unwrap_or(0))
                                    .copied()
                                    .unwrap_or(0);
                                let ev = acc.tool_delta(
                                    call,
                                    None,
                                    None,
                                    delta["partial_json"].as_str().unwrap_or_default(),
                                );
                                // The forced output tool's JSON streams as text.
                                if output_tool {
                                    if let StreamEvent::ToolCallDelta { arguments, .. } = ev {
                                        Some(StreamEvent::Text(arguments))
                                    } else {
                                        None
                                    }
                                } else {
                                    Some(ev)
                                }
                            }
                            _ => None,
                        };
                        if let Some(ev) = ev
                            && tx.send(Ok(ev)).await.is_err()
                        {
                            return Ok(());
                        }
                    }
                    "message_delta" => {
                        if let Some(r) = v.pointer("/delta/stop_reason").and_then(Value::as_str) {
                            acc.finish = Some(finish_reason(r));
                        }
                        if let Some(n) = v.pointer("/usage/output_tokens").and_then(Value::as_u64) {
                            acc.usage.output_tokens = n;
                        }
                    }
                    "message_stop" => {
                        drop(permit);
                        let resp = unwrap_output(req, acc.finish());
                        let _ = tx.send(Ok(StreamEvent::Done(resp))).await;
                        return Ok(());
                    }
                    "error" => {
                        return Err(self.malformed(format!(
                            "error in the stream: {}",
                            error_message(&event.data)
                        )));
                    }
                    _ => {}
                }
            }
        }
    }
}
