/* Backup cryptography (BK-FMT-004/005/012, SKB-008/011) against TV-6a, TV-7 and TV-10. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <string.h>
#include "backup_crypto.h"
#include "recovery_key.h"

/* unpadded base64 -> bytes, asserting the exact decoded length */
static void b64(const char *s, uint8_t *out, size_t want)
{
    size_t len = 0;
    cr_assert_eq(sodium_base642bin(out, want, s, strlen(s), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL_NO_PADDING), 0, "bad b64 %s", s);
    cr_assert_eq(len, want, "%s: %zu bytes, want %zu", s, len, want);
}

static void to_b64(const uint8_t *in, size_t n, char *out, size_t cap)
{
    sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

static void hex(const char *h, uint8_t *out, size_t n)
{
    size_t len = 0;
    cr_assert_eq(sodium_hex2bin(out, n, h, strlen(h), NULL, &len, NULL), 0);
    cr_assert_eq(len, n);
}

/* TV-7 (matrix-rust-sdk test_decrypt_key) */
static const char *TV7_KEY = "Ha9cklU/9NqFo9WKdVfGzmqUL/9wlkdxfEitbSIPVXw";
static const char *TV7_PUB = "6Q6b15s4YM2jCs38pHiN8wiRkiuCcvpsM9S3/qm31Co";
static const char *TV7_EPHEMERAL = "HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw";
static const char *TV7_MAC = "GtMrurhDTwo";
static const char *TV7_CIPHERTEXT_MAC = "NxwTUnssfYA";
static const char *TV7_CIPHERTEXT =
    "MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo7HfwqVl6tKNpfooSTHqUf6x1"
    "LHz+h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxalwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny9l5ZpsU9G7"
    "vCm3XoeYkWfLekWXvDhbqWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3AeWjf5kiqO"
    "pKKf5Cn4n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlCx+5N19Ftyp9TFaTFlTWCTi0mpD7e"
    "PfCNISrwpozAz9HZc0OhA8+1aSc7rhYFIeAYXFU326NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVKTxgrdT4N8l"
    "XeMr4ndCSmvIkAzFMo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVUwDfMh05PdG"
    "LnxeRpiEFWSMSsJNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+d8/S618";
static const char *TV7_PLAINTEXT =
    "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":\"wREG/hBdSspoqM9xPCEXd/4YwjpBFXlsobRky"
    "DTo/Q8\",\"session_key\":\"AQAAAABwCEYsl5BrvPW0N8HTYP11phC7LOzItQLS3Zen6j1j9qMydUHVDeuMLxwo5i3G"
    "YfLWGjJEjsCj0Q99TZMABnJBCFg9MheV8cNSBfj7mHSZr6NP8aUAAAOhsY+cJwPDHxcnU181nAEs0fovHnonZGXs6iB/K6s"
    "KfuRWUNvX50ORohgDT3TGl0gQFed1FQEtn2Q1qT35iTRfe81SGOnFJrOM\",\"sender_claimed_keys\":{\"ed25519\":"
    "\"MnNLGwn4j9ArCvtgU6o1jG8TgJaEXQpDTxz7QU0h7GM\"},\"forwarding_curve25519_key_chain\":[]}";

typedef struct {
    uint8_t key[32], eph[32], mac[8], vmac[8];
    uint8_t ct[464];
} tv7;

static void load_tv7(tv7 *v)
{
    b64(TV7_KEY, v->key, 32);
    b64(TV7_EPHEMERAL, v->eph, 32);
    b64(TV7_MAC, v->mac, 8);
    b64(TV7_CIPHERTEXT_MAC, v->vmac, 8);
    b64(TV7_CIPHERTEXT, v->ct, sizeof v->ct);
}

Test(backup_crypto, tv7_decrypts_with_mac_of_empty_string)
{
    tv7 v;
    uint8_t *pt = NULL;
    size_t len = 0;
    load_tv7(&v);
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct, v.mac, 8, &pt, &len), MXT_BKC_OK);
    cr_assert_eq(len, strlen(TV7_PLAINTEXT));
    cr_assert_eq(memcmp(pt, TV7_PLAINTEXT, len), 0, "got %s", (char *)pt);
    free(pt);
}

Test(backup_crypto, tv7_ciphertext_mac_is_reported_as_the_variant)
{
    tv7 v;
    uint8_t *pt = NULL;
    size_t len = 0;
    load_tv7(&v);
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct, v.vmac, 8, &pt, &len),
                 MXT_BKC_OK_CIPHERTEXT_MAC);
    cr_assert_eq(len, strlen(TV7_PLAINTEXT));
    cr_assert_eq(memcmp(pt, TV7_PLAINTEXT, len), 0);
    free(pt);
}

Test(backup_crypto, tv7_wrong_mac_or_key_rejected)
{
    tv7 v;
    uint8_t *pt = (uint8_t *)1;
    size_t len = 7;
    load_tv7(&v);
    v.mac[7] ^= 0x01;
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct, v.mac, 8, &pt, &len),
                 MXT_BKC_BAD_MAC);
    cr_assert_null(pt);
    cr_assert_eq(len, 0u);
    v.mac[7] ^= 0x01;
    v.key[0] ^= 0x80;
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct, v.mac, 8, &pt, &len),
                 MXT_BKC_BAD_MAC);
}

Test(backup_crypto, tv7_public_key_and_match)
{
    tv7 v;
    uint8_t pub[32], want[32];
    load_tv7(&v);
    b64(TV7_PUB, want, 32);
    cr_assert_eq(mxt_bk_public_key(v.key, pub), MXT_BKC_OK);
    cr_assert_eq(memcmp(pub, want, 32), 0);
    cr_assert_eq(mxt_bk_key_matches(v.key, want), 1);
    want[31] ^= 1;
    cr_assert_eq(mxt_bk_key_matches(v.key, want), 0);
}

Test(backup_crypto, tv6a_public_key_derivation)
{
    uint8_t priv[32], pub[32], want[32];
    char text[64];
    hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", priv, 32);
    hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", want, 32);
    cr_assert_eq(mxt_bk_public_key(priv, pub), MXT_BKC_OK);
    cr_assert_eq(memcmp(pub, want, 32), 0);
    to_b64(pub, 32, text, sizeof text);
    cr_assert_str_eq(text, "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo");
    cr_assert_eq(mxt_bk_key_matches(priv, want), 1);
    /* TV-6c's key is well formed but is not this backup's key */
    b64("QIVOB1juU0UvEdO6H3xdMsOahZAbwd4ezerFR9Rqbyc", want, 32);
    cr_assert_eq(mxt_bk_key_matches(priv, want), 0);
}

/* RFC 7748 Alice (backup key) and Bob (ephemeral) private keys. */
static const char *ALICE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char *BOB = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";

Test(backup_crypto, encrypt_decrypt_round_trip_fixed_keys)
{
    uint8_t priv[32], pub[32], eph[32], eph_pub[32], okm[80], hm[32];
    mxt_bk_sealed s1, s2;
    uint8_t *pt = NULL;
    size_t len = 0;
    hex(ALICE, priv, 32);
    hex(BOB, eph, 32);
    cr_assert_eq(mxt_bk_public_key(priv, pub), MXT_BKC_OK);
    cr_assert_eq(mxt_bk_public_key(eph, eph_pub), MXT_BKC_OK);

    for (size_t n = 0; n < 40; n += 7) {
        const uint8_t *msg = (const uint8_t *)TV7_PLAINTEXT;
        cr_assert_eq(mxt_bk_encrypt(pub, eph, msg, n, MXT_BK_MAC_EMPTY, &s1), MXT_BKC_OK);
        /* PKCS#7 always adds 1..16 bytes */
        cr_assert_eq(s1.ciphertext_len, (n / 16 + 1) * 16, "n=%zu", n);
        cr_assert_eq(memcmp(s1.ephemeral, eph_pub, 32), 0);
        /* deterministic for a given ephemeral key */
        cr_assert_eq(mxt_bk_encrypt(pub, eph, msg, n, MXT_BK_MAC_EMPTY, &s2), MXT_BKC_OK);
        cr_assert_eq(s2.ciphertext_len, s1.ciphertext_len);
        cr_assert_eq(memcmp(s1.ciphertext, s2.ciphertext, s1.ciphertext_len), 0);
        cr_assert_eq(memcmp(s1.mac, s2.mac, 8), 0);
        cr_assert_eq(mxt_bk_decrypt(priv, s1.ephemeral, s1.ciphertext, s1.ciphertext_len, s1.mac, 8,
                                    &pt, &len), MXT_BKC_OK, "n=%zu", n);
        cr_assert_eq(len, n);
        cr_assert_eq(memcmp(pt, msg, n), 0);
        free(pt);
        mxt_bk_sealed_free(&s1);
        mxt_bk_sealed_free(&s2);
    }

    /* The MAC written is HMAC(mac key, "") truncated, the mac key being okm[32:64] of the shared
     * secret: recompute from the other side of the exchange. */
    {
        uint8_t shared[32];
        cr_assert_eq(crypto_scalarmult(shared, priv, eph_pub), 0);
        cr_assert_eq(mxt_bk_kdf(shared, okm), MXT_BKC_OK);
        cr_assert_eq(mxt_bk_hmac_sha256(okm + 32, NULL, 0, hm), MXT_BKC_OK);
        cr_assert_eq(mxt_bk_encrypt(pub, eph, (const uint8_t *)"x", 1, MXT_BK_MAC_EMPTY, &s1),
                     MXT_BKC_OK);
        cr_assert_eq(memcmp(s1.mac, hm, 8), 0);
        mxt_bk_sealed_free(&s1);
    }
}

Test(backup_crypto, ciphertext_mac_mode_round_trips_as_variant)
{
    uint8_t priv[32], pub[32], eph[32];
    mxt_bk_sealed s;
    uint8_t *pt = NULL;
    size_t len = 0;
    hex(ALICE, priv, 32);
    hex(BOB, eph, 32);
    cr_assert_eq(mxt_bk_public_key(priv, pub), MXT_BKC_OK);
    cr_assert_eq(mxt_bk_encrypt(pub, eph, (const uint8_t *)"{}", 2, MXT_BK_MAC_CIPHERTEXT, &s),
                 MXT_BKC_OK);
    cr_assert_eq(mxt_bk_decrypt(priv, s.ephemeral, s.ciphertext, s.ciphertext_len, s.mac, 8, &pt,
                                &len), MXT_BKC_OK_CIPHERTEXT_MAC);
    cr_assert_eq(len, 2u);
    cr_assert_eq(memcmp(pt, "{}", 2), 0);
    free(pt);
    mxt_bk_sealed_free(&s);
}

Test(backup_crypto, tampered_ciphertext_passes_the_empty_mac_but_not_the_padding)
{
    /* BK-FMT-005: the MAC of the empty string does not cover the ciphertext, so a flipped bit in
     * the last block is only caught (here) by the PKCS#7 padding check. */
    uint8_t priv[32], pub[32], eph[32];
    mxt_bk_sealed s;
    uint8_t *pt = NULL;
    size_t len = 0;
    hex(ALICE, priv, 32);
    hex(BOB, eph, 32);
    cr_assert_eq(mxt_bk_public_key(priv, pub), MXT_BKC_OK);
    cr_assert_eq(mxt_bk_encrypt(pub, eph, (const uint8_t *)"0123456789", 10, MXT_BK_MAC_EMPTY, &s),
                 MXT_BKC_OK);
    cr_assert_eq(s.ciphertext_len, 16u);
    /* The MAC check passes (it does not depend on the ciphertext); with these fixed keys the
     * altered block decrypts to bytes whose last byte is not valid PKCS#7 padding. */
    s.ciphertext[15] ^= 0x5A;
    cr_assert_eq(mxt_bk_decrypt(priv, s.ephemeral, s.ciphertext, s.ciphertext_len, s.mac, 8, &pt,
                                &len), MXT_BKC_BAD_PADDING);
    cr_assert_null(pt);
    mxt_bk_sealed_free(&s);
}

Test(backup_crypto, malformed_lengths_and_points)
{
    tv7 v;
    uint8_t *pt = NULL;
    size_t len = 0;
    uint8_t zero[32] = {0};
    load_tv7(&v);
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct, v.mac, 7, &pt, &len),
                 MXT_BKC_BAD_LENGTH);
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, sizeof v.ct - 1, v.mac, 8, &pt, &len),
                 MXT_BKC_BAD_LENGTH);
    cr_assert_eq(mxt_bk_decrypt(v.key, v.eph, v.ct, 0, v.mac, 8, &pt, &len), MXT_BKC_BAD_LENGTH);
    /* an all-zero ephemeral key is a low-order point: X25519 output is all zero */
    cr_assert_eq(mxt_bk_decrypt(v.key, zero, v.ct, sizeof v.ct, v.mac, 8, &pt, &len),
                 MXT_BKC_BAD_POINT);
    cr_assert_null(pt);
}

/* TV-10: MSC4048 values derived from the TV-7 key. */
static const char *TV10_MAC_KEY = "0zMCh5iqQut0yauKKg47XuXUAmCNlMcRa/wTGZfeGmA";
static const char *TV10_BACKUP_MAC = "Q3Z4X36MdXmBzo0TwnCKirEtWYGwJepfRRTft7cM6Uc";

Test(backup_crypto, tv10_backup_mac_key)
{
    tv7 v;
    uint8_t mk[32];
    char text[64];
    load_tv7(&v);
    cr_assert_eq(mxt_bk_backup_mac_key(v.key, mk), MXT_BKC_OK);
    to_b64(mk, 32, text, sizeof text);
    cr_assert_str_eq(text, TV10_MAC_KEY);
}

Test(backup_crypto, tv10_backup_mac_over_canonical_bytes)
{
    tv7 v;
    uint8_t mk[32], h[32];
    char canon[1024], text[64];
    load_tv7(&v);
    cr_assert_eq(mxt_bk_backup_mac_key(v.key, mk), MXT_BKC_OK);
    snprintf(canon, sizeof canon, "{\"ciphertext\":\"%s\",\"ephemeral\":\"%s\",\"mac\":\"%s\"}",
             TV7_CIPHERTEXT, TV7_EPHEMERAL, TV7_MAC);
    cr_assert_eq(mxt_bk_hmac_sha256(mk, (const uint8_t *)canon, strlen(canon), h), MXT_BKC_OK);
    to_b64(h, 32, text, sizeof text);
    cr_assert_str_eq(text, TV10_BACKUP_MAC);
}

Test(backup_crypto, tv10_backup_mac_from_json_ignores_order_signatures_unsigned)
{
    tv7 v;
    uint8_t mk[32];
    char json[2048], out[MXT_BK_BACKUP_MAC_B64_LEN + 1];
    int cs = -1;
    load_tv7(&v);
    cr_assert_eq(mxt_bk_backup_mac_key(v.key, mk), MXT_BKC_OK);

    /* members out of order, with whitespace, "unsigned" (where the v2 MAC itself lives) and
     * "signatures": both are left out of the MAC'd bytes (SKB-011) */
    snprintf(json, sizeof json,
             "{ \"mac\": \"%s\", \"unsigned\": {\"backup_mac\": \"x\"},\n"
             "  \"ephemeral\": \"%s\", \"signatures\": {}, \"ciphertext\": \"%s\" }",
             TV7_MAC, TV7_EPHEMERAL, TV7_CIPHERTEXT);
    cr_assert_eq(mxt_bk_backup_mac(mk, (const uint8_t *)json, strlen(json), out, &cs), MXT_BKC_OK,
                 "core status %d", cs);
    cr_assert_str_eq(out, TV10_BACKUP_MAC);

    /* an unknown member is covered by the MAC: the value changes */
    snprintf(json, sizeof json,
             "{\"ciphertext\":\"%s\",\"ephemeral\":\"%s\",\"mac\":\"%s\",\"extra\":1}",
             TV7_CIPHERTEXT, TV7_EPHEMERAL, TV7_MAC);
    cr_assert_eq(mxt_bk_backup_mac(mk, (const uint8_t *)json, strlen(json), out, &cs), MXT_BKC_OK);
    cr_assert_str_neq(out, TV10_BACKUP_MAC);

    /* not an object, or not JSON: refused with the core's reason */
    cr_assert_eq(mxt_bk_backup_mac(mk, (const uint8_t *)"[1]", 3, out, &cs), MXT_BKC_BAD_LENGTH);
    cr_assert_neq(cs, 0);
    cr_assert_eq(mxt_bk_backup_mac(mk, (const uint8_t *)"{\"a\":", 5, out, &cs),
                 MXT_BKC_BAD_LENGTH);
    cr_assert_neq(cs, 0);
}

/* Recovery key (core codec) -> backup key -> public key: the "matches" check end to end. */
Test(backup_crypto, recovery_key_to_public_key_tv6c_tv7)
{
    static const struct { const char *recovery; const char *pub; } v[] = {
        /* TV-7: the recovery form of the decryption key, and its public key */
        { "EsT9 o94t XK7n JuLr 2XL9 pS3c HCJX umqU 17f4 dZyT WN5W Xu9G",
          "6Q6b15s4YM2jCs38pHiN8wiRkiuCcvpsM9S3/qm31Co" },
        /* TV-6c: well formed, but the key of another backup */
        { "EsU1 591R iFs4 8xe6 kR79 7wKu 8XTG xdmx 9PVW 8pX9 LAnC Pe5r",
          "QIVOB1juU0UvEdO6H3xdMsOahZAbwd4ezerFR9Rqbyc" },
    };
    uint8_t raw[35], key[32], pub[32], tv7_pub[32], tv7_key[32];
    mxt_where w;
    b64(TV7_PUB, tv7_pub, 32);
    b64(TV7_KEY, tv7_key, 32);
    for (size_t i = 0; i < 2; i++) {
        char text[64];
        cr_assert_eq(mxt_rk_decode(v[i].recovery, strlen(v[i].recovery), raw, key, &w), MXT_OK);
        cr_assert_eq(mxt_bk_public_key(key, pub), MXT_BKC_OK);
        to_b64(pub, 32, text, sizeof text);
        cr_assert_str_eq(text, v[i].pub, "case %zu", i);
        /* only the TV-7 recovery key opens the TV-7 backup */
        cr_assert_eq(mxt_bk_key_matches(key, tv7_pub), i == 0, "case %zu", i);
        cr_assert_eq(memcmp(key, tv7_key, 32) == 0, i == 0, "case %zu", i);
    }
}
