# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: docker engine
if [ "$DOCKER_PREEXISTING" = 1 ]; then
  log "docker: using the already running daemon ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
  rm -f "$RUN/dockerd.ours"
else
  DOCKERD=$(command -v dockerd)
  DOCKERD_ARGS=(--host unix:///var/run/docker.sock --pidfile "$RUN/dockerd.pid"
    # no docker0 bridge, no NAT, no iptables: nothing on private ranges; use --network host
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false
    # pulls of Docker Hub images (buildx --bootstrap pulls moby/buildkit) go to the local mirror
    # instead of the Internet (nothing else is reachable; a miss there still falls back upstream)
    --registry-mirror "http://$MIRROR")
  # Privileged containers (the buildx docker-container driver makes them) get every capability;
  # runc fails ("unable to apply caps: operation not permitted") when a capability is missing from
  # this host's bounding set (CAP_SYS_RESOURCE is, here). A runtime wrapper drops those.
  CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
    NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
    SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
    AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
    PERFMON BPF CHECKPOINT_RESTORE)
  capbnd=$(awk '/^CapBnd:/{print $2}' /proc/self/status)
  lastcap=$(cat /proc/sys/kernel/cap_last_cap)
  MISSING_CAPS=()
  for ((i = 0; i <= lastcap && i < ${#CAPS[@]}; i++)); do
    (((16#$capbnd >> i) & 1)) || MISSING_CAPS+=("CAP_${CAPS[$i]}")
  done
  if [ ${#MISSING_CAPS[@]} -gt 0 ]; then
    log "docker: capabilities missing from the bounding set: ${MISSING_CAPS[*]} -> runtime wrapper"
    drop=$(printf '%s\n' "${MISSING_CAPS[@]}" | jq -R . | jq -sc .)
    # stack/runc-capfilter.sh reads its settings from runc-capfilter.env beside it; both replaced atomically
    # (a running dockerd may start the wrapper at any moment)
    printf "DROP='%s'\nREAL=%s\n" "$drop" "$(readlink -f "$(command -v runc)")" >"$BIN/runc-capfilter.env.new"
    mv "$BIN/runc-capfilter.env.new" "$BIN/runc-capfilter.env"
    if ! cmp -s "$HERE/runc-capfilter.sh" "$BIN/runc-capfilter"; then
      cp "$HERE/runc-capfilter.sh" "$BIN/runc-capfilter.new"; chmod 0755 "$BIN/runc-capfilter.new"
      mv "$BIN/runc-capfilter.new" "$BIN/runc-capfilter"
    fi
    DOCKERD_ARGS+=(--add-runtime "stack-runc=$BIN/runc-capfilter" --default-runtime stack-runc)
  fi
  want="${DOCKERD_ARGS[*]}"
  if svc_running dockerd "$DOCKERD"; then
    if [ "$(cat "$RUN/dockerd.args" 2>/dev/null)" = "$want" ]; then
      log "docker: our dockerd already running (pid $(svc_pid dockerd))"
    else
      log "docker: dockerd flags changed, restarting it"; svc_stop dockerd "$DOCKERD"
    fi
  fi
  if ! svc_running dockerd "$DOCKERD"; then
    timeout 10 docker info >/dev/null 2>&1 && die "a docker daemon this stack did not start is answering; not touching it"
    echo "$want" >"$RUN/dockerd.args"
    log "docker: starting $DOCKERD"
    setsid nohup "$DOCKERD" "${DOCKERD_ARGS[@]}" >>"$LOGS/dockerd.log" 2>&1 </dev/null &
    wait_for "dockerd (docker info)" 60 1 timeout 5 docker info
  fi
  touch "$RUN/dockerd.ours" # tells stack/down that it may stop this daemon
fi
DOCKER_CLI=$(command -v docker)
log "docker: CLI $DOCKER_CLI $(docker version -f '{{.Client.Version}} (API {{.Client.APIVersion}})' 2>/dev/null), daemon $(docker version -f '{{.Server.Version}}' 2>/dev/null)"
