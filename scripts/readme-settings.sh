#!/usr/bin/env bash
# Regenerates the settings table of README.md from the settings table compiled into decnet
# (`decnet config table`); a test fails when the two drift apart.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
decnet=${1:-$root/build/release/src/app/decnet}
table=$("$decnet" config table)
python3 - "$root/README.md" "$table" <<'PY'
import sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- settings:begin -->\n", "<!-- settings:end -->"
b, e = text.index(begin) + len(begin), text.index(end)
open(path, "w").write(text[:b] + table + "\n" + text[e:])
PY
