/*
 * mxtrust core: strict JSON reader (RFC 8259, restricted to what canonical JSON can represent).
 *
 * No heap: the caller owns the input bytes and an array of tokens. The document is a flat array in
 * document order (pre-order): a container token is followed by its children; for an object each
 * member is a key token (MXT_JSON_STRING) followed by the value's subtree. `end` is the index one
 * past a token's subtree, so siblings are reached in O(1). `link` chains an object's key tokens in
 * canonical order (by Unicode code point of the unescaped key, CJSON-002): the object's `link` is
 * its first key in that order, each key's `link` the next key, MXT_JSON_NONE ends the chain. The
 * reader fills these links while it checks for duplicate keys, so the canonical encoder is linear.
 */
#ifndef MXT_JSON_H
#define MXT_JSON_H

#include <stdint.h>
#include <stddef.h>
#include "mxt_status.h"
#include "cjson.h"

#define MXT_JSON_NONE       UINT32_MAX
#define MXT_JSON_MAX_INPUT  ((size_t)UINT32_MAX - 1u)
#define MXT_JSON_DEFAULT_DEPTH 64u

/* Canonical JSON integer range (CJSON-005): [-(2^53)+1, 2^53-1]. */
#define MXT_JSON_INT_MAX  9007199254740991LL
#define MXT_JSON_INT_MIN (-9007199254740991LL)

typedef enum {
    MXT_JSON_OBJECT = 1,
    MXT_JSON_ARRAY  = 2,
    MXT_JSON_STRING = 3,
    MXT_JSON_NUMBER = 4,
    MXT_JSON_TRUE   = 5,
    MXT_JSON_FALSE  = 6,
    MXT_JSON_NULL   = 7
} mxt_json_type;

/* Token flags */
#define MXT_JSON_F_ESCAPED 0x01u  /* string contains at least one backslash escape */

typedef struct {
    uint8_t  type;    /* mxt_json_type */
    uint8_t  flags;   /* MXT_JSON_F_* */
    uint16_t depth;   /* 0 for the root */
    uint32_t start;   /* byte offset of the token in the input (a string's opening quote) */
    uint32_t len;     /* bytes in the input, quotes included for strings */
    uint32_t count;   /* object: members; array: elements; otherwise 0 */
    uint32_t end;     /* index one past this token's subtree */
    uint32_t parent;  /* index of the enclosing container, MXT_JSON_NONE for the root */
    uint32_t link;    /* object: first key in canonical order; key: next key; else NONE */
    int64_t  num;     /* number: its value (always an integer in range) */
} mxt_json_token;

/* Profiles for numbers (CJSON-005). The spec text forbids fractions, exponents and -0, yet its own
 * example turns {"a":-0,"b":1e10} into {"a":0,"b":10000000000}: see spec/RULES.md, CJSON-005. */
typedef enum {
    MXT_NUM_STRICT    = 0, /* default: only integers written in canonical form are accepted */
    MXT_NUM_NORMALISE = 1  /* the spec example's behaviour: -0, fractions and exponents are accepted
                              when the value is an integer in range, and encoded canonically */
} mxt_num_profile;

typedef struct {
    uint32_t        max_depth;   /* containers nested deeper than this are rejected (0 = default) */
    mxt_num_profile numbers;
} mxt_json_opts;

typedef struct {
    const uint8_t  *in;      /* the bytes that were read (borrowed, must outlive the doc) */
    uint32_t        in_len;
    mxt_json_token *tok;     /* caller's token array */
    uint32_t        cap;     /* its capacity */
    uint32_t        count;   /* tokens used; the root is tok[0] */
} mxt_json_doc;

/*@
  // What every core function may assume about a document the reader produced: the structural
  // facts that let a consumer walk tokens and read their bytes without leaving either array.
  // (Not a rule: a data-structure invariant. The reader's postcondition establishes it.)
  predicate mxt_tok_ok{L}(mxt_json_doc *d, integer i) =
       1 <= d->tok[i].type <= 7
    && d->tok[i].start <= d->in_len
    && d->tok[i].len <= d->in_len - d->tok[i].start
    && i < d->tok[i].end <= d->count
    && (d->tok[i].link == MXT_JSON_NONE || d->tok[i].link < d->count)
    && (d->tok[i].parent == MXT_JSON_NONE || d->tok[i].parent < i);

  predicate mxt_doc_ok{L}(mxt_json_doc *d) =
       \valid_read(d)
    && 1 <= d->count <= d->cap
    && 1 <= d->in_len < MXT_JSON_NONE
    && \valid_read(d->tok + (0 .. d->cap - 1))
    && \valid_read(d->in + (0 .. d->in_len - 1))
    && (\forall integer i; 0 <= i < d->count ==> mxt_tok_ok{L}(d, i));

  // CJSON-005/006: every number token the reader accepted holds a canonical integer.
  predicate mxt_doc_nums_ok{L}(mxt_json_doc *d) =
    \forall integer i; 0 <= i < d->count && d->tok[i].type == MXT_JSON_NUMBER
                        ==> cjson_int_in_range(d->tok[i].num);
*/

/*
 * Reads `len` bytes of `in` as one JSON value (surrounding whitespace allowed) into `tok`.
 * On success returns MXT_OK with doc->count tokens. On failure returns the specific code and sets
 * where->offset to the byte offset of the offending byte (for a duplicate key: the second key's
 * opening quote; for MXT_E_TOKENS: the token that did not fit).
 * `opts` may be NULL for the defaults (strict numbers, depth 64).
 *
 * Offsets in detail: an escape error is at the escape's backslash (for a bad low half of a pair,
 * at the second backslash); a UTF-8 error at the sequence's lead byte; MXT_E_EOF at `len`;
 * MXT_E_NUMBER_FRACTION at the '.', MXT_E_NUMBER_EXPONENT at the 'e'/'E',
 * MXT_E_NUMBER_LEADING_ZERO at the leading '0'; -0, range and non-integers at the number's first
 * byte; MXT_E_DEPTH at the bracket that opens one level too many (max_depth containers may nest,
 * max_depth is capped at 65535). A duplicate key is found when its object closes; it is then
 * reported in place of any later error (so errors come in document order), but an error met while
 * the object is still open wins. MXT_E_INTERNAL means a consistency check failed (never
 * expected). On failure doc->count is 0.
 */
/*@
  requires \valid_read(in + (0 .. len - 1));
  requires \valid(tok + (0 .. cap - 1));
  requires opts == \null || \valid_read(opts);
  requires \valid(doc) && \valid(where);
  requires \separated(doc, where, tok + (0 .. cap - 1), in + (0 .. len - 1));
  requires opts == \null || \separated(opts, doc, where, tok + (0 .. cap - 1));
  assigns *doc, *where, tok[0 .. cap - 1];
  ensures \result == MXT_OK ==> mxt_doc_ok(doc) && doc->in == in && doc->in_len == len
       && doc->tok == tok && doc->cap == cap && doc->count <= cap;
  ensures \result == MXT_OK ==> mxt_doc_nums_ok(doc);
  ensures \result != MXT_OK ==> where->offset <= len && doc->count == 0;
*/
mxt_status mxt_json_parse(const uint8_t *in, size_t len, mxt_json_token *tok, uint32_t cap,
                          const mxt_json_opts *opts, mxt_json_doc *doc, mxt_where *where);

/* Finds member `key` (raw UTF-8 bytes, compared against the unescaped key) of object token `obj`.
 * Returns the value's token index, or MXT_JSON_NONE when absent or `obj` is not an object. */
/*@
  requires mxt_doc_ok(doc);
  requires key_len == 0 || \valid_read(key + (0 .. key_len - 1));
  assigns \nothing;
  ensures \result == MXT_JSON_NONE || (obj < \result < doc->count
       && doc->tok[obj].type == MXT_JSON_OBJECT && doc->tok[\result].parent == obj);
*/
uint32_t mxt_json_get(const mxt_json_doc *doc, uint32_t obj, const uint8_t *key, size_t key_len);

/* Writes the unescaped UTF-8 of string token `t` into out[0..cap). Returns MXT_OK and *out_len,
 * or MXT_E_BUFFER_SMALL with *out_len = the needed length, or MXT_E_TYPE for a non-string
 * (MXT_E_ESCAPE only for a token the reader did not produce). */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires \valid(out + (0 .. cap - 1));
  requires \valid(out_len);
  requires \separated(out + (0 .. cap - 1), out_len, doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  assigns out[0 .. cap - 1], *out_len;
  ensures \result == MXT_OK || \result == MXT_E_BUFFER_SMALL || \result == MXT_E_TYPE
       || \result == MXT_E_ESCAPE;
  ensures \result == MXT_OK ==> *out_len <= cap;
  ensures \result == MXT_E_BUFFER_SMALL ==> *out_len > cap;
*/
mxt_status mxt_json_str(const mxt_json_doc *doc, uint32_t t, uint8_t *out, size_t cap,
                        size_t *out_len);

/* Compares the unescaped value of string token `t` with raw bytes s[0..n): 1 if equal, else 0
 * (0 too when `t` is not a string token). */
/*@
  requires mxt_doc_ok(doc);
  requires n == 0 || \valid_read(s + (0 .. n - 1));
  assigns \nothing;
  ensures \result == 0 || \result == 1;
*/
int mxt_json_str_eq(const mxt_json_doc *doc, uint32_t t, const uint8_t *s, size_t n);

#endif
