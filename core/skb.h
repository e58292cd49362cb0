/*
 * mxtrust core: signed / authenticated key backup decisions (SKB, proposal MSC4048), proven against
 * spec/acsl/skb.h. Two separate profiles: seed 001's signed backup (mxt_skb1_*) and MSC4048's final
 * authenticated backup (mxt_skb2_*). MAC and signature checks are done elsewhere; only verdicts come in.
 */
#ifndef MXT_SKB_H
#define MXT_SKB_H

#include <stdbool.h>
#include "bk_trust.h"
#include "../spec/acsl/skb.h"

/* ---- seed 001 profile ---- */

typedef enum {
    MXT_SKB1_AUTHENTICATED = 0,       /* signed by the trusted signing key, authenticated:true (SKB-005) */
    MXT_SKB1_SIGNED_NOT_CLAIMED,      /* signed, but authenticated is false or absent (SKB-005) */
    MXT_SKB1_NO_SIGNING_KEY,          /* auth_data has no usable signing_public_key (SKB-002) */
    MXT_SKB1_SIGNING_KEY_NOT_TRUSTED, /* auth_data not signed by a trusted MSK / verified device (SKB-003) */
    MXT_SKB1_SIGNATURE_NOT_VALID      /* SessionData's signature MISSING, INVALID or MALFORMED (SKB-004/005) */
} mxt_skb1_reason;

typedef struct {
    bool            accept;        /* import the key at all */
    bool            authenticated; /* import it as authenticated */
    bool            mac_relied_on; /* the deprecated v1 mac decided acceptance (SKB-006) */
    mxt_skb1_reason reason;
} mxt_skb1_decision;

/*
 * auth_data_signature_trusted for mxt_skb1_facts, from a BK-TRUST decision: true only when the decision
 * rested on a signature (master or verified device), not on a private key match (SKB-003).
 */
/*@
  requires \valid_read(d);
  assigns \nothing;
  ensures \result == 1 <==> d->trusted != 0 && (d->reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE
                                              || d->reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE);
*/
bool mxt_skb1_auth_data_signature_trusted(const mxt_bkt_decision *d);

/*@
  requires \valid_read(f);
  assigns \nothing;
  ensures \result.accept == 1 <==> mxt_skb1_accepted(*f);
  ensures \result.authenticated == 1 <==> mxt_skb1_authenticated(*f);
  ensures \result.mac_relied_on == 1 <==> mxt_skb1_mac_relied_on(*f);

  behavior authenticated:                                   // SKB-005
    assumes mxt_skb1_authenticated(*f);
    ensures \result.reason == MXT_SKB1_AUTHENTICATED;
  behavior signed_not_claimed:                              // SKB-005: absent = false
    assumes mxt_skb1_signed(*f) && f->authenticated != MXT_SKB_FLAG_TRUE;
    ensures \result.reason == MXT_SKB1_SIGNED_NOT_CLAIMED;
  behavior no_signing_key:                                  // SKB-002
    assumes !mxt_skb1_signing_key_present(*f);
    ensures \result.reason == MXT_SKB1_NO_SIGNING_KEY;
  behavior signing_key_not_trusted:                         // SKB-003
    assumes mxt_skb1_signing_key_present(*f) && f->auth_data_signature_trusted == 0;
    ensures \result.reason == MXT_SKB1_SIGNING_KEY_NOT_TRUSTED;
  behavior signature_not_valid:                             // SKB-004/005
    assumes mxt_skb1_signing_key_trusted(*f) && f->signature != MXT_SIG_VALID;
    ensures \result.reason == MXT_SKB1_SIGNATURE_NOT_VALID;
  complete behaviors;
  disjoint behaviors;
*/
mxt_skb1_decision mxt_skb1_decide(const mxt_skb1_facts *f);

/* ---- MSC4048 final profile ---- */

typedef enum {
    MXT_SKB2_AUTHENTICATED = 0,            /* accepted, no `unauthenticated` value (SKB-012) */
    MXT_SKB2_UNAUTHENTICATED_STATED,       /* accepted, SessionData states why it is unauthenticated */
    MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC, /* v1 backup, backup_mac missing or wrong (SKB-013/014) */
    MXT_SKB2_UNAUTHENTICATED_V1_POLICY,    /* v1 backup, option v1_keys_unauthenticated (SKB-013) */
    MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM,    /* neither a v1 nor a v2 backup */
    MXT_SKB2_IGNORED_MISSING_BACKUP_MAC,   /* v2 backup, no backup_mac (SKB-011) */
    MXT_SKB2_IGNORED_INVALID_BACKUP_MAC,   /* v2 backup, wrong backup_mac (SKB-011) */
    MXT_SKB2_IGNORED_V1_MAC                /* v1 backup, the v1 mac missing or wrong (SKB-013) */
} mxt_skb2_reason;

typedef struct {
    bool            accept;
    bool            authenticated;
    mxt_skb_source  source;  /* meaningful when accept; MXT_SKB_SRC_UNDEFINED otherwise */
    mxt_skb2_reason reason;
} mxt_skb2_decision;

/* SKB-012: the meaning of an `unauthenticated` value; unknown values are m.undefined. */
/*@
  assigns \nothing;
  ensures \result == mxt_skb_source_of(u);
*/
mxt_skb_source mxt_skb_source_from_field(mxt_skb_unauth_field u);

/*@
  requires \valid_read(f);
  assigns \nothing;
  ensures \result.accept == 1 <==> mxt_skb2_accepted(*f);
  ensures \result.authenticated == 1 <==> mxt_skb2_authenticated(*f);
  ensures \result.accept == 1 ==> \result.source == mxt_skb2_source(*f);
  ensures \result.accept == 0 ==> \result.source == MXT_SKB_SRC_UNDEFINED;

  behavior unknown_algorithm:
    assumes f->backup_algorithm != MXT_BKT_ALG_V2 && f->backup_algorithm != MXT_BKT_ALG_MEGOLM_V1;
    ensures \result.reason == MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM;
  behavior v2_missing_backup_mac:                              // SKB-011
    assumes f->backup_algorithm == MXT_BKT_ALG_V2 && f->backup_mac == MXT_SKB_MAC_ABSENT;
    ensures \result.reason == MXT_SKB2_IGNORED_MISSING_BACKUP_MAC;
  behavior v2_invalid_backup_mac:                              // SKB-011
    assumes f->backup_algorithm == MXT_BKT_ALG_V2;
    assumes f->backup_mac != MXT_SKB_MAC_ABSENT && f->backup_mac != MXT_SKB_MAC_VALID;
    ensures \result.reason == MXT_SKB2_IGNORED_INVALID_BACKUP_MAC;
  behavior v1_mac_bad:                                         // SKB-013
    assumes f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1 && f->v1_mac != MXT_SKB_MAC_VALID;
    ensures \result.reason == MXT_SKB2_IGNORED_V1_MAC;
  behavior authenticated:                                      // SKB-012
    assumes mxt_skb2_authenticated(*f);
    ensures \result.reason == MXT_SKB2_AUTHENTICATED;
  behavior unauthenticated_stated:                             // SKB-012
    assumes mxt_skb2_accepted(*f) && !mxt_skb2_v1_unauthenticated(*f);
    assumes f->unauthenticated != MXT_SKB_UNAUTH_ABSENT;
    ensures \result.reason == MXT_SKB2_UNAUTHENTICATED_STATED;
  behavior v1_no_backup_mac:                                   // SKB-013/014
    assumes f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1 && f->v1_mac == MXT_SKB_MAC_VALID;
    assumes f->backup_mac != MXT_SKB_MAC_VALID;
    ensures \result.reason == MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC;
  behavior v1_policy:                                          // SKB-013
    assumes f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1 && f->v1_mac == MXT_SKB_MAC_VALID;
    assumes f->backup_mac == MXT_SKB_MAC_VALID && f->v1_keys_unauthenticated != 0;
    ensures \result.reason == MXT_SKB2_UNAUTHENTICATED_V1_POLICY;
  complete behaviors;
  disjoint behaviors;
*/
mxt_skb2_decision mxt_skb2_decide(const mxt_skb2_facts *f);

/*
 * SKB-014: the `unauthenticated` value a key gets when migrated from a v1 to a v2 backup: m.legacy-v1 when
 * its backup_mac does not check (whatever it stated before); unchanged otherwise.
 */
/*@
  assigns \nothing;
  ensures backup_mac != MXT_SKB_MAC_VALID ==> \result == MXT_SKB_UNAUTH_LEGACY_V1;
  ensures backup_mac == MXT_SKB_MAC_VALID ==> \result == u;
*/
mxt_skb_unauth_field mxt_skb_migrate_unauthenticated(mxt_skb_mac_check backup_mac, mxt_skb_unauth_field u);

#endif
