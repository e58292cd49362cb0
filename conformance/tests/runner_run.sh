#!/usr/bin/env bash
# mxtrust run: passes on correct vectors, fails (exit 1) on a planted wrong expectation, reports
# malformed files by name and JSON path while still running the rest, writes valid reports.
source "$(dirname "$0")/runner_lib.bash"
V=$FIX/vectors

expect_rc 0 "$MXT_BIN" run --vectors "$V/good" --json "$T/good.json" --junit "$T/good.xml"
grep_out "CONFORMS: 9 passed, 0 failed"
grep_out "CJSON-009"
[ "$(count "$T/good.json" pass)" = 9 ] || fail "good: 9 passes expected"
[ "$(junit_ids "$T/good.xml")" = "$(json_ids "$T/good.json")" ] || fail "JUnit and JSON ids differ"
[ "$(junit_ids "$T/good.xml" | wc -l)" = 9 ] || fail "one testcase per vector"

expect_rc 1 "$MXT_BIN" run --vectors "$V/wrong" --json "$T/wrong.json" --junit "$T/wrong.xml"
grep_out "FAIL  CJSON-fx-sort"
grep_out 'expected: {"result":"ok","output":"{\\"b\\":2,\\"a\\":1}"}'
grep_out 'actual:   {"result":"ok","output":"{\\"a\\":1,\\"b\\":2}"}'
grep_out "8 passed, 1 failed"
[ "$(verdicts "$T/wrong.json" | grep -c ' fail$')" = 1 ] || fail "exactly one failure"
$PY -c 'import sys, xml.etree.ElementTree as E
c = [c for c in E.parse(sys.argv[1]).getroot().iter("testcase") if c.get("name") == "CJSON-fx-sort"][0]
assert c.get("classname") == "CJSON-002" and c.find("failure") is not None' "$T/wrong.xml" \
  || fail "JUnit failure for CJSON-fx-sort"

# Malformed files: named with their JSON path, the rest still runs, exit 1, reports complete.
expect_rc 1 "$MXT_BIN" run --vectors "$V/malformed" --json "$T/bad.json" --junit "$T/bad.xml"
grep_err "BROKEN.json: \$: not valid JSON"
grep_err "malformed/CJSON.json: \$.vectors\[1\].expected.result: missing"
grep_out "LOAD ERRORS"
grep_out "5 passed, 0 failed"
[ "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["load_errors"]))' "$T/bad.json")" = 2 ] \
  || fail "two load errors in the JSON report"
$PY -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/bad.xml" || fail "bad.xml"

# Inputs an operation cannot use: errors naming the JSON path; unknown operations are skipped.
expect_rc 1 "$MXT_BIN" run --vectors "$V/inputerr" --json "$T/in.json"
grep_out "ERROR CJSON-fx-no-json"
grep_out "why:      input.json: missing"
grep_out 'why:      input.profile: "lenient" is neither "strict" nor "normalise"'
grep_out "skipped 1: operation no_such_op is not implemented in-process"
[ "$(count "$T/in.json" error)" = 2 ] && [ "$(count "$T/in.json" skip)" = 1 ] || fail "inputerr counts"

# The hand-written fixtures follow the published schema too.
for d in good wrong inputerr; do
  MXT_VECTORS="$V/$d" bash "$MXT_SRC/vectors/tests/schema_check.sh" >"$T/out" || { cat "$T/out"; fail "schema: $d"; }
done

# Selection.
expect_rc 0 "$MXT_BIN" run --vectors "$V/good" --family SIG --json "$T/sig.json"
[ "$(count "$T/sig.json" total)" = 4 ] || fail "--family SIG selects 4"
expect_rc 0 "$MXT_BIN" run --vectors "$V/good" --rule CJSON-001 --json "$T/r.json"
[ "$(json_ids "$T/r.json" | tr '\n' ' ')" = "CJSON-fx-array CJSON-fx-b64-input " ] || fail "--rule CJSON-001"
expect_rc 1 "$MXT_BIN" run --vectors "$V/good" --rule NOPE-001
grep_err "no vectors selected"
MXT_VECTORS="$V/wrong" expect_rc 1 "$MXT_BIN" run --quiet
grep_out "DOES NOT CONFORM"

# Usage errors.
expect_rc 2 "$MXT_BIN" run --bogus
expect_rc 0 "$MXT_BIN" run --help
grep_out "usage: mxtrust run"
echo "runner_run: ok"
