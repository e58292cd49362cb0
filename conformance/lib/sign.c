/* Signing JSON objects (SIG-001): see sign.h. The text is assembled member by member from the core's
 * canonical encodings, then read and canonicalised once more by the core, so the output is
 * canonical whatever order the pieces were put together in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "b64.h"
#include "canon.h"
#include "json.h"
#include "sign.h"

static void fail(mxt_sign_error *err, mxt_status st, size_t off, const char *fmt, ...)
{
    err->status = st;
    err->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

int mxt_ed25519_pk_from_seed(const uint8_t seed[32], uint8_t pk[32])
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    if (sodium_init() < 0)
        return -1;
    int rc = crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(sk, sizeof sk);
    return rc == 0 ? 0 : -1;
}

/* A parsed document with its heap-owned tokens. */
typedef struct {
    mxt_json_token *tok;
    mxt_json_doc    doc;
} parsed;

static int parse(const uint8_t *json, size_t len, mxt_num_profile prof, parsed *p,
                 mxt_sign_error *err)
{
    p->tok = NULL;
    if (len == 0 || len > MXT_JSON_MAX_INPUT) {
        fail(err, len == 0 ? MXT_E_EOF : MXT_E_TOO_LARGE, len == 0 ? 0 : MXT_NO_OFFSET,
             "input is empty or too large");
        return -1;
    }
    p->tok = malloc((len + 1) * sizeof *p->tok);
    if (!p->tok) {
        fail(err, MXT_OK, MXT_NO_OFFSET, "out of memory");
        return -1;
    }
    mxt_json_opts opts = {0, prof};
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_json_parse(json, len, p->tok, (uint32_t)(len + 1), &opts, &p->doc, &w);
    if (st != MXT_OK) {
        fail(err, st, w.offset, "JSON: %s (%s) at byte %zu", mxt_status_name(st),
             mxt_status_rule(st), w.offset);
        free(p->tok);
        p->tok = NULL;
        return -1;
    }
    return 0;
}

/* The canonical encoding of token t (mode ALL or SIGNING) as a heap buffer. */
static uint8_t *canon(const mxt_json_doc *doc, uint32_t t, unsigned mode, size_t *len,
                      mxt_sign_error *err)
{
    size_t need = 0;
    mxt_status st = mxt_canon_encode(doc, t, mode, NULL, 0, &need);
    if (st != MXT_OK && st != MXT_E_BUFFER_SMALL) {
        fail(err, st, MXT_NO_OFFSET, "canonical JSON: %s", mxt_status_name(st));
        return NULL;
    }
    uint8_t *buf = malloc(need + 1);
    if (!buf) {
        fail(err, MXT_OK, MXT_NO_OFFSET, "out of memory");
        return NULL;
    }
    st = mxt_canon_encode(doc, t, mode, buf, need, len);
    if (st != MXT_OK) {
        fail(err, st, MXT_NO_OFFSET, "canonical JSON: %s", mxt_status_name(st));
        free(buf);
        return NULL;
    }
    buf[*len] = 0;
    return buf;
}

/* A growing text buffer. */
typedef struct {
    char  *p;
    size_t n, cap;
    int    oom;
} sbuf;

static void put(sbuf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

/* A JSON string literal for raw UTF-8 bytes (the core checks the UTF-8 when it re-reads). */
static void put_jstr(sbuf *b, const char *s)
{
    puts_(b, "\"");
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        char e[8];
        if (*c == '"' || *c == '\\') {
            e[0] = '\\';
            e[1] = (char)*c;
            put(b, e, 2);
        } else if (*c < 0x20) {
            snprintf(e, sizeof e, "\\u%04x", *c);
            put(b, e, 6);
        } else {
            put(b, c, 1);
        }
    }
    puts_(b, "\"");
}

/* Appends token t's canonical encoding. */
static int put_canon(sbuf *b, const mxt_json_doc *doc, uint32_t t, mxt_sign_error *err)
{
    size_t n = 0;
    uint8_t *c = canon(doc, t, MXT_CANON_ALL, &n, err);
    if (!c)
        return -1;
    put(b, c, n);
    free(c);
    return 0;
}

/* Appends the members of object `obj` other than the one named `skip`, each followed by ','.
 * Members come in document order; the final canonicalisation sorts them. */
static int put_members_except(sbuf *b, const mxt_json_doc *doc, uint32_t obj, const char *skip,
                              mxt_sign_error *err)
{
    uint32_t k = obj + 1;
    for (uint32_t i = 0; i < doc->tok[obj].count; i++) {
        uint32_t v = k + 1;
        if (!mxt_json_str_eq(doc, k, (const uint8_t *)skip, strlen(skip))) {
            if (put_canon(b, doc, k, err) || (puts_(b, ":"), put_canon(b, doc, v, err)))
                return -1;
            puts_(b, ",");
        }
        k = doc->tok[v].end;
    }
    return 0;
}

static int signing_bytes_sig(const parsed *p, const uint8_t seed[32], uint8_t sig[64],
                             mxt_sign_error *err)
{
    if (p->doc.tok[0].type != MXT_JSON_OBJECT) {
        fail(err, MXT_E_TYPE, 0, "only a JSON object can be signed (SIG-001)");
        return -1;
    }
    size_t mlen = 0;
    uint8_t *msg = canon(&p->doc, 0, MXT_CANON_SIGNING, &mlen, err);
    if (!msg)
        return -1;
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    int rc = sodium_init() < 0 ? -1 : crypto_sign_seed_keypair(pk, sk, seed);
    if (rc == 0)
        rc = crypto_sign_detached(sig, NULL, msg, mlen, sk);
    sodium_memzero(sk, sizeof sk);
    free(msg);
    if (rc != 0) {
        fail(err, MXT_OK, MXT_NO_OFFSET, "libsodium signing failed");
        return -1;
    }
    return 0;
}

int mxt_sign_json_detached(const uint8_t *json, size_t len, const uint8_t seed[32],
                           uint8_t sig[64], mxt_sign_error *err)
{
    parsed p;
    if (parse(json, len, MXT_NUM_STRICT, &p, err))
        return -1;
    int rc = signing_bytes_sig(&p, seed, sig, err);
    free(p.tok);
    return rc;
}

static int key_id_ok(const char *key_id)
{
    return strncmp(key_id, "ed25519:", 8) == 0 && key_id[8] != 0;
}

int mxt_sign_json(const uint8_t *json, size_t len, const char *user, const char *key_id,
                  const uint8_t seed[32], char **out, size_t *out_len, mxt_sign_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!key_id_ok(key_id)) {
        fail(err, MXT_E_ARG, MXT_NO_OFFSET, "key ID must be \"ed25519:<id>\" (SIG-002)");
        return -1;
    }
    parsed p, q = {NULL, {0}};
    if (parse(json, len, MXT_NUM_STRICT, &p, err))
        return -1;
    int rc = -1;
    sbuf b = {NULL, 0, 0, 0};
    uint8_t sig[64];
    char sig64[MXT_B64_ENCODED_LEN(64u) + 1];
    size_t slen = 0;
    if (signing_bytes_sig(&p, seed, sig, err))
        goto done;
    if (mxt_b64_encode(sig, 64, sig64, sizeof sig64 - 1, &slen) != MXT_OK) {
        fail(err, MXT_OK, MXT_NO_OFFSET, "base64 encoding failed");
        goto done;
    }
    sig64[slen] = 0;

    const mxt_json_doc *d = &p.doc;
    uint32_t s = mxt_json_get(d, 0, (const uint8_t *)"signatures", 10);
    uint32_t u = MXT_JSON_NONE;
    if (s != MXT_JSON_NONE && d->tok[s].type != MXT_JSON_OBJECT) {
        fail(err, MXT_E_TYPE, d->tok[s].start, "\"signatures\" is not an object");
        goto done;
    }
    if (s != MXT_JSON_NONE) {
        u = mxt_json_get(d, s, (const uint8_t *)user, strlen(user));
        if (u != MXT_JSON_NONE && d->tok[u].type != MXT_JSON_OBJECT) {
            fail(err, MXT_E_TYPE, d->tok[u].start, "signatures[\"%s\"] is not an object", user);
            goto done;
        }
    }
    /* {<other members>, "signatures": {<other users>, user: {<other keys>, key_id: sig}}} */
    puts_(&b, "{");
    if (put_members_except(&b, d, 0, "signatures", err))
        goto done;
    puts_(&b, "\"signatures\":{");
    if (s != MXT_JSON_NONE && put_members_except(&b, d, s, user, err))
        goto done;
    put_jstr(&b, user);
    puts_(&b, ":{");
    if (u != MXT_JSON_NONE && put_members_except(&b, d, u, key_id, err))
        goto done;
    put_jstr(&b, key_id);
    puts_(&b, ":");
    put_jstr(&b, sig64);
    puts_(&b, "}}}");
    if (b.oom) {
        fail(err, MXT_OK, MXT_NO_OFFSET, "out of memory");
        goto done;
    }
    /* Once more through the core: sorts the members and checks what was assembled. */
    if (parse((const uint8_t *)b.p, b.n, MXT_NUM_STRICT, &q, err)) {
        snprintf(err->msg, sizeof err->msg, "user or key ID is not valid JSON text (%s)",
                 mxt_status_name(err->status));
        goto done;
    }
    size_t n = 0;
    uint8_t *c = canon(&q.doc, 0, MXT_CANON_ALL, &n, err);
    if (!c)
        goto done;
    *out = (char *)c;
    *out_len = n;
    rc = 0;
done:
    free(b.p);
    free(p.tok);
    free(q.tok);
    return rc;
}

mxt_status mxt_sig_check_alloc(const mxt_json_doc *doc, uint32_t obj, const uint8_t *user,
                               size_t user_len, const uint8_t *key_id, size_t key_id_len,
                               const uint8_t pk[32], mxt_sig_result *res)
{
    /* The signing bytes are rarely longer than the input; when they are, ask and retry. */
    size_t cap = (size_t)doc->in_len + 64, needed = 0;
    mxt_status st = MXT_E_BUFFER_SMALL;
    for (int attempt = 0; attempt < 2; attempt++) {
        uint8_t *scratch = malloc(cap);
        if (!scratch)
            return MXT_E_BUFFER_SMALL;
        needed = 0;
        st = mxt_sig_check(doc, obj, user, user_len, key_id, key_id_len, pk, scratch, cap,
                           &needed, res);
        free(scratch);
        if (st != MXT_OK || res->reason != MXT_SIGR_CANON || needed <= cap)
            break;
        cap = needed;
    }
    return st;
}
