//! A deterministic provider for testing whet's own plumbing (never for
//! proving a feature): it echoes the last user message or plays a script.

use crate::error::ProviderError;
use crate::provider::{ChatStream, Provider};
use crate::stream::{Assembler, channel};
use crate::types::{
    ChatRequest, ChatResponse, ChatRole, Embeddings, FinishReason, StreamEvent, Usage,
};
use async_trait::async_trait;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// What the mock answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockBehavior {
    /// The last user message, verbatim.
    Echo,
    /// These answers in turn, starting over after the last.
    Script(Vec<String>),
}

/// A mock provider. Counts calls so tests can assert how many were made.
#[derive(Debug)]
pub struct MockProvider {
    name: String,
    behavior: MockBehavior,
    next: AtomicUsize,
    calls: AtomicUsize,
    last_request: Mutex<Option<ChatRequest>>,
}

impl MockProvider {
    /// A mock named `name`.
    pub fn new(name: impl Into<String>, behavior: MockBehavior) -> Self {
        Self {
            name: name.into(),
            behavior,
            next: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
            last_request: Mutex::new(None),
        }
    }

    /// How many completions were asked for.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The last request received.
    pub fn last_request(&self) -> Option<ChatRequest> {
        self.last_request.lock().ok().and_then(|g| g.clone())
    }

    /// The answer's streamed pieces (word by word) and the response.
    fn respond(&self, req: &ChatRequest) -> (Vec<String>, ChatResponse) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut g) = self.last_request.lock() {
            *g = Some(req.clone());
        }
        let started = Instant::now();
        let mut text = self.answer(req);
        let mut finish = FinishReason::Stop;
        if let Some(max) = req.max_tokens {
            let kept: Vec<&str> = text.split_inclusive(' ').take(max as usize).collect();
            if kept.len() < text.split_inclusive(' ').count() {
                text = kept.concat();
                finish = FinishReason::Length;
            }
        }
        let mut acc = Assembler::new(req.model.clone(), started);
        let pieces: Vec<String> = text
            .split_inclusive(' ')
            .map(|w| {
                let _ = acc.text(w);
                w.to_owned()
            })
            .collect();
        acc.finish = Some(finish);
        acc.usage = Usage {
            input_tokens: req.messages.iter().map(|m| words(&m.content)).sum(),
            output_tokens: words(&text),
            cached_input_tokens: 0,
        };
        (pieces, acc.finish())
    }

    fn answer(&self, req: &ChatRequest) -> String {
        match &self.behavior {
            MockBehavior::Echo => req
                .messages
                .iter()
                .rev()
                .find(|m| m.role == ChatRole::User)
                .map(|m| m.content.clone())
                .unwrap_or_default(),
            MockBehavior::Script(lines) if lines.is_empty() => String::new(),
            MockBehavior::Script(lines) => {
                let i = self.next.fetch_add(1, Ordering::SeqCst);
                lines[i % lines.len()].clone()
            }
        }
    }
}

/// Whitespace-separated words: the mock's stand-in for tokens.
fn words(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

#[async_trait]
impl Provider for MockProvider {
    fn name(&self) -> &str {
        &self.name
    }

    async fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let (words, done) = self.respond(req);
        let (tx, stream) = channel();
        tokio::spawn(async move {
            for w in words {
                if tx.send(Ok(StreamEvent::Text(w))).await.is_err() {
                    return;
                }
            }
            let _ = tx.send(Ok(StreamEvent::Done(done))).await;
        });
        Ok(stream)
    }

    /// The whole answer at once: no task and no channel per call, so
    /// benchmarks of the harness measure the harness.
    async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        Ok(self.respond(req).1)
    }

    async fn embed(&self, model: &str, inputs: &[String]) -> Result<Embeddings, ProviderError> {
        // Bag of bytes, normalised: equal texts embed equally, nothing more.
        let vectors = inputs
            .iter()
            .map(|t| {
                let mut v = [0f32; 16];
                for b in t.bytes() {
                    v[usize::from(b) % 16] += 1.0;
                }
                let norm = v
                    .iter()
                    .map(|x| x * x)
                    .sum::<f32>()
                    .sqrt()
                    .max(f32::EPSILON);
                v.iter().map(|x| x / norm).collect()
            })
            .collect();
        Ok(Embeddings {
            model: model.to_owned(),
            vectors,
            usage: Usage {
                input_tokens: inputs.iter().map(|t| words(t)).sum(),
                ..Usage::default()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ChatMessage;

    #[tokio::test]
    async fn echo_and_script_are_deterministic() {
        let req = ChatRequest {
            model: "m".into(),
            messages: vec![
                ChatMessage::new(ChatRole::System, "sys"),
                ChatMessage::new(ChatRole::User, "hello there world"),
            ],
            max_tokens: Some(2),
            ..ChatRequest::default()
        };
        let echo = MockProvider::new("mock", MockBehavior::Echo);
        let r = echo.chat(&req).await.unwrap();
        assert_eq!(r.content, "hello there ");
        assert_eq!(r.finish_reason, FinishReason::Length);
        assert_eq!(r.usage.input_tokens, 4);
        let script = MockProvider::new("mock", MockBehavior::Script(vec!["a".into(), "b".into()]));
        let got: Vec<String> = futures::future::join_all(
            (0..3).map(|_| async { script.chat(&req).await.unwrap().content }),
        )
        .await;
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(sorted, ["a", "a", "b"]);
        assert_eq!(script.calls(), 3);
    }
}
