/*
 * A plain re-statement of unpadded base64 (SIG-006) for the harnesses: decode by looking each
 * character up in a 64-character string, collect 6-bit groups, and cut bytes. No tables, no
 * cleverness; written apart from core/b64.c.
 */
#include <string.h>
#include "oracle.h"

static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value_of(uint8_t c)
{
    for (int i = 0; i < 64; i++)
        if ((uint8_t)ALPHA[i] == c) return i;
    return -1;
}

int ob64_decode(const uint8_t *in, size_t n, int strict, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t data = 0;
    while (data < n && in[data] != '=') {
        if (value_of(in[data]) < 0) return -1;
        data++;
    }
    size_t pad = n - data;
    for (size_t i = data; i < n; i++)
        if (in[i] != '=') return -1;               /* data after padding */
    if (data % 4 == 1) return -1;                    /* no byte ends in one character */
    if (pad != 0) {                                  /* padded: exactly to a multiple of 4 */
        if (n % 4 != 0) return -1;
        if (pad != (4 - data % 4) % 4) return -1;
    }
    size_t len = data / 4 * 3 + (data % 4 == 0 ? 0 : data % 4 - 1);
    if (len > cap) return -2;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < data; i++) {
        acc = (acc << 6) | (uint32_t)value_of(in[i]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    if (strict && acc != 0) return -1;               /* left-over bits must be zero */
    *out_len = o;
    return (o == len) ? 0 : -3;
}

size_t ob64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = ALPHA[(acc >> bits) & 63u];
        }
        acc &= (1u << bits) - 1u;
    }
    if (bits > 0) out[o++] = ALPHA[(acc << (6 - bits)) & 63u];
    return o;
}
