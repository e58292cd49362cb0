/* mxtrust core: client-side decisions around the trust rules (contracts in client_flow.h). */
#include "client_flow.h"

const uint8_t MXT_CF_SKB1_SECRET_NAME[20] = {'m', '.', 'k', 'e', 'y', '_', 'b', 'a', 'c', 'k',
                                             'u', 'p', '.', 's', 'i', 'g', 'n', 'i', 'n', 'g'};

int mxt_cf_bytes_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    if (an != bn)
        return 0;
    /*@ loop invariant 0 <= i <= an;
        loop invariant \forall integer k; 0 <= k < i ==> a[k] == b[k];
        loop assigns i;
        loop variant an - i; */
    for (size_t i = 0; i < an; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

int mxt_cf_id_shadows_key(const uint8_t *dev, size_t dn, const uint8_t *key, size_t kn)
{
    return mxt_cf_bytes_eq(dev, dn, key, kn);
}

mxt_cf_verified_key mxt_cf_verified_key_fixed(const uint8_t *start, const uint8_t *now)
{
    if (now == NULL)
        return MXT_CF_VK_GONE;
    return mxt_cf_bytes_eq(start, 32, now, 32) ? MXT_CF_VK_SAME : MXT_CF_VK_CHANGED;
}

mxt_cf_mk_action mxt_cf_master_from_device(bool signed_by_verified_device, bool first_master_key,
                                           bool user_confirmed)
{
    if (!signed_by_verified_device)
        return MXT_CF_MK_NO_EVIDENCE;
    if (first_master_key)
        return MXT_CF_MK_TRUST_FIRST;
    return user_confirmed ? MXT_CF_MK_TRUST_CONFIRMED : MXT_CF_MK_ASK_USER;
}

mxt_bk_rank mxt_cf_backup_metadata(bool device_verified, uint32_t first_known_index,
                                   uint32_t chain_len)
{
    mxt_bk_rank r;
    r.is_verified = device_verified;
    r.first_message_index = first_known_index;
    r.forwarded_count = chain_len;
    return r;
}

mxt_cf_metadata_check mxt_cf_backup_metadata_check(const mxt_bk_rank *sent, bool device_verified,
                                                   uint32_t first_known_index, uint32_t chain_len)
{
    if (sent->is_verified != device_verified)
        return MXT_CF_MD_IS_VERIFIED;
    if (sent->first_message_index != first_known_index)
        return MXT_CF_MD_FIRST_MESSAGE_INDEX;
    if (sent->forwarded_count != chain_len)
        return MXT_CF_MD_FORWARDED_COUNT;
    return MXT_CF_MD_CORRECT;
}

mxt_cf_upload_action mxt_cf_upload_answer(uint32_t status, mxt_cf_errcode err,
                                          bool has_retry_after)
{
    if (status == 200)
        return MXT_CF_UP_DONE;
    if ((status == 403 && err == MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION) ||
        (status == 404 && err == MXT_CF_ERR_NOT_FOUND))
        return MXT_CF_UP_REFETCH;
    if (status == 429)
        return has_retry_after ? MXT_CF_UP_RETRY_AFTER : MXT_CF_UP_RETRY_BACKOFF;
    return MXT_CF_UP_FAIL;
}

mxt_cf_recheck mxt_cf_recheck_trust(bool had, const uint8_t *pv, size_t pvn, const uint8_t *cv,
                                    size_t cvn, const uint8_t *pa, size_t pan, const uint8_t *ca,
                                    size_t can)
{
    if (!had)
        return MXT_CF_RC_FIRST_FETCH;
    if (!mxt_cf_bytes_eq(pv, pvn, cv, cvn))
        return MXT_CF_RC_NEW_VERSION;
    if (!mxt_cf_bytes_eq(pa, pan, ca, can))
        return MXT_CF_RC_AUTH_DATA_CHANGED;
    return MXT_CF_RC_UNCHANGED;
}

mxt_cf_arrival_action mxt_cf_arrival_decide(const mxt_cf_arrival *a)
{
    uint8_t src = a->source;
    if (src == MXT_CF_SRC_ROOM_KEY)
        return a->over_olm ? MXT_CF_ARR_LOOKUP : MXT_CF_ARR_REJECT_NOT_OLM;
    if (src == MXT_CF_SRC_BACKUP)
        return a->holds_backup_key ? MXT_CF_ARR_IMPORTED : MXT_CF_ARR_REJECT_NO_KEY;
    if (src == MXT_CF_SRC_KEY_BUNDLE) {
        if (!a->over_olm)
            return MXT_CF_ARR_REJECT_NOT_OLM;
        return a->has_forwarder ? MXT_CF_ARR_BUNDLE : MXT_CF_ARR_REJECT_NO_FORWARDER;
    }
    return a->has_sender_data ? MXT_CF_ARR_STORED : MXT_CF_ARR_STORED_LEGACY;
}

static const uint8_t K_ENABLED[7] = {'e', 'n', 'a', 'b', 'l', 'e', 'd'};
static const uint8_t K_SHARED_HISTORY[14] = {'s', 'h', 'a', 'r', 'e', 'd', '_',
                                             'h', 'i', 's', 't', 'o', 'r', 'y'};

mxt_cf_backup_pref mxt_cf_backup_preference(const mxt_json_doc *doc)
{
    if (doc == NULL || doc->tok[0].type != MXT_JSON_OBJECT)
        return MXT_CF_PREF_IGNORED;
    uint32_t t = mxt_json_get(doc, 0, K_ENABLED, sizeof K_ENABLED);
    if (t == MXT_JSON_NONE)
        return MXT_CF_PREF_IGNORED;
    if (doc->tok[t].type == MXT_JSON_TRUE)
        return MXT_CF_PREF_ENABLED;
    if (doc->tok[t].type == MXT_JSON_FALSE)
        return MXT_CF_PREF_DISABLED;
    return MXT_CF_PREF_IGNORED;
}

mxt_cf_secret_problem mxt_cf_backup_secret(const char *in, size_t n, uint8_t *key,
                                           mxt_where *where)
{
    size_t got = 0;
    mxt_status st = mxt_b64_decode(in, n, MXT_B64_LENIENT, key, 32, &got, where);
    if (st == MXT_OK)
        return got == 32 ? MXT_CF_SECRET_OK : MXT_CF_SECRET_LENGTH;
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_CF_SECRET_LENGTH;
    return MXT_CF_SECRET_BASE64;
}

mxt_cf_signing_secret mxt_cf_skb1_signing_secret(const uint8_t *name, size_t n, bool key_matches)
{
    if (!mxt_cf_bytes_eq(name, n, MXT_CF_SKB1_SECRET_NAME, sizeof MXT_CF_SKB1_SECRET_NAME))
        return MXT_CF_SKS_WRONG_NAME;
    return key_matches ? MXT_CF_SKS_USE : MXT_CF_SKS_KEY_MISMATCH;
}

mxt_cf_signing_enable mxt_cf_skb1_enable_signing(bool has_signing_key)
{
    return has_signing_key ? MXT_CF_SKE_KEEP_VERSION : MXT_CF_SKE_NEW_VERSION;
}

mxt_cf_shield mxt_cf_shield_for(mxt_verification_state state, bool strict)
{
    mxt_cf_shield s;
    switch (state) {
    case MXT_VS_VERIFIED:
        s.colour = MXT_CF_SHIELD_NONE;
        s.message = MXT_CF_MSG_NONE;
        break;
    case MXT_VS_UNVERIFIED_IDENTITY:
        s.colour = strict ? MXT_CF_SHIELD_RED : MXT_CF_SHIELD_NONE;
        s.message = strict ? MXT_CF_MSG_UNVERIFIED_IDENTITY : MXT_CF_MSG_NONE;
        break;
    case MXT_VS_VERIFICATION_VIOLATION:
        s.colour = MXT_CF_SHIELD_RED;
        s.message = MXT_CF_MSG_VERIFICATION_VIOLATION;
        break;
    case MXT_VS_UNSIGNED_DEVICE:
        s.colour = MXT_CF_SHIELD_RED;
        s.message = MXT_CF_MSG_UNSIGNED_DEVICE;
        break;
    case MXT_VS_MISSING_DEVICE:
        s.colour = MXT_CF_SHIELD_RED;
        s.message = MXT_CF_MSG_UNKNOWN_DEVICE;
        break;
    case MXT_VS_INSECURE_SOURCE:
        s.colour = strict ? MXT_CF_SHIELD_RED : MXT_CF_SHIELD_GREY;
        s.message = MXT_CF_MSG_AUTHENTICITY_NOT_GUARANTEED;
        break;
    default:
        s.colour = MXT_CF_SHIELD_RED;
        s.message = MXT_CF_MSG_MISMATCHED_SENDER;
        break;
    }
    return s;
}

mxt_cf_recipient mxt_cf_room_key_recipient(bool has_identity_keys, bool cross_signed,
                                           bool exclude_insecure)
{
    if (!has_identity_keys)
        return MXT_CF_RCPT_NOT_A_DEVICE;
    if (!cross_signed && exclude_insecure)
        return MXT_CF_RCPT_WITHHOLD;
    return MXT_CF_RCPT_SHARE;
}

int mxt_cf_restored_shareable(const mxt_json_doc *doc, uint32_t obj)
{
    if (doc->tok[obj].type != MXT_JSON_OBJECT)
        return 0;
    uint32_t t = mxt_json_get(doc, obj, K_SHARED_HISTORY, sizeof K_SHARED_HISTORY);
    if (t == MXT_JSON_NONE)
        return 0;
    return doc->tok[t].type == MXT_JSON_TRUE ? 1 : 0;
}
