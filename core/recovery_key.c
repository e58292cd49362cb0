/*
 * Recovery key codec (BK-FMT-009, BK-FMT-010). See recovery_key.h for the contracts; the rules are
 * the predicates of spec/acsl/recovery_key.h.
 *
 * Base58 works on the 35 bytes as one big-endian number: encoding divides it by 58 forty-eight
 * times (every 35-byte value starting 0x8B 0x01 lies in [58^47, 58^48), so it always has 48 digits
 * and no leading zero byte); decoding multiplies an accumulator by 58 and adds each digit, and a
 * carry out of the 35th byte means the text encodes more than 35 bytes.
 */
#include "recovery_key.h"

/*@
  requires d < 58;
  assigns \nothing;
  ensures \result == b58_digit_char(d);
  ensures b58_char(\result);
*/
static char rk_digit_char(unsigned d)
{
    unsigned c;
    if (d < 9u)
        c = (unsigned)'1' + d;
    else if (d < 17u)
        c = (unsigned)'A' + (d - 9u);
    else if (d < 22u)
        c = (unsigned)'J' + (d - 17u);
    else if (d < 33u)
        c = (unsigned)'P' + (d - 22u);
    else if (d < 44u)
        c = (unsigned)'a' + (d - 33u);
    else
        c = (unsigned)'m' + (d - 44u);
    return (char)c;
}

/*@
  requires b58_char(c);
  assigns \nothing;
  ensures \result == b58_char_value(c);
  ensures 0 <= \result < 58;
*/
static unsigned rk_char_value(char c)
{
    int v;
    if (c <= '9')
        v = c - '1';
    else if (c <= 'H')
        v = c - 'A' + 9;
    else if (c <= 'N')
        v = c - 'J' + 17;
    else if (c <= 'Z')
        v = c - 'P' + 22;
    else if (c <= 'k')
        v = c - 'a' + 33;
    else
        v = c - 'm' + 44;
    return (unsigned)v;
}

/*@
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> b58_char(c);
*/
static int rk_is_b58(char c)
{
    return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'H') || (c >= 'J' && c <= 'N')
        || (c >= 'P' && c <= 'Z') || (c >= 'a' && c <= 'k') || (c >= 'm' && c <= 'z');
}

/*@
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> rk_space(c);
*/
static int rk_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  assigns \nothing;
  ensures \result <= n;
  ensures \forall integer j; 0 <= j < \result ==> rk_input_char(in[j]);
  ensures \result < n ==> !rk_input_char(in[\result]);
*/
static size_t rk_first_bad(const char *in, size_t n)
{
    size_t i;
    /*@
      loop invariant 0 <= i <= n;
      loop invariant \forall integer j; 0 <= j < i ==> rk_input_char(in[j]);
      loop assigns i;
      loop variant n - i;
    */
    for (i = 0; i < n; i++) {
        if (!rk_is_b58(in[i]) && !rk_is_space(in[i]))
            return i;
    }
    return n;
}

/* The parity byte of the 35-byte layout: XOR of b[0 .. 33]. */
/*@
  requires \valid_read(b + (0 .. 33));
  assigns \nothing;
  ensures \result == rk_parity_of(b);
*/
static uint8_t rk_parity(const uint8_t *b)
{
    return (uint8_t)(b[0] ^ b[1] ^ b[2] ^ b[3] ^ b[4] ^ b[5] ^ b[6] ^ b[7] ^ b[8]
                     ^ b[9] ^ b[10] ^ b[11] ^ b[12] ^ b[13] ^ b[14] ^ b[15] ^ b[16] ^ b[17]
                     ^ b[18] ^ b[19] ^ b[20] ^ b[21] ^ b[22] ^ b[23] ^ b[24] ^ b[25] ^ b[26]
                     ^ b[27] ^ b[28] ^ b[29] ^ b[30] ^ b[31] ^ b[32] ^ b[33]);
}

/*@
  requires \valid(dst + (0 .. n - 1));
  requires \valid_read(src + (0 .. n - 1));
  requires \separated(dst + (0 .. n - 1), src + (0 .. n - 1));
  assigns dst[0 .. n - 1];
  ensures \forall integer j; 0 <= j < n ==> dst[j] == src[j];
*/
static void rk_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i;
    /*@
      loop invariant 0 <= i <= n;
      loop invariant \forall integer j; 0 <= j < i ==> dst[j] == src[j];
      loop assigns i, dst[0 .. n - 1];
      loop variant n - i;
    */
    for (i = 0; i < n; i++)
        dst[i] = src[i];
}

/* Sets the parity byte raw[34] from raw[0 .. 33]. */
/*@
  requires \valid(raw + (0 .. 34));
  requires rk_prefix_ok(raw);
  assigns raw[34];
  ensures recovery_key_well_formed(raw);
  ensures \forall integer i; 0 <= i < 34 ==> raw[i] == \old(raw[i]);
*/
static void rk_set_parity(uint8_t *raw)
{
    const uint8_t p = rk_parity(raw);
    raw[34] = p;
}

void mxt_rk_pack(const uint8_t *key, uint8_t *raw)
{
    raw[0] = 0x8Bu;
    raw[1] = 0x01u;
    rk_copy(raw + 2, key, 32u);
    /*@ assert rk_prefix_ok(raw); */
    rk_set_parity(raw);
}

/* Divides the 35-byte big-endian number w by 58 in place; returns the remainder. */
/*@
  requires \valid(w + (0 .. 34));
  assigns w[0 .. 34];
  ensures \result < 58;
*/
static unsigned rk_divmod58(uint8_t *w)
{
    unsigned rem = 0;
    size_t i;
    /*@
      loop invariant 0 <= i <= 35;
      loop invariant rem < 58;
      loop assigns i, rem, w[0 .. 34];
      loop variant 35 - i;
    */
    for (i = 0; i < 35u; i++) {
        unsigned cur = rem * 256u + (unsigned)w[i];
        w[i] = (uint8_t)(cur / 58u);
        rem = cur % 58u;
    }
    return rem;
}

/* acc = acc * 58 + d on the 35-byte big-endian accumulator; returns the carry out of the top byte
 * (non-zero: the number no longer fits in 35 bytes). */
/*@
  requires \valid(acc + (0 .. 34));
  requires d < 58;
  assigns acc[0 .. 34];
  ensures \result < 58;
*/
static unsigned rk_mul58_add(uint8_t *acc, unsigned d)
{
    unsigned carry = d;
    size_t j;
    /*@
      loop invariant 0 <= j <= 35;
      loop invariant carry < 58;
      loop assigns j, carry, acc[0 .. 34];
      loop variant j;
    */
    for (j = 35u; j > 0u; j--) {
        unsigned cur = (unsigned)acc[j - 1u] * 58u + carry;
        acc[j - 1u] = (uint8_t)(cur % 256u);
        carry = cur / 256u;
    }
    return carry;
}

/*@
  requires \valid(out + (0 .. 58));
  requires \valid_read(digits + (0 .. 47));
  requires \separated(out + (0 .. 58), digits + (0 .. 47));
  requires rk_compact_form(digits);
  assigns out[0 .. 58];
  ensures rk_display_form(out);
*/
static void rk_layout_display(const char *digits, char *out)
{
    size_t i;
    /*@
      loop invariant 0 <= i <= 59;
      loop invariant \forall integer j; 0 <= j < i ==>
        (j % 5 == 4 ==> out[j] == ' ') && (j % 5 != 4 ==> b58_char(out[j]));
      loop assigns i, out[0 .. 58];
      loop variant 59 - i;
    */
    for (i = 0; i < 59u; i++) {
        if (i % 5u == 4u)
            out[i] = ' ';
        else
            out[i] = digits[i - i / 5u];
    }
}

/* The 48 base58 digits of the 35 bytes raw (most significant first). */
/*@
  requires \valid_read(raw + (0 .. 34));
  requires \valid(digits + (0 .. 47));
  assigns digits[0 .. 47];
  ensures rk_compact_form(digits);
*/
static void rk_digits(const uint8_t *raw, char *digits)
{
    uint8_t w[35];
    size_t k;
    rk_copy(w, raw, 35u);
    /*@
      loop invariant 0 <= k <= 48;
      loop invariant \forall integer j; 48 - k <= j < 48 ==> b58_char(digits[j]);
      loop assigns k, w[0 .. 34], digits[0 .. 47];
      loop variant 48 - k;
    */
    for (k = 0; k < 48u; k++)
        digits[47u - k] = rk_digit_char(rk_divmod58(w));
}

/*@
  requires \valid(out + (0 .. 47));
  requires \valid_read(digits + (0 .. 47));
  requires \separated(out + (0 .. 47), digits + (0 .. 47));
  requires rk_compact_form(digits);
  assigns out[0 .. 47];
  ensures rk_compact_form(out);
*/
static void rk_layout_compact(const char *digits, char *out)
{
    size_t k;
    /*@
      loop invariant 0 <= k <= 48;
      loop invariant \forall integer j; 0 <= j < k ==> b58_char(out[j]);
      loop assigns k, out[0 .. 47];
      loop variant 48 - k;
    */
    for (k = 0; k < 48u; k++)
        out[k] = digits[k];
}

mxt_status mxt_rk_encode(const uint8_t *key, unsigned layout, char *out, size_t cap,
                         size_t *out_len)
{
    uint8_t raw[35];
    char digits[48];
    size_t need = layout == MXT_RK_DISPLAY ? (size_t)MXT_RK_DISPLAY_LEN : (size_t)MXT_RK_B58_LEN;

    if (cap < need) {
        *out_len = need;
        return MXT_E_BUFFER_SMALL;
    }
    mxt_rk_pack(key, raw);
    rk_digits(raw, digits);
    if (layout == MXT_RK_DISPLAY)
        rk_layout_display(digits, out);
    else
        rk_layout_compact(digits, out);
    *out_len = need;
    return MXT_OK;
}

/* Number of leading zero bytes of the 35-byte accumulator. */
/*@
  requires \valid_read(acc + (0 .. 34));
  assigns \nothing;
  ensures \result <= 35;
*/
static size_t rk_leading_zeros(const uint8_t *acc)
{
    size_t z = 0;
    /*@
      loop invariant 0 <= z <= 35;
      loop assigns z;
      loop variant 35 - z;
    */
    while (z < 35u && acc[z] == 0u)
        z++;
    return z;
}

/* Runs the base58 arithmetic over in[0..n) (every character a digit or whitespace) into raw. Returns
 * MXT_OK when the text encodes exactly 35 bytes (leading '1' digits are leading zero bytes), else
 * MXT_E_RK_LENGTH. */
/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires \valid(raw + (0 .. 34));
  requires \separated(raw + (0 .. 34), in + (0 .. n - 1));
  requires \forall integer i; 0 <= i < n ==> rk_input_char(in[i]);
  assigns raw[0 .. 34];
  ensures \result == MXT_OK || \result == MXT_E_RK_LENGTH;
*/
static mxt_status rk_base58_35(const char *in, size_t n, uint8_t *raw)
{
    size_t i;
    size_t ones = 0;
    int seen_digit = 0;

    /*@
      loop invariant 0 <= i <= 35;
      loop assigns i, raw[0 .. 34];
      loop variant 35 - i;
    */
    for (i = 0; i < 35u; i++)
        raw[i] = 0;

    /*@
      loop invariant 0 <= i <= n;
      loop invariant ones <= 35;
      loop assigns i, ones, seen_digit, raw[0 .. 34];
      loop variant n - i;
    */
    for (i = 0; i < n; i++) {
        unsigned v;
        if (rk_is_space(in[i]))
            continue;
        v = rk_char_value(in[i]);
        if (!seen_digit && v == 0u) {
            /* a leading '1' stands for a leading zero byte */
            ones++;
            if (ones > 35u)
                return MXT_E_RK_LENGTH;
            continue;
        }
        seen_digit = 1;
        if (rk_mul58_add(raw, v) != 0u)
            return MXT_E_RK_LENGTH;
    }
    if (ones + (35u - rk_leading_zeros(raw)) != 35u)
        return MXT_E_RK_LENGTH;
    return MXT_OK;
}

mxt_status mxt_rk_decode(const char *in, size_t n, uint8_t *raw, uint8_t *key, mxt_where *where)
{
    size_t bad = rk_first_bad(in, n);
    mxt_status st;

    if (bad < n) {
        where->offset = bad;
        return MXT_E_RK_ALPHABET;
    }
    where->offset = MXT_NO_OFFSET;

    st = rk_base58_35(in, n, raw);
    if (st != MXT_OK)
        return st;
    /* the key is copied first, so that nothing is written after the checks below */
    rk_copy(key, raw + 2, 32u);
    if (raw[0] != 0x8Bu || raw[1] != 0x01u)
        return MXT_E_RK_PREFIX;
    if (raw[34] != rk_parity(raw))
        return MXT_E_RK_PARITY;
    return MXT_OK;
}
