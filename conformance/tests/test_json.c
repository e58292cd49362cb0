/* Strict JSON reader: acceptance, every rejection class with its code and offset, key order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

#define CAP 4096
static mxt_json_token toks[CAP];

static mxt_status parse_opts(const char *s, size_t n, const mxt_json_opts *o, mxt_json_doc *doc,
                             size_t *off)
{
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_json_parse((const uint8_t *)s, n, toks, CAP, o, doc, &w);
    *off = w.offset;
    return st;
}

static void reject(const char *s, mxt_status want, size_t want_off)
{
    mxt_json_doc doc;
    size_t off;
    mxt_status st = parse_opts(s, strlen(s), NULL, &doc, &off);
    cr_expect_eq(st, want, "%s: got %s, want %s", s, mxt_status_name(st), mxt_status_name(want));
    cr_expect_eq(off, want_off, "%s (%s): offset %zu, want %zu", s, mxt_status_name(st), off,
                 want_off);
    cr_expect_eq(doc.count, 0u);
}

static void reject_norm(const char *s, mxt_status want, size_t want_off)
{
    mxt_json_doc doc;
    size_t off;
    mxt_json_opts o = {0, MXT_NUM_NORMALISE};
    mxt_status st = parse_opts(s, strlen(s), &o, &doc, &off);
    cr_expect_eq(st, want, "%s: got %s, want %s", s, mxt_status_name(st), mxt_status_name(want));
    cr_expect_eq(off, want_off, "%s: offset %zu, want %zu", s, off, want_off);
}

static int64_t num_of(const char *s, mxt_num_profile prof)
{
    mxt_json_doc doc;
    size_t off;
    mxt_json_opts o = {0, prof};
    mxt_status st = parse_opts(s, strlen(s), &o, &doc, &off);
    cr_assert_eq(st, MXT_OK, "%s: %s at %zu", s, mxt_status_name(st), off);
    cr_assert_eq(doc.tok[0].type, MXT_JSON_NUMBER);
    return doc.tok[0].num;
}

Test(json, structure_of_a_document)
{
    const char *s = " {\"b\":[1,true,null],\"a\":{\"x\":false},\"c\":\"s\"} ";
    mxt_json_doc doc;
    size_t off;
    cr_assert_eq(parse_opts(s, strlen(s), NULL, &doc, &off), MXT_OK);
    cr_assert_eq(doc.count, 12u);
    cr_expect_eq(doc.tok[0].type, MXT_JSON_OBJECT);
    cr_expect_eq(doc.tok[0].count, 3u);
    cr_expect_eq(doc.tok[0].start, 1u);
    cr_expect_eq(doc.tok[0].len, strlen(s) - 2);
    cr_expect_eq(doc.tok[0].end, 12u);
    cr_expect_eq(doc.tok[0].parent, MXT_JSON_NONE);
    /* "b" key at 1, array at 2 with 3 elements, 1 true null at 3..5 */
    cr_expect_eq(doc.tok[2].type, MXT_JSON_ARRAY);
    cr_expect_eq(doc.tok[2].count, 3u);
    cr_expect_eq(doc.tok[2].end, 6u);
    cr_expect_eq(doc.tok[3].num, 1);
    cr_expect_eq(doc.tok[3].depth, 2u);
    cr_expect_eq(doc.tok[4].type, MXT_JSON_TRUE);
    cr_expect_eq(doc.tok[5].type, MXT_JSON_NULL);
    cr_expect_eq(doc.tok[5].parent, 2u);
    /* canonical chain: a (6), b (1), c (10) */
    cr_expect_eq(doc.tok[0].link, 6u);
    cr_expect_eq(doc.tok[6].link, 1u);
    cr_expect_eq(doc.tok[1].link, 10u);
    cr_expect_eq(doc.tok[10].link, MXT_JSON_NONE);
    cr_expect_eq(doc.tok[7].link, 8u);
    cr_expect_eq(doc.tok[9].type, MXT_JSON_FALSE);
    cr_expect_eq(mxt_json_get(&doc, 0, (const uint8_t *)"c", 1), 11u);
    cr_expect_eq(mxt_json_get(&doc, 0, (const uint8_t *)"d", 1), MXT_JSON_NONE);
    cr_expect_eq(mxt_json_get(&doc, 2, (const uint8_t *)"c", 1), MXT_JSON_NONE);
}

Test(json, scalars_at_top_level)
{
    mxt_json_doc doc;
    size_t off;
    cr_expect_eq(parse_opts("\"x\"", 3, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts("true", 4, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts(" false ", 7, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts("null", 4, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts("[]", 2, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(doc.tok[0].count, 0u);
    cr_expect_eq(parse_opts("{}", 2, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(doc.tok[0].link, MXT_JSON_NONE);
}

Test(json, syntax_and_eof)
{
    reject("{\"a\" 1}", MXT_E_SYNTAX, 5);
    reject("[1,]", MXT_E_SYNTAX, 3);
    reject("x", MXT_E_SYNTAX, 0);
    reject("{1:2}", MXT_E_SYNTAX, 1);
    reject("[1 2]", MXT_E_SYNTAX, 3);
    reject("[1}", MXT_E_SYNTAX, 2);
    reject("{\"a\":1]", MXT_E_SYNTAX, 6);
    reject("tru", MXT_E_EOF, 3);
    reject("trux", MXT_E_SYNTAX, 3);
    reject("nul!", MXT_E_SYNTAX, 3);
    reject("\xc3\xa9", MXT_E_SYNTAX, 0);
    reject("", MXT_E_EOF, 0);
    reject("   ", MXT_E_EOF, 3);
    reject("[1,", MXT_E_EOF, 3);
    reject("{\"a\":", MXT_E_EOF, 5);
    reject("{\"a\"", MXT_E_EOF, 4);
    reject("\"abc", MXT_E_EOF, 4);
    reject("\"ab\\", MXT_E_EOF, 4);
    reject("{} x", MXT_E_TRAILING, 3);
    reject("1 2", MXT_E_TRAILING, 2);
    reject("[]]", MXT_E_TRAILING, 2);
}

Test(json, strings)
{
    reject("\"a\x01\"", MXT_E_CONTROL_CHAR, 2);
    reject("\"\x1f\"", MXT_E_CONTROL_CHAR, 1);
    reject("[\"ok\",\"a\tb\"]", MXT_E_CONTROL_CHAR, 8);
    reject("\"\\q\"", MXT_E_ESCAPE, 1);
    reject("\"ab\\u12G4\"", MXT_E_ESCAPE, 3);
    reject("\"\\u12\"", MXT_E_ESCAPE, 1);
    reject("\"\\ud800\"", MXT_E_LONE_SURROGATE, 1);
    reject("\"\\udc00\"", MXT_E_LONE_SURROGATE, 1);
    reject("\"\\ud800\\u0041\"", MXT_E_LONE_SURROGATE, 1);
    reject("\"x\\ud800\\ud800\"", MXT_E_LONE_SURROGATE, 2);
    reject("\"\\ud800\\uzzzz\"", MXT_E_ESCAPE, 7);
    reject("\"\\ud83d\\n\"", MXT_E_LONE_SURROGATE, 1);
    mxt_json_doc doc;
    size_t off;
    cr_expect_eq(parse_opts("\"x\\ud83d\\ude00\"", 15, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(doc.tok[0].flags, MXT_JSON_F_ESCAPED);
    cr_expect_eq(parse_opts("\"\\u0000\\/\x7f\"", 11, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts("\"plain\"", 7, NULL, &doc, &off), MXT_OK);
    cr_expect_eq(doc.tok[0].flags, 0u);
}

Test(json, utf8)
{
    reject("\"\x80\"", MXT_E_UTF8_INVALID, 1);
    reject("\"a\xbf\"", MXT_E_UTF8_INVALID, 2);
    reject("\"\xff\"", MXT_E_UTF8_INVALID, 1);
    reject("\"\xf8\x88\x80\x80\x80\"", MXT_E_UTF8_INVALID, 1);
    reject("\"\xc0\xaf\"", MXT_E_UTF8_OVERLONG, 1);
    reject("\"\xc1\xbf\"", MXT_E_UTF8_OVERLONG, 1);
    reject("\"\xe0\x80\xaf\"", MXT_E_UTF8_OVERLONG, 1);
    reject("\"\xf0\x80\x80\xaf\"", MXT_E_UTF8_OVERLONG, 1);
    reject("\"\xed\xa0\x80\"", MXT_E_UTF8_SURROGATE, 1);
    reject("\"\xed\xbf\xbf\"", MXT_E_UTF8_SURROGATE, 1);
    reject("\"\xe6\x97\"", MXT_E_UTF8_TRUNCATED, 1);
    reject("\"ab\xc3", MXT_E_UTF8_TRUNCATED, 3);
    reject("\"\xf0\x9f\x98 \"", MXT_E_UTF8_TRUNCATED, 1);
    reject("\"\xf4\x90\x80\x80\"", MXT_E_UTF8_RANGE, 1);
    reject("\"\xf5\x80\x80\x80\"", MXT_E_UTF8_RANGE, 1);
    mxt_json_doc doc;
    size_t off;
    const char *ok = "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"
                     "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"";
    cr_expect_eq(parse_opts(ok, strlen(ok), NULL, &doc, &off), MXT_OK);
}

Test(json, duplicate_keys)
{
    reject("{\"a\":1,\"a\":2}", MXT_E_DUPLICATE_KEY, 7);
    reject("{\"a\":1,\"\\u0061\":2}", MXT_E_DUPLICATE_KEY, 7);
    reject("{\"\\u0061\":1,\"a\":2}", MXT_E_DUPLICATE_KEY, 12);
    reject("{\"b\":1,\"a\":1,\"b\":2,\"a\":3}", MXT_E_DUPLICATE_KEY, 13);
    reject("{\"\xc3\xa9\":1,\"\\u00e9\":2}", MXT_E_DUPLICATE_KEY, 8);
    reject("{\"\xf0\x9f\x98\x80\":1,\"\\ud83d\\ude00\":2}", MXT_E_DUPLICATE_KEY, 10);
    /* the earliest offending key wins, whichever object closes first */
    reject("{\"a\":{\"b\":1,\"b\":2},\"a\":3}", MXT_E_DUPLICATE_KEY, 12);
    reject("{\"a\":1,\"a\":{\"b\":1,\"b\":2}}", MXT_E_DUPLICATE_KEY, 7);
    /* a duplicate in a closed object comes before a later syntax error; one in an object that
       never closes is not known (duplicates are detected when their object closes) */
    reject("{\"a\":1,\"a\":2,\"c\":x}", MXT_E_SYNTAX, 17);
    reject("[{\"a\":1,\"a\":2}, x]", MXT_E_DUPLICATE_KEY, 8);
    /* but not before an earlier one */
    reject("[x, {\"a\":1,\"a\":2}]", MXT_E_SYNTAX, 1);
    /* same key in different objects is fine */
    mxt_json_doc doc;
    size_t off;
    const char *ok = "{\"a\":{\"a\":1},\"b\":{\"a\":2}}";
    cr_expect_eq(parse_opts(ok, strlen(ok), NULL, &doc, &off), MXT_OK);
}

Test(json, numbers_strict)
{
    reject("1.5", MXT_E_NUMBER_FRACTION, 1);
    reject("[0.0]", MXT_E_NUMBER_FRACTION, 2);
    reject("-0.0", MXT_E_NUMBER_FRACTION, 2);
    reject("1e5", MXT_E_NUMBER_EXPONENT, 1);
    reject("[12E+1]", MXT_E_NUMBER_EXPONENT, 3);
    reject("-0", MXT_E_NUMBER_NEG_ZERO, 0);
    reject("[1,-0]", MXT_E_NUMBER_NEG_ZERO, 3);
    reject("01", MXT_E_NUMBER_LEADING_ZERO, 0);
    reject("[-01]", MXT_E_NUMBER_LEADING_ZERO, 2);
    reject("9007199254740992", MXT_E_NUMBER_RANGE, 0);
    reject("[-9007199254740992]", MXT_E_NUMBER_RANGE, 1);
    reject("123456789012345678901234567890", MXT_E_NUMBER_RANGE, 0);
    reject("-", MXT_E_EOF, 1);
    reject("-a", MXT_E_NUMBER_SYNTAX, 1);
    reject("[-]", MXT_E_NUMBER_SYNTAX, 2);
    reject("1.", MXT_E_EOF, 2);
    reject("[1.]", MXT_E_NUMBER_SYNTAX, 3);
    reject("1e", MXT_E_EOF, 2);
    reject("[1e+]", MXT_E_NUMBER_SYNTAX, 4);
    reject("+1", MXT_E_SYNTAX, 0);
    reject("12a", MXT_E_TRAILING, 2);
    cr_expect_eq(num_of("9007199254740991", MXT_NUM_STRICT), 9007199254740991LL);
    cr_expect_eq(num_of("-9007199254740991", MXT_NUM_STRICT), -9007199254740991LL);
    cr_expect_eq(num_of("0", MXT_NUM_STRICT), 0);
    cr_expect_eq(num_of("-1", MXT_NUM_STRICT), -1);
    cr_expect_eq(num_of(" 1234567890123456 ", MXT_NUM_STRICT), 1234567890123456LL);
}

Test(json, numbers_normalise)
{
    mxt_json_doc doc;
    size_t off;
    mxt_json_opts o = {0, MXT_NUM_NORMALISE};
    const char *s = "{\"a\":-0,\"b\":1e10}";
    cr_assert_eq(parse_opts(s, strlen(s), &o, &doc, &off), MXT_OK);
    cr_expect_eq(doc.tok[2].num, 0);
    cr_expect_eq(doc.tok[4].num, 10000000000LL);
    cr_expect_eq(parse_opts(s, strlen(s), NULL, &doc, &off), MXT_E_NUMBER_NEG_ZERO);
    cr_expect_eq(off, 5u);
    cr_expect_eq(num_of("1.0", MXT_NUM_NORMALISE), 1);
    cr_expect_eq(num_of("1.5e1", MXT_NUM_NORMALISE), 15);
    cr_expect_eq(num_of("100e-2", MXT_NUM_NORMALISE), 1);
    cr_expect_eq(num_of("0.5E+1", MXT_NUM_NORMALISE), 5);
    cr_expect_eq(num_of("-0.0", MXT_NUM_NORMALISE), 0);
    cr_expect_eq(num_of("0e999999999999", MXT_NUM_NORMALISE), 0);
    cr_expect_eq(num_of("90071992547409910e-1", MXT_NUM_NORMALISE), 9007199254740991LL);
    cr_expect_eq(num_of("-9.007199254740991e15", MXT_NUM_NORMALISE), -9007199254740991LL);
    cr_expect_eq(num_of("12", MXT_NUM_NORMALISE), 12);
    reject_norm("1.5", MXT_E_NUMBER_NOT_INTEGER, 0);
    reject_norm("[1,-2.25e1]", MXT_E_NUMBER_NOT_INTEGER, 3);
    reject_norm("1e-999999999999", MXT_E_NUMBER_NOT_INTEGER, 0);
    reject_norm("12345678901234567e-1", MXT_E_NUMBER_NOT_INTEGER, 0);
    reject_norm("1e16", MXT_E_NUMBER_RANGE, 0);
    reject_norm("9007199254740992e0", MXT_E_NUMBER_RANGE, 0);
    reject_norm("9.007199254740992e15", MXT_E_NUMBER_RANGE, 0);
    reject_norm("1.5e99999999999", MXT_E_NUMBER_RANGE, 0);
    reject_norm("01", MXT_E_NUMBER_LEADING_ZERO, 0);
    reject_norm("-01.5", MXT_E_NUMBER_LEADING_ZERO, 1);
}

Test(json, depth_limit)
{
    char buf[300];
    mxt_json_doc doc;
    size_t off;
    for (int d = 1; d <= 66; d++) {
        memset(buf, '[', (size_t)d);
        memset(buf + d, ']', (size_t)d);
        mxt_status st = parse_opts(buf, 2u * (size_t)d, NULL, &doc, &off);
        if (d <= 64) {
            cr_expect_eq(st, MXT_OK, "depth %d", d);
        } else {
            cr_expect_eq(st, MXT_E_DEPTH, "depth %d", d);
            cr_expect_eq(off, 64u);
        }
    }
    mxt_json_opts o = {2, MXT_NUM_STRICT};
    cr_expect_eq(parse_opts("[[1]]", 5, &o, &doc, &off), MXT_OK);
    cr_expect_eq(parse_opts("[{\"a\":[1]}]", 11, &o, &doc, &off), MXT_E_DEPTH);
    cr_expect_eq(off, 6u);
}

Test(json, token_array_full)
{
    mxt_json_token small[3];
    mxt_json_doc doc;
    mxt_where w;
    cr_expect_eq(mxt_json_parse((const uint8_t *)"[1,2]", 5, small, 3, NULL, &doc, &w), MXT_OK);
    cr_expect_eq(mxt_json_parse((const uint8_t *)"[1,2,3]", 7, small, 3, NULL, &doc, &w),
                 MXT_E_TOKENS);
    cr_expect_eq(w.offset, 5u);
    cr_expect_eq(mxt_json_parse((const uint8_t *)"{\"a\":1,\"b\":2}", 13, small, 3, NULL, &doc, &w),
                 MXT_E_TOKENS);
    cr_expect_eq(w.offset, 7u);
    cr_expect_eq(mxt_json_parse((const uint8_t *)"1", 1, small, 0, NULL, &doc, &w), MXT_E_TOKENS);
    cr_expect_eq(w.offset, 0u);
}

Test(json, too_large)
{
    mxt_json_doc doc;
    mxt_where w;
    if (sizeof(size_t) <= 4)
        return;
    /* the length is checked before any byte is read */
    cr_expect_eq(mxt_json_parse((const uint8_t *)"1", (size_t)UINT32_MAX, toks, CAP, NULL, &doc, &w),
                 MXT_E_TOO_LARGE);
}

/* Key order is code point order: U+FF61 sorts before U+1F600 (UTF-16 order would differ). */
Test(json, key_order_code_points)
{
    mxt_json_doc doc;
    size_t off;
    const char *s = "{\"\\ud83d\\ude00\":2,\"\\uff61\":1,\"\xef\xbd\xa0\":0,\"z\":3}";
    cr_assert_eq(parse_opts(s, strlen(s), NULL, &doc, &off), MXT_OK);
    uint32_t k = doc.tok[0].link;
    cr_expect_eq(doc.tok[k].start, (uint32_t)(strstr(s, "\"z\"") - s));
    k = doc.tok[k].link;
    cr_expect_eq(doc.tok[k].start, (uint32_t)(strstr(s, "\"\xef") - s)); /* U+FF60 raw */
    k = doc.tok[k].link;
    cr_expect_eq(doc.tok[k].start, (uint32_t)(strstr(s, "\"\\uff61") - s));
    k = doc.tok[k].link;
    cr_expect_eq(doc.tok[k].start, 1u); /* U+1F600 */
    cr_expect_eq(doc.tok[k].link, MXT_JSON_NONE);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

Test(json, ten_thousand_keys)
{
    enum { N = 10000 };
    static char buf[N * 24 + 16];
    static mxt_json_token big[2 * N + 4];
    static char names[N][12];
    static const char *sorted[N];
    size_t n = 0;
    uint32_t x = 12345;
    buf[n++] = '{';
    for (int i = 0; i < N; i++) {
        /* a permutation of 0..N-1 (7919 is prime to N) */
        int v = (int)(((unsigned)i * 7919u + 13u) % N);
        x = x * 1103515245u + 12345u;
        snprintf(names[i], sizeof names[i], "k%c%05d", 'a' + (int)((x >> 16) % 3u), v);
        sorted[i] = names[i];
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%s\":%d", i ? "," : "", names[i], i);
    }
    buf[n++] = '}';
    qsort(sorted, N, sizeof sorted[0], cmp_str);
    mxt_json_doc doc;
    mxt_where w;
    cr_assert_eq(mxt_json_parse((const uint8_t *)buf, n, big, 2 * N + 4, NULL, &doc, &w), MXT_OK);
    cr_expect_eq(doc.tok[0].count, (uint32_t)N);
    uint32_t k = doc.tok[0].link;
    for (int i = 0; i < N; i++) {
        cr_assert_neq(k, MXT_JSON_NONE);
        cr_assert(mxt_json_str_eq(&doc, k, (const uint8_t *)sorted[i], strlen(sorted[i])),
                  "position %d", i);
        k = doc.tok[k].link;
    }
    cr_expect_eq(k, MXT_JSON_NONE);
    /* a duplicate at the very end is still found, at its offset */
    size_t at = n - 1;
    n = at + (size_t)snprintf(buf + at, sizeof buf - at, ",\"%s\":0}", names[N / 2]);
    cr_expect_eq(mxt_json_parse((const uint8_t *)buf, n, big, 2 * N + 4, NULL, &doc, &w),
                 MXT_E_DUPLICATE_KEY);
    cr_expect_eq(w.offset, at + 1);
}

Test(json, get_str_and_str_eq)
{
    mxt_json_doc doc;
    size_t off;
    const char *s = "{\"a\\u00e9\":\"x\\ny\\ud83d\\ude00\",\"b\":[1],\"c\":2}";
    cr_assert_eq(parse_opts(s, strlen(s), NULL, &doc, &off), MXT_OK);
    uint32_t v = mxt_json_get(&doc, 0, (const uint8_t *)"a\xc3\xa9", 3);
    cr_assert_eq(v, 2u);
    uint8_t out[16];
    size_t ol;
    cr_expect_eq(mxt_json_str(&doc, v, out, sizeof out, &ol), MXT_OK);
    cr_expect_eq(ol, 7u);
    cr_expect_eq(memcmp(out, "x\ny\xf0\x9f\x98\x80", 7), 0);
    cr_expect_eq(mxt_json_str(&doc, v, out, 3, &ol), MXT_E_BUFFER_SMALL);
    cr_expect_eq(ol, 7u);
    cr_expect_eq(memcmp(out, "x\ny", 3), 0);
    cr_expect_eq(mxt_json_str(&doc, 0, out, sizeof out, &ol), MXT_E_TYPE);
    cr_expect(mxt_json_str_eq(&doc, v, (const uint8_t *)"x\ny\xf0\x9f\x98\x80", 7));
    cr_expect(!mxt_json_str_eq(&doc, v, (const uint8_t *)"x\ny\xf0\x9f\x98", 6));
    cr_expect(!mxt_json_str_eq(&doc, v, (const uint8_t *)"x\ny\xf0\x9f\x98\x81", 7));
    cr_expect(!mxt_json_str_eq(&doc, 0, (const uint8_t *)"", 0));
    cr_expect_eq(mxt_json_get(&doc, 0, (const uint8_t *)"b", 1), 4u);
    cr_expect_eq(mxt_json_get(&doc, 0, (const uint8_t *)"c", 1), 7u);
    cr_expect_eq(mxt_json_get(&doc, 0, (const uint8_t *)"a", 1), MXT_JSON_NONE);
    cr_expect_eq(mxt_json_get(&doc, 4, (const uint8_t *)"b", 1), MXT_JSON_NONE);
}
