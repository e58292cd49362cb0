/*
 * Vector generation: the common machinery every family generator uses.
 *
 * Determinism is the point: keys come from named seeds (SHA-256 of a fixed prefix and the name),
 * ed25519 signatures are deterministic, nothing reads the clock or a random source, and files are
 * written with a fixed layout. Regenerating must give byte-identical files (`gen-vectors --check`).
 *
 * A vector's `expected` outcome is stated by the generator from the rule it exercises, never
 * computed by calling the core: otherwise the vectors could not catch a wrong core.
 */
#ifndef MXT_VECGEN_H
#define MXT_VECGEN_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

typedef struct mxt_vg_file mxt_vg_file;

/* A family's vector file under construction. `family` is the rule family ("CJSON", "BK-TRUST"). */
mxt_vg_file *mxt_vg_open(const char *family, const char *notes);
void mxt_vg_free(mxt_vg_file *f);

/*
 * Adds one vector. `slug` makes the stable id "<FAMILY>-<slug>" (unique within all files);
 * `rules` and `flags` are NULL-terminated lists (flags may be NULL); `input` and `expected` are
 * taken over (freed with the file). Returns 0, or -1 on a duplicate id (reported on stderr).
 */
int mxt_vg_add(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
               const char *const *flags, const char *op, cJSON *input, cJSON *expected);

/* Number of vectors added so far. */
size_t mxt_vg_count(const mxt_vg_file *f);

/* Writes <dir>/<family>.json. Returns 0 or -1 (errno set). */
int mxt_vg_write(const mxt_vg_file *f, const char *dir);

/* Deterministic keys from names: seed = SHA-256("mxtrust-vectors:" || name). */
void mxt_vg_seed(const char *name, uint8_t seed[32]);
void mxt_vg_ed25519(const char *name, uint8_t pk[32], uint8_t sk[64]);
void mxt_vg_x25519(const char *name, uint8_t pk[32], uint8_t sk[32]);

/* Unpadded base64 of bytes, as a heap string (caller frees). */
char *mxt_vg_b64(const uint8_t *bytes, size_t n);
/* Lowercase hex of bytes, as a heap string (caller frees). */
char *mxt_vg_hex(const uint8_t *bytes, size_t n);

/* Expected outcomes: {"result": result, "reason": reason?} (reason may be NULL). */
cJSON *mxt_vg_expect(const char *result, const char *reason);
/* The same with an "output" string. */
cJSON *mxt_vg_expect_out(const char *result, const char *reason, const char *output);

/* Convenience list builders for mxt_vg_add. */
#define MXT_VG_LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

#endif

/* ---- Signing, independently of the core -------------------------------------------------------
 * The generator canonicalises with its own printer over cJSON trees (keys in UTF-8 byte order,
 * which is code-point order; the spec's escapes; integers only), so a bug in core/canon.c cannot
 * make the vectors agree with it. */

/* Canonical JSON of `v` as a heap string (caller frees); NULL if `v` holds a non-integer number. */
char *mxt_vg_canonical(const cJSON *v);
/* The signing bytes of object `obj`: canonical JSON without top-level signatures and unsigned. */
char *mxt_vg_signing_bytes(const cJSON *obj);
/* Adds signatures[user][key_id] = unpadded base64 ed25519 signature of the signing bytes. */
void mxt_vg_sign(cJSON *obj, const char *user, const char *key_id, const uint8_t sk[64]);
/* Canonical text of `v` (helper for vector inputs that carry JSON as text). */
#define mxt_vg_text(v) mxt_vg_canonical(v)
