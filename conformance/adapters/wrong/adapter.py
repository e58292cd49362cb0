#!/usr/bin/python3
"""A deliberately wrong mxtrust adapter, to show what `mxtrust fuzz` finds (conformance/FUZZ.md).

It serves the built-in core (`mxtrust adapter`, started as a child process: $MXT_BIN or the first
argument, default `mxtrust` on PATH) and passes every request through, except for two planted
bugs, each a mistake real implementations have made:

  verify_json  a signature that fails is tried again with each bit of its last byte flipped; if
               one of those verifies, the adapter answers "valid" (a comparison that ignores part
               of the last byte). Mutating a valid signature's last byte is how the fuzzer finds it.
  better_key   the "any single field is better" replacement rule (Synapse issue 13704) instead
               of the lexicographic order of BK-BETTER-002.

Usage: mxtrust fuzz --adapter 'exec python3 conformance/adapters/wrong/adapter.py build/mxtrust'
Standard library only.
"""
import base64
import json
import os
import subprocess
import sys


class Core:
    """The built-in core over the adapter protocol, one request at a time."""

    def __init__(self, binary):
        self.p = subprocess.Popen([binary, "adapter"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.n = 0
        hello = self.ask({"type": "hello", "protocol": 1})
        self.operations = hello.get("operations", [])
        self.version = hello.get("implementation", {}).get("version", "?")

    def ask(self, msg):
        self.p.stdin.write(json.dumps(msg) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise SystemExit("wrong adapter: the core adapter exited")
        return json.loads(line)

    def run(self, op, inp):
        self.n += 1
        ans = self.ask({"type": "request", "id": "inner-%d" % self.n, "op": op, "input": inp})
        ans.pop("type", None)
        ans.pop("id", None)
        return ans


def b64d(s):
    return base64.b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.b64encode(b).decode("ascii").rstrip("=")


def verify_json(core, inp):
    ans = core.run("verify_json", inp)
    if ans.get("result") != "invalid":
        return ans
    # The planted bug: "close enough" in the last byte of the signature.
    try:
        obj = json.loads(inp["json"])
        sigs = obj["signatures"][inp["user"]]
        sig = bytearray(b64d(sigs[inp["key_id"]]))
    except (KeyError, TypeError, ValueError):
        return ans
    for bit in range(8):
        variant = bytearray(sig)
        variant[-1] ^= 1 << bit
        sigs[inp["key_id"]] = b64e(bytes(variant))
        again = core.run("verify_json", dict(inp, json=json.dumps(obj)))
        if again.get("result") == "valid":
            return {"result": "valid", "message": "last byte close enough"}
    return ans


def better_key(core, inp):
    stored, up = inp.get("stored"), inp.get("uploaded")
    ans = core.run("better_key", inp)
    if ans.get("result") == "error" or stored is None:
        return ans
    # The planted bug: replace when any single field is better.
    try:
        better = ((up["is_verified"] and not stored["is_verified"])
                  or up["first_message_index"] < stored["first_message_index"]
                  or up["forwarded_count"] < stored["forwarded_count"])
    except (KeyError, TypeError):
        return ans
    return {"result": "replace" if better else "keep"}


PLANTED = {"verify_json": verify_json, "better_key": better_key}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MXT_BIN", "mxtrust")
    core = Core(binary)
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "hello":
            answer = {"type": "hello", "protocol": 1,
                      "implementation": {"name": "wrong-example", "version": core.version},
                      "operations": core.operations}
        elif msg.get("type") == "request":
            op, inp = msg.get("op"), msg.get("input") or {}
            answer = PLANTED[op](core, inp) if op in PLANTED else core.run(op, inp)
            answer = {"type": "response", "id": msg.get("id"), **answer}
        else:
            continue
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
