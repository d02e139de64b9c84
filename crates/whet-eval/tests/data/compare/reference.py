#!/usr/bin/env python3
"""Reference values for whet-eval's paired comparison, computed once with scipy.

How to run (from the repository root):

    python3 -m venv /tmp/whet-eval-ref
    /tmp/whet-eval-ref/bin/pip install scipy==1.17.1 numpy==2.4.6
    /tmp/whet-eval-ref/bin/python crates/whet-eval/tests/data/compare/reference.py \
        > crates/whet-eval/tests/data/compare/reference.json

Versions used for the committed reference.json: Python 3.11.7, scipy 1.17.1, numpy 2.4.6.

It writes a small baseline run and candidate run (results as whet records them, reduced to
what a comparison reads) and, independently of whet, what comparing them must give:
pairing by (case_key, repeat), dropping pairs where a side errored, counting results one
side lacks, the per-case score of a metric as the mean of its grade scores, then per metric
the means over the pairs and the p-value of the test whet documents for it:

- pass_rate: McNemar's exact test (the two-sided binomial test on the discordant pairs);
- a metric with at most 20 differing pairs: the paired sign-flip permutation test of the
  mean, every assignment counted (scipy.stats.permutation_test, permutation_type='samples',
  on the non-zero differences: zeros do not change under a flip);
- otherwise the Wilcoxon signed-rank test, zero_method='wilcox', continuity correction on,
  method='auto' (scipy.stats.wilcoxon).

Scores are multiples of 1/4 and latencies of 1/10, so ties in the data are exact ties.
"""

import json
import sys

import numpy as np
import scipy
import scipy.stats as st

rng = np.random.default_rng(20261125)
QUARTERS = [0.0, 0.25, 0.5, 0.75, 1.0]


def record(key, repeat, passed, routing, tone, cost, latency, error=False):
    grades = [{"metric": "routing", "score": s} for s in routing]
    grades += [{"metric": "tone", "score": s} for s in tone]
    grades.append({"metric": None, "score": 1.0 if passed else 0.0})
    return {
        "case_key": key,
        "repeat": repeat,
        "pass": bool(passed) and not error,
        "error": error,
        "grades": grades,
        "cost_usd": cost,
        "latency_ms": latency,
    }


def make_runs():
    baseline, candidate = [], []
    for i in range(36):
        key = f"case-{i:02d}"
        for repeat in (0, 1) if i < 6 else (0,):
            b_pass = rng.random() < 0.6
            c_pass = b_pass if rng.random() < 0.7 else rng.random() < 0.8
            b_routing = [float(rng.choice(QUARTERS)) for _ in range(2)]
            c_routing = [min(1.0, s + float(rng.choice([0.0, 0.25]))) for s in b_routing]
            b_tone = float(rng.choice(QUARTERS))
            step = float(rng.choice([-0.25, 0.25, 0.5]))
            c_tone = b_tone if i % 3 else min(1.0, max(0.0, b_tone + step))
            b_cost = round(float(rng.uniform(0.001, 0.004)), 6)
            c_cost = round(b_cost + float(rng.uniform(-0.0005, 0.001)), 6)
            b_lat = round(float(rng.uniform(300, 900)), 1)
            c_lat = round(b_lat + float(rng.uniform(-150, 60)), 1)
            baseline.append(record(key, repeat, b_pass, b_routing, [b_tone], b_cost, b_lat))
            candidate.append(record(key, repeat, c_pass, c_routing, [c_tone], c_cost, c_lat))
    # An errored candidate result: its pair is dropped.
    candidate[3]["error"] = True
    candidate[3]["pass"] = False
    # One result only the baseline has, one only the candidate has.
    baseline.append(record("only-baseline", 0, True, [1.0, 1.0], [1.0], 0.002, 500.0))
    candidate.append(record("only-candidate", 0, False, [0.0, 0.0], [0.0], 0.002, 500.0))
    return baseline, candidate


def case_score(rec, metric):
    scores = [g["score"] for g in rec["grades"] if g["metric"] == metric]
    total = 0.0
    for s in scores:
        total += s
    return total / len(scores)


def numeric(b, c):
    b, c = np.array(b), np.array(c)
    d = c - b
    nonzero = d[d != 0]
    if len(nonzero) <= 20:
        res = st.permutation_test(
            (nonzero,),
            lambda x, axis: np.mean(x, axis=axis),
            permutation_type="samples",
            n_resamples=np.inf,
            alternative="two-sided",
        )
        test, p = "sign-flip", float(res.pvalue)
    else:
        res = st.wilcoxon(c, b, zero_method="wilcox", correction=True,
                          alternative="two-sided", method="auto")
        test, p = "wilcoxon", float(res.pvalue)
    return {
        "n": len(b),
        "baseline": float(np.mean(b)),
        "candidate": float(np.mean(c)),
        "delta": float(np.mean(d)),
        "p_value": p,
        "test": test,
    }


def main():
    baseline, candidate = make_runs()
    by_key = {(r["case_key"], r["repeat"]): r for r in baseline}
    pairs, errored, matched = [], 0, set()
    for c in candidate:
        k = (c["case_key"], c["repeat"])
        b = by_key.get(k)
        if b is None:
            continue
        matched.add(k)
        if b["error"] or c["error"]:
            errored += 1
            continue
        pairs.append((b, c))
    unpaired = (len(candidate) - len(matched)) + (len(baseline) - len(matched))

    bp = [b["pass"] for b, _ in pairs]
    cp = [c["pass"] for _, c in pairs]
    b_only = sum(1 for x, y in zip(bp, cp) if x and not y)
    c_only = sum(1 for x, y in zip(bp, cp) if y and not x)
    mcnemar_p = float(st.binomtest(c_only, b_only + c_only, 0.5).pvalue)
    metrics = {
        "pass_rate": {
            "n": len(pairs),
            "baseline": float(np.mean(bp)),
            "candidate": float(np.mean(cp)),
            "delta": float(np.mean(np.array(cp, float) - np.array(bp, float))),
            "p_value": mcnemar_p,
            "test": "mcnemar-exact",
            "discordant": [b_only, c_only],
        }
    }
    for m in ("routing", "tone"):
        metrics[m] = numeric([case_score(b, m) for b, _ in pairs],
                             [case_score(c, m) for _, c in pairs])
    metrics["cost_usd"] = numeric([b["cost_usd"] for b, _ in pairs],
                                  [c["cost_usd"] for _, c in pairs])
    metrics["latency_ms"] = numeric([b["latency_ms"] for b, _ in pairs],
                                    [c["latency_ms"] for _, c in pairs])
    out = {
        "generator": "crates/whet-eval/tests/data/compare/reference.py",
        "versions": {"python": sys.version.split()[0], "scipy": scipy.__version__,
                     "numpy": np.__version__},
        "baseline": baseline,
        "candidate": candidate,
        "expected": {"pairs": len(pairs), "unpaired": unpaired, "errored": errored,
                     "metrics": metrics},
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
