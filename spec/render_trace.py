#!/usr/bin/env python3
"""Renders spec/TRACEABILITY.md: for every rule in spec/rules.json, its ACSL formalisation, the
core function that implements it, the vectors that exercise it (with the distinct outcomes they
expect, so a rule covered only by passing or only by failing cases shows), and the conformance
check that runs them.

It also shows the server suite (`mxtrust server`): for each rule, the scenarios that check it
(parsed from the `mxt_srv_scenario` tables in conformance/lib/server_*.c) and the mutants of the
reference server that break it (parsed from conformance/refserver/MUTANTS.md). A server rule
checked by a scenario (the reference server passes it) and named by a mutant (which
conformance/tests/server_mutants.sh requires the suite to fail on that rule) is covered both
ways; the trace lists the server rules that no mutant breaks.

    spec/render_trace.py            write spec/TRACEABILITY.md
    spec/render_trace.py --check    exit 1 if the file is stale, or if a rule lacks a
                                    formalisation, an implementation or a conformance check and
                                    gives no reason (a "pending" entry counts as lacking), if a
                                    rule whose conformance is "server-suite" has no scenario, or a
                                    scenario or mutant names an unknown rule

A scenario table or the mutant table that cannot be parsed is an error in both modes (exit 2):
the trace never silently loses the server suite.

Standard library only; paths are relative to the repository root."""
import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_rules():
    with open(os.path.join(ROOT, "spec", "rules.json"), encoding="utf-8") as f:
        return json.load(f)["rules"]


def load_vectors():
    """rule id -> list of (vector id, op, expected result word, expected output as JSON)."""
    by_rule = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "vectors", "*.json"))):
        if path.endswith("schema.json"):
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for v in doc.get("vectors", []):
            word = v.get("expected", {}).get("result", "?")
            out = json.dumps(v.get("expected", {}).get("output"), sort_keys=True)
            for r in v.get("rules", []):
                by_rule.setdefault(r, []).append((v["id"], v["op"], word, out))
    return by_rule


RULE_ID = r"[A-Z]+(?:-[A-Z]+)*-\d{3}"


class TableError(Exception):
    """A server scenario table or the mutant table is not in the expected format."""


def load_scenarios():
    """rule id -> list of scenario names, from every `const mxt_srv_scenario NAME[] = {...};`
    table in conformance/lib/server_*.c. Each entry starts {"NAME", "FAMILY", R("RULE", ...), ...
    Raises TableError when no table is found, or when a table holds an entry that does not parse
    (the number of entries opened with {" must equal the number parsed)."""
    by_rule, names = {}, []
    files = sorted(glob.glob(os.path.join(ROOT, "conformance", "lib", "server_*.c")))
    tables = 0
    for path in files:
        text = open(path, encoding="utf-8").read()
        rel = os.path.relpath(path, ROOT)
        for m in re.finditer(r"\bconst\s+mxt_srv_scenario\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\n\};",
                             text, re.S):
            tables += 1
            body = re.sub(r"/\*.*?\*/", " ", m.group(2), flags=re.S)
            opened = len(re.findall(r"\{\s*\"", body))
            entries = re.findall(r"\{\s*\"([^\"]+)\"\s*,\s*\"([^\"]+)\"\s*,\s*R\(([^)]*)\)", body)
            if not entries or len(entries) != opened:
                raise TableError(f"{rel}: table {m.group(1)}: {opened} entries opened, {len(entries)} "
                                 "parsed as {\"NAME\", \"FAMILY\", R(\"RULE\", ...), ...}")
            for name, _fam, rules in entries:
                ids = re.findall(r"\"([^\"]*)\"", rules)
                if not ids or re.sub(r"\"[^\"]*\"|[\s,]", "", rules):
                    raise TableError(f"{rel}: scenario {name}: R(...) is not a list of strings")
                names.append(name)
                for rid in ids:
                    by_rule.setdefault(rid, []).append(name)
    if tables == 0:
        raise TableError("no `const mxt_srv_scenario NAME[] = {...};` table found in "
                         "conformance/lib/server_*.c")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TableError("duplicate server scenario names: " + ", ".join(dup))
    return by_rule, names


def load_mutants():
    """rule id -> list of mutant names, from the table of conformance/refserver/MUTANTS.md whose
    header starts "| Mutant |" and ends "| Rules violated |". A rule counts when the last cell
    names it outside parentheses (the parenthesised text explains, and may mention rules the
    mutant does not break). Raises TableError when the table is missing or a row does not parse."""
    path = os.path.join(ROOT, "conformance", "refserver", "MUTANTS.md")
    if not os.path.exists(path):
        raise TableError("conformance/refserver/MUTANTS.md not found")
    lines = open(path, encoding="utf-8").read().splitlines()
    head = [i for i, l in enumerate(lines)
            if re.match(r"\|\s*Mutant\s*\|", l) and re.search(r"\|\s*Rules violated\s*\|\s*$", l)]
    if len(head) != 1:
        raise TableError("MUTANTS.md: expected one table with header '| Mutant | ... | Rules violated |'")
    ncols = lines[head[0]].strip().strip("|").count("|") + 1
    by_rule, names = {}, []
    for line in lines[head[0] + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`([a-z0-9-]+)`", cells[0])
        if len(cells) != ncols or not m:
            raise TableError(f"MUTANTS.md: row does not parse: {line[:80]}")
        outside = re.sub(r"\([^()]*\)", " ", cells[-1])
        rules = list(dict.fromkeys(re.findall(r"\b" + RULE_ID + r"\b", outside)))
        if not rules:
            raise TableError(f"MUTANTS.md: mutant {m.group(1)} names no rule")
        names.append(m.group(1))
        for rid in rules:
            by_rule.setdefault(rid, []).append(m.group(1))
    if not names:
        raise TableError("MUTANTS.md: the mutant table has no rows")
    return by_rule, names


def acsl_defined(name, file):
    path = os.path.join(ROOT, file)
    if not os.path.exists(path):
        return False
    text = open(path, encoding="utf-8").read()
    return re.search(r"\b(predicate|logic|lemma)\b[^;]*?\b" + re.escape(name) + r"\b", text) is not None


def core_defined(name):
    for h in glob.glob(os.path.join(ROOT, "core", "*.h")):
        if re.search(r"\b" + re.escape(name) + r"\s*\(", open(h, encoding="utf-8").read()):
            return True
    return False


def cell_formalisation(r, problems):
    f = r.get("formalisation", {})
    if "acsl" in f:
        names = [n.strip() for n in re.split(r"[,;]", f["acsl"]) if n.strip()]
        missing = [n for n in names if not acsl_defined(n, f.get("file", ""))]
        if missing:
            problems.append(f"{r['id']}: ACSL {', '.join(missing)} not found in {f.get('file')}")
        return f"`{f['acsl']}` ({f.get('file', '?')})"
    if "none" in f:
        return "none: " + f["none"]
    problems.append(f"{r['id']}: formalisation pending ({f.get('pending', 'no entry')})")
    return "**pending**: " + f.get("pending", "")


def cell_implementation(r, problems):
    i = r.get("implementation", {})
    if "core" in i:
        names = [n.strip() for n in re.split(r"[,;]", i["core"]) if n.strip()]
        missing = [n for n in names if not core_defined(n)]
        if missing:
            problems.append(f"{r['id']}: core function {', '.join(missing)} not declared in core/*.h")
        return "`" + i["core"] + "`"
    if "none" in i:
        return "none: " + i["none"]
    problems.append(f"{r['id']}: implementation pending ({i.get('pending', 'no entry')})")
    return "**pending**: " + i.get("pending", "")


def cell_vectors(r, vecs, mutants, problems):
    mine = vecs.get(r["id"], [])
    conf = r.get("conformance", "")
    if not mine:
        if conf.startswith("vectors"):
            problems.append(f"{r['id']}: conformance says {conf} but no vector cites the rule")
        return "none"
    outcomes = sorted({w for _, _, w, _ in mine})
    ops = sorted({o for _, o, _, _ in mine})
    note = ""
    if len(outcomes) == 1:
        extra = []
        outs = {out for _, _, _, out in mine}
        if len(outs) > 1:
            extra.append(f"{len(outs)} distinct outputs")
        if mutants.get(r["id"]):
            extra.append("failing side: mutant " + ", ".join(mutants[r["id"]]))
        note = " (one outcome only" + ("; " + "; ".join(extra) if extra else "") + ")"
    return f"{len(mine)} ({', '.join(ops)}; outcomes: {', '.join(outcomes)}){note}"


def cell_server(r, scen, mutants, problems):
    mine = scen.get(r["id"], [])
    muts = mutants.get(r["id"], [])
    if r.get("conformance", "").startswith("server-suite") and not mine:
        problems.append(f"{r['id']}: conformance says server-suite but no server scenario checks it")
    if not mine:
        return "none"
    cell = f"{len(mine)}: " + ", ".join(mine)
    if muts:
        return cell + "; broken by mutant " + ", ".join(muts) + " (both ways)"
    return cell + "; no mutant"


def cell_conformance(r, problems):
    c = r.get("conformance", "")
    if not c:
        problems.append(f"{r['id']}: no conformance entry")
        return "**missing**"
    if c.startswith("none") and ":" not in c:
        problems.append(f"{r['id']}: conformance 'none' without a reason")
    return c


def one_outcome(rid, vecs):
    return bool(vecs.get(rid)) and len({w for _, _, w, _ in vecs[rid]}) == 1


def render():
    rules = load_rules()
    vecs = load_vectors()
    scen, scen_names = load_scenarios()
    mutants, mutant_names = load_mutants()
    known = {r["id"] for r in rules}
    # A mutant counts for a rule only where a scenario checks the rule: that is where
    # server_mutants.sh requires the suite to fail the mutant on it.
    killed = {rid: ms for rid, ms in mutants.items() if rid in scen}
    problems = []
    out = []
    out.append("# Traceability: rule, formalisation, implementation, vectors, server suite, check\n")
    out.append("Generated by `spec/render_trace.py` from `spec/rules.json`, `spec/acsl/`, `core/*.h`, "
               "`vectors/*.json`, the server scenario tables (`conformance/lib/server_*.c`) and "
               "`conformance/refserver/MUTANTS.md`; `spec/tests/trace_sync.sh` fails when it is "
               "stale, when a rule lacks an entry without saying why, when a server-suite rule has "
               "no scenario or when a scenario or mutant names an unknown rule. Do not edit by hand.\n")
    out.append("The vectors column gives the distinct expected outcomes; \"one outcome only\" marks a "
               "rule whose vectors all expect the same result word. The server column lists the "
               "`mxtrust server` scenarios that check the rule (the reference server passes them) "
               "and the mutants of the reference server that break it (`server_mutants.sh` "
               "requires the suite to fail each on the rule): a rule with both is covered both "
               "ways.\n")
    fams = []
    for r in rules:
        if r["family"] not in fams:
            fams.append(r["family"])
    total_v = sum(len(v) for v in vecs.values())
    out.append(f"{len(rules)} rules in {len(fams)} families; {total_v} rule citations by vectors; "
               f"{len(scen_names)} server scenarios checking {len([k for k in scen if k in known])} "
               f"rules; {len(mutant_names)} mutants.\n")
    out.append("| family | rules | with ACSL | with a core function | cited by vectors | "
               "checked by server scenarios | broken by a mutant |")
    out.append("|---|---|---|---|---|---|---|")
    for fam in fams:
        rs = [r for r in rules if r["family"] == fam]
        out.append("| {} | {} | {} | {} | {} | {} | {} |".format(
            fam, len(rs), sum("acsl" in r.get("formalisation", {}) for r in rs),
            sum("core" in r.get("implementation", {}) for r in rs),
            sum(1 for r in rs if vecs.get(r["id"])),
            sum(1 for r in rs if scen.get(r["id"])),
            sum(1 for r in rs if killed.get(r["id"]))))
    out.append("")
    served = [r["id"] for r in rules if scen.get(r["id"])]
    no_mutant = [rid for rid in served if not killed.get(rid)]
    out.append(f"Server rules checked by a scenario but broken by no mutant ({len(no_mutant)} of "
               f"{len(served)}: the suite's passing side only): "
               + (", ".join(no_mutant) if no_mutant else "none") + ".\n")
    still_one = [r["id"] for r in rules if one_outcome(r["id"], vecs) and not killed.get(r["id"])]
    out.append(f"Rules whose vectors expect one outcome only and that no mutant breaks "
               f"({len(still_one)}): " + (", ".join(still_one) if still_one else "none") + ".\n")
    for fam in fams:
        out.append(f"## {fam}\n")
        out.append("| rule | ACSL | core | vectors | server scenarios | check |")
        out.append("|---|---|---|---|---|---|")
        for r in (r for r in rules if r["family"] == fam):
            cells = [cell_formalisation(r, problems), cell_implementation(r, problems),
                     cell_vectors(r, vecs, killed, problems), cell_server(r, scen, killed, problems),
                     cell_conformance(r, problems)]
            cells = [c.replace("|", "\\|").replace("\n", " ") for c in cells]
            out.append(f"| {r['id']} | " + " | ".join(cells) + " |")
        out.append("")
    for rid in sorted(vecs):
        if rid not in known:
            problems.append(f"vectors cite unknown rule {rid}")
    for rid in sorted(scen):
        if rid not in known:
            problems.append(f"server scenario {', '.join(scen[rid])} names unknown rule {rid}")
    for rid in sorted(mutants):
        if rid not in known:
            problems.append(f"MUTANTS.md: mutant {', '.join(mutants[rid])} names unknown rule {rid}")
    return "\n".join(out) + "\n", problems


def main():
    try:
        text, problems = render()
    except TableError as e:
        print("trace: server tables: " + str(e), file=sys.stderr)
        return 2
    path = os.path.join(ROOT, "spec", "TRACEABILITY.md")
    if "--check" in sys.argv:
        bad = False
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if current != text:
            print("spec/TRACEABILITY.md is stale: run spec/render_trace.py and commit", file=sys.stderr)
            bad = True
        for p in problems:
            print("trace: " + p, file=sys.stderr)
        if problems:
            bad = True
        print(f"trace: {len(problems)} problem(s)")
        return 1 if bad else 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote spec/TRACEABILITY.md ({len(problems)} problem(s))")
    for p in problems:
        print("  " + p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
