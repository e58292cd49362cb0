/*
 * Canonical JSON encoder (see canon.h): an iterative walk over the token tree, no recursion.
 *
 * The walk alternates two moves: "enter" a token (write it, or open it and descend to its first
 * child) and "leave" a token (move to its next sibling, or close the parent and leave it). A
 * value's key is the token just before it; the next key comes from the reader's `link` chain, so
 * members come out in code point order. Each token is entered once and left once, which bounds
 * the loop. Writing keeps counting past `cap`, so a short buffer still yields the exact length.
 */
#include "canon.h"
#include "jstr.h"

/*@
  // What the encoder relies on between writes: the document's arrays can be read. Unlike
  // mxt_doc_ok it has no quantifier, so it carries over writes to `out` cheaply; every index the
  // walk takes from a token is checked against doc->count at run time instead.
  predicate doc_valid{L}(mxt_json_doc *d) =
       \valid_read(d) && d->count <= d->cap
    && \valid_read(d->tok + (0 .. d->cap - 1))
    && \valid_read(d->in + (0 .. d->in_len - 1));
*/

static const uint8_t W_TRUE[4] = {'t', 'r', 'u', 'e'};
static const uint8_t W_FALSE[5] = {'f', 'a', 'l', 's', 'e'};
static const uint8_t W_NULL[4] = {'n', 'u', 'l', 'l'};

/* Appends byte c at position w (written only when it fits); returns the new length. */
/*@
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  assigns out[0 .. cap - 1];
  ensures \result == (w < SIZE_MAX ? w + 1 : w);
*/
static size_t put1(uint8_t *out, size_t cap, size_t w, uint8_t c)
{
    if (w < cap)
        out[w] = c;
    return w < SIZE_MAX ? w + 1u : w;
}

/* Appends src[0..k) at position w (what fits is written); returns the new length (saturating). */
/*@
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid_read(src + (0 .. k - 1));
  requires \separated(out + (0 .. cap - 1), src + (0 .. k - 1));
  assigns out[0 .. cap - 1];
  ensures \result >= w;
*/
static size_t putn(uint8_t *restrict out, size_t cap, size_t w, const uint8_t *restrict src,
                   size_t k)
{
    size_t fit = 0;
    if (w < cap)
        fit = k <= cap - w ? k : cap - w;
    /*@ loop invariant 0 <= i <= fit;
        loop assigns i, out[0 .. cap - 1];
        loop variant fit - i; */
    for (size_t i = 0; i < fit; i++)
        out[w + i] = src[i];
    return k <= SIZE_MAX - w ? w + k : SIZE_MAX;
}

/* Writes string token t (CJSON-003/004). MXT_E_ESCAPE if its escapes cannot be decoded,
 * MXT_E_TYPE if it is not a string inside the input. */
/*@
  requires doc_valid(doc);
  requires t < doc->count;
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(w);
  requires \separated(out + (0 .. cap - 1), w, doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  assigns out[0 .. cap - 1], *w;
  ensures \result == MXT_OK || \result == MXT_E_ESCAPE || \result == MXT_E_TYPE;
*/
static mxt_status put_string(const mxt_json_doc *doc, uint32_t t, uint8_t *out, size_t cap,
                             size_t *w)
{
    const uint8_t *in = doc->in;
    uint32_t start = doc->tok[t].start;
    uint32_t len = doc->tok[t].len;
    size_t i;
    size_t end;
    size_t run;
    uint32_t cp;
    size_t nx;
    uint8_t b[6];
    size_t bl;
    size_t ww = *w;
    if (doc->tok[t].type != MXT_JSON_STRING || len < 2u || start > doc->in_len
        || len > doc->in_len - start)
        return MXT_E_TYPE;
    i = (size_t)start + 1u;
    end = (size_t)start + len - 1u;
    ww = put1(out, cap, ww, '"');
    if ((doc->tok[t].flags & MXT_JSON_F_ESCAPED) == 0) {
        /* no escapes: the reader has checked that every byte stands for itself (no '"', '\\'
           or control character, valid UTF-8), so the content is already canonical */
        ww = putn(out, cap, ww, in + i, end - i);
        *w = put1(out, cap, ww, '"');
        return MXT_OK;
    }
    run = i;
    /*@ loop invariant start + 1 <= run <= i <= end;
        loop assigns i, run, cp, nx, b[0 .. 5], bl, ww, out[0 .. cap - 1];
        loop variant end - i; */
    while (i < end) {
        uint8_t c;
        if (end - i >= 4u && (mxt_jstr_class[in[i]] & mxt_jstr_class[in[i + 1u]]
                              & mxt_jstr_class[in[i + 2u]] & mxt_jstr_class[in[i + 3u]] & MXT_JC_OUT)) {
            i += 4u;
            continue;
        }
        c = in[i];
        if (mxt_jstr_class[c] & MXT_JC_OUT) {
            i++;
            continue;
        }
        ww = putn(out, cap, ww, in + run, i - run);
        if (c == '\\') {
            if (mxt_jstr_unit(in, end, i, &cp, &nx) != MXT_OK) {
                *w = ww;
                return MXT_E_ESCAPE;
            }
        } else {
            cp = c;
            nx = i + 1u;
        }
        bl = mxt_cjson_escape(cp, b);
        ww = putn(out, cap, ww, b, bl);
        i = nx;
        run = i;
    }
    ww = putn(out, cap, ww, in + run, i - run);
    *w = put1(out, cap, ww, '"');
    return MXT_OK;
}

/* Writes integer v in decimal (CJSON-005: no fraction, no exponent, no "-0"). */
/*@
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  assigns out[0 .. cap - 1];
  ensures \result >= w;
*/
static size_t put_int(uint8_t *out, size_t cap, size_t w, int64_t v)
{
    uint8_t d[20];
    size_t k = 20;
    uint64_t m;
    if (v < 0) {
        w = put1(out, cap, w, '-');
        m = (uint64_t)(-(v + 1)) + 1u;
    } else {
        m = (uint64_t)v;
    }
    /*@ loop invariant 1 <= k <= 20;
        loop assigns k, m, d[0 .. 19];
        loop variant k; */
    do {
        k--;
        d[k] = (uint8_t)('0' + m % 10u);
        m /= 10u;
    } while (m != 0 && k > 0);
    return putn(out, cap, w, d + k, 20u - k);
}

/* Is key token k one that MXT_CANON_SIGNING leaves out ("signatures", "unsigned")? */
/*@
  requires doc_valid(doc);
  requires k < doc->count;
  assigns \nothing;
*/
static int signing_excluded(const mxt_json_doc *doc, uint32_t k)
{
    static const uint8_t sigs[] = {'s', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', 's'};
    static const uint8_t uns[] = {'u', 'n', 's', 'i', 'g', 'n', 'e', 'd'};
    uint32_t start = doc->tok[k].start;
    uint32_t len = doc->tok[k].len;
    int esc = (doc->tok[k].flags & MXT_JSON_F_ESCAPED) != 0;
    if (doc->tok[k].type != MXT_JSON_STRING || len < 2u || start > doc->in_len
        || len > doc->in_len - start)
        return 0;
    return mxt_jstr_eq_raw(doc->in, (size_t)start + 1u, (size_t)start + len - 1u, esc, sigs,
                           sizeof sigs)
        || mxt_jstr_eq_raw(doc->in, (size_t)start + 1u, (size_t)start + len - 1u, esc, uns,
                           sizeof uns);
}

/* From key k (a link from the chain), the first key to write: k itself unless `skip` and it is
 * left out. MXT_JSON_NONE at the end of the chain. */
/*@
  requires doc_valid(doc);
  requires k == MXT_JSON_NONE || k < doc->count;
  assigns \nothing;
  ensures \result == MXT_JSON_NONE || \result < doc->count;
*/
static uint32_t skip_keys(const mxt_json_doc *doc, uint32_t k, int skip)
{
    if (!skip)
        return k;
    /*@ loop invariant 0 <= i <= doc->count;
        loop invariant k == MXT_JSON_NONE || k < doc->count;
        loop assigns i, k;
        loop variant doc->count - i; */
    for (uint32_t i = 0; i < doc->count && k != MXT_JSON_NONE; i++) {
        if (!signing_excluded(doc, k))
            return k;
        k = doc->tok[k].link;
        if (k != MXT_JSON_NONE && k >= doc->count)
            return MXT_JSON_NONE;
    }
    return MXT_JSON_NONE;
}

/* Writes key token k and the ':' after it. */
/*@
  requires doc_valid(doc);
  requires k < doc->count;
  requires cap == 0 || \valid(out + (0 .. cap - 1));
  requires \valid(w);
  requires \separated(out + (0 .. cap - 1), w, doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  assigns out[0 .. cap - 1], *w;
  ensures \result == MXT_OK || \result == MXT_E_ESCAPE || \result == MXT_E_TYPE;
*/
static mxt_status put_key(const mxt_json_doc *doc, uint32_t k, uint8_t *out, size_t cap, size_t *w)
{
    mxt_status st = put_string(doc, k, out, cap, w);
    if (st != MXT_OK)
        return st;
    *w = put1(out, cap, *w, ':');
    return MXT_OK;
}

mxt_status mxt_canon_encode(const mxt_json_doc *doc, uint32_t root, unsigned mode,
                            uint8_t *out, size_t cap, size_t *out_len)
{
    const mxt_json_token *tok = doc->tok;
    uint32_t count = doc->count;
    uint32_t t = root;
    int entering = 1;
    size_t w = 0;
    mxt_status st;
    uint64_t steps = 2u * (uint64_t)count + 2u;

    *out_len = 0;
    /*@ loop invariant 0 <= s <= steps;
        loop invariant t < count;
        loop invariant doc_valid(doc);
        loop assigns s, t, entering, w, st, out[0 .. cap - 1];
        loop variant steps - s; */
    for (uint64_t s = 0; s < steps; s++) {
        uint32_t p;
        if (entering) {
            uint8_t ty = tok[t].type;
            if (ty == MXT_JSON_OBJECT) {
                uint32_t k = tok[t].link;
                if (k != MXT_JSON_NONE && k >= count)
                    return MXT_E_TYPE;
                k = skip_keys(doc, k, mode == MXT_CANON_SIGNING && t == root);
                w = put1(out, cap, w, '{');
                if (k == MXT_JSON_NONE || k + 1u >= count) {
                    w = put1(out, cap, w, '}');
                    entering = 0;
                    continue;
                }
                st = put_key(doc, k, out, cap, &w);
                if (st != MXT_OK)
                    return st;
                t = k + 1u;
                continue;
            }
            if (ty == MXT_JSON_ARRAY) {
                w = put1(out, cap, w, '[');
                if (tok[t].end <= t + 1u || t + 1u >= count) {
                    w = put1(out, cap, w, ']');
                    entering = 0;
                    continue;
                }
                t = t + 1u;
                continue;
            }
            if (ty == MXT_JSON_STRING) {
                st = put_string(doc, t, out, cap, &w);
                if (st != MXT_OK)
                    return st;
            } else if (ty == MXT_JSON_NUMBER) {
                w = put_int(out, cap, w, tok[t].num);
            } else if (ty == MXT_JSON_TRUE) {
                w = putn(out, cap, w, W_TRUE, 4);
            } else if (ty == MXT_JSON_FALSE) {
                w = putn(out, cap, w, W_FALSE, 5);
            } else {
                w = putn(out, cap, w, W_NULL, 4);
            }
            entering = 0;
            continue;
        }
        /* leaving t: its subtree is written */
        if (t == root) {
            *out_len = w;
            return w <= cap ? MXT_OK : MXT_E_BUFFER_SMALL;
        }
        p = tok[t].parent;
        if (p == MXT_JSON_NONE || p >= count)
            return MXT_E_TYPE;
        if (tok[p].type == MXT_JSON_OBJECT) {
            uint32_t k;
            if (t == 0)
                return MXT_E_TYPE;
            k = tok[t - 1u].link;
            if (k != MXT_JSON_NONE && k >= count)
                return MXT_E_TYPE;
            if (k != MXT_JSON_NONE)
                k = skip_keys(doc, k, mode == MXT_CANON_SIGNING && p == root);
            if (k == MXT_JSON_NONE || k + 1u >= count) {
                w = put1(out, cap, w, '}');
                t = p;
                continue;
            }
            w = put1(out, cap, w, ',');
            st = put_key(doc, k, out, cap, &w);
            if (st != MXT_OK)
                return st;
            t = k + 1u;
            entering = 1;
            continue;
        }
        {
            uint32_t nx = tok[t].end;
            if (nx < tok[p].end && nx < count) {
                w = put1(out, cap, w, ',');
                t = nx;
                entering = 1;
                continue;
            }
            w = put1(out, cap, w, ']');
            t = p;
        }
    }
    return MXT_E_TYPE;
}
