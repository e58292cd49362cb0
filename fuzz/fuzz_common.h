/*
 * mxtrust fuzzing: what every harness shares. Not part of the core (heap, stdio and abort are
 * fine here). An oracle failure aborts, so every fuzzing engine records it like a crash.
 */
#ifndef MXT_FUZZ_COMMON_H
#define MXT_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An oracle: when `cond` is false the run stops with a message naming the law that broke. */
#define ORACLE(cond, ...)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "ORACLE FAILURE %s:%d: %s\n  ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* Largest input a harness looks at: longer inputs are cut (keeps exec/s high, the reader's
 * behaviour does not change with size beyond a few KB). */
#define MXT_FUZZ_MAX_INPUT 65536u

/* A byte source over the input, for harnesses whose inputs are facts rather than text. Reading
 * past the end gives zeros, so every input decodes to something. */
typedef struct {
    const uint8_t *p;
    size_t n, i;
} fz_bytes;

static inline uint8_t fz_u8(fz_bytes *b) { return b->i < b->n ? b->p[b->i++] : 0u; }
static inline uint32_t fz_u32(fz_bytes *b)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = (v << 8) | fz_u8(b);
    return v;
}
/* Small values are interesting for order laws (ties!): a flag byte picks a small or full range. */
static inline uint32_t fz_u32_small(fz_bytes *b)
{
    uint8_t sel = fz_u8(b);
    if (sel < 0xC0u) return (uint32_t)(sel & 7u);
    if (sel < 0xF0u) return fz_u32(b) & 0xFFu;
    return fz_u32(b);
}

#endif
