//! The paired permutation (sign-flip) test for a mean difference.
//!
//! Under the null hypothesis that the two runs are exchangeable on every
//! case, each difference `candidate - baseline` is as likely to have come out
//! with the opposite sign. The p-value is the share of the 2^n sign
//! assignments whose mean difference is at least as extreme as the observed
//! one, two-sided as in `scipy.stats.permutation_test`:
//! `min(1, 2 min(P(T <= t), P(T >= t)))`.
//!
//! Unlike the Wilcoxon test it tests the mean itself, on the scale of the
//! scores, with no distributional assumption.
//!
//! - Zero differences do not change under a sign flip, so they are left out
//!   of the enumeration (the proportions are the same).
//! - With at most [`PermutationOptions::exact_max_pairs`] non-zero
//!   differences (default 20, at most [`EXACT_LIMIT`]) every assignment is
//!   counted, by meet-in-the-middle: the 2^(n/2) sums of each half, one half
//!   sorted, a binary search per sum of the other. The p-value is exact.
//! - Otherwise `resamples` random assignments (seeded) estimate it, with
//!   scipy's `(count + 1) / (resamples + 1)` so a Monte Carlo p-value is never
//!   0.
//! - Sums that differ from the observed one by rounding alone count as ties:
//!   the tolerance is `100 ε Σ|d|` (scipy uses `100 ε |t|`, which can miss
//!   rounding noise when the observed sum is close to 0 through cancellation).

use serde::Serialize;

use crate::error::{Result, StatsError, paired_differences};
use crate::rng::Xoshiro256StarStar;

/// The most non-zero differences counted exactly (2^20 sums per half).
pub const EXACT_LIMIT: usize = 40;

/// Options of [`sign_flip_test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PermutationOptions {
    /// Enumerate every sign assignment when there are at most this many
    /// non-zero differences (default 20; values above [`EXACT_LIMIT`] act as
    /// [`EXACT_LIMIT`]).
    pub exact_max_pairs: usize,
    /// Random sign assignments otherwise (default 10,000).
    pub resamples: usize,
    /// Seed of the generator (default 0).
    pub seed: u64,
}

impl Default for PermutationOptions {
    fn default() -> Self {
        Self {
            exact_max_pairs: 20,
            resamples: 10_000,
            seed: 0,
        }
    }
}

/// The result of [`sign_flip_test`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PermutationTest {
    /// Observed mean of `candidate - baseline`.
    pub mean_difference: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Whether every sign assignment was counted (else Monte Carlo).
    pub exact: bool,
    /// Assignments counted: 2^n' when exact, else the resamples drawn.
    pub permutations: u64,
}

/// The paired sign-flip permutation test of the mean of
/// `candidate - baseline`.
///
/// Errors when the slices differ in length, are empty, hold a non-finite
/// value, or Monte Carlo is needed and `resamples` is 0.
///
/// ```
/// use whet_stats::{PermutationOptions, sign_flip_test};
/// let t = sign_flip_test(&[0.0; 10], &[0.5; 10], &PermutationOptions::default())?;
/// assert!(t.exact);
/// assert_eq!(t.p_value, 2.0 / 1024.0);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn sign_flip_test(
    baseline: &[f64],
    candidate: &[f64],
    options: &PermutationOptions,
) -> Result<PermutationTest> {
    let mut d = paired_differences(baseline, candidate)?;
    let mean_difference = crate::summary::mean_unchecked(&d);
    // The p-value is unchanged by scaling every difference by the same
    // positive factor: scale down values whose sums could overflow.
    let nf = d.len() as f64;
    if d.iter().fold(0.0_f64, |m, x| m.max(x.abs())) > f64::MAX / nf / 2.0 {
        d.iter_mut().for_each(|x| *x /= nf);
    }
    let observed: f64 = d.iter().sum();
    let nz: Vec<f64> = d.into_iter().filter(|&x| x != 0.0).collect();
    if nz.is_empty() {
        return Ok(PermutationTest {
            mean_difference,
            p_value: 1.0,
            exact: true,
            permutations: 1,
        });
    }
    let gamma = 100.0 * f64::EPSILON * nz.iter().map(|x| x.abs()).sum::<f64>();
    let (lo, hi) = (observed - gamma, observed + gamma);
    let m = nz.len();
    if m <= options.exact_max_pairs.min(EXACT_LIMIT) {
        let (first, second) = nz.split_at(m / 2);
        let a = signed_sums(first);
        let mut b = signed_sums(second);
        b.sort_unstable_by(f64::total_cmp);
        let (mut le, mut ge) = (0_u64, 0_u64);
        for &x in &a {
            // #{b : x + b <= hi} and #{b : x + b >= lo}
            le += b.partition_point(|&y| y <= hi - x) as u64;
            ge += (b.len() - b.partition_point(|&y| y < lo - x)) as u64;
        }
        let total = 1_u64 << m;
        let p = 2.0 * le.min(ge) as f64 / total as f64;
        return Ok(PermutationTest {
            mean_difference,
            p_value: p.min(1.0),
            exact: true,
            permutations: total,
        });
    }
    if options.resamples == 0 {
        return Err(StatsError::OutOfRange {
            what: "permutation resamples",
            expected: "at least 1 (10,000 is usual)",
            value: 0.0,
        });
    }
    let mut rng = Xoshiro256StarStar::seed_from_u64(options.seed);
    let (mut le, mut ge) = (0_u64, 0_u64);
    for _ in 0..options.resamples {
        let mut sum = 0.0;
        for chunk in nz.chunks(64) {
            let bits = rng.next_u64();
            for (k, &x) in chunk.iter().enumerate() {
                // Flip the sign bit of x when bit k is set.
                sum += f64::from_bits(x.to_bits() ^ (((bits >> k) & 1) << 63));
            }
        }
        le += u64::from(sum <= hi);
        ge += u64::from(sum >= lo);
    }
    let r = options.resamples as f64;
    let p_le = (le as f64 + 1.0) / (r + 1.0);
    let p_ge = (ge as f64 + 1.0) / (r + 1.0);
    Ok(PermutationTest {
        mean_difference,
        p_value: (2.0 * p_le.min(p_ge)).min(1.0),
        exact: false,
        permutations: options.resamples as u64,
    })
}

/// The 2^k sums `Σ ±x_i` over every sign assignment of `xs`.
fn signed_sums(xs: &[f64]) -> Vec<f64> {
    let mut sums = Vec::with_capacity(1 << xs.len());
    sums.push(0.0);
    for &x in xs {
        let len = sums.len();
        for i in 0..len {
            let s = sums[i];
            sums[i] = s + x;
            sums.push(s - x);
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_sums_enumerate_every_assignment() {
        let mut s = signed_sums(&[1.0, 2.0]);
        s.sort_unstable_by(f64::total_cmp);
        assert_eq!(s, [-3.0, -1.0, 1.0, 3.0]);
        assert_eq!(signed_sums(&[]), [0.0]);
    }

    #[test]
    fn huge_values_give_the_same_p_value_as_small_ones() {
        let small = [1.0, -1.0, 1.0, 1.0, 0.5];
        let huge: Vec<f64> = small.iter().map(|x| x * 1e308).collect();
        let zeros = [0.0; 5];
        for exact_max_pairs in [0, 20] {
            let o = PermutationOptions {
                exact_max_pairs,
                ..PermutationOptions::default()
            };
            let a = sign_flip_test(&zeros, &small, &o).unwrap();
            let b = sign_flip_test(&zeros, &huge, &o).unwrap();
            assert_eq!(a.p_value, b.p_value);
            assert!(b.mean_difference.is_finite());
        }
    }

    #[test]
    fn exact_and_monte_carlo_agree() {
        let b = [0.0; 16];
        let c = [
            0.3, -0.1, 0.25, 0.4, -0.2, 0.15, 0.05, 0.35, -0.3, 0.2, 0.1, 0.45, -0.05, 0.3, 0.0,
            0.12,
        ];
        let exact = sign_flip_test(&b, &c, &PermutationOptions::default()).unwrap();
        let mc = sign_flip_test(
            &b,
            &c,
            &PermutationOptions {
                exact_max_pairs: 0,
                resamples: 50_000,
                seed: 3,
            },
        )
        .unwrap();
        assert!(exact.exact && !mc.exact);
        assert_eq!(exact.permutations, 1 << 15);
        let se = (exact.p_value * (1.0 - exact.p_value) / 50_000.0).sqrt() * 2.0;
        assert!(
            (exact.p_value - mc.p_value).abs() < 5.0 * se,
            "{exact:?} {mc:?}"
        );
    }
}
