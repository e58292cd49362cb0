#!/usr/bin/env bash
# SIGTERM/SIGINT during a run: the client stops, kills the adapter, and still writes both
# reports, with the vectors that had not run marked not-run; exit status 128 + signal.
source "$(dirname "$0")/runner_lib.bash"
FA="$PY $FIX/faulty_adapter.py"
for sig in TERM INT; do
  "$MXT_BIN" client --adapter "exec $FA hang 4" --vectors "$FIX/vectors/good" --timeout-ms 60000 \
    --json "$T/s.json" --junit "$T/s.xml" >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 100); do                      # wait until three answers came back
    sleep 0.1
    pgrep -f "^/usr/bin/python3 .*faulty_adapter.py hang 4" >/dev/null && break
  done
  sleep 1
  kill -$sig $pid
  rc=0; wait $pid || rc=$?
  want=$(( 128 + $(kill -l $sig) ))
  [ "$rc" = "$want" ] || { cat "$T/out" "$T/err"; fail "SIG$sig: exit $rc, wanted $want"; }
  [ "$(count "$T/s.json" pass)" = 3 ] || fail "SIG$sig: three passes before the hang"
  [ "$(count "$T/s.json" not-run)" = 6 ] || fail "SIG$sig: six not run"
  [ "$(junit_ids "$T/s.xml" | wc -l)" = 9 ] || fail "SIG$sig: JUnit complete"
  grep_out "interrupted by signal"
  ! pgrep -f "^/usr/bin/python3 .*faulty_adapter.py hang 4" >/dev/null || fail "SIG$sig: adapter left running"
  ls "$T" | grep -q '\.tmp\.' && fail "SIG$sig: temporary report file left"
done
echo "runner_signal: ok"
