//! A loopback OpenAI-compatible chat server for benchmarking evaluation
//! harnesses (bench/eval/vs_promptfoo.sh): `POST /v1/chat/completions`
//! answers at once with the last user message, echoed, and a usage block, so
//! the harness under test, not the model, is what gets measured.
//!
//!     whet-bench-mockserver [--port PORT] [--threads N]
//!
//! It binds 127.0.0.1 only (port 0, the default, picks a free one) and
//! prints the port on stdout once it listens. `GET /stats` returns
//! `{"requests": N}`: how many completions were served, so a benchmark can
//! check that every case really reached the server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

type Counter = Arc<AtomicU64>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (port, threads) = parse_args(std::env::args().skip(1))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()?;
    rt.block_on(serve(port))
}

/// `--port` and `--threads`; one worker thread by default, so the server
/// takes as little of a small machine as it can from the harness it serves.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(u16, usize), String> {
    let (mut port, mut threads) = (0u16, 1usize);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|e| format!("--port: {e}"))?,
            "--threads" => threads = value.parse().map_err(|e| format!("--threads: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((port, threads.max(1)))
}

async fn serve(port: u16) -> Result<(), Box<dyn std::error::Error>> {
    let served: Counter = Arc::default();
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/stats", get(stats))
        .with_state(served);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("{}", listener.local_addr()?.port());
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// A non-streaming chat completion echoing the last user message. Streaming
/// is refused rather than faked: neither harness asks for it here.
async fn chat(
    State(served): State<Counter>,
    Json(req): Json<Value>,
) -> Result<Json<Value>, (StatusCode, String)> {
    if req["stream"].as_bool() == Some(true) {
        return Err((StatusCode::BAD_REQUEST, "streaming is not supported".into()));
    }
    let text = last_user_text(&req);
    let prompt_tokens: usize = req["messages"]
        .as_array()
        .map(|ms| ms.iter().map(|m| words(&content_text(&m["content"]))).sum())
        .unwrap_or(0);
    let completion_tokens = words(&text);
    served.fetch_add(1, Ordering::Relaxed);
    Ok(Json(json!({
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "created": 0,
        "model": req["model"].as_str().unwrap_or("mock"),
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text},
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    })))
}

async fn stats(State(served): State<Counter>) -> Json<Value> {
    Json(json!({"requests": served.load(Ordering::Relaxed)}))
}

/// The text of the last `user` message, or empty when there is none.
fn last_user_text(req: &Value) -> String {
    req["messages"]
        .as_array()
        .and_then(|ms| ms.iter().rev().find(|m| m["role"] == "user"))
        .map(|m| content_text(&m["content"]))
        .unwrap_or_default()
}

/// A message's content: a string, or the `text` parts of a list, joined.
fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// Whitespace-separated words: the server's stand-in for tokens.
fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_the_last_user_message_in_any_content_shape() {
        let req = json!({"messages": [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "reply"},
            {"role": "user", "content": [{"type": "text", "text": "sec"}, {"type": "text", "text": "ond"}]},
            {"role": "system", "content": "late system"}
        ]});
        assert_eq!(last_user_text(&req), "second");
        assert_eq!(last_user_text(&json!({"messages": []})), "");
    }

    #[test]
    fn parses_flags_and_rejects_unknown_ones() {
        let args = |v: &[&str]| parse_args(v.iter().map(|s| s.to_string()));
        assert_eq!(args(&[]), Ok((0, 1)));
        assert_eq!(args(&["--port", "8080", "--threads", "2"]), Ok((8080, 2)));
        assert!(args(&["--port"]).is_err());
        assert!(args(&["--verbose", "1"]).is_err());
    }
}
