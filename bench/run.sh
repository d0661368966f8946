#!/usr/bin/env bash
# Runs every benchmark binary of a build directory; each prints its BENCH lines.
set -euo pipefail
build=${1:-build/release}
for b in "$build"/bench/bench_*; do
  [[ -x $b ]] || continue
  echo "== $(basename "$b")" >&2
  "$b"
done
