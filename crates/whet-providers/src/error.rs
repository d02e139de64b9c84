//! Typed provider errors. Each says what happened and what to do; none ever
//! contains an API key (bodies echoed by providers are redacted).

use std::time::Duration;
use thiserror::Error;

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// No first token in time.
    FirstToken,
    /// The whole call took too long.
    Total,
}

/// Everything a provider call can fail with.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ProviderError {
    /// No API key in the environment.
    #[error("{provider}: the API key is missing: set the environment variable {env_var}")]
    MissingKey {
        /// Provider name.
        provider: String,
        /// The variable to set.
        env_var: String,
    },
    /// The provider rejected the key.
    #[error(
        "{provider}: the API key was rejected (HTTP {status}); check the environment variable {env_var}: {message}"
    )]
    BadKey {
        /// Provider name.
        provider: String,
        /// The variable holding the key.
        env_var: String,
        /// 401 or 403.
        status: u16,
        /// The provider's message, redacted.
        message: String,
    },
    /// Too many requests, after retries.
    #[error("{provider}: rate limited (HTTP 429) after {attempts} attempt(s): {message}")]
    RateLimited {
        /// Provider name.
        provider: String,
        /// Attempts made.
        attempts: u32,
        /// The provider's message.
        message: String,
        /// What the provider asked us to wait.
        retry_after: Option<Duration>,
    },
    /// A 5xx, after retries.
    #[error("{provider}: server error HTTP {status} after {attempts} attempt(s): {message}")]
    Server {
        /// Provider name.
        provider: String,
        /// The status.
        status: u16,
        /// Attempts made.
        attempts: u32,
        /// The provider's message.
        message: String,
    },
    /// The prompt does not fit the model's context.
    #[error("{provider}: the prompt is too long for the model's context{}: {message}", over_by(*.limit, *.requested))]
    ContextTooLong {
        /// Provider name.
        provider: String,
        /// Context size, when known.
        limit: Option<u64>,
        /// Tokens asked for, when known.
        requested: Option<u64>,
        /// The provider's message.
        message: String,
    },
    /// No such model.
    #[error("{provider}: model `{model}` not found{}", list(.available))]
    ModelNotFound {
        /// Provider name.
        provider: String,
        /// The model asked for.
        model: String,
        /// Models the provider has, when it could list them.
        available: Vec<String>,
    },
    /// The provider refused the request as malformed (4xx).
    #[error("{provider}: request rejected (HTTP {status}): {message}")]
    BadRequest {
        /// Provider name.
        provider: String,
        /// The status.
        status: u16,
        /// The provider's message.
        message: String,
    },
    /// A timeout fired.
    #[error("{provider}: {} timeout after {:.1}s", match .kind { TimeoutKind::FirstToken => "time-to-first-token", TimeoutKind::Total => "total" }, .after.as_secs_f64())]
    Timeout {
        /// Provider name.
        provider: String,
        /// Which timeout.
        kind: TimeoutKind,
        /// Its length.
        after: Duration,
    },
    /// Could not connect or the connection broke.
    #[error("{provider}: cannot reach {url}: {message}")]
    Connect {
        /// Provider name.
        provider: String,
        /// Where.
        url: String,
        /// Why.
        message: String,
    },
    /// The provider answered something we cannot read (bad JSON, a cut stream).
    #[error("{provider}: malformed response: {message}")]
    Malformed {
        /// Provider name.
        provider: String,
        /// What was wrong.
        message: String,
    },
    /// The backend cannot do what was asked.
    #[error("{provider}: {message}")]
    Unsupported {
        /// Provider name.
        provider: String,
        /// What.
        message: String,
    },
    /// A local model failed (load, decode, template).
    #[error("{provider}: {message}")]
    Local {
        /// Provider name.
        provider: String,
        /// What.
        message: String,
    },
}

impl ProviderError {
    /// Whether retrying the same request may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Server { .. }
                | Self::Timeout { .. }
                | Self::Connect { .. }
        )
    }
}

fn over_by(limit: Option<u64>, requested: Option<u64>) -> String {
    match (limit, requested) {
        (Some(l), Some(r)) if r > l => {
            format!(" ({r} tokens requested, limit {l}: {} over)", r - l)
        }
        (Some(l), _) => format!(" (limit {l} tokens)"),
        _ => String::new(),
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("; available: {}", items.join(", "))
    }
}

/// Replaces every occurrence of `secret` in `text` (and of any 8+ character
/// prefix shown as `sk-abc...xyz`) so error messages never carry a key.
pub fn redact(text: &str, secret: Option<&str>) -> String {
    let Some(secret) = secret.filter(|s| s.len() >= 8) else {
        return text.to_owned();
    };
    let mut out = text.replace(secret, "[redacted]");
    // Providers often echo a shortened key: its first and last characters.
    let head = &secret[..secret.len().min(8)];
    while let Some(i) = out.find(head) {
        let end = out[i..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == ',')
            .map_or(out.len(), |e| i + e);
        out.replace_range(i..end, "[redacted]");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_whole_and_shortened_keys() {
        let key = "sk-test-1234567890abcdef";
        let msg = format!("Incorrect API key provided: sk-test-12*****cdef. Full: {key}");
        let r = redact(&msg, Some(key));
        assert!(!r.contains("1234567890"), "{r}");
        assert!(!r.contains("sk-test-"), "{r}");
        assert!(r.contains("[redacted]"));
    }

    #[test]
    fn context_error_says_by_how_much() {
        let e = ProviderError::ContextTooLong {
            provider: "openai".into(),
            limit: Some(4096),
            requested: Some(5000),
            message: "too long".into(),
        };
        assert!(
            e.to_string()
                .contains("5000 tokens requested, limit 4096: 904 over"),
            "{e}"
        );
    }
}
