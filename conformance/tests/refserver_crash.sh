#!/usr/bin/env bash
# Nothing lost, nothing half-done: a client uploads batches of 100 new sessions (each batch also
# improves 10 keys of the batch before), the server is killed with SIGKILL in the middle of the
# upload stream, restarted on the same database (three times over), and after each restart:
#   - every acknowledged batch is fully there (nothing acknowledged is lost),
#   - each batch is there entirely or not at all, with its replacements (no half batch),
#   - at most the one batch in flight beyond the acknowledged ones is there,
#   - count equals the number of stored keys,
#   - etag and count are the same across a further clean restart (at the end).
source "$(dirname "$0")/refserver_lib.bash"
DB="$T/db.sqlite"
rs_start "$DB"
TOK=$(register crash)
api POST /_matrix/client/v3/room_keys/version "$TOK" '{"algorithm":"m.megolm_backup.v1.curve25519-aes-sha2","auth_data":{}}'
V=$(jget "$BODY" 'j["version"]')

cat >"$T/uploader.py" <<'PY'
import json, sys, urllib.request
url, tok, v, acks, start = sys.argv[1:6]
pad = "A" * 1500
with open(acks, "w") as out:
    for k in range(int(start), 100000):
        sessions = {"b%d_%d" % (k, i): {"first_message_index": 10, "forwarded_count": 0,
                    "is_verified": False, "session_data": {"ciphertext": pad, "n": k}} for i in range(100)}
        if k > 0:
            for i in range(10):
                sessions["b%d_%d" % (k - 1, i)] = {"first_message_index": 1, "forwarded_count": 0,
                    "is_verified": False, "session_data": {"ciphertext": "better", "n": k}}
        req = urllib.request.Request("%s/_matrix/client/v3/room_keys/keys?version=%s" % (url, v),
            data=json.dumps({"rooms": {"!crash:localhost": {"sessions": sessions}}}).encode(),
            method="PUT", headers={"Authorization": "Bearer " + tok})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                body = json.loads(r.read())
        except Exception as e:
            print("stopped at batch %d: %s" % (k, type(e).__name__), file=sys.stderr)
            break
        out.write("%d %d\n" % (k, body["count"]))
        out.flush()
PY
cat >"$T/check.py" <<'PY'
import json, sys
keys = json.load(open(sys.argv[1]))["rooms"].get("!crash:localhost", {"sessions": {}})["sessions"]
acked, count, start = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
batches = {}
for sid, kbd in keys.items():
    k, i = map(int, sid[1:].split("_"))
    batches.setdefault(k, {})[i] = kbd
stored = sorted(batches)
ok = True
def bad(msg):
    global ok
    ok = False
    print("FAIL:", msg)
if len(keys) != count:
    bad("count %d, stored keys %d" % (count, len(keys)))
if stored != list(range(len(stored))):
    bad("batches stored are not a prefix: %s" % stored[:5])
if len(stored) < start + acked:
    bad("acknowledged batches lost: %d + %d acknowledged, %d stored" % (start, acked, len(stored)))
if len(stored) > start + acked + 1:
    bad("more batches than acknowledged plus the one in flight: %d > %d + %d + 1" % (len(stored), start, acked))
for k in stored:
    if len(batches[k]) != 100:
        bad("half batch %d: %d sessions" % (k, len(batches[k])))
    improved = (k + 1) in batches
    for i in range(10):
        fmi = batches[k][i]["first_message_index"] if i in batches[k] else None
        if fmi != (1 if improved else 10):
            bad("batch %d session %d: index %s, replacement %s" % (k, i, fmi, "applied" if improved else "absent"))
            break
print(len(stored))
sys.exit(0 if ok else 1)
PY
START=0
for cycle in 1 2 3; do
  rm -f "$T/acks"
  python3 "$T/uploader.py" "$RS_URL" "$TOK" "$V" "$T/acks" "$START" 2>"$T/uploader.err" &
  UP=$!
  for _ in $(seq 300); do                      # let some batches through first
    [ -s "$T/acks" ] && [ "$(wc -l <"$T/acks")" -ge 5 ] && break
    sleep 0.05
  done
  [ "$(wc -l <"$T/acks")" -ge 5 ] || fail "uploads did not start"
  sleep 0.$((RANDOM % 5 + 1))
  kill -KILL "$RS_PID"
  wait "$RS_PID" 2>/dev/null || true
  RS_PID=""
  wait "$UP" || true
  ACKED=$(wc -l <"$T/acks")
  echo "cycle $cycle: batches $START.., acknowledged before SIGKILL: $ACKED"

  rs_start "$DB"
  api GET "/_matrix/client/v3/room_keys/version/$V" "$TOK"
  [ "$CODE" = 200 ] || fail "backup gone after restart: $CODE $BODY"
  COUNT=$(jget "$BODY" 'j["count"]'); ETAG=$(jget "$BODY" 'j["etag"]')
  api GET "/_matrix/client/v3/room_keys/keys?version=$V" "$TOK"
  [ "$CODE" = 200 ] || fail "read after restart: $CODE"
  printf '%s' "$BODY" >"$T/keys.json"
  STORED=$(python3 "$T/check.py" "$T/keys.json" "$ACKED" "$COUNT" "$START") \
    || { echo "$STORED"; fail "inconsistent store after SIGKILL (cycle $cycle)"; }
  echo "cycle $cycle: $STORED batches stored, count $COUNT, etag $ETAG"
  START=$STORED
done
rs_stop
rs_start "$DB"
api GET "/_matrix/client/v3/room_keys/version/$V" "$TOK"
[ "$(jget "$BODY" 'j["count"]')" = "$COUNT" ] && [ "$(jget "$BODY" 'j["etag"]')" = "$ETAG" ] \
  || fail "count/etag changed across a clean restart: $BODY (was $COUNT/$ETAG)"
# the backup still works after the crash: one more upload moves etag and count
api PUT "/_matrix/client/v3/room_keys/keys/%21crash%3Alocalhost/after?version=$V" "$TOK" \
  '{"first_message_index":0,"forwarded_count":0,"is_verified":false,"session_data":{}}'
[ "$CODE" = 200 ] && [ "$(jget "$BODY" 'j["count"]')" = $((COUNT + 1)) ] && [ "$(jget "$BODY" 'j["etag"]')" != "$ETAG" ] \
  || fail "upload after restart: $CODE $BODY"
rs_stop
echo "refserver_crash: ok"
