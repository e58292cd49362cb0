/*
 * fuzz_signed_json: checking a signature on a signed JSON object (core/signed_json.c, SIG-001..007).
 *  - any document, checked against a fixed key: the verdict and reason match (sig_verdict_reason);
 *    VALID / INVALID agree with libsodium on the signing bytes the harness computes itself;
 *  - an input object is signed by the harness (signing bytes = canonical JSON without top-level
 *    "signatures" and "unsigned"), given "signatures" and an "unsigned" member, and must verify;
 *  - one byte of the signed text changed outside "signatures" and "unsigned": if the result still
 *    parses, it verifies exactly when its signing bytes are unchanged (otherwise INVALID);
 *    the same law for one byte changed inside "unsigned" (which leaves them unchanged unless
 *    the change breaks out of the member);
 *  - the same signature looked up under another user or key ID is MISSING (SIG-007).
 */
#include <string.h>
#include <sodium.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "canon.h"
#include "signed_json.h"

#define CAP (4u * MXT_FUZZ_MAX_INPUT + 512u)
static mxt_json_token toks[CAP + 2];
static uint8_t signing[CAP], signing2[CAP], scratch[CAP], text[3 * CAP], all[CAP];
static uint8_t pk[32], sk[64];
static const char USER[] = "@fuzz:example.org", KEYID[] = "ed25519:FUZZ";

static mxt_sig_result check(const mxt_json_doc *d, const char *user, const char *kid)
{
    mxt_sig_result r;
    size_t need = 0;
    ORACLE(mxt_sig_check(d, 0, (const uint8_t *)user, strlen(user), (const uint8_t *)kid,
                         strlen(kid), pk, scratch, sizeof scratch, &need, &r) == MXT_OK, "status");
    mxt_sig_verdict want;
    switch (r.reason) {
    case MXT_SIGR_OK: want = MXT_SIG_VALID; break;
    case MXT_SIGR_NO_SIGNATURES: case MXT_SIGR_NO_USER: case MXT_SIGR_NO_KEY: want = MXT_SIG_MISSING; break;
    case MXT_SIGR_ED25519_REJECTED: want = MXT_SIG_INVALID; break;
    default: want = MXT_SIG_MALFORMED;
    }
    ORACLE(r.verdict == want, "verdict %s with reason %s", mxt_sig_verdict_name(r.verdict),
           mxt_sig_reason_name(r.reason));
    if (r.verdict == MXT_SIG_VALID || r.verdict == MXT_SIG_INVALID) {
        size_t n = 0;
        ORACLE(mxt_canon_encode(d, 0, MXT_CANON_SIGNING, signing2, sizeof signing2, &n) == MXT_OK,
               "signing bytes");
        ORACLE(n == r.signed_len && memcmp(signing2, scratch, n) == 0, "scratch is not the signing bytes");
        int ok = crypto_sign_verify_detached(r.sig, signing2, n, pk) == 0;
        ORACLE(ok == (r.verdict == MXT_SIG_VALID), "libsodium says %d", ok);
    }
    return r;
}

static int parse(const uint8_t *in, size_t n, mxt_json_doc *d)
{
    mxt_where w;
    return mxt_json_parse(in, n, toks, (uint32_t)(n + 1u < CAP ? n + 1u : CAP), NULL, d, &w) == MXT_OK;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    uint8_t seed[32];
    memset(seed, 0x42, sizeof seed);
    if (sodium_init() < 0 || crypto_sign_seed_keypair(pk, sk, seed) != 0) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MXT_FUZZ_MAX_INPUT) size = MXT_FUZZ_MAX_INPUT;
    mxt_json_doc doc;
    if (!parse(data, size, &doc)) return 0;
    check(&doc, USER, KEYID);                           /* whatever the input holds */
    if (doc.tok[0].type != MXT_JSON_OBJECT) return 0;

    size_t sl = 0, al = 0;
    ORACLE(mxt_canon_encode(&doc, 0, MXT_CANON_SIGNING, signing, sizeof signing, &sl) == MXT_OK, "sign bytes");
    ORACLE(mxt_canon_encode(&doc, 0, MXT_CANON_ALL, all, sizeof all, &al) == MXT_OK, "all");
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, signing, sl, sk);
    char sig64[100];
    size_t s64 = ob64_encode(sig, 64, sig64);

    /* {"signatures":{USER:{KEYID:"sig"}},"unsigned":<input, canonical>,<signed members>} */
    size_t t = 0;
    t += (size_t)sprintf((char *)text + t, "{\"signatures\":{\"%s\":{\"%s\":\"%.*s\"}},\"unsigned\":",
                         USER, KEYID, (int)s64, sig64);
    size_t u0 = t;
    memcpy(text + t, all, al); t += al;
    size_t u1 = t;
    size_t in0 = t + 1;
    if (sl > 2) { text[t++] = ','; memcpy(text + t, signing + 1, sl - 2); t += sl - 2; }
    size_t in1 = t;
    text[t++] = '}';

    mxt_json_doc sd;
    ORACLE(parse(text, t, &sd), "signed text does not parse: %.*s", (int)t, text);
    mxt_sig_result r = check(&sd, USER, KEYID);
    ORACLE(r.verdict == MXT_SIG_VALID, "fresh signature: %s", mxt_sig_reason_name(r.reason));
    ORACLE(check(&sd, "@other:example.org", KEYID).reason == MXT_SIGR_NO_USER, "other user");
    ORACLE(check(&sd, USER, "ed25519:OTHER").reason == MXT_SIGR_NO_KEY, "other key id");

    /* one byte changed among the signed members */
    uint8_t v = data[size / 2] ^ (uint8_t)(size | 1u);
    if (in1 > in0) {
        size_t pos = in0 + (size_t)data[0] * 131u % (in1 - in0);
        uint8_t old = text[pos];
        text[pos] = (uint8_t)(old ^ v);
        if (parse(text, t, &sd) && sd.tok[0].type == MXT_JSON_OBJECT) {
            size_t n2 = 0;
            ORACLE(mxt_canon_encode(&sd, 0, MXT_CANON_SIGNING, signing2, sizeof signing2, &n2) == MXT_OK, "enc");
            int same = n2 == sl && memcmp(signing2, signing, sl) == 0;
            r = check(&sd, USER, KEYID);
            ORACLE(r.verdict == (same ? MXT_SIG_VALID : MXT_SIG_INVALID),
                   "changed byte %zu: %s, signing bytes %s", pos, mxt_sig_verdict_name(r.verdict),
                   same ? "unchanged" : "changed");
        }
        text[pos] = old;
    }
    /* one byte changed inside "unsigned" */
    {
        size_t pos = u0 + (size_t)data[size - 1] * 7u % (u1 - u0);
        text[pos] = (uint8_t)(text[pos] ^ v);
        if (parse(text, t, &sd) && sd.tok[0].type == MXT_JSON_OBJECT
            && mxt_json_get(&sd, 0, (const uint8_t *)"unsigned", 8) != MXT_JSON_NONE) {
            size_t n2 = 0;
            ORACLE(mxt_canon_encode(&sd, 0, MXT_CANON_SIGNING, signing2, sizeof signing2, &n2) == MXT_OK, "enc");
            int same = n2 == sl && memcmp(signing2, signing, sl) == 0;
            r = check(&sd, USER, KEYID);
            /* a change that stays inside "unsigned" leaves the signing bytes alone */
            ORACLE(r.verdict == (same ? MXT_SIG_VALID : MXT_SIG_INVALID),
                   "change inside unsigned: %s (signing bytes %s)", mxt_sig_reason_name(r.reason),
                   same ? "unchanged" : "changed");
        }
    }
    return 0;
}
