/*
 * fuzz_recovery_key: recovery keys (core/recovery_key.c, BK-FMT-009/010).
 *  - decoding any text gives the status the schoolbook oracle (oracle_rk.c) gives, the same
 *    offending offset for a bad character, and the same 35 bytes when they were decoded;
 *  - an accepted key: its compact encoding is the input without whitespace, and it round-trips;
 *  - the first 32 input bytes as a key: encode (both layouts) equals the oracle's encoding,
 *    decodes back to the key, and a changed character is refused or decodes to other bytes.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "recovery_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) size = 4096;
    const char *in = (const char *)data;
    uint8_t raw[35], key[32], oraw[35];
    mxt_where w;
    size_t bad = 0;
    mxt_status s = mxt_rk_decode(in, size, raw, key, &w);
    int o = ork_decode(in, size, oraw, &bad);
    ORACLE((int)s == o, "core %s, oracle %s on %.*s", mxt_status_name(s),
           mxt_status_name((mxt_status)o), (int)size, in);
    if (s == MXT_E_RK_ALPHABET) ORACLE(w.offset == bad, "offset %zu vs %zu", w.offset, bad);
    if (s == MXT_OK || s == MXT_E_RK_PREFIX || s == MXT_E_RK_PARITY)
        ORACLE(memcmp(raw, oraw, 35) == 0, "decoded bytes differ");
    if (s == MXT_OK) {
        ORACLE(memcmp(key, raw + 2, 32) == 0, "key is not bytes 2..33");
        char enc[64];
        size_t el = 0, j = 0;
        ORACLE(mxt_rk_encode(key, MXT_RK_COMPACT, enc, sizeof enc, &el) == MXT_OK, "encode");
        for (size_t i = 0; i < size; i++) {
            if (in[i] == ' ' || (in[i] >= '\t' && in[i] <= '\r')) continue;
            ORACLE(j < el && enc[j] == in[i], "compact form differs from the input at %zu", i);
            j++;
        }
        ORACLE(j == el, "compact form longer than the input's digits");
    }

    uint8_t k[32] = { 0 };
    memcpy(k, data, size < 32 ? size : 32);
    for (unsigned layout = 0; layout <= 1; layout++) {
        char enc[64], oenc[64];
        size_t el = 0, oel = 0, need = 0;
        ORACLE(mxt_rk_encode(k, layout, enc, 10, &need) == MXT_E_BUFFER_SMALL
               && need == (layout ? MXT_RK_DISPLAY_LEN : MXT_RK_B58_LEN), "short buffer");
        ORACLE(mxt_rk_encode(k, layout, enc, sizeof enc, &el) == MXT_OK, "encode");
        ork_encode(k, (int)layout, oenc, &oel);
        ORACLE(el == oel && memcmp(enc, oenc, el) == 0, "encodings differ: %.*s vs %.*s",
               (int)el, enc, (int)oel, oenc);
        uint8_t r2[35], k2[32];
        ORACLE(mxt_rk_decode(enc, el, r2, k2, &w) == MXT_OK && memcmp(k2, k, 32) == 0, "round trip");
        if (size > 33) {      /* change one digit: never the same key back */
            size_t pos = data[32] % el;
            char c = enc[pos];
            enc[pos] = (char)data[33];
            if (enc[pos] != c && c != ' ' && enc[pos] != ' '
                && !(enc[pos] >= '\t' && enc[pos] <= '\r')) {
                mxt_status t = mxt_rk_decode(enc, el, r2, k2, &w);
                ORACLE(t != MXT_OK || memcmp(k2, k, 32) != 0, "a changed digit decoded to the same key");
            }
        }
    }
    return 0;
}
