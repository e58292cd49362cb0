/*
 * SKB vectors: signed / authenticated key backup. Every SKB rule is a proposal (flag "proposal").
 *
 * skb_session (seed 001, the first draft): auth_data names a backup signing key; a backed-up
 * SessionData signed by it, with "authenticated": true, counts as authenticated only when
 * auth_data itself is trusted (given as the fact auth_data_trusted, decided by BK-TRUST).
 * The draft does not name the signature's entity: we use the user's ID with key ID
 * "ed25519:<signing public key>" (flag spec-ambiguity).
 *
 * skb_backup_mac (MSC4048 final form): backup_mac = HMAC-SHA-256 under a key derived from the
 * backup decryption key, over the canonical session_data without signatures/unsigned. The
 * generator computes it itself and first reproduces the catalog's TV-10 values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include "gen.h"
#include "gen_client.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)
#define PROPOSAL MXT_VG_LIST("proposal", "profile:seed-001")
#define MSC4048 MXT_VG_LIST("proposal", "profile:msc4048")

/* ---- seed-001 profile ---------------------------------------------------------------------- */

static int session_case(mxt_vg_file *f, const char *slug, const char *const *rules,
                        const char *comment, const char *const *flags, const char *user,
                        cJSON *auth, int trusted, cJSON *session, const char *result,
                        const char *reason)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", user);
    char *t = mxt_vg_canonical(auth);
    cJSON_AddStringToObject(in, "auth_data", t);
    free(t);
    cJSON_AddBoolToObject(in, "auth_data_trusted", trusted);
    t = mxt_vg_canonical(session);
    cJSON_AddStringToObject(in, "session_data", t);
    free(t);
    cJSON_Delete(auth);
    cJSON_Delete(session);
    return mxt_vg_add(f, slug, rules, comment, flags, "skb_session", in,
                      mxt_vg_expect(result, reason));
}

static cJSON *plain_session(const char *auth_field, int auth_value)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "algorithm", "m.megolm.v1.aes-sha2");
    cJSON_AddArrayToObject(s, "forwarding_curve25519_key_chain");
    cJSON *ck = cJSON_AddObjectToObject(s, "sender_claimed_keys");
    cJSON_AddStringToObject(ck, "ed25519", "MnNLGwn4j9ArCvtgU6o1jG8TgJaEXQpDTxz7QU0h7GM");
    cJSON_AddStringToObject(s, "sender_key", "wREG/hBdSspoqM9xPCEXd/4YwjpBFXlsobRkyDTo/Q8");
    cJSON_AddStringToObject(s, "session_key", "AQAAAAA");
    if (auth_field)
        cJSON_AddBoolToObject(s, auth_field, auth_value);
    return s;
}

static cJSON *auth_with(const char *key_name, const char *backup_pk, const char *signing_pk)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", backup_pk);
    cJSON_AddStringToObject(a, key_name, signing_pk);
    return a;
}

static int seed001(mxt_vg_file *f)
{
    const char *user = "@alice:example.org";
    uint8_t spk[32], ssk[64], opk[32], osk[64], bpk[32], bsk[32];
    mxt_vg_ed25519("skb:backup-signing", spk, ssk);
    mxt_vg_ed25519("skb:other-signing", opk, osk);
    mxt_vg_x25519("skb:backup", bpk, bsk);
    char *sp = mxt_vg_b64(spk, 32), *bp = mxt_vg_b64(bpk, 32);
    char kid[64], other_kid[64];
    snprintf(kid, sizeof kid, "ed25519:%s", sp);
    char *op = mxt_vg_b64(opk, 32);
    snprintf(other_kid, sizeof other_kid, "ed25519:%s", op);
    free(op);
    int e = 0;
    static const char *const key_names[] = {"signing_public_key",
                                            "org.matrix.mscxxxx.signing_public_key",
                                            "org.matrix.msc4048.signing_public_key"};
    for (int k = 0; k < 3; k++) {
        static const char *const auth_names[] = {"authenticated", "org.matrix.mscxxxx.authenticated",
                                                 "org.matrix.mscxxxx.authenticated"};
        char slug[96], comment[200];
#define AUTH() auth_with(key_names[k], bp, sp)
        cJSON *a, *s;

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        mxt_vg_sign(s, user, kid, ssk);
        snprintf(slug, sizeof slug, "seed001-%d-authenticated", k);
        snprintf(comment, sizeof comment, "%s in trusted auth_data, SessionData signed and %s:true",
                 key_names[k], auth_names[k]);
        e |= session_case(f, slug, R("SKB-005", "SKB-002", "SKB-004"), comment, PROPOSAL, user, a,
                          1, s, "authenticated", "AUTHENTICATED");

        a = AUTH();
        s = plain_session(auth_names[k], 0);
        mxt_vg_sign(s, user, kid, ssk);
        snprintf(slug, sizeof slug, "seed001-%d-flag-false", k);
        e |= session_case(f, slug, R("SKB-005"), "signed, but authenticated is false", PROPOSAL,
                          user, a, 1, s, "unauthenticated", "SIGNED_NOT_CLAIMED");

        a = AUTH();
        s = plain_session(NULL, 0);
        mxt_vg_sign(s, user, kid, ssk);
        snprintf(slug, sizeof slug, "seed001-%d-flag-absent", k);
        e |= session_case(f, slug, R("SKB-005"), "signed, authenticated absent: defaults to false",
                          PROPOSAL, user, a, 1, s, "unauthenticated", "SIGNED_NOT_CLAIMED");

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        mxt_vg_sign(s, user, kid, ssk);
        snprintf(slug, sizeof slug, "seed001-%d-auth-data-untrusted", k);
        e |= session_case(f, slug, R("SKB-003"),
                          "auth_data not trusted: its signing key is ignored", PROPOSAL, user, a,
                          0, s, "unauthenticated", "SIGNING_KEY_NOT_TRUSTED");

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        snprintf(slug, sizeof slug, "seed001-%d-unsigned-claims", k);
        e |= session_case(f, slug, R("SKB-005"),
                          "authenticated:true without any signature is treated as false",
                          PROPOSAL, user, a, 1, s, "unauthenticated", "SIGNATURE_NOT_VALID");

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        mxt_vg_sign(s, user, kid, ssk);
        cJSON_ReplaceItemInObjectCaseSensitive(s, "sender_key", cJSON_CreateString("forged"));
        snprintf(slug, sizeof slug, "seed001-%d-changed-after-signing", k);
        e |= session_case(f, slug, R("SKB-004", "SKB-005"),
                          "sender_key changed after signing: the signature fails", PROPOSAL, user,
                          a, 1, s, "unauthenticated", "SIGNATURE_NOT_VALID");

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        mxt_vg_sign(s, user, other_kid, osk);
        snprintf(slug, sizeof slug, "seed001-%d-signed-by-other-key", k);
        e |= session_case(f, slug, R("SKB-004"),
                          "signed by a key that is not the backup signing key", PROPOSAL, user, a,
                          1, s, "unauthenticated", "SIGNATURE_NOT_VALID");

        a = AUTH();
        s = plain_session(auth_names[k], 1);
        mxt_vg_sign(s, "@mallory:example.org", kid, ssk);
        snprintf(slug, sizeof slug, "seed001-%d-signature-other-entity", k);
        e |= session_case(f, slug, R("SKB-004", "SIG-007"),
                          "the right key's signature filed under another user's ID",
                          MXT_VG_LIST("proposal", "profile:seed-001", "spec-ambiguity"), user, a,
                          1, s, "unauthenticated", "SIGNATURE_NOT_VALID");
#undef AUTH
    }
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", bp);
    cJSON *s = plain_session("authenticated", 1);
    mxt_vg_sign(s, user, kid, ssk);
    e |= session_case(f, "seed001-no-signing-key", R("SKB-002"),
                      "auth_data names no signing key: nothing can be authenticated", PROPOSAL,
                      user, a, 1, s, "unauthenticated", "NO_SIGNING_KEY");
    free(sp);
    free(bp);
    return e;
}

/* ---- MSC4048 profile ------------------------------------------------------------------------- */

static int hkdf32(const uint8_t *ikm, size_t n, const char *info, uint8_t out[32])
{
    uint8_t salt[32] = {0};
    size_t len = 32;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    int ok = c && EVP_PKEY_derive_init(c) > 0 && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_salt(c, salt, 32) > 0 &&
             EVP_PKEY_CTX_set1_hkdf_key(c, ikm, (int)n) > 0 &&
             EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)info, (int)strlen(info)) > 0 &&
             EVP_PKEY_derive(c, out, &len) > 0 && len == 32;
    EVP_PKEY_CTX_free(c);
    return ok ? 0 : -1;
}

static char *backup_mac(const uint8_t key[32], const cJSON *session_data)
{
    uint8_t mk[32], mac[32];
    if (hkdf32(key, 32, "MATRIX_BACKUP_MAC_KEY", mk) != 0)
        abort();
    char *msg = mxt_vg_signing_bytes(session_data);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, mk, 32);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, strlen(msg));
    crypto_auth_hmacsha256_final(&st, mac);
    free(msg);
    return mxt_vg_b64(mac, 32);
}

static const char TV7_KEY[] = "Ha9cklU/9NqFo9WKdVfGzmqUL/9wlkdxfEitbSIPVXw";

static cJSON *tv7_session_data(void)
{
    return cJSON_Parse(
        "{\"ciphertext\":\"MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo7HfwqVl6tKNpfo"
        "oSTHqUf6x1LHz+h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxalwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny"
        "9l5ZpsU9G7vCm3XoeYkWfLekWXvDhbqWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3"
        "AeWjf5kiqOpKKf5Cn4n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlCx+5N19Ftyp9TFaTFlT"
        "WCTi0mpD7ePfCNISrwpozAz9HZc0OhA8+1aSc7rhYFIeAYXFU326NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVK"
        "TxgrdT4N8lXeMr4ndCSmvIkAzFMo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVU"
        "wDfMh05PdGLnxeRpiEFWSMSsJNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+d8/S618\","
        "\"ephemeral\":\"HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw\",\"mac\":\"GtMrurhDTwo\"}");
}

static int mac_case(mxt_vg_file *f, const char *slug, const char *const *rules,
                    const char *comment, const char *algorithm, cJSON *session_data,
                    const char *unauthenticated, int v1_keys_unauthenticated, const char *result,
                    const char *reason, const char *source)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "algorithm", algorithm);
    cJSON_AddStringToObject(in, "private_key", TV7_KEY);
    char *t = mxt_vg_canonical(session_data);
    cJSON_AddStringToObject(in, "session_data", t);
    free(t);
    cJSON_Delete(session_data);
    if (unauthenticated)
        cJSON_AddStringToObject(in, "unauthenticated", unauthenticated);
    else
        cJSON_AddNullToObject(in, "unauthenticated");
    cJSON_AddBoolToObject(in, "v1_keys_unauthenticated", v1_keys_unauthenticated);
    /* Every case derives backup_mac_key (SKB-008); v2 cases carry v2 session_data (SKB-010). */
    const char *all[8];
    size_t n = 0;
    for (; rules[n] && n < 5; n++)
        all[n] = rules[n];
    all[n++] = "SKB-008";
    if (strcmp(algorithm, "m.megolm_backup.v1.curve25519-aes-sha2") != 0 &&
        strncmp(algorithm, "org.example", 11) != 0)
        all[n++] = "SKB-010";
    all[n] = NULL;
    return mxt_vg_add(f, slug, all, comment, MSC4048, "skb_backup_mac", in,
                      source ? mxt_vg_expect_out(result, reason, source)
                             : mxt_vg_expect(result, reason));
}

static cJSON *with_mac(cJSON *sd, const char *field, const char *mac)
{
    cJSON *u = cJSON_GetObjectItemCaseSensitive(sd, "unsigned");
    if (!u)
        u = cJSON_AddObjectToObject(sd, "unsigned");
    cJSON_AddStringToObject(u, field, mac);
    return sd;
}

static int msc4048(mxt_vg_file *f)
{
    uint8_t key[32], mk[32];
    size_t n;
    if (sodium_base642bin(key, 32, TV7_KEY, strlen(TV7_KEY), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 || n != 32)
        abort();
    hkdf32(key, 32, "MATRIX_BACKUP_MAC_KEY", mk);
    char *mk64 = mxt_vg_b64(mk, 32);
    cJSON *sd = tv7_session_data();
    char *mac = backup_mac(key, sd);
    if (strcmp(mk64, "0zMCh5iqQut0yauKKg47XuXUAmCNlMcRa/wTGZfeGmA") != 0 ||
        strcmp(mac, "Q3Z4X36MdXmBzo0TwnCKirEtWYGwJepfRRTft7cM6Uc") != 0) {
        fprintf(stderr, "gen-vectors: backup_mac does not reproduce catalog TV-10 (%s, %s)\n", mk64,
                mac);
        abort();
    }
    free(mk64);
    cJSON_Delete(sd);
    free(mac);

    const char *V1 = "m.megolm_backup.v1.curve25519-aes-sha2";
    const char *V2 = "m.backup.v2.curve25519-aes-sha2";
    const char *V2U = "org.matrix.msc4048.curve25519-aes-sha2";
    int e = 0;
    struct { const char *alg, *tag; } algs[] = {{V2, "v2"}, {V2U, "v2-unstable-alg"}};
    for (int a = 0; a < 2; a++) {
        char slug[96];
        /* v2 session_data carries no v1 mac. */
        cJSON *base = tv7_session_data();
        cJSON_DeleteItemFromObject(base, "mac");
        char *good = backup_mac(key, base);
        static const char *const fields[] = {"backup_mac", "org.matrix.msc4048.backup_mac"};
        for (int fi = 0; fi < 2; fi++) {
            snprintf(slug, sizeof slug, "%s-%s-valid", algs[a].tag, fi ? "mac-unstable-name" : "mac-stable-name");
            e |= mac_case(f, slug, R("SKB-011", "SKB-009", "SKB-012"),
                          "v2 key with a valid backup_mac and no unauthenticated value", algs[a].alg,
                          with_mac(cJSON_Duplicate(base, 1), fields[fi], good), NULL, 0, "accept",
                          "AUTHENTICATED", "authenticated");
        }
        snprintf(slug, sizeof slug, "%s-missing-mac", algs[a].tag);
        e |= mac_case(f, slug, R("SKB-011"), "v2 key without backup_mac is ignored", algs[a].alg,
                      cJSON_Duplicate(base, 1), NULL, 0, "ignore", "IGNORED_MISSING_BACKUP_MAC",
                      NULL);
        snprintf(slug, sizeof slug, "%s-wrong-mac", algs[a].tag);
        e |= mac_case(f, slug, R("SKB-011"), "v2 key with a wrong backup_mac is ignored",
                      algs[a].alg,
                      with_mac(cJSON_Duplicate(base, 1), "backup_mac",
                               "Q3Z4X36MdXmBzo0TwnCKirEtWYGwJepfRRTft7cM6Uc"),
                      NULL, 0, "ignore", "IGNORED_INVALID_BACKUP_MAC", NULL);
        snprintf(slug, sizeof slug, "%s-mac-then-changed", algs[a].tag);
        {
            cJSON *m = with_mac(cJSON_Duplicate(base, 1), "backup_mac", good);
            cJSON_ReplaceItemInObjectCaseSensitive(m, "ephemeral",
                cJSON_CreateString("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
            e |= mac_case(f, slug, R("SKB-011"),
                          "ephemeral replaced after the MAC was computed: ignored", algs[a].alg, m,
                          NULL, 0, "ignore", "IGNORED_INVALID_BACKUP_MAC", NULL);
        }
        snprintf(slug, sizeof slug, "%s-mac-ignores-unsigned", algs[a].tag);
        {
            cJSON *m = with_mac(cJSON_Duplicate(base, 1), "backup_mac", good);
            cJSON_AddStringToObject(cJSON_GetObjectItem(m, "unsigned"), "note", "not covered");
            e |= mac_case(f, slug, R("SKB-011"), "other members of unsigned are not covered",
                          algs[a].alg, m, NULL, 0, "accept", "AUTHENTICATED", "authenticated");
        }
        static const struct { const char *value, *source; } unauth[] = {
            {"m.legacy-v1", "m.legacy-v1"},
            {"m.forwarded_room_key", "m.forwarded_room_key"},
            {"m.undefined", "m.undefined"},
            {"org.example.future", "m.undefined"},
        };
        for (size_t u = 0; u < 4; u++) {
            snprintf(slug, sizeof slug, "%s-unauthenticated-%zu", algs[a].tag, u);
            char comment[160];
            snprintf(comment, sizeof comment, "valid backup_mac, SessionData says unauthenticated=%s",
                     unauth[u].value);
            e |= mac_case(f, slug, R("SKB-012"), comment, algs[a].alg,
                          with_mac(cJSON_Duplicate(base, 1), "backup_mac", good), unauth[u].value,
                          0, "accept", "UNAUTHENTICATED_STATED", unauth[u].source);
        }
        free(good);
        cJSON_Delete(base);
    }
    /* v1 backups carrying v2-format keys (SKB-013). */
    cJSON *v1 = tv7_session_data();
    char *good = backup_mac(key, v1);
    /* SKB-014's other side: a key with a valid backup_mac keeps "authenticated" (no
     * m.legacy-v1), next to v1-without-backup-mac below. */
    e |= mac_case(f, "v1-with-valid-backup-mac", R("SKB-013", "SKB-014"),
                  "v1 backup, v1 mac valid, backup_mac valid (catalog TV-10): stays "
                  "authenticated", V1,
                  with_mac(cJSON_Duplicate(v1, 1), "backup_mac", good), NULL, 0, "accept",
                  "AUTHENTICATED", "authenticated");
    e |= mac_case(f, "v1-policy-unauthenticated", R("SKB-013"),
                  "v1 backup, everything valid, but the client treats v1 keys as unauthenticated",
                  V1, with_mac(cJSON_Duplicate(v1, 1), "backup_mac", good), NULL, 1, "accept",
                  "UNAUTHENTICATED_V1_POLICY", "m.legacy-v1");
    e |= mac_case(f, "v1-without-backup-mac", R("SKB-013", "SKB-014"),
                  "v1 backup, v1 mac valid, no backup_mac: kept, unauthenticated", V1,
                  cJSON_Duplicate(v1, 1), NULL, 0, "accept", "UNAUTHENTICATED_V1_NO_BACKUP_MAC",
                  "m.legacy-v1");
    {
        cJSON *m = cJSON_Duplicate(v1, 1);
        cJSON_ReplaceItemInObjectCaseSensitive(m, "mac", cJSON_CreateString("AAAAAAAAAAA"));
        e |= mac_case(f, "v1-bad-v1-mac", R("SKB-013", "BK-FMT-005"),
                      "v1 backup whose v1 mac is wrong: ignored", V1, m, NULL, 0, "ignore",
                      "IGNORED_V1_MAC", NULL);
    }
    e |= mac_case(f, "unknown-algorithm", R("SKB-009"), "an unknown backup algorithm",
                  "org.example.backup", with_mac(cJSON_Duplicate(v1, 1), "backup_mac", good), NULL,
                  0, "ignore", "IGNORED_UNKNOWN_ALGORITHM", NULL);
    free(good);
    cJSON_Delete(v1);
    return e;
}

int gen_skb(mxt_vg_file *f)
{
    int e = seed001(f);
    e |= msc4048(f);
    e |= gen_client_skb(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
