# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: wait for Go builds
[ -n "${GO_PID:-}" ] || die "go-builds-wait waits for the go-builds phase: name both"
if ! wait "$GO_PID"; then tail -n 40 "$LOGS/go-build.log" >&2; die "Go builds failed (log: $LOGS/go-build.log)"; fi
while read -r _ what d; do TIMINGS+=("$(printf '  %-18s %7ss' "$what" "$d")"); done < <(grep '^timing go:' "$LOGS/go-build.log")
TIMINGS+=("$(printf '%-20s %7ss' "go-builds(total)" "$(secs "$T_GO" "$(now)")")")
BUILDX_REPORTED=$(docker buildx version 2>/dev/null | awk '{print $2}')
version_ge "$BUILDX_REPORTED" "$BUILDX_MIN_VERSION" || die "docker buildx reports '$BUILDX_REPORTED' (< $BUILDX_MIN_VERSION)"
log "buildx: $(docker buildx version)"
