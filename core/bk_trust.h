/*
 * mxtrust core: backup trust (BK-TRUST-002..008, 010, 012) and the backup-creation profiles of seed 000,
 * proven against spec/acsl/bk_trust.h. Pure decisions over facts the caller has established.
 */
#ifndef MXT_BK_TRUST_H
#define MXT_BK_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../spec/acsl/bk_trust.h"

#define MXT_BKT_NO_SIGNATURE SIZE_MAX

typedef enum {
    MXT_BKT_TRUSTED_MASTER_SIGNATURE = 0,     /* BK-TRUST-002: valid own master-key signature, master trusted */
    MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE,/* BK-TRUST-003: valid signature by a verified (or this) device */
    MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH,        /* BK-TRUST-004: private key from a trusted source matches */
    MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM,      /* BK-TRUST-008 */
    MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED, /* a valid own master signature, but the master key is not trusted */
    MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH,   /* key from a trusted source, but it is not this backup's key */
    MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE,     /* key matches, but came from an untrusted source (BK-TRUST-011) */
    MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE    /* nothing above applies (BK-TRUST-005/006) */
} mxt_bkt_reason;

typedef struct {
    bool           trusted;
    mxt_bkt_reason reason;
    size_t         signature; /* index of the signature that decided, or MXT_BKT_NO_SIGNATURE */
} mxt_bkt_decision;

/*
 * BK-TRUST-012: trusted iff the algorithm is known and a signature or a trusted private key establishes
 * trust. `sigs` lists the signatures found on auth_data (may be NULL when n == 0). The reason is the first
 * that applies in the order of the enum; a master signature takes precedence over a device signature,
 * because it survives device deletion (seed 000, BK-TRUST-007). An INVALID signature next to a trusted one
 * does not veto (see lemma mxt_bkt_extra_signature_never_vetoes).
 */
/*@
  requires \valid_read(f);
  requires n == 0 || \valid_read(sigs + (0 .. n - 1));
  assigns \nothing;
  ensures \result.trusted == 1 <==> mxt_bkt_backup_trusted(sigs, n, *f);

  behavior unknown_algorithm:                              // BK-TRUST-008
    assumes !mxt_bkt_algorithm_known(*f);
    ensures \result.trusted == 0 && \result.reason == MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM;
    ensures \result.signature == MXT_BKT_NO_SIGNATURE;
  behavior master_signature:                               // BK-TRUST-002
    assumes mxt_bkt_algorithm_known(*f);
    assumes mxt_bkt_has_trusted_master_sig(sigs, n, *f);
    ensures \result.trusted == 1 && \result.reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE;
    ensures \result.signature < n && mxt_bkt_sig_by_trusted_master(sigs[\result.signature], *f);
  behavior verified_device_signature:                      // BK-TRUST-003
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_has_trusted_master_sig(sigs, n, *f);
    assumes mxt_bkt_has_verified_device_sig(sigs, n);
    ensures \result.trusted == 1 && \result.reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE;
    ensures \result.signature < n && mxt_bkt_sig_by_verified_device(sigs[\result.signature]);
  behavior private_key_match:                              // BK-TRUST-004
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_signature_trusted(sigs, n, *f);
    assumes mxt_bkt_private_key_trusted(*f);
    ensures \result.trusted == 1 && \result.reason == MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH;
    ensures \result.signature == MXT_BKT_NO_SIGNATURE;
  behavior master_key_not_trusted:                         // BK-TRUST-002 (seed 000)
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_signature_trusted(sigs, n, *f) && !mxt_bkt_private_key_trusted(*f);
    assumes mxt_bkt_has_untrusted_master_sig(sigs, n, *f);
    ensures \result.trusted == 0 && \result.reason == MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED;
    ensures \result.signature < n && mxt_bkt_sig_by_untrusted_master(sigs[\result.signature], *f);
  behavior private_key_mismatch:                           // BK-TRUST-004
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_signature_trusted(sigs, n, *f) && !mxt_bkt_has_untrusted_master_sig(sigs, n, *f);
    assumes mxt_bkt_key_source_trusted(f->key_source) && f->key_matches == 0;
    ensures \result.trusted == 0 && \result.reason == MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH;
    ensures \result.signature == MXT_BKT_NO_SIGNATURE;
  behavior private_key_untrusted_source:                   // BK-TRUST-004, 011
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_signature_trusted(sigs, n, *f) && !mxt_bkt_has_untrusted_master_sig(sigs, n, *f);
    assumes !mxt_bkt_key_source_trusted(f->key_source) && f->key_source != MXT_BKT_PK_NONE;
    assumes f->key_matches != 0;
    ensures \result.trusted == 0 && \result.reason == MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE;
    ensures \result.signature == MXT_BKT_NO_SIGNATURE;
  behavior no_trusted_signature:                           // BK-TRUST-005, 006
    assumes mxt_bkt_algorithm_known(*f);
    assumes !mxt_bkt_signature_trusted(sigs, n, *f) && !mxt_bkt_has_untrusted_master_sig(sigs, n, *f);
    assumes !(mxt_bkt_key_source_trusted(f->key_source) && f->key_matches == 0);
    assumes !(!mxt_bkt_key_source_trusted(f->key_source) && f->key_source != MXT_BKT_PK_NONE
              && f->key_matches != 0);
    assumes !mxt_bkt_private_key_trusted(*f);
    ensures \result.trusted == 0 && \result.reason == MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE;
    ensures \result.signature == MXT_BKT_NO_SIGNATURE;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bkt_decision mxt_bkt_decide(const mxt_bkt_facts *f, const mxt_bkt_signature *sigs, size_t n);

/* ---- divergence profiles of BK-TRUST-012 (not the rule: for generating divergence vectors) ---- */

typedef enum {
    MXT_BKT_PROFILE_SPEC = 0,           /* the rule: mxt_bkt_decide */
    MXT_BKT_PROFILE_RSDK_KEY_ONLY = 1,  /* matrix-sdk maybe_enable_backups: private key match only */
    MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY = 2 /* older matrix-js-sdk: signature trust only */
} mxt_bkt_profile;

/*@
  requires \valid_read(f);
  requires n == 0 || \valid_read(sigs + (0 .. n - 1));
  assigns \nothing;
  behavior spec:
    assumes profile != MXT_BKT_PROFILE_RSDK_KEY_ONLY && profile != MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY;
    ensures \result == 1 <==> mxt_bkt_backup_trusted(sigs, n, *f);
  behavior rsdk_key_only:
    assumes profile == MXT_BKT_PROFILE_RSDK_KEY_ONLY;
    ensures \result == 1 <==> mxt_bkt_rsdk_key_only_trusted(*f);
  behavior jssdk_signature_only:
    assumes profile == MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY;
    ensures \result == 1 <==> mxt_bkt_jssdk_signature_only_trusted(sigs, n, *f);
  complete behaviors;
  disjoint behaviors;
*/
bool mxt_bkt_profile_trusts(mxt_bkt_profile profile, const mxt_bkt_facts *f, const mxt_bkt_signature *sigs,
                            size_t n);

/* ---- creation (BK-TRUST-010, seed 000) ---- */

typedef enum {
    MXT_BKC_CREATE_DEVICE_ONLY = 0,     /* default profile, master private key not held */
    MXT_BKC_CREATE_DEVICE_AND_MASTER,   /* master private key held: both sign */
    MXT_BKC_REFUSE_NO_MASTER_PRIVATE_KEY/* strict profile: creating without the master private key is an error */
} mxt_bkc_reason;

typedef struct {
    bool           may_create;
    bool           sign_with_device;
    bool           sign_with_master;
    mxt_bkc_reason reason;
} mxt_bkc_plan;

/*@
  assigns \nothing;
  ensures \result.may_create == 1 <==> mxt_bkc_may_create(profile, holds_master_private);
  ensures \result.may_create == 1 ==> \result.sign_with_device == 1;        // BK-TRUST-010
  ensures \result.sign_with_master == 1 <==> \result.may_create == 1 && holds_master_private != 0;
  ensures \result.may_create == 0 ==> \result.sign_with_device == 0;
  behavior device_only:
    assumes profile != MXT_BKC_PROFILE_STRICT && holds_master_private == 0;
    ensures \result.may_create == 1 && \result.reason == MXT_BKC_CREATE_DEVICE_ONLY;
  behavior device_and_master:
    assumes holds_master_private != 0;
    ensures \result.may_create == 1 && \result.reason == MXT_BKC_CREATE_DEVICE_AND_MASTER;
  behavior strict_refuses:                                                  // seed 000
    assumes profile == MXT_BKC_PROFILE_STRICT && holds_master_private == 0;
    ensures \result.may_create == 0 && \result.reason == MXT_BKC_REFUSE_NO_MASTER_PRIVATE_KEY;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bkc_plan mxt_bkc_plan_create(mxt_bkc_profile profile, bool holds_master_private);

typedef enum {
    MXT_BKC_OK_MASTER_SIGNED = 0,       /* carries a valid own master-key signature */
    MXT_BKC_OK_DEVICE_SIGNED,           /* default profile: carries a valid signature by this device */
    MXT_BKC_MISSING_MASTER_SIGNATURE,   /* strict profile: no valid master-key signature */
    MXT_BKC_MISSING_SIGNATURE           /* default profile: neither */
} mxt_bkc_check_reason;

typedef struct {
    bool                 ok;
    mxt_bkc_check_reason reason;
} mxt_bkc_check;

/*
 * Checks that a freshly built auth_data (its signatures, as checked by mxt_sig_check) meets the profile
 * before it is uploaded with POST /room_keys/version.
 */
/*@
  requires n == 0 || \valid_read(sigs + (0 .. n - 1));
  assigns \nothing;
  ensures \result.ok == 1 <==> mxt_bkc_signed_enough(profile, sigs, n);
  behavior master_signed:
    assumes mxt_bkc_has_master_sig(sigs, n);
    ensures \result.ok == 1 && \result.reason == MXT_BKC_OK_MASTER_SIGNED;
  behavior device_signed:
    assumes profile != MXT_BKC_PROFILE_STRICT;
    assumes !mxt_bkc_has_master_sig(sigs, n) && mxt_bkc_has_current_device_sig(sigs, n);
    ensures \result.ok == 1 && \result.reason == MXT_BKC_OK_DEVICE_SIGNED;
  behavior strict_missing_master:
    assumes profile == MXT_BKC_PROFILE_STRICT && !mxt_bkc_has_master_sig(sigs, n);
    ensures \result.ok == 0 && \result.reason == MXT_BKC_MISSING_MASTER_SIGNATURE;
  behavior default_missing:
    assumes profile != MXT_BKC_PROFILE_STRICT;
    assumes !mxt_bkc_has_master_sig(sigs, n) && !mxt_bkc_has_current_device_sig(sigs, n);
    ensures \result.ok == 0 && \result.reason == MXT_BKC_MISSING_SIGNATURE;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bkc_check mxt_bkc_check_signed(mxt_bkc_profile profile, const mxt_bkt_signature *sigs, size_t n);

#endif
