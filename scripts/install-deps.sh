#!/usr/bin/env bash
# Installs the Debian packages whet's build and tests need, if missing.
# Prints what it does; does nothing when everything is already there.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: need root to install ${missing[*]}; run as root or install them yourself" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "==> system packages present: $*"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo is not on PATH; install the Rust toolchain (rustup) first" >&2
  exit 2
fi
echo "==> $(cargo --version)"
