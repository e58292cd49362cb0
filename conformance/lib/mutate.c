/* The mutation engine of `mxtrust fuzz`: see mutate.h. */
#include "mutate.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers -------------------------------------------------------------------------- */

void mxt_rng_seed(mxt_rng *r, uint64_t seed)
{
    r->s = seed ^ 0x6a09e667f3bcc909ULL;
}

uint64_t mxt_rng_next(mxt_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t mxt_rng_below(mxt_rng *r, size_t n)
{
    return n ? (size_t)(mxt_rng_next(r) % (uint64_t)n) : 0;
}

/* ---- names ------------------------------------------------------------------------------------ */

static const char *const KIND_NAMES[MXT_MUT_COUNT_] = {
    "sig_bitflip", "b64_bitflip", "key_swap", "user_id", "key_id", "usage",
    "reorder", "escape", "number", "add_signed", "add_unsigned", "add_signature",
    "remove", "duplicate", "string", "type", "bool", "whitespace", "splice", "reduce",
};

static const char *const EDIT_NAMES[MXT_EDIT_COUNT_] = {
    "replace_value", "replace_key", "remove", "insert", "swap_next", "duplicate",
};

const char *mxt_mut_kind_name(mxt_mut_kind k)
{
    return (unsigned)k < MXT_MUT_COUNT_ ? KIND_NAMES[k] : "?";
}

const char *mxt_edit_name(mxt_edit_op e)
{
    return (unsigned)e < MXT_EDIT_COUNT_ ? EDIT_NAMES[e] : "?";
}

/* ---- growable byte buffer ---------------------------------------------------------------------- */

typedef struct {
    char  *b;
    size_t n, cap;
    int    oom;
} buf;

static void buf_add(buf *x, const char *s, size_t n)
{
    if (x->oom)
        return;
    if (n > PTRDIFF_MAX / 4 || x->n > PTRDIFF_MAX / 4) { /* no text gets near this */
        x->oom = 1;
        return;
    }
    if (x->n + n + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 64;
        while (cap < x->n + n + 1)
            cap *= 2;
        char *t = realloc(x->b, cap);
        if (!t) {
            x->oom = 1;
            return;
        }
        x->b = t;
        x->cap = cap;
    }
    if (n)
        memcpy(x->b + x->n, s, n);
    x->n += n;
    x->b[x->n] = '\0';
}

static void buf_str(buf *x, const char *s)
{
    buf_add(x, s, strlen(s));
}

static char *buf_take(buf *x, size_t *len)
{
    if (x->oom || !x->b) {
        free(x->b);
        x->b = NULL;
        if (!x->oom && len) { /* empty result */
            char *e = calloc(1, 1);
            *len = 0;
            return e;
        }
        return NULL;
    }
    if (len)
        *len = x->n;
    char *r = x->b;
    x->b = NULL;
    return r;
}

/* ---- base64 (standard alphabet; decoding accepts padding) -------------------------------------- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

/* Decodes into out (cap bytes); returns the length or -1. */
static long b64_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
    while (n > 0 && s[n - 1] == '=')
        n--;
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val(s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= cap)
                return -1;
            out[o++] = (unsigned char)((acc >> bits) & 0xffu);
        }
    }
    return (long)o;
}

static void b64_encode(buf *x, const unsigned char *b, size_t n)
{
    size_t i = 0;
    char q[4];
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8 | b[i + 2];
        q[0] = B64[(v >> 18) & 63];
        q[1] = B64[(v >> 12) & 63];
        q[2] = B64[(v >> 6) & 63];
        q[3] = B64[v & 63];
        buf_add(x, q, 4);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)b[i] << 16;
        q[0] = B64[(v >> 18) & 63];
        q[1] = B64[(v >> 12) & 63];
        buf_add(x, q, 2);
    } else if (n - i == 2) {
        unsigned v = (unsigned)b[i] << 16 | (unsigned)b[i + 1] << 8;
        q[0] = B64[(v >> 18) & 63];
        q[1] = B64[(v >> 12) & 63];
        q[2] = B64[(v >> 6) & 63];
        buf_add(x, q, 3);
    }
}

/* ---- JSON strings -------------------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return -1;
        *v = *v << 4 | (unsigned)h;
    }
    return 0;
}

static void put_utf8(buf *x, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    buf_add(x, u, n);
}

/* Decodes a string token tok[0..n) (with its quotes). Heap bytes (NUL-terminated), or NULL when
 * an escape is invalid or a surrogate is unpaired (such strings are left alone). */
static char *str_decode(const char *tok, size_t n, size_t *len)
{
    if (n < 2 || tok[0] != '"' || tok[n - 1] != '"')
        return NULL;
    buf x = {0};
    buf_add(&x, "", 0);
    for (size_t i = 1; i + 1 < n; i++) {
        char c = tok[i];
        if (c != '\\') { /* the run up to the next escape, at once */
            size_t j = i;
            while (j + 1 < n && tok[j] != '\\')
                j++;
            buf_add(&x, tok + i, j - i);
            i = j - 1;
            continue;
        }
        if (i + 2 >= n)
            goto bad;
        c = tok[++i];
        const char *simple = strchr("\"\\/bfnrt", c);
        if (c && simple) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            buf_add(&x, &out[simple - "\"\\/bfnrt"], 1);
            continue;
        }
        if (c != 'u' || i + 5 > n - 1)
            goto bad;
        unsigned cp;
        if (hex4(tok + i + 1, &cp) != 0)
            goto bad;
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00) {
            unsigned lo;
            if (i + 7 > n - 1 || tok[i + 1] != '\\' || tok[i + 2] != 'u' ||
                hex4(tok + i + 3, &lo) != 0 || lo < 0xdc00 || lo >= 0xe000)
                goto bad;
            i += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp < 0xe000) {
            goto bad;
        }
        put_utf8(&x, cp);
    }
    return buf_take(&x, len);
bad:
    free(x.b);
    return NULL;
}

/* Appends bytes s[0..n) as a JSON string token; the code point starting at byte `esc_at` (when
 * < n) is written as an escape (\/ for '/', else \uXXXX, a surrogate pair above U+FFFF). */
static void str_encode(buf *x, const char *s, size_t n, size_t esc_at)
{
    buf_add(x, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i != esc_at && c >= 0x20 && c != '"' && c != '\\') {
            /* the run of bytes written as they are, at once */
            size_t j = i;
            while (j < n && j != esc_at && (unsigned char)s[j] >= 0x20 && s[j] != '"' &&
                   s[j] != '\\')
                j++;
            buf_add(x, s + i, j - i);
            i = j - 1;
            continue;
        }
        if (i == esc_at) {
            if (c == '/') {
                buf_str(x, "\\/");
                continue;
            }
            unsigned cp = c;
            size_t extra = 0;
            if (c >= 0xf0 && i + 3 < n) {
                cp = (unsigned)(c & 0x07) << 18 | (unsigned)(s[i + 1] & 0x3f) << 12 |
                     (unsigned)(s[i + 2] & 0x3f) << 6 | (unsigned)(s[i + 3] & 0x3f);
                extra = 3;
            } else if (c >= 0xe0 && i + 2 < n) {
                cp = (unsigned)(c & 0x0f) << 12 | (unsigned)(s[i + 1] & 0x3f) << 6 |
                     (unsigned)(s[i + 2] & 0x3f);
                extra = 2;
            } else if (c >= 0xc0 && i + 1 < n) {
                cp = (unsigned)(c & 0x1f) << 6 | (unsigned)(s[i + 1] & 0x3f);
                extra = 1;
            }
            char e[16];
            if (cp >= 0x10000) {
                unsigned v = cp - 0x10000;
                snprintf(e, sizeof e, "\\u%04X\\u%04x", 0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
            } else {
                snprintf(e, sizeof e, "\\u%04x", cp);
            }
            buf_str(x, e);
            i += extra;
            continue;
        }
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            buf_add(x, e, 2);
        } else if (c == '\n') {
            buf_str(x, "\\n");
        } else if (c == '\t') {
            buf_str(x, "\\t");
        } else if (c == '\r') {
            buf_str(x, "\\r");
        } else if (c < 0x20) {
            char e[8];
            snprintf(e, sizeof e, "\\u%04x", c);
            buf_str(x, e);
        } else {
            buf_add(x, (const char *)&s[i], 1);
        }
    }
    buf_add(x, "\"", 1);
}

static char *str_token(const char *s, size_t n, size_t esc_at)
{
    buf x = {0};
    str_encode(&x, s, n, esc_at);
    return buf_take(&x, NULL);
}

/* ---- a permissive JSON scanner: node spans in the text ---------------------------------------- */

typedef struct {
    char   type;      /* 'o' object, 'a' array, 's' string, 'n' number, 'l' literal */
    size_t vs, ve;    /* the value's span */
    size_t ms;        /* the member's start (its key in an object, else vs) */
    size_t ks, ke;    /* the key token's span (object members) */
    int    has_key;
    int    parent;    /* node index, -1 for the root */
    size_t idx;       /* position among its siblings */
    size_t nchild;
} jnode;

typedef struct {
    const char *t;
    size_t      len, p;
    jnode      *n;
    size_t      nn, cap;
    int         depth;
} jscan;

static void ws(jscan *s)
{
    while (s->p < s->len && (s->t[s->p] == ' ' || s->t[s->p] == '\t' || s->t[s->p] == '\n' ||
                             s->t[s->p] == '\r'))
        s->p++;
}

static int scan_string(jscan *s)
{
    if (s->p >= s->len || s->t[s->p] != '"')
        return -1;
    for (s->p++; s->p < s->len; s->p++) {
        if (s->t[s->p] == '\\')
            s->p++;
        else if (s->t[s->p] == '"') {
            s->p++;
            return 0;
        }
    }
    return -1;
}

static int new_node(jscan *s, int parent, size_t ms, int has_key, size_t ks, size_t ke)
{
    if (s->nn == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        jnode *t = realloc(s->n, cap * sizeof *t);
        if (!t)
            return -1;
        s->n = t;
        s->cap = cap;
    }
    jnode *x = &s->n[s->nn];
    memset(x, 0, sizeof *x);
    x->parent = parent;
    x->ms = ms;
    x->has_key = has_key;
    x->ks = ks;
    x->ke = ke;
    if (parent >= 0)
        x->idx = s->n[parent].nchild++;
    return (int)s->nn++;
}

static int scan_value(jscan *s, int parent, size_t ms, int has_key, size_t ks, size_t ke)
{
    ws(s);
    if (s->p >= s->len || ++s->depth > 200)
        return -1;
    int me = new_node(s, parent, has_key ? ms : s->p, has_key, ks, ke);
    if (me < 0)
        return -1;
    size_t vs = s->p;
    char c = s->t[s->p];
    char type;
    if (c == '{' || c == '[') {
        type = c == '{' ? 'o' : 'a';
        s->p++;
        ws(s);
        char close = c == '{' ? '}' : ']';
        if (s->p < s->len && s->t[s->p] == close) {
            s->p++;
        } else {
            for (;;) {
                ws(s);
                if (type == 'o') {
                    size_t k0 = s->p;
                    if (scan_string(s) != 0)
                        return -1;
                    size_t k1 = s->p;
                    ws(s);
                    if (s->p >= s->len || s->t[s->p] != ':')
                        return -1;
                    s->p++;
                    if (scan_value(s, me, k0, 1, k0, k1) < 0)
                        return -1;
                } else if (scan_value(s, me, 0, 0, 0, 0) < 0) {
                    return -1;
                }
                ws(s);
                if (s->p < s->len && s->t[s->p] == ',') {
                    s->p++;
                    continue;
                }
                if (s->p < s->len && s->t[s->p] == close) {
                    s->p++;
                    break;
                }
                return -1;
            }
        }
    } else if (c == '"') {
        type = 's';
        if (scan_string(s) != 0)
            return -1;
    } else if (strchr("-+0123456789.", c)) {
        type = 'n';
        while (s->p < s->len && strchr("-+0123456789.eE", s->t[s->p]) && s->t[s->p])
            s->p++;
    } else {
        type = 'l';
        static const char *const lits[] = {"true", "false", "null"};
        size_t k;
        for (k = 0; k < 3; k++) {
            size_t l = strlen(lits[k]);
            if (s->len - s->p >= l && memcmp(s->t + s->p, lits[k], l) == 0) {
                s->p += l;
                break;
            }
        }
        if (k == 3)
            return -1;
    }
    s->depth--;
    s->n[me].type = type;
    s->n[me].vs = vs;
    s->n[me].ve = s->p;
    return me;
}

/* Scans the whole text; 0 or -1 (not JSON this scanner follows). Free s->n. */
static int scan(jscan *s, const char *t, size_t len)
{
    memset(s, 0, sizeof *s);
    s->t = t;
    s->len = len;
    if (scan_value(s, -1, 0, 0, 0, 0) != 0)
        return -1;
    ws(s);
    return s->p == len ? 0 : -1;
}

/* Child k of node p, or -1. */
static int child(const jscan *s, int p, size_t k)
{
    for (size_t j = (size_t)p + 1; j < s->nn; j++)
        if (s->n[j].parent == p && s->n[j].idx == k)
            return (int)j;
    return -1;
}

/* ---- paths ------------------------------------------------------------------------------------ */

static void path_add_seg(buf *x, const char *seg, size_t n)
{
    buf_add(x, "/", 1);
    for (size_t i = 0; i < n; i++) {
        if (seg[i] == '~')
            buf_add(x, "~0", 2);
        else if (seg[i] == '/')
            buf_add(x, "~1", 2);
        else
            buf_add(x, &seg[i], 1);
    }
}

/* The segment of node i relative to its parent (appended to x). */
static void node_seg(buf *x, const jscan *s, size_t i)
{
    const jnode *nd = &s->n[i];
    if (nd->has_key) {
        size_t kl;
        char *k = str_decode(s->t + nd->ks, nd->ke - nd->ks, &kl);
        if (k)
            path_add_seg(x, k, kl);
        else /* undecodable key: its raw text */
            path_add_seg(x, s->t + nd->ks + 1, nd->ke - nd->ks - 2);
        free(k);
    } else {
        char d[32];
        snprintf(d, sizeof d, "%zu", nd->idx);
        path_add_seg(x, d, strlen(d));
    }
}

/* Finds the child of p named by segment seg (escaped form); -1 when absent. */
static int find_seg(const jscan *s, int p, const char *seg, size_t n)
{
    const jnode *pn = &s->n[p];
    for (size_t k = 0; k < pn->nchild; k++) {
        int c = child(s, p, k);
        if (c < 0)
            return -1;
        buf x = {0};
        node_seg(&x, s, (size_t)c);
        int eq = !x.oom && x.n == n + 1 && memcmp(x.b + 1, seg, n) == 0;
        free(x.b);
        if (eq)
            return c;
    }
    return -1;
}

/* ---- applying one edit --------------------------------------------------------------------------- */

static char *splice3(const char *t, size_t len, size_t a, size_t b, const char *ins, size_t insn,
                     size_t *out_len)
{
    buf x = {0};
    buf_add(&x, t, a);
    buf_add(&x, ins, insn);
    buf_add(&x, t + b, len - b);
    return buf_take(&x, out_len);
}

static char *edit_node(const jscan *s, int i, const mxt_mutation *m, size_t *out_len)
{
    const char *t = s->t;
    size_t len = s->len;
    const jnode *nd = &s->n[i];
    const char *arg = m->arg ? m->arg : "";
    switch (m->edit) {
    case MXT_EDIT_REPLACE_VALUE:
        if (!m->arg)
            return NULL;
        return splice3(t, len, nd->vs, nd->ve, arg, strlen(arg), out_len);
    case MXT_EDIT_REPLACE_KEY:
        if (!nd->has_key || !m->arg)
            return NULL;
        return splice3(t, len, nd->ks, nd->ke, arg, strlen(arg), out_len);
    case MXT_EDIT_REMOVE: {
        if (nd->parent < 0)
            return NULL;
        const jnode *pn = &s->n[nd->parent];
        if (pn->nchild == 1)
            return splice3(t, len, nd->ms, nd->ve, "", 0, out_len);
        if (nd->idx + 1 < pn->nchild) {
            int nx = child(s, nd->parent, nd->idx + 1);
            return nx < 0 ? NULL : splice3(t, len, nd->ms, s->n[nx].ms, "", 0, out_len);
        }
        int pv = child(s, nd->parent, nd->idx - 1);
        return pv < 0 ? NULL : splice3(t, len, s->n[pv].ve, nd->ve, "", 0, out_len);
    }
    case MXT_EDIT_INSERT: {
        if ((nd->type != 'o' && nd->type != 'a') || !m->arg)
            return NULL;
        buf x = {0};
        if (nd->nchild == 0) {
            buf_add(&x, t, nd->vs + 1);
            buf_str(&x, arg);
            buf_add(&x, t + nd->vs + 1, len - nd->vs - 1);
        } else if (m->pos < nd->nchild) {
            int c = child(s, i, m->pos);
            if (c < 0)
                return NULL;
            buf_add(&x, t, s->n[c].ms);
            buf_str(&x, arg);
            buf_add(&x, ",", 1);
            buf_add(&x, t + s->n[c].ms, len - s->n[c].ms);
        } else {
            int c = child(s, i, nd->nchild - 1);
            if (c < 0)
                return NULL;
            buf_add(&x, t, s->n[c].ve);
            buf_add(&x, ",", 1);
            buf_str(&x, arg);
            buf_add(&x, t + s->n[c].ve, len - s->n[c].ve);
        }
        return buf_take(&x, out_len);
    }
    case MXT_EDIT_SWAP_NEXT: {
        if ((nd->type != 'o' && nd->type != 'a') || m->pos + 1 >= nd->nchild)
            return NULL;
        int a = child(s, i, m->pos), b = child(s, i, m->pos + 1);
        if (a < 0 || b < 0)
            return NULL;
        const jnode *A = &s->n[a], *B = &s->n[b];
        buf x = {0};
        buf_add(&x, t, A->ms);
        buf_add(&x, t + B->ms, B->ve - B->ms);
        buf_add(&x, t + A->ve, B->ms - A->ve);
        buf_add(&x, t + A->ms, A->ve - A->ms);
        buf_add(&x, t + B->ve, len - B->ve);
        return buf_take(&x, out_len);
    }
    case MXT_EDIT_DUPLICATE: {
        if (!nd->has_key)
            return NULL;
        buf x = {0};
        buf_add(&x, t, nd->ve);
        buf_add(&x, ",", 1);
        buf_add(&x, t + nd->ms, nd->ve - nd->ms);
        buf_add(&x, t + nd->ve, len - nd->ve);
        return buf_take(&x, out_len);
    }
    default:
        return NULL;
    }
}

static char *apply_at(const char *text, size_t len, const char *path, const mxt_mutation *m,
                      size_t *out_len, int depth)
{
    if (depth > 8 || (*path && *path != '/'))
        return NULL;
    jscan s;
    if (scan(&s, text, len) != 0) {
        free(s.n);
        return NULL;
    }
    char *res = NULL;
    int cur = 0;
    const char *p = path;
    while (*p == '/') {
        const char *seg = p + 1;
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 2 && memcmp(seg, "~j", 2) == 0) {
            /* Enter the JSON text held by this string. */
            const jnode *nd = &s.n[cur];
            if (nd->type != 's')
                goto out;
            size_t il;
            char *inner = str_decode(text + nd->vs, nd->ve - nd->vs, &il);
            if (!inner)
                goto out;
            size_t nl;
            char *changed = apply_at(inner, il, seg + n, m, &nl, depth + 1);
            free(inner);
            if (!changed)
                goto out;
            char *tok = str_token(changed, nl, (size_t)-1);
            free(changed);
            if (tok)
                res = splice3(text, len, nd->vs, nd->ve, tok, strlen(tok), out_len);
            free(tok);
            goto out;
        }
        cur = find_seg(&s, cur, seg, n);
        if (cur < 0)
            goto out;
        p = seg + n;
    }
    res = edit_node(&s, cur, m, out_len);
out:
    free(s.n);
    return res;
}

char *mxt_mutation_apply_text(const char *text, size_t len, const mxt_mutation *m,
                              size_t *out_len)
{
    size_t dummy;
    return apply_at(text, len, m->path ? m->path : "", m, out_len ? out_len : &dummy, 0);
}

cJSON *mxt_mutant_apply(const cJSON *input, const mxt_mutation *m, size_t n,
                        const unsigned char *keep, size_t *applied)
{
    char *text = cJSON_PrintUnformatted(input);
    if (!text)
        return NULL;
    size_t len = strlen(text), done = 0;
    for (size_t i = 0; i < n; i++) {
        if (keep && !keep[i])
            continue;
        size_t nl;
        char *t = mxt_mutation_apply_text(text, len, &m[i], &nl);
        if (!t)
            continue;
        free(text);
        text = t;
        len = nl;
        done++;
    }
    if (applied)
        *applied = done;
    cJSON *r = cJSON_ParseWithLength(text, len);
    free(text);
    return r;
}

/* ---- candidates: every node of the input, entered texts included ------------------------------- */

typedef struct {
    char       *path;
    char        type;
    int         embedded;    /* inside an entered JSON text */
    int         entered;     /* a string whose JSON text was entered */
    int         has_key;
    int         is_root;     /* the root of an entered text (or of the input) */
    char       *key;         /* decoded member name (NULL if none) */
    size_t      keylen;
    const char *parent_key;  /* the parent member's name, NULL if none */
    const char *gp_key;      /* the grandparent member's name */
    char       *sval;        /* decoded string value */
    size_t      slen;
    const char *raw;         /* the value's text (points into a kept text) */
    size_t      rawlen;
    size_t      nchild;
    int         has_unsigned_obj; /* an object member "unsigned" that is an object */
    int         has_signatures;
    size_t      outer_depth; /* depth in the input object (for not-entered nodes) */
} cand;

typedef struct {
    cand   *c;
    size_t  n, cap;
    char  **texts;   /* the texts raw points into */
    size_t  ntexts;
    int     oom;
} cands;

static void cands_free(cands *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        free(cs->c[i].path);
        free(cs->c[i].key);
        free(cs->c[i].sval);
    }
    free(cs->c);
    for (size_t i = 0; i < cs->ntexts; i++)
        free(cs->texts[i]);
    free(cs->texts);
    memset(cs, 0, sizeof *cs);
}

static int starts_json(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r'))
        i++;
    return i < n && (s[i] == '{' || s[i] == '[');
}

static void enumerate(cands *cs, char *text, size_t len, const char *prefix, int embedded,
                      int level)
{
    char **tt = realloc(cs->texts, (cs->ntexts + 1) * sizeof *tt);
    if (!tt) {
        free(text);
        cs->oom = 1;
        return;
    }
    cs->texts = tt;
    cs->texts[cs->ntexts++] = text;
    jscan s;
    if (scan(&s, text, len) != 0) {
        free(s.n);
        return;
    }
    size_t base = cs->n;
    cand *grown = realloc(cs->c, (cs->n + s.nn) * sizeof *grown);
    if (!grown) {
        free(s.n);
        cs->oom = 1;
        return;
    }
    cs->c = grown;
    cs->cap = cs->n + s.nn;
    for (size_t i = 0; i < s.nn; i++) {
        const jnode *nd = &s.n[i];
        cand *c = &cs->c[base + i];
        memset(c, 0, sizeof *c);
        buf x = {0};
        if (nd->parent < 0)
            buf_str(&x, prefix);
        else
            buf_str(&x, cs->c[base + (size_t)nd->parent].path);
        if (nd->parent >= 0)
            node_seg(&x, &s, i);
        c->path = buf_take(&x, NULL);
        if (!c->path)
            c->path = strdup("");
        c->type = nd->type;
        c->embedded = embedded;
        c->has_key = nd->has_key;
        c->is_root = nd->parent < 0;
        c->raw = text + nd->vs;
        c->rawlen = nd->ve - nd->vs;
        c->nchild = nd->nchild;
        c->outer_depth = embedded ? 0 : (nd->parent < 0 ? 0 : cs->c[base + (size_t)nd->parent].outer_depth + 1);
        if (nd->has_key)
            c->key = str_decode(text + nd->ks, nd->ke - nd->ks, &c->keylen);
        if (nd->parent >= 0) {
            const cand *pc = &cs->c[base + (size_t)nd->parent];
            c->parent_key = pc->key;
            c->gp_key = pc->parent_key;
        }
        if (nd->type == 's')
            c->sval = str_decode(text + nd->vs, nd->ve - nd->vs, &c->slen);
        if (nd->has_key && c->key && nd->parent >= 0) {
            cand *pc = &cs->c[base + (size_t)nd->parent];
            if (strcmp(c->key, "unsigned") == 0 && nd->type == 'o')
                pc->has_unsigned_obj = 1;
            if (strcmp(c->key, "signatures") == 0)
                pc->has_signatures = 1;
        }
    }
    cs->n = base + s.nn;
    free(s.n);
    /* Enter the strings that hold JSON text (not base64 byte inputs: "<name>_b64"). */
    size_t end = cs->n;
    for (size_t i = base; i < end && level < 4; i++) {
        cand *c = &cs->c[i];
        if (c->type != 's' || !c->sval || !starts_json(c->sval, c->slen))
            continue;
        char *copy = malloc(c->slen + 1);
        if (!copy) {
            cs->oom = 1;
            return;
        }
        memcpy(copy, c->sval, c->slen + 1);
        jscan probe;
        int ok = scan(&probe, copy, c->slen) == 0;
        free(probe.n);
        if (!ok) {
            free(copy);
            continue;
        }
        c->entered = 1;
        buf px = {0};
        buf_str(&px, c->path);
        buf_str(&px, "/~j");
        char *pfx = buf_take(&px, NULL);
        if (!pfx) {
            free(copy);
            cs->oom = 1;
            return;
        }
        enumerate(cs, copy, c->slen, pfx, 1, level + 1);
        free(pfx);
        if (cs->oom)
            return;
        c = &cs->c[i]; /* cs->c may have moved */
        (void)c;
    }
}

/* ---- generating edits ---------------------------------------------------------------------------- */

static int is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_user_id(const char *s, size_t n)
{
    return s && n >= 3 && s[0] == '@' && memchr(s, ':', n) != NULL;
}

static int is_key_id(const char *s, size_t n)
{
    return s && n >= 3 && s[0] != '@' && memchr(s, ':', n) != NULL &&
           (strncmp(s, "ed25519:", 8) == 0 || strncmp(s, "curve25519:", 11) == 0 ||
            strncmp(s, "signed_curve25519:", 18) == 0);
}

static long b64_len(const cand *c)
{
    unsigned char tmp[600];
    if (!c->sval || c->slen == 0 || c->slen > 700)
        return -1;
    return b64_decode(c->sval, c->slen, tmp, sizeof tmp);
}

static int set_mut(mxt_mutation *m, mxt_mut_kind k, mxt_edit_op e, const char *path, char *arg,
                   size_t pos)
{
    m->kind = k;
    m->edit = e;
    m->path = strdup(path);
    m->arg = arg;
    m->pos = pos;
    if (!m->path) {
        free(arg);
        m->arg = NULL;
        return 0;
    }
    return 1;
}

static int is_hex_text(const char *s, size_t n)
{
    return s && n >= 2 && n % 2 == 0 && strspn(s, "0123456789abcdef") == n;
}

static int is_enum_word(const char *s, size_t n)
{
    return s && n > 0 && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}

static char *flip_bit_token(const cand *c, mxt_rng *r, int last_byte_bias)
{
    if (is_hex_text(c->sval, c->slen)) { /* hex stays hex: one bit of one digit */
        char *t = malloc(c->slen + 3);
        if (!t)
            return NULL;
        size_t at = mxt_rng_below(r, c->slen);
        int v = hexval(c->sval[at]) ^ (1 << mxt_rng_below(r, 4));
        t[0] = '"';
        memcpy(t + 1, c->sval, c->slen);
        t[1 + at] = "0123456789abcdef"[v];
        t[c->slen + 1] = '"';
        t[c->slen + 2] = '\0';
        return t;
    }
    unsigned char b[600];
    long n = b64_decode(c->sval, c->slen, b, sizeof b);
    if (n <= 0)
        return NULL;
    size_t byte = last_byte_bias && mxt_rng_below(r, 2) ? (size_t)n - 1
                                                        : mxt_rng_below(r, (size_t)n);
    b[byte] ^= (unsigned char)(1u << mxt_rng_below(r, 8));
    buf x = {0};
    buf_add(&x, "\"", 1);
    b64_encode(&x, b, (size_t)n);
    buf_add(&x, "\"", 1);
    return buf_take(&x, NULL);
}

static char *fresh_key_token(mxt_rng *r, size_t nbytes)
{
    unsigned char b[64];
    for (size_t i = 0; i < nbytes && i < sizeof b; i++)
        b[i] = (unsigned char)mxt_rng_next(r);
    buf x = {0};
    buf_add(&x, "\"", 1);
    b64_encode(&x, b, nbytes < sizeof b ? nbytes : sizeof b);
    buf_add(&x, "\"", 1);
    return buf_take(&x, NULL);
}

static char *tok_of(const char *s)
{
    return str_token(s, strlen(s), (size_t)-1);
}

/* Picks a value among the candidates matching `want` other than `not` (a string value). */
typedef int (*cand_filter)(const cand *c);

static const cand *pick_other(const cands *cs, cand_filter want, const char *not, size_t notlen,
                              mxt_rng *r)
{
    size_t count = 0;
    for (size_t i = 0; i < cs->n; i++) {
        const cand *c = &cs->c[i];
        if (want(c) && !(c->slen == notlen && memcmp(c->sval, not, notlen) == 0))
            count++;
    }
    if (!count)
        return NULL;
    size_t k = mxt_rng_below(r, count);
    for (size_t i = 0; i < cs->n; i++) {
        const cand *c = &cs->c[i];
        if (want(c) && !(c->slen == notlen && memcmp(c->sval, not, notlen) == 0) && k-- == 0)
            return c;
    }
    return NULL;
}

static int is_key32(const cand *c)
{
    return c->type == 's' && !c->entered && b64_len(c) == 32;
}

static int is_sig(const cand *c)
{
    return c->type == 's' && c->gp_key && strcmp(c->gp_key, "signatures") == 0 &&
           b64_len(c) == 64;
}

static int is_uid_value(const cand *c)
{
    return c->type == 's' && is_user_id(c->sval, c->slen);
}

/* Eligibility of candidate c for kind k. */
static int eligible(const cand *c, mxt_mut_kind k)
{
    int member = c->has_key || !c->is_root; /* not a root */
    switch (k) {
    case MXT_MUT_SIG_BITFLIP:
        return is_sig(c);
    case MXT_MUT_B64_BITFLIP:
        return c->type == 's' && !c->entered && !is_sig(c) &&
               (b64_len(c) >= 16 || is_hex_text(c->sval, c->slen));
    case MXT_MUT_KEY_SWAP:
        return is_key32(c);
    case MXT_MUT_USER_ID:
        return is_uid_value(c) || (c->has_key && c->embedded && is_user_id(c->key, c->keylen));
    case MXT_MUT_KEY_ID:
        return c->embedded && c->has_key &&
               (is_key_id(c->key, c->keylen) ||
                (c->gp_key && strcmp(c->gp_key, "device_keys") == 0));
    case MXT_MUT_USAGE:
        return c->has_key && c->key && strcmp(c->key, "usage") == 0;
    case MXT_MUT_REORDER:
        return c->embedded && (c->type == 'o' || c->type == 'a') && c->nchild >= 2;
    case MXT_MUT_ESCAPE:
        return c->embedded && ((c->type == 's' && !c->entered && c->sval && c->slen > 0) ||
                               (c->has_key && c->key && c->keylen > 0));
    case MXT_MUT_NUMBER:
        return c->type == 'n' && (c->embedded || c->outer_depth >= 1);
    case MXT_MUT_ADD_SIGNED:
        return c->embedded && c->type == 'o' &&
               !(c->key && (strcmp(c->key, "signatures") == 0 || strcmp(c->key, "unsigned") == 0)) &&
               !(c->parent_key && strcmp(c->parent_key, "signatures") == 0);
    case MXT_MUT_ADD_UNSIGNED:
        return c->embedded && c->type == 'o' && (c->has_signatures || c->has_unsigned_obj);
    case MXT_MUT_ADD_SIGNATURE:
        return c->embedded && c->type == 'o' && c->key &&
               (strcmp(c->key, "signatures") == 0 ||
                (c->parent_key && strcmp(c->parent_key, "signatures") == 0));
    case MXT_MUT_REMOVE: /* outside entered texts: array elements only (lists of IDs) */
        return member && (c->embedded ? !c->is_root : (c->outer_depth >= 2 && !c->has_key));
    case MXT_MUT_DUPLICATE:
        return c->embedded && c->has_key;
    case MXT_MUT_STRING:
        /* Outside entered texts, not the operation's words (policies, kinds: SPLICE swaps
         * those) nor hex (B64_BITFLIP keeps it hex). */
        return c->type == 's' && !c->entered && member && c->sval &&
               (c->embedded || (c->outer_depth >= 1 && !is_enum_word(c->sval, c->slen) &&
                                !is_hex_text(c->sval, c->slen)));
    case MXT_MUT_TYPE: /* inside entered texts only (elsewhere the core refuses the input) */
        return !c->entered && c->embedded && !c->is_root;
    case MXT_MUT_BOOL:
        return c->type == 'l' && c->rawlen >= 4 && c->raw[0] != 'n';
    case MXT_MUT_WHITESPACE:
        return c->embedded;
    default:
        return 0;
    }
}

static int gen_one(const cands *cs, const cand *c, mxt_mut_kind k, mxt_rng *r, mxt_mutation *m)
{
    switch (k) {
    case MXT_MUT_SIG_BITFLIP:
    case MXT_MUT_B64_BITFLIP: {
        char *t = flip_bit_token(c, r, k == MXT_MUT_SIG_BITFLIP);
        return t && set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, t, 0);
    }
    case MXT_MUT_KEY_SWAP: {
        const cand *o = mxt_rng_below(r, 4) ? pick_other(cs, is_key32, c->sval, c->slen, r) : NULL;
        char *t = o ? tok_of(o->sval) : fresh_key_token(r, 32);
        return t && set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, t, 0);
    }
    case MXT_MUT_USER_ID: {
        int as_key = !is_uid_value(c) || (c->has_key && c->embedded &&
                                          is_user_id(c->key, c->keylen) && mxt_rng_below(r, 2));
        const char *cur = as_key ? c->key : c->sval;
        size_t curlen = as_key ? c->keylen : c->slen;
        char *nu = NULL;
        size_t how = mxt_rng_below(r, 4);
        const cand *o = how == 0 ? pick_other(cs, is_uid_value, cur, curlen, r) : NULL;
        if (o) {
            nu = strdup(o->sval);
        } else if (how == 1) {
            nu = strdup("@mallory:evil.example");
        } else {
            nu = malloc(curlen + 8);
            if (nu) {
                memcpy(nu, cur, curlen);
                nu[curlen] = '\0';
                char *colon = strchr(nu, ':');
                if (how == 2 && colon && colon > nu + 1 && is_ascii_letter(nu[1]))
                    /* the localpart's first letter flips case */
                    nu[1] = (char)(nu[1] ^ 0x20);
                else
                    memcpy(nu + curlen, ".evil", 6); /* another server */
            }
        }
        if (!nu)
            return 0;
        char *t = tok_of(nu);
        free(nu);
        return t && set_mut(m, k, as_key ? MXT_EDIT_REPLACE_KEY : MXT_EDIT_REPLACE_VALUE, c->path,
                            t, 0);
    }
    case MXT_MUT_KEY_ID: {
        const char *colon = memchr(c->key, ':', c->keylen);
        buf x = {0};
        size_t how = mxt_rng_below(r, 3);
        if (colon && how == 0) { /* another algorithm, same ID */
            buf_str(&x, strncmp(c->key, "ed25519:", 8) == 0 ? "curve25519" : "ed25519");
            buf_str(&x, colon);
        } else if (colon && how == 1) { /* same algorithm, another ID */
            buf_add(&x, c->key, (size_t)(colon - c->key) + 1);
            buf_str(&x, "EVILDEVICE");
        } else {
            buf_add(&x, c->key, c->keylen);
            buf_str(&x, "X");
        }
        char *nk = buf_take(&x, NULL);
        if (!nk)
            return 0;
        char *t = tok_of(nk);
        free(nk);
        return t && set_mut(m, k, MXT_EDIT_REPLACE_KEY, c->path, t, 0);
    }
    case MXT_MUT_USAGE: {
        static const char *const U[] = {"[\"master\"]", "[\"self_signing\"]", "[\"user_signing\"]",
                                        "[\"master\",\"self_signing\"]", "[]", "\"master\"",
                                        "[\"master\",\"master\"]", "[\"Master\"]"};
        return set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path,
                       strdup(U[mxt_rng_below(r, sizeof U / sizeof U[0])]), 0);
    }
    case MXT_MUT_REORDER:
        return set_mut(m, k, MXT_EDIT_SWAP_NEXT, c->path, NULL, mxt_rng_below(r, c->nchild - 1));
    case MXT_MUT_ESCAPE: {
        int on_key = c->has_key && c->key && c->keylen > 0 &&
                     (c->type != 's' || c->entered || !c->sval || c->slen == 0 ||
                      mxt_rng_below(r, 2));
        const char *s = on_key ? c->key : c->sval;
        size_t n = on_key ? c->keylen : c->slen;
        /* A code point's first byte. */
        size_t at = mxt_rng_below(r, n);
        while (at > 0 && ((unsigned char)s[at] & 0xc0) == 0x80)
            at--;
        char *t = str_token(s, n, at);
        return t && set_mut(m, k, on_key ? MXT_EDIT_REPLACE_KEY : MXT_EDIT_REPLACE_VALUE,
                            c->path, t, 0);
    }
    case MXT_MUT_NUMBER: {
        char raw[64];
        if (c->rawlen >= 40)
            return 0;
        memcpy(raw, c->raw, c->rawlen);
        raw[c->rawlen] = '\0';
        int integer = strspn(raw, "-0123456789") == c->rawlen;
        long long v = integer ? strtoll(raw, NULL, 10) : 0;
        char out[96];
        size_t how = c->embedded ? mxt_rng_below(r, 10) : 6 + mxt_rng_below(r, 3);
        switch (how) {
        case 0: snprintf(out, sizeof out, "%s.0", raw); break;
        case 1: snprintf(out, sizeof out, "%se0", raw); break;
        case 2: snprintf(out, sizeof out, "%s0E-1", raw); break;
        case 3: snprintf(out, sizeof out, "%s", strcmp(raw, "0") == 0 ? "-0" : "1e400"); break;
        case 4: snprintf(out, sizeof out, "0%s", raw); break;
        case 5: snprintf(out, sizeof out, "9007199254740993"); break;
        case 6: snprintf(out, sizeof out, "%lld", integer && v < 1000000000 ? v + 1 : 1); break;
        case 7: snprintf(out, sizeof out, "%lld", integer && v > -1000000000 ? v - 1 : -1); break;
        case 8: snprintf(out, sizeof out, "0"); break;
        default: snprintf(out, sizeof out, "-%s", raw[0] == '-' ? raw + 1 : raw); break;
        }
        return set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, strdup(out), 0);
    }
    case MXT_MUT_ADD_SIGNED: {
        static const char *const A[] = {"\"x-mxtrust\":1", "\"extra\":\"value\"",
                                        "\"Unsigned\":{}", "\"signature\":{}",
                                        "\"device_id\":\"EVILDEVICE\"", "\"usage\":[\"master\"]"};
        return set_mut(m, k, MXT_EDIT_INSERT, c->path,
                       strdup(A[mxt_rng_below(r, sizeof A / sizeof A[0])]),
                       mxt_rng_below(r, c->nchild + 1));
    }
    case MXT_MUT_ADD_UNSIGNED: {
        if (c->has_unsigned_obj && mxt_rng_below(r, 2)) {
            buf x = {0};
            buf_str(&x, c->path);
            buf_str(&x, "/unsigned");
            char *p = buf_take(&x, NULL);
            int ok = p && set_mut(m, k, MXT_EDIT_INSERT, p, strdup("\"x-mxtrust\":[1,2]"), 0);
            free(p);
            return ok;
        }
        if (c->has_unsigned_obj)
            return 0; /* adding a second "unsigned" is a duplicate, not this kind */
        static const char *const U[] = {"\"unsigned\":{\"device_display_name\":\"x\"}",
                                        "\"unsigned\":{}", "\"unsigned\":{\"usage\":[\"master\"]}"};
        return set_mut(m, k, MXT_EDIT_INSERT, c->path,
                       strdup(U[mxt_rng_below(r, sizeof U / sizeof U[0])]),
                       mxt_rng_below(r, c->nchild + 1));
    }
    case MXT_MUT_ADD_SIGNATURE: {
        const cand *sig = pick_other(cs, is_sig, "", 0, r);
        char *sigtok = sig && mxt_rng_below(r, 2) ? tok_of(sig->sval) : fresh_key_token(r, 64);
        if (!sigtok)
            return 0;
        buf x = {0};
        if (strcmp(c->key, "signatures") == 0) {
            buf_str(&x, "\"@mallory:evil.example\":{\"ed25519:EVILDEVICE\":");
            buf_str(&x, sigtok);
            buf_str(&x, "}");
        } else {
            buf_str(&x, "\"ed25519:EVILDEVICE\":");
            buf_str(&x, sigtok);
        }
        free(sigtok);
        char *a = buf_take(&x, NULL);
        return a && set_mut(m, k, MXT_EDIT_INSERT, c->path, a, mxt_rng_below(r, c->nchild + 1));
    }
    case MXT_MUT_REMOVE:
        return set_mut(m, k, MXT_EDIT_REMOVE, c->path, NULL, 0);
    case MXT_MUT_DUPLICATE:
        return set_mut(m, k, MXT_EDIT_DUPLICATE, c->path, NULL, 0);
    case MXT_MUT_STRING: {
        buf x = {0};
        size_t how = mxt_rng_below(r, 3);
        if (how == 0) {
            buf_add(&x, "", 0);
        } else if (how == 1) {
            buf_add(&x, c->sval, c->slen);
            buf_str(&x, "x");
        } else {
            buf_add(&x, c->sval, c->slen);
            if (x.b && c->slen > 0 && is_ascii_letter(x.b[0]))
                x.b[0] = (char)(x.b[0] ^ 0x20); /* case flipped */
            else
                buf_str(&x, "X");
        }
        size_t nl = 0;
        char *nv = buf_take(&x, &nl);
        if (!nv)
            return 0;
        char *t = str_token(nv, nl, (size_t)-1);
        free(nv);
        return t && set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, t, 0);
    }
    case MXT_MUT_TYPE: {
        static const char *const T[] = {"null", "0", "\"\"", "[]", "{}", "true"};
        static const char TT[] = {'l', 'n', 's', 'a', 'o', 'l'};
        size_t j = mxt_rng_below(r, 6);
        if (TT[j] == c->type)
            j = (j + 1) % 6;
        return set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, strdup(T[j]), 0);
    }
    case MXT_MUT_BOOL:
        return set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path,
                       strdup(c->raw[0] == 't' ? "false" : "true"), 0);
    case MXT_MUT_WHITESPACE: {
        buf x = {0};
        buf_str(&x, mxt_rng_below(r, 2) ? " \n" : "\t ");
        buf_add(&x, c->raw, c->rawlen);
        buf_str(&x, mxt_rng_below(r, 2) ? "\r\n " : " ");
        char *a = buf_take(&x, NULL);
        return a && set_mut(m, k, MXT_EDIT_REPLACE_VALUE, c->path, a, 0);
    }
    default:
        return 0;
    }
}

static void mutation_free(mxt_mutation *m)
{
    free(m->path);
    free(m->arg);
    m->path = m->arg = NULL;
}

/* A value outside entered texts replaced by the donor's value at the same path. */
static int gen_splice(const cands *cs, const cJSON *donor, mxt_rng *r, mxt_mutation *m)
{
    char *dt = cJSON_PrintUnformatted(donor);
    if (!dt)
        return 0;
    cands ds = {0};
    enumerate(&ds, dt, strlen(dt), "", 0, 0);
    size_t count = 0;
    const cand *pick = NULL, *from = NULL;
    for (int pass = 0; pass < 2 && !pick; pass++) {
        size_t want = pass ? mxt_rng_below(r, count) : 0;
        for (size_t i = 0; i < cs->n && !pick; i++) {
            const cand *c = &cs->c[i];
            if (c->embedded || c->is_root)
                continue;
            for (size_t j = 0; j < ds.n; j++) {
                const cand *d = &ds.c[j];
                if (d->embedded || strcmp(d->path, c->path) != 0)
                    continue;
                if (d->rawlen == c->rawlen && memcmp(d->raw, c->raw, c->rawlen) == 0)
                    break;
                if (pass == 0)
                    count++;
                else if (want-- == 0) {
                    pick = c;
                    from = d;
                }
                break;
            }
        }
        if (!count)
            break;
    }
    int ok = 0;
    if (pick) {
        char *arg = malloc(from->rawlen + 1);
        if (arg) {
            memcpy(arg, from->raw, from->rawlen);
            arg[from->rawlen] = '\0';
            ok = set_mut(m, MXT_MUT_SPLICE, MXT_EDIT_REPLACE_VALUE, pick->path, arg, 0);
        }
    }
    cands_free(&ds);
    return ok;
}

/* One edit for the text: a kind among those with candidates, then a candidate. 1 on success. */
static int gen_step(const char *text, size_t len, const cJSON *const *donors, size_t ndonors,
                    mxt_rng *r, mxt_mutation *m)
{
    cands cs = {0};
    char *copy = malloc(len + 1);
    if (!copy)
        return 0;
    memcpy(copy, text, len + 1);
    enumerate(&cs, copy, len, "", 0, 0);
    int ok = 0;
    if (!cs.oom && cs.n) {
        size_t start = mxt_rng_below(r, MXT_MUT_COUNT_);
        for (size_t t = 0; t < MXT_MUT_COUNT_ && !ok; t++) {
            mxt_mut_kind k = (mxt_mut_kind)((start + t) % MXT_MUT_COUNT_);
            if (k == MXT_MUT_SPLICE) {
                if (ndonors)
                    ok = gen_splice(&cs, donors[mxt_rng_below(r, ndonors)], r, m);
                continue;
            }
            size_t count = 0;
            for (size_t i = 0; i < cs.n; i++)
                count += (size_t)eligible(&cs.c[i], k);
            if (!count)
                continue;
            size_t pick = mxt_rng_below(r, count);
            for (size_t i = 0; i < cs.n; i++)
                if (eligible(&cs.c[i], k) && pick-- == 0) {
                    ok = gen_one(&cs, &cs.c[i], k, r, m);
                    break;
                }
        }
    }
    cands_free(&cs);
    return ok;
}

int mxt_mutant_generate(const cJSON *input, const cJSON *const *donors, size_t ndonors,
                        mxt_rng *rng, size_t max_steps, mxt_mutant *out)
{
    memset(out, 0, sizeof *out);
    size_t steps = 1 + mxt_rng_below(rng, max_steps ? max_steps : 1);
    /* Every text so far (the input's first): an edit that returns to one of them (a flag
     * flipped back, a swap undone) is refused, so the mutant never equals its input. */
    char **seen = calloc(steps + 1, sizeof *seen);
    size_t *seen_len = calloc(steps + 1, sizeof *seen_len);
    out->m = calloc(steps, sizeof *out->m);
    char *text = cJSON_PrintUnformatted(input);
    if (!seen || !seen_len || !out->m || !text) {
        free(seen);
        free(seen_len);
        free(out->m);
        out->m = NULL;
        free(text);
        return -1;
    }
    size_t len = strlen(text), nseen = 1;
    seen[0] = text;
    seen_len[0] = len;
    for (size_t s = 0, tries = 0; s < steps && tries < steps * 8; tries++) {
        mxt_mutation m = {0};
        if (!gen_step(text, len, donors, ndonors, rng, &m))
            continue;
        size_t nl;
        char *t = mxt_mutation_apply_text(text, len, &m, &nl);
        int again = !t;
        for (size_t k = 0; t && k < nseen && !again; k++)
            again = nl == seen_len[k] && memcmp(t, seen[k], nl) == 0;
        if (again) {
            free(t);
            mutation_free(&m);
            continue;
        }
        seen[nseen] = t;
        seen_len[nseen++] = nl;
        text = t;
        len = nl;
        out->m[out->n++] = m;
        s++;
    }
    for (size_t k = 0; k < nseen; k++)
        free(seen[k]);
    free(seen);
    free(seen_len);
    return out->n ? 0 : -1;
}

void mxt_mutant_free(mxt_mutant *mu)
{
    for (size_t i = 0; i < mu->n; i++)
        mutation_free(&mu->m[i]);
    free(mu->m);
    mu->m = NULL;
    mu->n = 0;
}

void mxt_mutant_remove(mxt_mutant *mu, size_t i)
{
    if (i >= mu->n)
        return;
    mutation_free(&mu->m[i]);
    memmove(&mu->m[i], &mu->m[i + 1], (mu->n - i - 1) * sizeof mu->m[0]);
    mu->n--;
}

char *mxt_mutation_describe(const mxt_mutation *m)
{
    buf x = {0};
    buf_str(&x, mxt_mut_kind_name(m->kind));
    buf_str(&x, " ");
    buf_str(&x, mxt_edit_name(m->edit));
    buf_str(&x, " ");
    buf_str(&x, *m->path ? m->path : "/");
    if (m->edit == MXT_EDIT_INSERT || m->edit == MXT_EDIT_SWAP_NEXT) {
        char d[40];
        snprintf(d, sizeof d, " @%zu", m->pos);
        buf_str(&x, d);
    }
    if (m->arg) {
        buf_str(&x, " = ");
        size_t n = strlen(m->arg), cut = n > 120 ? 120 : n;
        while (cut < n && cut > 0 && ((unsigned char)m->arg[cut] & 0xc0) == 0x80)
            cut--; /* never inside a UTF-8 sequence */
        buf_add(&x, m->arg, cut);
        if (cut < n)
            buf_str(&x, "...");
    }
    return buf_take(&x, NULL);
}

cJSON *mxt_mutant_to_json(const mxt_mutant *mu)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < mu->n; i++) {
        const mxt_mutation *m = &mu->m[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", mxt_mut_kind_name(m->kind));
        cJSON_AddStringToObject(o, "edit", mxt_edit_name(m->edit));
        cJSON_AddStringToObject(o, "path", m->path);
        if (m->arg)
            cJSON_AddStringToObject(o, "arg", m->arg);
        if (m->edit == MXT_EDIT_INSERT || m->edit == MXT_EDIT_SWAP_NEXT)
            cJSON_AddNumberToObject(o, "pos", (double)m->pos);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* ---- the minimiser ---------------------------------------------------------------------------- */

size_t mxt_mutant_minimise(const cJSON *input, mxt_mutant *mu, mxt_mut_pred pred, void *ctx,
                           size_t budget)
{
    size_t removed = 0, calls = 0;
    int changed = 1;
    while (changed && calls < budget) {
        changed = 0;
        for (size_t i = 0; i < mu->n && calls < budget; i++) {
            unsigned char *keep = malloc(mu->n);
            if (!keep)
                return removed;
            memset(keep, 1, mu->n);
            keep[i] = 0;
            cJSON *in = mxt_mutant_apply(input, mu->m, mu->n, keep, NULL);
            free(keep);
            if (!in)
                continue;
            calls++;
            int still = pred(in, ctx);
            cJSON_Delete(in);
            if (still) {
                mxt_mutant_remove(mu, i);
                removed++;
                changed = 1;
                i--; /* the next edit moved into slot i (wraps for i == 0, then ++) */
            }
        }
    }
    return removed;
}

/* ---- reducing the input ------------------------------------------------------------------------ */

static int mutant_push(mxt_mutant *mu, mxt_mut_kind k, mxt_edit_op e, const char *path)
{
    mxt_mutation *g = realloc(mu->m, (mu->n + 1) * sizeof *g);
    if (!g)
        return -1;
    mu->m = g;
    memset(&mu->m[mu->n], 0, sizeof mu->m[0]);
    if (!set_mut(&mu->m[mu->n], k, e, path, NULL, 0))
        return -1;
    mu->n++;
    return 0;
}

static int tried_has(char **tried, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tried[i], path) == 0)
            return 1;
    return 0;
}

size_t mxt_mutant_reduce(const cJSON *input, mxt_mutant *mu, mxt_mut_pred pred, void *ctx,
                         size_t budget)
{
    size_t kept = 0, calls = 0, ntried = 0;
    char **tried = NULL;
    while (calls < budget) {
        /* The candidates of the text as it is now (paths of list elements move on removals). */
        cJSON *now = mxt_mutant_apply(input, mu->m, mu->n, NULL, NULL);
        char *text = now ? cJSON_PrintUnformatted(now) : NULL;
        cJSON_Delete(now);
        if (!text)
            break;
        cands cs = {0};
        enumerate(&cs, text, strlen(text), "", 0, 0);
        const cand *next = NULL;
        for (size_t i = 0; i < cs.n && !next; i++)
            if (eligible(&cs.c[i], MXT_MUT_REMOVE) && !tried_has(tried, ntried, cs.c[i].path))
                next = &cs.c[i];
        char *path = next ? strdup(next->path) : NULL;
        cands_free(&cs);
        if (!path)
            break;
        char **g = realloc(tried, (ntried + 1) * sizeof *g);
        if (!g) {
            free(path);
            break;
        }
        tried = g;
        tried[ntried++] = path;
        if (mutant_push(mu, MXT_MUT_REDUCE, MXT_EDIT_REMOVE, path) != 0)
            break;
        cJSON *trial = mxt_mutant_apply(input, mu->m, mu->n, NULL, NULL);
        calls++;
        if (trial && pred(trial, ctx)) {
            kept++;
            /* The path now names the next element of a list (or nothing): it may be tried. */
            free(tried[--ntried]);
        } else
            mxt_mutant_remove(mu, mu->n - 1);
        cJSON_Delete(trial);
    }
    for (size_t i = 0; i < ntried; i++)
        free(tried[i]);
    free(tried);
    return kept;
}
