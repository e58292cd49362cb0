#!/usr/bin/env bash
# mxtrust verify-json / sign-json: verdict lines and exit codes on the spec's signing vectors (TV-1),
# SIG-005 mutations, SIG-007, malformed input, and sign-then-verify round trips. Needs MXT_BIN.
set -u
BIN=${MXT_BIN:?MXT_BIN must point at the built mxtrust}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

SEED=YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1
PK=XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI
SIG_EMPTY=K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ
SIG_ONETWO=KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw

# verify JSON RC LINE [user] [key_id] [pk]: stdout is exactly LINE, exit RC
verify() {
  local json=$1 want_rc=$2 want=$3 user=${4:-domain} kid=${5:-ed25519:1} pk=${6:-$PK}
  printf '%s' "$json" > "$tmp/in.json"
  "$BIN" verify-json "$tmp/in.json" --user "$user" --key-id "$kid" --public-key "$pk" \
    > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  local got
  got=$(cat "$tmp/out")
  if [ $rc -ne "$want_rc" ] || [ "$got" != "$want" ]; then
    echo "FAIL: verify-json $json ($user $kid): rc=$rc (want $want_rc) out='$got' (want '$want') err=$(cat "$tmp/err")"
    fails=$((fails + 1))
  fi
}

sigs() { printf '"signatures":{"%s":{"%s":"%s"}}' "$1" "$2" "$3"; }

# TV-1
verify "{$(sigs domain ed25519:1 "$SIG_EMPTY")}" 0 valid
verify "{\"one\":1,\"two\":\"Two\",$(sigs domain ed25519:1 "$SIG_ONETWO")}" 0 valid
verify "{\"two\":\"Two\",$(sigs domain ed25519:1 "$SIG_ONETWO"),\"one\":1}" 0 valid
# SIG-005
verify "{\"one\":1,\"two\":\"Two\",\"unsigned\":{\"x\":1},$(sigs domain ed25519:1 "$SIG_ONETWO")}" 0 valid
verify "{\"one\":2,\"two\":\"Two\",$(sigs domain ed25519:1 "$SIG_ONETWO")}" 1 "invalid: ED25519_REJECTED"
verify "{\"one\":1,\"two\":\"Two\",\"three\":3,$(sigs domain ed25519:1 "$SIG_ONETWO")}" 1 "invalid: ED25519_REJECTED"
# SIG-007 and missing entries
verify "{$(sigs other ed25519:1 "$SIG_EMPTY")}" 1 "missing: NO_USER"
verify "{$(sigs domain ed25519:2 "$SIG_EMPTY")}" 1 "missing: NO_KEY"
verify '{"one":1}' 1 "missing: NO_SIGNATURES"
# malformed
verify '[1]' 1 "malformed: NOT_OBJECT"
verify '{"signatures":"x"}' 1 "malformed: SIGNATURES_NOT_OBJECT"
verify "{\"signatures\":{\"domain\":\"$SIG_EMPTY\"}}" 1 "malformed: USER_NOT_OBJECT"
verify '{"signatures":{"domain":{"ed25519:1":1}}}' 1 "malformed: SIG_NOT_STRING"
verify "{$(sigs domain ed25519:1 'a!b')}" 1 "malformed: SIG_BASE64"
verify "{$(sigs domain ed25519:1 "${SIG_EMPTY:0:84}")}" 1 "malformed: SIG_LENGTH"
verify "{$(sigs domain curve25519:1 "$SIG_EMPTY")}" 1 "malformed: BAD_KEY_ID" domain curve25519:1
# JSON read errors: status, rule and byte offset
verify '{"a":1,"a":2}' 1 "malformed: E_DUPLICATE_KEY (CJSON-009) at byte 7"
verify '{"a":1.5}' 1 "malformed: E_NUMBER_FRACTION (CJSON-005) at byte 6"
verify '{"a":' 1 "malformed: E_EOF (CJSON-012) at byte 5"

# sign-json: reproduces TV-1 exactly, from any key order, and verifies
printf '{"two":"Two","one":1}' > "$tmp/o.json"
want="{\"one\":1,$(sigs domain ed25519:1 "$SIG_ONETWO"),\"two\":\"Two\"}"
got=$("$BIN" sign-json "$tmp/o.json" --user domain --key-id ed25519:1 --seed "$SEED")
rc=$?
if [ $rc -ne 0 ] || [ "$got" != "$want" ]; then
  echo "FAIL: sign-json TV-1: rc=$rc out=$got want=$want"; fails=$((fails + 1))
fi
# sign twice with different keys from stdin: both verify, unsigned kept
SEED2=2OjO919uwYS3oMP7tR/g+In9i9M1dXaYg9z+0DRP7q0
PK2=3TPraTczVkDPTRaX4K+AfUuyx7Mzq1UafTXypnl0t2k
printf '{"unsigned":{"n":1},"k":"v"}' | "$BIN" sign-json - --user @a:x --key-id ed25519:A --seed "$SEED" \
  | "$BIN" sign-json - --user @b:y --key-id=ed25519:B --seed="$SEED2" > "$tmp/two.json"
verify "$(cat "$tmp/two.json")" 0 valid @a:x ed25519:A "$PK"
verify "$(cat "$tmp/two.json")" 0 valid @b:y ed25519:B "$PK2"
verify "$(cat "$tmp/two.json")" 1 "invalid: ED25519_REJECTED" @b:y ed25519:B "$PK"
grep -q '"unsigned":{"n":1}' "$tmp/two.json" || { echo "FAIL: unsigned dropped"; fails=$((fails + 1)); }

# sign-json refusals and usage errors
printf '[1]' > "$tmp/arr.json"
"$BIN" sign-json "$tmp/arr.json" --user d --key-id ed25519:1 --seed "$SEED" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -ne 1 ] || [ -s "$tmp/out" ]; then echo "FAIL: sign-json of an array: rc=$rc"; fails=$((fails + 1)); fi

usage() {
  "$BIN" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  if [ $rc -ne 2 ] || ! grep -q '^usage: mxtrust' "$tmp/err"; then
    echo "FAIL: usage error expected for: $*  (rc=$rc)"; fails=$((fails + 1))
  fi
}
usage verify-json "$tmp/o.json" --user d --key-id ed25519:1
usage verify-json "$tmp/o.json" --user d --key-id ed25519:1 --public-key abc
usage verify-json "$tmp/o.json" --user d --key-id ed25519:1 --public-key "$PK" --bogus
usage verify-json --user d --key-id ed25519:1 --public-key "$PK"
usage sign-json "$tmp/o.json" --user d --key-id curve25519:1 --seed "$SEED"
usage sign-json "$tmp/o.json" --user d --key-id ed25519:1 --seed "$PK=="x
usage sign-json "$tmp/o.json" --user
for c in verify-json sign-json; do
  "$BIN" $c --help > "$tmp/out" 2>&1
  rc=$?
  if [ $rc -ne 0 ] || ! grep -q "^usage: mxtrust $c" "$tmp/out"; then
    echo "FAIL: $c --help (rc=$rc)"; fails=$((fails + 1))
  fi
done
# an unreadable file is an I/O error
"$BIN" verify-json "$tmp/nope.json" --user d --key-id ed25519:1 --public-key "$PK" > /dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: missing file should exit 2"; fails=$((fails + 1)); }

if [ $fails -ne 0 ]; then
  echo "sig_cli: $fails failure(s)"
  exit 1
fi
echo "sig_cli: all checks passed"
