//! Assembling streamed pieces into a [`ChatResponse`], and turning a
//! producer task into a [`ChatStream`].

use crate::error::ProviderError;
use crate::provider::ChatStream;
use crate::types::{
    ChatResponse, FinishReason, StreamEvent, Timing, TokenLogprob, ToolCall, Usage,
};
use std::time::Instant;
use tokio::sync::mpsc;

#[derive(Debug, Default, Clone)]
struct PartialCall {
    id: String,
    name: String,
    arguments: String,
}

/// Collects text, tool-call fragments, usage and timing as they stream in.
#[derive(Debug)]
pub struct Assembler {
    pub model: String,
    pub text: String,
    calls: Vec<PartialCall>,
    pub finish: Option<FinishReason>,
    pub usage: Usage,
    started: Instant,
    ttft: Option<std::time::Duration>,
    pub logprobs: Option<Vec<TokenLogprob>>,
    pub compute: Option<std::time::Duration>,
}

impl Assembler {
    /// Starts timing at `started` (the request's start).
    pub fn new(model: impl Into<String>, started: Instant) -> Self {
        Self {
            model: model.into(),
            text: String::new(),
            calls: Vec::new(),
            finish: None,
            usage: Usage::default(),
            started,
            ttft: None,
            logprobs: None,
            compute: None,
        }
    }

    fn mark_first_token(&mut self) {
        if self.ttft.is_none() {
            self.ttft = Some(self.started.elapsed());
        }
    }

    /// Whether a text or tool-call piece has arrived yet.
    pub fn first_token_seen(&self) -> bool {
        self.ttft.is_some()
    }

    /// Records a text piece and returns its event.
    pub fn text(&mut self, piece: &str) -> StreamEvent {
        self.mark_first_token();
        self.text.push_str(piece);
        StreamEvent::Text(piece.to_owned())
    }

    /// Records a tool-call fragment and returns its event.
    pub fn tool_delta(
        &mut self,
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: &str,
    ) -> StreamEvent {
        self.mark_first_token();
        if self.calls.len() <= index {
            self.calls.resize(index + 1, PartialCall::default());
        }
        let call = &mut self.calls[index];
        if let Some(id) = &id {
            call.id.clone_from(id);
        }
        if let Some(name) = &name {
            call.name.push_str(name);
        }
        call.arguments.push_str(arguments);
        StreamEvent::ToolCallDelta {
            index,
            id,
            name,
            arguments: arguments.to_owned(),
        }
    }

    /// The finished response.
    pub fn finish(self) -> ChatResponse {
        let tool_calls: Vec<ToolCall> = self
            .calls
            .into_iter()
            .filter(|c| !c.name.is_empty())
            .map(|c| ToolCall {
                id: c.id,
                name: c.name,
                arguments: c.arguments,
            })
            .collect();
        let finish_reason = self.finish.unwrap_or(if tool_calls.is_empty() {
            FinishReason::Stop
        } else {
            FinishReason::ToolCalls
        });
        ChatResponse {
            model: self.model,
            content: self.text,
            tool_calls,
            finish_reason,
            usage: self.usage,
            timing: Timing {
                latency: self.started.elapsed(),
                ttft: self.ttft,
                compute: self.compute,
            },
            logprobs: self.logprobs,
        }
    }
}

/// The sending half handed to a producer task.
pub type EventSender = mpsc::Sender<Result<StreamEvent, ProviderError>>;

/// A channel whose receiving half is a [`ChatStream`]. When the consumer
/// drops the stream, sends fail and the producer should stop.
pub fn channel() -> (EventSender, ChatStream) {
    let (tx, rx) = mpsc::channel(64);
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    (tx, Box::pin(stream))
}
