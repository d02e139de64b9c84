#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Evaluation coverage: declared intents, the fallback to `choice` labels,
//! missing cells, and suites with nothing to cover.

use serde_json::json;
use whet_eval::coverage::{Cell, CoverageError, IntentSource, coverage};
use whet_eval::suite::{Suite, parse_suite_file};

/// Writes `files` into a temporary folder and parses `suite.yaml` there.
fn suite(files: &[(&str, &str)]) -> (tempfile::TempDir, Suite) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (suite, diags) = parse_suite_file(&dir.path().join("suite.yaml"));
    assert!(diags.is_empty(), "{diags:?}");
    (dir, suite.unwrap())
}

fn cell(intent: &str, split: &str) -> Cell {
    Cell {
        intent: intent.into(),
        split: split.into(),
    }
}

const DECLARED: &str = r#"
prompts: [route, route:production]
coverage:
  intents: [refund, card_lost, fx]
tests:
  - {vars: {m: a}, expected: refund, split: golden}
  - {vars: {m: b}, expected: refund, split: edge}
  - {vars: {m: c}, tags: [refund, injection], split: adversarial}
  - {vars: {m: d}, expected: card_lost, split: golden}
  - {vars: {m: e}, expected: fx, split: regression}
  - {vars: {m: f}, expected: Refund, split: edge}
  - {vars: {m: g}, expected: fx}
datasets:
  - {path: rows.jsonl, split: golden}
scenarios: [{name: formal}, {name: casual}]
"#;

const ROWS: &str = r#"{"m": "h", "__expected": "card_lost"}
{"vars": {"m": "i"}, "expected": "fx", "split": "edge"}
"#;

#[test]
fn declared_intents_per_split() {
    let (_dir, s) = suite(&[("suite.yaml", DECLARED), ("rows.jsonl", ROWS)]);
    let r = coverage(&s).unwrap();
    assert_eq!(r.source, IntentSource::Declared);
    assert_eq!(r.prompts, ["route", "route"]);
    assert_eq!(r.splits, ["golden", "edge", "adversarial"]);
    assert_eq!(r.cases, 9, "each row once, not once per scenario");
    let table: Vec<(&str, Vec<u64>)> = r
        .intents
        .iter()
        .map(|i| {
            (
                i.intent.as_str(),
                i.splits.iter().map(|s| s.cases).collect(),
            )
        })
        .collect();
    // `Refund` is not `refund`; the `regression` split and a case without a
    // split are not counted; the dataset's rows default to `golden`.
    assert_eq!(
        table,
        [
            ("refund", vec![1, 1, 1]),
            ("card_lost", vec![2, 0, 0]),
            ("fx", vec![0, 1, 0]),
        ]
    );
    assert_eq!((r.covered_cells, r.total_cells), (5, 9));
    assert!((r.ratio - 5.0 / 9.0).abs() < 1e-15);
    assert_eq!(
        r.missing,
        [
            cell("card_lost", "edge"),
            cell("card_lost", "adversarial"),
            cell("fx", "golden"),
            cell("fx", "adversarial"),
        ]
    );
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["source"], json!("declared"));
    assert_eq!(
        v["missing"][0],
        json!({"intent": "card_lost", "split": "edge"})
    );
    assert_eq!(
        v["intents"][1]["splits"][0],
        json!({"split": "golden", "cases": 2})
    );
}

#[test]
fn choice_labels_are_the_fallback() {
    let text = r#"
prompts: [route]
coverage: {splits: [golden, edge]}
defaultTest:
  assert: [{type: choice, value: [refund, card_lost]}]
tests:
  - {vars: {m: a}, expected: refund, split: golden}
  - {vars: {m: b}, expected: fx, split: golden, assert: [{type: choice, value: "fx, refund, \"lost, stolen\""}]}
  - {vars: {m: c}, tags: ["lost, stolen"], split: edge}
datasets: [rows.jsonl]
"#;
    let rows = r#"{"m": "d", "__expected": "atm", "__split": "edge", "__assert": {"type": "choice", "value": {"labels": ["atm", "refund"]}}}
"#;
    let (_dir, s) = suite(&[("suite.yaml", text), ("rows.jsonl", rows)]);
    let r = coverage(&s).unwrap();
    assert_eq!(r.source, IntentSource::ChoiceLabels);
    let intents: Vec<&str> = r.intents.iter().map(|i| i.intent.as_str()).collect();
    assert_eq!(
        intents,
        ["refund", "card_lost", "fx", "lost, stolen", "atm"]
    );
    assert_eq!((r.covered_cells, r.total_cells), (4, 10));
    assert_eq!(
        r.missing,
        [
            cell("refund", "edge"),
            cell("card_lost", "golden"),
            cell("card_lost", "edge"),
            cell("fx", "edge"),
            cell("lost, stolen", "golden"),
            cell("atm", "golden"),
        ]
    );
}

#[test]
fn nothing_to_cover_is_an_error() {
    let (_dir, s) = suite(&[(
        "suite.yaml",
        "prompts: [route]\ntests: [{vars: {m: a}, expected: refund, split: golden}]\n",
    )]);
    let err = coverage(&s).unwrap_err();
    assert!(matches!(err, CoverageError::NoIntents));
    assert!(
        err.to_string().contains("add `coverage: {intents: [...]}`"),
        "{err}"
    );
}

#[test]
fn a_dataset_changed_since_parsing_is_an_error() {
    let (dir, s) = suite(&[
        (
            "suite.yaml",
            "prompts: [p]\ncoverage: {intents: [a]}\ntests: d.jsonl\n",
        ),
        ("d.jsonl", "{\"m\": 1}\n"),
    ]);
    std::fs::write(dir.path().join("d.jsonl"), "{\"m\": 2}\n").unwrap();
    let err = coverage(&s).unwrap_err();
    assert!(matches!(err, CoverageError::Case { .. }), "{err}");
    assert!(err.to_string().contains("d.jsonl"), "{err}");
}
