//! Descriptive statistics for latency, cost and token counts.
//!
//! Percentiles use linear interpolation between closest ranks, numpy's
//! default (`method='linear'`, Hyndman and Fan type 7): for n sorted values
//! and percentile q, the virtual index is h = (n - 1) q / 100 and the result
//! is `x[floor(h)] + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)])`. The
//! arithmetic follows numpy's own steps (including its two-sided lerp), so
//! results agree with `numpy.percentile` to within a few units in the last
//! place.

use serde::Serialize;

use crate::error::{Result, StatsError, check_finite, check_len};

/// Count, mean, spread and the percentiles a report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Number of values.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (divisor n - 1); `None` for one value.
    pub std_dev: Option<f64>,
    /// Smallest value.
    pub min: f64,
    /// Median (50th percentile).
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest value.
    pub max: f64,
}

/// Summarizes `values` (in any order). Errors on an empty slice or a
/// non-finite value. Costs a copy and a few selections: O(n).
///
/// ```
/// let s = whet_stats::summarize(&[120.0, 80.0, 95.0, 300.0])?;
/// assert_eq!(s.count, 4);
/// assert_eq!(s.p50, 107.5);
/// # Ok::<(), whet_stats::StatsError>(())
/// ```
pub fn summarize(values: &[f64]) -> Result<Summary> {
    check_len("sample", values.len(), 1)?;
    check_finite("sample", values)?;
    let mean = mean_unchecked(values);
    let std_dev = (values.len() >= 2).then(|| std_dev_unchecked(values, mean));
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let mut scratch = values.to_vec();
    let [p50, p95, p99] = select_quantiles(&mut scratch, [0.5, 0.95, 0.99]);
    Ok(Summary {
        count: values.len(),
        mean,
        std_dev,
        min,
        p50,
        p95,
        p99,
        max,
    })
}

/// The arithmetic mean (compensated summation). Errors on an empty slice or
/// a non-finite value.
pub fn mean(values: &[f64]) -> Result<f64> {
    check_len("sample", values.len(), 1)?;
    check_finite("sample", values)?;
    Ok(mean_unchecked(values))
}

/// The sample standard deviation (divisor n - 1, numpy's `ddof=1`). Errors
/// with fewer than two values or on a non-finite value.
pub fn std_dev(values: &[f64]) -> Result<f64> {
    check_len("sample", values.len(), 2)?;
    check_finite("sample", values)?;
    let m = mean_unchecked(values);
    Ok(std_dev_unchecked(values, m))
}

/// The median (the 50th percentile, averaging the two middle values when the
/// count is even).
pub fn median(values: &[f64]) -> Result<f64> {
    percentile(values, 50.0)
}

/// The `q`-th percentile (`0 <= q <= 100`) with numpy's default linear
/// interpolation. Errors on an empty slice, a non-finite value or a `q`
/// outside `[0, 100]`.
pub fn percentile(values: &[f64], q: f64) -> Result<f64> {
    Sorted::new(values)?.percentile(q)
}

/// Several percentiles with one sort.
pub fn percentiles(values: &[f64], qs: &[f64]) -> Result<Vec<f64>> {
    let sorted = Sorted::new(values)?;
    qs.iter().map(|&q| sorted.percentile(q)).collect()
}

/// A validated, sorted copy of a sample, for asking many percentiles.
#[derive(Debug, Clone, PartialEq)]
pub struct Sorted {
    values: Vec<f64>,
}

impl Sorted {
    /// Sorts a copy of `values`. Errors on an empty slice or a non-finite
    /// value.
    pub fn new(values: &[f64]) -> Result<Self> {
        check_len("sample", values.len(), 1)?;
        check_finite("sample", values)?;
        let mut values = values.to_vec();
        values.sort_unstable_by(f64::total_cmp);
        Ok(Self { values })
    }

    /// The sorted values.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The `q`-th percentile, `0 <= q <= 100`.
    pub fn percentile(&self, q: f64) -> Result<f64> {
        if !(0.0..=100.0).contains(&q) {
            return Err(StatsError::OutOfRange {
                what: "percentile",
                expected: "between 0 and 100",
                value: q,
            });
        }
        Ok(self.percentile_unchecked(q))
    }

    fn percentile_unchecked(&self, q: f64) -> f64 {
        linear_quantile(&self.values, q / 100.0)
    }
}

/// numpy's `quantile(..., method='linear')` on sorted, non-empty `x`, for
/// `0 <= q <= 1`: the same virtual index and the same two-sided lerp.
pub(crate) fn linear_quantile(x: &[f64], q: f64) -> f64 {
    match position(x.len(), q) {
        (lo, None) => x[lo],
        (lo, Some(t)) => interpolate(x[lo], x[lo + 1], t),
    }
}

/// Where numpy's 'linear' quantile `q` of `n >= 1` sorted values falls: the
/// lower order statistic, and the interpolation weight towards the next one
/// (`None` when the lower one is the answer).
fn position(n: usize, q: f64) -> (usize, Option<f64>) {
    // Virtual index (n - 1) q.
    let virtual_index = (n - 1) as f64 * q;
    let below = virtual_index.floor();
    if below < 0.0 {
        return (0, None);
    }
    // Truncation of a non-negative whole number.
    let lo = below as usize;
    if lo + 1 >= n {
        return (n - 1, None);
    }
    let t = virtual_index - below;
    if t == 0.0 { (lo, None) } else { (lo, Some(t)) }
}

/// numpy's two-sided lerp between neighbouring order statistics.
fn interpolate(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if !diff.is_finite() {
        // Values near ±f64::MAX: interpolate without forming b - a.
        return a * (1.0 - t) + b * t;
    }
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// The 'linear' quantiles `qs` (ascending, in `[0, 1]`) of `values`, by
/// successive selection instead of a full sort: each order statistic needed
/// is selected in the part of the slice right of the previous one. Reorders
/// `values`.
fn select_quantiles<const K: usize>(values: &mut [f64], qs: [f64; K]) -> [f64; K] {
    let n = values.len();
    let mut start = 0;
    let mut select = |idx: usize, values: &mut [f64]| -> f64 {
        if idx > start || (idx == start && start == 0) {
            values[start..].select_nth_unstable_by(idx - start, f64::total_cmp);
            start = idx;
        }
        values[idx]
    };
    qs.map(|q| match position(n, q) {
        (lo, None) => select(lo, values),
        (lo, Some(t)) => {
            let a = select(lo, values);
            let b = select(lo + 1, values);
            interpolate(a, b, t)
        }
    })
}

/// Neumaier-compensated mean of finite values.
pub(crate) fn mean_unchecked(values: &[f64]) -> f64 {
    let mut sum = 0.0_f64;
    let mut compensation = 0.0_f64;
    for &v in values {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            compensation += (sum - t) + v;
        } else {
            compensation += (v - t) + sum;
        }
        sum = t;
    }
    let mean = (sum + compensation) / values.len() as f64;
    // A mean of finite values can overflow only in the sum.
    if mean.is_finite() {
        mean
    } else {
        values.iter().map(|v| v / values.len() as f64).sum()
    }
}

/// Two-pass sample standard deviation around `mean` (n >= 2).
fn std_dev_unchecked(values: &[f64], mean: f64) -> f64 {
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (values.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_linearly() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.0).unwrap(), 1.0);
        assert_eq!(percentile(&v, 100.0).unwrap(), 4.0);
        assert_eq!(percentile(&v, 50.0).unwrap(), 2.5);
        assert!((percentile(&v, 95.0).unwrap() - 3.85).abs() < 1e-12);
        assert_eq!(median(&[5.0]).unwrap(), 5.0);
    }

    #[test]
    fn selection_agrees_with_sorting() {
        let mut x = 0.37_f64;
        for n in [1_usize, 2, 3, 5, 10, 99, 100, 101, 1_000] {
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    x = (x * 997.0 + 0.13).fract();
                    if i % 7 == 0 { 0.5 } else { x }
                })
                .collect();
            let sorted = Sorted::new(&values).unwrap();
            let s = summarize(&values).unwrap();
            assert_eq!(s.p50, sorted.percentile(50.0).unwrap(), "n={n}");
            assert_eq!(s.p95, sorted.percentile(95.0).unwrap(), "n={n}");
            assert_eq!(s.p99, sorted.percentile(99.0).unwrap(), "n={n}");
            assert_eq!(s.min, sorted.values()[0]);
            assert_eq!(s.max, sorted.values()[n - 1]);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(summarize(&[]), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            summarize(&[1.0, f64::NAN]),
            Err(StatsError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(std_dev(&[1.0]), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            percentile(&[1.0], 101.0),
            Err(StatsError::OutOfRange { .. })
        ));
        assert!(matches!(
            percentile(&[1.0], f64::NAN),
            Err(StatsError::OutOfRange { .. })
        ));
    }

    #[test]
    fn huge_values_do_not_overflow_the_mean() {
        let m = mean(&[f64::MAX, f64::MAX]).unwrap();
        assert_eq!(m, f64::MAX);
        let s = summarize(&[f64::MAX, -f64::MAX]).unwrap();
        assert!(s.mean.is_finite());
        assert_eq!((s.min, s.max), (-f64::MAX, f64::MAX));
        assert!(s.p50.is_finite() && s.p95.is_finite() && s.p99.is_finite());
        assert!(s.p50 <= s.p95 && s.p95 <= s.p99);
    }
}
