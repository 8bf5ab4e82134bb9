# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: seed the mirror with busybox
TAGS=(latest 1.36 "${BUSYBOX_DEB_VERSION#*:}")
TAGS[2]=${TAGS[2]%%-*} # e.g. 1.35.0 from 1:1.35.0-4+deb12u1+b1
seeded=1
for t in "${TAGS[@]}"; do
  [ "$(reg_manifest_digest "$MIRROR" library/busybox "$t" "$OCI_INDEX")" = "$BUSYBOX_INDEX_DIGEST" ] || seeded=0
done
if [ "$seeded" = 1 ]; then
  log "mirror: library/busybox already seeded ($BUSYBOX_INDEX_DIGEST)"
else
  for arch in amd64 arm64; do
    read -r mdig cdig ldig <"$SEED/refs-$arch"
    seed_push "$MIRROR" library/busybox "$SEED/manifest-$arch.json" "$OCI_MANIFEST" "$mdig" \
      "$SEED/blobs/${ldig#sha256:}" "$SEED/blobs/${cdig#sha256:}"
  done
  for t in "${TAGS[@]}"; do
    seed_push "$MIRROR" library/busybox "$SEED/busybox-index.json" "$OCI_INDEX" "$t"
  done
  log "mirror: seeded library/busybox:{${TAGS[*]}} = $BUSYBOX_INDEX_DIGEST"
fi
