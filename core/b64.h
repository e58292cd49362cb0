/*
 * mxtrust core: unpadded base64 (spec appendix "Unpadded Base64", SIG-006).
 * Standard alphabet (A-Z a-z 0-9 + /). Encoding never pads. Decoding accepts unpadded input and
 * correctly padded input; it rejects bytes outside the alphabet, impossible lengths (4n+1) and
 * misplaced padding. Non-zero unused trailing bits are accepted by default, because the spec's own
 * signing test seed has them; MXT_B64_STRICT rejects them (see spec/RULES.md, SIG-006).
 */
#ifndef MXT_B64_H
#define MXT_B64_H

#include <stddef.h>
#include <stdint.h>
#include "mxt_status.h"
#include "../spec/acsl/b64.h"   /* SIG-006 as ACSL logic (annotations only) */

#define MXT_B64_LENIENT 0u
#define MXT_B64_STRICT  1u   /* reject non-zero trailing bits */

/* Length of the unpadded encoding of n bytes. */
#define MXT_B64_ENCODED_LEN(n) (((n) / 3u) * 4u + (((n) % 3u) == 0u ? 0u : ((n) % 3u) + 1u))

/* Encodes in[0..n) into out; returns MXT_OK, or MXT_E_BUFFER_SMALL with *out_len = needed.
 * Never writes a NUL or padding. */
/*@
  requires n <= (SIZE_MAX / 4) * 3;
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(out_len);
  requires \separated(out + (0 .. cap - 1), out_len, in + (0 .. n - 1));
  assigns out[0 .. cap - 1], *out_len;

  behavior fits:        // SIG-006: the unpadded encoding, character by character
    assumes b64_enc_len(n) <= cap;
    ensures \result == MXT_OK;
    ensures *out_len == b64_enc_len(n);
    ensures b64_encodes(out, *out_len, in, n);
    ensures \forall integer i; 0 <= i < *out_len ==> b64_alpha(out[i]);
  behavior too_small:
    assumes b64_enc_len(n) > cap;
    ensures \result == MXT_E_BUFFER_SMALL;
    ensures *out_len == b64_enc_len(n);
  complete behaviors;
  disjoint behaviors;
*/
mxt_status mxt_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *out_len);

/* Decodes in[0..n) into out; on failure where->offset is the offending input byte:
 *   MXT_E_B64_ALPHABET       a byte that is neither in the alphabet nor a well-placed '='
 *   MXT_E_B64_LENGTH         the lone last data character of a 4k+1-character input
 *   MXT_E_B64_PADDING        the first '=' (padding followed by data, or the wrong amount)
 *   MXT_E_B64_TRAILING_BITS  (STRICT) the last data character, whose unused bits are not zero
 *   MXT_E_BUFFER_SMALL       *out_len = the length needed (where->offset = MXT_NO_OFFSET)
 * On success where->offset is MXT_NO_OFFSET. */
/*@
  requires flags == MXT_B64_LENIENT || flags == MXT_B64_STRICT;
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(out_len) && \valid(where);
  requires \separated(out + (0 .. cap - 1), out_len, where, in + (0 .. n - 1));
  requires \separated(out_len, where);
  assigns out[0 .. cap - 1], *out_len, where->offset;

  behavior accepted:    // SIG-006: well-formed input decodes to its bytes
    assumes b64_wellformed(in, n, flags == MXT_B64_STRICT);
    assumes b64_dec_len(b64_unpad(in, n)) <= cap;
    ensures \result == MXT_OK;
    ensures *out_len == b64_dec_len(b64_unpad(in, n));
    ensures b64_decodes(out, *out_len, in);
  behavior too_small:
    assumes b64_wellformed(in, n, flags == MXT_B64_STRICT);
    assumes b64_dec_len(b64_unpad(in, n)) > cap;
    ensures \result == MXT_E_BUFFER_SMALL;
    ensures *out_len == b64_dec_len(b64_unpad(in, n));
  behavior rejected:    // SIG-006: anything else is refused, and the offset says where
    assumes !b64_wellformed(in, n, flags == MXT_B64_STRICT);
    ensures \result == MXT_E_B64_ALPHABET || \result == MXT_E_B64_LENGTH
         || \result == MXT_E_B64_PADDING || \result == MXT_E_B64_TRAILING_BITS;
    ensures where->offset < n;
    ensures \result == MXT_E_B64_ALPHABET ==>
            !b64_alpha(in[where->offset]) && in[where->offset] != '=';
    ensures \result == MXT_E_B64_PADDING ==> in[where->offset] == '=';
    ensures \result == MXT_E_B64_LENGTH ==>
            where->offset % 4 == 0
         && (\forall integer i; 0 <= i <= where->offset ==> b64_alpha(in[i]))
         && (where->offset + 1 == n || in[where->offset + 1] == '=');
    ensures \result == MXT_E_B64_TRAILING_BITS ==>
            flags == MXT_B64_STRICT && where->offset + 1 == b64_unpad(in, n)
         && !b64_trailing_zero(in, b64_unpad(in, n));
  complete behaviors;
  disjoint behaviors;
*/
mxt_status mxt_b64_decode(const char *in, size_t n, unsigned flags, uint8_t *out, size_t cap,
                          size_t *out_len, mxt_where *where);

#endif
