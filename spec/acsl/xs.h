/*
 * Cross-signing rules as ACSL logic (rule IDs from spec/RULES.md, section XS).
 *
 *  XS-001  a cross-signing key has exactly one key, named "ed25519:<unpadded base64>", whose
 *          value is that same public key (32 bytes); user_id is the owner.
 *  XS-002  usage is exactly [role]. The spec says "contains"; matrix-rust-sdk requires a single
 *          element equal to the role, Synapse only containment. The harness follows the SDK: a
 *          key with extra roles is refused with its own reason, so the divergence stays visible.
 *  XS-006  another user's device is trusted only through the whole chain own master -> own USK
 *          -> their master -> their SSK -> their device.
 *  XS-007  an own device is trusted if the own master is trusted and master -> SSK -> device.
 *          A present but INVALID or MALFORMED signature on any link is evidence of tampering,
 *          which is not the same outcome as a MISSING one (seed 002, SD-011).
 *  XS-015  a master key change of a previously verified identity is a verification violation.
 */
#ifndef MXT_SPEC_XS_H
#define MXT_SPEC_XS_H

#include "xs_types.h"

/*@
  // ---- XS-001 / XS-002: one key object ------------------------------------------------------

  // XS-002 (SDK reading): usage is the array [role], nothing else.
  predicate usage_is_exactly_role(mxt_xs_key_facts f) =
    f.usage == MXT_XSF_MATCH && f.usage_nonstring == 0 && f.usage_len == 1 && f.usage_role == 1;

  // XS-001: the single key's value is 32 bytes in strict unpadded base64 (43 characters).
  predicate key_value_is_ed25519_public_key(mxt_xs_key_facts f) =
    f.value_string == 1 && f.value_b64 == 1 && f.decoded_len == 32 && f.value_len == 43;

  // XS-001: the key is named after itself: "ed25519:" followed by exactly the value.
  predicate key_named_after_itself(mxt_xs_key_facts f) = f.id_ed25519 == 1 && f.id_matches == 1;

  predicate cross_signing_key_acceptable(mxt_xs_key_facts f) =
       f.is_object == 1
    && f.user == MXT_XSF_MATCH
    && usage_is_exactly_role(f)
    && f.keys == MXT_XSF_MATCH && f.keys_len == 1
    && key_value_is_ed25519_public_key(f)
    && key_named_after_itself(f);

  // Which check refuses the key, in the order they are reported (first failing check wins).
  logic integer xsk_reason(mxt_xs_key_facts f) =
      f.is_object != 1                     ? MXT_XSK_NOT_OBJECT
    : f.user == MXT_XSF_ABSENT             ? MXT_XSK_NO_USER_ID
    : f.user == MXT_XSF_BAD_TYPE           ? MXT_XSK_USER_ID_TYPE
    : f.user != MXT_XSF_MATCH              ? MXT_XSK_WRONG_USER
    : f.usage == MXT_XSF_ABSENT            ? MXT_XSK_NO_USAGE
    : f.usage != MXT_XSF_MATCH             ? MXT_XSK_USAGE_TYPE
    : f.usage_nonstring != 0               ? MXT_XSK_USAGE_TYPE
    : f.usage_role == 0                    ? MXT_XSK_WRONG_USAGE
    : f.usage_len != 1 || f.usage_role != 1 ? MXT_XSK_USAGE_EXTRA
    : f.keys == MXT_XSF_ABSENT             ? MXT_XSK_NO_KEYS
    : f.keys != MXT_XSF_MATCH              ? MXT_XSK_KEYS_TYPE
    : f.keys_len == 0                      ? MXT_XSK_NO_KEYS
    : f.keys_len > 1                       ? MXT_XSK_SEVERAL_KEYS
    : f.value_string != 1                  ? MXT_XSK_KEY_VALUE_TYPE
    : f.value_b64 != 1                     ? MXT_XSK_KEY_BASE64
    : f.decoded_len != 32                  ? MXT_XSK_KEY_LENGTH
    : f.value_len != 43                    ? MXT_XSK_KEY_PADDED
    : f.id_ed25519 != 1                    ? MXT_XSK_KEY_ALGORITHM
    : f.id_matches != 1                    ? MXT_XSK_KEY_ID_MISMATCH
    : MXT_XSK_OK;

  // The reason list is exhaustive: "no reason" is exactly "acceptable".
  lemma xsk_reason_ok_iff_acceptable: \forall mxt_xs_key_facts f;
    xsk_reason(f) == MXT_XSK_OK <==> cross_signing_key_acceptable(f);

  // XS-002 divergence made explicit: a Synapse-accepted usage with extra roles is refused here,
  // and with a reason that is not "wrong usage".
  lemma extra_roles_refused: \forall mxt_xs_key_facts f;
    f.is_object == 1 && f.user == MXT_XSF_MATCH && f.usage == MXT_XSF_MATCH
    && f.usage_nonstring == 0 && f.usage_role >= 1 && f.usage_len > 1
      ==> xsk_reason(f) == MXT_XSK_USAGE_EXTRA;

  // ---- XS-006 / XS-007: chains of signature verdicts -----------------------------------------

  predicate link_valid(integer v)    = v == MXT_SIG_VALID;
  predicate link_missing(integer v)  = v == MXT_SIG_MISSING;
  // A signature that is there but does not verify, or cannot be a signature: tampering.
  predicate link_tampered(integer v) = v == MXT_SIG_INVALID || v == MXT_SIG_MALFORMED;
  predicate verdict_in_range(integer v) = MXT_SIG_VALID <= v <= MXT_SIG_MALFORMED;

  // XS-007
  predicate own_device_cross_signed(mxt_xs_own_chain c) =
    c.own_master_trusted != 0 && link_valid(c.master_signed_ssk) && link_valid(c.ssk_signed_device);
  predicate own_chain_tampered(mxt_xs_own_chain c) =
    link_tampered(c.master_signed_ssk) || link_tampered(c.ssk_signed_device);
  predicate own_chain_incomplete(mxt_xs_own_chain c) =
    !own_chain_tampered(c) && (link_missing(c.master_signed_ssk) || link_missing(c.ssk_signed_device));
  predicate own_chain_links_valid(mxt_xs_own_chain c) =
    link_valid(c.master_signed_ssk) && link_valid(c.ssk_signed_device);

  // XS-006
  predicate other_chain_links_valid(mxt_xs_other_chain c) =
       link_valid(c.own_master_signed_usk) && link_valid(c.usk_signed_their_master)
    && link_valid(c.their_master_signed_ssk) && link_valid(c.their_ssk_signed_device);
  predicate chain_to_other_device_holds(mxt_xs_other_chain c) =
    c.own_master_trusted != 0 && other_chain_links_valid(c);
  predicate other_chain_tampered(mxt_xs_other_chain c) =
       link_tampered(c.own_master_signed_usk) || link_tampered(c.usk_signed_their_master)
    || link_tampered(c.their_master_signed_ssk) || link_tampered(c.their_ssk_signed_device);
  predicate other_chain_incomplete(mxt_xs_other_chain c) =
    !other_chain_tampered(c)
    && (link_missing(c.own_master_signed_usk) || link_missing(c.usk_signed_their_master)
        || link_missing(c.their_master_signed_ssk) || link_missing(c.their_ssk_signed_device));

  // No link can be skipped: if any one link is not VALID, the other device is not trusted.
  lemma other_chain_needs_every_link: \forall mxt_xs_other_chain c;
    chain_to_other_device_holds(c) ==>
      c.own_master_signed_usk == MXT_SIG_VALID && c.usk_signed_their_master == MXT_SIG_VALID
      && c.their_master_signed_ssk == MXT_SIG_VALID && c.their_ssk_signed_device == MXT_SIG_VALID;

  // A tampered chain is never a trusted chain.
  lemma tampered_never_trusted: \forall mxt_xs_other_chain c;
    other_chain_tampered(c) ==> !chain_to_other_device_holds(c);

  // ---- XS-015 / SD-016: identity trust levels ------------------------------------------------

  // Another user's identity is verified now iff own (trusted) master -> own USK -> their master.
  predicate identity_verified_now(mxt_xs_other_chain c) =
    c.own_master_trusted != 0 && link_valid(c.own_master_signed_usk)
    && link_valid(c.usk_signed_their_master);

  predicate identity_verified(mxt_xs_identity_facts f) = f.verified_now != 0;
  // XS-015: verified once, not any more (its master key changed, or our signature on it went).
  predicate identity_in_violation(mxt_xs_identity_facts f) =
    f.verified_now == 0 && f.previously_verified != 0;
  predicate identity_pinned(mxt_xs_identity_facts f) =
    f.verified_now == 0 && f.previously_verified == 0 && f.master_is_pinned != 0;
  predicate identity_unpinned(mxt_xs_identity_facts f) =
    f.verified_now == 0 && f.previously_verified == 0 && f.master_is_pinned == 0;

  // The "previously verified" latch only ever goes up.
  logic integer latch(integer previously, integer now) = (previously != 0 || now != 0) ? 1 : 0;
  lemma latch_monotone: \forall integer p, n; p != 0 ==> latch(p, n) == 1;
  lemma latch_records_now: \forall integer p, n; n != 0 ==> latch(p, n) == 1;
*/

#endif
