//! [`LocalProvider`]: the [`Provider`] over an in-process llama.cpp model.

use crate::engine::{Engine, models_loaded};
use crate::error::LocalError;
use crate::generate::Job;
use crate::grammar::grammar_for;
use crate::sampler::{Sampler, SamplingParams};
use crate::settings::{LocalSettings, PromptMode};
use async_trait::async_trait;
use llama_cpp_2::model::LlamaChatMessage;
use llama_cpp_2::token::LlamaToken;
use std::sync::Arc;
use std::time::Instant;
use whet_providers::{
    Assembler, ChatMessage, ChatRequest, ChatRole, ChatStream, EventSender, Provider, ProviderError,
};

/// A GGUF model run in-process by llama.cpp.
///
/// The model file is loaded once per process, however many providers are
/// created for it; requests are queued to a pool of worker threads, each
/// with its own llama.cpp context (see [`LocalSettings::parallel`]).
/// Cloning a provider is cheap and shares everything.
///
/// What it does with a [`ChatRequest`]:
///
/// - the prompt is the model's chat template applied to the messages (or,
///   in [`PromptMode::Completion`], the contents joined by blank lines);
/// - `temperature` absent or 0 samples greedily; otherwise temperature,
///   `top_p` and a seeded random draw (the request's `seed`, else a random
///   one), so the same seed and prompt give the same text;
/// - `stop` sequences end the answer and are cut from it; `max_tokens`
///   ends it with
///   [`FinishReason::Length`](whet_providers::FinishReason::Length) (absent,
///   it is [`LocalSettings::default_max_tokens`] or the room left in the
///   context, whichever is smaller);
/// - `response_format` other than text constrains decoding with a grammar,
///   so the output always parses: a JSON Schema, any JSON object, or
///   exactly one of the [`Choice`](whet_providers::ResponseFormat::Choice)
///   labels;
/// - `tools` are refused with [`ProviderError::Unsupported`];
/// - a prompt that does not fit the context with an explicit `max_tokens`
///   (or, without one, leaves no room for a single token) is
///   [`ProviderError::ContextTooLong`] with both numbers, before anything
///   is evaluated;
/// - the provider serves the one model it was created with: `req.model` is
///   not consulted, and responses name [`LocalProvider::model_name`];
/// - usage counts the model's own tokens; timing reports time to first
///   token and compute seconds (the worker's time, not queueing).
#[derive(Clone)]
pub struct LocalProvider {
    name: String,
    model_name: String,
    mode: PromptMode,
    default_max_tokens: u32,
    engine: Arc<Engine>,
}

impl std::fmt::Debug for LocalProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalProvider")
            .field("name", &self.name)
            .field("model", &self.model_name)
            .field("mode", &self.mode)
            .field("engine", &self.engine)
            .finish()
    }
}

impl LocalProvider {
    /// Loads the model (unless this process already has) and starts the
    /// workers. Blocks while loading; in async code prefer
    /// [`LocalProvider::load`].
    pub fn new(settings: LocalSettings) -> Result<Self, ProviderError> {
        Self::create(&settings).map_err(|e| e.into_provider_error(&settings.name))
    }

    /// [`LocalProvider::new`] on a blocking thread.
    pub async fn load(settings: LocalSettings) -> Result<Self, ProviderError> {
        let name = settings.name.clone();
        tokio::task::spawn_blocking(move || Self::new(settings))
            .await
            .unwrap_or_else(|e| {
                Err(ProviderError::Local {
                    provider: name,
                    message: format!("loading the model failed: {e}"),
                })
            })
    }

    fn create(settings: &LocalSettings) -> Result<Self, LocalError> {
        let engine = Engine::for_settings(settings)?;
        let has_template = engine.model.template.is_some();
        let mode = match settings.mode {
            PromptMode::Auto if has_template => PromptMode::Chat,
            PromptMode::Auto => PromptMode::Completion,
            PromptMode::Chat if !has_template => {
                return Err(LocalError::NoChatTemplate {
                    model: settings.reported_model_name(),
                });
            }
            mode => mode,
        };
        Ok(LocalProvider {
            name: settings.name.clone(),
            model_name: settings.reported_model_name(),
            mode,
            default_max_tokens: settings.default_max_tokens,
            engine,
        })
    }

    /// How many GGUF files this process has loaded so far. Creating more
    /// providers for a loaded file does not load it again.
    pub fn models_loaded() -> usize {
        models_loaded()
    }

    /// The model name reported in responses.
    pub fn model_name(&self) -> &str {
        &self.model_name
    }

    /// [`PromptMode::Chat`] or [`PromptMode::Completion`] (never `Auto`).
    pub fn mode(&self) -> PromptMode {
        self.mode
    }

    /// Tokens of context per request: prompt plus generated text.
    pub fn context_size(&self) -> u32 {
        self.engine.n_ctx
    }

    /// The context the model was trained with.
    pub fn train_context_size(&self) -> u32 {
        self.engine.model.n_ctx_train
    }

    /// The prompt text `messages` become (chat template or completion text).
    pub fn render_prompt(&self, messages: &[ChatMessage]) -> Result<String, ProviderError> {
        self.render(messages)
            .map_err(|e| e.into_provider_error(&self.name))
    }

    /// How many tokens `text` is for this model (no BOS, special tokens as
    /// plain text).
    pub fn count_tokens(&self, text: &str) -> usize {
        self.engine
            .model
            .model
            .vocab()
            .tokenize(text.as_bytes(), false, false)
            .len()
    }

    fn render(&self, messages: &[ChatMessage]) -> Result<String, LocalError> {
        match (self.mode, &self.engine.model.template) {
            (PromptMode::Completion, _) => Ok(messages
                .iter()
                .map(|m| m.content.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")),
            (_, Some(template)) => {
                let chat = messages
                    .iter()
                    .map(|m| LlamaChatMessage::new(role(m.role).to_owned(), m.content.clone()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| LocalError::Template {
                        model: self.model_name.clone(),
                        message: e.to_string(),
                    })?;
                self.engine
                    .model
                    .model
                    .apply_chat_template(template, &chat, true)
                    .map_err(|e| LocalError::Template {
                        model: self.model_name.clone(),
                        message: format!(
                            "{e} (llama.cpp applies only the chat templates it recognises; use completion mode for others)"
                        ),
                    })
            }
            (_, None) => Err(LocalError::NoChatTemplate {
                model: self.model_name.clone(),
            }),
        }
    }

    /// The prompt's tokens, with BOS prepended when the model wants one
    /// and the template did not already write it.
    fn tokenize(&self, prompt: &str) -> Vec<LlamaToken> {
        let vocab = self.engine.model.model.vocab();
        // Templates write special tokens as text; user text in completion
        // mode is taken literally.
        let parse_special = self.mode == PromptMode::Chat;
        let mut tokens = vocab.tokenize(prompt.as_bytes(), false, parse_special);
        if vocab.should_add_bos() && tokens.first() != Some(&vocab.bos()) {
            tokens.insert(0, vocab.bos());
        }
        tokens
    }

    fn prepare(
        &self,
        req: &ChatRequest,
        started: Instant,
        tx: EventSender,
    ) -> Result<Job, LocalError> {
        refuse_tools(req)?;
        let prompt_text = self.render(&req.messages)?;
        let prompt = self.tokenize(&prompt_text);
        if prompt.is_empty() {
            return Err(LocalError::InvalidRequest {
                message: "the prompt is empty: send at least one message with content".to_owned(),
            });
        }
        let n_ctx = self.engine.n_ctx;
        let prompt_tokens = u32::try_from(prompt.len()).unwrap_or(u32::MAX);
        let room = n_ctx.saturating_sub(prompt_tokens);
        let max_tokens = match req.max_tokens {
            Some(max) if max > room => {
                return Err(LocalError::ContextTooLong {
                    limit: u64::from(n_ctx),
                    prompt_tokens: u64::from(prompt_tokens),
                    max_tokens: u64::from(max),
                });
            }
            Some(max) => max,
            // Without an explicit max the answer gets what room is left,
            // but at least one token must fit.
            None if room == 0 => {
                return Err(LocalError::ContextTooLong {
                    limit: u64::from(n_ctx),
                    prompt_tokens: u64::from(prompt_tokens),
                    max_tokens: 1,
                });
            }
            None => self.default_max_tokens.min(room),
        };
        let grammar = grammar_for(&req.response_format)?;
        let params = SamplingParams {
            temperature: req.temperature,
            top_p: req.top_p,
            seed: req.seed,
        };
        let sampler = Sampler::new(self.engine.model.model, &params, grammar.as_deref())?;
        tracing::debug!(
            provider = %self.name,
            prompt_tokens,
            max_tokens,
            "queueing local request"
        );
        Ok(Job {
            provider: self.name.clone(),
            prompt,
            sampler,
            max_tokens,
            stop: req.stop.clone(),
            logprobs: req.logprobs,
            assembler: Assembler::new(self.model_name.clone(), started),
            tx,
        })
    }
}

fn role(role: ChatRole) -> &'static str {
    match role {
        ChatRole::System => "system",
        ChatRole::User => "user",
        ChatRole::Assistant => "assistant",
        ChatRole::Tool => "tool",
    }
}

fn refuse_tools(req: &ChatRequest) -> Result<(), LocalError> {
    let what = if !req.tools.is_empty() {
        let names: Vec<&str> = req.tools.iter().map(|t| t.name.as_str()).collect();
        format!("the request offers tools ({})", names.join(", "))
    } else if req.messages.iter().any(|m| !m.tool_calls.is_empty()) {
        "the conversation contains tool calls".to_owned()
    } else if req.messages.iter().any(|m| m.role == ChatRole::Tool) {
        "the conversation contains tool results".to_owned()
    } else {
        return Ok(());
    };
    Err(LocalError::ToolsUnsupported { what })
}

#[async_trait]
impl Provider for LocalProvider {
    fn name(&self) -> &str {
        &self.name
    }

    async fn chat_stream(&self, req: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let started = Instant::now();
        let (tx, stream) = whet_providers::channel();
        let job = self
            .prepare(req, started, tx)
            .map_err(|e| e.into_provider_error(&self.name))?;
        self.engine
            .submit(job)
            .map_err(|e| e.into_provider_error(&self.name))?;
        Ok(stream)
    }
}
