#!/usr/bin/env bash
# Installs the Node packages exactly as package-lock.json pins them, when node_modules is missing or older than it.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # package-lock.json lists every platform's optional bindings, so `npm ci` installs without touching it.
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
