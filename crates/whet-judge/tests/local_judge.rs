#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `llm-rubric` judged by the real local default model,
//! qwen2.5-coder-0.5b-instruct, through whet-local: the JSON Schema holds
//! the model to a verdict that parses. Two judge calls, greedy.
//!
//! It asserts what a 0.5B judge reliably does: a parseable verdict with a
//! reason for an obviously right and an obviously wrong answer, and, on a
//! pair this obvious, the right verdicts. Decoding is greedy, so the verdicts
//! are deterministic for these prompts; they were also right on a second
//! obvious pair tried by hand (a polite and a rude reply to a "polite and
//! friendly" rubric). A subtler rubric is beyond what this model grades
//! reliably, and is not tested here.

use std::sync::Arc;

use serde_json::{Map, json};
use whet_assert::AssertionSpec;
use whet_judge::{CaseInput, Graders, JudgeModel, JudgedGrade};
use whet_local::{LocalProvider, LocalSettings};
use whet_models::{ModelStore, NoProgress};

const QWEN: &str = "qwen2.5-coder-0.5b-instruct";

async fn qwen() -> LocalProvider {
    let path = tokio::task::spawn_blocking(|| {
        let store = ModelStore::from_env().unwrap();
        store.pull(QWEN, &mut NoProgress).unwrap().path
    })
    .await
    .unwrap();
    LocalProvider::load(LocalSettings::new(path).with_model_name(QWEN))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qwen_gives_parseable_verdicts_with_reasons() {
    let judge = JudgeModel::new("qwen-local", Arc::new(qwen().await), QWEN).with_max_tokens(300);
    let graders = Graders::new().with_judge(judge);
    let spec = AssertionSpec::from_json(&json!({
        "type": "llm-rubric",
        "value": "The answer says that the capital of France is Paris.",
    }))
    .unwrap();
    let vars = Map::new();
    let mut grades: Vec<JudgedGrade> = Vec::new();
    for output in [
        "The capital of France is Paris.",
        "Bananas are a good source of potassium.",
    ] {
        let case = CaseInput {
            output,
            vars: &vars,
            expected: None,
            prompt: "What is the capital of France?",
        };
        let g = graders.grade(&spec, &case).await.unwrap();
        assert!(
            !g.grade.reason.trim().is_empty() && g.grade.reason != "(the judge gave no reason)",
            "{g:?}"
        );
        assert!((0.0..=1.0).contains(&g.grade.score), "{g:?}");
        assert_eq!(g.calls, 1);
        assert!(g.output_tokens > 0);
        assert_eq!(g.cost_usd, 0.0, "a local model has no price");
        grades.push(g);
    }
    let [right, wrong] = &grades[..] else {
        panic!("two grades")
    };
    assert!(right.grade.pass && !wrong.grade.pass, "{grades:?}");
    assert!(right.grade.score > wrong.grade.score, "{grades:?}");
}
