/*
 * JSON oracles: which inputs both the core reader and cJSON are meant to accept, and a canonical
 * printer over a cJSON tree (keys sorted by their UTF-8 bytes, integers, the spec's escapes).
 * The core must agree with this printer byte for byte on every input of that class.
 */
#include <stdlib.h>
#include <string.h>
#include "oracle.h"

/* Strict UTF-8 (Unicode table 3-7): shortest form, no surrogates, at most U+10FFFF. */
bool oj_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t need;
        uint8_t lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c == 0xE0) { need = 2; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) need = 2;
        else if (c == 0xED) { need = 2; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) need = 2;
        else if (c == 0xF0) { need = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) need = 3;
        else if (c == 0xF4) { need = 3; hi = 0x8F; }
        else return false;
        if (n - i - 1 < need) return false;
        if (s[i + 1] < lo || s[i + 1] > hi) return false;
        for (size_t k = 2; k <= need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
        i += need + 1;
    }
    return true;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static long hex4(const uint8_t *in, size_t n, size_t i)
{
    if (n < 4 || i > n - 4) return -1;
    long v = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexval(in[i + k]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

#define NOT_CLEAN(s, reason) do { (s).clean = false; if ((s).why == NULL) (s).why = (reason); } while (0)

oj_scan oj_prescan(const uint8_t *in, size_t n, unsigned max_depth)
{
    oj_scan s = { true, false, NULL };
    if (!oj_utf8_valid(in, n)) NOT_CLEAN(s, "invalid UTF-8");
    if (n >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF) NOT_CLEAN(s, "byte order mark");
    unsigned depth = 0;
    size_t i = 0;
    while (i < n) {
        uint8_t c = in[i];
        if (c == '"') {                                   /* a string: look at raw bytes and escapes */
            i++;
            while (i < n && in[i] != '"') {
                if (in[i] < 0x20) NOT_CLEAN(s, "raw control character in a string");
                if (in[i] == '\\' && i + 1 < n) {
                    if (in[i + 1] == 'u') {
                        long v = hex4(in, n, i + 2);
                        if (v < 0) NOT_CLEAN(s, "\\u without four hex digits (cJSON reads it as 0)");
                        if (v == 0) { s.nul_escape = true; NOT_CLEAN(s, "\\u0000 escape"); }
                        if (v >= 0xDC00 && v <= 0xDFFF) NOT_CLEAN(s, "lone low surrogate");
                        if (v >= 0xD800 && v <= 0xDBFF) {
                            long w = (i + 7 < n && in[i + 6] == '\\' && in[i + 7] == 'u')
                                         ? hex4(in, n, i + 8) : -1;
                            if (!(w >= 0xDC00 && w <= 0xDFFF)) NOT_CLEAN(s, "lone high surrogate");
                            else i += 6;
                        }
                        i += 6;
                        continue;
                    }
                    i += 2;
                    continue;
                }
                i++;
            }
            i++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {         /* a number: canonical integer in range */
            size_t j = i;
            while (j < n && (in[j] == '-' || in[j] == '+' || in[j] == '.' || in[j] == 'e'
                             || in[j] == 'E' || (in[j] >= '0' && in[j] <= '9')))
                j++;
            size_t k = i;
            bool neg = false;
            if (in[k] == '-') { neg = true; k++; }
            size_t digits = 0;
            unsigned long long v = 0;
            bool overflow = false;
            while (k < j && in[k] >= '0' && in[k] <= '9') {
                if (v > 100000000000000000ULL) overflow = true; else v = v * 10 + (in[k] - '0');
                k++; digits++;
            }
            if (k != j || digits == 0) NOT_CLEAN(s, "number that is not an integer");
            else if (digits > 1 && in[neg ? i + 1 : i] == '0') NOT_CLEAN(s, "leading zero");
            else if (neg && v == 0) NOT_CLEAN(s, "-0");
            else if (overflow || v > 9007199254740991ULL) NOT_CLEAN(s, "integer out of range");
            i = j;
            continue;
        }
        if (c == '[' || c == '{') { if (++depth > max_depth) NOT_CLEAN(s, "too deep"); }
        else if (c == ']' || c == '}') { if (depth) depth--; }
        else if (c <= 0x20 && c != ' ' && c != '\t' && c != '\n' && c != '\r')
            NOT_CLEAN(s, "control byte outside strings (cJSON skips it as whitespace)");
        i++;
    }
    return s;
}

cJSON *oj_cjson_parse(const uint8_t *in, size_t n)
{
    char *copy = malloc(n + 1);
    if (copy == NULL) abort();
    memcpy(copy, in, n);
    copy[n] = '\0';
    const char *end = NULL;
    /* require_null_terminated: nothing but whitespace may follow the value */
    cJSON *v = cJSON_ParseWithLengthOpts(copy, n + 1, &end, 1);
    free(copy);
    return v;
}

static int key_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);   /* byte order of UTF-8 = code point order */
}

bool oj_has_duplicate_keys(const cJSON *v)
{
    if (cJSON_IsObject(v)) {
        int n = cJSON_GetArraySize(v);
        const cJSON **kids = malloc(sizeof(*kids) * (size_t)(n ? n : 1));
        if (kids == NULL) abort();
        int i = 0;
        for (const cJSON *c = v->child; c; c = c->next) kids[i++] = c;
        qsort(kids, (size_t)n, sizeof(*kids), key_cmp);
        bool dup = false;
        for (i = 1; i < n && !dup; i++) dup = strcmp(kids[i - 1]->string, kids[i]->string) == 0;
        free(kids);
        if (dup) return true;
    }
    for (const cJSON *c = v->child; c; c = c->next)
        if (oj_has_duplicate_keys(c)) return true;
    return false;
}

typedef struct { char *p; size_t n, cap; } obuf;

static void put(obuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256);
        while (cap < b->n + n + 1) cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) abort();
        b->p = np; b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void put_string(obuf *b, const char *s)
{
    put(b, "\"", 1);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        char esc[8];
        switch (*q) {
        case '"':  put(b, "\\\"", 2); break;
        case '\\': put(b, "\\\\", 2); break;
        case '\b': put(b, "\\b", 2); break;
        case '\f': put(b, "\\f", 2); break;
        case '\n': put(b, "\\n", 2); break;
        case '\r': put(b, "\\r", 2); break;
        case '\t': put(b, "\\t", 2); break;
        default:
            if (*q < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *q);
                put(b, esc, 6);
            } else {
                put(b, (const char *)q, 1);
            }
        }
    }
    put(b, "\"", 1);
}

static void print_value(obuf *b, const cJSON *v)
{
    char num[32];
    if (cJSON_IsObject(v)) {
        int n = cJSON_GetArraySize(v), i = 0;
        const cJSON **kids = malloc(sizeof(*kids) * (size_t)(n ? n : 1));
        if (kids == NULL) abort();
        for (const cJSON *c = v->child; c; c = c->next) kids[i++] = c;
        qsort(kids, (size_t)n, sizeof(*kids), key_cmp);
        put(b, "{", 1);
        for (i = 0; i < n; i++) {
            if (i) put(b, ",", 1);
            put_string(b, kids[i]->string);
            put(b, ":", 1);
            print_value(b, kids[i]);
        }
        put(b, "}", 1);
        free(kids);
    } else if (cJSON_IsArray(v)) {
        put(b, "[", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) put(b, ",", 1);
            print_value(b, c);
        }
        put(b, "]", 1);
    } else if (cJSON_IsString(v)) {
        put_string(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        int k = snprintf(num, sizeof num, "%lld", (long long)v->valuedouble);
        put(b, num, (size_t)k);
    } else if (cJSON_IsTrue(v)) {
        put(b, "true", 4);
    } else if (cJSON_IsFalse(v)) {
        put(b, "false", 5);
    } else {
        put(b, "null", 4);
    }
}

char *oj_canon(const cJSON *v, size_t *len)
{
    obuf b = { NULL, 0, 0 };
    put(&b, "", 0);
    print_value(&b, v);
    *len = b.n;
    return b.p;
}
