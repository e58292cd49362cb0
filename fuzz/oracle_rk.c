/*
 * Recovery keys (BK-FMT-009/010) re-stated with schoolbook base58 on a byte array: multiply by 58
 * and add each digit; leading '1's stand for leading zero bytes (Bitcoin convention).
 */
#include <string.h>
#include "oracle.h"
#include "mxt_status.h"

static const char B58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int b58_value(char c)
{
    for (int i = 0; i < 58; i++)
        if (B58[i] == c) return i;
    return -1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int ork_decode(const char *in, size_t n, uint8_t raw[35], size_t *bad_offset)
{
    for (size_t i = 0; i < n; i++)
        if (b58_value(in[i]) < 0 && !is_space(in[i])) { *bad_offset = i; return MXT_E_RK_ALPHABET; }
    /* big-endian number in num[0..len), most significant first, at most 64 bytes kept */
    uint8_t num[64];
    size_t len = 0, zeros = 0;
    int leading = 1, too_long = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_space(in[i])) continue;
        int d = b58_value(in[i]);
        if (leading && d == 0) { zeros++; continue; }
        leading = 0;
        unsigned carry = (unsigned)d;
        for (size_t k = len; k-- > 0;) {
            unsigned v = num[k] * 58u + carry;
            num[k] = (uint8_t)v;
            carry = v >> 8;
        }
        while (carry) {
            if (len == sizeof num) { too_long = 1; break; }
            memmove(num + 1, num, len);
            num[0] = (uint8_t)carry;
            len++;
            carry >>= 8;
        }
        if (too_long) break;
    }
    if (too_long || zeros + len != 35) return MXT_E_RK_LENGTH;
    memset(raw, 0, 35);
    memcpy(raw + zeros, num, len);
    if (raw[0] != 0x8B || raw[1] != 0x01) return MXT_E_RK_PREFIX;
    uint8_t x = 0;
    for (int i = 0; i < 35; i++) x ^= raw[i];
    return x == 0 ? MXT_OK : MXT_E_RK_PARITY;
}

void ork_encode(const uint8_t key[32], int display, char *out, size_t *out_len)
{
    uint8_t raw[35];
    raw[0] = 0x8B; raw[1] = 0x01;
    memcpy(raw + 2, key, 32);
    uint8_t x = 0;
    for (int i = 0; i < 34; i++) x ^= raw[i];
    raw[34] = x;
    /* repeated division by 58 */
    char digits[64];
    size_t nd = 0;
    for (;;) {
        int nonzero = 0;
        unsigned rem = 0;
        for (int i = 0; i < 35; i++) {
            unsigned v = rem * 256u + raw[i];
            raw[i] = (uint8_t)(v / 58u);
            rem = v % 58u;
            if (raw[i]) nonzero = 1;
        }
        digits[nd++] = B58[rem];
        if (!nonzero) break;
    }
    size_t o = 0;
    for (size_t i = 0; i < nd; i++) {
        if (display && i > 0 && i % 4 == 0) out[o++] = ' ';
        out[o++] = digits[nd - 1 - i];
    }
    *out_len = o;
}
