/*
 * fuzz_xs: cross-signing (core/xs_key.c, core/xs_trust.c; XS-001/002/006/007/015).
 * Input: byte 0 picks the role (mod 3), bytes 1-2 the verdicts of a chain, then the expected
 * user ID up to a '\n', then a key object as JSON.
 *  - mxt_xs_key_check's reason equals xsk_reason of its own facts (the decision), and equals the
 *    reason the oracle reads off the cJSON tree of the same document (the reading: user, usage,
 *    keys, strict unpadded base64 of 32 bytes, "ed25519:" + value); on OK the public key is the
 *    decoded value, otherwise all zero;
 *  - chains and identity levels against their re-statements (exhaustively at start-up, and per input).
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"

static mxt_json_token toks[MXT_FUZZ_MAX_INPUT + 2];

static void check_chains(uint8_t x, uint8_t y)
{
    mxt_xs_own_chain o = { (uint8_t)(x & 1u), (mxt_sig_verdict)((x >> 1) & 3u),
                           (mxt_sig_verdict)((x >> 3) & 3u) };
    ORACLE(mxt_xs_own_device_trust(&o) == oxs_own(&o), "own chain %02x", x);
    mxt_xs_other_chain c = { (uint8_t)(x & 1u), (mxt_sig_verdict)((x >> 1) & 3u),
                             (mxt_sig_verdict)((x >> 3) & 3u), (mxt_sig_verdict)((x >> 5) & 3u),
                             (mxt_sig_verdict)(y & 3u) };
    ORACLE(mxt_xs_other_device_trust(&c) == oxs_other(&c), "other chain %02x %02x", x, y);
    ORACLE(mxt_xs_identity_verified(&c) == oxs_identity_verified(&c), "identity verified");
    mxt_xs_identity_facts f = { (uint8_t)((y >> 2) & 1u), (uint8_t)((y >> 3) & 1u),
                                (uint8_t)((y >> 4) & 1u) };
    ORACLE(mxt_xs_identity_level_of(&f) == oxs_level(&f), "identity level");
    uint8_t p = (uint8_t)(y >> 5), n = (uint8_t)(x >> 7);
    ORACLE(mxt_xs_latch(p, n) == ((p || n) ? 1 : 0), "latch");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    for (unsigned x = 0; x < 256; x++)      /* every chain and identity fact, once */
        for (unsigned y = 0; y < 256; y++) check_chains((uint8_t)x, (uint8_t)y);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    if (size > MXT_FUZZ_MAX_INPUT) size = MXT_FUZZ_MAX_INPUT;
    mxt_xs_role role = (mxt_xs_role)(data[0] % 3u);
    check_chains(data[1], data[2]);
    const uint8_t *user = data + 3, *nl = memchr(user, '\n', size - 3);
    if (nl == NULL) return 0;
    size_t ulen = (size_t)(nl - user);
    const uint8_t *js = nl + 1;
    size_t jlen = size - (size_t)(js - data);

    mxt_json_doc doc;
    mxt_where w;
    if (mxt_json_parse(js, jlen, toks, (uint32_t)jlen + 1u, NULL, &doc, &w) != MXT_OK) return 0;
    uint8_t pk[32];
    mxt_xs_key_facts facts;
    memset(pk, 0x5A, sizeof pk);
    mxt_xsk_reason r = mxt_xs_key_check(&doc, 0, user, ulen, role, pk, &facts);
    ORACLE(r == oxs_reason(&facts), "reason %s, its facts say %s", mxt_xsk_reason_name(r),
           mxt_xsk_reason_name(oxs_reason(&facts)));
    ORACLE(mxt_xs_key_decide(&facts) == r, "decide");

    oj_scan scan = oj_prescan(js, jlen, MXT_JSON_DEFAULT_DEPTH);
    if (scan.nul_escape || memchr(user, 0, ulen) != NULL) return 0;  /* cJSON cuts at NUL */
    cJSON *cj = oj_cjson_parse(js, jlen);
    ORACLE(cj != NULL, "cJSON refuses what the core read");
    mxt_xsk_reason o = oxs_check_cjson(cj, (const char *)user, ulen, role);
    ORACLE(r == o, "core %s, oracle %s", mxt_xsk_reason_name(r), mxt_xsk_reason_name(o));
    static const uint8_t zero[32];
    if (r == MXT_XSK_OK) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(cj, "keys")->child;
        uint8_t want[32];
        size_t dl = 0;
        ORACLE(ob64_decode((const uint8_t *)k->valuestring, strlen(k->valuestring), 1, want,
                           sizeof want, &dl) == 0 && dl == 32 && memcmp(pk, want, 32) == 0,
               "public key is not the decoded value");
    } else {
        ORACLE(memcmp(pk, zero, 32) == 0, "public key not cleared on %s", mxt_xsk_reason_name(r));
    }
    cJSON_Delete(cj);
    return 0;
}
