//! How small a change an evaluation of n paired cases can detect.
//!
//! For McNemar's test the usual sample-size approximation (Connor, 1987,
//! "Sample size for testing differences in proportions for the paired-sample
//! design", Biometrics 43) relates the number of pairs `n`, the discordant
//! rate `ψ = P(exactly one run passes a case)` and the difference in pass
//! rates `δ = p_candidate - p_baseline`:
//!
//! ```text
//! n δ² = ( z_{1-α/2} √ψ + z_{power} √(ψ - δ²) )²
//! ```
//!
//! [`mcnemar_min_detectable_difference`] solves it for δ (a closed form: a
//! quadratic in δ), [`mcnemar_required_pairs`] for n. It is a normal
//! approximation: good once `n ψ` (the expected number of discordant cases)
//! is above about 10, optimistic below. The discordant rate must be guessed
//! before the run: take it from a previous comparison of similar prompts, or
//! use [`independent_discordant_rate`] as an upper-end guess (paired runs of
//! similar prompts usually disagree on far fewer cases than independent ones
//! would).

use crate::dist::normal_quantile;
use crate::error::{Result, StatsError};

fn check_open_unit(
    what: &'static str,
    expected: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
) -> Result<()> {
    if v.is_finite() && v > lo && v < hi {
        Ok(())
    } else {
        Err(StatsError::OutOfRange {
            what,
            expected,
            value: v,
        })
    }
}

fn check_common(discordant_rate: f64, alpha: f64, power: f64) -> Result<(f64, f64)> {
    if !(discordant_rate.is_finite() && discordant_rate > 0.0 && discordant_rate <= 1.0) {
        return Err(StatsError::OutOfRange {
            what: "discordant rate",
            expected: "in (0, 1]: the share of cases where exactly one run passes",
            value: discordant_rate,
        });
    }
    check_open_unit(
        "alpha",
        "strictly between 0 and 1 (0.05 usual)",
        alpha,
        0.0,
        1.0,
    )?;
    if !(power.is_finite() && (0.5..1.0).contains(&power)) {
        return Err(StatsError::OutOfRange {
            what: "power",
            expected: "at least 0.5 and below 1 (0.8 usual)",
            value: power,
        });
    }
    Ok((-normal_quantile(alpha / 2.0), normal_quantile(power)))
}

/// The smallest difference in pass rates that McNemar's test at level
/// `alpha` (two-sided) detects with probability `power`, from `pairs` paired
/// cases whose discordant rate is `discordant_rate`.
///
/// `None` when no difference is detectable: even `δ = ψ` (every discordant
/// case going the candidate's way) falls short, or `pairs < z²`.
///
/// ```
/// // 100 cases, 20% of them discordant: only a 12-point change is reliably seen.
/// let d = whet_stats::mcnemar_min_detectable_difference(100, 0.2, 0.05, 0.8)?;
/// assert!((d.unwrap_or(1.0) - 0.1238).abs() < 1e-4);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn mcnemar_min_detectable_difference(
    pairs: u64,
    discordant_rate: f64,
    alpha: f64,
    power: f64,
) -> Result<Option<f64>> {
    let (za, zb) = check_common(discordant_rate, alpha, power)?;
    let n = pairs as f64;
    let psi = discordant_rate;
    if n < za * za {
        return Ok(None);
    }
    // (n + zb²) δ² - 2 A √n δ + A² - zb² ψ = 0 with A = za √ψ; the larger root.
    let a = za * psi.sqrt();
    let disc = psi * (n + zb * zb) - a * a;
    if disc < 0.0 {
        return Ok(None);
    }
    let delta = (a * n.sqrt() + zb * disc.sqrt()) / (n + zb * zb);
    Ok((delta <= psi).then_some(delta))
}

/// The number of paired cases McNemar's test needs to detect a difference of
/// `difference` in pass rates (absolute value used) at level `alpha` with
/// probability `power`, given the discordant rate. Rounded up.
///
/// Errors when the difference is 0 or exceeds the discordant rate (it cannot:
/// `|δ| <= ψ`), or a parameter is out of range.
pub fn mcnemar_required_pairs(
    difference: f64,
    discordant_rate: f64,
    alpha: f64,
    power: f64,
) -> Result<u64> {
    let (za, zb) = check_common(discordant_rate, alpha, power)?;
    let delta = difference.abs();
    if !(delta.is_finite() && delta > 0.0 && delta <= discordant_rate) {
        return Err(StatsError::OutOfRange {
            what: "difference",
            expected: "non-zero and at most the discordant rate in absolute value",
            value: difference,
        });
    }
    let psi = discordant_rate;
    let root = (za * psi.sqrt() + zb * (psi - delta * delta).sqrt()) / delta;
    // A count: finite and positive here, so the cast saturates at worst.
    Ok((root * root).ceil() as u64)
}

/// The discordant rate two runs would have if their outcomes were
/// independent, `p1 (1 - p2) + p2 (1 - p1)`: a pessimistic guess for
/// planning (paired runs of similar prompts agree more often).
pub fn independent_discordant_rate(p_baseline: f64, p_candidate: f64) -> Result<f64> {
    for (what, p) in [
        ("baseline pass rate", p_baseline),
        ("candidate pass rate", p_candidate),
    ] {
        if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
            return Err(StatsError::OutOfRange {
                what,
                expected: "between 0 and 1",
                value: p,
            });
        }
    }
    Ok(p_baseline * (1.0 - p_candidate) + p_candidate * (1.0 - p_baseline))
}

/// Whether `pairs` cases are too few to detect `claimed_difference` at the
/// given level and power: true when the minimum detectable difference is
/// larger than the claim (or nothing is detectable). For the optimizer's
/// "split too small for the claimed difference" warning.
pub fn mcnemar_underpowered(
    pairs: u64,
    claimed_difference: f64,
    discordant_rate: f64,
    alpha: f64,
    power: f64,
) -> Result<bool> {
    if !claimed_difference.is_finite() {
        return Err(StatsError::OutOfRange {
            what: "claimed difference",
            expected: "a finite number",
            value: claimed_difference,
        });
    }
    Ok(
        match mcnemar_min_detectable_difference(pairs, discordant_rate, alpha, power)? {
            None => true,
            Some(mdd) => mdd > claimed_difference.abs(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_pairs_and_min_difference_invert_each_other() {
        for &(delta, psi) in &[(0.05, 0.1), (0.1, 0.3), (0.2, 0.25), (0.02, 0.05)] {
            let n = mcnemar_required_pairs(delta, psi, 0.05, 0.8).unwrap();
            let at_n = mcnemar_min_detectable_difference(n, psi, 0.05, 0.8)
                .unwrap()
                .unwrap();
            let below = mcnemar_min_detectable_difference(n - 1, psi, 0.05, 0.8).unwrap();
            assert!(at_n <= delta + 1e-12, "{delta} {psi} {n} {at_n}");
            assert!(
                below.is_none_or(|d| d > delta),
                "{delta} {psi} {n} {below:?}"
            );
        }
    }

    #[test]
    fn tiny_samples_detect_nothing() {
        assert_eq!(
            mcnemar_min_detectable_difference(3, 0.5, 0.05, 0.8).unwrap(),
            None
        );
        assert_eq!(
            mcnemar_min_detectable_difference(10, 0.05, 0.05, 0.8).unwrap(),
            None
        );
        assert!(mcnemar_underpowered(10, 0.3, 0.05, 0.05, 0.8).unwrap());
        assert!(!mcnemar_underpowered(5_000, 0.05, 0.2, 0.05, 0.8).unwrap());
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(mcnemar_min_detectable_difference(100, 0.0, 0.05, 0.8).is_err());
        assert!(mcnemar_min_detectable_difference(100, 0.2, 1.0, 0.8).is_err());
        assert!(mcnemar_min_detectable_difference(100, 0.2, 0.05, 0.3).is_err());
        assert!(mcnemar_required_pairs(0.3, 0.2, 0.05, 0.8).is_err());
        assert!(mcnemar_required_pairs(0.0, 0.2, 0.05, 0.8).is_err());
        assert!(independent_discordant_rate(1.2, 0.5).is_err());
        assert!((independent_discordant_rate(0.7, 0.8).unwrap() - 0.38).abs() < 1e-15);
    }
}
