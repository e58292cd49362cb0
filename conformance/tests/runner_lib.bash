# Shared helpers for the runner_*.sh script tests (sourced, not a test itself).
set -euo pipefail
: "${MXT_BIN:?MXT_BIN must name the built mxtrust}"
MXT_SRC=${MXT_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FIX=$MXT_SRC/conformance/tests/fixtures
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export NO_COLOR=1

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_rc WANT CMD...: runs CMD (stdout to $T/out, stderr to $T/err), checks its exit status.
expect_rc() {
  local want=$1; shift
  local rc=0
  "$@" >"$T/out" 2>"$T/err" || rc=$?
  if [ "$rc" != "$want" ]; then
    echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
    fail "exit status $rc, wanted $want: $*"
  fi
}

# verdicts FILE: "id verdict" lines from a JSON report, sorted.
verdicts() {
  $PY -c 'import json,sys
for v in json.load(open(sys.argv[1]))["vectors"]: print(v["id"], v["verdict"])' "$1" | sort
}

# count FILE VERDICT: how many vectors of a JSON report have that verdict.
count() {
  $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' "$1" "$2"
}

# junit_ids FILE: the testcase names of a JUnit file (validates the XML), sorted.
junit_ids() {
  $PY -c 'import sys, xml.etree.ElementTree as E
for c in E.parse(sys.argv[1]).getroot().iter("testcase"):
    if c.get("classname") != "load": print(c.get("name"))' "$1" | sort
}

# json_ids FILE: the vector ids of a JSON report, sorted.
json_ids() {
  $PY -c 'import json,sys
for v in json.load(open(sys.argv[1]))["vectors"]: print(v["id"])' "$1" | sort
}

grep_out() { grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "stdout lacks: $1"; }; }
grep_err() { grep -q -- "$1" "$T/err" || { cat "$T/err"; fail "stderr lacks: $1"; }; }
