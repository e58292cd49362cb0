#!/usr/bin/env bash
# Client decisions and SIG-009 through the command: the ed25519 strictness cases are listed with
# the verdict an implementation gave, a verifier that accepts everything passes exactly the cases
# the spec leaves open (any_of) and fails the controls, and the client-decision vectors conform
# against the core in-process and through the built-in adapter.
source "$(dirname "$0")/runner_lib.bash"

# 1. The core: every strictness case listed with libsodium's verdict.
expect_rc 0 "$MXT_BIN" run --rule SIG-009
grep -q '^ed25519 strictness (SIG-009' "$T/out" || fail "no strictness section"
grep -q '^  SIG-ed25519-s-plus-l: invalid$' "$T/out" || fail "S + L not listed as invalid"
grep -q '^  SIG-ed25519-canonical: valid$' "$T/out" || fail "canonical case not listed"

# 2. A lax verifier (answers valid to everything) through the adapter protocol.
cat > "$T/lax.py" <<'PY'
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m["type"] == "hello":
        a = {"type": "hello", "protocol": 1, "implementation": {"name": "lax", "version": "0"},
             "operations": ["verify_json"]}
    else:
        a = {"type": "response", "id": m["id"], "result": "valid"}
    print(json.dumps(a), flush=True)
PY
expect_rc 1 "$MXT_BIN" client --adapter "exec $PY $T/lax.py" --rule SIG-009 --json "$T/lax.json"
verdicts "$T/lax.json" > "$T/v"
cat > "$T/want" <<'W'
SIG-ed25519-canonical pass
SIG-ed25519-non-canonical-key pass
SIG-ed25519-r-negated fail
SIG-ed25519-s-plus-l pass
SIG-ed25519-small-order-key pass
SIG-ed25519-wrong-s fail
W
diff "$T/want" "$T/v" || fail "lax verifier: unexpected verdicts"
grep -q '^  SIG-ed25519-small-order-key: valid$' "$T/out" || fail "lax verdict not listed"

# 3. Every client-decision rule conforms in-process and through the built-in adapter.
for r in SIG-008 XS-016 BK-BETTER-010 BK-TRUST-009 BK-TRUST-010 BK-TRUST-013 BK-TRUST-014 \
         BK-TRUST-015 BK-FMT-011 SKB-001 SKB-006 SKB-007 SD-001 SD-007 SD-014 SD-015 SD-017 SD-018; do
  expect_rc 0 "$MXT_BIN" run --rule "$r" --json "$T/r.json"
  n=$(count "$T/r.json" pass)
  [ "$n" -gt 1 ] || fail "$r: $n passing vectors"
done
expect_rc 0 "$MXT_BIN" client --adapter "exec $MXT_BIN adapter" --rule BK-TRUST-013
expect_rc 0 "$MXT_BIN" client --adapter "exec $MXT_BIN adapter" --rule XS-016

# 4. Unusable inputs are errors naming the member, not decisions.
cat > "$T/bad.json" <<'J'
{"schema": "mxtrust-vectors/1", "family": "BK-TRUST", "vectors": [
 {"id": "BK-TRUST-x-bad-status", "rules": ["BK-TRUST-009"], "comment": "status not a number",
  "op": "backup_upload_answer", "input": {"status": "403"}, "expected": {"result": "refetch"}},
 {"id": "BK-TRUST-x-bad-source", "rules": ["SD-001"], "comment": "unknown source",
  "op": "session_arrival", "input": {"source": "carrier_pigeon"}, "expected": {"result": "reject"}}]}
J
expect_rc 1 "$MXT_BIN" run --vectors "$T/bad.json" --json "$T/bad.out.json"
[ "$(count "$T/bad.out.json" error)" = 2 ] || fail "unusable inputs are not errors"
grep -q 'input.status' "$T/out" || fail "status error does not name the member"
grep -q 'input.source' "$T/out" || fail "source error does not name the member"
echo "client_ops_cli: ok"
