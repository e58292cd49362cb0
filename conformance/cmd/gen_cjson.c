/*
 * CJSON vectors: canonical JSON (spec appendix "Canonical JSON").
 *
 * Hand-written cases carry their expected canonical text written out here, from the rule; the
 * randomised cases get theirs from a small printer in this file that shares no code with the
 * core (its own tree, its own key sort, its own escaping), so a core bug cannot hide in both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)

/* ---- inputs ------------------------------------------------------------------------------ */

static cJSON *input_text(const char *json, const char *profile)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "json", json);
    if (profile)
        cJSON_AddStringToObject(in, "profile", profile);
    return in;
}

/* Bytes that are not valid UTF-8 (or hold NUL) cannot travel in a JSON string: send base64. */
static cJSON *input_bytes(const uint8_t *bytes, size_t n)
{
    cJSON *in = cJSON_CreateObject();
    char *b64 = mxt_vg_b64(bytes, n);
    cJSON_AddStringToObject(in, "json_b64", b64);
    free(b64);
    return in;
}

static int ok(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
              const char *const *flags, const char *json, const char *canonical)
{
    return mxt_vg_add(f, slug, rules, comment, flags, "canonical_json", input_text(json, NULL),
                      mxt_vg_expect_out("ok", NULL, canonical));
}

static int rej(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
               const char *const *flags, const char *json, const char *reason)
{
    return mxt_vg_add(f, slug, rules, comment, flags, "canonical_json", input_text(json, NULL),
                      mxt_vg_expect("reject", reason));
}

static int rej_bytes(mxt_vg_file *f, const char *slug, const char *const *rules,
                     const char *comment, const uint8_t *bytes, size_t n, const char *reason)
{
    return mxt_vg_add(f, slug, rules, comment, NULL, "canonical_json", input_bytes(bytes, n),
                      mxt_vg_expect("reject", reason));
}

/* ---- hand-written cases -------------------------------------------------------------------- */

static int spec_examples(mxt_vg_file *f)
{
    const char *const *ex = MXT_VG_LIST("spec-example");
    int e = 0;
    e |= ok(f, "spec-empty", R("CJSON-011", "CJSON-001"), "spec appendix example: empty object",
            ex, "{}", "{}");
    e |= ok(f, "spec-one-two", R("CJSON-011", "CJSON-001"), "spec appendix example: two members",
            ex, "{\n    \"one\": 1,\n    \"two\": \"Two\"\n}", "{\"one\":1,\"two\":\"Two\"}");
    e |= ok(f, "spec-b-a", R("CJSON-011", "CJSON-002"), "spec appendix example: keys reordered",
            ex, "{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}", "{\"a\":\"1\",\"b\":\"2\"}");
    e |= ok(f, "spec-b-a-compact", R("CJSON-011", "CJSON-002"),
            "spec appendix example: compact input reordered", ex, "{\"b\":\"2\",\"a\":\"1\"}",
            "{\"a\":\"1\",\"b\":\"2\"}");
    e |= ok(f, "spec-nested-auth", R("CJSON-011", "CJSON-002", "CJSON-008"),
            "spec appendix example: nested objects sorted, array order kept", ex,
            "{\n  \"auth\": {\n    \"success\": true,\n    \"mxid\": \"@john.doe:example.com\",\n"
            "    \"profile\": {\n      \"display_name\": \"John Doe\",\n      \"three_pids\": [\n"
            "        {\n          \"medium\": \"email\",\n          \"address\": \"john.doe@example.org\"\n"
            "        },\n        {\n          \"medium\": \"msisdn\",\n          \"address\": \"123456789\"\n"
            "        }\n      ]\n    }\n  }\n}",
            "{\"auth\":{\"mxid\":\"@john.doe:example.com\",\"profile\":{\"display_name\":\"John Doe\","
            "\"three_pids\":[{\"address\":\"john.doe@example.org\",\"medium\":\"email\"},"
            "{\"address\":\"123456789\",\"medium\":\"msisdn\"}]},\"success\":true}}");
    e |= ok(f, "spec-nihongo", R("CJSON-011", "CJSON-003"),
            "spec appendix example: non-ASCII string stays raw UTF-8", ex,
            "{\n    \"a\": \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\n}",
            "{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}");
    e |= ok(f, "spec-non-ascii-keys", R("CJSON-011", "CJSON-002"),
            "spec appendix example: non-ASCII keys sorted by code point", ex,
            "{\n    \"\xe6\x9c\xac\": 2,\n    \"\xe6\x97\xa5\": 1\n}",
            "{\"\xe6\x97\xa5\":1,\"\xe6\x9c\xac\":2}");
    e |= ok(f, "spec-u-escape", R("CJSON-011", "CJSON-003"),
            "spec appendix example: \\u65E5 is written as the raw character", ex,
            "{\n    \"a\": \"\\u65E5\"\n}", "{\"a\":\"\xe6\x97\xa5\"}");
    e |= ok(f, "spec-null", R("CJSON-011", "CJSON-007"), "spec appendix example: null member kept",
            ex, "{\n    \"a\": null\n}", "{\"a\":null}");
    /* The contested example: the number rule forbids it, the example normalises it. */
    e |= rej(f, "spec-neg-zero-exponent-strict", R("CJSON-005", "CJSON-011"),
             "spec appendix example {\"a\":-0,\"b\":1e10} under the strict profile: -0 is rejected",
             MXT_VG_LIST("spec-example", "spec-ambiguity", "profile:strict"),
             "{\n    \"a\": -0,\n    \"b\": 1e10\n}", "E_NUMBER_NEG_ZERO");
    e |= mxt_vg_add(f, "spec-neg-zero-exponent-normalise", R("CJSON-005", "CJSON-011"),
                    "spec appendix example under the normalise profile: the example's own output",
                    MXT_VG_LIST("spec-example", "spec-ambiguity", "profile:normalise"),
                    "canonical_json", input_text("{\n    \"a\": -0,\n    \"b\": 1e10\n}", "normalise"),
                    mxt_vg_expect_out("ok", NULL, "{\"a\":0,\"b\":10000000000}"));
    return e;
}

static int key_order(mxt_vg_file *f)
{
    int e = 0;
    e |= ok(f, "order-astral-vs-bmp", R("CJSON-002"),
            "U+FF61 sorts before U+1F600 by code point (UTF-16 order would put the emoji first)",
            MXT_VG_LIST("divergence:another-json-utf16-order"),
            "{\"\\ud83d\\ude00\":2,\"\\uff61\":1}",
            "{\"\xef\xbd\xa1\":1,\"\xf0\x9f\x98\x80\":2}");
    e |= ok(f, "order-astral-raw", R("CJSON-002", "CJSON-003"),
            "the same keys written as raw UTF-8 sort the same way",
            MXT_VG_LIST("divergence:another-json-utf16-order"),
            "{\"\xf0\x9f\x98\x80\":2,\"\xef\xbd\xa1\":1}",
            "{\"\xef\xbd\xa1\":1,\"\xf0\x9f\x98\x80\":2}");
    e |= ok(f, "order-uppercase-first", R("CJSON-002"), "'B' (U+0042) sorts before 'a' (U+0061)",
            NULL, "{\"a\":1,\"B\":2}", "{\"B\":2,\"a\":1}");
    e |= ok(f, "order-prefix", R("CJSON-002"), "a key sorts before its extensions", NULL,
            "{\"aa\":1,\"a\":2,\"\":3}", "{\"\":3,\"a\":2,\"aa\":1}");
    e |= ok(f, "order-latin1-after-ascii", R("CJSON-002"), "U+00E9 sorts after 'z'", NULL,
            "{\"\\u00e9\":1,\"z\":2}", "{\"z\":2,\"\xc3\xa9\":1}");
    e |= ok(f, "order-escaped-key", R("CJSON-002", "CJSON-003"),
            "keys are sorted by their unescaped value", NULL, "{\"\\u0062\":1,\"a\":2}",
            "{\"a\":2,\"b\":1}");
    e |= ok(f, "order-nested-arrays", R("CJSON-002", "CJSON-008"),
            "objects inside arrays are sorted, the array order is kept", NULL,
            "[{\"z\":1,\"y\":2},{\"b\":[3,2,1],\"a\":true}]",
            "[{\"y\":2,\"z\":1},{\"a\":true,\"b\":[3,2,1]}]");
    e |= rej(f, "duplicate-key", R("CJSON-009"), "the same key twice cannot be canonicalised",
             NULL, "{\"a\":1,\"a\":2}", "E_DUPLICATE_KEY");
    e |= rej(f, "duplicate-key-escaped", R("CJSON-009"),
             "\"a\" and \"\\u0061\" are the same key after unescaping", NULL,
             "{\"a\":1,\"\\u0061\":2}", "E_DUPLICATE_KEY");
    e |= rej(f, "duplicate-key-nested", R("CJSON-009"), "duplicates are rejected at any depth",
             NULL, "{\"x\":{\"k\":1,\"j\":0,\"k\":1}}", "E_DUPLICATE_KEY");
    e |= ok(f, "same-key-different-objects", R("CJSON-009"),
            "the same key in two different objects is not a duplicate", NULL,
            "{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
    return e;
}

static int escapes(mxt_vg_file *f)
{
    int e = 0;
    e |= ok(f, "escape-controls-lowercase", R("CJSON-004"),
            "U+0001 and U+001F are written \\u0001 and \\u001f (lowercase hex), DEL raw",
            MXT_VG_LIST("divergence:another-json-capital-U"), "{\"a\":\"\\u0001\\u001F\\u007f\"}",
            "{\"a\":\"\\u0001\\u001f\x7f\"}");
    e |= ok(f, "escape-short-forms", R("CJSON-004"),
            "\\b \\t \\n \\f \\r \\\" \\\\ keep their short forms", NULL,
            "{\"a\":\"\\u0008\\u0009\\u000a\\u000c\\u000d\\u0022\\u005c\"}",
            "{\"a\":\"\\b\\t\\n\\f\\r\\\"\\\\\"}");
    e |= ok(f, "escape-solidus-raw", R("CJSON-004"), "\\/ is written as a raw '/'", NULL,
            "{\"a\":\"\\/x/\"}", "{\"a\":\"/x/\"}");
    e |= ok(f, "escape-nul", R("CJSON-004"), "U+0000 is written \\u0000", NULL,
            "{\"a\":\"\\u0000\"}", "{\"a\":\"\\u0000\"}");
    e |= ok(f, "escape-line-separators-raw", R("CJSON-004", "CJSON-003"),
            "U+2028 and U+2029 are written raw", NULL, "{\"a\":\"\\u2028\\u2029\"}",
            "{\"a\":\"\xe2\x80\xa8\xe2\x80\xa9\"}");
    e |= ok(f, "escape-surrogate-pair", R("CJSON-003", "CJSON-010"),
            "a \\u surrogate pair becomes one raw 4-byte character", NULL,
            "{\"a\":\"\\uD83D\\uDE00\"}", "{\"a\":\"\xf0\x9f\x98\x80\"}");
    e |= ok(f, "escape-uppercase-hex-input", R("CJSON-003"),
            "uppercase hex in \\u escapes is accepted on input", NULL, "{\"a\":\"\\u00E9\"}",
            "{\"a\":\"\xc3\xa9\"}");
    e |= rej(f, "lone-high-surrogate", R("CJSON-010"), "\\uD800 without its low half", NULL,
             "{\"a\":\"\\uD800\"}", "E_LONE_SURROGATE");
    e |= rej(f, "lone-low-surrogate", R("CJSON-010"), "\\uDC00 without a high half", NULL,
             "{\"a\":\"\\uDC00x\"}", "E_LONE_SURROGATE");
    e |= rej(f, "high-then-non-low", R("CJSON-010"), "\\uD83D followed by \\u0041", NULL,
             "{\"a\":\"\\uD83D\\u0041\"}", "E_LONE_SURROGATE");
    e |= rej(f, "two-high-surrogates", R("CJSON-010"), "\\uD83D followed by \\uD83D", NULL,
             "{\"a\":\"\\uD83D\\uD83D\"}", "E_LONE_SURROGATE");
    /* CJSON-012's passing side: every escape JSON allows, whitespace around the value. */
    e |= ok(f, "all-json-escapes-and-outer-whitespace", R("CJSON-012", "CJSON-004"),
            "every escape RFC 8259 allows, and whitespace before and after the one value: "
            "accepted", NULL,
            " \t\r\n{\"a\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041\"} \n",
            "{\"a\":\"\\\" \\\\ / \\b \\f \\n \\r \\t A\"}");
    e |= rej(f, "bad-escape-letter", R("CJSON-012"), "\\x is not a JSON escape", NULL,
             "{\"a\":\"\\x41\"}", "E_ESCAPE");
    e |= rej(f, "bad-escape-hex", R("CJSON-012"), "\\u needs four hex digits", NULL,
             "{\"a\":\"\\u00G1\"}", "E_ESCAPE");
    e |= rej(f, "raw-tab-in-string", R("CJSON-012"), "a raw TAB inside a string is not JSON", NULL,
             "{\"a\":\"x\ty\"}", "E_CONTROL_CHAR");
    return e;
}

static int numbers(mxt_vg_file *f)
{
    int e = 0;
    /* The in-range bounds are also CJSON-006's passing side: accepted and copied exactly. */
    e |= ok(f, "int-max", R("CJSON-005", "CJSON-006"), "2^53-1 is the largest canonical integer, "
            "accepted and not rounded", NULL,
            "[9007199254740991]", "[9007199254740991]");
    e |= ok(f, "int-min", R("CJSON-005", "CJSON-006"), "-(2^53)+1 is the smallest canonical "
            "integer, accepted and not rounded", NULL,
            "[-9007199254740991]", "[-9007199254740991]");
    e |= rej(f, "int-max-plus-one", R("CJSON-006"), "2^53 is out of range, never rounded", NULL,
             "[9007199254740992]", "E_NUMBER_RANGE");
    e |= rej(f, "int-min-minus-one", R("CJSON-006"), "-(2^53) is out of range", NULL,
             "[-9007199254740992]", "E_NUMBER_RANGE");
    e |= rej(f, "int-2-53-plus-one", R("CJSON-006"),
             "2^53+1 has no exact double: a JS or Python float pipeline would change it", NULL,
             "[9007199254740993]", "E_NUMBER_RANGE");
    e |= rej(f, "int-huge", R("CJSON-006"), "a 30-digit integer is out of range", NULL,
             "[123456789012345678901234567890]", "E_NUMBER_RANGE");
    e |= ok(f, "int-zero-and-negative", R("CJSON-005"), "0 and negative integers", NULL,
            "[0,-1,42,-42]", "[0,-1,42,-42]");
    e |= rej(f, "fraction", R("CJSON-005"), "1.5 has a fraction", NULL, "[1.5]",
             "E_NUMBER_FRACTION");
    e |= rej(f, "fraction-zero", R("CJSON-005"), "1.0 is written with a fraction", NULL, "[1.0]",
             "E_NUMBER_FRACTION");
    e |= rej(f, "exponent", R("CJSON-005"), "1e2 has an exponent", NULL, "[1e2]",
             "E_NUMBER_EXPONENT");
    e |= rej(f, "exponent-upper", R("CJSON-005"), "1E2 has an exponent", NULL, "[1E2]",
             "E_NUMBER_EXPONENT");
    e |= rej(f, "negative-zero", R("CJSON-005"), "-0 is not canonical", NULL, "[-0]",
             "E_NUMBER_NEG_ZERO");
    e |= rej(f, "leading-zero", R("CJSON-005", "CJSON-012"), "01 is not a JSON number", NULL,
             "[01]", "E_NUMBER_LEADING_ZERO");
    e |= rej(f, "plus-sign", R("CJSON-012"), "+1 is not a JSON number", NULL, "[+1]", "E_SYNTAX");
    e |= rej(f, "bare-minus", R("CJSON-012"), "a lone minus sign", NULL, "[-]",
             "E_NUMBER_SYNTAX");
    static const struct { const char *slug, *in, *out, *reason, *comment; } norm[] = {
        {"norm-neg-zero", "[-0]", "[0]", NULL, "normalise: -0 becomes 0"},
        {"norm-exponent", "[1e10]", "[10000000000]", NULL, "normalise: 1e10 is an integer"},
        {"norm-fraction-zero", "[1.0]", "[1]", NULL, "normalise: 1.0 is an integer"},
        {"norm-frac-exp", "[1.5e1]", "[15]", NULL, "normalise: 1.5e1 is 15"},
        {"norm-neg-exp", "[100e-2]", "[1]", NULL, "normalise: 100e-2 is 1"},
        {"norm-not-integer", "[1.5]", NULL, "E_NUMBER_NOT_INTEGER", "normalise: 1.5 has no integer form"},
        {"norm-out-of-range", "[1e16]", NULL, "E_NUMBER_RANGE", "normalise: 1e16 is beyond 2^53-1"},
        {"norm-leading-zero", "[01]", NULL, "E_NUMBER_LEADING_ZERO",
         "normalise: leading zeros stay invalid JSON"},
        {"norm-max", "[9.007199254740991e15]", "[9007199254740991]", NULL,
         "normalise: 2^53-1 written with an exponent"},
    };
    for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++)
        e |= mxt_vg_add(f, norm[i].slug, R("CJSON-005"), norm[i].comment,
                        MXT_VG_LIST("profile:normalise", "spec-ambiguity"), "canonical_json",
                        input_text(norm[i].in, "normalise"),
                        norm[i].out ? mxt_vg_expect_out("ok", NULL, norm[i].out)
                                    : mxt_vg_expect("reject", norm[i].reason));
    return e;
}

static int structure(mxt_vg_file *f)
{
    int e = 0;
    e |= ok(f, "literals", R("CJSON-007"), "true, false and null are kept literally", NULL,
            "{\"t\":true,\"f\":false,\"n\":null}", "{\"f\":false,\"n\":null,\"t\":true}");
    e |= ok(f, "whitespace-everywhere", R("CJSON-001"), "all insignificant whitespace goes",
            NULL, " \t\n\r{ \"a\" : [ 1 , 2 ] , \"b\" : { } }\r\n ", "{\"a\":[1,2],\"b\":{}}");
    e |= ok(f, "top-level-array", R("CJSON-001"), "a top-level array", NULL, "[ ]", "[]");
    e |= ok(f, "top-level-string", R("CJSON-001"), "a top-level string", NULL, "\"x\"", "\"x\"");
    e |= rej(f, "trailing-garbage", R("CJSON-012"), "bytes after the value", NULL, "{} x",
             "E_TRAILING");
    e |= rej(f, "two-values", R("CJSON-012"), "two top-level values", NULL, "{}{}", "E_TRAILING");
    e |= rej(f, "trailing-comma-object", R("CJSON-012"), "a trailing comma in an object", NULL,
             "{\"a\":1,}", "E_SYNTAX");
    e |= rej(f, "trailing-comma-array", R("CJSON-012"), "a trailing comma in an array", NULL,
             "[1,]", "E_SYNTAX");
    e |= rej(f, "single-quotes", R("CJSON-012"), "single-quoted strings are not JSON", NULL,
             "{'a':1}", "E_SYNTAX");
    e |= rej(f, "unterminated-object", R("CJSON-012"), "input ends inside an object", NULL,
             "{\"a\":1", "E_EOF");
    e |= rej(f, "unterminated-string", R("CJSON-012"), "input ends inside a string", NULL,
             "{\"a\":\"abc", "E_EOF");
    e |= rej(f, "empty-input", R("CJSON-012"), "no value at all", NULL, "", "E_EOF");
    e |= rej(f, "bare-word", R("CJSON-012"), "a misspelt literal", NULL, "[tru]", "E_SYNTAX");
    e |= rej(f, "non-string-key", R("CJSON-012"), "object keys must be strings", NULL,
             "{1:2}", "E_SYNTAX");
    /* Depth: the default limit is 64 nested containers. */
    char deep_ok[200], deep_bad[200];
    size_t n = 0;
    for (int i = 0; i < 64; i++) deep_ok[n++] = '[';
    for (int i = 0; i < 64; i++) deep_ok[n++] = ']';
    deep_ok[n] = 0;
    n = 0;
    for (int i = 0; i < 65; i++) deep_bad[n++] = '[';
    for (int i = 0; i < 65; i++) deep_bad[n++] = ']';
    deep_bad[n] = 0;
    e |= ok(f, "depth-64", R("CJSON-013"), "64 nested arrays are within the default limit", NULL,
            deep_ok, deep_ok);
    e |= rej(f, "depth-65", R("CJSON-013"), "65 nested arrays exceed the default limit of 64",
             NULL, deep_bad, "E_DEPTH");
    return e;
}

static int utf8(mxt_vg_file *f)
{
    static const struct { const char *slug, *comment, *reason; uint8_t b[12]; size_t n; } bad[] = {
        {"utf8-overlong-slash", "C0 AF is an overlong '/'", "E_UTF8_OVERLONG",
         {'[', '"', 0xC0, 0xAF, '"', ']'}, 6},
        {"utf8-overlong-3byte", "E0 80 AF is an overlong '/'", "E_UTF8_OVERLONG",
         {'[', '"', 0xE0, 0x80, 0xAF, '"', ']'}, 7},
        {"utf8-encoded-surrogate", "ED A0 80 encodes the surrogate U+D800", "E_UTF8_SURROGATE",
         {'[', '"', 0xED, 0xA0, 0x80, '"', ']'}, 7},
        {"utf8-truncated", "E2 82 is cut short before the closing quote", "E_UTF8_TRUNCATED",
         {'[', '"', 0xE2, 0x82, '"', ']'}, 6},
        {"utf8-above-max", "F4 90 80 80 is above U+10FFFF", "E_UTF8_RANGE",
         {'[', '"', 0xF4, 0x90, 0x80, 0x80, '"', ']'}, 8},
        {"utf8-ff-byte", "FF never occurs in UTF-8", "E_UTF8_INVALID",
         {'[', '"', 0xFF, '"', ']'}, 5},
        {"utf8-lone-continuation", "a continuation byte without a lead byte", "E_UTF8_INVALID",
         {'[', '"', 0x80, '"', ']'}, 5},
        {"raw-nul-in-string", "a raw NUL byte inside a string", "E_CONTROL_CHAR",
         {'[', '"', 0x00, '"', ']'}, 5},
        {"utf8-outside-string", "a non-ASCII byte outside any string", "E_SYNTAX",
         {'[', 0xC3, 0xA9, ']'}, 4},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *rule = strcmp(bad[i].reason, "E_CONTROL_CHAR") == 0 ? "CJSON-012"
                         : strcmp(bad[i].reason, "E_SYNTAX") == 0        ? "CJSON-012"
                                                                         : "CJSON-003";
        e |= rej_bytes(f, bad[i].slug, R(rule), bad[i].comment, bad[i].b, bad[i].n, bad[i].reason);
    }
    e |= ok(f, "utf8-max-code-point", R("CJSON-003"), "U+10FFFF is valid and stays raw", NULL,
            "[\"\xf4\x8f\xbf\xbf\"]", "[\"\xf4\x8f\xbf\xbf\"]");
    return e;
}

/* ---- randomised documents with an independent canonical printer ------------------------------ */

typedef struct {
    uint64_t s;
} prng;

static uint32_t next(prng *p)
{
    /* xorshift64*: fixed, portable, enough for shapes. */
    p->s ^= p->s >> 12;
    p->s ^= p->s << 25;
    p->s ^= p->s >> 27;
    return (uint32_t)((p->s * 2685821657736338717ULL) >> 32);
}

typedef struct buf {
    char  *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

/* Code points used in random strings: ASCII, controls, Latin-1, BMP, astral. */
static uint32_t random_cp(prng *p)
{
    static const uint32_t pool[] = {'a', 'b', 'z', 'A', 'Z', '0', ' ', '/', '"', '\\', 0x01,
                                    0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x7F, 0xE9, 0x65E5,
                                    0xFF61, 0x2028, 0x1F600, 0x10FFFF, 0xE000};
    return pool[next(p) % (sizeof pool / sizeof pool[0])];
}

static void utf8_put(buf *b, uint32_t cp)
{
    char s[4];
    if (cp < 0x80) { s[0] = (char)cp; put(b, s, 1); }
    else if (cp < 0x800) { s[0] = (char)(0xC0 | (cp >> 6)); s[1] = (char)(0x80 | (cp & 0x3F)); put(b, s, 2); }
    else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12)); s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F)); put(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | (cp >> 18)); s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); s[3] = (char)(0x80 | (cp & 0x3F)); put(b, s, 4);
    }
}

/* The canonical form of one code point inside a string, per the spec's grammar. */
static void canon_cp(buf *b, uint32_t cp)
{
    char s[8];
    switch (cp) {
    case '"': puts_(b, "\\\""); return;
    case '\\': puts_(b, "\\\\"); return;
    case 0x08: puts_(b, "\\b"); return;
    case 0x09: puts_(b, "\\t"); return;
    case 0x0A: puts_(b, "\\n"); return;
    case 0x0C: puts_(b, "\\f"); return;
    case 0x0D: puts_(b, "\\r"); return;
    default: break;
    }
    if (cp < 0x20) {
        snprintf(s, sizeof s, "\\u%04x", cp);
        puts_(b, s);
    } else {
        utf8_put(b, cp);
    }
}

/* A non-canonical but valid rendering of one code point: sometimes escaped, in either case. */
static void noisy_cp(buf *b, prng *p, uint32_t cp)
{
    char s[16];
    int must_escape = cp == '"' || cp == '\\' || cp < 0x20;
    if (!must_escape && next(p) % 3 != 0) {
        utf8_put(b, cp);
        return;
    }
    if (cp == '/' && next(p) % 2) { puts_(b, "\\/"); return; }
    if (cp < 0x10000) {
        snprintf(s, sizeof s, next(p) % 2 ? "\\u%04X" : "\\u%04x", cp);
    } else {
        uint32_t v = cp - 0x10000;
        snprintf(s, sizeof s, "\\u%04X\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
    }
    puts_(b, s);
}

typedef struct {
    uint32_t cps[8];
    size_t   n;
} rkey;

/* Code point order == byte order of the UTF-8 encoding; compared here on code points directly. */
static int rkey_cmp(const rkey *a, const rkey *b)
{
    for (size_t i = 0; i < a->n && i < b->n; i++)
        if (a->cps[i] != b->cps[i])
            return a->cps[i] < b->cps[i] ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

static void ws(buf *b, prng *p)
{
    static const char *const spaces[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    puts_(b, spaces[next(p) % 7]);
}

static void random_value(buf *noisy, buf *canon, prng *p, int depth);

static void random_string(buf *noisy, buf *canon, prng *p, const rkey *k)
{
    puts_(noisy, "\"");
    puts_(canon, "\"");
    for (size_t i = 0; i < k->n; i++) {
        noisy_cp(noisy, p, k->cps[i]);
        canon_cp(canon, k->cps[i]);
    }
    puts_(noisy, "\"");
    puts_(canon, "\"");
}

static void random_key(prng *p, rkey *k)
{
    k->n = next(p) % 5;
    for (size_t i = 0; i < k->n; i++)
        k->cps[i] = random_cp(p);
}

static void random_object(buf *noisy, buf *canon, prng *p, int depth)
{
    rkey keys[6];
    size_t n = next(p) % 6, m = 0;
    /* Distinct keys only (duplicates are a rejection case of their own). */
    for (size_t i = 0; i < n; i++) {
        rkey k;
        random_key(p, &k);
        int dup = 0;
        for (size_t j = 0; j < m; j++)
            dup |= rkey_cmp(&keys[j], &k) == 0;
        if (!dup)
            keys[m++] = k;
    }
    /* Members are rendered in generation order (noisy) and in sorted order (canonical); each
     * value is rendered once into per-member buffers so both sides agree. */
    buf vn[6] = {{0}}, vc[6] = {{0}};
    for (size_t i = 0; i < m; i++)
        random_value(&vn[i], &vc[i], p, depth + 1);
    size_t order[6];
    for (size_t i = 0; i < m; i++)
        order[i] = i;
    for (size_t i = 1; i < m; i++)
        for (size_t j = i; j > 0 && rkey_cmp(&keys[order[j - 1]], &keys[order[j]]) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    puts_(noisy, "{");
    for (size_t i = 0; i < m; i++) {
        if (i) puts_(noisy, ",");
        ws(noisy, p);
        buf dummy = {0};
        random_string(noisy, &dummy, p, &keys[i]);
        free(dummy.p);
        ws(noisy, p);
        puts_(noisy, ":");
        ws(noisy, p);
        put(noisy, vn[i].p ? vn[i].p : "", vn[i].n);
        ws(noisy, p);
    }
    puts_(noisy, "}");
    puts_(canon, "{");
    for (size_t i = 0; i < m; i++) {
        if (i) puts_(canon, ",");
        buf dummy = {0};
        prng q = {1};
        random_string(&dummy, canon, &q, &keys[order[i]]);
        free(dummy.p);
        puts_(canon, ":");
        put(canon, vc[order[i]].p ? vc[order[i]].p : "", vc[order[i]].n);
    }
    puts_(canon, "}");
    for (size_t i = 0; i < m; i++) {
        free(vn[i].p);
        free(vc[i].p);
    }
}

static void random_value(buf *noisy, buf *canon, prng *p, int depth)
{
    uint32_t kind = next(p) % (depth > 3 ? 5 : 7);
    char s[40];
    switch (kind) {
    case 0: puts_(noisy, "true"); puts_(canon, "true"); break;
    case 1: puts_(noisy, "null"); puts_(canon, "null"); break;
    case 2: {
        static const long long edge[] = {0, 1, -1, 9007199254740991LL, -9007199254740991LL, 1000000};
        long long v = next(p) % 2 ? edge[next(p) % 6] : (long long)(next(p) % 100000) - 50000;
        snprintf(s, sizeof s, "%lld", v);
        puts_(noisy, s);
        puts_(canon, s);
        break;
    }
    case 3:
    case 4: {
        rkey k;
        random_key(p, &k);
        random_string(noisy, canon, p, &k);
        break;
    }
    case 5: {
        size_t n = next(p) % 4;
        puts_(noisy, "[");
        puts_(canon, "[");
        for (size_t i = 0; i < n; i++) {
            if (i) { puts_(noisy, ","); puts_(canon, ","); }
            ws(noisy, p);
            random_value(noisy, canon, p, depth + 1);
            ws(noisy, p);
        }
        puts_(noisy, "]");
        puts_(canon, "]");
        break;
    }
    default:
        random_object(noisy, canon, p, depth);
        break;
    }
}

static int randomised(mxt_vg_file *f, int count)
{
    int e = 0;
    for (int i = 0; i < count; i++) {
        prng p = {0x6d787472757374ULL + (uint64_t)(unsigned)i * 0x9E3779B97F4A7C15ULL};
        buf noisy = {0}, canon = {0};
        random_object(&noisy, &canon, &p, 0);
        char slug[32], comment[96];
        snprintf(slug, sizeof slug, "random-%03d", i);
        snprintf(comment, sizeof comment,
                 "random document %d: shuffled keys, whitespace, optional escapes", i);
        e |= ok(f, slug, R("CJSON-001", "CJSON-002", "CJSON-003", "CJSON-004"), comment,
                MXT_VG_LIST("randomised"), noisy.p, canon.p);
        free(noisy.p);
        free(canon.p);
    }
    return e;
}

int gen_cjson(mxt_vg_file *f)
{
    int e = 0;
    e |= spec_examples(f);
    e |= key_order(f);
    e |= escapes(f);
    e |= numbers(f);
    e |= structure(f);
    e |= utf8(f);
    e |= randomised(f, 120);
    return e ? -1 : 0;
}
