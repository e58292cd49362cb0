/*
 * Client decisions (core/client_flow.h): each function against its rule, with the expected answers
 * written here as data, independently of core/client_flow.c.
 */
#include <string.h>
#include <criterion/criterion.h>
#include "client_flow.h"

#define B(s) (const uint8_t *)(s), strlen(s)

/* ---- shared byte equality, SIG-008 ---------------------------------------------------------- */

Test(client_flow, bytes_eq)
{
    cr_assert_eq(mxt_cf_bytes_eq(B("abc"), B("abc")), 1);
    cr_assert_eq(mxt_cf_bytes_eq(B("abc"), B("abd")), 0);
    cr_assert_eq(mxt_cf_bytes_eq(B("abc"), B("ab")), 0);
    cr_assert_eq(mxt_cf_bytes_eq(NULL, 0, NULL, 0), 1);
    cr_assert_eq(mxt_cf_bytes_eq(B(""), B("a")), 0);
}

Test(client_flow, sig008_device_shadows_key)
{
    const char *key = "nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwk";
    cr_assert_eq(mxt_cf_id_shadows_key(B(key), B(key)), 1);
    cr_assert_eq(mxt_cf_id_shadows_key(B("JLAFKJWSCS"), B(key)), 0);
    /* Differs in the last character only. */
    cr_assert_eq(mxt_cf_id_shadows_key(B("nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwj"), B(key)), 0);
    /* A prefix is not the same ID. */
    cr_assert_eq(mxt_cf_id_shadows_key(B("nqOvzeuGWT"), B(key)), 0);
}

Test(client_flow, sig008_key_fixed)
{
    uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++)
        a[i] = b[i] = (uint8_t)(i * 7);
    cr_assert_eq(mxt_cf_verified_key_fixed(a, b), MXT_CF_VK_SAME);
    b[31] ^= 1;
    cr_assert_eq(mxt_cf_verified_key_fixed(a, b), MXT_CF_VK_CHANGED);
    b[31] ^= 1;
    b[0] ^= 0x80;
    cr_assert_eq(mxt_cf_verified_key_fixed(a, b), MXT_CF_VK_CHANGED);
    cr_assert_eq(mxt_cf_verified_key_fixed(a, NULL), MXT_CF_VK_GONE);
}

/* ---- XS-016 ----------------------------------------------------------------------------------- */

Test(client_flow, xs016_table)
{
    static const struct { bool s, first, conf; mxt_cf_mk_action want; } rows[] = {
        {false, false, false, MXT_CF_MK_NO_EVIDENCE}, {false, false, true, MXT_CF_MK_NO_EVIDENCE},
        {false, true, false, MXT_CF_MK_NO_EVIDENCE},  {false, true, true, MXT_CF_MK_NO_EVIDENCE},
        {true, true, false, MXT_CF_MK_TRUST_FIRST},   {true, true, true, MXT_CF_MK_TRUST_FIRST},
        {true, false, true, MXT_CF_MK_TRUST_CONFIRMED}, {true, false, false, MXT_CF_MK_ASK_USER},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(mxt_cf_master_from_device(rows[i].s, rows[i].first, rows[i].conf), rows[i].want,
                     "row %zu", i);
}

/* ---- BK-BETTER-010 ---------------------------------------------------------------------------- */

Test(client_flow, bkb010_metadata)
{
    mxt_bk_rank r = mxt_cf_backup_metadata(true, 17, 2);
    cr_assert(r.is_verified);
    cr_assert_eq(r.first_message_index, 17u);
    cr_assert_eq(r.forwarded_count, 2u);
    r = mxt_cf_backup_metadata(false, UINT32_MAX, 0);
    cr_assert(!r.is_verified);
    cr_assert_eq(r.first_message_index, UINT32_MAX);
    cr_assert_eq(r.forwarded_count, 0u);
}

Test(client_flow, bkb010_metadata_check)
{
    mxt_bk_rank ok = {true, 5, 2}, rust = {false, 5, 2}, idx = {true, 0, 2}, cnt = {true, 5, 1};
    mxt_bk_rank both = {false, 0, 0};
    cr_assert_eq(mxt_cf_backup_metadata_check(&ok, true, 5, 2), MXT_CF_MD_CORRECT);
    cr_assert_eq(mxt_cf_backup_metadata_check(&rust, true, 5, 2), MXT_CF_MD_IS_VERIFIED);
    cr_assert_eq(mxt_cf_backup_metadata_check(&idx, true, 5, 2), MXT_CF_MD_FIRST_MESSAGE_INDEX);
    cr_assert_eq(mxt_cf_backup_metadata_check(&cnt, true, 5, 2), MXT_CF_MD_FORWARDED_COUNT);
    /* The first wrong field is named. */
    cr_assert_eq(mxt_cf_backup_metadata_check(&both, true, 5, 2), MXT_CF_MD_IS_VERIFIED);
    cr_assert_eq(mxt_cf_backup_metadata_check(&both, false, 5, 2), MXT_CF_MD_FIRST_MESSAGE_INDEX);
    cr_assert_eq(mxt_cf_backup_metadata_check(&both, false, 0, 0), MXT_CF_MD_CORRECT);
}

/* ---- BK-TRUST-009 ----------------------------------------------------------------------------- */

Test(client_flow, bkt009_upload_answers)
{
    static const struct { uint32_t status; mxt_cf_errcode err; bool retry; mxt_cf_upload_action want; } rows[] = {
        {200, MXT_CF_ERR_NONE, false, MXT_CF_UP_DONE},
        {403, MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION, false, MXT_CF_UP_REFETCH},
        {404, MXT_CF_ERR_NOT_FOUND, false, MXT_CF_UP_REFETCH},
        {404, MXT_CF_ERR_WRONG_ROOM_KEYS_VERSION, false, MXT_CF_UP_FAIL},
        {403, MXT_CF_ERR_NOT_FOUND, false, MXT_CF_UP_FAIL},
        {403, MXT_CF_ERR_OTHER, false, MXT_CF_UP_FAIL},
        {404, MXT_CF_ERR_NONE, false, MXT_CF_UP_FAIL},
        {429, MXT_CF_ERR_OTHER, true, MXT_CF_UP_RETRY_AFTER},
        {429, MXT_CF_ERR_OTHER, false, MXT_CF_UP_RETRY_BACKOFF},
        {500, MXT_CF_ERR_OTHER, true, MXT_CF_UP_FAIL},
        {201, MXT_CF_ERR_NONE, false, MXT_CF_UP_FAIL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(mxt_cf_upload_answer(rows[i].status, rows[i].err, rows[i].retry), rows[i].want,
                     "row %zu (status %u)", i, rows[i].status);
}

/* ---- BK-TRUST-013 ----------------------------------------------------------------------------- */

Test(client_flow, bkt013_recheck)
{
    const char *a = "{\"public_key\":\"abc\"}", *b = "{\"public_key\":\"abd\"}";
    cr_assert_eq(mxt_cf_recheck_trust(false, B("1"), B("1"), B(a), B(a)), MXT_CF_RC_FIRST_FETCH);
    cr_assert_eq(mxt_cf_recheck_trust(true, B("1"), B("2"), B(a), B(a)), MXT_CF_RC_NEW_VERSION);
    cr_assert_eq(mxt_cf_recheck_trust(true, B("1"), B("1"), B(a), B(b)), MXT_CF_RC_AUTH_DATA_CHANGED);
    cr_assert_eq(mxt_cf_recheck_trust(true, B("1"), B("1"), B(a), B(a)), MXT_CF_RC_UNCHANGED);
    /* A new version wins over changed auth_data. */
    cr_assert_eq(mxt_cf_recheck_trust(true, B("1"), B("10"), B(a), B(b)), MXT_CF_RC_NEW_VERSION);
}

/* ---- arrivals: BK-TRUST-014, SD-001, SD-007, SD-017 ------------------------------------------- */

Test(client_flow, arrival_table)
{
    static const struct { mxt_cf_arrival a; mxt_cf_arrival_action want; } rows[] = {
        {{MXT_CF_SRC_ROOM_KEY, 1, 0, 0, 0, 0}, MXT_CF_ARR_LOOKUP},
        {{MXT_CF_SRC_ROOM_KEY, 0, 1, 1, 1, 1}, MXT_CF_ARR_REJECT_NOT_OLM},
        {{MXT_CF_SRC_BACKUP, 0, 1, 0, 0, 0}, MXT_CF_ARR_IMPORTED},
        {{MXT_CF_SRC_BACKUP, 1, 1, 1, 0, 0}, MXT_CF_ARR_IMPORTED},
        {{MXT_CF_SRC_BACKUP, 1, 0, 1, 0, 0}, MXT_CF_ARR_REJECT_NO_KEY},
        {{MXT_CF_SRC_KEY_BUNDLE, 1, 0, 0, 1, 0}, MXT_CF_ARR_BUNDLE},
        {{MXT_CF_SRC_KEY_BUNDLE, 1, 0, 0, 0, 0}, MXT_CF_ARR_REJECT_NO_FORWARDER},
        {{MXT_CF_SRC_KEY_BUNDLE, 0, 0, 0, 1, 0}, MXT_CF_ARR_REJECT_NOT_OLM},
        {{MXT_CF_SRC_STORE, 0, 0, 0, 0, 0}, MXT_CF_ARR_STORED_LEGACY},
        {{MXT_CF_SRC_STORE, 0, 0, 0, 0, 1}, MXT_CF_ARR_STORED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(mxt_cf_arrival_decide(&rows[i].a), rows[i].want, "row %zu", i);
}

/* BK-TRUST-014: the backup's trust verdict never changes the answer. */
Test(client_flow, bkt014_trust_irrelevant)
{
    for (uint8_t key = 0; key < 2; key++) {
        mxt_cf_arrival t = {MXT_CF_SRC_BACKUP, 0, key, 1, 0, 0}, u = t;
        u.backup_trusted = 0;
        cr_assert_eq(mxt_cf_arrival_decide(&t), mxt_cf_arrival_decide(&u));
    }
}

/* ---- JSON-reading decisions: BK-TRUST-015, SD-018 --------------------------------------------- */

typedef struct {
    mxt_json_token tok[64];
    mxt_json_doc doc;
} parsed;

static void parse(parsed *p, const char *text)
{
    mxt_where w;
    cr_assert_eq(mxt_json_parse((const uint8_t *)text, strlen(text), p->tok, 64, NULL, &p->doc, &w),
                 MXT_OK, "fixture does not parse: %s", text);
}

Test(client_flow, bkt015_preference)
{
    static const struct { const char *text; mxt_cf_backup_pref want; } rows[] = {
        {"{\"enabled\":true}", MXT_CF_PREF_ENABLED},
        {"{\"enabled\":false}", MXT_CF_PREF_DISABLED},
        {"{\"x\":1,\"enabled\":true}", MXT_CF_PREF_ENABLED},
        {"{}", MXT_CF_PREF_IGNORED},
        {"{\"enabled\":\"true\"}", MXT_CF_PREF_IGNORED},
        {"{\"enabled\":0}", MXT_CF_PREF_IGNORED},
        {"{\"enabled\":null}", MXT_CF_PREF_IGNORED},
        {"{\"a\":{\"enabled\":true}}", MXT_CF_PREF_IGNORED},
        {"[true]", MXT_CF_PREF_IGNORED},
        {"true", MXT_CF_PREF_IGNORED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        parsed p;
        parse(&p, rows[i].text);
        cr_expect_eq(mxt_cf_backup_preference(&p.doc), rows[i].want, "%s", rows[i].text);
    }
    cr_assert_eq(mxt_cf_backup_preference(NULL), MXT_CF_PREF_IGNORED);
}

Test(client_flow, sd018_shareable)
{
    static const struct { const char *text; int want; } rows[] = {
        {"{\"shared_history\":true}", 1},
        {"{\"shared_history\":false}", 0},
        {"{\"session_key\":\"x\"}", 0},
        {"{\"shared_history\":\"true\"}", 0},
        {"{\"shared_history\":1}", 0},
        {"{\"inner\":{\"shared_history\":true}}", 0},
        {"[{\"shared_history\":true}]", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        parsed p;
        parse(&p, rows[i].text);
        cr_expect_eq(mxt_cf_restored_shareable(&p.doc, 0), rows[i].want, "%s", rows[i].text);
    }
}

/* ---- BK-FMT-011 ------------------------------------------------------------------------------- */

Test(client_flow, bkfmt011_secret)
{
    /* 32 bytes 0x00..0x1f in base64, unpadded and padded. */
    const char *unp = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    char pad[64];
    strcpy(pad, unp);
    strcat(pad, "=");
    uint8_t key[32];
    mxt_where w;
    cr_assert_eq(mxt_cf_backup_secret(unp, strlen(unp), key, &w), MXT_CF_SECRET_OK);
    for (int i = 0; i < 32; i++)
        cr_assert_eq(key[i], i);
    memset(key, 0xaa, sizeof key);
    cr_assert_eq(mxt_cf_backup_secret(pad, strlen(pad), key, &w), MXT_CF_SECRET_OK);
    for (int i = 0; i < 32; i++)
        cr_assert_eq(key[i], i);
    /* 31 and 33 bytes, empty, a bad character, wrong padding. */
    cr_assert_eq(mxt_cf_backup_secret("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg", 42, key, &w),
                 MXT_CF_SECRET_LENGTH);
    cr_assert_eq(mxt_cf_backup_secret("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", 44, key, &w),
                 MXT_CF_SECRET_LENGTH);
    cr_assert_eq(mxt_cf_backup_secret("", 0, key, &w), MXT_CF_SECRET_LENGTH);
    cr_assert_eq(mxt_cf_backup_secret("AAECAwQFBgcI!QoLDA0ODxAREhMUFRYXGBkaGxwdHh8", 43, key, &w),
                 MXT_CF_SECRET_BASE64);
    cr_assert_eq(w.offset, 12u);
    char bad[64];
    strcpy(bad, unp);
    strcat(bad, "==");
    cr_assert_eq(mxt_cf_backup_secret(bad, strlen(bad), key, &w), MXT_CF_SECRET_BASE64);
}

/* ---- SKB-001, SKB-007 ------------------------------------------------------------------------- */

Test(client_flow, skb001_secret_name)
{
    cr_assert_eq(mxt_cf_skb1_signing_secret(B("m.key_backup.signing"), true), MXT_CF_SKS_USE);
    cr_assert_eq(mxt_cf_skb1_signing_secret(B("m.key_backup.signing"), false), MXT_CF_SKS_KEY_MISMATCH);
    cr_assert_eq(mxt_cf_skb1_signing_secret(B("m.megolm_backup.v1"), true), MXT_CF_SKS_WRONG_NAME);
    cr_assert_eq(mxt_cf_skb1_signing_secret(B("m.key_backup.signin"), true), MXT_CF_SKS_WRONG_NAME);
    cr_assert_eq(mxt_cf_skb1_signing_secret(B("m.key_backup.signing "), true), MXT_CF_SKS_WRONG_NAME);
    cr_assert_eq(mxt_cf_skb1_signing_secret(NULL, 0, true), MXT_CF_SKS_WRONG_NAME);
}

Test(client_flow, skb007_enable)
{
    cr_assert_eq(mxt_cf_skb1_enable_signing(false), MXT_CF_SKE_NEW_VERSION);
    cr_assert_eq(mxt_cf_skb1_enable_signing(true), MXT_CF_SKE_KEEP_VERSION);
}

/* ---- SD-014, SD-015 --------------------------------------------------------------------------- */

Test(client_flow, sd014_shields)
{
    static const struct { mxt_verification_state s; mxt_cf_colour strict_c, lax_c; mxt_cf_message strict_m, lax_m; } rows[] = {
        {MXT_VS_VERIFIED, MXT_CF_SHIELD_NONE, MXT_CF_SHIELD_NONE, MXT_CF_MSG_NONE, MXT_CF_MSG_NONE},
        {MXT_VS_UNVERIFIED_IDENTITY, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_NONE, MXT_CF_MSG_UNVERIFIED_IDENTITY, MXT_CF_MSG_NONE},
        {MXT_VS_VERIFICATION_VIOLATION, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_RED, MXT_CF_MSG_VERIFICATION_VIOLATION, MXT_CF_MSG_VERIFICATION_VIOLATION},
        {MXT_VS_UNSIGNED_DEVICE, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_RED, MXT_CF_MSG_UNSIGNED_DEVICE, MXT_CF_MSG_UNSIGNED_DEVICE},
        {MXT_VS_MISSING_DEVICE, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_RED, MXT_CF_MSG_UNKNOWN_DEVICE, MXT_CF_MSG_UNKNOWN_DEVICE},
        {MXT_VS_INSECURE_SOURCE, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_GREY, MXT_CF_MSG_AUTHENTICITY_NOT_GUARANTEED, MXT_CF_MSG_AUTHENTICITY_NOT_GUARANTEED},
        {MXT_VS_MISMATCHED_SENDER, MXT_CF_SHIELD_RED, MXT_CF_SHIELD_RED, MXT_CF_MSG_MISMATCHED_SENDER, MXT_CF_MSG_MISMATCHED_SENDER},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        mxt_cf_shield s = mxt_cf_shield_for(rows[i].s, true), l = mxt_cf_shield_for(rows[i].s, false);
        cr_expect_eq(s.colour, rows[i].strict_c, "strict colour, row %zu", i);
        cr_expect_eq(s.message, rows[i].strict_m, "strict message, row %zu", i);
        cr_expect_eq(l.colour, rows[i].lax_c, "lax colour, row %zu", i);
        cr_expect_eq(l.message, rows[i].lax_m, "lax message, row %zu", i);
    }
}

Test(client_flow, sd015_recipients)
{
    cr_assert_eq(mxt_cf_room_key_recipient(false, false, true), MXT_CF_RCPT_NOT_A_DEVICE);
    cr_assert_eq(mxt_cf_room_key_recipient(false, false, false), MXT_CF_RCPT_NOT_A_DEVICE);
    cr_assert_eq(mxt_cf_room_key_recipient(true, false, true), MXT_CF_RCPT_WITHHOLD);
    cr_assert_eq(mxt_cf_room_key_recipient(true, false, false), MXT_CF_RCPT_SHARE);
    cr_assert_eq(mxt_cf_room_key_recipient(true, true, true), MXT_CF_RCPT_SHARE);
    cr_assert_eq(mxt_cf_room_key_recipient(true, true, false), MXT_CF_RCPT_SHARE);
}
