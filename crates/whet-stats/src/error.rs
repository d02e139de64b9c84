//! The one error type of this crate.

/// Why a statistic could not be computed.
///
/// Every function in this crate validates its input and returns one of these
/// instead of panicking or quietly returning `NaN`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StatsError {
    /// Fewer values than the statistic needs (an empty slice, one value for a
    /// standard deviation, zero trials for a pass rate).
    #[error("{what} has {got} value(s), but at least {needed} are needed")]
    TooFew {
        /// What was too short.
        what: &'static str,
        /// How many values it needs.
        needed: usize,
        /// How many it had.
        got: usize,
    },
    /// A value is `NaN` or infinite.
    #[error(
        "{what}[{index}] is {value}: statistics need finite numbers, so drop or impute \
         missing values before calling"
    )]
    NonFinite {
        /// Which input held it.
        what: &'static str,
        /// Its position.
        index: usize,
        /// The value itself.
        value: f64,
    },
    /// Paired inputs of different lengths.
    #[error(
        "paired samples differ in length (baseline {baseline}, candidate {candidate}): \
         pair each case once in both runs"
    )]
    LengthMismatch {
        /// Length of the baseline sample.
        baseline: usize,
        /// Length of the candidate sample.
        candidate: usize,
    },
    /// A parameter outside its domain (a confidence level of 1.5, a percentile
    /// of 120, zero resamples).
    #[error("{what} must be {expected}, got {value}")]
    OutOfRange {
        /// Which parameter.
        what: &'static str,
        /// Its domain, in words.
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// More successes than trials.
    #[error("{successes} successes out of {trials} trials: successes cannot exceed trials")]
    SuccessesExceedTrials {
        /// Successes given.
        successes: u64,
        /// Trials given.
        trials: u64,
    },
}

/// Shorthand for this crate's results.
pub type Result<T, E = StatsError> = std::result::Result<T, E>;

/// Every value of `values` is finite, or the first one that is not.
pub(crate) fn check_finite(what: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(StatsError::NonFinite {
            what,
            index,
            value: values[index],
        }),
    }
}

/// At least `needed` values.
pub(crate) fn check_len(what: &'static str, got: usize, needed: usize) -> Result<()> {
    if got < needed {
        return Err(StatsError::TooFew { what, needed, got });
    }
    Ok(())
}

/// A confidence level strictly between 0 and 1.
pub(crate) fn check_level(level: f64) -> Result<()> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(StatsError::OutOfRange {
            what: "confidence level",
            expected: "strictly between 0 and 1 (0.95 for a 95% interval)",
            value: level,
        })
    }
}

/// Two paired samples of equal length, both finite, and their differences
/// `candidate - baseline` (also checked finite: `1e308 - -1e308` overflows).
pub(crate) fn paired_differences(baseline: &[f64], candidate: &[f64]) -> Result<Vec<f64>> {
    if baseline.len() != candidate.len() {
        return Err(StatsError::LengthMismatch {
            baseline: baseline.len(),
            candidate: candidate.len(),
        });
    }
    check_len("paired sample", baseline.len(), 1)?;
    check_finite("baseline", baseline)?;
    check_finite("candidate", candidate)?;
    let d: Vec<f64> = baseline.iter().zip(candidate).map(|(b, c)| c - b).collect();
    check_finite("difference (candidate - baseline)", &d)?;
    Ok(d)
}
