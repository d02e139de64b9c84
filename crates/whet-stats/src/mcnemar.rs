//! McNemar's test: did the pass rate change between two runs over the same
//! cases?
//!
//! Only the discordant cases carry information: `b` cases that passed in the
//! baseline only and `c` that passed in the candidate only. Under the null
//! hypothesis (no change) each discordant case is equally likely to fall
//! either way, so `min(b, c)` follows Binomial(b + c, 1/2).

use serde::Serialize;

use crate::dist::{binomial_half_cdf, chi2_1_sf};
use crate::error::{Result, StatsError};

/// The 2×2 table of paired pass/fail outcomes and McNemar's test on it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct McNemar {
    /// Cases that passed in both runs.
    pub both_pass: u64,
    /// Cases that passed in the baseline only (`b`).
    pub baseline_only: u64,
    /// Cases that passed in the candidate only (`c`).
    pub candidate_only: u64,
    /// Cases that failed in both runs.
    pub both_fail: u64,
    /// Exact two-sided p-value: `min(1, 2 P(X <= min(b, c)))` with
    /// X ~ Binomial(b + c, 1/2). The one to report.
    pub exact_p_value: f64,
    /// Chi-square statistic with Edwards' continuity correction,
    /// `(|b - c| - 1)² / (b + c)`.
    pub chi2_corrected: f64,
    /// Its p-value (one degree of freedom).
    pub chi2_corrected_p_value: f64,
    /// Chi-square statistic without correction, `(b - c)² / (b + c)`.
    pub chi2: f64,
    /// Its p-value.
    pub chi2_p_value: f64,
}

impl McNemar {
    /// The test from the four cell counts.
    ///
    /// With no discordant pairs (`b + c = 0`) there is no evidence of a
    /// change: both statistics are 0 and every p-value is 1. (statsmodels
    /// returns an infinite corrected statistic and p = 0 there, from a
    /// division by zero.) When `b = c > 0` the corrected statistic is
    /// `1 / (b + c)`, not 0, as in statsmodels and R's `mcnemar.test`.
    pub fn from_counts(
        both_pass: u64,
        baseline_only: u64,
        candidate_only: u64,
        both_fail: u64,
    ) -> Self {
        let (b, c) = (baseline_only, candidate_only);
        let discordant = b + c;
        let (exact_p_value, chi2_corrected, chi2) = if discordant == 0 {
            (1.0, 0.0, 0.0)
        } else {
            let diff = b.abs_diff(c) as f64;
            let n = discordant as f64;
            (
                (2.0 * binomial_half_cdf(b.min(c), discordant)).min(1.0),
                (diff - 1.0) * (diff - 1.0) / n,
                diff * diff / n,
            )
        };
        Self {
            both_pass,
            baseline_only,
            candidate_only,
            both_fail,
            exact_p_value,
            chi2_corrected,
            chi2_corrected_p_value: chi2_1_sf(chi2_corrected),
            chi2,
            chi2_p_value: chi2_1_sf(chi2),
        }
    }

    /// Number of paired cases.
    pub fn pairs(&self) -> u64 {
        self.both_pass + self.baseline_only + self.candidate_only + self.both_fail
    }

    /// Number of discordant cases, `b + c`.
    pub fn discordant(&self) -> u64 {
        self.baseline_only + self.candidate_only
    }

    /// Baseline pass rate (`NaN`-free: 0 when there are no pairs).
    pub fn baseline_rate(&self) -> f64 {
        ratio(self.both_pass + self.baseline_only, self.pairs())
    }

    /// Candidate pass rate (0 when there are no pairs).
    pub fn candidate_rate(&self) -> f64 {
        ratio(self.both_pass + self.candidate_only, self.pairs())
    }

    /// Candidate minus baseline pass rate, `(c - b) / n`.
    pub fn difference(&self) -> f64 {
        self.candidate_rate() - self.baseline_rate()
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// McNemar's test on paired outcomes: `baseline[i]` and `candidate[i]` say
/// whether case `i` passed in each run.
///
/// ```
/// let baseline = [true, false, false, true, false, false, false, true];
/// let candidate = [true, true, true, true, true, true, true, false];
/// let t = whet_stats::mcnemar(&baseline, &candidate)?;
/// assert_eq!((t.baseline_only, t.candidate_only), (1, 5));
/// assert!((t.exact_p_value - 0.21875).abs() < 1e-15);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn mcnemar(baseline: &[bool], candidate: &[bool]) -> Result<McNemar> {
    if baseline.len() != candidate.len() {
        return Err(StatsError::LengthMismatch {
            baseline: baseline.len(),
            candidate: candidate.len(),
        });
    }
    crate::error::check_len("paired sample", baseline.len(), 1)?;
    let mut cells = [0_u64; 4];
    for (&b, &c) in baseline.iter().zip(candidate) {
        cells[usize::from(b) * 2 + usize::from(c)] += 1;
    }
    // cells: [fail/fail, fail/pass (candidate only), pass/fail (baseline only), pass/pass]
    Ok(McNemar::from_counts(cells[3], cells[2], cells[1], cells[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_discordant_pairs_means_no_evidence() {
        let t = McNemar::from_counts(10, 0, 0, 3);
        assert_eq!(
            (t.exact_p_value, t.chi2_corrected_p_value, t.chi2_p_value),
            (1.0, 1.0, 1.0)
        );
        assert_eq!(t.difference(), 0.0);
    }

    #[test]
    fn rates_and_difference() {
        let t = McNemar::from_counts(6, 1, 3, 0);
        assert_eq!(t.pairs(), 10);
        assert!((t.baseline_rate() - 0.7).abs() < 1e-15);
        assert!((t.candidate_rate() - 0.9).abs() < 1e-15);
        assert!((t.difference() - 0.2).abs() < 1e-15);
        assert_eq!(McNemar::from_counts(0, 0, 0, 0).baseline_rate(), 0.0);
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert!(matches!(mcnemar(&[], &[]), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            mcnemar(&[true], &[]),
            Err(StatsError::LengthMismatch { .. })
        ));
    }
}
