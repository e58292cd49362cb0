/*
 * Unpadded base64 (SIG-006). The alphabet is computed by comparisons that mirror the logic
 * functions b64_char / b64_val of spec/acsl/b64.h, so the proof links code and rule directly.
 */
#include "b64.h"

/*@
  requires v < 64;
  assigns \nothing;
  ensures \result == b64_char(v);
  ensures b64_alpha(\result);
*/
static char enc_char(unsigned v)
{
    if (v < 26u)
        return (char)('A' + v);
    if (v < 52u)
        return (char)('a' + (v - 26u));
    if (v < 62u)
        return (char)('0' + (v - 52u));
    return v == 62u ? '+' : '/';
}

/*@
  assigns \nothing;
  ensures b64_alpha(c) ==> \result == b64_val(c) && 0 <= \result < 64;
  ensures !b64_alpha(c) ==> \result == -1;
*/
static int dec_val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Encodes the full group g (bytes 3g .. 3g+2) as characters 4g .. 4g+3. */
/*@
  requires 3 * g + 2 < n && 4 * g + 3 < len;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(out + (4 * g .. 4 * g + 3));
  requires \separated(out + (4 * g .. 4 * g + 3), in + (0 .. n - 1));
  assigns out[4 * g .. 4 * g + 3];
  ensures b64_enc_group(out, len, in, n, g);
  ensures \forall integer i; 4 * g <= i < 4 * g + 4 ==> b64_alpha(out[i]);
*/
static void enc_group(const uint8_t *in, size_t n, char *out, size_t len, size_t g)
{
    (void)n;   /* bounds for the contract only */
    (void)len;
    unsigned a = in[3u * g], b = in[3u * g + 1u], c = in[3u * g + 2u];
    out[4u * g] = enc_char(a / 4u);
    out[4u * g + 1u] = enc_char((a % 4u) * 16u + b / 16u);
    out[4u * g + 2u] = enc_char((b % 16u) * 4u + c / 64u);
    out[4u * g + 3u] = enc_char(c % 64u);
}

/*@
  requires n <= (SIZE_MAX / 4) * 3;
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires 4 * (n / 3) <= cap;
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \separated(out + (0 .. cap - 1), in + (0 .. n - 1));
  assigns out[0 .. 4 * (n / 3) - 1];
  ensures \forall integer g; 0 <= g < n / 3 ==> b64_enc_group(out, 4 * (n / 3), in, n, g);
  ensures \forall integer i; 0 <= i < 4 * (n / 3) ==> b64_alpha(out[i]);
*/
static void enc_groups(const uint8_t *in, size_t n, char *out, size_t cap)
{
    (void)cap;   /* bounds out in the contract only */
    size_t full = n / 3u;
    size_t g;
    /*@
      loop invariant 0 <= g <= full;
      loop invariant \forall integer h; 0 <= h < g ==> b64_enc_group(out, 4 * full, in, n, h);
      loop invariant \forall integer i; 0 <= i < 4 * g ==> b64_alpha(out[i]);
      loop assigns g, out[0 .. 4 * full - 1];
      loop variant full - g;
    */
    for (g = 0; g < full; g++)
        enc_group(in, n, out, 4u * full, g);
}

mxt_status mxt_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *out_len)
{
    size_t full = n / 3u;
    size_t rem = n % 3u;
    size_t need = full * 4u + (rem == 0u ? 0u : rem + 1u);
    *out_len = need;
    if (need > cap)
        return MXT_E_BUFFER_SMALL;
    enc_groups(in, n, out, cap);
    /*@ assert \forall integer g; 0 <= g < full ==> b64_enc_group(out, need, in, n, g); */
    if (rem == 1u) {
        unsigned a = in[3u * full];
        out[4u * full] = enc_char(a / 4u);
        out[4u * full + 1u] = enc_char((a % 4u) * 16u);
    } else if (rem == 2u) {
        unsigned a = in[3u * full], b = in[3u * full + 1u];
        out[4u * full] = enc_char(a / 4u);
        out[4u * full + 1u] = enc_char((a % 4u) * 16u + b / 16u);
        out[4u * full + 2u] = enc_char((b % 16u) * 4u);
    }
    /*@ assert rem != 0 ==> b64_enc_group(out, need, in, n, full); */
    /*@ assert \forall integer i; 0 <= i < need ==> b64_alpha(out[i]); */
    return MXT_OK;
}

/* Decodes the full group g (characters 4g .. 4g+3) into bytes 3g .. 3g+2. */
/*@
  requires 4 * g + 3 < n && 3 * g + 2 < len;
  requires \valid_read(in + (0 .. n - 1));
  requires \forall integer i; 4 * g <= i < 4 * g + 4 ==> b64_alpha(in[i]);
  requires \valid(out + (3 * g .. 3 * g + 2));
  requires \separated(out + (3 * g .. 3 * g + 2), in + (0 .. n - 1));
  assigns out[3 * g .. 3 * g + 2];
  ensures b64_dec_group(out, len, in, g);
*/
static void dec_group(const char *in, size_t n, uint8_t *out, size_t len, size_t g)
{
    (void)n;   /* bounds for the contract only */
    (void)len;
    unsigned a = (unsigned)dec_val(in[4u * g]);
    unsigned b = (unsigned)dec_val(in[4u * g + 1u]);
    unsigned c = (unsigned)dec_val(in[4u * g + 2u]);
    unsigned d = (unsigned)dec_val(in[4u * g + 3u]);
    out[3u * g] = (uint8_t)(a * 4u + b / 16u);
    out[3u * g + 1u] = (uint8_t)((b % 16u) * 16u + c / 4u);
    out[3u * g + 2u] = (uint8_t)((c % 4u) * 64u + d);
}

/* Decodes the last, partial group: 2 characters -> 1 byte, 3 characters -> 2 bytes. */
/*@
  requires rem == 2 || rem == 3;
  requires 4 * g + rem <= n && len == 3 * g + rem - 1;
  requires \valid_read(in + (0 .. n - 1));
  requires \forall integer i; 4 * g <= i < 4 * g + rem ==> b64_alpha(in[i]);
  requires \valid(out + (3 * g .. 3 * g + rem - 2));
  requires \separated(out + (3 * g .. 3 * g + rem - 2), in + (0 .. n - 1));
  assigns out[3 * g .. 3 * g + rem - 2];
  ensures b64_dec_group(out, len, in, g);
*/
static void dec_tail(const char *in, size_t n, uint8_t *out, size_t len, size_t g, size_t rem)
{
    (void)n;
    (void)len;
    unsigned a = (unsigned)dec_val(in[4u * g]);
    unsigned b = (unsigned)dec_val(in[4u * g + 1u]);
    out[3u * g] = (uint8_t)(a * 4u + b / 16u);
    if (rem == 3u) {
        unsigned c = (unsigned)dec_val(in[4u * g + 2u]);
        out[3u * g + 1u] = (uint8_t)((b % 16u) * 16u + c / 4u);
    }
}

/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires m % 4 != 1 && m <= n;
  requires \forall integer i; 0 <= i < m ==> b64_alpha(in[i]);
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires b64_dec_len(m) <= cap;
  requires \separated(out + (0 .. cap - 1), in + (0 .. n - 1));
  assigns out[0 .. cap - 1];
  ensures b64_decodes(out, b64_dec_len(m), in);
*/
static void dec_groups(const char *in, size_t n, size_t m, uint8_t *out, size_t cap)
{
    (void)cap;   /* bounds out in the contract only */
    size_t full = m / 4u;
    size_t rem = m % 4u;
    size_t len = full * 3u + (rem == 0u ? 0u : rem - 1u);
    /*@ assert len == b64_dec_len(m); */
    size_t g;
    /*@
      loop invariant 0 <= g <= full;
      loop invariant \forall integer h; 0 <= h < g ==> b64_dec_group(out, len, in, h);
      loop assigns g, out[0 .. 3 * full - 1];
      loop variant full - g;
    */
    for (g = 0; g < full; g++)
        dec_group(in, n, out, len, g);
    if (rem >= 2u)
        dec_tail(in, n, out, len, full, rem);
    /*@ assert rem >= 2 ==> b64_dec_group(out, len, in, full); */
    /*@ assert \forall integer h; 0 <= h < full ==> b64_dec_group(out, len, in, h); */
}

/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  assigns \nothing;
  ensures 0 <= \result <= n;
  ensures \forall integer i; 0 <= i < \result ==> b64_alpha(in[i]);
  ensures \result < n ==> !b64_alpha(in[\result]);
*/
static size_t alpha_prefix(const char *in, size_t n)
{
    size_t m = 0;
    /*@
      loop invariant 0 <= m <= n;
      loop invariant \forall integer i; 0 <= i < m ==> b64_alpha(in[i]);
      loop assigns m;
      loop variant n - m;
    */
    while (m < n && dec_val(in[m]) >= 0)
        m++;
    return m;
}

/*@
  requires \valid_read(in + (0 .. n - 1));
  requires m < n;
  assigns \nothing;
  ensures m <= \result <= n;
  ensures \forall integer k; m <= k < \result ==> in[k] == '=';
  ensures \result < n ==> in[\result] != '=';
*/
static size_t pad_run(const char *in, size_t n, size_t m)
{
    size_t i = m;
    /*@
      loop invariant m <= i <= n;
      loop invariant \forall integer k; m <= k < i ==> in[k] == '=';
      loop assigns i;
      loop variant n - i;
    */
    while (i < n && in[i] == '=')
        i++;
    return i;
}

/* The acceptance decision of SIG-006: on MXT_OK *m is the number of data characters. */
/*@
  requires flags == MXT_B64_LENIENT || flags == MXT_B64_STRICT;
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires \valid(m) && \valid(off) && \separated(m, off, in + (0 .. n - 1));
  assigns *m, *off;
  behavior accepted:
    assumes b64_wellformed(in, n, flags == MXT_B64_STRICT);
    ensures \result == MXT_OK;
    ensures *m == b64_unpad(in, n);
  behavior rejected:
    assumes !b64_wellformed(in, n, flags == MXT_B64_STRICT);
    ensures \result == MXT_E_B64_ALPHABET || \result == MXT_E_B64_LENGTH
         || \result == MXT_E_B64_PADDING || \result == MXT_E_B64_TRAILING_BITS;
    ensures *off < n;
    ensures \result == MXT_E_B64_ALPHABET ==> !b64_alpha(in[*off]) && in[*off] != '=';
    ensures \result == MXT_E_B64_PADDING ==> in[*off] == '=';
    ensures \result == MXT_E_B64_LENGTH ==>
            *off % 4 == 0
         && (\forall integer i; 0 <= i <= *off ==> b64_alpha(in[i]))
         && (*off + 1 == n || in[*off + 1] == '=');
    ensures \result == MXT_E_B64_TRAILING_BITS ==>
            flags == MXT_B64_STRICT && *off + 1 == b64_unpad(in, n)
         && !b64_trailing_zero(in, b64_unpad(in, n));
  complete behaviors;
  disjoint behaviors;
*/
static mxt_status b64_check(const char *in, size_t n, unsigned flags, size_t *m, size_t *off)
{
    size_t d = alpha_prefix(in, n);
    *m = d;
    *off = d;
    if (d < n) {
        if (in[d] != '=')
            return MXT_E_B64_ALPHABET;
        size_t i = pad_run(in, n, d);
        if (i < n) {
            if (dec_val(in[i]) < 0) {
                *off = i;
                return MXT_E_B64_ALPHABET;
            }
            /*@ assert i < b64_unpad(in, n); */
            return MXT_E_B64_PADDING;
        }
    }
    /*@ assert \forall integer k; d <= k < n ==> in[k] == '='; */
    if (d % 4u == 1u) {
        *off = d - 1u;
        return MXT_E_B64_LENGTH;
    }
    /* Padding, when present, completes the last group of four exactly. */
    if (d < n && (d % 4u == 0u || n % 4u != 0u || n - d != 4u - d % 4u))
        return MXT_E_B64_PADDING;
    /*@ assert b64_unpad(in, n) == d; */
    if (flags == MXT_B64_STRICT && d % 4u >= 2u) {
        int v = dec_val(in[d - 1u]);
        if ((d % 4u == 2u && v % 16 != 0) || (d % 4u == 3u && v % 4 != 0)) {
            *off = d - 1u;
            return MXT_E_B64_TRAILING_BITS;
        }
    }
    return MXT_OK;
}

mxt_status mxt_b64_decode(const char *in, size_t n, unsigned flags, uint8_t *out, size_t cap,
                          size_t *out_len, mxt_where *where)
{
    size_t m = 0, off = 0;
    *out_len = 0;
    where->offset = MXT_NO_OFFSET;
    mxt_status st = b64_check(in, n, flags, &m, &off);
    if (st != MXT_OK) {
        where->offset = off;
        return st;
    }
    size_t need = (m / 4u) * 3u + (m % 4u == 0u ? 0u : m % 4u - 1u);
    *out_len = need;
    if (need > cap)
        return MXT_E_BUFFER_SMALL;
    dec_groups(in, n, m, out, cap);
    return MXT_OK;
}
