#!/usr/bin/env bash
# mxt-refserver against its own rule checks (refserver_check.py: accounts, BK-SRV-*, BK-BETTER-*,
# XS-*): every check passes on the reference server.
set -euo pipefail
: "${MXT_BUILD:?MXT_BUILD must name the build directory}"
out=$(timeout 300 python3 "$(dirname "$0")/refserver_check.py" "$MXT_BUILD/mxt-refserver") || {
  echo "$out"; echo "FAIL: refserver_rules"; exit 1; }
echo "$out"
n=$(grep -c ': pass$' <<<"$out")
[ "$n" -ge 12 ] || { echo "FAIL: only $n checks ran"; exit 1; }
echo "refserver_rules: ok"
