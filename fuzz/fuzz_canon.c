/*
 * fuzz_canon: the canonical encoder (core/canon.c) on whatever the reader accepts (both number
 * profiles). Laws checked:
 *  - the length query (cap 0) gives the exact length; every smaller buffer gets BUFFER_SMALL with
 *    that same length; the exact size fits;
 *  - idempotence: canon(parse(canon(x))) == canon(x), and canon(x) re-reads in the strict profile;
 *  - the output has no whitespace outside strings and is valid UTF-8;
 *  - SIGNING mode == ALL mode with the top-level "signatures" and "unsigned" members removed
 *    (re-read: neither is there, the others are, member count drops by exactly those present);
 *  - every subtree encodes, and mxt_json_get finds each key of an object at the value after it.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "json.h"
#include "canon.h"

#define CAP (4u * MXT_FUZZ_MAX_INPUT + 64u)
static mxt_json_token toks[MXT_FUZZ_MAX_INPUT + 2];
static mxt_json_token toks2[4u * MXT_FUZZ_MAX_INPUT + 66u];
static uint8_t out[CAP], out2[CAP], keybuf[MXT_FUZZ_MAX_INPUT];

static size_t encode(const mxt_json_doc *d, uint32_t root, unsigned mode, uint8_t *buf)
{
    size_t need = 0, got = 0;
    mxt_status s = mxt_canon_encode(d, root, mode, NULL, 0, &need);
    ORACLE(s == MXT_OK || s == MXT_E_BUFFER_SMALL, "length query: %s", mxt_status_name(s));
    ORACLE(s != MXT_OK || need == 0, "cap 0 but OK with length %zu", need);
    ORACLE(need <= CAP, "output %zu longer than the harness allows", need);
    if (need > 1) {
        size_t short_len = 0;
        s = mxt_canon_encode(d, root, mode, buf, need - 1, &short_len);
        ORACLE(s == MXT_E_BUFFER_SMALL && short_len == need, "one byte short: %s, %zu vs %zu",
               mxt_status_name(s), short_len, need);
    }
    s = mxt_canon_encode(d, root, mode, buf, CAP, &got);
    ORACLE(s == MXT_OK && got == need, "encode: %s, %zu vs %zu", mxt_status_name(s), got, need);
    return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (size > MXT_FUZZ_MAX_INPUT) size = MXT_FUZZ_MAX_INPUT;
    mxt_json_opts opts = { 0, (data[0] & 1u) ? MXT_NUM_NORMALISE : MXT_NUM_STRICT };
    mxt_json_doc doc, doc2;
    mxt_where where;
    if (mxt_json_parse(data, size, toks, (uint32_t)size + 1u, &opts, &doc, &where) != MXT_OK)
        return 0;

    size_t n = encode(&doc, 0, MXT_CANON_ALL, out);
    ORACLE(oj_utf8_valid(out, n), "canonical output is not UTF-8");
    int in_str = 0;
    for (size_t i = 0; i < n; i++) {
        if (out[i] == '"' && (i == 0 || out[i - 1] != '\\' || !in_str)) {
            /* count backslashes before the quote to know whether it is escaped */
            size_t k = i, bs = 0;
            while (k > 0 && out[k - 1] == '\\') { k--; bs++; }
            if (!in_str || bs % 2 == 0) in_str = !in_str;
        }
        if (!in_str)
            ORACLE(out[i] != ' ' && out[i] != '\n' && out[i] != '\t' && out[i] != '\r',
                   "whitespace at %zu in %.*s", i, (int)n, out);
    }
    mxt_status s = mxt_json_parse(out, n, toks2, (uint32_t)n + 1u, NULL, &doc2, &where);
    ORACLE(s == MXT_OK, "canonical output refused: %s at %zu: %.*s", mxt_status_name(s),
           where.offset, (int)n, out);
    size_t n2 = encode(&doc2, 0, MXT_CANON_ALL, out2);
    ORACLE(n2 == n && memcmp(out, out2, n) == 0, "not idempotent:\n  %.*s\n  %.*s",
           (int)n, out, (int)n2, out2);

    /* every subtree encodes on its own; keys are found */
    for (uint32_t i = 0; i < doc.count; i++) {
        size_t need = 0;
        mxt_status e = mxt_canon_encode(&doc, i, MXT_CANON_ALL, NULL, 0, &need);
        ORACLE(e == MXT_OK || e == MXT_E_BUFFER_SMALL, "subtree %u: %s", i, mxt_status_name(e));
        if (doc.tok[i].type == MXT_JSON_OBJECT) {
            for (uint32_t k = i + 1; k < doc.tok[i].end; k = doc.tok[k + 1].end) {
                size_t kl = 0;
                e = mxt_json_str(&doc, k, keybuf, sizeof keybuf, &kl);
                ORACLE(e == MXT_OK, "key %u: %s", k, mxt_status_name(e));
                ORACLE(mxt_json_str_eq(&doc, k, keybuf, kl) == 1, "str_eq on its own key");
                uint32_t v = mxt_json_get(&doc, i, keybuf, kl);
                ORACLE(v == k + 1, "get found %u for the key at %u", v, k);
            }
        }
    }

    if (doc.tok[0].type == MXT_JSON_OBJECT) {
        size_t ns = encode(&doc, 0, MXT_CANON_SIGNING, out2);
        mxt_json_doc d3;
        s = mxt_json_parse(out2, ns, toks2, (uint32_t)ns + 1u, NULL, &d3, &where);
        ORACLE(s == MXT_OK, "signing form refused: %s", mxt_status_name(s));
        uint32_t removed = 0;
        removed += mxt_json_get(&doc, 0, (const uint8_t *)"signatures", 10) != MXT_JSON_NONE;
        removed += mxt_json_get(&doc, 0, (const uint8_t *)"unsigned", 8) != MXT_JSON_NONE;
        ORACLE(mxt_json_get(&d3, 0, (const uint8_t *)"signatures", 10) == MXT_JSON_NONE
               && mxt_json_get(&d3, 0, (const uint8_t *)"unsigned", 8) == MXT_JSON_NONE,
               "signing form keeps signatures/unsigned: %.*s", (int)ns, out2);
        ORACLE(d3.tok[0].count + removed == doc.tok[0].count, "members %u + %u != %u",
               d3.tok[0].count, removed, doc.tok[0].count);
        if (removed == 0) ORACLE(ns == n && memcmp(out, out2, n) == 0, "nothing removed, yet differs");
    }
    return 0;
}
