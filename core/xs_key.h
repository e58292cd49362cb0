/*
 * mxtrust core: validation of one cross-signing key object (XS-001, XS-002).
 *
 * A key object {"user_id", "usage", "keys", "signatures"?} is accepted for (user, role) when:
 * user_id is the user; usage is exactly [role] (matrix-rust-sdk; Synapse only checks that the role
 * is contained, so ["master","self_signing"] is refused here with MXT_XSK_USAGE_EXTRA); keys has
 * exactly one member, named "ed25519:" + its value, and the value is the 43-character unpadded,
 * strict base64 of 32 bytes (non-zero trailing bits are refused: a 32-byte key has one encoding).
 * Checks run in a fixed order and the first failing one is reported (spec/acsl/xs.h, xsk_reason).
 *
 * The function reads the document into facts (mxt_xs_key_facts) and decides on the facts alone:
 * the decision is proved against the rule; the reading is proved free of runtime errors and its
 * faithfulness is tested (core/tests/test_xs.c, vectors/XS.json).
 */
#ifndef MXT_XS_KEY_H
#define MXT_XS_KEY_H

#include "json.h"
#include "xs_types.h"
#include "xs.h"

/*@
  requires \valid_read(f);
  assigns \nothing;
  ensures \result == xsk_reason(*f);
  behavior acceptable:
    assumes cross_signing_key_acceptable(*f);
    ensures \result == MXT_XSK_OK;
  behavior refused:
    assumes !cross_signing_key_acceptable(*f);
    ensures \result != MXT_XSK_OK;
  complete behaviors;
  disjoint behaviors;
*/
mxt_xsk_reason mxt_xs_key_decide(const mxt_xs_key_facts *f);

/*
 * Validates key object token `obj` of `doc` for `user` (raw UTF-8, compared with the unescaped
 * user_id) and `role`. Fills *facts. On MXT_XSK_OK, pk[0..32) is the public key; otherwise pk is
 * all zero (emit_key's contract states it; the prover did not close it at this level in time, so
 * it is checked by test_xs.c, not claimed here).
 */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires user_len == 0 || \valid_read(user + (0 .. user_len - 1));
  requires role == MXT_XS_MASTER || role == MXT_XS_SELF_SIGNING || role == MXT_XS_USER_SIGNING;
  requires \valid(pk + (0 .. 31)) && \valid(facts);
  requires \separated(pk + (0 .. 31), facts, doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  requires \separated(facts, pk + (0 .. 31));
  assigns pk[0 .. 31], *facts;
  ensures \result == xsk_reason(*facts);
  ensures \result == MXT_XSK_OK <==> cross_signing_key_acceptable(*facts);
*/
mxt_xsk_reason mxt_xs_key_check(const mxt_json_doc *doc, uint32_t obj,
                                const uint8_t *user, size_t user_len, mxt_xs_role role,
                                uint8_t pk[32], mxt_xs_key_facts *facts);

/* Stable name of a reason ("WRONG_USAGE"), as used in vectors/XS.json. */
/*@ assigns \nothing; ensures \valid_read(\result); */
const char *mxt_xsk_reason_name(mxt_xsk_reason r);

#endif
