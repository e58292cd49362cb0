# Shared helpers for the server_*.sh script tests (sourced, not a test itself): start a server that
# prints "listening on URL" and stop it by its PID.
source "$(dirname "${BASH_SOURCE[0]}")/runner_lib.bash"
: "${MXT_BUILD:=$(dirname "$MXT_BIN")}"
SERVER_PID=
SERVER_URL=
ALL_PIDS=()
trap 'stop_all; rm -rf "$T"' EXIT

# start_server LOG CMD...: runs CMD in the background and waits (10 s at most) for its one
# "listening on URL" line; sets SERVER_PID and SERVER_URL.
start_server() {
  local log=$1; shift
  : >"$log.out"   # exists before the child opens it (no race with the first sed)
  "$@" >"$log.out" 2>"$log.err" &
  SERVER_PID=$!
  ALL_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    SERVER_URL=$(sed -n 's/^listening on //p' "$log.out" 2>/dev/null || true)
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log.err"; fail "server exited: $*"; }
    sleep 0.1
  done
  fail "server not ready in 10 s: $*"
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

# stop_all: every server this test started (by PID).
stop_all() {
  local p
  for p in "${ALL_PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  ALL_PIDS=()
}

# need_refserver NAME: the executable, or a clear failure when it was not built.
need_refserver() {
  local exe=$MXT_BUILD/$1
  [ -x "$exe" ] || fail "$exe not built (conformance/refserver/)"
  echo "$exe"
}

SECRET=mxtrust-test-shared-secret-$$
