/*
 * mxtrust core: cross-signing chain decisions (XS-006, XS-007) and identity trust levels (XS-015,
 * SD-016). The inputs are the verdicts of mxt_sig_check on each link, computed by the caller; the
 * functions here decide what the links mean. Rules: spec/acsl/xs.h.
 */
#ifndef MXT_XS_TRUST_H
#define MXT_XS_TRUST_H

#include "xs_types.h"
#include "xs.h"

/*
 * XS-007: is an own device cross-signing-trusted? Tampering on any link is reported first, then a
 * missing signature, then an untrusted own master key.
 */
/*@
  requires \valid_read(c);
  requires verdict_in_range(c->master_signed_ssk) && verdict_in_range(c->ssk_signed_device);
  assigns \nothing;

  behavior trusted:
    assumes own_device_cross_signed(*c);
    ensures \result == MXT_XSC_TRUSTED;
  behavior tampered:
    assumes own_chain_tampered(*c);
    ensures \result == MXT_XSC_TAMPERED;
  behavior not_signed:
    assumes own_chain_incomplete(*c);
    ensures \result == MXT_XSC_NOT_SIGNED;
  behavior root_untrusted:
    assumes own_chain_links_valid(*c) && c->own_master_trusted == 0;
    ensures \result == MXT_XSC_ROOT_UNTRUSTED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_xs_chain_result mxt_xs_own_device_trust(const mxt_xs_own_chain *c);

/* XS-006: is another user's device trusted through the whole chain? Same precedence. */
/*@
  requires \valid_read(c);
  requires verdict_in_range(c->own_master_signed_usk) && verdict_in_range(c->usk_signed_their_master);
  requires verdict_in_range(c->their_master_signed_ssk) && verdict_in_range(c->their_ssk_signed_device);
  assigns \nothing;

  behavior trusted:
    assumes chain_to_other_device_holds(*c);
    ensures \result == MXT_XSC_TRUSTED;
  behavior tampered:
    assumes other_chain_tampered(*c);
    ensures \result == MXT_XSC_TAMPERED;
  behavior not_signed:
    assumes other_chain_incomplete(*c);
    ensures \result == MXT_XSC_NOT_SIGNED;
  behavior root_untrusted:
    assumes other_chain_links_valid(*c) && c->own_master_trusted == 0;
    ensures \result == MXT_XSC_ROOT_UNTRUSTED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_xs_chain_result mxt_xs_other_device_trust(const mxt_xs_other_chain *c);

/* Is the other user's identity verified now (the first three links of the XS-006 chain)? */
/*@
  requires \valid_read(c);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> identity_verified_now(*c);
*/
int mxt_xs_identity_verified(const mxt_xs_other_chain *c);

/* The "previously verified" latch after observing verified_now (XS-015): it never goes down. */
/*@
  assigns \nothing;
  ensures \result == latch(previously, now);
*/
uint8_t mxt_xs_latch(uint8_t previously, uint8_t now);

/* XS-015 / SD-016: the trust level of another user's identity. */
/*@
  requires \valid_read(f);
  assigns \nothing;

  behavior verified:
    assumes identity_verified(*f);
    ensures \result == MXT_XS_ID_VERIFIED;
  behavior violation:
    assumes identity_in_violation(*f);
    ensures \result == MXT_XS_ID_VIOLATION;
  behavior pinned:
    assumes identity_pinned(*f);
    ensures \result == MXT_XS_ID_PINNED;
  behavior unpinned:
    assumes identity_unpinned(*f);
    ensures \result == MXT_XS_ID_UNPINNED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_xs_identity_level mxt_xs_identity_level_of(const mxt_xs_identity_facts *f);

/* Stable names for reports. */
/*@ assigns \nothing; ensures \valid_read(\result); */
const char *mxt_xs_chain_result_name(mxt_xs_chain_result r);
/*@ assigns \nothing; ensures \valid_read(\result); */
const char *mxt_xs_identity_level_name(mxt_xs_identity_level l);

#endif
