#!/usr/bin/env bash
# Every test: typecheck, lint, unit, integration (dist/ under Node 20 and 24) and end-to-end on the real stack.
# Installs what it needs on a fresh machine and reuses what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-node.sh
# `npm run lint` runs shellcheck: Debian's package when the machine has none (stack/lib.sh's apt helper)
command -v shellcheck >/dev/null || (source stack/lib.sh && mkdir -p "$LOGS" && LOG_TAG=setup apt_install shellcheck)
bash stack/up
mkdir -p .tmp
rm -f .tmp/jest-results.json
status=0
npm test -- --json --outputFile=.tmp/jest-results.json || status=$?
# One plain closing line with the totals, whatever jest printed above.
node -e '
  const fs = require("node:fs")
  const file = ".tmp/jest-results.json"
  if (!fs.existsSync(file)) { console.log("tests: 0 passed, 1 failed (jest did not run)"); process.exit(0) }
  const r = JSON.parse(fs.readFileSync(file, "utf8"))
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${r.numPendingTests} skipped`)
'
exit "$status"
