//! Turns a model alias from `whet.toml` into a provider and a model name.
//! One provider instance per configured provider name per process, so HTTP
//! connections, limits and loaded local models are shared.

use crate::error::CliError;
use crate::printer::Printer;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use whet_local::{LocalProvider, LocalSettings, PromptMode};
use whet_models::{ModelKind, ModelSpec, ModelStore};
use whet_providers::{
    AnthropicProvider, HttpSettings, MockBehavior, MockProvider, OpenAiProvider, Pricing, Provider,
};
use whet_registry::{Project, ProviderConfig};

/// Where a model alias leads.
#[derive(Clone)]
pub struct ModelTarget {
    /// The alias.
    pub alias: String,
    /// Configured provider name.
    pub provider_name: String,
    /// The provider.
    pub provider: Arc<dyn Provider>,
    /// The model, as the provider knows it.
    pub model: String,
    /// Prices.
    pub pricing: Pricing,
}

/// Builds and caches providers for one project.
pub struct Models<'p> {
    project: &'p Project,
    printer: Printer,
    built: BTreeMap<String, Arc<dyn Provider>>,
}

impl<'p> Models<'p> {
    pub fn new(project: &'p Project, printer: Printer) -> Self {
        Self {
            project,
            printer,
            built: BTreeMap::new(),
        }
    }

    /// The alias a prompt runs on: an explicit one, the prompt's, or the project default.
    pub fn pick(
        &self,
        explicit: Option<&str>,
        prompt_alias: Option<&str>,
    ) -> Result<String, CliError> {
        explicit
            .or(prompt_alias)
            .or(self.project.config.default_model.as_deref())
            .map(str::to_owned)
            .ok_or_else(|| {
                CliError::Usage("no model: pass --model ALIAS, set [model] alias in the prompt, or [defaults] model in whet.toml".into())
            })
    }

    /// Resolves an alias.
    pub fn target(&mut self, alias: &str) -> Result<ModelTarget, CliError> {
        let config = &self.project.config;
        let Some(m) = config.models.get(alias) else {
            let known: Vec<&str> = config.models.keys().map(String::as_str).collect();
            let hint = whet_registry::did_you_mean(alias, known.iter().copied()).map_or_else(
                || format!("aliases: {}", known.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(CliError::Usage(format!(
                "model alias `{alias}` is not defined in whet.toml; {hint}"
            )));
        };
        // A local provider is one loaded model; remote ones serve many.
        let key = format!(
            "{}\0{}",
            m.provider,
            if self.kind(&m.provider) == "local" {
                m.model.as_str()
            } else {
                ""
            }
        );
        let provider = match self.built.get(&key) {
            Some(p) => p.clone(),
            None => {
                let p = self.build(&m.provider, &m.model)?;
                self.built.insert(key, p.clone());
                p
            }
        };
        Ok(ModelTarget {
            alias: alias.to_owned(),
            provider_name: m.provider.clone(),
            provider,
            model: m.model.clone(),
            pricing: Pricing {
                input_per_mtok: m.price_input_per_mtok,
                output_per_mtok: m.price_output_per_mtok,
                cached_input_per_mtok: m.price_cached_input_per_mtok,
            },
        })
    }

    /// A promptfoo provider id: a whet alias when one has that name, else
    /// `openai:[chat:]MODEL` or `anthropic:[messages:]MODEL` on the public
    /// endpoints (keys from OPENAI_API_KEY / ANTHROPIC_API_KEY, base URLs from
    /// OPENAI_BASE_URL / ANTHROPIC_BASE_URL).
    pub fn target_or_adhoc(&mut self, id: &str) -> Result<ModelTarget, CliError> {
        if self.project.config.models.contains_key(id) {
            return self.target(id);
        }
        let (kind, rest) = id.split_once(':').ok_or_else(|| {
            CliError::Usage(format!(
                "provider `{id}` is neither a model alias in whet.toml nor openai:MODEL / anthropic:MODEL"
            ))
        })?;
        let (model, env_key, env_url, default_url) = match kind {
            "openai" => (
                rest.strip_prefix("chat:").unwrap_or(rest),
                "OPENAI_API_KEY",
                "OPENAI_BASE_URL",
                "https://api.openai.com/v1",
            ),
            "anthropic" => (
                rest.strip_prefix("messages:").unwrap_or(rest),
                "ANTHROPIC_API_KEY",
                "ANTHROPIC_BASE_URL",
                "https://api.anthropic.com",
            ),
            other => {
                return Err(CliError::Usage(format!(
                    "provider `{id}`: whet maps openai:* and anthropic:* provider ids; `{other}` is not one (define a model alias in whet.toml and use its name as the id)"
                )));
            }
        };
        let key = format!("{id}\0adhoc");
        let provider = match self.built.get(&key) {
            Some(p) => p.clone(),
            None => {
                let cfg = ProviderConfig {
                    kind: kind.to_owned(),
                    base_url: std::env::var(env_url).ok(),
                    api_key_env: Some(env_key.to_owned()),
                    ..ProviderConfig::default()
                };
                let settings = http_settings(kind, &cfg, default_url);
                let p: Arc<dyn Provider> = if kind == "openai" {
                    Arc::new(OpenAiProvider::new(settings)?)
                } else {
                    Arc::new(AnthropicProvider::new(settings)?)
                };
                self.built.insert(key, p.clone());
                p
            }
        };
        Ok(ModelTarget {
            alias: id.to_owned(),
            provider_name: kind.to_owned(),
            provider,
            model: model.to_owned(),
            pricing: Pricing::default(),
        })
    }

    /// Calls in flight for a provider: a local model's `parallel` slots
    /// (one by default: llama.cpp decodes one sequence at a time), a remote
    /// provider's `max_concurrency` (8 by default).
    pub fn concurrency(&self, provider: &str) -> usize {
        let cfg = self.project.config.providers.get(provider);
        match self.kind(provider) {
            "local" => cfg.and_then(|c| c.parallel).map_or(1, |p| p as usize),
            "mock" => 64,
            _ => cfg
                .and_then(|c| c.max_concurrency)
                .map_or(8, |c| c as usize),
        }
    }

    fn kind<'a>(&'a self, provider: &'a str) -> &'a str {
        self.project
            .config
            .providers
            .get(provider)
            .map_or(provider, |p| p.kind.as_str())
    }

    fn build(&self, name: &str, model: &str) -> Result<Arc<dyn Provider>, CliError> {
        // `local` and `mock` need no [providers] table.
        let builtin = ProviderConfig {
            kind: name.to_owned(),
            ..ProviderConfig::default()
        };
        let cfg = self.project.config.providers.get(name).unwrap_or(&builtin);
        Ok(match cfg.kind.as_str() {
            "mock" => Arc::new(MockProvider::new(name, MockBehavior::Echo)),
            "openai" => Arc::new(OpenAiProvider::new(http_settings(
                name,
                cfg,
                "https://api.openai.com/v1",
            ))?),
            "anthropic" => Arc::new(AnthropicProvider::new(http_settings(
                name,
                cfg,
                "https://api.anthropic.com",
            ))?),
            "local" => Arc::new(local_provider(
                self.project,
                name,
                cfg,
                model,
                self.printer,
            )?),
            other => {
                return Err(CliError::Usage(format!(
                    "provider `{name}` has unknown kind `{other}`"
                )));
            }
        })
    }
}

/// Loads a local model: a catalogue alias, a `.gguf` path (relative to the
/// project) or a URL with its sha256, verified by whet-models.
fn local_provider(
    project: &Project,
    name: &str,
    cfg: &ProviderConfig,
    model: &str,
    printer: Printer,
) -> Result<LocalProvider, CliError> {
    let store = ModelStore::from_env()?;
    // A relative .gguf path in whet.toml is relative to the project, not the shell.
    let spec = match ModelSpec::parse(model)? {
        ModelSpec::Path(p) if p.is_relative() => project.root.join(p).display().to_string(),
        _ => model.to_owned(),
    };
    let resolved = match store.resolve(&spec) {
        // First use of a catalogue model or URL: fetch it (verified) once.
        Err(
            whet_models::Error::NotInstalled { .. } | whet_models::Error::UrlNotDownloaded { .. },
        ) => {
            printer.note(&format!(
                "model `{model}` is not installed yet: pulling it once"
            ));
            crate::commands::models::pull_with_bar(&store, &spec)?;
            store.resolve(&spec)?
        }
        other => other?,
    };
    let mut settings = LocalSettings::new(resolved.path)
        .with_name(name)
        .with_model_name(model);
    if resolved.kind == Some(ModelKind::Completion) {
        settings = settings.with_mode(PromptMode::Completion);
    }
    if let Some(t) = cfg.threads {
        settings = settings.with_threads(t as usize);
    }
    if let Some(c) = cfg.context_size {
        settings = settings.with_context_size(c);
    }
    if let Some(p) = cfg.parallel {
        settings = settings.with_parallel(p as usize);
    }
    Ok(LocalProvider::new(settings)?)
}

fn http_settings(name: &str, cfg: &ProviderConfig, default_url: &str) -> HttpSettings {
    let mut s = HttpSettings::new(
        name,
        cfg.base_url
            .clone()
            .unwrap_or_else(|| default_url.to_owned()),
    );
    s.api_key_env.clone_from(&cfg.api_key_env);
    s.api_key_header.clone_from(&cfg.api_key_header);
    s.headers.clone_from(&cfg.headers);
    s.extra_body.clone_from(&cfg.extra_body);
    if let Some(t) = cfg.timeout_s {
        s.timeout = Duration::from_secs_f64(t);
    }
    if let Some(t) = cfg.ttft_timeout_s {
        s.ttft_timeout = Duration::from_secs_f64(t);
    }
    if let Some(r) = cfg.max_retries {
        s.max_retries = r;
    }
    if let Some(c) = cfg.max_concurrency {
        s.max_concurrency = c as usize;
    }
    s
}
