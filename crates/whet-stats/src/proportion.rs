//! Confidence intervals for a pass rate.
//!
//! [`wilson`] is the interval to report by default: it never leaves `[0, 1]`,
//! behaves at 0 and 100% (where the textbook normal interval collapses to a
//! point), and its coverage stays close to nominal down to a handful of cases.
//! [`clopper_pearson`] inverts two one-sided binomial tests; it guarantees at
//! least the nominal coverage and is therefore wider (conservative).

use crate::dist::{beta_quantile, two_sided_z};
use crate::error::{Result, StatsError, check_level};
use crate::interval::Interval;

fn check_counts(successes: u64, trials: u64) -> Result<()> {
    if trials == 0 {
        return Err(StatsError::TooFew {
            what: "trials",
            needed: 1,
            got: 0,
        });
    }
    if successes > trials {
        return Err(StatsError::SuccessesExceedTrials { successes, trials });
    }
    Ok(())
}

/// The Wilson score interval for `successes` out of `trials` at confidence
/// `level` (0.95 for a 95% interval).
///
/// With p = successes / trials, z the two-sided normal critical value and
/// n = trials, the interval is
/// `(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`, exactly as
/// `statsmodels.stats.proportion.proportion_confint(method="wilson")`
/// computes it, then clamped to `[0, 1]` against rounding.
///
/// Errors when `trials` is 0, `successes > trials`, or `level` is not
/// strictly between 0 and 1.
///
/// ```
/// let ci = whet_stats::wilson(45, 50, 0.95)?;
/// assert!((ci.estimate - 0.9).abs() < 1e-12);
/// assert!((ci.lower - 0.7864).abs() < 1e-4 && (ci.upper - 0.9565).abs() < 1e-4);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn wilson(successes: u64, trials: u64, level: f64) -> Result<Interval> {
    check_counts(successes, trials)?;
    check_level(level)?;
    let n = trials as f64;
    let p = successes as f64 / n;
    let z = two_sided_z(level);
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let dist = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Ok(Interval {
        estimate: p,
        lower: (center - dist).clamp(0.0, 1.0),
        upper: (center + dist).clamp(0.0, 1.0),
        level,
    })
}

/// The Clopper–Pearson ("exact") interval for `successes` out of `trials`
/// at confidence `level`: the Beta quantiles
/// `B(α/2; k, n-k+1)` and `B(1-α/2; k+1, n-k)`, with the lower bound 0 when
/// k = 0 and the upper bound 1 when k = n (as statsmodels' `method="beta"`).
///
/// Errors as [`wilson`].
pub fn clopper_pearson(successes: u64, trials: u64, level: f64) -> Result<Interval> {
    check_counts(successes, trials)?;
    check_level(level)?;
    let (k, n) = (successes as f64, trials as f64);
    let tail = (1.0 - level) / 2.0;
    let lower = if successes == 0 {
        0.0
    } else {
        beta_quantile(tail, k, n - k + 1.0)
    };
    // B(1 - tail; k + 1, n - k) = 1 - B(tail; n - k, k + 1), which keeps the
    // precision of the small tail probability.
    let upper = if successes == trials {
        1.0
    } else {
        1.0 - beta_quantile(tail, n - k, k + 1.0)
    };
    Ok(Interval {
        estimate: k / n,
        lower,
        upper,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_counts_and_levels_are_errors() {
        assert!(matches!(wilson(0, 0, 0.95), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            wilson(3, 2, 0.95),
            Err(StatsError::SuccessesExceedTrials { .. })
        ));
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                clopper_pearson(1, 2, level),
                Err(StatsError::OutOfRange { .. })
            ));
        }
    }

    #[test]
    fn extremes_stay_inside_the_unit_interval() {
        let all = wilson(20, 20, 0.95).unwrap();
        assert_eq!(all.upper, 1.0);
        assert!(all.lower > 0.8 && all.lower < 1.0);
        let none = clopper_pearson(0, 20, 0.95).unwrap();
        assert_eq!(none.lower, 0.0);
        // The rule of three: about 3/n for k = 0 (one-sided 97.5% here).
        assert!((none.upper - 0.1684).abs() < 1e-4);
    }
}
