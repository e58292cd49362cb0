#!/usr/bin/env bash
# mxtrust server against broken servers: a fake homeserver (fixtures/fake_homeserver.py) that
# answers 500, garbage, JSON of the wrong shape, hangs and closes connections, and a port where
# nothing listens. Each run completes, every scenario fails with its evidence, the exit status is
# 1, both reports are complete and valid, and no credential (the shared secret, the access tokens
# the fake echoes back in its error bodies) appears anywhere.
source "$(dirname "$0")/server_lib.bash"
N=$("$MXT_BIN" server --list | grep -c '^[A-Z]')
start_server "$T/fake" "$PY" "$FIX/fake_homeserver.py" --hang 20

check_reports() { # NAME VERDICT: every scenario has VERDICT (fail; error when no user could be registered)
  [ "$(json_ids "$T/$1.json" | wc -l)" = "$N" ] || fail "$1: JSON report lacks scenarios"
  [ "$(junit_ids "$T/$1.xml" | wc -l)" = "$N" ] || fail "$1: JUnit report lacks scenarios"
  [ "$(count "$T/$1.json" "$2")" = "$N" ] || { verdicts "$T/$1.json"; fail "$1: every scenario must be $2"; }
  $PY - "$T/$1.json" <<'PY' || fail "$1: a failure without evidence"
import json, sys
for v in json.load(open(sys.argv[1]))["vectors"]:
    assert v.get("evidence"), v["id"]
PY
  for f in "$T/out" "$T/err" "$T/$1.json" "$T/$1.xml"; do
    ! grep -q -- "$SECRET" "$f" || fail "$1: the shared secret appears in $f"
    ! grep -q -- "fake-token-" "$f" || fail "$1: an access token appears in $f"
  done
}

start=$(date +%s)
expect_rc 1 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --timeout-ms 300 --json "$T/fake.json" --junit "$T/fake.xml"
took=$(( $(date +%s) - start ))
[ "$took" -lt 120 ] || fail "the run took $took s"
check_reports fake fail
for ev in "-> 500: " "no response within 300 ms" "connection closed without a response" \
          "<<garbage \\\\x00\\\\xff" "<redacted>" "the answer is not HTTP"; do
  grep -qF -- "$ev" "$T/fake.json" || fail "no evidence of the kind: $ev"
done
grep_out "DOES NOT CONFORM: 0 passed, $N failed"

# the cross-signing scenarios met the closed connection and the wrong-shape JSON
json_ids "$T/fake.json" | grep -q "^XS-" || fail "XS scenarios missing"
grep -qF -- "-> 200: [1,2,3]" "$T/fake.json" || fail "no evidence of the wrong-shape answer"

# interrupted (SIGINT) while a request hangs: the request is abandoned at once, the run stops,
# exit 130, both reports complete (every scenario "not-run")
"$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" --timeout-ms 15000 \
  --json "$T/int.json" --junit "$T/int.xml" >"$T/out" 2>"$T/err" &
mx=$!
sleep 1.5
kill -INT "$mx"
rc=0; start=$(date +%s); wait "$mx" || rc=$?
[ "$rc" = 130 ] || fail "interrupted run: exit $rc, wanted 130"
[ $(( $(date +%s) - start )) -lt 5 ] || fail "the hanging request was not abandoned on SIGINT"
[ "$(count "$T/int.json" not-run)" = "$N" ] || fail "interrupted: every scenario should be not-run"
[ "$(junit_ids "$T/int.xml" | wc -l)" = "$N" ] || fail "interrupted: JUnit report incomplete"
grep_out "interrupted by signal 2"

# nothing listening at all
stop_server
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_rc 1 "$MXT_BIN" server --url "http://127.0.0.1:$PORT" --registration-shared-secret "$SECRET" \
  --timeout-ms 300 --json "$T/closed.json" --junit "$T/closed.xml" --quiet
check_reports closed error
grep -q "Couldn't connect to server\|Connection refused" "$T/closed.json" || fail "connection refused evidence"
grep -q "registration" "$T/closed.json" || fail "the evidence names the registration step"
echo "server_robust: $N scenarios fail with evidence against a broken and an absent server (run: $took s)"
