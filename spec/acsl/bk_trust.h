/*
 * BK-TRUST: may a client trust a key backup's auth_data (and so upload keys to it)? And, as a selectable
 * profile from seed 000, may it create a backup?
 *
 * Source: spec "Server-side key backups" ("Clients must only store keys in backups after they have ensured
 * that the auth_data is trusted ... signed by the user's master cross-signing key or by a verified device
 * belonging to the same user, or by deriving the public key from a private key that it obtained from a
 * trusted source": the user entering it, secret storage, or secret sharing from a verified own device);
 * seed 000 (matrix-rust-sdk#3431: the master key must itself be trusted; create only master-signed backups).
 * Rule IDs: research/rules-draft.md section 6 (BK-TRUST-002..008, 010, 012).
 *
 * The inputs are facts the caller has already established: each signature's verdict comes from
 * mxt_sig_check (core/signed_json.h); which key made it, whether that device is verified, and where a held
 * private key came from are the caller's classification. No JSON here.
 */
#ifndef MXT_ACSL_BK_TRUST_H
#define MXT_ACSL_BK_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include "signed_json.h"

/* The backup's algorithm, as the caller recognised it. */
typedef enum {
    MXT_BKT_ALG_OTHER = 0,    /* anything else: unknown to this client (BK-TRUST-008) */
    MXT_BKT_ALG_MEGOLM_V1 = 1,/* m.megolm_backup.v1.curve25519-aes-sha2 */
    MXT_BKT_ALG_V2 = 2        /* m.backup.v2.curve25519-aes-sha2 or org.matrix.msc4048.curve25519-aes-sha2
                                 (known only under the MSC4048 profile) */
} mxt_bkt_algorithm;

/* Which key a signature on auth_data is by (the caller resolves the key ID). */
typedef enum {
    MXT_BKT_KEY_OWN_MASTER = 0,        /* the user's own master cross-signing key */
    MXT_BKT_KEY_OWN_DEVICE = 1,        /* a device of the user that the client knows */
    MXT_BKT_KEY_OWN_UNKNOWN_DEVICE = 2,/* a device ID of the user that is unknown or deleted */
    MXT_BKT_KEY_OTHER = 3              /* anything else (another user's key, other key types) */
} mxt_bkt_key_kind;

/* One signature found on auth_data. */
typedef struct {
    bool             own_user;         /* listed under the user's own user ID */
    mxt_bkt_key_kind kind;
    mxt_sig_verdict  verdict;          /* from mxt_sig_check */
    bool             device_verified;  /* OWN_DEVICE: verified (locally or cross-signed by a trusted identity) */
    bool             current_device;   /* OWN_DEVICE: it is this very device */
} mxt_bkt_signature;

/* Where a held backup private key came from. */
typedef enum {
    MXT_BKT_PK_NONE = 0,                  /* no private key held */
    MXT_BKT_PK_USER_ENTERED = 1,          /* typed in by the user (recovery key) */
    MXT_BKT_PK_SECRET_STORAGE = 2,        /* read from secret storage (m.megolm_backup.v1) */
    MXT_BKT_PK_SHARED_VERIFIED_DEVICE = 3,/* m.secret.send from a verified own device */
    MXT_BKT_PK_SHARED_UNVERIFIED_DEVICE = 4, /* m.secret.send from a device not verified */
    MXT_BKT_PK_OTHER = 5                  /* any other source (e.g. a cache of unknown origin) */
} mxt_bkt_key_source;

/* The client's state about this backup, apart from the signatures. */
typedef struct {
    mxt_bkt_algorithm  algorithm;
    bool               msc4048;            /* profile: the client implements MSC4048's v2 algorithm */
    bool               master_key_trusted; /* the user's own master key is verified/trusted */
    mxt_bkt_key_source key_source;
    bool               key_matches;        /* derived public key == auth_data.public_key (BK-FMT-012) */
} mxt_bkt_facts;

/*@
  // BK-TRUST-008: only algorithms the client implements can be trusted for upload.
  predicate mxt_bkt_algorithm_known(mxt_bkt_facts f) =
    f.algorithm == MXT_BKT_ALG_MEGOLM_V1 || (f.algorithm == MXT_BKT_ALG_V2 && f.msc4048 != 0);

  // BK-TRUST-002 (with seed 000's "and the latter is trusted"): a VALID signature by the user's own
  // master key, while that master key is trusted.
  predicate mxt_bkt_sig_by_trusted_master(mxt_bkt_signature s, mxt_bkt_facts f) =
    s.own_user != 0 && s.kind == MXT_BKT_KEY_OWN_MASTER && s.verdict == MXT_SIG_VALID
    && f.master_key_trusted != 0;

  // A VALID own master-key signature while the master key is NOT trusted: not enough (BK-TRUST-002).
  predicate mxt_bkt_sig_by_untrusted_master(mxt_bkt_signature s, mxt_bkt_facts f) =
    s.own_user != 0 && s.kind == MXT_BKT_KEY_OWN_MASTER && s.verdict == MXT_SIG_VALID
    && f.master_key_trusted == 0;

  // BK-TRUST-003: a VALID signature by a verified device of the same user. The current device counts as
  // verified: a device trusts its own key.
  predicate mxt_bkt_sig_by_verified_device(mxt_bkt_signature s) =
    s.own_user != 0 && s.kind == MXT_BKT_KEY_OWN_DEVICE && s.verdict == MXT_SIG_VALID
    && (s.device_verified != 0 || s.current_device != 0);

  // BK-TRUST-002/003: the signature establishes trust in auth_data.
  predicate mxt_bkt_sig_establishes_trust(mxt_bkt_signature s, mxt_bkt_facts f) =
    mxt_bkt_sig_by_trusted_master(s, f) || mxt_bkt_sig_by_verified_device(s);

  // BK-TRUST-005: signatures under another user ID, by unknown or deleted own devices, or by other keys
  // never establish trust.
  lemma mxt_bkt_other_user_never_trusts:
    \forall mxt_bkt_signature s, mxt_bkt_facts f; s.own_user == 0 ==> !mxt_bkt_sig_establishes_trust(s, f);
  lemma mxt_bkt_unknown_device_never_trusts:
    \forall mxt_bkt_signature s, mxt_bkt_facts f;
      s.kind == MXT_BKT_KEY_OWN_UNKNOWN_DEVICE || s.kind == MXT_BKT_KEY_OTHER ==>
        !mxt_bkt_sig_establishes_trust(s, f);
  // BK-TRUST-006: a signature that is not VALID (MISSING, INVALID, MALFORMED) never establishes trust.
  lemma mxt_bkt_invalid_never_trusts:
    \forall mxt_bkt_signature s, mxt_bkt_facts f; s.verdict != MXT_SIG_VALID ==>
      !mxt_bkt_sig_establishes_trust(s, f);
  // An unverified device that is not the current device does not establish trust (BK-TRUST-003).
  lemma mxt_bkt_unverified_device_never_trusts:
    \forall mxt_bkt_signature s, mxt_bkt_facts f;
      s.kind == MXT_BKT_KEY_OWN_DEVICE && s.device_verified == 0 && s.current_device == 0 ==>
        !mxt_bkt_sig_establishes_trust(s, f);

  // Some signature on auth_data (sigs[0 .. n-1]) establishes trust.
  predicate mxt_bkt_has_trusted_master_sig{L}(mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f) =
    \exists integer i; 0 <= i < n && mxt_bkt_sig_by_trusted_master(sigs[i], f);
  predicate mxt_bkt_has_untrusted_master_sig{L}(mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f) =
    \exists integer i; 0 <= i < n && mxt_bkt_sig_by_untrusted_master(sigs[i], f);
  predicate mxt_bkt_has_verified_device_sig{L}(mxt_bkt_signature *sigs, integer n) =
    \exists integer i; 0 <= i < n && mxt_bkt_sig_by_verified_device(sigs[i]);
  predicate mxt_bkt_signature_trusted{L}(mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f) =
    mxt_bkt_has_trusted_master_sig(sigs, n, f) || mxt_bkt_has_verified_device_sig(sigs, n);

  // BK-TRUST-004: the private key came from a trusted source.
  predicate mxt_bkt_key_source_trusted(mxt_bkt_key_source src) =
    src == MXT_BKT_PK_USER_ENTERED || src == MXT_BKT_PK_SECRET_STORAGE
    || src == MXT_BKT_PK_SHARED_VERIFIED_DEVICE;
  // BK-TRUST-004: a private key from a trusted source whose public key is auth_data.public_key.
  predicate mxt_bkt_private_key_trusted(mxt_bkt_facts f) =
    mxt_bkt_key_source_trusted(f.key_source) && f.key_matches != 0;

  // BK-TRUST-012: the decision every conforming client reaches: a known algorithm, and a trusted
  // signature or a trusted matching private key.
  predicate mxt_bkt_backup_trusted{L}(mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f) =
    mxt_bkt_algorithm_known(f)
    && (mxt_bkt_signature_trusted(sigs, n, f) || mxt_bkt_private_key_trusted(f));

  // Decision (documented, the spec is silent, BK-TRUST-006): an INVALID signature next to a VALID
  // trusted one does not veto trust. The valid trusted signature already covers the very bytes the
  // invalid one claims to cover; and anyone who can write auth_data (the server) could otherwise disable
  // every client's backup by appending junk. matrix-rust-sdk decides the same. Trust is monotone in the
  // set of signatures: adding one (sigs[n]) never turns a trusted backup untrusted.
  lemma mxt_bkt_extra_signature_never_vetoes{L}:
    \forall mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f;
      n >= 0 && mxt_bkt_backup_trusted(sigs, n, f) ==> mxt_bkt_backup_trusted(sigs, n + 1, f);
*/

/*@
  // BK-TRUST-007 at the level of a whole auth_data: one VALID own master-key signature under a trusted
  // master key is enough, whatever the other signatures (e.g. by a deleted device) say.
  lemma mxt_bkt_master_signature_suffices{L}:
    \forall mxt_bkt_signature *sigs, integer n, integer i, mxt_bkt_facts f;
      mxt_bkt_algorithm_known(f) && 0 <= i < n && mxt_bkt_sig_by_trusted_master(sigs[i], f) ==>
        mxt_bkt_backup_trusted(sigs, n, f);

  // DIVERGENCES from BK-TRUST-012 (not the rule), named so vectors can be generated from them.
  // matrix-rust-sdk's high-level matrix-sdk (maybe_enable_backups) enables upload only on a private key
  // match; it never consults signatures.
  predicate mxt_bkt_rsdk_key_only_trusted(mxt_bkt_facts f) =
    mxt_bkt_algorithm_known(f) && mxt_bkt_private_key_trusted(f);
  // Older matrix-js-sdk (doCheckKeyBackup, indexed revision) requires signature trust only.
  predicate mxt_bkt_jssdk_signature_only_trusted{L}(mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f) =
    mxt_bkt_algorithm_known(f) && mxt_bkt_signature_trusted(sigs, n, f);

  // Both only under-trust: whatever they trust, the rule trusts too.
  lemma mxt_bkt_rsdk_key_only_under_trusts{L}:
    \forall mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f;
      mxt_bkt_rsdk_key_only_trusted(f) ==> mxt_bkt_backup_trusted(sigs, n, f);
  lemma mxt_bkt_jssdk_signature_only_under_trusts{L}:
    \forall mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f;
      mxt_bkt_jssdk_signature_only_trusted(sigs, n, f) ==> mxt_bkt_backup_trusted(sigs, n, f);
  // The two test cells of BK-TRUST-012. Signed by the trusted master key, no private key held: the rule
  // trusts, the key-only client does not.
  lemma mxt_bkt_cell_master_signed_no_key{L}:
    \forall mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f;
      n == 1 && mxt_bkt_algorithm_known(f) && mxt_bkt_sig_by_trusted_master(sigs[0], f)
      && f.key_source == MXT_BKT_PK_NONE ==>
        mxt_bkt_backup_trusted(sigs, n, f) && !mxt_bkt_rsdk_key_only_trusted(f);
  // Unsigned, private key from secret storage matches: the rule trusts, the signature-only client does not.
  lemma mxt_bkt_cell_unsigned_key_matches{L}:
    \forall mxt_bkt_signature *sigs, integer n, mxt_bkt_facts f;
      n == 0 && mxt_bkt_algorithm_known(f) && f.key_source == MXT_BKT_PK_SECRET_STORAGE
      && f.key_matches != 0 ==>
        mxt_bkt_backup_trusted(sigs, n, f) && !mxt_bkt_jssdk_signature_only_trusted(sigs, n, f);
*/

/* ---------------------------------------------------------------------------------------------
 * Creating a backup (BK-TRUST-010; seed 000's strict profile).
 */
typedef enum {
    MXT_BKC_PROFILE_DEFAULT = 0, /* spec/rust-sdk: sign with the device; add the master key if held */
    MXT_BKC_PROFILE_STRICT = 1   /* seed 000: every new backup carries a master-key signature */
} mxt_bkc_profile;

/*@
  // BK-TRUST-010: a creating client signs with its device and, when it holds the master private key,
  // with the master key too (stated in mxt_bkc_plan_create's contract, core/bk_trust.h).
  // Seed 000 (strict profile): creating without the master private key is refused.
  predicate mxt_bkc_may_create(mxt_bkc_profile p, integer holds_master_private) =
    p != MXT_BKC_PROFILE_STRICT || holds_master_private != 0;

  // A freshly built auth_data is acceptable for upload under the profile: strict needs a VALID own
  // master-key signature; default needs a VALID signature by the master key or by this device.
  predicate mxt_bkc_sig_is_master(mxt_bkt_signature s) =
    s.own_user != 0 && s.kind == MXT_BKT_KEY_OWN_MASTER && s.verdict == MXT_SIG_VALID;
  predicate mxt_bkc_sig_is_current_device(mxt_bkt_signature s) =
    s.own_user != 0 && s.kind == MXT_BKT_KEY_OWN_DEVICE && s.verdict == MXT_SIG_VALID
    && s.current_device != 0;
  predicate mxt_bkc_has_master_sig{L}(mxt_bkt_signature *sigs, integer n) =
    \exists integer i; 0 <= i < n && mxt_bkc_sig_is_master(sigs[i]);
  predicate mxt_bkc_has_current_device_sig{L}(mxt_bkt_signature *sigs, integer n) =
    \exists integer i; 0 <= i < n && mxt_bkc_sig_is_current_device(sigs[i]);
  predicate mxt_bkc_signed_enough{L}(mxt_bkc_profile p, mxt_bkt_signature *sigs, integer n) =
    (p == MXT_BKC_PROFILE_STRICT ==> mxt_bkc_has_master_sig(sigs, n))
    && (p != MXT_BKC_PROFILE_STRICT ==>
          mxt_bkc_has_master_sig(sigs, n) || mxt_bkc_has_current_device_sig(sigs, n));

  // Seed 000's point (BK-TRUST-007): a master-signed backup stays trusted by any client that trusts the
  // master key, even when the creating device is gone (its signature no longer establishes anything).
  lemma mxt_bkc_master_signed_survives_device_deletion:
    \forall mxt_bkt_signature s, mxt_bkt_facts f;
      mxt_bkc_sig_is_master(s) && f.master_key_trusted != 0 ==> mxt_bkt_sig_establishes_trust(s, f);
*/

#endif
