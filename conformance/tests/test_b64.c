/* Unpadded base64 (SIG-006): spec vectors, every rejection with its offset, padding, trailing bits,
 * and random round trips. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "b64.h"

static mxt_status dec(const char *s, unsigned flags, uint8_t *out, size_t cap, size_t *len,
                      size_t *off)
{
    mxt_where w = {12345};
    mxt_status st = mxt_b64_decode(s, strlen(s), flags, out, cap, len, &w);
    *off = w.offset;
    return st;
}

/* TV-5 (spec appendix "Unpadded Base64") */
static const struct { const char *raw, *enc; } TV5[] = {
    {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

Test(b64, tv5_encode)
{
    for (size_t i = 0; i < sizeof TV5 / sizeof TV5[0]; i++) {
        char out[16];
        size_t len = 99;
        size_t n = strlen(TV5[i].raw);
        cr_assert_eq(mxt_b64_encode((const uint8_t *)TV5[i].raw, n, out, sizeof out, &len), MXT_OK);
        cr_assert_eq(len, strlen(TV5[i].enc), "%s", TV5[i].raw);
        cr_assert_eq(len, MXT_B64_ENCODED_LEN(n));
        cr_assert(memcmp(out, TV5[i].enc, len) == 0, "%s", TV5[i].raw);
    }
}

Test(b64, tv5_decode_unpadded_and_padded)
{
    for (size_t i = 0; i < sizeof TV5 / sizeof TV5[0]; i++) {
        uint8_t out[16];
        size_t len = 99, off = 0;
        for (unsigned flags = 0; flags <= 1; flags++) {
            cr_assert_eq(dec(TV5[i].enc, flags, out, sizeof out, &len, &off), MXT_OK, "%s", TV5[i].enc);
            cr_assert_eq(off, MXT_NO_OFFSET);
            cr_assert_eq(len, strlen(TV5[i].raw));
            cr_assert(memcmp(out, TV5[i].raw, len) == 0);
            /* the same with RFC 4648 padding */
            char padded[16];
            size_t el = strlen(TV5[i].enc);
            int pad = (int)((4u - el % 4u) % 4u);
            int w = snprintf(padded, sizeof padded, "%s%.*s", TV5[i].enc, pad, "===");
            cr_assert(w >= 0 && (size_t)w < sizeof padded && (size_t)w % 4u == 0u, "%s", padded);
            cr_assert_eq(dec(padded, flags, out, sizeof out, &len, &off), MXT_OK, "%s", padded);
            cr_assert_eq(len, strlen(TV5[i].raw));
            cr_assert(memcmp(out, TV5[i].raw, len) == 0);
        }
    }
}

Test(b64, encode_buffer_small_reports_needed)
{
    char out[4];
    size_t len = 0;
    cr_assert_eq(mxt_b64_encode((const uint8_t *)"foobar", 6, out, 7, &len), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 8);
    cr_assert_eq(mxt_b64_encode((const uint8_t *)"fooba", 5, NULL, 0, &len), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 7);
    cr_assert_eq(mxt_b64_encode((const uint8_t *)"", 0, NULL, 0, &len), MXT_OK);
    cr_assert_eq(len, 0);
}

Test(b64, decode_buffer_small_reports_needed)
{
    uint8_t out[8];
    size_t len = 0, off = 0;
    cr_assert_eq(dec("Zm9vYmFy", 0, out, 5, &len, &off), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 6);
    cr_assert_eq(off, MXT_NO_OFFSET);
    cr_assert_eq(dec("Zm9vYmE=", 0, NULL, 0, &len, &off), MXT_E_BUFFER_SMALL);
    cr_assert_eq(len, 5);
}

/* Each rejection: input, expected code, expected offset. */
static const struct { const char *in; mxt_status st; size_t off; } REJECT[] = {
    {"Zm9v!", MXT_E_B64_ALPHABET, 4},
    {"Z-9v", MXT_E_B64_ALPHABET, 1},          /* URL-safe alphabet is not the standard one */
    {"Zm9_", MXT_E_B64_ALPHABET, 3},
    {" Zm9v", MXT_E_B64_ALPHABET, 0},         /* no whitespace */
    {"Zm9v\n", MXT_E_B64_ALPHABET, 4},
    {"Zm8=!", MXT_E_B64_ALPHABET, 4},         /* junk after padding: the junk byte */
    {"Zm8=\xc3\xa9", MXT_E_B64_ALPHABET, 4},
    {"\xff", MXT_E_B64_ALPHABET, 0},
    {"Z", MXT_E_B64_LENGTH, 0},               /* 4n+1 */
    {"Zm9vY", MXT_E_B64_LENGTH, 4},
    {"Zm9vYmFyZ", MXT_E_B64_LENGTH, 8},
    {"Zm9vY===", MXT_E_B64_LENGTH, 4},
    {"Z===", MXT_E_B64_LENGTH, 0},
    {"=", MXT_E_B64_PADDING, 0},
    {"==", MXT_E_B64_PADDING, 0},
    {"Zg=", MXT_E_B64_PADDING, 2},            /* too little padding */
    {"Zg===", MXT_E_B64_PADDING, 2},          /* too much */
    {"Zm8==", MXT_E_B64_PADDING, 3},
    {"Zm9v=", MXT_E_B64_PADDING, 4},          /* padding after a full group */
    {"Zm9v====", MXT_E_B64_PADDING, 4},
    {"Zg==Zg==", MXT_E_B64_PADDING, 2},       /* padding in the middle */
    {"Zm=v", MXT_E_B64_PADDING, 2},
};

Test(b64, rejections_with_offsets)
{
    for (size_t i = 0; i < sizeof REJECT / sizeof REJECT[0]; i++) {
        for (unsigned flags = 0; flags <= 1; flags++) {
            uint8_t out[16];
            size_t len = 77, off = 0;
            mxt_status st = dec(REJECT[i].in, flags, out, sizeof out, &len, &off);
            cr_assert_eq(st, REJECT[i].st, "%s: got %s", REJECT[i].in, mxt_status_name(st));
            cr_assert_eq(off, REJECT[i].off, "%s: offset %zu", REJECT[i].in, off);
            cr_assert_str_eq(mxt_status_rule(st), "SIG-006");
        }
    }
}

Test(b64, trailing_bits_lenient_and_strict)
{
    /* The spec's signing seed (TV-1) ends in '1': its low 4 bits are not zero. */
    const char *seed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
    const uint8_t want[32] = {0x60, 0x90, 0xc1, 0x03, 0xd5, 0xe7, 0xaf, 0x6b, 0x15, 0xa9, 0x70,
                              0xfd, 0x56, 0x3e, 0xd7, 0x55, 0x49, 0xe6, 0x15, 0x97, 0x19, 0xae,
                              0x5c, 0x3c, 0x31, 0xde, 0xe4, 0x31, 0x6f, 0xb7, 0x5c, 0x0d};
    uint8_t out[40];
    size_t len = 0, off = 0;
    cr_assert_eq(dec(seed, MXT_B64_LENIENT, out, sizeof out, &len, &off), MXT_OK);
    cr_assert_eq(len, 32);
    cr_assert(memcmp(out, want, 32) == 0);
    cr_assert_eq(dec(seed, MXT_B64_STRICT, out, sizeof out, &len, &off), MXT_E_B64_TRAILING_BITS);
    cr_assert_eq(off, 42);
    /* its canonical form ends in ...XA0 and is accepted by both */
    cr_assert_eq(dec("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0", MXT_B64_STRICT, out, sizeof out,
                     &len, &off), MXT_OK);
    cr_assert(memcmp(out, want, 32) == 0);
    char enc[48];
    cr_assert_eq(mxt_b64_encode(want, 32, enc, sizeof enc, &len), MXT_OK);
    cr_assert_eq(len, 43);
    cr_assert(memcmp(enc, "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0", 43) == 0);
    /* a 2-char tail (one byte) keeps 4 bits unused; a 3-char tail keeps 2 */
    cr_assert_eq(dec("Zh", MXT_B64_STRICT, out, sizeof out, &len, &off), MXT_E_B64_TRAILING_BITS);
    cr_assert_eq(off, 1);
    cr_assert_eq(dec("Zh==", MXT_B64_STRICT, out, sizeof out, &len, &off), MXT_E_B64_TRAILING_BITS);
    cr_assert_eq(off, 1);
    cr_assert_eq(dec("Zh", MXT_B64_LENIENT, out, sizeof out, &len, &off), MXT_OK);
    cr_assert_eq(len, 1);
    cr_assert_eq(out[0], 'f');
    cr_assert_eq(dec("Zm9", MXT_B64_STRICT, out, sizeof out, &len, &off), MXT_E_B64_TRAILING_BITS);
    cr_assert_eq(off, 2);
    cr_assert_eq(dec("Zm8", MXT_B64_STRICT, out, sizeof out, &len, &off), MXT_OK);
    cr_assert_eq(dec("Zm9", MXT_B64_LENIENT, out, sizeof out, &len, &off), MXT_OK);
    cr_assert_eq(len, 2);
    cr_assert(memcmp(out, "fo", 2) == 0);
}

/* xorshift64*: a fixed seed, so failures reproduce */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static int in_alphabet(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
        || c == '/';
}

Test(b64, random_round_trips)
{
    for (int iter = 0; iter < 5000; iter++) {
        uint8_t raw[200], back[200];
        char enc[300];
        size_t n = (size_t)(rng() % 200u), len = 0, blen = 0;
        for (size_t i = 0; i < n; i++)
            raw[i] = (uint8_t)rng();
        cr_assert_eq(mxt_b64_encode(raw, n, enc, sizeof enc, &len), MXT_OK);
        cr_assert_eq(len, MXT_B64_ENCODED_LEN(n));
        cr_assert_neq(len % 4u, 1u);
        for (size_t i = 0; i < len; i++)
            cr_assert(in_alphabet(enc[i]));
        mxt_where w;
        cr_assert_eq(mxt_b64_decode(enc, len, MXT_B64_STRICT, back, sizeof back, &blen, &w), MXT_OK);
        cr_assert_eq(blen, n);
        cr_assert(memcmp(raw, back, n) == 0);
        /* padded form decodes to the same bytes */
        size_t plen = len;
        while (plen % 4u != 0u)
            enc[plen++] = '=';
        cr_assert_eq(mxt_b64_decode(enc, plen, MXT_B64_STRICT, back, sizeof back, &blen, &w), MXT_OK);
        cr_assert_eq(blen, n);
        cr_assert(memcmp(raw, back, n) == 0);
    }
}

Test(b64, random_junk_never_accepted_wrongly)
{
    /* Random strings over alphabet + '=' + a few junk bytes: whatever the verdict, an accepted
     * input re-encodes to its own data characters (lenient: up to trailing bits). */
    const char pool[] = "ABCXYZabcxyz0189+/=!- ";
    for (int iter = 0; iter < 20000; iter++) {
        char s[16];
        size_t n = (size_t)(rng() % 12u);
        for (size_t i = 0; i < n; i++)
            s[i] = pool[rng() % (sizeof pool - 1u)];
        uint8_t out[16];
        size_t len = 0;
        mxt_where w;
        mxt_status st = mxt_b64_decode(s, n, MXT_B64_STRICT, out, sizeof out, &len, &w);
        if (st != MXT_OK) {
            cr_assert_lt(w.offset, n);
            continue;
        }
        char re[24];
        size_t rl = 0;
        cr_assert_eq(mxt_b64_encode(out, len, re, sizeof re, &rl), MXT_OK);
        cr_assert_leq(rl, n);
        cr_assert(memcmp(re, s, rl) == 0);
        for (size_t i = rl; i < n; i++)
            cr_assert_eq(s[i], '=');
    }
}
