//! How a [`LocalProvider`](crate::LocalProvider) runs its model.

use std::path::{Path, PathBuf};

/// The default context size, in tokens (capped at the model's training
/// context).
pub const DEFAULT_CONTEXT_SIZE: u32 = 4096;

/// The default for requests that set no `max_tokens`.
pub const DEFAULT_MAX_TOKENS: u32 = 512;

/// How messages become the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PromptMode {
    /// [`PromptMode::Chat`] when the model has a chat template, else
    /// [`PromptMode::Completion`].
    #[default]
    Auto,
    /// The model's own chat template, ending with the opening of an
    /// assistant turn. A model without a template is an error.
    Chat,
    /// Plain text continuation for base models: the prompt is the messages'
    /// contents joined by a blank line (`"\n\n"`), with no roles or markers
    /// (the model's BOS token is prepended when the model wants one), and
    /// the answer is what the model writes next.
    Completion,
}

/// Settings of a [`LocalProvider`](crate::LocalProvider).
///
/// Providers whose settings share the model file share one loaded copy of
/// it; providers that also agree on the context size, parallelism and
/// threads share one pool of workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSettings {
    /// The provider's name, used in errors and traces (default `local`).
    pub name: String,
    /// The GGUF file.
    pub model_path: PathBuf,
    /// The model's name reported in responses (default: the file's stem).
    pub model_name: Option<String>,
    /// CPU threads for all workers together (default: the available cores).
    /// Each of the [`LocalSettings::parallel`] workers gets an equal share,
    /// at least one.
    pub threads: Option<usize>,
    /// Tokens of context per worker: prompt plus generated text (default
    /// [`DEFAULT_CONTEXT_SIZE`], or the model's training context if smaller).
    pub context_size: Option<u32>,
    /// Requests evaluated at the same time, each in its own context
    /// (default 1). Further requests wait in a queue.
    pub parallel: usize,
    /// Chat template or plain completion.
    pub mode: PromptMode,
    /// `max_tokens` for requests that set none (default [`DEFAULT_MAX_TOKENS`]).
    pub default_max_tokens: u32,
}

impl LocalSettings {
    /// Defaults for the model at `model_path`.
    pub fn new(model_path: impl Into<PathBuf>) -> Self {
        LocalSettings {
            name: "local".to_owned(),
            model_path: model_path.into(),
            model_name: None,
            threads: None,
            context_size: None,
            parallel: 1,
            mode: PromptMode::Auto,
            default_max_tokens: DEFAULT_MAX_TOKENS,
        }
    }

    /// Sets the provider's name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Sets the model name reported in responses.
    #[must_use]
    pub fn with_model_name(mut self, name: impl Into<String>) -> Self {
        self.model_name = Some(name.into());
        self
    }

    /// Sets the total number of CPU threads.
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Sets the context size in tokens.
    #[must_use]
    pub fn with_context_size(mut self, tokens: u32) -> Self {
        self.context_size = Some(tokens);
        self
    }

    /// Sets how many requests run at the same time.
    #[must_use]
    pub fn with_parallel(mut self, workers: usize) -> Self {
        self.parallel = workers;
        self
    }

    /// Sets the prompt mode.
    #[must_use]
    pub fn with_mode(mut self, mode: PromptMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the default `max_tokens`.
    #[must_use]
    pub fn with_default_max_tokens(mut self, tokens: u32) -> Self {
        self.default_max_tokens = tokens;
        self
    }

    /// The name reported in responses.
    pub(crate) fn reported_model_name(&self) -> String {
        self.model_name
            .clone()
            .unwrap_or_else(|| file_stem(&self.model_path))
    }

    /// Worker count, at least one.
    pub(crate) fn workers(&self) -> usize {
        self.parallel.max(1)
    }

    /// Threads each worker uses.
    pub(crate) fn threads_per_worker(&self) -> usize {
        let total = self.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        (total / self.workers()).max(1)
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || path.display().to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_shared_between_workers() {
        let s = LocalSettings::new("/m/x.gguf")
            .with_threads(8)
            .with_parallel(3);
        assert_eq!(s.workers(), 3);
        assert_eq!(s.threads_per_worker(), 2);
        let s = LocalSettings::new("/m/x.gguf")
            .with_threads(1)
            .with_parallel(0);
        assert_eq!((s.workers(), s.threads_per_worker()), (1, 1));
        assert_eq!(s.reported_model_name(), "x");
    }
}
