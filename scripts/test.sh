#!/usr/bin/env bash
# Every test: typecheck, lint, unit, integration (dist/ under Node 20 and 24) and end-to-end on the real stack.
# Installs what it needs on a fresh machine and reuses what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
bash stack/up
npm test
