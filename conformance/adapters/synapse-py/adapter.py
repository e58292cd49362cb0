#!/usr/bin/python3
"""mxtrust adapter (conformance/ADAPTER.md) for the Python libraries Synapse builds on.

Implementation under test: Debian's python3-canonicaljson, python3-signedjson, python3-olm and
python3-nacl, used the way a Python homeserver or bot uses them. Run it with the system
interpreter (/usr/bin/python3): those packages live in Debian's dist-packages.

Operations:
  canonical_json  the request text is read with Python's json module the way Synapse reads a
                  request body (strict UTF-8, NaN/Infinity refused), then encoded with
                  canonicaljson.encode_canonical_json. Profile "normalise" is declined:
                  canonicaljson has a single behaviour and never normalises numbers.
  verify_json     signedjson.key.decode_verify_key_bytes + signedjson.sign.verify_signed_json.
                  Its SignatureVerifyException messages give the decision ("No signatures" and
                  "Missing signature" -> missing, "Invalid signature base64" -> malformed,
                  "Unable to verify" -> invalid); any other exception the libraries raise
                  (a signatures member that is not an object, an unknown key algorithm, a
                  document that is not JSON) is a refusal of the input's shape -> malformed.
  backup_decrypt  olm.pk.PkDecryption (libolm's pk decryption, the m.megolm_backup.v1 cipher)
                  holding the vector's private key, olm.pk.PkMessage(ephemeral, mac, ciphertext).

Everything else is declared unsupported: these libraries do not express it.
Usage: mxtrust client --adapter 'exec /usr/bin/python3 conformance/adapters/synapse-py/adapter.py'
"""
import base64
import json
import os
import sys
import time

import canonicaljson
import nacl
import olm
import signedjson
import signedjson.key
import signedjson.sign
import olm.pk
from olm.pk import PkDecryption, PkDecryptionError, PkMessage
from unpaddedbase64 import decode_base64

NAME = "synapse-py"


def _dist_version(module, dist):
    """The installed version of a distribution, read from the name of its metadata directory
    beside the module (importlib.metadata scans every distribution: tens of ms at start)."""
    site = os.path.dirname(os.path.dirname(os.path.abspath(module.__file__)))
    for entry in os.listdir(site):
        if entry.startswith(dist + "-") and entry.endswith((".egg-info", ".dist-info")):
            return entry[len(dist) + 1:].rsplit(".", 1)[0].split("-")[0]
    return "?"


def _lib_versions():
    return "canonicaljson %s, signedjson %s, python-olm %s, pynacl %s" % (
        getattr(canonicaljson, "__version__", "?"),
        getattr(signedjson, "__version__", None) or _dist_version(signedjson, "signedjson"),
        _dist_version(olm, "python_olm"),
        getattr(nacl, "__version__", "?"))


def _reject_constant(name):
    raise ValueError("invalid JSON constant %s" % name)


# How Synapse reads JSON from the wire: the standard decoder without NaN/Infinity.
JSON_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _text_input(inp):
    """The JSON text of a request: (text, None) or (None, outcome)."""
    if "json_b64" in inp:
        raw = inp["json_b64"]
        try:
            data = base64.b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            return None, {"result": "error", "message": "input.json_b64: not base64"}
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError as e:
            return None, {"result": "reject", "reason": "UnicodeDecodeError", "message": str(e)[:200]}
    text = inp.get("json")
    if not isinstance(text, str):
        return None, {"result": "error", "message": "input.json: missing"}
    return text, None


def op_canonical_json(inp):
    profile = inp.get("profile", "strict")
    if profile != "strict":
        return {"unsupported": True,
                "why": "canonicaljson has one profile; it does not normalise numbers"}
    text, bad = _text_input(inp)
    if bad:
        return bad
    try:
        value = JSON_DECODER.decode(text)
        out = canonicaljson.encode_canonical_json(value)
    except (ValueError, TypeError, UnicodeEncodeError, RecursionError) as e:
        return {"result": "reject", "reason": type(e).__name__, "message": str(e)[:200]}
    return {"result": "ok", "output": out.decode("utf-8")}


def op_verify_json(inp):
    for member in ("json", "user", "key_id", "public_key"):
        if not isinstance(inp.get(member), str):
            return {"result": "error", "message": "input.%s: missing" % member}
    try:
        key_bytes = decode_base64(inp["public_key"])
    except Exception:
        return {"result": "error", "message": "input.public_key: not base64"}
    if len(key_bytes) != 32:
        return {"result": "error", "message": "input.public_key: not 32 bytes"}
    try:
        obj = JSON_DECODER.decode(inp["json"])
        key = signedjson.key.decode_verify_key_bytes(inp["key_id"], key_bytes)
        signedjson.sign.verify_signed_json(obj, inp["user"], key)
    except signedjson.sign.SignatureVerifyException as e:
        msg = str(e)
        if msg.startswith("No signatures") or msg.startswith("Missing signature"):
            word = "missing"
        elif msg.startswith("Invalid signature base64"):
            word = "malformed"
        else:
            word = "invalid"
        return {"result": word, "reason": "SignatureVerifyException", "message": msg[:200]}
    except Exception as e:  # the libraries refused the input's shape
        return {"result": "malformed", "reason": type(e).__name__, "message": str(e)[:200]}
    return {"result": "valid"}


def _pk_decryption(private_key):
    """A PkDecryption holding a given private key. python-olm only offers random keys or pickles,
    so the key is installed with libolm's own olm_pk_key_from_private through the binding's ffi."""
    dec = PkDecryption()
    ffi, lib = olm.pk.ffi, olm.pk.lib
    priv = ffi.new("char[]", private_key)
    key_len = lib.olm_pk_key_length()
    pub = ffi.new("char[]", key_len)
    ret = lib.olm_pk_key_from_private(dec._pk_decryption, pub, key_len, priv, len(private_key))
    dec._check_error(ret)
    dec.public_key = ffi.unpack(pub, key_len).decode("ascii")
    return dec


def op_backup_decrypt(inp):
    if not isinstance(inp.get("private_key"), str) or not isinstance(inp.get("session_data"), str):
        return {"result": "error", "message": "input.private_key or input.session_data: missing"}
    try:
        private_key = decode_base64(inp["private_key"])
    except Exception:
        return {"result": "error", "message": "input.private_key: not base64"}
    if len(private_key) != 32:
        return {"result": "error", "message": "input.private_key: not 32 bytes"}
    try:
        sd = JSON_DECODER.decode(inp["session_data"])
        msg = PkMessage(sd["ephemeral"], sd["mac"], sd["ciphertext"])
    except (ValueError, KeyError, TypeError) as e:
        return {"result": "reject", "reason": type(e).__name__, "message": str(e)[:200]}
    try:
        plain = _pk_decryption(private_key).decrypt(msg)
    except PkDecryptionError as e:
        return {"result": "reject", "reason": str(e)[:80]}
    except (TypeError, ValueError) as e:
        return {"result": "reject", "reason": type(e).__name__, "message": str(e)[:200]}
    return {"result": "ok", "output": plain}


OPERATIONS = {
    "canonical_json": op_canonical_json,
    "verify_json": op_verify_json,
    "backup_decrypt": op_backup_decrypt,
}


def answer(msg):
    kind = msg.get("type") if isinstance(msg, dict) else None
    if kind == "hello":
        return {"type": "hello", "protocol": 1,
                "implementation": {"name": NAME, "version": _lib_versions()},
                "operations": sorted(OPERATIONS)}
    if kind != "request":
        return {"type": "response", "id": msg.get("id") if isinstance(msg, dict) else None,
                "result": "error", "message": "not a hello or request message"}
    fn = OPERATIONS.get(msg.get("op"))
    if fn is None:
        out = {"unsupported": True, "why": "these libraries do not implement %s" % msg.get("op")}
    else:
        inp = msg.get("input")
        try:
            out = fn(inp if isinstance(inp, dict) else {})
        except Exception as e:  # a bug here, not a decision of the libraries: say so, go on
            out = {"result": "error", "message": "adapter: %s: %s" % (type(e).__name__, e)}
    return {"type": "response", "id": msg.get("id"), **out}


ENCODE = json.JSONEncoder(separators=(",", ":")).encode


def main():
    # Read what is there, answer every complete line, write the answers in one go, then block
    # for more: answers are flushed whenever no complete request is waiting (ADAPTER.md).
    pending = b""
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        pending += chunk
        lines = pending.split(b"\n")
        pending = lines.pop()
        lines = [ln for ln in lines if ln.strip()]
        try:  # one decoder call for the whole burst; line by line when one of them is bad
            msgs = json.loads(b"[" + b",".join(lines) + b"]")
        except ValueError:
            msgs = []
            for line in lines:
                try:
                    msgs.append(json.loads(line))
                except ValueError:
                    print("adapter: not JSON: %r" % line[:120], file=sys.stderr)
        out = [ENCODE(answer(msg)) for msg in msgs]
        if out:
            data = ("\n".join(out) + "\n").encode("utf-8")
            while data:
                n = os.write(1, data)
                data = data[n:]
    if pending.strip():
        sys.stdout.write(ENCODE(answer(json.loads(pending))) + "\n")
        sys.stdout.flush()
    usage_file = os.environ.get("MXT_ADAPTER_CPU_FILE")
    if usage_file:  # for bench.py: this process's CPU seconds, written at exit
        with open(usage_file, "w") as f:
            f.write("%.6f\n" % time.process_time())


if __name__ == "__main__":
    main()
