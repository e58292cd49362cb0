#!/usr/bin/env bash
# mxtrust fuzz (conformance/FUZZ.md): finds the disagreement planted in the wrong example adapter,
# writes it minimised as a vector that replays (fails against the wrong adapter, passes against
# the core); finds none in the core's own adapter; is a function of its seed; skips what an
# adapter declines; survives an adapter that crashes; refuses bad usage.
source "$(dirname "$0")/runner_lib.bash"
WRONG="exec $PY $MXT_SRC/conformance/adapters/wrong/adapter.py $MXT_BIN"
CORE="exec $MXT_BIN adapter"

# 1. The planted verify_json bug (a flipped bit in the signature's last byte is accepted).
expect_rc 1 "$MXT_BIN" fuzz --adapter "$WRONG" --rule SIG-001 --seed 1 --count 300 --out "$T/f1"
grep_out "disagreement"
ls "$T"/f1/SIG-fuzz-s1-*.json >/dev/null || fail "no finding written"
# At least one finding is a single signature bit flip (minimised), core invalid, adapter valid.
$PY - "$T/f1" <<'PY' || fail "no minimised sig_bitflip finding"
import glob, json, sys
ok = 0
for f in glob.glob(sys.argv[1] + "/*.json"):
    d = json.load(open(f))
    v, x = d["vectors"][0], d["x-fuzz"]
    assert d["schema"] == "mxtrust-vectors/1" and d["count"] == 1 and v["op"] == "verify_json"
    assert v["expected"]["result"] != x["adapter_outcome"]["result"], f
    if [e["kind"] for e in x["edits"] if e["kind"] != "reduce"] == ["sig_bitflip"] and v["expected"]["result"] == "invalid" \
            and x["adapter_outcome"]["result"] == "valid":
        ok += 1
sys.exit(0 if ok else 1)
PY
# Each finding replays: fails against the wrong adapter, passes against the core (both ways).
for f in "$T"/f1/*.json; do
  expect_rc 1 "$MXT_BIN" client --adapter "$WRONG" --vectors "$f"
  grep_out "DOES NOT CONFORM"
  expect_rc 0 "$MXT_BIN" client --adapter "$CORE" --vectors "$f"
  expect_rc 0 "$MXT_BIN" run --vectors "$f"
done

# 2. Deterministic: the same seed gives the same findings, byte for byte, and the same table.
expect_rc 1 "$MXT_BIN" fuzz --adapter "$WRONG" --rule SIG-001 --seed 1 --count 300 --out "$T/f2" --quiet
diff -r "$T/f1" "$T/f2" || fail "same seed, different findings"
expect_rc 1 "$MXT_BIN" fuzz --adapter "$WRONG" --rule SIG-001 --seed 1 --count 300 --out "$T/f3" --quiet
sed -n '/^operation/,/^total/p' "$T/out" > "$T/table3"
expect_rc 1 "$MXT_BIN" fuzz --adapter "$WRONG" --rule SIG-001 --seed 1 --count 300 --out "$T/f4" --quiet
sed -n '/^operation/,/^total/p' "$T/out" | diff "$T/table3" - || fail "same seed, different counts"

# 3. The planted better_key bug (Synapse's any-field rule) is found from the BK-BETTER vectors.
expect_rc 1 "$MXT_BIN" fuzz --adapter "$WRONG" --family BK-BETTER --seed 3 --count 200 --out "$T/f5"
grep_out "finding BK-BETTER-fuzz-s3-"
for f in "$T"/f5/*.json; do
  expect_rc 1 "$MXT_BIN" client --adapter "$WRONG" --vectors "$f"
  expect_rc 0 "$MXT_BIN" client --adapter "$CORE" --vectors "$f"
done

# 4. The core's own adapter: no disagreement over every family, for a fixed seed and count.
expect_rc 0 "$MXT_BIN" fuzz --adapter "$CORE" --seed 7 --count 1500 --out "$T/f6"
grep_out "1500 mutants"
grep_out "seed 7: 0 disagreements"
grep_out "^device_trust "
grep_out "^canonical_json "
[ ! -e "$T/f6" ] || [ -z "$(ls -A "$T/f6")" ] || fail "findings written for the core itself"
# --time bounds the run too.
expect_rc 0 "$MXT_BIN" fuzz --adapter "$CORE" --seed 8 --time 1 --out "$T/f7" --quiet
grep_out "seed 8: 0 disagreements"

# 5. Declines are skipped, not findings; crashes are adapter failures: restarts, and findings
#    blamed on the very mutant (requests in flight are re-sent one at a time after a failure).
cat > "$T/flaky.py" <<'PY'
# Answers each burst of requests in one write at its end (as fast adapters do), so when it
# crashes, the requests before the culprit in that burst are unanswered too.
import json, os, sys
pending = b""
while True:
    chunk = os.read(0, 65536)
    if not chunk:
        break
    pending += chunk
    *lines, pending = pending.split(b"\n")
    out = []
    for line in lines:
        m = json.loads(line)
        if m["type"] == "hello":
            a = {"type": "hello", "protocol": 1, "implementation": {"name": "flaky", "version": "0"},
                 "operations": ["better_key"]}
        else:
            if m["input"].get("stored") is None:
                sys.exit(3)          # crashes on an empty slot
            a = {"type": "response", "id": m["id"], "unsupported": True, "why": "declined"}
        out.append(json.dumps(a) + "\n")
    os.write(1, "".join(out).encode())
PY
expect_rc 1 "$MXT_BIN" fuzz --adapter "exec $PY $T/flaky.py" --family BK-BETTER --seed 5 \
  --count 300 --max-restarts 1000 --out "$T/f8"
line=$(grep '^better_key ' "$T/out") || fail "no better_key row"
read -r _ tried agreed disagreed errors unsupported _ <<<"$line"
[ "$agreed" = 0 ] && [ "$disagreed" = 0 ] || fail "declined mutants counted as compared: $line"
[ "$errors" -gt 0 ] && [ "$unsupported" -gt 0 ] || fail "expected errors and declines: $line"
grep_out "better_key_sequence .*not declared by the adapter"
grep_out "0 disagreements, $errors adapter failures"
grep -q "restarting the adapter" "$T/err" || fail "no restart reported"
# Every failure is blamed on a mutant with an empty slot (the adapter's actual trigger), and the
# finding written for it has that input.
$PY - "$T/f8" <<'PY' || fail "a failure was blamed on an innocent mutant"
import glob, json, sys
files = glob.glob(sys.argv[1] + "/*.json")
assert files, "no failure finding written"
for f in files:
    d = json.load(open(f))
    assert "exited with status 3" in d["x-fuzz"]["adapter_failure"], f
    assert d["x-fuzz"]["reproduced"] is True, f
    assert d["vectors"][0]["input"]["stored"] is None, f
PY
grep -c "fuzz: fuzz-[0-9]* (.*exited with status 3" "$T/err" | grep -qx "$errors" || fail "each failure is reported once"
for f in "$T"/f8/*.json; do
  expect_rc 1 "$MXT_BIN" client --adapter "exec $PY $T/flaky.py" --vectors "$f"
  expect_rc 0 "$MXT_BIN" client --adapter "$CORE" --vectors "$f"
done

# 6. Usage errors.
expect_rc 2 "$MXT_BIN" fuzz --count 10
expect_rc 2 "$MXT_BIN" fuzz --adapter "$CORE" --count ten
expect_rc 2 "$MXT_BIN" fuzz --adapter "$CORE" --frobnicate
expect_rc 0 "$MXT_BIN" fuzz --help
grep_out "usage: mxtrust fuzz"
echo "fuzz_adapter: ok"
