# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: /etc/hosts names
# Names (not loopback literals) for registries, so BuildKit treats them as HTTPS by default and Go
# sends them through HTTP(S)_PROXY. Must be in place before builders start: host-network containers
# get a copy of /etc/hosts at start. Rewritten in place (it may be a bind mount).
HOSTS_LINES="127.0.0.1 $HOST_NAMES # mpb-stack"
[ "${STACK_BLOCK_DOCKER_HUB:-1}" = 0 ] || HOSTS_LINES+=$'\n'"127.0.0.1 $HUB_NAMES # mpb-stack-hub-block"
if [ "$(grep -E ' # mpb-stack(-hub-block)?$' /etc/hosts || true)" != "$HOSTS_LINES" ]; then
  hosts_rest=$(grep -vE ' # mpb-stack(-hub-block)?$' /etc/hosts || true)
  printf '%s\n%s\n' "$hosts_rest" "$HOSTS_LINES" >/etc/hosts
  log "hosts: now $(grep -cE ' # mpb-stack(-hub-block)?$' /etc/hosts) mpb-stack line(s) in /etc/hosts"
fi
if grep -v '^[[:space:]]*#' /etc/hosts | grep -qiF ".$PROXY_ONLY_DOMAIN"; then
  die "/etc/hosts maps a *.$PROXY_ONLY_DOMAIN name: only the named proxy may resolve those (remove the line)"
fi
