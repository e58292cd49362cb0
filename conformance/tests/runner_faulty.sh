#!/usr/bin/env bash
# Faulty adapters: a crash, a hang, garbage, a wrong id, a bad handshake. Each fault is an error
# with its evidence, the adapter is restarted, the run completes and both reports are written.
source "$(dirname "$0")/runner_lib.bash"
FA="$PY $FIX/faulty_adapter.py"
G=$FIX/vectors/good

# run_faulty NAME ARGS...: client against the faulty adapter, exit 1 expected.
run_faulty() {
  local name=$1; shift
  rm -f "$T/once"
  expect_rc 1 "$MXT_BIN" client --adapter "exec $FA $*" --vectors "$G" --timeout-ms 400 \
    --json "$T/$name.json" --junit "$T/$name.xml"
  [ "$(junit_ids "$T/$name.xml" | wc -l)" = 9 ] || fail "$name: JUnit has one testcase per vector"
  [ "$(json_ids "$T/$name.json" | wc -l)" = 9 ] || fail "$name: JSON has every vector"
}

# evidence NAME ID: the evidence string of one vector.
evidence() {
  $PY -c 'import json,sys
print([v for v in json.load(open(sys.argv[1]))["vectors"] if v["id"] == sys.argv[2]][0].get("evidence", ""))' \
    "$T/$1.json" "$2"
}

# The third request (CJSON-fx-array) misbehaves once; after the restart the rest pass.
for mode in crash hang garbage wrong-id; do
  run_faulty "$mode" "$mode" 3 --once "$T/once"
  [ "$(count "$T/$mode.json" error)" = 1 ] || fail "$mode: one error"
  [ "$(count "$T/$mode.json" pass)" = 8 ] || fail "$mode: eight passes after the restart"
  verdicts "$T/$mode.json" | grep -qx "CJSON-fx-array error" || fail "$mode: the third vector errs"
  grep_err "restarting the adapter (1/5)"
done
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --adapter "exec $FA crash 3 --once $T/once" --vectors "$G" --quiet \
  --adapter-log "$T/adapter.log"
grep -q "faulty adapter: crashing on request 3" "$T/adapter.log" || fail "--adapter-log keeps stderr"
evidence crash CJSON-fx-array | grep -q "exited with status 3; last stderr line: faulty adapter: crashing on request 3" \
  || fail "crash evidence: $(evidence crash CJSON-fx-array)"
evidence hang CJSON-fx-array | grep -qx "no response within 400 ms (killed)" || fail "hang evidence"
evidence garbage CJSON-fx-array | grep -qF 'not UTF-8 line: "\x00\xffthis is not json {{{"' \
  || fail "garbage evidence: $(evidence garbage CJSON-fx-array)"
evidence wrong-id CJSON-fx-array | grep -qF 'response id "not-CJSON-fx-array", expected "CJSON-fx-array"' \
  || fail "wrong-id evidence"
$PY -c 'import sys, xml.etree.ElementTree as E
c = [c for c in E.parse(sys.argv[1]).getroot().iter("testcase") if c.get("name") == "CJSON-fx-array"][0]
assert "not UTF-8 line" in c.find("error").get("message")' "$T/garbage.xml" || fail "garbage in JUnit"

# A closed stdout (the adapter keeps running).
run_faulty close close 2 --once "$T/once"
evidence close CJSON-fx-unicode | grep -q "stdout closed before the response; the adapter is still running" \
  || fail "close evidence: $(evidence close CJSON-fx-unicode)"

# Crashing on every first request: the restart budget runs out, the rest are errors, not sent.
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --adapter "exec $FA crash 1" --vectors "$G" --max-restarts 2 \
  --json "$T/always.json" --junit "$T/always.xml"
[ "$(count "$T/always.json" error)" = 9 ] || fail "always-crash: every vector an error"
evidence always SIG-fx-enc-foo | grep -q "not sent: the adapter failed after 2 restarts" \
  || fail "restart budget evidence: $(evidence always SIG-fx-enc-foo)"
[ "$(junit_ids "$T/always.xml" | wc -l)" = 9 ] || fail "always-crash JUnit"

# Restarts whose handshake fails: the budget runs out; the vectors left are errors, not skips.
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --adapter "exec $FA crash-then-bad-hello 2 --once $T/once" --vectors "$G" \
  --max-restarts 2 --json "$T/rh.json"
[ "$(count "$T/rh.json" pass)" = 1 ] || fail "restart-handshake: one pass before the crash"
[ "$(count "$T/rh.json" error)" = 8 ] || fail "restart-handshake: the rest are errors"
grep_err "restart failed: bad hello answer"
evidence rh SIG-fx-enc-foo | grep -q "not sent: the adapter failed after 2 restarts (last failure on CJSON-fx-unicode)" \
  || fail "restart-handshake evidence: $(evidence rh SIG-fx-enc-foo)"

# A bad handshake: every vector is an error naming it.
expect_rc 1 "$MXT_BIN" client --adapter "exec $FA bad-hello 0" --vectors "$G" --max-restarts 0 \
  --json "$T/hello.json"
[ "$(count "$T/hello.json" error)" = 9 ] || fail "bad hello: all errors"
evidence hello CJSON-fx-sort | grep -q 'bad hello answer: "type" is "response"' || fail "hello evidence"

# A command that does not exist.
expect_rc 1 "$MXT_BIN" client --adapter "exec /nonexistent/adapter" --vectors "$G" --max-restarts 1 \
  --json "$T/none.json"
grep_err "exited with status 127"
echo "runner_faulty: ok"
