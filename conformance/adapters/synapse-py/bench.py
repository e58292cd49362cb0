#!/usr/bin/python3
"""Harness overhead of the synapse-py adapter: the adapter's operation functions called directly in
one Python process vs requests/s through `mxtrust client` (the JSON-lines protocol, pipelined).

  /usr/bin/python3 conformance/adapters/synapse-py/bench.py MXTRUST [--copies K] [--rounds N]
                                                               [--family F]...

Both sides handle the same vectors: those of CJSON, SIG and BK-FMT whose operation the adapter
declares, repeated K times (ids renamed), best of N rounds. The protocol rate is measured on the run
phase mxtrust reports (adapter start included); the adapter's start and stop alone is measured too
and the rate without it printed beside.
"""
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def load_adapter():
    spec = importlib.util.spec_from_file_location("synapse_py_adapter", os.path.join(HERE, "adapter.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def args(argv):
    o = {"mxtrust": None, "copies": 20, "rounds": 5, "families": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--copies", "--rounds"):
            o[a[2:]] = int(argv[i + 1])
            i += 2
        elif a == "--family":
            o["families"].append(argv[i + 1])
            i += 2
        elif o["mxtrust"] is None:
            o["mxtrust"] = os.path.abspath(a)
            i += 1
        else:
            raise SystemExit("unknown argument %s\n%s" % (a, __doc__))
    if not o["mxtrust"]:
        raise SystemExit(__doc__)
    o["families"] = o["families"] or ["CJSON", "SIG", "BK-FMT"]
    return o


def main():
    o = args(sys.argv[1:])
    ad = load_adapter()
    docs, mine = {}, []
    for fam in o["families"]:
        with open(os.path.join(REPO, "vectors", fam + ".json"), encoding="utf-8") as f:
            docs[fam] = json.load(f)
        docs[fam]["vectors"] = [v for v in docs[fam]["vectors"] if v["op"] in ad.OPERATIONS]
        mine += docs[fam]["vectors"]
    n = len(mine) * o["copies"]

    # direct: the function the adapter calls for each request, in this process
    direct, direct_cpu = 0.0, float("inf")
    for _ in range(o["rounds"]):
        t, c = time.perf_counter(), time.process_time()
        for _k in range(o["copies"]):
            for v in mine:
                ad.OPERATIONS[v["op"]](v["input"])
        direct = max(direct, n / (time.perf_counter() - t))
        direct_cpu = min(direct_cpu, (time.process_time() - c) / n)

    adapter = "exec /usr/bin/python3 %s" % os.path.relpath(os.path.join(HERE, "adapter.py"), REPO)
    with tempfile.TemporaryDirectory(prefix="mxt-py-bench-") as tmp:
        vdir, idle = os.path.join(tmp, "v"), os.path.join(tmp, "idle")
        os.mkdir(vdir)
        os.mkdir(idle)
        for fam, doc in docs.items():
            for k in range(o["copies"]):
                d = dict(doc, vectors=[dict(v, id="%s.r%d" % (v["id"], k)) for v in doc["vectors"]],
                         count=len(doc["vectors"]))
                with open(os.path.join(vdir, "%s.r%d.json" % (fam, k)), "w") as f:
                    json.dump(d, f)
        # the adapter's start and stop alone: one vector of an operation it does not declare
        with open(os.path.join(REPO, "vectors", "BK-BETTER.json"), encoding="utf-8") as f:
            other = json.load(f)
        other["vectors"], other["count"] = other["vectors"][:1], 1
        with open(os.path.join(idle, "idle.json"), "w") as f:
            json.dump(other, f)
        report = os.path.join(tmp, "report.json")

        cpu_file = os.path.join(tmp, "adapter.cpu")
        env = dict(os.environ, MXT_ADAPTER_CPU_FILE=cpu_file)

        def client(d):
            """The report, the adapter's CPU seconds and the harness's (mxtrust client)."""
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run([o["mxtrust"], "client", "--adapter", adapter, "--vectors", d, "--quiet",
                            "--json", report], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                           check=False)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            with open(report, encoding="utf-8") as f:
                rep = json.load(f)
            with open(cpu_file) as f:
                acpu = float(f.read())
            both = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            return rep, acpu, max(both - acpu, 0.0)

        startup, idle_cpu, idle_h = float("inf"), float("inf"), float("inf")
        for _ in range(o["rounds"]):
            rep, acpu, hcpu = client(idle)
            startup = min(startup, rep["seconds"])
            idle_cpu, idle_h = min(idle_cpu, acpu), min(idle_h, hcpu)
        proto, proto_cpu, harness_cpu = 0.0, float("inf"), float("inf")
        for _ in range(o["rounds"]):
            rep, acpu, hcpu = client(vdir)
            proto_cpu = min(proto_cpu, (acpu - idle_cpu) / n)
            harness_cpu = min(harness_cpu, (hcpu - idle_h) / n)
            sent = sum(1 for v in rep["vectors"] if v["verdict"] in ("pass", "fail", "skip"))
            bad = rep["totals"]["error"] + rep["totals"]["not-run"]
            if sent != n or bad:
                raise SystemExit("protocol run: %d of %d vectors answered, %d errors/not-run" %
                                 (sent, n, bad))
            proto = max(proto, n / rep["seconds"])

    print("-- %s: %d vectors x%d, best of %d rounds" % ("+".join(o["families"]), len(mine),
                                                       o["copies"], o["rounds"]))
    print("  direct   %8.0f ops/s (adapter functions in one process)" % direct)
    print("  protocol %8.0f req/s (mxtrust client, run phase incl. adapter start)" % proto)
    print("  ratio    %.3f (overhead %.1f%%; %.1f us per call direct, %.1f us per request)" %
          (proto / direct, (1 - proto / direct) * 100, 1e6 / direct, 1e6 / proto))
    steady = n / (n / proto - startup)
    print("  adapter start+stop %.0f ms (best); without it: %.0f req/s, ratio %.3f" %
          (startup * 1000, steady, steady / direct))
    # CPU time does not depend on what else the machine runs: the adapter's own cost per request
    # (its start, imports and handshake subtracted) against the same work called directly.
    print("  CPU      direct %.1f us/op; adapter %.1f us/request (ratio %.3f, protocol handling "
          "%.1f%% of the adapter's CPU); mxtrust client %.1f us/request on its own core" %
          (direct_cpu * 1e6, proto_cpu * 1e6, direct_cpu / proto_cpu,
           (1 - direct_cpu / proto_cpu) * 100, harness_cpu * 1e6))


if __name__ == "__main__":
    main()
