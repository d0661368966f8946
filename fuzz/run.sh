#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build over its committed seed corpus for N seconds.
# New inputs found go to a scratch directory, so the committed corpus only changes on purpose.
set -euo pipefail
build=${1:-build/fuzz}
seconds=${2:-20}
root=$(cd "$(dirname "$0")" && pwd)
status=0
for target in "$build"/fuzz/*_fuzz; do
  [[ -x $target ]] || continue
  name=$(basename "$target" _fuzz)
  scratch=$(mktemp -d)
  echo "fuzz: $name for ${seconds}s"
  mkdir -p "$build/artifacts"
  if ! "$target" -max_total_time="$seconds" -print_final_stats=0 \
      -artifact_prefix="$build/artifacts/$name-" \
      "$scratch" "$root/corpus/$name" >"$scratch.log" 2>&1; then
    tail -n 40 "$scratch.log"
    status=1
  fi
  rm -rf "$scratch" "$scratch.log"
done
exit $status
