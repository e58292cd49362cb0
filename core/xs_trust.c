/* Cross-signing chain decisions: see xs_trust.h and spec/acsl/xs.h (XS-006, XS-007, XS-015). */
#include "xs_trust.h"

/*@
  requires verdict_in_range(v);
  assigns \nothing;
  ensures \result == 1 <==> link_tampered(v);
  ensures \result == 0 || \result == 1;
*/
static int tampered(mxt_sig_verdict v)
{
    return v == MXT_SIG_INVALID || v == MXT_SIG_MALFORMED;
}

mxt_xs_chain_result mxt_xs_own_device_trust(const mxt_xs_own_chain *c)
{
    if (tampered(c->master_signed_ssk) || tampered(c->ssk_signed_device))
        return MXT_XSC_TAMPERED;
    if (c->master_signed_ssk != MXT_SIG_VALID || c->ssk_signed_device != MXT_SIG_VALID)
        return MXT_XSC_NOT_SIGNED;
    if (c->own_master_trusted == 0)
        return MXT_XSC_ROOT_UNTRUSTED;
    return MXT_XSC_TRUSTED;
}

mxt_xs_chain_result mxt_xs_other_device_trust(const mxt_xs_other_chain *c)
{
    if (tampered(c->own_master_signed_usk) || tampered(c->usk_signed_their_master)
        || tampered(c->their_master_signed_ssk) || tampered(c->their_ssk_signed_device))
        return MXT_XSC_TAMPERED;
    if (c->own_master_signed_usk != MXT_SIG_VALID || c->usk_signed_their_master != MXT_SIG_VALID
        || c->their_master_signed_ssk != MXT_SIG_VALID || c->their_ssk_signed_device != MXT_SIG_VALID)
        return MXT_XSC_NOT_SIGNED;
    if (c->own_master_trusted == 0)
        return MXT_XSC_ROOT_UNTRUSTED;
    return MXT_XSC_TRUSTED;
}

int mxt_xs_identity_verified(const mxt_xs_other_chain *c)
{
    return c->own_master_trusted != 0 && c->own_master_signed_usk == MXT_SIG_VALID
           && c->usk_signed_their_master == MXT_SIG_VALID;
}

uint8_t mxt_xs_latch(uint8_t previously, uint8_t now)
{
    return (previously != 0 || now != 0) ? 1u : 0u;
}

mxt_xs_identity_level mxt_xs_identity_level_of(const mxt_xs_identity_facts *f)
{
    if (f->verified_now != 0)
        return MXT_XS_ID_VERIFIED;
    if (f->previously_verified != 0)
        return MXT_XS_ID_VIOLATION;
    if (f->master_is_pinned != 0)
        return MXT_XS_ID_PINNED;
    return MXT_XS_ID_UNPINNED;
}

const char *mxt_xs_chain_result_name(mxt_xs_chain_result r)
{
    switch (r) {
    case MXT_XSC_TRUSTED: return "TRUSTED";
    case MXT_XSC_ROOT_UNTRUSTED: return "ROOT_UNTRUSTED";
    case MXT_XSC_NOT_SIGNED: return "NOT_SIGNED";
    case MXT_XSC_TAMPERED: return "TAMPERED";
    default: return "?";
    }
}

const char *mxt_xs_identity_level_name(mxt_xs_identity_level l)
{
    switch (l) {
    case MXT_XS_ID_VERIFIED: return "VERIFIED";
    case MXT_XS_ID_VIOLATION: return "VERIFICATION_VIOLATION";
    case MXT_XS_ID_PINNED: return "PINNED";
    case MXT_XS_ID_UNPINNED: return "UNPINNED";
    default: return "?";
    }
}
