#!/usr/bin/env bash
# mxt-refserver smoke: start on port 0, register, create a backup version, upload a key, read it
# back JSON-equal, check etag/count, stop cleanly on SIGTERM.
source "$(dirname "$0")/refserver_lib.bash"
rs_start "$T/db.sqlite"
api GET /_matrix/client/v3/room_keys/version ""
[ "$CODE" = 401 ] || fail "no token: $CODE"
TOK=$(register alice)
api GET /_matrix/client/v3/account/whoami "$TOK"
[ "$(jget "$BODY" 'j["user_id"]')" = "@alice:localhost" ] || fail "whoami: $BODY"
api GET /_matrix/client/v3/room_keys/version "$TOK"
[ "$CODE" = 404 ] && [ "$(jget "$BODY" 'j["errcode"]')" = M_NOT_FOUND ] || fail "no backup yet: $CODE $BODY"
AUTH='{"public_key":"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo","n":9007199254740991,"s":"\u00e9\n","extra":{"b":[true,null]}}'
api POST /_matrix/client/v3/room_keys/version "$TOK" "{\"algorithm\":\"m.megolm_backup.v1.curve25519-aes-sha2\",\"auth_data\":$AUTH}"
[ "$CODE" = 200 ] || fail "create: $CODE $BODY"
V=$(jget "$BODY" 'j["version"]')
SD='{"ephemeral":"ZXBo","ciphertext":"Y2lwaGVy","mac":"bWFj","big":12345678901234}'
KBD="{\"first_message_index\":3,\"forwarded_count\":1,\"is_verified\":false,\"session_data\":$SD}"
api PUT "/_matrix/client/v3/room_keys/keys/%21room%3Alocalhost/sess%2F1?version=$V" "$TOK" "$KBD"
[ "$CODE" = 200 ] || fail "upload: $CODE $BODY"
[ "$(jget "$BODY" 'j["count"]')" = 1 ] || fail "count after upload: $BODY"
E1=$(jget "$BODY" 'j["etag"]')
api GET "/_matrix/client/v3/room_keys/keys/%21room%3Alocalhost/sess%2F1?version=$V" "$TOK"
[ "$CODE" = 200 ] || fail "read back: $CODE $BODY"
python3 -c 'import json,sys; a=json.loads(sys.argv[1]); b=json.loads(sys.argv[2]); sys.exit(a!=b)' "$BODY" "$KBD" \
  || fail "key not JSON-equal: $BODY"
api GET "/_matrix/client/v3/room_keys/keys?version=$V" "$TOK"
[ "$(jget "$BODY" 'sorted(j["rooms"]["!room:localhost"]["sessions"])')" = "['sess/1']" ] || fail "all keys: $BODY"
api GET /_matrix/client/v3/room_keys/version "$TOK"
[ "$(jget "$BODY" 'j["version"]')" = "$V" ] && [ "$(jget "$BODY" 'j["count"]')" = 1 ] \
  && [ "$(jget "$BODY" 'j["etag"]')" = "$E1" ] || fail "version info: $BODY"
python3 -c 'import json,sys; a=json.loads(sys.argv[1])["auth_data"]; b=json.loads(sys.argv[2]); sys.exit(a!=b)' "$BODY" "$AUTH" \
  || fail "auth_data not JSON-equal: $BODY"
# a worse key (higher index) is kept out; etag and count stay
api PUT "/_matrix/client/v3/room_keys/keys/%21room%3Alocalhost/sess%2F1?version=$V" "$TOK" \
  '{"first_message_index":4,"forwarded_count":0,"is_verified":false,"session_data":{}}'
[ "$CODE" = 200 ] && [ "$(jget "$BODY" 'j["etag"]')" = "$E1" ] && [ "$(jget "$BODY" 'j["count"]')" = 1 ] \
  || fail "worse key changed the backup: $BODY"
rs_stop
# SIGINT stops it cleanly too, and the data is there after the restart
rs_start "$T/db.sqlite" --registration-shared-secret "smoke-secret-$$"
api GET "/_matrix/client/v3/room_keys/keys/%21room%3Alocalhost/sess%2F1?version=$V" "$TOK"
[ "$CODE" = 200 ] || fail "key gone after restart: $CODE $BODY"
kill -INT "$RS_PID"
rc=0; wait "$RS_PID" || rc=$?
RS_PID=""
[ "$rc" = 0 ] || fail "exit status $rc after SIGINT"
grep -q "$TOK" "$T/server.err" && fail "access token printed in the log"
grep -q "smoke-secret-$$" "$T/server.err" "$T/server.out" && fail "shared secret printed"
echo "refserver_smoke: ok"
