#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `gate:` block: parsing (snapshots of every diagnostic for bad
//! blocks) and evaluation (each check passing and failing, the one-line
//! reason, regressions from a real comparison).

use std::fmt::Write;
use std::path::Path;

use serde_json::Map;
use whet_eval::compare::{CompareOptions, compare};
use whet_eval::gate::{Gate, evaluate};
use whet_eval::parse_suite;
use whet_eval::record::{
    Better, CaseResult, Change, Comparison, MetricDelta, PassCounts, VariantSummary,
};
use whet_eval::suite::parse_suite_file;
use whet_registry::Diagnostic;
use whet_stats::RegressionRule;

fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let sev = if d.is_error() { "error" } else { "warning" };
        let _ = writeln!(out, "{sev}[{}] {}: {}", d.code, d.location(), d.message);
        if let Some(l) = &d.label {
            let _ = writeln!(out, "  label: {l}");
        }
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
    }
    out
}

#[test]
fn bad_gate_and_coverage_blocks() {
    insta::glob!("data/gate/bad/*.yaml", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .to_path_buf();
        let (suite, diags) = parse_suite_file(&rel);
        assert!(suite.is_none(), "{} parsed", rel.display());
        let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
        assert!(!errors.is_empty(), "{}: no errors", rel.display());
        for d in &errors {
            assert!(d.help.is_some(), "{}: no help in {d:?}", rel.display());
            assert!(d.span.is_some(), "{}: no span in {d:?}", rel.display());
        }
        insta::assert_snapshot!(render(&diags));
    });
}

const FULL: &str = "
prompts: [route]
tests:
  - vars: {message: hi}
gate:
  min_pass_rate: 0.8
  min_pass_rate_by_split: {golden: 0.9, adversarial: 1}
  min_pass_rate_by_tag: {injection: 1.0}
  max_regression:
    routing: 0.05
    pass_rate: 0
  regression_rule: non-inferiority
  max_errors: 0
  max_cost_usd: 1.5
  max_latency_p95_ms: 3000
  min_coverage: 0.75
";

#[test]
fn a_full_gate_parses_in_file_order() {
    let (suite, diags) = parse_suite(Path::new("evals/s.yaml"), FULL);
    assert!(diags.is_empty(), "{}", render(&diags));
    let gate = suite.unwrap().gate.unwrap();
    let want = Gate {
        min_pass_rate: Some(0.8),
        min_pass_rate_by_split: vec![("golden".into(), 0.9), ("adversarial".into(), 1.0)],
        min_pass_rate_by_tag: vec![("injection".into(), 1.0)],
        max_regression: vec![("routing".into(), 0.05), ("pass_rate".into(), 0.0)],
        regression_rule: RegressionRule::NonInferiority,
        max_errors: Some(0),
        max_cost_usd: Some(1.5),
        max_latency_p95_ms: Some(3000.0),
        min_coverage: Some(0.75),
    };
    assert_eq!(gate, want);
    assert_eq!(gate.check_count(), 10);
}

#[test]
fn no_gate_and_an_empty_gate() {
    let (suite, diags) = parse_suite(
        Path::new("s.yaml"),
        "prompts: [p]\ntests: [{vars: {a: 1}}]\n",
    );
    assert!(diags.is_empty());
    assert_eq!(suite.unwrap().gate, None);
    let (suite, diags) = parse_suite(
        Path::new("s.yaml"),
        "prompts: [p]\ntests: [{vars: {a: 1}}]\ngate: {}\n",
    );
    assert_eq!(suite.unwrap().gate, Some(Gate::default()));
    insta::assert_snapshot!(render(&diags), @r"
    warning[empty-gate] s.yaml:3:7: the gate has no checks, so it always passes
      label: empty gate
      help: add a limit (min_pass_rate, min_pass_rate_by_split, min_pass_rate_by_tag, max_regression, regression_rule, max_errors, max_cost_usd, max_latency_p95_ms, min_coverage) or remove `gate`
    ");
}

fn counts(name: &str, total: u64, passed: u64, errors: u64) -> PassCounts {
    PassCounts {
        name: name.into(),
        total,
        passed,
        errors,
        pass_rate: None,
        ci_low: None,
        ci_high: None,
    }
}

/// A candidate: 25 results, 1 errored, 20 of 24 passed.
fn candidate() -> VariantSummary {
    VariantSummary {
        variant: 0,
        name: "route · qwen".into(),
        overall: counts("route · qwen", 25, 20, 1),
        by_split: vec![
            counts("adversarial", 25, 20, 1),
            counts("golden", 10, 10, 0),
        ],
        by_tag: vec![counts("injection", 4, 3, 0)],
        cost_usd: 0.42,
        latency_p50_ms: Some(800.0),
        latency_p95_ms: Some(2500.0),
        cache_hits: 3,
        ..VariantSummary::default()
    }
}

fn delta(metric: &str, better: Better, d: f64, lo: f64, hi: f64, p: f64) -> MetricDelta {
    MetricDelta {
        metric: metric.into(),
        better,
        baseline: 0.8,
        candidate: 0.8 + d,
        delta: d,
        ci_low: lo,
        ci_high: hi,
        p_value: p,
        test: "mcnemar-exact".into(),
        n: 120,
        change: Change::NoChange,
    }
}

fn comparison(metrics: Vec<MetricDelta>) -> Comparison {
    Comparison {
        baseline: "route:production · qwen".into(),
        candidate: "route · qwen".into(),
        pairs: 120,
        unpaired: 0,
        metrics,
    }
}

/// The detail of the only check of a one-check gate, and whether it passed.
fn one(gate: &Gate, cmp: Option<&Comparison>, coverage: Option<f64>) -> (bool, String) {
    let v = evaluate(gate, &candidate(), cmp, coverage);
    assert_eq!(v.checks.len(), 1, "{v:?}");
    assert_eq!(v.passed, v.checks[0].passed);
    let prefix = if v.passed {
        "gate passed: 1 check"
    } else {
        "gate failed: "
    };
    assert!(v.reason.starts_with(prefix), "{}", v.reason);
    (v.passed, v.checks[0].detail.clone())
}

#[test]
fn pass_rate_checks() {
    let g = |min| Gate {
        min_pass_rate: Some(min),
        ..Gate::default()
    };
    assert_eq!(
        one(&g(0.8), None, None),
        (true, "pass rate 0.83 >= 0.80 (n=24)".into())
    );
    assert_eq!(
        one(&g(0.9), None, None),
        (false, "pass rate 0.83 < 0.90 (n=24)".into())
    );
    // 20/24 = 0.8333...: two decimals would print "0.83 < 0.83".
    assert_eq!(
        one(&g(0.834), None, None),
        (false, "pass rate 0.833 < 0.834 (n=24)".into())
    );

    let split = |name: &str, min| Gate {
        min_pass_rate_by_split: vec![(name.into(), min)],
        ..Gate::default()
    };
    let v = evaluate(&split("adversarial", 1.0), &candidate(), None, None);
    assert_eq!(
        v.reason,
        "gate failed: pass rate on split adversarial 0.83 < 1.00 (n=24)"
    );
    assert_eq!(v.checks[0].name, "min_pass_rate[adversarial] >= 1.00");
    assert_eq!(
        one(&split("golden", 1.0), None, None),
        (true, "pass rate on split golden 1.00 >= 1.00 (n=10)".into())
    );
    let (passed, detail) = one(&split("edge", 0.5), None, None);
    assert!(!passed, "a gate on a split without cases does not pass");
    assert_eq!(
        detail,
        "pass rate on split edge: no cases, and a gate on nothing does not pass"
    );

    let tag = |name: &str, min| Gate {
        min_pass_rate_by_tag: vec![(name.into(), min)],
        ..Gate::default()
    };
    assert_eq!(
        one(&tag("injection", 0.75), None, None),
        (true, "pass rate on tag injection 0.75 >= 0.75 (n=4)".into())
    );
    assert_eq!(
        one(&tag("injection", 1.0), None, None),
        (false, "pass rate on tag injection 0.75 < 1.00 (n=4)".into())
    );

    // Everything errored: nothing graded, no pass.
    let mut c = candidate();
    c.overall = counts("all", 5, 0, 5);
    let v = evaluate(&g(0.0), &c, None, None);
    assert_eq!(
        v.reason,
        "gate failed: pass rate: no graded cases (5 errored)"
    );
}

#[test]
fn error_cost_latency_and_coverage_checks() {
    let errors = |max| Gate {
        max_errors: Some(max),
        ..Gate::default()
    };
    assert_eq!(
        one(&errors(1), None, None),
        (true, "errors 1 <= 1 (of 25 results)".into())
    );
    assert_eq!(
        one(&errors(0), None, None),
        (false, "errors 1 > 0 (of 25 results)".into())
    );

    let cost = |max| Gate {
        max_cost_usd: Some(max),
        ..Gate::default()
    };
    assert_eq!(
        one(&cost(0.5), None, None),
        (
            true,
            "cost $0.42 <= $0.50 (3 cache hits cost nothing)".into()
        )
    );
    assert_eq!(
        one(&cost(0.4), None, None),
        (
            false,
            "cost $0.42 > $0.40 (3 cache hits cost nothing)".into()
        )
    );

    let latency = |max| Gate {
        max_latency_p95_ms: Some(max),
        ..Gate::default()
    };
    assert_eq!(
        one(&latency(3000.0), None, None),
        (true, "latency p95 2500 ms <= 3000 ms".into())
    );
    assert_eq!(
        one(&latency(2000.0), None, None),
        (false, "latency p95 2500 ms > 2000 ms".into())
    );
    let mut no_latency = candidate();
    no_latency.latency_p95_ms = None;
    let v = evaluate(&latency(3000.0), &no_latency, None, None);
    assert_eq!(
        v.reason,
        "gate failed: latency p95: no latency was recorded"
    );

    let cov = |min| Gate {
        min_coverage: Some(min),
        ..Gate::default()
    };
    assert_eq!(
        one(&cov(0.8), None, Some(0.9)),
        (true, "coverage 0.90 >= 0.80".into())
    );
    assert_eq!(
        one(&cov(0.8), None, Some(5.0 / 9.0)),
        (false, "coverage 0.56 < 0.80".into())
    );
    assert_eq!(
        one(&cov(0.8), None, None),
        (false, "coverage: not computed for this run".into())
    );
}

#[test]
fn regression_checks() {
    let g = |metric: &str, max, rule| Gate {
        max_regression: vec![(metric.into(), max)],
        regression_rule: rule,
        ..Gate::default()
    };
    let sig = RegressionRule::Significant;
    let (passed, detail) = one(&g("pass_rate", 0.0, sig), None, None);
    assert!(!passed);
    assert_eq!(detail, "pass_rate: no baseline: pass --baseline");

    // Dropped 8 points, CI of the change -0.14 to -0.02, p = 0.004.
    let dropped = comparison(vec![delta(
        "pass_rate",
        Better::Higher,
        -0.08,
        -0.14,
        -0.02,
        0.004,
    )]);
    let (passed, detail) = one(&g("pass_rate", 0.0, sig), Some(&dropped), None);
    assert!(!passed);
    assert_eq!(
        detail,
        "pass_rate regressed by 0.0800 (95% CI 0.0200 to 0.1400, p=0.004), more than the allowed 0 (n=120)"
    );
    // Tolerating a 5-point drop: the interval reaches 0.14, but its lower
    // bound 0.02 does not show a drop beyond 0.05.
    assert!(one(&g("pass_rate", 0.05, sig), Some(&dropped), None).0);
    // ... though non-inferiority wants it shown to be within 0.05.
    let (passed, detail) = one(
        &g("pass_rate", 0.05, RegressionRule::NonInferiority),
        Some(&dropped),
        None,
    );
    assert!(!passed);
    assert_eq!(
        detail,
        "pass_rate may have regressed by more than the allowed 0.05: 95% CI of the regression 0.0200 to 0.1400 (n=120)"
    );

    // The interval excludes 0 but the paired test does not reject: no
    // significant drop, so the significant rule passes.
    let unsure = comparison(vec![delta(
        "routing",
        Better::Higher,
        -0.03,
        -0.05,
        -0.001,
        0.08,
    )]);
    let (passed, detail) = one(&g("routing", 0.0, sig), Some(&unsure), None);
    assert!(passed, "{detail}");
    assert_eq!(
        detail,
        "routing changed by -0.0300 (95% CI -0.0500 to -0.0010, p=0.080): no significant regression beyond the allowed 0 (n=120)"
    );

    // Lower is better: latency rose by 200 ms.
    let slower = comparison(vec![delta(
        "latency_ms",
        Better::Lower,
        200.0,
        120.0,
        280.0,
        1e-6,
    )]);
    assert!(!one(&g("latency_ms", 100.0, sig), Some(&slower), None).0);
    assert!(one(&g("latency_ms", 150.0, sig), Some(&slower), None).0);

    let (passed, detail) = one(&g("tone", 0.1, sig), Some(&dropped), None);
    assert!(!passed);
    assert_eq!(
        detail,
        "tone: not in the comparison with the baseline (it has pass_rate)"
    );
    let mut empty = comparison(Vec::new());
    empty.pairs = 0;
    empty.unpaired = 7;
    let (_, detail) = one(&g("pass_rate", 0.0, sig), Some(&empty), None);
    assert_eq!(
        detail,
        "pass_rate: no cases paired with the baseline (7 unpaired)"
    );
}

fn result(key: &str, pass: bool) -> CaseResult {
    CaseResult {
        variant: 0,
        case: 0,
        repeat: 0,
        case_key: key.into(),
        description: None,
        split: None,
        tags: Vec::new(),
        scenario: None,
        source: "s.yaml:1".into(),
        vars: Map::new(),
        expected: None,
        output: String::new(),
        tool_calls: Vec::new(),
        error: None,
        pass,
        score: 0.0,
        grades: Vec::new(),
        input_tokens: 0,
        output_tokens: 0,
        cost_usd: 0.0,
        latency_ms: Some(10.0),
        cache: "miss".into(),
        finish_reason: None,
        grading_cost_usd: 0.0,
    }
}

#[test]
fn a_real_regression_fails_the_gate() {
    // 200 cases: the baseline passes 180, the candidate loses 20 of them.
    let base = (0..200).map(|i| result(&format!("k{i}"), i % 10 != 0));
    let cand = (0..200).map(|i| result(&format!("k{i}"), i % 10 != 0 && i % 20 > 2));
    let cmp = compare(
        base,
        cand,
        ("base".into(), "cand".into()),
        &CompareOptions::default(),
    )
    .unwrap();
    let pass_rate = &cmp.comparison.metrics[0];
    assert_eq!(pass_rate.change, Change::Regressed);
    let gate = Gate {
        min_pass_rate: Some(0.5),
        max_regression: vec![("pass_rate".into(), 0.0)],
        max_errors: Some(1),
        ..Gate::default()
    };
    let v = evaluate(&gate, &candidate(), Some(&cmp.comparison), None);
    assert!(!v.passed);
    assert_eq!(
        v.reason,
        format!(
            "gate failed: pass_rate regressed by 0.1000 (95% CI {:.4} to {:.4}, p<0.001), more than the allowed 0 (n=200)",
            -pass_rate.ci_high, -pass_rate.ci_low
        )
    );
    assert!(!v.reason.contains("more)"), "one failure: {}", v.reason);
    let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "min_pass_rate >= 0.50",
            "max_regression[pass_rate] <= 0",
            "max_errors <= 1"
        ]
    );
}

#[test]
fn the_reason_is_one_line() {
    let gate = Gate {
        min_pass_rate: Some(0.5),
        min_pass_rate_by_split: vec![("adversarial".into(), 1.0), ("edge".into(), 0.9)],
        max_errors: Some(0),
        max_cost_usd: Some(10.0),
        max_latency_p95_ms: Some(3000.0),
        min_coverage: Some(0.5),
        ..Gate::default()
    };
    let v = evaluate(&gate, &candidate(), None, Some(0.6));
    assert!(!v.passed);
    assert_eq!(v.checks.len(), 7);
    assert_eq!(
        v.reason,
        "gate failed: pass rate on split adversarial 0.83 < 1.00 (n=24) (and 2 more)"
    );
    assert!(!v.reason.contains('\n'));

    let ok = Gate {
        min_pass_rate_by_split: vec![("golden".into(), 0.9)],
        max_errors: Some(1),
        max_cost_usd: Some(10.0),
        max_latency_p95_ms: Some(3000.0),
        min_coverage: Some(0.5),
        min_pass_rate: Some(0.5),
        ..Gate::default()
    };
    let v = evaluate(&ok, &candidate(), None, Some(0.6));
    assert!(v.passed && v.checks.iter().all(|c| c.passed));
    assert_eq!(v.reason, "gate passed: 6 checks");
    let v = evaluate(&Gate::default(), &candidate(), None, None);
    assert!(v.passed);
    assert_eq!(v.reason, "gate passed: 0 checks");
}
