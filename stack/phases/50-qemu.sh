# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: QEMU binfmt
# Must be registered before any builder boots (BuildKit caches platform detection). F (fix-binary)
# makes the kernel open the interpreter now, so arm64 binaries run inside containers too.
BINFMT=/proc/sys/fs/binfmt_misc
mountpoint -q "$BINFMT" || mount -t binfmt_misc binfmt_misc "$BINFMT"
[ "$(cat "$BINFMT/status")" = enabled ] || echo 1 >"$BINFMT/status"
QENTRY=$BINFMT/qemu-aarch64
if [ -e "$QENTRY" ] && ! { grep -q '^enabled' "$QENTRY" && grep -q '^flags:.*F' "$QENTRY" &&
  [ -e "$(awk '/^interpreter/{print $2}' "$QENTRY")" ]; }; then
  log "qemu: re-registering qemu-aarch64 (disabled, no F flag or missing interpreter)"
  echo -1 >"$QENTRY"
fi
if [ ! -e "$QENTRY" ]; then
  # Debian's entry (/usr/lib/binfmt.d/qemu-aarch64.conf) has flags OPF
  grep -q ':[A-Z]*F[A-Z]*$' /usr/lib/binfmt.d/qemu-aarch64.conf || die "Debian qemu-aarch64 binfmt entry lacks F"
  cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$BINFMT/register"
fi
log "qemu: $(grep -E '^(interpreter|flags)' "$QENTRY" | tr '\n' ' ')"
host_arch=$("$SEED/rootfs-arm64/bin/busybox" uname -m)
[ "$host_arch" = aarch64 ] || die "arm64 busybox on the host said '$host_arch'"
log "qemu: arm64 busybox on the host: uname -m = $host_arch"
