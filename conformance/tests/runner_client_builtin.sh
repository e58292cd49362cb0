#!/usr/bin/env bash
# mxtrust client with the built-in adapter gives exactly what mxtrust run gives: on the fixtures
# and on every vector of vectors/ (whatever the core's state, the verdicts must agree).
source "$(dirname "$0")/runner_lib.bash"
A="exec $MXT_BIN adapter"

for set in good wrong; do
  rc_run=0; "$MXT_BIN" run --quiet --vectors "$FIX/vectors/$set" --json "$T/run.json" >/dev/null || rc_run=$?
  expect_rc "$rc_run" "$MXT_BIN" client --quiet --adapter "$A" --vectors "$FIX/vectors/$set" \
    --json "$T/client.json" --junit "$T/client.xml"
  diff <(verdicts "$T/run.json") <(verdicts "$T/client.json") || fail "$set: run and client differ"
  [ "$(junit_ids "$T/client.xml")" = "$(json_ids "$T/client.json")" ] || fail "$set: JUnit ids"
done
$PY -c 'import json,sys
r = json.load(open(sys.argv[1]))
assert r["implementation"]["name"] == "mxtrust-core", r["implementation"]
assert r["strict_reason"] is True' "$T/client.json" || fail "implementation/strictness"

# All vectors of the source tree: the same verdict, the same actual outcome, vector by vector.
if ls "$MXT_SRC"/vectors/*.json >/dev/null 2>&1; then
  rc_run=0; "$MXT_BIN" run --quiet --json "$T/all-run.json" >/dev/null || rc_run=$?
  rc_cli=0; "$MXT_BIN" client --quiet --adapter "$A" --json "$T/all-client.json" >/dev/null || rc_cli=$?
  [ "$rc_run" = "$rc_cli" ] || fail "exit status: run $rc_run, client $rc_cli"
  $PY - "$T/all-run.json" "$T/all-client.json" <<'PYEOF' || fail "vectors/: run and client differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
va = {v["id"]: v for v in a["vectors"]}
vb = {v["id"]: v for v in b["vectors"]}
assert va.keys() == vb.keys()
bad = [i for i in va if (va[i]["verdict"], va[i]["actual"]) != (vb[i]["verdict"], vb[i]["actual"])
       and not (va[i]["verdict"] == vb[i]["verdict"] == "skip")]
for i in bad[:10]:
    print(i, va[i]["verdict"], va[i]["actual"], "|", vb[i]["verdict"], vb[i]["actual"])
assert a["rules"] == b["rules"] and a["totals"] == b["totals"]
assert not bad
print("vectors/: %d vectors, identical verdicts" % len(va))
PYEOF
fi
echo "runner_client_builtin: ok"
