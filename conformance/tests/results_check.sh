#!/usr/bin/env bash
# conformance/results/ stays true: every registered adapter (conformance/adapters/REGISTRY) is run
# again and must give exactly the recorded per-vector verdicts and outcomes, and the README's
# "What mxtrust found" section must be the one generated from them. An adapter whose requirement
# does not hold fails (CI installs every peer) unless MXT_RESULTS_ALLOW_MISSING=1.
# First, the comparison itself is shown to fail on a tampered record.
set -uo pipefail
: "${MXT_BIN:?}" "${MXT_SRC:?}"
export MXT_BIN MXT_SRC
REC="$MXT_SRC/conformance/results/record.py"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "results_check: FAIL: $*"; exit 1; }

# 1. A record whose verdicts were changed is caught, and the changed vectors are named.
mkdir -p "$T/res"
cp "$MXT_SRC"/conformance/results/*.json "$T/res/" || fail "no recorded results"
python3 - "$T/res/mxtrust-core.json" <<'PY' || fail "cannot tamper"
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["vectors"]["CJSON-spec-empty"] = {"verdict": "fail", "actual": {"result": "reject"}}
del d["vectors"]["SIG-spec-empty-object"]
json.dump(d, open(p, "w"))
PY
out=$(MXT_RESULTS_DIR="$T/res" python3 "$REC" check mxtrust-core 2>&1)
rc=$?
[ $rc = 1 ] || fail "tampered record: exit $rc, expected 1: $out"
grep -q 'CJSON-spec-empty: recorded fail {"result": "reject"}, now pass' <<<"$out" ||
  fail "the changed vector is not named: $out"
grep -q 'SIG-spec-empty-object: not recorded, now pass' <<<"$out" ||
  fail "the vector missing from the record is not named: $out"

# 2. A registered adapter without a record fails.
rm "$T/res/mxtrust-core.json"
out=$(MXT_RESULTS_DIR="$T/res" python3 "$REC" check mxtrust-core 2>&1)
[ $? = 1 ] && grep -q 'registered but no conformance/results/mxtrust-core.json' <<<"$out" ||
  fail "a missing record is not reported: $out"

# 3. The real check: every adapter, the README section.
python3 "$REC" check || fail "the recorded results are not what the adapters answer now"
echo "results_check: ok"
