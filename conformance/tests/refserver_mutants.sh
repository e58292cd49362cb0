#!/usr/bin/env bash
# Each mxt-refserver mutant (conformance/refserver/MUTANTS.md) fails the check of the rule it breaks,
# while still serving (the accounts check passes): the checks can tell a broken server.
set -euo pipefail
: "${MXT_BUILD:?MXT_BUILD must name the build directory}"
CHECK="$(dirname "$0")/refserver_check.py"
declare -A WANT=(
  [anyfield-better]=better [etag-on-reject]=etag_reject [wrong-version-400]=wrong_version
  [no-sig-check]=xs_signatures [leak-signatures]=xs_signatures [version-reuse]=version_reuse
  [authdata-reencode]=authdata
)
fails=0
for m in "${!WANT[@]}"; do
  bin="$MXT_BUILD/mxt-refserver-mut-$m"
  [ -x "$bin" ] || { echo "FAIL: $bin not built"; fails=$((fails + 1)); continue; }
  out=$(timeout 300 python3 "$CHECK" "$bin" --only accounts "${WANT[$m]}" || true)
  if grep -q "^${WANT[$m]}: FAIL" <<<"$out" && grep -q '^accounts: pass$' <<<"$out"; then
    echo "$m: caught by ${WANT[$m]}"
  else
    echo "FAIL: mutant $m not caught by ${WANT[$m]}:"; echo "$out"; fails=$((fails + 1))
  fi
done
[ "$fails" = 0 ] || exit 1
echo "refserver_mutants: ok"
