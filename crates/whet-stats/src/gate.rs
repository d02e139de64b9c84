//! Deciding whether a metric regressed, from the confidence interval of its
//! change.
//!
//! # The rule
//!
//! Orient the change so that positive means *worse*: the regression is
//! `baseline - candidate` for a metric where higher is better (pass rate,
//! F1) and `candidate - baseline` where lower is better (latency, cost). Let
//! `[lo, hi]` be its confidence interval and `max` the largest regression the
//! gate tolerates (`max_regression`, 0 for "no regression at all"). Then:
//!
//! | outcome | condition | meaning |
//! | --- | --- | --- |
//! | [`RegressionOutcome::Regressed`] | `lo > max` | the candidate is worse by more than `max`, with confidence |
//! | [`RegressionOutcome::Inconclusive`] | `lo <= max < hi` | a regression beyond `max` cannot be ruled out, nor shown |
//! | [`RegressionOutcome::WithinTolerance`] | `hi <= max` | any regression is at most `max`, with confidence |
//!
//! [`RegressionRule::Significant`] (the default) fails the gate only on
//! `Regressed`: a change must be shown to be a regression beyond the
//! tolerance before it blocks a release. With a 95% two-sided interval this
//! is a one-sided test at the 2.5% level of "regression <= max".
//! [`RegressionRule::NonInferiority`] also fails on `Inconclusive`: the
//! candidate must *show* it is no worse than `max`, which needs enough cases
//! (see [`crate::mcnemar_min_detectable_difference`]); use it for metrics
//! where a silent regression is costly (safety, adversarial splits).
//!
//! # Several metrics
//!
//! A gate over k metrics, each checked with a 95% interval, raises a false
//! `Regressed` on *some* metric more often than 2.5% of the time (up to k
//! times as often). To keep the chance of any false alarm at the nominal
//! rate, compute each metric's interval at [`bonferroni_level`]`(0.95, k)`
//! and check them all: the gate passes when every check passes.

use std::fmt;

use serde::Serialize;

use crate::error::{Result, StatsError};
use crate::interval::Interval;

/// Which way is better for a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Pass rate, accuracy, F1, similarity.
    HigherIsBetter,
    /// Latency, cost, tokens, error rate.
    LowerIsBetter,
}

/// When a regression fails the gate (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegressionRule {
    /// Fail only on a regression beyond the tolerance shown with confidence.
    #[default]
    Significant,
    /// Fail unless the candidate is shown to be within the tolerance.
    NonInferiority,
}

/// Where the regression interval lies relative to the tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegressionOutcome {
    /// Worse by more than the tolerance, with confidence.
    Regressed,
    /// Neither shown nor ruled out.
    Inconclusive,
    /// Within the tolerance, with confidence.
    WithinTolerance,
}

/// The verdict of [`check_regression`] and what it was based on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RegressionCheck {
    /// Estimated regression (positive = worse).
    pub regression: f64,
    /// Its interval: lower bound.
    pub regression_lower: f64,
    /// Its interval: upper bound.
    pub regression_upper: f64,
    /// Confidence level of the interval.
    pub level: f64,
    /// Tolerated regression.
    pub max_regression: f64,
    /// Where the interval lies.
    pub outcome: RegressionOutcome,
    /// Whether the interval lies wholly on the better side of zero.
    pub improved: bool,
    /// Whether the gate passes under the rule given.
    pub passed: bool,
}

/// Applies the regression rule to `delta`, the interval of
/// `candidate - baseline` for one metric (from [`crate::paired_bootstrap`] or
/// [`crate::compare_pass_fail`]).
///
/// Errors when `max_regression` is negative or not finite, or the interval
/// has a non-finite or reversed bound.
///
/// ```
/// use whet_stats::{Direction, Interval, RegressionOutcome, RegressionRule, check_regression};
/// // Pass rate fell by 6 points, 95% CI of the change -9 to -3 points.
/// let delta = Interval { estimate: -0.06, lower: -0.09, upper: -0.03, level: 0.95 };
/// let c = check_regression(&delta, 0.02, Direction::HigherIsBetter, RegressionRule::Significant)?;
/// assert_eq!(c.outcome, RegressionOutcome::Regressed);
/// assert!(!c.passed);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn check_regression(
    delta: &Interval,
    max_regression: f64,
    direction: Direction,
    rule: RegressionRule,
) -> Result<RegressionCheck> {
    if !(max_regression.is_finite() && max_regression >= 0.0) {
        return Err(StatsError::OutOfRange {
            what: "max_regression",
            expected: "a finite number >= 0, in the metric's units",
            value: max_regression,
        });
    }
    for (what, v) in [
        ("interval estimate", delta.estimate),
        ("interval lower bound", delta.lower),
        ("interval upper bound", delta.upper),
    ] {
        if !v.is_finite() {
            return Err(StatsError::NonFinite {
                what,
                index: 0,
                value: v,
            });
        }
    }
    if delta.lower > delta.upper {
        return Err(StatsError::OutOfRange {
            what: "interval lower bound",
            expected: "at most the upper bound",
            value: delta.lower,
        });
    }
    let (regression, lo, hi) = match direction {
        Direction::HigherIsBetter => (-delta.estimate, -delta.upper, -delta.lower),
        Direction::LowerIsBetter => (delta.estimate, delta.lower, delta.upper),
    };
    let outcome = if lo > max_regression {
        RegressionOutcome::Regressed
    } else if hi > max_regression {
        RegressionOutcome::Inconclusive
    } else {
        RegressionOutcome::WithinTolerance
    };
    let passed = match rule {
        RegressionRule::Significant => outcome != RegressionOutcome::Regressed,
        RegressionRule::NonInferiority => outcome == RegressionOutcome::WithinTolerance,
    };
    Ok(RegressionCheck {
        regression,
        regression_lower: lo,
        regression_upper: hi,
        level: delta.level,
        max_regression,
        outcome,
        improved: hi < 0.0,
        passed,
    })
}

/// The per-metric confidence level that keeps the family-wise level at
/// `level` over `metrics` simultaneous checks (Bonferroni):
/// `1 - (1 - level) / metrics`. Conservative, and valid whatever the
/// dependence between the metrics.
///
/// ```
/// let per_metric = whet_stats::bonferroni_level(0.95, 5)?;
/// assert!((per_metric - 0.99).abs() < 1e-12);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn bonferroni_level(level: f64, metrics: usize) -> Result<f64> {
    crate::error::check_level(level)?;
    if metrics == 0 {
        return Err(StatsError::OutOfRange {
            what: "number of metrics",
            expected: "at least 1",
            value: 0.0,
        });
    }
    Ok(1.0 - (1.0 - level) / metrics as f64)
}

impl fmt::Display for RegressionCheck {
    /// One line for a gate's verdict, e.g. `regressed by 0.06 (95% CI 0.03
    /// to 0.09), beyond the allowed 0.02`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = self.level * 100.0;
        let what = match self.outcome {
            RegressionOutcome::Regressed => "beyond the allowed",
            RegressionOutcome::Inconclusive => "cannot rule out more than the allowed",
            RegressionOutcome::WithinTolerance => "within the allowed",
        };
        let verb = if self.improved {
            "improved by"
        } else {
            "regressed by"
        };
        let shown = if self.improved {
            -self.regression
        } else {
            self.regression
        };
        write!(
            f,
            "{verb} {shown:.4} ({pct:.0}% CI of the regression {:.4} to {:.4}), {what} {:.4}",
            self.regression_lower, self.regression_upper, self.max_regression
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(estimate: f64, lower: f64, upper: f64) -> Interval {
        Interval {
            estimate,
            lower,
            upper,
            level: 0.95,
        }
    }

    #[test]
    fn the_three_outcomes_and_two_rules() {
        use RegressionOutcome::*;
        let hb = Direction::HigherIsBetter;
        let cases = [
            (iv(-0.06, -0.09, -0.03), Regressed, false, false),
            (iv(-0.02, -0.06, 0.02), Inconclusive, true, false),
            (iv(0.05, 0.02, 0.08), WithinTolerance, true, true),
            (iv(0.0, -0.01, 0.01), WithinTolerance, true, true),
        ];
        for (delta, outcome, significant_passes, noninferior_passes) in cases {
            let s = check_regression(&delta, 0.01, hb, RegressionRule::Significant).unwrap();
            let n = check_regression(&delta, 0.01, hb, RegressionRule::NonInferiority).unwrap();
            assert_eq!(s.outcome, outcome, "{delta:?}");
            assert_eq!(
                (s.passed, n.passed),
                (significant_passes, noninferior_passes)
            );
        }
    }

    #[test]
    fn lower_is_better_flips_the_sign() {
        // Latency rose by 40 ms, CI 25 to 55 ms; 20 ms tolerated.
        let c = check_regression(
            &iv(40.0, 25.0, 55.0),
            20.0,
            Direction::LowerIsBetter,
            RegressionRule::Significant,
        )
        .unwrap();
        assert_eq!(c.outcome, RegressionOutcome::Regressed);
        assert!(c.to_string().starts_with("regressed by 40.0000 (95% CI"));
        let better = check_regression(
            &iv(-40.0, -55.0, -25.0),
            0.0,
            Direction::LowerIsBetter,
            RegressionRule::NonInferiority,
        )
        .unwrap();
        assert!(better.improved && better.passed);
        assert!(better.to_string().starts_with("improved by 40.0000"));
    }

    #[test]
    fn bonferroni_divides_the_error_rate() {
        assert_eq!(bonferroni_level(0.95, 1).unwrap(), 0.95);
        assert!((bonferroni_level(0.9, 4).unwrap() - 0.975).abs() < 1e-15);
        assert!(bonferroni_level(0.95, 0).is_err());
        assert!(bonferroni_level(1.0, 3).is_err());
    }

    #[test]
    fn bad_arguments_are_errors() {
        let d = iv(0.0, -0.1, 0.1);
        let hb = Direction::HigherIsBetter;
        let rule = RegressionRule::Significant;
        assert!(check_regression(&d, -0.01, hb, rule).is_err());
        assert!(check_regression(&d, f64::NAN, hb, rule).is_err());
        assert!(check_regression(&iv(0.0, 0.1, -0.1), 0.0, hb, rule).is_err());
        assert!(check_regression(&iv(f64::NAN, 0.0, 0.0), 0.0, hb, rule).is_err());
    }
}
