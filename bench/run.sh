#!/usr/bin/env bash
# Runs every benchmark binary of a build directory; each prints its BENCH lines.
set -euo pipefail
build=${1:-build/release}
for b in "$build"/bench/bench_*; do
  [[ -x $b ]] || continue
  echo "== $(basename "$b")" >&2
  "$b"
done
# The dashboard's bundle size and the attackers page over a million attackers (web/bench).
if [[ -f $build/web/index.html && -x /usr/bin/chromium ]]; then
  echo "== web/bench/attackers-page.mjs" >&2
  node web/bench/attackers-page.mjs --decnet "$build/src/app/decnet" --web "$(cd "$build/web" && pwd)"
fi
