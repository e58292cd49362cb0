/*
 * Canonicalisation throughput: the proven core (mxt_json_parse + mxt_canon_encode) against cJSON
 * (cJSON_ParseWithLength + cJSON_PrintUnformatted + cJSON_Delete) on the same bytes, in one process.
 *
 * Inputs, generated deterministically: a /keys/query-shaped response of about 1 MB (device_keys
 * for many users and devices, master and self-signing keys, signatures, unsigned data with
 * non-ASCII text and escapes, members in non-canonical order), and a single device-key object.
 * Prints MB/s (best and median of several runs) for both and the ratios. Note that cJSON does less work: it
 * neither sorts keys nor checks duplicates, UTF-8 or number ranges, so its output is not canonical.
 * Times are process CPU time (so other load on a shared machine does not count). Build in
 * Release for meaningful figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "json.h"
#include "canon.h"

typedef struct {
    char *b;
    size_t n;
    size_t cap;
} buf;

static void put(buf *o, const char *s)
{
    size_t k = strlen(s);
    if (o->n + k + 1 > o->cap) {
        o->cap = (o->n + k + 1) * 2;
        o->b = realloc(o->b, o->cap);
        if (!o->b) {
            perror("realloc");
            exit(2);
        }
    }
    memcpy(o->b + o->n, s, k + 1);
    o->n += k;
}

static uint64_t rng = 0x243F6A8885A308D3ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void b64(char *out, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i++)
        out[i] = A[rnd() % 64u];
    out[n] = 0;
}

static void devid(char *out)
{
    for (int i = 0; i < 10; i++)
        out[i] = (char)('A' + rnd() % 26u);
    out[10] = 0;
}

static void device(buf *o, const char *user, const char *dev)
{
    char k1[44], k2[44], s1[87], s2[87], t[1024];
    b64(k1, 43);
    b64(k2, 43);
    b64(s1, 86);
    b64(s2, 86);
    snprintf(t, sizeof t,
             "{\"user_id\":\"%s\",\"keys\":{\"ed25519:%s\":\"%s\",\"curve25519:%s\":\"%s\"},"
             "\"device_id\":\"%s\",\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\","
             "\"m.megolm.v1.aes-sha2\"],\"signatures\":{\"%s\":{\"ed25519:%s\":\"%s\","
             "\"ed25519:%s\":\"%s\"}},\"unsigned\":{\"device_display_name\":"
             "\"%s\"}}",
             user, dev, k1, dev, k2, dev, user, dev, s1, k1, s2,
             rnd() % 3u == 0 ? "T\\u00e9l\\u00e9phone d'\\u00c9lodie \\\"travail\\\" \\ud83d\\udcf1"
             : rnd() % 2u ? "Element Desktop (Linux) \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac"
                          : "Firefox on Windows\\/10");
    put(o, t);
}

static void xkey(buf *o, const char *user, const char *usage, int signed_by_master)
{
    char k[44], s[87], m[44], t[768];
    b64(k, 43);
    b64(s, 86);
    b64(m, 43);
    if (signed_by_master)
        snprintf(t, sizeof t,
                 "{\"usage\":[\"%s\"],\"user_id\":\"%s\",\"keys\":{\"ed25519:%s\":\"%s\"},"
                 "\"signatures\":{\"%s\":{\"ed25519:%s\":\"%s\"}}}",
                 usage, user, k, k, user, m, s);
    else
        snprintf(t, sizeof t, "{\"user_id\":\"%s\",\"usage\":[\"%s\"],\"keys\":{\"ed25519:%s\":\"%s\"}}",
                 usage, user, k, k);
    put(o, t);
}

static buf keys_query(size_t target)
{
    buf o = {0};
    char users[4096][48];
    int nu = 0;
    put(&o, "{\"failures\":{},\"device_keys\":{");
    while (o.n < target * 8 / 10 && nu < 4096) {
        snprintf(users[nu], sizeof users[nu], "@user%05u-%c:server%u.example.org", rnd() % 100000u,
                 (char)('a' + rnd() % 26u), rnd() % 7u);
        put(&o, nu ? ",\"" : "\"");
        put(&o, users[nu]);
        put(&o, "\":{");
        int nd = 1 + (int)(rnd() % 4u);
        for (int d = 0; d < nd; d++) {
            char id[11];
            devid(id);
            put(&o, d ? ",\"" : "\"");
            put(&o, id);
            put(&o, "\":");
            device(&o, users[nu], id);
        }
        put(&o, "}");
        nu++;
    }
    put(&o, "},\"self_signing_keys\":{");
    for (int u = 0; u < nu; u++) {
        put(&o, u ? ",\"" : "\"");
        put(&o, users[u]);
        put(&o, "\":");
        xkey(&o, users[u], "self_signing", 1);
    }
    put(&o, "},\"master_keys\":{");
    for (int u = 0; u < nu; u++) {
        put(&o, u ? ",\"" : "\"");
        put(&o, users[u]);
        put(&o, "\":");
        xkey(&o, users[u], "master", u % 2);
    }
    put(&o, "}}");
    return o;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static mxt_json_token *toks;
static uint32_t ntoks;
static uint8_t *outb;
static size_t outcap;

static size_t run_ours(const buf *in, int reps)
{
    size_t total = 0;
    for (int r = 0; r < reps; r++) {
        mxt_json_doc doc;
        mxt_where w;
        size_t n = 0;
        mxt_status st = mxt_json_parse((const uint8_t *)in->b, in->n, toks, ntoks, NULL, &doc, &w);
        if (st == MXT_OK)
            st = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, outb, outcap, &n);
        if (st != MXT_OK) {
            fprintf(stderr, "bench_canon: core failed: %s at %zu\n", mxt_status_name(st), w.offset);
            exit(1);
        }
        total += n;
    }
    return total;
}

static size_t run_cjson(const buf *in, int reps)
{
    size_t total = 0;
    for (int r = 0; r < reps; r++) {
        cJSON *j = cJSON_ParseWithLength(in->b, in->n);
        char *s = j ? cJSON_PrintUnformatted(j) : NULL;
        if (!s) {
            fprintf(stderr, "bench_canon: cJSON failed\n");
            exit(1);
        }
        total += strlen(s);
        cJSON_free(s);
        cJSON_Delete(j);
    }
    return total;
}

/* MB/s of `runs` timed runs of `reps` repetitions each: the best and the median. */
typedef struct {
    double best;
    double median;
} rate;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static rate measure(size_t (*fn)(const buf *, int), const buf *in, int runs, int reps)
{
    double r[64];
    volatile size_t sink = 0;
    rate out;
    if (runs > 64)
        runs = 64;
    sink += fn(in, reps > 4 ? reps / 4 : 1); /* warm up */
    for (int i = 0; i < runs; i++) {
        double t0 = now();
        sink += fn(in, reps);
        double dt = now() - t0;
        r[i] = (double)in->n * reps / dt / 1e6;
    }
    (void)sink;
    qsort(r, (size_t)runs, sizeof r[0], cmp_double);
    out.best = r[runs - 1];
    out.median = r[runs / 2];
    return out;
}

static void report(const char *what, const buf *in, int runs, int reps)
{
    rate ours = measure(run_ours, in, runs, reps);
    rate theirs = measure(run_cjson, in, runs, reps);
    printf("%-26s %8zu bytes  mxtrust %6.1f MB/s (median %6.1f)  cJSON %6.1f MB/s (median %6.1f)"
           "  ratio %4.2fx (medians %4.2fx)\n",
           what, in->n, ours.best, ours.median, theirs.best, theirs.median, ours.best / theirs.best,
           ours.median / theirs.median);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    if (runs < 1)
        runs = 1;
    buf big = keys_query(1000000);
    buf one = {0};
    rng = 0x13198A2E03707344ULL;
    device(&one, "@alice:example.org", "JLAFKJWSCS");

    ntoks = (uint32_t)big.n + 1;
    toks = calloc(ntoks, sizeof *toks);
    outcap = big.n * 2;
    outb = malloc(outcap);
    if (!toks || !outb)
        return 2;

    /* sanity: both sides accept the input, and canonicalising our output changes nothing */
    {
        mxt_json_doc doc;
        mxt_where w;
        size_t n = 0, n2 = 0;
        if (mxt_json_parse((const uint8_t *)big.b, big.n, toks, ntoks, NULL, &doc, &w) != MXT_OK
            || mxt_canon_encode(&doc, 0, MXT_CANON_ALL, outb, outcap, &n) != MXT_OK) {
            fprintf(stderr, "bench_canon: generated document rejected at %zu\n", w.offset);
            return 1;
        }
        uint8_t *again = malloc(n);
        if (!again || mxt_json_parse(outb, n, toks, ntoks, NULL, &doc, &w) != MXT_OK
            || mxt_canon_encode(&doc, 0, MXT_CANON_ALL, again, n, &n2) != MXT_OK || n2 != n
            || memcmp(again, outb, n) != 0) {
            fprintf(stderr, "bench_canon: canonical output is not a fixed point\n");
            return 1;
        }
        free(again);
    }

    printf("bench_canon: parse+canonicalise (mxtrust core) vs parse+print+delete (cJSON %s), best of %d\n",
           cJSON_Version(), runs);
    report("/keys/query response", &big, runs, 5);
    report("single device-key object", &one, runs, 20000);
    free(big.b);
    free(one.b);
    free(toks);
    free(outb);
    return 0;
}
