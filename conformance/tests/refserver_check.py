#!/usr/bin/env python3
"""Behaviour checks of mxt-refserver, one per rule group, run against the reference server or a
mutant (conformance/refserver/MUTANTS.md).

    refserver_check.py BIN [--only NAME ...]

Starts BIN on port 0 with a fresh database, runs the checks, prints `NAME: pass` or
`NAME: FAIL <reason>` per check, and exits 0 when all passed, 1 otherwise. Helper of the script
tests refserver_rules.sh and refserver_mutants.sh (not a test by itself).
"""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ALGO = "m.megolm_backup.v1.curve25519-aes-sha2"
SECRET = "test-shared-secret"


class Server:
    def __init__(self, binary, db):
        self.proc = subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--db", db, "--registration-shared-secret", SECRET],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on http://127.0.0.1:"):
            raise SystemExit("server did not start: %r" % line)
        self.url = line[len("listening on "):]

    def stop(self):
        self.proc.terminate()
        rc = self.proc.wait(timeout=20)
        if rc != 0:
            raise SystemExit("server exit status %d after SIGTERM" % rc)

    def call(self, method, path, token=None, body=None, raw=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


def b64(b):
    return base64.b64encode(b).decode().rstrip("=")


def canon(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class Key:
    def __init__(self):
        self.sk = Ed25519PrivateKey.generate()
        self.pk = b64(self.sk.public_key().public_bytes(serialization.Encoding.Raw,
                                                        serialization.PublicFormat.Raw))

    def sign(self, obj, user, key_id):
        o = {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
        sig = b64(self.sk.sign(canon(o)))
        out = json.loads(json.dumps(obj))
        out.setdefault("signatures", {}).setdefault(user, {})[key_id] = sig
        return out


class Check(Exception):
    pass


def want(cond, msg):
    if not cond:
        raise Check(msg)


def register(s, name):
    st, b = s.call("POST", "/_matrix/client/v3/register",
                   body={"username": name, "password": "pw", "auth": {"type": "m.login.dummy"}})
    want(st == 200, "register %s: %s %s" % (name, st, b))
    return b


def kbd(fmi, fc, ver, sd=None):
    return {"first_message_index": fmi, "forwarded_count": fc, "is_verified": ver,
            "session_data": sd if sd is not None else {"ciphertext": "c%d%d" % (fmi, fc), "mac": "m",
                                                       "ephemeral": "e"}}


def new_version(s, tok, auth=None):
    st, b = s.call("POST", "/_matrix/client/v3/room_keys/version", tok,
                   {"algorithm": ALGO, "auth_data": auth if auth is not None else {"public_key": "x"}})
    want(st == 200 and isinstance(b.get("version"), str), "create version: %s %s" % (st, b))
    return b["version"]


K = "/_matrix/client/v3/room_keys/keys"


# ---- backup checks ----

def check_accounts(s):
    """register (dummy), admin shared-secret registration, password login, whoami."""
    st, b = s.call("POST", "/_matrix/client/v3/register", body={"username": "nobody", "password": "x"})
    want(st == 401 and b["flows"] == [{"stages": ["m.login.dummy"]}], "register without auth: %s %s" % (st, b))
    register(s, "acct")
    st, b = s.call("POST", "/_matrix/client/v3/register",
                   body={"username": "acct", "password": "x", "auth": {"type": "m.login.dummy"}})
    want(st == 400 and b["errcode"] == "M_USER_IN_USE", "taken name: %s %s" % (st, b))
    st, b = s.call("POST", "/_matrix/client/v3/login",
                   body={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "acct"},
                         "password": "pw"})
    want(st == 200 and b["user_id"] == "@acct:localhost", "login: %s %s" % (st, b))
    st, b2 = s.call("GET", "/_matrix/client/v3/account/whoami", b["access_token"])
    want(st == 200 and b2["device_id"] == b["device_id"], "whoami: %s %s" % (st, b2))
    st, b = s.call("POST", "/_matrix/client/v3/login",
                   body={"type": "m.login.password", "user": "acct", "password": "wrong"})
    want(st == 403, "wrong password: %s" % st)
    for admin, mac_ok in ((False, True), (True, True), (False, False)):
        st, n = s.call("GET", "/_synapse/admin/v1/register")
        want(st == 200, "nonce: %s" % st)
        user = "adm%d%d" % (admin, mac_ok)
        msg = b"\0".join([n["nonce"].encode(), user.encode(), b"pw", b"admin" if admin else b"notadmin"])
        mac = hmac.new(SECRET.encode() if mac_ok else b"other", msg, hashlib.sha1).hexdigest()
        st, b = s.call("POST", "/_synapse/admin/v1/register",
                       body={"nonce": n["nonce"], "username": user, "password": "pw", "admin": admin, "mac": mac})
        if mac_ok:
            want(st == 200 and b["user_id"] == "@%s:localhost" % user and b["access_token"], "admin register: %s %s" % (st, b))
            st, b = s.call("POST", "/_synapse/admin/v1/register",
                           body={"nonce": n["nonce"], "username": user + "x", "password": "pw", "admin": admin, "mac": mac})
            want(st == 400, "nonce reused: %s %s" % (st, b))
        else:
            want(st == 403, "bad mac accepted: %s %s" % (st, b))


def check_versions(s):
    """BK-SRV-001..005, BK-SRV-019."""
    tok = register(s, "ver")["access_token"]
    other = register(s, "ver2")["access_token"]
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version", tok)
    want(st == 404 and b["errcode"] == "M_NOT_FOUND", "no backup: %s %s" % (st, b))
    v = new_version(s, tok)
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version", tok)
    want(st == 200 and b["version"] == v and b["count"] == 0 and isinstance(b["etag"], str)
         and b["algorithm"] == ALGO, "current: %s %s" % (st, b))
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, other)
    want(st == 404, "other user's version visible: %s" % st)
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/0" + v, tok)
    want(st == 404, "leading zero matched: %s" % st)
    st, b = s.call("PUT", "/_matrix/client/v3/room_keys/version/" + v, tok, {"algorithm": "other", "auth_data": {}})
    want(st == 400 and b["errcode"] == "M_INVALID_PARAM", "algorithm change: %s %s" % (st, b))
    st, b = s.call("PUT", "/_matrix/client/v3/room_keys/version/" + v, tok,
                   {"algorithm": ALGO, "auth_data": {}, "version": v + "9"})
    want(st == 400 and b["errcode"] == "M_INVALID_PARAM", "version mismatch: %s %s" % (st, b))
    st, b = s.call("PUT", "/_matrix/client/v3/room_keys/version/" + v, tok,
                   {"algorithm": ALGO, "auth_data": {"public_key": "y"}, "version": v})
    want(st == 200 and b == {}, "update: %s %s" % (st, b))
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(b["auth_data"] == {"public_key": "y"}, "updated auth_data: %s" % b)
    st, b = s.call("DELETE", "/_matrix/client/v3/room_keys/version/" + v, other)
    want(st == 404, "other user deleted: %s" % st)
    st, b = s.call("DELETE", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(st == 200, "delete: %s" % st)
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(st == 404, "deleted still there: %s" % st)
    st, b = s.call("DELETE", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(st == 200, "second delete: %s" % st)
    st, b = s.call("DELETE", "/_matrix/client/v3/room_keys/version/987654", tok)
    want(st == 404, "never existed: %s" % st)


def check_version_reuse(s):
    """BK-SRV-007, BK-SRV-018."""
    tok = register(s, "reuse")["access_token"]
    v1 = new_version(s, tok)
    st, b = s.call("PUT", K + "/r/s?version=" + v1, tok, kbd(0, 0, False))
    want(st == 200, "upload: %s %s" % (st, b))
    s.call("DELETE", "/_matrix/client/v3/room_keys/version/" + v1, tok)
    v2 = new_version(s, tok)
    want(v2 != v1, "version %s handed out again" % v1)
    st, b = s.call("GET", K + "?version=" + v2, tok)
    want(st == 200 and b == {"rooms": {}}, "recreated backup not empty: %s" % b)


def check_authdata(s):
    """BK-SRV-017: auth_data and session_data JSON-equal."""
    tok = register(s, "auth")["access_token"]
    auth = {"public_key": "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo", "n": 9007199254740991,
            "neg": -42, "s": "caf\u00e9 \u2603 \n", "extra": {"z": [True, None, {"b": 1, "a": 2}]},
            "signatures": {"@auth:localhost": {"ed25519:DEV": "c2ln"}}}
    v = new_version(s, tok, auth)
    for path in ("", "/" + v):
        st, b = s.call("GET", "/_matrix/client/v3/room_keys/version" + path, tok)
        want(st == 200 and b["auth_data"] == auth and canon(b["auth_data"]) == canon(auth),
             "auth_data changed: %s" % b.get("auth_data"))
    sd = {"ciphertext": "Y2lw", "mac": "bWFj", "ephemeral": "ZXBo", "x": 12345678901234, "u": {"k": "\u00e9"}}
    st, b = s.call("PUT", K + "/r/s?version=" + v, tok, kbd(1, 0, False, sd))
    st, b = s.call("GET", K + "/r/s?version=" + v, tok)
    want(st == 200 and b["session_data"] == sd, "session_data changed: %s" % b)


def check_keys(s):
    """BK-SRV-008..016, BK-SRV-019, BK-BETTER-001/002/007/009."""
    tok = register(s, "keys")["access_token"]
    other = register(s, "keys2")["access_token"]
    st, b = s.call("PUT", K + "/r/s?version=1", tok, kbd(0, 0, False))
    want(st == 404, "no backup at all: %s %s" % (st, b))
    v = new_version(s, tok)
    st, b = s.call("GET", K + "?version=" + v, tok)
    want(st == 200 and b == {"rooms": {}}, "empty: %s %s" % (st, b))
    st, b = s.call("GET", K + "/!r?version=" + v, tok)
    want(st == 200 and b == {"sessions": {}}, "empty room: %s %s" % (st, b))
    st, b = s.call("GET", K + "/!r/s?version=" + v, tok)
    want(st == 404 and b["errcode"] == "M_NOT_FOUND", "absent session: %s %s" % (st, b))
    st, b = s.call("PUT", K + "/!r/s?version=" + v, other, kbd(0, 0, False))
    want(st == 404, "other user wrote into the backup: %s" % st)
    # three levels
    st, b = s.call("PUT", K + "/!r/s1?version=" + v, tok, kbd(5, 1, False))
    want(st == 200 and b["count"] == 1, "single: %s %s" % (st, b))
    e1 = b["etag"]
    st, b = s.call("PUT", K + "/!r?version=" + v, tok, {"sessions": {"s2": kbd(0, 0, False), "s3": kbd(0, 0, True)}})
    want(st == 200 and b["count"] == 3 and b["etag"] != e1, "room level: %s %s" % (st, b))
    e2 = b["etag"]
    batch = {"rooms": {"!r": {"sessions": {"s1": kbd(6, 0, False)}},           # worse: kept out
                       "!q": {"sessions": {"t%d" % i: kbd(i, 0, False) for i in range(5)}}}}
    st, b = s.call("PUT", K + "?version=" + v, tok, batch)
    want(st == 200 and b["count"] == 8 and b["etag"] != e2, "all level: %s %s" % (st, b))
    e3 = b["etag"]
    st, b = s.call("GET", K + "/!r/s1?version=" + v, tok)
    want(b["first_message_index"] == 5, "worse key replaced a better one: %s" % b)
    # BK-BETTER-002: better replaces, etag moves, count stays
    st, b = s.call("PUT", K + "/!r/s1?version=" + v, tok, kbd(4, 3, False))
    want(st == 200 and b["count"] == 8 and b["etag"] != e3, "better key: %s %s" % (st, b))
    e4 = b["etag"]
    st, b = s.call("GET", K + "/!r/s1?version=" + v, tok)
    want(b["first_message_index"] == 4 and b["forwarded_count"] == 3, "better key not stored: %s" % b)
    # malformed data is refused whole (BK-SRV-016)
    for bad in ({"first_message_index": "1", "forwarded_count": 0, "is_verified": False, "session_data": {}},
                {"first_message_index": 1, "forwarded_count": 0, "is_verified": 0, "session_data": {}},
                {"first_message_index": 1, "forwarded_count": 0, "is_verified": False, "session_data": "x"},
                {"first_message_index": 1, "forwarded_count": 0, "is_verified": False}):
        st, b = s.call("PUT", K + "/!r/new?version=" + v, tok, bad)
        want(400 <= st < 500, "malformed accepted: %s %s" % (st, bad))
    st, b = s.call("PUT", K + "?version=" + v, tok,
                   {"rooms": {"!z": {"sessions": {"ok": kbd(0, 0, False), "bad": {"first_message_index": 1}}}}})
    want(400 <= st < 500, "malformed batch accepted: %s" % st)
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(b["count"] == 8 and b["etag"] == e4, "refused request changed the backup: %s" % b)
    st, b = s.call("PUT", K + "/!r/s1", tok, kbd(0, 0, True))
    want(st == 400, "missing version accepted: %s" % st)
    # deletes, on the current and on an old version (BK-SRV-015)
    st, b = s.call("DELETE", K + "/!q/t0?version=" + v, tok)
    want(st == 200 and b["count"] == 7 and b["etag"] != e4, "delete one: %s %s" % (st, b))
    e5 = b["etag"]
    st, b = s.call("DELETE", K + "/!q/absent?version=" + v, tok)
    want(st == 200 and b["count"] == 7 and b["etag"] == e5, "delete nothing: %s %s" % (st, b))
    v2 = new_version(s, tok)
    st, b = s.call("DELETE", K + "/!q?version=" + v, tok)
    want(st == 200 and b["count"] == 3, "delete room from old version: %s %s" % (st, b))
    st, b = s.call("GET", K + "?version=" + v, tok)
    n = sum(len(r["sessions"]) for r in b["rooms"].values())
    want(n == 3, "count and stored keys disagree: %d" % n)
    st, b = s.call("PUT", K + "/!r/s9?version=" + v2, tok, kbd(0, 0, False))
    want(st == 200 and b["count"] == 1, "new version independent: %s %s" % (st, b))
    st, b = s.call("DELETE", K + "?version=" + v2, tok)
    want(st == 200 and b["count"] == 0, "delete all: %s %s" % (st, b))


def check_wrong_version(s):
    """BK-SRV-008."""
    tok = register(s, "wrong")["access_token"]
    v1 = new_version(s, tok)
    v2 = new_version(s, tok)
    for path in ("/!r/s", "/!r", ""):
        body = kbd(0, 0, False) if path == "/!r/s" else ({"sessions": {"s": kbd(0, 0, False)}} if path else
                                                          {"rooms": {"!r": {"sessions": {"s": kbd(0, 0, False)}}}})
        st, b = s.call("PUT", K + path + "?version=" + v1, tok, body)
        want(st == 403 and b.get("errcode") == "M_WRONG_ROOM_KEYS_VERSION" and b.get("current_version") == v2,
             "old version %s: %s %s" % (path or "/", st, b))
    st, b = s.call("PUT", K + "/!r/s?version=99999", tok, kbd(0, 0, False))
    want(st == 404 and b["errcode"] == "M_NOT_FOUND", "unknown version: %s %s" % (st, b))


def check_better(s):
    """BK-BETTER-002..006: the lexicographic rule, not the any-field rule."""
    tok = register(s, "better")["access_token"]
    v = new_version(s, tok)
    cases = [  # stored, uploaded, expected kept
        ((False, 9, 6), (False, 10, 5), (False, 9, 6)),   # higher index, lower count: keep
        ((True, 5, 5), (False, 0, 0), (True, 5, 5)),      # unverified never beats verified
        ((False, 5, 5), (True, 9, 9), (True, 9, 9)),      # verified wins
        ((False, 5, 5), (False, 5, 5), (False, 5, 5)),    # tie keeps stored (session_data too)
        ((False, 5, 5), (False, 5, 4), (False, 5, 4)),    # lower forwarded_count wins
    ]
    for i, (a, b_, keep) in enumerate(cases):
        path = K + "/!b/c%d?version=%s" % (i, v)
        s.call("PUT", path, tok, kbd(a[1], a[2], a[0], {"tag": "first"}))
        st, r = s.call("PUT", path, tok, kbd(b_[1], b_[2], b_[0], {"tag": "second"}))
        want(st == 200, "upload: %s" % st)
        st, r = s.call("GET", path, tok)
        got = (r["is_verified"], r["first_message_index"], r["forwarded_count"])
        want(got == keep, "stored %s, uploaded %s: kept %s, wanted %s" % (a, b_, got, keep))
        want(r["session_data"]["tag"] == ("second" if keep == b_ and a != b_ else "first"),
             "session_data does not go with its metadata: %s" % r)


def check_etag_reject(s):
    """BK-BETTER-007, BK-SRV-011: a rejected upload leaves etag and count."""
    tok = register(s, "etag")["access_token"]
    v = new_version(s, tok)
    st, b = s.call("PUT", K + "/!e/s?version=" + v, tok, kbd(2, 0, True))
    e = b["etag"]
    for worse in (kbd(3, 0, True), kbd(0, 0, False), kbd(2, 0, True)):
        st, b = s.call("PUT", K + "/!e/s?version=" + v, tok, worse)
        want(st == 200 and b["etag"] == e and b["count"] == 1, "etag moved on a rejected upload: %s" % b)


# ---- cross-signing checks ----

class User:
    def __init__(self, s, name):
        r = register(s, name)
        self.s, self.tok, self.id, self.dev = s, r["access_token"], r["user_id"], r["device_id"]
        self.devkey = Key()
        dk = {"user_id": self.id, "device_id": self.dev, "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
              "keys": {"ed25519:" + self.dev: self.devkey.pk, "curve25519:" + self.dev: "Y3VydmU"}}
        self.device_keys = self.devkey.sign(dk, self.id, "ed25519:" + self.dev)
        st, b = s.call("POST", "/_matrix/client/v3/keys/upload", self.tok, {"device_keys": self.device_keys})
        want(st == 200, "keys/upload: %s %s" % (st, b))
        self.msk, self.ssk, self.usk = Key(), Key(), Key()
        self.master = self.xs(self.msk, "master")
        self.self_signing = self.msk.sign(self.xs(self.ssk, "self_signing"), self.id, "ed25519:" + self.msk.pk)
        self.user_signing = self.msk.sign(self.xs(self.usk, "user_signing"), self.id, "ed25519:" + self.msk.pk)
        st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", self.tok,
                       {"master_key": self.master, "self_signing_key": self.self_signing,
                        "user_signing_key": self.user_signing})
        want(st == 200, "device_signing/upload: %s %s" % (st, b))

    def xs(self, key, usage):
        return {"user_id": self.id, "usage": [usage], "keys": {"ed25519:" + key.pk: key.pk}}

    def query(self, *users):
        st, b = self.s.call("POST", "/_matrix/client/v3/keys/query", self.tok,
                            {"device_keys": {u: [] for u in users}})
        want(st == 200, "keys/query: %s %s" % (st, b))
        return b


def check_xs_upload(s):
    """XS-001..005, XS-017."""
    a = User(s, "xsa")
    q = a.query(a.id)
    dk = q["device_keys"][a.id][a.dev]
    want(dk == a.device_keys, "device keys not returned as uploaded: %s" % dk)
    want(q["master_keys"][a.id] == a.master and q["self_signing_keys"][a.id] == a.self_signing
         and q["user_signing_keys"][a.id] == a.user_signing, "cross-signing keys not returned as uploaded")
    # XS-004: the identical keys again need no auth; a new key with a master stored needs it
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok,
                   {"master_key": a.master, "self_signing_key": a.self_signing})
    want(st == 200, "identical re-upload refused: %s %s" % (st, b))
    ssk2 = Key()
    new_ssk = a.msk.sign(a.xs(ssk2, "self_signing"), a.id, "ed25519:" + a.msk.pk)
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok, {"self_signing_key": new_ssk})
    want(st == 401 and b.get("flows") and b.get("session"), "replacement without auth: %s %s" % (st, b))
    uia = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": a.id}, "session": b["session"]}
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok,
                   {"self_signing_key": new_ssk, "auth": dict(uia, password="wrong")})
    want(st == 401 and b.get("errcode") == "M_FORBIDDEN", "wrong password passed: %s %s" % (st, b))
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok,
                   {"self_signing_key": a.self_signing, "auth": dict(uia, password="pw")})
    want(st == 200, "password auth refused: %s %s" % (st, b))
    bad = a.xs(Key(), "self_signing")
    bad = Key().sign(bad, a.id, "ed25519:" + a.msk.pk)           # signed by the wrong key
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok,
                   {"self_signing_key": bad, "auth": dict(uia, password="pw")})
    want(st == 400 and b["errcode"] == "M_INVALID_SIGNATURE", "bad subkey signature: %s %s" % (st, b))
    k = Key()
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", a.tok,
                   {"master_key": {"user_id": a.id, "usage": ["self_signing"], "keys": {"ed25519:" + k.pk: k.pk}},
                    "auth": dict(uia, password="pw")})
    want(st == 400, "wrong usage accepted: %s %s" % (st, b))
    fresh = register(s, "xsnomaster")
    k = Key()
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", fresh["access_token"],
                   {"self_signing_key": {"user_id": fresh["user_id"], "usage": ["self_signing"],
                                         "keys": {"ed25519:" + k.pk: k.pk}}})
    want(st == 400 and b["errcode"] == "M_MISSING_PARAM", "no master: %s %s" % (st, b))
    # XS-005: a device named like a public key, then a master key equal to it
    k = Key()
    st, b = s.call("POST", "/_matrix/client/v3/login", body={"type": "m.login.password", "user": "xsnomaster",
                                                              "password": "pw", "device_id": k.pk})
    want(st == 200, "login with device id: %s %s" % (st, b))
    st, b = s.call("POST", "/_matrix/client/v3/keys/device_signing/upload", fresh["access_token"],
                   {"master_key": {"user_id": fresh["user_id"], "usage": ["master"], "keys": {"ed25519:" + k.pk: k.pk}}})
    want(st == 403 and b["errcode"] == "M_FORBIDDEN", "key equal to a device ID: %s %s" % (st, b))


def check_xs_signatures(s):
    """XS-008..012: checked signatures, per-item failures, visibility."""
    a, b_ = User(s, "siga"), User(s, "sigb")
    # Alice's self-signing key signs her device; a forged one is refused, the good one kept.
    good = a.ssk.sign(a.device_keys, a.id, "ed25519:" + a.ssk.pk)
    forged = json.loads(json.dumps(a.master))
    forged.setdefault("signatures", {}).setdefault(a.id, {})["ed25519:" + a.dev] = b64(bytes(64))
    st, r = s.call("POST", "/_matrix/client/v3/keys/signatures/upload", a.tok,
                   {a.id: {a.dev: good, a.msk.pk: forged}})
    want(st == 200, "signatures/upload: %s %s" % (st, r))
    f = r.get("failures", {}).get(a.id, {})
    want(set(f) == {a.msk.pk} and f[a.msk.pk].get("errcode") == "M_INVALID_SIGNATURE",
         "forged signature not reported: %s" % r)
    q = a.query(a.id)
    sigs = q["device_keys"][a.id][a.dev]["signatures"][a.id]
    want("ed25519:" + a.ssk.pk in sigs, "valid signature not kept: %s" % sigs)
    want(("ed25519:" + a.dev) not in q["master_keys"][a.id].get("signatures", {}).get(a.id, {}),
         "forged signature stored")
    # Alice's user-signing key signs Bob's master key.
    bm = a.usk.sign(b_.master, a.id, "ed25519:" + a.usk.pk)
    st, r = s.call("POST", "/_matrix/client/v3/keys/signatures/upload", a.tok, {b_.id: {b_.msk.pk: bm}})
    want(st == 200 and not r.get("failures"), "signing Bob's master: %s" % r)
    # ... but not Bob's device (XS-010)
    bd = a.usk.sign(b_.device_keys, a.id, "ed25519:" + a.usk.pk)
    st, r = s.call("POST", "/_matrix/client/v3/keys/signatures/upload", a.tok, {b_.id: {b_.dev: bd}})
    want(st == 200 and b_.dev in r.get("failures", {}).get(b_.id, {}), "signing Bob's device accepted: %s" % r)
    # XS-012/013: Alice sees her signature on Bob's master key; Bob does not, nor her user-signing key.
    qa = a.query(b_.id)
    want(a.id in qa["master_keys"][b_.id].get("signatures", {}), "owner cannot see own user-signing signature")
    qb = b_.query(b_.id, a.id)
    want(a.id not in qb["master_keys"][b_.id].get("signatures", {}),
         "another user's user-signing signature shown: %s" % qb["master_keys"][b_.id])
    want(a.id not in qb["user_signing_keys"], "user-signing key shown to another user")
    want(qb["self_signing_keys"][a.id] == a.self_signing, "self-signing key with its master signature")
    # Bob sees Alice's own signatures on her keys and device
    sigs = qb["device_keys"][a.id][a.dev]["signatures"][a.id]
    want("ed25519:" + a.ssk.pk in sigs and "ed25519:" + a.dev in sigs, "Alice's device signatures hidden: %s" % sigs)


def check_concurrent(s):
    """BK-BETTER-004/009, BK-SRV-010 under concurrent clients: distinct sessions all stored, count
    exact, and each contested session ends with the best of the keys raced for it."""
    import random
    import threading
    tok = register(s, "conc")["access_token"]
    v = new_version(s, tok)
    ranks = [(False, 9, 6), (False, 10, 5), (True, 20, 0), (True, 3, 9), (True, 3, 2), (False, 0, 0)]
    best = (True, 3, 2)
    errors = []

    def worker(w):
        rnd = random.Random(w)
        order = ranks[:]
        rnd.shuffle(order)
        for i in range(20):
            st, b = s.call("PUT", K + "/!c/w%d_%d?version=%s" % (w, i, v), tok, kbd(i, 0, False))
            if st != 200:
                errors.append((st, b))
        for i in range(3 * len(order)):             # every rank to each of the three sessions
            r = order[i // 3]
            st, b = s.call("PUT", K + "/!c/contested%d?version=%s" % (i % 3, v), tok, kbd(r[1], r[2], r[0]))
            if st != 200:
                errors.append((st, b))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want(not errors, "uploads failed: %s" % errors[:3])
    st, b = s.call("GET", K + "?version=" + v, tok)
    sessions = b["rooms"]["!c"]["sessions"]
    want(len(sessions) == 83, "stored %d sessions, wanted 80 + 3" % len(sessions))
    st, info = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(info["count"] == len(sessions), "count %s for %d stored keys" % (info["count"], len(sessions)))
    for c in range(3):
        k = sessions["contested%d" % c]
        got = (k["is_verified"], k["first_message_index"], k["forwarded_count"])
        want(got == best, "contested%d holds %s, the best raced key is %s" % (c, got, best))


def check_robust(s):
    """BK-SRV-016 and beyond: malformed requests get a 4xx, never a 5xx, and the server keeps serving."""
    tok = register(s, "robust")["access_token"]
    v = new_version(s, tok)
    kp = K + "/!r/s?version=" + v
    cases = [
        ("PUT", kp, b"not json"), ("PUT", kp, b"{"), ("PUT", kp, b"[]"), ("PUT", kp, b'"x"'),
        ("PUT", kp, b'{"a":1,"a":2}'), ("PUT", kp, b"\xff\xfe"), ("PUT", kp, b"[" * 5000 + b"]" * 5000),
        ("PUT", kp, json.dumps(kbd(-1, 0, False)).encode()),
        ("PUT", kp, json.dumps(kbd(2 ** 40, 0, False)).encode()),
        ("PUT", kp, b'{"first_message_index":1.5,"forwarded_count":0,"is_verified":false,"session_data":{}}'),
        ("PUT", K + "?version=" + v, b'{"rooms":[]}'), ("PUT", K + "?version=" + v, b'{"rooms":{"!r":[]}}'),
        ("PUT", K + "?version=" + v, b'{"rooms":{"!r":{"sessions":{"s":[]}}}}'),
        ("PUT", K + "/!r?version=" + v, b'{"sessions":7}'), ("PUT", K + "/!r?version=" + v, b"{}"),
        ("PUT", K + "/%00/s?version=" + v, json.dumps(kbd(0, 0, False)).encode()),
        ("PUT", K + "/%zz/s?version=" + v, json.dumps(kbd(0, 0, False)).encode()),
        ("PUT", K + "/a/b/c/d?version=" + v, b"{}"), ("GET", K + "?version=abc", None),
        ("GET", K + "?version=" + "9" * 40, None), ("GET", K + "?version=-1", None),
        ("POST", "/_matrix/client/v3/room_keys/version", b'{"algorithm":1,"auth_data":{}}'),
        ("POST", "/_matrix/client/v3/room_keys/version", b'{"algorithm":"a","auth_data":[]}'),
        ("PUT", "/_matrix/client/v3/room_keys/version/" + v, b'{"auth_data":{}}'),
        ("PUT", "/_matrix/client/v3/room_keys/version/" + v, b'{"algorithm":"%s","auth_data":{},"version":5}' % ALGO.encode()),
        ("POST", "/_matrix/client/v3/keys/upload", b'{"device_keys":[]}'),
        ("POST", "/_matrix/client/v3/keys/upload", b'{"device_keys":{"user_id":"@x:y","device_id":"D"}}'),
        ("POST", "/_matrix/client/v3/keys/query", b'{"device_keys":[]}'),
        ("POST", "/_matrix/client/v3/keys/query", b'{"device_keys":{"@a:b":"x"}}'),
        ("POST", "/_matrix/client/v3/keys/signatures/upload", b'{"@a:b":[]}'),
        ("POST", "/_matrix/client/v3/keys/device_signing/upload", b'{"master_key":[]}'),
        ("POST", "/_matrix/client/v3/keys/device_signing/upload", b'{"master_key":{"user_id":"@robust:localhost","usage":["master"],"keys":{"ed25519:abc":"abc"}}}'),
        ("DELETE", "/_matrix/client/v3/keys/upload", None), ("GET", "/_matrix/client/v3/nothing/here", None),
        ("POST", "/_matrix/client/v3/login", b'{"type":"m.login.password"}'),
        ("POST", "/_synapse/admin/v1/register", b'{"nonce":"x"}'),
    ]
    for m, p, body in cases:
        st, b = s.call(m, p, tok, raw=body) if body is not None else s.call(m, p, tok)
        want(400 <= st < 500 and isinstance(b, dict) and "errcode" in b, "%s %s %r: %s %s" % (m, p, (body or b"")[:40], st, b))
    st, b = s.call("POST", "/_matrix/client/v3/keys/signatures/upload", tok, {"@nobody:localhost": {"K": {"a": 1}}})
    want(st == 200 and b["failures"]["@nobody:localhost"]["K"]["errcode"] == "M_NOT_FOUND", "unknown target: %s %s" % (st, b))
    st, b = s.call("GET", "/_matrix/client/v3/room_keys/version/" + v, tok)
    want(st == 200 and b["count"] == 0, "state changed by malformed requests: %s %s" % (st, b))


CHECKS = [check_accounts, check_versions, check_version_reuse, check_authdata, check_keys,
          check_wrong_version, check_better, check_etag_reject, check_xs_upload, check_xs_signatures,
          check_concurrent, check_robust]


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    binary = sys.argv[1]
    only = sys.argv[3:] if len(sys.argv) > 2 and sys.argv[2] == "--only" else None
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        s = Server(binary, os.path.join(d, "db.sqlite"))
        try:
            for c in CHECKS:
                name = c.__name__[len("check_"):]
                if only and name not in only:
                    continue
                try:
                    c(s)
                    print("%s: pass" % name)
                except (Check, KeyError, TypeError, AttributeError) as e:
                    failed += 1
                    print("%s: FAIL %s" % (name, e))
        finally:
            s.stop()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
