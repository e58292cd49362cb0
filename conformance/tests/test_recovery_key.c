/* Recovery key codec (BK-FMT-009, BK-FMT-010) against the TV-6 vectors of the rule catalog. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "recovery_key.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static mxt_status decode(const char *text, uint8_t raw[35], uint8_t key[32], mxt_where *w)
{
    w->offset = 12345;
    return mxt_rk_decode(text, strlen(text), raw, key, w);
}

/* TV-6a: the RFC 7748 Alice private key. */
static const char *ALICE_HEX = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
static const char *ALICE_COMPACT = "EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d";
static const char *ALICE_DISPLAY = "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d";

Test(recovery_key, tv6a_encode_display_and_compact)
{
    uint8_t key[32];
    char out[64];
    size_t len = 0;
    hex_to_bytes(ALICE_HEX, key, 32);

    cr_assert_eq(mxt_rk_encode(key, MXT_RK_DISPLAY, out, sizeof out, &len), MXT_OK);
    cr_assert_eq(len, 59u);
    cr_assert_eq(memcmp(out, ALICE_DISPLAY, 59), 0, "got %.59s", out);

    cr_assert_eq(mxt_rk_encode(key, MXT_RK_COMPACT, out, sizeof out, &len), MXT_OK);
    cr_assert_eq(len, 48u);
    cr_assert_eq(memcmp(out, ALICE_COMPACT, 48), 0, "got %.48s", out);
}

Test(recovery_key, tv6a_decode_and_parity_byte)
{
    uint8_t want[32], raw[35], key[32];
    mxt_where w;
    hex_to_bytes(ALICE_HEX, want, 32);

    cr_assert_eq(decode(ALICE_DISPLAY, raw, key, &w), MXT_OK);
    cr_assert_eq(memcmp(key, want, 32), 0);
    cr_assert_eq(raw[0], 0x8B);
    cr_assert_eq(raw[1], 0x01);
    cr_assert_eq(raw[34], 0xEE);
    cr_assert_eq(memcmp(raw + 2, want, 32), 0);

    memset(key, 0, sizeof key);
    cr_assert_eq(decode(ALICE_COMPACT, raw, key, &w), MXT_OK);
    cr_assert_eq(memcmp(key, want, 32), 0);
}

Test(recovery_key, tv6d_zero_and_ff_keys_round_trip)
{
    static const struct { uint8_t fill; const char *display; } v[] = {
        { 0x00, "EsSz ygLv VP1b xF1C v7kE eBQx MxDP buG5 w25T L3b6 hfyG Kkrd" },
        { 0xFF, "EsUK 2TRo ZKTB CKmv wEDA o6rq tTYu aKzp eJ9f 95nM 3VHk Xbnq" },
    };
    for (size_t i = 0; i < 2; i++) {
        uint8_t key[32], back[32], raw[35];
        char out[59];
        size_t len = 0;
        mxt_where w;
        memset(key, v[i].fill, sizeof key);
        cr_assert_eq(mxt_rk_encode(key, MXT_RK_DISPLAY, out, sizeof out, &len), MXT_OK);
        cr_assert_eq(memcmp(out, v[i].display, 59), 0, "fill %02x: got %.59s", v[i].fill, out);
        cr_assert_eq(decode(v[i].display, raw, back, &w), MXT_OK);
        cr_assert_eq(memcmp(back, key, 32), 0);
    }
}

Test(recovery_key, round_trip_many_keys)
{
    /* Keys whose bytes vary in position and value, including high and low extremes. */
    for (unsigned seed = 0; seed < 200; seed++) {
        uint8_t key[32], back[32], raw[35];
        char out[59];
        size_t len = 0;
        mxt_where w;
        for (unsigned i = 0; i < 32; i++)
            key[i] = (uint8_t)((seed * 131u + i * 29u + (seed >> 3) * i * i) & 0xFFu);
        if (seed == 1) memset(key, 0x01, 32);
        if (seed == 2) { memset(key, 0, 32); key[31] = 1; }
        cr_assert_eq(mxt_rk_encode(key, MXT_RK_DISPLAY, out, sizeof out, &len), MXT_OK);
        cr_assert_eq(len, 59u);
        for (unsigned i = 0; i < 59; i++)
            cr_assert_eq(out[i] == ' ', i % 5 == 4, "seed %u pos %u", seed, i);
        cr_assert_eq(mxt_rk_decode(out, len, raw, back, &w), MXT_OK, "seed %u", seed);
        cr_assert_eq(memcmp(back, key, 32), 0, "seed %u", seed);
    }
}

Test(recovery_key, encode_buffer_too_small_reports_length)
{
    uint8_t key[32] = {0};
    char out[59];
    size_t len = 0;
    cr_assert_eq(mxt_rk_encode(key, MXT_RK_DISPLAY, out, 58, &len), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 59u);
    cr_assert_eq(mxt_rk_encode(key, MXT_RK_COMPACT, out, 47, &len), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 48u);
    cr_assert_eq(mxt_rk_encode(key, MXT_RK_COMPACT, NULL, 0, &len), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 48u);
}

Test(recovery_key, tv6b_bad_parity_rejected)
{
    uint8_t raw[35], key[32];
    mxt_where w;
    cr_assert_eq(decode("EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4e", raw, key, &w),
                 MXT_E_RK_PARITY);
    /* computed parity 0xee, found 0xef */
    cr_assert_eq(raw[34], 0xEF);
    cr_assert_eq(raw[0], 0x8B);
    cr_assert_eq(raw[1], 0x01);
}

Test(recovery_key, tv6c_well_formed_other_key)
{
    uint8_t raw[35], key[32], alice[32];
    mxt_where w;
    hex_to_bytes(ALICE_HEX, alice, 32);
    cr_assert_eq(decode("EsU1 591R iFs4 8xe6 kR79 7wKu 8XTG xdmx 9PVW 8pX9 LAnC Pe5r", raw, key, &w),
                 MXT_OK);
    cr_assert_neq(memcmp(key, alice, 32), 0);
}

Test(recovery_key, tv6e_wrong_prefix_rejected)
{
    uint8_t raw[35], key[32];
    mxt_where w;
    cr_assert_eq(decode("EsUK2TRoZKTBCKmvwEDAo6rqtTYuaKzpeJ9f95nM3VHkXbsE", raw, key, &w),
                 MXT_E_RK_PREFIX);
    cr_assert_eq(raw[0], 0x8B);
    cr_assert_eq(raw[1], 0x02);
}

Test(recovery_key, tv6f_trailing_byte_rejected_for_length)
{
    uint8_t raw[35], key[32];
    mxt_where w;
    cr_assert_eq(decode("24DfkuAew6G9fGpoubSmqD6xjMUhgm3famRkfD4RWAX1Ldna1u", raw, key, &w),
                 MXT_E_RK_LENGTH);
}

Test(recovery_key, lengths_other_than_35_rejected)
{
    uint8_t raw[35], key[32];
    mxt_where w;
    cr_assert_eq(decode("", raw, key, &w), MXT_E_RK_LENGTH);
    cr_assert_eq(decode("   \t\n", raw, key, &w), MXT_E_RK_LENGTH);
    /* 44 characters: at most 58^44 < 2^258, so 33 bytes */
    cr_assert_eq(decode("EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMN", raw, key, &w),
                 MXT_E_RK_LENGTH);
    /* 47 characters still decode to 35 bytes (58^47 > 2^272), which then fail the prefix */
    cr_assert_eq(decode("EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4", raw, key, &w),
                 MXT_E_RK_PREFIX);
    /* a leading '1' adds a leading zero byte: 36 bytes */
    cr_assert_eq(decode("1EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d", raw, key, &w),
                 MXT_E_RK_LENGTH);
    /* one more digit: far more than 35 bytes */
    cr_assert_eq(decode("EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4dd", raw, key, &w),
                 MXT_E_RK_LENGTH);
    /* 40 '1's: 40 zero bytes */
    cr_assert_eq(decode("1111111111111111111111111111111111111111", raw, key, &w), MXT_E_RK_LENGTH);
}

Test(recovery_key, all_ascii_whitespace_ignored)
{
    static const char *variants[] = {
        "EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d",
        "  EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d  ",
        "EsTc\tLW2K\tPGiF\twKEA\t3As5\tg5c4\tBXwk\tqeeJ\tZJV8\tQ9fu\tgUMN\tUE4d",
        "EsTcLW2KPGiF\nwKEA3As5g5c4\r\nBXwkqeeJZJV8\nQ9fugUMNUE4d\n",
        "E s T c L W 2 K P G i F w K E A 3 A s 5 g 5 c 4 B X w k q e e J Z J V 8 Q 9 f u g U M N U E 4 d",
        "\v\fEsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d\f\v",
    };
    uint8_t want[32];
    hex_to_bytes(ALICE_HEX, want, 32);
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        uint8_t raw[35], key[32];
        mxt_where w;
        cr_assert_eq(decode(variants[i], raw, key, &w), MXT_OK, "variant %zu", i);
        cr_assert_eq(memcmp(key, want, 32), 0, "variant %zu", i);
    }
}

Test(recovery_key, non_alphabet_character_reported_with_offset)
{
    static const struct { const char *text; size_t offset; } v[] = {
        { "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE40", 58 }, /* '0' */
        { "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4l", 58 }, /* 'l' */
        { "OsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d", 0 },  /* 'O' */
        { "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d.", 59 },
        { "EsTc-LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d", 4 },
        { "EsTc LW2K PIiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d", 11 }, /* 'I' */
        { "EsTc\xc2\xa0LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d", 4 }, /* NBSP */
        /* the first bad character counts, even when a later one exists and the length is wrong */
        { "Es+c 0", 2 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint8_t raw[35], key[32];
        mxt_where w;
        cr_assert_eq(decode(v[i].text, raw, key, &w), MXT_E_RK_ALPHABET, "case %zu", i);
        cr_assert_eq(w.offset, v[i].offset, "case %zu: offset %zu", i, w.offset);
    }
}

Test(recovery_key, pack_layout)
{
    uint8_t key[32], raw[35];
    hex_to_bytes(ALICE_HEX, key, 32);
    mxt_rk_pack(key, raw);
    uint8_t x = 0;
    for (int i = 0; i < 35; i++)
        x ^= raw[i];
    cr_assert_eq(x, 0);
    cr_assert_eq(raw[0], 0x8B);
    cr_assert_eq(raw[1], 0x01);
    cr_assert_eq(raw[34], 0xEE);
    cr_assert_eq(memcmp(raw + 2, key, 32), 0);
}

Test(recovery_key, status_names_and_rule)
{
    cr_assert_str_eq(mxt_status_name(MXT_E_RK_PARITY), "E_RK_PARITY");
    cr_assert_str_eq(mxt_status_name(MXT_E_RK_ALPHABET), "E_RK_ALPHABET");
    cr_assert_str_eq(mxt_status_rule(MXT_E_RK_LENGTH), "BK-FMT-010");
    cr_assert_str_eq(mxt_status_rule(MXT_E_RK_PREFIX), "BK-FMT-010");
}
