/* Identity model over a /keys/query response: see identity.h. Gathers facts; decides nothing. */
#include "identity.h"
#include "sign.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "xs_key.h"

/* ---- JSON helpers ---------------------------------------------------------------------------- */

mxt_status mxt_id_json_parse(mxt_id_json *j, const uint8_t *text, size_t len, mxt_where *w)
{
    memset(j, 0, sizeof *j);
    w->offset = MXT_NO_OFFSET;
    if (len + 1 > (size_t)UINT32_MAX - 1)
        return MXT_E_TOO_LARGE;
    j->text = malloc(len + 1);
    j->tok = malloc((len + 1) * sizeof *j->tok);
    if (!j->text || !j->tok)
        return MXT_E_TOKENS;
    if (len)
        memcpy(j->text, text, len);
    j->text[len] = 0;
    j->len = len;
    mxt_json_opts opts = {0, MXT_NUM_STRICT};
    return mxt_json_parse(j->text, len, j->tok, (uint32_t)(len + 1), &opts, &j->doc, w);
}

void mxt_id_json_free(mxt_id_json *j)
{
    free(j->text);
    free(j->tok);
    memset(j, 0, sizeof *j);
}

uint32_t mxt_id_get(const mxt_json_doc *doc, uint32_t obj, const char *name)
{
    if (obj == MXT_JSON_NONE || obj >= doc->count)
        return MXT_JSON_NONE;
    return mxt_json_get(doc, obj, (const uint8_t *)name, strlen(name));
}

char *mxt_id_str(const mxt_json_doc *doc, uint32_t t)
{
    if (t == MXT_JSON_NONE || t >= doc->count || doc->tok[t].type != MXT_JSON_STRING)
        return NULL;
    size_t cap = (size_t)doc->tok[t].len + 1, n = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    if (mxt_json_str(doc, t, (uint8_t *)s, cap, &n) != MXT_OK || memchr(s, 0, n)) {
        free(s);
        return NULL;
    }
    s[n] = 0;
    return s;
}

int mxt_id_next_member(const mxt_json_doc *doc, uint32_t obj, uint32_t *cursor, uint32_t *key,
                       uint32_t *val)
{
    if (obj == MXT_JSON_NONE || obj >= doc->count || doc->tok[obj].type != MXT_JSON_OBJECT)
        return 0;
    uint32_t k = *cursor == 0 ? obj + 1 : *cursor;
    if (k >= doc->tok[obj].end || k + 1 >= doc->count)
        return 0;
    *key = k;
    *val = k + 1;
    *cursor = doc->tok[k + 1].end;
    return 1;
}

/* Decodes a string token holding the base64 of 32 bytes; 1 on success. */
static int key32(const mxt_json_doc *doc, uint32_t t, uint8_t out[32])
{
    char *s = mxt_id_str(doc, t);
    if (!s)
        return 0;
    uint8_t buf[48];
    size_t n = 0;
    mxt_where w;
    int ok = mxt_b64_decode(s, strlen(s), MXT_B64_LENIENT, buf, sizeof buf, &n, &w) == MXT_OK &&
             n == 32;
    if (ok)
        memcpy(out, buf, 32);
    free(s);
    return ok;
}

/* ---- cross-signing keys and devices ---------------------------------------------------------- */

static const char *const XS_MEMBER[] = {"master_keys", "self_signing_keys", "user_signing_keys"};

void mxt_id_xs_key(const mxt_json_doc *kq, const char *user, mxt_xs_role role, mxt_id_xskey *k)
{
    memset(k, 0, sizeof *k);
    k->reason = MXT_XSK_NOT_OBJECT;
    k->obj = mxt_id_get(kq, mxt_id_get(kq, 0, XS_MEMBER[role]), user);
    if (k->obj == MXT_JSON_NONE)
        return;
    mxt_xs_key_facts facts;
    k->reason = mxt_xs_key_check(kq, k->obj, (const uint8_t *)user, strlen(user), role, k->pk,
                                 &facts);
    if (k->reason != MXT_XSK_OK)
        return;
    size_t n = 0;
    memcpy(k->id, "ed25519:", 8);
    if (mxt_b64_encode(k->pk, 32, k->id + 8, sizeof k->id - 9, &n) != MXT_OK)
        return;
    k->id[8 + n] = 0;
    k->usable = 1;
}

void mxt_id_device_get(const mxt_json_doc *kq, const char *user, const char *device_id,
                       mxt_id_device *d)
{
    memset(d, 0, sizeof *d);
    d->obj = MXT_JSON_NONE;
    if (strlen(user) >= sizeof d->user || strlen(device_id) >= sizeof d->device_id)
        return;
    snprintf(d->user, sizeof d->user, "%s", user);
    snprintf(d->device_id, sizeof d->device_id, "%s", device_id);
    snprintf(d->key_id, sizeof d->key_id, "ed25519:%s", device_id);
    uint32_t o = mxt_id_get(kq, mxt_id_get(kq, mxt_id_get(kq, 0, "device_keys"), user), device_id);
    if (o == MXT_JSON_NONE || kq->tok[o].type != MXT_JSON_OBJECT)
        return;
    d->obj = o;
    uint32_t u = mxt_id_get(kq, o, "user_id"), dv = mxt_id_get(kq, o, "device_id");
    if (!mxt_json_str_eq(kq, u, (const uint8_t *)user, strlen(user)) ||
        !mxt_json_str_eq(kq, dv, (const uint8_t *)device_id, strlen(device_id)))
        return;
    uint32_t keys = mxt_id_get(kq, o, "keys");
    char cv_id[272];
    snprintf(cv_id, sizeof cv_id, "curve25519:%s", device_id);
    if (!key32(kq, mxt_id_get(kq, keys, d->key_id), d->ed))
        return;
    d->has_curve = key32(kq, mxt_id_get(kq, keys, cv_id), d->curve);
    d->usable = 1;
}

/* The first usable device with this curve25519 key, only among `only_user`'s devices when it is not
 * NULL; 1 found, 0 not. */
static int find_by_curve(const mxt_json_doc *kq, const uint8_t curve[32], const char *only_user,
                         mxt_id_device *d)
{
    uint32_t all = mxt_id_get(kq, 0, "device_keys"), uc = 0, uk, uv;
    while (mxt_id_next_member(kq, all, &uc, &uk, &uv)) {
        char *user = mxt_id_str(kq, uk);
        uint32_t dc = 0, dk, dvv;
        if (user && only_user && strcmp(user, only_user) != 0) {
            free(user);
            continue;
        }
        while (user && mxt_id_next_member(kq, uv, &dc, &dk, &dvv)) {
            char *dev = mxt_id_str(kq, dk);
            if (!dev)
                continue;
            mxt_id_device_get(kq, user, dev, d);
            free(dev);
            if (d->usable && d->has_curve && memcmp(d->curve, curve, 32) == 0) {
                free(user);
                return 1;
            }
        }
        free(user);
    }
    memset(d, 0, sizeof *d);
    d->obj = MXT_JSON_NONE;
    return 0;
}

int mxt_id_device_by_curve(const mxt_json_doc *kq, const uint8_t curve[32], const char *prefer_user,
                           mxt_id_device *d)
{
    if (prefer_user && find_by_curve(kq, curve, prefer_user, d))
        return 1;
    return find_by_curve(kq, curve, NULL, d);
}

/* ---- signatures and chains ------------------------------------------------------------------- */

int mxt_id_sig(const mxt_json_doc *doc, uint32_t obj, const char *signer, const char *key_id,
               const uint8_t pk[32], mxt_sig_verdict *v)
{
    mxt_sig_result res;
    if (mxt_sig_check_alloc(doc, obj, (const uint8_t *)signer, strlen(signer),
                            (const uint8_t *)key_id, strlen(key_id), pk, &res) != MXT_OK)
        return -1;
    *v = res.verdict;
    return 0;
}

int mxt_id_link(const mxt_json_doc *kq, const mxt_id_xskey *signer_key, const char *signer_user,
                uint32_t signed_obj, mxt_sig_verdict *v)
{
    if (!signer_key->usable || signed_obj == MXT_JSON_NONE) {
        *v = MXT_SIG_MISSING;
        return 0;
    }
    return mxt_id_sig(kq, signed_obj, signer_user, signer_key->id, signer_key->pk, v);
}

/* The object a link signs: a usable key object, else nothing (MXT_JSON_NONE). */
static uint32_t usable_obj(const mxt_id_xskey *k)
{
    return k->usable ? k->obj : MXT_JSON_NONE;
}

int mxt_id_own_chain(const mxt_json_doc *kq, const char *user, const char *device_id,
                     int master_trusted, mxt_xs_own_chain *c)
{
    mxt_id_xskey msk, ssk;
    mxt_id_device dev;
    mxt_id_xs_key(kq, user, MXT_XS_MASTER, &msk);
    mxt_id_xs_key(kq, user, MXT_XS_SELF_SIGNING, &ssk);
    mxt_id_device_get(kq, user, device_id, &dev);
    c->own_master_trusted = master_trusted ? 1 : 0;
    if (mxt_id_link(kq, &msk, user, usable_obj(&ssk), &c->master_signed_ssk) != 0 ||
        mxt_id_link(kq, &ssk, user, dev.usable ? dev.obj : MXT_JSON_NONE,
                    &c->ssk_signed_device) != 0)
        return -1;
    return 0;
}

int mxt_id_other_chain(const mxt_json_doc *kq, const char *me, const char *them,
                       const char *device_id, int master_trusted, mxt_xs_other_chain *c)
{
    mxt_id_xskey my_msk, my_usk, their_msk, their_ssk;
    mxt_id_device dev;
    mxt_id_xs_key(kq, me, MXT_XS_MASTER, &my_msk);
    mxt_id_xs_key(kq, me, MXT_XS_USER_SIGNING, &my_usk);
    mxt_id_xs_key(kq, them, MXT_XS_MASTER, &their_msk);
    mxt_id_xs_key(kq, them, MXT_XS_SELF_SIGNING, &their_ssk);
    mxt_id_device_get(kq, them, device_id, &dev);
    c->own_master_trusted = master_trusted ? 1 : 0;
    if (mxt_id_link(kq, &my_msk, me, usable_obj(&my_usk), &c->own_master_signed_usk) != 0 ||
        mxt_id_link(kq, &my_usk, me, usable_obj(&their_msk), &c->usk_signed_their_master) != 0 ||
        mxt_id_link(kq, &their_msk, them, usable_obj(&their_ssk), &c->their_master_signed_ssk) !=
            0 ||
        mxt_id_link(kq, &their_ssk, them, dev.usable ? dev.obj : MXT_JSON_NONE,
                    &c->their_ssk_signed_device) != 0)
        return -1;
    return 0;
}

/* ---- signer classification ------------------------------------------------------------------- */

void mxt_id_classify_signer(const mxt_json_doc *kq, const char *own_user, const char *signer_user,
                            const char *key_id, mxt_id_signer_info *info)
{
    memset(info, 0, sizeof *info);
    int own = strcmp(signer_user, own_user) == 0;
    int ed = strncmp(key_id, "ed25519:", 8) == 0;
    const char *rest = key_id + (ed ? 8 : 0);
    mxt_id_xskey msk, ssk, usk;
    mxt_id_device dev;
    mxt_id_xs_key(kq, signer_user, MXT_XS_MASTER, &msk);
    mxt_id_xs_key(kq, signer_user, MXT_XS_SELF_SIGNING, &ssk);
    mxt_id_xs_key(kq, signer_user, MXT_XS_USER_SIGNING, &usk);
    if (ed)
        mxt_id_device_get(kq, signer_user, rest, &dev);
    else
        memset(&dev, 0, sizeof dev);

    info->signer = own ? MXT_ID_SIGNER_OWN_OTHER_KEY : MXT_ID_SIGNER_OTHER_USER;
    if (!ed)
        return;
    if (msk.usable && strcmp(key_id, msk.id) == 0) {
        if (own)
            info->signer = MXT_ID_SIGNER_OWN_MASTER;
        info->key_known = 1;
        memcpy(info->pk, msk.pk, 32);
    } else if ((ssk.usable && strcmp(key_id, ssk.id) == 0) ||
               (usk.usable && strcmp(key_id, usk.id) == 0)) {
        info->key_known = 1;
        memcpy(info->pk, ssk.usable && strcmp(key_id, ssk.id) == 0 ? ssk.pk : usk.pk, 32);
    } else if (dev.usable) {
        if (own)
            info->signer = MXT_ID_SIGNER_OWN_DEVICE;
        info->key_known = 1;
        memcpy(info->pk, dev.ed, 32);
        snprintf(info->device_id, sizeof info->device_id, "%s", dev.device_id);
    } else if (own) {
        info->signer = MXT_ID_SIGNER_OWN_UNKNOWN;
    }
}
