/*
 * Operations over whole Matrix identities (OPS.md): cross_signing_key (XS-001/002), device_trust
 * (XS-006/007), backup_trust (BK-TRUST-002..008, 012) and sender_data (SD-004/006/011).
 *
 * Input shapes and expected words are those of the generators (conformance/cmd/gen_xs.c,
 * gen_bk_trust.c, gen_sd.c). The glue reads the /keys/query response and local state into the
 * facts of the proven core (identity.h does the gathering); every decision is the core's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "b64.h"
#include "bk_trust.h"
#include "identity.h"
#include "ops_families.h"
#include "sd.h"
#include "xs_key.h"
#include "xs_trust.h"

/* ---- shared input readers -------------------------------------------------------------------- */

/* Required string member `name` of `obj` (path for messages); NULL and error when absent. */
static const char *req_str(const cJSON *obj, const char *path, const char *name, mxt_outcome *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsString(t)) {
        mxt_op_error(out, "%s.%s: %s", path, name, t ? "not a string" : "missing");
        return NULL;
    }
    return t->valuestring;
}

/* Required object member. */
static const cJSON *req_obj(const cJSON *obj, const char *path, const char *name, mxt_outcome *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!cJSON_IsObject(t)) {
        mxt_op_error(out, "%s.%s: %s", path, name, t ? "not an object" : "missing");
        return NULL;
    }
    return t;
}

/* Optional array of strings `name`: 1 if `s` is in it, 0 if not (or absent), -1 and error when
 * it is not an array of strings. */
static int in_list(const cJSON *obj, const char *path, const char *name, const char *s,
                   mxt_outcome *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, name), *e;
    if (!a || cJSON_IsNull(a))
        return 0;
    if (!cJSON_IsArray(a))
        return mxt_op_error(out, "%s.%s: not an array", path, name);
    int found = 0;
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsString(e))
            return mxt_op_error(out, "%s.%s: not an array of strings", path, name);
        if (strcmp(e->valuestring, s) == 0)
            found = 1;
    }
    return found;
}

/* Parses input member `name` (JSON given as text) into j; on a parse failure sets an error outcome
 * naming the member (scenario inputs are the harness's own, so unreadable text is an input error)
 * and returns -1. */
static int parse_member(const cJSON *input, const char *name, mxt_id_json *j, mxt_outcome *out)
{
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, name, &len, out);
    memset(j, 0, sizeof *j);
    if (!text)
        return -1;
    mxt_where w;
    mxt_status st = mxt_id_json_parse(j, text, len, &w);
    free(text);
    if (st != MXT_OK) {
        mxt_op_error(out, "input.%s: not JSON the core reader accepts (%s at byte %zu)", name,
                     mxt_status_name(st), w.offset);
        return -1;
    }
    if (j->doc.tok[0].type != MXT_JSON_OBJECT) {
        mxt_op_error(out, "input.%s: not a JSON object", name);
        return -1;
    }
    return 0;
}

/* ---- cross_signing_key ----------------------------------------------------------------------- */

static const char *const ROLE_WORDS[] = {"master", "self_signing", "user_signing"};

void op_cross_signing_key(const cJSON *input, mxt_outcome *out)
{
    const char *user = req_str(input, "input", "user_id", out);
    const char *usage = user ? req_str(input, "input", "usage", out) : NULL;
    if (!usage)
        return;
    int role = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(usage, ROLE_WORDS[i]) == 0)
            role = i;
    if (role < 0) {
        mxt_op_error(out, "input.usage: \"%.40s\" is not master, self_signing or user_signing",
                     usage);
        return;
    }
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, "json", &len, out);
    if (!text)
        return;
    mxt_id_json j;
    mxt_where w;
    mxt_status st = mxt_id_json_parse(&j, text, len, &w);
    free(text);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, &w);
        mxt_id_json_free(&j);
        return;
    }
    uint8_t pk[32];
    mxt_xs_key_facts facts;
    mxt_xsk_reason r = mxt_xs_key_check(&j.doc, 0, (const uint8_t *)user, strlen(user),
                                        (mxt_xs_role)role, pk, &facts);
    mxt_id_json_free(&j);
    if (r != MXT_XSK_OK) {
        mxt_outcome_set(out, "reject", mxt_xsk_reason_name(r), "rule XS-001/XS-002");
        return;
    }
    char b64[48];
    size_t n = 0;
    if (mxt_b64_encode(pk, 32, b64, sizeof b64 - 1, &n) != MXT_OK) {
        mxt_op_error(out, "base64 encoder failed");
        return;
    }
    b64[n] = 0;
    if (mxt_outcome_set(out, "ok", NULL, NULL) == 0)
        out->output = cJSON_CreateString(b64);
}

/* ---- device_trust ----------------------------------------------------------------------------- */

static const char *chain_word(mxt_xs_chain_result r)
{
    switch (r) {
    case MXT_XSC_TRUSTED: return "trusted";
    case MXT_XSC_ROOT_UNTRUSTED: return "root_untrusted";
    case MXT_XSC_NOT_SIGNED: return "not_signed";
    case MXT_XSC_TAMPERED: return "tampered";
    }
    return "error";
}

void op_device_trust(const cJSON *input, mxt_outcome *out)
{
    const char *me = req_str(input, "input", "user_id", out);
    const cJSON *local = me ? req_obj(input, "input", "local", out) : NULL;
    const cJSON *target = local ? req_obj(input, "input", "target", out) : NULL;
    const char *them = target ? req_str(target, "input.target", "user_id", out) : NULL;
    const char *dev = them ? req_str(target, "input.target", "device_id", out) : NULL;
    int mv = dev ? mxt_in_bool(local, "master_verified", 0, out) : -1;
    if (mv < 0)
        return;
    mxt_id_json kq;
    if (parse_member(input, "keys_query", &kq, out) != 0) {
        mxt_id_json_free(&kq);
        return;
    }
    char msg[200];
    mxt_xs_chain_result r;
    int bad;
    if (strcmp(me, them) == 0) {
        mxt_xs_own_chain c;
        memset(&c, 0, sizeof c);
        bad = mxt_id_own_chain(&kq.doc, me, dev, mv, &c);
        r = bad ? MXT_XSC_NOT_SIGNED : mxt_xs_own_device_trust(&c);
        snprintf(msg, sizeof msg, "XS-007 links: master->ssk %s, ssk->device %s",
                 mxt_sig_verdict_name(c.master_signed_ssk),
                 mxt_sig_verdict_name(c.ssk_signed_device));
    } else {
        mxt_xs_other_chain c;
        memset(&c, 0, sizeof c);
        bad = mxt_id_other_chain(&kq.doc, me, them, dev, mv, &c);
        r = bad ? MXT_XSC_NOT_SIGNED : mxt_xs_other_device_trust(&c);
        snprintf(msg, sizeof msg,
                 "XS-006 links: own master->own usk %s, own usk->their master %s, their "
                 "master->their ssk %s, their ssk->device %s",
                 mxt_sig_verdict_name(c.own_master_signed_usk),
                 mxt_sig_verdict_name(c.usk_signed_their_master),
                 mxt_sig_verdict_name(c.their_master_signed_ssk),
                 mxt_sig_verdict_name(c.their_ssk_signed_device));
    }
    mxt_id_json_free(&kq);
    if (bad)
        mxt_op_error(out, "signature check failed internally (out of memory?)");
    else
        mxt_outcome_set(out, chain_word(r), NULL, msg);
}

/* ---- backup_trust ----------------------------------------------------------------------------- */

static const char *bkt_reason_word(mxt_bkt_reason r)
{
    switch (r) {
    case MXT_BKT_TRUSTED_MASTER_SIGNATURE: return "TRUSTED_MASTER_SIGNATURE";
    case MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE: return "TRUSTED_VERIFIED_DEVICE_SIGNATURE";
    case MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH: return "TRUSTED_PRIVATE_KEY_MATCH";
    case MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM: return "UNTRUSTED_UNKNOWN_ALGORITHM";
    case MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED: return "UNTRUSTED_MASTER_KEY_NOT_TRUSTED";
    case MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH: return "UNTRUSTED_PRIVATE_KEY_MISMATCH";
    case MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE: return "UNTRUSTED_PRIVATE_KEY_SOURCE";
    case MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE: return "UNTRUSTED_NO_TRUSTED_SIGNATURE";
    }
    return "UNKNOWN";
}

static const struct {
    const char        *word;
    mxt_bkt_key_source source;
} KEY_SOURCES[] = {
    {"user_entered", MXT_BKT_PK_USER_ENTERED},
    {"secret_storage", MXT_BKT_PK_SECRET_STORAGE},
    {"secret_sharing_verified_device", MXT_BKT_PK_SHARED_VERIFIED_DEVICE},
    {"secret_sharing_unverified_device", MXT_BKT_PK_SHARED_UNVERIFIED_DEVICE},
    {"unknown", MXT_BKT_PK_OTHER},
};

/* The algorithm as this client knows it (BK-TRUST-008). */
static mxt_bkt_algorithm bkt_algorithm(const char *a)
{
    if (strcmp(a, "m.megolm_backup.v1.curve25519-aes-sha2") == 0)
        return MXT_BKT_ALG_MEGOLM_V1;
    if (strcmp(a, "m.backup.v2.curve25519-aes-sha2") == 0 ||
        strcmp(a, "org.matrix.msc4048.curve25519-aes-sha2") == 0)
        return MXT_BKT_ALG_V2;
    return MXT_BKT_ALG_OTHER;
}

/* local.private_key -> key source and whether X25519(key) is auth_data.public_key (BK-FMT-012). */
static int bkt_private_key(const cJSON *local, const mxt_json_doc *auth, mxt_bkt_facts *f,
                           mxt_outcome *out)
{
    const cJSON *pk = cJSON_GetObjectItemCaseSensitive(local, "private_key");
    f->key_source = MXT_BKT_PK_NONE;
    f->key_matches = false;
    if (!pk || cJSON_IsNull(pk))
        return 0;
    if (!cJSON_IsObject(pk))
        return mxt_op_error(out, "input.local.private_key: not an object or null");
    const char *key = req_str(pk, "input.local.private_key", "key", out);
    const char *src = key ? req_str(pk, "input.local.private_key", "source", out) : NULL;
    if (!src)
        return -1;
    int found = 0;
    for (size_t i = 0; i < sizeof KEY_SOURCES / sizeof KEY_SOURCES[0]; i++)
        if (strcmp(src, KEY_SOURCES[i].word) == 0) {
            f->key_source = KEY_SOURCES[i].source;
            found = 1;
        }
    if (!found)
        f->key_source = MXT_BKT_PK_OTHER; /* any other origin is not a trusted source */
    uint8_t sk[48], derived[32], published[32];
    size_t n = 0;
    mxt_where w;
    if (mxt_b64_decode(key, strlen(key), MXT_B64_LENIENT, sk, sizeof sk, &n, &w) != MXT_OK ||
        n != 32)
        return mxt_op_error(out, "input.local.private_key.key: not the base64 of 32 bytes");
    char *pub = mxt_id_str(auth, mxt_id_get(auth, 0, "public_key"));
    size_t pn = 0;
    uint8_t pbuf[48];
    int have_pub = pub && mxt_b64_decode(pub, strlen(pub), MXT_B64_LENIENT, pbuf, sizeof pbuf, &pn,
                                         &w) == MXT_OK && pn == 32;
    free(pub);
    if (have_pub)
        memcpy(published, pbuf, 32);
    f->key_matches = have_pub && crypto_scalarmult_base(derived, sk) == 0 &&
                     sodium_memcmp(derived, published, 32) == 0;
    sodium_memzero(sk, sizeof sk);
    return 0;
}

/* Is own device `dev` verified: locally, or cross-signed under the trusted own master key
 * (XS-007 decided by the core)? -1 on internal failure. */
static int own_device_verified(const mxt_json_doc *kq, const cJSON *local, const char *user,
                               const char *dev, int master_trusted, mxt_outcome *out)
{
    int listed = in_list(local, "input.local", "verified_devices", dev, out);
    if (listed != 0)
        return listed;
    mxt_xs_own_chain c;
    if (mxt_id_own_chain(kq, user, dev, master_trusted, &c) != 0)
        return mxt_op_error(out, "signature check failed internally");
    return mxt_xs_own_device_trust(&c) == MXT_XSC_TRUSTED;
}

/* Collects every signature on auth_data (all users, all key IDs) as the core's facts. Returns the
 * number (heap array in *sigs), or -1 with an error outcome. */
static long bkt_signatures(const mxt_json_doc *kq, const mxt_json_doc *auth, const cJSON *local,
                           const char *user, const char *device, int master_trusted,
                           mxt_bkt_signature **sigs, mxt_outcome *out)
{
    uint32_t all = mxt_id_get(auth, 0, "signatures"), uc = 0, uk, uv;
    size_t n = 0, cap = 0;
    *sigs = NULL;
    while (mxt_id_next_member(auth, all, &uc, &uk, &uv)) {
        char *signer = mxt_id_str(auth, uk);
        uint32_t kc = 0, kk, kv;
        while (signer && mxt_id_next_member(auth, uv, &kc, &kk, &kv)) {
            char *key_id = mxt_id_str(auth, kk);
            if (!key_id)
                continue;
            mxt_id_signer_info info;
            mxt_id_classify_signer(kq, user, signer, key_id, &info);
            if (n == cap) {
                cap = cap ? 2 * cap : 8;
                mxt_bkt_signature *grown = realloc(*sigs, cap * sizeof **sigs);
                if (!grown) {
                    free(key_id);
                    free(signer);
                    return mxt_op_error(out, "out of memory");
                }
                *sigs = grown;
            }
            mxt_bkt_signature *s = &(*sigs)[n++];
            memset(s, 0, sizeof *s);
            s->own_user = strcmp(signer, user) == 0;
            s->kind = info.signer == MXT_ID_SIGNER_OWN_MASTER   ? MXT_BKT_KEY_OWN_MASTER
                      : info.signer == MXT_ID_SIGNER_OWN_DEVICE  ? MXT_BKT_KEY_OWN_DEVICE
                      : info.signer == MXT_ID_SIGNER_OWN_UNKNOWN ? MXT_BKT_KEY_OWN_UNKNOWN_DEVICE
                                                                 : MXT_BKT_KEY_OTHER;
            /* No key to check with (an unknown or deleted device): nothing verifiable is there. */
            s->verdict = MXT_SIG_MISSING;
            int fail = info.key_known && mxt_id_sig(auth, 0, signer, key_id, info.pk, &s->verdict);
            if (!fail && info.signer == MXT_ID_SIGNER_OWN_DEVICE) {
                s->current_device = strcmp(info.device_id, device) == 0;
                int v = own_device_verified(kq, local, user, info.device_id, master_trusted, out);
                fail = v < 0;
                s->device_verified = v > 0;
            }
            free(key_id);
            if (fail) {
                free(signer);
                if (!out->result)
                    mxt_op_error(out, "signature check failed internally");
                return -1;
            }
        }
        free(signer);
    }
    return (long)n;
}

void op_backup_trust(const cJSON *input, mxt_outcome *out)
{
    const char *user = req_str(input, "input", "user_id", out);
    const char *device = user ? req_str(input, "input", "device_id", out) : NULL;
    const cJSON *local = device ? req_obj(input, "input", "local", out) : NULL;
    const cJSON *backup = local ? req_obj(input, "input", "backup", out) : NULL;
    const char *alg = backup ? req_str(backup, "input.backup", "algorithm", out) : NULL;
    int mv = alg ? mxt_in_bool(local, "master_verified", 0, out) : -1;
    if (mv < 0)
        return;
    mxt_id_json kq, auth;
    memset(&auth, 0, sizeof auth);
    mxt_bkt_signature *sigs = NULL;
    if (parse_member(input, "keys_query", &kq, out) != 0 ||
        parse_member(backup, "auth_data", &auth, out) != 0)
        goto done;
    mxt_bkt_facts f;
    memset(&f, 0, sizeof f);
    f.algorithm = bkt_algorithm(alg);
    f.msc4048 = false; /* this client implements the v1 algorithm only */
    f.master_key_trusted = mv != 0;
    if (bkt_private_key(local, &auth.doc, &f, out) != 0)
        goto done;
    long n = bkt_signatures(&kq.doc, &auth.doc, local, user, device, mv, &sigs, out);
    if (n < 0)
        goto done;
    mxt_bkt_decision d = mxt_bkt_decide(&f, sigs, (size_t)n);
    char msg[96];
    snprintf(msg, sizeof msg, "%ld signature(s) on auth_data", n);
    mxt_outcome_set(out, d.trusted ? "trusted" : "untrusted", bkt_reason_word(d.reason), msg);
done:
    free(sigs);
    mxt_id_json_free(&kq);
    mxt_id_json_free(&auth);
}

/* ---- sender_data ------------------------------------------------------------------------------ */

static const char *const SD_KIND_WORDS[] = {"unknown_device", "device_info",
                                            "verification_violation", "sender_unverified",
                                            "sender_verified"};

/* Fills r from the /keys/query response and local state (SD-004). -1 on error (outcome set). */
static int sd_reception(const mxt_json_doc *kq, const cJSON *local, const cJSON *sess,
                        mxt_sd_reception *r, mxt_outcome *out)
{
    const char *sender = req_str(sess, "input.session", "sender", out);
    const char *sk = sender ? req_str(sess, "input.session", "sender_key", out) : NULL;
    const char *sed = sk ? req_str(sess, "input.session", "sender_ed25519", out) : NULL;
    int imported = sed ? mxt_in_bool(sess, "imported", 0, out) : -1;
    if (imported < 0)
        return -1;
    memset(r, 0, sizeof *r);
    r->imported = (uint8_t)imported;
    r->device_self_signature = MXT_SIG_MISSING;
    r->master_signed_ssk = MXT_SIG_MISSING;
    r->ssk_signed_device = MXT_SIG_MISSING;
    r->owner_identity = MXT_XS_ID_PINNED;
    uint8_t curve[48], ed[48];
    size_t n = 0, en = 0;
    mxt_where w;
    if (mxt_b64_decode(sk, strlen(sk), MXT_B64_LENIENT, curve, sizeof curve, &n, &w) != MXT_OK ||
        n != 32)
        return mxt_op_error(out, "input.session.sender_key: not the base64 of 32 bytes");
    int ed_ok = mxt_b64_decode(sed, strlen(sed), MXT_B64_LENIENT, ed, sizeof ed, &en, &w) ==
                    MXT_OK && en == 32;

    mxt_id_device dev;
    r->device_found = (uint8_t)mxt_id_device_by_curve(kq, curve, sender, &dev);
    if (!r->device_found)
        return 0;
    r->device_owned_by_sender =
        strcmp(dev.user, sender) == 0 && ed_ok && memcmp(dev.ed, ed, 32) == 0;
    /* The device's own signature, and its owner's cross-signing (the owner is the user the device
     * is published under, whoever claims to have sent the session). */
    mxt_id_xskey msk, ssk;
    mxt_id_xs_key(kq, dev.user, MXT_XS_MASTER, &msk);
    mxt_id_xs_key(kq, dev.user, MXT_XS_SELF_SIGNING, &ssk);
    if (mxt_id_sig(kq, dev.obj, dev.user, dev.key_id, dev.ed, &r->device_self_signature) != 0 ||
        mxt_id_link(kq, &msk, dev.user, ssk.usable ? ssk.obj : MXT_JSON_NONE,
                    &r->master_signed_ssk) != 0 ||
        mxt_id_link(kq, &ssk, dev.user, dev.obj, &r->ssk_signed_device) != 0)
        return mxt_op_error(out, "signature check failed internally");
    /* The owner's identity level (XS-015): verified now / before are the receiver's local state. */
    int now = in_list(local, "input.local", "verified_users", dev.user, out);
    int before = now < 0 ? -1 : in_list(local, "input.local", "previously_verified_users",
                                        dev.user, out);
    if (before < 0)
        return -1;
    mxt_xs_identity_facts idf;
    idf.verified_now = (uint8_t)now;
    idf.previously_verified = mxt_xs_latch((uint8_t)before, (uint8_t)now);
    idf.master_is_pinned = 1; /* no pinning history in the input: the current key is the pinned one */
    r->owner_identity = (uint8_t)mxt_xs_identity_level_of(&idf);
    return 0;
}

void op_sender_data(const cJSON *input, mxt_outcome *out)
{
    const cJSON *local = req_obj(input, "input", "local", out);
    const cJSON *sess = local ? req_obj(input, "input", "session", out) : NULL;
    if (!sess)
        return;
    mxt_id_json kq;
    if (parse_member(input, "keys_query", &kq, out) != 0) {
        mxt_id_json_free(&kq);
        return;
    }
    mxt_sd_reception r;
    int bad = sd_reception(&kq.doc, local, sess, &r, out);
    mxt_id_json_free(&kq);
    if (bad)
        return;
    mxt_sender_data sd;
    mxt_sd_action a = mxt_sd_classify(&r, &sd);
    char msg[160];
    snprintf(msg, sizeof msg, "device %s, self-signature %s, master->ssk %s, ssk->device %s",
             r.device_found ? (r.device_owned_by_sender ? "found, owned" : "found, not owned")
                            : "not found",
             mxt_sig_verdict_name(r.device_self_signature),
             mxt_sig_verdict_name(r.master_signed_ssk), mxt_sig_verdict_name(r.ssk_signed_device));
    if (a == MXT_SD_DISCARD) {
        mxt_outcome_set(out, "discard", NULL, msg);
        return;
    }
    if (sd.kind > MXT_SD_SENDER_VERIFIED) {
        mxt_op_error(out, "core returned sender-data kind %u", sd.kind);
        return;
    }
    if (mxt_outcome_set(out, SD_KIND_WORDS[sd.kind], NULL, msg) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "legacy_session", sd.legacy_session);
    cJSON_AddBoolToObject(o, "owner_check_failed", sd.owner_check_failed);
    out->output = o;
}
