# shellcheck shell=bash disable=SC2034 # its variables are read by the scripts that source it
# stack/lib.sh: what stack/up, stack/down and stack/check share (sourced; set LOG_TAG first): where the
# state lives, logging and phase timing, bounded waits, apt, background services by pidfile, and the
# small registry/OCI client that seeds images without a buildx builder.

STATE=${STACK_STATE:-/var/tmp/mpb-stack}
LOGS=$STATE/logs RUN=$STATE/run BIN=$STATE/bin BUILD=$STATE/build SEED=$STATE/seed REGS=$STATE/registries
TLS=$STATE/tls

# /usr/local/bin first: the machine's Docker CLI there must win over docker.io's older /usr/bin/docker.
export PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export DEBIAN_FRONTEND=noninteractive

# ---- logging and timing
log() { printf '[%s %s] %s\n' "${LOG_TAG:-stack}" "$(date +%T)" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }
T_ALL=$(now); TIMINGS=()
phase() { PHASE=$1; T_PHASE=$(now); log "== $PHASE"; }
phase_done() { local d; d=$(secs "$T_PHASE" "$(now)"); TIMINGS+=("$(printf '%-20s %7ss' "$PHASE" "$d")"); log "== $PHASE: ${d}s"; }

# run a command with its output appended to $LOGS/<name>.log; show the tail if it fails
logged() {
  local name=$1; shift
  if ! "$@" >>"$LOGS/$name.log" 2>&1; then
    tail -n 40 "$LOGS/$name.log" >&2
    die "failed: $* (log: $LOGS/$name.log)"
  fi
}
# wait_for DESC TRIES SLEEP CMD...: bounded poll (each CMD must bound itself too)
wait_for() {
  local desc=$1 tries=$2 pause=$3 i; shift 3
  for ((i = 1; i <= tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep "$pause"
  done
  die "timed out waiting for $desc"
}
version_ge() { # version_ge A B: A >= B (leading v and +/- suffixes ignored)
  local a=${1#v} b=${2#v}; a=${a%%[+-]*}; b=${b%%[+-]*}
  [ -n "$a" ] && [ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" = "$b" ]
}
port_listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" || true; }

# ---- apt: install only what is missing; `apt-get update` at most once per run (needs $LOGS)
APT_UPDATED=0
apt_update_once() { [ "$APT_UPDATED" = 1 ] || { logged apt apt-get update; APT_UPDATED=1; }; }
apt_install() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  apt_update_once
  # Debian packages start their services (registry :5000, tinyproxy :8888, privoxy :8118, dockerd) unless
  # policy-rc.d forbids it; this stack runs its own instances, so forbid it during the install.
  local own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  logged apt apt-get install -y --no-install-recommends "${missing[@]}"
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
}

# ---- background services: pidfile + config hash; restarted only if their config changed
svc_pid() { cat "$RUN/$1.pid" 2>/dev/null || true; }
# a zombie (exited, not yet reaped: our daemons are re-parented to init) counts as gone
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
svc_running() { # NAME MARKER: pid alive and its command line contains MARKER (guards against pid reuse)
  local pid; pid=$(svc_pid "$1")
  [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}
svc_stop() { # NAME MARKER [TRIES]: SIGTERM, bounded wait (TRIES x 0.2s), then SIGKILL
  local name=$1 marker=$2 tries=${3:-50} pid i
  pid=$(svc_pid "$name")
  if svc_running "$name" "$marker"; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < tries; i++)); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then log "$name: still running, SIGKILL"; kill -9 "$pid" 2>/dev/null || true; fi
    log "$name: stopped (pid $pid)"
  else
    log "$name: not running"
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.hash"
}
# svc_start NAME MARKER HASH PORT OUTLOG CMD...: start CMD detached unless already running with HASH
svc_start() {
  local name=$1 marker=$2 hash=$3 port=$4 out=$5; shift 5
  if svc_running "$name" "$marker"; then
    if [ "$(cat "$RUN/$name.hash" 2>/dev/null)" = "$hash" ]; then
      log "$name: already running (pid $(svc_pid "$name"))"; return 0
    fi
    log "$name: config changed, restarting"; svc_stop "$name" "$marker"
  fi
  port_listening "$port" && die "port $port is already used by a process this stack did not start ($name)"
  setsid nohup "$@" >>"$out" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"; echo "$hash" >"$RUN/$name.hash"
  wait_for "$name on port $port" 50 0.2 port_listening "$port"
  svc_running "$name" "$marker" || die "$name exited; see $out"
  log "$name: started (pid $(svc_pid "$name"))"
}

# ---- minimal registry client (curl) and OCI image pieces: seeds images without needing a buildx builder
OCI_INDEX=application/vnd.oci.image.index.v1+json
OCI_MANIFEST=application/vnd.oci.image.manifest.v1+json
reg_has_blob() { curl -fsS -o /dev/null -I --max-time 10 "http://$1/v2/$2/blobs/$3"; }
reg_put_blob() { # REG REPO FILE DIGEST
  local reg=$1 repo=$2 file=$3 digest=$4 loc sep
  reg_has_blob "$reg" "$repo" "$digest" 2>/dev/null && return 0
  loc=$(curl -fsS --max-time 10 -X POST -D - -o /dev/null "http://$reg/v2/$repo/blobs/uploads/" |
    awk 'tolower($1)=="location:"{print $2}' | tr -d '\r')
  [ -n "$loc" ] || die "no upload location from $reg"
  case $loc in http*) ;; *) loc="http://$reg$loc" ;; esac
  sep='?'; [[ $loc == *\?* ]] && sep='&'
  curl -fsS --max-time 300 -o /dev/null -X PUT -H 'Content-Type: application/octet-stream' \
    --data-binary @"$file" "$loc${sep}digest=$digest"
}
reg_put_manifest() { # REG REPO REF FILE MEDIATYPE
  curl -fsS --max-time 30 -o /dev/null -X PUT -H "Content-Type: $5" --data-binary @"$4" "http://$1/v2/$2/manifests/$3"
}
reg_manifest_digest() { # REG REPO REF ACCEPT -> Docker-Content-Digest (empty if missing)
  curl -sS --max-time 10 -I -H "Accept: $4" "http://$1/v2/$2/manifests/$3" 2>/dev/null |
    awk 'tolower($1)=="docker-content-digest:"{print $2}' | tr -d '\r' || true
}
# seed_push REG REPO MANIFEST MEDIATYPE REF BLOB-FILE...: the one way the stack pushes an image it assembled
# itself: every blob the manifest names (files, pushed by their SHA-256), then the manifest (or index) as REF
seed_push() {
  local reg=$1 repo=$2 manifest=$3 media=$4 ref=$5 f; shift 5
  for f in "$@"; do reg_put_blob "$reg" "$repo" "$f" "sha256:$(sha "$f")"; done
  reg_put_manifest "$reg" "$repo" "$ref" "$manifest" "$media"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# store a file as a content-addressed blob in $SEED/blobs; prints "sha256:<hex> <size>"
blob_add() {
  local h; h=$(sha "$1"); mkdir -p "$SEED/blobs"
  cp "$1" "$SEED/blobs/$h"; echo "sha256:$h $(stat -c %s "$1")"
}
# deterministic tar of a directory (same bytes every run -> same digests -> seeding can be skipped)
det_tar() { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf - .; }
# oci_layer ROOTFS OUT: OUT.gz is the gzipped deterministic tar of ROOTFS; prints its diff_id (of the plain tar)
oci_layer() { # (&&: it runs in a command substitution, where set -e does not stop it)
  det_tar "$1" >"$2" && echo "sha256:$(sha "$2")" && gzip -n -f "$2"
}
# oci_config ARCH VARIANT CONFIG-JSON DIFFID CREATED-BY: compact image config of one layer, dated 1970 (the
# bytes, hence the digests, depend on nothing else)
oci_config() {
  jq -nc --arg arch "$1" --arg variant "$2" --argjson config "$3" --arg diffid "$4" --arg by "$5" '
    {architecture: $arch} + (if $variant == "" then {} else {variant: $variant} end) + {
    os: "linux", created: "1970-01-01T00:00:00Z", config: $config,
    rootfs: {type: "layers", diff_ids: [$diffid]},
    history: [{created: "1970-01-01T00:00:00Z", created_by: $by}]
  }'
}
# oci_manifest CONFIG-FILE LAYER-FILE: compact OCI image manifest of that config and one gzipped layer
oci_manifest() {
  jq -nc --arg cdig "sha256:$(sha "$1")" --argjson csize "$(stat -c %s "$1")" \
    --arg ldig "sha256:$(sha "$2")" --argjson lsize "$(stat -c %s "$2")" '{
    schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cdig, size: $csize},
    layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ldig, size: $lsize}]
  }'
}
