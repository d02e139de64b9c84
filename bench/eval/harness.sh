#!/usr/bin/env bash
# Harness overhead of `whet eval`: N cases with 2-3 string assertions each,
# answered by the in-process mock provider (it echoes the user message), the
# response cache off, the results stored in a fresh SQLite store as usual.
# Measured under GNU time: wall time (so cases/s includes start-up, suite
# parsing, the store and the final summary) and peak RSS. A run on a small
# dataset measures the fixed cost; the marginal rate between the two sizes is
# the steady-state rate.
#
#   bash bench/eval/harness.sh [N] [REPS]       # defaults: 100000 3
#
# Env: WHET (a whet binary to measure, unbuilt), SMALL (cases of the
# fixed-cost run, default 1000, at most N/10), JOBS (whet's -j; default: whet's own for
# the mock, 64), ONLY (assertion kinds, gen_cases.py's --only: e.g.
# `equals` to see the harness without compiling patterns). Prints a
# markdown row for docs/benchmarks.md; every run must pass all its cases
# or the script fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/eval/common.sh
n=${1:-100000}
reps=${2:-3}
small=${SMALL:-1000}
# The fixed-cost run must be the smaller one.
[ "$small" -gt $((n / 10)) ] && small=$((n / 10 > 0 ? n / 10 : 1))
jobs=() only=()
[ -n "${JOBS:-}" ] && jobs=(-j "$JOBS")
[ -n "${ONLY:-}" ] && only=(--only "$ONLY")

need_gnu_time
whet=$(build_whet)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/eval/gen_cases.py "$n" "$work/cases-$n.jsonl" "${only[@]}"
python3 bench/eval/gen_cases.py "$small" "$work/cases-$small.jsonl" "${only[@]}"

# run_once CASES LOG_PREFIX: a fresh project, one `whet eval`; sets WALL
# (seconds) and RSS (peak, KiB) after checking that all CASES passed.
run_once() {
  local cases=$1 prefix=$2 dir="$work/project"
  rm -rf "$dir"
  write_project "$dir" $'[models.bench]\nprovider = "mock"\nmodel = "echo"'
  cp "$work/cases-$cases.jsonl" "$dir/evals/data/cases.jsonl"
  local measured rc
  measured=$(cd "$dir" && timed "$prefix" "$whet" eval evals/bench.yaml --cache off --json "${jobs[@]}")
  read -r WALL RSS rc _ <<<"$measured"
  if [ "$rc" != 0 ]; then
    echo "whet eval exited $rc:" >&2
    cat "$prefix.err" >&2
    exit 1
  fi
  local passed
  passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["result"]["summary"]["variants"][0]["overall"]["passed"])' "$prefix.out")
  if [ "$passed" != "$cases" ]; then
    echo "whet passed $passed of $cases cases: the benchmark is void" >&2
    exit 1
  fi
}

echo "==> $("$whet" --version); $(machine_notes | tr '\n' ' ')" >&2
walls=() rsss=() small_walls=()
for r in $(seq "$reps"); do
  run_once "$small" "$work/small-$r"
  small_walls+=("$WALL")
  run_once "$n" "$work/big-$r"
  walls+=("$WALL")
  rsss+=("$RSS")
  echo "    rep $r: $small cases ${small_walls[-1]} s; $n cases $WALL s, peak RSS $((RSS / 1024)) MiB" >&2
done

wall=$(median "${walls[@]}")
wall_small=$(median "${small_walls[@]}")
rss=$(median "${rsss[@]}")
rss_max=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -n1)
python3 - "$n" "$reps" "$wall" "$small" "$wall_small" "$rss" "$rss_max" "${ONLY:-mixed}" <<'PY'
import sys
n, reps, wall, small, wall_small, rss, rss_max, kinds = sys.argv[1:]
n, reps, small = int(n), int(reps), int(small)
wall, wall_small, rss, rss_max = float(wall), float(wall_small), float(rss), float(rss_max)
marginal = (n - small) / (wall - wall_small) if wall > wall_small else float("nan")
print("| cases | assertions | wall s (median of %d) | cases/s | %d cases s | steady cases/s | peak RSS MiB (median / max) |" % (reps, small))
print("|---|---|---|---|---|---|---|")
print(f"| {n:,} | {kinds} | {wall:.2f} | {n / wall:,.0f} | {wall_small:.2f} | {marginal:,.0f} | {rss / 1024:.0f} / {rss_max / 1024:.0f} |")
PY
