#!/usr/bin/env bash
# Token generation speed of whet's in-process llama.cpp provider against
# llama.cpp's own `llama-bench`, built from the very llama.cpp sources that
# whet links (the copy vendored in the llama-cpp-sys-2 crate), on the same
# GGUF, with the same threads, in one run on this machine.
#
#   bash bench/local_tokens_per_s.sh [MODEL_ALIAS] [THREADS] [TOKENS] [REPS]
#
# Prints a markdown table; paste it into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-qwen2.5-coder-0.5b-instruct}
threads=${2:-$(nproc)}
tokens=${3:-128}
reps=${4:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/whet/target}

echo "==> building whet and the measuring example (release)" >&2
cargo build --locked -p whet-cli >&2
cargo build --locked --release -p whet-local --example tokens_per_s >&2
whet="$CARGO_TARGET_DIR/debug/whet"
gguf=$("$whet" models path "$model" 2>/dev/null || { "$whet" models pull "$model" >&2; "$whet" models path "$model"; })

version=$(cargo metadata --format-version 1 --locked | python3 -c 'import json,sys; print([p["version"] for p in json.load(sys.stdin)["packages"] if p["name"]=="llama-cpp-sys-2"][0])')
src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/llama-cpp-sys-2-"$version"/llama.cpp | head -n1)
build="$HOME/.cache/whet/llama-bench-$version"
if [ ! -x "$build/bin/llama-bench" ]; then
  echo "==> building llama-bench from $src (once)" >&2
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=ON >&2
  cmake --build "$build" --target llama-bench -j "$(nproc)" >&2
fi

echo "==> llama-bench: $tokens tokens, $threads threads, $reps repetitions" >&2
ref=$("$build/bin/llama-bench" -m "$gguf" -t "$threads" -p 0 -n "$tokens" -r "$reps" -o json 2>/dev/null |
  python3 -c 'import json,sys; r=[x for x in json.load(sys.stdin) if x["n_gen"]>0][0]; print(f"{r[\"avg_ts\"]:.2f} {r[\"stddev_ts\"]:.2f}")')

echo "==> whet-local: $tokens tokens, $threads threads, $reps repetitions" >&2
ours=$("$CARGO_TARGET_DIR/release/examples/tokens_per_s" "$gguf" "$threads" "$tokens" "$reps")

read -r ref_avg ref_sd <<<"$ref"
read -r our_avg our_sd <<<"$ours"
python3 - "$model" "$threads" "$tokens" "$reps" "$ref_avg" "$ref_sd" "$our_avg" "$our_sd" <<'PY'
import sys
model, threads, tokens, reps, ra, rs, oa, os_ = sys.argv[1:]
ra, rs, oa, os_ = map(float, (ra, rs, oa, os_))
overhead = (ra - oa) / ra * 100
print(f"| model | threads | tokens | llama-bench tok/s | whet-local tok/s | whet overhead |")
print(f"|---|---|---|---|---|---|")
print(f"| {model} | {threads} | {tokens} | {ra:.2f} ± {rs:.2f} | {oa:.2f} ± {os_:.2f} | {overhead:+.1f}% |")
PY
