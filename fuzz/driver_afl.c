/*
 * The main() for every harness outside libFuzzer.
 *  - Built with afl-clang-fast (which defines __AFL_FUZZ_TESTCASE_LEN): AFL++ persistent mode with
 *    shared-memory test cases. Under afl-fuzz it loops; run by hand with file arguments it replays
 *    those files (an ASan build then reports like libFuzzer would).
 *  - Built with any other compiler: a replay driver that runs each file argument (or stdin) once.
 * MXT_FUZZ_COPY (set by the sanitizer builds) copies each input to an exact-size heap buffer, so
 * ASan sees a read one past the end (the shared-memory buffer is larger than the input).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_common.h"

int main(int argc, char **argv);
/* Harnesses with one-time work (exhaustive checks, library set-up) define this, as libFuzzer
 * expects; running it before the loop keeps every iteration alike (AFL++ stability). */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_one(const uint8_t *data, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1u);
    if (copy == NULL) return 1;
    if (n) memcpy(copy, data, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

static int replay_file(const char *path)
{
    FILE *f = (path == NULL) ? stdin : fopen(path, "rb");
    if (f == NULL) { perror(path); return 1; }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    if (buf == NULL) return 1;
    for (;;) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (nb == NULL) { free(buf); return 1; }
            buf = nb; cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) break;
        n += got;
    }
    if (path != NULL) fclose(f);
    int rc = run_one(buf, n);
    free(buf);
    return rc;
}

static int replay(int argc, char **argv)
{
    int rc = 0;
    if (argc < 2) return replay_file(NULL);
    for (int i = 1; i < argc; i++)
        if (argv[i][0] != '-') rc |= replay_file(argv[i]);
    return rc;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    if (getenv("__AFL_SHM_ID") == NULL && argc > 1) return replay(argc, argv);
    __AFL_INIT();
    const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        size_t n = (size_t)__AFL_FUZZ_TESTCASE_LEN;
#ifdef MXT_FUZZ_COPY
        run_one(buf, n);
#else
        LLVMFuzzerTestOneInput(buf, n);
#endif
    }
    return 0;
}
#else
int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    return replay(argc, argv);
}
#endif
