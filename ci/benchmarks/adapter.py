#!/usr/bin/python3
"""Benchmark (not a test): `mxtrust run` (in-process) against `mxtrust client` driving the same
binary's built-in adapter over the JSON-lines protocol (conformance/ADAPTER.md).

usage: adapter.py MXTRUST [--rounds N] [--copies K] [--client-args 'ARGS'] [--vectors DIR]

Two vector sets: vectors/ as it is, and a larger one where every file is repeated K times (ids
renamed "<id>.rK", the loader wants unique ids). Each set runs N times per command, alternating,
and the best and median rates are printed:
  run phase   vectors / the report's "seconds" (from the first vector to the last answer,
              including the adapter's start and stop; not the loading of the files)
  wall        vectors / wall time of the whole command (loading and reports included)
  cpu         vectors / CPU time (user + sys) of the command and its children (the adapter):
              the rate a fully loaded machine would give, where the adapter's second core does
              not help
ratio = client / run; the target for the adapter path is >= 0.8. The machine is shared: compare
best-of figures (the least disturbed rounds) and look at the spread of the medians.
"""
import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def one(cmd, report):
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    p = subprocess.run(cmd + ["--quiet", "--json", report], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    wall = time.monotonic() - t
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    r = json.load(open(report))
    n = r["totals"]["total"]
    bad = r["totals"]["error"] + r["totals"]["not-run"]
    if bad:
        sys.exit("benchmark run had %d errors/not-run: %s\n%s" % (bad, cmd, p.stderr.decode()))
    return n, r["seconds"], wall, cpu, r["totals"]


def repeated(src, dst, copies):
    for name in sorted(os.listdir(src)):
        if not name.endswith(".json") or name == "schema.json":
            continue
        doc = json.load(open(os.path.join(src, name)))
        if not isinstance(doc, dict) or "vectors" not in doc:
            continue
        for k in range(copies):
            d = dict(doc)
            d["vectors"] = [dict(v, id="%s.r%d" % (v["id"], k)) for v in doc["vectors"]]
            if "count" in d:
                d["count"] = len(d["vectors"])
            with open(os.path.join(dst, "%s.r%d.json" % (name[:-5], k)), "w") as f:
                json.dump(d, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mxtrust")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--client-args", default="")
    ap.add_argument("--vectors", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                      "vectors"))
    a = ap.parse_args()
    exe = os.path.abspath(a.mxtrust)
    tmp = tempfile.mkdtemp(prefix="mxt-bench-")
    try:
        big = os.path.join(tmp, "vectors")
        os.mkdir(big)
        repeated(a.vectors, big, a.copies)
        sets = [("vectors/", os.path.abspath(a.vectors)), ("vectors/ x%d" % a.copies, big)]
        run = [exe, "run"]
        client = [exe, "client", "--adapter", "exec %s adapter" % shlex.quote(exe)] + \
            shlex.split(a.client_args)
        for label, vec in sets:
            res = {"run": [], "client": []}
            totals = {}
            for _ in range(a.rounds):
                for name, cmd in (("run", run), ("client", client)):
                    n, secs, wall, cpu, tot = one(cmd + ["--vectors", vec],
                                                  os.path.join(tmp, "r.json"))
                    res[name].append((n / secs, n / wall, n / max(cpu, 1e-6)))
                    totals[name] = tot
            if totals["run"] != totals["client"]:
                sys.exit("run and client totals differ: %s / %s" % (totals["run"], totals["client"]))
            n = totals["run"]["total"]
            print("-- %s: %d vectors, %d rounds (client %s)" %
                  (label, n, a.rounds, a.client_args or "default options"))
            for i, what in ((0, "run phase"), (1, "wall     "), (2, "cpu      ")):
                rr = [x[i] for x in res["run"]]
                cc = [x[i] for x in res["client"]]
                print("  %s  run %8.0f vec/s (median %8.0f)   client %8.0f vec/s (median %8.0f)"
                      "   ratio best %.2f median %.2f" %
                      (what, max(rr), statistics.median(rr), max(cc), statistics.median(cc),
                       max(cc) / max(rr), statistics.median(cc) / statistics.median(rr)))
    finally:
        shutil.rmtree(tmp)


main()
