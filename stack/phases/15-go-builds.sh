# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: Go builds (background)
# Pure-Go tools build in the background while the daemon, QEMU and seed data are set up.
# Default GOCACHE/GOMODCACHE are kept so a second run is cached; binaries go to
# $BUILD/<tool>-<version>/ and are rebuilt only when missing.
build_buildx() {
  local cur; cur=$(docker buildx version 2>/dev/null | awk '{print $2}' || true)
  if version_ge "$cur" "$BUILDX_MIN_VERSION"; then echo "buildx: using installed $cur"; return 0; fi
  local out=$BUILD/buildx-$BUILDX_VERSION
  if [ ! -x "$out/buildx" ]; then
    # ldflags put the version where `docker buildx version` (and the action) read it
    CGO_ENABLED=0 GOBIN=$out go install -trimpath -ldflags "-s -w \
      -X github.com/docker/buildx/version.Version=$BUILDX_VERSION \
      -X github.com/docker/buildx/version.Package=github.com/docker/buildx" \
      "github.com/docker/buildx/cmd/buildx@$BUILDX_VERSION"
  fi
  mkdir -p "$PLUGIN_DIR"
  cmp -s "$out/buildx" "$PLUGIN_DIR/docker-buildx" || install -m 0755 "$out/buildx" "$PLUGIN_DIR/docker-buildx"
}
build_buildkit() {
  local out=$BUILD/buildkit-$BUILDKIT_VERSION
  [ -x "$out/buildkitd" ] && [ -x "$out/buildctl" ] && return 0
  # `go install ...@version` refuses modules whose go.mod has exclude directives (buildkit's has),
  # so build inside a writable copy of the module source instead.
  local dir src=$STATE/src/buildkit-$BUILDKIT_VERSION
  if [ ! -f "$src/go.mod" ]; then
    dir=$(cd /tmp && go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" | jq -r .Dir)
    rm -rf "$src"; mkdir -p "$STATE/src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  fi
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w \
    -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION \
    -X github.com/moby/buildkit/version.Package=github.com/moby/buildkit" \
    -o "$out/" ./cmd/buildkitd ./cmd/buildctl)
}
build_act() {
  local out=$BUILD/act-$ACT_VERSION
  [ -x "$out/act" ] || CGO_ENABLED=0 GOBIN=$out go install -trimpath "github.com/nektos/act@$ACT_VERSION"
  ln -sfn "$out/act" "$BIN/act"
}
build_runc() { # needs gcc + libseccomp-dev (static lib): static runc with seccomp for a scratch image
  local out=$BUILD/runc-$RUNC_VERSION
  [ -x "$out/runc" ] && return 0
  CGO_ENABLED=1 GOBIN=$out go install -trimpath -tags "seccomp netgo osusergo" \
    -ldflags "-s -w -extldflags -static" "github.com/opencontainers/runc@$RUNC_VERSION"
}
go_builds() { # runs as a background job; set -e (not in an || context) stops it at the first failure
  set -e
  local t t0
  for t in buildx buildkit act runc; do
    echo "building $t"; t0=$(now)
    "build_$t"
    echo "timing go:$t $(secs "$t0" "$(now)")"
  done
}
T_GO=$(now)
: >"$LOGS/go-build.log"
go_builds >>"$LOGS/go-build.log" 2>&1 &
GO_PID=$!
log "Go builds running in background (pid $GO_PID, log $LOGS/go-build.log)"
