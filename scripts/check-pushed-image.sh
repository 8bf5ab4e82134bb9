#!/usr/bin/env bash
# Checks what the action pushed (.github/workflows/ci.yml): the index the digest output names holds the image the
# manifest output gives for each platform, and each of those images, pulled from the registry, runs and prints the
# architecture it ran on (examples/multi-arch records `uname -m`). Values come from the environment, never argv:
#   IMAGE      repository the action pushed to, e.g. localhost:5000/ci/multi-arch
#   PLATFORMS  the platforms asked for, comma-separated
#   DIGEST     the action's digest output
#   MANIFEST   the action's manifest output (JSON: platform -> digest)
set -euo pipefail
fail() {
  printf '::error title=pushed image::%s\n' "$1"
  exit 1
}
[[ ${DIGEST:-} =~ ^sha256:[0-9a-f]{64}$ ]] || fail "the digest output is not a sha256 digest: the action pushed nothing."
[[ ${IMAGE:-} =~ ^[a-z0-9.:/_-]+$ ]] || fail "IMAGE is not a repository name."
IFS=, read -r -a platforms <<<"${PLATFORMS:-}"
[ "${#platforms[@]}" -gt 0 ] || fail "PLATFORMS is empty."
# Docker's own image store keeps one platform per digest, so each platform runs by its own image's digest.
index=$(docker buildx imagetools inspect --raw "$IMAGE@$DIGEST")
for platform in "${platforms[@]}"; do
  case $platform in
    linux/amd64) want=x86_64 ;;
    linux/arm64) want=aarch64 ;;
    *) fail "no architecture is known for $platform." ;;
  esac
  if [[ ${MANIFEST:-} =~ \"$platform\":\"(sha256:[0-9a-f]{64})\" ]]; then
    image=${BASH_REMATCH[1]}
    [[ $index == *"$image"* ]] || fail "the index $DIGEST does not hold the $platform image $image."
  elif [ "${#platforms[@]}" -eq 1 ]; then
    image=$DIGEST
  else
    fail "the manifest output has no digest for $platform."
  fi
  docker pull --quiet --platform "$platform" "$IMAGE@$image" >/dev/null
  got=$(docker run --rm --network none --platform "$platform" "$IMAGE@$image")
  [ "$got" = "$want" ] || fail "the $platform image ran as ${got:-nothing}, not $want."
  echo "$platform: $IMAGE@$image (in $DIGEST) runs as $got"
done
