#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]
//! Agreement with scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6 and
//! scikit-learn 1.9.1 on the values recorded in `data/reference.json` by
//! `scripts/reference.py`.
//!
//! Tolerances (absolute unless said otherwise):
//! - closed forms (Wilson, McNemar, Wilcoxon normal approximation, sample
//!   statistics, classification metrics, normal CDF): 1e-12, or 1e-12
//!   relative for values far from 1 in magnitude;
//! - exact discrete distributions (McNemar's binomial, Wilcoxon's exact and
//!   conditional distributions, the sign-flip enumeration): 1e-12; they are
//!   sums of dyadic probabilities, so only summation order differs;
//! - quantile functions found by iteration (normal quantile: 1e-13 relative;
//!   Clopper–Pearson Beta quantiles: 1e-10), where scipy's Boost
//!   implementation and ours converge to the same root by different routes;
//! - McNemar minimum detectable difference: 1e-9, the tolerance scipy's
//!   `brentq` was run with;
//! - the paired bootstrap interval against `scipy.stats.bootstrap`: both are
//!   Monte Carlo estimates from different generators, so they can only agree
//!   within Monte Carlo error: 0.2 standard errors of the mean difference
//!   (the bounds of a 10,000-resample percentile interval each vary by about
//!   0.03 standard errors).
//!
//! Each test prints the largest difference it saw (`--nocapture`).

use serde_json::Value;
use whet_stats::{
    BootstrapOptions, ConfusionMatrix, McNemar, PermutationOptions, WilcoxonMethod, WilcoxonNull,
    WilcoxonOptions, clopper_pearson, dist, mcnemar_min_detectable_difference, paired_bootstrap,
    percentiles, sign_flip_test, summarize, wilcoxon, wilson,
};

fn reference() -> Value {
    let text = include_str!("data/reference.json");
    serde_json::from_str(text).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not an integer: {v}"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(f).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Tracks the largest absolute difference and fails past the tolerance
/// (`rel` scales the tolerance by `max(1, |want|)`; the difference recorded is
/// still absolute).
struct Check {
    name: &'static str,
    max: f64,
}

impl Check {
    fn new(name: &'static str) -> Self {
        Self { name, max: 0.0 }
    }

    fn abs(&mut self, got: f64, want: f64, tol: f64, ctx: &str) {
        let diff = (got - want).abs();
        if got == want {
            return;
        }
        self.max = self.max.max(diff);
        assert!(
            diff <= tol,
            "{}: {ctx}: got {got:e}, want {want:e}, |diff| {diff:e} > {tol:e}",
            self.name
        );
    }

    fn rel(&mut self, got: f64, want: f64, tol: f64, ctx: &str) {
        self.abs(got, want, tol * want.abs().max(1.0), ctx);
    }
}

impl Drop for Check {
    fn drop(&mut self) {
        eprintln!("{:<40} max |diff| = {:.3e}", self.name, self.max);
    }
}

#[test]
fn normal_cdf_and_quantile_match_scipy() {
    let r = reference();
    let mut ppf = Check::new("normal quantile (scipy.stats.norm.ppf)");
    let mut cdf = Check::new("normal cdf (scipy.stats.norm.cdf)");
    for case in r["normal"].as_array().unwrap() {
        let (p, x) = (f(&case["p"]), f(&case["x"]));
        let want = f(&case["ppf"]);
        let got = dist::normal_quantile(p);
        ppf.abs(got, want, 1e-13 * want.abs().max(1.0), &format!("p={p}"));
        let want = f(&case["cdf"]);
        let got = dist::normal_cdf(x);
        // Relative: the lower tail goes down to 1e-89. At x = -38 scipy
        // flushes to 0 while the true value is 2.9e-316 (subnormal), which
        // is what we return: hence the absolute floor of 1e-300.
        cdf.abs(
            got,
            want,
            (1e-12 * want.abs()).max(1e-300),
            &format!("x={x}"),
        );
    }
}

#[test]
fn wilson_matches_statsmodels() {
    let r = reference();
    let mut c = Check::new("Wilson interval (statsmodels)");
    for case in r["wilson"].as_array().unwrap() {
        let (k, n, level) = (u(&case["successes"]), u(&case["trials"]), f(&case["level"]));
        let ci = wilson(k, n, level).unwrap();
        let ctx = format!("{k}/{n} at {level}");
        c.abs(ci.lower, f(&case["lower"]), 1e-12, &ctx);
        c.abs(ci.upper, f(&case["upper"]), 1e-12, &ctx);
        assert_eq!(ci.estimate, k as f64 / n as f64);
    }
}

#[test]
fn clopper_pearson_matches_statsmodels() {
    let r = reference();
    let mut c = Check::new("Clopper-Pearson interval (statsmodels)");
    for case in r["clopper_pearson"].as_array().unwrap() {
        let (k, n, level) = (u(&case["successes"]), u(&case["trials"]), f(&case["level"]));
        let ci = clopper_pearson(k, n, level).unwrap();
        let ctx = format!("{k}/{n} at {level}");
        c.abs(ci.lower, f(&case["lower"]), 1e-10, &ctx);
        c.abs(ci.upper, f(&case["upper"]), 1e-10, &ctx);
    }
}

#[test]
fn summaries_match_numpy() {
    let r = reference();
    let mut pc = Check::new("percentiles (numpy 'linear')");
    let mut mc = Check::new("mean / std / median (numpy)");
    for case in r["summary"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let data = floats(&case["data"]);
        let qs = floats(&case["q"]);
        let got = percentiles(&data, &qs).unwrap();
        for ((q, g), w) in qs.iter().zip(&got).zip(floats(&case["percentiles"])) {
            pc.rel(*g, w, 1e-12, &format!("{name} q={q}"));
        }
        let s = summarize(&data).unwrap();
        mc.rel(s.mean, f(&case["mean"]), 1e-12, &format!("{name} mean"));
        mc.rel(s.p50, f(&case["median"]), 1e-12, &format!("{name} median"));
        assert_eq!(s.min, f(&case["min"]));
        assert_eq!(s.max, f(&case["max"]));
        match (&case["std"], s.std_dev) {
            (Value::Null, None) => {}
            (w, Some(g)) => mc.rel(g, f(w), 1e-12, &format!("{name} std")),
            (w, g) => panic!("{name}: std {g:?} vs {w}"),
        }
    }
}

#[test]
fn mcnemar_matches_statsmodels() {
    let r = reference();
    let mut ex = Check::new("McNemar exact p (statsmodels)");
    let mut ch = Check::new("McNemar chi2 statistics and p");
    for case in r["mcnemar"].as_array().unwrap() {
        let (b, c) = (u(&case["baseline_only"]), u(&case["candidate_only"]));
        let t = McNemar::from_counts(11, b, c, 4);
        let ctx = format!("b={b} c={c}");
        ex.abs(t.exact_p_value, f(&case["exact_pvalue"]), 1e-12, &ctx);
        assert_eq!(b.min(c) as f64, f(&case["exact_statistic"]));
        ch.rel(
            t.chi2_corrected,
            f(&case["chi2_corrected_statistic"]),
            1e-12,
            &ctx,
        );
        ch.abs(
            t.chi2_corrected_p_value,
            f(&case["chi2_corrected_pvalue"]),
            1e-12,
            &ctx,
        );
        ch.rel(t.chi2, f(&case["chi2_statistic"]), 1e-12, &ctx);
        ch.abs(t.chi2_p_value, f(&case["chi2_pvalue"]), 1e-12, &ctx);
    }
}

#[test]
fn wilcoxon_matches_scipy() {
    let r = reference();
    let mut exact = Check::new("Wilcoxon exact/conditional p (scipy)");
    let mut approx = Check::new("Wilcoxon normal-approximation p (scipy)");
    let mut zc = Check::new("Wilcoxon z (scipy)");
    let mut compared = 0;
    for case in r["wilcoxon"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let base = floats(&case["baseline"]);
        let cand = floats(&case["candidate"]);
        for res in case["results"].as_array().unwrap() {
            let method = res["method"].as_str().unwrap();
            let correction = res["correction"].as_bool().unwrap();
            let options = WilcoxonOptions {
                method: match method {
                    "auto" => WilcoxonMethod::Auto,
                    "exact" => WilcoxonMethod::Exact,
                    "asymptotic" => WilcoxonMethod::Approx,
                    other => panic!("unknown method {other}"),
                },
                correction,
            };
            let w = wilcoxon(&base, &cand, &options).unwrap();
            let ctx = format!("{name} {method} correction={correction}");
            assert_eq!(w.statistic, f(&res["statistic"]), "{ctx}");
            let want = f(&res["pvalue"]);
            match w.method {
                WilcoxonNull::Exact => exact.abs(w.p_value, want, 1e-12, &ctx),
                WilcoxonNull::Normal => approx.abs(w.p_value, want, 1e-12, &ctx),
            }
            if let Some(z) = res.get("z") {
                // scipy reports -|z| for a two-sided test.
                zc.rel(-w.z.unwrap().abs(), f(z), 1e-12, &ctx);
            }
            compared += 1;
        }
    }
    assert!(compared >= 40, "{compared}");
}

#[test]
fn wilcoxon_auto_chooses_like_scipy() {
    let r = reference();
    for case in r["wilcoxon"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let base = floats(&case["baseline"]);
        let cand = floats(&case["candidate"]);
        let w = wilcoxon(&base, &cand, &WilcoxonOptions::default()).unwrap();
        let expected = if base.len() > 50
            || (base.len() > 13 && (case["has_ties"] == true || case["has_zeros"] == true))
        {
            WilcoxonNull::Normal
        } else {
            WilcoxonNull::Exact
        };
        assert_eq!(w.method, expected, "{name}");
    }
}

#[test]
fn sign_flip_matches_scipy_permutation_test() {
    let r = reference();
    let mut c = Check::new("sign-flip exact p (scipy permutation_test)");
    for case in r["permutation"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let base = floats(&case["baseline"]);
        let cand = floats(&case["candidate"]);
        let t = sign_flip_test(&base, &cand, &PermutationOptions::default()).unwrap();
        assert!(t.exact, "{name}");
        c.rel(t.mean_difference, f(&case["statistic"]), 1e-12, name);
        c.abs(t.p_value, f(&case["pvalue"]), 1e-12, name);
    }
}

#[test]
fn sign_flip_monte_carlo_is_within_its_error_of_the_exact_value() {
    let r = reference();
    let mut c = Check::new("sign-flip Monte Carlo vs exact (scipy)");
    for case in r["permutation"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let base = floats(&case["baseline"]);
        let cand = floats(&case["candidate"]);
        let want = f(&case["pvalue"]);
        let resamples = 100_000;
        let options = PermutationOptions {
            exact_max_pairs: 0,
            resamples,
            seed: 11,
        };
        let t = sign_flip_test(&base, &cand, &options).unwrap();
        if base == cand {
            assert_eq!(t.p_value, 1.0);
            continue;
        }
        assert!(!t.exact);
        // The two-sided p doubles one tail estimate: its standard error is
        // 2 sqrt(q (1 - q) / R) with q = p / 2; allow 4.5 of them plus the
        // (count + 1) / (R + 1) offset.
        let q = (want / 2.0).min(0.5);
        let se = 2.0 * (q * (1.0 - q) / resamples as f64).sqrt();
        c.abs(t.p_value, want, 4.5 * se + 2.0 / resamples as f64, name);
    }
}

#[test]
fn paired_bootstrap_agrees_with_scipy_within_monte_carlo_error() {
    let r = reference();
    let case = &r["bootstrap_peer"];
    let base = floats(&case["baseline"]);
    let cand = floats(&case["candidate"]);
    let options = BootstrapOptions {
        resamples: 10_000,
        level: f(&case["level"]),
        seed: 5,
    };
    let ci = paired_bootstrap(&base, &cand, &options).unwrap();
    let se = f(&case["standard_error"]);
    let mut c = Check::new("paired bootstrap CI (scipy.stats.bootstrap)");
    c.rel(ci.estimate, f(&case["mean_diff"]), 1e-12, "estimate");
    c.abs(ci.lower, f(&case["lower"]), 0.2 * se, "lower");
    c.abs(ci.upper, f(&case["upper"]), 0.2 * se, "upper");
    eprintln!("  (one standard error of the mean difference is {se:.3e})");
}

#[test]
fn classification_metrics_match_scikit_learn() {
    let r = reference();
    let mut c = Check::new("precision/recall/F1 (scikit-learn)");
    for case in r["classification"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let exp = strings(&case["expected"]);
        let pred = strings(&case["predicted"]);
        let m = ConfusionMatrix::from_pairs(exp.iter().zip(&pred));
        assert_eq!(m.labels(), strings(&case["labels"]).as_slice(), "{name}");
        let want_rows: Vec<Vec<u64>> = case["confusion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_array().unwrap().iter().map(u).collect())
            .collect();
        assert_eq!(m.rows(), want_rows, "{name}");
        let per = m.per_label();
        for (i, lm) in per.iter().enumerate() {
            let ctx = format!("{name} {}", lm.label);
            c.abs(lm.precision, f(&case["precision"][i]), 1e-12, &ctx);
            c.abs(lm.recall, f(&case["recall"][i]), 1e-12, &ctx);
            c.abs(lm.f1, f(&case["f1"][i]), 1e-12, &ctx);
            assert_eq!(lm.support, u(&case["support"][i]), "{ctx}");
        }
        c.abs(m.macro_f1().unwrap(), f(&case["macro_f1"]), 1e-12, name);
        c.abs(m.micro_f1().unwrap(), f(&case["micro_f1"]), 1e-12, name);
        c.abs(
            m.weighted_f1().unwrap(),
            f(&case["weighted_f1"]),
            1e-12,
            name,
        );
        c.abs(m.accuracy().unwrap(), f(&case["accuracy"]), 1e-12, name);
    }
}

#[test]
fn min_detectable_difference_matches_brentq() {
    let r = reference();
    let mut c = Check::new("McNemar min detectable difference");
    for case in r["mcnemar_mdd"].as_array().unwrap() {
        let n = u(&case["pairs"]);
        let psi = f(&case["discordant_rate"]);
        let got = mcnemar_min_detectable_difference(n, psi, f(&case["alpha"]), f(&case["power"]))
            .unwrap();
        match (&case["min_detectable_difference"], got) {
            (Value::Null, None) => {}
            (w, Some(g)) => c.abs(g, f(w), 1e-9, &format!("n={n} psi={psi}")),
            (w, g) => panic!("n={n}: {g:?} vs {w}"),
        }
    }
}
