/*
 * mxtrust core: shape checks for the objects of an m.megolm_backup.v1.curve25519-aes-sha2 key
 * backup (spec "Server-side key backups"; rules BK-FMT-001, -003, -006, -007, -008, -013), on a
 * document read by mxt_json_parse. Each check returns the first member that is wrong and what is
 * wrong with it, so a report can say e.g. "session_data.mac: LENGTH".
 *
 *  - the algorithm identifier is exactly "m.megolm_backup.v1.curve25519-aes-sha2" (BK-FMT-013);
 *  - auth_data: an object; public_key an unpadded base64 string of 32 bytes; signatures, when
 *    present, an object; any other members allowed (BK-FMT-001);
 *  - session_data: ephemeral 32 bytes, ciphertext a non-zero multiple of 16 bytes, mac 8 bytes,
 *    each a base64 string (BK-FMT-003); other members allowed (checked in the order ephemeral,
 *    mac, ciphertext: the ciphertext is the only check that uses the caller's scratch);
 *  - the decrypted BackedUpSessionData: algorithm "m.megolm.v1.aes-sha2",
 *    forwarding_curve25519_key_chain an array of strings, sender_key a Curve25519 key (unpadded
 *    base64 of 32 bytes: 43 characters, no '='), sender_claimed_keys a map of strings
 *    (bkf_map_of_strings: every member value a string) whose ed25519 member is such a key (an
 *    Ed25519 key; other algorithms' members only need to be strings), session_key the base64 of a 165-byte
 *    session export with version byte 0x01 (BK-FMT-007), shared_history a boolean when present
 *    (BK-FMT-006); member order and whitespace are free (BK-FMT-008: the reader does not care).
 * Base64 is read leniently (SIG-006: padding and non-zero trailing bits accepted), except that the
 * BackedUpSessionData keys must be unpadded (the spec types them as unpadded base64 keys).
 */
#ifndef MXT_BK_FMT_H
#define MXT_BK_FMT_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "../spec/acsl/bk_fmt.h"

typedef enum {
    MXT_BKF_M_NONE = 0,            /* no problem */
    MXT_BKF_M_ROOT,                /* the checked value itself */
    MXT_BKF_M_ALGORITHM,           /* backup version "algorithm" (BK-FMT-013) */
    MXT_BKF_M_PUBLIC_KEY,          /* auth_data.public_key */
    MXT_BKF_M_SIGNATURES,          /* auth_data.signatures */
    MXT_BKF_M_EPHEMERAL,           /* session_data.ephemeral */
    MXT_BKF_M_CIPHERTEXT,          /* session_data.ciphertext */
    MXT_BKF_M_MAC,                 /* session_data.mac */
    MXT_BKF_M_SESSION_ALGORITHM,   /* BackedUpSessionData.algorithm */
    MXT_BKF_M_FORWARDING_CHAIN,    /* BackedUpSessionData.forwarding_curve25519_key_chain */
    MXT_BKF_M_SENDER_KEY,          /* BackedUpSessionData.sender_key */
    MXT_BKF_M_SENDER_CLAIMED_KEYS, /* BackedUpSessionData.sender_claimed_keys */
    MXT_BKF_M_CLAIMED_ED25519,     /* BackedUpSessionData.sender_claimed_keys.ed25519 */
    MXT_BKF_M_SESSION_KEY,         /* BackedUpSessionData.session_key */
    MXT_BKF_M_SHARED_HISTORY       /* BackedUpSessionData.shared_history */
} mxt_bkf_member;

typedef enum {
    MXT_BKF_P_OK = 0,
    MXT_BKF_P_MISSING,      /* required member absent */
    MXT_BKF_P_WRONG_TYPE,   /* wrong JSON type */
    MXT_BKF_P_BASE64,       /* not unpadded (or padded) base64 */
    MXT_BKF_P_LENGTH,       /* decodes to the wrong number of bytes */
    MXT_BKF_P_VALUE,        /* wrong value: algorithm name, export version byte */
    MXT_BKF_P_TOO_LONG      /* longer than the caller's scratch buffer (not a verdict) */
} mxt_bkf_problem;

typedef struct {
    mxt_bkf_member  member;
    mxt_bkf_problem problem;
} mxt_bkf_result;

/*@
  predicate bkf_result_ok(mxt_bkf_result r) = r.member == MXT_BKF_M_NONE && r.problem == MXT_BKF_P_OK;
  // Every check either succeeds or names one member and one problem.
  predicate bkf_result_wf(mxt_bkf_result r) =
       bkf_result_ok(r)
    || (MXT_BKF_M_ROOT <= r.member <= MXT_BKF_M_SHARED_HISTORY
        && MXT_BKF_P_MISSING <= r.problem <= MXT_BKF_P_TOO_LONG);
*/

/* BK-FMT-007 on decoded bytes: MXT_BKF_P_OK, MXT_BKF_P_LENGTH (not 165 bytes) or MXT_BKF_P_VALUE
 * (165 bytes whose version byte is not 0x01). */
/*@
  requires n == 0 || \valid_read(b + (0 .. n - 1));
  assigns \nothing;
  behavior ok:
    assumes bkf_session_export_ok(b, n);
    ensures \result == MXT_BKF_P_OK;
  behavior wrong_length:
    assumes n != MXT_BKF_SESSION_KEY_LEN;
    ensures \result == MXT_BKF_P_LENGTH;
  behavior wrong_version:
    assumes n == MXT_BKF_SESSION_KEY_LEN && b[0] != MXT_BKF_EXPORT_VERSION;
    ensures \result == MXT_BKF_P_VALUE;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bkf_problem mxt_bkf_session_export(const uint8_t *b, size_t n);

/* BK-FMT-013: token t is the string "m.megolm_backup.v1.curve25519-aes-sha2". */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires \valid(res) && \separated(res, doc, doc->tok + (0 .. doc->cap - 1),
                                     doc->in + (0 .. doc->in_len - 1));
  assigns *res;
  ensures bkf_result_wf(*res);
  behavior not_string:
    assumes doc->tok[t].type != MXT_JSON_STRING;
    ensures res->member == MXT_BKF_M_ALGORITHM && res->problem == MXT_BKF_P_WRONG_TYPE;
  behavior string:
    assumes doc->tok[t].type == MXT_JSON_STRING;
    ensures bkf_result_ok(*res)
         || (res->member == MXT_BKF_M_ALGORITHM && res->problem == MXT_BKF_P_VALUE);
  complete behaviors;
  disjoint behaviors;
*/
void mxt_bkf_algorithm(const mxt_json_doc *doc, uint32_t t, mxt_bkf_result *res);

/* BK-FMT-001: auth_data object `obj`. When pk is not NULL and the result is OK, pk receives the
 * 32 public key bytes. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires pk == \null || \valid(pk + (0 .. 31));
  requires \valid(res);
  requires \separated(res, doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  requires pk == \null || \separated(pk + (0 .. 31), res, doc, doc->tok + (0 .. doc->cap - 1),
                                     doc->in + (0 .. doc->in_len - 1));
  assigns *res, pk[0 .. 31];
  ensures bkf_result_wf(*res);
  behavior not_object:
    assumes doc->tok[obj].type != MXT_JSON_OBJECT;
    ensures res->member == MXT_BKF_M_ROOT && res->problem == MXT_BKF_P_WRONG_TYPE;
  behavior object:
    assumes doc->tok[obj].type == MXT_JSON_OBJECT;
    ensures bkf_result_ok(*res) || res->member == MXT_BKF_M_PUBLIC_KEY
         || res->member == MXT_BKF_M_SIGNATURES;
  complete behaviors;
  disjoint behaviors;
*/
void mxt_bkf_auth_data(const mxt_json_doc *doc, uint32_t obj, uint8_t *pk, mxt_bkf_result *res);

/* BK-FMT-003: encrypted session_data object `obj`. `scratch` (scratch_cap bytes) holds the
 * unescaped ciphertext string while it is checked; give it at least the ciphertext's length (the
 * document's length always suffices), else the result is CIPHERTEXT / TOO_LONG. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires scratch_cap == 0 || \valid(scratch + (0 .. scratch_cap - 1));
  requires \valid(res);
  requires \separated(res, scratch + (0 .. scratch_cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                      doc->in + (0 .. doc->in_len - 1));
  requires \separated(scratch + (0 .. scratch_cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                      doc->in + (0 .. doc->in_len - 1));
  assigns *res, scratch[0 .. scratch_cap - 1];
  ensures bkf_result_wf(*res);
  behavior not_object:
    assumes doc->tok[obj].type != MXT_JSON_OBJECT;
    ensures res->member == MXT_BKF_M_ROOT && res->problem == MXT_BKF_P_WRONG_TYPE;
  behavior object:
    assumes doc->tok[obj].type == MXT_JSON_OBJECT;
    ensures bkf_result_ok(*res) || res->member == MXT_BKF_M_EPHEMERAL
         || res->member == MXT_BKF_M_CIPHERTEXT || res->member == MXT_BKF_M_MAC;
  complete behaviors;
  disjoint behaviors;
*/
void mxt_bkf_session_data(const mxt_json_doc *doc, uint32_t obj, uint8_t *scratch,
                          size_t scratch_cap, mxt_bkf_result *res);

/* BK-FMT-006/007: decrypted BackedUpSessionData object `obj`. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires \valid(res);
  requires \separated(res, doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns *res;
  ensures bkf_result_wf(*res);
  behavior not_object:
    assumes doc->tok[obj].type != MXT_JSON_OBJECT;
    ensures res->member == MXT_BKF_M_ROOT && res->problem == MXT_BKF_P_WRONG_TYPE;
  behavior object:
    assumes doc->tok[obj].type == MXT_JSON_OBJECT;
    ensures bkf_result_ok(*res) || MXT_BKF_M_SESSION_ALGORITHM <= res->member;
  complete behaviors;
  disjoint behaviors;
*/
void mxt_bkf_session_plain(const mxt_json_doc *doc, uint32_t obj, mxt_bkf_result *res);

/*@ assigns \nothing; */
const char *mxt_bkf_member_name(mxt_bkf_member m);
/*@ assigns \nothing; */
const char *mxt_bkf_problem_name(mxt_bkf_problem p);

#endif
