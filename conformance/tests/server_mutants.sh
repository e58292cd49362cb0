#!/usr/bin/env bash
# mxtrust server against each mutant of the reference server (conformance/refserver/MUTANTS.md):
# every mutant must fail the suite, and fail on every rule MUTANTS.md says it violates (among the
# rules the suite covers). Prints the mutation score; anything below 100% fails.
source "$(dirname "$0")/server_lib.bash"
MUT_MD=$MXT_SRC/conformance/refserver/MUTANTS.md
[ -f "$MUT_MD" ] || fail "$MUT_MD missing"
# "name RULE RULE..." per table row of MUTANTS.md
$PY - "$MUT_MD" >"$T/mutants" <<'PY'
import re, sys
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    m = re.fullmatch(r"`([a-z0-9-]+)`", cells[0]) if len(cells) >= 5 else None
    if m:
        rules = re.findall(r"\b[A-Z]+(?:-[A-Z]+)*-\d{3}\b", cells[-1])
        print(m.group(1), *dict.fromkeys(rules))
PY
total=$(wc -l <"$T/mutants")
[ "$total" -ge 7 ] || fail "MUTANTS.md lists $total mutants, expected at least 7"
killed=0
while read -r name rules; do
  exe=$(need_refserver "mxt-refserver-mut-$name")
  rm -f "$T/m.db"*
  start_server "$T/$name" "$exe" --listen 127.0.0.1:0 --db "$T/m.db" --registration-shared-secret "$SECRET"
  rc=0
  "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" --quiet \
    --json "$T/$name.json" >"$T/$name.txt" 2>&1 || rc=$?
  stop_server
  if [ "$rc" != 1 ]; then
    echo "mutant $name SURVIVED (exit $rc)"; continue
  fi
  # every named rule that the suite covers must have a failing scenario
  if verdict=$($PY - "$T/$name.json" $rules <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
named = sys.argv[2:]
covered = [r for r in named if r in rep["rules"]]
failed = [r for r in covered if rep["rules"][r]["fail"] > 0]
missing = [r for r in covered if r not in failed]
scen = sorted(v["id"] for v in rep["vectors"] if v["verdict"] == "fail")
print("failed scenarios: %s; named rules failed: %s%s" % (", ".join(scen), ", ".join(failed) or "-",
      ("; NOT failed: " + ", ".join(missing)) if missing else ""))
sys.exit(0 if covered and not missing else 1)
PY
  ); then
    killed=$((killed + 1)); echo "mutant $name killed: $verdict"
  else
    echo "mutant $name not killed on its rules ($rules): $verdict"
  fi
done <"$T/mutants"
# failures name the recorded divergences of their rules (spec/rules.json)
if [ -f "$T/anyfield-better.json" ]; then
  grep -q "known divergences (spec/rules.json.*BK-BETTER-002: synapse" "$T/anyfield-better.json" \
    || fail "the any-field failures should name Synapse's recorded divergence"
fi
pct=$((100 * killed / total))
echo "mutation score: $killed/$total killed ($pct%)"
[ "$killed" = "$total" ] || fail "mutation score below 100%"
