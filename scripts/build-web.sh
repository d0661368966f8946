#!/usr/bin/env bash
# Builds the dashboard (web/) into the directory given as $1, which `decnet serve` serves at /
# (DECNET_WEB_DIR). Called by the CMake target `web`; npm packages come from
# scripts/install-deps.sh (npm ci against the committed lock file).
set -euo pipefail
out=${1:?usage: build-web.sh OUTPUT_DIR}
web=$(cd "$(dirname "${BASH_SOURCE[0]}")/../web" && pwd)
if [[ ! -x $web/node_modules/.bin/vite ]]; then
  echo "build-web: web/node_modules is missing; run scripts/install-deps.sh (make does)" >&2
  exit 1
fi
cd "$web"
DECNET_WEB_OUT="$out" node_modules/.bin/vite build --logLevel warn
