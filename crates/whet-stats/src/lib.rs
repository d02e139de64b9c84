//! This crate provides the statistics behind whet's evaluation reports and
//! release gates: confidence intervals for pass rates, summaries of latency
//! and cost, paired comparisons of a candidate prompt with its baseline over
//! the same cases, classification metrics, and a power calculation that says
//! when a split is too small for the difference it claims.
//!
//! Everything here is pure and deterministic: no I/O, no global state, no
//! threads. Randomized procedures (bootstrap, Monte Carlo permutation tests)
//! take a seed and use this crate's own [`rng::Xoshiro256StarStar`], pinned
//! to the published reference outputs, so a number in a report can be
//! reproduced exactly. Invalid input (an empty slice, a `NaN`, mismatched
//! pair lengths, a confidence level of 1) is a [`StatsError`], never a panic
//! and never a silent `NaN`.
//!
//! | question | function |
//! | --- | --- |
//! | pass rate with a 95% interval | [`wilson`] ([`clopper_pearson`] for the conservative one) |
//! | p50/p95/p99 latency, mean cost | [`summarize`], [`percentile`] |
//! | did the pass rate change? | [`compare_pass_fail`]: [`mcnemar`] + [`paired_bootstrap_pass_fail`] |
//! | did a score change? | [`compare_scores`]: [`paired_bootstrap`] + [`wilcoxon`] + [`sign_flip_test`] |
//! | per-label precision/recall/F1 | [`ConfusionMatrix`] |
//! | does a change fail the gate? | [`check_regression`] ([`bonferroni_level`] for several metrics) |
//! | is this split big enough? | [`mcnemar_min_detectable_difference`], [`mcnemar_required_pairs`] |
//!
//! Every test and interval is checked against scipy, statsmodels, numpy and
//! scikit-learn on recorded reference values (`tests/data/reference.json`,
//! produced by `scripts/reference.py`).
//!
//! ```
//! use whet_stats::{BootstrapOptions, Direction, RegressionRule, check_regression, compare_pass_fail, wilson};
//!
//! // 200 golden cases, scored by the released prompt and by a candidate.
//! let baseline: Vec<bool> = (0..200).map(|i| i % 20 < 14).collect(); // 70% pass
//! let candidate: Vec<bool> = (0..200).map(|i| i % 20 < 16).collect(); // 80% pass
//!
//! let rate = wilson(160, 200, 0.95)?;
//! assert!(rate.lower > 0.73 && rate.upper < 0.85);
//!
//! let cmp = compare_pass_fail(&baseline, &candidate, &BootstrapOptions::default())?;
//! assert_eq!((cmp.mcnemar.baseline_only, cmp.mcnemar.candidate_only), (0, 20));
//! assert!(cmp.mcnemar.exact_p_value < 1e-5);
//!
//! let gate = check_regression(&cmp.difference, 0.02, Direction::HigherIsBetter, RegressionRule::Significant)?;
//! assert!(gate.passed && gate.improved);
//! # Ok::<(), whet_stats::StatsError>(())
//! ```

mod bootstrap;
mod classification;
pub mod dist;
mod error;
mod gate;
mod interval;
mod mcnemar;
mod paired;
mod permutation;
mod power;
mod proportion;
pub mod rng;
mod summary;
mod wilcoxon;

pub use bootstrap::{
    BootstrapOptions, bootstrap_mean, paired_bootstrap, paired_bootstrap_pass_fail,
};
pub use classification::{ConfusionMatrix, LabelMetrics};
pub use error::{Result, StatsError};
pub use gate::{
    Direction, RegressionCheck, RegressionOutcome, RegressionRule, bonferroni_level,
    check_regression,
};
pub use interval::Interval;
pub use mcnemar::{McNemar, mcnemar};
pub use paired::{
    CompareOptions, PassFailComparison, ScoreComparison, compare_pass_fail, compare_scores,
};
pub use permutation::{
    EXACT_LIMIT as PERMUTATION_EXACT_LIMIT, PermutationOptions, PermutationTest, sign_flip_test,
};
pub use power::{
    independent_discordant_rate, mcnemar_min_detectable_difference, mcnemar_required_pairs,
    mcnemar_underpowered,
};
pub use proportion::{clopper_pearson, wilson};
pub use summary::{Sorted, Summary, mean, median, percentile, percentiles, std_dev, summarize};
pub use wilcoxon::{
    EXACT_MAX_NONZERO as WILCOXON_EXACT_MAX_NONZERO, Wilcoxon, WilcoxonMethod, WilcoxonNull,
    WilcoxonOptions, wilcoxon,
};
