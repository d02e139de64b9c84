//! Grammar-constrained decoding at temperature 1.0: every sample obeys the
//! response format (SmolLM2-135M, a real model).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SMOL, ask, provider};
use whet_providers::{ChatMessage, ChatRole, FinishReason, Provider, ResponseFormat};

const SAMPLES: u64 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_schema_samples_always_validate() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "sentiment": {"type": "string", "enum": ["positive", "negative", "neutral"]},
            "confidence": {"type": "integer"}
        },
        "required": ["sentiment", "confidence"],
        "additionalProperties": false
    });
    let validator = jsonschema::validator_for(&schema).unwrap();
    let local = provider(SMOL).await;
    let mut req = ask(
        "Review: \"The food was cold and the waiter was rude.\" Give the sentiment and your confidence from 0 to 100 as JSON.",
    );
    req.messages
        .insert(0, ChatMessage::new(ChatRole::System, "You answer in JSON."));
    req.response_format = ResponseFormat::JsonSchema {
        name: "sentiment".into(),
        schema,
    };
    req.temperature = Some(1.0);
    let mut sentiments = std::collections::BTreeMap::<String, u32>::new();
    for seed in 0..SAMPLES {
        req.seed = Some(seed);
        let resp = local.chat(&req).await.unwrap();
        assert_eq!(resp.finish_reason, FinishReason::Stop, "{resp:?}");
        let value: serde_json::Value = serde_json::from_str(&resp.content)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}: {:?}", resp.content));
        if let Err(e) = validator.validate(&value) {
            panic!("seed {seed}: {value} does not validate: {e}");
        }
        *sentiments
            .entry(value["sentiment"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    eprintln!("sentiments over {SAMPLES} samples: {sentiments:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn choice_samples_are_always_exactly_one_label() {
    let labels: Vec<String> = ["billing", "technical \"support\"", "sales\\leads", "other"]
        .into_iter()
        .map(String::from)
        .collect();
    let local = provider(SMOL).await;
    let mut req = ask("Route this message to a team: \"My invoice shows the wrong amount.\"");
    req.response_format = ResponseFormat::Choice {
        labels: labels.clone(),
    };
    req.temperature = Some(1.0);
    let mut counts = std::collections::BTreeMap::<String, u32>::new();
    for seed in 0..SAMPLES {
        req.seed = Some(seed);
        let resp = local.chat(&req).await.unwrap();
        assert!(
            labels.contains(&resp.content),
            "seed {seed}: {:?}",
            resp.content
        );
        assert_eq!(resp.finish_reason, FinishReason::Stop);
        *counts.entry(resp.content).or_default() += 1;
    }
    eprintln!("labels over {SAMPLES} samples: {counts:?}");
}
