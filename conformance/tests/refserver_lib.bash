# Helpers for the mxt-refserver script tests (sourced, not a test itself).
set -euo pipefail
: "${MXT_BUILD:?MXT_BUILD must name the build directory}"
RS_BIN="${RS_BIN:-$MXT_BUILD/mxt-refserver}"
T=$(mktemp -d)
RS_PID=""
cleanup() { [ -n "$RS_PID" ] && kill -KILL "$RS_PID" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$T/server.err" ] && tail -20 "$T/server.err" >&2; exit 1; }

# rs_start DB [extra args]: starts the server on port 0, sets RS_PID, RS_URL.
rs_start() {
  local db=$1; shift
  : >"$T/server.out"
  "$RS_BIN" --listen 127.0.0.1:0 --db "$db" "$@" >"$T/server.out" 2>>"$T/server.err" &
  RS_PID=$!
  for _ in $(seq 200); do
    grep -q '^listening on ' "$T/server.out" && break
    kill -0 "$RS_PID" 2>/dev/null || fail "server exited at start"
    sleep 0.05
  done
  local line; line=$(head -1 "$T/server.out")
  [[ "$line" =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] || fail "bad ready line: $line"
  [ "$(wc -l <"$T/server.out")" = 1 ] || fail "more than one line on stdout"
  RS_URL="http://127.0.0.1:${BASH_REMATCH[1]}"
}

# rs_stop: SIGTERM, expects exit status 0.
rs_stop() {
  kill -TERM "$RS_PID"
  local rc=0; wait "$RS_PID" || rc=$?
  RS_PID=""
  [ "$rc" = 0 ] || fail "server exit status $rc after SIGTERM"
}

# api METHOD PATH TOKEN [BODY]: body of the answer in $BODY, status in $CODE.
api() {
  local m=$1 p=$2 tok=$3 data=${4-}
  local args=(-s -o "$T/body" -w '%{http_code}' -X "$m")
  [ -n "$tok" ] && args+=(-H "Authorization: Bearer $tok")
  [ -n "$data" ] && args+=(--data-binary "$data")
  CODE=$(curl "${args[@]}" "$RS_URL$p") || CODE=000
  BODY=$(cat "$T/body")
}

# jget JSON EXPR: prints a Python expression over the decoded JSON `j`.
jget() { python3 -c 'import json,sys; j=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# register NAME: prints the access token.
register() {
  api POST /_matrix/client/v3/register "" "{\"username\":\"$1\",\"password\":\"pw-$1\",\"auth\":{\"type\":\"m.login.dummy\"}}"
  [ "$CODE" = 200 ] || fail "register $1: $CODE $BODY"
  jget "$BODY" 'j["access_token"]'
}
