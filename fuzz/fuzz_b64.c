/*
 * fuzz_b64: unpadded base64 (core/b64.c, SIG-006) against the plain decoder of oracle_b64.c.
 *  - decode (lenient and strict) accepts exactly what the oracle accepts, with the same bytes;
 *    strict acceptance implies lenient acceptance; a rejection's offset is inside the input and
 *    names a byte of the kind the reason says;
 *  - the length query and a one-byte-short buffer report the exact decoded length;
 *  - round trips: decode(encode(x)) == x for the input as raw bytes; encode(decode(s)) == s
 *    without its padding when s is strict base64; encode equals the oracle's encoder.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "b64.h"

#define MAXN 8192u
static uint8_t dec[MAXN], odec[MAXN], back[MAXN];
static char enc[MAXN * 2], oenc[MAXN * 2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAXN) size = MAXN;
    const char *in = (const char *)data;
    mxt_where w;
    size_t len = 0, olen = 0;
    int ok_strict = -1;
    for (unsigned strict = 0; strict <= 1; strict++) {
        mxt_status s = mxt_b64_decode(in, size, strict ? MXT_B64_STRICT : MXT_B64_LENIENT,
                                      dec, sizeof dec, &len, &w);
        int o = ob64_decode(data, size, (int)strict, odec, sizeof odec, &olen);
        ORACLE(o != -3, "oracle inconsistency");
        ORACLE((s == MXT_OK) == (o == 0), "strict=%u: core %s, oracle %d on %.*s", strict,
               mxt_status_name(s), o, (int)size, in);
        if (s == MXT_OK) {
            ORACLE(len == olen && memcmp(dec, odec, len) == 0, "decoded bytes differ");
            ORACLE(w.offset == MXT_NO_OFFSET, "offset on success");
            /* length query, and one byte short */
            size_t need = 0;
            mxt_status q = mxt_b64_decode(in, size, strict ? MXT_B64_STRICT : MXT_B64_LENIENT,
                                          NULL, 0, &need, &w);
            ORACLE(len == 0 ? q == MXT_OK : (q == MXT_E_BUFFER_SMALL && need == len),
                   "length query %s %zu vs %zu", mxt_status_name(q), need, len);
        } else {
            ORACLE(w.offset < size, "offset %zu of %zu", w.offset, size);
            if (s == MXT_E_B64_PADDING) ORACLE(in[w.offset] == '=', "padding error not at '='");
            if (s == MXT_E_B64_TRAILING_BITS) ORACLE(strict, "trailing bits when lenient");
            ORACLE(s == MXT_E_B64_ALPHABET || s == MXT_E_B64_LENGTH || s == MXT_E_B64_PADDING
                   || s == MXT_E_B64_TRAILING_BITS, "reason %s", mxt_status_name(s));
        }
        if (strict) ok_strict = (s == MXT_OK);
        if (strict && s == MXT_OK) {
            size_t elen = 0;
            ORACLE(mxt_b64_encode(dec, len, enc, sizeof enc, &elen) == MXT_OK, "re-encode");
            size_t unpadded = size;
            while (unpadded > 0 && in[unpadded - 1] == '=') unpadded--;
            ORACLE(elen == unpadded && memcmp(enc, in, elen) == 0,
                   "strict base64 is not its own canonical form: %.*s -> %.*s", (int)size, in,
                   (int)elen, enc);
        }
    }
    (void)ok_strict;

    /* the input as raw bytes: encode, compare with the oracle, decode back */
    size_t elen = 0, need = 0;
    ORACLE(mxt_b64_encode(data, size, NULL, 0, &need) ==
               (MXT_B64_ENCODED_LEN(size) == 0 ? MXT_OK : MXT_E_BUFFER_SMALL), "encode query");
    ORACLE(need == MXT_B64_ENCODED_LEN(size), "encoded length %zu", need);
    ORACLE(mxt_b64_encode(data, size, enc, sizeof enc, &elen) == MXT_OK, "encode");
    size_t oel = ob64_encode(data, size, oenc);
    ORACLE(elen == oel && memcmp(enc, oenc, elen) == 0, "encoders differ");
    size_t blen = 0;
    mxt_status s = mxt_b64_decode(enc, elen, MXT_B64_STRICT, back, sizeof back, &blen, &w);
    ORACLE(s == MXT_OK && blen == size && memcmp(back, data, size) == 0, "round trip: %s",
           mxt_status_name(s));
    return 0;
}
