/*
 * mxtrust core: sender data of Megolm sessions and the display policies (SD-004..012).
 * Rules: spec/acsl/sd.h (included by relative path, since this header has the same name).
 * Inputs are facts the caller established: the device lookup, the verdicts of mxt_sig_check on the
 * device and cross-signing links, and the owner's identity level (xs_trust.h).
 */
#ifndef MXT_SD_H
#define MXT_SD_H

#include "sd_types.h"
#include "../spec/acsl/sd.h"

/*
 * SD-004 / SD-006 / SD-011: sender data of a session at reception (or at recalculation).
 * Imported sessions get legacy data without lookups; a found device with a bad self-signature or a
 * present but bad cross-signing signature discards the session; otherwise the first of: no device,
 * device not owning the session, device not cross-signed, owner verified / in violation / neither.
 */
/*@
  requires \valid_read(r) && \valid(out) && \separated(r, out);
  requires verdict_in_range(r->device_self_signature);
  requires verdict_in_range(r->master_signed_ssk) && verdict_in_range(r->ssk_signed_device);
  requires MXT_XS_ID_VERIFIED <= r->owner_identity <= MXT_XS_ID_UNPINNED;
  assigns *out;
  ensures sd_ok(*out);

  behavior imported:               // SD-006
    assumes reception_imported(*r);
    ensures \result == MXT_SD_ACCEPT;
    ensures out->kind == MXT_SD_UNKNOWN_DEVICE && out->legacy_session == 1
         && out->owner_check_failed == 0;
  behavior no_device:
    assumes reception_no_device(*r);
    ensures \result == MXT_SD_ACCEPT;
    ensures out->kind == MXT_SD_UNKNOWN_DEVICE && out->legacy_session == 0
         && out->owner_check_failed == 0;
  behavior tampered:               // SD-011
    assumes reception_tampered(*r);
    ensures \result == MXT_SD_DISCARD;
  behavior not_owner:
    assumes reception_not_owner(*r);
    ensures \result == MXT_SD_ACCEPT;
    ensures out->kind == MXT_SD_UNKNOWN_DEVICE && out->legacy_session == 0
         && out->owner_check_failed == 1;
  behavior device_info:
    assumes reception_device_info(*r);
    ensures \result == MXT_SD_ACCEPT;
    ensures out->kind == MXT_SD_DEVICE_INFO && out->legacy_session == 0;
  behavior sender_verified:
    assumes reception_cross_signed(*r) && r->owner_identity == MXT_XS_ID_VERIFIED;
    ensures \result == MXT_SD_ACCEPT && out->kind == MXT_SD_SENDER_VERIFIED;
  behavior verification_violation:  // XS-015 / SD-016
    assumes reception_cross_signed(*r) && r->owner_identity == MXT_XS_ID_VIOLATION;
    ensures \result == MXT_SD_ACCEPT && out->kind == MXT_SD_VERIFICATION_VIOLATION;
  behavior sender_unverified:       // TOFU: pinned, or not yet acknowledged
    assumes reception_cross_signed(*r)
         && (r->owner_identity == MXT_XS_ID_PINNED || r->owner_identity == MXT_XS_ID_UNPINNED);
    ensures \result == MXT_SD_ACCEPT && out->kind == MXT_SD_SENDER_UNVERIFIED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_sd_action mxt_sd_classify(const mxt_sd_reception *r, mxt_sender_data *out);

/* SD-007: sender data of a session stored before sender data existed (and of imports): legacy. */
/*@
  requires \valid(out);
  assigns *out;
  ensures sd_ok(*out) && out->kind == MXT_SD_UNKNOWN_DEVICE && out->legacy_session == 1
       && out->owner_check_failed == 0;
*/
void mxt_sd_legacy(mxt_sender_data *out);

/* SD-005: the trust number of a sender-data kind (0..4). */
/*@
  requires sd_kind_ok(kind);
  assigns \nothing;
  ensures \result == sd_trust(kind);
*/
int mxt_sd_trust(uint8_t kind);

/* SD-005: may this stored sender data be recalculated? */
/*@
  requires \valid_read(s) && sd_ok(*s);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> recalculable(*s);
*/
int mxt_sd_should_recalculate(const mxt_sender_data *s);

/* SD-005: does the recalculated `fresh` replace `stored`? Only when recalculable and strictly
 * more trusted. */
/*@
  requires \valid_read(stored) && \valid_read(fresh) && sd_ok(*stored) && sd_ok(*fresh);
  assigns \nothing;
  behavior replace:
    assumes replaced_by(*stored, *fresh);
    ensures \result == 1;
  behavior keep:
    assumes !replaced_by(*stored, *fresh);
    ensures \result == 0;
  complete behaviors;
  disjoint behaviors;
*/
int mxt_sd_should_replace(const mxt_sender_data *stored, const mxt_sender_data *fresh);

/* SD-008: verification state of an event decrypted with a session of sender data `s`.
 * `imported`: the session was imported; `sender_matches`: the user the sender data names is the
 * event's sender (ignored for UnknownDevice, which names nobody). */
/*@
  requires \valid_read(s) && sd_ok(*s);
  assigns \nothing;
  ensures \result == verification_state(*s, imported, sender_matches);

  behavior mismatched_sender:
    assumes names_user(*s) && sender_matches == 0;
    ensures \result == MXT_VS_MISMATCHED_SENDER;
  behavior matched:
    assumes !(names_user(*s) && sender_matches == 0);
    ensures \result != MXT_VS_MISMATCHED_SENDER;
  complete behaviors;
  disjoint behaviors;
*/
mxt_verification_state mxt_sd_verification_state(const mxt_sender_data *s, int imported,
                                                  int sender_matches);

/* SD-010 (seed 002): does `policy` show messages of a session with sender data `s`?
 * Sessions discarded for tampering (SD-011) never reach this. */
/*@
  requires \valid_read(s) && sd_ok(*s) && policy_ok(policy);
  assigns \nothing;
  behavior show_all:
    assumes policy == MXT_POLICY_SHOW_ALL;
    ensures \result == 1;
  behavior cross_signed_or_legacy_shown:
    assumes policy == MXT_POLICY_CROSS_SIGNED_OR_LEGACY && (sender_known(*s) || s->legacy_session != 0);
    ensures \result == 1;
  behavior cross_signed_or_legacy_hidden:
    assumes policy == MXT_POLICY_CROSS_SIGNED_OR_LEGACY && !sender_known(*s) && s->legacy_session == 0;
    ensures \result == 0;
  behavior cross_signed_shown:
    assumes policy == MXT_POLICY_CROSS_SIGNED && sender_known(*s);
    ensures \result == 1;
  behavior cross_signed_hidden:
    assumes policy == MXT_POLICY_CROSS_SIGNED && !sender_known(*s);
    ensures \result == 0;
  behavior paranoid_shown:
    assumes policy == MXT_POLICY_PARANOID && s->kind == MXT_SD_SENDER_VERIFIED;
    ensures \result == 1;
  behavior paranoid_hidden:
    assumes policy == MXT_POLICY_PARANOID && s->kind != MXT_SD_SENDER_VERIFIED;
    ensures \result == 0;
  complete behaviors;
  disjoint behaviors;
*/
int mxt_sd_policy_shows(mxt_sd_policy policy, const mxt_sender_data *s);

/* SD-009: the decrypt gate (RSDK TrustRequirement; PARANOID = Verified only) on an event's
 * verification state; `legacy_session` is the session's legacy flag. */
/*@
  requires policy_ok(policy) && state_ok(state);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  behavior untrusted:
    assumes policy == MXT_POLICY_SHOW_ALL;
    ensures \result == 1;
  behavior cross_signed_or_legacy:
    assumes policy == MXT_POLICY_CROSS_SIGNED_OR_LEGACY;
    ensures \result == 1 <==> (state_cross_signed(state)
                               || (state_unsigned_or_none(state) && legacy_session != 0));
  behavior cross_signed:
    assumes policy == MXT_POLICY_CROSS_SIGNED;
    ensures \result == 1 <==> state_cross_signed(state);
  behavior paranoid:
    assumes policy == MXT_POLICY_PARANOID;
    ensures \result == 1 <==> state == MXT_VS_VERIFIED;
  complete behaviors;
  disjoint behaviors;
*/
int mxt_sd_event_allowed(mxt_sd_policy policy, mxt_verification_state state, int legacy_session);

/* SD-012: merging a received copy of a stored session (ratchet x trust). */
/*@
  requires \valid_read(old) && \valid_read(fresh) && sd_ok(*old) && sd_ok(*fresh);
  requires MXT_RATCHET_UNCONNECTED <= ratchet <= MXT_RATCHET_WORSE;
  assigns \nothing;
  ensures \result == merge_result(ratchet, *old, *fresh);
  ensures (\result == MXT_MERGE_TAKE_NEW || \result == MXT_MERGE_OLD_RATCHET_NEW_SENDER)
          ==> sd_trust(fresh->kind) >= sd_trust(old->kind);
*/
mxt_merge_result mxt_sd_merge(mxt_ratchet_cmp ratchet, const mxt_sender_data *old,
                              const mxt_sender_data *fresh);

/*@ assigns \nothing; ensures \valid_read(\result); */
const char *mxt_sd_kind_name(mxt_sd_kind k);
/*@ assigns \nothing; ensures \valid_read(\result); */
const char *mxt_verification_state_name(mxt_verification_state v);

#endif
