#!/usr/bin/env bash
# mxtrust server against the reference server (conformance/refserver/): every scenario passes,
# twice in a row on the same server (fresh users each time), with complete reports; filters,
# --list and usage errors; no credential in any output.
source "$(dirname "$0")/server_lib.bash"
REF=$(need_refserver mxt-refserver)
start_server "$T/ref" "$REF" --listen 127.0.0.1:0 --db "$T/ref.db" --registration-shared-secret "$SECRET"

"$MXT_BIN" server --list >"$T/list" || fail "--list"
N=$(grep -c '^[A-Z]' "$T/list")
[ "$N" -ge 30 ] || fail "expected at least 30 scenarios, --list shows $N"
for fam in BK-SRV BK-BETTER XS; do
  grep -q "^[A-Za-z-]* *$fam " "$T/list" || fail "--list has no $fam scenario"
done

for round in 1 2; do
  expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
    --json "$T/r$round.json" --junit "$T/r$round.xml"
  [ "$(count "$T/r$round.json" pass)" = "$N" ] || { cat "$T/out"; fail "round $round: not all $N scenarios passed"; }
  [ "$(json_ids "$T/r$round.json" | wc -l)" = "$N" ] || fail "round $round: JSON report incomplete"
  [ "$(junit_ids "$T/r$round.xml" | wc -l)" = "$N" ] || fail "round $round: JUnit report incomplete"
  grep_out "CONFORMS: $N passed, 0 failed"
  for f in "$T/out" "$T/err" "$T/r$round.json" "$T/r$round.xml"; do
    ! grep -q -- "$SECRET" "$f" || fail "the shared secret appears in $f"
  done
done

# the rules table names every family's rules
$PY - "$T/r1.json" <<'PY' || fail "report rules"
import json, sys
r = json.load(open(sys.argv[1]))
rules = set(r["rules"])
for need in ["BK-SRV-001", "BK-SRV-008", "BK-SRV-011", "BK-SRV-017", "BK-BETTER-002", "BK-BETTER-004",
             "BK-BETTER-009", "XS-008", "XS-009", "XS-011", "XS-012", "BK-SRV-020"]:
    assert need in rules, need
assert r["conforms"] is True
PY

# filters
expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --family XS --json "$T/xs.json" --quiet
json_ids "$T/xs.json" | grep -qv '^XS-' && fail "--family XS ran other scenarios"
[ "$(json_ids "$T/xs.json" | wc -l)" = "$(grep -c '^XS-' "$T/list")" ] || fail "--family XS incomplete"
expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --scenario BK-SRV-etag --scenario BK-BETTER-order --json "$T/two.json" --quiet
[ "$(json_ids "$T/two.json" | tr '\n' ' ')" = "BK-BETTER-order BK-SRV-etag " ] || fail "--scenario"

# open registration (no secret): the reference server offers m.login.dummy
expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --family BK-SRV --quiet

# --access-token users: scenarios needing fresh users are skipped, the rest pass
TOK=$($PY - "$SERVER_URL" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/_matrix/client/v3/register", method="POST",
    data=json.dumps({"auth": {"type": "m.login.dummy"}, "password": "pw-for-token-user"}).encode(),
    headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["access_token"])
PY
)
expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --access-token "$TOK" --family BK-SRV --json "$T/tok.json"
[ "$(count "$T/tok.json" skip)" -ge 1 ] || fail "token mode: fresh-user scenarios should be skipped"
[ "$(count "$T/tok.json" pass)" -ge 10 ] || fail "token mode: the other scenarios should pass"
! grep -q -- "$TOK" "$T/out" "$T/err" "$T/tok.json" || fail "the access token appears in the output"
expect_rc 1 "$MXT_BIN" server --url "$SERVER_URL" --access-token "not-a-valid-token-xyz" --family BK-SRV --quiet
grep_out "whoami failed"

# usage errors
expect_rc 2 "$MXT_BIN" server
expect_rc 2 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret short
expect_rc 2 "$MXT_BIN" server --url "$SERVER_URL" --scenario NO-SUCH-SCENARIO
expect_rc 2 "$MXT_BIN" server --url "$SERVER_URL" --timeout-ms 0
echo "server_ref: $N scenarios pass against the reference server (twice), filters and modes ok"
