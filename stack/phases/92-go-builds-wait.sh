# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: wait for Go builds
# Says what it still waits for every 15 s (STACK_GO_REPORT_EVERY), so a cold start shows progress rather than
# silence; gives up after STACK_GO_TIMEOUT seconds (default 3600).
[ -n "${GO_STATUS:-}" ] || die "go-builds-wait waits for the go-builds phase: name both"
go_since() { secs "$(cat "$GO_STATUS/$1.start")" "$(now)" | cut -d. -f1; }
go_pending() { # "buildkit (72 s), runc (downloading 5 s)": every tool not built yet
  local t out="" what
  for t in "${GO_TOOLS[@]}"; do
    [ ! -e "$GO_STATUS/$t.done" ] || continue
    if [ -e "$GO_STATUS/$t.failed" ]; then what=failed
    elif [ -e "$GO_STATUS/$t.start" ]; then what="$(go_since "$t") s"
    elif [ -e "$GO_STATUS/fetch-$t.start" ] && [ ! -e "$GO_STATUS/fetch-$t.done" ]; then
      what="downloading $(go_since "fetch-$t") s"
    else what=queued; fi
    out+="${out:+, }$t ($what)"
  done
  echo "$out"
}
go_lanes_running() { local p; for p in "${GO_LANE_PIDS[@]}"; do alive "$p" && return 0; done; return 1; }
GO_EVERY=${STACK_GO_REPORT_EVERY:-15} GO_LIMIT=${STACK_GO_TIMEOUT:-3600}
[[ $GO_EVERY =~ ^[1-9][0-9]*$ ]] || die "STACK_GO_REPORT_EVERY must be a number of seconds, not '$GO_EVERY'"
[[ $GO_LIMIT =~ ^[1-9][0-9]*$ ]] || die "STACK_GO_TIMEOUT must be a number of seconds, not '$GO_LIMIT'"
go_t0=$SECONDS go_said=-$GO_EVERY
while go_lanes_running; do
  # a failed tool ends the wait at once: the other lane's result would not be used
  if compgen -G "$GO_STATUS/*.failed" >/dev/null; then go_stop_lanes; break; fi
  if ((SECONDS - go_t0 >= GO_LIMIT)); then
    go_stop_lanes
    die "Go builds still running after ${GO_LIMIT}s: $(go_pending) (logs: $LOGS/go-build-<tool>.log)"
  fi
  if ((SECONDS - go_said >= GO_EVERY)); then log "waiting for: $(go_pending)"; go_said=$SECONDS; fi
  sleep 1
done
go_failed=0
for p in "${GO_LANE_PIDS[@]}"; do wait "$p" || go_failed=1; done
GO_LANE_PIDS=()
for t in "${GO_TOOLS[@]}"; do
  if [ -e "$GO_STATUS/$t.done" ] && [ -e "$GO_STATUS/$t.start" ]; then
    TIMINGS+=("$(printf '  %-18s %7ss' "go:$t" "$(secs "$(cat "$GO_STATUS/$t.start")" "$(cat "$GO_STATUS/$t.done")")")")
  elif [ -e "$GO_STATUS/$t.failed" ]; then
    go_failed=1; tail -n 40 "$LOGS/go-build-$t.log" >&2; log "Go build of $t failed (log: $LOGS/go-build-$t.log)"
  elif [ ! -e "$GO_STATUS/$t.done" ]; then
    go_failed=1; log "Go build of $t: not built (stopped after the failure)"
  fi
done
[ "$go_failed" = 0 ] || die "Go builds failed (logs: $LOGS/go-build-<tool>.log)"
TIMINGS+=("$(printf '%-20s %7ss' "go-builds(total)" "$(secs "$T_GO" "$(now)")")")
BUILDX_REPORTED=$(docker buildx version 2>/dev/null | awk '{print $2}')
version_ge "$BUILDX_REPORTED" "$BUILDX_MIN_VERSION" || die "docker buildx reports '$BUILDX_REPORTED' (< $BUILDX_MIN_VERSION)"
log "buildx: $(docker buildx version)"
