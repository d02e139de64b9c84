#!/usr/bin/env python3
"""Reference values for whet-stats, computed once with scipy/statsmodels/numpy/scikit-learn.

How to run (from the repository root):

    python3 -m venv /tmp/whet-stats-ref
    /tmp/whet-stats-ref/bin/pip install scipy==1.17.1 statsmodels==0.15.0 numpy==2.4.6 scikit-learn==1.9.1
    /tmp/whet-stats-ref/bin/python crates/whet-stats/scripts/reference.py \
        > crates/whet-stats/tests/data/reference.json

Package versions used for the committed reference.json (Python 3.11.7):
    scipy 1.17.1, statsmodels 0.15.0, numpy 2.4.6, scikit-learn 1.9.1

The script is deterministic (every data set comes from a seeded numpy Generator or is
written out by hand) and writes JSON to stdout. The Rust tests in
crates/whet-stats/tests/reference.rs read both the inputs and the expected values from it.

Inputs are rounded to a few decimals (or to multiples of 1/64) so that their decimal
form has at most 15 significant digits: every JSON parser then reads back exactly the
double this script used, and ties in the data stay ties after the round trip.
"""

import json
import math
import sys

import numpy as np
import scipy
import scipy.stats as st
import sklearn
import statsmodels
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_recall_fscore_support)
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

rng = np.random.default_rng(20240611)


def fl(xs):
    return [float(x) for x in xs]


def dyadic(xs, denom=64):
    """Round to multiples of 1/denom: exact in binary and in short decimal."""
    return [float(round(x * denom) / denom) for x in xs]


def rounded(xs, digits=3):
    return [float(round(float(x), digits)) for x in xs]


def num(x):
    x = float(x)
    if math.isnan(x):
        return None
    return x


out = {
    "generator": "crates/whet-stats/scripts/reference.py",
    "versions": {
        "python": sys.version.split()[0],
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
    },
}

# ---------------------------------------------------------------- normal distribution
out["normal"] = [
    {"p": p, "ppf": float(st.norm.ppf(p)), "x": x, "cdf": float(st.norm.cdf(x))}
    for p, x in [
        (1e-300, -38.0), (1e-100, -20.0), (1e-10, -8.0), (0.001, -3.0), (0.025, -1.959963984540054),
        (0.05, -1.0), (0.3, -0.5), (0.5, 0.0), (0.7, 0.5), (0.975, 1.0), (0.999, 2.5),
        (1 - 1e-10, 6.0), (0.999999999999, 9.0),
    ]
]

# ---------------------------------------------------------------- proportions
cases = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (5, 10), (9, 10), (37, 50),
         (450, 1000), (999, 1000), (3, 100000), (99990, 100000), (1, 2), (123456, 1000000)]
levels = [0.95, 0.9, 0.99, 0.5, 0.999]
out["wilson"] = []
out["clopper_pearson"] = []
for k, n in cases:
    for level in levels:
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        out["wilson"].append({"successes": k, "trials": n, "level": level,
                              "lower": float(lo), "upper": float(hi)})
        lo, hi = proportion_confint(k, n, alpha=1 - level, method="beta")
        out["clopper_pearson"].append({"successes": k, "trials": n, "level": level,
                                       "lower": float(lo), "upper": float(hi)})

# ---------------------------------------------------------------- summaries
summary_sets = {
    "single": [5.0],
    "two": [1.0, 2.0],
    "all_equal": [7.0] * 9,
    "ties_unsorted": [3.0, 1.0, 2.0, 2.0, 5.0, 4.0, 2.0, 9.0, 1.0, 3.0, 3.0],
    "negative": [-4.5, 2.25, -0.125, 8.0, -13.0, 0.0, 1.5],
    "latency_ms_1000": rounded(rng.lognormal(mean=5.0, sigma=0.6, size=1000), 3),
    "tokens_97": [float(x) for x in rng.integers(50, 800, size=97)],
    "cost_usd_250": rounded(rng.gamma(2.0, 0.0015, size=250), 6),
}
qs = [0.0, 1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0]
out["summary"] = []
for name, data in summary_sets.items():
    a = np.array(data)
    out["summary"].append({
        "name": name,
        "data": data,
        "q": qs,
        "percentiles": fl(np.percentile(a, qs)),  # method='linear' (numpy's default)
        "mean": float(np.mean(a)),
        "std": num(np.std(a, ddof=1)) if len(a) > 1 else None,
        "median": float(np.median(a)),
        "min": float(np.min(a)),
        "max": float(np.max(a)),
    })

# ---------------------------------------------------------------- McNemar
out["mcnemar"] = []
for b, c in [(1, 0), (0, 1), (5, 5), (3, 12), (10, 2), (0, 25), (40, 60), (250, 300),
             (1000, 1100), (7, 7), (1, 2), (0, 9), (17, 3), (5000, 5210)]:
    # table [[both pass, baseline only], [candidate only, both fail]]; b = baseline only.
    table = [[11, b], [c, 4]]
    ex = mcnemar(table, exact=True)
    cc = mcnemar(table, exact=False, correction=True)
    nc = mcnemar(table, exact=False, correction=False)
    out["mcnemar"].append({
        "baseline_only": b, "candidate_only": c,
        "exact_statistic": float(ex.statistic), "exact_pvalue": float(ex.pvalue),
        "chi2_corrected_statistic": float(cc.statistic), "chi2_corrected_pvalue": float(cc.pvalue),
        "chi2_statistic": float(nc.statistic), "chi2_pvalue": float(nc.pvalue),
    })

# ---------------------------------------------------------------- Wilcoxon signed-rank
def distinct_pair(n, shift, scale=1.0):
    """Paired scores whose differences are all non-zero with distinct magnitudes."""
    while True:
        base = rounded(rng.normal(0.6, 0.2, size=n), 4)
        d = rounded(rng.normal(shift, scale, size=n), 4)
        cand = [round(b + x, 4) for b, x in zip(base, d)]
        diffs = np.array(cand) - np.array(base)
        mags = np.abs(diffs)
        if np.all(mags > 0) and len(np.unique(mags)) == n:
            return base, cand


wilcoxon_sets = []
for name, n, shift in [("distinct_10", 10, 0.3), ("distinct_20", 20, 0.2), ("distinct_50", 50, 0.15),
                       ("distinct_51", 51, -0.1), ("distinct_500", 500, 0.05)]:
    base, cand = distinct_pair(n, shift)
    wilcoxon_sets.append((name, base, cand))
# All candidates better: exact p = 2 / 2^8.
wilcoxon_sets.append(("all_positive_8", [0.0] * 8, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]))
# Integer rubric scores (ties), no zeros, n = 12.
wilcoxon_sets.append(("ties_12", [3, 2, 4, 1, 3, 2, 5, 1, 2, 3, 4, 2],
                      [4, 4, 5, 3, 4, 3, 3, 2, 5, 5, 5, 4]))
# Zeros and ties, n = 10.
wilcoxon_sets.append(("zeros_10", [0.5, 0.25, 0.75, 1.0, 0.5, 0.25, 0.5, 0.75, 0.5, 0.125],
                      [0.75, 0.25, 1.0, 1.0, 0.25, 0.75, 0.5, 1.0, 1.0, 0.625]))
# Zeros and ties, n = 30 (Likert 1..5).
base = [float(x) for x in rng.integers(1, 6, size=30)]
cand = [float(min(5, max(1, b + s))) for b, s in zip(base, rng.choice([-1, 0, 0, 1, 1, 2], size=30))]
wilcoxon_sets.append(("likert_30", base, cand))
# Large Likert with many ties and zeros.
base = [float(x) for x in rng.integers(1, 6, size=400)]
cand = [float(min(5, max(1, b + s))) for b, s in zip(base, rng.choice([-1, 0, 0, 0, 1, 1], size=400))]
wilcoxon_sets.append(("likert_400", base, cand))
# One non-zero difference among zeros.
wilcoxon_sets.append(("one_nonzero_6", [1.0] * 6, [1.0, 1.0, 1.0, 2.0, 1.0, 1.0]))
# Pass/fail coded 0/1 (many zeros, all non-zero |d| tie).
pf_base = [float(x) for x in rng.integers(0, 2, size=40)]
pf_cand = [float(1 if rng.random() < 0.7 else x) for x in pf_base]
wilcoxon_sets.append(("pass_fail_40", pf_base, pf_cand))

out["wilcoxon"] = []
for name, base, cand in wilcoxon_sets:
    base = fl(base)
    cand = fl(cand)
    x, y = np.array(cand), np.array(base)  # differences are candidate - baseline
    d = x - y
    nz = d[d != 0]
    has_ties = len(np.unique(np.abs(nz))) != len(nz)
    has_zeros = len(nz) != len(d)
    entry = {"name": name, "baseline": base, "candidate": cand, "results": []}

    def add(method, correction):
        r = st.wilcoxon(x, y, zero_method="wilcox", correction=correction, method=method)
        res = {"method": method, "correction": correction,
               "statistic": float(r.statistic), "pvalue": float(r.pvalue)}
        if method == "asymptotic":
            res["z"] = float(r.zstatistic)
        entry["results"].append(res)

    add("auto", False)
    add("asymptotic", False)
    add("asymptotic", True)
    if not has_ties and not has_zeros:
        add("exact", False)
    entry["has_ties"] = bool(has_ties)
    entry["has_zeros"] = bool(has_zeros)
    out["wilcoxon"].append(entry)

# ---------------------------------------------------------------- paired sign-flip permutation test
def mean_diff(x, y, axis=-1):
    return np.mean(x - y, axis=axis)


perm_sets = [
    ("continuous_8", *distinct_pair(8, 0.3)),
    ("continuous_16", *distinct_pair(16, 0.12, scale=0.3)),
    ("ties_zeros_12", [3, 2, 4, 1, 3, 2, 5, 1, 2, 3, 4, 2], [4, 4, 4, 3, 4, 2, 3, 2, 5, 3, 5, 4]),
    ("pass_fail_14", [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0], [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0]),
    ("all_equal_positive_10", [0.0] * 10, [0.5] * 10),
    ("all_zero_6", [2.0] * 6, [2.0] * 6),
    ("dyadic_18", dyadic(rng.normal(0, 1, size=18)), dyadic(rng.normal(0.4, 1, size=18))),
]
out["permutation"] = []
for name, base, cand in perm_sets:
    base = fl(base)
    cand = fl(cand)
    r = st.permutation_test((np.array(cand), np.array(base)), mean_diff, permutation_type="samples",
                            n_resamples=np.inf, vectorized=True, alternative="two-sided")
    out["permutation"].append({"name": name, "baseline": base, "candidate": cand,
                               "statistic": float(r.statistic), "pvalue": float(r.pvalue)})

# ---------------------------------------------------------------- paired bootstrap (Monte Carlo peer)
base = rounded(rng.normal(0.62, 0.2, size=300), 4)
cand = [round(b + x, 4) for b, x in zip(base, rng.normal(0.03, 0.15, size=300))]
d = np.array(cand) - np.array(base)
r = st.bootstrap((np.array(cand), np.array(base)), mean_diff, paired=True, vectorized=True,
                 n_resamples=10000, confidence_level=0.95, method="percentile",
                 rng=np.random.default_rng(7))
out["bootstrap_peer"] = {
    "baseline": base, "candidate": cand, "level": 0.95, "n_resamples": 10000,
    "mean_diff": float(np.mean(d)), "standard_error": float(r.standard_error),
    "lower": float(r.confidence_interval.low), "upper": float(r.confidence_interval.high),
}

# ---------------------------------------------------------------- classification
class_sets = [
    ("binary", ["yes", "no", "yes", "yes", "no", "no", "yes", "no", "yes", "yes"],
               ["yes", "no", "no", "yes", "yes", "no", "yes", "no", "yes", "no"]),
    ("multiclass_unseen", ["card_lost", "refund", "card_lost", "balance", "refund", "refund", "balance",
                           "card_lost", "transfer", "transfer", "balance", "refund"],
                          ["card_lost", "refund", "refund", "balance", "refund", "card_lost", "card_lost",
                           "card_lost", "refund", "other", "balance", "other"]),
    ("all_correct", ["a", "b", "c", "a"], ["a", "b", "c", "a"]),
    ("all_wrong", ["a", "a", "b"], ["b", "c", "a"]),
]
labels = [f"intent_{i}" for i in range(7)]
exp = [labels[i] for i in rng.integers(0, 7, size=500)]
pred = [e if rng.random() < 0.6 else labels[int(rng.integers(0, 7))] for e in exp]
class_sets.append(("random_7x500", exp, pred))
out["classification"] = []
for name, exp, pred in class_sets:
    labs = sorted(set(exp) | set(pred))
    p, r, f, s = precision_recall_fscore_support(exp, pred, labels=labs, zero_division=0)
    out["classification"].append({
        "name": name, "expected": exp, "predicted": pred, "labels": labs,
        "precision": fl(p), "recall": fl(r), "f1": fl(f), "support": [int(x) for x in s],
        "macro_f1": float(f1_score(exp, pred, labels=labs, average="macro", zero_division=0)),
        "micro_f1": float(f1_score(exp, pred, labels=labs, average="micro", zero_division=0)),
        "weighted_f1": float(f1_score(exp, pred, labels=labs, average="weighted", zero_division=0)),
        "accuracy": float(accuracy_score(exp, pred)),
        "confusion": confusion_matrix(exp, pred, labels=labs).tolist(),
    })

# ---------------------------------------------------------------- power: McNemar minimum detectable difference
# Connor (1987) normal approximation: n * delta^2 = (z_a * sqrt(psi) + z_b * sqrt(psi - delta^2))^2,
# solved for delta by bisection here (scipy.optimize.brentq) as an independent check of the Rust solver.
from scipy.optimize import brentq  # noqa: E402

out["mcnemar_mdd"] = []
for n, psi, alpha, power in [(100, 0.2, 0.05, 0.8), (400, 0.1, 0.05, 0.8), (50, 0.5, 0.05, 0.9),
                             (1000, 0.05, 0.01, 0.8), (30, 0.3, 0.05, 0.8), (2000, 0.3, 0.05, 0.95)]:
    za = st.norm.ppf(1 - alpha / 2)
    zb = st.norm.ppf(power)

    def f(delta):
        return delta * math.sqrt(n) - za * math.sqrt(psi) - zb * math.sqrt(max(psi - delta * delta, 0.0))

    delta = brentq(f, 1e-12, psi, xtol=1e-15, rtol=1e-15) if f(psi) > 0 else None
    out["mcnemar_mdd"].append({"pairs": n, "discordant_rate": psi, "alpha": alpha, "power": power,
                               "min_detectable_difference": delta})

json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
