# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: packages
PKGS=(curl jq iproute2 ca-certificates openssl gcc libc6-dev libseccomp-dev docker-registry qemu-user-static git)
! full_stack || PKGS+=(privoxy tinyproxy apache2-utils) # the proxies and the htpasswd registry
DOCKER_PREEXISTING=0
if ! svc_running dockerd dockerd && timeout 10 docker info >/dev/null 2>&1; then
  DOCKER_PREEXISTING=1 # someone else's daemon: use it, never install/stop/restart it
elif ! command -v dockerd >/dev/null; then
  PKGS+=(docker.io)
fi
# arm64 package lists are needed (once) to download busybox-static:arm64 for the seed image; adding
# the architecture before the first `apt-get update` saves a second update
if ! ls "$SEED"/debs/busybox-static_*_arm64.deb >/dev/null 2>&1 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
apt_install "${PKGS[@]}"
# tells the Go build lanes waiting for gcc, libseccomp-dev or CA roots (phase go-builds) that apt is through
[ -z "${GO_STATUS:-}" ] || touch "$GO_STATUS/packages.done"
