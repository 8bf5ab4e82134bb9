#!/usr/bin/env bash
# Runs the unit and integration projects ROUNDS times in a row while BURNERS CPU-bound processes of our own keep
# the machine busy, then once more in random order (jest --randomize). Shows whether a test depends on timing.
#   bash scripts/test-under-load.sh            (ROUNDS=10 BURNERS=2 by default)
#   ROUNDS=3 BURNERS=4 bash scripts/test-under-load.sh
# Every burner is bounded by `timeout` and killed on exit. Ends with one line per round and a plain total line.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-10}
burners=${BURNERS:-2}
# A burner lives at most this long, whatever happens to this script.
limit_s=${BURN_LIMIT_S:-7200}
bash scripts/setup-node.sh
npm run -s build
work=$(mktemp -d /tmp/test-under-load-XXXXXX)
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq "$burners"); do
  timeout "$limit_s" sh -c 'while :; do :; done' &
  pids+=("$!")
done
echo "$burners CPU burners running (pids ${pids[*]}), $(nproc) cores"

passed=0
failed=0
summary=()
run_round() { # name, extra jest flags...
  local name=$1
  shift
  local started=$SECONDS status=0
  npx jest --selectProjects unit integration --json --outputFile="$work/$name.json" "$@" >"$work/$name.log" 2>&1 ||
    status=$?
  local counts
  counts=$(node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
    const failed = r.testResults.flatMap(f => f.assertionResults.filter(a => a.status === "failed").map(a => a.fullName))
    console.log(`${r.numPassedTests} ${r.numFailedTests + r.numRuntimeErrorTestSuites}`)
    for (const name of failed) console.error(`  failed: ${name}`)
  ' "$work/$name.json" 2>>"$work/failures.txt" || echo "0 1")
  local ok=${counts% *} bad=${counts#* }
  passed=$((passed + ok))
  failed=$((failed + bad))
  summary+=("$(printf '%-10s %5d passed %3d failed  exit %d  %4d s' "$name" "$ok" "$bad" "$status" $((SECONDS - started)))")
  echo "${summary[-1]}"
  if [ "$status" -ne 0 ]; then grep -E '●' "$work/$name.log" | head -20 || true; fi
}
for round in $(seq "$rounds"); do run_round "round-$round"; done
run_round random --randomize
echo "---- under load: $burners burners, $rounds rounds + 1 random order"
printf '%s\n' "${summary[@]}"
[ ! -s "$work/failures.txt" ] || sort "$work/failures.txt" | uniq -c
echo "under load: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
