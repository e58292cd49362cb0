/*
 * mxtrust core: signed / authenticated key backup decisions (SKB). Contracts: skb.h; rules:
 * spec/acsl/skb.h.
 */
#include "skb.h"

bool mxt_skb1_auth_data_signature_trusted(const mxt_bkt_decision *d)
{
    return d->trusted && (d->reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE
                          || d->reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE);
}

/*@
  assigns \nothing;
  ensures \result.accept == accept && \result.authenticated == authenticated;
  ensures \result.mac_relied_on == mac_relied_on && \result.reason == reason;
*/
static mxt_skb1_decision skb1(bool accept, bool authenticated, bool mac_relied_on, mxt_skb1_reason reason)
{
    mxt_skb1_decision d;
    d.accept = accept;
    d.authenticated = authenticated;
    d.mac_relied_on = mac_relied_on;
    d.reason = reason;
    return d;
}

mxt_skb1_decision mxt_skb1_decide(const mxt_skb1_facts *f)
{
    mxt_skb1_reason why;
    if (f->signing_key != MXT_SKB_SK_STABLE && f->signing_key != MXT_SKB_SK_UNSTABLE_MSCXXXX
        && f->signing_key != MXT_SKB_SK_UNSTABLE_MSC4048)
        why = MXT_SKB1_NO_SIGNING_KEY;
    else if (!f->auth_data_signature_trusted)
        why = MXT_SKB1_SIGNING_KEY_NOT_TRUSTED;
    else if (f->signature != MXT_SIG_VALID)
        why = MXT_SKB1_SIGNATURE_NOT_VALID;
    else if (f->authenticated == MXT_SKB_FLAG_TRUE)
        return skb1(true, true, false, MXT_SKB1_AUTHENTICATED);
    else
        return skb1(true, false, false, MXT_SKB1_SIGNED_NOT_CLAIMED);
    /* Not signed: the v1 rules apply, so the deprecated mac decides acceptance (SKB-006). */
    return skb1(f->mac == MXT_SKB_MAC_VALID, false, true, why);
}

mxt_skb_source mxt_skb_source_from_field(mxt_skb_unauth_field u)
{
    switch (u) {
    case MXT_SKB_UNAUTH_ABSENT: return MXT_SKB_SRC_AUTHENTICATED;
    case MXT_SKB_UNAUTH_LEGACY_V1: return MXT_SKB_SRC_LEGACY_V1;
    case MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY: return MXT_SKB_SRC_FORWARDED_ROOM_KEY;
    case MXT_SKB_UNAUTH_UNDEFINED:
    case MXT_SKB_UNAUTH_UNKNOWN:
    default: return MXT_SKB_SRC_UNDEFINED;
    }
}

/*@
  assigns \nothing;
  ensures \result.accept == accept && \result.authenticated == authenticated;
  ensures \result.source == source && \result.reason == reason;
*/
static mxt_skb2_decision skb2(bool accept, bool authenticated, mxt_skb_source source, mxt_skb2_reason reason)
{
    mxt_skb2_decision d;
    d.accept = accept;
    d.authenticated = authenticated;
    d.source = source;
    d.reason = reason;
    return d;
}

mxt_skb2_decision mxt_skb2_decide(const mxt_skb2_facts *f)
{
    if (f->backup_algorithm == MXT_BKT_ALG_V2) {
        if (f->backup_mac == MXT_SKB_MAC_ABSENT)
            return skb2(false, false, MXT_SKB_SRC_UNDEFINED, MXT_SKB2_IGNORED_MISSING_BACKUP_MAC);
        if (f->backup_mac != MXT_SKB_MAC_VALID)
            return skb2(false, false, MXT_SKB_SRC_UNDEFINED, MXT_SKB2_IGNORED_INVALID_BACKUP_MAC);
    } else if (f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1) {
        if (f->v1_mac != MXT_SKB_MAC_VALID)
            return skb2(false, false, MXT_SKB_SRC_UNDEFINED, MXT_SKB2_IGNORED_V1_MAC);
        bool no_backup_mac = f->backup_mac != MXT_SKB_MAC_VALID;
        if (no_backup_mac || f->v1_keys_unauthenticated) {
            mxt_skb_source src = f->unauthenticated == MXT_SKB_UNAUTH_ABSENT
                                     ? MXT_SKB_SRC_LEGACY_V1 : mxt_skb_source_from_field(f->unauthenticated);
            return skb2(true, false, src, no_backup_mac ? MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC
                                                        : MXT_SKB2_UNAUTHENTICATED_V1_POLICY);
        }
    } else {
        return skb2(false, false, MXT_SKB_SRC_UNDEFINED, MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM);
    }
    if (f->unauthenticated == MXT_SKB_UNAUTH_ABSENT)
        return skb2(true, true, MXT_SKB_SRC_AUTHENTICATED, MXT_SKB2_AUTHENTICATED);
    return skb2(true, false, mxt_skb_source_from_field(f->unauthenticated), MXT_SKB2_UNAUTHENTICATED_STATED);
}

mxt_skb_unauth_field mxt_skb_migrate_unauthenticated(mxt_skb_mac_check backup_mac, mxt_skb_unauth_field u)
{
    return backup_mac == MXT_SKB_MAC_VALID ? u : MXT_SKB_UNAUTH_LEGACY_V1;
}
