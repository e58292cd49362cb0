/*
 * mxtrust core: backup trust decision and creation profiles (BK-TRUST). Contracts: bk_trust.h; rules:
 * spec/acsl/bk_trust.h.
 */
#include "bk_trust.h"

/*@
  requires \valid_read(f);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bkt_algorithm_known(*f);
*/
static bool algorithm_known(const mxt_bkt_facts *f)
{
    return f->algorithm == MXT_BKT_ALG_MEGOLM_V1 || (f->algorithm == MXT_BKT_ALG_V2 && f->msc4048);
}

/*@
  requires \valid_read(s);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bkc_sig_is_master(*s);
*/
static bool is_valid_own_master(const mxt_bkt_signature *s)
{
    return s->own_user && s->kind == MXT_BKT_KEY_OWN_MASTER && s->verdict == MXT_SIG_VALID;
}

/*@
  requires \valid_read(s);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bkt_sig_by_verified_device(*s);
*/
static bool is_verified_device(const mxt_bkt_signature *s)
{
    return s->own_user && s->kind == MXT_BKT_KEY_OWN_DEVICE && s->verdict == MXT_SIG_VALID
           && (s->device_verified || s->current_device);
}

/*@
  requires \valid_read(s);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bkc_sig_is_current_device(*s);
*/
static bool is_current_device(const mxt_bkt_signature *s)
{
    return s->own_user && s->kind == MXT_BKT_KEY_OWN_DEVICE && s->verdict == MXT_SIG_VALID
           && s->current_device;
}

/*@
  requires \valid_read(f);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bkt_key_source_trusted(f->key_source);
*/
static bool key_source_trusted(const mxt_bkt_facts *f)
{
    return f->key_source == MXT_BKT_PK_USER_ENTERED || f->key_source == MXT_BKT_PK_SECRET_STORAGE
           || f->key_source == MXT_BKT_PK_SHARED_VERIFIED_DEVICE;
}

/*@
  assigns \nothing;
  ensures \result.trusted == trusted && \result.reason == reason && \result.signature == signature;
*/
static mxt_bkt_decision bkt_decision(bool trusted, mxt_bkt_reason reason, size_t signature)
{
    mxt_bkt_decision d;
    d.trusted = trusted;
    d.reason = reason;
    d.signature = signature;
    return d;
}

mxt_bkt_decision mxt_bkt_decide(const mxt_bkt_facts *f, const mxt_bkt_signature *sigs, size_t n)
{
    if (!algorithm_known(f))
        return bkt_decision(false, MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM, MXT_BKT_NO_SIGNATURE);

    size_t master = MXT_BKT_NO_SIGNATURE; /* first valid own master-key signature */
    size_t device = MXT_BKT_NO_SIGNATURE; /* first valid verified-device signature */
    /*@
      loop invariant 0 <= i <= n;
      loop invariant master == MXT_BKT_NO_SIGNATURE || (master < i && mxt_bkc_sig_is_master(sigs[master]));
      loop invariant master == MXT_BKT_NO_SIGNATURE ==>
        \forall integer j; 0 <= j < i ==> !mxt_bkc_sig_is_master(sigs[j]);
      loop invariant device == MXT_BKT_NO_SIGNATURE || (device < i && mxt_bkt_sig_by_verified_device(sigs[device]));
      loop invariant device == MXT_BKT_NO_SIGNATURE ==>
        \forall integer j; 0 <= j < i ==> !mxt_bkt_sig_by_verified_device(sigs[j]);
      loop assigns i, master, device;
      loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (master == MXT_BKT_NO_SIGNATURE && is_valid_own_master(&sigs[i]))
            master = i;
        if (device == MXT_BKT_NO_SIGNATURE && is_verified_device(&sigs[i]))
            device = i;
    }

    if (master != MXT_BKT_NO_SIGNATURE && f->master_key_trusted)
        return bkt_decision(true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, master);
    if (device != MXT_BKT_NO_SIGNATURE)
        return bkt_decision(true, MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE, device);
    bool source_ok = key_source_trusted(f);
    if (source_ok && f->key_matches)
        return bkt_decision(true, MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH, MXT_BKT_NO_SIGNATURE);
    if (master != MXT_BKT_NO_SIGNATURE)
        return bkt_decision(false, MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED, master);
    if (source_ok)
        return bkt_decision(false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH, MXT_BKT_NO_SIGNATURE);
    if (f->key_source != MXT_BKT_PK_NONE && f->key_matches)
        return bkt_decision(false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE, MXT_BKT_NO_SIGNATURE);
    return bkt_decision(false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE, MXT_BKT_NO_SIGNATURE);
}

bool mxt_bkt_profile_trusts(mxt_bkt_profile profile, const mxt_bkt_facts *f, const mxt_bkt_signature *sigs,
                            size_t n)
{
    if (profile == MXT_BKT_PROFILE_RSDK_KEY_ONLY)
        return algorithm_known(f) && key_source_trusted(f) && f->key_matches;
    mxt_bkt_decision d = mxt_bkt_decide(f, sigs, n);
    if (profile == MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY)
        return d.reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE || d.reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE;
    return d.trusted;
}

mxt_bkc_plan mxt_bkc_plan_create(mxt_bkc_profile profile, bool holds_master_private)
{
    mxt_bkc_plan p;
    if (profile == MXT_BKC_PROFILE_STRICT && !holds_master_private) {
        p.may_create = false;
        p.sign_with_device = false;
        p.sign_with_master = false;
        p.reason = MXT_BKC_REFUSE_NO_MASTER_PRIVATE_KEY;
        return p;
    }
    p.may_create = true;
    p.sign_with_device = true;
    p.sign_with_master = holds_master_private;
    p.reason = holds_master_private ? MXT_BKC_CREATE_DEVICE_AND_MASTER : MXT_BKC_CREATE_DEVICE_ONLY;
    return p;
}

mxt_bkc_check mxt_bkc_check_signed(mxt_bkc_profile profile, const mxt_bkt_signature *sigs, size_t n)
{
    bool master = false, device = false;
    /*@
      loop invariant 0 <= i <= n;
      loop invariant master == 1 <==> mxt_bkc_has_master_sig(sigs, i);
      loop invariant device == 1 <==> mxt_bkc_has_current_device_sig(sigs, i);
      loop assigns i, master, device;
      loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (is_valid_own_master(&sigs[i]))
            master = true;
        if (is_current_device(&sigs[i]))
            device = true;
    }
    mxt_bkc_check c;
    if (master) {
        c.ok = true;
        c.reason = MXT_BKC_OK_MASTER_SIGNED;
    } else if (profile == MXT_BKC_PROFILE_STRICT) {
        c.ok = false;
        c.reason = MXT_BKC_MISSING_MASTER_SIGNATURE;
    } else if (device) {
        c.ok = true;
        c.reason = MXT_BKC_OK_DEVICE_SIGNED;
    } else {
        c.ok = false;
        c.reason = MXT_BKC_MISSING_SIGNATURE;
    }
    return c;
}
