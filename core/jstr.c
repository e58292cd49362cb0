/* JSON string internals: UTF-8, escapes, key comparison, canonical escaping (see jstr.h). */
#include "jstr.h"

/* See jstr.h: bit 1 = MXT_JC_IN, bit 2 = MXT_JC_OUT; one row per 32 byte values. */
const uint8_t mxt_jstr_class[256] = {
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    3,3,0,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,
    3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,0,3,3,3,
    3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
    2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,
};

mxt_status mxt_utf8_decode(const uint8_t *s, size_t n, size_t i, uint32_t *cp, size_t *adv)
{
    uint32_t b0 = s[i];
    uint32_t v;
    uint32_t c;
    if (b0 < 0x80u) {
        *cp = b0;
        *adv = 1;
        return MXT_OK;
    }
    if (b0 < 0xC0u || b0 >= 0xF8u)
        return MXT_E_UTF8_INVALID;
    if (b0 < 0xE0u) {
        if (n - i < 2)
            return MXT_E_UTF8_TRUNCATED;
        c = s[i + 1];
        if (c < 0x80u || c > 0xBFu)
            return MXT_E_UTF8_TRUNCATED;
        v = (b0 - 0xC0u) * 64u + (c - 0x80u);
        if (v < 0x80u)
            return MXT_E_UTF8_OVERLONG;
        *cp = v;
        *adv = 2;
        return MXT_OK;
    }
    if (b0 < 0xF0u) {
        if (n - i < 3)
            return MXT_E_UTF8_TRUNCATED;
        c = s[i + 1];
        if (c < 0x80u || c > 0xBFu)
            return MXT_E_UTF8_TRUNCATED;
        v = (b0 - 0xE0u) * 64u + (c - 0x80u);
        c = s[i + 2];
        if (c < 0x80u || c > 0xBFu)
            return MXT_E_UTF8_TRUNCATED;
        v = v * 64u + (c - 0x80u);
        if (v < 0x800u)
            return MXT_E_UTF8_OVERLONG;
        if (v >= 0xD800u && v <= 0xDFFFu)
            return MXT_E_UTF8_SURROGATE;
        *cp = v;
        *adv = 3;
        return MXT_OK;
    }
    if (n - i < 4)
        return MXT_E_UTF8_TRUNCATED;
    c = s[i + 1];
    if (c < 0x80u || c > 0xBFu)
        return MXT_E_UTF8_TRUNCATED;
    v = (b0 - 0xF0u) * 64u + (c - 0x80u);
    c = s[i + 2];
    if (c < 0x80u || c > 0xBFu)
        return MXT_E_UTF8_TRUNCATED;
    v = v * 64u + (c - 0x80u);
    c = s[i + 3];
    if (c < 0x80u || c > 0xBFu)
        return MXT_E_UTF8_TRUNCATED;
    v = v * 64u + (c - 0x80u);
    if (v < 0x10000u)
        return MXT_E_UTF8_OVERLONG;
    if (v > 0x10FFFFu)
        return MXT_E_UTF8_RANGE;
    *cp = v;
    *adv = 4;
    return MXT_OK;
}

size_t mxt_utf8_encode(uint32_t cp, uint8_t *b)
{
    if (cp < 0x80u) {
        b[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800u) {
        b[0] = (uint8_t)(0xC0u + cp / 64u);
        b[1] = (uint8_t)(0x80u + cp % 64u);
        return 2;
    }
    if (cp < 0x10000u) {
        b[0] = (uint8_t)(0xE0u + cp / 4096u);
        b[1] = (uint8_t)(0x80u + (cp / 64u) % 64u);
        b[2] = (uint8_t)(0x80u + cp % 64u);
        return 3;
    }
    b[0] = (uint8_t)(0xF0u + cp / 262144u);
    b[1] = (uint8_t)(0x80u + (cp / 4096u) % 64u);
    b[2] = (uint8_t)(0x80u + (cp / 64u) % 64u);
    b[3] = (uint8_t)(0x80u + cp % 64u);
    return 4;
}

int mxt_hex_val(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The 16-bit value of the four hex digits s[at..at+3], or -1. */
/*@
  requires at + 4 <= end;
  requires \valid_read(s + (0 .. end - 1));
  assigns \nothing;
  ensures -1 <= \result <= 0xFFFF;
*/
static int32_t hex4(const uint8_t *s, size_t end, size_t at)
{
    (void)end;
    int d0 = mxt_hex_val(s[at]);
    int d1 = mxt_hex_val(s[at + 1u]);
    int d2 = mxt_hex_val(s[at + 2u]);
    int d3 = mxt_hex_val(s[at + 3u]);
    if (d0 < 0 || d1 < 0 || d2 < 0 || d3 < 0)
        return -1;
    return ((d0 * 16 + d1) * 16 + d2) * 16 + d3;
}

/* One escape at s[i] == '\\' (see mxt_jstr_unit). */
/*@
  requires i < end;
  requires \valid_read(s + (0 .. end - 1));
  requires \valid(cp) && \valid(next);
  requires \separated(cp, next, s + (0 .. end - 1));
  assigns *cp, *next;
  ensures \result == MXT_OK || \result == MXT_E_ESCAPE || \result == MXT_E_LONE_SURROGATE;
  ensures \result == MXT_OK ==> cjson_scalar(*cp) && i < *next <= end;
  ensures \result != MXT_OK ==> i <= *next < end;
*/
static mxt_status escape_unit(const uint8_t *s, size_t end, size_t i, uint32_t *cp, size_t *next)
{
    uint32_t v;
    int32_t h;
    int32_t l;
    *next = i;
    if (end - i < 2)
        return MXT_E_ESCAPE;
    switch (s[i + 1]) {
    case '"': v = 0x22u; break;
    case '\\': v = 0x5Cu; break;
    case '/': v = 0x2Fu; break;
    case 'b': v = 0x08u; break;
    case 'f': v = 0x0Cu; break;
    case 'n': v = 0x0Au; break;
    case 'r': v = 0x0Du; break;
    case 't': v = 0x09u; break;
    case 'u':
        if (end - i < 6)
            return MXT_E_ESCAPE;
        h = hex4(s, end, i + 2);
        if (h < 0)
            return MXT_E_ESCAPE;
        if (h >= 0xDC00 && h <= 0xDFFF)
            return MXT_E_LONE_SURROGATE;
        if (h < 0xD800 || h > 0xDBFF) {
            *cp = (uint32_t)h;
            *next = i + 6;
            return MXT_OK;
        }
        if (end - i < 8 || s[i + 6] != '\\' || s[i + 7] != 'u')
            return MXT_E_LONE_SURROGATE;
        if (end - i < 12) {
            *next = i + 6;
            return MXT_E_ESCAPE;
        }
        l = hex4(s, end, i + 8);
        if (l < 0) {
            *next = i + 6;
            return MXT_E_ESCAPE;
        }
        if (l < 0xDC00 || l > 0xDFFF)
            return MXT_E_LONE_SURROGATE;
        *cp = 0x10000u + (uint32_t)(h - 0xD800) * 0x400u + (uint32_t)(l - 0xDC00);
        *next = i + 12;
        return MXT_OK;
    default:
        return MXT_E_ESCAPE;
    }
    *cp = v;
    *next = i + 2;
    return MXT_OK;
}

mxt_status mxt_jstr_unit(const uint8_t *s, size_t end, size_t i, uint32_t *cp, size_t *next)
{
    uint8_t c = s[i];
    size_t adv;
    mxt_status st;
    if (c == '\\')
        return escape_unit(s, end, i, cp, next);
    *next = i;
    if (c >= 0x80u) {
        st = mxt_utf8_decode(s, end, i, cp, &adv);
        if (st != MXT_OK)
            return st;
        *next = i + adv;
        return MXT_OK;
    }
    if (c < 0x20u)
        return MXT_E_CONTROL_CHAR;
    if (c == '"')
        return MXT_E_SYNTAX;
    *cp = c;
    *next = i + 1;
    return MXT_OK;
}

/* One unit for comparison: like mxt_jstr_unit, but an invalid unit counts as its first byte. */
/*@
  requires i < end;
  requires \valid_read(s + (0 .. end - 1));
  requires \valid(cp) && \valid(next);
  requires \separated(cp, next, s + (0 .. end - 1));
  assigns *cp, *next;
  ensures i < *next <= end;
*/
static void cmp_unit(const uint8_t *s, size_t end, size_t i, uint32_t *cp, size_t *next)
{
    if (mxt_jstr_unit(s, end, i, cp, next) != MXT_OK) {
        *cp = s[i];
        *next = i + 1;
    }
}

int mxt_jstr_cmp(const uint8_t *s, size_t a0, size_t a1, int aesc, size_t b0, size_t b1, int besc)
{
    size_t i = a0;
    size_t j = b0;
    if (!aesc && !besc) {
        /*@ loop invariant a0 <= i <= a1 && b0 <= j <= b1;
            loop invariant i - a0 == j - b0;
            loop assigns i, j;
            loop variant a1 - i; */
        while (i < a1 && j < b1) {
            if (s[i] != s[j])
                return s[i] < s[j] ? -1 : 1;
            i++;
            j++;
        }
    } else {
        uint32_t ca;
        uint32_t cb;
        size_t ni;
        size_t nj;
        /*@ loop invariant a0 <= i <= a1 && b0 <= j <= b1;
            loop assigns i, j, ca, cb, ni, nj;
            loop variant (a1 - i) + (b1 - j); */
        while (i < a1 && j < b1) {
            cmp_unit(s, a1, i, &ca, &ni);
            cmp_unit(s, b1, j, &cb, &nj);
            if (ca != cb)
                return ca < cb ? -1 : 1;
            i = ni;
            j = nj;
        }
    }
    if (i < a1)
        return 1;
    if (j < b1)
        return -1;
    return 0;
}

int mxt_jstr_eq_raw(const uint8_t *s, size_t a0, size_t a1, int esc, const uint8_t *r, size_t rn)
{
    size_t i = a0;
    size_t k = 0;
    if (!esc) {
        if (a1 - a0 != rn)
            return 0;
        /*@ loop invariant a0 <= i <= a1 && k == i - a0 && k <= rn;
            loop assigns i, k;
            loop variant a1 - i; */
        while (i < a1) {
            if (s[i] != r[k])
                return 0;
            i++;
            k++;
        }
        return 1;
    }
    {
        uint32_t cp;
        size_t ni;
        size_t n;
        uint8_t b[4];
        /*@ loop invariant a0 <= i <= a1 && k <= rn;
            loop assigns i, k, cp, ni, n, b[0 .. 3];
            loop variant a1 - i; */
        while (i < a1) {
            if (mxt_jstr_unit(s, a1, i, &cp, &ni) != MXT_OK)
                return 0;
            n = mxt_utf8_encode(cp, b);
            if (rn - k < n)
                return 0;
            /*@ loop invariant 0 <= m <= n;
                loop assigns m;
                loop variant n - m; */
            for (size_t m = 0; m < n; m++)
                if (r[k + m] != b[m])
                    return 0;
            k += n;
            i = ni;
        }
        return k == rn;
    }
}

/* Lowercase hex digit for 0..15 (CJSON-004). */
/*@
  requires 0 <= d <= 15;
  assigns \nothing;
  ensures \result == cjson_hex_lower(d);
*/
static uint8_t hex_lower(uint32_t d)
{
    return (uint8_t)(d < 10u ? '0' + d : 'a' + (d - 10u));
}

/* The character after '\\' in a short escape (CJSON-004). */
/*@
  requires cjson_short_escape(cp);
  assigns \nothing;
  ensures \result == cjson_short_char(cp);
*/
static uint8_t short_char(uint32_t cp)
{
    if (cp == 0x22u)
        return '"';
    if (cp == 0x5Cu)
        return '\\';
    if (cp == 0x08u)
        return 'b';
    if (cp == 0x0Cu)
        return 'f';
    if (cp == 0x0Au)
        return 'n';
    if (cp == 0x0Du)
        return 'r';
    return 't';
}

size_t mxt_cjson_escape(uint32_t cp, uint8_t *b)
{
    if (cp == 0x22u || cp == 0x5Cu || cp == 0x08u || cp == 0x0Cu || cp == 0x0Au || cp == 0x0Du
        || cp == 0x09u) {
        b[0] = '\\';
        b[1] = short_char(cp);
        return 2;
    }
    if (cp < 0x20u) {
        b[0] = '\\';
        b[1] = 'u';
        b[2] = '0';
        b[3] = '0';
        b[4] = hex_lower(cp / 16u);
        b[5] = hex_lower(cp % 16u);
        return 6;
    }
    return mxt_utf8_encode(cp, b);
}
