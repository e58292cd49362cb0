/*
 * Sender-data ("invisible crypto") rules as ACSL logic (spec/RULES.md, section SD).
 *
 *  SD-004  sender data assigned when a Megolm session is received (RSDK SenderDataFinder).
 *  SD-005  trust order UnknownDevice < DeviceInfo < VerificationViolation < SenderUnverified <
 *          SenderVerified; only the first three are recalculated, and a recalculated value
 *          replaces the stored one only when strictly more trusted.
 *  SD-006  imported sessions are legacy and their owner check always fails.
 *  SD-007  sessions stored without sender data are legacy.
 *  SD-008  verification state of a decrypted event (MismatchedSender first).
 *  SD-009  TrustRequirement decrypt gate; SD-010 seed 002 display policies ("paranoid" has no
 *          RSDK variant: verified senders only).
 *  SD-011  tampering (a present but bad device or cross-signing signature) discards the session
 *          under every policy.
 *  SD-012  merging a received copy of a stored session: ratchet x trust.
 */
#ifndef MXT_SPEC_SD_H
#define MXT_SPEC_SD_H

#include "sd_types.h"
#include "xs.h"

/*@
  predicate sd_kind_ok(integer k) = MXT_SD_UNKNOWN_DEVICE <= k <= MXT_SD_SENDER_VERIFIED;
  // Well-formed sender data (RSDK's variants): only UnknownDevice and DeviceInfo carry the legacy
  // flag, only UnknownDevice the owner-check flag.
  predicate sd_ok(mxt_sender_data s) =
    sd_kind_ok(s.kind) && (s.legacy_session == 0 || s.legacy_session == 1)
    && (s.owner_check_failed == 0 || s.owner_check_failed == 1)
    && (s.legacy_session == 1 ==> (s.kind == MXT_SD_UNKNOWN_DEVICE || s.kind == MXT_SD_DEVICE_INFO))
    && (s.owner_check_failed == 1 ==> s.kind == MXT_SD_UNKNOWN_DEVICE);
  predicate policy_ok(integer p) = MXT_POLICY_SHOW_ALL <= p <= MXT_POLICY_PARANOID;
  predicate state_ok(integer v) = MXT_VS_VERIFIED <= v <= MXT_VS_MISMATCHED_SENDER;

  // ---- SD-005: trust order ---------------------------------------------------------------------
  logic integer sd_trust(integer k) =
      k == MXT_SD_UNKNOWN_DEVICE         ? 0
    : k == MXT_SD_DEVICE_INFO            ? 1
    : k == MXT_SD_VERIFICATION_VIOLATION ? 2
    : k == MXT_SD_SENDER_UNVERIFIED      ? 3
    : 4;

  predicate more_trusted(mxt_sender_data a, mxt_sender_data b) = sd_trust(a.kind) > sd_trust(b.kind);

  lemma more_trusted_irreflexive: \forall mxt_sender_data a; !more_trusted(a, a);
  lemma more_trusted_asymmetric: \forall mxt_sender_data a, b;
    more_trusted(a, b) ==> !more_trusted(b, a);
  lemma more_trusted_transitive: \forall mxt_sender_data a, b, c;
    more_trusted(a, b) && more_trusted(b, c) ==> more_trusted(a, c);

  // Sender data that may still gain trust from a new device or identity lookup.
  predicate recalculable(mxt_sender_data s) =
    s.kind == MXT_SD_UNKNOWN_DEVICE || s.kind == MXT_SD_DEVICE_INFO
    || s.kind == MXT_SD_VERIFICATION_VIOLATION;

  predicate replaced_by(mxt_sender_data stored, mxt_sender_data fresh) =
    recalculable(stored) && more_trusted(fresh, stored);

  // Recalculation never lowers trust, and never touches SenderUnverified / SenderVerified.
  lemma replacement_raises_trust: \forall mxt_sender_data s, f;
    replaced_by(s, f) ==> sd_trust(f.kind) > sd_trust(s.kind);
  lemma known_sender_is_final: \forall mxt_sender_data s, f;
    (s.kind == MXT_SD_SENDER_UNVERIFIED || s.kind == MXT_SD_SENDER_VERIFIED) ==> !replaced_by(s, f);

  // ---- SD-004 / SD-006 / SD-011: classification at reception -----------------------------------
  predicate device_cross_signed_by_owner(mxt_sd_reception r) =
    link_valid(r.master_signed_ssk) && link_valid(r.ssk_signed_device);

  // SD-011: a found device whose own signature is not valid, or a cross-signing signature that is
  // present but bad. (A MISSING cross-signing signature is only "not cross-signed".)
  predicate reception_tampered(mxt_sd_reception r) =
    r.imported == 0 && r.device_found != 0
    && (!link_valid(r.device_self_signature)
        || link_tampered(r.master_signed_ssk) || link_tampered(r.ssk_signed_device));

  predicate reception_imported(mxt_sd_reception r) = r.imported != 0;
  predicate reception_no_device(mxt_sd_reception r) = r.imported == 0 && r.device_found == 0;
  predicate reception_not_owner(mxt_sd_reception r) =
    r.imported == 0 && r.device_found != 0 && !reception_tampered(r) && r.device_owned_by_sender == 0;
  predicate reception_owned(mxt_sd_reception r) =
    r.imported == 0 && r.device_found != 0 && !reception_tampered(r) && r.device_owned_by_sender != 0;
  predicate reception_device_info(mxt_sd_reception r) =
    reception_owned(r) && !device_cross_signed_by_owner(r);
  predicate reception_cross_signed(mxt_sd_reception r) =
    reception_owned(r) && device_cross_signed_by_owner(r);

  // ---- SD-008: verification state of a decrypted event ----------------------------------------
  // Sender data other than UnknownDevice names a user; MismatchedSender when it is not the sender.
  predicate names_user(mxt_sender_data s) = s.kind != MXT_SD_UNKNOWN_DEVICE;

  logic integer verification_state(mxt_sender_data s, integer imported, integer sender_matches) =
      s.kind != MXT_SD_UNKNOWN_DEVICE && sender_matches == 0 ? MXT_VS_MISMATCHED_SENDER
    : s.kind == MXT_SD_UNKNOWN_DEVICE && s.owner_check_failed != 0 ? MXT_VS_INSECURE_SOURCE
    : s.kind == MXT_SD_UNKNOWN_DEVICE && imported != 0  ? MXT_VS_INSECURE_SOURCE
    : s.kind == MXT_SD_UNKNOWN_DEVICE                   ? MXT_VS_MISSING_DEVICE
    : s.kind == MXT_SD_DEVICE_INFO                      ? MXT_VS_UNSIGNED_DEVICE
    : s.kind == MXT_SD_VERIFICATION_VIOLATION           ? MXT_VS_VERIFICATION_VIOLATION
    : s.kind == MXT_SD_SENDER_UNVERIFIED                ? MXT_VS_UNVERIFIED_IDENTITY
    : MXT_VS_VERIFIED;

  // ---- SD-009 / SD-010: policies -------------------------------------------------------------
  // Seed 002, over the session's sender data ("SenderKnown" = cross-signed, not in violation).
  predicate sender_known(mxt_sender_data s) =
    s.kind == MXT_SD_SENDER_UNVERIFIED || s.kind == MXT_SD_SENDER_VERIFIED;

  predicate session_shown(integer p, mxt_sender_data s) =
       p == MXT_POLICY_SHOW_ALL
    || (p == MXT_POLICY_CROSS_SIGNED_OR_LEGACY && (sender_known(s) || s.legacy_session != 0))
    || (p == MXT_POLICY_CROSS_SIGNED && sender_known(s))
    || (p == MXT_POLICY_PARANOID && s.kind == MXT_SD_SENDER_VERIFIED);

  // SD-009 (RSDK TrustRequirement), over the event's verification state; PARANOID = Verified only.
  predicate state_cross_signed(integer v) = v == MXT_VS_VERIFIED || v == MXT_VS_UNVERIFIED_IDENTITY;
  predicate state_unsigned_or_none(integer v) =
    v == MXT_VS_UNSIGNED_DEVICE || v == MXT_VS_MISSING_DEVICE || v == MXT_VS_INSECURE_SOURCE;

  predicate event_allowed(integer p, integer v, integer legacy) =
       p == MXT_POLICY_SHOW_ALL
    || (p == MXT_POLICY_CROSS_SIGNED_OR_LEGACY
        && (state_cross_signed(v) || (state_unsigned_or_none(v) && legacy != 0)))
    || (p == MXT_POLICY_CROSS_SIGNED && state_cross_signed(v))
    || (p == MXT_POLICY_PARANOID && v == MXT_VS_VERIFIED);

  // The seed 002 policies and the SDK's gate agree on every event whose sender is not mismatched:
  // the two tables describe the same rule.
  lemma seed_show_all_agrees:
    \forall integer imported, mxt_sender_data s;
      event_allowed(MXT_POLICY_SHOW_ALL, verification_state(s, imported, 1), s.legacy_session)
      <==> session_shown(MXT_POLICY_SHOW_ALL, s);
  lemma seed_cross_signed_or_legacy_agrees:
    \forall integer imported, mxt_sender_data s; sd_ok(s) ==>
      (event_allowed(MXT_POLICY_CROSS_SIGNED_OR_LEGACY, verification_state(s, imported, 1),
                     s.legacy_session)
       <==> session_shown(MXT_POLICY_CROSS_SIGNED_OR_LEGACY, s));
  lemma seed_cross_signed_agrees:
    \forall integer imported, mxt_sender_data s; sd_ok(s) ==>
      (event_allowed(MXT_POLICY_CROSS_SIGNED, verification_state(s, imported, 1), s.legacy_session)
       <==> session_shown(MXT_POLICY_CROSS_SIGNED, s));
  lemma seed_paranoid_agrees:
    \forall integer imported, mxt_sender_data s; sd_ok(s) ==>
      (event_allowed(MXT_POLICY_PARANOID, verification_state(s, imported, 1), s.legacy_session)
       <==> session_shown(MXT_POLICY_PARANOID, s));

  // Each policy is at least as strict as the previous one (policies are nested).
  lemma policies_nested: \forall integer v, legacy;
       (event_allowed(MXT_POLICY_PARANOID, v, legacy)
          ==> event_allowed(MXT_POLICY_CROSS_SIGNED, v, legacy))
    && (event_allowed(MXT_POLICY_CROSS_SIGNED, v, legacy)
          ==> event_allowed(MXT_POLICY_CROSS_SIGNED_OR_LEGACY, v, legacy))
    && (event_allowed(MXT_POLICY_CROSS_SIGNED_OR_LEGACY, v, legacy)
          ==> event_allowed(MXT_POLICY_SHOW_ALL, v, legacy));

  // ---- SD-012: merge --------------------------------------------------------------------------
  logic integer merge_result(integer ratchet, mxt_sender_data old, mxt_sender_data fresh) =
      ratchet == MXT_RATCHET_UNCONNECTED ? MXT_MERGE_DISCARD
    : ratchet == MXT_RATCHET_BETTER
        ? (sd_trust(fresh.kind) >= sd_trust(old.kind) ? MXT_MERGE_TAKE_NEW
                                                      : MXT_MERGE_NEW_RATCHET_OLD_SENDER)
    : ratchet == MXT_RATCHET_EQUAL
        ? (sd_trust(fresh.kind) > sd_trust(old.kind) ? MXT_MERGE_TAKE_NEW : MXT_MERGE_KEEP_OLD)
    : (sd_trust(fresh.kind) > sd_trust(old.kind) ? MXT_MERGE_OLD_RATCHET_NEW_SENDER
                                                 : MXT_MERGE_KEEP_OLD);

  // The sender data a merge keeps is never less trusted than the stored one (a backup import can
  // lower the first known index, never the sender's trust).
  lemma merge_never_lowers_trust: \forall integer r, mxt_sender_data o, f;
    (merge_result(r, o, f) == MXT_MERGE_TAKE_NEW
     || merge_result(r, o, f) == MXT_MERGE_OLD_RATCHET_NEW_SENDER)
      ==> sd_trust(f.kind) >= sd_trust(o.kind);
*/

#endif
