#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script for mxtrust.
# Honours the standard environment: $CC, $CFLAGS (sanitizer and coverage flags chosen by the
# infrastructure), $LIB_FUZZING_ENGINE (e.g. -fsanitize=fuzzer), $OUT (where binaries go) and
# $SRC (where the checkout is: $SRC/mxtrust unless MXT_SRC says otherwise). $CXX, when set, links
# (the infrastructure's engine libraries are C++).
# For each fuzz/fuzz_<name>.c it writes $OUT/fuzz_<name>, $OUT/fuzz_<name>.dict and
# $OUT/fuzz_<name>_seed_corpus.zip (seeds derived from vectors/ by fuzz/seeds.py).
src=${MXT_SRC:-${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}/mxtrust}
[ -f "$src/fuzz/build" ] || src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${WORK:-}" ]; then work=$WORK; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
"$src/fuzz/build" -o "$work/mxt-fuzz" ossfuzz
python3 "$src/fuzz/seeds.py" "$work/mxt-fuzz/seeds" >/dev/null
mkdir -p "$OUT"
for bin in "$work/mxt-fuzz/ossfuzz"/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  t=$(basename "$bin")
  cp "$bin" "$OUT/$t"
  cat "$src/fuzz/dict/json.dict" "$src/fuzz/dict/matrix.dict" > "$OUT/$t.dict"
  if [ -d "$work/mxt-fuzz/seeds/$t" ]; then
    rm -f "$OUT/${t}_seed_corpus.zip"
    python3 - "$work/mxt-fuzz/seeds/$t" "$OUT/${t}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], name), name)
PY
  fi
done
echo "mxtrust: fuzz targets in $OUT: $(cd "$OUT" && ls fuzz_* | grep -v '\.' | tr '\n' ' ')"
