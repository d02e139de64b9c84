//! What the HTTP backends share: settings, the client, retries with
//! backoff, the adaptive concurrency limit, timeouts and error mapping.

use crate::error::{ProviderError, TimeoutKind, redact};
use crate::limiter::{AdaptiveLimiter, Permit};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Settings of one HTTP provider, from `[providers.NAME]` in `whet.toml`.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Name used in errors and traces.
    pub name: String,
    /// Endpoint, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// Environment variable holding the API key; `None` for keyless servers.
    pub api_key_env: Option<String>,
    /// Header carrying the key (`Authorization: Bearer` when `None`).
    pub api_key_header: Option<String>,
    /// Extra headers on every request.
    pub headers: BTreeMap<String, String>,
    /// Extra JSON fields merged into every request body.
    pub extra_body: serde_json::Map<String, serde_json::Value>,
    /// Limit on the whole call.
    pub timeout: Duration,
    /// Limit on the time to the first token (to the response headers when not streaming).
    pub ttft_timeout: Duration,
    /// Retries after the first attempt, on 429, 5xx, connect errors and timeouts.
    pub max_retries: u32,
    /// First backoff; doubles each retry, with jitter.
    pub backoff: Duration,
    /// Most calls in flight at once (lowered automatically on 429).
    pub max_concurrency: usize,
    /// Reads an environment variable; the process environment unless a test
    /// injects another (whet forbids `unsafe`, so tests cannot `set_var`).
    pub env: EnvLookup,
}

/// Looks up an environment variable.
pub type EnvLookup = fn(&str) -> Option<String>;

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl HttpSettings {
    /// Defaults for `base_url`: 120 s total, 60 s to first token, 3 retries, 16 in flight.
    pub fn new(name: impl Into<String>, base_url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key_env: None,
            api_key_header: None,
            headers: BTreeMap::new(),
            extra_body: serde_json::Map::new(),
            timeout: Duration::from_secs(120),
            ttft_timeout: Duration::from_secs(60),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_concurrency: 16,
            env: process_env,
        }
    }
}

/// A configured HTTP client for one provider.
#[derive(Debug, Clone)]
pub struct HttpClient {
    pub settings: HttpSettings,
    client: reqwest::Client,
    limiter: AdaptiveLimiter,
}

/// A successful response, holding its concurrency slot until dropped.
pub struct Answer {
    pub response: reqwest::Response,
    pub permit: Permit,
    /// When the first attempt started.
    pub started: Instant,
    /// Attempts it took.
    pub attempts: u32,
}

impl HttpClient {
    /// Builds the client. Fails only if TLS cannot be initialised.
    pub fn new(settings: HttpSettings) -> Result<Self, ProviderError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(settings.ttft_timeout))
            .build()
            .map_err(|e| ProviderError::Connect {
                provider: settings.name.clone(),
                url: settings.base_url.clone(),
                message: e.to_string(),
            })?;
        let limiter = AdaptiveLimiter::new(settings.max_concurrency);
        Ok(Self {
            settings,
            client,
            limiter,
        })
    }

    /// The limiter, for inspection in tests and metrics.
    pub fn limiter(&self) -> &AdaptiveLimiter {
        &self.limiter
    }

    /// The API key from the environment, or the error naming the variable.
    pub fn key(&self) -> Result<Option<String>, ProviderError> {
        let Some(var) = &self.settings.api_key_env else {
            return Ok(None);
        };
        match (self.settings.env)(var) {
            Some(k) if !k.trim().is_empty() => Ok(Some(k)),
            _ => Err(ProviderError::MissingKey {
                provider: self.settings.name.clone(),
                env_var: var.clone(),
            }),
        }
    }

    /// Merges `extra_body` into a request body (request fields win).
    pub fn with_extra(&self, mut body: serde_json::Value) -> serde_json::Value {
        if let serde_json::Value::Object(map) = &mut body {
            for (k, v) in &self.settings.extra_body {
                map.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        body
    }

    /// POSTs JSON for `model` with retries; a non-2xx answer becomes a typed
    /// error through [`classify`].
    pub async fn post(
        &self,
        path: &str,
        body: &serde_json::Value,
        auth: &[(String, String)],
        model: &str,
    ) -> Result<Answer, ProviderError> {
        let env_var = self
            .settings
            .api_key_env
            .as_deref()
            .unwrap_or("(no api_key_env configured)");
        let url = format!("{}{path}", self.settings.base_url);
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let permit = self.limiter.acquire().await;
            let mut req = self.client.post(&url).json(body);
            for (k, v) in auth
                .iter()
                .map(|(k, v)| (k, v))
                .chain(self.settings.headers.iter())
            {
                req = req.header(k.as_str(), v.as_str());
            }
            let remaining = self.settings.timeout.saturating_sub(started.elapsed());
            let (wait, kind, after) = if remaining < self.settings.ttft_timeout {
                (remaining, TimeoutKind::Total, self.settings.timeout)
            } else {
                (
                    self.settings.ttft_timeout,
                    TimeoutKind::FirstToken,
                    self.settings.ttft_timeout,
                )
            };
            let result = tokio::time::timeout(wait, req.send()).await;
            let err = match result {
                Err(_) => ProviderError::Timeout {
                    provider: self.settings.name.clone(),
                    kind,
                    after,
                },
                Ok(Err(e)) => ProviderError::Connect {
                    provider: self.settings.name.clone(),
                    url: url.clone(),
                    message: redact(&e.to_string(), self.key().ok().flatten().as_deref()),
                },
                Ok(Ok(resp)) if resp.status().is_success() => {
                    self.limiter.on_success();
                    return Ok(Answer {
                        response: resp,
                        permit,
                        started,
                        attempts: attempt,
                    });
                }
                Ok(Ok(resp)) => {
                    let status = resp.status().as_u16();
                    let retry_after = retry_after(resp.headers());
                    let text = resp.text().await.unwrap_or_default();
                    let text = redact(&text, self.key().ok().flatten().as_deref());
                    if status == 429 {
                        self.limiter.on_rate_limited();
                    }
                    let mut err = classify(&self.settings.name, env_var, model, status, &text);
                    if let ProviderError::RateLimited {
                        attempts,
                        retry_after: ra,
                        ..
                    } = &mut err
                    {
                        *attempts = attempt;
                        *ra = retry_after;
                    }
                    if let ProviderError::Server { attempts, .. } = &mut err {
                        *attempts = attempt;
                    }
                    if err.is_retryable() && attempt <= self.settings.max_retries {
                        drop(permit);
                        self.sleep_before_retry(attempt, retry_after, started).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            drop(permit);
            if attempt > self.settings.max_retries || started.elapsed() >= self.settings.timeout {
                return Err(err);
            }
            tracing::debug!(provider = %self.settings.name, attempt, error = %err, "retrying");
            self.sleep_before_retry(attempt, None, started).await;
        }
    }

    /// Exponential backoff with full jitter, at least what Retry-After asks,
    /// never past the total timeout.
    async fn sleep_before_retry(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        started: Instant,
    ) {
        let exp = self
            .settings
            .backoff
            .saturating_mul(1 << (attempt - 1).min(10));
        let jittered = exp.mul_f64(0.5 + fastrand::f64() * 0.5);
        let wait = retry_after.map_or(jittered, |r| r.max(jittered));
        let left = self.settings.timeout.saturating_sub(started.elapsed());
        tokio::time::sleep(wait.min(left)).await;
    }

    /// Reads a whole JSON body within what is left of the total timeout.
    /// The answer's concurrency slot is released once the body is read.
    pub async fn read_json(&self, answer: Answer) -> Result<serde_json::Value, ProviderError> {
        let left = self
            .settings
            .timeout
            .saturating_sub(answer.started.elapsed());
        let body = tokio::time::timeout(left, answer.response.text())
            .await
            .map_err(|_| self.timeout(TimeoutKind::Total))?
            .map_err(|e| self.malformed(format!("reading the body: {e}")))?;
        serde_json::from_str(&body)
            .map_err(|e| self.malformed(format!("invalid JSON ({e}): {}", error_message(&body))))
    }

    /// The next chunk of a streamed body, within the time-to-first-token
    /// limit until `first_token_seen`, then within the total limit.
    pub async fn next_chunk(
        &self,
        body: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
        started: Instant,
        first_token_seen: bool,
        end: &str,
    ) -> Result<bytes::Bytes, ProviderError> {
        let s = &self.settings;
        let (limit, kind) = if first_token_seen {
            (s.timeout, TimeoutKind::Total)
        } else {
            (s.ttft_timeout.min(s.timeout), TimeoutKind::FirstToken)
        };
        let left = limit.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, futures::StreamExt::next(body)).await {
            Err(_) => Err(self.timeout(kind)),
            Ok(None) => Err(self.malformed(format!(
                "the stream ended before {end} (truncated response)"
            ))),
            Ok(Some(Err(e))) => Err(self.malformed(format!("the stream broke: {e}"))),
            Ok(Some(Ok(chunk))) => Ok(chunk),
        }
    }

    /// A timeout error of this provider.
    pub fn timeout(&self, kind: TimeoutKind) -> ProviderError {
        let after = match kind {
            TimeoutKind::FirstToken => self.settings.ttft_timeout,
            TimeoutKind::Total => self.settings.timeout,
        };
        ProviderError::Timeout {
            provider: self.settings.name.clone(),
            kind,
            after,
        }
    }

    /// A malformed-response error of this provider.
    pub fn malformed(&self, message: impl Into<String>) -> ProviderError {
        ProviderError::Malformed {
            provider: self.settings.name.clone(),
            message: message.into(),
        }
    }

    /// Completes a "model not found" error with the models the provider
    /// lists at `models_path` (`{"data": [{"id": …}]}`, as OpenAI-compatible
    /// servers and Anthropic both answer); other results pass through.
    pub async fn with_model_list(
        &self,
        result: Result<Answer, ProviderError>,
        models_path: &str,
        auth: &[(String, String)],
    ) -> Result<Answer, ProviderError> {
        let Err(ProviderError::ModelNotFound {
            provider, model, ..
        }) = result
        else {
            return result;
        };
        let mut available: Vec<String> = self
            .get_json(models_path, auth)
            .await
            .and_then(|v| {
                v["data"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|m| m["id"].as_str().map(str::to_owned))
                        .collect()
                })
            })
            .unwrap_or_default();
        available.sort();
        Err(ProviderError::ModelNotFound {
            provider,
            model,
            available,
        })
    }

    /// GETs JSON (used to list models for "model not found").
    pub async fn get_json(
        &self,
        path: &str,
        auth: &[(String, String)],
    ) -> Option<serde_json::Value> {
        let mut req = self
            .client
            .get(format!("{}{path}", self.settings.base_url))
            .timeout(Duration::from_secs(5));
        for (k, v) in auth {
            req = req.header(k.as_str(), v.as_str());
        }
        req.send().await.ok()?.json().await.ok()
    }
}

/// Maps an HTTP error status and body to a typed error; the same rules
/// serve every vendor (5xx includes Anthropic's 529 "overloaded").
pub fn classify(
    provider: &str,
    env_var: &str,
    model: &str,
    status: u16,
    body: &str,
) -> ProviderError {
    let message = error_message(body);
    let lower = message.to_ascii_lowercase();
    let provider = provider.to_owned();
    match status {
        401 | 403 => ProviderError::BadKey {
            provider,
            env_var: env_var.to_owned(),
            status,
            message,
        },
        429 => ProviderError::RateLimited {
            provider,
            attempts: 0,
            message,
            retry_after: None,
        },
        404 if lower.contains("model") => ProviderError::ModelNotFound {
            provider,
            model: model.to_owned(),
            available: Vec::new(),
        },
        400 if lower.contains("context length")
            || lower.contains("context_length")
            || lower.contains("too long") =>
        {
            let (limit, requested) = context_numbers(&message);
            ProviderError::ContextTooLong {
                provider,
                limit,
                requested,
                message,
            }
        }
        500..=599 => ProviderError::Server {
            provider,
            status,
            attempts: 0,
            message,
        },
        _ => ProviderError::BadRequest {
            provider,
            status,
            message,
        },
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<f64>() {
        return Duration::try_from_secs_f64(secs.clamp(0.0, 3600.0)).ok();
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

/// The human message inside a provider's error body (`{"error": {"message"}}`
/// and friends), or the body itself, shortened.
pub fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let msg = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error"))
            .and_then(|m| m.as_str().map(str::to_owned))
    });
    let text = msg.unwrap_or_else(|| body.trim().to_owned());
    if text.chars().count() > 500 {
        format!("{}…", text.chars().take(500).collect::<String>())
    } else if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text
    }
}

/// Pulls "N tokens" style numbers out of a context-length message:
/// (limit, requested).
pub fn context_numbers(message: &str) -> (Option<u64>, Option<u64>) {
    let nums: Vec<u64> = message
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .filter(|n| *n >= 16)
        .collect();
    let lower = message.to_ascii_lowercase();
    // OpenAI: "maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens"
    // Anthropic: "prompt is too long: 250000 tokens > 200000 maximum"
    if lower.contains('>') && lower.contains("maximum") && nums.len() >= 2 {
        return (Some(nums[1]), Some(nums[0]));
    }
    match nums.as_slice() {
        [limit, requested, ..] => (Some(*limit), Some(*requested)),
        [limit] => (Some(*limit), None),
        [] => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_numbers_read_both_vendors() {
        let openai = "This model's maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens.";
        assert_eq!(context_numbers(openai), (Some(4096), Some(5000)));
        let anthropic = "prompt is too long: 250000 tokens > 200000 maximum";
        assert_eq!(context_numbers(anthropic), (Some(200_000), Some(250_000)));
    }

    #[test]
    fn error_message_prefers_the_json_message() {
        assert_eq!(
            error_message(r#"{"error":{"message":"bad","type":"x"}}"#),
            "bad"
        );
        assert_eq!(error_message("plain"), "plain");
        assert_eq!(error_message(""), "(empty body)");
    }
}
