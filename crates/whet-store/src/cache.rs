//! The response cache: identical requests (same provider, model, params,
//! messages, tools, schema, seed and repeat index) are answered from the
//! store without calling the provider, which makes CI evaluations
//! reproducible and free.

use crate::error::StoreError;
use crate::store::{Store, now};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use whet_providers::{ChatRequest, ChatResponse, Provider, StreamEvent};

/// How the cache is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheMode {
    /// Answer from the cache when possible; store new answers.
    #[default]
    ReadWrite,
    /// Answer from the cache when possible; never write.
    ReadOnly,
    /// Always call the provider; store its answers.
    WriteOnly,
    /// No cache at all.
    Off,
}

impl CacheMode {
    /// Parses `read-write`, `read-only`, `write-only`, `off`.
    pub fn parse(s: &str) -> Option<CacheMode> {
        Some(match s {
            "read-write" | "rw" => Self::ReadWrite,
            "read-only" | "ro" => Self::ReadOnly,
            "write-only" | "wo" => Self::WriteOnly,
            "off" => Self::Off,
            _ => return None,
        })
    }

    fn reads(self) -> bool {
        matches!(self, Self::ReadWrite | Self::ReadOnly)
    }

    fn writes(self) -> bool {
        matches!(self, Self::ReadWrite | Self::WriteOnly)
    }
}

/// Whether an answer came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheStatus {
    /// Served from the cache: no provider call, no cost.
    Hit,
    /// Called the provider (and stored the answer if the mode writes).
    Miss,
    /// The cache was off.
    Bypass,
}

/// One call's result.
#[derive(Debug, Clone)]
pub struct CallOutcome {
    /// The answer. On a hit, its usage and timing are the original call's.
    pub response: ChatResponse,
    /// Hit, miss or bypass.
    pub cache: CacheStatus,
    /// The cache key.
    pub key: String,
}

/// The cache key: SHA-256 over the provider's name and the whole request
/// (model, params, messages, tools, response format, seed) plus the repeat
/// index, so repeated samples of one request are stored separately.
pub fn cache_key(provider: &str, req: &ChatRequest, repeat: u32) -> String {
    let canonical = serde_json::json!({
        "v": 1,
        "provider": provider,
        "request": req,
        "repeat": repeat,
    });
    let digest = Sha256::digest(canonical.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A response cache over a [`Store`].
#[derive(Debug, Clone)]
pub struct ResponseCache {
    store: Store,
    mode: CacheMode,
}

impl ResponseCache {
    /// A cache in `mode`.
    pub fn new(store: Store, mode: CacheMode) -> Self {
        Self { store, mode }
    }

    /// The mode.
    pub fn mode(&self) -> CacheMode {
        self.mode
    }

    /// Looks a key up, counting the hit.
    pub async fn get(&self, key: &str) -> Result<Option<ChatResponse>, StoreError> {
        let row: Option<String> =
            sqlx::query_scalar("SELECT response FROM response_cache WHERE key = $1")
                .bind(key)
                .fetch_optional(self.store.pool())
                .await?;
        let Some(text) = row else { return Ok(None) };
        if self.mode.writes() {
            sqlx::query("UPDATE response_cache SET hits = hits + 1 WHERE key = $1")
                .bind(key)
                .execute(self.store.pool())
                .await?;
        }
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                table: "response_cache",
                message: format!("key {key}: {e}"),
            })
    }

    /// Stores an answer (replacing an older one under the same key).
    pub async fn put(
        &self,
        key: &str,
        provider: &str,
        resp: &ChatResponse,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(resp).map_err(|e| StoreError::Corrupt {
            table: "response_cache",
            message: e.to_string(),
        })?;
        sqlx::query(
            "INSERT INTO response_cache (key, provider, model, response, created_at, hits) VALUES ($1, $2, $3, $4, $5, 0)
             ON CONFLICT (key) DO UPDATE SET response = excluded.response, created_at = excluded.created_at",
        )
        .bind(key)
        .bind(provider)
        .bind(&resp.model)
        .bind(text)
        .bind(now())
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Number of stored answers.
    pub async fn len(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM response_cache")
            .fetch_one(self.store.pool())
            .await?)
    }

    /// Whether the cache holds nothing.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len().await? == 0)
    }

    /// A whole completion through the cache (a plain, non-streamed call on a miss).
    pub async fn chat(
        &self,
        provider: &dyn Provider,
        req: &ChatRequest,
        repeat: u32,
    ) -> Result<CallOutcome, StoreError> {
        self.call(provider, req, repeat, None).await
    }

    /// A completion through the cache, handing each streamed event to
    /// `on_event` as it arrives (a hit replays the answer as one text event).
    pub async fn chat_streaming(
        &self,
        provider: &dyn Provider,
        req: &ChatRequest,
        repeat: u32,
        on_event: &mut (dyn FnMut(&StreamEvent) + Send),
    ) -> Result<CallOutcome, StoreError> {
        self.call(provider, req, repeat, Some(on_event)).await
    }

    async fn call(
        &self,
        provider: &dyn Provider,
        req: &ChatRequest,
        repeat: u32,
        on_event: Option<&mut (dyn FnMut(&StreamEvent) + Send)>,
    ) -> Result<CallOutcome, StoreError> {
        let key = cache_key(provider.name(), req, repeat);
        if self.mode.reads()
            && let Some(response) = self.get(&key).await?
        {
            if let Some(on_event) = on_event {
                on_event(&StreamEvent::Text(response.content.clone()));
            }
            return Ok(CallOutcome {
                response,
                cache: CacheStatus::Hit,
                key,
            });
        }
        let response = match on_event {
            Some(on_event) => stream_to_end(provider, req, on_event).await?,
            None => provider.chat(req).await?,
        };
        if self.mode.writes() {
            self.put(&key, provider.name(), &response).await?;
        }
        let cache = if self.mode == CacheMode::Off {
            CacheStatus::Bypass
        } else {
            CacheStatus::Miss
        };
        Ok(CallOutcome {
            response,
            cache,
            key,
        })
    }
}

/// Streams a completion, handing every event on, and returns the final response.
async fn stream_to_end(
    provider: &dyn Provider,
    req: &ChatRequest,
    on_event: &mut (dyn FnMut(&StreamEvent) + Send),
) -> Result<ChatResponse, StoreError> {
    let mut stream = provider.chat_stream(req).await?;
    let mut done = None;
    while let Some(event) = stream.next().await {
        let event = event?;
        on_event(&event);
        if let StreamEvent::Done(r) = event {
            done = Some(r);
        }
    }
    Ok(
        done.ok_or_else(|| whet_providers::ProviderError::Malformed {
            provider: provider.name().to_owned(),
            message: "the stream ended without a final response".into(),
        })?,
    )
}
