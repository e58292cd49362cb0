/* Backup object shapes (BK-FMT-001/003/006/007/008/013), TV-7 and TV-11. */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bk_fmt.h"

typedef struct {
    mxt_json_token tok[512];
    mxt_json_doc doc;
    char text[8192];
} parsed;

/* Reads json into the caller's (automatic) storage: the core's contracts need no heap, nor do
 * their tests. */
static void parse(parsed *p, const char *json)
{
    mxt_where w;
    memset(p, 0, sizeof *p);
    cr_assert_lt(strlen(json), sizeof p->text);
    strcpy(p->text, json);
    cr_assert_eq(mxt_json_parse((const uint8_t *)p->text, strlen(p->text), p->tok, 512, NULL,
                                &p->doc, &w), MXT_OK, "parse failed at %zu: %s", w.offset, json);
}

#define EXPECT(res, m, pr)                                                                        \
    do {                                                                                          \
        cr_assert_eq((res).member, (m), "member %s, problem %s", mxt_bkf_member_name((res).member), \
                     mxt_bkf_problem_name((res).problem));                                        \
        cr_assert_eq((res).problem, (pr), "member %s, problem %s",                                \
                     mxt_bkf_member_name((res).member), mxt_bkf_problem_name((res).problem));     \
    } while (0)

static mxt_bkf_result auth(const char *json, uint8_t *pk)
{
    parsed pbuf, *p = &pbuf;
    parse(p, json);
    mxt_bkf_result r = { MXT_BKF_M_ROOT, MXT_BKF_P_TOO_LONG };
    mxt_bkf_auth_data(&p->doc, 0, pk, &r);
    return r;
}

static mxt_bkf_result sdata_cap(const char *json, size_t cap)
{
    parsed pbuf, *p = &pbuf;
    parse(p, json);
    uint8_t scratch[cap ? cap : 1]; /* exactly cap bytes, so ASan sees any write past it */
    mxt_bkf_result r = { MXT_BKF_M_ROOT, MXT_BKF_P_TOO_LONG };
    mxt_bkf_session_data(&p->doc, 0, scratch, cap, &r);
    return r;
}

static mxt_bkf_result sdata(const char *json)
{
    return sdata_cap(json, strlen(json));
}

static mxt_bkf_result plain(const char *json)
{
    parsed pbuf, *p = &pbuf;
    parse(p, json);
    mxt_bkf_result r = { MXT_BKF_M_ROOT, MXT_BKF_P_TOO_LONG };
    mxt_bkf_session_plain(&p->doc, 0, &r);
    return r;
}

static mxt_bkf_result alg(const char *json)
{
    parsed pbuf, *p = &pbuf;
    parse(p, json);
    mxt_bkf_result r = { MXT_BKF_M_ROOT, MXT_BKF_P_TOO_LONG };
    mxt_bkf_algorithm(&p->doc, 0, &r);
    return r;
}

Test(bk_fmt, bk_fmt_013_algorithm_identifier)
{
    EXPECT(alg("\"m.megolm_backup.v1.curve25519-aes-sha2\""), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* escapes are read: same string */
    EXPECT(alg("\"m.megolm_backup.v1.curve25519\\u002daes-sha2\""), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* the SyTest/Complement fixture value is not the algorithm */
    EXPECT(alg("\"m.megolm_backup.v1\""), MXT_BKF_M_ALGORITHM, MXT_BKF_P_VALUE);
    EXPECT(alg("\"m.megolm_backup.v1.curve25519-aes-sha2 \""), MXT_BKF_M_ALGORITHM, MXT_BKF_P_VALUE);
    EXPECT(alg("\"m.backup.v2.curve25519-aes-sha2\""), MXT_BKF_M_ALGORITHM, MXT_BKF_P_VALUE);
    EXPECT(alg("1"), MXT_BKF_M_ALGORITHM, MXT_BKF_P_WRONG_TYPE);
}

#define TV6A_PUB "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo"

Test(bk_fmt, bk_fmt_001_auth_data_accepted)
{
    uint8_t pk[32], want[32];
    size_t len = 0;
    cr_assert_eq(sodium_base642bin(want, 32, TV6A_PUB, strlen(TV6A_PUB), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL_NO_PADDING), 0);
    memset(pk, 0, sizeof pk);
    EXPECT(auth("{\"public_key\":\"" TV6A_PUB "\"}", pk), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    cr_assert_eq(memcmp(pk, want, 32), 0);
    /* signatures object and extra members allowed; padded base64 and an escaped '/' too */
    EXPECT(auth("{\"signatures\":{\"@a:b\":{\"ed25519:X\":\"sig\"}},\"extra\":[1,2],"
                "\"public_key\":\"" TV6A_PUB "\"}", NULL), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    EXPECT(auth("{\"public_key\":\"" TV6A_PUB "=\"}", NULL), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* TV-6g: the auth_data public key of matrix-rust-sdk's test_verify_auth_data */
    EXPECT(auth("{\"public_key\":\"XjhWTCjW7l59pbfx9tlCBQolfnIQWARoKOzjTOPSlWM\",\"signatures\":{}}",
                NULL), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    memset(pk, 0, sizeof pk);
    EXPECT(auth("{\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2\\/Og0mOBr066SpjqqbTmo\"}", pk),
           MXT_BKF_M_NONE, MXT_BKF_P_OK);
    cr_assert_eq(memcmp(pk, want, 32), 0);
}

Test(bk_fmt, bk_fmt_001_auth_data_rejected)
{
    EXPECT(auth("[]", NULL), MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
    EXPECT(auth("{}", NULL), MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_MISSING);
    EXPECT(auth("{\"public_key\":32}", NULL), MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_WRONG_TYPE);
    EXPECT(auth("{\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTm\"}", NULL),
           MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_LENGTH);   /* 31 bytes */
    EXPECT(auth("{\"public_key\":\"" TV6A_PUB "AAAA\"}", NULL), MXT_BKF_M_PUBLIC_KEY,
           MXT_BKF_P_LENGTH);   /* 35 bytes */
    EXPECT(auth("{\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066Spjqqb!mo\"}", NULL),
           MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_BASE64);
    EXPECT(auth("{\"public_key\":\"hSDwCYkwp1R0i33ctD73Wg2-Og0mOBr066SpjqqbTmo\"}", NULL),
           MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_BASE64);   /* URL-safe alphabet is not base64 here */
    EXPECT(auth("{\"public_key\":\"" TV6A_PUB "\",\"signatures\":\"x\"}", NULL),
           MXT_BKF_M_SIGNATURES, MXT_BKF_P_WRONG_TYPE);
    EXPECT(auth("{\"public_key\":\"" TV6A_PUB "\",\"signatures\":[]}", NULL),
           MXT_BKF_M_SIGNATURES, MXT_BKF_P_WRONG_TYPE);
}

/* TV-7 */
#define TV7_EPH "HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw"
#define TV7_MAC "GtMrurhDTwo"
#define TV7_CT                                                                                   \
    "MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo7HfwqVl6tKNpfooSTHqUf6x1"  \
    "LHz+h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxalwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny9l5ZpsU9G7"  \
    "vCm3XoeYkWfLekWXvDhbqWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3AeWjf5kiqO"  \
    "pKKf5Cn4n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlCx+5N19Ftyp9TFaTFlTWCTi0mpD7e"  \
    "PfCNISrwpozAz9HZc0OhA8+1aSc7rhYFIeAYXFU326NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVKTxgrdT4N8l"  \
    "XeMr4ndCSmvIkAzFMo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVUwDfMh05PdG"  \
    "LnxeRpiEFWSMSsJNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+d8/S618"

static char *session_data_with(const char *eph, const char *ct, const char *mac)
{
    static char buf[8192];
    int w = snprintf(buf, sizeof buf, "{\"ephemeral\":\"%s\",\"ciphertext\":\"%s\",\"mac\":\"%s\"}",
                     eph, ct, mac);
    cr_assert(w >= 0 && (size_t)w < sizeof buf, "session_data fixture too long");
    return buf;
}

static void b64_of_len(size_t n, char *out, size_t cap)
{
    uint8_t *b = calloc(n ? n : 1, 1);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(i * 7u + 3u);
    sodium_bin2base64(out, cap, b, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    free(b);
}

Test(bk_fmt, bk_fmt_003_session_data_tv7_and_sizes)
{
    static char ct[8192];
    EXPECT(sdata(session_data_with(TV7_EPH, TV7_CT, TV7_MAC)), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* any member order, other members allowed (e.g. the MSC4048 "unsigned") */
    EXPECT(sdata("{\"mac\":\"" TV7_MAC "\",\"unsigned\":{\"backup_mac\":\"x\"},\"ciphertext\":\""
                 TV7_CT "\",\"ephemeral\":\"" TV7_EPH "\"}"), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* ciphertext sizes: multiples of 16 accepted, across several 192-byte chunks */
    static const size_t good[] = {16, 32, 176, 192, 208, 384, 400, 4096};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        b64_of_len(good[i], ct, sizeof ct);
        EXPECT(sdata(session_data_with(TV7_EPH, ct, TV7_MAC)), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    }
    static const size_t bad[] = {0, 1, 15, 17, 191, 193, 200, 4095};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b64_of_len(bad[i], ct, sizeof ct);
        mxt_bkf_result r = sdata(session_data_with(TV7_EPH, ct, TV7_MAC));
        cr_assert_eq(r.member, MXT_BKF_M_CIPHERTEXT, "len %zu", bad[i]);
        cr_assert_eq(r.problem, MXT_BKF_P_LENGTH, "len %zu: %s", bad[i],
                     mxt_bkf_problem_name(r.problem));
    }
}

Test(bk_fmt, bk_fmt_003_session_data_rejected)
{
    static char ct[8192];
    EXPECT(sdata("\"x\""), MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
    EXPECT(sdata("{\"ciphertext\":\"" TV7_CT "\",\"mac\":\"" TV7_MAC "\"}"), MXT_BKF_M_EPHEMERAL,
           MXT_BKF_P_MISSING);
    EXPECT(sdata("{\"ephemeral\":\"" TV7_EPH "\",\"mac\":\"" TV7_MAC "\"}"), MXT_BKF_M_CIPHERTEXT,
           MXT_BKF_P_MISSING);
    EXPECT(sdata("{\"ephemeral\":\"" TV7_EPH "\",\"ciphertext\":\"" TV7_CT "\"}"), MXT_BKF_M_MAC,
           MXT_BKF_P_MISSING);
    EXPECT(sdata(session_data_with("HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpR", TV7_CT, TV7_MAC)),
           MXT_BKF_M_EPHEMERAL, MXT_BKF_P_LENGTH);
    EXPECT(sdata(session_data_with(TV7_EPH, TV7_CT, "GtMrurhDTwoA")), MXT_BKF_M_MAC,
           MXT_BKF_P_LENGTH);   /* 9 bytes */
    EXPECT(sdata(session_data_with(TV7_EPH, TV7_CT, "GtMrurhDTw")), MXT_BKF_M_MAC,
           MXT_BKF_P_LENGTH);   /* 7 bytes */
    /* the full 32-byte HMAC is not the v1 mac */
    EXPECT(sdata(session_data_with(TV7_EPH, TV7_CT, TV6A_PUB)), MXT_BKF_M_MAC, MXT_BKF_P_LENGTH);
    EXPECT(sdata(session_data_with(TV7_EPH, TV7_CT, "GtMr*rhDTwo")), MXT_BKF_M_MAC,
           MXT_BKF_P_BASE64);
    EXPECT(sdata("{\"ephemeral\":\"" TV7_EPH "\",\"ciphertext\":464,\"mac\":\"" TV7_MAC "\"}"),
           MXT_BKF_M_CIPHERTEXT, MXT_BKF_P_WRONG_TYPE);
    /* padding in the middle of a long ciphertext (inside the first 256-character chunk) */
    b64_of_len(400, ct, sizeof ct);
    ct[100] = '=';
    EXPECT(sdata(session_data_with(TV7_EPH, ct, TV7_MAC)), MXT_BKF_M_CIPHERTEXT, MXT_BKF_P_BASE64);
    /* "AA==" ending exactly at a chunk boundary, followed by more data */
    b64_of_len(400, ct, sizeof ct);
    ct[254] = '=';
    ct[255] = '=';
    EXPECT(sdata(session_data_with(TV7_EPH, ct, TV7_MAC)), MXT_BKF_M_CIPHERTEXT, MXT_BKF_P_BASE64);
    /* scratch too small for the ciphertext: not a verdict, reported as such */
    EXPECT(sdata_cap(session_data_with(TV7_EPH, TV7_CT, TV7_MAC), 100), MXT_BKF_M_CIPHERTEXT,
           MXT_BKF_P_TOO_LONG);
    EXPECT(sdata_cap(session_data_with(TV7_EPH, TV7_CT, TV7_MAC), 0), MXT_BKF_M_CIPHERTEXT,
           MXT_BKF_P_TOO_LONG);
}

/* TV-7 plaintext, as decrypted (not key-sorted) */
/* TV-7's keys: sender_key (Curve25519) and sender_claimed_keys.ed25519, unpadded base64 of 32 bytes */
#define SK "wREG/hBdSspoqM9xPCEXd/4YwjpBFXlsobRkyDTo/Q8"
#define EK "MnNLGwn4j9ArCvtgU6o1jG8TgJaEXQpDTxz7QU0h7GM"
#define TV7_SESSION_KEY                                                                          \
    "AQAAAABwCEYsl5BrvPW0N8HTYP11phC7LOzItQLS3Zen6j1j9qMydUHVDeuMLxwo5i3GYfLWGjJEjsCj0Q99TZMABnJB"  \
    "CFg9MheV8cNSBfj7mHSZr6NP8aUAAAOhsY+cJwPDHxcnU181nAEs0fovHnonZGXs6iB/K6sKfuRWUNvX50ORohgDT3TGl0"  \
    "gQFed1FQEtn2Q1qT35iTRfe81SGOnFJrOM"
#define TV7_PLAIN_HEAD                                                                           \
    "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":\"wREG/hBdSspoqM9xPCEXd/4YwjpBFXlsobRky" \
    "DTo/Q8\",\"session_key\":\""
#define TV7_PLAIN_TAIL                                                                           \
    "\",\"sender_claimed_keys\":{\"ed25519\":\"MnNLGwn4j9ArCvtgU6o1jG8TgJaEXQpDTxz7QU0h7GM\"},"     \
    "\"forwarding_curve25519_key_chain\":[]}"

static char *plain_with_key(const char *session_key)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s%s%s", TV7_PLAIN_HEAD, session_key, TV7_PLAIN_TAIL);
    return buf;
}

Test(bk_fmt, bk_fmt_006_008_plaintext_tv7_accepted)
{
    EXPECT(plain(plain_with_key(TV7_SESSION_KEY)), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    /* reordered, with whitespace, shared_history and a non-empty chain */
    EXPECT(plain("{ \"forwarding_curve25519_key_chain\" : [\"a\", \"b\"],\n"
                 "  \"shared_history\": true, \"session_key\": \"" TV7_SESSION_KEY "\",\n"
                 "  \"sender_claimed_keys\": {\"ed25519\": \"" EK "\", \"other\": \"o\"},\n"
                 "  \"sender_key\": \"" SK "\", \"algorithm\": \"m.megolm.v1.aes-sha2\", \"x\": null }"),
           MXT_BKF_M_NONE, MXT_BKF_P_OK);
    EXPECT(plain("{\"shared_history\":false,\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":"
                 "\"" SK "\",\"sender_claimed_keys\":{\"ed25519\":\"" EK "\"},\"session_key\":\""
                 TV7_SESSION_KEY "\",\"forwarding_curve25519_key_chain\":[]}"),
           MXT_BKF_M_NONE, MXT_BKF_P_OK);
}

#define BASE_OK(extra_before)                                                                    \
    "{" extra_before "\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":\"" SK "\","                \
    "\"sender_claimed_keys\":{\"ed25519\":\"" EK "\"},\"session_key\":\"" TV7_SESSION_KEY "\","          \
    "\"forwarding_curve25519_key_chain\":[]}"

Test(bk_fmt, bk_fmt_006_plaintext_rejected)
{
    EXPECT(plain("[]"), MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain("{\"sender_key\":\"" SK "\"}"), MXT_BKF_M_SESSION_ALGORITHM, MXT_BKF_P_MISSING);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v2.aes-sha2\"}"), MXT_BKF_M_SESSION_ALGORITHM,
           MXT_BKF_P_VALUE);
    EXPECT(plain("{\"algorithm\":[]}"), MXT_BKF_M_SESSION_ALGORITHM, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\"}"), MXT_BKF_M_FORWARDING_CHAIN,
           MXT_BKF_P_MISSING);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":{}}"),
           MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":"
                 "[\"a\",[\"b\"]]}"), MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[]}"),
           MXT_BKF_M_SENDER_KEY, MXT_BKF_P_MISSING);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
                 "\"sender_key\":1}"), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
                 "\"sender_key\":\"" SK "\"}"), MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_MISSING);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
                 "\"sender_key\":\"" SK "\",\"sender_claimed_keys\":{}}"), MXT_BKF_M_CLAIMED_ED25519,
           MXT_BKF_P_MISSING);
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
                 "\"sender_key\":\"" SK "\",\"sender_claimed_keys\":{\"ed25519\":5}}"),
           MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);   /* not a map of strings */
    EXPECT(plain("{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
                 "\"sender_key\":\"" SK "\",\"sender_claimed_keys\":{\"ed25519\":\"" EK "\"}}"),
           MXT_BKF_M_SESSION_KEY, MXT_BKF_P_MISSING);
    EXPECT(plain(plain_with_key("AQAAAABw")), MXT_BKF_M_SESSION_KEY, MXT_BKF_P_LENGTH);
    EXPECT(plain(plain_with_key("AQAA#ABw")), MXT_BKF_M_SESSION_KEY, MXT_BKF_P_BASE64);
    EXPECT(plain(BASE_OK("\"shared_history\":\"yes\",")), MXT_BKF_M_SHARED_HISTORY,
           MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain(BASE_OK("\"shared_history\":1,")), MXT_BKF_M_SHARED_HISTORY, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain(BASE_OK("\"shared_history\":null,")), MXT_BKF_M_SHARED_HISTORY,
           MXT_BKF_P_WRONG_TYPE);
}

/* BackedUpSessionData with sender_key and sender_claimed_keys given as JSON text. */
static mxt_bkf_result plain_keys(const char *sender_key_json, const char *claimed_json)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],"
             "\"sender_key\":%s,\"sender_claimed_keys\":%s,\"session_key\":\"" TV7_SESSION_KEY
             "\"}", sender_key_json, claimed_json);
    return plain(buf);
}

#define CLAIMED_OK "{\"ed25519\":\"" EK "\"}"

Test(bk_fmt, bk_fmt_006_sender_key_is_a_curve25519_key)
{
    EXPECT(plain_keys("\"" SK "\"", CLAIMED_OK), MXT_BKF_M_NONE, MXT_BKF_P_OK);
    EXPECT(plain_keys("\"y\"", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_BASE64);
    EXPECT(plain_keys("\"\"", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_LENGTH);
    EXPECT(plain_keys("\"" SK "A\"", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_LENGTH);
    EXPECT(plain_keys("\"wREG/hBdSspoqM9xPCEXd/4YwjpBFXlsobRkyDTo/Q\"", CLAIMED_OK),
           MXT_BKF_M_SENDER_KEY, MXT_BKF_P_LENGTH);
    /* 32 bytes, but padded: not unpadded base64 */
    EXPECT(plain_keys("\"" SK "=\"", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_BASE64);
    EXPECT(plain_keys("\"" SK "\\u003d\"", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_BASE64);
    EXPECT(plain_keys("\"wREG#hBdSspoqM9xPCEXd/4YwjpBFXlsobRkyDTo/Q8\"", CLAIMED_OK),
           MXT_BKF_M_SENDER_KEY, MXT_BKF_P_BASE64);
    EXPECT(plain_keys("null", CLAIMED_OK), MXT_BKF_M_SENDER_KEY, MXT_BKF_P_WRONG_TYPE);
    /* an escaped character inside is read as the character it stands for */
    EXPECT(plain_keys("\"wREG\\/hBdSspoqM9xPCEXd/4YwjpBFXlsobRkyDTo/Q8\"", CLAIMED_OK),
           MXT_BKF_M_NONE, MXT_BKF_P_OK);
}

Test(bk_fmt, bk_fmt_006_claimed_keys_map_of_strings_with_ed25519_key)
{
    const char *sk = "\"" SK "\"";
    EXPECT(plain_keys(sk, "{\"ed25519\":\"x\"}"), MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_BASE64);
    EXPECT(plain_keys(sk, "{\"ed25519\":\"\"}"), MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_LENGTH);
    EXPECT(plain_keys(sk, "{\"ed25519\":\"" EK "A\"}"), MXT_BKF_M_CLAIMED_ED25519,
           MXT_BKF_P_LENGTH);
    EXPECT(plain_keys(sk, "{\"ed25519\":\"MnNLGwn4j9ArCvtgU6o1jG8TgJaEXQpDTxz7QU0h7G\"}"),
           MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_LENGTH);
    EXPECT(plain_keys(sk, "{\"ed25519\":\"" EK "=\"}"), MXT_BKF_M_CLAIMED_ED25519,
           MXT_BKF_P_BASE64);
    EXPECT(plain_keys(sk, "{\"ed25519\":\"" EK "\",\"x\":5}"), MXT_BKF_M_SENDER_CLAIMED_KEYS,
           MXT_BKF_P_WRONG_TYPE);
    /* a non-string member is refused wherever it stands, and whatever the ed25519 entry is */
    EXPECT(plain_keys(sk, "{\"Unsigned\":{},\"ed25519\":\"" EK "\"}"),
           MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain_keys(sk, "{\"usage\":[]}"), MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain_keys(sk, "{\"ed25519\":{\"a\":\"" EK "\"}}"), MXT_BKF_M_SENDER_CLAIMED_KEYS,
           MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain_keys(sk, "{\"a\":true,\"ed25519\":\"" EK "\"}"), MXT_BKF_M_SENDER_CLAIMED_KEYS,
           MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain_keys(sk, "[\"" EK "\"]"), MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
    EXPECT(plain_keys(sk, "{}"), MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_MISSING);
    /* other algorithms: any string */
    EXPECT(plain_keys(sk, "{\"curve25519\":\"" SK "\",\"ed25519\":\"" EK "\",\"z\":\"\"}"),
           MXT_BKF_M_NONE, MXT_BKF_P_OK);
}

Test(bk_fmt, tv11_session_key_version_byte)
{
    uint8_t sk[200];
    char text[400];
    size_t len = 0;
    cr_assert_eq(sodium_base642bin(sk, sizeof sk, TV7_SESSION_KEY, strlen(TV7_SESSION_KEY), NULL,
                                   &len, NULL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING), 0);
    cr_assert_eq(len, 165u);
    cr_assert_eq(sk[0], 0x01);
    cr_assert_eq(mxt_bkf_session_export(sk, 165), MXT_BKF_P_OK);
    cr_assert_eq(mxt_bkf_session_export(sk, 164), MXT_BKF_P_LENGTH);
    cr_assert_eq(mxt_bkf_session_export(sk, 166), MXT_BKF_P_LENGTH);
    cr_assert_eq(mxt_bkf_session_export(sk, 0), MXT_BKF_P_LENGTH);

    /* the spec example's leading byte 0x02 (session-sharing format) is not the export format */
    sk[0] = 0x02;
    cr_assert_eq(mxt_bkf_session_export(sk, 165), MXT_BKF_P_VALUE);
    sodium_bin2base64(text, sizeof text, sk, 165, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    cr_assert_eq(strncmp(text, "AgAAAAB", 7), 0);
    EXPECT(plain(plain_with_key(text)), MXT_BKF_M_SESSION_KEY, MXT_BKF_P_VALUE);

    /* one byte more: 166 bytes */
    sk[0] = 0x01;
    sk[165] = 0;
    sodium_bin2base64(text, sizeof text, sk, 166, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    EXPECT(plain(plain_with_key(text)), MXT_BKF_M_SESSION_KEY, MXT_BKF_P_LENGTH);
}

Test(bk_fmt, names)
{
    cr_assert_str_eq(mxt_bkf_member_name(MXT_BKF_M_CLAIMED_ED25519), "sender_claimed_keys.ed25519");
    cr_assert_str_eq(mxt_bkf_problem_name(MXT_BKF_P_LENGTH), "LENGTH");
}
