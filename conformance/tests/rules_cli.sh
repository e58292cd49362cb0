#!/usr/bin/env bash
# `mxtrust rules` and `mxtrust explain` agree with spec/rules.json and spec/acsl, and work from any
# directory (the catalogue and the ACSL text are built into the binary).
set -u  # no pipefail: `grep -q` may close a pipe early on purpose
SRC="${MXT_SRC:?MXT_SRC must name the source directory}"
BIN="${MXT_BIN:?MXT_BIN must name the built mxtrust}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
fail=0
bad() { echo "rules_cli: FAIL: $*" >&2; fail=1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"   # not the source tree: nothing may be read from the current directory

# 1. The full list: one line per rule, fields equal to rules.json, in catalogue order.
"$BIN" rules > all.txt || bad "rules exited $?"
"$PY" - "$SRC/spec/rules.json" all.txt <<'PYEOF' || fail=1
import json, sys
rules = json.load(open(sys.argv[1], encoding="utf-8"))["rules"]
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
ok = True
if len(lines) != len(rules):
    print(f"rules_cli: FAIL: {len(lines)} lines for {len(rules)} rules"); ok = False
for r, line in zip(rules, lines):
    parts = line.split(None, 4)
    want = [r["id"], r["strength"], r["binds"], r["status"], r["title"]]
    if parts != want:
        print(f"rules_cli: FAIL: line {line!r} does not match {want}"); ok = False
sys.exit(0 if ok else 1)
PYEOF

# 2. Filters: every family and status gives exactly the matching rules.
for fam in $("$PY" -c 'import json,sys; print(" ".join(f["id"] for f in json.load(open(sys.argv[1]))["families"]))' "$SRC/spec/rules.json"); do
    want=$("$PY" -c 'import json,sys; print(sum(r["family"]==sys.argv[2] for r in json.load(open(sys.argv[1]))["rules"]))' "$SRC/spec/rules.json" "$fam")
    got=$("$BIN" rules --family "$fam" 2>/dev/null | wc -l)
    [ "$got" -eq "$want" ] || bad "--family $fam: $got lines, expected $want"
    others=$("$BIN" rules --family "$fam" 2>/dev/null | awk -v f="$fam-" 'index($1, f) != 1' | wc -l)
    [ "$others" -eq 0 ] || bad "--family $fam lists rules of other families"
done
for st in spec proposal derived; do
    want=$("$PY" -c 'import json,sys; print(sum(r["status"]==sys.argv[2] for r in json.load(open(sys.argv[1]))["rules"]))' "$SRC/spec/rules.json" "$st")
    got=$("$BIN" rules --status "$st" 2>/dev/null | wc -l)
    [ "$got" -eq "$want" ] || bad "--status $st: $got lines, expected $want"
    wrong=$("$BIN" rules --status "$st" 2>/dev/null | awk -v s="$st" '$4 != s' | wc -l)
    [ "$wrong" -eq 0 ] || bad "--status $st lists other statuses"
done
both=$("$BIN" rules --family SKB --status proposal | wc -l)
[ "$both" -ge 1 ] || bad "--family SKB --status proposal lists nothing"
"$BIN" rules --family NOPE > /dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || bad "unknown family: exit $rc, expected 2"
"$BIN" rules --status maybe > /dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || bad "unknown status: exit $rc, expected 2"
"$BIN" rules --help | grep -q "usage: mxtrust rules" || bad "rules --help"

# 3. explain: every rule, its header line, statement start, and each formalisation / implementation.
"$PY" - "$SRC/spec/rules.json" > plan.txt <<'PYEOF'
import json, sys
for r in json.load(open(sys.argv[1], encoding="utf-8"))["rules"]:
    f, i = r["formalisation"], r["implementation"]
    print("\x1f".join([r["id"], r["title"], r["statement"].split()[0],
                     f.get("acsl", ""), f.get("file", ""), i.get("core", "")]))
PYEOF
checked_acsl=0; checked_core=0
while IFS=$'\x1f' read -r id title word acsl file core; do
    out="$("$BIN" explain "$id")"; rc=$?
    [ "$rc" -eq 0 ] || { bad "explain $id exited $rc"; continue; }
    [ "$(printf '%s\n' "$out" | head -1)" = "$id: $title" ] || bad "explain $id: wrong header"
    printf '%s\n' "$out" | grep -qF -- "$word" || bad "explain $id: statement missing"
    printf '%s\n' "$out" | grep -q '^Sources:' || bad "explain $id: no sources"
    if [ -n "$acsl" ]; then
        # The text printed must be the declaration in the source file, line for line.
        decl_line="$(grep -E "^[[:space:]]*(/\*@[[:space:]]*)?(predicate|lemma|logic|inductive)[[:space:]].*\b$acsl\b" "$SRC/$file" | head -1 | sed -e 's/^[[:space:]]*//')"
        [ -n "$decl_line" ] || bad "explain $id: $acsl not declared in $file"
        printf '%s\n' "$out" | grep -qF -- "$decl_line" || bad "explain $id: ACSL text of $acsl not printed"
        printf '%s\n' "$out" | grep -q "not found in the built-in copy" && bad "explain $id: built-in ACSL copy is stale"
        checked_acsl=$((checked_acsl + 1))
    fi
    if [ -n "$core" ]; then
        printf '%s\n' "$out" | grep -q "core function $core, declared in core/" || bad "explain $id: core function $core not located"
        checked_core=$((checked_core + 1))
    fi
done < plan.txt
echo "rules_cli: explained $(wc -l < plan.txt) rules ($checked_acsl with ACSL text, $checked_core with a core function)"

# Case-insensitive IDs, unknown IDs, usage.
"$BIN" explain sig-006 | head -1 | grep -q '^SIG-006: ' || bad "explain is not case-insensitive"
"$BIN" explain XS-999 > out.txt 2> err.txt; rc=$?
[ "$rc" -eq 1 ] || bad "unknown ID: exit $rc, expected 1"
grep -q "unknown rule ID 'XS-999'" err.txt || bad "unknown ID: no clear message"
[ ! -s out.txt ] || bad "unknown ID: printed to stdout"
"$BIN" explain > /dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || bad "explain without ID: exit $rc, expected 2"
"$BIN" explain --help | grep -q "usage: mxtrust explain RULE-ID" || bad "explain --help"

# The two recorded decisions are visible from the command line.
"$BIN" explain CJSON-005 | grep -q "normalise-numbers" || bad "CJSON-005 does not show the normalise-numbers profile"
"$BIN" explain SIG-006 | grep -qi "trailing" || bad "SIG-006 does not show the trailing-bits decision"

[ "$fail" -eq 0 ] && echo "rules_cli: ok"
exit "$fail"
