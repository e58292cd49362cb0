/* Identity model over /keys/query (conformance/lib/identity.c) and the identity operations
 * (ops_identity.c): key lookup, device lookup, chains, signer classification. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "identity.h"
#include "ops.h"
#include "vecgen.h"

/* Until core/signed_json.c is in the tree nothing can check a signature: the tests are compiled
 * out and one skipped test says why (see the matching guard in conformance/lib/ops.c). */
#if defined(MXT_HAVE_SIG_CHECK) || (defined(__has_include) && __has_include("signed_json.c"))

#define ALICE "@alice:test.example"
#define BOB "@bob:test.example"

typedef struct {
    uint8_t pk[32], sk[64];
    char    b64[48], id[64];
} edkey;

static void edkey_init(edkey *k, const char *name)
{
    mxt_vg_ed25519(name, k->pk, k->sk);
    char *b = mxt_vg_b64(k->pk, 32);
    snprintf(k->b64, sizeof k->b64, "%s", b);
    snprintf(k->id, sizeof k->id, "ed25519:%s", b);
    free(b);
}

static cJSON *xs_key(const char *user, const char *usage, const edkey *k)
{
    cJSON *o = cJSON_CreateObject(), *keys = cJSON_AddObjectToObject(o, "keys");
    cJSON_AddStringToObject(keys, k->id, k->b64);
    cJSON *u = cJSON_AddArrayToObject(o, "usage");
    cJSON_AddItemToArray(u, cJSON_CreateString(usage));
    cJSON_AddStringToObject(o, "user_id", user);
    return o;
}

typedef struct {
    edkey   ed;
    uint8_t cv[32], cv_sk[32];
    char    cv64[48], dev[32];
} device;

static void device_init(device *d, const char *user, const char *dev)
{
    char name[128];
    snprintf(name, sizeof name, "t-ident:%s:%s:ed", user, dev);
    edkey_init(&d->ed, name);
    snprintf(name, sizeof name, "t-ident:%s:%s:cv", user, dev);
    mxt_vg_x25519(name, d->cv, d->cv_sk);
    char *b = mxt_vg_b64(d->cv, 32);
    snprintf(d->cv64, sizeof d->cv64, "%s", b);
    free(b);
    snprintf(d->dev, sizeof d->dev, "%s", dev);
}

/* Device keys object listed as `dev`, claiming `claimed_dev`, self-signed, optionally SSK-signed. */
static cJSON *device_keys(const char *user, const device *d, const char *claimed_dev,
                          const char *ssk_user, const edkey *ssk)
{
    char id[64];
    cJSON *o = cJSON_CreateObject(), *keys;
    cJSON_AddStringToObject(o, "device_id", claimed_dev);
    keys = cJSON_AddObjectToObject(o, "keys");
    snprintf(id, sizeof id, "curve25519:%s", d->dev);
    cJSON_AddStringToObject(keys, id, d->cv64);
    snprintf(id, sizeof id, "ed25519:%s", d->dev);
    cJSON_AddStringToObject(keys, id, d->ed.b64);
    cJSON_AddStringToObject(o, "user_id", user);
    mxt_vg_sign(o, user, id, d->ed.sk);
    if (ssk)
        mxt_vg_sign(o, ssk_user, ssk->id, ssk->sk);
    return o;
}

static cJSON *member(cJSON *o, const char *name)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(o, name);
    return m ? m : cJSON_AddObjectToObject(o, name);
}

/* The world: alice (master, SSK, USK; devices PHONE signed by SSK, LAPTOP unsigned, SPOOF listed
 * under one ID but claiming another) and bob (master and SSK; device BOBPHONE). */
static edkey a_msk, a_ssk, a_usk, b_msk, b_ssk;
static device a_phone, a_laptop, a_spoof, b_phone;

static char *world_text(int flip_phone_ssk_sig)
{
    edkey_init(&a_msk, "t-ident:alice:master");
    edkey_init(&a_ssk, "t-ident:alice:ssk");
    edkey_init(&a_usk, "t-ident:alice:usk");
    edkey_init(&b_msk, "t-ident:bob:master");
    edkey_init(&b_ssk, "t-ident:bob:ssk");
    device_init(&a_phone, ALICE, "PHONE");
    device_init(&a_laptop, ALICE, "LAPTOP");
    device_init(&a_spoof, ALICE, "SPOOF");
    device_init(&b_phone, BOB, "BOBPHONE");

    cJSON *kq = cJSON_CreateObject();
    cJSON *dk = member(kq, "device_keys");
    cJSON *phone = device_keys(ALICE, &a_phone, "PHONE", ALICE, &a_ssk);
    if (flip_phone_ssk_sig) {
        /* Change the signed content: the SSK signature no longer covers it. */
        cJSON_AddStringToObject(phone, "display", "changed after signing");
    }
    cJSON_AddItemToObject(member(dk, ALICE), "PHONE", phone);
    cJSON_AddItemToObject(member(dk, ALICE), "LAPTOP",
                          device_keys(ALICE, &a_laptop, "LAPTOP", NULL, NULL));
    cJSON_AddItemToObject(member(dk, ALICE), "SPOOF",
                          device_keys(ALICE, &a_spoof, "OTHERNAME", ALICE, &a_ssk));
    cJSON_AddItemToObject(member(dk, BOB), "BOBPHONE",
                          device_keys(BOB, &b_phone, "BOBPHONE", BOB, &b_ssk));

    cJSON_AddItemToObject(member(kq, "master_keys"), ALICE, xs_key(ALICE, "master", &a_msk));
    cJSON *ssk = xs_key(ALICE, "self_signing", &a_ssk);
    mxt_vg_sign(ssk, ALICE, a_msk.id, a_msk.sk);
    cJSON_AddItemToObject(member(kq, "self_signing_keys"), ALICE, ssk);
    /* Alice's user-signing slot holds a key whose usage says self_signing: unusable. */
    cJSON *usk = xs_key(ALICE, "self_signing", &a_usk);
    mxt_vg_sign(usk, ALICE, a_msk.id, a_msk.sk);
    cJSON_AddItemToObject(member(kq, "user_signing_keys"), ALICE, usk);
    cJSON_AddItemToObject(member(kq, "master_keys"), BOB, xs_key(BOB, "master", &b_msk));
    cJSON *bssk = xs_key(BOB, "self_signing", &b_ssk);
    mxt_vg_sign(bssk, BOB, b_msk.id, b_msk.sk);
    cJSON_AddItemToObject(member(kq, "self_signing_keys"), BOB, bssk);
    char *text = mxt_vg_canonical(kq);
    cJSON_Delete(kq);
    return text;
}

static void parse_world(mxt_id_json *j, int flip)
{
    char *text = world_text(flip);
    mxt_where w;
    cr_assert_eq(mxt_id_json_parse(j, (const uint8_t *)text, strlen(text), &w), MXT_OK);
    free(text);
}

Test(identity, next_member_walks_in_document_order)
{
    mxt_id_json j;
    mxt_where w;
    const char *t = "{\"b\":{\"x\":[1,2]},\"a\":3,\"c\":{}}";
    cr_assert_eq(mxt_id_json_parse(&j, (const uint8_t *)t, strlen(t), &w), MXT_OK);
    uint32_t c = 0, k, v;
    const char *want[] = {"b", "a", "c"};
    for (int i = 0; i < 3; i++) {
        cr_assert(mxt_id_next_member(&j.doc, 0, &c, &k, &v), "member %d", i);
        char *s = mxt_id_str(&j.doc, k);
        cr_assert_str_eq(s, want[i]);
        free(s);
    }
    cr_assert_not(mxt_id_next_member(&j.doc, 0, &c, &k, &v));
    uint32_t empty = mxt_id_get(&j.doc, 0, "c"), c2 = 0;
    cr_assert_neq(empty, MXT_JSON_NONE);
    cr_assert_not(mxt_id_next_member(&j.doc, empty, &c2, &k, &v));
    /* Not an object: nothing to walk. */
    uint32_t three = mxt_id_get(&j.doc, 0, "a"), c3 = 0;
    cr_assert_not(mxt_id_next_member(&j.doc, three, &c3, &k, &v));
    mxt_id_json_free(&j);
}

Test(identity, cross_signing_key_lookup)
{
    mxt_id_json j;
    parse_world(&j, 0);
    mxt_id_xskey k;
    mxt_id_xs_key(&j.doc, ALICE, MXT_XS_MASTER, &k);
    cr_assert(k.usable);
    cr_assert_eq(memcmp(k.pk, a_msk.pk, 32), 0);
    cr_assert_str_eq(k.id, a_msk.id);
    mxt_id_xs_key(&j.doc, ALICE, MXT_XS_SELF_SIGNING, &k);
    cr_assert(k.usable);
    cr_assert_str_eq(k.id, a_ssk.id);
    /* Wrong usage in the user-signing slot: present, refused by the core, not usable. */
    mxt_id_xs_key(&j.doc, ALICE, MXT_XS_USER_SIGNING, &k);
    cr_assert_not(k.usable);
    cr_assert_neq(k.obj, MXT_JSON_NONE);
    cr_assert_eq(k.reason, MXT_XSK_WRONG_USAGE);
    /* Bob has no user-signing key: absent. */
    mxt_id_xs_key(&j.doc, BOB, MXT_XS_USER_SIGNING, &k);
    cr_assert_not(k.usable);
    cr_assert_eq(k.obj, MXT_JSON_NONE);
    /* Bob's master key is never Alice's. */
    mxt_id_xs_key(&j.doc, BOB, MXT_XS_MASTER, &k);
    cr_assert(k.usable);
    cr_assert_str_eq(k.id, b_msk.id);
    mxt_id_json_free(&j);
}

Test(identity, device_lookup)
{
    mxt_id_json j;
    parse_world(&j, 0);
    mxt_id_device d;
    mxt_id_device_get(&j.doc, ALICE, "PHONE", &d);
    cr_assert(d.usable);
    cr_assert(d.has_curve);
    cr_assert_eq(memcmp(d.ed, a_phone.ed.pk, 32), 0);
    cr_assert_eq(memcmp(d.curve, a_phone.cv, 32), 0);
    cr_assert_str_eq(d.key_id, "ed25519:PHONE");
    /* Listed as SPOOF, claims OTHERNAME: not a usable device. */
    mxt_id_device_get(&j.doc, ALICE, "SPOOF", &d);
    cr_assert_not(d.usable);
    /* Bob's device is not Alice's. */
    mxt_id_device_get(&j.doc, ALICE, "BOBPHONE", &d);
    cr_assert_not(d.usable);
    cr_assert(mxt_id_device_by_curve(&j.doc, b_phone.cv, NULL, &d));
    cr_assert_str_eq(d.user, BOB);
    cr_assert_str_eq(d.device_id, "BOBPHONE");
    cr_assert(mxt_id_device_by_curve(&j.doc, a_laptop.cv, BOB, &d));
    cr_assert_str_eq(d.device_id, "LAPTOP");
    /* The spoofed device's curve key is not found: it is not usable. */
    cr_assert_not(mxt_id_device_by_curve(&j.doc, a_spoof.cv, ALICE, &d));
    cr_assert_not(d.usable);
    mxt_id_json_free(&j);
}

/* Another user ("@aaron", listed before Bob) publishes a device with Bob's Curve25519 key. */
static char *shadowed_world_text(void)
{
    char *text = world_text(0);
    cJSON *kq = cJSON_Parse(text);
    free(text);
    device evil;
    device_init(&evil, "@aaron:test.example", "EVIL");
    snprintf(evil.cv64, sizeof evil.cv64, "%s", b_phone.cv64);
    cJSON_AddItemToObject(member(member(kq, "device_keys"), "@aaron:test.example"), "EVIL",
                          device_keys("@aaron:test.example", &evil, "EVIL", NULL, NULL));
    text = mxt_vg_canonical(kq);
    cJSON_Delete(kq);
    return text;
}

Test(identity, curve_lookup_prefers_the_senders_device)
{
    char *text = shadowed_world_text();
    mxt_id_json j;
    mxt_where w;
    cr_assert_eq(mxt_id_json_parse(&j, (const uint8_t *)text, strlen(text), &w), MXT_OK);
    mxt_id_device d;
    cr_assert(mxt_id_device_by_curve(&j.doc, b_phone.cv, NULL, &d));
    cr_assert_str_eq(d.user, "@aaron:test.example"); /* first in document order */
    cr_assert(mxt_id_device_by_curve(&j.doc, b_phone.cv, BOB, &d));
    cr_assert_str_eq(d.user, BOB);
    cr_assert_str_eq(d.device_id, "BOBPHONE");
    mxt_id_json_free(&j);
    free(text);
}

Test(identity, own_chain_links)
{
    mxt_id_json j;
    parse_world(&j, 0);
    mxt_xs_own_chain c;
    cr_assert_eq(mxt_id_own_chain(&j.doc, ALICE, "PHONE", 1, &c), 0);
    cr_assert_eq(c.own_master_trusted, 1);
    cr_assert_eq(c.master_signed_ssk, MXT_SIG_VALID);
    cr_assert_eq(c.ssk_signed_device, MXT_SIG_VALID);
    cr_assert_eq(mxt_id_own_chain(&j.doc, ALICE, "LAPTOP", 0, &c), 0);
    cr_assert_eq(c.own_master_trusted, 0);
    cr_assert_eq(c.ssk_signed_device, MXT_SIG_MISSING);
    cr_assert_eq(mxt_id_own_chain(&j.doc, ALICE, "GONE", 1, &c), 0);
    cr_assert_eq(c.ssk_signed_device, MXT_SIG_MISSING);
    mxt_id_json_free(&j);
    parse_world(&j, 1);
    cr_assert_eq(mxt_id_own_chain(&j.doc, ALICE, "PHONE", 1, &c), 0);
    cr_assert_eq(c.ssk_signed_device, MXT_SIG_INVALID);
    mxt_id_json_free(&j);
}

Test(identity, other_chain_with_unusable_usk)
{
    mxt_id_json j;
    parse_world(&j, 0);
    mxt_xs_other_chain c;
    cr_assert_eq(mxt_id_other_chain(&j.doc, ALICE, BOB, "BOBPHONE", 1, &c), 0);
    /* Alice's USK object is refused, so both links through it are missing. */
    cr_assert_eq(c.own_master_signed_usk, MXT_SIG_MISSING);
    cr_assert_eq(c.usk_signed_their_master, MXT_SIG_MISSING);
    cr_assert_eq(c.their_master_signed_ssk, MXT_SIG_VALID);
    cr_assert_eq(c.their_ssk_signed_device, MXT_SIG_VALID);
    mxt_id_json_free(&j);
}

Test(identity, signer_classification)
{
    mxt_id_json j;
    parse_world(&j, 0);
    mxt_id_signer_info i;
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, a_msk.id, &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_MASTER);
    cr_assert(i.key_known);
    cr_assert_eq(memcmp(i.pk, a_msk.pk, 32), 0);
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, "ed25519:LAPTOP", &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_DEVICE);
    cr_assert_str_eq(i.device_id, "LAPTOP");
    cr_assert_eq(memcmp(i.pk, a_laptop.ed.pk, 32), 0);
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, "ed25519:DELETED", &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_UNKNOWN);
    cr_assert_not(i.key_known);
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, "ed25519:SPOOF", &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_UNKNOWN);
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, a_ssk.id, &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_OTHER_KEY);
    cr_assert(i.key_known);
    mxt_id_classify_signer(&j.doc, ALICE, ALICE, "curve25519:PHONE", &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OWN_OTHER_KEY);
    cr_assert_not(i.key_known);
    mxt_id_classify_signer(&j.doc, ALICE, BOB, b_msk.id, &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OTHER_USER);
    cr_assert(i.key_known);
    /* Alice's own device key ID filed under Bob: Bob has no such device; another user's key. */
    mxt_id_classify_signer(&j.doc, ALICE, BOB, "ed25519:PHONE", &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OTHER_USER);
    cr_assert_not(i.key_known);
    /* Alice's master key ID under Bob's user ID does not resolve to Alice's key. */
    mxt_id_classify_signer(&j.doc, ALICE, BOB, a_msk.id, &i);
    cr_assert_eq(i.signer, MXT_ID_SIGNER_OTHER_USER);
    cr_assert_not(i.key_known);
    mxt_id_json_free(&j);
}

/* ---- the operations on small scenarios of their own ------------------------------------------- */

static cJSON *bkt_input(const char *kq, cJSON *auth, const char *key_b64, const char *source,
                        int master_verified, const char *verified_device)
{
    cJSON *in = cJSON_CreateObject(), *local = cJSON_AddObjectToObject(in, "local");
    cJSON_AddStringToObject(in, "user_id", ALICE);
    cJSON_AddStringToObject(in, "device_id", "PHONE");
    cJSON_AddStringToObject(in, "keys_query", kq);
    cJSON_AddBoolToObject(local, "master_verified", master_verified);
    cJSON *vd = cJSON_AddArrayToObject(local, "verified_devices");
    if (verified_device)
        cJSON_AddItemToArray(vd, cJSON_CreateString(verified_device));
    if (key_b64) {
        cJSON *pk = cJSON_AddObjectToObject(local, "private_key");
        cJSON_AddStringToObject(pk, "key", key_b64);
        cJSON_AddStringToObject(pk, "source", source);
    } else {
        cJSON_AddNullToObject(local, "private_key");
    }
    cJSON *b = cJSON_AddObjectToObject(in, "backup");
    cJSON_AddStringToObject(b, "algorithm", "m.megolm_backup.v1.curve25519-aes-sha2");
    char *t = mxt_vg_canonical(auth);
    cJSON_AddStringToObject(b, "auth_data", t);
    free(t);
    cJSON_Delete(auth);
    return in;
}

static cJSON *auth(const char *public_key)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", public_key);
    return a;
}

static void expect(cJSON *in, const char *op, const char *result, const char *reason)
{
    mxt_outcome o;
    mxt_op_run(op, in, &o);
    cr_assert_str_eq(o.result, result, "%s: %s (%s)", op, o.result, o.message ? o.message : "");
    if (reason)
        cr_assert_str_eq(o.reason, reason);
    mxt_outcome_clear(&o);
    cJSON_Delete(in);
}

Test(ops_identity, backup_trust_signers_and_keys)
{
    char *kq = world_text(0);
    uint8_t bpk[32], bsk[32];
    mxt_vg_x25519("t-ident:backup", bpk, bsk);
    char *bpk64 = mxt_vg_b64(bpk, 32), *bsk64 = mxt_vg_b64(bsk, 32);
    cJSON *a;
    /* The current device signed: trusted whatever the master key's state. */
    a = auth(bpk64);
    mxt_vg_sign(a, ALICE, "ed25519:PHONE", a_phone.ed.sk);
    expect(bkt_input(kq, a, NULL, NULL, 0, NULL), "backup_trust", "trusted",
           "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    /* LAPTOP is not cross-signed: only a local verification makes it count. */
    a = auth(bpk64);
    mxt_vg_sign(a, ALICE, "ed25519:LAPTOP", a_laptop.ed.sk);
    expect(bkt_input(kq, cJSON_Duplicate(a, 1), NULL, NULL, 1, NULL), "backup_trust", "untrusted",
           "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    expect(bkt_input(kq, a, NULL, NULL, 0, "LAPTOP"), "backup_trust", "trusted",
           "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    /* The own SSK's signature is not a master or device signature. */
    a = auth(bpk64);
    mxt_vg_sign(a, ALICE, a_ssk.id, a_ssk.sk);
    expect(bkt_input(kq, a, NULL, NULL, 1, NULL), "backup_trust", "untrusted",
           "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    /* Private keys: X25519 of the held key against auth_data.public_key. */
    expect(bkt_input(kq, auth(bpk64), bsk64, "secret_storage", 0, NULL), "backup_trust", "trusted",
           "TRUSTED_PRIVATE_KEY_MATCH");
    expect(bkt_input(kq, auth(bpk64), bpk64, "secret_storage", 0, NULL), "backup_trust", "untrusted",
           "UNTRUSTED_PRIVATE_KEY_MISMATCH");
    expect(bkt_input(kq, auth(bpk64), bsk64, "a cache", 0, NULL), "backup_trust", "untrusted",
           "UNTRUSTED_PRIVATE_KEY_SOURCE");
    free(bpk64);
    free(bsk64);
    free(kq);
}

static cJSON *sd_input(const char *kq, const device *d, const char *sender, const char *verified)
{
    cJSON *in = cJSON_CreateObject(), *local = cJSON_AddObjectToObject(in, "local");
    cJSON_AddStringToObject(in, "user_id", ALICE);
    cJSON_AddStringToObject(in, "keys_query", kq);
    cJSON *vu = cJSON_AddArrayToObject(local, "verified_users");
    if (verified)
        cJSON_AddItemToArray(vu, cJSON_CreateString(verified));
    cJSON_AddArrayToObject(local, "previously_verified_users");
    cJSON *s = cJSON_AddObjectToObject(in, "session");
    cJSON_AddStringToObject(s, "sender", sender);
    cJSON_AddStringToObject(s, "sender_key", d->cv64);
    cJSON_AddStringToObject(s, "sender_ed25519", d->ed.b64);
    cJSON_AddBoolToObject(s, "imported", 0);
    return in;
}

Test(ops_identity, sender_data_and_device_trust)
{
    char *kq = world_text(0);
    expect(sd_input(kq, &b_phone, BOB, BOB), "sender_data", "sender_verified", NULL);
    expect(sd_input(kq, &b_phone, BOB, NULL), "sender_data", "sender_unverified", NULL);
    expect(sd_input(kq, &a_laptop, ALICE, NULL), "sender_data", "device_info", NULL);
    /* Bob's device claimed by Alice: not the owner. */
    expect(sd_input(kq, &b_phone, ALICE, NULL), "sender_data", "unknown_device", NULL);
    /* The spoofed device is not usable: unknown. */
    expect(sd_input(kq, &a_spoof, ALICE, NULL), "sender_data", "unknown_device", NULL);
    free(kq);
    kq = shadowed_world_text();
    expect(sd_input(kq, &b_phone, BOB, NULL), "sender_data", "sender_unverified", NULL);
    free(kq);
    kq = world_text(1);
    expect(sd_input(kq, &a_phone, ALICE, NULL), "sender_data", "discard", NULL);

    cJSON *in = cJSON_CreateObject(), *local = cJSON_AddObjectToObject(in, "local"),
          *t = cJSON_AddObjectToObject(in, "target");
    cJSON_AddStringToObject(in, "user_id", ALICE);
    cJSON_AddStringToObject(in, "device_id", "LAPTOP");
    cJSON_AddStringToObject(in, "keys_query", kq);
    cJSON_AddBoolToObject(local, "master_verified", 1);
    cJSON_AddStringToObject(t, "user_id", ALICE);
    cJSON_AddStringToObject(t, "device_id", "PHONE");
    expect(cJSON_Duplicate(in, 1), "device_trust", "tampered", NULL);
    cJSON_ReplaceItemInObjectCaseSensitive(t, "user_id", cJSON_CreateString(BOB));
    cJSON_ReplaceItemInObjectCaseSensitive(t, "device_id", cJSON_CreateString("BOBPHONE"));
    /* Alice's USK object is unusable: the chain to Bob is not signed. */
    expect(in, "device_trust", "not_signed", NULL);
    free(kq);
}

Test(ops_identity, cross_signing_key_output_and_errors)
{
    edkey k;
    edkey_init(&k, "t-ident:xsk");
    cJSON *key = xs_key(ALICE, "user_signing", &k);
    char *text = mxt_vg_canonical(key);
    cJSON_Delete(key);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "json", text);
    cJSON_AddStringToObject(in, "user_id", ALICE);
    cJSON_AddStringToObject(in, "usage", "user_signing");
    mxt_outcome o;
    mxt_op_run("cross_signing_key", in, &o);
    cr_assert_str_eq(o.result, "ok");
    cr_assert(cJSON_IsString(o.output));
    cr_assert_str_eq(o.output->valuestring, k.b64);
    mxt_outcome_clear(&o);
    cJSON_ReplaceItemInObjectCaseSensitive(in, "usage", cJSON_CreateString("master"));
    mxt_op_run("cross_signing_key", in, &o);
    cr_assert_str_eq(o.result, "reject");
    cr_assert_str_eq(o.reason, "WRONG_USAGE");
    mxt_outcome_clear(&o);
    cJSON_ReplaceItemInObjectCaseSensitive(in, "usage", cJSON_CreateString("device"));
    mxt_op_run("cross_signing_key", in, &o);
    cr_assert_str_eq(o.result, "error");
    mxt_outcome_clear(&o);
    cJSON_Delete(in);
    free(text);
}

#else

Test(identity, pending_signed_json)
{
    cr_skip_test("core/signed_json.c (mxt_sig_check) is not in the tree yet");
}

#endif
