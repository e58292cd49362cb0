/*
 * Client-side decisions that sit around the trust rules (spec/RULES.md), as ACSL logic. Each is a
 * small step a client takes between the big decisions (BK-TRUST-012, SD-004, XS-006/007):
 *
 *  SIG-008        refuse to verify a user one of whose device IDs equals one of their
 *                 cross-signing public keys (one namespace, "ed25519:<id>").
 *  XS-016         trust migrated from a verified device to a master key it signed: automatic only
 *                 for the first master key seen for that user, otherwise the user confirms.
 *  BK-BETTER-010  the metadata a client sends with a backed-up key, from the session's facts.
 *  BK-TRUST-009   what a client does with the answer to a key upload.
 *  BK-TRUST-013   whether a re-fetched backup needs a new trust decision.
 *  BK-TRUST-014, SD-001, SD-007, SD-017
 *                 how a Megolm session is taken in, by the way it arrived.
 *  BK-TRUST-015   the m.key_backup account-data preference.
 *  BK-FMT-011     the m.megolm_backup.v1 secret: base64 (padded or not) of exactly 32 bytes.
 *  SKB-001, SKB-007 (seed 001)
 *                 the backup signing key's secret name; adding the key means a new version.
 *  SD-014         the shield shown for a verification state, strict and lax.
 *  SD-015         which devices receive room keys (MSC4153).
 *  SD-018         a session restored from backup is shareable only when its shared_history is true.
 */
#ifndef MXT_ACSL_CLIENT_FLOW_H
#define MXT_ACSL_CLIENT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bk_better.h"   /* spec/acsl/bk_better.h: mxt_bk_rank */
#include "sd_types.h"

/* ---- types --------------------------------------------------------------------------------- */

/* SIG-008: the key being verified, at the start of the verification and at its end. */
typedef enum {
    MXT_CF_VK_SAME = 0,          /* the same public key: the verification may be recorded */
    MXT_CF_VK_CHANGED,           /* another public key now: abort */
    MXT_CF_VK_GONE               /* no such key now: abort */
} mxt_cf_verified_key;

/* XS-016 */
typedef enum {
    MXT_CF_MK_TRUST_FIRST = 0,   /* first master key seen, signed by a verified device: trusted */
    MXT_CF_MK_TRUST_CONFIRMED,   /* a later master key, signed by a verified device, user agreed */
    MXT_CF_MK_ASK_USER,          /* a later master key, signed by a verified device: ask first */
    MXT_CF_MK_NO_EVIDENCE        /* no valid signature by a verified device: nothing to migrate */
} mxt_cf_mk_action;

/* BK-BETTER-010: the first field of sent metadata that does not describe the session. */
typedef enum {
    MXT_CF_MD_CORRECT = 0,
    MXT_CF_MD_IS_VERIFIED,
    MXT_CF_MD_FIRST_MESSAGE_INDEX,
    MXT_CF_MD_FORWARDED_COUNT
} mxt_cf_metadata_check;

/* BK-TRUST-009: the errcode of an upload answer, as far as the decision needs it. */
typedef enum {
    MXT_CF_ERR_NONE = 0,
    MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION,
    MXT_CF_ERR_NOT_FOUND,
    MXT_CF_ERR_OTHER
} mxt_cf_errcode;

typedef enum {
    MXT_CF_UP_DONE = 0,          /* 200: the keys are stored */
    MXT_CF_UP_REFETCH,           /* stop uploading to this version, fetch the backup, decide again */
    MXT_CF_UP_RETRY_AFTER,       /* 429 with retry_after_ms: wait that long, then retry */
    MXT_CF_UP_RETRY_BACKOFF,     /* 429 without it: retry after a delay of the client's choosing */
    MXT_CF_UP_FAIL               /* anything else: this upload failed; nothing to conclude */
} mxt_cf_upload_action;

/* BK-TRUST-013 */
typedef enum {
    MXT_CF_RC_FIRST_FETCH = 0,   /* no backup was known: decide */
    MXT_CF_RC_NEW_VERSION,       /* another version: decide */
    MXT_CF_RC_AUTH_DATA_CHANGED, /* same version, auth_data not canonically equal: decide again */
    MXT_CF_RC_UNCHANGED          /* same version, canonically equal auth_data: the decision stands */
} mxt_cf_recheck;

/* BK-TRUST-014 / SD-001 / SD-007 / SD-017: how a session reached the client. */
typedef enum {
    MXT_CF_SRC_ROOM_KEY = 0,     /* an m.room_key to-device event */
    MXT_CF_SRC_BACKUP,           /* restored from server-side key backup */
    MXT_CF_SRC_KEY_BUNDLE,       /* from a room-key bundle (shared history) */
    MXT_CF_SRC_STORE             /* read back from the client's own store */
} mxt_cf_source;

typedef struct {
    uint8_t source;              /* mxt_cf_source */
    uint8_t over_olm;            /* the to-device event carrying it was Olm-encrypted */
    uint8_t holds_backup_key;    /* BACKUP: the client holds the backup's private key */
    uint8_t backup_trusted;      /* BACKUP: BK-TRUST-012's verdict on auth_data (not needed) */
    uint8_t has_forwarder;       /* KEY_BUNDLE: the sender of the bundle is known */
    uint8_t has_sender_data;     /* STORE: the stored session carries a sender_data field */
} mxt_cf_arrival;

typedef enum {
    MXT_CF_ARR_LOOKUP = 0,       /* classify by device lookup (SD-004, mxt_sd_classify) */
    MXT_CF_ARR_IMPORTED,         /* accept with legacy, unauthenticated sender data (SD-006) */
    MXT_CF_ARR_BUNDLE,           /* accept as imported, recording the forwarder (SD-017) */
    MXT_CF_ARR_STORED,           /* keep the stored sender data */
    MXT_CF_ARR_STORED_LEGACY,    /* stored without sender data: legacy (SD-007) */
    MXT_CF_ARR_REJECT_NOT_OLM,   /* SD-001 */
    MXT_CF_ARR_REJECT_NO_KEY,    /* BACKUP without the private key: nothing can be read */
    MXT_CF_ARR_REJECT_NO_FORWARDER /* KEY_BUNDLE whose sender is unknown (SD-017) */
} mxt_cf_arrival_action;

/* BK-TRUST-015 */
typedef enum {
    MXT_CF_PREF_ENABLED = 0,
    MXT_CF_PREF_DISABLED,
    MXT_CF_PREF_IGNORED          /* absent, not an object, no "enabled", or not a boolean */
} mxt_cf_backup_pref;

/* BK-FMT-011 */
typedef enum {
    MXT_CF_SECRET_OK = 0,
    MXT_CF_SECRET_BASE64,        /* not base64 (padded or unpadded) */
    MXT_CF_SECRET_LENGTH         /* base64 of a length other than 32 bytes */
} mxt_cf_secret_problem;

/* SKB-001 (seed 001) */
typedef enum {
    MXT_CF_SKS_USE = 0,          /* named m.key_backup.signing and matches auth_data's key */
    MXT_CF_SKS_WRONG_NAME,       /* another secret: not the backup signing key */
    MXT_CF_SKS_KEY_MISMATCH      /* right name, but not the key auth_data publishes */
} mxt_cf_signing_secret;

/* SKB-007 (seed 001) */
typedef enum {
    MXT_CF_SKE_KEEP_VERSION = 0, /* auth_data already names a signing key: nothing changes */
    MXT_CF_SKE_NEW_VERSION       /* auth_data changes: create a new version, re-upload every key */
} mxt_cf_signing_enable;

/* SD-014 */
typedef enum { MXT_CF_SHIELD_NONE = 0, MXT_CF_SHIELD_GREY, MXT_CF_SHIELD_RED } mxt_cf_colour;
typedef enum {
    MXT_CF_MSG_NONE = 0,
    MXT_CF_MSG_UNVERIFIED_IDENTITY,
    MXT_CF_MSG_VERIFICATION_VIOLATION,
    MXT_CF_MSG_UNSIGNED_DEVICE,
    MXT_CF_MSG_UNKNOWN_DEVICE,
    MXT_CF_MSG_AUTHENTICITY_NOT_GUARANTEED,
    MXT_CF_MSG_MISMATCHED_SENDER
} mxt_cf_message;
typedef struct {
    mxt_cf_colour  colour;
    mxt_cf_message message;
} mxt_cf_shield;

/* SD-015 */
typedef enum {
    MXT_CF_RCPT_SHARE = 0,       /* send the room key */
    MXT_CF_RCPT_WITHHOLD,        /* not cross-signed: no key (m.room_key.withheld m.unverified) */
    MXT_CF_RCPT_NOT_A_DEVICE     /* no identity keys: not a recipient at all, and no withheld */
} mxt_cf_recipient;

/*@
  // ---- shared: byte strings -------------------------------------------------------------------
  predicate cf_bytes_eq{L}(uint8_t *a, integer an, uint8_t *b, integer bn) =
    an == bn && \forall integer i; 0 <= i < an ==> a[i] == b[i];

  // ---- SIG-008 --------------------------------------------------------------------------------
  // A device ID that equals a cross-signing public key (unpadded base64) names the same key ID.
  predicate sig008_shadows{L}(uint8_t *dev, integer dn, uint8_t *key, integer kn) =
    cf_bytes_eq(dev, dn, key, kn);

  // ---- XS-016 ---------------------------------------------------------------------------------
  logic integer xs016_action(integer signed_by_verified_device, integer first_master_key,
                             integer user_confirmed) =
      signed_by_verified_device == 0 ? MXT_CF_MK_NO_EVIDENCE
    : first_master_key != 0          ? MXT_CF_MK_TRUST_FIRST
    : user_confirmed != 0            ? MXT_CF_MK_TRUST_CONFIRMED
    : MXT_CF_MK_ASK_USER;
  predicate xs016_trusts(integer a) = a == MXT_CF_MK_TRUST_FIRST || a == MXT_CF_MK_TRUST_CONFIRMED;
  // The guard: a master key that replaces an earlier one is never trusted without the user.
  lemma xs016_later_key_needs_user: \forall integer s, c;
    xs016_trusts(xs016_action(s, 0, c)) ==> c != 0;

  // ---- BK-BETTER-010 --------------------------------------------------------------------------
  predicate bkb010_metadata(mxt_bk_rank r, integer verified, integer index, integer chain) =
    ((r.is_verified != 0) <==> (verified != 0)) && r.first_message_index == index
    && r.forwarded_count == chain;

  // ---- BK-TRUST-009 ---------------------------------------------------------------------------
  predicate bkt009_wrong_version(integer status, integer err) =
       (status == 403 && err == MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION)
    || (status == 404 && err == MXT_CF_ERR_NOT_FOUND);
  logic integer bkt009_action(integer status, integer err, integer has_retry_after) =
      status == 200                     ? MXT_CF_UP_DONE
    : (status == 403 && err == MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION)
      || (status == 404 && err == MXT_CF_ERR_NOT_FOUND) ? MXT_CF_UP_REFETCH
    : status == 429 && has_retry_after != 0 ? MXT_CF_UP_RETRY_AFTER
    : status == 429                     ? MXT_CF_UP_RETRY_BACKOFF
    : MXT_CF_UP_FAIL;

  // ---- BK-TRUST-013 ---------------------------------------------------------------------------
  // Trust stands only when the version and the canonical auth_data are both unchanged.
  predicate bkt013_unchanged{L}(integer had, uint8_t *pv, integer pvn, uint8_t *cv,
                                integer cvn, uint8_t *pa, integer pan, uint8_t *ca,
                                integer can) =
    had != 0 && cf_bytes_eq(pv, pvn, cv, cvn) && cf_bytes_eq(pa, pan, ca, can);

  // ---- BK-TRUST-014 / SD-001 / SD-007 / SD-017 ------------------------------------------------
  predicate cf_arrival_ok(mxt_cf_arrival a) = MXT_CF_SRC_ROOM_KEY <= a.source <= MXT_CF_SRC_STORE;
  logic integer cf_arrival(mxt_cf_arrival a) =
      a.source == MXT_CF_SRC_ROOM_KEY ? (a.over_olm != 0 ? MXT_CF_ARR_LOOKUP
                                                         : MXT_CF_ARR_REJECT_NOT_OLM)
    : a.source == MXT_CF_SRC_BACKUP   ? (a.holds_backup_key != 0 ? MXT_CF_ARR_IMPORTED
                                                                 : MXT_CF_ARR_REJECT_NO_KEY)
    : a.source == MXT_CF_SRC_KEY_BUNDLE
        ? (a.over_olm == 0 ? MXT_CF_ARR_REJECT_NOT_OLM
           : a.has_forwarder != 0 ? MXT_CF_ARR_BUNDLE : MXT_CF_ARR_REJECT_NO_FORWARDER)
    : (a.has_sender_data != 0 ? MXT_CF_ARR_STORED : MXT_CF_ARR_STORED_LEGACY);
  // BK-TRUST-014: restoring needs the private key and nothing else (auth_data trust is no input).
  lemma bkt014_trust_not_needed: \forall mxt_cf_arrival a, b;
    a.source == MXT_CF_SRC_BACKUP && b.source == MXT_CF_SRC_BACKUP
    && a.holds_backup_key == b.holds_backup_key ==> cf_arrival(a) == cf_arrival(b);
  // SD-001: nothing that should have come over Olm is taken in without it.
  lemma sd001_olm_only: \forall mxt_cf_arrival a;
    (a.source == MXT_CF_SRC_ROOM_KEY || a.source == MXT_CF_SRC_KEY_BUNDLE) && a.over_olm == 0
    ==> cf_arrival(a) == MXT_CF_ARR_REJECT_NOT_OLM;

  // ---- SD-014 ---------------------------------------------------------------------------------
  logic integer sd014_colour(integer state, integer strict) =
      state == MXT_VS_VERIFIED            ? MXT_CF_SHIELD_NONE
    : state == MXT_VS_UNVERIFIED_IDENTITY ? (strict != 0 ? MXT_CF_SHIELD_RED : MXT_CF_SHIELD_NONE)
    : state == MXT_VS_INSECURE_SOURCE     ? (strict != 0 ? MXT_CF_SHIELD_RED : MXT_CF_SHIELD_GREY)
    : MXT_CF_SHIELD_RED;
  logic integer sd014_message(integer state, integer strict) =
      state == MXT_VS_VERIFIED               ? MXT_CF_MSG_NONE
    : state == MXT_VS_UNVERIFIED_IDENTITY    ? (strict != 0 ? MXT_CF_MSG_UNVERIFIED_IDENTITY
                                                            : MXT_CF_MSG_NONE)
    : state == MXT_VS_VERIFICATION_VIOLATION ? MXT_CF_MSG_VERIFICATION_VIOLATION
    : state == MXT_VS_UNSIGNED_DEVICE        ? MXT_CF_MSG_UNSIGNED_DEVICE
    : state == MXT_VS_MISSING_DEVICE         ? MXT_CF_MSG_UNKNOWN_DEVICE
    : state == MXT_VS_INSECURE_SOURCE        ? MXT_CF_MSG_AUTHENTICITY_NOT_GUARANTEED
    : MXT_CF_MSG_MISMATCHED_SENDER;
  // A shield without a message, and a message without a shield, never happen.
  lemma sd014_message_iff_shield: \forall integer v, s; MXT_VS_VERIFIED <= v <= MXT_VS_MISMATCHED_SENDER ==>
    (sd014_colour(v, s) == MXT_CF_SHIELD_NONE <==> sd014_message(v, s) == MXT_CF_MSG_NONE);

  // ---- SD-015 ---------------------------------------------------------------------------------
  logic integer sd015_recipient(integer has_identity_keys, integer cross_signed,
                                integer exclude_insecure) =
      has_identity_keys == 0                    ? MXT_CF_RCPT_NOT_A_DEVICE
    : cross_signed == 0 && exclude_insecure != 0 ? MXT_CF_RCPT_WITHHOLD
    : MXT_CF_RCPT_SHARE;
*/

#endif
