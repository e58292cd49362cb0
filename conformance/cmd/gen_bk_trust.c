/*
 * BK-TRUST vectors: may a client trust a backup, and so upload keys to it?
 *
 * Each scenario is what a client really has: the backup from GET /room_keys/version (algorithm,
 * auth_data as the server returned it), the user's own identity and devices as /keys/query returns
 * them, and local facts no server knows: whether the user verified their own master key, which
 * devices they verified by hand, and any backup private key the client holds with where it came
 * from. Outcomes and reasons follow the rule's precedence: unknown algorithm; a valid signature by
 * the trusted own master key; by a verified own device (or this device); a private key from a
 * trusted source that matches; then the reasons for refusing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "gen_client.h"
#include "gen_ident.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)
#define V1 "m.megolm_backup.v1.curve25519-aes-sha2"

typedef struct {
    vg_user   me, bob;
    vg_device current, other, laptop, gone;
    uint8_t   bpk[32], bsk[32], wrong_pk[32], wrong_sk[32];
    char     *bpk64;
} scene;

static void scene_init(scene *s, int v)
{
    char me[64], bob[64], tag[32], name[64];
    snprintf(me, sizeof me, "@alice%d:example.org", v);
    snprintf(bob, sizeof bob, "@bob%d:example.org", v);
    snprintf(tag, sizeof tag, "bkt-%d", v);
    vg_user_init(&s->me, me, tag);
    vg_user_init(&s->bob, bob, tag);
    vg_device_init(&s->current, me, "ALICECURRENT");
    vg_device_init(&s->other, me, "ALICEOTHER");   /* cross-signed by the SSK */
    vg_device_init(&s->laptop, me, "ALICELAPTOP"); /* not cross-signed */
    vg_device_init(&s->gone, me, "ALICEGONE");     /* deleted: absent from /keys/query */
    snprintf(name, sizeof name, "%s:backup", tag);
    mxt_vg_x25519(name, s->bpk, s->bsk);
    snprintf(name, sizeof name, "%s:other-backup", tag);
    mxt_vg_x25519(name, s->wrong_pk, s->wrong_sk);
    s->bpk64 = mxt_vg_b64(s->bpk, 32);
}

static void scene_free(scene *s) { free(s->bpk64); }

/* /keys/query for the own user; `ssk_bad` corrupts the SSK's signature on ALICEOTHER. */
static char *own_keys_query(const scene *s, int ssk_signature_on_other_bad)
{
    cJSON *kq = vg_keys_query();
    vg_kq_add_device(kq, s->me.user, s->current.device, vg_device_keys(&s->current, &s->me));
    cJSON *other = vg_device_keys(&s->other, &s->me);
    if (ssk_signature_on_other_bad)
        vg_flip_signature_bit(other, s->me.user, s->me.ssk_id, 42);
    vg_kq_add_device(kq, s->me.user, s->other.device, other);
    vg_kq_add_device(kq, s->me.user, s->laptop.device, vg_device_keys(&s->laptop, NULL));
    vg_kq_add_xs(kq, "master_keys", s->me.user, vg_master(&s->me));
    vg_kq_add_xs(kq, "self_signing_keys", s->me.user, vg_self_signing(&s->me, 1));
    vg_kq_add_xs(kq, "user_signing_keys", s->me.user, vg_user_signing(&s->me, 1));
    vg_kq_add_xs(kq, "master_keys", s->bob.user, vg_master(&s->bob));
    vg_kq_add_xs(kq, "self_signing_keys", s->bob.user, vg_self_signing(&s->bob, 1));
    char *text = mxt_vg_canonical(kq);
    cJSON_Delete(kq);
    return text;
}

/* Signers of auth_data. */
enum {
    S_MASTER = 1, S_CURRENT = 2, S_OTHER = 4, S_LAPTOP = 8, S_GONE = 16, S_BOB_MASTER = 32,
    S_CURRENT_UNDER_BOB = 64
};

static cJSON *auth_data(const scene *s, unsigned signers, const char *public_key)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", public_key ? public_key : s->bpk64);
    if (signers & S_MASTER) mxt_vg_sign(a, s->me.user, s->me.msk_id, s->me.msk_sk);
    if (signers & S_CURRENT) mxt_vg_sign(a, s->me.user, s->current.ed_id, s->current.ed_sk);
    if (signers & S_OTHER) mxt_vg_sign(a, s->me.user, s->other.ed_id, s->other.ed_sk);
    if (signers & S_LAPTOP) mxt_vg_sign(a, s->me.user, s->laptop.ed_id, s->laptop.ed_sk);
    if (signers & S_GONE) mxt_vg_sign(a, s->me.user, s->gone.ed_id, s->gone.ed_sk);
    if (signers & S_BOB_MASTER) mxt_vg_sign(a, s->bob.user, s->bob.msk_id, s->bob.msk_sk);
    if (signers & S_CURRENT_UNDER_BOB)
        mxt_vg_sign(a, s->bob.user, s->current.ed_id, s->current.ed_sk);
    return a;
}

typedef struct {
    int         master_verified;
    const char *verified_devices; /* one device ID or NULL */
    const char *key_source;       /* NULL: no private key held */
    int         key_matches;
    const char *algorithm;
    int         ssk_bad_on_other;
} local_facts;

static int emit(mxt_vg_file *f, const scene *s, int v, const char *slug,
                const char *const *rules, const char *comment, const char *const *flags,
                cJSON *auth, const local_facts *lf, const char *result, const char *reason)
{
    cJSON *in = cJSON_CreateObject(), *local = cJSON_CreateObject(), *backup = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", s->me.user);
    cJSON_AddStringToObject(in, "device_id", s->current.device);
    char *kq = own_keys_query(s, lf->ssk_bad_on_other);
    cJSON_AddStringToObject(in, "keys_query", kq);
    free(kq);
    cJSON_AddBoolToObject(local, "master_verified", lf->master_verified);
    cJSON *vd = cJSON_AddArrayToObject(local, "verified_devices");
    if (lf->verified_devices)
        cJSON_AddItemToArray(vd, cJSON_CreateString(lf->verified_devices));
    if (lf->key_source) {
        cJSON *pk = cJSON_AddObjectToObject(local, "private_key");
        char *k = mxt_vg_b64(lf->key_matches ? s->bsk : s->wrong_sk, 32);
        cJSON_AddStringToObject(pk, "key", k);
        free(k);
        cJSON_AddStringToObject(pk, "source", lf->key_source);
    } else {
        cJSON_AddNullToObject(local, "private_key");
    }
    cJSON_AddItemToObject(in, "local", local);
    cJSON_AddStringToObject(backup, "algorithm", lf->algorithm ? lf->algorithm : V1);
    char *text = mxt_vg_canonical(auth);
    cJSON_AddStringToObject(backup, "auth_data", text);
    free(text);
    cJSON_Delete(auth);
    cJSON_AddItemToObject(in, "backup", backup);
    char full[128];
    snprintf(full, sizeof full, "%d-%s", v, slug);
    return mxt_vg_add(f, full, rules, comment, flags, "backup_trust", in,
                      mxt_vg_expect(result, reason));
}

/* Cells where deployed clients decide otherwise (BK-TRUST-012). */
#define SIG_ONLY MXT_VG_LIST("divergence:matrix-sdk-uploads-only-on-key-match")
#define KEY_ONLY MXT_VG_LIST("divergence:js-sdk-legacy-signature-only")

static int scenarios(mxt_vg_file *f, int v)
{
    scene s;
    scene_init(&s, v);
    int e = 0;
    local_facts verified = {1, NULL, NULL, 0, NULL, 0};
    local_facts unverified = {0, NULL, NULL, 0, NULL, 0};

    /* Also the contrast case of BK-TRUST-001 (trust established: keys may be stored) and of
     * BK-TRUST-008 / BK-FMT-013 (the exact v1 algorithm name, same signature and facts as
     * legacy-algorithm-name below). */
    e |= emit(f, &s, v, "master-signed-verified",
              R("BK-TRUST-002", "BK-TRUST-012", "BK-TRUST-001", "BK-TRUST-008", "BK-FMT-013"),
              "auth_data (algorithm exactly " V1 ") signed by the own master key, which the user "
              "verified: trusted, keys may be stored", SIG_ONLY,
              auth_data(&s, S_MASTER, NULL), &verified, "trusted", "TRUSTED_MASTER_SIGNATURE");
    e |= emit(f, &s, v, "master-signed-unverified", R("BK-TRUST-002"),
              "signed by the own master key, but the user has not verified it", NULL,
              auth_data(&s, S_MASTER, NULL), &unverified, "untrusted",
              "UNTRUSTED_MASTER_KEY_NOT_TRUSTED");
    /* The contrast of BK-TRUST-005's own-device-sig-under-other-user: the same device's
     * signature, filed under the own user ID, counts. */
    e |= emit(f, &s, v, "current-device-signed", R("BK-TRUST-003", "BK-TRUST-005"),
              "signed by this very device, filed under the own user ID", SIG_ONLY, auth_data(&s, S_CURRENT, NULL), &unverified,
              "trusted", "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    e |= emit(f, &s, v, "cross-signed-device-master-verified",
              R("BK-TRUST-003", "XS-007", "BK-TRUST-005"),
              "signed by another own device the client knows and the verified identity "
              "cross-signed (contrast of deleted-device)", SIG_ONLY,
              auth_data(&s, S_OTHER, NULL), &verified, "trusted",
              "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    e |= emit(f, &s, v, "cross-signed-device-master-unverified", R("BK-TRUST-003"),
              "signed by a cross-signed own device, but the identity is not verified", NULL,
              auth_data(&s, S_OTHER, NULL), &unverified, "untrusted",
              "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    {
        local_facts lf = {1, NULL, NULL, 0, NULL, 1};
        e |= emit(f, &s, v, "cross-signing-of-device-tampered", R("BK-TRUST-003", "XS-007"),
                  "signed by ALICEOTHER, whose self-signing signature is bad: not verified",
                  NULL, auth_data(&s, S_OTHER, NULL), &lf, "untrusted",
                  "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    }
    {
        local_facts lf = {0, "ALICELAPTOP", NULL, 0, NULL, 0};
        e |= emit(f, &s, v, "locally-verified-device", R("BK-TRUST-003"),
                  "signed by an own device the user verified by hand (not cross-signed)",
                  SIG_ONLY, auth_data(&s, S_LAPTOP, NULL), &lf, "trusted",
                  "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    }
    e |= emit(f, &s, v, "unverified-device", R("BK-TRUST-003", "BK-TRUST-005"),
              "signed by an own device that is neither cross-signed nor verified", NULL,
              auth_data(&s, S_LAPTOP, NULL), &verified, "untrusted",
              "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    e |= emit(f, &s, v, "deleted-device", R("BK-TRUST-005", "BK-TRUST-007"),
              "signed only by a device that no longer exists", NULL, auth_data(&s, S_GONE, NULL),
              &verified, "untrusted", "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    e |= emit(f, &s, v, "deleted-device-and-master", R("BK-TRUST-007", "BK-TRUST-002"),
              "the creating device is gone, the master signature still establishes trust",
              SIG_ONLY, auth_data(&s, S_GONE | S_MASTER, NULL), &verified, "trusted",
              "TRUSTED_MASTER_SIGNATURE");
    e |= emit(f, &s, v, "other-users-master", R("BK-TRUST-005"),
              "signed by another user's master key: never counts", NULL,
              auth_data(&s, S_BOB_MASTER, NULL), &verified, "untrusted",
              "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    e |= emit(f, &s, v, "own-device-sig-under-other-user", R("BK-TRUST-005", "SIG-007"),
              "this device's signature filed under another user's ID does not count", NULL,
              auth_data(&s, S_CURRENT_UNDER_BOB, NULL), &verified, "untrusted",
              "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    {
        cJSON *a = auth_data(&s, S_MASTER, NULL);
        vg_flip_signature_bit(a, s.me.user, s.me.msk_id, 17);
        e |= emit(f, &s, v, "master-signature-bad", R("BK-TRUST-006"),
                  "the master signature is present but invalid", NULL, a, &verified,
                  "untrusted", "UNTRUSTED_NO_TRUSTED_SIGNATURE");
        a = auth_data(&s, S_MASTER | S_CURRENT, NULL);
        vg_flip_signature_bit(a, s.me.user, s.me.msk_id, 17);
        e |= emit(f, &s, v, "bad-master-and-good-device", R("BK-TRUST-006", "BK-TRUST-003"),
                  "an invalid master signature next to a valid signature by this device: the "
                  "valid one decides (the spec is silent; rust-sdk agrees)",
                  MXT_VG_LIST("spec-ambiguity"), a, &verified, "trusted",
                  "TRUSTED_VERIFIED_DEVICE_SIGNATURE");
    }
    {
        /* Signed, then the public key swapped: the signature no longer covers it. */
        cJSON *a = auth_data(&s, S_MASTER, NULL);
        char *other = mxt_vg_b64(s.wrong_pk, 32);
        cJSON_ReplaceItemInObjectCaseSensitive(a, "public_key", cJSON_CreateString(other));
        free(other);
        e |= emit(f, &s, v, "public-key-swapped", R("BK-TRUST-006", "SIG-005"),
                  "auth_data.public_key replaced after the master key signed it", NULL, a,
                  &verified, "untrusted", "UNTRUSTED_NO_TRUSTED_SIGNATURE");
        a = auth_data(&s, S_MASTER, NULL);
        cJSON_AddStringToObject(a, "org.example.note", "added in the signed part");
        e |= emit(f, &s, v, "member-added-signed-part", R("SIG-004", "BK-TRUST-006", "BK-FMT-002"),
                  "a member added to auth_data after signing breaks the master signature", NULL,
                  a, &verified, "untrusted", "UNTRUSTED_NO_TRUSTED_SIGNATURE");
        a = auth_data(&s, S_MASTER, NULL);
        cJSON *u = cJSON_AddObjectToObject(a, "unsigned");
        cJSON_AddStringToObject(u, "note", "added outside the signed part");
        e |= emit(f, &s, v, "member-added-unsigned", R("SIG-005", "BK-TRUST-002", "BK-FMT-002"),
                  "a member added under unsigned leaves the master signature valid", SIG_ONLY, a,
                  &verified, "trusted", "TRUSTED_MASTER_SIGNATURE");
    }
    static const struct { const char *src; int match; const char *result, *reason, *slug; } keys[] = {
        {"user_entered", 1, "trusted", "TRUSTED_PRIVATE_KEY_MATCH", "key-user-entered"},
        {"secret_storage", 1, "trusted", "TRUSTED_PRIVATE_KEY_MATCH", "key-secret-storage"},
        {"secret_sharing_verified_device", 1, "trusted", "TRUSTED_PRIVATE_KEY_MATCH",
         "key-shared-by-verified-device"},
        {"secret_sharing_unverified_device", 1, "untrusted", "UNTRUSTED_PRIVATE_KEY_SOURCE",
         "key-shared-by-unverified-device"},
        {"unknown", 1, "untrusted", "UNTRUSTED_PRIVATE_KEY_SOURCE", "key-unknown-source"},
        {"user_entered", 0, "untrusted", "UNTRUSTED_PRIVATE_KEY_MISMATCH", "key-user-entered-wrong"},
        {"secret_storage", 0, "untrusted", "UNTRUSTED_PRIVATE_KEY_MISMATCH", "key-secret-storage-wrong"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        local_facts lf = {0, NULL, keys[i].src, keys[i].match, NULL, 0};
        char comment[160];
        snprintf(comment, sizeof comment, "unsigned auth_data; private key from %s, %s", keys[i].src,
                 keys[i].match ? "matching auth_data.public_key" : "for another public key");
        e |= emit(f, &s, v, keys[i].slug,
                  strstr(keys[i].src, "sharing") ? R("BK-TRUST-004", "BK-TRUST-011", "BK-FMT-012")
                                                 : R("BK-TRUST-004", "BK-TRUST-012", "BK-FMT-012"),
                  comment,
                  strcmp(keys[i].result, "trusted") == 0 ? KEY_ONLY : NULL,
                  auth_data(&s, 0, NULL), &lf, keys[i].result, keys[i].reason);
    }
    {
        local_facts lf = {0, NULL, "user_entered", 1, NULL, 0};
        e |= emit(f, &s, v, "untrusted-master-but-key-matches", R("BK-TRUST-004", "BK-TRUST-002"),
                  "signed by an unverified master key, and the user entered the matching key",
                  NULL, auth_data(&s, S_MASTER, NULL), &lf, "trusted", "TRUSTED_PRIVATE_KEY_MATCH");
    }
    {
        local_facts lf = {1, NULL, NULL, 0, "m.megolm_backup.v1", 0};
        e |= emit(f, &s, v, "legacy-algorithm-name", R("BK-TRUST-008", "BK-FMT-013"),
                  "algorithm m.megolm_backup.v1 (used by SyTest fixtures) is not a known algorithm",
                  NULL, auth_data(&s, S_MASTER, NULL), &lf, "untrusted",
                  "UNTRUSTED_UNKNOWN_ALGORITHM");
        lf.algorithm = "org.example.unknown";
        e |= emit(f, &s, v, "unknown-algorithm", R("BK-TRUST-008"),
                  "an unknown algorithm is never trusted, whatever signed it", NULL,
                  auth_data(&s, S_MASTER | S_CURRENT, NULL), &lf, "untrusted",
                  "UNTRUSTED_UNKNOWN_ALGORITHM");
    }
    e |= emit(f, &s, v, "unsigned-no-key", R("BK-TRUST-001", "BK-TRUST-005"),
              "no signature, no private key: never trusted", NULL, auth_data(&s, 0, NULL),
              &verified, "untrusted", "UNTRUSTED_NO_TRUSTED_SIGNATURE");
    scene_free(&s);
    return e;
}

int gen_bk_trust(mxt_vg_file *f)
{
    int e = 0;
    for (int v = 1; v <= 3; v++)
        e |= scenarios(f, v);
    e |= gen_client_bk_trust(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
