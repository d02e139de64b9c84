#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `similar` and `answer-relevance` with the real all-MiniLM-L6-v2 embedder
//! (whet-embed, from whet's model store), the latter with a loopback judge
//! that writes the questions.

mod common;

use std::sync::Arc;

use common::{Server, answer, message};
use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use whet_assert::AssertionSpec;
use whet_embed::EmbeddingProvider;
use whet_judge::{CaseInput, Graders, JudgeModel, JudgedGrade};
use whet_models::{DEFAULT_EMBEDDING_MODEL, ModelStore, NoProgress};

/// One model per test binary, pulled (verified) once.
async fn embedder() -> JudgeModel {
    static PROVIDER: OnceCell<Arc<EmbeddingProvider>> = OnceCell::const_new();
    let provider = PROVIDER
        .get_or_init(|| async {
            let dir = tokio::task::spawn_blocking(|| {
                let store = ModelStore::from_env().unwrap();
                store
                    .pull(DEFAULT_EMBEDDING_MODEL, &mut NoProgress)
                    .unwrap();
                store.path(DEFAULT_EMBEDDING_MODEL).unwrap()
            })
            .await
            .unwrap();
            Arc::new(EmbeddingProvider::load(dir).await.unwrap())
        })
        .await
        .clone();
    JudgeModel::new("minilm", provider, DEFAULT_EMBEDDING_MODEL)
}

async fn grade(
    graders: &Graders,
    a: Value,
    output: &str,
    vars: &Map<String, Value>,
) -> JudgedGrade {
    let case = CaseInput {
        output,
        vars,
        expected: None,
        prompt: "",
    };
    graders
        .grade(&AssertionSpec::from_json(&a).unwrap(), &case)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_passes_a_paraphrase_and_fails_an_unrelated_sentence() {
    let g = Graders::new().with_embedder(embedder().await);
    let none = Map::new();
    let a = json!({"type": "similar", "value": "The cat is sleeping on the sofa."});
    let paraphrase = grade(&g, a.clone(), "A cat is asleep on the couch.", &none).await;
    assert!(paraphrase.grade.pass, "{}", paraphrase.grade.reason);
    let unrelated = grade(
        &g,
        a.clone(),
        "Quarterly revenue grew by four percent.",
        &none,
    )
    .await;
    assert!(!unrelated.grade.pass, "{}", unrelated.grade.reason);
    assert!(paraphrase.grade.score > unrelated.grade.score + 0.3);
    assert!(unrelated.grade.reason.contains("below the threshold 0.75"));
    assert_eq!(paraphrase.calls, 1);
    assert!(paraphrase.input_tokens > 0);

    // The closest of several values counts; `not-` inverts.
    let list = json!({"type": "similar", "value": ["Stock prices fell.", "The cat is sleeping on the sofa."]});
    let best = grade(&g, list, "A cat is asleep on the couch.", &none).await;
    assert_eq!(best.grade.score, paraphrase.grade.score);
    assert!(
        best.grade.reason.contains("closest: value 2"),
        "{}",
        best.grade.reason
    );
    let not = json!({"type": "not-similar", "value": "The cat is sleeping on the sofa."});
    let inverted = grade(&g, not, "Quarterly revenue grew by four percent.", &none).await;
    assert!(inverted.grade.pass);
    assert!((inverted.grade.score - (1.0 - unrelated.grade.score)).abs() < 1e-12);

    // `provider` names the embedder by alias.
    let by_alias = Graders::new().with_model(embedder().await);
    let a = json!({"type": "similar", "value": "The cat is sleeping on the sofa.", "provider": "minilm"});
    assert!(
        grade(&by_alias, a, "A cat is asleep on the couch.", &none)
            .await
            .grade
            .pass
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_relevance_compares_generated_questions_with_the_query() {
    let server = Server::start(vec![
        answer(json!({"questions": [
            "What is the capital of France?",
            "Which city is France's capital?",
            "What city is the seat of the French government?",
        ]})),
        answer(json!({"questions": [
            "How do I bake sourdough bread?",
            "What flour is best for bread?",
        ]})),
    ])
    .await;
    let judge = JudgeModel::new("judge", server.provider("judge-http"), "judge-test");
    let g = Graders::new()
        .with_judge(judge)
        .with_embedder(embedder().await);
    let vars: Map<String, Value> =
        serde_json::from_value(json!({"query": "What is the capital city of France?"})).unwrap();
    let a = json!({"type": "answer-relevance"});
    let on = grade(&g, a.clone(), "Paris is the capital of France.", &vars).await;
    assert!(on.grade.pass, "{}", on.grade.reason);
    assert_eq!(on.calls, 2, "one judge call, one embedding call");
    let off = grade(&g, a, "Use strong flour and a long rise.", &vars).await;
    assert!(!off.grade.pass, "{}", off.grade.reason);
    assert!(on.grade.score > off.grade.score);
    let sent = server.received();
    assert_eq!(
        sent[0]["response_format"]["json_schema"]["name"],
        "generated_questions"
    );
    assert!(
        message(&sent[0], "user").contains("<answer>\nParis is the capital of France.\n</answer>")
    );
}
