#!/usr/bin/env bash
# ci/bench server: the duration of the whole server suite (mxtrust server, every scenario) against
# mxt-refserver on a fresh database, MXT_BENCH_ROUNDS rounds (default 5): best and median seconds,
# scenarios/s and HTTP requests/s. Usage: server_suite.sh BUILD_DIR
set -euo pipefail
B=${1:?build directory}
T=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }; rm -rf "$T"; }
trap cleanup EXIT
secret=bench-shared-secret-$$
: >"$T/ref.out"
"$B/mxt-refserver" --listen 127.0.0.1:0 --db "$T/ref.db" --registration-shared-secret "$secret" \
  >"$T/ref.out" 2>"$T/ref.err" &
pid=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^listening on //p' "$T/ref.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "mxt-refserver did not start" >&2; exit 1; }
rounds=${MXT_BENCH_ROUNDS:-5}
for i in $(seq "$rounds"); do
  s=$(date +%s.%N)
  NO_COLOR=1 "$B/mxtrust" server --url "$url" --registration-shared-secret "$secret" --quiet \
    --json "$T/r.json" >"$T/r.txt" 2>&1 || { cat "$T/r.txt"; echo "suite failed" >&2; exit 1; }
  e=$(date +%s.%N)
  echo "$s $e" >>"$T/times"
done
n=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["total"])' "$T/r.json")
NO_COLOR=1 "$B/mxtrust" server --url "$url" --registration-shared-secret "$secret" >"$T/last.txt" 2>&1
req=$(sed -n 's/^\([0-9]*\) HTTP requests.*/\1/p' "$T/last.txt")
python3 - "$T/times" "$n" "$req" <<'PY'
import statistics, sys
t = sorted(float(b) - float(a) for a, b in (l.split() for l in open(sys.argv[1])))
n, req = int(sys.argv[2]), int(sys.argv[3] or 0)
best, med = t[0], statistics.median(t)
print("server suite vs mxt-refserver: %d scenarios, %d HTTP requests per run, %d rounds" % (n, req, len(t)))
print("  best %.3f s, median %.3f s; %.0f scenarios/s, %.0f requests/s (best)" % (best, med, n / best, req / best))
PY
