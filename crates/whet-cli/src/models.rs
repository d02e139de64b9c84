//! Turns a model alias from `whet.toml` into a provider and a model name.
//! One provider instance per configured provider name per process, so HTTP
//! connections, limits and loaded local models are shared.

use crate::error::CliError;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
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
    built: BTreeMap<String, Arc<dyn Provider>>,
}

impl<'p> Models<'p> {
    pub fn new(project: &'p Project) -> Self {
        Self {
            project,
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
        let provider = match self.built.get(&m.provider) {
            Some(p) => p.clone(),
            None => {
                let p = self.build(&m.provider)?;
                self.built.insert(m.provider.clone(), p.clone());
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

    fn build(&self, name: &str) -> Result<Arc<dyn Provider>, CliError> {
        let builtin = ProviderConfig {
            kind: name.to_owned(),
            base_url: None,
            api_key_env: None,
            api_key_header: None,
            headers: BTreeMap::new(),
            extra_body: serde_json::Map::new(),
            timeout_s: None,
            ttft_timeout_s: None,
            max_retries: None,
            max_concurrency: None,
            threads: None,
            context_size: None,
            parallel: None,
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
            "local" => {
                return Err(CliError::Usage(
                    "the local provider is not built into this binary yet".into(),
                ));
            }
            other => {
                return Err(CliError::Usage(format!(
                    "provider `{name}` has unknown kind `{other}`"
                )));
            }
        })
    }
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
