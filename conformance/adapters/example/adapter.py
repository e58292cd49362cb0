#!/usr/bin/python3
"""Example mxtrust adapter (conformance/ADAPTER.md): Python's json module as the implementation.

Declares one operation, canonical_json, and answers it the way a typical Python application would
canonicalise: json.loads, then json.dumps with sorted keys, compact separators and raw UTF-8.
It fails some vectors (Python keeps the last of duplicate keys, accepts out-of-range integers,
floats and lone surrogates): showing that is what the conformance run is for.
Standard library only. Usage: mxtrust client --adapter 'python3 conformance/adapters/example/adapter.py'
"""
import base64
import json
import sys

OPERATIONS = ["canonical_json"]


def canonical_json(inp):
    if "json_b64" in inp:
        try:
            text = base64.b64decode(inp["json_b64"] + "=" * (-len(inp["json_b64"]) % 4)).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as e:
            return {"result": "reject", "reason": type(e).__name__, "message": str(e)}
    elif isinstance(inp.get("json"), str):
        text = inp["json"]
    else:
        return {"result": "error", "message": "input.json: missing"}
    try:
        value = json.loads(text)
        out = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        out.encode("utf-8")  # lone surrogates cannot be encoded: a rejection
    except (ValueError, UnicodeEncodeError, RecursionError) as e:
        return {"result": "reject", "reason": type(e).__name__, "message": str(e)[:200]}
    return {"result": "ok", "output": out}


def main():
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("type") == "hello":
            answer = {"type": "hello", "protocol": 1,
                      "implementation": {"name": "python-json", "version": sys.version.split()[0]},
                      "operations": OPERATIONS}
        elif msg.get("type") == "request":
            if msg.get("op") == "canonical_json":
                answer = canonical_json(msg.get("input") or {})
            else:
                answer = {"unsupported": True, "why": "operation not implemented"}
            answer = {"type": "response", "id": msg.get("id"), **answer}
        else:
            print("adapter: ignoring message of type %r" % msg.get("type"), file=sys.stderr)
            continue
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
