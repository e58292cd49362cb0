#!/usr/bin/env bash
# fuzz/oss-fuzz/build.sh under an OSS-Fuzz-like environment (CC=clang-14, libFuzzer, ASan+UBSan,
# OUT=a temporary directory): every fuzz/fuzz_*.c gives a binary, a dictionary and a seed corpus
# zip in $OUT, and each binary runs its seeds and a few hundred generated inputs without a crash
# or an oracle failure.
set -euo pipefail
src=${MXT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v clang-14 >/dev/null || { echo "fuzz_ossfuzz_build: clang-14 is required (ci/setup installs it)" >&2; exit 1; }
export CC=clang-14 CFLAGS="-O1 -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
       LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=$tmp/out WORK=$tmp/work
unset CXX
mkdir -p "$WORK"
(cd "$tmp" && MXT_SRC=$src bash "$src/fuzz/oss-fuzz/build.sh") > "$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log" >&2; echo "fuzz_ossfuzz_build: build.sh failed" >&2; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
n=0
for f in "$src"/fuzz/fuzz_*.c; do
  t=$(basename "$f" .c)
  for want in "$OUT/$t" "$OUT/$t.dict" "$OUT/${t}_seed_corpus.zip"; do
    [ -s "$want" ] || { echo "fuzz_ossfuzz_build: missing $want" >&2; exit 1; }
  done
  [ -x "$OUT/$t" ] || { echo "fuzz_ossfuzz_build: $OUT/$t is not executable" >&2; exit 1; }
  seeds=$tmp/seeds/$t
  mkdir -p "$seeds" "$tmp/new/$t"
  python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist()[:20]]' \
    "$OUT/${t}_seed_corpus.zip" "$seeds"
  [ -n "$(ls -A "$seeds")" ] || { echo "fuzz_ossfuzz_build: $t: empty seed corpus" >&2; exit 1; }
  # the seeds, then 300 mutated inputs, with the dictionary
  if ! "$OUT/$t" -runs=300 -dict="$OUT/$t.dict" -artifact_prefix="$tmp/" "$tmp/new/$t" "$seeds" \
        > "$tmp/$t.log" 2>&1; then
    tail -30 "$tmp/$t.log" >&2; echo "fuzz_ossfuzz_build: $t failed" >&2; exit 1
  fi
  grep -q 'Done 300 runs' "$tmp/$t.log" || { tail "$tmp/$t.log" >&2; echo "fuzz_ossfuzz_build: $t did not run" >&2; exit 1; }
  n=$((n + 1))
done
[ "$n" -ge 10 ] || { echo "fuzz_ossfuzz_build: only $n targets" >&2; exit 1; }
echo "fuzz_ossfuzz_build: $n targets built by fuzz/oss-fuzz/build.sh, each ran its seeds and 300 inputs"
