#!/usr/bin/env bash
# mxtrust matrix: a fixture registry over the fixture vectors (the core, the example Python
# adapter, one whose requirement fails, one that crashes), then the real registry against the
# recorded results of conformance/results/.
source "$(dirname "$0")/runner_lib.bash"
V="$FIX/vectors/good"
R="$T/REGISTRY"
printf '%s\t%s\t%s\n' \
  "# comment lines and blank lines are ignored" "" "" \
  core 'exec "$MXT_BIN" adapter' 'test -x "$MXT_BIN"' \
  pyjson 'exec /usr/bin/python3 conformance/adapters/example/adapter.py' 'test -f conformance/adapters/example/adapter.py' \
  absent 'exec /nonexistent/adapter' 'false' >"$R"
sed -i 's/^# comment.*$/# comment lines and blank lines are ignored\n/' "$R"

expect_rc 0 "$MXT_BIN" matrix --registry "$R" --root "$MXT_SRC" --vectors "$V" --json "$T/m.json" --quiet
cat "$T/out"
grep -Eq '^CJSON +5/0/0 +4/1/0 +unavailable$' "$T/out" || fail "CJSON row"
grep -Eq '^SIG +4/0/0 +0/0/4 +unavailable$' "$T/out" || fail "SIG row"
grep -Eq '^total +9/0/0 +4/1/4 +unavailable$' "$T/out" || fail "total row"
grep -q 'absent: requirement does not hold (false); not run' "$T/err" || fail "unavailable adapter not named"
grep -q '^pyjson: python-json ' "$T/out" || fail "implementation name from the handshake"
$PY - "$T/m.json" <<'PY' || fail "JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "mxtrust-matrix/1"
m = {i["name"]: i for i in d["implementations"]}
assert [i["name"] for i in d["implementations"]] == ["core", "pyjson", "absent"]
assert m["absent"]["available"] is False and "families" not in m["absent"]
c = m["pyjson"]["families"]["CJSON"]
assert (c["pass"], c["fail"], c["skip"], c["total"]) == (4, 1, 0, 5), c
assert m["pyjson"]["totals"]["skip"] == 4 and m["core"]["totals"]["pass"] == 9
assert m["core"]["reports_as"]["name"] == "mxtrust-core"
PY

# --require-all: an unavailable adapter is a failure; --only picks adapters.
expect_rc 1 "$MXT_BIN" matrix --registry "$R" --root "$MXT_SRC" --vectors "$V" --quiet --require-all
expect_rc 0 "$MXT_BIN" matrix --registry "$R" --root "$MXT_SRC" --vectors "$V" --quiet --only pyjson
grep -Eq '^family +pyjson$' "$T/out" || fail "--only: one column"
expect_rc 1 "$MXT_BIN" matrix --registry "$R" --root "$MXT_SRC" --vectors "$V" --quiet --only nosuch
grep -q -- '--only nosuch: not in' "$T/err" || fail "--only unknown"

# An adapter that dies: its vectors are errors, shown in the cell, and the exit status is 1.
printf 'dies\texec sh -c "exit 3"\ttrue\n' >"$T/R2"
expect_rc 1 "$MXT_BIN" matrix --registry "$T/R2" --root "$MXT_SRC" --vectors "$V" --quiet
grep -Eq '^CJSON +0/0/0 \+5 err$' "$T/out" || fail "errors in the cell"

# A malformed registry line is refused with its line number.
printf 'name-only\n' >"$T/R3"
expect_rc 1 "$MXT_BIN" matrix --registry "$T/R3" --root "$MXT_SRC" --vectors "$V" --quiet
grep -q 'R3:1: expected name<TAB>command<TAB>requirement' "$T/err" || fail "bad registry line"
expect_rc 2 "$MXT_BIN" matrix --bogus

# The real registry, every adapter available here: the cells are the recorded results.
expect_rc 0 "$MXT_BIN" matrix --vectors "$MXT_SRC/vectors" --json "$T/real.json" --quiet
$PY - "$T/real.json" "$MXT_SRC/conformance/results" <<'PY' || fail "matrix differs from conformance/results"
import json, os, sys
d = json.load(open(sys.argv[1]))
checked = 0
for i in d["implementations"]:
    p = os.path.join(sys.argv[2], i["name"] + ".json")
    if not i["available"] or not os.path.exists(p):
        continue
    rec = json.load(open(p))
    for fam, c in i["families"].items():
        r = rec["families"].get(fam)
        assert r and all(c[k] == r[k] for k in ("pass", "fail", "skip", "error")), (i["name"], fam, c, r)
    checked += 1
assert checked >= 1, "no implementation compared"
print("matrix = recorded results for", checked, "implementations")
PY
echo "matrix_cli: ok"
