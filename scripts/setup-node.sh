#!/usr/bin/env bash
# Installs the Node packages when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # Not `npm ci`: the registry here lacks some of jest's optional bindings for other platforms at the locked
  # version, which npm ci refuses; npm install skips them and still installs what package-lock.json pins.
  npm install --no-audit --no-fund
  echo "$want" > "$stamp"
fi
