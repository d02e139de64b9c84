//! The response cache on a real SQLite file: hits skip the provider,
//! repeat indices do not collide, read-only never writes.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use whet_providers::{ChatMessage, ChatRequest, ChatRole, MockBehavior, MockProvider};
use whet_store::{CacheMode, CacheStatus, ResponseCache, Store, cache_key};

fn request(text: &str) -> ChatRequest {
    ChatRequest {
        model: "m".into(),
        messages: vec![ChatMessage::new(ChatRole::User, text)],
        seed: Some(1),
        ..ChatRequest::default()
    }
}

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&Store::sqlite_url(&dir.path().join(".whet/whet.db")))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_identical_call_makes_no_provider_request() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResponseCache::new(store(&dir).await, CacheMode::ReadWrite);
    let mock = MockProvider::new(
        "mock",
        MockBehavior::Script(vec!["first".into(), "second".into()]),
    );
    let a = cache.chat(&mock, &request("hi"), 0).await.unwrap();
    assert_eq!(
        (a.cache, a.response.content.as_str()),
        (CacheStatus::Miss, "first")
    );
    let b = cache.chat(&mock, &request("hi"), 0).await.unwrap();
    assert_eq!(
        (b.cache, b.response.content.as_str()),
        (CacheStatus::Hit, "first")
    );
    assert_eq!(
        b.response.usage, a.response.usage,
        "a hit reports the original usage"
    );
    assert_eq!(mock.calls(), 1);
    // A different message, seed or model is a different key.
    let mut other = request("hi");
    other.seed = Some(2);
    assert_eq!(
        cache.chat(&mock, &other, 0).await.unwrap().cache,
        CacheStatus::Miss
    );
    assert_eq!(mock.calls(), 2);
    // The cache survives reopening the file.
    let reopened = ResponseCache::new(store(&dir).await, CacheMode::ReadWrite);
    assert_eq!(
        reopened.chat(&mock, &request("hi"), 0).await.unwrap().cache,
        CacheStatus::Hit
    );
    assert_eq!(mock.calls(), 2);
}

#[tokio::test]
async fn repeat_indices_get_their_own_samples() {
    let dir = tempfile::tempdir().unwrap();
    let cache = ResponseCache::new(store(&dir).await, CacheMode::ReadWrite);
    let mock = MockProvider::new(
        "mock",
        MockBehavior::Script((0..5).map(|i| format!("sample {i}")).collect()),
    );
    let mut first = Vec::new();
    for repeat in 0..5 {
        first.push(
            cache
                .chat(&mock, &request("hi"), repeat)
                .await
                .unwrap()
                .response
                .content,
        );
    }
    assert_eq!(
        first,
        (0..5).map(|i| format!("sample {i}")).collect::<Vec<_>>()
    );
    assert_eq!(cache.len().await.unwrap(), 5);
    for repeat in 0..5 {
        let again = cache.chat(&mock, &request("hi"), repeat).await.unwrap();
        assert_eq!(again.cache, CacheStatus::Hit);
        assert_eq!(again.response.content, first[repeat as usize]);
    }
    assert_eq!(mock.calls(), 5);
    let keys: std::collections::BTreeSet<_> = (0..5)
        .map(|r| cache_key("mock", &request("hi"), r))
        .collect();
    assert_eq!(keys.len(), 5);
}

#[tokio::test]
async fn read_only_never_writes_and_write_only_never_reads() {
    let dir = tempfile::tempdir().unwrap();
    let s = store(&dir).await;
    let mock = MockProvider::new("mock", MockBehavior::Echo);
    let ro = ResponseCache::new(s.clone(), CacheMode::ReadOnly);
    assert_eq!(
        ro.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Miss
    );
    assert_eq!(
        ro.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Miss
    );
    assert!(ro.is_empty().await.unwrap());
    assert_eq!(mock.calls(), 2);

    let wo = ResponseCache::new(s.clone(), CacheMode::WriteOnly);
    assert_eq!(
        wo.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Miss
    );
    assert_eq!(
        wo.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Miss
    );
    assert_eq!(wo.len().await.unwrap(), 1);
    assert_eq!(mock.calls(), 4);

    assert_eq!(
        ro.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Hit
    );
    let off = ResponseCache::new(s, CacheMode::Off);
    assert_eq!(
        off.chat(&mock, &request("a"), 0).await.unwrap().cache,
        CacheStatus::Bypass
    );
    assert_eq!(mock.calls(), 5);
}

#[tokio::test]
async fn concurrent_opens_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = Store::sqlite_url(&dir.path().join("db.sqlite"));
    let opens = (0..4).map(|_| Store::open(&url));
    for s in futures::future::join_all(opens).await {
        assert_eq!(
            s.unwrap().schema_version().await.unwrap(),
            whet_store::MIGRATIONS.last().unwrap().version
        );
    }
}
