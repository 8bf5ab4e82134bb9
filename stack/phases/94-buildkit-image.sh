# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: BuildKit image
# Assembled locally (no registry can be reached): static buildkitd/buildctl/runc + busybox-static
# as a single layer via `docker import` (works with Debian's dockerd, needs no builder).
# The recipe label lets later runs skip the rebuild. An upstream image (no such label) is used as is.
GIT_DEB_VERSION=$(dpkg-query -W -f='${Version}' git)
RECIPE="buildkit=$BUILDKIT_VERSION,runc=$RUNC_VERSION,busybox=$BUSYBOX_DEB_VERSION,git=$GIT_DEB_VERSION,cni=$(sha "$HERE/cni-isolated" | cut -c1-12),recipe=$BUILDKIT_IMAGE_RECIPE"
BUILDKIT_IMAGE_SOURCE=local
have='<none>'
if docker image inspect "$BUILDKIT_IMAGE" >/dev/null 2>&1; then
  have=$(docker image inspect -f '{{index .Config.Labels "org.mpb-stack.recipe"}}' "$BUILDKIT_IMAGE")
  [ "$have" != '<no value>' ] || have=""
fi
if [ "$have" = "$RECIPE" ]; then
  log "buildkit image: $BUILDKIT_IMAGE up to date ($RECIPE)"
elif [ "$have" = "" ]; then
  BUILDKIT_IMAGE_SOURCE=upstream
  log "buildkit image: $BUILDKIT_IMAGE present without our label -> upstream image, using it"
else
  log "buildkit image: assembling $BUILDKIT_IMAGE ($RECIPE)"
  R=$BUILD/buildkit-image/rootfs; rm -rf "$R"
  mkdir -p "$R"/{usr/bin,etc/buildkit,var/lib/buildkit,run,tmp,root,etc/ssl/certs}
  cp -a "$SEED/rootfs-amd64/." "$R/"
  install -m 0755 "$BUILD/buildkit-$BUILDKIT_VERSION/buildkitd" "$BUILD/buildkit-$BUILDKIT_VERSION/buildctl" \
    "$BUILD/runc-$RUNC_VERSION/runc" "$R/usr/bin/"
  [ ! -f /etc/ssl/certs/ca-certificates.crt ] || cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/certs/"
  # git, for BuildKit's Git sources (buildkitd enables them only when `git version` runs at its start): Debian's
  # git with its whole exec path /usr/lib/git-core (git-remote-http for http(s):// remotes; shell helpers such as
  # git-submodule, which BuildKit runs after every checkout, under busybox sh), the templates, and every shared
  # library ldd names for those ELF files, the loader included, at the paths ldd names. libcurl-gnutls reads
  # /etc/ssl/certs/ca-certificates.crt (above) for https:// remotes.
  mkdir -p "$R/usr/lib" "$R/usr/share/git-core"
  cp -a /usr/lib/git-core "$R/usr/lib/"
  cp -a /usr/share/git-core/templates "$R/usr/share/git-core/"
  ln -s ../lib/git-core/git "$R/usr/bin/git"
  mapfile -t git_elves < <(find /usr/lib/git-core -type f -perm -u+x -exec sh -c \
    'for f; do [ "$(head -c 4 "$f" | od -An -c | tr -d " ")" = 177ELF ] && echo "$f"; done' sh {} +)
  [ ${#git_elves[@]} -ge 3 ] || die "buildkit image: no git ELF files found in /usr/lib/git-core"
  git_libs=$(ldd "${git_elves[@]}") || die "buildkit image: ldd failed on git"
  ! grep -q 'not found' <<<"$git_libs" || die "buildkit image: git needs a library this host lacks: $(grep 'not found' <<<"$git_libs" | head -n3)"
  while read -r lib; do
    install -D -m 0755 "$lib" "$R$lib" # follows the symlink: the file under the name the loader looks for
  done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' <<<"$git_libs" | sort -u)
  [ -x "$R/lib64/ld-linux-x86-64.so.2" ] || die "buildkit image: ldd named no loader for git"
  # An opt-in CNI network that isolates RUN steps (see stack/cni-isolated): BuildKit's default stays "auto", which
  # without /etc/buildkit/cni.json runs them in the builder's own network namespace, as the upstream image does.
  install -D -m 0755 "$HERE/cni-isolated" "$R/opt/cni/bin/isolated"
  ln -s isolated "$R/opt/cni/bin/loopback"
  printf '{"cniVersion":"1.0.0","name":"isolated","plugins":[{"type":"isolated"}]}\n' >"$R/etc/buildkit/cni-isolated.conflist"
  chmod 1777 "$R/tmp"
  det_tar "$R" | logged docker-import docker import \
    --change 'ENTRYPOINT ["buildkitd"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME /var/lib/buildkit' \
    --change "LABEL org.mpb-stack.recipe=$RECIPE" \
    --change "LABEL org.opencontainers.image.version=$BUILDKIT_VERSION" \
    - "$BUILDKIT_IMAGE"
fi
# Also serve it from the Docker Hub mirror (dockerd pulls it from there on `buildx create --bootstrap`).
# Tags like moby/buildkit:X are pushed as moby/buildkit; a repo path with a registry host is kept.
MIRROR_REPO=${BUILDKIT_IMAGE%:*}; MIRROR_TAG=${BUILDKIT_IMAGE##*:}
local_digest=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$BUILDKIT_IMAGE" |
  awk -F@ -v r="$MIRROR/$MIRROR_REPO" '$1==r{print $2; exit}')
remote_digest=$(reg_manifest_digest "$MIRROR" "$MIRROR_REPO" "$MIRROR_TAG" application/vnd.docker.distribution.manifest.v2+json)
if [ -n "$local_digest" ] && [ "$local_digest" = "$remote_digest" ]; then
  log "mirror: $MIRROR_REPO:$MIRROR_TAG already there ($remote_digest)"
else
  # the extra tag stays: its RepoDigest is how the next run sees that the push is already done
  docker tag "$BUILDKIT_IMAGE" "$MIRROR/$BUILDKIT_IMAGE"
  logged docker-push docker push "$MIRROR/$BUILDKIT_IMAGE"
  log "mirror: pushed $BUILDKIT_IMAGE"
fi
BUILDKIT_IMAGE_ID=$(docker image inspect -f '{{.Id}}' "$BUILDKIT_IMAGE")
