# shellcheck shell=bash
# Helpers shared by bench/eval/harness.sh and bench/eval/vs_promptfoo.sh.
# Sourced, not run: the caller sets `set -euo pipefail` and cds to the repo.
BENCH_DIR=$PWD/bench/eval

# GNU time measures wall time and peak RSS; Debian ships it as `time`.
need_gnu_time() {
  if [ ! -x /usr/bin/time ]; then
    echo "==> installing GNU time (apt-get install -y time)" >&2
    apt-get install -y time >&2 || { apt-get update >&2 && apt-get install -y time >&2; }
  fi
}

# Builds the release `whet` and prints its path. CARGO_TARGET_DIR is
# respected; the default is the repo's ./target. WHET=PATH measures that
# binary instead, unbuilt.
build_whet() {
  if [ -n "${WHET:-}" ]; then
    realpath "$WHET"
    return
  fi
  local target=${CARGO_TARGET_DIR:-$PWD/target}
  echo "==> cargo build --release -p whet-cli (target dir $target)" >&2
  cargo build --release -p whet-cli >&2
  echo "$target/release/whet"
}

# write_project DIR MODELS_TOML: a whet project in DIR with one prompt,
# `echo` (the user message is the `message` variable, nothing else), the
# model table(s) given, and a suite evals/bench.yaml over data/cases.jsonl
# on the model alias `bench`.
write_project() {
  local dir=$1 models=$2
  mkdir -p "$dir/prompts" "$dir/evals/data"
  printf '[project]\nname = "bench"\n\n%s\n' "$models" >"$dir/whet.toml"
  cat >"$dir/prompts/echo.toml" <<'EOF'
name = "echo"
description = "The message as the only user turn (benchmark)"
owner = "bench"

[model]
alias = "bench"

[variables.message]
type = "string"

[[messages]]
role = "user"
content = "{{ message }}"
EOF
  cat >"$dir/evals/bench.yaml" <<'EOF'
description: Harness benchmark (bench/eval)
prompts: [echo]
models: [bench]
tests: data/cases.jsonl
EOF
}

# timed OUT_PREFIX CMD...: runs CMD under `/usr/bin/time -v` (stdout to
# OUT_PREFIX.out, stderr and time's report to OUT_PREFIX.err and
# OUT_PREFIX.time) and prints "WALL_S PEAK_RSS_KB EXIT TREE_RSS_KB
# PROCESSES": GNU time's peak is the largest single process's; the last two
# come from sampling the whole process tree (treerss.py). A wall clock with
# nanoseconds is taken around it, since time -v rounds to 10 ms.
timed() {
  local prefix=$1
  shift
  local t0 t1 rc=0 pid sampler
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$prefix.time" "$@" >"$prefix.out" 2>"$prefix.err" &
  pid=$!
  python3 "$BENCH_DIR/treerss.py" "$pid" "$prefix.tree" &
  sampler=$!
  wait "$pid" || rc=$?
  t1=$(date +%s.%N)
  wait "$sampler"
  local rss tree procs
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$prefix.time")
  read -r tree procs <"$prefix.tree"
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}', *sys.argv[3:])" \
    "$t0" "$t1" "$rss" "$rc" "$tree" "$procs"
}

# median of the numbers given as arguments.
median() {
  python3 -c 'import statistics, sys; print(statistics.median(map(float, sys.argv[1:])))' "$@"
}

# machine_notes: one line each on cores, CPU, memory and load, for the docs.
machine_notes() {
  echo "cores: $(nproc); cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load: $(cut -d' ' -f1-3 /proc/loadavg)"
}
