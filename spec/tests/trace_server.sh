#!/usr/bin/env bash
# spec/render_trace.py and the server suite: on a copy of the inputs it reads, the check passes
# as committed, and fails (naming the cause) when a server-suite rule loses its last scenario, when
# a scenario or a mutant names an unknown rule, and (loudly, exit 2) when a scenario table or the
# mutant table is not in the format it parses.
set -euo pipefail
SRC="${MXT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "trace_server: FAIL: $*" >&2; exit 1; }

fresh() {
  rm -rf "$T/r"
  mkdir -p "$T/r/conformance/lib" "$T/r/conformance/refserver"
  cp -r "$SRC/spec" "$SRC/vectors" "$SRC/core" "$T/r/"
  cp "$SRC"/conformance/lib/server_*.c "$T/r/conformance/lib/"
  cp "$SRC/conformance/refserver/MUTANTS.md" "$T/r/conformance/refserver/"
}
# run the check; $1 = expected exit code, $2 = a text stderr must contain
check() {
  local rc=0
  "$PY" "$T/r/spec/render_trace.py" --check >"$T/out" 2>"$T/err" || rc=$?
  [ "$rc" = "$1" ] || { cat "$T/err"; fail "$3: exit $rc, expected $1"; }
  [ -z "$2" ] || grep -qF -- "$2" "$T/err" || { cat "$T/err"; fail "$3: stderr lacks '$2'"; }
}

fresh
check 0 "" "the committed tree"
grep -q "checked by server scenarios" "$T/r/spec/TRACEABILITY.md" || fail "no server column in the summary"

# SKB-015 is a server-suite rule checked by one scenario: drop it from that scenario.
fresh
sed -i 's/R("BK-SRV-017", "SKB-015")/R("BK-SRV-017")/' "$T/r/conformance/lib/server_bk.c"
grep -q 'R("BK-SRV-017"),' "$T/r/conformance/lib/server_bk.c" || fail "test setup: SKB-015 not removed"
check 1 "SKB-015: conformance says server-suite but no server scenario checks it" "rule without scenario"

fresh
sed -i 's/R("BK-SRV-019")/R("BK-SRV-019", "BK-SRV-999")/' "$T/r/conformance/lib/server_bk.c"
check 1 "names unknown rule BK-SRV-999" "scenario naming an unknown rule"

fresh
sed -i 's/| BK-SRV-008 |$/| BK-SRV-008, XS-999 |/' "$T/r/conformance/refserver/MUTANTS.md"
check 1 "names unknown rule XS-999" "mutant naming an unknown rule"

# format changes are errors, never a trace without the server suite
fresh
sed -i 's/const mxt_srv_scenario mxt_srv_bk_scenarios\[\]/const mxt_srv_scenario *mxt_srv_bk_x/; s/const mxt_srv_scenario mxt_srv_xs_scenarios\[\]/const mxt_srv_scenario *mxt_srv_xs_x/' \
  "$T/r/conformance/lib/server_bk.c" "$T/r/conformance/lib/server_xs.c"
check 2 "no \`const mxt_srv_scenario NAME[] = {...};\` table found" "no table"
rc=0; "$PY" "$T/r/spec/render_trace.py" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "writing the trace without tables should exit 2, got $rc"

fresh
sed -i 's/{"BK-SRV-isolation", "BK-SRV", R(/{"BK-SRV-isolation", "BK-SRV", RULES(/' "$T/r/conformance/lib/server_bk.c"
check 2 "entries opened" "an entry in another format"

fresh
sed -i 's/| Rules violated |/| Rules |/' "$T/r/conformance/refserver/MUTANTS.md"
check 2 "expected one table with header" "mutant table header changed"

echo "trace_server: ok"
