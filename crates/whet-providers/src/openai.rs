//! Any OpenAI-compatible chat-completions endpoint: OpenAI, Azure OpenAI,
//! vLLM, Ollama, llama.cpp's server, LM Studio.

use crate::error::ProviderError;
use crate::http::{Answer, HttpClient, HttpSettings, error_message};
use crate::provider::{ChatStream, Provider};
use crate::sse::SseDecoder;
use crate::stream::{Assembler, EventSender, channel};
use crate::types::{
    ChatMessage, ChatRequest, ChatResponse, ChatRole, Embeddings, FinishReason, ResponseFormat,
    StreamEvent, TokenLogprob, ToolCall, Usage,
};
use async_trait::async_trait;
use serde_json::{Value, json};

/// An OpenAI-compatible provider.
#[derive(Debug, Clone)]
pub struct OpenAiProvider {
    http: HttpClient,
}

impl OpenAiProvider {
    /// A provider for `settings.base_url` (which ends before `/chat/completions`).
    pub fn new(settings: HttpSettings) -> Result<Self, ProviderError> {
        Ok(Self {
            http: HttpClient::new(settings)?,
        })
    }

    /// The HTTP client (for its limiter).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    fn name(&self) -> &str {
        &self.http.settings.name
    }

    fn auth(&self) -> Result<Vec<(String, String)>, ProviderError> {
        Ok(match self.http.key()? {
            None => Vec::new(),
            Some(key) => match &self.http.settings.api_key_header {
                Some(h) => vec![(h.clone(), key)],
                None => vec![("authorization".to_owned(), format!("Bearer {key}"))],
            },
        })
    }

    async fn send(&self, req: &ChatRequest, stream: bool) -> Result<Answer, ProviderError> {
        let body = self.http.with_extra(request_body(req, stream));
        let auth = self.auth()?;
        let result = self
            .http
            .post("/chat/completions", &body, &auth, &req.model)
            .await;
        self.http.with_model_list(result, "/models", &auth).await
    }

    fn malformed(&self, message: impl Into<String>) -> ProviderError {
        self.http.malformed(message)
    }
}

/// The request body, in OpenAI's shape.
pub fn request_body(req: &ChatRequest, stream: bool) -> Value {
    let mut body = json!({
        "model": req.model,
        "messages": req.messages.iter().map(message_json).collect::<Vec<_>>(),
    });
    let map = body.as_object_mut();
    let Some(map) = map else { return body };
    if let Some(t) = req.temperature {
        map.insert("temperature".into(), json!(t));
    }
    if let Some(p) = req.top_p {
        map.insert("top_p".into(), json!(p));
    }
    if let Some(m) = req.max_tokens {
        map.insert("max_tokens".into(), json!(m));
    }
    if !req.stop.is_empty() {
        map.insert("stop".into(), json!(req.stop));
    }
    if let Some(s) = req.seed {
        map.insert("seed".into(), json!(s));
    }
    if !req.tools.is_empty() {
        let tools: Vec<Value> = req
            .tools
            .iter()
            .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}))
            .collect();
        map.insert("tools".into(), Value::Array(tools));
    }
    match &req.response_format {
        ResponseFormat::Text => {}
        ResponseFormat::JsonObject => {
            map.insert("response_format".into(), json!({"type": "json_object"}));
        }
        ResponseFormat::JsonSchema { name, schema } => {
            map.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": true}}),
            );
        }
        ResponseFormat::Choice { labels } => {
            map.insert(
                "response_format".into(),
                json!({"type": "json_schema", "json_schema": choice_schema(labels)}),
            );
        }
    }
    if req.logprobs {
        map.insert("logprobs".into(), json!(true));
    }
    if stream {
        map.insert("stream".into(), json!(true));
        map.insert("stream_options".into(), json!({"include_usage": true}));
    }
    body
}

/// Remote APIs cannot constrain output to bare labels, so a choice becomes
/// `{"label": <enum>}`; the answer is unwrapped back to the label.
fn choice_schema(labels: &[String]) -> Value {
    json!({
        "name": "choice",
        "strict": true,
        "schema": {
            "type": "object",
            "properties": {"label": {"type": "string", "enum": labels}},
            "required": ["label"],
            "additionalProperties": false
        }
    })
}

fn unwrap_choice(req: &ChatRequest, content: String) -> String {
    if !matches!(req.response_format, ResponseFormat::Choice { .. }) {
        return content;
    }
    serde_json::from_str::<Value>(&content)
        .ok()
        .and_then(|v| v["label"].as_str().map(str::to_owned))
        .unwrap_or(content)
}

fn message_json(m: &ChatMessage) -> Value {
    let role = match m.role {
        ChatRole::System => "system",
        ChatRole::User => "user",
        ChatRole::Assistant => "assistant",
        ChatRole::Tool => "tool",
    };
    let mut v = json!({"role": role, "content": m.content});
    if !m.tool_calls.is_empty() {
        v["tool_calls"] = m
            .tool_calls
            .iter()
            .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
            .collect();
    }
    if let Some(id) = &m.tool_call_id {
        v["tool_call_id"] = json!(id);
    }
    v
}

fn finish_reason(s: &str) -> FinishReason {
    match s {
        "stop" => FinishReason::Stop,
        "length" => FinishReason::Length,
        "tool_calls" | "function_call" => FinishReason::ToolCalls,
        "content_filter" => FinishReason::ContentFilter,
        other => FinishReason::Other(other.to_owned()),
    }
}

fn usage(v: &Value) -> Usage {
    Usage {
        input_tokens: v["prompt_tokens"].as_u64().unwrap_or(0),
        output_tokens: v["completion_tokens"].as_u64().unwrap_or(0),
        cached_input_tokens: v
            .pointer("/prompt_tokens_details/cached_tokens")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    }
}

fn logprobs(v: &Value) -> Option<Vec<TokenLogprob>> {
    let items = v.pointer("/logprobs/content")?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|t| {
                Some(TokenLogprob {
                    token: t["token"].as_str()?.to_owned(),
                    logprob: t["logprob"].as_f64()?,
                })
            })
            .collect(),
    )
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn name(&self) -> &str {
        OpenAiProvider::name(self)
    }

    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let answer = self.send(req, false).await?;
        let started = answer.started;
        let v = self.http.read_json(answer).await?;
        let choice = v
            .pointer("/choices/0")
            .ok_or_else(|| self.malformed("no `choices[0]` in the response"))?;
        let msg = &choice["message"];
        let content = msg["content"].as_str().unwrap_or_default().to_owned();
        let tool_calls = msg["tool_calls"]
            .as_array()
            .map(|calls| {
                calls
                    .iter()
                    .map(|c| ToolCall {
                        id: c["id"].as_str().unwrap_or_default().to_owned(),
                        name: c
                            .pointer("/function/name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        arguments: c
                            .pointer("/function/arguments")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let latency = started.elapsed();
        Ok(ChatResponse {
            model: v["model"].as_str().unwrap_or(&req.model).to_owned(),
            content: unwrap_choice(req, content),
            tool_calls,
            finish_reason: finish_reason(choice["finish_reason"].as_str().unwrap_or("stop")),
            usage: usage(&v["usage"]),
            timing: crate::types::Timing {
                latency,
                ttft: None,
                compute: None,
            },
            logprobs: logprobs(choice),
        })
    }

    async fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let answer = self.send(req, true).await?;
        let (tx, stream) = channel();
        let this = self.clone();
        let req = req.clone();
        tokio::spawn(async move {
            let result = this.pump(answer, &req, &tx).await;
            if let Err(e) = result {
                let _ = tx.send(Err(e)).await;
            }
        });
        Ok(stream)
    }

    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, ProviderError> {
        let auth = self.auth()?;
        let body = json!({"model": model, "input": inputs});
        let answer = self.http.post("/embeddings", &body, &auth, model).await?;
        let v: Value = answer
            .response
            .json()
            .await
            .map_err(|e| self.malformed(format!("invalid JSON: {e}")))?;
        let mut data: Vec<(u64, Vec<f32>)> = v["data"]
            .as_array()
            .ok_or_else(|| self.malformed("no `data` in the embeddings response"))?
            .iter()
            .map(|d| {
                #[expect(clippy::cast_possible_truncation, reason = "embeddings are f32")]
                let vec = d["embedding"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_f64)
                            .map(|x| x as f32)
                            .collect()
                    })
                    .unwrap_or_default();
                (d["index"].as_u64().unwrap_or(0), vec)
            })
            .collect();
        data.sort_by_key(|d| d.0);
        Ok(Embeddings {
            model: v["model"].as_str().unwrap_or(model).to_owned(),
            vectors: data.into_iter().map(|d| d.1).collect(),
            usage: usage(&v["usage"]),
        })
    }
}

impl OpenAiProvider {
    /// Reads SSE chunks, forwarding events, until `[DONE]`.
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
        loop {
            let chunk = self
                .http
                .next_chunk(&mut body, started, acc.first_token_seen(), "`data: [DONE]`")
                .await?;
            for event in sse.feed(&chunk) {
                if event.data.trim() == "[DONE]" {
                    drop(permit);
                    let mut resp = acc.finish();
                    resp.content = unwrap_choice(req, resp.content);
                    let _ = tx.send(Ok(StreamEvent::Done(resp))).await;
                    return Ok(());
                }
                let v: Value = serde_json::from_str(&event.data).map_err(|e| {
                    self.malformed(format!("invalid JSON in the stream ({e}): {}", event.data))
                })?;
                if let Some(err) = v.get("error") {
                    return Err(self.malformed(format!(
                        "error in the stream: {}",
                        error_message(&err.to_string())
                    )));
                }
                if let Some(m) = v["model"].as_str() {
                    acc.model = m.to_owned();
                }
                if v["usage"].is_object() {
                    acc.usage = usage(&v["usage"]);
                }
                let Some(choice) = v.pointer("/choices/0") else {
                    continue;
                };
                let delta = &choice["delta"];
                if let Some(text) = delta["content"].as_str().filter(|t| !t.is_empty()) {
                    let ev = acc.text(text);
                    if tx.send(Ok(ev)).await.is_err() {
                        return Ok(());
                    }
                }
                for call in delta["tool_calls"].as_array().into_iter().flatten() {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "tool call indices are small"
                    )]
                    let index = call["index"].as_u64().unwrap_or(0) as usize;
                    let ev = acc.tool_delta(
                        index,
                        call["id"].as_str().map(str::to_owned),
                        call.pointer("/function/name")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        call.pointer("/function/arguments")
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    );
                    if tx.send(Ok(ev)).await.is_err() {
                        return Ok(());
                    }
                }
                if let Some(lp) = logprobs(choice) {
                    acc.logprobs.get_or_insert_with(Vec::new).extend(lp);
                }
                if let Some(f) = choice["finish_reason"].as_str() {
                    acc.finish = Some(finish_reason(f));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToolDef;

    #[test]
    fn body_carries_every_request_field() {
        let req = ChatRequest {
            model: "m".into(),
            messages: vec![ChatMessage::new(ChatRole::User, "hi")],
            temperature: Some(0.5),
            top_p: Some(0.9),
            max_tokens: Some(10),
            stop: vec!["\n".into()],
            seed: Some(7),
            tools: vec![ToolDef {
                name: "t".into(),
                description: "d".into(),
                parameters: json!({"type": "object"}),
            }],
            response_format: ResponseFormat::JsonSchema {
                name: "out".into(),
                schema: json!({"type": "object"}),
            },
            logprobs: true,
        };
        let b = request_body(&req, true);
        assert_eq!(b["temperature"], 0.5);
        assert_eq!(b["stop"], json!(["\n"]));
        assert_eq!(b["seed"], 7);
        assert_eq!(b["tools"][0]["function"]["name"], "t");
        assert_eq!(b["response_format"]["json_schema"]["name"], "out");
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert_eq!(b["logprobs"], true);
    }
}
