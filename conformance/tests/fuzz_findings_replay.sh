#!/usr/bin/env bash
# The kept fuzz findings (conformance/results/fuzz-findings/<implementation>/*.json, described in
# conformance/results/FUZZ-FINDINGS.md) stay true:
#   - every finding is a valid vector: the core's own adapter (`mxtrust adapter`) passes all of
#     them, and `mxtrust run` agrees;
#   - against the implementation it was found in (conformance/adapters/REGISTRY, when its
#     requirement holds) every finding still fails: a disagreement is still a `fail`, a crash
#     (x-fuzz.adapter_failure) is still an `error`. A finding that passes, or is declined, means
#     the library (or its adapter) changed: re-triage it (FUZZ-FINDINGS.md), do not delete it
#     unseen.
# A peer whose requirement does not hold fails the test (CI installs them all) unless
# MXT_RESULTS_ALLOW_MISSING=1, which skips it.
source "$(dirname "$0")/runner_lib.bash"
cd "$MXT_SRC"
export MXT_BIN
DIR=conformance/results/fuzz-findings
[ -d "$DIR" ] || fail "$DIR missing"

# The registry's command and requirement of an implementation, by name.
registry_field() { # NAME COLUMN(2|3)
  awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' conformance/adapters/REGISTRY
}

# still_hold NAME DIR CMD: replays each finding of DIR against CMD in a fresh adapter process (a
# crash, or heap damage that aborts later, is blamed on the finding that caused it, never on the
# next one); 0 when every finding still fails (disagreement: `fail`, crash: `error`).
still_hold() {
  local name=$1 dir=$2 cmd=$3 f rc
  mkdir -p "$T/reports-$name"
  for f in "$dir"/*.json; do
    rc=0
    "$MXT_BIN" client --adapter "$cmd" --vectors "$f" --json "$T/reports-$name/$(basename "$f")" --window 1 \
      >"$T/$name.out" 2>"$T/$name.err" || rc=$?
    case $rc in 0|1) ;; *) tail -5 "$T/$name.out" "$T/$name.err"; fail "$name: $f: mxtrust client exited $rc";; esac
  done
  $PY - "$dir" "$T/reports-$name" "$name" <<'PY'
import glob, json, os, sys
impl_dir, reports, impl = sys.argv[1:]
bad = 0
files = sorted(glob.glob(os.path.join(impl_dir, "*.json")))
for f in files:
    d = json.load(open(f))
    assert d.get("schema") == "mxtrust-vectors/1" and len(d["vectors"]) == 1, f
    vid = d["vectors"][0]["id"]
    want = "error" if d.get("x-fuzz", {}).get("adapter_failure") else "fail"
    got = {v["id"]: v for v in json.load(open(os.path.join(reports, os.path.basename(f))))["vectors"]}.get(vid)
    if got is None or got["verdict"] != want:
        bad += 1
        print("  %s (%s): wanted %s, got %s %s" % (os.path.basename(f), vid, want,
              got and got["verdict"], json.dumps(got and got.get("actual"))[:200]), flush=True)
print("  %s: %d findings, %d still hold" % (impl, len(files), len(files) - bad), flush=True)
sys.exit(1 if bad else 0)
PY
}

# 0. The check can fail: replayed against the core's own adapter, findings do not hold.
first=$(ls -d "$DIR"/*/ | head -1)
mkdir -p "$T/selfcheck"
cp "$(ls "$first"*.json | head -1)" "$T/selfcheck/"
if still_hold selfcheck "$T/selfcheck" "exec $MXT_BIN adapter" >"$T/selfcheck.log"; then
  cat "$T/selfcheck.log"; fail "a finding the core passes was reported as still holding"
fi
grep -q "1 findings, 0 still hold" "$T/selfcheck.log" || { cat "$T/selfcheck.log"; fail "self-check report"; }

total=0
for impl_dir in "$DIR"/*/; do
  impl=$(basename "$impl_dir")
  cmd=$(registry_field "$impl" 2)
  req=$(registry_field "$impl" 3)
  [ -n "$cmd" ] || fail "$impl_dir: $impl is not in conformance/adapters/REGISTRY"
  n=$(find "$impl_dir" -maxdepth 1 -name '*.json' | wc -l)
  [ "$n" -gt 0 ] || fail "$impl_dir: no findings"
  total=$((total + n))

  # 1. The core: every finding passes (each is a valid vector whose expectation is the core's).
  expect_rc 0 "$MXT_BIN" client --adapter "exec $MXT_BIN adapter" --vectors "$impl_dir" --json "$T/$impl.core.json"
  [ "$(count "$T/$impl.core.json" pass)" = "$n" ] || fail "$impl: the core passes $(count "$T/$impl.core.json" pass) of $n findings"
  expect_rc 0 "$MXT_BIN" run --vectors "$impl_dir"

  # 2. The implementation: every finding still fails (or still crashes it).
  if ! sh -c "$req" >/dev/null 2>&1; then
    [ "${MXT_RESULTS_ALLOW_MISSING:-0}" = 1 ] && { echo "fuzz_findings_replay: $impl not installed, its $n findings replayed against the core only"; continue; }
    fail "$impl: requirement does not hold ($req); ci/setup installs it (MXT_RESULTS_ALLOW_MISSING=1 skips)"
  fi
  still_hold "$impl" "${impl_dir%/}" "$cmd" ||
    fail "$impl: a finding no longer holds (re-triage it: conformance/results/FUZZ-FINDINGS.md)"
done
echo "fuzz_findings_replay: ok ($total findings)"
