#!/usr/bin/env bash
# whet eval against promptfoo eval, side by side: the same N cases (2-3
# string assertions each, bench/eval/gen_cases.py), the same prompt (the
# `message` variable as the only user turn), through the same loopback
# OpenAI-compatible mock server (bench/eval/mockserver: it echoes the user
# message at once), the same concurrency, the response cache off, results
# stored (whet: its SQLite store; promptfoo: its own SQLite database) and
# written to a file. Each tool runs REPS times, alternating, in a fresh
# project and (promptfoo) a fresh config directory; the table shows medians
# of wall time and peak RSS under GNU time. A run counts only if the tool
# passed all N cases in its output file and the server answered N requests.
#
#   bash bench/eval/vs_promptfoo.sh [N] [REPS]     # defaults: 10000 3
#
# Env: JOBS (concurrency of both, default 16), PROMPTFOO_VERSION (default
# 0.121.20, installed with npm into ~/.cache/whet/bench/promptfoo-VERSION),
# WHET (a whet binary to measure, unbuilt), ONLY (assertion kinds, as in
# harness.sh). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/eval/common.sh
n=${1:-10000}
reps=${2:-3}
jobs=${JOBS:-16}
only=()
[ -n "${ONLY:-}" ] && only=(--only "$ONLY")
pf_version=${PROMPTFOO_VERSION:-0.121.20}
pf_dir=$HOME/.cache/whet/bench/promptfoo-$pf_version
target=${CARGO_TARGET_DIR:-$PWD/target}

need_gnu_time
whet=$(build_whet)
echo "==> building the mock server (release)" >&2
cargo build --release --locked --manifest-path bench/eval/mockserver/Cargo.toml \
  --target-dir "$target/bench-mockserver" >&2
server_bin=$target/bench-mockserver/release/whet-bench-mockserver
if [ ! -x "$pf_dir/node_modules/.bin/promptfoo" ]; then
  echo "==> npm install promptfoo@$pf_version into $pf_dir" >&2
  mkdir -p "$pf_dir"
  npm install --prefix "$pf_dir" --no-audit --no-fund "promptfoo@$pf_version" >&2
fi
promptfoo=$pf_dir/node_modules/.bin/promptfoo

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$server_bin" >"$work/port" &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(head -n1 "$work/port")
[ -n "$port" ] || { echo "the mock server did not start" >&2; exit 1; }
base=http://127.0.0.1:$port/v1
served() { python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["requests"])' "http://127.0.0.1:$port/stats"; }
python3 bench/eval/gen_cases.py "$n" "$work/cases.jsonl" "${only[@]}"

export WHET_BENCH_KEY=dummy-key OPENAI_API_KEY=dummy-key
export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1
# promptfoo writes a debug-level log file of every run by default; whet logs
# nothing unless asked. Off, which only spares promptfoo work (and its log
# transport crashed at exit, "write after end", in one 10,000-case run).
export PROMPTFOO_DISABLE_DEBUG_LOG=1
pf_versions="promptfoo $("$promptfoo" --version 2>/dev/null | head -n1), node $(node --version)"

# run_whet PREFIX: one `whet eval` in a fresh project; sets WALL, RSS,
# TREE, PROCS (most processes seen at once) and PASSED.
run_whet() {
  local prefix=$1 dir="$work/whet"
  rm -rf "$dir"
  write_project "$dir" "[providers.mockapi]
kind = \"openai\"
base_url = \"$base\"
api_key_env = \"WHET_BENCH_KEY\"
max_concurrency = $jobs

[models.bench]
provider = \"mockapi\"
model = \"mock-echo\""
  cp "$work/cases.jsonl" "$dir/evals/data/cases.jsonl"
  local measured rc
  measured=$(cd "$dir" && timed "$prefix" "$whet" eval evals/bench.yaml --cache off -j "$jobs" -o "$dir/out.jsonl")
  read -r WALL RSS rc TREE PROCS <<<"$measured"
  check_exit whet "$rc" "$prefix"
  PASSED=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["pass"]))' "$dir/out.jsonl")
}

# run_promptfoo PREFIX: one `promptfoo eval` in a fresh folder with a
# fresh PROMPTFOO_CONFIG_DIR (its database); sets the same.
run_promptfoo() {
  local prefix=$1 dir="$work/promptfoo"
  rm -rf "$dir"
  mkdir -p "$dir/config"
  cp "$work/cases.jsonl" "$dir/cases.jsonl"
  cat >"$dir/promptfooconfig.yaml" <<EOF
description: Harness benchmark (bench/eval)
prompts: ['{{ message }}']
providers:
  - id: openai:chat:mock-echo
    config:
      apiBaseUrl: $base
      apiKeyEnvar: WHET_BENCH_KEY
tests: file://cases.jsonl
EOF
  local measured rc
  measured=$(cd "$dir" && PROMPTFOO_CONFIG_DIR="$dir/config" timed "$prefix" "$promptfoo" eval \
    -c promptfooconfig.yaml --no-cache -j "$jobs" -o "$dir/out.json" --no-table --no-progress-bar)
  read -r WALL RSS rc TREE PROCS <<<"$measured"
  # promptfoo exits 100 when some test fails; the pass count below decides.
  [ "$rc" = 100 ] && rc=0
  check_exit promptfoo "$rc" "$prefix"
  PASSED=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["results"]["results"] if r["success"]))' "$dir/out.json")
}

check_exit() {
  if [ "$2" != 0 ]; then
    echo "$1 exited $2:" >&2
    tail -n 30 "$3.err" >&2
    exit 1
  fi
}

# measure TOOL REP: runs it, checks the passes and the server's count, and
# appends to the TOOL_walls / TOOL_rss / TOOL_tree arrays.
measure() {
  local tool=$1 rep=$2 before after
  before=$(served)
  "run_$tool" "$work/$tool-$rep"
  after=$(served)
  if [ "$PASSED" != "$n" ] || [ $((after - before)) != "$n" ]; then
    echo "$tool passed $PASSED of $n cases with $((after - before)) requests served: the benchmark is void" >&2
    exit 1
  fi
  eval "${tool}_walls+=($WALL) ${tool}_rss+=($RSS) ${tool}_tree+=($TREE)"
  echo "    $tool rep $rep: $WALL s, peak RSS $((RSS / 1024)) MiB (process tree $((TREE / 1024)) MiB, $PROCS process(es)), $PASSED/$n passed" >&2
}

echo "==> $("$whet" --version); $pf_versions; $(machine_notes | tr '\n' ' ')" >&2
echo "==> $n cases, -j $jobs, $reps repetitions, server on $base" >&2
whet_walls=() whet_rss=() whet_tree=() promptfoo_walls=() promptfoo_rss=() promptfoo_tree=()
for r in $(seq "$reps"); do
  measure whet "$r"
  measure promptfoo "$r"
done

python3 - "$n" "$reps" "$jobs" "$($whet --version)" "$pf_versions" "${ONLY:-mixed}" \
  "${whet_walls[*]}" "${whet_rss[*]}" "${whet_tree[*]}" \
  "${promptfoo_walls[*]}" "${promptfoo_rss[*]}" "${promptfoo_tree[*]}" <<'PY'
import statistics, sys
n, reps, jobs, wv, pv, kinds = int(sys.argv[1]), *sys.argv[2:7]
med = lambda s: statistics.median(float(x) for x in s.split())
ww, wr, wt, pw, pr, pt = (med(s) for s in sys.argv[7:13])
print(f"{n:,} cases ({kinds} assertions), -j {jobs}, median of {reps}; {wv}; {pv}")
print()
print("| tool | wall s | cases/s | peak RSS MiB (GNU time) | process tree RSS MiB (sampled) |")
print("|---|---|---|---|---|")
# A run shorter than the sampler's start-up leaves no tree sample (0).
mib = lambda kb: f"{kb / 1024:.0f}" if kb else "n/a"
ratio = lambda a, b: f"{a / b:.1f}×" if a and b else "n/a"
print(f"| whet | {ww:.2f} | {n / ww:,.0f} | {mib(wr)} | {mib(wt)} |")
print(f"| promptfoo | {pw:.2f} | {n / pw:,.0f} | {mib(pr)} | {mib(pt)} |")
print(f"| ratio (promptfoo / whet) | {ratio(pw, ww)} | | {ratio(pr, wr)} | {ratio(pt, wt)} |")
PY
