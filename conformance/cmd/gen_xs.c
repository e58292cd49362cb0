/*
 * XS vectors: cross-signing key objects (XS-001/002) and the trust chains (XS-006/007).
 *
 * device_trust scenarios carry a complete /keys/query response built from named seeds and signed
 * by the generator, plus the one fact no server knows: whether the user verified their own master
 * key. Outcomes, with their precedence: a present but bad signature on any link is "tampered";
 * otherwise a missing link (or a key object that cannot be used) is "not_signed"; otherwise an
 * unverified own master key is "root_untrusted"; otherwise "trusted".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "gen_client.h"
#include "gen_ident.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)

/* ---- cross_signing_key ---------------------------------------------------------------------- */

static int key_case(mxt_vg_file *f, const char *slug, const char *const *rules,
                    const char *comment, const char *const *flags, const cJSON *key,
                    const char *user, const char *usage, const char *result, const char *reason,
                    const char *output)
{
    cJSON *in = cJSON_CreateObject();
    char *text = mxt_vg_canonical(key);
    cJSON_AddStringToObject(in, "json", text);
    free(text);
    cJSON_AddStringToObject(in, "user_id", user);
    cJSON_AddStringToObject(in, "usage", usage);
    return mxt_vg_add(f, slug, rules, comment, flags, "cross_signing_key", in,
                      output ? mxt_vg_expect_out(result, reason, output)
                             : mxt_vg_expect(result, reason));
}

static int key_objects(mxt_vg_file *f)
{
    vg_user u;
    vg_user_init(&u, "@carol:example.org", "xs-key");
    int e = 0;
    const char *roles[] = {"master", "self_signing", "user_signing"};
    const char *pks[] = {u.msk, u.ssk, u.usk};
    for (int r = 0; r < 3; r++) {
        char slug[64], comment[128];
        cJSON *k = vg_xs_key(u.user, roles[r], pks[r]);
        if (r > 0)
            mxt_vg_sign(k, u.user, u.msk_id, u.msk_sk);
        snprintf(slug, sizeof slug, "key-%s-ok", roles[r]);
        snprintf(comment, sizeof comment, "a well-formed %s key", roles[r]);
        e |= key_case(f, slug, R("XS-001", "XS-002"), comment, NULL, k, u.user, roles[r], "ok",
                      NULL, pks[r]);
        for (int other = 0; other < 3; other++) {
            if (other == r)
                continue;
            snprintf(slug, sizeof slug, "key-%s-as-%s", roles[r], roles[other]);
            snprintf(comment, sizeof comment, "a %s key offered where a %s key is expected",
                     roles[r], roles[other]);
            e |= key_case(f, slug, R("XS-002"), comment, NULL, k, u.user, roles[other], "reject",
                          "WRONG_USAGE", NULL);
        }
        cJSON_Delete(k);
    }

    cJSON *k = vg_xs_key(u.user, "master", u.msk);
    e |= key_case(f, "key-wrong-user", R("XS-001"), "user_id is another user", NULL, k,
                  "@dave:example.org", "master", "reject", "WRONG_USER", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    cJSON_AddItemToArray(cJSON_GetObjectItem(k, "usage"), cJSON_CreateString("self_signing"));
    e |= key_case(f, "key-usage-extra-role", R("XS-002"),
                  "usage [master, self_signing]: the role and another; Synapse accepts it",
                  MXT_VG_LIST("divergence:synapse-usage-containment"), k, u.user, "master",
                  "reject", "USAGE_EXTRA", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    cJSON_DeleteItemFromObject(k, "usage");
    cJSON_AddStringToObject(k, "usage", "master");
    e |= key_case(f, "key-usage-string", R("XS-002"), "usage is a string, not an array", NULL, k,
                  u.user, "master", "reject", "USAGE_TYPE", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    cJSON_DeleteItemFromObject(k, "usage");
    e |= key_case(f, "key-no-usage", R("XS-002"), "no usage member", NULL, k, u.user, "master",
                  "reject", "NO_USAGE", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    cJSON_DeleteItemFromObject(k, "user_id");
    e |= key_case(f, "key-no-user-id", R("XS-001"), "no user_id member", NULL, k, u.user,
                  "master", "reject", "NO_USER_ID", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        char id[64];
        snprintf(id, sizeof id, "ed25519:%s", u.ssk);
        cJSON_AddStringToObject(cJSON_GetObjectItem(k, "keys"), id, u.ssk);
    }
    e |= key_case(f, "key-two-keys", R("XS-001"), "keys has two members", NULL, k, u.user,
                  "master", "reject", "SEVERAL_KEYS", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    cJSON_DeleteItemFromObject(k, "keys");
    cJSON_AddObjectToObject(k, "keys");
    e |= key_case(f, "key-empty-keys", R("XS-001"), "keys is empty", NULL, k, u.user, "master",
                  "reject", "NO_KEYS", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_DeleteItemFromObject(keys, u.msk_id);
        cJSON_AddStringToObject(keys, u.ssk_id, u.msk);
    }
    e |= key_case(f, "key-id-mismatch", R("XS-001"),
                  "the key ID names another public key than its value; Synapse does not compare",
                  MXT_VG_LIST("divergence:synapse-key-id-unchecked"), k, u.user, "master",
                  "reject", "KEY_ID_MISMATCH", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_DeleteItemFromObject(keys, u.msk_id);
        char id[64];
        snprintf(id, sizeof id, "curve25519:%s", u.msk);
        cJSON_AddStringToObject(keys, id, u.msk);
    }
    e |= key_case(f, "key-not-ed25519", R("XS-001", "SIG-002"), "the key ID is curve25519:",
                  NULL, k, u.user, "master", "reject", "KEY_ALGORITHM", NULL);
    cJSON_Delete(k);

    /* Regression (fuzz/fuzz_xs): a key name longer than 64 bytes was taken as ed25519: whatever
     * its prefix, so this was reported as KEY_ID_MISMATCH instead of KEY_ALGORITHM. */
    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_DeleteItemFromObject(keys, u.msk_id);
        char id[128];
        snprintf(id, sizeof id, "curve25519:%sAAAAAAAAAAAAAAAAAAAA", u.msk);
        cJSON_AddStringToObject(keys, id, u.msk);
    }
    e |= key_case(f, "key-long-name-not-ed25519", R("XS-001", "SIG-002"),
                  "a key ID over 64 bytes with the curve25519: prefix (found by fuzz_xs: once "
                  "reported as a key ID mismatch)",
                  MXT_VG_LIST("fuzz-regression"), k, u.user, "master", "reject", "KEY_ALGORITHM",
                  NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_ReplaceItemInObjectCaseSensitive(keys, u.msk_id, cJSON_CreateString("c2hvcnQ"));
    }
    e |= key_case(f, "key-short", R("XS-001"), "the public key decodes to 5 bytes", NULL, k,
                  u.user, "master", "reject", "KEY_LENGTH", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_ReplaceItemInObjectCaseSensitive(keys, u.msk_id, cJSON_CreateString("not base64!"));
    }
    e |= key_case(f, "key-not-base64", R("XS-001"), "the public key is not base64", NULL, k,
                  u.user, "master", "reject", "KEY_BASE64", NULL);
    cJSON_Delete(k);

    k = vg_xs_key(u.user, "master", u.msk);
    {
        cJSON *keys = cJSON_GetObjectItem(k, "keys");
        cJSON_ReplaceItemInObjectCaseSensitive(keys, u.msk_id, cJSON_CreateNumber(1));
    }
    e |= key_case(f, "key-value-number", R("XS-001"), "the public key is a number", NULL, k,
                  u.user, "master", "reject", "KEY_VALUE_TYPE", NULL);
    cJSON_Delete(k);

    /* The catalog's TV-8 fixture keys (SyTest/Synapse seeds). */
    cJSON *ssk = cJSON_Parse(
        "{\"keys\":{\"ed25519:EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ\":"
        "\"EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ\"},\"usage\":[\"self_signing\"],"
        "\"user_id\":\"@alice:example.org\"}");
    e |= key_case(f, "key-tv8-ssk", R("XS-001", "XS-002"),
                  "the SyTest fixture self-signing key (catalog TV-8)",
                  MXT_VG_LIST("peer-vector:sytest"), ssk, "@alice:example.org", "self_signing",
                  "ok", NULL, "EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ");
    cJSON_Delete(ssk);
    return e;
}

/* ---- device_trust ----------------------------------------------------------------------------- */

typedef struct {
    vg_user    me, them;
    vg_device  my_current, my_other, their_dev;
    cJSON     *my_msk, *my_ssk, *my_usk, *their_msk, *their_ssk;
    cJSON     *my_other_keys, *their_dev_keys;
} world;

static void world_init(world *w, int variant)
{
    char me[64], them[64], tag[32];
    snprintf(me, sizeof me, "@alice%d:example.org", variant);
    snprintf(them, sizeof them, "@bob%d:example.org", variant);
    snprintf(tag, sizeof tag, "xs-%d", variant);
    vg_user_init(&w->me, me, tag);
    vg_user_init(&w->them, them, tag);
    vg_device_init(&w->my_current, me, "ALICECURRENT");
    vg_device_init(&w->my_other, me, "ALICEOTHER");
    vg_device_init(&w->their_dev, them, "BOBPHONE");
    w->my_msk = vg_master(&w->me);
    w->my_ssk = vg_self_signing(&w->me, 1);
    w->my_usk = vg_user_signing(&w->me, 1);
    w->their_msk = vg_master(&w->them);
    mxt_vg_sign(w->their_msk, w->me.user, w->me.usk_id, w->me.usk_sk);
    w->their_ssk = vg_self_signing(&w->them, 1);
    w->my_other_keys = vg_device_keys(&w->my_other, &w->me);
    w->their_dev_keys = vg_device_keys(&w->their_dev, &w->them);
}

static void world_free(world *w)
{
    cJSON_Delete(w->my_msk);
    cJSON_Delete(w->my_ssk);
    cJSON_Delete(w->my_usk);
    cJSON_Delete(w->their_msk);
    cJSON_Delete(w->their_ssk);
    cJSON_Delete(w->my_other_keys);
    cJSON_Delete(w->their_dev_keys);
}

static char *keys_query_text(const world *w)
{
    cJSON *kq = vg_keys_query();
    vg_kq_add_device(kq, w->me.user, w->my_current.device, vg_device_keys(&w->my_current, &w->me));
    if (w->my_other_keys)
        vg_kq_add_device(kq, w->me.user, w->my_other.device, cJSON_Duplicate(w->my_other_keys, 1));
    if (w->their_dev_keys)
        vg_kq_add_device(kq, w->them.user, w->their_dev.device,
                         cJSON_Duplicate(w->their_dev_keys, 1));
    if (w->my_msk) vg_kq_add_xs(kq, "master_keys", w->me.user, cJSON_Duplicate(w->my_msk, 1));
    if (w->my_ssk) vg_kq_add_xs(kq, "self_signing_keys", w->me.user, cJSON_Duplicate(w->my_ssk, 1));
    if (w->my_usk) vg_kq_add_xs(kq, "user_signing_keys", w->me.user, cJSON_Duplicate(w->my_usk, 1));
    if (w->their_msk) vg_kq_add_xs(kq, "master_keys", w->them.user, cJSON_Duplicate(w->their_msk, 1));
    if (w->their_ssk)
        vg_kq_add_xs(kq, "self_signing_keys", w->them.user, cJSON_Duplicate(w->their_ssk, 1));
    char *text = mxt_vg_canonical(kq);
    cJSON_Delete(kq);
    return text;
}

static int trust_case(mxt_vg_file *f, const world *w, const char *slug, const char *const *rules,
                      const char *comment, const char *const *flags, int master_verified,
                      int target_other_user, const char *result)
{
    cJSON *in = cJSON_CreateObject(), *local = cJSON_CreateObject(), *target = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", w->me.user);
    cJSON_AddStringToObject(in, "device_id", w->my_current.device);
    char *kq = keys_query_text(w);
    cJSON_AddStringToObject(in, "keys_query", kq);
    free(kq);
    cJSON_AddBoolToObject(local, "master_verified", master_verified);
    cJSON_AddItemToObject(in, "local", local);
    cJSON_AddStringToObject(target, "user_id", target_other_user ? w->them.user : w->me.user);
    cJSON_AddStringToObject(target, "device_id",
                            target_other_user ? w->their_dev.device : w->my_other.device);
    cJSON_AddItemToObject(in, "target", target);
    return mxt_vg_add(f, slug, rules, comment, flags, "device_trust", in,
                      mxt_vg_expect(result, NULL));
}

/* Replaces *slot with a fresh object made by `make` (used to drop or re-sign links). */
static void replace(cJSON **slot, cJSON *fresh)
{
    cJSON_Delete(*slot);
    *slot = fresh;
}

static int own_device(mxt_vg_file *f, int v)
{
    int e = 0;
    world w;
    char slug[96];
    const char *const *own = R("XS-007");
#define OWN(tag, comment, mv, result)                                                          \
    do {                                                                                       \
        snprintf(slug, sizeof slug, "own-%d-%s", v, tag);                                      \
        e |= trust_case(f, &w, slug, own, comment, NULL, mv, 0, result);                       \
    } while (0)

    world_init(&w, v);
    OWN("chain-ok", "own device: master verified, master signed SSK, SSK signed the device", 1,
        "trusted");
    OWN("master-unverified", "own device: every link valid but the own master key unverified", 0,
        "root_untrusted");
    world_free(&w);

    world_init(&w, v);
    replace(&w.my_ssk, vg_self_signing(&w.me, 0));
    OWN("ssk-not-signed", "own device: the SSK carries no master signature", 1, "not_signed");
    world_free(&w);

    world_init(&w, v);
    vg_flip_signature_bit(w.my_ssk, w.me.user, w.me.msk_id, 5);
    OWN("ssk-sig-bad", "own device: the master signature on the SSK is bad", 1, "tampered");
    OWN("ssk-sig-bad-master-unverified",
        "own device: a bad SSK signature is tampering even with an unverified master key", 0,
        "tampered");
    world_free(&w);

    world_init(&w, v);
    replace(&w.my_other_keys, vg_device_keys(&w.my_other, NULL));
    OWN("device-not-signed", "own device: the device is not signed by the SSK", 1, "not_signed");
    world_free(&w);

    world_init(&w, v);
    vg_flip_signature_bit(w.my_other_keys, w.me.user, w.me.ssk_id, 300);
    OWN("device-sig-bad", "own device: the SSK signature on the device is bad", 1, "tampered");
    world_free(&w);

    world_init(&w, v);
    cJSON_AddStringToObject(w.my_other_keys, "extra", "added after signing");
    OWN("device-changed-after-signing",
        "own device: a member added to the device keys after the SSK signed them", 1, "tampered");
    world_free(&w);

    world_init(&w, v);
    {
        cJSON *sigs = cJSON_GetObjectItem(w.my_other_keys, "signatures");
        cJSON *mine = cJSON_GetObjectItem(sigs, w.me.user);
        cJSON *s = cJSON_DetachItemFromObjectCaseSensitive(mine, w.me.ssk_id);
        cJSON *elsewhere = cJSON_AddObjectToObject(sigs, w.them.user);
        cJSON_AddItemToObject(elsewhere, w.me.ssk_id, s);
    }
    OWN("device-sig-under-other-user",
        "own device: the SSK signature filed under another user's ID does not count", 1,
        "not_signed");
    world_free(&w);

    world_init(&w, v);
    {
        cJSON *fresh = vg_xs_key(w.me.user, "user_signing", w.me.ssk);
        mxt_vg_sign(fresh, w.me.user, w.me.msk_id, w.me.msk_sk);
        replace(&w.my_ssk, fresh);
    }
    OWN("ssk-wrong-usage", "own device: the self-signing key object says user_signing", 1,
        "not_signed");
    world_free(&w);

    world_init(&w, v);
    replace(&w.my_ssk, NULL);
    OWN("ssk-absent", "own device: no self-signing key in the response", 1, "not_signed");
    world_free(&w);

    world_init(&w, v);
    {
        /* A new master key: the SSK still carries only the old master's signature. */
        vg_user fresh;
        vg_user_init(&fresh, w.me.user, "xs-rotated");
        replace(&w.my_msk, vg_master(&fresh));
    }
    OWN("master-rotated", "own device: the master key changed; the SSK is signed by the old one",
        1, "not_signed");
    world_free(&w);
#undef OWN
    return e;
}

static int other_device(mxt_vg_file *f, int v)
{
    int e = 0;
    world w;
    char slug[96];
    const char *const *oth = R("XS-006");
#define OTHER(tag, comment, mv, result)                                                        \
    do {                                                                                       \
        snprintf(slug, sizeof slug, "other-%d-%s", v, tag);                                    \
        e |= trust_case(f, &w, slug, oth, comment, NULL, mv, 1, result);                       \
    } while (0)

    world_init(&w, v);
    OTHER("chain-ok", "other user's device: all four links valid, own master verified", 1,
          "trusted");
    OTHER("master-unverified", "other user's device: all links valid, own master unverified", 0,
          "root_untrusted");
    world_free(&w);

    world_init(&w, v);
    replace(&w.my_usk, vg_user_signing(&w.me, 0));
    OTHER("usk-not-signed", "link 1 missing: own master did not sign own USK", 1, "not_signed");
    world_free(&w);
    world_init(&w, v);
    vg_flip_signature_bit(w.my_usk, w.me.user, w.me.msk_id, 9);
    OTHER("usk-sig-bad", "link 1 bad: own master's signature on own USK", 1, "tampered");
    world_free(&w);

    world_init(&w, v);
    replace(&w.their_msk, vg_master(&w.them));
    OTHER("their-master-not-signed", "link 2 missing: own USK did not sign their master key", 1,
          "not_signed");
    world_free(&w);
    world_init(&w, v);
    vg_flip_signature_bit(w.their_msk, w.me.user, w.me.usk_id, 77);
    OTHER("their-master-sig-bad", "link 2 bad: own USK's signature on their master key", 1,
          "tampered");
    world_free(&w);

    world_init(&w, v);
    replace(&w.their_ssk, vg_self_signing(&w.them, 0));
    OTHER("their-ssk-not-signed", "link 3 missing: their master did not sign their SSK", 1,
          "not_signed");
    world_free(&w);
    world_init(&w, v);
    vg_flip_signature_bit(w.their_ssk, w.them.user, w.them.msk_id, 200);
    OTHER("their-ssk-sig-bad", "link 3 bad: their master's signature on their SSK", 1,
          "tampered");
    world_free(&w);

    world_init(&w, v);
    replace(&w.their_dev_keys, vg_device_keys(&w.their_dev, NULL));
    OTHER("device-not-signed", "link 4 missing: their SSK did not sign the device", 1,
          "not_signed");
    world_free(&w);
    world_init(&w, v);
    vg_flip_signature_bit(w.their_dev_keys, w.them.user, w.them.ssk_id, 511);
    OTHER("device-sig-bad", "link 4 bad: their SSK's signature on the device", 1, "tampered");
    world_free(&w);

    world_init(&w, v);
    {
        /* Their master key signed by our MASTER key instead of our USK. */
        replace(&w.their_msk, vg_master(&w.them));
        mxt_vg_sign(w.their_msk, w.me.user, w.me.msk_id, w.me.msk_sk);
    }
    OTHER("their-master-signed-by-own-master",
          "their master key signed by the own master key, not the USK: not the chain", 1,
          "not_signed");
    world_free(&w);

    world_init(&w, v);
    {
        replace(&w.their_msk, vg_master(&w.them));
        mxt_vg_sign(w.their_msk, w.them.user, w.them.usk_id, w.them.usk_sk);
    }
    OTHER("their-master-signed-by-their-usk",
          "their master key signed by their own USK: only the viewer's USK counts", 1,
          "not_signed");
    world_free(&w);

    world_init(&w, v);
    {
        replace(&w.their_dev_keys, vg_device_keys(&w.their_dev, NULL));
        mxt_vg_sign(w.their_dev_keys, w.them.user, w.them.usk_id, w.them.usk_sk);
    }
    OTHER("device-signed-by-their-usk", "their device signed by their USK instead of their SSK",
          1, "not_signed");
    world_free(&w);

    world_init(&w, v);
    replace(&w.my_usk, NULL);
    OTHER("own-usk-absent", "the response has no user-signing key for the viewer", 1,
          "not_signed");
    world_free(&w);

    world_init(&w, v);
    vg_flip_signature_bit(w.their_dev_keys, w.them.user, w.them.ssk_id, 3);
    replace(&w.their_ssk, vg_self_signing(&w.them, 0));
    OTHER("missing-and-bad", "one link missing and another bad: tampering is reported", 0,
          "tampered");
    world_free(&w);
#undef OTHER
    return e;
}

int gen_xs(mxt_vg_file *f)
{
    int e = key_objects(f);
    /* Three independent identity sets, so an implementation cannot pass by remembering keys. */
    for (int v = 1; v <= 3; v++) {
        e |= own_device(f, v);
        e |= other_device(f, v);
    }
    e |= gen_client_xs(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
