/* Signed JSON (SIG-001..007): the spec's and ruma's vectors, cross-signing signatures, mutations,
 * SIG-007 lookups, malformed signatures, and signing through conformance/lib/sign.c. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "canon.h"
#include "json.h"
#include "sign.h"
#include "signed_json.h"

/* TV-1: the spec appendix's signing key (the seed has non-zero trailing bits, SIG-006). */
#define SPEC_SEED "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
#define SPEC_PK "XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI"
#define SPEC_SIG_EMPTY "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"
#define SPEC_SIG_ONETWO "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
/* TV-2: ruma-signatures */
#define RUMA_SEED "2OjO919uwYS3oMP7tR/g+In9i9M1dXaYg9z+0DRP7q0"
#define RUMA_PK "3TPraTczVkDPTRaX4K+AfUuyx7Mzq1UafTXypnl0t2k"
#define RUMA_SIG_EMPTY "lXjsnvhVlz8t3etR+6AEJ0IT70WujeHC1CFjDDsVx0xSig1Bx7lvoi1x3j/2/GPNjQM4a2gD34UqsXFluaQEBA"
#define RUMA_SIG_ONETWO "t6Ehmh6XTDz7qNWI0QI5tNPSliWLPQP/+Fzz3LpdCS7q1k2G2/5b5Embs2j4uG3ZeivejrzqSVoBcdocRpa+AQ"
/* TV-8: cross-signing keys */
#define MSK_SEED "2lonYOM6xYKdEsO+6KrC766xBcHnYnim1x/4LFGF8B0"
#define MSK_PK "nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwk"
#define SSK_SEED "HvQBbU+hc2Zr+JP1sE0XwBe1pfZZEYtJNPJLZJtS+F8"
#define SSK_PK "EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ"
#define USK_SEED "4TL4AjRYwDVwD3pqQzcor+ez/euOB1/q78aTJ+czDNs"
#define USK_PK "Hq6gL+utB4ET+UvD5ci0kgAwsX6qP/zvf8v6OInU5iw"
#define ALICE "@alice:example.org"
#define SSK_OBJ "{\"keys\":{\"ed25519:" SSK_PK "\":\"" SSK_PK "\"},\"usage\":[\"self_signing\"],\"user_id\":\"" ALICE "\""
#define MSK_SIG_ON_SSK "RrIJ+v/yyiJ1xUIl6J7++7CWDZCFDh+QVrtwwMvagC+x36ERPLrMzPfAVnyPEiiVVlcR8U85OrAMhGkEgTrQDw"
#define DEV_OBJ "{\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\",\"m.megolm.v1.aes-sha2\"],\"device_id\":\"JLAFKJWSCS\",\"keys\":{\"curve25519:JLAFKJWSCS\":\"3C5BFWi2Y8MaVvjM8M22DBmh24PmgR0nPvJOIArzgyI\",\"ed25519:JLAFKJWSCS\":\"lEuiRJBit0IG6nUf5pUzWTUEsRVVe/HJkoKuEww9ULI\"},\"user_id\":\"" ALICE "\""
#define SSK_SIG_ON_DEV "VhYbo7s5Hs+libuD8Jh2cXYD42tU3nWv0CD+YB+vO4bOmlqh4KhcW8x5FMPta6q4JK/SLeFKzGys3fOA3RVpCw"

static void b64_32(const char *s, uint8_t out[32])
{
    size_t n = 0;
    mxt_where w;
    cr_assert_eq(mxt_b64_decode(s, strlen(s), MXT_B64_LENIENT, out, 32, &n, &w), MXT_OK, "%s", s);
    cr_assert_eq(n, 32);
}

static mxt_sig_result check_pk(const char *json, const char *user, const char *key_id,
                               const uint8_t pk[32])
{
    static mxt_json_token tok[512];
    static uint8_t scratch[8192];
    mxt_json_doc doc;
    mxt_where w;
    mxt_status st = mxt_json_parse((const uint8_t *)json, strlen(json), tok, 512, NULL, &doc, &w);
    cr_assert_eq(st, MXT_OK, "parse %s: %s at %zu", json, mxt_status_name(st), w.offset);
    mxt_sig_result res;
    memset(&res, 0xa5, sizeof res);
    size_t needed = 7;
    st = mxt_sig_check(&doc, 0, (const uint8_t *)user, strlen(user), (const uint8_t *)key_id,
                       strlen(key_id), pk, scratch, sizeof scratch, &needed, &res);
    cr_assert_eq(st, MXT_OK);
    if (res.verdict == MXT_SIG_VALID || res.verdict == MXT_SIG_INVALID) {
        cr_assert_eq(needed, res.signed_len);
        /* the evidence: the seam decides on exactly these bytes */
        cr_assert_eq(crypto_sign_verify_detached(res.sig, scratch, res.signed_len, pk) == 0,
                     res.verdict == MXT_SIG_VALID);
    }
    return res;
}

static mxt_sig_result check(const char *json, const char *user, const char *key_id,
                            const char *pk_b64)
{
    uint8_t pk[32];
    b64_32(pk_b64, pk);
    return check_pk(json, user, key_id, pk);
}

#define ASSERT_VERDICT(res, v, r)                                                                  \
    do {                                                                                           \
        mxt_sig_result r_ = (res);                                                                 \
        cr_assert_eq(r_.verdict, (v), "verdict %s/%s", mxt_sig_verdict_name(r_.verdict),           \
                     mxt_sig_reason_name(r_.reason));                                              \
        cr_assert_eq(r_.reason, (r), "reason %s", mxt_sig_reason_name(r_.reason));                 \
    } while (0)

static char *signed_doc(const char *body_members, const char *user, const char *key_id,
                        const char *sig)
{
    /* body_members: "" or "\"a\":1," style prefix */
    static char buf[4096];
    snprintf(buf, sizeof buf, "{%s\"signatures\":{\"%s\":{\"%s\":\"%s\"}}}", body_members, user,
             key_id, sig);
    return buf;
}

Test(sig, tv1_spec_key_derivation)
{
    uint8_t seed[32], pk[32], want[32];
    b64_32(SPEC_SEED, seed);
    b64_32(SPEC_PK, want);
    cr_assert_eq(mxt_ed25519_pk_from_seed(seed, pk), 0);
    cr_assert(memcmp(pk, want, 32) == 0);
}

Test(sig, tv1_spec_vectors_valid)
{
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", SPEC_SIG_EMPTY), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check(signed_doc("\"one\":1,\"two\":\"Two\",", "domain", "ed25519:1",
                                    SPEC_SIG_ONETWO), "domain", "ed25519:1", SPEC_PK),
                   MXT_SIG_VALID, MXT_SIGR_OK);
    /* the two signatures are not interchangeable */
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", SPEC_SIG_ONETWO), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
}

Test(sig, tv1_signing_reproduces_spec_signatures)
{
    uint8_t seed[32], sig[64];
    b64_32(SPEC_SEED, seed);
    mxt_sign_error err;
    const char *in[2] = {"{}", "{\"two\":\"Two\",\"one\":1}"};
    const char *want[2] = {SPEC_SIG_EMPTY, SPEC_SIG_ONETWO};
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(mxt_sign_json_detached((const uint8_t *)in[i], strlen(in[i]), seed, sig, &err), 0);
        char enc[100];
        size_t n = 0;
        cr_assert_eq(mxt_b64_encode(sig, 64, enc, sizeof enc, &n), MXT_OK);
        enc[n] = 0;
        cr_assert_str_eq(enc, want[i]);
        char *out = NULL;
        size_t olen = 0;
        cr_assert_eq(mxt_sign_json((const uint8_t *)in[i], strlen(in[i]), "domain", "ed25519:1",
                                   seed, &out, &olen, &err), 0, "%s", err.msg);
        char expect[300];
        snprintf(expect, sizeof expect, "{%s\"signatures\":{\"domain\":{\"ed25519:1\":\"%s\"}}%s}",
                 i == 0 ? "" : "\"one\":1,", want[i], i == 0 ? "" : ",\"two\":\"Two\"");
        cr_assert_str_eq(out, expect);
        cr_assert_eq(olen, strlen(expect));
        free(out);
    }
}

Test(sig, tv2_ruma_vectors)
{
    uint8_t seed[32], pk[32], want[32];
    b64_32(RUMA_SEED, seed);
    b64_32(RUMA_PK, want);
    cr_assert_eq(mxt_ed25519_pk_from_seed(seed, pk), 0);
    cr_assert(memcmp(pk, want, 32) == 0);
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", RUMA_SIG_EMPTY), "domain",
                         "ed25519:1", RUMA_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    /* input key order does not matter: ruma signs the reverse order */
    ASSERT_VERDICT(check(signed_doc("\"two\":\"Two\",\"one\":1,", "domain", "ed25519:1",
                                    RUMA_SIG_ONETWO), "domain", "ed25519:1", RUMA_PK),
                   MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check("{\"signatures\":{\"domain\":{\"ed25519:1\":\"" RUMA_SIG_ONETWO
                         "\"}},\"one\":1,\"two\":\"Two\"}", "domain", "ed25519:1", RUMA_PK),
                   MXT_SIG_VALID, MXT_SIGR_OK);
    /* negative case: a string instead of an object under signatures[domain] */
    ASSERT_VERDICT(check("{\"not\":\"empty\",\"signatures\":{\"domain\":\"" RUMA_SIG_EMPTY "\"}}",
                         "domain", "ed25519:1", RUMA_PK),
                   MXT_SIG_MALFORMED, MXT_SIGR_USER_NOT_OBJECT);
    /* the spec key does not verify ruma's signatures */
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", RUMA_SIG_EMPTY), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
}

Test(sig, tv8_cross_signing)
{
    const char *seeds[3] = {MSK_SEED, SSK_SEED, USK_SEED};
    const char *pks[3] = {MSK_PK, SSK_PK, USK_PK};
    for (int i = 0; i < 3; i++) {
        uint8_t seed[32], pk[32], want[32];
        b64_32(seeds[i], seed);
        b64_32(pks[i], want);
        cr_assert_eq(mxt_ed25519_pk_from_seed(seed, pk), 0);
        cr_assert(memcmp(pk, want, 32) == 0, "key %d", i);
    }
    ASSERT_VERDICT(check(SSK_OBJ ",\"signatures\":{\"" ALICE "\":{\"ed25519:" MSK_PK "\":\""
                         MSK_SIG_ON_SSK "\"}}}", ALICE, "ed25519:" MSK_PK, MSK_PK),
                   MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check(DEV_OBJ ",\"signatures\":{\"" ALICE "\":{\"ed25519:" SSK_PK "\":\""
                         SSK_SIG_ON_DEV "\"}},\"unsigned\":{\"device_display_name\":\"x\"}}",
                         ALICE, "ed25519:" SSK_PK, SSK_PK),
                   MXT_SIG_VALID, MXT_SIGR_OK);
    /* the user-signing key did not sign the device */
    ASSERT_VERDICT(check(DEV_OBJ ",\"signatures\":{\"" ALICE "\":{\"ed25519:" SSK_PK "\":\""
                         SSK_SIG_ON_DEV "\"}}}", ALICE, "ed25519:" SSK_PK, USK_PK),
                   MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
    /* signing the TV-8 objects reproduces the TV-8 signatures */
    uint8_t seed[32], sig[64];
    char enc[100];
    size_t n = 0;
    mxt_sign_error err;
    b64_32(MSK_SEED, seed);
    cr_assert_eq(mxt_sign_json_detached((const uint8_t *)SSK_OBJ "}", strlen(SSK_OBJ "}"), seed, sig, &err), 0);
    cr_assert_eq(mxt_b64_encode(sig, 64, enc, sizeof enc, &n), MXT_OK);
    enc[n] = 0;
    cr_assert_str_eq(enc, MSK_SIG_ON_SSK);
    b64_32(SSK_SEED, seed);
    cr_assert_eq(mxt_sign_json_detached((const uint8_t *)DEV_OBJ "}", strlen(DEV_OBJ "}"), seed, sig, &err), 0);
    cr_assert_eq(mxt_b64_encode(sig, 64, enc, sizeof enc, &n), MXT_OK);
    enc[n] = 0;
    cr_assert_str_eq(enc, SSK_SIG_ON_DEV);
}

#define ONETWO_SIGS "\"signatures\":{\"domain\":{\"ed25519:1\":\"" SPEC_SIG_ONETWO "\"}}"

Test(sig, sig005_unsigned_does_not_count)
{
    const char *ok[] = {
        "{\"one\":1,\"two\":\"Two\"," ONETWO_SIGS ",\"unsigned\":{}}",
        "{\"one\":1,\"two\":\"Two\"," ONETWO_SIGS ",\"unsigned\":{\"age_ts\":12345}}",
        "{\"unsigned\":\"anything\",\"one\":1,\"two\":\"Two\"," ONETWO_SIGS "}",
        "{\"two\":\"Two\"," ONETWO_SIGS ",\"one\":1}",
        "{ \"one\" : 1 ,\n \"two\" : \"\\u0054wo\" , " ONETWO_SIGS " }",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        ASSERT_VERDICT(check(ok[i], "domain", "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
}

Test(sig, sig005_any_other_change_invalidates)
{
    const char *bad[] = {
        "{\"one\":2,\"two\":\"Two\"," ONETWO_SIGS "}",
        "{\"one\":1,\"two\":\"two\"," ONETWO_SIGS "}",
        "{\"one\":1,\"two\":\"Two\",\"three\":3," ONETWO_SIGS "}",
        "{\"one\":1," ONETWO_SIGS "}",
        "{\"one\":1,\"two\":\"Two\",\"Unsigned\":{}," ONETWO_SIGS "}",
        "{\"one\":1,\"two\":\"Two\",\"signature\":{}," ONETWO_SIGS "}",
        "{\"one\":[1],\"two\":\"Two\"," ONETWO_SIGS "}",
        "{\"one\":1,\"two\":\"Two\",\"x\":null," ONETWO_SIGS "}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ASSERT_VERDICT(check(bad[i], "domain", "ed25519:1", SPEC_PK), MXT_SIG_INVALID,
                       MXT_SIGR_ED25519_REJECTED);
}

Test(sig, sig005_flipped_signature_bits)
{
    uint8_t sig[64];
    size_t n = 0;
    mxt_where w;
    cr_assert_eq(mxt_b64_decode(SPEC_SIG_ONETWO, strlen(SPEC_SIG_ONETWO), MXT_B64_LENIENT, sig,
                                64, &n, &w), MXT_OK);
    for (int bit = 0; bit < 512; bit += 7) {
        uint8_t s2[64];
        memcpy(s2, sig, 64);
        s2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        char enc[100];
        cr_assert_eq(mxt_b64_encode(s2, 64, enc, sizeof enc, &n), MXT_OK);
        enc[n] = 0;
        ASSERT_VERDICT(check(signed_doc("\"one\":1,\"two\":\"Two\",", "domain", "ed25519:1", enc),
                             "domain", "ed25519:1", SPEC_PK),
                       MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
    }
    /* a flipped public key bit too */
    uint8_t pk[32];
    b64_32(SPEC_PK, pk);
    pk[5] ^= 0x10;
    ASSERT_VERDICT(check_pk(signed_doc("", "domain", "ed25519:1", SPEC_SIG_EMPTY), "domain",
                            "ed25519:1", pk), MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
}

Test(sig, sig007_only_this_users_entry)
{
    /* a valid signature stored under another user is not a signature by this user */
    ASSERT_VERDICT(check(signed_doc("", "other.example", "ed25519:1", SPEC_SIG_EMPTY), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_MISSING, MXT_SIGR_NO_USER);
    /* ... even when this user's entry exists with other keys */
    ASSERT_VERDICT(check("{\"signatures\":{\"domain\":{\"ed25519:2\":\"" SPEC_SIG_EMPTY
                         "\"},\"other\":{\"ed25519:1\":\"" SPEC_SIG_EMPTY "\"}}}",
                         "domain", "ed25519:1", SPEC_PK), MXT_SIG_MISSING, MXT_SIGR_NO_KEY);
    /* user IDs are compared exactly, after unescaping */
    ASSERT_VERDICT(check(signed_doc("", "Domain", "ed25519:1", SPEC_SIG_EMPTY), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_MISSING, MXT_SIGR_NO_USER);
    ASSERT_VERDICT(check(signed_doc("", "\\u0064omain", "ed25519:1", SPEC_SIG_EMPTY), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    /* no signatures at all */
    ASSERT_VERDICT(check("{\"one\":1}", "domain", "ed25519:1", SPEC_PK), MXT_SIG_MISSING,
                   MXT_SIGR_NO_SIGNATURES);
    ASSERT_VERDICT(check("{\"unsigned\":{\"signatures\":{\"domain\":{\"ed25519:1\":\""
                         SPEC_SIG_EMPTY "\"}}}}", "domain", "ed25519:1", SPEC_PK),
                   MXT_SIG_MISSING, MXT_SIGR_NO_SIGNATURES);
}

Test(sig, malformed_cases)
{
    ASSERT_VERDICT(check("[]", "domain", "ed25519:1", SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_NOT_OBJECT);
    ASSERT_VERDICT(check("\"x\"", "domain", "ed25519:1", SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_NOT_OBJECT);
    ASSERT_VERDICT(check("{\"signatures\":[]}", "domain", "ed25519:1", SPEC_PK), MXT_SIG_MALFORMED,
                   MXT_SIGR_SIGNATURES_NOT_OBJECT);
    ASSERT_VERDICT(check("{\"signatures\":{\"domain\":{\"ed25519:1\":7}}}", "domain", "ed25519:1",
                         SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_NOT_STRING);
    ASSERT_VERDICT(check("{\"signatures\":{\"domain\":{\"ed25519:1\":null}}}", "domain", "ed25519:1",
                         SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_NOT_STRING);
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", "K8280!U9"), "domain", "ed25519:1",
                         SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_BASE64);
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", "K8280-U9SSy9IVtjBuVeLr-HpOB4BQFWbg-UZaADMtTdGYI7Geitb76LTrr5QV_7Xg4ahLwYGYZzuHGZKM5ZAQ"),
                         "domain", "ed25519:1", SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_BASE64);
    /* 63 and 65 bytes */
    uint8_t raw[65];
    memset(raw, 0x42, sizeof raw);
    char enc[100];
    size_t n = 0;
    for (size_t len = 63; len <= 65; len += 2) {
        cr_assert_eq(mxt_b64_encode(raw, len, enc, sizeof enc, &n), MXT_OK);
        enc[n] = 0;
        ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", enc), "domain", "ed25519:1",
                             SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_LENGTH);
    }
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", ""), "domain", "ed25519:1",
                         SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_LENGTH);
    /* far too long: not even decoded */
    char longsig[400];
    memset(longsig, 'A', sizeof longsig - 1);
    longsig[sizeof longsig - 1] = 0;
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", longsig), "domain", "ed25519:1",
                         SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_SIG_LENGTH);
    /* SIG-002: key IDs */
    const char *bad_ids[] = {"ed25519:", "ed25519", "curve25519:1", "Ed25519:1", "", "ed25519;1"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++)
        ASSERT_VERDICT(check(signed_doc("", "domain", bad_ids[i], SPEC_SIG_EMPTY), "domain",
                             bad_ids[i], SPEC_PK), MXT_SIG_MALFORMED, MXT_SIGR_BAD_KEY_ID);
    /* the key ID is checked before anything else */
    ASSERT_VERDICT(check("[]", "domain", "curve25519:1", SPEC_PK), MXT_SIG_MALFORMED,
                   MXT_SIGR_BAD_KEY_ID);
}

Test(sig, base64_forms_accepted)
{
    /* padded (SIG-006 SHOULD accept) and with an escaped solidus in the JSON string */
    ASSERT_VERDICT(check(signed_doc("", "domain", "ed25519:1", SPEC_SIG_EMPTY "=="), "domain",
                         "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check("{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280\\/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV\\/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}",
                         "domain", "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
}

Test(sig, scratch_too_small_then_retry)
{
    static mxt_json_token tok[64];
    const char *json = "{\"one\":1,\"two\":\"Two\"," ONETWO_SIGS "}";
    mxt_json_doc doc;
    mxt_where w;
    cr_assert_eq(mxt_json_parse((const uint8_t *)json, strlen(json), tok, 64, NULL, &doc, &w), MXT_OK);
    uint8_t pk[32], scratch[64];
    b64_32(SPEC_PK, pk);
    mxt_sig_result res;
    size_t needed = 0;
    cr_assert_eq(mxt_sig_check(&doc, 0, (const uint8_t *)"domain", 6, (const uint8_t *)"ed25519:1", 9,
                               pk, scratch, 10, &needed, &res), MXT_OK);
    ASSERT_VERDICT(res, MXT_SIG_MALFORMED, MXT_SIGR_CANON);
    cr_assert_eq(needed, strlen("{\"one\":1,\"two\":\"Two\"}"));
    cr_assert_eq(mxt_sig_check(&doc, 0, (const uint8_t *)"domain", 6, (const uint8_t *)"ed25519:1", 9,
                               pk, scratch, needed, NULL, &res), MXT_OK);
    ASSERT_VERDICT(res, MXT_SIG_VALID, MXT_SIGR_OK);
    cr_assert_eq(res.signed_len, needed);
    cr_assert(memcmp(scratch, "{\"one\":1,\"two\":\"Two\"}", needed) == 0);
}

Test(sig, signing_keeps_signatures_and_unsigned)
{
    uint8_t s1[32], s2[32];
    b64_32(SPEC_SEED, s1);
    b64_32(RUMA_SEED, s2);
    const char *in = "{\"unsigned\":{\"age\":1},\"b\":\"\\u00e9\",\"a\":[1,{\"z\":true}]}";
    char *o1 = NULL, *o2 = NULL;
    size_t l1 = 0, l2 = 0;
    mxt_sign_error err;
    cr_assert_eq(mxt_sign_json((const uint8_t *)in, strlen(in), "domain", "ed25519:1", s1, &o1, &l1, &err), 0, "%s", err.msg);
    cr_assert_eq(mxt_sign_json((const uint8_t *)o1, l1, "@bob:example.org", "ed25519:DEV", s2, &o2, &l2, &err), 0, "%s", err.msg);
    cr_assert(strstr(o2, "\"unsigned\":{\"age\":1}") != NULL, "%s", o2);
    ASSERT_VERDICT(check(o2, "domain", "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check(o2, "@bob:example.org", "ed25519:DEV", RUMA_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    /* re-signing with the same key replaces, and the output is canonical (a fixed point) */
    char *o3 = NULL;
    size_t l3 = 0;
    cr_assert_eq(mxt_sign_json((const uint8_t *)o2, l2, "domain", "ed25519:1", s1, &o3, &l3, &err), 0);
    cr_assert_str_eq(o3, o2);
    /* a second key of the same user sits next to the first */
    char *o4 = NULL;
    size_t l4 = 0;
    cr_assert_eq(mxt_sign_json((const uint8_t *)o2, l2, "domain", "ed25519:2", s2, &o4, &l4, &err), 0);
    ASSERT_VERDICT(check(o4, "domain", "ed25519:1", SPEC_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    ASSERT_VERDICT(check(o4, "domain", "ed25519:2", RUMA_PK), MXT_SIG_VALID, MXT_SIGR_OK);
    free(o1);
    free(o2);
    free(o3);
    free(o4);
}

Test(sig, signing_rejects)
{
    uint8_t s1[32];
    b64_32(SPEC_SEED, s1);
    char *o = NULL;
    size_t l = 0;
    mxt_sign_error err;
    cr_assert_eq(mxt_sign_json((const uint8_t *)"[1]", 3, "d", "ed25519:1", s1, &o, &l, &err), -1);
    cr_assert_eq(mxt_sign_json((const uint8_t *)"{\"a\":1,\"a\":2}", 13, "d", "ed25519:1", s1, &o, &l, &err), -1);
    cr_assert_eq(err.status, MXT_E_DUPLICATE_KEY);
    cr_assert_eq(err.offset, 7);
    cr_assert_eq(mxt_sign_json((const uint8_t *)"{}", 2, "d", "curve25519:1", s1, &o, &l, &err), -1);
    cr_assert_eq(mxt_sign_json((const uint8_t *)"{\"signatures\":{\"d\":1}}", 22, "d", "ed25519:1", s1, &o, &l, &err), -1);
    cr_assert_null(o);
}

Test(sig, names)
{
    cr_assert_str_eq(mxt_sig_verdict_name(MXT_SIG_VALID), "valid");
    cr_assert_str_eq(mxt_sig_verdict_name(MXT_SIG_MISSING), "missing");
    cr_assert_str_eq(mxt_sig_verdict_name(MXT_SIG_INVALID), "invalid");
    cr_assert_str_eq(mxt_sig_verdict_name(MXT_SIG_MALFORMED), "malformed");
    cr_assert_str_eq(mxt_sig_reason_name(MXT_SIGR_ED25519_REJECTED), "ED25519_REJECTED");
    cr_assert_str_eq(mxt_sig_reason_name(MXT_SIGR_USER_NOT_OBJECT), "USER_NOT_OBJECT");
}
