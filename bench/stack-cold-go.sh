#!/usr/bin/env bash
# shellcheck disable=SC2034,SC2317 # HERE, LOG_TAG, PHASES, PROFILE and PLUGIN_DIR are read, full_stack and docker called, by the phase files it sources
# The Go part of a cold `bash scripts/demo.sh`: stack/up's go-builds and go-builds-wait phases on EMPTY Go build and
# module caches (new folders per run; the machine's own caches are left alone), in a state folder of their own, with
# the buildx plugin going to a temporary folder and `docker buildx version` answering only from it (as on a machine
# with no buildx), so nothing of the running stack is touched. The packages phase is not part of it (gcc and
# libseccomp-dev are already installed): on a fresh machine apt runs beside the Go builds in the new way.
#   bash bench/stack-cold-go.sh [ROUNDS]   alternates the phase files at BENCH_COLD_OLD_REV (default: the last commit
#                                          with the one-lane builds of buildx, BuildKit, act and runc) with the
#                                          current ones, ROUNDS times (default 1); prints each run's wall time
# Needs the Go toolchain and the Go module proxy; about 10 minutes a round on two cores.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-1}
[[ $ROUNDS =~ ^[1-9]$ ]] || { echo "ROUNDS must be 1-9, not '$ROUNDS'" >&2; exit 2; }
OLD_REV=${BENCH_COLD_OLD_REV:-448e657}
WORK=$(mktemp -d /var/tmp/stack-cold-go.XXXXXX)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/old/stack/phases"
for f in stack/lib.sh stack/versions.env stack/phases/15-go-builds.sh stack/phases/92-go-builds-wait.sh; do
  git -C "$REPO" show "$OLD_REV:$f" >"$WORK/old/$f"
done

one_run() { # WAY (old|new) N: prints "WAY N SECONDS"
  local way=$1 n=$2 t=$WORK/run-$1-$2 src t0 t1
  src=$REPO; [ "$way" = new ] || src=$WORK/old
  mkdir -p "$t"
  t0=$(date +%s.%N)
  (
    export GOCACHE=$t/gocache GOMODCACHE=$t/gomod GOFLAGS=-modcacherw STACK_STATE=$t/state
    HERE=$src/stack LOG_TAG=cold
    # shellcheck source=/dev/null
    source "$src/stack/lib.sh"
    # shellcheck source=/dev/null
    source "$src/stack/versions.env"
    mkdir -p "$LOGS" "$RUN" "$BIN" "$BUILD" "$SEED" "$REGS"
    PLUGIN_DIR=$t/plugins PROFILE=demo PHASES=(go-builds go-builds-wait) TIMINGS=()
    full_stack() { [ "$PROFILE" = all ]; }
    docker() { # no buildx on a fresh machine; then the one this run installed
      [ "$1 $2" = "buildx version" ] && [ -x "$PLUGIN_DIR/docker-buildx" ] && "$PLUGIN_DIR/docker-buildx" version
    }
    for phase in "$src"/stack/phases/*-go-builds.sh "$src"/stack/phases/*-go-builds-wait.sh; do
      # shellcheck source=/dev/null
      source "$phase"
    done
    printf '%s\n' "${TIMINGS[@]}"
  ) >"$t.log" 2>&1 || { echo "$way run $n failed:" >&2; tail -n 30 "$t.log" >&2; return 1; }
  t1=$(date +%s.%N)
  grep -E 'go:|go-builds' "$t.log" | sed "s/^/  $way $n /" >&2
  chmod -R u+w "$t"; rm -rf "$t"
  awk -v w="$way" -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN{printf "%s %s %.0f\n", w, n, b-a}'
}

echo "cold Go builds (demo profile), load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= ROUNDS; i++)); do
  one_run old "$i"
  one_run new "$i"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
