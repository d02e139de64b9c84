#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Paired comparison: pairing, dropped and missing results, determinism,
//! agreement with whet-stats called directly, and scipy reference values
//! (`tests/data/compare/reference.py`).

use serde_json::{Map, Value, json};
use whet_eval::compare::{CompareOptions, Compared, compare, compare_run, pair_variants};
use whet_eval::record::{CaseResult, Change, GradeRecord, MetricDelta, Role, RunMeta, VariantInfo};
use whet_stats::{BootstrapOptions, PermutationOptions, WilcoxonOptions};

/// A result with the fields a comparison reads.
fn result(
    key: &str,
    repeat: u32,
    pass: bool,
    grades: &[(&str, f64)],
    cost: f64,
    latency: Option<f64>,
) -> CaseResult {
    CaseResult {
        variant: 0,
        case: 0,
        repeat,
        case_key: key.into(),
        description: None,
        split: None,
        tags: Vec::new(),
        scenario: None,
        source: "t.yaml:1".into(),
        vars: Map::new(),
        expected: None,
        output: String::new(),
        tool_calls: Vec::new(),
        error: None,
        pass,
        score: f64::from(u8::from(pass)),
        grades: grades
            .iter()
            .map(|&(metric, score)| GradeRecord {
                assertion: "equals".into(),
                metric: Some(metric.into()),
                pass: score >= 0.5,
                score,
                weight: 1.0,
                reason: String::new(),
                label: None,
                agreement: None,
                error: None,
            })
            .collect(),
        input_tokens: 10,
        output_tokens: 5,
        cost_usd: cost,
        latency_ms: latency,
        cache: "miss".into(),
        finish_reason: None,
        grading_cost_usd: 0.0,
    }
}

fn names() -> (String, String) {
    ("base".into(), "cand".into())
}

fn metric<'a>(c: &'a Compared, name: &str) -> &'a MetricDelta {
    c.comparison
        .metrics
        .iter()
        .find(|m| m.metric == name)
        .unwrap_or_else(|| panic!("no metric {name} in {:?}", c.comparison.metrics))
}

/// 30 cases: the candidate passes more, scores higher, costs more.
fn runs() -> (Vec<CaseResult>, Vec<CaseResult>) {
    let mut b = Vec::new();
    let mut c = Vec::new();
    for i in 0..30_u32 {
        let key = format!("k{i:02}");
        let s = f64::from(i % 5) / 8.0;
        let lat = 400.0 + f64::from(i * 7 % 13) * 10.0;
        b.push(result(
            &key,
            0,
            i % 3 == 0,
            &[("routing", s)],
            0.002,
            Some(lat),
        ));
        let cs = (s + if i % 4 == 0 { 0.0 } else { 0.25 }).min(1.0);
        c.push(result(
            &key,
            0,
            i % 3 != 2,
            &[("routing", cs)],
            0.003,
            Some(lat - 5.0 + f64::from(i % 4)),
        ));
    }
    (b, c)
}

#[test]
fn matches_the_scipy_reference() {
    let text = std::fs::read_to_string("tests/data/compare/reference.json").unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let records = |side: &str| -> Vec<CaseResult> {
        data[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let grades: Vec<GradeRecord> = r["grades"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| GradeRecord {
                        assertion: "equals".into(),
                        metric: g["metric"].as_str().map(Into::into),
                        pass: true,
                        score: g["score"].as_f64().unwrap(),
                        weight: 1.0,
                        reason: String::new(),
                        label: None,
                        agreement: None,
                        error: None,
                    })
                    .collect();
                let mut out = result(
                    r["case_key"].as_str().unwrap(),
                    u32::try_from(r["repeat"].as_u64().unwrap()).unwrap(),
                    r["pass"].as_bool().unwrap(),
                    &[],
                    r["cost_usd"].as_f64().unwrap(),
                    r["latency_ms"].as_f64(),
                );
                out.grades = grades;
                if r["error"].as_bool().unwrap() {
                    out.error = Some("provider error".into());
                }
                out
            })
            .collect()
    };
    let got = compare(
        records("baseline").into_iter(),
        records("candidate").into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    let want = &data["expected"];
    assert_eq!(got.comparison.pairs, want["pairs"].as_u64().unwrap());
    assert_eq!(got.comparison.unpaired, want["unpaired"].as_u64().unwrap());
    assert_eq!(got.errored, want["errored"].as_u64().unwrap());
    let order: Vec<&str> = got
        .comparison
        .metrics
        .iter()
        .map(|m| m.metric.as_str())
        .collect();
    assert_eq!(
        order,
        ["pass_rate", "routing", "tone", "cost_usd", "latency_ms"]
    );
    for m in &got.comparison.metrics {
        let w = &want["metrics"][&m.metric];
        let close = |a: f64, field: &str| {
            let b = w[field].as_f64().unwrap();
            assert!(
                (a - b).abs() < 1e-9,
                "{} {field}: whet {a}, scipy {b}",
                m.metric
            );
        };
        close(m.baseline, "baseline");
        close(m.candidate, "candidate");
        close(m.delta, "delta");
        close(m.p_value, "p_value");
        assert_eq!(m.test, w["test"].as_str().unwrap(), "{}", m.metric);
        assert_eq!(m.n, w["n"].as_u64().unwrap());
        // The bootstrap interval is whet's own: it holds the estimate.
        assert!(m.ci_low <= m.delta && m.delta <= m.ci_high, "{m:?}");
    }
    // Mostly one-way changes with small p are significant; the rest are not.
    assert_eq!(metric(&got, "routing").change, Change::Improved);
    assert_eq!(metric(&got, "latency_ms").change, Change::Improved);
    assert_eq!(metric(&got, "cost_usd").change, Change::Regressed);
    assert_eq!(metric(&got, "pass_rate").change, Change::NoChange);
}

#[test]
fn pairing_ignores_result_order() {
    let (b, c) = runs();
    let opts = CompareOptions::default();
    let straight = compare(b.clone().into_iter(), c.clone().into_iter(), names(), &opts).unwrap();
    let mut shuffled = c.clone();
    shuffled.reverse();
    shuffled.rotate_left(7);
    let mut b2 = b.clone();
    b2.swap(0, 17);
    b2.swap(3, 29);
    let other = compare(b2.into_iter(), shuffled.into_iter(), names(), &opts).unwrap();
    assert_eq!(straight, other);
    assert_eq!(straight.comparison.pairs, 30);
    assert_eq!(straight.comparison.unpaired, 0);
}

#[test]
fn same_seed_same_numbers_and_the_seed_is_used() {
    let (b, mut c) = runs();
    // Latencies that differ by many distinct amounts, so that the bootstrap
    // quantiles do not all land on the same few values whatever the seed.
    for (i, r) in (0_u32..).zip(&mut c) {
        r.latency_ms = Some(400.0 + f64::from(i * i % 17) * 0.731);
    }
    let at = |seed| {
        let opts = CompareOptions {
            seed,
            ..CompareOptions::default()
        };
        compare(b.clone().into_iter(), c.clone().into_iter(), names(), &opts).unwrap()
    };
    assert_eq!(at(1), at(1));
    let (one, two) = (at(1), at(2));
    let bounds = |x: &Compared| {
        x.comparison
            .metrics
            .iter()
            .map(|m| (m.ci_low, m.ci_high))
            .collect::<Vec<_>>()
    };
    assert_ne!(
        bounds(&one)[3],
        bounds(&two)[3],
        "the bootstrap must follow the seed"
    );
}

#[test]
fn equals_whet_stats_called_directly() {
    let (b, c) = runs();
    let opts = CompareOptions {
        seed: 42,
        resamples: 2_000,
        ..CompareOptions::default()
    };
    let got = compare(b.clone().into_iter(), c.clone().into_iter(), names(), &opts).unwrap();
    // Keys k00..k29 sort in input order, so the pairs are in input order.
    let boot = BootstrapOptions {
        resamples: 2_000,
        level: 0.95,
        seed: 42,
    };
    let bp: Vec<bool> = b.iter().map(|r| r.pass).collect();
    let cp: Vec<bool> = c.iter().map(|r| r.pass).collect();
    let pf = whet_stats::compare_pass_fail(&bp, &cp, &boot).unwrap();
    let m = metric(&got, "pass_rate");
    assert_eq!(
        (m.delta, m.ci_low, m.ci_high, m.p_value),
        (
            pf.difference.estimate,
            pf.difference.lower,
            pf.difference.upper,
            pf.mcnemar.exact_p_value
        )
    );
    assert_eq!(
        (m.baseline, m.candidate),
        (pf.mcnemar.baseline_rate(), pf.mcnemar.candidate_rate())
    );

    let score = |rs: &[CaseResult]| -> Vec<f64> { rs.iter().map(|r| r.grades[0].score).collect() };
    let (bs, cs) = (score(&b), score(&c));
    let ci = whet_stats::paired_bootstrap(&bs, &cs, &boot).unwrap();
    let w = whet_stats::wilcoxon(&bs, &cs, &WilcoxonOptions::default()).unwrap();
    let m = metric(&got, "routing");
    assert_eq!(m.test, "wilcoxon", "22 of 30 pairs differ");
    assert_eq!(
        (m.delta, m.ci_low, m.ci_high, m.p_value),
        (ci.estimate, ci.lower, ci.upper, w.p_value)
    );

    // Latency differs on every pair but by few distinct amounts: Wilcoxon;
    // cost differs on every pair by the same amount.
    let lat =
        |rs: &[CaseResult]| -> Vec<f64> { rs.iter().map(|r| r.latency_ms.unwrap()).collect() };
    let (bl, cl) = (lat(&b), lat(&c));
    let ci = whet_stats::paired_bootstrap(&bl, &cl, &boot).unwrap();
    let w = whet_stats::wilcoxon(&bl, &cl, &WilcoxonOptions::default()).unwrap();
    let m = metric(&got, "latency_ms");
    assert_eq!(
        (m.delta, m.ci_low, m.ci_high, m.p_value),
        (ci.estimate, ci.lower, ci.upper, w.p_value)
    );
}

#[test]
fn few_differing_pairs_use_the_exact_sign_flip_test() {
    let mut b = Vec::new();
    let mut c = Vec::new();
    for i in 0..12_u32 {
        let key = format!("k{i:02}");
        let s = f64::from(i % 3) / 2.0;
        b.push(result(&key, 0, true, &[("tone", s)], 0.001, Some(100.0)));
        let t = if i < 8 { (s + 0.5).min(1.0) } else { s };
        c.push(result(&key, 0, true, &[("tone", t)], 0.001, Some(100.0)));
    }
    let got = compare(
        b.clone().into_iter(),
        c.clone().into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    let score = |rs: &[CaseResult]| -> Vec<f64> { rs.iter().map(|r| r.grades[0].score).collect() };
    let perm = PermutationOptions {
        exact_max_pairs: 20,
        ..PermutationOptions::default()
    };
    let t = whet_stats::sign_flip_test(&score(&b), &score(&c), &perm).unwrap();
    assert!(t.exact);
    let m = metric(&got, "tone");
    assert_eq!((m.test.as_str(), m.p_value), ("sign-flip", t.p_value));
    // Cost and latency never differ: nothing to see, p = 1.
    let cost = metric(&got, "cost_usd");
    assert_eq!(
        (cost.p_value, cost.delta, cost.change),
        (1.0, 0.0, Change::NoChange)
    );
}

#[test]
fn errors_drop_pairs_and_missing_results_are_unpaired() {
    let (mut b, mut c) = runs();
    b[2].error = Some("render error".into());
    b[2].pass = false;
    c[5].error = Some("timeout".into());
    c.remove(9);
    b.remove(11);
    c.push(result("new-case", 0, true, &[], 0.0, Some(1.0)));
    let got = compare(
        b.clone().into_iter(),
        c.clone().into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!(got.errored, 2);
    assert_eq!(
        got.comparison.unpaired, 3,
        "k09 baseline only, k11 candidate only, new-case"
    );
    assert_eq!(got.comparison.pairs, 30 - 2 - 2);
    // The statistics see exactly the remaining pairs, in key order.
    let keep = |k: &str| k.starts_with('k') && !["k02", "k05", "k09", "k11"].contains(&k);
    let bp: Vec<bool> = b
        .iter()
        .filter(|r| keep(&r.case_key))
        .map(|r| r.pass)
        .collect();
    let cp: Vec<bool> = c
        .iter()
        .filter(|r| keep(&r.case_key))
        .map(|r| r.pass)
        .collect();
    let pf = whet_stats::compare_pass_fail(&bp, &cp, &BootstrapOptions::default()).unwrap();
    let m = metric(&got, "pass_rate");
    assert_eq!(
        (m.n, m.p_value, m.ci_low),
        (26, pf.mcnemar.exact_p_value, pf.difference.lower)
    );
}

#[test]
fn repeats_and_identical_cases_pair_one_to_one() {
    let b = vec![
        result("same", 0, true, &[], 0.0, Some(1.0)),
        result("same", 0, true, &[], 0.0, Some(1.0)),
        result("same", 1, true, &[], 0.0, Some(1.0)),
    ];
    let c = vec![
        result("same", 1, true, &[], 0.0, Some(1.0)),
        result("same", 0, false, &[], 0.0, Some(1.0)),
    ];
    let got = compare(
        b.into_iter(),
        c.into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!((got.comparison.pairs, got.comparison.unpaired), (2, 1));
    let m = metric(&got, "pass_rate");
    assert_eq!((m.baseline, m.candidate), (1.0, 0.5));
}

#[test]
fn latency_is_skipped_when_a_side_lacks_it() {
    let (b, mut c) = runs();
    c[4].latency_ms = None;
    c[6].cache = "hit".into();
    let got = compare(
        b.into_iter(),
        c.into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert!(
        got.comparison
            .metrics
            .iter()
            .all(|m| m.metric != "latency_ms")
    );
    assert!(
        got.notes
            .iter()
            .any(|n| n == "latency_ms: not compared, 1 of 30 pairs lack a latency on a side"),
        "{:?}",
        got.notes
    );
    assert!(
        got.notes
            .iter()
            .any(|n| n.starts_with("cost_usd: 1 of 30 pairs were served from the cache")),
        "{:?}",
        got.notes
    );
}

#[test]
fn small_comparisons_say_what_they_can_detect() {
    // 40 pairs, 8 discordant split evenly: no change, and little power.
    let mut b = Vec::new();
    let mut c = Vec::new();
    for i in 0..40_u32 {
        let key = format!("k{i:02}");
        let (bp, cp) = match i {
            0..4 => (true, false),
            4..8 => (false, true),
            _ => (i % 2 == 0, i % 2 == 0),
        };
        b.push(result(&key, 0, bp, &[], 0.0, Some(1.0)));
        c.push(result(&key, 0, cp, &[], 0.0, Some(1.0)));
    }
    let got = compare(
        b.into_iter(),
        c.into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!(metric(&got, "pass_rate").change, Change::NoChange);
    let mdd = whet_stats::mcnemar_min_detectable_difference(40, 0.2, 0.05, 0.8)
        .unwrap()
        .unwrap();
    let points = (mdd * 100.0).ceil();
    let want = format!(
        "pass_rate: n=40 pairs can only detect differences >= {points} points (80% power, 20% of pairs discordant)"
    );
    assert_eq!(got.notes, [want]);

    // Thousands of pairs detect five points: no note.
    let many = |flip: bool| {
        (0..4000_u32).map(move |i| {
            result(
                &format!("k{i}"),
                0,
                (i % 10 < 5) != (flip && (i % 20 == 0 || i % 20 == 5)),
                &[],
                0.0,
                Some(1.0),
            )
        })
    };
    let big = compare(many(false), many(true), names(), &CompareOptions::default()).unwrap();
    assert!(big.notes.is_empty(), "{:?}", big.notes);
}

#[test]
fn nothing_paired_compares_nothing() {
    let b = vec![result("a", 0, true, &[], 0.0, None)];
    let c = vec![result("b", 0, true, &[], 0.0, None)];
    let got = compare(
        b.into_iter(),
        c.into_iter(),
        names(),
        &CompareOptions::default(),
    )
    .unwrap();
    assert_eq!((got.comparison.pairs, got.comparison.unpaired), (0, 2));
    assert!(got.comparison.metrics.is_empty());
    assert_eq!(
        got.notes,
        ["no cases paired: 2 unpaired, 0 errored; nothing was compared"]
    );
}

fn variant(name: &str, role: Role, alias: &str) -> VariantInfo {
    VariantInfo {
        name: name.into(),
        role,
        prompt: "route".into(),
        reference: "route".into(),
        version: None,
        label: None,
        content_hash: "h".into(),
        model_alias: alias.into(),
        provider: "mock".into(),
        model: alias.into(),
        params: json!({}),
    }
}

/// A run's identity, read as the store would (so fields added later with
/// defaults need no change here).
fn meta(variants: Vec<VariantInfo>) -> RunMeta {
    serde_json::from_value(json!({
        "record_version": 1,
        "id": "run",
        "created_at": "2026-01-01T00:00:00Z",
        "suite": {"path": "evals/s.yaml", "sha256": "", "description": null, "format": "whet"},
        "datasets": [],
        "variants": variants,
        "options": {"repeat": 1, "filter": [], "sample": null, "seed": 0, "cache": "read-write"},
        "cases": 30,
        "whet_version": "0",
        "git_commit": null
    }))
    .unwrap()
}

#[test]
fn variants_of_one_run_pair_by_model_alias() {
    let m = meta(vec![
        variant("route · a", Role::Candidate, "a"),
        variant("route · b", Role::Candidate, "b"),
        variant("route:production · b", Role::Baseline, "b"),
        variant("route:production · a", Role::Baseline, "a"),
        variant("route · c", Role::Candidate, "c"),
    ]);
    assert_eq!(pair_variants(&m), [(3, 0), (2, 1)]);
    assert!(pair_variants(&meta(vec![variant("x", Role::Candidate, "a")])).is_empty());

    // One interleaved stream, as a run writes it: case by case, variant by variant.
    let (b, c) = runs();
    let mut stream = Vec::new();
    for (x, y) in b.iter().zip(&c) {
        for (v, r) in [(0, y), (1, x), (2, x), (3, x), (4, y)] {
            let mut r = r.clone();
            r.variant = v;
            stream.push(r);
        }
    }
    let opts = CompareOptions::default();
    let got = compare_run(&m, stream.into_iter(), &opts).unwrap();
    let direct = compare(b.into_iter(), c.into_iter(), names(), &opts).unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].comparison.baseline, "route:production · a");
    assert_eq!(got[0].comparison.candidate, "route · a");
    assert_eq!(got[0].comparison.metrics, direct.comparison.metrics);
    assert_eq!(got[1].comparison.candidate, "route · b");
}
