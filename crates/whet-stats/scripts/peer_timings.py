#!/usr/bin/env python3
"""Timings of the numpy/scipy equivalents of whet-stats' costly operations.

Run beside `cargo bench -p whet-stats` on the same machine and compare:

    /tmp/whet-stats-ref/bin/python crates/whet-stats/scripts/peer_timings.py

(the venv of scripts/reference.py). Each line is the best of several runs, in
milliseconds. Sizes match benches/stats.rs.
"""

import time

import numpy as np
import scipy.stats as st
from statsmodels.stats.contingency_tables import mcnemar


def best_ms(f, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


rng = np.random.default_rng(1)
b = rng.random(1000)
c = b + 0.2 * (rng.random(1000) - 0.45)
d = c - b
pb = rng.random(1000) < 0.7
pc = np.where(rng.random(1000) < 0.1, ~pb, pb)


def numpy_paired_bootstrap():
    # The fastest plain numpy formulation: one (B, n) index matrix.
    g = np.random.default_rng(0)
    idx = g.integers(0, 1000, size=(10000, 1000))
    means = d[idx].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def scipy_bootstrap():
    return st.bootstrap((c, b), lambda x, y, axis: np.mean(x - y, axis=axis), paired=True,
                        vectorized=True, n_resamples=10000, method="percentile",
                        rng=np.random.default_rng(0))


def perm_mc():
    return st.permutation_test((c, b), lambda x, y, axis: np.mean(x - y, axis=axis),
                               permutation_type="samples", n_resamples=10000, vectorized=True,
                               rng=np.random.default_rng(0))


b20, c20 = b[:20], c[:20]


def perm_exact_20():
    return st.permutation_test((c20, b20), lambda x, y, axis: np.mean(x - y, axis=axis),
                               permutation_type="samples", n_resamples=np.inf, vectorized=True)


def mcn():
    t = [[int(np.sum(pb & pc)), int(np.sum(pb & ~pc))], [int(np.sum(~pb & pc)), int(np.sum(~pb & ~pc))]]
    return mcnemar(t, exact=True)


lat = 100.0 / np.sqrt(1.0 - rng.random(100000))

rows = [
    ("paired bootstrap n=1000 B=10000 (numpy, vectorized)", numpy_paired_bootstrap),
    ("paired bootstrap n=1000 B=10000 (scipy.stats.bootstrap)", scipy_bootstrap),
    ("mcnemar n=1000 (statsmodels, table from arrays)", mcn),
    ("wilcoxon approx n=1000 (scipy)", lambda: st.wilcoxon(c, b, method="asymptotic", correction=True)),
    ("wilcoxon exact n=50 (scipy)", lambda: st.wilcoxon(c[:50], b[:50], method="exact")),
    ("sign-flip exact n=20 (scipy.stats.permutation_test)", perm_exact_20),
    ("sign-flip Monte Carlo n=1000 R=10000 (scipy)", perm_mc),
    ("summary n=100000 (numpy mean/std/percentile)",
     lambda: (lat.mean(), lat.std(ddof=1), np.percentile(lat, [0, 50, 95, 99, 100]))),
]
for name, f in rows:
    f()
    repeat = 2 if "exact n=20" in name else 5
    print(f"{name:<62} {best_ms(f, repeat):10.3f} ms")
