# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: token service
# stack/token-service.mjs (Node): issues the token registry's JWTs, signed with token-signer.pem. Push needs
# $TOKEN_USER's password (HTTP Basic or the OAuth2 password form); anonymous requests get pull only.
# One JSON line per request in $LOGS/token-auth.log (method, path, scope, user, authenticated, source).
command -v node >/dev/null || apt_install nodejs
TA=$STATE/token-auth; mkdir -p "$TA"
TOKEN_USER=pusher
[ -s "$TA/password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$TA/password")
TOKEN_PASSWORD=$(cat "$TA/password")
jq -n --arg port "$TOKEN_AUTH_PORT" --arg tls "$TLS" --arg issuer "$TOKEN_ISSUER" --arg service "$TOKEN_SERVICE" \
  --arg user "$TOKEN_USER" --arg pw "$TA/password" --arg log "$LOGS/token-auth.log" '{
  listen: {host: "127.0.0.1", port: ($port | tonumber)},
  tls: {cert: ($tls + "/proxy-only.pem"), key: ($tls + "/proxy-only-key.pem")},
  signer: {cert: ($tls + "/token-signer.pem"), key: ($tls + "/token-signer-key.pem")},
  issuer: $issuer, service: $service, user: $user, passwordFile: $pw, log: $log
}' >"$TA/config.json.new"
mv "$TA/config.json.new" "$TA/config.json"
TA_HASH=$(cat "$TA/config.json" "$HERE/token-service.mjs" "$TA/password" "$TLS/proxy-only.pem" "$TLS/token-signer.pem" |
  sha256sum | cut -d' ' -f1)
svc_start token-auth "$TA/config.json" "$TA_HASH" "$TOKEN_AUTH_PORT" "$LOGS/token-auth.out.log" \
  "$(command -v node)" "$HERE/token-service.mjs" "$TA/config.json"
TA_CURL=(--cacert "$TLS/ca.pem" --resolve "$TOKEN_AUTH_NAME:$TOKEN_AUTH_PORT:127.0.0.1")
token_auth_ready() { [ "$(http_code "${TA_CURL[@]}" "$TOKEN_REALM?service=$TOKEN_SERVICE")" = 200 ]; }
wait_for "token service" 25 0.2 token_auth_ready
