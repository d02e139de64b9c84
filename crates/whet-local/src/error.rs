//! What can go wrong running a local model, and how it maps onto
//! [`ProviderError`].

use std::path::PathBuf;
use thiserror::Error;
use whet_providers::ProviderError;

/// Everything the local backend can fail with. Converted into a
/// [`ProviderError`] (with the provider's name) at the [`Provider`] boundary
/// by [`LocalError::into_provider_error`].
///
/// [`Provider`]: whet_providers::Provider
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LocalError {
    /// The model file is not there.
    #[error(
        "model file {} does not exist: pull it with `whet models pull ALIAS` or pass the path of a GGUF file",
        .path.display()
    )]
    ModelMissing {
        /// The path asked for.
        path: PathBuf,
    },
    /// llama.cpp could not be initialised.
    #[error("cannot initialise llama.cpp: {message}")]
    Backend {
        /// Why.
        message: String,
    },
    /// llama.cpp could not load the file.
    #[error("cannot load model {}: {message}; check that it is a GGUF file llama.cpp supports", .path.display())]
    Load {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A context (KV cache) could not be created.
    #[error(
        "cannot create a llama.cpp context of {n_ctx} tokens: {message}; try a smaller context size"
    )]
    Context {
        /// Context size asked for.
        n_ctx: u32,
        /// Why.
        message: String,
    },
    /// A worker thread could not be started.
    #[error("cannot start a local worker thread: {message}")]
    Thread {
        /// Why.
        message: String,
    },
    /// Chat mode was asked for but the model has no chat template.
    #[error(
        "model `{model}` has no chat template, so it cannot be used in chat mode; use completion mode (the prompt is the messages' contents, joined by blank lines)"
    )]
    NoChatTemplate {
        /// The model.
        model: String,
    },
    /// Applying the chat template failed.
    #[error("cannot apply the chat template of model `{model}`: {message}")]
    Template {
        /// The model.
        model: String,
        /// Why.
        message: String,
    },
    /// The request asks for tools; local models have no tool-calling protocol.
    #[error(
        "local models have no tool-calling protocol: {what}; remove the tools from the request or use a remote provider"
    )]
    ToolsUnsupported {
        /// What in the request needed tools.
        what: String,
    },
    /// A response format could not be turned into a grammar.
    #[error("cannot constrain the output to {what}: {message}")]
    Grammar {
        /// The format (e.g. `the JSON Schema \`answer\``).
        what: String,
        /// Why.
        message: String,
    },
    /// The request is not something the backend can run (empty prompt, no labels...).
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong.
        message: String,
    },
    /// The prompt plus the tokens to generate do not fit the context.
    #[error(
        "the prompt has {prompt_tokens} tokens and up to {max_tokens} may be generated, but the context holds {limit}; shorten the prompt, lower max_tokens or raise the context size"
    )]
    ContextTooLong {
        /// Context size.
        limit: u64,
        /// Prompt tokens.
        prompt_tokens: u64,
        /// Tokens that may be generated.
        max_tokens: u64,
    },
    /// llama.cpp failed while evaluating tokens.
    #[error("llama.cpp failed to evaluate tokens: {message}")]
    Decode {
        /// Why.
        message: String,
    },
    /// Every worker has stopped.
    #[error("the local model's workers have stopped; create the provider again")]
    PoolStopped,
    /// A worker panicked while running a request.
    #[error("the local model's worker failed while generating: {message}")]
    WorkerPanicked {
        /// The panic message.
        message: String,
    },
}

impl LocalError {
    /// The [`ProviderError`] for this error, naming `provider`.
    pub fn into_provider_error(self, provider: &str) -> ProviderError {
        let provider = provider.to_owned();
        match self {
            LocalError::ContextTooLong {
                limit,
                prompt_tokens,
                max_tokens,
            } => {
                let message = self.to_string();
                ProviderError::ContextTooLong {
                    provider,
                    limit: Some(limit),
                    requested: Some(prompt_tokens.saturating_add(max_tokens)),
                    message,
                }
            }
            LocalError::NoChatTemplate { .. }
            | LocalError::ToolsUnsupported { .. }
            | LocalError::Grammar { .. } => ProviderError::Unsupported {
                provider,
                message: self.to_string(),
            },
            _ => ProviderError::Local {
                provider,
                message: self.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_too_long_says_by_how_much() {
        let e = LocalError::ContextTooLong {
            limit: 256,
            prompt_tokens: 300,
            max_tokens: 16,
        }
        .into_provider_error("local");
        let ProviderError::ContextTooLong {
            limit, requested, ..
        } = &e
        else {
            unreachable!("{e:?}");
        };
        assert_eq!((*limit, *requested), (Some(256), Some(316)));
        let text = e.to_string();
        assert!(
            text.contains("316 tokens requested, limit 256: 60 over"),
            "{text}"
        );
        assert!(text.contains("the prompt has 300 tokens"), "{text}");
    }

    #[test]
    fn tools_are_unsupported() {
        let e = LocalError::ToolsUnsupported {
            what: "the request lists 1 tool".into(),
        }
        .into_provider_error("local");
        assert!(matches!(e, ProviderError::Unsupported { .. }), "{e:?}");
    }
}
