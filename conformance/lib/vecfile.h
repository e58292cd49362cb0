/*
 * Vector files (vectors/SCHEMA.md): loading, validation with JSON-path error messages, selection,
 * and judging an implementation's outcome against a vector's expectation.
 *
 * A loaded set keeps each file's cJSON tree; vectors point into it (no copies).
 */
#ifndef MXT_VECFILE_H
#define MXT_VECFILE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define MXT_VECTORS_SCHEMA "mxtrust-vectors/1"

/* An outcome: what an implementation decided, or what a vector expects. All strings are heap
 * copies (NULL when absent); output is a deep copy (NULL when absent). For result "error",
 * `message` says why the operation could not run (for example "input.json: missing"). */
typedef struct {
    char  *result;
    char  *reason;
    cJSON *output;
    char  *message;
} mxt_outcome;

void mxt_outcome_clear(mxt_outcome *o);
/* Sets result (and message, may be NULL) on a cleared outcome; returns 0 or -1 (no memory). */
int mxt_outcome_set(mxt_outcome *o, const char *result, const char *reason, const char *message);
/* The outcome as a JSON object {"result","reason"?,"output"?,"message"?} (a new tree). */
cJSON *mxt_outcome_to_json(const mxt_outcome *o);
/* Reads an outcome object; on error returns -1 and writes "<path>: <problem>" into err. */
int mxt_outcome_from_json(const cJSON *obj, const char *path, mxt_outcome *o, char *err,
                          size_t err_cap);

typedef struct {
    const char   *id;
    const char   *family;
    const char   *file;      /* path of the file it came from */
    size_t        index;     /* position in the file's "vectors" array */
    const char  **rules;     /* n_rules rule IDs (at least one) */
    size_t        n_rules;
    const char  **flags;
    size_t        n_flags;
    const char   *comment;
    const char   *op;
    const cJSON  *input;     /* the vector's "input" object */
    const cJSON  *expected;  /* the vector's "expected" object ({result..} or {any_of:[..]}) */
} mxt_vector;

typedef struct {
    char  *file;
    char  *path;     /* JSON path inside the file, "$" for the whole file */
    char  *message;
} mxt_load_error;

typedef struct {
    cJSON        **trees;
    char         **files;
    size_t         n_files;
    mxt_vector    *vec;
    size_t         n_vec;
    mxt_load_error *err;
    size_t          n_err;
    size_t         *id_slots;  /* open-addressing index of vec by id: slot = vector index + 1 */
    size_t          id_cap;    /* slots (a power of two), 0 before the first vector */
} mxt_vecset;

/* Loads every *.json file of `dir` (sorted by name) or one file when `dir` names a file.
 * Files or vectors that do not follow the schema are recorded in set->err (the rest still load).
 * Returns 0, or -1 when the directory itself cannot be read (also recorded in set->err). */
int mxt_vecset_load(mxt_vecset *set, const char *dir);
/* Loads one file's text (already read) as if it came from `name`. Used by load and by tests. */
void mxt_vecset_add_text(mxt_vecset *set, const char *name, const char *text, size_t len);
void mxt_vecset_free(mxt_vecset *set);

/* 1 when the vector matches the selection (NULL = no constraint). */
int mxt_vector_selected(const mxt_vector *v, const char *family, const char *rule);

/* Verdicts. */
typedef enum {
    MXT_V_PASS = 0,
    MXT_V_FAIL,
    MXT_V_SKIP,
    MXT_V_ERROR,
    MXT_V_NOTRUN,
    MXT_V_COUNT_
} mxt_verdict;

const char *mxt_verdict_name(mxt_verdict v);

/*
 * Judges `actual` against the vector's expectation. Result words must match; a reason is compared
 * when both sides give one (a mismatch is a failure when strict_reason, else a note); an expected
 * output must be equal (byte-equal strings, JSON-equal otherwise). An actual result "error" is
 * MXT_V_ERROR. Writes a heap explanation into *why (for fail/error) and *note (reason notes);
 * either may be left NULL.
 */
mxt_verdict mxt_judge(const cJSON *expected, const mxt_outcome *actual, int strict_reason,
                      char **why, char **note);

/* Short one-line rendering of an expected object or an outcome, heap string. */
char *mxt_expected_text(const cJSON *expected);
char *mxt_outcome_text(const mxt_outcome *o);

/* Text helpers shared by the reports. */
/* Copy of bytes[0..n) where valid UTF-8 is kept (except controls) and anything else is "\xNN". */
char *mxt_sanitize(const char *bytes, size_t n);
/* 1 when bytes[0..n) is valid UTF-8 (RFC 3629: no overlongs, surrogates or values > U+10FFFF). */
int mxt_utf8_valid(const char *bytes, size_t n);
/* printf into a new heap string. */
char *mxt_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
