//! The few distribution functions the tests and intervals need.
//!
//! Built on `libm`'s `erfc` and `lgamma` (ports of the FreeBSD/musl
//! implementations, accurate to about one unit in the last place). The normal
//! quantile refines a textbook starting point with Halley's method until it is
//! as accurate as `erfc` itself; the regularized incomplete beta function is
//! the classic continued fraction (modified Lentz). All of them agree with
//! scipy to within 1e-12 over the ranges this crate uses (see
//! `tests/reference.rs`).

use std::f64::consts::{FRAC_1_SQRT_2, LN_2};

/// ln(sqrt(2 pi)).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The standard normal cumulative distribution function, P(Z <= x).
///
/// Accurate in relative terms far into the lower tail (`normal_cdf(-37.0)` is
/// about 5.7e-300, not 0). Returns `NaN` for a `NaN` argument.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// The standard normal survival function, P(Z > x) = `normal_cdf(-x)`,
/// accurate in the upper tail.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * libm::erfc(x * FRAC_1_SQRT_2)
}

/// The standard normal quantile (inverse CDF): the `x` with
/// `normal_cdf(x) == p`.
///
/// `p = 0` gives negative infinity, `p = 1` positive infinity, and a `p`
/// outside `[0, 1]` (or `NaN`) gives `NaN`. Agrees with `scipy.stats.norm.ppf`
/// to within a few units in the last place.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        // As in cephes' ndtri: the upper half through the complement.
        return -lower_quantile(1.0 - p);
    }
    lower_quantile(p)
}

/// The quantile for `0 < p <= 0.5`.
fn lower_quantile(p: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    // Abramowitz and Stegun 26.2.23: absolute error below 4.5e-4.
    let t = (-2.0 * p.ln()).sqrt();
    let mut x = -(t
        - (2.515_517 + t * (0.802_853 + t * 0.010_328))
            / (1.0 + t * (1.432_788 + t * (0.189_269 + t * 0.001_308))));
    // Halley's method on F(x) = cdf(x) - p; the ratio (cdf(x) - p) / pdf(x)
    // is formed in log space so deep tails neither overflow nor underflow.
    for _ in 0..8 {
        let e = normal_cdf(x) - p;
        if e == 0.0 {
            break;
        }
        let u = e.signum() * (e.abs().ln() + LN_SQRT_2PI + 0.5 * x * x).exp();
        let step = u / (1.0 + 0.5 * x * u);
        x -= step;
        if step.abs() <= 4.0 * f64::EPSILON * x.abs() {
            break;
        }
    }
    x
}

/// The two-sided critical value for a confidence `level`: the `z` with
/// P(-z < Z < z) = level (1.959963984540054 for 0.95).
pub(crate) fn two_sided_z(level: f64) -> f64 {
    -normal_quantile((1.0 - level) / 2.0)
}

/// The survival function of the chi-square distribution with one degree of
/// freedom, P(X > x) = erfc(sqrt(x / 2)). Returns 1 for `x <= 0`.
pub fn chi2_1_sf(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    libm::erfc((0.5 * x).sqrt())
}

/// ln C(n, k).
fn ln_choose(n: u64, k: u64) -> f64 {
    let (n, k) = (n as f64, k as f64);
    libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
}

/// P(X <= k) for X ~ Binomial(n, 1/2).
///
/// Up to n = 1000 the mass is summed upwards from `2^-n` with the ratio
/// `pmf(i + 1) = pmf(i) (n - i) / (i + 1)` (exact for small n, about k ulps
/// otherwise). Beyond, where `2^-n` underflows, it is summed downwards from
/// `k` (the terms shrink in that direction while `k <= n / 2`), starting
/// from one `lgamma`-based term (relative error about 1e-12 at n = 10^4).
pub fn binomial_half_cdf(k: u64, n: u64) -> f64 {
    if k >= n {
        return 1.0;
    }
    if 2 * k > n {
        // P(X <= k) = 1 - P(X <= n - k - 1), by symmetry.
        return 1.0 - binomial_half_cdf(n - k - 1, n);
    }
    if n <= 1_000 {
        // 2^-n, exact (n <= 1000 keeps it a normal number).
        let mut term = (-(n as f64)).exp2();
        let mut sum = term;
        for i in 0..k {
            term *= (n - i) as f64 / (i + 1) as f64;
            sum += term;
        }
        return sum.min(1.0);
    }
    let mut term = (ln_choose(n, k) - n as f64 * LN_2).exp();
    let mut sum = 0.0;
    let mut i = k;
    loop {
        sum += term;
        if i == 0 || term < sum * 1e-17 {
            break;
        }
        // pmf(i - 1) = pmf(i) * i / (n - i + 1)
        term *= i as f64 / (n - i + 1) as f64;
        i -= 1;
    }
    sum.min(1.0)
}

/// The regularized incomplete beta function I_x(a, b), for `a, b > 0` and
/// `0 <= x <= 1`. `NaN` outside that domain.
pub fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) || x.is_nan() || !(0.0..=1.0).contains(&x) {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.0;
    }
    if x == 1.0 {
        return 1.0;
    }
    let ln_front =
        libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b) + a * x.ln() + b * (-x).ln_1p();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2);
    // use I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const MAX_ITERATIONS: u32 = 100_000;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_ITERATIONS {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() <= f64::EPSILON {
            break;
        }
    }
    h
}

/// The quantile of the Beta(a, b) distribution: the `x` with
/// I_x(a, b) = p. Found by bisection (geometric while the bracket spans
/// orders of magnitude, so tiny quantiles are found as accurately as large
/// ones), to full double precision.
pub fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) || p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return 0.0;
    }
    if p == 1.0 {
        return 1.0;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..2_200 {
        let mid = if lo > 0.0 && hi > 4.0 * lo {
            lo.sqrt() * hi.sqrt()
        } else if lo == 0.0 && hi > 1e-300 {
            // Step down through the orders of magnitude first.
            hi * 1e-3
        } else {
            lo + 0.5 * (hi - lo)
        };
        if mid <= lo || mid >= hi {
            break;
        }
        if regularized_incomplete_beta(mid, a, b) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo + 0.5 * (hi - lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_inverts_cdf() {
        for &p in &[1e-300, 1e-20, 1e-5, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0 - 1e-9] {
            let x = normal_quantile(p);
            let back = normal_cdf(x);
            // d(cdf)/cdf is about |x| dx in the tail: one ulp of x there moves
            // the cdf by |x| ulps, relatively.
            let tol = 1e-15 * (1.0 + x * x);
            assert!(((back - p) / p).abs() < tol, "p={p} x={x} back={back}");
        }
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
        assert!((two_sided_z(0.95) - 1.959_963_984_540_054).abs() < 1e-15);
    }

    #[test]
    fn binomial_half_cdf_small_cases_are_exact() {
        // n = 4: pmf = 1, 4, 6, 4, 1 over 16.
        assert_eq!(binomial_half_cdf(0, 4), 1.0 / 16.0);
        assert_eq!(binomial_half_cdf(1, 4), 5.0 / 16.0);
        assert!((binomial_half_cdf(2, 4) - 11.0 / 16.0).abs() < 1e-15);
        assert!((binomial_half_cdf(3, 4) - 15.0 / 16.0).abs() < 1e-15);
        assert_eq!(binomial_half_cdf(4, 4), 1.0);
        assert_eq!(binomial_half_cdf(0, 0), 1.0);
    }

    #[test]
    fn incomplete_beta_matches_closed_forms() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b.
        for &x in &[0.001, 0.3, 0.5, 0.77, 0.999] {
            assert!((regularized_incomplete_beta(x, 1.0, 1.0) - x).abs() < 1e-14);
            assert!((regularized_incomplete_beta(x, 3.0, 1.0) - x.powi(3)).abs() < 1e-14);
            let want = 1.0 - (1.0 - x).powi(5);
            assert!((regularized_incomplete_beta(x, 1.0, 5.0) - want).abs() < 1e-14);
        }
        let q = beta_quantile(0.025, 3.0, 1.0);
        assert!((q - 0.025_f64.cbrt()).abs() < 1e-14);
        let tiny = beta_quantile(1e-200, 1.0, 1.0);
        assert!(((tiny - 1e-200) / 1e-200).abs() < 1e-12, "{tiny}");
    }
}
