# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: Go builds (background)
# The Go tools build in the background from the very start (they need only the Go toolchain, and CA roots for the Go
# module proxy) until phase go-builds-wait, while apt, the daemon, QEMU and seed data are set up.
# buildx, buildkitd and buildctl come out of one `go build` (step buildx+buildkit): buildx $BUILDX_VERSION pins
# BuildKit $BUILDKIT_VERSION, so the two share most of their packages, and one build compiles each of them once, with
# the whole graph to spread over the cores (built one after another, the BuildKit module compiles them a second time
# under its own path; side by side, twice at once). On two cores or more a second lane downloads runc's modules, then
# builds runc (cgo: gcc and libseccomp-dev, so after this run's packages phase), which shares little with the others.
# STACK_GO_LANES=1: one lane, one step after another; STACK_GO_P=N passes -p N to each go command. act and cosign
# (their own dependency versions, so builds of their own) are built for the full stack only: act in the first lane
# after buildx, cosign (pure Go, the largest of them) in the second after runc, so the two lanes end close together.
# Default GOCACHE/GOMODCACHE are kept so a second run is cached; binaries go to $BUILD/<tool>-<version>/ and are
# rebuilt only when missing. Each step logs to $LOGS/go-build-<step>.log; $GO_STATUS/<step>.{start,done,failed} hold
# the times go-builds-wait reports.
command -v go >/dev/null || die "go not found (expected /usr/local/go/bin/go)"
GO_TOOLS=(buildx+buildkit runc) # the steps go-builds-wait reports (downloads ahead of a build are fetch-<step>)
! full_stack || GO_TOOLS+=(act cosign)
GO_LANES_N=${STACK_GO_LANES:-$([ "$(nproc)" -ge 2 ] && echo 2 || echo 1)}
[[ $GO_LANES_N =~ ^[12]$ ]] || die "STACK_GO_LANES must be 1 or 2, not '$GO_LANES_N'"
GO_P=()
if [ -n "${STACK_GO_P:-}" ]; then
  [[ $STACK_GO_P =~ ^[1-9][0-9]?$ ]] || die "STACK_GO_P must be a number of parallel go jobs (1-99), not '$STACK_GO_P'"
  GO_P=(-p "$STACK_GO_P")
fi
GO_STATUS=$RUN/go-build; rm -rf "$GO_STATUS"; mkdir -p "$GO_STATUS"

GO_BUILDX_LDFLAGS="-X github.com/docker/buildx/version.Version=$BUILDX_VERSION \
  -X github.com/docker/buildx/version.Package=github.com/docker/buildx"
GO_BUILDKIT_LDFLAGS="-X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION \
  -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit"
buildx_wanted() { # false when an installed `docker buildx` is new enough or ours is built
  local cur; cur=$(docker buildx version 2>/dev/null | awk '{print $2}' || true)
  if version_ge "$cur" "$BUILDX_MIN_VERSION"; then echo "buildx: using installed $cur"; return 1; fi
  [ ! -x "$BUILD/buildx-$BUILDX_VERSION/buildx" ]
}
buildkit_wanted() { [ ! -x "$BUILD/buildkit-$BUILDKIT_VERSION/buildkitd" ] || [ ! -x "$BUILD/buildkit-$BUILDKIT_VERSION/buildctl" ]; }
install_buildx_plugin() { # ours, unless an installed one is new enough
  local out=$BUILD/buildx-$BUILDX_VERSION cur
  cur=$(docker buildx version 2>/dev/null | awk '{print $2}' || true)
  ! version_ge "$cur" "$BUILDX_MIN_VERSION" || return 0
  mkdir -p "$PLUGIN_DIR"
  cmp -s "$out/buildx" "$PLUGIN_DIR/docker-buildx" || install -m 0755 "$out/buildx" "$PLUGIN_DIR/docker-buildx"
}
build_buildx() {
  # ldflags put the version where `docker buildx version` (and the action) read it
  CGO_ENABLED=0 GOBIN=$BUILD/buildx-$BUILDX_VERSION go install "${GO_P[@]}" -trimpath -ldflags "-s -w $GO_BUILDX_LDFLAGS" \
    "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
}
build_buildkit() {
  # `go install ...@version` refuses modules whose go.mod has exclude directives (buildkit's has),
  # so build inside a writable copy of the module source instead. (No jq: this may run before apt.)
  local dir src=$STATE/src/buildkit-$BUILDKIT_VERSION
  if [ ! -f "$src/go.mod" ]; then
    dir=$(cd /tmp && go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [ -f "$dir/go.mod" ] || { echo "go mod download named no module folder for buildkit ('$dir')"; return 1; }
    rm -rf "$src"; mkdir -p "$STATE/src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  fi
  (cd "$src" && CGO_ENABLED=0 go build "${GO_P[@]}" -trimpath -ldflags "-s -w $GO_BUILDKIT_LDFLAGS" \
    -o "$BUILD/buildkit-$BUILDKIT_VERSION/" ./cmd/buildkitd ./cmd/buildctl)
}
# One `go build` of buildx, buildkitd and buildctl inside a module of our own that requires buildx, when buildx's
# build list has BuildKit at $BUILDKIT_VERSION. BuildKit's binaries then get buildx's dependency versions (at
# v0.37.2/v0.33.1 they differ from BuildKit's own go.mod in one patch release: logrus v1.10.2 for v1.10.1) and
# without BuildKit's exclude directives (two test-only modules). Otherwise: the two builds above, in turn.
build_buildx_buildkit() {
  local targets=() m=$STATE/src/go-tools-$BUILDX_VERSION out=$BUILD/go-tools.tmp have b
  if buildx_wanted; then targets+=(github.com/docker/buildx/cmd/buildx); fi
  if buildkit_wanted; then targets+=(github.com/moby/buildkit/cmd/buildkitd github.com/moby/buildkit/cmd/buildctl); fi
  if [ ${#targets[@]} -gt 0 ]; then
    if [ ! -f "$m/go.mod" ]; then # made aside, so a failed `go get` leaves no half module behind
      rm -rf "$m.tmp"; mkdir -p "$m.tmp"; printf 'module mpb-stack/go-tools\n' >"$m.tmp/go.mod"
      (cd "$m.tmp" && go get "github.com/docker/buildx@$BUILDX_VERSION")
      rm -rf "$m"; mv "$m.tmp" "$m"
    fi
    have=$(cd "$m" && go list -m -f '{{.Version}}' github.com/moby/buildkit)
    if [ "$have" = "$BUILDKIT_VERSION" ]; then
      rm -rf "$out"
      (cd "$m" && CGO_ENABLED=0 go build -mod=mod "${GO_P[@]}" -trimpath \
        -ldflags "-s -w $GO_BUILDX_LDFLAGS $GO_BUILDKIT_LDFLAGS" -o "$out/" "${targets[@]}")
      mkdir -p "$BUILD/buildx-$BUILDX_VERSION" "$BUILD/buildkit-$BUILDKIT_VERSION"
      [ ! -e "$out/buildx" ] || mv "$out/buildx" "$BUILD/buildx-$BUILDX_VERSION/"
      for b in buildkitd buildctl; do [ ! -e "$out/$b" ] || mv "$out/$b" "$BUILD/buildkit-$BUILDKIT_VERSION/"; done
      rm -rf "$out"
    else
      echo "buildx $BUILDX_VERSION builds with BuildKit '$have', not $BUILDKIT_VERSION: two builds"
      if buildx_wanted; then build_buildx; fi
      if buildkit_wanted; then build_buildkit; fi
    fi
  fi
  install_buildx_plugin
}
build_act() {
  local out=$BUILD/act-$ACT_VERSION
  [ -x "$out/act" ] || CGO_ENABLED=0 GOBIN=$out go install "${GO_P[@]}" -trimpath "github.com/nektos/act@$ACT_VERSION"
  ln -sfn "$out/act" "$BIN/act"
}
build_cosign() { # the e2e signing tests' cosign (the runner's cosign on PATH, as the action finds it)
  local out=$BUILD/cosign-$COSIGN_VERSION
  [ -x "$out/cosign" ] ||
    CGO_ENABLED=0 GOBIN=$out go install "${GO_P[@]}" -trimpath "github.com/sigstore/cosign/v3/cmd/cosign@$COSIGN_VERSION"
  ln -sfn "$out/cosign" "$BIN/cosign"
}
build_runc() { # needs gcc + libseccomp-dev (static lib): static runc with seccomp for a scratch image
  local out=$BUILD/runc-$RUNC_VERSION
  [ -x "$out/runc" ] && return 0
  CGO_ENABLED=1 GOBIN=$out go install "${GO_P[@]}" -trimpath -tags "seccomp netgo osusergo" \
    -ldflags "-s -w -extldflags -static" "github.com/opencontainers/runc@$RUNC_VERSION"
}

# Downloads ahead of a build: what they leave in the module cache, the build does not fetch again. A failed one
# only costs time (the build fetches what is missing), so it never fails the lane.
fetch_runc() { # -n: load the packages (downloading their modules) and print the build, run nothing
  [ -x "$BUILD/runc-$RUNC_VERSION/runc" ] ||
    CGO_ENABLED=1 go install -n -tags "seccomp netgo osusergo" "github.com/opencontainers/runc@$RUNC_VERSION" >/dev/null
}
fetch_cosign() {
  [ -x "$BUILD/cosign-$COSIGN_VERSION/cosign" ] ||
    CGO_ENABLED=0 go install -n "github.com/sigstore/cosign/v3/cmd/cosign@$COSIGN_VERSION" >/dev/null
}
fetch_act() {
  [ -x "$BUILD/act-$ACT_VERSION/act" ] || CGO_ENABLED=0 go install -n "github.com/nektos/act@$ACT_VERSION" >/dev/null
}

# The packages phase touches $GO_STATUS/packages.done when it is through; a lane waits for that only when the
# packages phase is part of this run.
go_wait_packages() {
  [[ " ${PHASES[*]} " == *" packages "* ]] || return 0
  local i
  for ((i = 0; i < 7200; i++)); do # bounded: an hour of apt
    [ -e "$GO_STATUS/packages.done" ] && return 0
    kill -0 "$$" 2>/dev/null || return 1 # stack/up is gone
    sleep 0.5
  done
  echo "gave up waiting for the packages phase"; return 1
}
# Go fetches modules over HTTPS: without CA roots yet (a bare machine), even pure-Go tools wait for apt.
go_has_ca_roots() { [ -n "${SSL_CERT_FILE:-}" ] || [ -s /etc/ssl/certs/ca-certificates.crt ]; }
go_step() { # STEP: TOOL (its build) or fetch-TOOL (its downloads); output in the tool's log, times in $GO_STATUS
  local step=$1 tool=${1#fetch-} rc=0 fn=build_${1//+/_}
  [ "$step" = "$tool" ] || fn=fetch_${tool//+/_}
  if [ "$step" = runc ] || ! go_has_ca_roots; then go_wait_packages >>"$LOGS/go-build-$tool.log" 2>&1 || rc=$?; fi
  if [ "$rc" = 0 ]; then
    now >"$GO_STATUS/$step.start"
    ("$fn") >>"$LOGS/go-build-$tool.log" 2>&1 &
    wait $! || rc=$?
  fi
  if [ "$rc" != 0 ] && [ "$step" != "$tool" ]; then
    echo "downloads ahead of the $tool build failed (exit $rc): the build fetches what it needs" >>"$LOGS/go-build-$tool.log"
    rc=0
  fi
  if [ "$rc" = 0 ]; then now >"$GO_STATUS/$step.done"; else now >"$GO_STATUS/$step.failed"; fi
  return "$rc"
}
go_lane() { # STEP...: one after another; a failed build ends the lane (set -e: never call it in a condition)
  local s
  set +m # the builds stay in the lane's process group, which go_stop_lanes stops
  for s in "$@"; do go_step "$s"; done
}

# The lanes are process groups of their own: if stack/up ends before go-builds-wait took them (a failed phase,
# Ctrl-C, or go-builds named without go-builds-wait), they stop with it, go and compile processes included.
GO_LANE_PIDS=()
go_stop_lanes() {
  local p
  for p in "${GO_LANE_PIDS[@]}"; do
    if alive "$p"; then log "stopping Go build lane (pid $p)"; kill -TERM -- "-$p" 2>/dev/null || true; fi
  done
}
trap go_stop_lanes EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

T_GO=$(now)
for t in "${GO_TOOLS[@]}"; do : >"$LOGS/go-build-$t.log"; done
if [ "$GO_LANES_N" = 2 ]; then
  GO_LANES=("buildx+buildkit" "fetch-runc runc")
  ! full_stack || GO_LANES=("buildx+buildkit act" "fetch-runc fetch-act fetch-cosign runc cosign")
else
  GO_LANES=("${GO_TOOLS[*]}")
fi
set -m # each lane in its own process group: stack/up stops a lane together with its go and compile processes
for lane in "${GO_LANES[@]}"; do
  # shellcheck disable=SC2086 # a lane is a list of tool names
  go_lane $lane &
  GO_LANE_PIDS+=("$!")
done
set +m
log "Go builds running in the background, $GO_LANES_N lane(s): $(printf '[%s] ' "${GO_LANES[@]}")(logs: $LOGS/go-build-<tool>.log)"
