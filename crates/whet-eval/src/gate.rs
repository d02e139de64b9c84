//! The release gate: a suite's `gate:` block, applied to a candidate's
//! [`VariantSummary`], its [`Comparison`] with a baseline and the suite's
//! coverage, giving one [`GateVerdict`].
//!
//! # Checks, in order
//!
//! Each limit the suite sets becomes one [`GateCheck`], always in this order
//! (and, inside a map, in the order the suite writes it):
//!
//! 1. `min_pass_rate`: the candidate's pass rate over every graded result;
//! 2. `min_pass_rate_by_split`, then `min_pass_rate_by_tag`: the same, per
//!    split or tag;
//! 3. `max_regression`: per metric of the comparison (`pass_rate`, a named
//!    metric, `cost_usd`, `latency_ms`), the largest drop tolerated;
//! 4. `max_errors`: results that could not be graded;
//! 5. `max_cost_usd`: the candidate's model spend (judges excluded: they
//!    price the evaluation, not the prompt; cache hits cost 0, so a cached
//!    run understates it and the detail says how many hits there were);
//! 6. `max_latency_p95_ms`: the candidate's 95th percentile latency;
//! 7. `min_coverage`: the share of intent × split cells with cases
//!    ([`crate::coverage`]).
//!
//! A check that has nothing to measure fails: a split or tag without graded
//! cases, a regression rule without a baseline ("no baseline: pass
//! --baseline") or for a metric the comparison lacks, a latency limit when
//! no latency was recorded. A gate on nothing is not a pass.
//!
//! # Regressions
//!
//! A metric regresses when its drop is shown beyond the tolerance:
//! [`whet_stats::check_regression`] on the comparison's paired bootstrap
//! interval of the change. Under the default rule (`significant`) the drop
//! must also be significant by the paired test (p < 0.05), so a gate never
//! fails on a metric the comparison itself calls unchanged; with
//! `max_regression: {pass_rate: 0}` any significant drop fails. Under
//! `regression_rule: non-inferiority` the candidate must instead *show*
//! that any drop is within the tolerance (the whole interval), which needs
//! enough cases; use it for metrics where a silent regression is costly.

use serde::Serialize;
use whet_stats::{Direction, Interval, RegressionOutcome, RegressionRule, check_regression};

use crate::record::{
    Better, Comparison, GateCheck, GateVerdict, MetricDelta, PassCounts, VariantSummary,
};

/// Significance level of the paired test behind a regression.
const ALPHA: f64 = 0.05;

/// A suite's `gate:` block: every limit is optional; an unset one is not
/// checked. Maps keep the suite's order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Gate {
    /// Lowest pass rate over all graded results, in [0, 1].
    pub min_pass_rate: Option<f64>,
    /// Lowest pass rate per split, in [0, 1].
    pub min_pass_rate_by_split: Vec<(String, f64)>,
    /// Lowest pass rate per tag, in [0, 1].
    pub min_pass_rate_by_tag: Vec<(String, f64)>,
    /// Largest drop tolerated per comparison metric, in the metric's units
    /// (a pass rate or score drop, USD more, ms slower), >= 0.
    pub max_regression: Vec<(String, f64)>,
    /// How `max_regression` is decided (see the module docs).
    pub regression_rule: RegressionRule,
    /// Most errored results allowed.
    pub max_errors: Option<u64>,
    /// Most USD the candidate's model calls may cost in the run.
    pub max_cost_usd: Option<f64>,
    /// Highest 95th percentile latency, in ms.
    pub max_latency_p95_ms: Option<f64>,
    /// Lowest evaluation coverage, in [0, 1].
    pub min_coverage: Option<f64>,
}

impl Gate {
    /// Number of checks [`evaluate`] makes.
    pub fn check_count(&self) -> usize {
        usize::from(self.min_pass_rate.is_some())
            + self.min_pass_rate_by_split.len()
            + self.min_pass_rate_by_tag.len()
            + self.max_regression.len()
            + usize::from(self.max_errors.is_some())
            + usize::from(self.max_cost_usd.is_some())
            + usize::from(self.max_latency_p95_ms.is_some())
            + usize::from(self.min_coverage.is_some())
    }
}

/// Applies `gate` to a candidate. `comparison` is the candidate against its
/// baseline (needed by `max_regression`), `coverage` the suite's coverage
/// ratio (needed by `min_coverage`). Never fails: a check that cannot be
/// made is a failed check that says why.
pub fn evaluate(
    gate: &Gate,
    candidate: &VariantSummary,
    comparison: Option<&Comparison>,
    coverage: Option<f64>,
) -> GateVerdict {
    let mut checks = Vec::with_capacity(gate.check_count());
    if let Some(min) = gate.min_pass_rate {
        checks.push(pass_rate_check(
            "min_pass_rate".into(),
            "pass rate",
            Some(&candidate.overall),
            min,
        ));
    }
    for (split, min) in &gate.min_pass_rate_by_split {
        checks.push(pass_rate_check(
            format!("min_pass_rate[{split}]"),
            &format!("pass rate on split {split}"),
            candidate.by_split.iter().find(|p| p.name == *split),
            *min,
        ));
    }
    for (tag, min) in &gate.min_pass_rate_by_tag {
        checks.push(pass_rate_check(
            format!("min_pass_rate[tag:{tag}]"),
            &format!("pass rate on tag {tag}"),
            candidate.by_tag.iter().find(|p| p.name == *tag),
            *min,
        ));
    }
    for (metric, max) in &gate.max_regression {
        checks.push(regression_check(
            metric,
            *max,
            gate.regression_rule,
            comparison,
        ));
    }
    if let Some(max) = gate.max_errors {
        checks.push(errors_check(&candidate.overall, max));
    }
    if let Some(max) = gate.max_cost_usd {
        checks.push(cost_check(candidate, max));
    }
    if let Some(max) = gate.max_latency_p95_ms {
        checks.push(latency_check(candidate.latency_p95_ms, max));
    }
    if let Some(min) = gate.min_coverage {
        checks.push(coverage_check(coverage, min));
    }
    verdict(checks)
}

/// The verdict and its one-line reason.
fn verdict(checks: Vec<GateCheck>) -> GateVerdict {
    let failed: Vec<&GateCheck> = checks.iter().filter(|c| !c.passed).collect();
    let reason = match failed.as_slice() {
        [] if checks.len() == 1 => "gate passed: 1 check".to_owned(),
        [] => format!("gate passed: {} checks", checks.len()),
        [first] => format!("gate failed: {}", first.detail),
        [first, rest @ ..] => format!("gate failed: {} (and {} more)", first.detail, rest.len()),
    };
    GateVerdict {
        passed: failed.is_empty(),
        reason,
        checks,
    }
}

fn check(name: String, passed: bool, detail: String) -> GateCheck {
    GateCheck {
        name,
        passed,
        detail,
    }
}

/// `what value >= min (n=N)`; no graded results is a failure.
fn pass_rate_check(name: String, what: &str, counts: Option<&PassCounts>, min: f64) -> GateCheck {
    let name = format!("{name} >= {min:.2}");
    let Some(counts) = counts.filter(|c| c.total > 0) else {
        return check(
            name,
            false,
            format!("{what}: no cases, and a gate on nothing does not pass"),
        );
    };
    let graded = counts.total.saturating_sub(counts.errors);
    if graded == 0 {
        let detail = format!("{what}: no graded cases ({} errored)", counts.errors);
        return check(name, false, detail);
    }
    #[expect(clippy::cast_precision_loss, reason = "case counts are far below 2^52")]
    let rate = counts.passed as f64 / graded as f64;
    let passed = rate >= min;
    let (v, l) = pair(rate, min, 2);
    let op = if passed { ">=" } else { "<" };
    check(name, passed, format!("{what} {v} {op} {l} (n={graded})"))
}

fn regression_check(
    metric: &str,
    max: f64,
    rule: RegressionRule,
    comparison: Option<&Comparison>,
) -> GateCheck {
    let name = format!("max_regression[{metric}] <= {max}");
    let Some(cmp) = comparison else {
        return check(
            name,
            false,
            format!("{metric}: no baseline: pass --baseline"),
        );
    };
    let Some(m) = cmp.metrics.iter().find(|m| m.metric == metric) else {
        let detail = if cmp.pairs == 0 {
            format!(
                "{metric}: no cases paired with the baseline ({} unpaired)",
                cmp.unpaired
            )
        } else {
            let have: Vec<&str> = cmp.metrics.iter().map(|m| m.metric.as_str()).collect();
            format!(
                "{metric}: not in the comparison with the baseline (it has {})",
                have.join(", ")
            )
        };
        return check(name, false, detail);
    };
    let direction = match m.better {
        Better::Higher => Direction::HigherIsBetter,
        Better::Lower => Direction::LowerIsBetter,
    };
    let delta = Interval {
        estimate: m.delta,
        lower: m.ci_low,
        upper: m.ci_high,
        level: 0.95,
    };
    match check_regression(&delta, max, direction, rule) {
        Err(e) => check(
            name,
            false,
            format!("{metric}: cannot check the regression: {e}"),
        ),
        Ok(c) => {
            let passed = match rule {
                RegressionRule::Significant => c.passed || m.p_value >= ALPHA,
                RegressionRule::NonInferiority => c.passed,
            };
            let detail = regression_detail(
                m,
                c.outcome,
                rule,
                passed,
                (c.regression_lower, c.regression_upper),
                max,
            );
            check(name, passed, detail)
        }
    }
}

/// Words for a regression check; the interval is of the regression
/// (positive = worse).
fn regression_detail(
    m: &MetricDelta,
    outcome: RegressionOutcome,
    rule: RegressionRule,
    passed: bool,
    (lo, hi): (f64, f64),
    max: f64,
) -> String {
    let metric = &m.metric;
    let n = m.n;
    let p = if m.p_value < 0.001 {
        "p<0.001".to_owned()
    } else {
        format!("p={:.3}", m.p_value)
    };
    if passed {
        let verdict = match rule {
            RegressionRule::Significant => "no significant regression beyond",
            RegressionRule::NonInferiority => "any regression is shown within",
        };
        return format!(
            "{metric} changed by {:+.4} (95% CI {:.4} to {:.4}, {p}): {verdict} the allowed {max} (n={n})",
            m.delta, m.ci_low, m.ci_high
        );
    }
    let r = match m.better {
        Better::Higher => -m.delta,
        Better::Lower => m.delta,
    };
    if outcome == RegressionOutcome::Regressed {
        format!(
            "{metric} regressed by {r:.4} (95% CI {lo:.4} to {hi:.4}, {p}), more than the allowed {max} (n={n})"
        )
    } else {
        format!(
            "{metric} may have regressed by more than the allowed {max}: 95% CI of the regression {lo:.4} to {hi:.4} (n={n})"
        )
    }
}

fn errors_check(overall: &PassCounts, max: u64) -> GateCheck {
    let passed = overall.errors <= max;
    let op = if passed { "<=" } else { ">" };
    check(
        format!("max_errors <= {max}"),
        passed,
        format!(
            "errors {} {op} {max} (of {} results)",
            overall.errors, overall.total
        ),
    )
}

fn cost_check(candidate: &VariantSummary, max: f64) -> GateCheck {
    let passed = candidate.cost_usd <= max;
    let (v, l) = pair(candidate.cost_usd, max, 2);
    let op = if passed { "<=" } else { ">" };
    let mut detail = format!("cost ${v} {op} ${l}");
    if candidate.cache_hits > 0 {
        detail.push_str(&format!(
            " ({} cache hits cost nothing)",
            candidate.cache_hits
        ));
    }
    check(format!("max_cost_usd <= {max:.2}"), passed, detail)
}

fn latency_check(p95: Option<f64>, max: f64) -> GateCheck {
    let name = format!("max_latency_p95_ms <= {max}");
    let Some(p95) = p95 else {
        return check(name, false, "latency p95: no latency was recorded".into());
    };
    let passed = p95 <= max;
    let (v, l) = pair(p95, max, 0);
    let op = if passed { "<=" } else { ">" };
    check(name, passed, format!("latency p95 {v} ms {op} {l} ms"))
}

fn coverage_check(coverage: Option<f64>, min: f64) -> GateCheck {
    let name = format!("min_coverage >= {min:.2}");
    let Some(ratio) = coverage else {
        return check(name, false, "coverage: not computed for this run".into());
    };
    let passed = ratio >= min;
    let (v, l) = pair(ratio, min, 2);
    let op = if passed { ">=" } else { "<" };
    check(name, passed, format!("coverage {v} {op} {l}"))
}

/// Formats a value and its limit with `decimals` places, or more when that
/// would print two different numbers the same (0.899 vs 0.90).
fn pair(value: f64, limit: f64, decimals: usize) -> (String, String) {
    let mut d = decimals;
    loop {
        let (v, l) = (format!("{value:.d$}"), format!("{limit:.d$}"));
        if v != l || value == limit || d >= decimals + 6 {
            return (v, l);
        }
        d += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_numbers_get_more_decimals() {
        assert_eq!(pair(0.83, 1.0, 2), ("0.83".into(), "1.00".into()));
        assert_eq!(pair(0.899, 0.9, 2), ("0.899".into(), "0.900".into()));
        assert_eq!(pair(0.9, 0.9, 2), ("0.90".into(), "0.90".into()));
        assert_eq!(pair(3000.4, 3000.0, 0), ("3000.4".into(), "3000.0".into()));
    }
}
