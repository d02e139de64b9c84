//! A real HTTP server on loopback that impersonates an OpenAI-compatible
//! judge: it plays scripted replies in order and records every request, so
//! tests can read the prompts whet sent and count the calls it made.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "each test binary uses part of the helpers; a failure is the test failing"
)]

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use whet_providers::{HttpSettings, OpenAiProvider, Pricing};

/// One scripted reply.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A chat completion whose message content is this text.
    Answer(String),
    /// A raw body with a status.
    Raw(u16, String),
}

/// A completion answering `content` (as a JSON value's text).
pub fn answer(v: Value) -> Reply {
    Reply::Answer(v.to_string())
}

/// Tokens every scripted completion reports.
pub const PROMPT_TOKENS: u64 = 100;
pub const COMPLETION_TOKENS: u64 = 20;

#[derive(Clone, Default)]
struct Shared {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    received: Arc<Mutex<Vec<Value>>>,
}

pub struct Server {
    pub url: String,
    shared: Shared,
}

impl Server {
    pub async fn start(replies: Vec<Reply>) -> Server {
        let shared = Shared::default();
        shared.replies.lock().unwrap().extend(replies);
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            url: format!("http://{addr}"),
            shared,
        }
    }

    /// Adds replies to the end of the script.
    pub fn push(&self, replies: Vec<Reply>) {
        self.shared.replies.lock().unwrap().extend(replies);
    }

    /// The request bodies received so far, in arrival order.
    pub fn received(&self) -> Vec<Value> {
        self.shared.received.lock().unwrap().clone()
    }

    /// An OpenAI-compatible provider for this server, without retries.
    pub fn provider(&self, name: &str) -> Arc<OpenAiProvider> {
        let mut s = HttpSettings::new(name, format!("{}/v1", self.url));
        s.max_retries = 0;
        Arc::new(OpenAiProvider::new(s).unwrap())
    }
}

/// The judge's text of message `role` in a received request body.
pub fn message(body: &Value, role: &str) -> String {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == role)
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// A price list with easy numbers: $1 per million input tokens, $2 per
/// million output tokens.
pub fn pricing() -> Pricing {
    Pricing {
        input_per_mtok: 1.0,
        output_per_mtok: 2.0,
        cached_input_per_mtok: None,
    }
}

async fn handle(State(shared): State<Shared>, req: Request) -> Response {
    let bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap();
    shared
        .received
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&bytes).unwrap_or(Value::Null));
    let reply = shared.replies.lock().unwrap().pop_front();
    match reply {
        None => Response::builder()
            .status(StatusCode::GONE)
            .body(Body::from("no scripted reply left"))
            .unwrap(),
        Some(Reply::Answer(content)) => {
            let body = json!({
                "id": "c1", "model": "judge-test",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS}
            });
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        }
        Some(Reply::Raw(status, text)) => Response::builder()
            .status(status)
            .body(Body::from(text))
            .unwrap(),
    }
}
