/*
 * Signing JSON objects (SIG-001), outside the proven core: heap, libsodium's signing half.
 *
 * mxt_sign_json removes "signatures" and "unsigned", takes the canonical JSON of the rest (through
 * the core's reader and encoder, so signer and verifier agree byte for byte), signs it with the
 * ed25519 key of a 32-byte seed, and returns the whole object again with the signature added at
 * signatures[user][key_id] (unpadded base64). Signatures already there are kept (one under the same
 * user and key ID is replaced), and so is "unsigned". The output is canonical JSON.
 */
#ifndef MXT_SIGN_H
#define MXT_SIGN_H
#include "signed_json.h"

#include <stddef.h>
#include <stdint.h>
#include "mxt_status.h"

/* Why signing failed: the core's status (a JSON read error has its byte offset), plus a message. */
typedef struct {
    mxt_status status;   /* MXT_OK when the failure is not the reader's (see msg) */
    size_t     offset;   /* byte offset of a read error, else MXT_NO_OFFSET */
    char       msg[160];
} mxt_sign_error;

/* The ed25519 public key of a 32-byte seed (RFC 8032 secret key). Returns 0, or -1. */
int mxt_ed25519_pk_from_seed(const uint8_t seed[32], uint8_t pk[32]);

/* mxt_sig_check with a heap scratch buffer sized for the signing bytes (retried once with the
 * length the core reports when the first guess is short). Returns mxt_sig_check's status, or
 * MXT_E_BUFFER_SMALL when no memory could be had. */
mxt_status mxt_sig_check_alloc(const mxt_json_doc *doc, uint32_t obj, const uint8_t *user,
                               size_t user_len, const uint8_t *key_id, size_t key_id_len,
                               const uint8_t pk[32], mxt_sig_result *res);

/* Signs json[0..len) (one JSON object) as `user` with key `key_id` ("ed25519:<id>", SIG-002) and
 * the key of `seed`. On success returns 0 and *out is a malloc'd, NUL-terminated canonical JSON
 * text of *out_len bytes (free it). On failure returns -1 and fills *err. */
int mxt_sign_json(const uint8_t *json, size_t len, const char *user, const char *key_id,
                  const uint8_t seed[32], char **out, size_t *out_len, mxt_sign_error *err);

/* The raw signature alone: ed25519 over the signing bytes of json (as mxt_sign_json signs them).
 * Returns 0 with sig filled, or -1 with *err. */
int mxt_sign_json_detached(const uint8_t *json, size_t len, const uint8_t seed[32],
                           uint8_t sig[64], mxt_sign_error *err);

#endif
