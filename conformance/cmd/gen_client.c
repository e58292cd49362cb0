/*
 * Vectors for the client-side decisions (conformance/OPS.md "Client decisions"; core/client_flow.h),
 * one function per family, each called at the end of that family's generator so the vectors land
 * in the family's own file. Expected outcomes are stated from the rules, never computed by the core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "gen.h"
#include "gen_client.h"
#include "gen_ident.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)
#define FL(...) MXT_VG_LIST(__VA_ARGS__)

static cJSON *outcome(const char *result, const char *reason, cJSON *output)
{
    cJSON *e = mxt_vg_expect(result, reason);
    if (output)
        cJSON_AddItemToObject(e, "output", output);
    return e;
}

static char *text_of(cJSON *v)
{
    char *t = mxt_vg_canonical(v);
    if (!t)
        abort(); /* generator bug: a non-integer number */
    return t;
}

/* Adds member `name` holding the canonical text of `v` (v is freed). */
static void add_text(cJSON *in, const char *name, cJSON *v)
{
    char *t = text_of(v);
    cJSON_AddStringToObject(in, name, t);
    free(t);
    cJSON_Delete(v);
}

/* ---- SIG: SIG-008 (verify_user_allowed), SIG-009 (ed25519 strictness) ------------------------ */

/* A device keys object whose device ID is `device_id` (any length), self-signed. */
static cJSON *raw_device(const char *user, const char *device_id, const char *seed_name)
{
    uint8_t pk[32], sk[64];
    mxt_vg_ed25519(seed_name, pk, sk);
    char *ed = mxt_vg_b64(pk, 32), id[96];
    cJSON *k = cJSON_CreateObject(), *alg = cJSON_AddArrayToObject(k, "algorithms");
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.olm.v1.curve25519-aes-sha2"));
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.megolm.v1.aes-sha2"));
    cJSON_AddStringToObject(k, "device_id", device_id);
    cJSON *keys = cJSON_AddObjectToObject(k, "keys");
    snprintf(id, sizeof id, "ed25519:%s", device_id);
    cJSON_AddStringToObject(keys, id, ed);
    cJSON_AddStringToObject(k, "user_id", user);
    mxt_vg_sign(k, user, id, sk);
    free(ed);
    return k;
}

static int sig008(mxt_vg_file *f)
{
    vg_user u, v;
    vg_user_init(&u, "@alice:example.org", "sig008");
    vg_user_init(&v, "@bob:example.org", "sig008");
    vg_device da, db;
    vg_device_init(&da, u.user, "ALICEPHONE");
    vg_device_init(&db, v.user, "BOBLAPTOP");
    const char *const which[] = {"master", "self_signing", "user_signing"};
    const char *const members[] = {"master_keys", "self_signing_keys", "user_signing_keys"};
    const char *const pks[] = {u.msk, u.ssk, u.usk};
    int e = 0;
    for (int w = -1; w < 3; w++) {
        cJSON *kq = vg_keys_query();
        vg_kq_add_device(kq, u.user, da.device, vg_device_keys(&da, &u));
        if (w >= 0)
            vg_kq_add_device(kq, u.user, pks[w], raw_device(u.user, pks[w], "sig008:evil"));
        vg_kq_add_xs(kq, "master_keys", u.user, vg_master(&u));
        vg_kq_add_xs(kq, "self_signing_keys", u.user, vg_self_signing(&u, 1));
        vg_kq_add_xs(kq, "user_signing_keys", u.user, vg_user_signing(&u, 1));
        vg_kq_add_device(kq, v.user, db.device, vg_device_keys(&db, NULL));
        cJSON *in = cJSON_CreateObject();
        add_text(in, "keys_query", kq);
        cJSON_AddStringToObject(in, "user_id", u.user);
        char slug[64], comment[200];
        if (w < 0) {
            e |= mxt_vg_add(f, "verify-user-distinct-ids", R("SIG-008"),
                            "no device ID equals a cross-signing public key: verification may proceed",
                            NULL, "verify_user_allowed", in, mxt_vg_expect("proceed", NULL));
            continue;
        }
        snprintf(slug, sizeof slug, "verify-user-device-is-%s", which[w]);
        snprintf(comment, sizeof comment,
                 "a device whose ID is the user's %s public key (same key ID ed25519:<id>): refuse",
                 which[w]);
        (void)members;
        e |= mxt_vg_add(f, slug, R("SIG-008"), comment, NULL, "verify_user_allowed", in,
                        mxt_vg_expect("refuse", "DEVICE_ID_IS_CROSS_SIGNING_KEY"));
    }
    /* The collision is per user: another user's device named like Alice's master key is no
     * reason to refuse verifying Alice. */
    cJSON *kq = vg_keys_query();
    vg_kq_add_device(kq, u.user, da.device, vg_device_keys(&da, &u));
    vg_kq_add_device(kq, v.user, u.msk, raw_device(v.user, u.msk, "sig008:bob-odd"));
    vg_kq_add_xs(kq, "master_keys", u.user, vg_master(&u));
    vg_kq_add_xs(kq, "self_signing_keys", u.user, vg_self_signing(&u, 1));
    cJSON *in = cJSON_CreateObject();
    add_text(in, "keys_query", kq);
    cJSON_AddStringToObject(in, "user_id", u.user);
    e |= mxt_vg_add(f, "verify-user-other-users-device", R("SIG-008"),
                    "another user's device ID equals this user's master key: not this user's "
                    "namespace, verification may proceed",
                    NULL, "verify_user_allowed", in, mxt_vg_expect("proceed", NULL));
    /* A device ID that differs from the master key in one character only. */
    char near[48];
    snprintf(near, sizeof near, "%s", u.msk);
    near[0] = near[0] == 'A' ? 'B' : 'A';
    kq = vg_keys_query();
    vg_kq_add_device(kq, u.user, near, raw_device(u.user, near, "sig008:near"));
    vg_kq_add_xs(kq, "master_keys", u.user, vg_master(&u));
    in = cJSON_CreateObject();
    add_text(in, "keys_query", kq);
    cJSON_AddStringToObject(in, "user_id", u.user);
    e |= mxt_vg_add(f, "verify-user-near-collision", R("SIG-008"),
                    "a device ID one character away from the master key: distinct, proceed", NULL,
                    "verify_user_allowed", in, mxt_vg_expect("proceed", NULL));
    return e;
}

/* SIG-008, second half: a verification is fixed to the keys it started with. */
static cJSON *alice_kq(const vg_user *u, const vg_user *ssk_owner, cJSON *device)
{
    cJSON *kq = vg_keys_query();
    if (device)
        vg_kq_add_device(kq, u->user, "ALICEPHONE", device);
    vg_kq_add_xs(kq, "master_keys", u->user, vg_master(u));
    vg_kq_add_xs(kq, "self_signing_keys", u->user, vg_self_signing(ssk_owner, 1));
    return kq;
}

static int fixed_case(mxt_vg_file *f, const char *slug, const char *comment, const char *device,
                      cJSON *start, cJSON *now, const char *result, const char *reason)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", "@alice:example.org");
    if (device)
        cJSON_AddStringToObject(in, "device_id", device);
    add_text(in, "keys_at_start", start);
    add_text(in, "keys_now", now);
    return mxt_vg_add(f, slug, R("SIG-008"), comment, NULL, "verification_key_fixed", in,
                      mxt_vg_expect(result, reason));
}

static int sig008_fixed(mxt_vg_file *f)
{
    vg_user u, u2;
    vg_user_init(&u, "@alice:example.org", "sig008");
    vg_user_init(&u2, "@alice:example.org", "sig008-replaced");
    vg_device da;
    vg_device_init(&da, u.user, "ALICEPHONE");
    int e = 0;
    e |= fixed_case(f, "fixed-master-same", "verifying Alice: her master key is the same at the "
                    "end as at the start: mark it verified", NULL,
                    alice_kq(&u, &u, vg_device_keys(&da, &u)), alice_kq(&u, &u, vg_device_keys(&da, &u)),
                    "mark_verified", NULL);
    e |= fixed_case(f, "fixed-master-other-ssk", "verifying Alice: the master key is unchanged, "
                    "her self-signing key changed meanwhile: the master key is what was verified",
                    NULL, alice_kq(&u, &u, NULL), alice_kq(&u, &u2, NULL), "mark_verified", NULL);
    e |= fixed_case(f, "fixed-master-replaced", "verifying Alice: a new master key was published "
                    "while the verification ran: abort (keys are fixed when it starts)", NULL,
                    alice_kq(&u, &u, NULL), alice_kq(&u2, &u2, NULL), "abort", "KEY_CHANGED");
    cJSON *gone = vg_keys_query();
    vg_kq_add_device(gone, u.user, "ALICEPHONE", vg_device_keys(&da, &u));
    e |= fixed_case(f, "fixed-master-gone", "verifying Alice: her master key is no longer "
                    "published at the end: abort", NULL, alice_kq(&u, &u, NULL), gone, "abort",
                    "KEY_GONE");
    e |= fixed_case(f, "fixed-device-same", "verifying ALICEPHONE: the same ed25519 key at the "
                    "end: mark it verified", "ALICEPHONE", alice_kq(&u, &u, vg_device_keys(&da, &u)),
                    alice_kq(&u, &u, vg_device_keys(&da, &u)), "mark_verified", NULL);
    e |= fixed_case(f, "fixed-device-rekeyed", "verifying ALICEPHONE: the device ID now carries "
                    "another ed25519 key (an ID is not an identity): abort", "ALICEPHONE",
                    alice_kq(&u, &u, vg_device_keys(&da, &u)),
                    alice_kq(&u, &u, raw_device(u.user, "ALICEPHONE", "sig008:rekeyed")), "abort",
                    "KEY_CHANGED");
    e |= fixed_case(f, "fixed-device-deleted", "verifying ALICEPHONE: the device was deleted "
                    "meanwhile: abort", "ALICEPHONE", alice_kq(&u, &u, vg_device_keys(&da, &u)),
                    alice_kq(&u, &u, NULL), "abort", "KEY_GONE");
    return e;
}

/* ed25519 group order L, little-endian. */
static const uint8_t ED_L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0x10};

static cJSON *either_valid_or_invalid(void)
{
    cJSON *e = cJSON_CreateObject(), *a = cJSON_AddArrayToObject(e, "any_of");
    cJSON_AddItemToArray(a, mxt_vg_expect("valid", NULL));
    cJSON_AddItemToArray(a, mxt_vg_expect("invalid", NULL));
    return e;
}

/* One strictness case: `obj` carries signature `sig` by key `pk`; the expected outcome is either
 * word (the spec does not decide), and flag libsodium:<verdict> records what libsodium says. */
static int strict_case(mxt_vg_file *f, const char *slug, const char *comment, const char *user,
                       const uint8_t pk[32], const uint8_t sig[64], int either)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "purpose", "ed25519 strictness");
    cJSON_AddStringToObject(o, "user_id", user);
    char *pkb = mxt_vg_b64(pk, 32), key_id[64];
    snprintf(key_id, sizeof key_id, "ed25519:%s", "STRICT");
    char *msg = mxt_vg_signing_bytes(o);
    int libsodium_ok = crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) == 0;
    free(msg);
    char *sb = mxt_vg_b64(sig, 64);
    cJSON *sigs = cJSON_AddObjectToObject(o, "signatures");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(sigs, user), key_id, sb);
    free(sb);
    cJSON *in = cJSON_CreateObject();
    add_text(in, "json", o);
    cJSON_AddStringToObject(in, "user", user);
    cJSON_AddStringToObject(in, "key_id", key_id);
    cJSON_AddStringToObject(in, "public_key", pkb);
    free(pkb);
    const char *lib = libsodium_ok ? "libsodium:valid" : "libsodium:invalid";
    cJSON *exp;
    if (either)
        exp = either_valid_or_invalid();
    else
        exp = mxt_vg_expect(libsodium_ok ? "valid" : "invalid", NULL);
    return mxt_vg_add(f, slug, R("SIG-009"), comment, FL("ed25519-strictness", lib), "verify_json",
                      in, exp);
}

static int sig009(mxt_vg_file *f)
{
    const char *user = "@strict:example.org";
    uint8_t pk[32], sk[64], sig[64];
    mxt_vg_ed25519("sig009:signer", pk, sk);
    int e = 0;
    /* The signing bytes of the object every case signs. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "purpose", "ed25519 strictness");
    cJSON_AddStringToObject(o, "user_id", user);
    char *msg = mxt_vg_signing_bytes(o);
    cJSON_Delete(o);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    free(msg);

    /* Controls every verifier agrees on (they must be decided, so they are not "either"). */
    e |= strict_case(f, "ed25519-canonical", "a canonical signature: valid for every verifier",
                     user, pk, sig, 0);
    uint8_t bad[64];
    memcpy(bad, sig, 64);
    bad[40] ^= 0x01;
    e |= strict_case(f, "ed25519-wrong-s", "S changed in one bit: invalid for every verifier",
                     user, pk, bad, 0);

    /* S + L: the same scalar mod L, not reduced. Strict verifiers refuse it, lax ones accept. */
    uint8_t s2[64];
    memcpy(s2, sig, 64);
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned t = (unsigned)s2[32 + i] + ED_L[i] + carry;
        s2[32 + i] = (uint8_t)t;
        carry = t >> 8;
    }
    if (s2[63] & 0xe0) /* S + L must stay below 2^253 for the case to mean what it says */
        abort();
    e |= strict_case(f, "ed25519-s-plus-l",
                     "S replaced by S + L (non-canonical scalar): the spec does not say; reported, "
                     "either verdict conforms",
                     user, pk, s2, 1);

    /* Small-order public key (the identity point) with R = identity and S = 0: satisfies the
     * cofactorless equation for every message. */
    uint8_t id_pk[32] = {1}, id_sig[64] = {1};
    e |= strict_case(f, "ed25519-small-order-key",
                     "public key and R the identity point, S = 0: verifies under the plain "
                     "equation, refused by verifiers that reject small-order keys; either conforms",
                     user, id_pk, id_sig, 1);

    /* The identity point encoded non-canonically (y = p + 1) as public key and R, S = 0. */
    uint8_t nc[32];
    memset(nc, 0xff, 32);
    nc[0] = 0xee;
    nc[31] = 0x7f;
    uint8_t nc_sig[64] = {0};
    memcpy(nc_sig, nc, 32);
    e |= strict_case(f, "ed25519-non-canonical-key",
                     "public key and R the identity point with y = p + 1 (non-canonical "
                     "encoding), S = 0: either verdict conforms",
                     user, nc, nc_sig, 1);

    /* A mixed-order R: the real R plus a point of order 2 changes nothing for cofactored checks
     * only when the key is small order; here we only flip R's sign bit (another point). */
    memcpy(bad, sig, 64);
    bad[31] ^= 0x80;
    e |= strict_case(f, "ed25519-r-negated", "R replaced by its negation: invalid for every verifier",
                     user, pk, bad, 0);
    return e;
}

int gen_client_sig(mxt_vg_file *f)
{
    return sig008(f) | sig008_fixed(f) | sig009(f);
}

/* ---- XS-016 ---------------------------------------------------------------------------------- */

/* One XS-016 scenario: Bob's /keys/query entry as `kq`, the viewer's local facts. */
static int migrate_case(mxt_vg_file *f, const char *slug, const char *comment, cJSON *kq,
                        const char *const *verified, int first, int confirmed, const char *result,
                        const char *reason)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", "@alice:example.org");
    add_text(in, "keys_query", kq);
    cJSON *local = cJSON_AddObjectToObject(in, "local");
    cJSON *v = cJSON_AddArrayToObject(local, "verified_devices");
    for (size_t i = 0; verified && verified[i]; i++)
        cJSON_AddItemToArray(v, cJSON_CreateString(verified[i]));
    cJSON_AddBoolToObject(local, "first_master_key", first);
    if (confirmed >= 0)
        cJSON_AddBoolToObject(local, "user_confirmed", confirmed);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(in, "target"), "user_id", "@bob:example.org");
    return mxt_vg_add(f, slug, R("XS-016"), comment, NULL, "master_key_from_device", in,
                      mxt_vg_expect(result, reason));
}

/* Bob's keys: master (signed by the devices in `signers`, one signature bit-flipped when
 * `flip`), self-signing key, and devices BOBPHONE and BOBTABLET (BOBTABLET left out when
 * `no_tablet`). */
static cJSON *bob_keys(const vg_user *b, const vg_device *phone, const vg_device *tablet,
                       int by_phone, int by_tablet, int flip, int no_tablet, const char *usage)
{
    cJSON *kq = vg_keys_query();
    cJSON *m = usage ? vg_xs_key(b->user, usage, b->msk) : vg_master(b);
    if (by_phone)
        mxt_vg_sign(m, b->user, phone->ed_id, phone->ed_sk);
    if (by_tablet)
        mxt_vg_sign(m, b->user, tablet->ed_id, tablet->ed_sk);
    if (flip)
        vg_flip_signature_bit(m, b->user, phone->ed_id, 5);
    vg_kq_add_xs(kq, "master_keys", b->user, m);
    vg_kq_add_xs(kq, "self_signing_keys", b->user, vg_self_signing(b, 1));
    vg_kq_add_device(kq, b->user, phone->device, vg_device_keys(phone, b));
    if (!no_tablet)
        vg_kq_add_device(kq, b->user, tablet->device, vg_device_keys(tablet, b));
    return kq;
}

int gen_client_xs(mxt_vg_file *f)
{
    vg_user b;
    vg_user_init(&b, "@bob:example.org", "xs016");
    vg_device phone, tablet;
    vg_device_init(&phone, b.user, "BOBPHONE");
    vg_device_init(&tablet, b.user, "BOBTABLET");
    const char *const *PHONE = MXT_VG_LIST("BOBPHONE");
    int e = 0;
    e |= migrate_case(f, "migrate-first-master-key",
                      "Bob's master key carries a valid signature by BOBPHONE, which Alice verified, "
                      "and it is the first master key Alice sees for Bob: trusted",
                      bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, NULL), PHONE, 1, -1, "trusted",
                      "FIRST_MASTER_KEY");
    e |= migrate_case(f, "migrate-later-master-key",
                      "the same, but Alice saw another master key for Bob before (a stolen device "
                      "could have made this one): ask the user first",
                      bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, NULL), PHONE, 0, 0, "ask_user",
                      "MASTER_KEY_CHANGED");
    e |= migrate_case(f, "migrate-later-confirmed",
                      "a later master key signed by the verified BOBPHONE, and the user confirmed: "
                      "trusted", bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, NULL), PHONE, 0, 1,
                      "trusted", "USER_CONFIRMED");
    e |= migrate_case(f, "migrate-later-confirmed-absent",
                      "a later master key, user_confirmed absent (defaults to false): ask the user",
                      bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, NULL), PHONE, 0, -1, "ask_user",
                      "MASTER_KEY_CHANGED");
    e |= migrate_case(f, "migrate-signed-by-unverified",
                      "the master key is signed by BOBTABLET only, which Alice never verified: "
                      "nothing to migrate", bob_keys(&b, &phone, &tablet, 0, 1, 0, 0, NULL), PHONE,
                      1, -1, "untrusted", "NO_VERIFIED_DEVICE_SIGNATURE");
    e |= migrate_case(f, "migrate-not-signed",
                      "the master key carries no device signature at all: nothing to migrate",
                      bob_keys(&b, &phone, &tablet, 0, 0, 0, 0, NULL), PHONE, 1, 1, "untrusted",
                      "NO_VERIFIED_DEVICE_SIGNATURE");
    e |= migrate_case(f, "migrate-bad-signature",
                      "BOBPHONE's signature on the master key has one bit flipped: not evidence",
                      bob_keys(&b, &phone, &tablet, 1, 0, 1, 0, NULL), PHONE, 1, -1, "untrusted",
                      "NO_VERIFIED_DEVICE_SIGNATURE");
    e |= migrate_case(f, "migrate-no-verified-devices",
                      "signed by BOBPHONE, but Alice verified none of Bob's devices: untrusted",
                      bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, NULL), NULL, 1, -1, "untrusted",
                      "NO_VERIFIED_DEVICE_SIGNATURE");
    e |= migrate_case(f, "migrate-verified-device-gone",
                      "signed by BOBTABLET, which Alice verified, but BOBTABLET is no longer "
                      "published: its key cannot be checked, untrusted",
                      bob_keys(&b, &phone, &tablet, 0, 1, 0, 1, NULL), MXT_VG_LIST("BOBTABLET"), 1,
                      -1, "untrusted", "NO_VERIFIED_DEVICE_SIGNATURE");
    e |= migrate_case(f, "migrate-both-signed",
                      "signed by both devices, Alice verified BOBTABLET: trusted (first key)",
                      bob_keys(&b, &phone, &tablet, 1, 1, 0, 0, NULL), MXT_VG_LIST("BOBTABLET"), 1,
                      -1, "trusted", "FIRST_MASTER_KEY");
    e |= migrate_case(f, "migrate-key-wrong-usage",
                      "the object under master_keys has usage self_signing: no usable master key, "
                      "untrusted", bob_keys(&b, &phone, &tablet, 1, 0, 0, 0, "self_signing"), PHONE,
                      1, -1, "untrusted", "NO_VERIFIED_DEVICE_SIGNATURE");
    return e;
}

/* ---- BK-BETTER-010 --------------------------------------------------------------------------- */

static cJSON *rank(int v, double idx, double fc)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "is_verified", v);
    cJSON_AddNumberToObject(o, "first_message_index", idx);
    cJSON_AddNumberToObject(o, "forwarded_count", fc);
    return o;
}

/* The session facts of one case as an input object (chain of `chain` generated keys). */
static cJSON *session_facts(int verified, double index, int chain)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddBoolToObject(in, "device_verified", verified);
    cJSON_AddNumberToObject(in, "first_known_index", index);
    cJSON *c = cJSON_AddArrayToObject(in, "forwarding_curve25519_key_chain");
    for (int k = 0; k < chain; k++) {
        uint8_t pk[32], sk[32];
        char name[64];
        snprintf(name, sizeof name, "bkb010:fwd:%d", k);
        mxt_vg_x25519(name, pk, sk);
        char *b = mxt_vg_b64(pk, 32);
        cJSON_AddItemToArray(c, cJSON_CreateString(b));
        free(b);
    }
    return in;
}

/* BK-BETTER-010 as a check of what a client sent: correct, or the first wrong field. */
static int metadata_checks(mxt_vg_file *f)
{
    static const struct {
        const char *slug;
        int verified;
        double index;
        int chain;
        int s_verified;
        double s_index, s_count;
        const char *reason, *comment;
        int rust_sdk;
    } cases[] = {
        {"check-correct", 1, 5, 0, 1, 5, 0, NULL, "verified direct key, all three fields right", 0},
        {"check-correct-forwarded", 0, 9, 2, 0, 9, 2, NULL, "twice-forwarded key, all right", 0},
        {"check-verified-sent-false", 1, 0, 0, 0, 0, 0, "IS_VERIFIED",
         "the device was verified but is_verified false was sent (rust-sdk always sends false)", 1},
        {"check-unverified-sent-true", 0, 0, 0, 1, 0, 0, "IS_VERIFIED",
         "is_verified true for a key from a device this device never verified", 0},
        {"check-index-zero", 0, 40, 0, 0, 0, 0, "FIRST_MESSAGE_INDEX",
         "the session is known from index 40, but 0 was claimed (it would win over better keys)", 0},
        {"check-count-imported", 0, 3, 3, 0, 3, 1, "FORWARDED_COUNT",
         "forwarded three times, but forwarded_count 1 (imported = 1) was sent", 1},
        {"check-count-zero", 0, 3, 1, 0, 3, 0, "FORWARDED_COUNT",
         "forwarded once, but forwarded_count 0 was sent", 0},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *in = session_facts(cases[i].verified, cases[i].index, cases[i].chain);
        cJSON_AddItemToObject(in, "sent", rank(cases[i].s_verified, cases[i].s_index, cases[i].s_count));
        char slug[64];
        snprintf(slug, sizeof slug, "metadata-%s", cases[i].slug);
        e |= mxt_vg_add(f, slug, R("BK-BETTER-010"), cases[i].comment,
                        cases[i].rust_sdk ? FL("divergence:rust-sdk") : NULL,
                        "backup_key_metadata_check", in,
                        mxt_vg_expect(cases[i].reason ? "wrong" : "correct", cases[i].reason));
    }
    return e;
}

int gen_client_bk_better(mxt_vg_file *f)
{
    static const struct {
        const char *slug;
        int verified;
        double index;
        int chain;
        const char *comment;
    } cases[] = {
        {"direct-verified", 1, 0, 0, "received from the creating device, which this device verified"},
        {"direct-unverified", 0, 0, 0, "received from the creating device, not verified"},
        {"late-index", 1, 57, 0, "the session is known from index 57 only"},
        {"forwarded-once", 0, 3, 1, "forwarded once (one key in the chain)"},
        {"forwarded-three", 0, 12, 3, "forwarded three times"},
        {"max-index", 0, 4294967295.0, 2, "first known index at the top of the 32-bit range"},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *in = session_facts(cases[i].verified, cases[i].index, cases[i].chain);
        char slug[64], comment[200];
        snprintf(slug, sizeof slug, "metadata-%s", cases[i].slug);
        snprintf(comment, sizeof comment, "%s: is_verified %s, first_message_index %.0f, "
                 "forwarded_count %d", cases[i].comment, cases[i].verified ? "true" : "false",
                 cases[i].index, cases[i].chain);
        /* rust-sdk always sends is_verified false (BK-BETTER-010 divergence). */
        const char *const *flags = cases[i].verified ? FL("divergence:rust-sdk") : NULL;
        e |= mxt_vg_add(f, slug, R("BK-BETTER-010"), comment, flags, "backup_key_metadata", in,
                        outcome("ok", NULL, rank(cases[i].verified, cases[i].index, cases[i].chain)));
    }
    e |= metadata_checks(f);
    return e;
}

/* ---- BK-TRUST: 009, 010, 013, 014, 015 ------------------------------------------------------- */

static int upload_case(mxt_vg_file *f, const char *slug, const char *comment, int status,
                       const char *body, const char *result, const char *reason, cJSON *output,
                       const char *const *rules)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "status", status);
    if (body)
        cJSON_AddStringToObject(in, "body", body);
    else
        cJSON_AddNullToObject(in, "body");
    return mxt_vg_add(f, slug, rules, comment, NULL, "backup_upload_answer", in,
                      outcome(result, reason, output));
}

static cJSON *wait_ms(double ms)
{
    cJSON *o = cJSON_CreateObject();
    if (ms < 0)
        cJSON_AddNullToObject(o, "wait_ms");
    else
        cJSON_AddNumberToObject(o, "wait_ms", ms);
    return o;
}

static int bkt009(mxt_vg_file *f)
{
    int e = 0;
    e |= upload_case(f, "upload-ok", "200 {}: the keys are stored", 200,
                     "{\"count\":10,\"etag\":\"abc\"}", "done", NULL, NULL, R("BK-TRUST-009"));
    e |= upload_case(f, "upload-wrong-version",
                     "403 M_WRONG_ROOM_KEYS_VERSION: stop, fetch the backup, decide trust again", 403,
                     "{\"current_version\":\"43\",\"errcode\":\"M_WRONG_ROOM_KEYS_VERSION\","
                     "\"error\":\"Wrong backup version.\"}",
                     "refetch", "M_WRONG_ROOM_KEYS_VERSION", NULL, R("BK-TRUST-009", "BK-SRV-020"));
    e |= upload_case(f, "upload-version-deleted",
                     "404 M_NOT_FOUND (the version was deleted): stop, fetch, decide again", 404,
                     "{\"errcode\":\"M_NOT_FOUND\",\"error\":\"Unknown backup version\"}", "refetch",
                     "M_NOT_FOUND", NULL, R("BK-TRUST-009"));
    e |= upload_case(f, "upload-rate-limited-after",
                     "429 with retry_after_ms: wait that long, then retry", 429,
                     "{\"errcode\":\"M_LIMIT_EXCEEDED\",\"retry_after_ms\":2000}", "retry",
                     "RETRY_AFTER", wait_ms(2000), R("BK-TRUST-009", "BK-SRV-020"));
    e |= upload_case(f, "upload-rate-limited", "429 without retry_after_ms: retry after a delay "
                     "of the client's choosing", 429, "{\"errcode\":\"M_LIMIT_EXCEEDED\"}", "retry",
                     "BACKOFF", wait_ms(-1), R("BK-TRUST-009", "BK-SRV-020"));
    e |= upload_case(f, "upload-403-other",
                     "403 with another errcode: not a version change, the upload failed", 403,
                     "{\"errcode\":\"M_FORBIDDEN\"}", "fail", NULL, NULL, R("BK-TRUST-009"));
    e |= upload_case(f, "upload-404-no-errcode",
                     "404 without an errcode (e.g. no such endpoint): not a version change", 404,
                     NULL, "fail", NULL, NULL, R("BK-TRUST-009"));
    e |= upload_case(f, "upload-wrong-version-as-404",
                     "M_WRONG_ROOM_KEYS_VERSION with status 404: not the spec's answer, failed", 404,
                     "{\"errcode\":\"M_WRONG_ROOM_KEYS_VERSION\"}", "fail", NULL, NULL,
                     R("BK-TRUST-009"));
    e |= upload_case(f, "upload-server-error", "500: the upload failed", 500,
                     "{\"errcode\":\"M_UNKNOWN\"}", "fail", NULL, NULL, R("BK-TRUST-009"));
    return e;
}

static int bkt010(mxt_vg_file *f)
{
    int e = 0;
    for (int strict = 0; strict < 2; strict++)
        for (int m = 0; m < 2; m++) {
            cJSON *in = cJSON_CreateObject();
            cJSON_AddStringToObject(in, "profile", strict ? "strict" : "default");
            cJSON_AddBoolToObject(in, "holds_master_private", m);
            char slug[64], comment[200];
            snprintf(slug, sizeof slug, "create-%s-%s", strict ? "strict" : "default",
                     m ? "with-master" : "device-only");
            cJSON *exp;
            if (strict && !m) {
                exp = mxt_vg_expect("refuse", "NO_MASTER_PRIVATE_KEY");
                snprintf(comment, sizeof comment, "seed 000 strict profile, no private master "
                         "key: refuse to create a backup that only a device signs");
            } else {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddBoolToObject(o, "device", 1);
                cJSON_AddBoolToObject(o, "master", m);
                exp = outcome("sign", m ? "DEVICE_AND_MASTER" : "DEVICE_ONLY", o);
                snprintf(comment, sizeof comment, "%s profile, %s: sign auth_data with the device "
                         "key%s", strict ? "strict" : "default",
                         m ? "private master key held" : "no private master key",
                         m ? " and the master key" : " only");
            }
            e |= mxt_vg_add(f, slug, R("BK-TRUST-010"), comment,
                            strict ? FL("profile:seed-000") : NULL, "backup_create_signatures", in,
                            exp);
        }
    return e;
}

static cJSON *auth_data(const char *pk_seed, int variant)
{
    uint8_t pk[32], sk[32];
    mxt_vg_x25519(pk_seed, pk, sk);
    char *b = mxt_vg_b64(pk, 32);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", b);
    free(b);
    uint8_t dpk[32], dsk[64];
    mxt_vg_ed25519("bkt013:device", dpk, dsk);
    mxt_vg_sign(a, "@alice:example.org", "ed25519:ALICEPHONE", dsk);
    if (variant == 1) { /* a second signature added by the master key */
        uint8_t mpk[32], msk[64];
        mxt_vg_ed25519("bkt013:master", mpk, msk);
        char *m = mxt_vg_b64(mpk, 32), id[64];
        snprintf(id, sizeof id, "ed25519:%s", m);
        free(m);
        mxt_vg_sign(a, "@alice:example.org", id, msk);
    }
    return a;
}

/* `{version, auth_data}` where auth_data is given as text; `spaced`: the same JSON with keys in
 * another order and whitespace (canonically equal). */
static cJSON *fetched(const char *version, cJSON *ad, int spaced)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "version", version);
    char *t = text_of(ad);
    if (!spaced) {
        cJSON_AddStringToObject(o, "auth_data", t);
    } else {
        /* Members in reverse order with spaces after ':' and ',', each piece canonical text:
         * another serialisation of the same canonical form. */
        size_t cap = 2 * strlen(t) + 16, k = 0;
        char *sp = malloc(cap);
        int n = cJSON_GetArraySize(ad);
        sp[k++] = '{';
        for (int i = n - 1; i >= 0; i--) {
            cJSON *it = cJSON_GetArrayItem(ad, i), *name = cJSON_CreateString(it->string);
            char *kt = text_of(name), *vt = text_of(it);
            k += (size_t)snprintf(sp + k, cap - k, "%s%s: %s", i == n - 1 ? "" : ", ", kt, vt);
            free(kt);
            free(vt);
            cJSON_Delete(name);
        }
        snprintf(sp + k, cap - k, "}");
        cJSON_AddStringToObject(o, "auth_data", sp);
        free(sp);
    }
    free(t);
    cJSON_Delete(ad);
    return o;
}

static int refetch_case(mxt_vg_file *f, const char *slug, const char *comment, cJSON *prev,
                        cJSON *cur, const char *result, const char *reason)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddItemToObject(in, "previous", prev ? prev : cJSON_CreateNull());
    cJSON_AddItemToObject(in, "current", cur);
    return mxt_vg_add(f, slug, R("BK-TRUST-013"), comment, NULL, "backup_refetch", in,
                      mxt_vg_expect(result, reason));
}

static int bkt013(mxt_vg_file *f)
{
    int e = 0;
    e |= refetch_case(f, "refetch-first", "no backup was known before: decide", NULL,
                      fetched("7", auth_data("bkt013:a", 0), 0), "decide", "FIRST_FETCH");
    e |= refetch_case(f, "refetch-unchanged", "same version, byte-identical auth_data: the "
                      "decision stands", fetched("7", auth_data("bkt013:a", 0), 0),
                      fetched("7", auth_data("bkt013:a", 0), 0), "keep", "UNCHANGED");
    e |= refetch_case(f, "refetch-canonically-equal", "same version, auth_data re-serialised "
                      "(member order, spaces) but canonically equal: the decision stands",
                      fetched("7", auth_data("bkt013:a", 0), 0),
                      fetched("7", auth_data("bkt013:a", 0), 1), "keep", "UNCHANGED");
    e |= refetch_case(f, "refetch-new-public-key", "same version, auth_data.public_key replaced: "
                      "decide again", fetched("7", auth_data("bkt013:a", 0), 0),
                      fetched("7", auth_data("bkt013:b", 0), 0), "decide", "AUTH_DATA_CHANGED");
    e |= refetch_case(f, "refetch-signature-added", "same version, a master-key signature added to "
                      "auth_data: decide again", fetched("7", auth_data("bkt013:a", 0), 0),
                      fetched("7", auth_data("bkt013:a", 1), 0), "decide", "AUTH_DATA_CHANGED");
    e |= refetch_case(f, "refetch-new-version", "another version with the same auth_data: decide",
                      fetched("7", auth_data("bkt013:a", 0), 0),
                      fetched("8", auth_data("bkt013:a", 0), 0), "decide", "NEW_VERSION");
    return e;
}

static cJSON *arrival(const char *source, int olm, int key, int trusted, const char *forwarder,
                      int stored_sd)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "source", source);
    if (olm >= 0)
        cJSON_AddBoolToObject(in, "over_olm", olm);
    if (key >= 0)
        cJSON_AddBoolToObject(in, "holds_backup_key", key);
    if (trusted >= 0)
        cJSON_AddBoolToObject(in, "backup_trusted", trusted);
    if (forwarder)
        cJSON_AddStringToObject(in, "forwarder", forwarder);
    if (stored_sd) {
        cJSON *sd = cJSON_AddObjectToObject(in, "stored_sender_data");
        cJSON_AddStringToObject(sd, "kind", "sender_verified");
    }
    return in;
}

static cJSON *accepted(const char *forwarder)
{
    cJSON *o = cJSON_CreateObject(), *sd = cJSON_AddObjectToObject(o, "sender_data");
    cJSON_AddStringToObject(sd, "kind", "unknown_device");
    cJSON_AddBoolToObject(sd, "legacy_session", 1);
    cJSON_AddBoolToObject(sd, "owner_check_failed", 0);
    if (forwarder)
        cJSON_AddStringToObject(o, "forwarder", forwarder);
    else
        cJSON_AddNullToObject(o, "forwarder");
    return o;
}

static int bkt014(mxt_vg_file *f)
{
    int e = 0;
    e |= mxt_vg_add(f, "restore-trusted", R("BK-TRUST-014", "SD-006"),
                    "restore from a trusted backup with its private key: accepted, legacy "
                    "unauthenticated sender data", NULL, "session_arrival",
                    arrival("backup", -1, 1, 1, NULL, 0), outcome("accept", NULL, accepted(NULL)));
    e |= mxt_vg_add(f, "restore-untrusted", R("BK-TRUST-014", "SD-006"),
                    "restore from a backup whose auth_data is NOT trusted: the private key suffices "
                    "to read it; the keys stay unauthenticated", NULL, "session_arrival",
                    arrival("backup", -1, 1, 0, NULL, 0), outcome("accept", NULL, accepted(NULL)));
    e |= mxt_vg_add(f, "restore-no-key", R("BK-TRUST-014"),
                    "restore without the backup's private key: nothing can be read, even from a "
                    "trusted backup", NULL, "session_arrival", arrival("backup", -1, 0, 1, NULL, 0),
                    mxt_vg_expect("reject", "NO_BACKUP_KEY"));
    return e;
}

static int bkt015(mxt_vg_file *f)
{
    static const struct {
        const char *slug, *content, *result, *comment;
    } cases[] = {
        {"pref-enabled", "{\"enabled\":true}", "enabled", "{\"enabled\": true}: backup on"},
        {"pref-disabled", "{\"enabled\":false}", "disabled", "{\"enabled\": false}: backup off"},
        {"pref-extra-member", "{\"enabled\":true,\"org.example.note\":\"x\"}", "enabled",
         "an extra member does not make a well-formed value ill-formed"},
        {"pref-absent", NULL, "ignored", "no m.key_backup account data: ignored"},
        {"pref-empty", "{}", "ignored", "{} (incomplete): ignored"},
        {"pref-string", "{\"enabled\":\"true\"}", "ignored", "enabled is the string \"true\": "
         "not a boolean, ignored"},
        {"pref-number", "{\"enabled\":1}", "ignored", "enabled is 1: not a boolean, ignored"},
        {"pref-null", "{\"enabled\":null}", "ignored", "enabled is null: ignored"},
        {"pref-nested", "{\"m.key_backup\":{\"enabled\":true}}", "ignored",
         "the flag one level too deep: ignored"},
        {"pref-array", "[{\"enabled\":true}]", "ignored", "content is an array: ignored"},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *in = cJSON_CreateObject();
        if (cases[i].content)
            cJSON_AddStringToObject(in, "content", cases[i].content);
        else
            cJSON_AddNullToObject(in, "content");
        e |= mxt_vg_add(f, cases[i].slug, R("BK-TRUST-015"), cases[i].comment, NULL,
                        "key_backup_preference", in, mxt_vg_expect(cases[i].result, NULL));
    }
    return e;
}

int gen_client_bk_trust(mxt_vg_file *f)
{
    return bkt009(f) | bkt010(f) | bkt013(f) | bkt014(f) | bkt015(f);
}

/* ---- BK-FMT-011 ------------------------------------------------------------------------------ */

int gen_client_bk_fmt(mxt_vg_file *f)
{
    uint8_t key[64];
    mxt_vg_seed("bkfmt011:key", key);
    mxt_vg_seed("bkfmt011:more", key + 32);
    char *hex = mxt_vg_hex(key, 32);
    char *unp = mxt_vg_b64(key, 32);
    char pad[64], b64_31[64], b64_33[64], bad[64], padded_wrong[64];
    snprintf(pad, sizeof pad, "%s=", unp);
    char *t = mxt_vg_b64(key, 31);
    snprintf(b64_31, sizeof b64_31, "%s", t);
    free(t);
    t = mxt_vg_b64(key, 33);
    snprintf(b64_33, sizeof b64_33, "%s", t);
    free(t);
    snprintf(bad, sizeof bad, "%s", unp);
    bad[10] = '!';
    snprintf(padded_wrong, sizeof padded_wrong, "%s==", unp);
    static const char *const RULE[] = {"BK-FMT-011", NULL};
    int e = 0;
#define SECRET(slug, value, exp, comment)                                                   \
    do {                                                                                    \
        cJSON *in_ = cJSON_CreateObject();                                                  \
        cJSON_AddStringToObject(in_, "secret", value);                                      \
        e |= mxt_vg_add(f, slug, RULE, comment, NULL, "backup_secret_decode", in_, exp);    \
    } while (0)
    SECRET("secret-unpadded", unp, mxt_vg_expect_out("ok", NULL, hex),
           "the 32-byte key as unpadded base64 (43 characters)");
    SECRET("secret-padded", pad, mxt_vg_expect_out("ok", NULL, hex),
           "the same key padded (44 characters, one '='): readers accept it too");
    SECRET("secret-31-bytes", b64_31, mxt_vg_expect("reject", "LENGTH"),
           "base64 of 31 bytes: not a backup key");
    SECRET("secret-33-bytes", b64_33, mxt_vg_expect("reject", "LENGTH"),
           "base64 of 33 bytes: not a backup key");
    SECRET("secret-empty", "", mxt_vg_expect("reject", "LENGTH"), "the empty secret");
    SECRET("secret-bad-char", bad, mxt_vg_expect("reject", "BASE64"),
           "a character outside the base64 alphabet");
    SECRET("secret-wrong-padding", padded_wrong, mxt_vg_expect("reject", "BASE64"),
           "two '=' where one completes the group: malformed padding");
#undef SECRET
    free(hex);
    free(unp);
    return e;
}

/* ---- SKB: 001, 006, 007 (seed 001) ----------------------------------------------------------- */

static int skb001(mxt_vg_file *f)
{
    uint8_t spk[32], ssk[64], seed[32], opk[32], osk[64], oseed[32];
    mxt_vg_seed("skb001:signing", seed);
    crypto_sign_seed_keypair(spk, ssk, seed);
    mxt_vg_seed("skb001:other", oseed);
    crypto_sign_seed_keypair(opk, osk, oseed);
    char *sp = mxt_vg_b64(spk, 32), *sd = mxt_vg_b64(seed, 32), *od = mxt_vg_b64(oseed, 32);
    uint8_t bpk[32], bsk[32];
    mxt_vg_x25519("skb001:backup", bpk, bsk);
    char *bp = mxt_vg_b64(bpk, 32);
    static const struct {
        const char *slug, *name;
        int other_key, no_key;
        const char *result, *reason, *comment;
    } cases[] = {
        {"signing-secret-use", "m.key_backup.signing", 0, 0, "use", NULL,
         "secret m.key_backup.signing whose public half is auth_data's signing_public_key"},
        {"signing-secret-other-key", "m.key_backup.signing", 1, 0, "ignore", "KEY_MISMATCH",
         "the right secret name, but another key than the one auth_data publishes"},
        {"signing-secret-no-key-in-auth", "m.key_backup.signing", 0, 1, "ignore", "KEY_MISMATCH",
         "auth_data publishes no signing key: nothing to match"},
        {"signing-secret-backup-name", "m.megolm_backup.v1", 0, 0, "ignore", "WRONG_NAME",
         "the backup decryption key's secret name: not the signing key"},
        {"signing-secret-case", "m.key_backup.Signing", 0, 0, "ignore", "WRONG_NAME",
         "secret names are compared exactly"},
        {"signing-secret-unstable", "org.matrix.mscxxxx.key_backup.signing", 0, 0, "ignore",
         "WRONG_NAME", "a made-up unstable prefix: the draft names only m.key_backup.signing"},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "public_key", bp);
        if (!cases[i].no_key)
            cJSON_AddStringToObject(a, "signing_public_key", sp);
        cJSON *in = cJSON_CreateObject();
        add_text(in, "auth_data", a);
        cJSON_AddStringToObject(in, "name", cases[i].name);
        cJSON_AddStringToObject(in, "secret", cases[i].other_key ? od : sd);
        e |= mxt_vg_add(f, cases[i].slug, R("SKB-001"), cases[i].comment,
                        FL("proposal", "profile:seed-001", "spec-ambiguity"), "skb1_signing_secret",
                        in, mxt_vg_expect(cases[i].result, cases[i].reason));
    }
    free(sp);
    free(sd);
    free(od);
    free(bp);
    return e;
}

static int skb006(mxt_vg_file *f)
{
    /* signature x v1 mac, with a trusted signing key and authenticated: true. */
    static const char *const sigs[] = {"valid", "missing", "invalid"};
    static const char *const macs[] = {"valid", "invalid", "absent"};
    int e = 0;
    for (int s = 0; s < 3; s++)
        for (int m = 0; m < 3; m++) {
            cJSON *in = cJSON_CreateObject();
            cJSON_AddStringToObject(in, "signing_key", "stable");
            cJSON_AddBoolToObject(in, "auth_data_signature_trusted", 1);
            cJSON_AddStringToObject(in, "signature", sigs[s]);
            cJSON_AddStringToObject(in, "authenticated", "true");
            cJSON_AddStringToObject(in, "v1_mac", macs[m]);
            int signed_ = s == 0;
            int accept = signed_ || m == 0;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddBoolToObject(o, "authenticated", signed_);
            cJSON_AddBoolToObject(o, "mac_relied_on", !signed_);
            char slug[64], comment[200];
            snprintf(slug, sizeof slug, "skb1-signature-%s-mac-%s", sigs[s], macs[m]);
            snprintf(comment, sizeof comment,
                     "SessionData signature %s, v1 mac %s: %s%s", sigs[s], macs[m],
                     signed_ ? "signed, so the mac is not relied on: accepted as authenticated"
                             : accept ? "not signed: the mac decides, accepted unauthenticated"
                                      : "not signed and the mac does not check: ignored",
                     "");
            e |= mxt_vg_add(f, slug, R("SKB-006", "SKB-005"), comment,
                            FL("proposal", "profile:seed-001"), "skb1_decide", in,
                            outcome(accept ? "accept" : "ignore",
                                    signed_ ? "AUTHENTICATED" : "SIGNATURE_NOT_VALID", o));
        }
    /* Untrusted signing key: the signature counts for nothing, the mac decides again. */
    for (int m = 0; m < 2; m++) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "signing_key", "stable");
        cJSON_AddBoolToObject(in, "auth_data_signature_trusted", 0);
        cJSON_AddStringToObject(in, "signature", "valid");
        cJSON_AddStringToObject(in, "authenticated", "true");
        cJSON_AddStringToObject(in, "v1_mac", m ? "invalid" : "valid");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "authenticated", 0);
        cJSON_AddBoolToObject(o, "mac_relied_on", 1);
        char slug[64];
        snprintf(slug, sizeof slug, "skb1-untrusted-key-mac-%s", m ? "invalid" : "valid");
        e |= mxt_vg_add(f, slug, R("SKB-006", "SKB-003"),
                        m ? "signed by an untrusted signing key, mac wrong: not signed in the "
                            "rule's sense, the mac decides: ignored"
                          : "signed by an untrusted signing key, mac checks: the mac decides, "
                            "accepted unauthenticated",
                        FL("proposal", "profile:seed-001"), "skb1_decide", in,
                        outcome(m ? "ignore" : "accept", "SIGNING_KEY_NOT_TRUSTED", o));
    }
    return e;
}

static int skb007(mxt_vg_file *f)
{
    uint8_t spk[32], ssk[64], bpk[32], bsk[32];
    mxt_vg_ed25519("skb007:signing", spk, ssk);
    mxt_vg_x25519("skb007:backup", bpk, bsk);
    char *sp = mxt_vg_b64(spk, 32), *bp = mxt_vg_b64(bpk, 32);
    static const struct {
        const char *slug, *field, *result, *reason, *comment;
    } cases[] = {
        {"enable-signing-new-version", NULL, "new_version", "AUTH_DATA_CHANGES",
         "auth_data has no signing key: adding it changes auth_data, so a new version with every "
         "key uploaded again"},
        {"enable-signing-has-key", "signing_public_key", "keep_version", NULL,
         "auth_data already names a signing key: the version stays"},
        {"enable-signing-has-unstable-key", "org.matrix.mscxxxx.signing_public_key", "keep_version",
         NULL, "auth_data names the key under the draft's unstable name: the version stays"},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "public_key", bp);
        if (cases[i].field)
            cJSON_AddStringToObject(a, cases[i].field, sp);
        uint8_t dpk[32], dsk[64];
        mxt_vg_ed25519("skb007:device", dpk, dsk);
        mxt_vg_sign(a, "@alice:example.org", "ed25519:ALICEPHONE", dsk);
        cJSON *in = cJSON_CreateObject();
        add_text(in, "auth_data", a);
        e |= mxt_vg_add(f, cases[i].slug, R("SKB-007"), cases[i].comment,
                        FL("proposal", "profile:seed-001"), "skb1_enable_signing", in,
                        mxt_vg_expect(cases[i].result, cases[i].reason));
    }
    free(sp);
    free(bp);
    return e;
}

int gen_client_skb(mxt_vg_file *f)
{
    return skb001(f) | skb006(f) | skb007(f);
}

/* ---- SD: 001, 007, 014, 015, 017, 018 -------------------------------------------------------- */

static int sd_arrivals(mxt_vg_file *f)
{
    const char *fw = "@bob:example.org";
    int e = 0;
    e |= mxt_vg_add(f, "arrival-room-key-olm", R("SD-001", "SD-004"),
                    "m.room_key over Olm: taken in, sender data by device lookup", NULL,
                    "session_arrival", arrival("room_key", 1, -1, -1, NULL, 0),
                    mxt_vg_expect("lookup", NULL));
    e |= mxt_vg_add(f, "arrival-room-key-plaintext", R("SD-001"),
                    "m.room_key sent as a plaintext to-device event: rejected", NULL,
                    "session_arrival", arrival("room_key", 0, -1, -1, NULL, 0),
                    mxt_vg_expect("reject", "NOT_OVER_OLM"));
    e |= mxt_vg_add(f, "arrival-room-key-olm-absent", R("SD-001"),
                    "m.room_key with no statement that it came over Olm: rejected (over_olm "
                    "defaults to false)", NULL, "session_arrival",
                    arrival("room_key", -1, -1, -1, NULL, 0), mxt_vg_expect("reject", "NOT_OVER_OLM"));
    e |= mxt_vg_add(f, "arrival-bundle", R("SD-017", "SD-006"),
                    "key bundle over Olm from @bob: accepted as imported, the forwarder recorded",
                    NULL, "session_arrival", arrival("key_bundle", 1, -1, -1, fw, 0),
                    outcome("accept", NULL, accepted(fw)));
    e |= mxt_vg_add(f, "arrival-bundle-no-forwarder", R("SD-017"),
                    "key bundle whose sender is unknown: its word cannot be recorded, rejected",
                    NULL, "session_arrival", arrival("key_bundle", 1, -1, -1, NULL, 0),
                    mxt_vg_expect("reject", "NO_FORWARDER"));
    e |= mxt_vg_add(f, "arrival-bundle-plaintext", R("SD-017", "SD-001"),
                    "key bundle announced in a plaintext to-device event: rejected", NULL,
                    "session_arrival", arrival("key_bundle", 0, -1, -1, fw, 0),
                    mxt_vg_expect("reject", "NOT_OVER_OLM"));
    e |= mxt_vg_add(f, "arrival-stored-legacy", R("SD-007"),
                    "a stored session without sender_data: legacy unknown-device data", NULL,
                    "session_arrival", arrival("store", -1, -1, -1, NULL, 0),
                    outcome("accept", NULL, accepted(NULL)));
    cJSON *null_sd = arrival("store", -1, -1, -1, NULL, 0);
    cJSON_AddNullToObject(null_sd, "stored_sender_data");
    e |= mxt_vg_add(f, "arrival-stored-null-sender-data", R("SD-007"),
                    "a stored session whose sender_data is null: read like a missing one, legacy",
                    NULL, "session_arrival", null_sd, outcome("accept", NULL, accepted(NULL)));
    e |= mxt_vg_add(f, "arrival-stored-with-sender-data", R("SD-007"),
                    "a stored session with sender_data: it stands", NULL, "session_arrival",
                    arrival("store", -1, -1, -1, NULL, 1), mxt_vg_expect("stored", NULL));
    return e;
}

static int sd014(mxt_vg_file *f)
{
    static const char *const states[] = {"verified", "unverified_identity", "verification_violation",
                                         "unsigned_device", "missing_device", "insecure_source",
                                         "mismatched_sender"};
    static const char *const strict_col[] = {"none", "red", "red", "red", "red", "red", "red"};
    static const char *const lax_col[] = {"none", "none", "red", "red", "red", "grey", "red"};
    static const char *const msg[] = {NULL, "UNVERIFIED_IDENTITY", "VERIFICATION_VIOLATION",
                                      "UNSIGNED_DEVICE", "UNKNOWN_DEVICE",
                                      "AUTHENTICITY_NOT_GUARANTEED", "MISMATCHED_SENDER"};
    int e = 0;
    for (int m = 0; m < 2; m++)
        for (int s = 0; s < 7; s++) {
            const char *col = m ? strict_col[s] : lax_col[s];
            const char *why = strcmp(col, "none") == 0 ? NULL : msg[s];
            cJSON *in = cJSON_CreateObject();
            cJSON_AddStringToObject(in, "state", states[s]);
            cJSON_AddStringToObject(in, "mode", m ? "strict" : "lax");
            char slug[64], comment[160];
            snprintf(slug, sizeof slug, "shield-%s-%s", m ? "strict" : "lax", states[s]);
            snprintf(comment, sizeof comment, "%s, %s display: %s shield%s%s", states[s],
                     m ? "strict" : "lax", col, why ? ", message " : "", why ? why : "");
            e |= mxt_vg_add(f, slug, R("SD-014"), comment, FL("catalog-table"), "shield", in,
                            mxt_vg_expect(col, why));
        }
    return e;
}

static int sd015(mxt_vg_file *f)
{
    int e = 0;
    for (int k = 0; k < 2; k++)
        for (int cs = 0; cs < 2; cs++)
            for (int ex = 0; ex < 2; ex++) {
                if (!k && cs)
                    continue; /* a device without identity keys cannot be cross-signed */
                cJSON *in = cJSON_CreateObject();
                cJSON_AddBoolToObject(in, "has_identity_keys", k);
                cJSON_AddBoolToObject(in, "cross_signed", cs);
                cJSON_AddBoolToObject(in, "exclude_insecure_devices", ex);
                const char *res = !k ? "not_a_recipient" : (!cs && ex) ? "withhold" : "share";
                char slug[64], comment[200];
                snprintf(slug, sizeof slug, "recipient-%s-%s-%s", k ? "keys" : "no-keys",
                         cs ? "cross-signed" : "not-cross-signed", ex ? "exclude" : "share-all");
                snprintf(comment, sizeof comment, "device %s identity keys, %scross-signed, "
                         "MSC4153 exclusion %s: %s", k ? "with" : "without", cs ? "" : "not ",
                         ex ? "on" : "off", res);
                e |= mxt_vg_add(f, slug, R("SD-015"), comment, FL("proposal"),
                                "room_key_recipient", in,
                                mxt_vg_expect(res, strcmp(res, "withhold") == 0 ? "m.unverified"
                                                                                 : NULL));
            }
    /* Display: messages from devices that are not cross-signed are hidden under the MSC4153
     * policy (cross_signed) and shown when cross-signed. */
    static const struct {
        const char *slug, *kind, *res, *comment;
        int legacy;
    } disp[] = {
        {"display-device-info-hidden", "device_info", "hide", "a device not cross-signed by its owner: hidden", 0},
        {"display-unknown-device-hidden", "unknown_device", "hide", "no device at all: hidden", 0},
        {"display-legacy-hidden", "unknown_device", "hide", "a legacy session: hidden under the strict exclusion too", 1},
        {"display-sender-unverified-shown", "sender_unverified", "show", "cross-signed, identity not verified: shown", 0},
        {"display-sender-verified-shown", "sender_verified", "show", "cross-signed and verified: shown", 0},
    };
    for (size_t i = 0; i < sizeof disp / sizeof disp[0]; i++) {
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "policy", "cross_signed");
        cJSON *sd = cJSON_AddObjectToObject(in, "sender_data");
        cJSON_AddStringToObject(sd, "kind", disp[i].kind);
        cJSON_AddBoolToObject(sd, "legacy_session", disp[i].legacy);
        cJSON_AddBoolToObject(sd, "owner_check_failed", 0);
        e |= mxt_vg_add(f, disp[i].slug, R("SD-015", "SD-010"), disp[i].comment, FL("proposal"),
                        "display_policy", in, mxt_vg_expect(disp[i].res, NULL));
    }
    return e;
}

/* A decrypted BackedUpSessionData; `sh`: 0 false, 1 true, 2 absent, 3 the string "true". */
static char *session_plain(int sh)
{
    uint8_t ek[165];
    mxt_vg_seed("sd018:export", ek);
    for (int i = 32; i < 165; i++)
        ek[i] = (uint8_t)(ek[i % 32] ^ i);
    ek[0] = 0x01;
    uint8_t ed[32], es[64], cv[32], cs[32];
    mxt_vg_ed25519("sd018:sender", ed, es);
    mxt_vg_x25519("sd018:sender", cv, cs);
    char *k = mxt_vg_b64(ek, 165), *e = mxt_vg_b64(ed, 32), *c = mxt_vg_b64(cv, 32);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "algorithm", "m.megolm.v1.aes-sha2");
    cJSON_AddArrayToObject(s, "forwarding_curve25519_key_chain");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "sender_claimed_keys"), "ed25519", e);
    cJSON_AddStringToObject(s, "sender_key", c);
    cJSON_AddStringToObject(s, "session_key", k);
    if (sh == 0 || sh == 1)
        cJSON_AddBoolToObject(s, "shared_history", sh);
    else if (sh == 3)
        cJSON_AddStringToObject(s, "shared_history", "true");
    free(k);
    free(e);
    free(c);
    char *t = text_of(s);
    cJSON_Delete(s);
    return t;
}

static int sd018(mxt_vg_file *f)
{
    static const char *const names[] = {"false", "true", "absent", "string"};
    static const char *const shapes[] = {"ok", "ok", "ok", "reject"};
    static const char *const share[] = {"not_shareable", "shareable", "not_shareable", "reject"};
    int e = 0;
    for (int sh = 0; sh < 4; sh++) {
        char slug[64], comment[200];
        char *t = session_plain(sh);
        cJSON *in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "json", t);
        snprintf(slug, sizeof slug, "shared-history-%s-shape", names[sh]);
        snprintf(comment, sizeof comment, "BackedUpSessionData with shared_history %s: %s", names[sh],
                 sh == 3 ? "not a boolean, rejected" : "well-formed");
        e |= mxt_vg_add(f, slug, R("SD-018", "BK-FMT-006"), comment, NULL, "backed_up_session",
                        in, mxt_vg_expect(shapes[sh], sh == 3 ? "WRONG_TYPE" : NULL));
        in = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "json", t);
        snprintf(slug, sizeof slug, "shared-history-%s-restored", names[sh]);
        snprintf(comment, sizeof comment, "restored session, shared_history %s: %s", names[sh],
                 share[sh]);
        e |= mxt_vg_add(f, slug, R("SD-018"), comment, NULL, "restored_session_shareable", in,
                        mxt_vg_expect(share[sh], sh == 3 ? "WRONG_TYPE" : NULL));
        free(t);
    }
    return e;
}

int gen_client_sd(mxt_vg_file *f)
{
    return sd_arrivals(f) | sd014(f) | sd015(f) | sd018(f);
}
