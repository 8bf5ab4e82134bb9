# shellcheck shell=bash disable=SC2034,SC2154 # a phase of stack/up: reads and sets the variables of stack/up, lib.sh and earlier phases
# stack/up phase: checks (cheap)
# arm64 binary inside a container (F flag): busybox-arm64 mounted into a throwaway container
c_arch=$(docker run --rm --network host --entrypoint /qemu-check/bin/busybox \
  -v "$SEED/rootfs-arm64:/qemu-check:ro" "$BUILDKIT_IMAGE" uname -m)
[ "$c_arch" = aarch64 ] || die "arm64 binary in a container said '$c_arch'"
log "qemu: arm64 busybox in a container: uname -m = $c_arch"
[ "$(http_code "http://$PUSH/v2/")" = 200 ] || die "push registry not answering"
[ "$(http_code "http://$MIRROR/v2/")" = 200 ] || die "Docker Hub mirror not answering"
if ! full_stack; then return 0; fi # a profile run: the rest checks what only the full stack has
[ "$(http_code "http://$AUTH/v2/")" = 401 ] || die "auth registry does not ask for credentials"
[ "$(http_code -u "$AUTH_USER:$AUTH_PASSWORD" "http://$AUTH/v2/")" = 200 ] || die "auth registry rejects the credentials"
[ "$(http_code "http://registry.stack.test:$INSECURE_PORT/v2/")" = 200 ] || die "insecure registry not answering by name"
[ "$(http_code --cacert "$TLS/ca.pem" "https://$TLS_NAME:$TLS_PORT/v2/")" = 200 ] || die "TLS registry not answering on https://$TLS_NAME:$TLS_PORT (CA $TLS/ca.pem)"
[ "$(http_code "http://127.0.0.1:$TLS_PORT/v2/")" = 400 ] || die "TLS registry answers plain HTTP (expected 400)"
for p in "$PROXY_PORT" "$TINYPROXY_PORT"; do
  [ "$(http_code -x "http://127.0.0.1:$p" "http://proxied.stack.test:5000/v2/")" = 200 ] || die "proxy :$p to proxied.stack.test:5000 broken"
  [ "$(http_code -x "http://127.0.0.1:$p" --cacert "$TLS/ca.pem" "https://$TLS_NAME:$TLS_PORT/v2/")" = 200 ] || die "proxy :$p CONNECT to $TLS_NAME:$TLS_PORT broken"
done
[ "$(http_code -x "http://127.0.0.1:$DEAD_PORT" "http://proxied.stack.test:5000/v2/")" = 000 ] || die "dead proxy answered"
# token registry + named proxy. curl never resolves a proxied target itself (the proxy does), so none of
# these makes a DNS query.
NPX=(-x "http://127.0.0.1:$NAMED_PROXY_PORT" --cacert "$TLS/ca.pem")
[ "$(http_code "${NPX[@]}" "https://$TOKEN_REG_NAME:$TOKEN_REG_PORT/v2/")" = 401 ] ||
  die "token registry not answering 401 through the named proxy"
curl -sS -o /dev/null -D - --max-time 5 "${NPX[@]}" "https://$TOKEN_REG_NAME:$TOKEN_REG_PORT/v2/" |
  grep -qiF "www-authenticate: Bearer realm=\"$TOKEN_REALM\"" || die "token registry challenge does not name $TOKEN_REALM"
tok=$(curl -fsS --max-time 5 "${NPX[@]}" -u "$TOKEN_USER:$TOKEN_PASSWORD" \
  "$TOKEN_REALM?service=$TOKEN_SERVICE&scope=repository:stack-check/up:pull,push" | jq -r .token) ||
  die "token service refuses $TOKEN_USER through the named proxy"
[ "$(http_code "${NPX[@]}" -H "Authorization: Bearer $tok" "https://$TOKEN_REG_NAME:$TOKEN_REG_PORT/v2/")" = 200 ] ||
  die "token registry rejects a token of the token service"
[ "$(http_code "${NPX[@]}" -u "$TOKEN_USER:wrong" "$TOKEN_REALM?service=$TOKEN_SERVICE")" = 401 ] ||
  die "token service accepts a wrong password"
[ "$(http_code -x "http://127.0.0.1:$NAMED_PROXY_PORT" "http://$PROXY_ONLY_WEB_NAME:${PUSH##*:}/v2/")" = 200 ] ||
  die "named proxy does not reach the push registry as http://$PROXY_ONLY_WEB_NAME:${PUSH##*:}/"
log "token registry: 401 + realm through the named proxy, token accepted, wrong password refused"
# git in the BuildKit image (BuildKit Git sources): runs, and reaches the stack's Git server over plain HTTP
# shellcheck disable=SC2016 # $1, $2 belong to the inner sh
c_git=$(docker run --rm --network host --entrypoint sh "$BUILDKIT_IMAGE" -c 'git --version && git ls-remote "$1" "$2"' \
  git-check "$GIT_URL" "$GIT_REF") || die "git --version / git ls-remote $GIT_URL failed in $BUILDKIT_IMAGE"
[ "$(sed -n '2s/[[:space:]].*//p' <<<"$c_git")" = "$GIT_REF_SHA" ] || die "git in $BUILDKIT_IMAGE said '$c_git'"
log "buildkit image: $(head -n1 <<<"$c_git"); ls-remote $GIT_URL $GIT_REF = $GIT_REF_SHA"
ACT_REPORTED=$("$BIN/act" --version)
log "act: $ACT_REPORTED"
# cosign for the signing tests: the version the action's tests expect of a runner's cosign (v3 or newer)
c_cosign=$("$BIN/cosign" version 2>&1 | sed -n 's/^GitVersion:[[:space:]]*//p')
[ "$c_cosign" = "$COSIGN_VERSION" ] || die "$BIN/cosign reports version '$c_cosign', not $COSIGN_VERSION"
log "cosign: $c_cosign"
