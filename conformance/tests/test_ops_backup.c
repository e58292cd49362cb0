/* The backup operations' glue (conformance/lib/ops_backup.c): algorithm and `unauthenticated`
 * mapping, the MSC4048 backup_mac and v1 mac checks against the catalogue's TV-7 / TV-10 values,
 * the seed-001 signing-key and flag lookup, and the operations end to end on catalogue inputs
 * (rules-draft TV-6, TV-7, TV-10). */
#include <criterion/criterion.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "ops.h"
#include "ops_backup.h"
#include "ops_families.h"
#include "vecgen.h"

/* ---- catalogue values ------------------------------------------------------------------------ */

static const char TV7_KEY[] = "Ha9cklU/9NqFo9WKdVfGzmqUL/9wlkdxfEitbSIPVXw";
static const char TV7_RECOVERY[] = "EsT9 o94t XK7n JuLr 2XL9 pS3c HCJX umqU 17f4 dZyT WN5W Xu9G";
static const char TV7_EPH[] = "HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw";
static const char TV7_MAC[] = "GtMrurhDTwo";
static const char TV7_MAC_OVER_CT[] = "NxwTUnssfYA";
static const char TV7_CT[] =
    "MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo7HfwqVl6tKNpfooSTHqUf6x1LHz+"
    "h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxalwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny9l5ZpsU9G7vCm3Xo"
    "eYkWfLekWXvDhbqWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3AeWjf5kiqOpKKf5Cn4"
    "n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlCx+5N19Ftyp9TFaTFlTWCTi0mpD7ePfCNISrwpo"
    "zAz9HZc0OhA8+1aSc7rhYFIeAYXFU326NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVKTxgrdT4N8lXeMr4ndCSmvI"
    "kAzFMo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVUwDfMh05PdGLnxeRpiEFWSMSs"
    "JNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+d8/S618";
static const char TV7_PLAIN_START[] = "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"sender_key\":";
static const char TV10_BACKUP_MAC[] = "Q3Z4X36MdXmBzo0TwnCKirEtWYGwJepfRRTft7cM6Uc";

static void tv7_key(uint8_t key[32])
{
    size_t n = 0;
    cr_assert_eq(sodium_base642bin(key, 32, TV7_KEY, strlen(TV7_KEY), NULL, &n, NULL,
                                   sodium_base64_VARIANT_ORIGINAL_NO_PADDING), 0);
    cr_assert_eq(n, 32u);
}

/* The TV-7 session_data object; `mac` may be NULL (left out). */
static cJSON *tv7_session_data(const char *mac)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ciphertext", TV7_CT);
    cJSON_AddStringToObject(o, "ephemeral", TV7_EPH);
    if (mac)
        cJSON_AddStringToObject(o, "mac", mac);
    return o;
}

/* Adds unsigned[field] = value. */
static cJSON *with_unsigned(cJSON *o, const char *field, cJSON *value)
{
    cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "unsigned");
    if (!u)
        u = cJSON_AddObjectToObject(o, "unsigned");
    cJSON_AddItemToObject(u, field, value);
    return o;
}

/* Parses (and frees) object o as its canonical text with the core reader. */
typedef struct {
    char           *text;
    mxt_json_token *tok;
    mxt_json_doc    doc;
} parsed;

static void parse_obj(cJSON *o, parsed *p)
{
    p->text = mxt_vg_canonical(o);
    cJSON_Delete(o);
    mxt_where w;
    cr_assert_eq(mxt_op_parse((const uint8_t *)p->text, strlen(p->text), MXT_NUM_STRICT, &p->tok,
                              &p->doc, &w), MXT_OK);
}

static void parsed_free(parsed *p)
{
    free(p->tok);
    free(p->text);
}

static mxt_skb_mac_check backup_mac_of(cJSON *sd)
{
    uint8_t key[32];
    tv7_key(key);
    parsed p;
    parse_obj(sd, &p);
    mxt_skb_mac_check v = MXT_SKB_MAC_VALID;
    cr_assert_eq(mxt_opb_backup_mac_check(&p.doc, key, &v), 0);
    parsed_free(&p);
    return v;
}

static mxt_skb_mac_check v1_mac_of(cJSON *sd)
{
    uint8_t key[32];
    tv7_key(key);
    parsed p;
    parse_obj(sd, &p);
    mxt_skb_mac_check v = MXT_SKB_MAC_VALID;
    cr_assert_eq(mxt_opb_v1_mac_check(&p.doc, key, &v), 0);
    parsed_free(&p);
    return v;
}

/* Runs an operation through the registry on input (freed) and returns the outcome. */
static mxt_outcome run(const char *op, cJSON *input)
{
    mxt_outcome o;
    mxt_op_run(op, input, &o);
    cJSON_Delete(input);
    return o;
}

static void expect(const mxt_outcome *o, const char *result, const char *reason)
{
    cr_assert_not_null(o->result);
    cr_expect_str_eq(o->result, result, "result %s (%s)", o->result,
                     o->message ? o->message : "-");
    if (reason) {
        cr_assert_not_null(o->reason, "no reason for %s", o->result);
        cr_expect_str_eq(o->reason, reason);
    }
}

/* ---- mapping -------------------------------------------------------------------------------- */

Test(ops_backup, algorithm_names)
{
    cr_expect_eq(mxt_opb_algorithm("m.megolm_backup.v1.curve25519-aes-sha2"), MXT_BKT_ALG_MEGOLM_V1);
    cr_expect_eq(mxt_opb_algorithm("m.backup.v2.curve25519-aes-sha2"), MXT_BKT_ALG_V2);
    cr_expect_eq(mxt_opb_algorithm("org.matrix.msc4048.curve25519-aes-sha2"), MXT_BKT_ALG_V2);
    /* near misses are other algorithms: names are compared exactly */
    cr_expect_eq(mxt_opb_algorithm("m.megolm_backup.v1.curve25519-aes-sha2 "), MXT_BKT_ALG_OTHER);
    cr_expect_eq(mxt_opb_algorithm("M.BACKUP.V2.CURVE25519-AES-SHA2"), MXT_BKT_ALG_OTHER);
    cr_expect_eq(mxt_opb_algorithm("m.megolm_backup.v2.curve25519-aes-sha2"), MXT_BKT_ALG_OTHER);
    cr_expect_eq(mxt_opb_algorithm("org.matrix.msc4048.v2.curve25519-aes-sha2"), MXT_BKT_ALG_OTHER);
    cr_expect_eq(mxt_opb_algorithm(""), MXT_BKT_ALG_OTHER);
    cr_expect_eq(mxt_opb_algorithm(NULL), MXT_BKT_ALG_OTHER);
}

Test(ops_backup, unauthenticated_values_and_sources)
{
    cr_expect_eq(mxt_opb_unauth_field(NULL), MXT_SKB_UNAUTH_ABSENT);
    cr_expect_eq(mxt_opb_unauth_field("m.undefined"), MXT_SKB_UNAUTH_UNDEFINED);
    cr_expect_eq(mxt_opb_unauth_field("m.legacy-v1"), MXT_SKB_UNAUTH_LEGACY_V1);
    cr_expect_eq(mxt_opb_unauth_field("m.forwarded_room_key"), MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY);
    cr_expect_eq(mxt_opb_unauth_field("m.legacy_v1"), MXT_SKB_UNAUTH_UNKNOWN);
    cr_expect_eq(mxt_opb_unauth_field(""), MXT_SKB_UNAUTH_UNKNOWN);
    /* every field value, through the core's meaning, gives its word back (unknown: m.undefined) */
    static const char *const values[] = {"m.undefined", "m.legacy-v1", "m.forwarded_room_key"};
    for (int i = 0; i < 3; i++)
        cr_expect_str_eq(mxt_opb_source_word(mxt_skb_source_from_field(mxt_opb_unauth_field(values[i]))),
                         values[i]);
    cr_expect_str_eq(mxt_opb_source_word(mxt_skb_source_from_field(mxt_opb_unauth_field("x.y"))),
                     "m.undefined");
    cr_expect_str_eq(mxt_opb_source_word(mxt_skb_source_from_field(MXT_SKB_UNAUTH_ABSENT)),
                     "authenticated");
}

/* ---- MACs ------------------------------------------------------------------------------------ */

Test(ops_backup, backup_mac_reproduces_tv10)
{
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                             cJSON_CreateString(TV10_BACKUP_MAC))),
                 MXT_SKB_MAC_VALID);
    /* the unstable name, and a padded encoding of the same 32 bytes */
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC),
                                             "org.matrix.msc4048.backup_mac",
                                             cJSON_CreateString(TV10_BACKUP_MAC))),
                 MXT_SKB_MAC_VALID);
    char padded[64];
    snprintf(padded, sizeof padded, "%s=", TV10_BACKUP_MAC);
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                             cJSON_CreateString(padded))),
                 MXT_SKB_MAC_VALID);
    /* other members of unsigned and signatures are not covered */
    cJSON *sd = with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                              cJSON_CreateString(TV10_BACKUP_MAC));
    with_unsigned(sd, "age", cJSON_CreateNumber(5));
    cJSON_AddObjectToObject(sd, "signatures");
    cr_expect_eq(backup_mac_of(sd), MXT_SKB_MAC_VALID);
}

Test(ops_backup, backup_mac_rejects_changes)
{
    /* the same MAC over a session_data without the v1 mac no longer matches */
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(NULL), "backup_mac",
                                             cJSON_CreateString(TV10_BACKUP_MAC))),
                 MXT_SKB_MAC_INVALID);
    char changed[64];
    snprintf(changed, sizeof changed, "%s", TV10_BACKUP_MAC);
    changed[0] = 'R';
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                             cJSON_CreateString(changed))),
                 MXT_SKB_MAC_INVALID);
    /* a truncated MAC, a number, a stable name that is wrong while the unstable one is right */
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                             cJSON_CreateString("Q3Z4X36MdXmBzo0TwnCKirEt"))),
                 MXT_SKB_MAC_INVALID);
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                             cJSON_CreateNumber(1))),
                 MXT_SKB_MAC_INVALID);
    cJSON *both = with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                cJSON_CreateString(changed));
    with_unsigned(both, "org.matrix.msc4048.backup_mac", cJSON_CreateString(TV10_BACKUP_MAC));
    cr_expect_eq(backup_mac_of(both), MXT_SKB_MAC_INVALID);
}

Test(ops_backup, backup_mac_absent)
{
    cr_expect_eq(backup_mac_of(tv7_session_data(TV7_MAC)), MXT_SKB_MAC_ABSENT);
    cr_expect_eq(backup_mac_of(with_unsigned(tv7_session_data(TV7_MAC), "other",
                                             cJSON_CreateString(TV10_BACKUP_MAC))),
                 MXT_SKB_MAC_ABSENT);
    cJSON *sd = tv7_session_data(TV7_MAC);
    cJSON_AddStringToObject(sd, "unsigned", TV10_BACKUP_MAC);
    cr_expect_eq(backup_mac_of(sd), MXT_SKB_MAC_ABSENT);
    /* backup_mac at the top level is not where MSC4048 puts it */
    sd = tv7_session_data(TV7_MAC);
    cJSON_AddStringToObject(sd, "backup_mac", TV10_BACKUP_MAC);
    cr_expect_eq(backup_mac_of(sd), MXT_SKB_MAC_ABSENT);
}

Test(ops_backup, v1_mac_tv7)
{
    cr_expect_eq(v1_mac_of(tv7_session_data(TV7_MAC)), MXT_SKB_MAC_VALID);
    cr_expect_eq(v1_mac_of(tv7_session_data(TV7_MAC_OVER_CT)), MXT_SKB_MAC_INVALID);
    cr_expect_eq(v1_mac_of(tv7_session_data("AAAAAAAAAAA")), MXT_SKB_MAC_INVALID);
    cr_expect_eq(v1_mac_of(tv7_session_data("GtMrurhDTwoA")), MXT_SKB_MAC_INVALID); /* 9 bytes */
    cr_expect_eq(v1_mac_of(tv7_session_data(NULL)), MXT_SKB_MAC_ABSENT);
    cJSON *sd = tv7_session_data(TV7_MAC);
    cJSON_ReplaceItemInObjectCaseSensitive(sd, "ephemeral",
                                           cJSON_CreateString("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
    cr_expect_eq(v1_mac_of(sd), MXT_SKB_MAC_INVALID); /* low-order point: no shared key */
}

/* ---- BK-FMT operations ---------------------------------------------------------------------- */

Test(ops_backup, recovery_key_round_trip_tv7)
{
    uint8_t key[32];
    tv7_key(key);
    char *hex = mxt_hex_encode(key, 32);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "hex", hex);
    mxt_outcome o = run("recovery_key_encode", in);
    expect(&o, "ok", NULL);
    cr_assert(cJSON_IsString(o.output));
    cr_expect_str_eq(o.output->valuestring, TV7_RECOVERY);
    mxt_outcome_clear(&o);

    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "recovery_key", TV7_RECOVERY);
    o = run("recovery_key_decode", in);
    expect(&o, "ok", NULL);
    cr_assert(cJSON_IsString(o.output));
    cr_expect_str_eq(o.output->valuestring, hex);
    mxt_outcome_clear(&o);

    /* one character changed: the parity no longer matches */
    char bad[80];
    snprintf(bad, sizeof bad, "%s", TV7_RECOVERY);
    bad[strlen(bad) - 1] = 'H';
    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "recovery_key", bad);
    o = run("recovery_key_decode", in);
    expect(&o, "reject", NULL);
    cr_expect_null(o.output);
    mxt_outcome_clear(&o);
    free(hex);
}

Test(ops_backup, recovery_key_encode_input_errors)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "hex", "00ff");
    mxt_outcome o = run("recovery_key_encode", in);
    expect(&o, "error", NULL);
    mxt_outcome_clear(&o);
    o = run("recovery_key_decode", cJSON_CreateObject());
    expect(&o, "error", NULL);
    mxt_outcome_clear(&o);
}

static cJSON *decrypt_input(cJSON *sd)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "private_key", TV7_KEY);
    char *t = mxt_vg_canonical(sd);
    cJSON_AddStringToObject(in, "session_data", t);
    free(t);
    cJSON_Delete(sd);
    return in;
}

Test(ops_backup, backup_decrypt_tv7)
{
    mxt_outcome o = run("backup_decrypt", decrypt_input(tv7_session_data(TV7_MAC)));
    expect(&o, "ok", NULL);
    cr_assert(cJSON_IsString(o.output));
    cr_expect_eq(strncmp(o.output->valuestring, TV7_PLAIN_START, strlen(TV7_PLAIN_START)), 0);
    cJSON *plain = cJSON_Parse(o.output->valuestring);
    cr_expect(cJSON_IsObject(plain), "the plaintext is JSON");
    cJSON_Delete(plain);
    mxt_outcome_clear(&o);

    o = run("backup_decrypt", decrypt_input(tv7_session_data(TV7_MAC_OVER_CT)));
    expect(&o, "reject", "MAC_OVER_CIPHERTEXT");
    cr_expect_null(o.output);
    mxt_outcome_clear(&o);

    o = run("backup_decrypt", decrypt_input(tv7_session_data("AAAAAAAAAAA")));
    expect(&o, "reject", "MAC_MISMATCH");
    mxt_outcome_clear(&o);

    o = run("backup_decrypt", decrypt_input(tv7_session_data(NULL)));
    expect(&o, "reject", NULL);
    cr_expect_null(o.output);
    mxt_outcome_clear(&o);
}

Test(ops_backup, backup_decrypt_shapes)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "private_key", TV7_KEY);
    cJSON_AddStringToObject(in, "session_data", "[1]");
    mxt_outcome o = run("backup_decrypt", in);
    expect(&o, "reject", NULL);
    mxt_outcome_clear(&o);

    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "private_key", TV7_KEY);
    cJSON_AddStringToObject(in, "session_data", "{\"a\":1,\"a\":2}");
    o = run("backup_decrypt", in);
    expect(&o, "reject", "E_DUPLICATE_KEY");
    mxt_outcome_clear(&o);

    /* a private key that is not 32 bytes is the vector's problem, not the data's */
    cJSON *sd = tv7_session_data(TV7_MAC);
    in = decrypt_input(sd);
    cJSON_ReplaceItemInObjectCaseSensitive(in, "private_key", cJSON_CreateString("AAAA"));
    o = run("backup_decrypt", in);
    expect(&o, "error", NULL);
    mxt_outcome_clear(&o);
}

/* ---- SKB operations -------------------------------------------------------------------------- */

#define ALICE "@alice:test.example"

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

static cJSON *session(const char *flag_name, cJSON *flag)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "algorithm", "m.megolm.v1.aes-sha2");
    cJSON_AddStringToObject(s, "session_key", "AQAAAAA");
    if (flag_name)
        cJSON_AddItemToObject(s, flag_name, flag);
    return s;
}

static mxt_outcome skb_session(cJSON *auth, int trusted, cJSON *sd)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "user_id", ALICE);
    char *t = mxt_vg_canonical(auth);
    cJSON_AddStringToObject(in, "auth_data", t);
    free(t);
    cJSON_AddBoolToObject(in, "auth_data_trusted", trusted);
    t = mxt_vg_canonical(sd);
    cJSON_AddStringToObject(in, "session_data", t);
    free(t);
    cJSON_Delete(auth);
    cJSON_Delete(sd);
    return run("skb_session", in);
}

static cJSON *auth_data(const char *name, const char *value)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "public_key", "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo");
    if (name)
        cJSON_AddStringToObject(a, name, value);
    return a;
}

Test(ops_backup, skb_session_key_names_and_flags)
{
    edkey k;
    edkey_init(&k, "t-opsbackup:signing");
    static const char *const names[] = {"signing_public_key", "org.matrix.mscxxxx.signing_public_key",
                                        "org.matrix.msc4048.signing_public_key"};
    static const char *const flags[] = {"authenticated", "org.matrix.mscxxxx.authenticated"};
    for (int n = 0; n < 3; n++) {
        for (int fl = 0; fl < 2; fl++) {
            cJSON *s = session(flags[fl], cJSON_CreateTrue());
            mxt_vg_sign(s, ALICE, k.id, k.sk);
            mxt_outcome o = skb_session(auth_data(names[n], k.b64), 1, s);
            expect(&o, "authenticated", "AUTHENTICATED");
            mxt_outcome_clear(&o);
        }
    }
    /* a flag that is not a boolean is never true */
    cJSON *s = session("authenticated", cJSON_CreateString("true"));
    mxt_vg_sign(s, ALICE, k.id, k.sk);
    mxt_outcome o = skb_session(auth_data("signing_public_key", k.b64), 1, s);
    expect(&o, "unauthenticated", "SIGNED_NOT_CLAIMED");
    mxt_outcome_clear(&o);
    /* the stable flag decides when both are there */
    s = session("authenticated", cJSON_CreateFalse());
    cJSON_AddTrueToObject(s, "org.matrix.mscxxxx.authenticated");
    mxt_vg_sign(s, ALICE, k.id, k.sk);
    o = skb_session(auth_data("signing_public_key", k.b64), 1, s);
    expect(&o, "unauthenticated", "SIGNED_NOT_CLAIMED");
    mxt_outcome_clear(&o);
}

Test(ops_backup, skb_session_signing_key_problems)
{
    edkey k, other;
    edkey_init(&k, "t-opsbackup:signing");
    edkey_init(&other, "t-opsbackup:other");
    cJSON *s = session("authenticated", cJSON_CreateTrue());
    mxt_vg_sign(s, ALICE, k.id, k.sk);
    /* a signing key that is not 32 bytes is no signing key */
    mxt_outcome o = skb_session(auth_data("signing_public_key", "c2hvcnQ"), 1, cJSON_Duplicate(s, 1));
    expect(&o, "unauthenticated", "NO_SIGNING_KEY");
    mxt_outcome_clear(&o);
    /* the stable name decides: malformed there, the unstable one is not consulted */
    cJSON *a = auth_data("signing_public_key", "c2hvcnQ");
    cJSON_AddStringToObject(a, "org.matrix.mscxxxx.signing_public_key", k.b64);
    o = skb_session(a, 1, cJSON_Duplicate(s, 1));
    expect(&o, "unauthenticated", "NO_SIGNING_KEY");
    mxt_outcome_clear(&o);
    /* auth_data names another key: the signature is not by it */
    o = skb_session(auth_data("signing_public_key", other.b64), 1, cJSON_Duplicate(s, 1));
    expect(&o, "unauthenticated", "SIGNATURE_NOT_VALID");
    mxt_outcome_clear(&o);
    /* untrusted auth_data */
    o = skb_session(auth_data("signing_public_key", k.b64), 0, cJSON_Duplicate(s, 1));
    expect(&o, "unauthenticated", "SIGNING_KEY_NOT_TRUSTED");
    mxt_outcome_clear(&o);
    /* no key at all */
    o = skb_session(auth_data(NULL, NULL), 1, s);
    expect(&o, "unauthenticated", "NO_SIGNING_KEY");
    mxt_outcome_clear(&o);
}

static mxt_outcome skb_mac(const char *alg, cJSON *sd, const char *unauth, int v1_policy)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "algorithm", alg);
    cJSON_AddStringToObject(in, "private_key", TV7_KEY);
    char *t = mxt_vg_canonical(sd);
    cJSON_AddStringToObject(in, "session_data", t);
    free(t);
    cJSON_Delete(sd);
    if (unauth)
        cJSON_AddStringToObject(in, "unauthenticated", unauth);
    cJSON_AddBoolToObject(in, "v1_keys_unauthenticated", v1_policy);
    return run("skb_backup_mac", in);
}

static void expect_source(const mxt_outcome *o, const char *word)
{
    cr_assert(cJSON_IsString(o->output), "accepted keys report their source");
    cr_expect_str_eq(o->output->valuestring, word);
}

Test(ops_backup, skb_backup_mac_tv10)
{
    const char *V1 = "m.megolm_backup.v1.curve25519-aes-sha2";
    mxt_outcome o = skb_mac(V1, with_unsigned(tv7_session_data(TV7_MAC), "backup_mac",
                                              cJSON_CreateString(TV10_BACKUP_MAC)), NULL, 0);
    expect(&o, "accept", "AUTHENTICATED");
    expect_source(&o, "authenticated");
    mxt_outcome_clear(&o);

    o = skb_mac(V1, tv7_session_data(TV7_MAC), NULL, 0);
    expect(&o, "accept", "UNAUTHENTICATED_V1_NO_BACKUP_MAC");
    expect_source(&o, "m.legacy-v1");
    mxt_outcome_clear(&o);

    o = skb_mac(V1, tv7_session_data(TV7_MAC), "m.forwarded_room_key", 0);
    expect(&o, "accept", NULL);
    expect_source(&o, "m.forwarded_room_key");
    mxt_outcome_clear(&o);

    /* the MAC-over-ciphertext variant is not a valid v1 mac */
    o = skb_mac(V1, tv7_session_data(TV7_MAC_OVER_CT), NULL, 0);
    expect(&o, "ignore", "IGNORED_V1_MAC");
    cr_expect_null(o.output);
    mxt_outcome_clear(&o);

    /* the same TV-10 data under v2: the v1 mac is no longer needed, the backup_mac is */
    o = skb_mac("org.matrix.msc4048.curve25519-aes-sha2",
                with_unsigned(tv7_session_data(TV7_MAC), "org.matrix.msc4048.backup_mac",
                              cJSON_CreateString(TV10_BACKUP_MAC)),
                "org.example.new", 0);
    expect(&o, "accept", "UNAUTHENTICATED_STATED");
    expect_source(&o, "m.undefined");
    mxt_outcome_clear(&o);

    o = skb_mac("m.backup.v2.curve25519-aes-sha2", tv7_session_data(TV7_MAC), NULL, 0);
    expect(&o, "ignore", "IGNORED_MISSING_BACKUP_MAC");
    mxt_outcome_clear(&o);

    o = skb_mac("m.backup.v3", tv7_session_data(TV7_MAC), NULL, 0);
    expect(&o, "ignore", "IGNORED_UNKNOWN_ALGORITHM");
    mxt_outcome_clear(&o);
}

/* ---- BK-FMT shapes through core/bk_fmt.h ------------------------------------------------------ */

static mxt_outcome shape(const char *op, const char *json)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "json", json);
    return run(op, in);
}

Test(ops_backup, decrypted_tv7_is_a_backed_up_session)
{
    mxt_outcome o = run("backup_decrypt", decrypt_input(tv7_session_data(TV7_MAC)));
    expect(&o, "ok", NULL);
    cr_assert(cJSON_IsString(o.output));
    mxt_outcome s = shape("backed_up_session", o.output->valuestring);
    expect(&s, "ok", NULL);
    mxt_outcome_clear(&s);
    mxt_outcome_clear(&o);
}

Test(ops_backup, shape_rejects_name_member_and_problem)
{
    cJSON *tree = tv7_session_data("GtMrurhDTwoA"); /* 9-byte mac */
    char *sd = mxt_vg_canonical(tree);
    cJSON_Delete(tree);
    cJSON *obj = cJSON_Parse(sd);
    mxt_outcome o = shape("session_data_shape", sd);
    expect(&o, "reject", "LENGTH");
    cr_assert_not_null(o.message);
    cr_expect(strstr(o.message, "session_data.mac") != NULL, "message: %s", o.message);
    mxt_outcome_clear(&o);
    /* backup_decrypt refuses the same data for its shape, before any MAC is computed */
    o = run("backup_decrypt", decrypt_input(obj));
    expect(&o, "reject", "LENGTH");
    mxt_outcome_clear(&o);
    free(sd);

    o = shape("backup_auth_data", "{\"public_key\":1}");
    expect(&o, "reject", "WRONG_TYPE");
    cr_expect(strstr(o.message, "auth_data.public_key") != NULL, "message: %s", o.message);
    mxt_outcome_clear(&o);
    o = shape("backup_auth_data", "[]");
    expect(&o, "reject", "WRONG_TYPE");
    mxt_outcome_clear(&o);
    /* text the core reader refuses is rejected with the reader's status */
    o = shape("backed_up_session", "{\"algorithm\":1.5}");
    expect(&o, "reject", "E_NUMBER_FRACTION");
    mxt_outcome_clear(&o);
}
