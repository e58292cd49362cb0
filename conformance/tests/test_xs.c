/*
 * Cross-signing (XS-001/002 key objects, XS-006/007 chains, XS-015 identity levels).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <cjson/cJSON.h>
#include "xs_key.h"
#include "xs_trust.h"

/* TV-8 public keys (rules-draft TV-8, SyTest/Synapse seeds). */
#define TV8_MSK "nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwk"
#define TV8_SSK "EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ"
#define TV8_USK "Hq6gL+utB4ET+UvD5ci0kgAwsX6qP/zvf8v6OInU5iw"
#define ALICE "@alice:example.org"

static mxt_xsk_reason check(const char *json, const char *user, mxt_xs_role role, uint8_t pk[32])
{
    static mxt_json_token tok[128];
    mxt_json_doc doc;
    mxt_where where;
    mxt_xs_key_facts facts;
    mxt_status st = mxt_json_parse((const uint8_t *)json, strlen(json), tok, 128, NULL, &doc, &where);
    cr_assert_eq(st, MXT_OK, "test JSON does not parse: %s (%s)", json, mxt_status_name(st));
    return mxt_xs_key_check(&doc, 0, (const uint8_t *)user, strlen(user), role, pk, &facts);
}

static void key_json(char *out, size_t cap, const char *user, const char *usage, const char *keys)
{
    snprintf(out, cap, "{\"keys\":%s,\"usage\":%s,\"user_id\":\"%s\"}", keys, usage, user);
}

static void expect_key(const char *b64, const uint8_t pk[32])
{
    uint8_t want[32];
    size_t len = 0;
    cr_assert_eq(sodium_base642bin(want, 32, b64, strlen(b64), NULL, &len, NULL,
                                   sodium_base64_VARIANT_ORIGINAL_NO_PADDING), 0);
    cr_assert_eq(len, 32u);
    cr_assert_arr_eq(pk, want, 32);
}

Test(xs_key, tv8_keys_accepted_for_their_role_only)
{
    static const struct { const char *pub, *usage; mxt_xs_role role; } k[] = {
        { TV8_MSK, "[\"master\"]", MXT_XS_MASTER },
        { TV8_SSK, "[\"self_signing\"]", MXT_XS_SELF_SIGNING },
        { TV8_USK, "[\"user_signing\"]", MXT_XS_USER_SIGNING },
    };
    cr_assert_eq(sodium_init() >= 0, 1);
    for (int i = 0; i < 3; i++) {
        char keys[160], json[512];
        uint8_t pk[32];
        snprintf(keys, sizeof keys, "{\"ed25519:%s\":\"%s\"}", k[i].pub, k[i].pub);
        key_json(json, sizeof json, ALICE, k[i].usage, keys);
        for (int r = 0; r < 3; r++) {
            memset(pk, 0xAA, 32);
            mxt_xsk_reason got = check(json, ALICE, (mxt_xs_role)r, pk);
            if (r == (int)k[i].role) {
                cr_expect_eq(got, MXT_XSK_OK, "%s: %s", json, mxt_xsk_reason_name(got));
                expect_key(k[i].pub, pk);
            } else {
                cr_expect_eq(got, MXT_XSK_WRONG_USAGE, "%s as role %d: %s", json, r,
                             mxt_xsk_reason_name(got));
                for (int j = 0; j < 32; j++)
                    cr_expect_eq(pk[j], 0, "refused key leaves pk zeroed");
            }
        }
    }
}

Test(xs_key, tv8_ssk_object_with_signature)
{
    const char *json = "{\"keys\":{\"ed25519:" TV8_SSK "\":\"" TV8_SSK "\"},"
        "\"signatures\":{\"" ALICE "\":{\"ed25519:" TV8_MSK "\":\"RrIJ+v/yyiJ1xUIl6J7++7CWDZCFDh+QVrtwwMvagC+x36ERPLrMzPfAVnyPEiiVVlcR8U85OrAMhGkEgTrQDw\"}},"
        "\"usage\":[\"self_signing\"],\"user_id\":\"" ALICE "\"}";
    uint8_t pk[32];
    cr_assert_eq(sodium_init() >= 0, 1);
    cr_assert_eq(check(json, ALICE, MXT_XS_SELF_SIGNING, pk), MXT_XSK_OK);
    expect_key(TV8_SSK, pk);
}

typedef struct {
    const char *name;
    const char *json;
    mxt_xs_role role;
    mxt_xsk_reason want;
} key_case;

#define K1 "{\"ed25519:" TV8_MSK "\":\"" TV8_MSK "\"}"
#define OBJ(keys, usage, user) "{\"keys\":" keys ",\"usage\":" usage ",\"user_id\":" user "}"

static const key_case KEY_CASES[] = {
    { "ok", OBJ(K1, "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_OK },
    { "escaped user_id still equal", OBJ(K1, "[\"master\"]", "\"\\u0040alice:example.org\""), MXT_XS_MASTER, MXT_XSK_OK },
    { "not an object", "[1,2]", MXT_XS_MASTER, MXT_XSK_NOT_OBJECT },
    { "no user_id", "{\"keys\":" K1 ",\"usage\":[\"master\"]}", MXT_XS_MASTER, MXT_XSK_NO_USER_ID },
    { "user_id number", OBJ(K1, "[\"master\"]", "7"), MXT_XS_MASTER, MXT_XSK_USER_ID_TYPE },
    { "wrong user", OBJ(K1, "[\"master\"]", "\"@mallory:example.org\""), MXT_XS_MASTER, MXT_XSK_WRONG_USER },
    { "user prefix only", OBJ(K1, "[\"master\"]", "\"@alice:example.or\""), MXT_XS_MASTER, MXT_XSK_WRONG_USER },
    { "no usage", "{\"keys\":" K1 ",\"user_id\":\"" ALICE "\"}", MXT_XS_MASTER, MXT_XSK_NO_USAGE },
    { "usage string", OBJ(K1, "\"master\"", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_USAGE_TYPE },
    { "usage with number", OBJ(K1, "[\"master\",1]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_USAGE_TYPE },
    { "usage empty", OBJ(K1, "[]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_WRONG_USAGE },
    { "usage other role", OBJ(K1, "[\"self_signing\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_WRONG_USAGE },
    { "usage prefix of role", OBJ(K1, "[\"maste\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_WRONG_USAGE },
    { "usage extra role (Synapse accepts)", OBJ(K1, "[\"master\",\"self_signing\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_USAGE_EXTRA },
    { "usage extra role, other order", OBJ(K1, "[\"self_signing\",\"master\"]", "\"" ALICE "\""), MXT_XS_SELF_SIGNING, MXT_XSK_USAGE_EXTRA },
    { "usage role twice", OBJ(K1, "[\"master\",\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_USAGE_EXTRA },
    { "no keys", "{\"usage\":[\"master\"],\"user_id\":\"" ALICE "\"}", MXT_XS_MASTER, MXT_XSK_NO_KEYS },
    { "keys empty", OBJ("{}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_NO_KEYS },
    { "keys array", OBJ("[\"" TV8_MSK "\"]", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEYS_TYPE },
    { "two keys", OBJ("{\"ed25519:" TV8_MSK "\":\"" TV8_MSK "\",\"ed25519:" TV8_SSK "\":\"" TV8_SSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_SEVERAL_KEYS },
    { "value number", OBJ("{\"ed25519:" TV8_MSK "\":5}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_VALUE_TYPE },
    { "value not base64", OBJ("{\"ed25519:" TV8_MSK "\":\"nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHw!\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_BASE64 },
    { "value trailing bits", OBJ("{\"ed25519:nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwl\":\"nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwl\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_BASE64 },
    { "value 31 bytes", OBJ("{\"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_LENGTH },
    { "value 33 bytes", OBJ("{\"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_LENGTH },
    { "value very long", OBJ("{\"ed25519:x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_LENGTH },
    { "value padded", OBJ("{\"ed25519:" TV8_MSK "=\":\"" TV8_MSK "=\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_PADDED },
    { "curve25519 name", OBJ("{\"curve25519:" TV8_MSK "\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ALGORITHM },
    { "name without algorithm", OBJ("{\"" TV8_MSK "\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ALGORITHM },
    { "short name", OBJ("{\"ed\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ALGORITHM },
    { "ID of another key (Synapse accepts)", OBJ("{\"ed25519:" TV8_SSK "\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ID_MISMATCH },
    { "ID truncated", OBJ("{\"ed25519:" "nqOvzeuGWT\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ID_MISMATCH },
    { "ID too long for any key", OBJ("{\"ed25519:" TV8_MSK TV8_MSK "\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ID_MISMATCH },
    { "ID is device ID", OBJ("{\"ed25519:JLAFKJWSCS\":\"" TV8_MSK "\"}", "[\"master\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_KEY_ID_MISMATCH },
    /* first failing check wins */
    { "wrong user and wrong usage", OBJ(K1, "[\"self_signing\"]", "\"@bob:example.org\""), MXT_XS_MASTER, MXT_XSK_WRONG_USER },
    { "extra role and two keys", OBJ("{\"ed25519:a\":\"a\",\"ed25519:b\":\"b\"}", "[\"master\",\"x\"]", "\"" ALICE "\""), MXT_XS_MASTER, MXT_XSK_USAGE_EXTRA },
};

Test(xs_key, every_reason)
{
    int seen[MXT_XSK_REASON_COUNT_] = { 0 };
    for (size_t i = 0; i < sizeof KEY_CASES / sizeof KEY_CASES[0]; i++) {
        uint8_t pk[32];
        mxt_xsk_reason got = check(KEY_CASES[i].json, ALICE, KEY_CASES[i].role, pk);
        cr_expect_eq(got, KEY_CASES[i].want, "%s: got %s, want %s", KEY_CASES[i].name,
                     mxt_xsk_reason_name(got), mxt_xsk_reason_name(KEY_CASES[i].want));
        seen[KEY_CASES[i].want] = 1;
    }
    for (int r = 0; r < MXT_XSK_REASON_COUNT_; r++)
        cr_expect(seen[r], "no case for reason %s", mxt_xsk_reason_name((mxt_xsk_reason)r));
}

/* The published XS vectors (vectors/XS.json, cross_signing_key operation). */
Test(xs_key, vectors_file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/XS.json", MXT_SOURCE_DIR);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        cr_skip_test("no %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert(buf != NULL);
    cr_assert_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = 0;
    fclose(fp);
    cJSON *root = cJSON_Parse(buf);
    cr_assert(root != NULL);
    cJSON *vs = cJSON_GetObjectItemCaseSensitive(root, "vectors");
    int ran = 0;
    cJSON *v;
    cJSON_ArrayForEach(v, vs) {
        const char *op = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "op"));
        if (!op || strcmp(op, "cross_signing_key") != 0)
            continue;
        cJSON *in = cJSON_GetObjectItemCaseSensitive(v, "input");
        cJSON *ex = cJSON_GetObjectItemCaseSensitive(v, "expected");
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(v, "id"));
        const char *json = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "json"));
        const char *user = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "user_id"));
        const char *usage = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "usage"));
        const char *result = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "result"));
        cr_assert(json && user && usage && result, "%s: vector shape", id);
        mxt_xs_role role = strcmp(usage, "master") == 0 ? MXT_XS_MASTER
                         : strcmp(usage, "self_signing") == 0 ? MXT_XS_SELF_SIGNING : MXT_XS_USER_SIGNING;
        uint8_t pk[32];
        mxt_xsk_reason got = check(json, user, role, pk);
        if (strcmp(result, "ok") == 0) {
            cr_expect_eq(got, MXT_XSK_OK, "%s: %s", id, mxt_xsk_reason_name(got));
            const char *out = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "output"));
            if (got == MXT_XSK_OK && out)
                expect_key(out, pk);
        } else {
            const char *reason = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ex, "reason"));
            cr_expect_str_eq(mxt_xsk_reason_name(got), reason ? reason : "?", "%s", id);
        }
        ran++;
    }
    cr_expect(ran > 0);
    cJSON_Delete(root);
    free(buf);
}

/* ---- XS-007 / XS-006 chains ---------------------------------------------------------------- */

static const mxt_sig_verdict VERDICTS[4] = { MXT_SIG_VALID, MXT_SIG_MISSING, MXT_SIG_INVALID,
                                             MXT_SIG_MALFORMED };

/* Expected result written as the rule reads: tampered if any link is bad, else not signed if any
 * link is missing, else the root decides. */
static mxt_xs_chain_result expected(int root, const mxt_sig_verdict *l, int n)
{
    int bad = 0, missing = 0;
    for (int i = 0; i < n; i++) {
        bad |= l[i] == MXT_SIG_INVALID || l[i] == MXT_SIG_MALFORMED;
        missing |= l[i] == MXT_SIG_MISSING;
    }
    return bad ? MXT_XSC_TAMPERED : missing ? MXT_XSC_NOT_SIGNED
         : root ? MXT_XSC_TRUSTED : MXT_XSC_ROOT_UNTRUSTED;
}

Test(xs_chain, own_device_each_link_in_turn)
{
    mxt_xs_own_chain ok = { 1, MXT_SIG_VALID, MXT_SIG_VALID };
    cr_assert_eq(mxt_xs_own_device_trust(&ok), MXT_XSC_TRUSTED);
    mxt_xs_own_chain root = ok;
    root.own_master_trusted = 0;
    cr_assert_eq(mxt_xs_own_device_trust(&root), MXT_XSC_ROOT_UNTRUSTED);
    for (int link = 0; link < 2; link++)
        for (int v = 1; v < 4; v++) {
            mxt_xs_own_chain c = ok;
            if (link == 0) c.master_signed_ssk = VERDICTS[v]; else c.ssk_signed_device = VERDICTS[v];
            mxt_xs_chain_result want = VERDICTS[v] == MXT_SIG_MISSING ? MXT_XSC_NOT_SIGNED : MXT_XSC_TAMPERED;
            cr_expect_eq(mxt_xs_own_device_trust(&c), want, "link %d verdict %d", link, v);
            c.own_master_trusted = 0;  /* tampering and absence are reported before the root */
            cr_expect_eq(mxt_xs_own_device_trust(&c), want, "link %d verdict %d, root untrusted", link, v);
        }
    /* all combinations */
    for (int r = 0; r < 2; r++)
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++) {
                mxt_xs_own_chain c = { (uint8_t)r, VERDICTS[a], VERDICTS[b] };
                mxt_sig_verdict l[2] = { VERDICTS[a], VERDICTS[b] };
                cr_expect_eq(mxt_xs_own_device_trust(&c), expected(r, l, 2));
            }
}

Test(xs_chain, other_device_each_link_in_turn)
{
    for (int r = 0; r < 2; r++)
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                for (int c = 0; c < 4; c++)
                    for (int d = 0; d < 4; d++) {
                        mxt_xs_other_chain ch = { (uint8_t)r, VERDICTS[a], VERDICTS[b], VERDICTS[c], VERDICTS[d] };
                        mxt_sig_verdict l[4] = { VERDICTS[a], VERDICTS[b], VERDICTS[c], VERDICTS[d] };
                        mxt_xs_chain_result got = mxt_xs_other_device_trust(&ch);
                        cr_expect_eq(got, expected(r, l, 4), "%d %d %d %d %d: %s", r, a, b, c, d,
                                     mxt_xs_chain_result_name(got));
                        /* identity verification uses only the first two links and the root */
                        cr_expect_eq(mxt_xs_identity_verified(&ch), r && a == 0 && b == 0);
                    }
    /* one link at a time, explicitly: MISSING -> not signed, INVALID/MALFORMED -> tampered */
    const mxt_xs_other_chain ok = { 1, MXT_SIG_VALID, MXT_SIG_VALID, MXT_SIG_VALID, MXT_SIG_VALID };
    cr_assert_eq(mxt_xs_other_device_trust(&ok), MXT_XSC_TRUSTED);
    for (int link = 0; link < 4; link++)
        for (int v = 1; v < 4; v++) {
            mxt_xs_other_chain c = ok;
            mxt_sig_verdict *slot = link == 0 ? &c.own_master_signed_usk
                                  : link == 1 ? &c.usk_signed_their_master
                                  : link == 2 ? &c.their_master_signed_ssk : &c.their_ssk_signed_device;
            *slot = VERDICTS[v];
            cr_expect_eq(mxt_xs_other_device_trust(&c),
                         v == 1 ? MXT_XSC_NOT_SIGNED : MXT_XSC_TAMPERED, "link %d verdict %d", link, v);
        }
}

/* ---- XS-015: identity levels and the latch ------------------------------------------------ */

Test(xs_identity, levels)
{
    static const struct { uint8_t now, prev, pinned; mxt_xs_identity_level want; } rows[] = {
        { 1, 0, 0, MXT_XS_ID_VERIFIED }, { 1, 1, 0, MXT_XS_ID_VERIFIED },
        { 1, 0, 1, MXT_XS_ID_VERIFIED }, { 1, 1, 1, MXT_XS_ID_VERIFIED },
        { 0, 1, 0, MXT_XS_ID_VIOLATION }, { 0, 1, 1, MXT_XS_ID_VIOLATION },
        { 0, 0, 1, MXT_XS_ID_PINNED }, { 0, 0, 0, MXT_XS_ID_UNPINNED },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        mxt_xs_identity_facts f = { rows[i].now, rows[i].prev, rows[i].pinned };
        cr_expect_eq(mxt_xs_identity_level_of(&f), rows[i].want, "row %zu: %s", i,
                     mxt_xs_identity_level_name(mxt_xs_identity_level_of(&f)));
    }
}

Test(xs_identity, verified_then_master_changed_is_violation)
{
    /* Verified once; then their master key changes, so our USK signature on it is missing. */
    mxt_xs_other_chain before = { 1, MXT_SIG_VALID, MXT_SIG_VALID, MXT_SIG_VALID, MXT_SIG_VALID };
    uint8_t latch = mxt_xs_latch(0, (uint8_t)mxt_xs_identity_verified(&before));
    mxt_xs_other_chain after = before;
    after.usk_signed_their_master = MXT_SIG_MISSING;
    uint8_t now = (uint8_t)mxt_xs_identity_verified(&after);
    latch = mxt_xs_latch(latch, now);
    mxt_xs_identity_facts f = { now, latch, 0 };
    cr_expect_eq(mxt_xs_identity_level_of(&f), MXT_XS_ID_VIOLATION);
    cr_expect_eq(mxt_xs_latch(0, 0), 0);
    cr_expect_eq(mxt_xs_latch(1, 0), 1);
    cr_expect_eq(mxt_xs_latch(0, 1), 1);
}
