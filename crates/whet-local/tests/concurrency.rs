//! Many concurrent requests share one loaded model. Its own test binary
//! (process), so the load counter sees only this test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SMOL, ask, settings};
use whet_local::LocalProvider;
use whet_providers::Provider;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_requests_share_one_load() {
    assert_eq!(LocalProvider::models_loaded(), 0);
    let settings = tokio::task::spawn_blocking(|| settings(SMOL).with_parallel(2))
        .await
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let settings = settings.clone();
        tasks.spawn(async move {
            // Each task builds its own provider: the file is still loaded once.
            let local = LocalProvider::load(settings).await.unwrap();
            let mut req = ask(&format!(
                "Name a fruit that starts with the letter {}.",
                (b'a' + i) as char
            ));
            req.max_tokens = Some(16);
            req.temperature = Some(0.7);
            req.seed = Some(u64::from(i));
            local.chat(&req).await.unwrap()
        });
    }
    let mut answers = 0;
    while let Some(resp) = tasks.join_next().await {
        let resp = resp.unwrap();
        assert!(!resp.content.is_empty(), "{resp:?}");
        assert!(resp.usage.output_tokens > 0);
        answers += 1;
    }
    assert_eq!(answers, 8);
    assert_eq!(LocalProvider::models_loaded(), 1);

    // One shared provider, eight requests at once.
    let local = LocalProvider::load(settings).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8u64 {
        let local = local.clone();
        tasks.spawn(async move {
            let mut req = ask("Say something short.");
            req.max_tokens = Some(8);
            req.temperature = Some(0.9);
            req.seed = Some(i);
            local.chat(&req).await.unwrap()
        });
    }
    while let Some(resp) = tasks.join_next().await {
        assert!(resp.unwrap().usage.output_tokens > 0);
    }
    assert_eq!(LocalProvider::models_loaded(), 1);
}
