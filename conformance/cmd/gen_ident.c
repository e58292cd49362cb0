#include "gen_ident.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static void b64_into(char *out, size_t cap, const uint8_t *bytes, size_t n)
{
    sodium_bin2base64(out, cap, bytes, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

void vg_user_init(vg_user *u, const char *user, const char *tag)
{
    char name[256];
    memset(u, 0, sizeof *u);
    snprintf(u->user, sizeof u->user, "%s", user);
    snprintf(name, sizeof name, "%s:%s:master", tag, user);
    mxt_vg_ed25519(name, u->msk_pk, u->msk_sk);
    snprintf(name, sizeof name, "%s:%s:self_signing", tag, user);
    mxt_vg_ed25519(name, u->ssk_pk, u->ssk_sk);
    snprintf(name, sizeof name, "%s:%s:user_signing", tag, user);
    mxt_vg_ed25519(name, u->usk_pk, u->usk_sk);
    b64_into(u->msk, sizeof u->msk, u->msk_pk, 32);
    b64_into(u->ssk, sizeof u->ssk, u->ssk_pk, 32);
    b64_into(u->usk, sizeof u->usk, u->usk_pk, 32);
    snprintf(u->msk_id, sizeof u->msk_id, "ed25519:%s", u->msk);
    snprintf(u->ssk_id, sizeof u->ssk_id, "ed25519:%s", u->ssk);
    snprintf(u->usk_id, sizeof u->usk_id, "ed25519:%s", u->usk);
}

void vg_device_init(vg_device *d, const char *user, const char *device)
{
    char name[256];
    memset(d, 0, sizeof *d);
    snprintf(d->user, sizeof d->user, "%s", user);
    snprintf(d->device, sizeof d->device, "%s", device);
    snprintf(name, sizeof name, "device:%s:%s:ed25519", user, device);
    mxt_vg_ed25519(name, d->ed_pk, d->ed_sk);
    snprintf(name, sizeof name, "device:%s:%s:curve25519", user, device);
    mxt_vg_x25519(name, d->cv_pk, d->cv_sk);
    b64_into(d->ed, sizeof d->ed, d->ed_pk, 32);
    b64_into(d->cv, sizeof d->cv, d->cv_pk, 32);
    snprintf(d->ed_id, sizeof d->ed_id, "ed25519:%s", device);
}

cJSON *vg_xs_key(const char *user, const char *usage, const char *pk_b64)
{
    char id[64];
    cJSON *k = cJSON_CreateObject(), *keys = cJSON_CreateObject(), *use = cJSON_CreateArray();
    snprintf(id, sizeof id, "ed25519:%s", pk_b64);
    cJSON_AddStringToObject(keys, id, pk_b64);
    cJSON_AddItemToObject(k, "keys", keys);
    cJSON_AddItemToArray(use, cJSON_CreateString(usage));
    cJSON_AddItemToObject(k, "usage", use);
    cJSON_AddStringToObject(k, "user_id", user);
    return k;
}

cJSON *vg_master(const vg_user *u)
{
    return vg_xs_key(u->user, "master", u->msk);
}

cJSON *vg_self_signing(const vg_user *u, int signed_by_master)
{
    cJSON *k = vg_xs_key(u->user, "self_signing", u->ssk);
    if (signed_by_master)
        mxt_vg_sign(k, u->user, u->msk_id, u->msk_sk);
    return k;
}

cJSON *vg_user_signing(const vg_user *u, int signed_by_master)
{
    cJSON *k = vg_xs_key(u->user, "user_signing", u->usk);
    if (signed_by_master)
        mxt_vg_sign(k, u->user, u->msk_id, u->msk_sk);
    return k;
}

cJSON *vg_device_keys(const vg_device *d, const vg_user *owner)
{
    char id[64];
    cJSON *k = cJSON_CreateObject(), *alg = cJSON_CreateArray(), *keys = cJSON_CreateObject();
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.olm.v1.curve25519-aes-sha2"));
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.megolm.v1.aes-sha2"));
    cJSON_AddItemToObject(k, "algorithms", alg);
    cJSON_AddStringToObject(k, "device_id", d->device);
    snprintf(id, sizeof id, "curve25519:%s", d->device);
    cJSON_AddStringToObject(keys, id, d->cv);
    cJSON_AddStringToObject(keys, d->ed_id, d->ed);
    cJSON_AddItemToObject(k, "keys", keys);
    cJSON_AddStringToObject(k, "user_id", d->user);
    mxt_vg_sign(k, d->user, d->ed_id, d->ed_sk);
    if (owner)
        mxt_vg_sign(k, owner->user, owner->ssk_id, owner->ssk_sk);
    return k;
}

void vg_flip_signature_bit(cJSON *obj, const char *user, const char *key_id, unsigned bit)
{
    cJSON *sigs = cJSON_GetObjectItemCaseSensitive(obj, "signatures");
    cJSON *u = cJSON_GetObjectItemCaseSensitive(sigs, user);
    cJSON *s = cJSON_GetObjectItemCaseSensitive(u, key_id);
    if (!cJSON_IsString(s))
        abort(); /* generator bug */
    uint8_t sig[64];
    size_t len;
    if (sodium_base642bin(sig, sizeof sig, s->valuestring, strlen(s->valuestring), NULL, &len,
                          NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 || len != 64)
        abort();
    sig[(bit / 8) % 64] ^= (uint8_t)(1u << (bit % 8));
    char b64[96];
    b64_into(b64, sizeof b64, sig, 64);
    cJSON_SetValuestring(s, b64);
}

cJSON *vg_keys_query(void)
{
    cJSON *kq = cJSON_CreateObject();
    cJSON_AddObjectToObject(kq, "device_keys");
    cJSON_AddObjectToObject(kq, "failures");
    cJSON_AddObjectToObject(kq, "master_keys");
    cJSON_AddObjectToObject(kq, "self_signing_keys");
    cJSON_AddObjectToObject(kq, "user_signing_keys");
    return kq;
}

static cJSON *member(cJSON *obj, const char *name)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    return m ? m : cJSON_AddObjectToObject(obj, name);
}

void vg_kq_add_device(cJSON *kq, const char *user, const char *device, cJSON *keys)
{
    cJSON_AddItemToObject(member(member(kq, "device_keys"), user), device, keys);
}

void vg_kq_add_xs(cJSON *kq, const char *which, const char *user, cJSON *key)
{
    cJSON_AddItemToObject(member(kq, which), user, key);
}
