/*
 * SKB: signed / authenticated key backup (proposal MSC4048, all rules [proposal]).
 *
 * Two profiles, kept apart because the proposal changed design between them:
 *  - seed 001 ("MSCxxxx: Signed key backup", first draft): an ed25519 backup signing key published in
 *    auth_data.signing_public_key signs each SessionData; SessionData.authenticated says whether the
 *    uploader believed the key authentic (SKB-001..006).
 *  - MSC4048 final form ("Authenticated key backup"): a new algorithm m.backup.v2.curve25519-aes-sha2 whose
 *    session_data carries an HMAC under a key derived from the decryption key (backup_mac), and whose
 *    SessionData says why a key is NOT authenticated (`unauthenticated`) (SKB-008..014).
 * Where the MAC lives differs between revisions of the MSC (unsigned.backup_mac in the draft's PR head;
 * signatures.{user}."hmac-sha-256:backup_mac_key" in another stored revision): the caller checks it and passes
 * only the verdict, so these rules hold for both. MAC computation is done outside the core.
 */
#ifndef MXT_ACSL_SKB_H
#define MXT_ACSL_SKB_H

#include <stdbool.h>
#include "bk_trust.h"

/* auth_data's backup signing key field (seed 001, SKB-002), as found by the caller. */
typedef enum {
    MXT_SKB_SK_ABSENT = 0,
    MXT_SKB_SK_STABLE = 1,            /* signing_public_key */
    MXT_SKB_SK_UNSTABLE_MSCXXXX = 2,  /* org.matrix.mscxxxx.signing_public_key (seed 001) */
    MXT_SKB_SK_UNSTABLE_MSC4048 = 3,  /* org.matrix.msc4048.signing_public_key */
    MXT_SKB_SK_MALFORMED = 4          /* present but not an unpadded-base64 32-byte key: unusable */
} mxt_skb_signing_key_field;

/* SessionData.authenticated (or org.matrix.mscxxxx.authenticated), seed 001 SKB-005. */
typedef enum {
    MXT_SKB_FLAG_ABSENT = 0,   /* defaults to false */
    MXT_SKB_FLAG_FALSE = 1,
    MXT_SKB_FLAG_TRUE = 2,
    MXT_SKB_FLAG_MALFORMED = 3 /* not a boolean: never true */
} mxt_skb_auth_flag;

/* The result of a MAC check done outside the core. */
typedef enum {
    MXT_SKB_MAC_ABSENT = 0,
    MXT_SKB_MAC_VALID = 1,
    MXT_SKB_MAC_INVALID = 2
} mxt_skb_mac_check;

/* Facts about one backed-up key under the seed 001 profile. */
typedef struct {
    mxt_skb_signing_key_field signing_key;  /* in auth_data */
    bool                      auth_data_signature_trusted; /* auth_data signed by the trusted master key or
                                                              a verified own device (BK-TRUST-002/003) */
    mxt_skb_auth_flag         authenticated;/* in the decrypted SessionData */
    mxt_sig_verdict           signature;    /* SessionData's signature by the backup signing key (mxt_sig_check) */
    mxt_skb_mac_check         mac;          /* the deprecated v1 `mac` of session_data */
} mxt_skb1_facts;

/*@
  // SKB-002: auth_data publishes a backup signing key, under the stable or an unstable name.
  predicate mxt_skb1_signing_key_present(mxt_skb1_facts f) =
    f.signing_key == MXT_SKB_SK_STABLE || f.signing_key == MXT_SKB_SK_UNSTABLE_MSCXXXX
    || f.signing_key == MXT_SKB_SK_UNSTABLE_MSC4048;

  // SKB-003: the signing key is used only when auth_data is signed by the user's trusted master key or
  // by a verified own device; otherwise it is ignored and every key counts as unsigned. (A matching
  // private key alone does not make the signing key usable: the seed names the two signature forms.)
  predicate mxt_skb1_signing_key_trusted(mxt_skb1_facts f) =
    mxt_skb1_signing_key_present(f) && f.auth_data_signature_trusted != 0;

  // SKB-004: SessionData is signed: a VALID signature by a trusted backup signing key.
  predicate mxt_skb1_signed(mxt_skb1_facts f) =
    mxt_skb1_signing_key_trusted(f) && f.signature == MXT_SIG_VALID;

  // SKB-005: the key counts as authenticated only if its authenticated flag is true AND it is signed by
  // the trusted backup signing key. An absent flag is false.
  predicate mxt_skb1_authenticated(mxt_skb1_facts f) =
    mxt_skb1_signed(f) && f.authenticated == MXT_SKB_FLAG_TRUE;

  // SKB-006: the deprecated mac is relied on only when SessionData is not signed. Reading of "signed":
  // validly signed by the trusted signing key; an INVALID or MALFORMED signature is no signature
  // (SKB-005: "not signed ... treated as false"), and the key falls back to the v1 rules.
  predicate mxt_skb1_mac_relied_on(mxt_skb1_facts f) = !mxt_skb1_signed(f);

  // The key is imported: signed, or (v1 rules) its mac checks.
  predicate mxt_skb1_accepted(mxt_skb1_facts f) =
    mxt_skb1_signed(f) || f.mac == MXT_SKB_MAC_VALID;

  lemma mxt_skb1_absent_flag_never_authenticates:
    \forall mxt_skb1_facts f; f.authenticated != MXT_SKB_FLAG_TRUE ==> !mxt_skb1_authenticated(f);
  lemma mxt_skb1_untrusted_auth_data_never_authenticates:
    \forall mxt_skb1_facts f; f.auth_data_signature_trusted == 0 ==> !mxt_skb1_authenticated(f);
  lemma mxt_skb1_unsigned_never_authenticates:
    \forall mxt_skb1_facts f; f.signature != MXT_SIG_VALID ==> !mxt_skb1_authenticated(f);
  // SKB-006: once signed, the mac has no say: a signed key is accepted whatever its mac, and its
  // authenticity depends on the flag only.
  lemma mxt_skb1_signed_ignores_mac:
    \forall mxt_skb1_facts f; mxt_skb1_signed(f) ==>
      mxt_skb1_accepted(f) && (mxt_skb1_authenticated(f) <==> f.authenticated == MXT_SKB_FLAG_TRUE);
  // Authenticity never comes from the mac.
  lemma mxt_skb1_mac_never_authenticates:
    \forall mxt_skb1_facts f; mxt_skb1_mac_relied_on(f) ==> !mxt_skb1_authenticated(f);
*/

/* ---------------------------------------------------------------------------------------------
 * MSC4048 final form.
 */

/* SessionDataV2.unauthenticated (or org.matrix.msc4048.unauthenticated), SKB-012. */
typedef enum {
    MXT_SKB_UNAUTH_ABSENT = 0,             /* authenticated */
    MXT_SKB_UNAUTH_UNDEFINED = 1,          /* "m.undefined" */
    MXT_SKB_UNAUTH_LEGACY_V1 = 2,          /* "m.legacy-v1" */
    MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY = 3, /* "m.forwarded_room_key" */
    MXT_SKB_UNAUTH_UNKNOWN = 4             /* any other value (or not a string): treated as m.undefined */
} mxt_skb_unauth_field;

/* Why a key is or is not authenticated: the meaning after SKB-012's normalisation. */
typedef enum {
    MXT_SKB_SRC_AUTHENTICATED = 0,
    MXT_SKB_SRC_UNDEFINED = 1,
    MXT_SKB_SRC_LEGACY_V1 = 2,
    MXT_SKB_SRC_FORWARDED_ROOM_KEY = 3
} mxt_skb_source;

/* Facts about one backed-up key under the MSC4048 final profile. */
typedef struct {
    mxt_bkt_algorithm    backup_algorithm; /* the backup's algorithm: V1, V2, or OTHER */
    mxt_skb_mac_check    backup_mac;       /* the MSC4048 HMAC over session_data (SKB-011) */
    mxt_skb_mac_check    v1_mac;           /* the v1 `mac` (required in a v1 backup, SKB-013) */
    mxt_skb_unauth_field unauthenticated;  /* in the decrypted SessionDataV2 */
    bool                 v1_keys_unauthenticated; /* option (SKB-013 MAY): every key in a v1 backup is
                                                     unauthenticated, whatever its backup_mac says */
} mxt_skb2_facts;

/*@
  // SKB-012: the source a stated `unauthenticated` value means; unknown values mean m.undefined.
  logic integer mxt_skb_source_of(integer u) =
    u == MXT_SKB_UNAUTH_ABSENT ? MXT_SKB_SRC_AUTHENTICATED :
    u == MXT_SKB_UNAUTH_LEGACY_V1 ? MXT_SKB_SRC_LEGACY_V1 :
    u == MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY ? MXT_SKB_SRC_FORWARDED_ROOM_KEY :
    MXT_SKB_SRC_UNDEFINED;

  lemma mxt_skb_unknown_means_undefined:
    mxt_skb_source_of(MXT_SKB_UNAUTH_UNKNOWN) == MXT_SKB_SRC_UNDEFINED
    && mxt_skb_source_of(MXT_SKB_UNAUTH_UNDEFINED) == MXT_SKB_SRC_UNDEFINED;
  lemma mxt_skb_only_absent_is_authenticated:
    \forall integer u; mxt_skb_source_of(u) == MXT_SKB_SRC_AUTHENTICATED <==> u == MXT_SKB_UNAUTH_ABSENT;

  // SKB-011: in a v2 backup, a key whose backup_mac is missing or wrong is ignored.
  predicate mxt_skb2_v2_key_ignored(mxt_skb2_facts f) =
    f.backup_algorithm == MXT_BKT_ALG_V2 && f.backup_mac != MXT_SKB_MAC_VALID;
  // SKB-013: in a v1 backup, a key must carry the v1 mac (it must check).
  predicate mxt_skb2_v1_key_ignored(mxt_skb2_facts f) =
    f.backup_algorithm == MXT_BKT_ALG_MEGOLM_V1 && f.v1_mac != MXT_SKB_MAC_VALID;
  predicate mxt_skb2_accepted(mxt_skb2_facts f) =
    (f.backup_algorithm == MXT_BKT_ALG_V2 || f.backup_algorithm == MXT_BKT_ALG_MEGOLM_V1)
    && !mxt_skb2_v2_key_ignored(f) && !mxt_skb2_v1_key_ignored(f);

  // SKB-013/014: a v1-backup key whose backup_mac does not check, or any v1-backup key under the
  // v1_keys_unauthenticated option, is unauthenticated.
  predicate mxt_skb2_v1_unauthenticated(mxt_skb2_facts f) =
    f.backup_algorithm == MXT_BKT_ALG_MEGOLM_V1
    && (f.backup_mac != MXT_SKB_MAC_VALID || f.v1_keys_unauthenticated != 0);

  // SKB-012: an accepted key is authenticated iff it states no `unauthenticated` value and it is not a
  // v1-backup key made unauthenticated by SKB-013/014.
  predicate mxt_skb2_authenticated(mxt_skb2_facts f) =
    mxt_skb2_accepted(f) && !mxt_skb2_v1_unauthenticated(f)
    && f.unauthenticated == MXT_SKB_UNAUTH_ABSENT;

  // The reported source of an accepted key: its own stated source; a v1 key unauthenticated by
  // SKB-013/014 that states none is m.legacy-v1.
  logic integer mxt_skb2_source(mxt_skb2_facts f) =
    (f.backup_algorithm == MXT_BKT_ALG_MEGOLM_V1
     && (f.backup_mac != MXT_SKB_MAC_VALID || f.v1_keys_unauthenticated != 0)
     && f.unauthenticated == MXT_SKB_UNAUTH_ABSENT)
      ? MXT_SKB_SRC_LEGACY_V1 : mxt_skb_source_of(f.unauthenticated);

  lemma mxt_skb2_v2_needs_backup_mac:
    \forall mxt_skb2_facts f; f.backup_algorithm == MXT_BKT_ALG_V2 && mxt_skb2_accepted(f) ==>
      f.backup_mac == MXT_SKB_MAC_VALID;
  lemma mxt_skb2_authenticated_source:
    \forall mxt_skb2_facts f; mxt_skb2_accepted(f) ==>
      (mxt_skb2_authenticated(f) <==> mxt_skb2_source(f) == MXT_SKB_SRC_AUTHENTICATED);
*/

#endif
