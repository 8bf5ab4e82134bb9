# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: registries
# Debian's docker-registry (distribution 2.8): one process, config, storage dir and log each.
# The text access log records every request line (method + path), e.g. which blobs were fetched.
# "secure" serves HTTPS only (certificate from the tls phase); the others plain HTTP.
AUTH_USER=stack
[ -s "$REGS/auth.password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$REGS/auth.password")
AUTH_PASSWORD=$(cat "$REGS/auth.password")
start_registry() { # NAME PORT [auth|tls|token]
  local name=$1 port=$2 mode=${3:-} d=$REGS/$1 conf hash url=http://127.0.0.1:$2/v2/ curl_tls=""
  mkdir -p "$d/data"; conf=$d/config.yml
  if [ "$mode" = auth ]; then
    htpasswd -v -b "$d/htpasswd" "$AUTH_USER" "$AUTH_PASSWORD" >/dev/null 2>&1 ||
      htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$d/htpasswd"
  fi
  {
    printf 'version: 0.1\nlog:\n  level: info\n  formatter: text\n  accesslog:\n    disabled: false\n  fields:\n    service: registry-%s\n' "$name"
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$d/data"
    printf 'http:\n  addr: 127.0.0.1:%s\n  secret: mpb-stack-%s\n' "$port" "$name"
    [ "$mode" != tls ] || printf '  tls:\n    certificate: %s\n    key: %s\n' "$TLS/server.pem" "$TLS/server-key.pem"
    [ "$mode" != auth ] || printf 'auth:\n  htpasswd:\n    realm: mpb-stack\n    path: %s\n' "$d/htpasswd"
    if [ "$mode" = token ]; then
      printf '  tls:\n    certificate: %s\n    key: %s\n' "$TLS/proxy-only.pem" "$TLS/proxy-only-key.pem"
      printf 'auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n' \
        "$TOKEN_REALM" "$TOKEN_SERVICE" "$TOKEN_ISSUER" "$TLS/ca.pem"
    fi
  } >"$conf.new"
  mv "$conf.new" "$conf"
  hash=$(sha "$conf")
  if [ "$mode" = tls ]; then # a regenerated certificate (same paths) must restart it too
    hash=$(cat "$conf" "$TLS/server.pem" "$TLS/server-key.pem" | sha256sum | cut -d' ' -f1)
    url=https://127.0.0.1:$port/v2/ curl_tls="--cacert $TLS/ca.pem"
  elif [ "$mode" = token ]; then # its certificate names only $TOKEN_REG_NAME: --resolve, never DNS
    hash=$(cat "$conf" "$TLS/proxy-only.pem" "$TLS/proxy-only-key.pem" "$TLS/ca.pem" | sha256sum | cut -d' ' -f1)
    url=https://$TOKEN_REG_NAME:$port/v2/ curl_tls="--cacert $TLS/ca.pem --resolve $TOKEN_REG_NAME:$port:127.0.0.1"
  fi
  svc_start "registry-$name" "$conf" "$hash" "$port" "$LOGS/registry-$name.log" \
    /usr/bin/docker-registry serve "$conf"
  wait_for "registry-$name /v2/" 25 0.2 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 $curl_tls $url) =~ ^(200|401)$ ]]"
}
start_registry push 5000
start_registry mirror 5001
if full_stack; then # the others need the tls phase (secure, token) and the tests only
  start_registry auth 5002 auth
  start_registry insecure "$INSECURE_PORT"
  start_registry secure "$TLS_PORT" tls
  start_registry token "$TOKEN_REG_PORT" token
fi
