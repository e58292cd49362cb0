#!/usr/bin/env bash
# BK-SRV-020 as far as a black box shows it: the reference server behind a proxy that answers every
# fourth request 429 M_LIMIT_EXCEEDED with retry_after_ms (and 418 to a retry that comes too early).
# The suite waits as told and still passes; a 429 without M_LIMIT_EXCEEDED fails the rate-limit
# scenario; a server that always answers 429 makes the retries stop (bounded) and the run complete.
source "$(dirname "$0")/server_lib.bash"
REF=$(need_refserver mxt-refserver)
start_server "$T/ref" "$REF" --listen 127.0.0.1:0 --db "$T/ref.db" --registration-shared-secret "$SECRET"
UP=$SERVER_URL
P="$PY $FIX/ratelimit_proxy.py --upstream $UP"

start_server "$T/p1" $P --every 4 --retry-ms 40
expect_rc 0 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --family BK-SRV --family XS --json "$T/p1.json"
n429=$(sed -n 's/^[0-9]* HTTP requests, \([0-9]*\) answers 429.*/\1/p' "$T/out")
[ -n "$n429" ] && [ "$n429" -gt 10 ] || { cat "$T/out"; fail "expected many 429 answers waited for, got '$n429'"; }
grep -q "answers 429 in a burst" "$T/p1.json" || fail "the rate-limit scenario should note the 429s"
stop_server

start_server "$T/p2" $P --every 3 --retry-ms 20 --errcode none
expect_rc 1 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --scenario BK-SRV-rate-limit --scenario BK-SRV-keys-levels --json "$T/p2.json"
[ "$(verdicts "$T/p2.json" | tr '\n' ' ')" = "BK-SRV-keys-levels pass BK-SRV-rate-limit fail " ] \
  || { verdicts "$T/p2.json"; fail "a 429 without M_LIMIT_EXCEEDED fails only the rate-limit scenario"; }
grep -q "without errcode M_LIMIT_EXCEEDED" "$T/p2.json" || fail "evidence of the bad 429"
stop_server

start_server "$T/p3" $P --every 1 --retry-ms 10
expect_rc 1 "$MXT_BIN" server --url "$SERVER_URL" --registration-shared-secret "$SECRET" \
  --max-429-retries 2 --scenario BK-SRV-version-create --scenario BK-SRV-etag --json "$T/p3.json"
# registration itself meets the 429s: the scenarios could not run (errors, not rule failures)
[ "$(count "$T/p3.json" error)" = 2 ] || { verdicts "$T/p3.json"; fail "always-429: both scenarios are errors"; }
grep -q -- "-> 429" "$T/p3.json" || fail "always-429: the evidence shows the 429"
echo "server_ratelimit: 429 waits honoured ($n429 in one run), bad 429 caught, endless 429 bounded"
