#!/usr/bin/env bash
# The action's main job on this machine, against the local stack: builds examples/multi-arch for linux/amd64 and
# linux/arm64 through the local Docker Hub mirror, pushes one index to the local registry, and prints it.
# Brings up only the part of the stack the demo uses (stack/up --for demo). It needs no node_modules: the action
# runs from the committed bundle (dist/), which imports Node's own modules only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash stack/up --for demo
set -a
# shellcheck disable=SC1091
. "${STACK_STATE:-/var/tmp/mpb-stack}/env.demo"
set +a
tag="$STACK_PUSH_REGISTRY/demo/multi-arch:latest"
node scripts/run-local.mjs \
  context=examples/multi-arch \
  tags="$tag" \
  platforms=linux/amd64,linux/arm64 \
  registry-mirrors="http://$STACK_MIRROR"
echo "--- pushed index $tag"
docker buildx imagetools inspect "$tag"
