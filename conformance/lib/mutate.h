/*
 * The mutation engine of `mxtrust fuzz` (conformance/FUZZ.md): turns a valid vector input into a
 * mutant by a short list of concrete, replayable edits, and shrinks a list of edits while a
 * property (a disagreement) persists.
 *
 * An input is handled as JSON text (cJSON prints the input object once). Members whose string
 * value is itself JSON text (keys_query, auth_data, json, session_data, ...) are entered: their
 * edits are made on the exact bytes of that text, so key order, escapes, number spellings and
 * duplicate members survive into the mutant.
 *
 * Every edit is concrete: a path, an edit operation and the replacement text. Applying an edit
 * depends only on the text it is applied to (never on a random source), so any subset of a
 * mutant's edits can be replayed: that is what the minimiser does.
 *
 * Paths: JSON-pointer style ("/keys_query"), with "~j" as a segment meaning "the JSON text held
 * by this string" ("/keys_query/~j/device_keys/@a:x/DEV"). "" is the root. In a key, '~' is
 * written "~0" and '/' is written "~1".
 */
#ifndef MXT_MUTATE_H
#define MXT_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* What a mutation means (the summary and the findings name it). */
typedef enum {
    MXT_MUT_SIG_BITFLIP = 0, /* one bit of a signature (64 bytes, under "signatures") */
    MXT_MUT_B64_BITFLIP,     /* one bit of another base64 value (keys, ciphertext, MAC, ...) */
    MXT_MUT_KEY_SWAP,        /* a 32-byte key replaced by another key found in the input */
    MXT_MUT_USER_ID,         /* a user ID (as key or value) replaced by another / a variant */
    MXT_MUT_KEY_ID,          /* a key ID or device ID (as a member name) renamed */
    MXT_MUT_USAGE,           /* a "usage" list replaced */
    MXT_MUT_REORDER,         /* two adjacent members of an object swapped */
    MXT_MUT_ESCAPE,          /* one character of a string or key written as an escape */
    MXT_MUT_NUMBER,          /* a number spelled differently or changed */
    MXT_MUT_ADD_SIGNED,      /* a member added inside the signed part of an object */
    MXT_MUT_ADD_UNSIGNED,    /* a member added under "unsigned" */
    MXT_MUT_ADD_SIGNATURE,   /* a signature added under "signatures" */
    MXT_MUT_REMOVE,          /* a member or array element removed (devices, keys, signatures) */
    MXT_MUT_DUPLICATE,       /* a member repeated (same name twice) */
    MXT_MUT_STRING,          /* a string value changed */
    MXT_MUT_TYPE,            /* a value replaced by one of another JSON type */
    MXT_MUT_BOOL,            /* a boolean flipped */
    MXT_MUT_WHITESPACE,      /* insignificant whitespace added around a value */
    MXT_MUT_SPLICE,          /* a member's value taken from another input of the operation */
    MXT_MUT_REDUCE,          /* not generated: a member removed by mxt_mutant_reduce() */
    MXT_MUT_COUNT_
} mxt_mut_kind;

/* How the text is edited. */
typedef enum {
    MXT_EDIT_REPLACE_VALUE = 0, /* the value at path becomes arg (raw JSON text) */
    MXT_EDIT_REPLACE_KEY,       /* the member name at path becomes arg (a raw JSON string token) */
    MXT_EDIT_REMOVE,            /* the member / element at path is removed */
    MXT_EDIT_INSERT,            /* arg ("name":value, or a value in an array) is inserted into
                                 * the object / array at path, before child number pos (or last) */
    MXT_EDIT_SWAP_NEXT,         /* children pos and pos+1 of the object / array at path swap */
    MXT_EDIT_DUPLICATE,         /* the member at path is repeated right after itself */
    MXT_EDIT_COUNT_
} mxt_edit_op;

typedef struct {
    mxt_mut_kind kind;
    mxt_edit_op  edit;
    char        *path;  /* heap */
    char        *arg;   /* heap, NULL when the edit takes none */
    size_t       pos;
} mxt_mutation;

typedef struct {
    mxt_mutation *m;
    size_t        n;
} mxt_mutant;

/* A small deterministic generator (splitmix64). */
typedef struct {
    uint64_t s;
} mxt_rng;

void mxt_rng_seed(mxt_rng *r, uint64_t seed);
uint64_t mxt_rng_next(mxt_rng *r);
/* Uniform in [0, n) (n > 0). */
size_t mxt_rng_below(mxt_rng *r, size_t n);

const char *mxt_mut_kind_name(mxt_mut_kind k);
const char *mxt_edit_name(mxt_edit_op e);

/* Applies one edit to JSON text text[0..len). A new heap text (NUL-terminated, length in
 * *out_len), or NULL when the edit does not apply (the path is absent, the node is of the wrong
 * kind, the text does not parse). */
char *mxt_mutation_apply_text(const char *text, size_t len, const mxt_mutation *m,
                              size_t *out_len);

/* Applies the edits m[i] with keep == NULL or keep[i] != 0, in order, to a copy of `input` (an
 * object); edits that do not apply are skipped and not counted in *applied (may be NULL).
 * Returns a new object, or NULL when out of memory. */
cJSON *mxt_mutant_apply(const cJSON *input, const mxt_mutation *m, size_t n,
                        const unsigned char *keep, size_t *applied);

/* Generates a mutant of `input` with 1..max_steps edits (each applied to the result of the
 * previous ones). `donors` (may be NULL when ndonors is 0) are other inputs of the same operation:
 * MXT_MUT_SPLICE copies a value from one of them into the same place (outside entered texts).
 * Returns 0, or -1 when no edit applies to this input (out->n == 0). The same rng state, input
 * and donors give the same mutant. */
int mxt_mutant_generate(const cJSON *input, const cJSON *const *donors, size_t ndonors,
                        mxt_rng *rng, size_t max_steps, mxt_mutant *out);

/* Frees the edits and empties the mutant. */
void mxt_mutant_free(mxt_mutant *mu);
/* Removes edit i (freeing it). */
void mxt_mutant_remove(mxt_mutant *mu, size_t i);

/* One line: "kind edit path [= arg]" (heap). */
char *mxt_mutation_describe(const mxt_mutation *m);
/* The edits as a JSON array of {kind, edit, path, arg?, pos?} (a new tree). */
cJSON *mxt_mutant_to_json(const mxt_mutant *mu);

/* The property the minimiser preserves: 1 when the mutated input is still interesting. */
typedef int (*mxt_mut_pred)(const cJSON *mutated_input, void *ctx);

/* Shrinks mu in place: removes edits (one at a time, repeatedly, until none can go: the result is
 * 1-minimal) as long as pred holds for the input with the remaining edits applied. pred is
 * called at most `budget` times. Returns the number of edits removed. The caller has checked that
 * pred holds for the whole mutant. */
size_t mxt_mutant_minimise(const cJSON *input, mxt_mutant *mu, mxt_mut_pred pred, void *ctx,
                           size_t budget);

/* Shrinks the input itself: tries removing members and elements inside the entered JSON texts
 * (and elements of lists elsewhere), outermost first, each one at most once; a removal is kept
 * (appended to mu as an MXT_MUT_REDUCE edit) when pred still holds. pred is called at most
 * `budget` times. Returns the number of removals kept. */
size_t mxt_mutant_reduce(const cJSON *input, mxt_mutant *mu, mxt_mut_pred pred, void *ctx,
                         size_t budget);

#endif
