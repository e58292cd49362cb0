#!/usr/bin/env python3
"""Writes a seed corpus per fuzz target, derived from vectors/*.json, into OUT/<target>/.

Usage: fuzz/seeds.py [OUT]   (default build-fuzz/seeds). Each seed is one input in the format its
harness reads (see the comment at the top of fuzz/fuzz_<target>.c). Nothing here is committed:
the corpora are regenerated from the vectors, which are themselves generated.
"""
import glob, hashlib, json, os, struct, sys

src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(src, "build-fuzz", "seeds")
seeds = {}


MAX_SEED = 8192   # larger vector inputs add little and slow AFL's calibration


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:16]] = data


def vectors(family):
    with open(os.path.join(src, "vectors", family + ".json")) as f:
        return json.load(f)["vectors"]


def json_texts(value):
    """Every string in a vector input that holds a JSON document."""
    if isinstance(value, dict):
        for v in value.values():
            yield from json_texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_texts(v)
    elif isinstance(value, str) and value[:1] in "{[":
        try:
            json.loads(value)
            yield value
        except ValueError:
            pass


def rank_bytes(r):
    # fz_u32_small: a selector byte >= 0xF0 then 4 big-endian bytes gives the full value
    r = r or {}
    b = bytes([1 if r.get("is_verified") else 0])
    for k in ("first_message_index", "forwarded_count"):
        b += bytes([0xF0]) + struct.pack(">I", r.get(k, 0) & 0xFFFFFFFF)
    return b


for fam in ("CJSON", "SIG", "XS", "BK-FMT", "SKB", "BK-TRUST", "SD"):
    for v in vectors(fam):
        for text in json_texts(v["input"]):
            add("fuzz_json", text)
            add("fuzz_canon", b"\x00" + text.encode())
            add("fuzz_canon", b"\x01" + text.encode())
            if fam in ("SIG", "XS", "BK-TRUST", "SD"):
                add("fuzz_signed_json", text)
            if fam in ("BK-FMT", "SKB"):
                add("fuzz_session_data", text)
        inp = v["input"]
        if v["op"] == "cross_signing_key":
            role = {"master": 0, "self_signing": 1, "user_signing": 2}.get(inp.get("usage"), 0)
            add("fuzz_xs", bytes([role, 0x0A, 0x05]) + inp["user_id"].encode() + b"\n" + inp["json"].encode())
        if v["op"] in ("recovery_key_decode",):
            add("fuzz_recovery_key", inp["recovery_key"])
        if v["op"] == "recovery_key_encode":
            add("fuzz_recovery_key", bytes.fromhex(inp["hex"]))
        if fam == "SIG":
            for k in ("public_key",):
                if k in inp:
                    add("fuzz_b64", inp[k])
        if v["op"] == "verify_json":
            try:
                for user in json.loads(inp["json"]).get("signatures", {}).values():
                    for sig in user.values():
                        if isinstance(sig, str):
                            add("fuzz_b64", sig)
            except (ValueError, AttributeError):
                pass

for v in vectors("BK-BETTER"):
    inp = v["input"]
    if v["op"] == "better_key":
        add("fuzz_bk_better", rank_bytes(inp["stored"]) + rank_bytes(inp["uploaded"]) + rank_bytes(inp["stored"]))
    elif v["op"] == "better_key_sequence":
        u = inp["uploads"]
        if len(u) >= 3:
            add("fuzz_bk_better", b"".join(rank_bytes(x) for x in u[:3]))

SD_KIND = {"unknown_device": 0, "device_info": 1, "verification_violation": 2,
           "sender_unverified": 3, "sender_verified": 4}
for v in vectors("SD"):
    inp = v["input"]
    sd = inp.get("sender_data") or inp.get("stored") or inp.get("old")
    if isinstance(sd, dict) and sd.get("kind") in SD_KIND:
        k = SD_KIND[sd["kind"]] | (8 if sd.get("legacy_session") else 0) | (16 if sd.get("owner_check_failed") else 0)
        add("fuzz_sd", bytes([0x12, 0x00, k, k, 0x06, 0x00]))

# Fact-based targets without a one-to-one vector encoding: a spread of small byte strings.
for i in range(64):
    h = hashlib.sha256(b"mxtrust-seed-%d" % i).digest()
    add("fuzz_bk_trust", h[: 3 + (i % 17)])
    add("fuzz_sd", h[:8])
    add("fuzz_xs", bytes([i % 3, h[0], h[1]]) + b"@u:example.org\n{}")
add("fuzz_b64", b"")
add("fuzz_b64", b"YWJj")
add("fuzz_b64", b"YWI=")

for target, items in seeds.items():
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):          # exactly this run's seeds, nothing left from earlier runs
        os.remove(os.path.join(d, old))
    for name, data in items.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
print("fuzz/seeds.py: " + ", ".join("%s %d" % (t, len(i)) for t, i in sorted(seeds.items())) + " -> " + out)
