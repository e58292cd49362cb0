#!/usr/bin/env bash
# mxtrust canon: output and exit codes on the spec's canonical JSON examples (TV-3, TV-4) and on
# rejected inputs. Needs MXT_BIN (the built command).
set -u
BIN=${MXT_BIN:?MXT_BIN must point at the built mxtrust}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect_out INPUT WANT [ARGS...]: stdin INPUT gives exactly WANT (no trailing newline) and exit 0
expect_out() {
  local in=$1 want=$2; shift 2
  printf '%s' "$in" | "$BIN" canon - "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  printf '%s' "$want" > "$tmp/want"
  if [ $rc -ne 0 ] || ! cmp -s "$tmp/out" "$tmp/want"; then
    echo "FAIL: canon $* of $in: rc=$rc out=$(cat "$tmp/out") err=$(cat "$tmp/err") want=$want"
    fails=$((fails + 1))
  fi
}

# expect_err INPUT RC STDERR-LINE [ARGS...]
expect_err() {
  local in=$1 want_rc=$2 want_err=$3; shift 3
  printf '%s' "$in" > "$tmp/in.json"
  "$BIN" canon "$tmp/in.json" "$@" > "$tmp/out" 2> "$tmp/err"
  local rc=$?
  local got
  got=$(head -1 "$tmp/err")
  if [ $rc -ne "$want_rc" ] || [ "$got" != "mxtrust canon: $tmp/in.json: $want_err" ] || [ -s "$tmp/out" ]; then
    echo "FAIL: canon $* of $in: rc=$rc (want $want_rc) stderr='$got' (want '$want_err')"
    fails=$((fails + 1))
  fi
}

# TV-3
expect_out '{}' '{}'
expect_out '{
    "one": 1,
    "two": "Two"
}' '{"one":1,"two":"Two"}'
expect_out '{"b": "2", "a": "1"}' '{"a":"1","b":"2"}'
expect_out '{"auth":{"success":true,"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"medium":"email","address":"john.doe@example.org"},{"medium":"msisdn","address":"123456789"}]}}}' \
  '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}'
expect_out '{"a": "日本語"}' '{"a":"日本語"}'
expect_out '{"本": 2, "日": 1}' '{"日":1,"本":2}'
expect_out '{"a": "\u65E5"}' '{"a":"日"}'
expect_out '{"a": null}' '{"a":null}'
expect_out '{"a": -0, "b": 1e10}' '{"a":0,"b":10000000000}' --numbers normalise
expect_out '{"a": -0, "b": 1e10}' '{"a":0,"b":10000000000}' --numbers=normalise
# TV-4
expect_out '{"\ud83d\ude00":2,"\uFF61":1}' '{"｡":1,"😀":2}'
expect_out '{"a":"\u0001\u001F\u007f"}' "{\"a\":\"\\u0001\\u001f$(printf '\177')\"}"
expect_out '{"a":"\b\t\n\f\r\"\\\/"}' '{"a":"\b\t\n\f\r\"\\/"}'
expect_out '[9007199254740991,-9007199254740991]' '[9007199254740991,-9007199254740991]'
# file argument and default stdin
printf '{"b":1,"a":[true,false,null]}' > "$tmp/f.json"
[ "$("$BIN" canon "$tmp/f.json")" = '{"a":[true,false,null],"b":1}' ] || { echo "FAIL: file argument"; fails=$((fails + 1)); }
[ "$(printf '[ 1 ]' | "$BIN" canon)" = '[1]' ] || { echo "FAIL: default stdin"; fails=$((fails + 1)); }

# rejections: one line, code, rule, offset, exit 1
expect_err '{"a": -0, "b": 1e10}' 1 'E_NUMBER_NEG_ZERO (CJSON-005) at byte 6'
expect_err '{"a": -0, "b": 1e10}' 1 'E_NUMBER_NEG_ZERO (CJSON-005) at byte 6' --numbers strict
expect_err '{"a":1,"b":2,"a":3}' 1 'E_DUPLICATE_KEY (CJSON-009) at byte 13'
expect_err '[9007199254740992]' 1 'E_NUMBER_RANGE (CJSON-006) at byte 1'
expect_err '[1.5]' 1 'E_NUMBER_NOT_INTEGER (CJSON-005) at byte 1' --numbers normalise
expect_err '["\ud800"]' 1 'E_LONE_SURROGATE (CJSON-010) at byte 2'
expect_err "[\"$(printf '\355\240\200')\"]" 1 'E_UTF8_SURROGATE (CJSON-003) at byte 2'
expect_err '{} {}' 1 'E_TRAILING (CJSON-012) at byte 3'
expect_err '[1,' 1 'E_EOF (CJSON-012) at byte 3'

# usage
"$BIN" canon --help > "$tmp/out" 2>&1; rc=$?
{ [ $rc -eq 0 ] && grep -q 'usage: mxtrust canon' "$tmp/out"; } || { echo "FAIL: --help rc=$rc"; fails=$((fails + 1)); }
for args in "--numbers" "--numbers fuzzy" "--bogus" "a.json b.json"; do
  # shellcheck disable=SC2086
  "$BIN" canon $args > "$tmp/out" 2> "$tmp/err" < /dev/null; rc=$?
  { [ $rc -eq 2 ] && grep -q 'usage: mxtrust canon' "$tmp/err"; } || { echo "FAIL: usage '$args' rc=$rc"; fails=$((fails + 1)); }
done
"$BIN" canon "$tmp/does-not-exist.json" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || { echo "FAIL: missing file rc=$rc"; fails=$((fails + 1)); }

if [ $fails -ne 0 ]; then
  echo "canon_cli: $fails failure(s)"
  exit 1
fi
echo "canon_cli: all checks passed"
