#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The model-graded types against a real loopback HTTP server that
//! impersonates an OpenAI-compatible judge: the prompts whet sends, how it
//! reads verdicts, negation, thresholds, judge samples, garbage answers and
//! the response cache (a real SQLite store).

mod common;

use common::{COMPLETION_TOKENS, PROMPT_TOKENS, Reply, Server, answer, message, pricing};
use serde_json::{Map, Value, json};
use whet_assert::AssertionSpec;
use whet_judge::{CaseInput, Graders, JudgeError, JudgeModel, JudgedGrade};
use whet_store::{CacheMode, ResponseCache, Store};

fn spec(v: Value) -> AssertionSpec {
    AssertionSpec::from_json(&v).unwrap()
}

fn graders(server: &Server) -> Graders {
    let judge = JudgeModel::new("judge", server.provider("judge-http"), "judge-test")
        .with_pricing(pricing());
    Graders::new().with_judge(judge)
}

fn vars(v: Value) -> Map<String, Value> {
    serde_json::from_value(v).unwrap()
}

async fn grade(
    graders: &Graders,
    a: Value,
    output: &str,
    vars: &Map<String, Value>,
) -> Result<JudgedGrade, JudgeError> {
    let case = CaseInput {
        output,
        vars,
        expected: None,
        prompt: "What is the capital of France?",
    };
    graders.grade(&spec(a), &case).await
}

fn verdict(pass: bool, score: f64, reason: &str) -> Reply {
    answer(json!({"reason": reason, "score": score, "pass": pass}))
}

#[tokio::test]
async fn llm_rubric_sends_rubric_and_output_and_reads_the_verdict() {
    let server = Server::start(vec![verdict(true, 0.9, "Names Paris.")]).await;
    let g = grade(
        &graders(&server),
        json!({"type": "llm-rubric", "value": "Names the capital correctly", "metric": "accuracy"}),
        "Paris is the capital of France.",
        &Map::new(),
    )
    .await
    .unwrap();
    assert!(g.grade.pass);
    assert_eq!(g.grade.score, 0.9);
    assert_eq!(g.grade.reason, "Names Paris.");
    assert_eq!(g.grade.metric.as_deref(), Some("accuracy"));
    assert_eq!(g.agreement, None);
    assert_eq!((g.calls, g.cache_hits, g.samples), (1, 0, 1));
    assert_eq!(
        (g.input_tokens, g.output_tokens),
        (PROMPT_TOKENS, COMPLETION_TOKENS)
    );
    // $1/M input and $2/M output: 100 * 1e-6 + 20 * 2e-6.
    assert!((g.cost_usd - 1.4e-4).abs() < 1e-15, "{}", g.cost_usd);

    let sent = server.received();
    assert_eq!(sent.len(), 1);
    let body = &sent[0];
    assert_eq!(body["model"], "judge-test");
    assert_eq!(body["temperature"], 0.0);
    assert!(body.get("seed").is_none());
    assert_eq!(body["response_format"]["type"], "json_schema");
    let schema = &body["response_format"]["json_schema"]["schema"];
    assert_eq!(schema["required"], json!(["reason", "score", "pass"]));
    let user = message(body, "user");
    assert!(
        user.contains("<rubric>\nNames the capital correctly\n</rubric>"),
        "{user}"
    );
    assert!(
        user.contains("<output>\nParis is the capital of France.\n</output>"),
        "{user}"
    );
    assert!(message(body, "system").contains("\"pass\""));
}

#[tokio::test]
async fn negation_and_threshold_apply_to_the_judges_verdict() {
    let server = Server::start(vec![
        verdict(true, 0.8, "ok"),
        verdict(true, 0.6, "barely"),
        verdict(false, 0.6, "no"),
        // Written as strings, with the verdict wrapped in prose.
        Reply::Answer(r#"Here: {"reason": "fine", "score": "0.75", "pass": "true"} done"#.into()),
    ])
    .await;
    let g = graders(&server);
    let none = Map::new();
    let not = grade(
        &g,
        json!({"type": "not-llm-rubric", "value": "x"}),
        "o",
        &none,
    )
    .await
    .unwrap();
    assert!(!not.grade.pass);
    assert!((not.grade.score - 0.2).abs() < 1e-12);

    let high = json!({"type": "llm-rubric", "value": "x", "threshold": 0.7});
    let below = grade(&g, high.clone(), "o", &none).await.unwrap();
    assert!(
        !below.grade.pass,
        "judge passed it at 0.6, under the 0.7 threshold"
    );
    let low = json!({"type": "llm-rubric", "value": "x", "threshold": 0.5});
    let judged_fail = grade(&g, low, "o", &none).await.unwrap();
    assert!(
        !judged_fail.grade.pass,
        "a threshold never overrides the judge's fail"
    );
    let lenient = grade(&g, high, "o", &none).await.unwrap();
    assert!(lenient.grade.pass);
    assert_eq!(lenient.grade.score, 0.75);
}

#[tokio::test]
async fn judge_samples_take_the_majority_and_report_agreement() {
    let server = Server::start(vec![
        verdict(true, 1.0, "yes"),
        verdict(false, 0.1, "no"),
        verdict(true, 0.7, "yes"),
    ])
    .await;
    let g = graders(&server);
    let three = json!({"type": "llm-rubric", "value": "x", "judge_samples": 3});
    let got = grade(&g, three, "o", &Map::new()).await.unwrap();
    assert!(got.grade.pass);
    assert!((got.grade.score - 0.6).abs() < 1e-12, "{}", got.grade.score);
    assert_eq!(got.agreement, Some(2.0 / 3.0));
    assert_eq!((got.samples, got.calls), (3, 3));
    assert!(
        got.grade.reason.contains("2 of 3 judge samples passed"),
        "{}",
        got.grade.reason
    );
    let sent = server.received();
    assert_eq!(sent.len(), 3);
    let mut seeds: Vec<u64> = sent.iter().map(|b| b["seed"].as_u64().unwrap()).collect();
    seeds.sort_unstable();
    assert_eq!(seeds, [0, 1, 2]);
    assert!(sent.iter().all(|b| b["temperature"] == 0.7));

    // A tie fails, and half the samples agree with that.
    server.push(vec![verdict(true, 1.0, "yes"), verdict(false, 0.0, "no")]);
    let two = json!({"type": "llm-rubric", "value": "x", "judge_samples": 2});
    let tie = grade(&g, two, "o", &Map::new()).await.unwrap();
    assert!(!tie.grade.pass);
    assert_eq!(tie.agreement, Some(0.5));

    // The judge's own sampling temperature wins over the default.
    server.push(vec![verdict(true, 1.0, "a"), verdict(true, 1.0, "b")]);
    let warm =
        JudgeModel::new("warm", server.provider("judge-http"), "judge-test").with_temperature(1.2);
    let g = Graders::new().with_judge(warm);
    let two = json!({"type": "llm-rubric", "value": "x", "judge_samples": 2});
    let both = grade(&g, two, "o", &Map::new()).await.unwrap();
    assert_eq!(both.agreement, Some(1.0));
    assert!(
        server.received()[5..]
            .iter()
            .all(|b| b["temperature"] == 1.2)
    );
}

#[tokio::test]
async fn garbage_answers_are_errors_that_quote_the_judge() {
    let server = Server::start(vec![
        Reply::Answer("I think it is pretty good!".into()),
        answer(json!({"reason": "hmm", "verdict": "good"})),
        answer(json!({"reason": "x", "category": "F"})),
        Reply::Raw(400, r#"{"error": {"message": "model not found"}}"#.into()),
    ])
    .await;
    let g = graders(&server);
    let none = Map::new();
    let rubric = json!({"type": "llm-rubric", "value": "x"});
    let prose = grade(&g, rubric.clone(), "o", &none).await.unwrap_err();
    assert!(matches!(prose, JudgeError::Unparseable { .. }), "{prose:?}");
    assert!(
        prose.to_string().contains("I think it is pretty good!"),
        "{prose}"
    );
    let no_verdict = grade(&g, rubric.clone(), "o", &none).await.unwrap_err();
    assert!(
        no_verdict.to_string().contains("no boolean `pass`"),
        "{no_verdict}"
    );
    assert!(
        no_verdict.to_string().contains("\"verdict\":\"good\""),
        "{no_verdict}"
    );
    let fact = json!({"type": "factuality", "value": "Paris"});
    let category = grade(&g, fact, "o", &none).await.unwrap_err();
    assert!(category.to_string().contains("no `category`"), "{category}");
    let http = grade(&g, rubric, "o", &none).await.unwrap_err();
    assert!(matches!(http, JudgeError::Provider { .. }), "{http:?}");
    assert!(http.to_string().contains("model not found"), "{http}");
}

#[tokio::test]
async fn the_cache_answers_a_rerun_without_calling_the_judge() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Store::sqlite_url(&dir.path().join("whet.db")))
        .await
        .unwrap();
    let server = Server::start(vec![verdict(true, 0.9, "a"), verdict(false, 0.2, "b")]).await;
    let g = graders(&server).with_cache(ResponseCache::new(store, CacheMode::ReadWrite));
    let two = json!({"type": "llm-rubric", "value": "x", "judge_samples": 2});
    let first = grade(&g, two.clone(), "out", &Map::new()).await.unwrap();
    assert_eq!((first.calls, first.cache_hits), (2, 0));
    assert!(first.cost_usd > 0.0);
    assert_eq!(server.received().len(), 2);

    let again = grade(&g, two, "out", &Map::new()).await.unwrap();
    assert_eq!(server.received().len(), 2, "the rerun made an HTTP call");
    assert_eq!((again.calls, again.cache_hits), (0, 2));
    assert_eq!(
        (again.cost_usd, again.input_tokens, again.output_tokens),
        (0.0, 0, 0)
    );
    assert_eq!(again.grade.pass, first.grade.pass);
    assert_eq!(again.grade.score, first.grade.score);
    assert_eq!(again.agreement, Some(0.5));

    // A different output is a different request: the judge is asked.
    server.push(vec![verdict(true, 1.0, "c")]);
    let other = json!({"type": "llm-rubric", "value": "x"});
    let g2 = grade(&g, other, "another output", &Map::new())
        .await
        .unwrap();
    assert_eq!((g2.calls, server.received().len()), (1, 3));
}

#[tokio::test]
async fn provider_picks_another_judge_by_alias() {
    let default = Server::start(vec![]).await;
    let big = Server::start(vec![verdict(false, 0.0, "from big")]).await;
    let g = graders(&default).with_model(JudgeModel::new(
        "big",
        big.provider("big-http"),
        "big-model",
    ));
    let a = json!({"type": "llm-rubric", "value": "x", "provider": "big"});
    let got = grade(&g, a, "o", &Map::new()).await.unwrap();
    assert_eq!(got.grade.reason, "from big");
    assert_eq!(big.received()[0]["model"], "big-model");
    assert!(default.received().is_empty());

    let unknown = json!({"type": "llm-rubric", "value": "x", "provider": "huge"});
    let err = g.validate(&spec(unknown.clone())).unwrap_err();
    assert_eq!(err.key(), Some("provider"));
    assert!(err.message().contains("available: big, judge"), "{err}");
    assert!(grade(&g, unknown, "o", &Map::new()).await.is_err());
}

#[tokio::test]
async fn g_eval_scores_each_criterion_out_of_ten() {
    let server = Server::start(vec![
        answer(json!({"steps": ["check tone"], "reason": "polite", "score": 8})),
        answer(json!({"steps": ["check length"], "reason": "long", "score": 5})),
    ])
    .await;
    let g = graders(&server);
    let a = json!({"type": "g-eval", "value": ["Is polite", "Is concise"]});
    let got = grade(&g, a, "Dear user, Paris.", &Map::new())
        .await
        .unwrap();
    // (8 / 10 + 5 / 10) / 2 = 0.65, under the default threshold 0.7.
    assert!((got.grade.score - 0.65).abs() < 1e-12);
    assert!(!got.grade.pass);
    let sent = server.received();
    let users: Vec<String> = sent.iter().map(|b| message(b, "user")).collect();
    assert!(users[0].contains("<criterion>\nIs polite\n</criterion>"));
    assert!(users[1].contains("<criterion>\nIs concise\n</criterion>"));
    assert!(
        users
            .iter()
            .all(|u| u.contains("<input>\nWhat is the capital of France?\n</input>"))
    );
    assert!(
        users
            .iter()
            .all(|u| u.contains("<reply>\nDear user, Paris.\n</reply>"))
    );
    let score = &sent[0]["response_format"]["json_schema"]["schema"]["properties"]["score"];
    assert_eq!(score["enum"], json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));

    server.push(vec![answer(
        json!({"steps": [], "reason": "ok", "score": 7}),
    )]);
    let lenient = json!({"type": "g-eval", "value": "Is polite", "threshold": 0.6});
    let got = grade(&g, lenient, "o", &Map::new()).await.unwrap();
    assert!(got.grade.pass);
    assert_eq!(got.grade.reason, "7/10: ok");

    server.push(vec![answer(
        json!({"steps": [], "reason": "?", "score": 11}),
    )]);
    let out_of_range = grade(
        &g,
        json!({"type": "g-eval", "value": "x"}),
        "o",
        &Map::new(),
    )
    .await;
    assert!(matches!(out_of_range, Err(JudgeError::Unparseable { .. })));
}

#[tokio::test]
async fn factuality_passes_every_category_but_disagreement() {
    let server = Server::start(vec![
        answer(json!({"reason": "adds the population", "category": "B"})),
        answer(json!({"reason": "says Lyon", "category": "D"})),
    ])
    .await;
    let g = graders(&server);
    let a = json!({"type": "factuality", "value": "Paris is the capital of France."});
    let superset = grade(&g, a.clone(), "Paris, 2.1 million people.", &Map::new())
        .await
        .unwrap();
    assert!(superset.grade.pass);
    assert_eq!(superset.grade.score, 1.0);
    assert!(
        superset
            .grade
            .reason
            .starts_with("Category B (the output is a superset"),
        "{}",
        superset.grade.reason
    );
    let wrong = grade(&g, a, "Lyon.", &Map::new()).await.unwrap();
    assert!(!wrong.grade.pass);
    assert_eq!(wrong.grade.score, 0.0);
    let user = message(&server.received()[0], "user");
    assert!(user.contains("<reference>\nParis is the capital of France.\n</reference>"));
    assert!(user.contains("<submission>\nParis, 2.1 million people.\n</submission>"));
    assert!(user.contains("<question>\nWhat is the capital of France?\n</question>"));
}

#[tokio::test]
async fn context_faithfulness_scores_the_share_of_supported_claims() {
    let claims = json!({
        "claims": [
            {"claim": "Paris is the capital", "supported": true},
            {"claim": "Paris has 2.1 million people", "supported": false},
            {"claim": "Paris is in France", "supported": true},
        ],
        "reason": "one claim is not in the context",
    });
    let server = Server::start(vec![
        answer(claims.clone()),
        answer(claims),
        answer(json!({"claims": [], "reason": "nothing claimed"})),
    ])
    .await;
    let g = graders(&server);
    let v = vars(json!({"context": ["Paris is the capital of France.", "France is in Europe."]}));
    let a = json!({"type": "context-faithfulness"});
    let got = grade(&g, a.clone(), "Paris, capital, 2.1M people.", &v)
        .await
        .unwrap();
    assert!((got.grade.score - 2.0 / 3.0).abs() < 1e-12);
    assert!(!got.grade.pass, "2/3 is under the default 0.7");
    assert!(
        got.grade
            .reason
            .contains("\"Paris has 2.1 million people\""),
        "{}",
        got.grade.reason
    );
    let user = message(&server.received()[0], "user");
    assert!(
        user.contains(
            "<context>\nParis is the capital of France.\n\nFrance is in Europe.\n</context>"
        ),
        "{user}"
    );

    let lenient = json!({"type": "context-faithfulness", "threshold": 0.6});
    assert!(grade(&g, lenient, "x", &v).await.unwrap().grade.pass);
    let empty = grade(&g, a.clone(), "Hello!", &v).await.unwrap();
    assert_eq!((empty.grade.pass, empty.grade.score), (true, 1.0));

    let missing = grade(&g, a, "x", &Map::new()).await.unwrap_err();
    assert!(matches!(missing, JudgeError::MissingInput { .. }));
    assert!(missing.to_string().contains("vars.context"));
    assert_eq!(
        server.received().len(),
        3,
        "a missing context asks no judge"
    );
}

#[tokio::test]
async fn answer_relevance_without_an_embedder_asks_the_judge() {
    let server = Server::start(vec![
        verdict(true, 0.9, "answers it"),
        verdict(false, 0.3, "off topic"),
    ])
    .await;
    let g = graders(&server);
    let v = vars(json!({"query": "Which city is the capital of France?"}));
    let a = json!({"type": "answer-relevance"});
    let on = grade(&g, a.clone(), "Paris.", &v).await.unwrap();
    assert!(on.grade.pass);
    let off = grade(&g, a, "I like trains.", &Map::new()).await.unwrap();
    assert!(!off.grade.pass);
    let sent = server.received();
    assert!(
        message(&sent[0], "user")
            .contains("<query>\nWhich city is the capital of France?\n</query>")
    );
    // Without `vars.query`, the rendered prompt is the query.
    assert!(
        message(&sent[1], "user").contains("<query>\nWhat is the capital of France?\n</query>")
    );
}

#[tokio::test]
async fn validate_reports_what_is_not_configured() {
    let none = Graders::new();
    let rubric = spec(json!({"type": "llm-rubric", "value": "x"}));
    let err = none.validate(&rubric).unwrap_err();
    assert!(err.message().contains("needs a judge model"), "{err}");
    let similar = spec(json!({"type": "similar", "value": "x"}));
    assert!(
        none.validate(&similar)
            .unwrap_err()
            .message()
            .contains("embedding model")
    );
    let script = spec(json!({"type": "script", "value": "echo 1"}));
    assert!(none.validate(&script).is_ok());
    let rejected = spec(json!({"type": "script", "value": "echo 1", "judge_samples": 2}));
    assert_eq!(
        none.validate(&rejected).unwrap_err().key(),
        Some("judge_samples")
    );
    let v = Map::new();
    let case = CaseInput {
        output: "o",
        vars: &v,
        expected: None,
        prompt: "",
    };
    assert!(matches!(
        none.grade(&rubric, &case).await,
        Err(JudgeError::Spec(_))
    ));
}
