//! One call per metric: everything a baseline-versus-candidate report shows.

use serde::Serialize;

use crate::bootstrap::{BootstrapOptions, paired_bootstrap, paired_bootstrap_pass_fail};
use crate::error::Result;
use crate::interval::Interval;
use crate::mcnemar::{McNemar, mcnemar};
use crate::permutation::{PermutationOptions, PermutationTest, sign_flip_test};
use crate::summary::mean_unchecked;
use crate::wilcoxon::{Wilcoxon, WilcoxonOptions, wilcoxon};

/// A pass/fail metric compared over the same cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassFailComparison {
    /// The 2×2 table, both pass rates and McNemar's test.
    pub mcnemar: McNemar,
    /// Candidate minus baseline pass rate with its paired bootstrap interval.
    pub difference: Interval,
}

/// McNemar's test and the paired bootstrap interval of the change in pass
/// rate. `baseline[i]` and `candidate[i]` are the outcomes of case `i`.
///
/// ```
/// use whet_stats::{BootstrapOptions, compare_pass_fail};
/// let baseline: Vec<bool> = (0..200).map(|i| i % 10 < 6).collect(); // 60%
/// let candidate: Vec<bool> = (0..200).map(|i| i % 10 < 8).collect(); // 80%
/// let c = compare_pass_fail(&baseline, &candidate, &BootstrapOptions::default())?;
/// assert!((c.difference.estimate - 0.2).abs() < 1e-12);
/// assert!(c.difference.lower > 0.1 && c.mcnemar.exact_p_value < 1e-9);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn compare_pass_fail(
    baseline: &[bool],
    candidate: &[bool],
    bootstrap: &BootstrapOptions,
) -> Result<PassFailComparison> {
    let mcnemar = mcnemar(baseline, candidate)?;
    let difference = paired_bootstrap_pass_fail(baseline, candidate, bootstrap)?;
    Ok(PassFailComparison {
        mcnemar,
        difference,
    })
}

/// Options of [`compare_scores`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct CompareOptions {
    /// For the interval of the mean difference.
    pub bootstrap: BootstrapOptions,
    /// For the signed-rank test.
    pub wilcoxon: WilcoxonOptions,
    /// For the sign-flip test.
    pub permutation: PermutationOptions,
}

/// A numeric metric compared over the same cases.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreComparison {
    /// Number of paired cases.
    pub pairs: usize,
    /// Mean baseline score.
    pub baseline_mean: f64,
    /// Mean candidate score.
    pub candidate_mean: f64,
    /// Mean of `candidate - baseline` with its paired bootstrap interval.
    pub difference: Interval,
    /// Wilcoxon signed-rank test.
    pub wilcoxon: Wilcoxon,
    /// Paired sign-flip permutation test of the mean.
    pub permutation: PermutationTest,
}

/// The paired bootstrap interval of the mean difference, the Wilcoxon
/// signed-rank test and the sign-flip permutation test, for scores
/// `baseline[i]` and `candidate[i]` of case `i`.
pub fn compare_scores(
    baseline: &[f64],
    candidate: &[f64],
    options: &CompareOptions,
) -> Result<ScoreComparison> {
    let difference = paired_bootstrap(baseline, candidate, &options.bootstrap)?;
    let wilcoxon = wilcoxon(baseline, candidate, &options.wilcoxon)?;
    let permutation = sign_flip_test(baseline, candidate, &options.permutation)?;
    Ok(ScoreComparison {
        pairs: baseline.len(),
        baseline_mean: mean_unchecked(baseline),
        candidate_mean: mean_unchecked(candidate),
        difference,
        wilcoxon,
        permutation,
    })
}
