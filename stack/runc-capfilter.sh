#!/bin/bash
# OCI runtime wrapper for dockerd, installed by stack/up (phase docker) as $STATE/bin/runc-capfilter when this
# host's bounding set lacks capabilities: removes those from the container config (create/run) or exec process
# spec, then runs runc. runc-capfilter.env beside it sets DROP (JSON array of CAP_ names) and REAL (runc's path).
set -euo pipefail
# shellcheck source=/dev/null
source "$0.env"
filter() {
  local f=$1 t; t=$(mktemp "$f.XXXXXX")
  jq -c --argjson d "$DROP" 'def strip: if type=="object" then with_entries(.value |= (if type=="array" then . - $d else . end)) else . end;
    if has("process") then .process.capabilities |= strip else .capabilities |= strip end' "$f" >"$t"
  mv "$t" "$f"
}
args=("$@"); bundle=.; cmd=""; proc=""
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --bundle|-b) bundle=${args[$((i + 1))]} ;;
    --bundle=*) bundle=${args[$i]#*=} ;;
    --process|-p) proc=${args[$((i + 1))]} ;;
    --process=*) proc=${args[$i]#*=} ;;
    create|run|exec) [ -n "$cmd" ] || cmd=${args[$i]} ;;
  esac
done
case "$cmd" in
  create|run) [ ! -f "$bundle/config.json" ] || filter "$bundle/config.json" ;;
  exec) [ -z "$proc" ] || [ ! -f "$proc" ] || filter "$proc" ;;
esac
exec "$REAL" "$@"
