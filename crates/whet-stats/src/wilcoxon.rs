//! The Wilcoxon signed-rank test for paired scores.
//!
//! It asks whether `candidate - baseline` is symmetric around zero, using
//! only the signs and the ranks of the differences: robust to outliers and
//! to scores on arbitrary scales (rubric points, similarity), where a t-test's
//! normality assumption is doubtful.
//!
//! Conventions follow `scipy.stats.wilcoxon` (scipy 1.17) with
//! `zero_method='wilcox'` and `alternative='two-sided'`:
//!
//! - zero differences are dropped before ranking; the test runs on the
//!   remaining `n'` non-zero differences;
//! - tied absolute differences get the average of their ranks;
//! - the reported statistic is `min(W+, W-)`;
//! - exact p-value: `min(1, 2 min(P(W+ <= w), P(W+ >= w)))` under the null
//!   distribution of `W+`. Without ties that is the classic distribution of a
//!   sum of a random subset of `1..=n'`. With ties it is the exact
//!   conditional (permutation) distribution of the tie-averaged rank sum,
//!   which is what scipy's `method='auto'` computes for n <= 13 (scipy's
//!   `method='exact'` instead uses the untied distribution and rounds `W+`);
//! - normal approximation: `z = (W+ - n'(n'+1)/4) / σ` with
//!   `σ² = (n'(n'+1)(2n'+1) - Σ(t³ - t)/2) / 24` over tie groups of size t,
//!   continuity-corrected by `0.5/σ` towards zero when asked, and
//!   `p = 2 P(Z > |z|)`.
//!
//! [`WilcoxonMethod::Auto`] picks as scipy does: the normal approximation
//! for more than 50 pairs; otherwise exact when there are no ties and no
//! zeros; otherwise exact (conditional) for at most 13 pairs; otherwise the
//! normal approximation. Unlike scipy, the default here applies the
//! continuity correction (scipy's default is `correction=False`).

use serde::Serialize;

use crate::dist::normal_sf;
use crate::error::{Result, paired_differences};

/// Which null distribution to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WilcoxonMethod {
    /// As scipy's `method='auto'` (see the module documentation).
    #[default]
    Auto,
    /// The exact distribution (conditional on ties when there are any), for
    /// up to [`EXACT_MAX_NONZERO`] non-zero differences; more than that falls
    /// back to the normal approximation, and the result says so.
    Exact,
    /// The normal approximation with the tie correction.
    Approx,
}

/// Beyond this many non-zero differences [`WilcoxonMethod::Exact`] uses the
/// normal approximation: the exact distribution costs about n³/6 operations
/// (1.7e8 at this size, well under a second) and the approximation is
/// excellent long before.
pub const EXACT_MAX_NONZERO: usize = 1_000;

/// Options of [`wilcoxon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WilcoxonOptions {
    /// Null distribution (default [`WilcoxonMethod::Auto`]).
    pub method: WilcoxonMethod,
    /// Continuity correction for the normal approximation (default `true`).
    pub correction: bool,
}

impl Default for WilcoxonOptions {
    fn default() -> Self {
        Self {
            method: WilcoxonMethod::Auto,
            correction: true,
        }
    }
}

/// Which distribution a p-value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WilcoxonNull {
    /// The exact null distribution (conditional on ties if there were any).
    Exact,
    /// The normal approximation.
    Normal,
}

/// The result of [`wilcoxon`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Wilcoxon {
    /// `min(W+, W-)`, as scipy reports for a two-sided test.
    pub statistic: f64,
    /// Sum of the ranks of positive differences (candidate better).
    pub w_plus: f64,
    /// Sum of the ranks of negative differences (baseline better).
    pub w_minus: f64,
    /// Number of non-zero differences (the effective sample size).
    pub nonzero: usize,
    /// Number of zero differences (dropped).
    pub zeros: usize,
    /// Whether some absolute differences were tied.
    pub ties: bool,
    /// The z statistic of the normal approximation (after the continuity
    /// correction, when applied), positive when the candidate is better;
    /// `None` when the exact distribution was used.
    pub z: Option<f64>,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Which distribution `p_value` came from.
    pub method: WilcoxonNull,
}

/// The Wilcoxon signed-rank test on `candidate - baseline`.
///
/// When every difference is zero there is no evidence either way: the
/// statistic is 0 and the p-value 1 (scipy returns `NaN` there for more than
/// 13 pairs).
///
/// Errors when the slices differ in length, are empty, or hold a non-finite
/// value.
///
/// ```
/// use whet_stats::{WilcoxonOptions, wilcoxon};
/// let baseline = [0.0; 8];
/// let candidate = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let w = wilcoxon(&baseline, &candidate, &WilcoxonOptions::default())?;
/// assert_eq!(w.statistic, 0.0);
/// assert_eq!(w.p_value, 2.0 / 256.0); // every one of 2^8 sign patterns is equally likely
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn wilcoxon(
    baseline: &[f64],
    candidate: &[f64],
    options: &WilcoxonOptions,
) -> Result<Wilcoxon> {
    let d = paired_differences(baseline, candidate)?;
    let n_total = d.len();
    let nz: Vec<f64> = d.into_iter().filter(|&x| x != 0.0).collect();
    let count = nz.len();
    let zeros = n_total - count;
    if count == 0 {
        return Ok(Wilcoxon {
            statistic: 0.0,
            w_plus: 0.0,
            w_minus: 0.0,
            nonzero: 0,
            zeros,
            ties: false,
            z: None,
            p_value: 1.0,
            method: WilcoxonNull::Exact,
        });
    }

    // Doubled average ranks are whole numbers: a tie group occupying sorted
    // positions i..j (0-based, j exclusive) has average rank (i + 1 + j) / 2.
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_unstable_by(|&a, &b| nz[a].abs().total_cmp(&nz[b].abs()));
    let mut rank2 = vec![0_u64; count];
    let mut tie_term = 0.0_f64;
    let mut ties = false;
    let mut i = 0;
    while i < count {
        let mut j = i + 1;
        while j < count && nz[order[j]].abs() == nz[order[i]].abs() {
            j += 1;
        }
        let t = (j - i) as f64;
        if j - i > 1 {
            ties = true;
            tie_term += t * t * t - t;
        }
        for &k in &order[i..j] {
            rank2[k] = (i + 1 + j) as u64;
        }
        i = j;
    }
    let w_plus2: u64 = (0..count).filter(|&k| nz[k] > 0.0).map(|k| rank2[k]).sum();
    let w_minus2: u64 = (0..count).filter(|&k| nz[k] < 0.0).map(|k| rank2[k]).sum();
    let (w_plus, w_minus) = (w_plus2 as f64 / 2.0, w_minus2 as f64 / 2.0);

    let exact = match options.method {
        WilcoxonMethod::Auto => n_total <= 50 && ((!ties && zeros == 0) || n_total <= 13),
        WilcoxonMethod::Exact => count <= EXACT_MAX_NONZERO,
        WilcoxonMethod::Approx => false,
    };

    let (z, p_value, method) = if exact {
        // Without ties every doubled rank is even: halve them to halve the work.
        let (weights, observed): (Vec<u64>, u64) = if ties {
            (rank2, w_plus2)
        } else {
            (rank2.iter().map(|r| r / 2).collect(), w_plus2 / 2)
        };
        (None, exact_p_value(weights, observed), WilcoxonNull::Exact)
    } else {
        let c = count as f64;
        let mean = c * (c + 1.0) * 0.25;
        let sd = ((c * (c + 1.0) * (2.0 * c + 1.0) - tie_term / 2.0) / 24.0).sqrt();
        let mut z = (w_plus - mean) / sd;
        if options.correction {
            z -= sign(z) * 0.5 / sd;
        }
        (
            Some(z),
            (2.0 * normal_sf(z.abs())).min(1.0),
            WilcoxonNull::Normal,
        )
    };

    Ok(Wilcoxon {
        statistic: w_plus.min(w_minus),
        w_plus,
        w_minus,
        nonzero: count,
        zeros,
        ties,
        z,
        p_value,
        method,
    })
}

/// numpy's sign: 0 for 0.
fn sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

/// Two-sided p-value of `observed` under the distribution of the sum of a
/// uniformly random subset of `weights` (each included with probability
/// 1/2), by dynamic programming over the possible sums.
fn exact_p_value(mut weights: Vec<u64>, observed: u64) -> f64 {
    weights.sort_unstable();
    let total: u64 = weights.iter().sum();
    let Ok(len) = usize::try_from(total + 1) else {
        return f64::NAN;
    };
    let mut pmf = vec![0.0_f64; len];
    pmf[0] = 1.0;
    let mut reach = 0_usize;
    for &w in &weights {
        // Sums are at most `total`, which fits in usize (checked above).
        let w = w as usize;
        reach += w;
        for s in (w..=reach).rev() {
            pmf[s] = 0.5 * pmf[s] + 0.5 * pmf[s - w];
        }
        for p in pmf.iter_mut().take(w.min(reach + 1)) {
            *p *= 0.5;
        }
    }
    let obs = observed as usize;
    let lower: f64 = pmf[..=obs].iter().sum();
    let upper: f64 = pmf[obs..].iter().sum();
    (2.0 * lower.min(upper)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_distribution_of_n_3() {
        // W+ over subsets of {1, 2, 3}: sums 0,1,2,3,3,4,5,6.
        let p = exact_p_value(vec![1, 2, 3], 0);
        assert_eq!(p, 2.0 / 8.0);
        let p = exact_p_value(vec![1, 2, 3], 3);
        assert_eq!(p, 1.0);
    }

    #[test]
    fn all_zero_differences_give_p_1() {
        let w = wilcoxon(&[1.0; 20], &[1.0; 20], &WilcoxonOptions::default()).unwrap();
        assert_eq!((w.p_value, w.nonzero, w.zeros), (1.0, 0, 20));
    }

    #[test]
    fn swapping_the_runs_keeps_the_p_value() {
        let a = [
            1.0, 3.0, 2.0, 5.0, 4.0, 4.0, 1.0, 0.5, 2.5, 3.0, 6.0, 1.5, 7.0, 2.0,
        ];
        let b = [
            2.0, 3.5, 4.0, 5.0, 6.0, 3.0, 2.0, 1.0, 2.5, 5.0, 6.5, 4.0, 9.0, 2.5,
        ];
        for method in [
            WilcoxonMethod::Auto,
            WilcoxonMethod::Exact,
            WilcoxonMethod::Approx,
        ] {
            let o = WilcoxonOptions {
                method,
                correction: true,
            };
            let x = wilcoxon(&a, &b, &o).unwrap();
            let y = wilcoxon(&b, &a, &o).unwrap();
            assert!((x.p_value - y.p_value).abs() < 1e-15, "{method:?}");
            assert_eq!((x.w_plus, x.w_minus), (y.w_minus, y.w_plus));
        }
    }
}
