#!/usr/bin/env bash
# Every vectors/*.json file follows vectors/schema.json, ids are unique across files, each id
# starts with its file's family, and "count" (when present) is the number of vectors.
# Skips (exit 0) only when there are no vector files at all.
set -euo pipefail
src=${MXT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=${MXT_VECTORS:-$src/vectors}
shopt -s nullglob
files=()
for f in "$dir"/*.json; do
  [ "$(basename "$f")" = schema.json ] || files+=("$f")
done
if [ ${#files[@]} -eq 0 ]; then
  echo "schema_check: no vector files in $dir yet: nothing to check"
  exit 0
fi
/usr/bin/python3 - "$src/vectors/schema.json" "${files[@]}" <<'EOF'
import json, sys
import jsonschema

schema_path, files = sys.argv[1], sys.argv[2:]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

problems = 0
seen = {}
total = 0

def path_of(err):
    p = "$"
    for part in err.absolute_path:
        p += f"[{part}]" if isinstance(part, int) else f".{part}"
    return p

for name in files:
    try:
        with open(name, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{name}: $: not readable JSON: {e}")
        problems += 1
        continue
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:20]:
        print(f"{name}: {path_of(e)}: {e.message[:300]}")
    problems += len(errs)
    if not isinstance(doc, dict) or not isinstance(doc.get("vectors"), list):
        continue
    family = doc.get("family")
    vectors = doc["vectors"]
    if isinstance(doc.get("count"), int) and doc["count"] != len(vectors):
        print(f"{name}: $.count: {doc['count']} but the file has {len(vectors)} vectors")
        problems += 1
    for i, v in enumerate(vectors):
        vid = v.get("id") if isinstance(v, dict) else None
        if not isinstance(vid, str) or not isinstance(family, str):
            continue
        if not vid.startswith(family + "-"):
            print(f"{name}: $.vectors[{i}].id: {vid!r} does not start with {family + '-'!r}")
            problems += 1
        if vid in seen:
            print(f"{name}: $.vectors[{i}].id: duplicate {vid!r} (first in {seen[vid]})")
            problems += 1
        else:
            seen[vid] = f"{name} $.vectors[{i}]"
    total += len(vectors)

if problems:
    print(f"schema_check: {problems} problem(s)")
    sys.exit(1)
print(f"schema_check: {len(files)} file(s), {total} vectors, all valid, ids unique")
EOF
