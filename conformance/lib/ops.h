/*
 * The operation registry (conformance/OPS.md): operation name -> function that runs it in-process
 * against the core. `mxtrust run` and the built-in adapter (`mxtrust adapter`) both use it.
 *
 * Adding an operation: write `static void op_NAME(const cJSON *input, mxt_outcome *out)` in ops.c
 * (or a file of your own, declared here) and add one line to the table in ops.c.
 *
 * An operation fills `out` with its outcome: result word, optional reason code, optional output.
 * When the input cannot be used (a member missing or of the wrong type) it sets result "error"
 * with a message naming the JSON path, e.g. "input.json: missing" (mxt_op_error).
 */
#ifndef MXT_OPS_H
#define MXT_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "json.h"
#include "vecfile.h"

typedef void (*mxt_op_fn)(const cJSON *input, mxt_outcome *out);

typedef struct {
    const char *name;
    mxt_op_fn   fn;
    const char *summary;
} mxt_op;

/* The registered operation called `name`, or NULL. */
const mxt_op *mxt_op_find(const char *name);
/* All registered operations (in table order); *n receives their number. */
const mxt_op *mxt_ops_all(size_t *n);

/* Runs operation `name` on `input`; an unknown name gives result "error". */
void mxt_op_run(const char *name, const cJSON *input, mxt_outcome *out);

/* ---- helpers for operation functions ---- */

/* Sets result "error" with a formatted message (returns -1 for `return mxt_op_error(...)`). */
int mxt_op_error(mxt_outcome *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads input member `name` as bytes: either `name` (a string: its UTF-8 bytes) or `name`_b64
 * (base64 of the bytes, for inputs with NUL or invalid UTF-8; OPS.md). Heap result
 * (NUL-terminated, not counted). On failure sets out to error and returns NULL. */
uint8_t *mxt_in_bytes(const cJSON *input, const char *name, size_t *len, mxt_outcome *out);
/* Optional boolean member (absent -> dflt); -1 and error on a wrong type. */
int mxt_in_bool(const cJSON *input, const char *name, int dflt, mxt_outcome *out);
/* Optional string member (absent -> dflt, may be NULL); NULL and error when not a string. */
const char *mxt_in_str(const cJSON *input, const char *name, const char *dflt, int *bad,
                       mxt_outcome *out);

/* Sets a rejection outcome from a core status: result `word`, reason = the status name, message =
 * the byte offset and rule. */
void mxt_op_reject(mxt_outcome *out, const char *word, mxt_status st, const mxt_where *w);
/* mxt_json_parse with a heap token array big enough for any input of `len` bytes (*tok: free it). */
mxt_status mxt_op_parse(const uint8_t *text, size_t len, mxt_num_profile prof,
                        mxt_json_token **tok, mxt_json_doc *doc, mxt_where *w);

/* An input member holding JSON text, read (mxt_in_bytes: `name` or `name`_b64) and parsed by the
 * core reader: heap bytes and tokens, released with mxt_op_text_free. */
typedef struct {
    uint8_t        *bytes;
    size_t          len;
    mxt_json_token *tok;
    mxt_json_doc    doc;
} mxt_op_text;

/* 0 on success; -1 when the member is unusable (out = error) or the text is not JSON the core
 * accepts under `prof` (out = reject with the core status and offset); on -1 t is already freed. */
int mxt_op_text_read(const cJSON *input, const char *name, mxt_num_profile prof, mxt_op_text *t,
                     mxt_outcome *out);
void mxt_op_text_free(mxt_op_text *t);

/* Operations defined in other files (one table line each in ops.c). */
void mxt_op_verify_json(const cJSON *input, mxt_outcome *out);

/* Lowercase hex of bytes (heap); parse hex (heap, *len bytes; NULL if not even-length hex). */
char *mxt_hex_encode(const uint8_t *b, size_t n);
uint8_t *mxt_hex_decode(const char *s, size_t *len);

#endif
