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
