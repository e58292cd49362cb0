/*
 * Client-side operations (conformance/OPS.md, "Client decisions"): the small steps a client takes
 * around the trust rules, decided by core/client_flow.h (and mxt_bkc_plan_create, mxt_sd_classify,
 * mxt_sd_legacy, mxt_skb1_decide, mxt_bkf_session_plain, mxt_canon_encode where they exist).
 * Each operation reads its input, turns it into the facts the core decides on, and maps the
 * answer back to words.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "bk_fmt.h"
#include "bk_trust.h"
#include "canon.h"
#include "client_flow.h"
#include "identity.h"
#include "ops_client.h"
#include "sd.h"
#include "skb.h"

/* ---- small readers --------------------------------------------------------------------------- */

/* Required boolean member. */
static int req_bool(const cJSON *o, const char *path, const char *name, mxt_outcome *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsBool(v))
        return mxt_op_error(out, "%s.%s: missing or not a boolean", path, name);
    return cJSON_IsTrue(v) ? 1 : 0;
}

/* Required string member naming one of `words` (its index), or -1 with an error. */
static int req_word(const cJSON *o, const char *path, const char *name, const char *const *words,
                    int n, mxt_outcome *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsString(v))
        return mxt_op_error(out, "%s.%s: missing or not a string", path, name);
    for (int i = 0; i < n; i++)
        if (strcmp(v->valuestring, words[i]) == 0)
            return i;
    return mxt_op_error(out, "%s.%s: unknown value '%.60s'", path, name, v->valuestring);
}

/* A non-negative integer member below 2^32 (-1 when absent or not such an integer). */
static long long u32_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 4294967295.0 ||
        v->valuedouble != (double)(long long)v->valuedouble)
        return -1;
    return (long long)v->valuedouble;
}

/* ---- SIG-008 --------------------------------------------------------------------------------- */

/* The public keys of a cross-signing key object (the values of its "keys"). */
static int collides(const char *dev, const cJSON *key_obj, const char **hit)
{
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(key_obj, "keys"), *k;
    cJSON_ArrayForEach(k, keys) {
        if (!cJSON_IsString(k))
            continue;
        if (mxt_cf_id_shadows_key((const uint8_t *)dev, strlen(dev),
                                  (const uint8_t *)k->valuestring, strlen(k->valuestring))) {
            *hit = k->valuestring;
            return 1;
        }
    }
    return 0;
}

void op_verify_user_allowed(const cJSON *input, mxt_outcome *out)
{
    int bad = 0;
    const char *user = mxt_in_str(input, "user_id", NULL, &bad, out);
    if (bad)
        return;
    if (!user) {
        mxt_op_error(out, "input.user_id: missing");
        return;
    }
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, "keys_query", &len, out);
    if (!text)
        return;
    cJSON *kq = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (!cJSON_IsObject(kq)) {
        cJSON_Delete(kq);
        mxt_op_error(out, "input.keys_query: not a JSON object");
        return;
    }
    static const char *const kinds[] = {"master_keys", "self_signing_keys", "user_signing_keys"};
    const cJSON *devices = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(kq, "device_keys"), user);
    const cJSON *d;
    const char *hit = NULL;
    cJSON_ArrayForEach(d, devices) {
        for (size_t i = 0; i < 3 && !hit; i++) {
            const cJSON *ko = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(kq, kinds[i]), user);
            if (collides(d->string, ko, &hit)) {
                char msg[200];
                snprintf(msg, sizeof msg, "SIG-008: device ID %.60s is the public key of %s",
                         d->string, kinds[i]);
                mxt_outcome_set(out, "refuse", "DEVICE_ID_IS_CROSS_SIGNING_KEY", msg);
            }
        }
        if (hit)
            break;
    }
    if (!hit)
        mxt_outcome_set(out, "proceed", NULL, NULL);
    cJSON_Delete(kq);
}

/* The key a verification is about in one /keys/query text: the user's master key, or the
 * device's ed25519 key. 1 found (pk set), 0 none, -1 with out set. */
static int verified_key(const cJSON *input, const char *member, const char *user,
                        const char *device, uint8_t pk[32], mxt_outcome *out)
{
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, member, &len, out);
    if (!text)
        return -1;
    mxt_id_json kq;
    mxt_where w;
    mxt_status st = mxt_id_json_parse(&kq, text, len, &w);
    free(text);
    int found = 0;
    if (st != MXT_OK) {
        mxt_id_json_free(&kq);
        return mxt_op_error(out, "input.%s: not JSON (%s)", member, mxt_status_name(st));
    }
    if (device) {
        mxt_id_device d;
        mxt_id_device_get(&kq.doc, user, device, &d);
        if ((found = d.usable) != 0)
            memcpy(pk, d.ed, 32);
    } else {
        mxt_id_xskey k;
        mxt_id_xs_key(&kq.doc, user, MXT_XS_MASTER, &k);
        if ((found = k.usable) != 0)
            memcpy(pk, k.pk, 32);
    }
    mxt_id_json_free(&kq);
    return found;
}

void op_verification_key_fixed(const cJSON *input, mxt_outcome *out)
{
    int bad = 0;
    const char *user = mxt_in_str(input, "user_id", NULL, &bad, out);
    const char *device = bad ? NULL : mxt_in_str(input, "device_id", NULL, &bad, out);
    if (bad)
        return;
    if (!user) {
        mxt_op_error(out, "input.user_id: missing");
        return;
    }
    uint8_t start[32], now[32];
    int s = verified_key(input, "keys_at_start", user, device, start, out);
    if (s < 0)
        return;
    if (s == 0) {
        mxt_op_error(out, "input.keys_at_start: the key to verify is not there (nothing was started)");
        return;
    }
    int n = verified_key(input, "keys_now", user, device, now, out);
    if (n < 0)
        return;
    switch (mxt_cf_verified_key_fixed(start, n ? now : NULL)) {
    case MXT_CF_VK_SAME: mxt_outcome_set(out, "mark_verified", NULL, NULL); break;
    case MXT_CF_VK_CHANGED: mxt_outcome_set(out, "abort", "KEY_CHANGED", "SIG-008"); break;
    case MXT_CF_VK_GONE: mxt_outcome_set(out, "abort", "KEY_GONE", "SIG-008"); break;
    }
}

/* ---- XS-016 ---------------------------------------------------------------------------------- */

/* Is the target's master key object signed (validly) by one of the devices the viewer verified?
 * 1 yes, 0 no, -1 with out set. */
static int signed_by_verified_device(const cJSON *input, const char *target, mxt_outcome *out)
{
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, "keys_query", &len, out);
    if (!text)
        return -1;
    mxt_id_json kq;
    mxt_where w;
    mxt_status st = mxt_id_json_parse(&kq, text, len, &w);
    free(text);
    if (st != MXT_OK) {
        mxt_id_json_free(&kq);
        return mxt_op_error(out, "input.keys_query: not JSON (%s)", mxt_status_name(st));
    }
    mxt_id_xskey mk;
    mxt_id_xs_key(&kq.doc, target, MXT_XS_MASTER, &mk);
    const cJSON *local = cJSON_GetObjectItemCaseSensitive(input, "local");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(local, "verified_devices"), *d;
    if (!cJSON_IsArray(ver)) {
        mxt_id_json_free(&kq);
        return mxt_op_error(out, "input.local.verified_devices: not an array of device IDs");
    }
    int found = 0;
    cJSON_ArrayForEach(d, ver) {
        if (!cJSON_IsString(d) || !mk.usable)
            continue;
        mxt_id_device dev;
        mxt_id_device_get(&kq.doc, target, d->valuestring, &dev);
        mxt_sig_verdict v = MXT_SIG_MISSING;
        if (!dev.usable)
            continue;
        if (mxt_id_sig(&kq.doc, mk.obj, target, dev.key_id, dev.ed, &v) != 0) {
            mxt_id_json_free(&kq);
            return mxt_op_error(out, "mxt_sig_check failed (memory or arguments)");
        }
        if (v == MXT_SIG_VALID) {
            found = 1;
            break;
        }
    }
    mxt_id_json_free(&kq);
    return found;
}

void op_master_key_from_device(const cJSON *input, mxt_outcome *out)
{
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(input, "target");
    const cJSON *tu = cJSON_GetObjectItemCaseSensitive(tg, "user_id");
    const cJSON *local = cJSON_GetObjectItemCaseSensitive(input, "local");
    if (!cJSON_IsString(tu)) {
        mxt_op_error(out, "input.target.user_id: missing or not a string");
        return;
    }
    if (!cJSON_IsObject(local)) {
        mxt_op_error(out, "input.local: not an object");
        return;
    }
    int first = req_bool(local, "input.local", "first_master_key", out);
    int conf = first < 0 ? -1 : mxt_in_bool(local, "user_confirmed", 0, out);
    int s = conf < 0 ? -1 : signed_by_verified_device(input, tu->valuestring, out);
    if (s < 0)
        return;
    switch (mxt_cf_master_from_device(s, first, conf)) {
    case MXT_CF_MK_TRUST_FIRST: mxt_outcome_set(out, "trusted", "FIRST_MASTER_KEY", NULL); break;
    case MXT_CF_MK_TRUST_CONFIRMED: mxt_outcome_set(out, "trusted", "USER_CONFIRMED", NULL); break;
    case MXT_CF_MK_ASK_USER: mxt_outcome_set(out, "ask_user", "MASTER_KEY_CHANGED", NULL); break;
    case MXT_CF_MK_NO_EVIDENCE:
        mxt_outcome_set(out, "untrusted", "NO_VERIFIED_DEVICE_SIGNATURE", NULL);
        break;
    }
}

/* ---- BK-BETTER-010 --------------------------------------------------------------------------- */

/* The session facts of BK-BETTER-010: 0, or -1 with out set. */
static int session_facts(const cJSON *input, int *verified, uint32_t *index, uint32_t *chain_len,
                         mxt_outcome *out)
{
    if ((*verified = req_bool(input, "input", "device_verified", out)) < 0)
        return -1;
    long long idx = u32_member(input, "first_known_index");
    if (idx < 0)
        return mxt_op_error(out, "input.first_known_index: not an unsigned 32-bit integer");
    const cJSON *chain = cJSON_GetObjectItemCaseSensitive(input, "forwarding_curve25519_key_chain");
    if (!cJSON_IsArray(chain))
        return mxt_op_error(out, "input.forwarding_curve25519_key_chain: not an array");
    *index = (uint32_t)idx;
    *chain_len = (uint32_t)cJSON_GetArraySize(chain);
    return 0;
}

void op_backup_key_metadata(const cJSON *input, mxt_outcome *out)
{
    int v = 0;
    uint32_t idx = 0, n = 0;
    if (session_facts(input, &v, &idx, &n, out) != 0)
        return;
    mxt_bk_rank r = mxt_cf_backup_metadata(v, idx, n);
    if (mxt_outcome_set(out, "ok", NULL, NULL) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "is_verified", r.is_verified);
    cJSON_AddNumberToObject(o, "first_message_index", r.first_message_index);
    cJSON_AddNumberToObject(o, "forwarded_count", r.forwarded_count);
    out->output = o;
}

void op_backup_key_metadata_check(const cJSON *input, mxt_outcome *out)
{
    int v = 0;
    uint32_t idx = 0, n = 0;
    if (session_facts(input, &v, &idx, &n, out) != 0)
        return;
    const cJSON *sent = cJSON_GetObjectItemCaseSensitive(input, "sent");
    const cJSON *iv = cJSON_GetObjectItemCaseSensitive(sent, "is_verified");
    long long fmi = u32_member(sent, "first_message_index"), fc = u32_member(sent, "forwarded_count");
    if (!cJSON_IsObject(sent) || !cJSON_IsBool(iv) || fmi < 0 || fc < 0) {
        mxt_op_error(out, "input.sent: not {is_verified: bool, first_message_index, forwarded_count}");
        return;
    }
    mxt_bk_rank r;
    r.is_verified = cJSON_IsTrue(iv);
    r.first_message_index = (uint32_t)fmi;
    r.forwarded_count = (uint32_t)fc;
    static const char *const reasons[] = {NULL, "IS_VERIFIED", "FIRST_MESSAGE_INDEX",
                                          "FORWARDED_COUNT"};
    mxt_cf_metadata_check c = mxt_cf_backup_metadata_check(&r, v, idx, n);
    mxt_outcome_set(out, c == MXT_CF_MD_CORRECT ? "correct" : "wrong", reasons[c], NULL);
}

/* ---- BK-TRUST-009 ---------------------------------------------------------------------------- */

void op_backup_upload_answer(const cJSON *input, mxt_outcome *out)
{
    long long status = u32_member(input, "status");
    if (status < 100 || status > 599) {
        mxt_op_error(out, "input.status: not an HTTP status code");
        return;
    }
    mxt_cf_errcode err = MXT_CF_ERR_NONE;
    long long retry = -1;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(input, "body");
    cJSON *body = NULL;
    if (b && !cJSON_IsNull(b)) {
        if (!cJSON_IsString(b)) {
            mxt_op_error(out, "input.body: not a string (the response body as text) or null");
            return;
        }
        body = cJSON_Parse(b->valuestring);
    }
    if (cJSON_IsObject(body)) {
        const cJSON *ec = cJSON_GetObjectItemCaseSensitive(body, "errcode");
        if (cJSON_IsString(ec))
            err = strcmp(ec->valuestring, "M_WRONG_ROOM_KEYS_VERSION") == 0 ? MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION
                  : strcmp(ec->valuestring, "M_NOT_FOUND") == 0             ? MXT_CF_ERR_NOT_FOUND
                                                                            : MXT_CF_ERR_OTHER;
        retry = u32_member(body, "retry_after_ms");
    }
    cJSON_Delete(body);
    switch (mxt_cf_upload_answer((uint32_t)status, err, retry >= 0)) {
    case MXT_CF_UP_DONE: mxt_outcome_set(out, "done", NULL, NULL); break;
    case MXT_CF_UP_REFETCH:
        mxt_outcome_set(out, "refetch", err == MXT_CF_ERR_NOT_FOUND ? "M_NOT_FOUND"
                                                                    : "M_WRONG_ROOM_KEYS_VERSION",
                        "BK-TRUST-009: stop uploading to this version, fetch the backup, decide trust again");
        break;
    case MXT_CF_UP_RETRY_AFTER:
        if (mxt_outcome_set(out, "retry", "RETRY_AFTER", NULL) == 0) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "wait_ms", (double)retry);
            out->output = o;
        }
        break;
    case MXT_CF_UP_RETRY_BACKOFF:
        if (mxt_outcome_set(out, "retry", "BACKOFF", NULL) == 0) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNullToObject(o, "wait_ms");
            out->output = o;
        }
        break;
    case MXT_CF_UP_FAIL: mxt_outcome_set(out, "fail", NULL, NULL); break;
    }
}

/* ---- BK-TRUST-010 ---------------------------------------------------------------------------- */

void op_backup_create_signatures(const cJSON *input, mxt_outcome *out)
{
    static const char *const profiles[] = {"default", "strict"};
    int p = req_word(input, "input", "profile", profiles, 2, out);
    int m = p < 0 ? -1 : req_bool(input, "input", "holds_master_private", out);
    if (m < 0)
        return;
    mxt_bkc_plan plan = mxt_bkc_plan_create(p == 1 ? MXT_BKC_PROFILE_STRICT : MXT_BKC_PROFILE_DEFAULT,
                                            m != 0);
    if (!plan.may_create) {
        mxt_outcome_set(out, "refuse", "NO_MASTER_PRIVATE_KEY", NULL);
        return;
    }
    if (mxt_outcome_set(out, "sign", plan.sign_with_master ? "DEVICE_AND_MASTER" : "DEVICE_ONLY",
                        NULL) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "device", plan.sign_with_device);
    cJSON_AddBoolToObject(o, "master", plan.sign_with_master);
    out->output = o;
}

/* ---- BK-TRUST-013 ---------------------------------------------------------------------------- */

/* Canonical form of auth_data text (heap, *n bytes), or NULL with out set. */
static uint8_t *canonical_of(const cJSON *o, const char *path, size_t *n, mxt_outcome *out)
{
    mxt_op_text t;
    if (mxt_op_text_read(o, "auth_data", MXT_NUM_STRICT, &t, out) != 0)
        return NULL; /* reject (reason: the reader's status) or error, already in out */
    size_t need = 0;
    uint8_t *buf = NULL;
    mxt_status st = mxt_canon_encode(&t.doc, 0, MXT_CANON_ALL, NULL, 0, &need);
    if ((st == MXT_OK || st == MXT_E_BUFFER_SMALL) && (buf = malloc(need + 1)) != NULL)
        st = mxt_canon_encode(&t.doc, 0, MXT_CANON_ALL, buf, need, n);
    mxt_op_text_free(&t);
    if (!buf || st != MXT_OK) {
        free(buf);
        mxt_op_error(out, "%s.auth_data: canonical encoding failed", path);
        return NULL;
    }
    return buf;
}

void op_backup_refetch(const cJSON *input, mxt_outcome *out)
{
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(input, "previous");
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(input, "current");
    if (!prev || !(cJSON_IsNull(prev) || cJSON_IsObject(prev))) {
        mxt_op_error(out, "input.previous: missing, or neither null nor an object");
        return;
    }
    if (!cJSON_IsObject(cur)) {
        mxt_op_error(out, "input.current: not an object");
        return;
    }
    const cJSON *cv = cJSON_GetObjectItemCaseSensitive(cur, "version");
    const cJSON *pv = cJSON_IsObject(prev) ? cJSON_GetObjectItemCaseSensitive(prev, "version") : NULL;
    if (!cJSON_IsString(cv) || (cJSON_IsObject(prev) && !cJSON_IsString(pv))) {
        mxt_op_error(out, "input.%s.version: not a string", cJSON_IsString(cv) ? "previous" : "current");
        return;
    }
    size_t can = 0, pan = 0;
    uint8_t *ca = canonical_of(cur, "input.current", &can, out), *pa = NULL;
    if (!ca)
        return;
    if (cJSON_IsObject(prev) && !(pa = canonical_of(prev, "input.previous", &pan, out))) {
        free(ca);
        return;
    }
    const char *pvs = pv ? pv->valuestring : "";
    mxt_cf_recheck r = mxt_cf_recheck_trust(cJSON_IsObject(prev), (const uint8_t *)pvs, strlen(pvs),
                                            (const uint8_t *)cv->valuestring, strlen(cv->valuestring),
                                            pa, pan, ca, can);
    static const char *const reasons[] = {"FIRST_FETCH", "NEW_VERSION", "AUTH_DATA_CHANGED",
                                          "UNCHANGED"};
    mxt_outcome_set(out, r == MXT_CF_RC_UNCHANGED ? "keep" : "decide", reasons[r], NULL);
    free(pa);
    free(ca);
}

/* ---- BK-TRUST-014 / SD-001 / SD-007 / SD-017 ------------------------------------------------- */

static const char *const SD_KIND_WORDS[] = {"unknown_device", "device_info", "verification_violation",
                                            "sender_unverified", "sender_verified"};

static cJSON *sender_data_json(const mxt_sender_data *sd)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", SD_KIND_WORDS[sd->kind]);
    cJSON_AddBoolToObject(o, "legacy_session", sd->legacy_session);
    cJSON_AddBoolToObject(o, "owner_check_failed", sd->owner_check_failed);
    return o;
}

void op_session_arrival(const cJSON *input, mxt_outcome *out)
{
    static const char *const sources[] = {"room_key", "backup", "key_bundle", "store"};
    int src = req_word(input, "input", "source", sources, 4, out);
    if (src < 0)
        return;
    mxt_cf_arrival a;
    memset(&a, 0, sizeof a);
    a.source = (uint8_t)src;
    int olm = mxt_in_bool(input, "over_olm", 0, out);
    int key = olm < 0 ? -1 : mxt_in_bool(input, "holds_backup_key", 0, out);
    int trusted = key < 0 ? -1 : mxt_in_bool(input, "backup_trusted", 0, out);
    if (trusted < 0)
        return;
    const cJSON *fwd = cJSON_GetObjectItemCaseSensitive(input, "forwarder");
    if (fwd && !cJSON_IsNull(fwd) && !cJSON_IsString(fwd)) {
        mxt_op_error(out, "input.forwarder: neither null nor a user ID string");
        return;
    }
    const cJSON *stored = cJSON_GetObjectItemCaseSensitive(input, "stored_sender_data");
    a.over_olm = (uint8_t)olm;
    a.holds_backup_key = (uint8_t)key;
    a.backup_trusted = (uint8_t)trusted;
    a.has_forwarder = cJSON_IsString(fwd) && fwd->valuestring[0];
    a.has_sender_data = stored != NULL && !cJSON_IsNull(stored);
    mxt_sender_data sd;
    switch (mxt_cf_arrival_decide(&a)) {
    case MXT_CF_ARR_LOOKUP:
        mxt_outcome_set(out, "lookup", NULL, "SD-004: classify by device lookup (operation sender_data)");
        return;
    case MXT_CF_ARR_REJECT_NOT_OLM:
        mxt_outcome_set(out, "reject", "NOT_OVER_OLM", "SD-001");
        return;
    case MXT_CF_ARR_REJECT_NO_KEY:
        mxt_outcome_set(out, "reject", "NO_BACKUP_KEY", "BK-TRUST-014: restoring needs the private key");
        return;
    case MXT_CF_ARR_REJECT_NO_FORWARDER:
        mxt_outcome_set(out, "reject", "NO_FORWARDER", "SD-017");
        return;
    case MXT_CF_ARR_STORED:
        mxt_outcome_set(out, "stored", NULL, "the stored sender data stands");
        return;
    case MXT_CF_ARR_IMPORTED:
    case MXT_CF_ARR_BUNDLE: {
        /* SD-006 through the classifier itself: an imported session, no lookups. */
        mxt_sd_reception r;
        memset(&r, 0, sizeof r);
        r.imported = 1;
        r.device_self_signature = MXT_SIG_MISSING;
        r.master_signed_ssk = MXT_SIG_MISSING;
        r.ssk_signed_device = MXT_SIG_MISSING;
        r.owner_identity = MXT_XS_ID_UNPINNED;
        (void)mxt_sd_classify(&r, &sd);
        break;
    }
    case MXT_CF_ARR_STORED_LEGACY:
        mxt_sd_legacy(&sd);
        break;
    }
    if (mxt_outcome_set(out, "accept", NULL, NULL) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "sender_data", sender_data_json(&sd));
    if (a.source == MXT_CF_SRC_KEY_BUNDLE)
        cJSON_AddStringToObject(o, "forwarder", fwd->valuestring);
    else
        cJSON_AddNullToObject(o, "forwarder");
    out->output = o;
}

/* ---- BK-TRUST-015 ---------------------------------------------------------------------------- */

void op_key_backup_preference(const cJSON *input, mxt_outcome *out)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(input, "content");
    mxt_cf_backup_pref p;
    if (!c || cJSON_IsNull(c)) {
        p = mxt_cf_backup_preference(NULL);
    } else {
        mxt_op_text t;
        if (mxt_op_text_read(input, "content", MXT_NUM_STRICT, &t, out) != 0)
            return;
        p = mxt_cf_backup_preference(&t.doc);
        mxt_op_text_free(&t);
    }
    mxt_outcome_set(out, p == MXT_CF_PREF_ENABLED ? "enabled" : p == MXT_CF_PREF_DISABLED ? "disabled"
                                                                                          : "ignored",
                    NULL, NULL);
}

/* ---- BK-FMT-011 ------------------------------------------------------------------------------ */

void op_backup_secret_decode(const cJSON *input, mxt_outcome *out)
{
    size_t n = 0;
    uint8_t *s = mxt_in_bytes(input, "secret", &n, out);
    if (!s)
        return;
    uint8_t key[32];
    mxt_where w = {MXT_NO_OFFSET};
    mxt_cf_secret_problem p = mxt_cf_backup_secret((const char *)s, n, key, &w);
    free(s);
    if (p == MXT_CF_SECRET_BASE64) {
        char msg[80];
        snprintf(msg, sizeof msg, "at byte %zu, rule BK-FMT-011", w.offset);
        mxt_outcome_set(out, "reject", "BASE64", msg);
    } else if (p == MXT_CF_SECRET_LENGTH) {
        mxt_outcome_set(out, "reject", "LENGTH", "not 32 bytes, rule BK-FMT-011");
    } else {
        char *hex = mxt_hex_encode(key, 32);
        if (mxt_outcome_set(out, "ok", NULL, NULL) == 0 && hex)
            out->output = cJSON_CreateString(hex);
        free(hex);
    }
    sodium_memzero(key, sizeof key);
}

/* ---- SKB (seed 001) -------------------------------------------------------------------------- */

/* auth_data's signing key under the first of the seed's names present (NULL when none). */
static const char *auth_signing_key(const cJSON *auth)
{
    static const char *const names[] = {"signing_public_key", "org.matrix.mscxxxx.signing_public_key",
                                        "org.matrix.msc4048.signing_public_key"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(auth, names[i]);
        if (v)
            return cJSON_IsString(v) ? v->valuestring : "";
    }
    return NULL;
}

static cJSON *auth_data_of(const cJSON *input, mxt_outcome *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(input, "auth_data");
    cJSON *a = cJSON_IsString(t) ? cJSON_Parse(t->valuestring) : NULL;
    if (!cJSON_IsObject(a)) {
        cJSON_Delete(a);
        mxt_op_error(out, "input.auth_data: not the text of a JSON object");
        return NULL;
    }
    return a;
}

void op_skb1_signing_secret(const cJSON *input, mxt_outcome *out)
{
    int bad = 0;
    const char *name = mxt_in_str(input, "name", NULL, &bad, out);
    const char *secret = bad ? NULL : mxt_in_str(input, "secret", NULL, &bad, out);
    if (bad)
        return;
    if (!name || !secret) {
        mxt_op_error(out, "input.%s: missing", name ? "secret" : "name");
        return;
    }
    cJSON *auth = auth_data_of(input, out);
    if (!auth)
        return;
    const char *spk = auth_signing_key(auth);
    bool match = false;
    uint8_t seed[32], pk[32], sk[64], apk[32];
    size_t n = 0, an = 0;
    mxt_where w = {MXT_NO_OFFSET};
    if (spk && mxt_b64_decode(secret, strlen(secret), MXT_B64_LENIENT, seed, 32, &n, &w) == MXT_OK &&
        n == 32 && mxt_b64_decode(spk, strlen(spk), MXT_B64_LENIENT, apk, 32, &an, &w) == MXT_OK &&
        an == 32 && crypto_sign_seed_keypair(pk, sk, seed) == 0)
        match = memcmp(pk, apk, 32) == 0;
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(sk, sizeof sk);
    cJSON_Delete(auth);
    switch (mxt_cf_skb1_signing_secret((const uint8_t *)name, strlen(name), match)) {
    case MXT_CF_SKS_USE: mxt_outcome_set(out, "use", NULL, NULL); break;
    case MXT_CF_SKS_WRONG_NAME: mxt_outcome_set(out, "ignore", "WRONG_NAME", NULL); break;
    case MXT_CF_SKS_KEY_MISMATCH: mxt_outcome_set(out, "ignore", "KEY_MISMATCH", NULL); break;
    }
}

void op_skb1_decide(const cJSON *input, mxt_outcome *out)
{
    static const char *const sk_words[] = {"absent", "stable", "unstable_mscxxxx", "unstable_msc4048",
                                           "malformed"};
    static const char *const sig_words[] = {"valid", "missing", "invalid", "malformed"};
    static const mxt_sig_verdict sig_values[] = {MXT_SIG_VALID, MXT_SIG_MISSING, MXT_SIG_INVALID,
                                                 MXT_SIG_MALFORMED};
    static const char *const flag_words[] = {"absent", "false", "true", "malformed"};
    static const char *const mac_words[] = {"absent", "valid", "invalid"};
    int sk = req_word(input, "input", "signing_key", sk_words, 5, out);
    int tr = sk < 0 ? -1 : req_bool(input, "input", "auth_data_signature_trusted", out);
    int sig = tr < 0 ? -1 : req_word(input, "input", "signature", sig_words, 4, out);
    int fl = sig < 0 ? -1 : req_word(input, "input", "authenticated", flag_words, 4, out);
    int mac = fl < 0 ? -1 : req_word(input, "input", "v1_mac", mac_words, 3, out);
    if (mac < 0)
        return;
    mxt_skb1_facts f;
    memset(&f, 0, sizeof f);
    f.signing_key = (mxt_skb_signing_key_field)sk;
    f.auth_data_signature_trusted = tr != 0;
    f.signature = sig_values[sig];
    f.authenticated = (mxt_skb_auth_flag)fl;
    f.mac = (mxt_skb_mac_check)mac;
    mxt_skb1_decision d = mxt_skb1_decide(&f);
    if (mxt_outcome_set(out, d.accept ? "accept" : "ignore", mxt_opb_skb1_reason(d.reason), NULL) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "authenticated", d.authenticated);
    cJSON_AddBoolToObject(o, "mac_relied_on", d.mac_relied_on);
    out->output = o;
}

void op_skb1_enable_signing(const cJSON *input, mxt_outcome *out)
{
    cJSON *auth = auth_data_of(input, out);
    if (!auth)
        return;
    const char *spk = auth_signing_key(auth);
    bool has = spk != NULL && spk[0] != 0;
    cJSON_Delete(auth);
    if (mxt_cf_skb1_enable_signing(has) == MXT_CF_SKE_KEEP_VERSION)
        mxt_outcome_set(out, "keep_version", NULL, NULL);
    else
        mxt_outcome_set(out, "new_version", "AUTH_DATA_CHANGES",
                        "SKB-007: create a new backup version and upload every key again");
}

/* ---- SD-014 / SD-015 / SD-018 ---------------------------------------------------------------- */

void op_shield(const cJSON *input, mxt_outcome *out)
{
    static const char *const states[] = {"verified", "unverified_identity", "verification_violation",
                                         "unsigned_device", "missing_device", "insecure_source",
                                         "mismatched_sender"};
    static const char *const modes[] = {"lax", "strict"};
    static const char *const colours[] = {"none", "grey", "red"};
    static const char *const messages[] = {NULL, "UNVERIFIED_IDENTITY", "VERIFICATION_VIOLATION",
                                           "UNSIGNED_DEVICE", "UNKNOWN_DEVICE",
                                           "AUTHENTICITY_NOT_GUARANTEED", "MISMATCHED_SENDER"};
    int st = req_word(input, "input", "state", states, 7, out);
    int mode = st < 0 ? -1 : req_word(input, "input", "mode", modes, 2, out);
    if (mode < 0)
        return;
    mxt_cf_shield s = mxt_cf_shield_for((mxt_verification_state)st, mode == 1);
    mxt_outcome_set(out, colours[s.colour], messages[s.message], NULL);
}

void op_room_key_recipient(const cJSON *input, mxt_outcome *out)
{
    int keys = req_bool(input, "input", "has_identity_keys", out);
    int cs = keys < 0 ? -1 : req_bool(input, "input", "cross_signed", out);
    int ex = cs < 0 ? -1 : req_bool(input, "input", "exclude_insecure_devices", out);
    if (ex < 0)
        return;
    switch (mxt_cf_room_key_recipient(keys, cs, ex)) {
    case MXT_CF_RCPT_SHARE: mxt_outcome_set(out, "share", NULL, NULL); break;
    case MXT_CF_RCPT_WITHHOLD: mxt_outcome_set(out, "withhold", "m.unverified", NULL); break;
    case MXT_CF_RCPT_NOT_A_DEVICE: mxt_outcome_set(out, "not_a_recipient", NULL, NULL); break;
    }
}

void op_restored_session_shareable(const cJSON *input, mxt_outcome *out)
{
    mxt_op_text t;
    if (mxt_op_text_read(input, "json", MXT_NUM_STRICT, &t, out) != 0)
        return;
    mxt_bkf_result r;
    mxt_bkf_session_plain(&t.doc, 0, &r);
    if (r.member != MXT_BKF_M_NONE || r.problem != MXT_BKF_P_OK) {
        char msg[120];
        snprintf(msg, sizeof msg, "session.%s: %s, rule BK-FMT-006/SD-018",
                 mxt_bkf_member_name(r.member), mxt_bkf_problem_name(r.problem));
        mxt_outcome_set(out, "reject", mxt_bkf_problem_name(r.problem), msg);
    } else {
        mxt_outcome_set(out, mxt_cf_restored_shareable(&t.doc, 0) ? "shareable" : "not_shareable",
                        NULL, NULL);
    }
    mxt_op_text_free(&t);
}
