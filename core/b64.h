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

#define MXT_B64_LENIENT 0u
#define MXT_B64_STRICT  1u   /* reject non-zero trailing bits */

/* Length of the unpadded encoding of n bytes. */
#define MXT_B64_ENCODED_LEN(n) (((n) / 3u) * 4u + (((n) % 3u) == 0u ? 0u : ((n) % 3u) + 1u))

/* Encodes in[0..n) into out; returns MXT_OK, or MXT_E_BUFFER_SMALL with *out_len = needed. */
mxt_status mxt_b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, size_t *out_len);

/* Decodes in[0..n) into out; on failure where->offset is the offending input byte. */
mxt_status mxt_b64_decode(const char *in, size_t n, unsigned flags, uint8_t *out, size_t cap,
                          size_t *out_len, mxt_where *where);

#endif
