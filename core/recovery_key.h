/*
 * mxtrust core: the recovery key, i.e. the backup decryption key in the spec's "cryptographic key
 * representation" (appendix; rules BK-FMT-009, BK-FMT-010).
 *
 * Encoding: bytes 0x8B 0x01 || key (32) || parity, parity = XOR of the 34 bytes before it; base58
 * with the Bitcoin alphabet (always 48 characters for such bytes); for display a space after every
 * 4th character (59 characters, no trailing space). Decoding ignores all ASCII whitespace and
 * rejects, in this order: a character that is neither base58 nor whitespace (its offset is
 * reported), a decoded length other than exactly 35 bytes, a prefix other than 0x8B 0x01, and a
 * non-zero XOR of the 35 bytes. No heap: the base58 arithmetic runs on fixed 35-byte arrays.
 */
#ifndef MXT_RECOVERY_KEY_H
#define MXT_RECOVERY_KEY_H

#include <stddef.h>
#include <stdint.h>
#include "mxt_status.h"
#include "../spec/acsl/recovery_key.h"  /* the rules (same file name as this header) */

/* How mxt_rk_encode lays out its characters. */
#define MXT_RK_DISPLAY 1u  /* 59 characters, a space after every 4th (BK-FMT-009) */
#define MXT_RK_COMPACT 0u  /* the 48 base58 characters only */

/*
 * Builds the 35 raw bytes for `key`: 0x8B 0x01, the key, the parity byte.
 */
/*@
  requires \valid_read(key + (0 .. 31));
  requires \valid(raw + (0 .. 34));
  requires \separated(key + (0 .. 31), raw + (0 .. 34));
  assigns raw[0 .. 34];
  ensures recovery_key_well_formed(raw);
  ensures rk_carries_key(raw, key);
*/
void mxt_rk_pack(const uint8_t *key, uint8_t *raw);

/*
 * Writes the recovery key for the 32-byte `key` into out[0..cap) (no NUL): the display form when
 * layout is MXT_RK_DISPLAY, the 48 bare characters when MXT_RK_COMPACT. Returns MXT_OK and
 * *out_len, or MXT_E_BUFFER_SMALL with *out_len = the length needed (out untouched).
 */
/*@
  requires \valid_read(key + (0 .. 31));
  requires layout == MXT_RK_DISPLAY || layout == MXT_RK_COMPACT;
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(out_len);
  requires \separated(out + (0 .. cap - 1), out_len, key + (0 .. 31));
  assigns out[0 .. cap - 1], *out_len;

  behavior display:
    assumes layout == MXT_RK_DISPLAY && cap >= MXT_RK_DISPLAY_LEN;
    ensures \result == MXT_OK && *out_len == MXT_RK_DISPLAY_LEN;
    ensures rk_display_form(out);
  behavior compact:
    assumes layout == MXT_RK_COMPACT && cap >= MXT_RK_B58_LEN;
    ensures \result == MXT_OK && *out_len == MXT_RK_B58_LEN;
    ensures rk_compact_form(out);
  behavior too_small:
    assumes (layout == MXT_RK_DISPLAY && cap < MXT_RK_DISPLAY_LEN)
         || (layout == MXT_RK_COMPACT && cap < MXT_RK_B58_LEN);
    assigns *out_len;
    ensures \result == MXT_E_BUFFER_SMALL;
    ensures *out_len == (layout == MXT_RK_DISPLAY ? MXT_RK_DISPLAY_LEN : MXT_RK_B58_LEN);
  complete behaviors;
  disjoint behaviors;
*/
mxt_status mxt_rk_encode(const uint8_t *key, unsigned layout, char *out, size_t cap,
                         size_t *out_len);

/*
 * Parses the recovery key text in[0..n). On MXT_OK, raw[0..35) holds the decoded bytes and key[0..32)
 * the backup key. On MXT_E_RK_ALPHABET, where->offset is the offset of the first character that is
 * neither base58 nor ASCII whitespace. On MXT_E_RK_PREFIX / MXT_E_RK_PARITY raw holds the 35 decoded
 * bytes that failed the check (key is then unspecified). MXT_E_RK_LENGTH: the text decodes to more
 * or fewer than 35 bytes.
 */
/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires \valid(raw + (0 .. 34));
  requires \valid(key + (0 .. 31));
  requires \valid(where);
  requires \separated(raw + (0 .. 34), key + (0 .. 31), where, in + (0 .. n - 1));
  assigns raw[0 .. 34], key[0 .. 31], where->offset;

  behavior bad_character:
    assumes \exists integer i; 0 <= i < n && !rk_input_char(in[i]);
    ensures \result == MXT_E_RK_ALPHABET;
    ensures where->offset < n && !rk_input_char(in[where->offset]);
    ensures \forall integer j; 0 <= j < where->offset ==> rk_input_char(in[j]);
  behavior characters_ok:
    assumes \forall integer i; 0 <= i < n ==> rk_input_char(in[i]);
    ensures \result == MXT_OK || \result == MXT_E_RK_LENGTH || \result == MXT_E_RK_PREFIX
         || \result == MXT_E_RK_PARITY;
    ensures \result == MXT_OK ==> recovery_key_well_formed(raw);
    ensures \result == MXT_OK ==> rk_carries_key(raw, key);
    ensures \result == MXT_E_RK_PREFIX ==> !rk_prefix_ok(raw);
    ensures \result == MXT_E_RK_PARITY ==> rk_prefix_ok(raw) && !rk_parity_ok(raw);
  complete behaviors;
  disjoint behaviors;
*/
mxt_status mxt_rk_decode(const char *in, size_t n, uint8_t *raw, uint8_t *key, mxt_where *where);

#endif
