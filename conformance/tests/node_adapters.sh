#!/usr/bin/env bash
# The npm adapters (conformance/adapters/rust-sdk-wasm, another-json) keep the protocol whatever
# they are sent: the hello declares exactly the operations they answer; a request with inputs of
# the wrong types, a line that is not JSON and an unknown operation are answered (error /
# ignored / unsupported) without ending the process, and the real vectors sent after them get
# the answers a fresh process gives; pipelined (window 64) and one-at-a-time (window 1) runs give
# the same verdicts. Library results themselves are checked by results_check.
# The adapters' node_modules come from ci/setup (npm ci); missing ones fail unless
# MXT_RESULTS_ALLOW_MISSING=1 (then they are skipped).
source "$(dirname "$0")/runner_lib.bash"
cd "$MXT_SRC"

check_adapter() { # NAME FAMILY...: the adapter and the vector families to drive it with
  local name=$1; shift
  local dir=conformance/adapters/$name
  if ! command -v node >/dev/null || [ ! -d "$dir/node_modules" ]; then
    [ "${MXT_RESULTS_ALLOW_MISSING:-0}" = 1 ] && { echo "node_adapters: $name not installed, skipped"; return 0; }
    fail "$name: node or $dir/node_modules missing (ci/setup installs them)"
  fi

  # 1. A hostile stream, then the real vectors, in one process; the same vectors in a fresh one.
  $PY - "$T/$name" "$@" <<'PY' || fail "$name: cannot write the request streams"
import json, sys
out, families = sys.argv[1], sys.argv[2:]
real = []
for f in families:
    for v in json.load(open("vectors/%s.json" % f))["vectors"]:
        real.append({"type": "request", "id": v["id"], "op": v["op"], "input": v["input"]})
hello = {"type": "hello", "protocol": 1}
bad = []
per_op = {}
for r in real:                                                # three of every operation
    per_op.setdefault(r["op"], [])
    if len(per_op[r["op"]]) < 3:
        per_op[r["op"]].append(r)
for r in [r for rs in per_op.values() for r in rs]:
    junk = {k: [1, {"x": None}] for k in r["input"]}          # every member the wrong type
    bad.append({"type": "request", "id": "junk-%d" % len(bad), "op": r["op"], "input": junk})
bad.append({"type": "request", "id": "empty", "op": real[0]["op"], "input": {}})
bad.append({"type": "request", "id": "no-such-op", "op": "no_such_op", "input": {}})
lines = [json.dumps(hello)] + [json.dumps(b) for b in bad[:20]] + ["this is not JSON"] + \
    [json.dumps(b) for b in bad[20:]] + [json.dumps(r) for r in real]
open(out + ".hostile", "w").write("\n".join(lines) + "\n")
open(out + ".fresh", "w").write("\n".join([json.dumps(hello)] + [json.dumps(r) for r in real]) + "\n")
PY
  node "$dir/adapter.mjs" <"$T/$name.hostile" >"$T/$name.hostile.out" 2>"$T/$name.hostile.err" ||
    fail "$name: the adapter exited with status $? on the hostile stream: $(tail -3 "$T/$name.hostile.err")"
  node "$dir/adapter.mjs" <"$T/$name.fresh" >"$T/$name.fresh.out" 2>"$T/$name.fresh.err" ||
    fail "$name: the adapter exited with status $? on the real vectors"
  $PY - "$T/$name" <<'PY' || fail "$name: protocol check"
import json, sys
base = sys.argv[1]
def answers(path):
    lines = [json.loads(l) for l in open(path)]
    assert lines and lines[0].get("type") == "hello", "first line is not the hello: %r" % lines[:1]
    return lines[0], {m["id"]: m for m in lines[1:]}
hello, hostile = answers(base + ".hostile.out")
_, fresh = answers(base + ".fresh.out")
ops = set(hello["operations"])
reqs = [json.loads(l) for l in open(base + ".hostile") if l.startswith("{")]
reqs = [r for r in reqs if r.get("type") == "request"]
assert len(hostile) == len(reqs), "%d answers for %d requests" % (len(hostile), len(reqs))
for r in reqs:
    a = hostile[r["id"]]
    assert a.get("type") == "response", a
    if r["op"] not in ops:
        assert a.get("unsupported") is True, ("undeclared op answered", a)
    elif r["id"].startswith("junk-"):
        assert a.get("result") == "error" or a.get("unsupported"), ("wrong-typed input decided", a)
answered = {r["op"] for r in reqs if r["op"] in ops}
assert answered == ops, "declared but never exercised here: %s" % sorted(ops - answered)
for rid, a in fresh.items():
    b = hostile[rid]
    key = lambda m: (m.get("result"), m.get("output"), bool(m.get("unsupported")))
    assert key(a) == key(b), "%s: fresh %r, after the hostile requests %r" % (rid, a, b)
print("  %d requests, %d real vectors answered as in a fresh process" % (len(reqs), len(fresh)))
PY

  # 2. Through the harness: window 1 and the default window give the same verdicts.
  for w in 1 64; do
    "$MXT_BIN" client --adapter "exec node $dir/adapter.mjs" --vectors "vectors/$1.json" --window $w \
      --quiet --json "$T/$name.w$w.json" >/dev/null 2>&1 || true
    [ -s "$T/$name.w$w.json" ] || fail "$name: no report with --window $w"
    [ "$(count "$T/$name.w$w.json" error)" = 0 ] || fail "$name: errors with --window $w"
  done
  diff <(verdicts "$T/$name.w1.json") <(verdicts "$T/$name.w64.json") >/dev/null ||
    fail "$name: --window 1 and --window 64 disagree"
  echo "node_adapters: $name ok"
}

check_adapter another-json CJSON BK-FMT
check_adapter rust-sdk-wasm BK-TRUST XS BK-FMT SD
echo "node_adapters: ok"
