/*
 * fuzz_session_data: key backup session_data, parsing (core/bk_fmt.c, BK-FMT-001/003/006/007/013)
 * and decryption (conformance/lib/backup_crypto.c, BK-FMT-004/005, outside the core).
 *  - every bk_fmt check runs on the input (as the root and as every object in it) and returns a
 *    well-formed (member, problem) pair; mxt_bkf_session_data equals the oracle's reading of the
 *    same document through cJSON (ephemeral 32, mac 8, ciphertext a non-zero multiple of 16
 *    bytes, lenient base64, in that order); so do the algorithm, auth_data (and its public key)
 *    and decrypted-SessionData checks on the root (obf_algorithm, obf_auth_data,
 *    obf_session_plain);
 *  - a well-shaped session_data is decrypted with a fixed backup key: the result is a defined
 *    status, and a plaintext comes back only with an OK status;
 *  - round trip (one input in four): the input as plaintext, encrypted for the fixed key (both MAC modes), decrypts
 *    to the same bytes with the matching status; a changed MAC byte gives BAD_MAC.
 */
#include <string.h>
#include <sodium.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "backup_crypto.h"

static mxt_json_token toks[MXT_FUZZ_MAX_INPUT + 2];
static uint8_t scratch[MXT_FUZZ_MAX_INPUT];
static uint8_t pub[32];   /* PRIV's public key, computed once in LLVMFuzzerInitialize */
static const uint8_t PRIV[32] = { 0x1d, 0xaf, 0x5c, 0x92, 0x55, 0x3f, 0xf4, 0xda, 0x85, 0xa3, 0xd5,
                                  0x8a, 0x75, 0x57, 0xc6, 0xce, 0x6a, 0x94, 0x2f, 0xff, 0x70, 0x96,
                                  0x47, 0x71, 0x7c, 0x48, 0xad, 0x6d, 0x22, 0x0f, 0x55, 0x7c };

static void check_wf(mxt_bkf_result r)
{
    ORACLE((r.member == MXT_BKF_M_NONE && r.problem == MXT_BKF_P_OK)
               || (r.member >= MXT_BKF_M_ROOT && r.member <= MXT_BKF_M_SHARED_HISTORY
                   && r.problem >= MXT_BKF_P_MISSING && r.problem <= MXT_BKF_P_TOO_LONG),
           "result (%d, %d)", (int)r.member, (int)r.problem);
}

static uint8_t *b64_member(const cJSON *o, const char *name, size_t *len)
{
    const char *s = cJSON_GetObjectItemCaseSensitive(o, name)->valuestring;
    size_t n = strlen(s);
    uint8_t *buf = malloc(n + 1);
    if (buf == NULL || ob64_decode((const uint8_t *)s, n, 0, buf, n + 1, len) != 0) abort();
    return buf;
}

static void round_trip(const uint8_t *data, size_t size)
{
    uint8_t eph[32];
    crypto_generichash(eph, sizeof eph, data, size, NULL, 0);
    {
        unsigned mode = (data[0] >> 2) & 1u;    /* both MAC modes, one per input */
        mxt_bk_sealed sealed;
        mxt_bkc_status e = mxt_bk_encrypt(pub, eph, data, size, mode, &sealed);
        ORACLE(e == MXT_BKC_OK, "encrypt: %s", mxt_bkc_status_name(e));
        ORACLE(sealed.ciphertext_len > 0 && sealed.ciphertext_len % 16 == 0
                   && sealed.ciphertext_len >= size, "ciphertext length %zu", sealed.ciphertext_len);
        uint8_t *pt = NULL;
        size_t pl = 0;
        mxt_bkc_status d = mxt_bk_decrypt(PRIV, sealed.ephemeral, sealed.ciphertext,
                                          sealed.ciphertext_len, sealed.mac, sizeof sealed.mac, &pt, &pl);
        ORACLE(d == (mode ? MXT_BKC_OK_CIPHERTEXT_MAC : MXT_BKC_OK), "decrypt: %s",
               mxt_bkc_status_name(d));
        ORACLE(pt != NULL && pl == size && memcmp(pt, data, size) == 0 && pt[pl] == 0, "plaintext");
        free(pt);
        sealed.mac[size % 8] ^= 0x01;
        pt = NULL;
        d = mxt_bk_decrypt(PRIV, sealed.ephemeral, sealed.ciphertext, sealed.ciphertext_len,
                           sealed.mac, sizeof sealed.mac, &pt, &pl);
        ORACLE(d == MXT_BKC_BAD_MAC && pt == NULL, "changed MAC: %s", mxt_bkc_status_name(d));
        mxt_bk_sealed_free(&sealed);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    if (sodium_init() < 0) abort();
    ORACLE(mxt_bk_public_key(PRIV, pub) == MXT_BKC_OK, "public key");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MXT_FUZZ_MAX_INPUT) size = MXT_FUZZ_MAX_INPUT;
    /* the crypto round trip costs a few X25519 operations: one input in four runs it */
    if (size > 0 && size <= 1024 && data[0] % 4u == 0u) round_trip(data, size);

    mxt_json_doc doc;
    mxt_where w;
    if (mxt_json_parse(data, size, toks, (uint32_t)size + 1u, NULL, &doc, &w) != MXT_OK) return 0;
    mxt_bkf_result r;
    uint8_t pk[32];
    for (uint32_t i = 0; i < doc.count; i++) {
        if (i > 0 && doc.tok[i].type != MXT_JSON_OBJECT) continue;
        mxt_bkf_session_data(&doc, i, scratch, sizeof scratch, &r); check_wf(r);
        mxt_bkf_session_plain(&doc, i, &r); check_wf(r);
        mxt_bkf_auth_data(&doc, i, pk, &r); check_wf(r);
        mxt_bkf_algorithm(&doc, i, &r); check_wf(r);
    }
    for (uint32_t i = 0; i < doc.count; i++)
        if (doc.tok[i].type == MXT_JSON_STRING) { mxt_bkf_algorithm(&doc, i, &r); check_wf(r); }

    mxt_bkf_result got;
    mxt_bkf_session_data(&doc, 0, scratch, sizeof scratch, &got);
    oj_scan scan = oj_prescan(data, size, MXT_JSON_DEFAULT_DEPTH);
    if (scan.nul_escape) return 0;            /* cJSON would cut the strings */
    cJSON *cj = oj_cjson_parse(data, size);
    ORACLE(cj != NULL, "cJSON refuses what the core read");
    mxt_bkf_result want = obf_session_data(cj);
    ORACLE(got.member == want.member && got.problem == want.problem, "core %s/%s, oracle %s/%s",
           mxt_bkf_member_name(got.member), mxt_bkf_problem_name(got.problem),
           mxt_bkf_member_name(want.member), mxt_bkf_problem_name(want.problem));
    struct { const char *name; mxt_bkf_result core, oracle; } more[3];
    uint8_t pk2[32];
    more[0].name = "algorithm";
    mxt_bkf_algorithm(&doc, 0, &more[0].core); more[0].oracle = obf_algorithm(cj);
    more[1].name = "auth_data";
    mxt_bkf_auth_data(&doc, 0, pk2, &more[1].core); more[1].oracle = obf_auth_data(cj);
    more[2].name = "session_plain";
    mxt_bkf_session_plain(&doc, 0, &more[2].core); more[2].oracle = obf_session_plain(cj);
    for (int i = 0; i < 3; i++)
        ORACLE(more[i].core.member == more[i].oracle.member && more[i].core.problem == more[i].oracle.problem,
               "%s: core %s/%s, oracle %s/%s", more[i].name, mxt_bkf_member_name(more[i].core.member),
               mxt_bkf_problem_name(more[i].core.problem), mxt_bkf_member_name(more[i].oracle.member),
               mxt_bkf_problem_name(more[i].oracle.problem));
    if (more[1].core.member == MXT_BKF_M_NONE) {     /* the public key is the decoded value */
        const char *s = cJSON_GetObjectItemCaseSensitive(cj, "public_key")->valuestring;
        uint8_t want[256];
        size_t wl = 0;
        ORACLE(ob64_decode((const uint8_t *)s, strlen(s), 0, want, sizeof want, &wl) == 0 && wl == 32
               && memcmp(want, pk2, 32) == 0, "auth_data public key");
    }
    if (got.member == MXT_BKF_M_NONE) {
        size_t el = 0, cl = 0, ml = 0;
        uint8_t *eph = b64_member(cj, "ephemeral", &el), *ct = b64_member(cj, "ciphertext", &cl),
                *mac = b64_member(cj, "mac", &ml);
        uint8_t *pt = NULL;
        size_t pl = 0;
        mxt_bkc_status d = mxt_bk_decrypt(PRIV, eph, ct, cl, mac, ml, &pt, &pl);
        ORACLE(d <= MXT_BKC_NOMEM, "status %d", (int)d);
        ORACLE((d == MXT_BKC_OK || d == MXT_BKC_OK_CIPHERTEXT_MAC) == (pt != NULL), "plaintext iff OK");
        if (pt != NULL) {              /* a decrypted plaintext: its shape checks must not crash */
            mxt_json_doc d2;
            static mxt_json_token t2[MXT_FUZZ_MAX_INPUT + 32];
            if (pl <= MXT_FUZZ_MAX_INPUT
                && mxt_json_parse(pt, pl, t2, (uint32_t)pl + 1u, NULL, &d2, &w) == MXT_OK) {
                mxt_bkf_session_plain(&d2, 0, &r);
                check_wf(r);
            }
        }
        free(pt); free(eph); free(ct); free(mac);
    }
    cJSON_Delete(cj);
    return 0;
}
