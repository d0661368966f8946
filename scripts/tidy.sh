#!/usr/bin/env bash
# clang-tidy over every source file of src/, with the checks in .clang-tidy, including Clang's
# thread-safety analysis (-Wthread-safety, reported as clang-diagnostic-thread-safety-*);
# any finding fails. A file whose preprocessed text, compile flags and
# tidy configuration are unchanged since it last passed is not checked again (the results are
# remembered in $DECNET_TIDY_CACHE, by default ~/.cache/decnet-tidy), so a run after a small
# change takes seconds instead of minutes.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
jobs=${JOBS:-$(nproc)}
cache=${DECNET_TIDY_CACHE:-$HOME/.cache/decnet-tidy}
mkdir -p "$cache"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy)
export root build cache tidy
salt=$({ cat "$root/.clang-tidy" "${BASH_SOURCE[0]}"; "$tidy" --version; } | sha256sum | cut -c1-16)
export salt

check_one() {
  local file=$1
  local command
  command=$(python3 - "$build/compile_commands.json" "$file" <<'PY'
import json, shlex, sys
for entry in json.load(open(sys.argv[1])):
    if entry["file"] == sys.argv[2]:
        args = shlex.split(entry["command"])
        # the same flags, preprocessing only and without the object file
        out = [a for i, a in enumerate(args) if a != "-c" and not (i and args[i - 1] == "-o")
               and a != "-o"]
        print(shlex.join(out[:-1] + ["-E", "-P", out[-1]]))
        break
PY
)
  [[ -n $command ]] || { echo "tidy: $file is not in the compile database" >&2; return 1; }
  local key
  key=$( (cd "$build" && eval "$command" 2>/dev/null; echo "$command"; echo "$salt") | sha256sum |
        cut -c1-32)
  [[ -f $cache/$key ]] && return 0
  local out
  if out=$("$tidy" -p "$build" --quiet --warnings-as-errors='*' \
        -extra-arg=-Wno-unknown-warning-option -extra-arg=-Wthread-safety "$file" 2>&1) &&
     ! grep -qE '(warning|error):' <<<"$out"; then
    touch "$cache/$key"
    return 0
  fi
  echo "$out" | grep -vE '^[0-9]+ warnings? generated|^Suppressed|^Use -header-filter|^$' >&2
  return 1
}
export -f check_one

cd "$root"
git ls-files 'src/*.cc' | sed "s|^|$root/|" |
  xargs -P "$jobs" -I{} bash -c 'check_one "$@"' _ {} && echo "tidy: clean"
