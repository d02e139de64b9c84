#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Property tests: no input makes anything panic; invalid input is an error,
//! never a `NaN`; every p-value lies in [0, 1]; every interval is ordered.

use proptest::prelude::*;
use whet_stats::{
    BootstrapOptions, ConfusionMatrix, Direction, Interval, McNemar, PermutationOptions,
    RegressionRule, StatsError, WilcoxonMethod, WilcoxonOptions, check_regression, clopper_pearson,
    mcnemar, mcnemar_min_detectable_difference, paired_bootstrap, paired_bootstrap_pass_fail,
    percentile, sign_flip_test, summarize, wilcoxon, wilson,
};

/// Any f64 at all, NaN and infinities included, with ordinary values common.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e6..1e6_f64,
        2 => (-5i32..5).prop_map(f64::from),
        1 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(0.0),
    ]
}

/// Finite values with many ties and zeros.
fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-4i32..=4).prop_map(|v| f64::from(v) / 4.0),
        -10.0..10.0_f64
    ]
}

fn paired(max: usize) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (0..max).prop_flat_map(|n| {
        (
            prop::collection::vec(score(), n),
            prop::collection::vec(score(), n),
        )
    })
}

fn p_ok(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

fn interval_ok(i: &Interval) -> bool {
    i.lower <= i.upper && i.lower.is_finite() && i.upper.is_finite()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn summaries_never_panic_and_reject_non_finite(values in prop::collection::vec(any_f64(), 0..40), q in any_f64()) {
        let finite = !values.is_empty() && values.iter().all(|v| v.is_finite());
        match summarize(&values) {
            Ok(s) => {
                prop_assert!(finite);
                prop_assert!(s.min <= s.p50 && s.p50 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.max);
            }
            Err(StatsError::TooFew { .. }) => prop_assert!(values.is_empty()),
            Err(StatsError::NonFinite { value, .. }) => prop_assert!(!value.is_finite()),
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
        let r = percentile(&values, q);
        prop_assert_eq!(r.is_ok(), finite && (0.0..=100.0).contains(&q));
    }

    #[test]
    fn proportion_intervals_are_ordered_and_inside_0_1(k in 0u64..2_000, n in 0u64..2_000, level in any_f64()) {
        let valid = n > 0 && k <= n && level > 0.0 && level < 1.0;
        for r in [wilson(k, n, level), clopper_pearson(k, n, level)] {
            prop_assert_eq!(r.is_ok(), valid);
            if let Ok(ci) = r {
                prop_assert!(interval_ok(&ci));
                prop_assert!(0.0 <= ci.lower && ci.upper <= 1.0);
                prop_assert!(ci.lower <= ci.estimate + 1e-12 && ci.estimate <= ci.upper + 1e-12);
            }
        }
    }

    #[test]
    fn mcnemar_p_values_are_probabilities(a in 0u64..10_000, b in 0u64..10_000, c in 0u64..10_000, d in 0u64..10_000) {
        let t = McNemar::from_counts(a, b, c, d);
        prop_assert!(p_ok(t.exact_p_value) && p_ok(t.chi2_p_value) && p_ok(t.chi2_corrected_p_value));
        // Swapping the runs changes nothing but the sign of the difference.
        let s = McNemar::from_counts(a, c, b, d);
        prop_assert_eq!(t.exact_p_value, s.exact_p_value);
    }

    #[test]
    fn pass_fail_comparison_never_panics(b in prop::collection::vec(any::<bool>(), 0..60), c in prop::collection::vec(any::<bool>(), 0..60)) {
        let o = BootstrapOptions { resamples: 50, ..BootstrapOptions::default() };
        let ok = b.len() == c.len() && !b.is_empty();
        prop_assert_eq!(mcnemar(&b, &c).is_ok(), ok);
        match paired_bootstrap_pass_fail(&b, &c, &o) {
            Ok(ci) => prop_assert!(interval_ok(&ci) && ci.lower >= -1.0 && ci.upper <= 1.0),
            Err(_) => prop_assert!(!ok),
        }
    }

    #[test]
    fn paired_tests_give_probabilities((b, c) in paired(30), seed in any::<u64>()) {
        for method in [WilcoxonMethod::Auto, WilcoxonMethod::Exact, WilcoxonMethod::Approx] {
            for correction in [false, true] {
                match wilcoxon(&b, &c, &WilcoxonOptions { method, correction }) {
                    Ok(w) => prop_assert!(p_ok(w.p_value), "{w:?}"),
                    Err(e) => prop_assert!(b.is_empty(), "{e}"),
                }
            }
        }
        for exact_max_pairs in [0, 20] {
            let o = PermutationOptions { exact_max_pairs, resamples: 200, seed };
            match sign_flip_test(&b, &c, &o) {
                Ok(t) => prop_assert!(p_ok(t.p_value), "{t:?}"),
                Err(e) => prop_assert!(b.is_empty(), "{e}"),
            }
        }
        let o = BootstrapOptions { resamples: 100, level: 0.9, seed };
        match paired_bootstrap(&b, &c, &o) {
            Ok(ci) => prop_assert!(interval_ok(&ci)),
            Err(e) => prop_assert!(b.is_empty(), "{e}"),
        }
    }

    #[test]
    fn paired_functions_reject_nan_and_mismatch(b in prop::collection::vec(any_f64(), 0..12), c in prop::collection::vec(any_f64(), 0..12)) {
        let valid = b.len() == c.len() && !b.is_empty()
            && b.iter().zip(&c).all(|(x, y)| x.is_finite() && y.is_finite() && (y - x).is_finite());
        // Extreme magnitudes included: results must stay finite and ordered.
        for exact_max_pairs in [0, 12] {
            let o = PermutationOptions { exact_max_pairs, resamples: 10, seed: 0 };
            let r = sign_flip_test(&b, &c, &o);
            prop_assert_eq!(r.is_ok(), valid);
            if let Ok(t) = r {
                prop_assert!(p_ok(t.p_value) && t.mean_difference.is_finite(), "{t:?}");
            }
        }
        let r = wilcoxon(&b, &c, &WilcoxonOptions::default());
        prop_assert_eq!(r.is_ok(), valid);
        if let Ok(w) = r {
            prop_assert!(p_ok(w.p_value));
        }
        let bo = BootstrapOptions { resamples: 10, ..BootstrapOptions::default() };
        let r = paired_bootstrap(&b, &c, &bo);
        prop_assert_eq!(r.is_ok(), valid);
        if let Ok(ci) = r {
            prop_assert!(interval_ok(&ci), "{ci:?}");
        }
    }

    #[test]
    fn classification_never_panics(pairs in prop::collection::vec(("[a-d]{0,2}", "[a-e]{0,2}"), 0..50)) {
        let m = ConfusionMatrix::from_pairs(pairs.iter().map(|(e, p)| (e.as_str(), p.as_str())));
        prop_assert_eq!(m.total(), pairs.len() as u64);
        for lm in m.per_label() {
            prop_assert!(p_ok(lm.precision) && p_ok(lm.recall) && p_ok(lm.f1));
        }
        if let (Some(acc), Some(micro)) = (m.accuracy(), m.micro_f1()) {
            prop_assert!((acc - micro).abs() < 1e-12);
        }
    }

    #[test]
    fn gate_and_power_never_panic(lo in any_f64(), hi in any_f64(), max in any_f64(), n in 0u64..100_000, psi in any_f64(), power in any_f64()) {
        let delta = Interval { estimate: (lo + hi) / 2.0, lower: lo, upper: hi, level: 0.95 };
        let _ = check_regression(&delta, max, Direction::HigherIsBetter, RegressionRule::NonInferiority);
        if let Ok(Some(d)) = mcnemar_min_detectable_difference(n, psi, 0.05, power) {
            prop_assert!(d > 0.0 && d <= psi);
        }
    }
}
