# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: TLS material (local CA)
# Generated once: a CA and a server certificate it signs for $TLS_NAME, localhost and 127.0.0.1
# (subjectAltName; Go ignores the CN). Regenerated only if a file is missing, the set of names
# changed (stamp) or the chain no longer verifies (e.g. expired). `stack/down --purge` deletes it.
TLS_SAN="DNS:$TLS_NAME,DNS:localhost,IP:127.0.0.1"
TLS_STAMP="san=$TLS_SAN,days=3650,key=rsa2048,recipe=1"
tls_ok() {
  [ -s "$TLS/ca.pem" ] && [ -s "$TLS/ca-key.pem" ] && [ -s "$TLS/server.pem" ] && [ -s "$TLS/server-key.pem" ] &&
    [ "$(cat "$TLS/stamp" 2>/dev/null)" = "$TLS_STAMP" ] &&
    openssl verify -CAfile "$TLS/ca.pem" "$TLS/server.pem" >/dev/null 2>&1
}
if tls_ok; then
  log "tls: CA and server certificate present ($TLS)"
else
  log "tls: generating CA and server certificate for $TLS_SAN"
  rm -rf "$TLS.tmp"; mkdir -p "$TLS.tmp"; chmod 700 "$TLS.tmp"
  logged tls openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -subj "/O=mpb-stack/CN=mpb-stack test CA" -keyout "$TLS.tmp/ca-key.pem" -out "$TLS.tmp/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash"
  logged tls openssl req -new -newkey rsa:2048 -nodes -sha256 \
    -subj "/O=mpb-stack/CN=$TLS_NAME" -keyout "$TLS.tmp/server-key.pem" -out "$TLS.tmp/server.csr"
  printf '%s\n' "subjectAltName=$TLS_SAN" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
    "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$TLS.tmp/server.ext"
  logged tls openssl x509 -req -sha256 -days 3650 -in "$TLS.tmp/server.csr" -CA "$TLS.tmp/ca.pem" \
    -CAkey "$TLS.tmp/ca-key.pem" -set_serial "0x$(openssl rand -hex 16)" -extfile "$TLS.tmp/server.ext" \
    -out "$TLS.tmp/server.pem"
  logged tls openssl verify -CAfile "$TLS.tmp/ca.pem" "$TLS.tmp/server.pem"
  chmod 644 "$TLS.tmp/ca.pem" "$TLS.tmp/server.pem"; chmod 600 "$TLS.tmp/ca-key.pem" "$TLS.tmp/server-key.pem"
  echo "$TLS_STAMP" >"$TLS.tmp/stamp"
  rm -f "$TLS.tmp/server.csr" "$TLS.tmp/server.ext"
  rm -rf "$TLS"; mv "$TLS.tmp" "$TLS"; chmod 755 "$TLS"
fi
# Two more leaves from the same CA, for the token-auth registry:
#   proxy-only.pem    server certificate of the registry and of the token service (the proxy-only names;
#                     no IP address: a direct client has to name the host, e.g. curl --resolve);
#   token-signer.pem  the key the token service signs registry tokens with; the registry trusts a token whose
#                     x5c header chains to ca.pem (its rootcertbundle).
# Reissued when missing, when their recipe changed, or when they do not verify against ca.pem (a new CA).
leaf_ok() { # NAME STAMP
  [ -s "$TLS/$1.pem" ] && [ -s "$TLS/$1-key.pem" ] && [ "$(cat "$TLS/$1.stamp" 2>/dev/null)" = "$2" ] &&
    openssl verify -CAfile "$TLS/ca.pem" "$TLS/$1.pem" >/dev/null 2>&1
}
issue_leaf() { # NAME CN STAMP EXTENSION-LINE...
  local name=$1 cn=$2 stamp=$3 t; shift 3
  if leaf_ok "$name" "$stamp"; then log "tls: $name.pem present"; return 0; fi
  log "tls: issuing $name.pem (CN=$cn)"
  t=$TLS/$name.tmp; rm -rf "$t"; mkdir -p "$t"; chmod 700 "$t"
  logged tls openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=mpb-stack/CN=$cn" \
    -keyout "$t/key.pem" -out "$t/req.csr"
  printf '%s\n' "$@" >"$t/ext"
  logged tls openssl x509 -req -sha256 -days 3650 -in "$t/req.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$t/ext" -out "$t/cert.pem"
  chmod 644 "$t/cert.pem"; chmod 600 "$t/key.pem"
  rm -f "$TLS/$name.stamp"
  mv "$t/key.pem" "$TLS/$name-key.pem"; mv "$t/cert.pem" "$TLS/$name.pem"; rm -rf "$t"
  echo "$stamp" >"$TLS/$name.stamp"
}
PO_SAN="DNS:$TOKEN_REG_NAME,DNS:$TOKEN_AUTH_NAME"
issue_leaf proxy-only "$TOKEN_REG_NAME" "san=$PO_SAN,recipe=1" "subjectAltName=$PO_SAN" \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
issue_leaf token-signer "mpb-stack token signer" "recipe=1" "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid"
# For SSL_CERT_DIR: Go clients on the runner (docker, buildx: the client fetches registry tokens itself)
# then trust the stack CA on top of the system roots (SSL_CERT_FILE would replace those).
mkdir -p "$TLS/client-trust"
cmp -s "$TLS/ca.pem" "$TLS/client-trust/mpb-stack-ca.pem" || install -m 0644 "$TLS/ca.pem" "$TLS/client-trust/mpb-stack-ca.pem"
