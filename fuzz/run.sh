#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build over its committed seed corpus for N seconds, as
# many at once as there are cores (JOBS overrides). New inputs found go to a scratch directory, so
# the committed corpus only changes on purpose.
set -euo pipefail
build=${1:-build/fuzz}
seconds=${2:-20}
jobs=${JOBS:-$(nproc)}
root=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/artifacts"

fuzz_one() {
  local target=$1 name scratch
  name=$(basename "$target" _fuzz)
  scratch=$(mktemp -d)
  if "$target" -max_total_time="$seconds" -print_final_stats=0 \
      -artifact_prefix="$build/artifacts/$name-" \
      "$scratch" "$root/corpus/$name" >"$scratch.log" 2>&1; then
    echo "fuzz: $name clean after ${seconds}s"
    rm -rf "$scratch" "$scratch.log"
    return 0
  fi
  echo "fuzz: $name FAILED"
  tail -n 40 "$scratch.log"
  rm -rf "$scratch" "$scratch.log"
  return 1
}

status=0
running=0
for target in "$build"/fuzz/*_fuzz; do
  [[ -x $target ]] || continue
  if ((running >= jobs)); then
    wait -n || status=1
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
while ((running > 0)); do
  wait -n || status=1
  running=$((running - 1))
done
exit $status
