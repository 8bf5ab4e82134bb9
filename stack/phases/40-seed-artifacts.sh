# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: seed artifacts (busybox)
# Debian's busybox-static for amd64 and arm64 (downloaded, not installed) -> deterministic
# single-layer images -> an OCI index. Done once per busybox version.
DEBS=$SEED/debs; mkdir -p "$DEBS"
if ! ls "$DEBS"/busybox-static_*_amd64.deb "$DEBS"/busybox-static_*_arm64.deb >/dev/null 2>&1; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64; APT_UPDATED=0 # arm64 package lists needed for the download
  fi
  apt_update_once
  (cd "$DEBS" && logged apt apt-get download busybox-static:amd64 busybox-static:arm64)
fi
BUSYBOX_DEB_VERSION=$(dpkg-deb -f "$(ls "$DEBS"/busybox-static_*_amd64.deb | head -n1)" Version)
mk_busybox_rootfs() { # ARCH DEST LISTER: busybox + applet links (/bin/sh, uname, ...) + minimal /etc
  local arch=$1 dest=$2 lister=$3 x; rm -rf "$dest" "$dest.x"; mkdir -p "$dest"/{bin,etc,root,tmp} "$dest.x"
  dpkg-deb -x "$(ls "$DEBS"/busybox-static_*_"$arch".deb | head -n1)" "$dest.x"
  cp "$dest.x/bin/busybox" "$dest/bin/busybox"; rm -rf "$dest.x"
  # applet list from the host-arch (amd64) build: same Debian config for both arches, runs without QEMU
  for x in $("${lister:-$dest/bin/busybox}" --list); do
    [ -e "$dest/bin/$x" ] || ln -s busybox "$dest/bin/$x"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dest/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dest/etc/group"
  chmod 1777 "$dest/tmp"
}
BB_STAMP="busybox=$BUSYBOX_DEB_VERSION"
if [ "$(cat "$SEED/busybox.stamp" 2>/dev/null)" != "$BB_STAMP" ] || [ ! -s "$SEED/busybox-index.json" ]; then
  mk_busybox_rootfs amd64 "$SEED/rootfs-amd64.tmp" ""
  rm -rf "$SEED/rootfs-amd64"; mv "$SEED/rootfs-amd64.tmp" "$SEED/rootfs-amd64"
  mk_busybox_rootfs arm64 "$SEED/rootfs-arm64" "$SEED/rootfs-amd64/bin/busybox"
  entries=()
  for arch in amd64 arm64; do
    diffid=$(oci_layer "$SEED/rootfs-$arch" "$SEED/layer-$arch.tar")
    read -r ldig _ < <(blob_add "$SEED/layer-$arch.tar.gz")
    variant=""; [ "$arch" = arm64 ] && variant=v8
    # config and manifest without a trailing newline: STACK_MIRROR_BUSYBOX_DIGEST depends on these bytes
    json=$(oci_config "$arch" "$variant" \
      '{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]}' \
      "$diffid" "mpb-stack: Debian busybox-static $BUSYBOX_DEB_VERSION ($arch)")
    printf '%s' "$json" >"$SEED/config-$arch.json"
    read -r cdig _ < <(blob_add "$SEED/config-$arch.json")
    json=$(oci_manifest "$SEED/config-$arch.json" "$SEED/layer-$arch.tar.gz")
    printf '%s' "$json" >"$SEED/manifest-$arch.json"
    read -r mdig msize < <(blob_add "$SEED/manifest-$arch.json")
    [ -z "$variant" ] || variant="\"variant\":\"$variant\","
    entries+=("$(printf '{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"platform":{"architecture":"%s",%s"os":"linux"}}' "$mdig" "$msize" "$arch" "$variant")")
    echo "$mdig $cdig $ldig" >"$SEED/refs-$arch"
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
    "${entries[0]}" "${entries[1]}" >"$SEED/busybox-index.json"
  echo "$BB_STAMP" >"$SEED/busybox.stamp"
fi
BUSYBOX_INDEX_DIGEST=sha256:$(sha "$SEED/busybox-index.json")
