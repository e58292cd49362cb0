#!/usr/bin/env bash
# Pipelined requests (mxtrust client --window N): the same reports as one request at a time, and
# every fault mid-window leaves each vector exactly one verdict: the faulty request is an error, the
# other requests in flight are sent again to the restarted adapter (never lost, never twice).
source "$(dirname "$0")/runner_lib.bash"
FA="$PY $FIX/faulty_adapter.py"

# A set of N base64_encode vectors (B64 is not a real family: the fixture is the test's own).
mkset() {
  mkdir -p "$T/v$1"
  $PY - "$1" "$T/v$1/SIG.json" <<'PYEOF'
import base64, json, sys
n = int(sys.argv[1])
vs = []
for i in range(1, n + 1):
    data = ("vector %d " % i).encode() * (i % 7 + 1)
    vs.append({"id": "SIG-pl-%03d" % i, "rules": ["SIG-006"], "comment": "pipelining", "flags": [],
               "op": "base64_encode", "input": {"hex": data.hex()},
               "expected": {"result": "ok", "output": base64.b64encode(data).decode().rstrip("=")}})
json.dump({"schema": "mxtrust-vectors/1", "family": "SIG", "generator": "runner_pipeline.sh",
           "notes": "pipelining test", "count": n, "vectors": vs}, open(sys.argv[2], "w"), indent=1)
PYEOF
}
mkset 100
V=$T/v100

# complete NAME N: the JSON and JUnit reports have each of the N vectors exactly once, and the
# totals add up.
complete() {
  $PY - "$T/$1.json" "$T/$1.xml" "$2" <<'PYEOF' || fail "$1: reports incomplete"
import json, sys, xml.etree.ElementTree as E
r = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
ids = [v["id"] for v in r["vectors"]]
assert len(ids) == n and len(set(ids)) == n, (len(ids), len(set(ids)))
t = r["totals"]
assert t["total"] == n == sum(t[k] for k in ("pass", "fail", "skip", "error", "not-run")), t
cases = [c.get("name") for c in E.parse(sys.argv[2]).getroot().iter("testcase")]
assert sorted(cases) == sorted(ids), "JUnit"
PYEOF
}

# evidence NAME ID
evidence() {
  $PY -c 'import json,sys
print([v for v in json.load(open(sys.argv[1]))["vectors"] if v["id"] == sys.argv[2]][0].get("evidence", ""))' \
    "$T/$1.json" "$2"
}

# 1. All vectors of vectors/: --window 64 (and an odd 3) report exactly what --window 1 reports.
A="exec $MXT_BIN adapter"
if ls "$MXT_SRC"/vectors/*.json >/dev/null 2>&1; then
  for w in 1 3 64; do
    rc=0; "$MXT_BIN" client --quiet --window $w --adapter "$A" --json "$T/w$w.json" >/dev/null || rc=$?
    echo "$rc" >"$T/w$w.rc"
  done
  for w in 3 64; do
    cmp -s "$T/w1.rc" "$T/w$w.rc" || fail "exit status differs with --window $w"
    $PY - "$T/w1.json" "$T/w$w.json" <<'PYEOF' || fail "--window $w differs from --window 1"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda v: (v["id"], v["verdict"], json.dumps(v.get("actual"), sort_keys=True),
                 v.get("evidence"), v.get("note"))
assert [v["id"] for v in a["vectors"]] == [v["id"] for v in b["vectors"]], "order"
assert [key(v) for v in a["vectors"]] == [key(v) for v in b["vectors"]], "verdicts/outcomes"
assert a["totals"] == b["totals"] and a["rules"] == b["rules"] and a["families"] == b["families"]
PYEOF
  done
fi

# 2. A crash in the middle of a window of 16: the 10th request errs, the six sent after it are
#    answered by the restarted adapter; one verdict per vector.
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --window 16 --adapter "exec $FA crash 10 --once $T/once" --vectors "$V" \
  --json "$T/crash.json" --junit "$T/crash.xml"
complete crash 100
[ "$(count "$T/crash.json" error)" = 1 ] && [ "$(count "$T/crash.json" pass)" = 99 ] \
  || fail "crash: one error and 99 passes"
evidence crash SIG-pl-010 | grep -q "exited with status 3; last stderr line: faulty adapter: crashing on request 10" \
  || fail "crash evidence: $(evidence crash SIG-pl-010)"
grep_err "SIG-pl-010: .*restarting the adapter (1/5)"

# 3. Crashing on every 10th request with a budget of 3 restarts: per start 9 answers and one error,
#    the requests in flight go to the next start first; after the budget, the rest are not sent.
expect_rc 1 "$MXT_BIN" client --window 16 --adapter "exec $FA crash 10" --vectors "$V" --max-restarts 3 \
  --json "$T/budget.json" --junit "$T/budget.xml"
complete budget 100
[ "$(count "$T/budget.json" pass)" = 36 ] && [ "$(count "$T/budget.json" error)" = 64 ] \
  || fail "budget: 36 passes and 64 errors, got $(count "$T/budget.json" pass)/$(count "$T/budget.json" error)"
$PY - "$T/budget.json" <<'PYEOF' || fail "budget: which vectors"
import json, sys
r = {v["id"]: v for v in json.load(open(sys.argv[1]))["vectors"]}
crashed = ["SIG-pl-%03d" % i for i in (10, 20, 30, 40)]
for i in crashed:
    assert r[i]["verdict"] == "error" and "crashing on request 10" in r[i]["evidence"], r[i]
for i in range(1, 41):
    k = "SIG-pl-%03d" % i
    assert k in crashed or r[k]["verdict"] == "pass", r[k]
for i in range(41, 101):
    e = r["SIG-pl-%03d" % i]["evidence"]
    assert "not sent: the adapter failed after 3 restarts (last failure on SIG-pl-040)" in e, e
PYEOF

# 4. Answers out of order (every four requests answered last first): matched by id, all pass.
expect_rc 0 "$MXT_BIN" client --window 8 --adapter "exec $FA reverse 4" --vectors "$V" \
  --json "$T/rev.json" --junit "$T/rev.xml"
complete rev 100
[ "$(count "$T/rev.json" pass)" = 100 ] || fail "reverse: all pass"

# 5. A request answered twice: the second answer matches no request in flight; it is blamed on the
#    oldest outstanding one (the next vector), the first answer stands.
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --window 16 --adapter "exec $FA duplicate 5 --once $T/once" --vectors "$V" \
  --json "$T/dup.json" --junit "$T/dup.xml"
complete dup 100
[ "$(count "$T/dup.json" error)" = 1 ] && [ "$(count "$T/dup.json" pass)" = 99 ] || fail "duplicate counts"
verdicts "$T/dup.json" | grep -qx "SIG-pl-005 pass" || fail "duplicate: the first answer stands"
evidence dup SIG-pl-006 | grep -qF 'response id "SIG-pl-005", expected "SIG-pl-006" (the oldest of the' \
  || fail "duplicate evidence: $(evidence dup SIG-pl-006)"

# 6. The timeout runs from when a request becomes the oldest outstanding one: 100 ms per answer and
#    a window of 10 is 1 s from send to answer for most requests, yet within a 400 ms timeout.
mkset 25
expect_rc 0 "$MXT_BIN" client --window 10 --timeout-ms 400 --adapter "exec $FA slow 100" --vectors "$T/v25" \
  --json "$T/slow.json"
[ "$(count "$T/slow.json" pass)" = 25 ] || fail "slow: all pass"

# 7. A hang mid-window: the oldest request times out, the rest are sent again.
rm -f "$T/once"
expect_rc 1 "$MXT_BIN" client --window 16 --timeout-ms 400 --adapter "exec $FA hang 7 --once $T/once" \
  --vectors "$T/v25" --json "$T/hang.json" --junit "$T/hang.xml"
complete hang 25
evidence hang SIG-pl-007 | grep -qx "no response within 400 ms (killed)" || fail "hang evidence"
[ "$(count "$T/hang.json" pass)" = 24 ] || fail "hang: 24 passes"

# 8. Requests and answers of hundreds of KB (larger than the pipes and the print buffers): the
#    built-in adapter answers exactly what mxtrust run answers.
mkdir -p "$T/big"
$PY - "$T/big/CJSON.json" <<'PYEOF'
import json, sys
big = lambda n: json.dumps({"k%05d" % i: "v" * 20 for i in range(n)}, separators=(",", ":"))
vs = [{"id": "CJSON-pl-big-%d" % j, "rules": ["CJSON-002"], "comment": "large", "flags": [],
       "op": "canonical_json", "input": {"json": big(12000 - 7 * j)},
       "expected": {"result": "ok"}} for j in range(4)]
json.dump({"schema": "mxtrust-vectors/1", "family": "CJSON", "generator": "runner_pipeline.sh",
           "notes": "large", "count": 4, "vectors": vs}, open(sys.argv[1], "w"))
PYEOF
expect_rc 0 "$MXT_BIN" run --vectors "$T/big" --json "$T/big-run.json"
expect_rc 0 "$MXT_BIN" client --adapter "$A" --vectors "$T/big" --json "$T/big-client.json"
$PY - "$T/big-run.json" "$T/big-client.json" <<'PYEOF' || fail "large: run and client differ"
import json, sys
a, b = ([(v["id"], v["verdict"], v["actual"]) for v in json.load(open(p))["vectors"]] for p in sys.argv[1:3])
assert a == b and len(a) == 4 and all(len(x[2]["output"]) > 300000 for x in a)
PYEOF

# Usage: the window is a positive number.
expect_rc 2 "$MXT_BIN" client --window 0 --adapter "$A"
echo "runner_pipeline: ok"
