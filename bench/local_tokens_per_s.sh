#!/usr/bin/env bash
# Token generation speed of whet's in-process llama.cpp provider against
# llama.cpp itself, on the same GGUF, with the same threads, in one run on
# this machine. The baseline is bench/llama_decode.cpp: greedy decoding on
# llama.cpp's C API (what llama-bench's `tg` test does), built with cmake
# from the very llama.cpp sources whet links (the copy vendored in the
# llama-cpp-sys-2 crate). That copy ships without llama-bench's own source,
# hence the small C++ driver.
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
# The same CPU flags whet's build gets from llama-cpp-sys-2: no -march=native
# unless cargo builds with target-cpu=native (GGML_NATIVE=ON shows the gap).
build="$HOME/.cache/whet/llama-cpp-$version-native-${GGML_NATIVE:-OFF}"
if [ ! -f "$build/bin/libllama.so" ] && [ ! -f "$build/src/libllama.a" ] && [ ! -f "$build/bin/libllama.a" ]; then
  echo "==> building llama.cpp $version from $src (once)" >&2
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_COMMON=OFF \
    -DLLAMA_BUILD_APP=OFF -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE="${GGML_NATIVE:-OFF}" >&2
  cmake --build "$build" --target llama -j "$(nproc)" >&2
fi
driver="$build/llama_decode"
libs=$(find "$build" -name '*.a' | sort -r | tr '\n' ' ')
g++ -O3 -std=c++17 -I"$src/include" -I"$src/ggml/include" bench/llama_decode.cpp -o "$driver" \
  -Wl,--start-group $libs -Wl,--end-group -lpthread -lgomp -ldl -lm >&2

echo "==> llama.cpp C API: $tokens tokens, $threads threads, $reps repetitions" >&2
ref=$("$driver" "$gguf" "$threads" "$tokens" "$reps")

echo "==> whet-local: $tokens tokens, $threads threads, $reps repetitions" >&2
ours=$("$CARGO_TARGET_DIR/release/examples/tokens_per_s" "$gguf" "$threads" "$tokens" "$reps")

read -r ref_avg ref_sd <<<"$ref"
read -r our_avg our_sd <<<"$ours"
python3 - "$model" "$threads" "$tokens" "$reps" "$ref_avg" "$ref_sd" "$our_avg" "$our_sd" <<'PY'
import sys
model, threads, tokens, reps, ra, rs, oa, os_ = sys.argv[1:]
ra, rs, oa, os_ = map(float, (ra, rs, oa, os_))
overhead = (ra - oa) / ra * 100
print(f"| model | threads | tokens | llama.cpp C API tok/s | whet-local tok/s | whet overhead |")
print(f"|---|---|---|---|---|---|")
print(f"| {model} | {threads} | {tokens} | {ra:.2f} ± {rs:.2f} | {oa:.2f} ± {os_:.2f} | {overhead:+.1f}% |")
PY
