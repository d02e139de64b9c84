//! Model calls: a [`JudgeModel`] answers a [`Prompt`] through the response
//! cache, or embeds texts, and a [`Meter`] adds up what that cost.

use std::fmt;
use std::ops::AddAssign;
use std::sync::Arc;

use serde_json::{Map, Value};
use whet_providers::{ChatRequest, Pricing, Provider, ResponseFormat, Usage};
use whet_store::{CacheStatus, ResponseCache, StoreError};

use crate::error::{JudgeError, clip};
use crate::parse;
use crate::prompts::Prompt;

/// The sampling temperature of repeated judge samples when the judge sets
/// none: high enough that samples can disagree, which is what
/// `judge_samples` measures.
pub const DEFAULT_SAMPLE_TEMPERATURE: f64 = 0.7;

/// The most tokens a judge may write unless its [`JudgeModel::max_tokens`]
/// says otherwise: room for reasoning steps and a verdict, and a bound on a
/// model that rambles.
pub const DEFAULT_JUDGE_MAX_TOKENS: u32 = 1024;

/// A model that grades or embeds: a provider, the model name it knows, and
/// what it costs. `name` is the model alias from `whet.toml`, which an
/// assertion's `provider` key refers to.
#[derive(Clone)]
pub struct JudgeModel {
    /// The alias (`provider: ALIAS` on an assertion picks it).
    pub name: String,
    /// Where requests go.
    pub provider: Arc<dyn Provider>,
    /// The model, as the provider knows it.
    pub model: String,
    /// Its prices, to report what grading cost.
    pub pricing: Pricing,
    /// The temperature of repeated samples (`judge_samples > 1`); a single
    /// sample is always asked at temperature 0. `None`: 0.7.
    pub temperature: Option<f64>,
    /// The most tokens one answer may take. `None`: 1024.
    pub max_tokens: Option<u32>,
}

impl JudgeModel {
    /// A model with no price (a local one), the default sampling temperature
    /// and answer length.
    pub fn new(
        name: impl Into<String>,
        provider: Arc<dyn Provider>,
        model: impl Into<String>,
    ) -> Self {
        JudgeModel {
            name: name.into(),
            provider,
            model: model.into(),
            pricing: Pricing::default(),
            temperature: None,
            max_tokens: None,
        }
    }

    /// Sets the prices.
    #[must_use]
    pub fn with_pricing(mut self, pricing: Pricing) -> Self {
        self.pricing = pricing;
        self
    }

    /// Sets the temperature of repeated samples.
    #[must_use]
    pub fn with_temperature(mut self, temperature: f64) -> Self {
        self.temperature = Some(temperature);
        self
    }

    /// Sets the most tokens one answer may take.
    #[must_use]
    pub fn with_max_tokens(mut self, max_tokens: u32) -> Self {
        self.max_tokens = Some(max_tokens);
        self
    }
}

impl fmt::Debug for JudgeModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JudgeModel")
            .field("name", &self.name)
            .field("provider", &self.provider.name())
            .field("model", &self.model)
            .field("pricing", &self.pricing)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .finish()
    }
}

/// What grading spent: provider calls made, answers served from the cache,
/// tokens and dollars (a cache hit spends nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Meter {
    pub(crate) cost_usd: f64,
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) calls: u32,
    pub(crate) cache_hits: u32,
}

impl Meter {
    fn spend(&mut self, pricing: &Pricing, usage: &Usage) {
        self.calls += 1;
        self.cost_usd += pricing.cost(usage);
        self.input_tokens += usage.input_tokens;
        self.output_tokens += usage.output_tokens;
    }
}

impl AddAssign for Meter {
    fn add_assign(&mut self, rhs: Meter) {
        self.cost_usd += rhs.cost_usd;
        self.input_tokens += rhs.input_tokens;
        self.output_tokens += rhs.output_tokens;
        self.calls += rhs.calls;
        self.cache_hits += rhs.cache_hits;
    }
}

/// Which sample of how many: sample `index` is the cache's repeat index, so
/// repeated samples are cached separately and re-running reuses each.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub(crate) index: u32,
    pub(crate) of: u32,
}

/// The judge's answer to `prompt` as a JSON object.
pub(crate) async fn ask(
    judge: &JudgeModel,
    cache: Option<&ResponseCache>,
    prompt: Prompt,
    sample: Sample,
    meter: &mut Meter,
) -> Result<Map<String, Value>, JudgeError> {
    let sampling = sample.of > 1;
    let req = ChatRequest {
        model: judge.model.clone(),
        messages: prompt.messages,
        temperature: Some(if sampling {
            judge.temperature.unwrap_or(DEFAULT_SAMPLE_TEMPERATURE)
        } else {
            0.0
        }),
        max_tokens: Some(judge.max_tokens.unwrap_or(DEFAULT_JUDGE_MAX_TOKENS)),
        // Seeded per sample, so samples differ from each other but a rerun
        // without the cache draws the same ones where the backend honours seeds.
        seed: sampling.then_some(u64::from(sample.index)),
        response_format: ResponseFormat::JsonSchema {
            name: prompt.schema_name.to_owned(),
            schema: prompt.schema,
        },
        ..ChatRequest::default()
    };
    let provider = judge.provider.as_ref();
    let response = match cache {
        Some(cache) => {
            let outcome = cache
                .chat(provider, &req, sample.index)
                .await
                .map_err(|e| store_error(judge, e))?;
            if outcome.cache == CacheStatus::Hit {
                meter.cache_hits += 1;
            } else {
                meter.spend(&judge.pricing, &outcome.response.usage);
            }
            tracing::debug!(judge = %judge.name, sample = sample.index, cache = ?outcome.cache, "judge answered");
            outcome.response
        }
        None => {
            let response = provider
                .chat(&req)
                .await
                .map_err(|source| JudgeError::Provider {
                    judge: judge.name.clone(),
                    source,
                })?;
            meter.spend(&judge.pricing, &response.usage);
            tracing::debug!(judge = %judge.name, sample = sample.index, "judge answered");
            response
        }
    };
    parse::object(&response.content)
        .ok_or_else(|| unparseable(judge, "the answer is not a JSON object", &response.content))
}

fn store_error(judge: &JudgeModel, e: StoreError) -> JudgeError {
    match e {
        StoreError::Provider(source) => JudgeError::Provider {
            judge: judge.name.clone(),
            source,
        },
        source => JudgeError::Cache {
            judge: judge.name.clone(),
            source,
        },
    }
}

/// A judge answer that is not a verdict, quoting the answer.
pub(crate) fn unparseable(judge: &JudgeModel, message: &str, raw: &str) -> JudgeError {
    JudgeError::Unparseable {
        judge: judge.name.clone(),
        message: message.to_owned(),
        raw: clip(raw, 400),
    }
}

/// Embeddings of `inputs`, one vector each, in order.
pub(crate) async fn embed(
    embedder: &JudgeModel,
    inputs: Vec<String>,
    meter: &mut Meter,
) -> Result<Vec<Vec<f32>>, JudgeError> {
    let embeddings = embedder
        .provider
        .embed(&embedder.model, &inputs)
        .await
        .map_err(|source| JudgeError::Provider {
            judge: embedder.name.clone(),
            source,
        })?;
    meter.spend(&embedder.pricing, &embeddings.usage);
    if embeddings.vectors.len() != inputs.len() {
        return Err(JudgeError::Embedding {
            embedder: embedder.name.clone(),
            message: format!(
                "asked for {} vectors, got {}",
                inputs.len(),
                embeddings.vectors.len()
            ),
        });
    }
    Ok(embeddings.vectors)
}

/// Cosine similarity, computed in f64; 0 when either vector is zero or
/// their lengths differ.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_of_known_vectors() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!(cosine(&[1.0, 0.0], &[0.0, 2.0]).abs() < 1e-12);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-12);
        // 3-4-5 triangle: cos = 3 / 5.
        assert!((cosine(&[3.0, 4.0], &[1.0, 0.0]) - 0.6).abs() < 1e-7);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0);
    }
}
