#include "vecgen.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

struct mxt_vg_file {
    char  *family;
    char  *notes;
    cJSON *vectors;   /* array */
};

mxt_vg_file *mxt_vg_open(const char *family, const char *notes)
{
    mxt_vg_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->family = strdup(family);
    f->notes = strdup(notes ? notes : "");
    f->vectors = cJSON_CreateArray();
    if (!f->family || !f->notes || !f->vectors) {
        mxt_vg_free(f);
        return NULL;
    }
    return f;
}

void mxt_vg_free(mxt_vg_file *f)
{
    if (!f)
        return;
    free(f->family);
    free(f->notes);
    cJSON_Delete(f->vectors);
    free(f);
}

static cJSON *string_list(const char *const *items)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; items && items[i]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
    return a;
}

int mxt_vg_add(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
               const char *const *flags, const char *op, cJSON *input, cJSON *expected)
{
    char id[256];
    snprintf(id, sizeof id, "%s-%s", f->family, slug);
    cJSON *v;
    cJSON_ArrayForEach(v, f->vectors) {
        const cJSON *other = cJSON_GetObjectItemCaseSensitive(v, "id");
        if (cJSON_IsString(other) && strcmp(other->valuestring, id) == 0) {
            fprintf(stderr, "gen-vectors: duplicate vector id %s\n", id);
            cJSON_Delete(input);
            cJSON_Delete(expected);
            return -1;
        }
    }
    /* A rule cited twice by one vector would count twice in the traceability. */
    for (size_t i = 0; rules && rules[i]; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(rules[i], rules[j]) == 0) {
                fprintf(stderr, "gen-vectors: %s cites %s twice\n", id, rules[i]);
                cJSON_Delete(input);
                cJSON_Delete(expected);
                return -1;
            }
    v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "id", id);
    cJSON_AddItemToObject(v, "rules", string_list(rules));
    cJSON_AddStringToObject(v, "comment", comment);
    cJSON_AddItemToObject(v, "flags", string_list(flags));
    cJSON_AddStringToObject(v, "op", op);
    cJSON_AddItemToObject(v, "input", input);
    cJSON_AddItemToObject(v, "expected", expected);
    cJSON_AddItemToArray(f->vectors, v);
    return 0;
}

size_t mxt_vg_count(const mxt_vg_file *f)
{
    return (size_t)cJSON_GetArraySize(f->vectors);
}

int mxt_vg_write(const mxt_vg_file *f, const char *dir)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "schema", "mxtrust-vectors/1");
    cJSON_AddStringToObject(doc, "family", f->family);
    cJSON_AddStringToObject(doc, "generator", "mxtrust gen-vectors");
    cJSON_AddStringToObject(doc, "notes", f->notes);
    cJSON_AddNumberToObject(doc, "count", (double)mxt_vg_count(f));
    /* Lend the vector array to the document for printing, then take it back. */
    cJSON_AddItemReferenceToObject(doc, "vectors", f->vectors);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!text) {
        errno = ENOMEM;
        return -1;
    }
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s.json", dir, f->family);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "wb");
    int rc = -1;
    if (out) {
        size_t n = strlen(text);
        if (fwrite(text, 1, n, out) == n && fputc('\n', out) != EOF && fclose(out) == 0)
            rc = rename(tmp, path);
        else
            fclose(out);
    }
    free(text);
    return rc;
}

void mxt_vg_seed(const char *name, uint8_t seed[32])
{
    static const char prefix[] = "mxtrust-vectors:";
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)prefix, sizeof prefix - 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
    crypto_hash_sha256_final(&st, seed);
}

void mxt_vg_ed25519(const char *name, uint8_t pk[32], uint8_t sk[64])
{
    uint8_t seed[32];
    mxt_vg_seed(name, seed);
    crypto_sign_seed_keypair(pk, sk, seed);
}

void mxt_vg_x25519(const char *name, uint8_t pk[32], uint8_t sk[32])
{
    mxt_vg_seed(name, sk);
    crypto_scalarmult_base(pk, sk);
}

char *mxt_vg_b64(const uint8_t *bytes, size_t n)
{
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    char *s = malloc(cap);
    if (s)
        sodium_bin2base64(s, cap, bytes, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    return s;
}

char *mxt_vg_hex(const uint8_t *bytes, size_t n)
{
    char *s = malloc(n * 2 + 1);
    if (s)
        sodium_bin2hex(s, n * 2 + 1, bytes, n);
    return s;
}

cJSON *mxt_vg_expect(const char *result, const char *reason)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "result", result);
    if (reason)
        cJSON_AddStringToObject(e, "reason", reason);
    return e;
}

cJSON *mxt_vg_expect_out(const char *result, const char *reason, const char *output)
{
    cJSON *e = mxt_vg_expect(result, reason);
    cJSON_AddStringToObject(e, "output", output);
    return e;
}

/* ---- independent canonical printer ---------------------------------------------------------- */

typedef struct {
    char  *p;
    size_t n, cap;
    int    bad;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->bad = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        char esc[8];
        switch (*c) {
        case '"': sb_put(b, "\\\"", 2); break;
        case '\\': sb_put(b, "\\\\", 2); break;
        case '\b': sb_put(b, "\\b", 2); break;
        case '\t': sb_put(b, "\\t", 2); break;
        case '\n': sb_put(b, "\\n", 2); break;
        case '\f': sb_put(b, "\\f", 2); break;
        case '\r': sb_put(b, "\\r", 2); break;
        default:
            if (*c < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *c);
                sb_put(b, esc, 6);
            } else {
                sb_put(b, (const char *)c, 1);
            }
        }
    }
    sb_put(b, "\"", 1);
}

static int key_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string); /* unsigned byte order of UTF-8 = code-point order */
}

static void sb_value(sbuf *b, const cJSON *v, int skip_signing_members)
{
    char num[32];
    if (cJSON_IsObject(v)) {
        size_t n = 0, i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, v) n++;
        const cJSON **members = calloc(n ? n : 1, sizeof *members);
        if (!members) {
            b->bad = 1;
            return;
        }
        cJSON_ArrayForEach(c, v) {
            if (skip_signing_members &&
                (strcmp(c->string, "signatures") == 0 || strcmp(c->string, "unsigned") == 0))
                continue;
            members[i++] = c;
        }
        qsort(members, i, sizeof *members, key_cmp);
        sb_put(b, "{", 1);
        for (size_t k = 0; k < i; k++) {
            if (k)
                sb_put(b, ",", 1);
            sb_str(b, members[k]->string);
            sb_put(b, ":", 1);
            sb_value(b, members[k], 0);
        }
        sb_put(b, "}", 1);
        free(members);
    } else if (cJSON_IsArray(v)) {
        const cJSON *c;
        int first = 1;
        sb_put(b, "[", 1);
        cJSON_ArrayForEach(c, v) {
            if (!first)
                sb_put(b, ",", 1);
            first = 0;
            sb_value(b, c, 0);
        }
        sb_put(b, "]", 1);
    } else if (cJSON_IsString(v)) {
        sb_str(b, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d != (double)(long long)d || d > 9007199254740991.0 || d < -9007199254740991.0) {
            b->bad = 1;
            return;
        }
        snprintf(num, sizeof num, "%lld", (long long)d);
        sb_put(b, num, strlen(num));
    } else if (cJSON_IsTrue(v)) {
        sb_put(b, "true", 4);
    } else if (cJSON_IsFalse(v)) {
        sb_put(b, "false", 5);
    } else {
        sb_put(b, "null", 4);
    }
}

static char *canonical(const cJSON *v, int skip)
{
    sbuf b = {0};
    sb_put(&b, "", 0);
    sb_value(&b, v, skip);
    if (b.bad) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

char *mxt_vg_canonical(const cJSON *v) { return canonical(v, 0); }
char *mxt_vg_signing_bytes(const cJSON *obj) { return canonical(obj, 1); }

void mxt_vg_sign(cJSON *obj, const char *user, const char *key_id, const uint8_t sk[64])
{
    char *msg = mxt_vg_signing_bytes(obj);
    if (!msg)
        abort(); /* a generator bug: every signed object is canonicalisable by construction */
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    free(msg);
    char *b64 = mxt_vg_b64(sig, sizeof sig);
    cJSON *sigs = cJSON_GetObjectItemCaseSensitive(obj, "signatures");
    if (!sigs)
        sigs = cJSON_AddObjectToObject(obj, "signatures");
    cJSON *u = cJSON_GetObjectItemCaseSensitive(sigs, user);
    if (!u)
        u = cJSON_AddObjectToObject(sigs, user);
    cJSON_DeleteItemFromObjectCaseSensitive(u, key_id);
    cJSON_AddStringToObject(u, key_id, b64);
    free(b64);
}
