/*
 * The decision rules re-stated as plainly as possible, from spec/RULES.md and the predicates in
 * spec/acsl/ (not from the core sources), for the harnesses to compare the core's decisions with.
 */
#include <stdlib.h>
#include <string.h>
#include "oracle.h"

/* ---- BK-BETTER-002: verified first, then lower first_message_index, then lower forwarded_count */
bool obb_better(const mxt_bk_rank *a, const mxt_bk_rank *b)
{
    bool va = a->is_verified, vb = b->is_verified;
    if (va != vb) return va;
    if (a->first_message_index != b->first_message_index)
        return a->first_message_index < b->first_message_index;
    return a->forwarded_count < b->forwarded_count;
}

/* Synapse's any-field test (not the rule; element-hq/synapse#13704) */
bool obb_synapse_replaces(const mxt_bk_rank *s, const mxt_bk_rank *u)
{
    return (u->is_verified && !s->is_verified) || u->first_message_index < s->first_message_index
        || u->forwarded_count < s->forwarded_count;
}

/* ---- XS-001/002: the checks in the order they are reported ---- */
mxt_xsk_reason oxs_reason(const mxt_xs_key_facts *f)
{
    if (f->is_object != 1) return MXT_XSK_NOT_OBJECT;
    switch (f->user) {
    case MXT_XSF_ABSENT: return MXT_XSK_NO_USER_ID;
    case MXT_XSF_BAD_TYPE: return MXT_XSK_USER_ID_TYPE;
    case MXT_XSF_MATCH: break;
    default: return MXT_XSK_WRONG_USER;
    }
    if (f->usage == MXT_XSF_ABSENT) return MXT_XSK_NO_USAGE;
    if (f->usage != MXT_XSF_MATCH || f->usage_nonstring != 0) return MXT_XSK_USAGE_TYPE;
    if (f->usage_role == 0) return MXT_XSK_WRONG_USAGE;
    if (f->usage_len != 1 || f->usage_role != 1) return MXT_XSK_USAGE_EXTRA;
    if (f->keys == MXT_XSF_ABSENT) return MXT_XSK_NO_KEYS;
    if (f->keys != MXT_XSF_MATCH) return MXT_XSK_KEYS_TYPE;
    if (f->keys_len == 0) return MXT_XSK_NO_KEYS;
    if (f->keys_len > 1) return MXT_XSK_SEVERAL_KEYS;
    if (f->value_string != 1) return MXT_XSK_KEY_VALUE_TYPE;
    if (f->value_b64 != 1) return MXT_XSK_KEY_BASE64;
    if (f->decoded_len != 32) return MXT_XSK_KEY_LENGTH;
    if (f->value_len != 43) return MXT_XSK_KEY_PADDED;
    if (f->id_ed25519 != 1) return MXT_XSK_KEY_ALGORITHM;
    if (f->id_matches != 1) return MXT_XSK_KEY_ID_MISMATCH;
    return MXT_XSK_OK;
}

static const char *const ROLE_NAME[] = { "master", "self_signing", "user_signing" };

/* XS-001/002 read straight off a cJSON tree (strings compared as bytes; callers exclude \u0000). */
mxt_xsk_reason oxs_check_cjson(const cJSON *key, const char *user, size_t user_len,
                               mxt_xs_role role)
{
    mxt_xs_key_facts f;
    memset(&f, 0, sizeof f);
    f.is_object = cJSON_IsObject(key) ? 1 : 0;
    if (!f.is_object) return oxs_reason(&f);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(key, "user_id");
    f.user = !u ? MXT_XSF_ABSENT : !cJSON_IsString(u) ? MXT_XSF_BAD_TYPE
           : (strlen(u->valuestring) == user_len && memcmp(u->valuestring, user, user_len) == 0)
               ? MXT_XSF_MATCH : MXT_XSF_DIFFERENT;
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(key, "usage");
    f.usage = !usage ? MXT_XSF_ABSENT : !cJSON_IsArray(usage) ? MXT_XSF_BAD_TYPE : MXT_XSF_MATCH;
    if (f.usage == MXT_XSF_MATCH) {
        for (const cJSON *e = usage->child; e; e = e->next) {
            f.usage_len++;
            if (!cJSON_IsString(e)) f.usage_nonstring++;
            else if (strcmp(e->valuestring, ROLE_NAME[role]) == 0) f.usage_role++;
        }
    }
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(key, "keys");
    f.keys = !keys ? MXT_XSF_ABSENT : !cJSON_IsObject(keys) ? MXT_XSF_BAD_TYPE : MXT_XSF_MATCH;
    if (f.keys == MXT_XSF_MATCH) {
        f.keys_len = (uint32_t)cJSON_GetArraySize(keys);
        const cJSON *k = keys->child;
        if (f.keys_len == 1 && cJSON_IsString(k)) {
            f.value_string = 1;
            const char *v = k->valuestring;
            size_t vl = strlen(v), dl = 0;
            uint8_t pk[64];
            f.value_len = (uint32_t)vl;
            /* Reporting choices of the core (core/xs_key.c), mirrored here: a value longer than
             * 64 bytes counts as base64 of the wrong length without being decoded; a well-formed
             * value of another length is a length error (not a base64 one). Acceptance is not
             * affected. */
            if (vl > 64) {
                f.value_b64 = 1;
            } else if (ob64_decode((const uint8_t *)v, vl, 1, pk, sizeof pk, &dl) == 0) {
                f.value_b64 = 1;
                f.decoded_len = (uint32_t)dl;
            }
            if (vl <= 64) {
                f.id_ed25519 = strncmp(k->string, "ed25519:", 8) == 0;
                f.id_matches = strncmp(k->string, "ed25519:", 8) == 0 && strcmp(k->string + 8, v) == 0;
            }
        }
    }
    return oxs_reason(&f);
}

static bool tampered(mxt_sig_verdict v) { return v == MXT_SIG_INVALID || v == MXT_SIG_MALFORMED; }

/* XS-007 / XS-006: tampering wins, then a missing link, then the root's trust */
mxt_xs_chain_result oxs_own(const mxt_xs_own_chain *c)
{
    if (tampered(c->master_signed_ssk) || tampered(c->ssk_signed_device)) return MXT_XSC_TAMPERED;
    if (c->master_signed_ssk == MXT_SIG_MISSING || c->ssk_signed_device == MXT_SIG_MISSING)
        return MXT_XSC_NOT_SIGNED;
    return c->own_master_trusted ? MXT_XSC_TRUSTED : MXT_XSC_ROOT_UNTRUSTED;
}

mxt_xs_chain_result oxs_other(const mxt_xs_other_chain *c)
{
    mxt_sig_verdict l[4] = { c->own_master_signed_usk, c->usk_signed_their_master,
                             c->their_master_signed_ssk, c->their_ssk_signed_device };
    for (int i = 0; i < 4; i++) if (tampered(l[i])) return MXT_XSC_TAMPERED;
    for (int i = 0; i < 4; i++) if (l[i] == MXT_SIG_MISSING) return MXT_XSC_NOT_SIGNED;
    return c->own_master_trusted ? MXT_XSC_TRUSTED : MXT_XSC_ROOT_UNTRUSTED;
}

int oxs_identity_verified(const mxt_xs_other_chain *c)
{
    return c->own_master_trusted && c->own_master_signed_usk == MXT_SIG_VALID
        && c->usk_signed_their_master == MXT_SIG_VALID;
}

mxt_xs_identity_level oxs_level(const mxt_xs_identity_facts *f)
{
    if (f->verified_now) return MXT_XS_ID_VERIFIED;
    if (f->previously_verified) return MXT_XS_ID_VIOLATION;
    return f->master_is_pinned ? MXT_XS_ID_PINNED : MXT_XS_ID_UNPINNED;
}

/* ---- BK-TRUST-002..008, 011, 012 ---- */
static bool alg_known(const mxt_bkt_facts *f)
{
    return f->algorithm == MXT_BKT_ALG_MEGOLM_V1 || (f->algorithm == MXT_BKT_ALG_V2 && f->msc4048);
}
static bool by_master(const mxt_bkt_signature *s)
{
    return s->own_user && s->kind == MXT_BKT_KEY_OWN_MASTER && s->verdict == MXT_SIG_VALID;
}
static bool by_verified_device(const mxt_bkt_signature *s)
{
    return s->own_user && s->kind == MXT_BKT_KEY_OWN_DEVICE && s->verdict == MXT_SIG_VALID
        && (s->device_verified || s->current_device);
}
static bool source_trusted(mxt_bkt_key_source k)
{
    return k == MXT_BKT_PK_USER_ENTERED || k == MXT_BKT_PK_SECRET_STORAGE
        || k == MXT_BKT_PK_SHARED_VERIFIED_DEVICE;
}
static bool any_master(const mxt_bkt_signature *s, size_t n)
{
    for (size_t i = 0; i < n; i++) if (by_master(&s[i])) return true;
    return false;
}
static bool any_device(const mxt_bkt_signature *s, size_t n)
{
    for (size_t i = 0; i < n; i++) if (by_verified_device(&s[i])) return true;
    return false;
}

bool obt_trusted(const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n)
{
    if (!alg_known(f)) return false;
    if (any_master(s, n) && f->master_key_trusted) return true;
    if (any_device(s, n)) return true;
    return source_trusted(f->key_source) && f->key_matches;
}

mxt_bkt_reason obt_reason(const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n)
{
    if (!alg_known(f)) return MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM;
    if (any_master(s, n) && f->master_key_trusted) return MXT_BKT_TRUSTED_MASTER_SIGNATURE;
    if (any_device(s, n)) return MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE;
    if (source_trusted(f->key_source) && f->key_matches) return MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH;
    if (any_master(s, n)) return MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED;
    if (source_trusted(f->key_source) && !f->key_matches) return MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH;
    if (!source_trusted(f->key_source) && f->key_source != MXT_BKT_PK_NONE && f->key_matches)
        return MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE;
    return MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE;
}

bool obt_profile(mxt_bkt_profile p, const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n)
{
    if (p == MXT_BKT_PROFILE_RSDK_KEY_ONLY)
        return alg_known(f) && source_trusted(f->key_source) && f->key_matches;
    if (p == MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY)
        return alg_known(f) && ((any_master(s, n) && f->master_key_trusted) || any_device(s, n));
    return obt_trusted(f, s, n);
}

bool obc_may_create(mxt_bkc_profile p, bool holds_master)
{
    return p != MXT_BKC_PROFILE_STRICT || holds_master;
}

mxt_bkc_check_reason obc_check(mxt_bkc_profile p, const mxt_bkt_signature *s, size_t n)
{
    if (any_master(s, n)) return MXT_BKC_OK_MASTER_SIGNED;
    if (p == MXT_BKC_PROFILE_STRICT) return MXT_BKC_MISSING_MASTER_SIGNATURE;
    for (size_t i = 0; i < n; i++)
        if (s[i].own_user && s[i].kind == MXT_BKT_KEY_OWN_DEVICE && s[i].verdict == MXT_SIG_VALID
            && s[i].current_device)
            return MXT_BKC_OK_DEVICE_SIGNED;
    return MXT_BKC_MISSING_SIGNATURE;
}

/* ---- SD-004..012 ---- */
int osd_trust(uint8_t kind)
{
    switch (kind) {
    case MXT_SD_UNKNOWN_DEVICE: return 0;
    case MXT_SD_DEVICE_INFO: return 1;
    case MXT_SD_VERIFICATION_VIOLATION: return 2;
    case MXT_SD_SENDER_UNVERIFIED: return 3;
    default: return 4;
    }
}

mxt_sd_action osd_classify(const mxt_sd_reception *r, mxt_sender_data *out)
{
    memset(out, 0, sizeof *out);
    if (r->imported) { out->kind = MXT_SD_UNKNOWN_DEVICE; out->legacy_session = 1; return MXT_SD_ACCEPT; }
    if (!r->device_found) { out->kind = MXT_SD_UNKNOWN_DEVICE; return MXT_SD_ACCEPT; }
    if (r->device_self_signature != MXT_SIG_VALID || tampered(r->master_signed_ssk)
        || tampered(r->ssk_signed_device))
        return MXT_SD_DISCARD;
    if (!r->device_owned_by_sender) {
        out->kind = MXT_SD_UNKNOWN_DEVICE;
        out->owner_check_failed = 1;
        return MXT_SD_ACCEPT;
    }
    if (r->master_signed_ssk != MXT_SIG_VALID || r->ssk_signed_device != MXT_SIG_VALID) {
        out->kind = MXT_SD_DEVICE_INFO;
        return MXT_SD_ACCEPT;
    }
    switch (r->owner_identity) {
    case MXT_XS_ID_VERIFIED: out->kind = MXT_SD_SENDER_VERIFIED; break;
    case MXT_XS_ID_VIOLATION: out->kind = MXT_SD_VERIFICATION_VIOLATION; break;
    default: out->kind = MXT_SD_SENDER_UNVERIFIED; break;
    }
    return MXT_SD_ACCEPT;
}

bool osd_replace(const mxt_sender_data *stored, const mxt_sender_data *fresh)
{
    bool recalculable = stored->kind == MXT_SD_UNKNOWN_DEVICE || stored->kind == MXT_SD_DEVICE_INFO
                     || stored->kind == MXT_SD_VERIFICATION_VIOLATION;
    return recalculable && osd_trust(fresh->kind) > osd_trust(stored->kind);
}

mxt_verification_state osd_state(const mxt_sender_data *s, int imported, int sender_matches)
{
    if (s->kind != MXT_SD_UNKNOWN_DEVICE && !sender_matches) return MXT_VS_MISMATCHED_SENDER;
    switch (s->kind) {
    case MXT_SD_UNKNOWN_DEVICE:
        return (s->owner_check_failed || imported) ? MXT_VS_INSECURE_SOURCE : MXT_VS_MISSING_DEVICE;
    case MXT_SD_DEVICE_INFO: return MXT_VS_UNSIGNED_DEVICE;
    case MXT_SD_VERIFICATION_VIOLATION: return MXT_VS_VERIFICATION_VIOLATION;
    case MXT_SD_SENDER_UNVERIFIED: return MXT_VS_UNVERIFIED_IDENTITY;
    default: return MXT_VS_VERIFIED;
    }
}

bool osd_shows(mxt_sd_policy p, const mxt_sender_data *s)
{
    bool known = s->kind == MXT_SD_SENDER_UNVERIFIED || s->kind == MXT_SD_SENDER_VERIFIED;
    switch (p) {
    case MXT_POLICY_SHOW_ALL: return true;
    case MXT_POLICY_CROSS_SIGNED_OR_LEGACY: return known || s->legacy_session;
    case MXT_POLICY_CROSS_SIGNED: return known;
    default: return s->kind == MXT_SD_SENDER_VERIFIED;
    }
}

bool osd_event_allowed(mxt_sd_policy p, mxt_verification_state v, int legacy)
{
    bool cross = v == MXT_VS_VERIFIED || v == MXT_VS_UNVERIFIED_IDENTITY;
    bool weak = v == MXT_VS_UNSIGNED_DEVICE || v == MXT_VS_MISSING_DEVICE || v == MXT_VS_INSECURE_SOURCE;
    switch (p) {
    case MXT_POLICY_SHOW_ALL: return true;
    case MXT_POLICY_CROSS_SIGNED_OR_LEGACY: return cross || (weak && legacy);
    case MXT_POLICY_CROSS_SIGNED: return cross;
    default: return v == MXT_VS_VERIFIED;
    }
}

mxt_merge_result osd_merge(mxt_ratchet_cmp r, const mxt_sender_data *o, const mxt_sender_data *f)
{
    int to = osd_trust(o->kind), tf = osd_trust(f->kind);
    switch (r) {
    case MXT_RATCHET_UNCONNECTED: return MXT_MERGE_DISCARD;
    case MXT_RATCHET_BETTER: return tf >= to ? MXT_MERGE_TAKE_NEW : MXT_MERGE_NEW_RATCHET_OLD_SENDER;
    case MXT_RATCHET_EQUAL: return tf > to ? MXT_MERGE_TAKE_NEW : MXT_MERGE_KEEP_OLD;
    default: return tf > to ? MXT_MERGE_OLD_RATCHET_NEW_SENDER : MXT_MERGE_KEEP_OLD;
    }
}

/* ---- BK-FMT-003: ephemeral (32 bytes), mac (8 bytes), ciphertext (non-zero multiple of 16), in
 * that order, each a lenient base64 string ---- */
static mxt_bkf_problem b64_member(const cJSON *obj, const char *name, size_t want, int multiple16)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!m) return MXT_BKF_P_MISSING;
    if (!cJSON_IsString(m)) return MXT_BKF_P_WRONG_TYPE;
    size_t n = strlen(m->valuestring), len = 0;
    /* core/bk_fmt.c's reporting choice, mirrored: a fixed-size member whose string is longer
     * than 256 bytes is a length error, without looking at its characters */
    if (!multiple16 && n > 256) return MXT_BKF_P_LENGTH;
    uint8_t *buf = malloc(n + 1);
    if (!buf) abort();
    int r = ob64_decode((const uint8_t *)m->valuestring, n, 0, buf, n + 1, &len);
    free(buf);
    if (r != 0) return MXT_BKF_P_BASE64;
    if (multiple16) return (len == 0 || len % 16 != 0) ? MXT_BKF_P_LENGTH : MXT_BKF_P_OK;
    return len == want ? MXT_BKF_P_OK : MXT_BKF_P_LENGTH;
}

mxt_bkf_result obf_session_data(const cJSON *v)
{
    mxt_bkf_result r = { MXT_BKF_M_NONE, MXT_BKF_P_OK };
    if (!cJSON_IsObject(v)) { r.member = MXT_BKF_M_ROOT; r.problem = MXT_BKF_P_WRONG_TYPE; return r; }
    mxt_bkf_problem p;
    if ((p = b64_member(v, "ephemeral", 32, 0)) != MXT_BKF_P_OK) { r.member = MXT_BKF_M_EPHEMERAL; r.problem = p; return r; }
    if ((p = b64_member(v, "mac", 8, 0)) != MXT_BKF_P_OK) { r.member = MXT_BKF_M_MAC; r.problem = p; return r; }
    if ((p = b64_member(v, "ciphertext", 0, 1)) != MXT_BKF_P_OK) { r.member = MXT_BKF_M_CIPHERTEXT; r.problem = p; return r; }
    return r;
}

/* ---- SKB (MSC4048): seed 001's signed backup and the final authenticated backup ---- */
void oskb1(const mxt_skb1_facts *f, mxt_skb1_decision *d)
{
    bool present = f->signing_key == MXT_SKB_SK_STABLE || f->signing_key == MXT_SKB_SK_UNSTABLE_MSCXXXX
                || f->signing_key == MXT_SKB_SK_UNSTABLE_MSC4048;
    bool usable = present && f->auth_data_signature_trusted;
    bool signed_ = usable && f->signature == MXT_SIG_VALID;
    d->authenticated = signed_ && f->authenticated == MXT_SKB_FLAG_TRUE;
    d->mac_relied_on = !signed_;
    d->accept = signed_ || f->mac == MXT_SKB_MAC_VALID;
    if (!present) d->reason = MXT_SKB1_NO_SIGNING_KEY;
    else if (!f->auth_data_signature_trusted) d->reason = MXT_SKB1_SIGNING_KEY_NOT_TRUSTED;
    else if (f->signature != MXT_SIG_VALID) d->reason = MXT_SKB1_SIGNATURE_NOT_VALID;
    else d->reason = d->authenticated ? MXT_SKB1_AUTHENTICATED : MXT_SKB1_SIGNED_NOT_CLAIMED;
}

mxt_skb_source oskb_source(mxt_skb_unauth_field u)
{
    switch (u) {
    case MXT_SKB_UNAUTH_ABSENT: return MXT_SKB_SRC_AUTHENTICATED;
    case MXT_SKB_UNAUTH_LEGACY_V1: return MXT_SKB_SRC_LEGACY_V1;
    case MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY: return MXT_SKB_SRC_FORWARDED_ROOM_KEY;
    default: return MXT_SKB_SRC_UNDEFINED;
    }
}

void oskb2(const mxt_skb2_facts *f, mxt_skb2_decision *d)
{
    d->accept = false;
    d->authenticated = false;
    d->source = MXT_SKB_SRC_UNDEFINED;
    if (f->backup_algorithm == MXT_BKT_ALG_V2) {
        if (f->backup_mac == MXT_SKB_MAC_ABSENT) { d->reason = MXT_SKB2_IGNORED_MISSING_BACKUP_MAC; return; }
        if (f->backup_mac != MXT_SKB_MAC_VALID) { d->reason = MXT_SKB2_IGNORED_INVALID_BACKUP_MAC; return; }
    } else if (f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1) {
        if (f->v1_mac != MXT_SKB_MAC_VALID) { d->reason = MXT_SKB2_IGNORED_V1_MAC; return; }
    } else {
        d->reason = MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM;
        return;
    }
    d->accept = true;
    bool v1_unauth = f->backup_algorithm == MXT_BKT_ALG_MEGOLM_V1
                  && (f->backup_mac != MXT_SKB_MAC_VALID || f->v1_keys_unauthenticated);
    d->source = oskb_source(f->unauthenticated);
    if (f->unauthenticated != MXT_SKB_UNAUTH_ABSENT) {
        d->reason = v1_unauth ? (f->backup_mac != MXT_SKB_MAC_VALID ? MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC
                                                                    : MXT_SKB2_UNAUTHENTICATED_V1_POLICY)
                              : MXT_SKB2_UNAUTHENTICATED_STATED;
        return;
    }
    if (v1_unauth) {
        d->source = MXT_SKB_SRC_LEGACY_V1;
        d->reason = f->backup_mac != MXT_SKB_MAC_VALID ? MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC
                                                       : MXT_SKB2_UNAUTHENTICATED_V1_POLICY;
        return;
    }
    d->authenticated = true;
    d->reason = MXT_SKB2_AUTHENTICATED;
}

/* ---- BK-FMT-001/006/007/013 on a cJSON tree, in the order core/bk_fmt.h documents ---- */
static mxt_bkf_problem fixed_b64(const cJSON *m, size_t want)
{
    if (!m) return MXT_BKF_P_MISSING;
    if (!cJSON_IsString(m)) return MXT_BKF_P_WRONG_TYPE;
    size_t n = strlen(m->valuestring), len = 0;
    if (n > 256) return MXT_BKF_P_LENGTH;         /* the core's choice, see fuzz/ORACLES.md */
    uint8_t buf[256];
    if (ob64_decode((const uint8_t *)m->valuestring, n, 0, buf, sizeof buf, &len) != 0)
        return MXT_BKF_P_BASE64;
    return len == want ? MXT_BKF_P_OK : MXT_BKF_P_LENGTH;
}

/* BK-FMT-006 keys (sender_key, sender_claimed_keys.ed25519): base64 of 32 bytes, and unpadded
 * (43 characters: a padded 44-character form is BASE64) */
static mxt_bkf_problem unpadded_key(const cJSON *m)
{
    mxt_bkf_problem p = fixed_b64(m, 32);
    if (p != MXT_BKF_P_OK) return p;
    return strlen(m->valuestring) == 43 ? MXT_BKF_P_OK : MXT_BKF_P_BASE64;
}

mxt_bkf_result obf_algorithm(const cJSON *v)
{
    mxt_bkf_result r = { MXT_BKF_M_NONE, MXT_BKF_P_OK };
    if (!cJSON_IsString(v)) { r.member = MXT_BKF_M_ALGORITHM; r.problem = MXT_BKF_P_WRONG_TYPE; }
    else if (strcmp(v->valuestring, "m.megolm_backup.v1.curve25519-aes-sha2") != 0) {
        r.member = MXT_BKF_M_ALGORITHM; r.problem = MXT_BKF_P_VALUE;
    }
    return r;
}

mxt_bkf_result obf_auth_data(const cJSON *v)
{
    mxt_bkf_result r = { MXT_BKF_M_NONE, MXT_BKF_P_OK };
    if (!cJSON_IsObject(v)) { r.member = MXT_BKF_M_ROOT; r.problem = MXT_BKF_P_WRONG_TYPE; return r; }
    mxt_bkf_problem p = fixed_b64(cJSON_GetObjectItemCaseSensitive(v, "public_key"), 32);
    if (p != MXT_BKF_P_OK) { r.member = MXT_BKF_M_PUBLIC_KEY; r.problem = p; return r; }
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(v, "signatures");
    if (s && !cJSON_IsObject(s)) { r.member = MXT_BKF_M_SIGNATURES; r.problem = MXT_BKF_P_WRONG_TYPE; }
    return r;
}

mxt_bkf_result obf_session_plain(const cJSON *v)
{
    mxt_bkf_result r = { MXT_BKF_M_NONE, MXT_BKF_P_OK };
#define FAIL(m, p) do { r.member = (m); r.problem = (p); return r; } while (0)
    if (!cJSON_IsObject(v)) FAIL(MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(v, "algorithm");
    if (!a) FAIL(MXT_BKF_M_SESSION_ALGORITHM, MXT_BKF_P_MISSING);
    if (!cJSON_IsString(a)) FAIL(MXT_BKF_M_SESSION_ALGORITHM, MXT_BKF_P_WRONG_TYPE);
    if (strcmp(a->valuestring, "m.megolm.v1.aes-sha2") != 0) FAIL(MXT_BKF_M_SESSION_ALGORITHM, MXT_BKF_P_VALUE);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "forwarding_curve25519_key_chain");
    if (!c) FAIL(MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_MISSING);
    if (!cJSON_IsArray(c)) FAIL(MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_WRONG_TYPE);
    for (const cJSON *e = c->child; e; e = e->next)
        if (!cJSON_IsString(e)) FAIL(MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_WRONG_TYPE);
    const cJSON *sk = cJSON_GetObjectItemCaseSensitive(v, "sender_key");
    if (!sk) FAIL(MXT_BKF_M_SENDER_KEY, MXT_BKF_P_MISSING);
    mxt_bkf_problem kp = unpadded_key(sk);
    if (kp != MXT_BKF_P_OK) FAIL(MXT_BKF_M_SENDER_KEY, kp);
    const cJSON *ck = cJSON_GetObjectItemCaseSensitive(v, "sender_claimed_keys");
    if (!ck) FAIL(MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_MISSING);
    if (!cJSON_IsObject(ck)) FAIL(MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
    for (const cJSON *e = ck->child; e; e = e->next)   /* a map from algorithm to key string */
        if (!cJSON_IsString(e)) FAIL(MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(ck, "ed25519");
    if (!ed) FAIL(MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_MISSING);
    kp = unpadded_key(ed);
    if (kp != MXT_BKF_P_OK) FAIL(MXT_BKF_M_CLAIMED_ED25519, kp);
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(v, "session_key");
    mxt_bkf_problem p = fixed_b64(key, MXT_BKF_SESSION_KEY_LEN);
    if (p != MXT_BKF_P_OK) FAIL(MXT_BKF_M_SESSION_KEY, p);
    {
        uint8_t buf[256];
        size_t len = 0;
        ob64_decode((const uint8_t *)key->valuestring, strlen(key->valuestring), 0, buf, sizeof buf, &len);
        if (buf[0] != MXT_BKF_EXPORT_VERSION) FAIL(MXT_BKF_M_SESSION_KEY, MXT_BKF_P_VALUE);
    }
    const cJSON *sh = cJSON_GetObjectItemCaseSensitive(v, "shared_history");
    if (sh && !cJSON_IsBool(sh)) FAIL(MXT_BKF_M_SHARED_HISTORY, MXT_BKF_P_WRONG_TYPE);
#undef FAIL
    return r;
}
