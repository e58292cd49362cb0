/*
 * mxtrust core: checking one signature on a signed JSON object (spec appendix "Signing JSON",
 * "Checking for a signature"; rules SIG-001, SIG-003..007).
 *
 * The signing bytes of an object are its canonical JSON without the top-level "signatures" and
 * "unsigned" members. A signature is looked up at signatures[user][key_id] only: signatures stored
 * under any other user ID are never consulted (SIG-007). The outcome separates
 *   VALID     the signature is there and ed25519 accepts it for this key;
 *   MISSING   there is no signature by this key (nothing claims it was signed);
 *   INVALID   a well-formed signature is there and ed25519 rejects it (evidence of tampering);
 *   MALFORMED something is there but cannot be a signature (wrong type, bad base64, wrong length),
 * and a reason that says which step decided.
 */
#ifndef MXT_SIGNED_JSON_H
#define MXT_SIGNED_JSON_H

#include "json.h"

typedef enum {
    MXT_SIG_VALID = 0,
    MXT_SIG_MISSING = 1,
    MXT_SIG_INVALID = 2,
    MXT_SIG_MALFORMED = 3
} mxt_sig_verdict;

typedef enum {
    MXT_SIGR_OK = 0,                /* VALID */
    MXT_SIGR_NOT_OBJECT,            /* MALFORMED: the signed value is not an object */
    MXT_SIGR_NO_SIGNATURES,         /* MISSING: no "signatures" member */
    MXT_SIGR_SIGNATURES_NOT_OBJECT, /* MALFORMED: "signatures" is not an object */
    MXT_SIGR_NO_USER,               /* MISSING: no entry for this user */
    MXT_SIGR_USER_NOT_OBJECT,       /* MALFORMED: signatures[user] is not an object */
    MXT_SIGR_NO_KEY,                /* MISSING: no entry for this key ID */
    MXT_SIGR_SIG_NOT_STRING,        /* MALFORMED: the signature is not a string */
    MXT_SIGR_SIG_BASE64,            /* MALFORMED: the signature is not base64 */
    MXT_SIGR_SIG_LENGTH,            /* MALFORMED: the signature does not decode to 64 bytes */
    MXT_SIGR_BAD_KEY_ID,            /* MALFORMED: the key ID is not "ed25519:<id>" (SIG-002) */
    MXT_SIGR_CANON,                 /* MALFORMED: the signing bytes do not fit the scratch buffer */
    MXT_SIGR_ED25519_REJECTED       /* INVALID: ed25519 verification failed */
} mxt_sig_reason;

typedef struct {
    mxt_sig_verdict verdict;
    mxt_sig_reason  reason;
    /* The evidence behind VALID/INVALID: the decoded signature and the length of the signing bytes
     * left in the caller's scratch buffer (0 and unspecified bytes for the other verdicts). */
    uint8_t         sig[64];
    size_t          signed_len;
} mxt_sig_result;

#include "sig.h"   /* spec/acsl/sig.h: SIG-001..007 as ACSL (annotations only) */

/*
 * Checks signatures[user][key_id] of object token `obj` against the 32-byte ed25519 public key `pk`.
 * `scratch` (caller-owned, `scratch_cap` bytes) receives the signing bytes; when it is too small the
 * verdict is MALFORMED/MXT_SIGR_CANON and *scratch_needed (if not NULL) is the length needed.
 * Otherwise *scratch_needed is the length of the signing bytes when they were computed, else 0.
 * The steps run in the order of the reasons above: key ID, object, lookup, signature string,
 * base64 (lenient, padded or not, SIG-006), 64 bytes, signing bytes, ed25519. A signature string
 * longer than 96 bytes counts as MXT_SIGR_SIG_LENGTH without being decoded.
 * Returns MXT_OK whenever a verdict was reached (including MISSING/INVALID/MALFORMED); MXT_E_ARG
 * only for arguments outside the contract.
 */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires user_len == 0 || \valid_read(user + (0 .. user_len - 1));
  requires \valid_read(key_id + (0 .. key_id_len - 1)) || key_id_len == 0;
  requires \valid_read(pk + (0 .. 31));
  requires scratch_cap == 0 || \valid(scratch + (0 .. scratch_cap - 1));
  requires scratch_needed == \null || \valid(scratch_needed);
  requires \valid(res);
  requires \separated(res, scratch + (0 .. scratch_cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1), pk + (0 .. 31), user + (0 .. user_len - 1),
                       key_id + (0 .. key_id_len - 1));
  requires \separated(scratch + (0 .. scratch_cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1), pk + (0 .. 31));
  requires scratch_needed != \null ==>
           \separated(scratch_needed, res, scratch + (0 .. scratch_cap - 1), doc,
                       doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1),
                       pk + (0 .. 31));
  assigns *res, scratch[0 .. scratch_cap - 1], *scratch_needed;
  ensures \result == MXT_OK;
  ensures sig_verdict_reason(res->verdict, res->reason);

  behavior bad_key_id:        // SIG-002
    assumes !sig_key_id_ok(key_id, key_id_len);
    ensures res->verdict == MXT_SIG_MALFORMED && res->reason == MXT_SIGR_BAD_KEY_ID;
  behavior not_object:        // SIG-001: only objects are signed
    assumes sig_key_id_ok(key_id, key_id_len) && doc->tok[obj].type != MXT_JSON_OBJECT;
    ensures res->verdict == MXT_SIG_MALFORMED && res->reason == MXT_SIGR_NOT_OBJECT;
  behavior checked:           // SIG-003, SIG-005, SIG-007
    assumes sig_key_id_ok(key_id, key_id_len) && doc->tok[obj].type == MXT_JSON_OBJECT;
    ensures res->reason != MXT_SIGR_BAD_KEY_ID && res->reason != MXT_SIGR_NOT_OBJECT;
    ensures res->verdict == MXT_SIG_VALID ==>
            res->signed_len <= scratch_cap
         && signed_by(&res->sig[0], scratch, res->signed_len, pk);
    ensures res->verdict == MXT_SIG_INVALID ==>
            res->signed_len <= scratch_cap
         && !signed_by(&res->sig[0], scratch, res->signed_len, pk);
    ensures (res->verdict == MXT_SIG_VALID || res->verdict == MXT_SIG_INVALID) ==>
            scratch_needed != \null ==> *scratch_needed == res->signed_len;
    ensures res->verdict == MXT_SIG_MISSING || res->verdict == MXT_SIG_MALFORMED ==>
            res->signed_len == 0;
    ensures res->reason == MXT_SIGR_CANON && scratch_needed != \null ==>
            *scratch_needed > scratch_cap || *scratch_needed == 0;
  complete behaviors;
  disjoint behaviors;
*/
mxt_status mxt_sig_check(const mxt_json_doc *doc, uint32_t obj,
                         const uint8_t *user, size_t user_len,
                         const uint8_t *key_id, size_t key_id_len,
                         const uint8_t pk[32],
                         uint8_t *scratch, size_t scratch_cap, size_t *scratch_needed,
                         mxt_sig_result *res);

/* Stable lower-case names for printing ("valid", "missing", ...; "no_signatures", ...). */
/*@ assigns \nothing; */
const char *mxt_sig_verdict_name(mxt_sig_verdict v);
/*@ assigns \nothing; */
const char *mxt_sig_reason_name(mxt_sig_reason r);

#endif
