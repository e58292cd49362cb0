/*
 * Signed-JSON verification rate: the proven path (mxt_json_parse + mxt_sig_check, which looks the
 * signature up, decodes it, canonicalises the object without "signatures"/"unsigned" and calls
 * ed25519) against bare crypto_sign_verify_detached on the same signing bytes, in one process.
 *
 * Inputs are the TV-8 objects: a device-key object signed by the self-signing key (with an
 * "unsigned" member), and the self-signing key object signed by the master key. ed25519 dominates
 * both paths, so the ratio shows what the JSON work costs on top of the signature check (target:
 * at least 0.95x). Times are process CPU time, best of several rounds, alternating the two sides.
 * Build in Release for meaningful figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "b64.h"
#include "json.h"
#include "signed_json.h"

#define ALICE "@alice:example.org"
#define SSK_PK "EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ"
#define MSK_PK "nqOvzeuGWT/sRx3h7+MHoInYj3Uk2LD/unI9kDYcHwk"

typedef struct {
    const char *name, *json, *user, *key_id, *pk_b64;
} input;

static const input INPUTS[] = {
    {"device keys (SSK-signed)",
     "{\"user_id\":\"" ALICE "\",\"device_id\":\"JLAFKJWSCS\","
     "\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\",\"m.megolm.v1.aes-sha2\"],"
     "\"keys\":{\"curve25519:JLAFKJWSCS\":\"3C5BFWi2Y8MaVvjM8M22DBmh24PmgR0nPvJOIArzgyI\","
     "\"ed25519:JLAFKJWSCS\":\"lEuiRJBit0IG6nUf5pUzWTUEsRVVe/HJkoKuEww9ULI\"},"
     "\"signatures\":{\"" ALICE "\":{\"ed25519:" SSK_PK "\":\"VhYbo7s5Hs+libuD8Jh2cXYD42tU3nWv0CD+YB+vO4bOmlqh4KhcW8x5FMPta6q4JK/SLeFKzGys3fOA3RVpCw\"}},"
     "\"unsigned\":{\"device_display_name\":\"Alice's phone\"}}",
     ALICE, "ed25519:" SSK_PK, SSK_PK},
    {"self-signing key (MSK-signed)",
     "{\"user_id\":\"" ALICE "\",\"usage\":[\"self_signing\"],"
     "\"keys\":{\"ed25519:" SSK_PK "\":\"" SSK_PK "\"},"
     "\"signatures\":{\"" ALICE "\":{\"ed25519:" MSK_PK "\":\"RrIJ+v/yyiJ1xUIl6J7++7CWDZCFDh+QVrtwwMvagC+x36ERPLrMzPfAVnyPEiiVVlcR8U85OrAMhGkEgTrQDw\"}}}",
     ALICE, "ed25519:" MSK_PK, MSK_PK},
};

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_sig: %s\n", what);
    exit(2);
}

int main(int argc, char **argv)
{
    int iters = argc > 1 ? atoi(argv[1]) : 4000;
    int rounds = 5;
    if (sodium_init() < 0)
        die("sodium_init");
    printf("%-32s %14s %14s %8s\n", "input", "json+sig /s", "bare ed25519 /s", "ratio");
    for (size_t k = 0; k < sizeof INPUTS / sizeof INPUTS[0]; k++) {
        const input *in = &INPUTS[k];
        const uint8_t *json = (const uint8_t *)in->json;
        size_t len = strlen(in->json);
        uint8_t pk[32];
        size_t n = 0;
        mxt_where w;
        if (mxt_b64_decode(in->pk_b64, strlen(in->pk_b64), MXT_B64_LENIENT, pk, 32, &n, &w) != MXT_OK)
            die("public key");
        static mxt_json_token tok[256];
        static uint8_t scratch[4096];
        mxt_json_doc doc;
        mxt_sig_result res;
        /* one checked run: the bare side verifies the very bytes and signature the core used */
        if (mxt_json_parse(json, len, tok, 256, NULL, &doc, &w) != MXT_OK ||
            mxt_sig_check(&doc, 0, (const uint8_t *)in->user, strlen(in->user),
                          (const uint8_t *)in->key_id, strlen(in->key_id), pk, scratch,
                          sizeof scratch, NULL, &res) != MXT_OK || res.verdict != MXT_SIG_VALID)
            die("the input does not verify");
        uint8_t sig[64], msg[4096];
        size_t mlen = res.signed_len;
        memcpy(sig, res.sig, 64);
        memcpy(msg, scratch, mlen);

        double best_core = 1e30, best_bare = 1e30;
        volatile int sink = 0;
        for (int r = 0; r < rounds; r++) {
            double t0 = cpu_now();
            for (int i = 0; i < iters; i++) {
                mxt_json_parse(json, len, tok, 256, NULL, &doc, &w);
                mxt_sig_check(&doc, 0, (const uint8_t *)in->user, strlen(in->user),
                              (const uint8_t *)in->key_id, strlen(in->key_id), pk, scratch,
                              sizeof scratch, NULL, &res);
                sink += (int)res.verdict;
            }
            double t1 = cpu_now();
            for (int i = 0; i < iters; i++)
                sink += crypto_sign_verify_detached(sig, msg, mlen, pk);
            double t2 = cpu_now();
            if (t1 - t0 < best_core)
                best_core = t1 - t0;
            if (t2 - t1 < best_bare)
                best_bare = t2 - t1;
        }
        if (sink != 0)
            die("a verification failed during timing");
        double core_rate = iters / best_core, bare_rate = iters / best_bare;
        printf("%-32s %14.0f %14.0f %7.3fx\n", in->name, core_rate, bare_rate, core_rate / bare_rate);
    }
    return 0;
}
