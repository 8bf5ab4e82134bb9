# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: Git server
# A read-only Git smart-HTTP server on 127.0.0.1:$GIT_PORT: `git http-backend` behind a small Node CGI bridge
# (stack/git-server.mjs), one JSON line per request in $LOGS/git-server.log (with the Basic-auth user and the
# SHA-256 of its password, never the password). It serves $GIT_REPOSITORY, a test repository with two commits made
# with fixed names and dates (so the same commit ids on every machine):
#   1 (STACK_GIT_SHA)      app/Dockerfile + app/payload.txt ("commit 1"); a root Dockerfile that always fails;
#                          scratch/: FROM scratch + COPY payload.txt (a build that needs no registry at all)
#   2 (STACK_GIT_REF_SHA)  app/payload.txt changed; the tip of $GIT_REF, as when a branch moved on after a run
# A build of <server>/<repo>.git#<commit 1>:app copies commit 1's payload; one of the root or of the branch does not.
GS=$STATE/git-server GIT_ROOT=$STATE/git-server/repos; mkdir -p "$GIT_ROOT"
GIT_BARE=$GIT_ROOT/$GIT_REPOSITORY.git
git_plain() { env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git "$@"; }
git_commit() { # WORKTREE MESSAGE DATE: commit everything as the stack's fixed author
  env GIT_AUTHOR_NAME="mpb stack" GIT_AUTHOR_EMAIL=stack@mpb-stack.invalid GIT_AUTHOR_DATE="$3 +0000" \
    GIT_COMMITTER_NAME="mpb stack" GIT_COMMITTER_EMAIL=stack@mpb-stack.invalid GIT_COMMITTER_DATE="$3 +0000" \
    GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null sh -c 'git -C "$1" add -A && git -C "$1" commit -q -m "$2"' \
    git-commit "$1" "$2"
}
# The repository is made again only when this phase file changed (its recipe is in here) or the bare repository is
# gone; the stamp keeps the commit ids of the last run.
GIT_STAMP=$GS/repo.stamp
GIT_RECIPE="phase=$(sha "${BASH_SOURCE[0]}"),repo=$GIT_REPOSITORY,ref=$GIT_REF"
if [ "$(sed -n 1p "$GIT_STAMP" 2>/dev/null)" = "$GIT_RECIPE" ] &&
  read -r GIT_SHA GIT_REF_SHA < <(sed -n 2p "$GIT_STAMP") &&
  [ "$(git_plain --git-dir="$GIT_BARE" rev-parse -q --verify "$GIT_REF" 2>/dev/null || true)" = "$GIT_REF_SHA" ]; then
  log "git server: $GIT_REPOSITORY up to date ($GIT_REF = $GIT_REF_SHA)"
else
  GW=$GS/work.tmp; rm -rf "$GW"; mkdir -p "$GW/$GIT_SUBDIR" "$GW/$GIT_SCRATCH_SUBDIR"
  git_plain init -q -b "${GIT_REF#refs/heads/}" "$GW"
  printf '# %s\n\nTest repository of the mpb-stack Git server (stack/up, phase git-server).\n' "$GIT_REPOSITORY" >"$GW/README.md"
  printf '%s\n' '# The repository root: a build that lands here did not use the app/ subdirectory.' 'FROM busybox' \
    'RUN echo "built from the repository root instead of app/" >&2 && false' >"$GW/Dockerfile"
  printf '%s\n' '# Built as <repository>.git#<commit>:app' 'FROM busybox' 'COPY payload.txt /drop-in/payload.txt' \
    'RUN uname -m > /drop-in/arch' >"$GW/$GIT_SUBDIR/Dockerfile"
  printf 'drop-in payload, commit 1\n' >"$GW/$GIT_SUBDIR/payload.txt"
  printf '%s\n' '# Built as <repository>.git#<commit>:scratch: no base image, so no registry is needed' 'FROM scratch' \
    'COPY payload.txt /drop-in/payload.txt' >"$GW/$GIT_SCRATCH_SUBDIR/Dockerfile"
  printf 'scratch payload, commit 1\n' >"$GW/$GIT_SCRATCH_SUBDIR/payload.txt"
  git_commit "$GW" "app: payload of commit 1" 1700000000
  GIT_SHA=$(git_plain -C "$GW" rev-parse HEAD)
  printf 'drop-in payload, commit 2 (tip of %s)\n' "$GIT_REF" >"$GW/$GIT_SUBDIR/payload.txt"
  git_commit "$GW" "app: payload of commit 2" 1700000100
  GIT_REF_SHA=$(git_plain -C "$GW" rev-parse HEAD)
  if [ "$(git_plain --git-dir="$GIT_BARE" rev-parse -q --verify "$GIT_REF" 2>/dev/null || true)" = "$GIT_REF_SHA" ] &&
    git_plain --git-dir="$GIT_BARE" cat-file -e "$GIT_SHA^{commit}" 2>/dev/null; then
    log "git server: $GIT_REPOSITORY up to date ($GIT_REF = $GIT_REF_SHA)"
  else
    rm -rf "$GIT_BARE.tmp"; mkdir -p "$(dirname "$GIT_BARE")"
    git_plain init -q --bare -b "${GIT_REF#refs/heads/}" "$GIT_BARE.tmp"
    git_plain --git-dir="$GIT_BARE.tmp" fetch -q "$GW" "+$GIT_REF:$GIT_REF"
    # fetch by commit id (BuildKit fetches <repo>#<sha> that way), as GitHub allows; never a push
    git_plain --git-dir="$GIT_BARE.tmp" config uploadpack.allowReachableSHA1InWant true
    git_plain --git-dir="$GIT_BARE.tmp" config http.receivepack false
    rm -rf "$GIT_BARE"; mv "$GIT_BARE.tmp" "$GIT_BARE"
    log "git server: $GIT_REPOSITORY created ($GIT_REF = $GIT_REF_SHA, commit 1 = $GIT_SHA)"
  fi
  rm -rf "$GW"
  printf '%s\n%s %s\n' "$GIT_RECIPE" "$GIT_SHA" "$GIT_REF_SHA" >"$GIT_STAMP"
fi
jq -n --arg port "$GIT_PORT" --arg root "$GIT_ROOT" --arg git "$(command -v git)" --arg log "$LOGS/git-server.log" '{
  listen: {host: "127.0.0.1", port: ($port | tonumber)}, projectRoot: $root, git: $git, log: $log
}' >"$GS/config.json.new"
mv "$GS/config.json.new" "$GS/config.json"
GS_HASH=$(cat "$GS/config.json" "$HERE/git-server.mjs" | sha256sum | cut -d' ' -f1)
svc_start git-server "$GS/config.json" "$GS_HASH" "$GIT_PORT" "$LOGS/git-server.out.log" \
  "$(command -v node)" "$HERE/git-server.mjs" "$GS/config.json"
GIT_URL=http://127.0.0.1:$GIT_PORT/$GIT_REPOSITORY.git
git_server_ready() { timeout 10 env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null git ls-remote "$GIT_URL" "$GIT_REF" | grep -q "^$GIT_REF_SHA"; }
wait_for "git server ($GIT_URL)" 25 0.2 git_server_ready
log "git server: ls-remote $GIT_URL $GIT_REF = $GIT_REF_SHA"
