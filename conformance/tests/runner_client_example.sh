#!/usr/bin/env bash
# The example Python adapter: declares only canonical_json, so the base64 vectors are skipped;
# Python's json keeps the last duplicate key, so CJSON-fx-dup fails; the rest pass.
source "$(dirname "$0")/runner_lib.bash"
A="exec $PY $MXT_SRC/conformance/adapters/example/adapter.py"
expect_rc 1 "$MXT_BIN" client --adapter "$A" --vectors "$FIX/vectors/good" \
  --json "$T/ex.json" --junit "$T/ex.xml"
diff <(verdicts "$T/ex.json") - <<'EXP' || fail "verdicts"
CJSON-fx-array pass
CJSON-fx-b64-input pass
CJSON-fx-dup fail
CJSON-fx-sort pass
CJSON-fx-unicode pass
SIG-fx-dec-alphabet skip
SIG-fx-dec-fooba skip
SIG-fx-enc-foo skip
SIG-fx-enc-foob skip
EXP
grep_out "python-json"
grep_out "FAIL  CJSON-fx-dup"
grep_out "skipped 2: the adapter does not declare operation base64_encode"
grep_out "skipped 2: the adapter does not declare operation base64_decode"
[ "$(junit_ids "$T/ex.xml" | wc -l)" = 9 ] || fail "JUnit: one testcase per vector"
$PY -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).getroot()
assert t.get("skipped") == "4" and t.get("failures") == "1", t.attrib' "$T/ex.xml" || fail "JUnit counts"
echo "runner_client_example: ok"
