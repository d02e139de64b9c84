//! promptfoo conformance: every case of `tests/data/promptfoo_assertions.jsonl`
//! (promptfoo's own expected verdicts, see `tests/data/ATTRIBUTION.md`) is
//! graded by whet-assert and must agree on `pass` and on the score.
//!
//! Agreement means, per case:
//! - where promptfoo throws (`expected_error`), whet reports an error too
//!   (stricter than the checker's default, which only needs "not passed");
//! - otherwise `pass` equals `expected_pass`;
//! - `expected_score`, when set, matches within the case's `score_tolerance`
//!   (default 1e-9);
//! - the score lies strictly inside `score_range`, when set;
//! - where the published promptfoo 0.121.20 agrees with the case and
//!   returned a numeric score, whet's score matches it within 1e-6.
//!
//! The only cases allowed to disagree are listed in [`ALLOWED`], each with
//! its reason; an entry that starts agreeing fails the test, so the list
//! cannot go stale.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;
use support::promptfoo::{self, Verdict};

/// Cases whet does not match, and why.
const ALLOWED: &[(&str, &str)] = &[
    (
        "contains.test.ts@735fc46#2",
        "superseded by contains.test.ts#35: older promptfoo kept empty CSV entries, so `,WORLD,,` matched an empty output; newer promptfoo (and whet) drop them",
    ),
    (
        "contains.test.ts@735fc46#3",
        "superseded by contains.test.ts#42: older promptfoo kept the blank entries of `  ,  ,  `; newer promptfoo (and whet) drop them, leaving an empty list that never passes",
    ),
    (
        "contains.test.ts@735fc46#4",
        "superseded by contains.test.ts#27: older promptfoo accepted an unterminated quote; newer promptfoo (and whet) reject the value",
    ),
];

fn problems(case: &Value, v: &Verdict) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(expected) = case.get("expected_error").and_then(Value::as_str) {
        if v.error.is_none() {
            out.push(format!(
                "promptfoo throws ({expected:?}); whet gave pass={} score={:?} reason={:?}",
                v.pass, v.score, v.reason
            ));
        }
        return out;
    }
    if let Some(e) = &v.error {
        out.push(format!("whet errored: {e}"));
        return out;
    }
    let expected_pass = case["expected_pass"].as_bool().unwrap();
    if v.pass != expected_pass {
        out.push(format!(
            "pass: expected {expected_pass}, got {} (reason {:?})",
            v.pass, v.reason
        ));
    }
    let score = v.score.unwrap_or(f64::NAN);
    if let Some(exp) = case.get("expected_score").and_then(Value::as_f64) {
        let tol = case
            .get("score_tolerance")
            .and_then(Value::as_f64)
            .unwrap_or(1e-9);
        if (score - exp).abs() > tol || score.is_nan() {
            out.push(format!("score: expected {exp} (±{tol}), got {score}"));
        }
    }
    if let Some(Value::Array(range)) = case.get("score_range") {
        let (lo, hi) = (range[0].as_f64(), range[1].as_f64());
        if lo.is_some_and(|lo| score <= lo) || hi.is_some_and(|hi| score >= hi) || score.is_nan() {
            out.push(format!("score: expected in ({lo:?}, {hi:?}), got {score}"));
        }
    }
    let pf = &case["checked_with_promptfoo_0_121_20"];
    if pf["agrees"].as_bool() == Some(true)
        && let Some(pf_score) = pf.get("score").and_then(Value::as_f64)
        && ((score - pf_score).abs() > 1e-6 || score.is_nan())
    {
        out.push(format!(
            "score: promptfoo 0.121.20 gave {pf_score}, whet {score}"
        ));
    }
    out
}

#[derive(Default)]
struct Row {
    cases: usize,
    agree: usize,
    scored: usize,
    score_agree: usize,
    reasons: usize,
    reason_agree: usize,
}

#[test]
fn whet_agrees_with_promptfoo_on_every_case() {
    let cases = promptfoo::cases().unwrap();
    assert_eq!(cases.len(), 307, "the data set has 307 cases");

    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    let mut failures = String::new();
    let mut allowed_seen = Vec::new();
    let mut reason_mismatches = Vec::new();

    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let ty = case["assertion"]["type"].as_str().unwrap();
        let base = ty.trim_start_matches("not-").to_owned();
        let verdict = promptfoo::run(case);
        let probs = problems(case, &verdict);
        let row = table.entry(base).or_default();
        row.cases += 1;

        let score_checked = case.get("expected_error").is_none()
            && (case.get("expected_score").is_some_and(|s| !s.is_null())
                || case.get("score_range").is_some_and(|s| !s.is_null()));
        if score_checked {
            row.scored += 1;
            if !probs.iter().any(|p| p.starts_with("score")) {
                row.score_agree += 1;
            }
        }
        if let Some(expected) = case.get("expected_reason").and_then(Value::as_str) {
            row.reasons += 1;
            if verdict.reason.as_deref() == Some(expected) {
                row.reason_agree += 1;
            } else {
                reason_mismatches.push(format!(
                    "{id}: expected {expected:?}, got {:?}",
                    verdict.reason
                ));
            }
        }

        let allowed = ALLOWED.iter().find(|(a, _)| *a == id);
        match (probs.is_empty(), allowed) {
            (true, None) => row.agree += 1,
            (true, Some((_, why))) => {
                let _ = writeln!(
                    failures,
                    "- {id}: allow-listed ({why}) but now agrees: remove it from ALLOWED"
                );
            }
            (false, Some(_)) => allowed_seen.push(id),
            (false, None) => {
                let a = &case["assertion"];
                let _ = writeln!(
                    failures,
                    "- {id} [{ty}] {}\n    value={} threshold={} output={}\n    {}",
                    case["note"].as_str().unwrap_or(""),
                    a["value"],
                    a["threshold"],
                    case["output"],
                    probs.join("\n    ")
                );
            }
        }
    }

    let mut report = format!(
        "{:<32} {:>5} {:>7} {:>9} {:>9}\n",
        "type", "cases", "agree", "score ok", "reason ok"
    );
    let mut total = Row::default();
    for (ty, r) in &table {
        let _ = writeln!(
            report,
            "{ty:<32} {:>5} {:>7} {:>9} {:>9}",
            r.cases,
            r.agree,
            format!("{}/{}", r.score_agree, r.scored),
            format!("{}/{}", r.reason_agree, r.reasons)
        );
        total.cases += r.cases;
        total.agree += r.agree;
        total.scored += r.scored;
        total.score_agree += r.score_agree;
        total.reasons += r.reasons;
        total.reason_agree += r.reason_agree;
    }
    let _ = writeln!(
        report,
        "{:<32} {:>5} {:>7} {:>9} {:>9}\n(allow-listed: {})",
        "TOTAL",
        total.cases,
        total.agree,
        format!("{}/{}", total.score_agree, total.scored),
        format!("{}/{}", total.reason_agree, total.reasons),
        allowed_seen.len()
    );
    println!("{report}");
    if !reason_mismatches.is_empty() {
        println!(
            "reasons that differ (informational):\n{}",
            reason_mismatches.join("\n")
        );
    }
    assert!(
        failures.is_empty(),
        "whet disagrees with promptfoo:\n{report}\n{failures}"
    );
    assert_eq!(
        total.agree + allowed_seen.len(),
        307,
        "every case either agrees or is allow-listed"
    );
}

/// The verdicts, written where `check_promptfoo_assertions.py` can read them:
/// `python3 check_promptfoo_assertions.py $CARGO_TARGET_TMPDIR/whet_promptfoo_verdicts.jsonl --strict-errors`
/// (the example `promptfoo_verdicts` prints the same lines to stdout).
#[test]
fn writes_verdicts_for_the_python_checker() {
    let cases = promptfoo::cases().unwrap();
    let mut lines = String::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let v = promptfoo::run(case);
        lines.push_str(&serde_json::to_string(&v.to_json(id)).unwrap());
        lines.push('\n');
    }
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("whet_promptfoo_verdicts.jsonl");
    std::fs::write(&path, lines).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 307);
}
