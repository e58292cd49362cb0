/* Canonical JSON encoder: spec examples (TV-3), edge vectors (TV-4), short buffers, signing mode,
 * and randomised round trips against a canonical form computed independently here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canon.h"
#include "jstr.h"

#define CAP 100000
static mxt_json_token toks[CAP];
static uint8_t out[1 << 20];

static mxt_status canon_of(const char *in, size_t n, mxt_num_profile prof, unsigned mode,
                           size_t *out_len)
{
    mxt_json_doc doc;
    mxt_where w;
    mxt_json_opts o = {0, prof};
    mxt_status st = mxt_json_parse((const uint8_t *)in, n, toks, CAP, &o, &doc, &w);
    if (st != MXT_OK)
        return st;
    return mxt_canon_encode(&doc, 0, mode, out, sizeof out, out_len);
}

static void expect_canon_p(const char *in, const char *want, mxt_num_profile prof, unsigned mode)
{
    size_t n = 0;
    mxt_status st = canon_of(in, strlen(in), prof, mode, &n);
    cr_assert_eq(st, MXT_OK, "%s: %s", in, mxt_status_name(st));
    cr_expect(n == strlen(want) && memcmp(out, want, n) == 0, "%s -> %.*s, want %s", in, (int)n,
              (const char *)out, want);
}

static void expect_canon(const char *in, const char *want)
{
    expect_canon_p(in, want, MXT_NUM_STRICT, MXT_CANON_ALL);
}

/* TV-3: the spec appendix examples, byte for byte (CJSON-011). */
Test(canon, spec_examples)
{
    expect_canon("{}", "{}");
    expect_canon("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", "{\"one\":1,\"two\":\"Two\"}");
    expect_canon("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", "{\"a\":\"1\",\"b\":\"2\"}");
    expect_canon("{\"b\":\"2\",\"a\":\"1\"}", "{\"a\":\"1\",\"b\":\"2\"}");
    expect_canon("{\n    \"auth\": {\n        \"success\": true,\n        \"mxid\": \"@john.doe:example.com\",\n"
                 "        \"profile\": {\n            \"display_name\": \"John Doe\",\n"
                 "            \"three_pids\": [\n                {\n                    \"medium\": \"email\",\n"
                 "                    \"address\": \"john.doe@example.org\"\n                },\n"
                 "                {\n                    \"medium\": \"msisdn\",\n"
                 "                    \"address\": \"123456789\"\n                }\n            ]\n"
                 "        }\n    }\n}",
                 "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\","
                 "\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
                 "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}");
    expect_canon("{\n    \"a\": \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\n}",
                 "{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}");
    expect_canon("{\n    \"\xe6\x9c\xac\": 2,\n    \"\xe6\x97\xa5\": 1\n}",
                 "{\"\xe6\x97\xa5\":1,\"\xe6\x9c\xac\":2}");
    expect_canon("{\n    \"a\": \"\\u65E5\"\n}", "{\"a\":\"\xe6\x97\xa5\"}");
    expect_canon("{\n    \"a\": null\n}", "{\"a\":null}");
}

/* TV-3 last example and TV-4e: the contested number example under both profiles (CJSON-005). */
Test(canon, number_profiles)
{
    const char *in = "{\n    \"a\": -0,\n    \"b\": 1e10\n}";
    size_t n;
    expect_canon_p(in, "{\"a\":0,\"b\":10000000000}", MXT_NUM_NORMALISE, MXT_CANON_ALL);
    cr_expect_eq(canon_of(in, strlen(in), MXT_NUM_STRICT, MXT_CANON_ALL, &n), MXT_E_NUMBER_NEG_ZERO);
    expect_canon_p("[1.0,-1.5e1,100e-2,0.0,-0]", "[1,-15,1,0,0]", MXT_NUM_NORMALISE, MXT_CANON_ALL);
}

/* TV-4 */
Test(canon, edge_vectors)
{
    /* a) code point order, not UTF-16 order */
    expect_canon("{\"\\ud83d\\ude00\":2,\"\\uFF61\":1}", "{\"\xef\xbd\xa1\":1,\"\xf0\x9f\x98\x80\":2}");
    expect_canon("{\"\xf0\x9f\x98\x80\":2,\"\xef\xbd\xa1\":1}", "{\"\xef\xbd\xa1\":1,\"\xf0\x9f\x98\x80\":2}");
    /* b) controls as lowercase \u00xx, DEL raw */
    expect_canon("{\"a\":\"\\u0001\\u001F\\u007f\"}", "{\"a\":\"\\u0001\\u001f\x7f\"}");
    expect_canon("[\"\\u0000\\u000b\\u000E\\u001a\"]", "[\"\\u0000\\u000b\\u000e\\u001a\"]");
    /* c) short escapes, '/' raw, U+2028/9 raw */
    expect_canon("{\"a\":\"\\b\\t\\n\\f\\r\\\"\\\\\\/\"}", "{\"a\":\"\\b\\t\\n\\f\\r\\\"\\\\/\"}");
    expect_canon("[\"\\u0008\\u0009\\u000a\\u000c\\u000d\\u0022\\u005c\\u002f\"]",
                 "[\"\\b\\t\\n\\f\\r\\\"\\\\/\"]");
    expect_canon("[\"\\u2028\\u2029\"]", "[\"\xe2\x80\xa8\xe2\x80\xa9\"]");
    /* d) the integer range */
    expect_canon("[9007199254740991,-9007199254740991]", "[9007199254740991,-9007199254740991]");
    size_t n;
    cr_expect_eq(canon_of("9007199254740992", 16, MXT_NUM_STRICT, 0, &n), MXT_E_NUMBER_RANGE);
    cr_expect_eq(canon_of("-9007199254740992", 17, MXT_NUM_STRICT, 0, &n), MXT_E_NUMBER_RANGE);
    /* literals, null members kept (CJSON-007), array order kept (CJSON-008) */
    expect_canon(" [ true , false , null , { \"z\" : null } , 3 , 1 , 2 ] ",
                 "[true,false,null,{\"z\":null},3,1,2]");
    expect_canon("\"top\"", "\"top\"");
    expect_canon("-12", "-12");
    expect_canon("[[],{},[{}]]", "[[],{},[{}]]");
}

Test(canon, short_buffers_report_exact_length)
{
    const char *in = "{\"b\":[1,\"\\u00e9\\n\"],\"a\":{\"y\":null,\"x\":-5}}";
    const char *want = "{\"a\":{\"x\":-5,\"y\":null},\"b\":[1,\"\xc3\xa9\\n\"]}";
    size_t wl = strlen(want);
    mxt_json_doc doc;
    mxt_where w;
    uint8_t buf[128];
    size_t n = 0;
    cr_assert_eq(mxt_json_parse((const uint8_t *)in, strlen(in), toks, CAP, NULL, &doc, &w), MXT_OK);
    cr_expect_eq(mxt_canon_encode(&doc, 0, MXT_CANON_ALL, NULL, 0, &n), MXT_E_BUFFER_SMALL);
    cr_expect_eq(n, wl);
    for (size_t cap = 1; cap < wl; cap++) {
        memset(buf, 0xAA, sizeof buf);
        cr_expect_eq(mxt_canon_encode(&doc, 0, MXT_CANON_ALL, buf, cap, &n), MXT_E_BUFFER_SMALL);
        cr_expect_eq(n, wl, "cap %zu", cap);
        cr_expect_eq(memcmp(buf, want, cap), 0, "cap %zu", cap);
        cr_expect_eq(buf[cap], 0xAA, "cap %zu: wrote past cap", cap);
    }
    cr_expect_eq(mxt_canon_encode(&doc, 0, MXT_CANON_ALL, buf, wl, &n), MXT_OK);
    cr_expect(n == wl && memcmp(buf, want, wl) == 0);
    /* a subtree */
    cr_expect_eq(mxt_canon_encode(&doc, 6, MXT_CANON_ALL, buf, sizeof buf, &n), MXT_OK);
    cr_expect(n == 17 && memcmp(buf, "{\"x\":-5,\"y\":null}", 17) == 0, "%.*s", (int)n, buf);
}

Test(canon, signing_mode)
{
    expect_canon_p("{\"unsigned\":{\"x\":1},\"b\":1,\"signatures\":{\"s\":{\"k\":\"v\"}},"
                   "\"a\":{\"signatures\":1,\"unsigned\":2}}",
                   "{\"a\":{\"signatures\":1,\"unsigned\":2},\"b\":1}", MXT_NUM_STRICT, MXT_CANON_SIGNING);
    expect_canon_p("{\"\\u0073ignatures\":{},\"unsigne\":1,\"unsignedx\":2}",
                   "{\"unsigne\":1,\"unsignedx\":2}", MXT_NUM_STRICT, MXT_CANON_SIGNING);
    expect_canon_p("{\"signatures\":{},\"unsigned\":{}}", "{}", MXT_NUM_STRICT, MXT_CANON_SIGNING);
    expect_canon_p("{\"a\":1,\"signatures\":{}}", "{\"a\":1}", MXT_NUM_STRICT, MXT_CANON_SIGNING);
    expect_canon_p("[{\"signatures\":1}]", "[{\"signatures\":1}]", MXT_NUM_STRICT, MXT_CANON_SIGNING);
    expect_canon_p("{\"unsigned\":1,\"z\":2,\"signatures\":3}", "{\"signatures\":3,\"unsigned\":1,\"z\":2}",
                   MXT_NUM_STRICT, MXT_CANON_ALL);
}

/* CJSON-004 escape helper, every C0 control and a few others. */
Test(canon, escape_helper)
{
    uint8_t b[6];
    char want[8];
    for (uint32_t cp = 0; cp < 0x20; cp++) {
        size_t n = mxt_cjson_escape(cp, b);
        const char *s = NULL;
        switch (cp) {
        case 8: s = "\\b"; break;
        case 9: s = "\\t"; break;
        case 10: s = "\\n"; break;
        case 12: s = "\\f"; break;
        case 13: s = "\\r"; break;
        default: snprintf(want, sizeof want, "\\u%04x", cp); s = want;
        }
        cr_expect(n == strlen(s) && memcmp(b, s, n) == 0, "U+%04X", cp);
    }
    cr_expect(mxt_cjson_escape('"', b) == 2 && memcmp(b, "\\\"", 2) == 0);
    cr_expect(mxt_cjson_escape('\\', b) == 2 && memcmp(b, "\\\\", 2) == 0);
    cr_expect(mxt_cjson_escape('/', b) == 1 && b[0] == '/');
    cr_expect(mxt_cjson_escape(0x7F, b) == 1 && b[0] == 0x7F);
    cr_expect(mxt_cjson_escape(0x2028, b) == 3 && memcmp(b, "\xe2\x80\xa8", 3) == 0);
    cr_expect(mxt_cjson_escape(0x10FFFF, b) == 4 && memcmp(b, "\xf4\x8f\xbf\xbf", 4) == 0);
}

/* ---- randomised round trips ---- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

typedef struct node node;
struct node {
    int type; /* mxt_json_type */
    int64_t num;
    uint32_t cps[12];
    size_t ncp;
    node **kids;
    node **keys; /* object: key strings (type STRING) */
    size_t n;
};

static const uint32_t POOL[] = {'a', 'b', 'z', 'A', '0', ' ', '"', '\\', '/', 0x00, 0x01, 0x08, 0x09,
                                0x0A, 0x0C, 0x0D, 0x1F, 0x7F, 0xE9, 0x7FF, 0x800, 0x2028, 0x2029,
                                0x65E5, 0xFF61, 0xFFFD, 0x10000, 0x1F600, 0x10FFFF};

static void rand_string(node *s, size_t maxlen)
{
    s->type = MXT_JSON_STRING;
    s->ncp = rnd((uint32_t)maxlen + 1);
    for (size_t i = 0; i < s->ncp; i++)
        s->cps[i] = POOL[rnd(sizeof POOL / sizeof POOL[0])];
}

static int same_string(const node *a, const node *b)
{
    return a->ncp == b->ncp && memcmp(a->cps, b->cps, a->ncp * sizeof a->cps[0]) == 0;
}

static node *rand_node(int depth)
{
    node *x = calloc(1, sizeof *x);
    uint32_t r = rnd(depth > 0 ? 9 : 6);
    if (r == 0) {
        x->type = MXT_JSON_NUMBER;
        switch (rnd(4)) {
        case 0: x->num = (int64_t)rnd(10); break;
        case 1: x->num = -(int64_t)rnd(100000); break;
        case 2: x->num = rnd(2) ? 9007199254740991LL : -9007199254740991LL; break;
        default: x->num = ((int64_t)rnd(1u << 30) << 20) - (int64_t)rnd(1u << 20); break;
        }
    } else if (r == 1) {
        x->type = MXT_JSON_TRUE;
    } else if (r == 2) {
        x->type = MXT_JSON_FALSE;
    } else if (r == 3) {
        x->type = MXT_JSON_NULL;
    } else if (r <= 5) {
        rand_string(x, 8);
    } else if (r <= 6) {
        x->type = MXT_JSON_ARRAY;
        x->n = rnd(5);
        x->kids = calloc(x->n + 1, sizeof *x->kids);
        for (size_t i = 0; i < x->n; i++)
            x->kids[i] = rand_node(depth - 1);
    } else {
        x->type = MXT_JSON_OBJECT;
        x->n = rnd(7);
        x->kids = calloc(x->n + 1, sizeof *x->kids);
        x->keys = calloc(x->n + 1, sizeof *x->keys);
        for (size_t i = 0; i < x->n; i++) {
            node *k = calloc(1, sizeof *k);
            int unique;
            do {
                rand_string(k, 3);
                unique = 1;
                for (size_t j = 0; j < i; j++)
                    if (same_string(k, x->keys[j]))
                        unique = 0;
            } while (!unique);
            x->keys[i] = k;
            x->kids[i] = rand_node(depth - 1);
        }
    }
    return x;
}

static void free_node(node *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free_node(x->kids[i]);
        if (x->keys)
            free(x->keys[i]);
    }
    free(x->kids);
    free(x->keys);
    free(x);
}

typedef struct {
    char *b;
    size_t n;
    size_t cap;
} sbuf;

static void sput(sbuf *s, const char *p, size_t n)
{
    if (s->n + n + 1 > s->cap) {
        s->cap = (s->n + n + 1) * 2;
        s->b = realloc(s->b, s->cap);
    }
    memcpy(s->b + s->n, p, n);
    s->n += n;
    s->b[s->n] = 0;
}
static void sputs(sbuf *s, const char *p) { sput(s, p, strlen(p)); }

/* Test-side UTF-8 encoder (independent of the core's). */
static size_t enc8(uint32_t c, char *o)
{
    if (c < 0x80) { o[0] = (char)c; return 1; }
    if (c < 0x800) { o[0] = (char)(0xC0 | (c >> 6)); o[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12)); o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F)); return 3;
    }
    o[0] = (char)(0xF0 | (c >> 18)); o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((c >> 6) & 0x3F)); o[3] = (char)(0x80 | (c & 0x3F)); return 4;
}

static void canon_string(sbuf *s, const node *x)
{
    char t[8];
    sputs(s, "\"");
    for (size_t i = 0; i < x->ncp; i++) {
        uint32_t c = x->cps[i];
        if (c == '"') sputs(s, "\\\"");
        else if (c == '\\') sputs(s, "\\\\");
        else if (c == 8) sputs(s, "\\b");
        else if (c == 9) sputs(s, "\\t");
        else if (c == 10) sputs(s, "\\n");
        else if (c == 12) sputs(s, "\\f");
        else if (c == 13) sputs(s, "\\r");
        else if (c < 0x20) { snprintf(t, sizeof t, "\\u%04x", c); sputs(s, t); }
        else sput(s, t, enc8(c, t));
    }
    sputs(s, "\"");
}

static size_t utf8_of(const node *k, char *o)
{
    size_t n = 0;
    for (size_t i = 0; i < k->ncp; i++)
        n += enc8(k->cps[i], o + n);
    return n;
}

static const node *sort_keys_of;
static int key_order(const void *a, const void *b)
{
    char x[64], y[64];
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    size_t xn = utf8_of(sort_keys_of->keys[i], x), yn = utf8_of(sort_keys_of->keys[j], y);
    int c = memcmp(x, y, xn < yn ? xn : yn);
    if (c != 0)
        return c;
    return xn < yn ? -1 : xn > yn ? 1 : 0;
}

static void canon_node(sbuf *s, const node *x)
{
    char t[32];
    switch (x->type) {
    case MXT_JSON_NUMBER: snprintf(t, sizeof t, "%lld", (long long)x->num); sputs(s, t); break;
    case MXT_JSON_TRUE: sputs(s, "true"); break;
    case MXT_JSON_FALSE: sputs(s, "false"); break;
    case MXT_JSON_NULL: sputs(s, "null"); break;
    case MXT_JSON_STRING: canon_string(s, x); break;
    case MXT_JSON_ARRAY:
        sputs(s, "[");
        for (size_t i = 0; i < x->n; i++) {
            if (i) sputs(s, ",");
            canon_node(s, x->kids[i]);
        }
        sputs(s, "]");
        break;
    default: {
        size_t *ord = calloc(x->n + 1, sizeof *ord);
        for (size_t i = 0; i < x->n; i++) ord[i] = i;
        sort_keys_of = x;
        qsort(ord, x->n, sizeof *ord, key_order);
        sputs(s, "{");
        for (size_t i = 0; i < x->n; i++) {
            if (i) sputs(s, ",");
            canon_string(s, x->keys[ord[i]]);
            sputs(s, ":");
            canon_node(s, x->kids[ord[i]]);
        }
        sputs(s, "}");
        free(ord);
    }
    }
}

static void ws(sbuf *s)
{
    static const char *W[] = {"", "", "", " ", "\n", "\t", "\r\n  ", "   "};
    sputs(s, W[rnd(8)]);
}

static void noisy_string(sbuf *s, const node *x)
{
    char t[16];
    sputs(s, "\"");
    for (size_t i = 0; i < x->ncp; i++) {
        uint32_t c = x->cps[i];
        uint32_t how = rnd(3);
        int raw_ok = c >= 0x20 && c != '"' && c != '\\';
        if (how == 0 && raw_ok) {
            sput(s, t, enc8(c, t));
        } else if (how == 1 && (c == '"' || c == '\\' || c == '/' || c == 8 || c == 9 || c == 10
                                || c == 12 || c == 13)) {
            const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '/' ? "\\/" : c == 8 ? "\\b"
                          : c == 9 ? "\\t" : c == 10 ? "\\n" : c == 12 ? "\\f" : "\\r";
            sputs(s, e);
        } else if (c >= 0x10000) {
            uint32_t v = c - 0x10000;
            if (rnd(2))
                snprintf(t, sizeof t, "\\u%04x\\u%04X", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
            else
                snprintf(t, sizeof t, "\\u%04X\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
            sputs(s, t);
        } else {
            if (rnd(2))
                snprintf(t, sizeof t, "\\u%04x", c);
            else
                snprintf(t, sizeof t, "\\u%04X", c);
            sputs(s, t);
        }
    }
    sputs(s, "\"");
}

static void noisy_number(sbuf *s, int64_t v, int normalise)
{
    char t[64];
    uint32_t how = normalise ? rnd(5) : 0;
    if (how == 0 || (how == 3 && v == 0) || (how == 4 && v != 0) || (how == 3 && (v > 900719925474099LL || v < -900719925474099LL)))
        snprintf(t, sizeof t, "%lld", (long long)v);
    else if (how == 1)
        snprintf(t, sizeof t, "%lld.000", (long long)v);
    else if (how == 2)
        snprintf(t, sizeof t, "%lldE+0", (long long)v);
    else if (how == 3)
        snprintf(t, sizeof t, "%lld0e-1", (long long)v);
    else
        snprintf(t, sizeof t, "-0.0e5");
    sputs(s, t);
}

static void noisy_node(sbuf *s, const node *x, int normalise)
{
    ws(s);
    switch (x->type) {
    case MXT_JSON_NUMBER: noisy_number(s, x->num, normalise); break;
    case MXT_JSON_TRUE: sputs(s, "true"); break;
    case MXT_JSON_FALSE: sputs(s, "false"); break;
    case MXT_JSON_NULL: sputs(s, "null"); break;
    case MXT_JSON_STRING: noisy_string(s, x); break;
    case MXT_JSON_ARRAY:
        sputs(s, "[");
        for (size_t i = 0; i < x->n; i++) {
            if (i) sputs(s, ",");
            noisy_node(s, x->kids[i], normalise);
        }
        ws(s);
        sputs(s, "]");
        break;
    default: {
        size_t *ord = calloc(x->n + 1, sizeof *ord);
        for (size_t i = 0; i < x->n; i++) ord[i] = i;
        for (size_t i = x->n; i > 1; i--) {
            size_t j = rnd((uint32_t)i), tmp = ord[i - 1];
            ord[i - 1] = ord[j];
            ord[j] = tmp;
        }
        sputs(s, "{");
        for (size_t i = 0; i < x->n; i++) {
            if (i) sputs(s, ",");
            ws(s);
            noisy_string(s, x->keys[ord[i]]);
            ws(s);
            sputs(s, ":");
            noisy_node(s, x->kids[ord[i]], normalise);
        }
        ws(s);
        sputs(s, "}");
        free(ord);
    }
    }
    ws(s);
}

static void round_trips(uint64_t seed, int normalise, int iterations)
{
    rng_state = seed;
    for (int it = 0; it < iterations; it++) {
        node *root = rand_node(4);
        sbuf want = {0}, noisy = {0};
        canon_node(&want, root);
        noisy_node(&noisy, root, normalise);
        size_t n = 0;
        mxt_status st = canon_of(noisy.b, noisy.n, normalise ? MXT_NUM_NORMALISE : MXT_NUM_STRICT,
                                 MXT_CANON_ALL, &n);
        cr_assert_eq(st, MXT_OK, "iteration %d: %s on %s", it, mxt_status_name(st), noisy.b);
        cr_assert(n == want.n && memcmp(out, want.b, n) == 0,
                  "iteration %d:\n in:   %s\n got:  %.*s\n want: %s", it, noisy.b, (int)n, out, want.b);
        /* canonical output is a fixed point */
        st = canon_of(want.b, want.n, MXT_NUM_STRICT, MXT_CANON_ALL, &n);
        cr_assert_eq(st, MXT_OK);
        cr_assert(n == want.n && memcmp(out, want.b, n) == 0, "not a fixed point: %s", want.b);
        free(want.b);
        free(noisy.b);
        free_node(root);
    }
}

Test(canon, random_round_trips_strict) { round_trips(0x9E3779B97F4A7C15ULL, 0, 3000); }
Test(canon, random_round_trips_normalise) { round_trips(0xD1B54A32D192ED03ULL, 1, 3000); }
