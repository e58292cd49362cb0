/*
 * Strict JSON reader (see json.h): iterative, no heap, no recursion, bounded depth.
 *
 * The reader is a loop over a small state machine; open containers are found again through the
 * tokens' `parent` links, so no stack is needed. When an object closes, its keys are chained in
 * document order, sorted in place by a bottom-up merge sort of that linked list (O(n log n), no
 * extra memory, stable), and equal neighbours in the sorted chain are duplicates.
 *
 * Errors are reported in document order: a duplicate key is only known when its object closes, so
 * the reader remembers the earliest one and reports it in place of any later error.
 *
 * The reader ends with a linear pass that checks the structural invariant (mxt_tok_ok) and the
 * number range of every token at run time; the loop invariant of that pass is the postcondition.
 */
#include "json.h"
#include "jstr.h"

#define ST_VALUE     0u  /* a value is expected */
#define ST_ARR_FIRST 1u  /* after '[': a value or ']' */
#define ST_OBJ_FIRST 2u  /* after '{': a key or '}' */
#define ST_KEY       3u  /* after ',' in an object: a key */
#define ST_AFTER     4u  /* after a value: ',' or a closing bracket, or the end at top level */

#define DEC15 999999999999999ULL /* 10^15 - 1: one more digit after this leaves the range */

/*@
  predicate is_ws(integer c) = c == ' ' || c == '\t' || c == '\n' || c == '\r';
*/

/* Offset of the first non-whitespace byte at or after p. */
/*@
  requires p <= n;
  requires \valid_read(in + (0 .. n - 1));
  assigns \nothing;
  ensures p <= \result <= n;
  ensures \result < n ==> !is_ws(in[\result]);
*/
static uint32_t skip_ws(const uint8_t *in, uint32_t n, uint32_t p)
{
    /*@ loop invariant \at(p, Pre) <= p <= n;
        loop assigns p;
        loop variant n - p; */
    while (p < n && (in[p] == ' ' || in[p] == '\t' || in[p] == '\n' || in[p] == '\r'))
        p++;
    return p;
}

/*
 * Scans the string whose opening quote is in[p]. On success *endp is the offset after the
 * closing quote and *flags says whether it holds escapes. On failure *err is the offset.
 */
/*@
  requires p < n;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(endp) && \valid(flags) && \valid(err);
  requires \separated(endp, flags, err, in + (0 .. n - 1));
  assigns *endp, *flags, *err;
  ensures \result == MXT_OK ==> p + 2 <= *endp <= n;
  ensures \result != MXT_OK ==> *err <= n;
  ensures \result != MXT_OK && \result != MXT_E_EOF ==> *err < n;
*/
static mxt_status scan_string(const uint8_t *in, uint32_t n, uint32_t p, uint32_t *endp,
                              uint8_t *flags, uint32_t *err)
{
    uint32_t q = p + 1;
    uint8_t fl = 0;
    uint32_t cp;
    size_t nx;
    mxt_status st;
    /*@ loop invariant p + 1 <= q <= n;
        loop assigns q, fl, cp, nx, st;
        loop variant n - q; */
    while (q < n) {
        uint8_t c;
        if (n - q >= 4u && (mxt_jstr_class[in[q]] & mxt_jstr_class[in[q + 1u]]
                            & mxt_jstr_class[in[q + 2u]] & mxt_jstr_class[in[q + 3u]] & MXT_JC_IN)) {
            q += 4u;
            continue;
        }
        c = in[q];
        if (mxt_jstr_class[c] & MXT_JC_IN) {
            q++;
            continue;
        }
        if (c == '"') {
            *endp = q + 1;
            *flags = fl;
            return MXT_OK;
        }
        if (c == '\\') {
            fl = MXT_JSON_F_ESCAPED;
            if (n - q < 2) {
                *err = n;
                return MXT_E_EOF;
            }
        }
        st = mxt_jstr_unit(in, n, q, &cp, &nx);
        if (st != MXT_OK) {
            *err = (uint32_t)nx;
            return st;
        }
        q = (uint32_t)nx;
    }
    *err = n;
    return MXT_E_EOF;
}

/* Value of a digit byte (0 for anything else, which callers never pass). */
/*@ assigns \nothing;
    ensures 0 <= \result <= 9; */
static uint64_t digit(uint8_t c)
{
    return (c >= '0' && c <= '9') ? (uint64_t)(c - '0') : 0u;
}

/* Digit k of the concatenation of the integer digits in[i0..i0+l1) and the fraction digits
 * in[f0..f0+l2). */
/*@
  requires k < l1 + l2;
  requires i0 + l1 <= n && f0 + l2 <= n;
  requires \valid_read(in + (0 .. n - 1));
  assigns \nothing;
  ensures 0 <= \result <= 9;
*/
static uint64_t digit_at(const uint8_t *in, uint32_t n, uint32_t i0, uint64_t l1, uint32_t f0,
                         uint64_t l2, uint64_t k)
{
    (void)n;
    (void)l2;
    if (k < l1)
        return digit(in[i0 + k]);
    return digit(in[f0 + (k - l1)]);
}

/*
 * MXT_NUM_NORMALISE: the exact value of digits (integer part in[i0..i1), fraction in[f0..f1))
 * times 10^e, when it is an integer in range (CJSON-005/006); *err is set by the caller.
 */
/*@
  requires i0 <= i1 <= n && f0 <= f1 <= n;
  requires -1000000000000 <= e <= 1000000000000;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(val);
  assigns *val;
  ensures \result == MXT_OK || \result == MXT_E_NUMBER_RANGE || \result == MXT_E_NUMBER_NOT_INTEGER;
  ensures \result == MXT_OK ==> 0 <= *val <= MXT_JSON_INT_MAX;
*/
static mxt_status normalise(const uint8_t *in, uint32_t n, uint32_t i0, uint32_t i1, uint32_t f0,
                            uint32_t f1, int64_t e, int64_t *val)
{
    uint64_t l1 = i1 - i0;
    uint64_t l2 = f1 - f0;
    uint64_t len = l1 + l2;
    uint64_t a = len;
    uint64_t b;
    uint64_t k;
    uint64_t v = 0;
    int64_t x;
    /*@ loop invariant 0 <= k <= len;
        loop assigns k;
        loop variant len - k; */
    for (k = 0; k < len; k++) {
        if (digit_at(in, n, i0, l1, f0, l2, k) != 0) {
            a = k;
            break;
        }
    }
    if (a >= len) {
        *val = 0;
        return MXT_OK;
    }
    b = a;
    /*@ loop invariant a <= b < len && a <= k <= len && b <= k;
        loop assigns k, b;
        loop variant len - k; */
    for (k = a; k < len; k++)
        if (digit_at(in, n, i0, l1, f0, l2, k) != 0)
            b = k;
    /* value = digits[a..b] * 10^x with x = e - l2 + (len - 1 - b) */
    x = e - (int64_t)l2 + (int64_t)(len - 1u - b);
    if (x < 0)
        return MXT_E_NUMBER_NOT_INTEGER;
    if (x > 16 || b - a >= 16u)
        return MXT_E_NUMBER_RANGE;
    /*@ loop invariant a <= k <= b + 1;
        loop invariant v <= 9999999999999999;
        loop assigns k, v;
        loop variant b + 1 - k; */
    for (k = a; k <= b; k++) {
        if (v > DEC15)
            return MXT_E_NUMBER_RANGE;
        v = v * 10u + digit_at(in, n, i0, l1, f0, l2, k);
    }
    /*@ loop invariant 0 <= x <= 16;
        loop invariant v <= 9999999999999999;
        loop assigns x, v;
        loop variant x; */
    while (x > 0) {
        if (v > DEC15)
            return MXT_E_NUMBER_RANGE;
        v = v * 10u;
        x--;
    }
    if (v > (uint64_t)MXT_JSON_INT_MAX)
        return MXT_E_NUMBER_RANGE;
    *val = (int64_t)v;
    return MXT_OK;
}

/* Is in[q] (q < n) a digit? */
/*@ requires q < n && \valid_read(in + (0 .. n - 1));
    assigns \nothing;
    ensures \result != 0 <==> '0' <= in[q] <= '9'; */
static int is_digit_at(const uint8_t *in, uint32_t n, uint32_t q)
{
    (void)n;
    return in[q] >= '0' && in[q] <= '9';
}

/* Offset after the run of digits starting at q. */
/*@
  requires q <= n && \valid_read(in + (0 .. n - 1));
  assigns \nothing;
  ensures q <= \result <= n;
  ensures q < n && '0' <= in[q] <= '9' ==> \result > q;
*/
static uint32_t skip_digits(const uint8_t *in, uint32_t n, uint32_t q)
{
    /*@ loop invariant \at(q, Pre) <= q <= n;
        loop assigns q;
        loop variant n - q; */
    while (q < n && in[q] >= '0' && in[q] <= '9')
        q++;
    return q;
}

/* Where the parts of a number are (offsets into the input). */
typedef struct {
    uint32_t i0, i1;  /* integer digits in[i0..i1) */
    uint32_t f0, f1;  /* fraction digits in[f0..f1) (empty when there is no fraction) */
    uint32_t dot;     /* offset of '.', when has_frac */
    uint32_t epos;    /* offset of 'e'/'E', when has_exp */
    uint32_t end;     /* offset after the number */
    int neg, has_frac, has_exp;
    int64_t e;        /* exponent, saturated near 10^12 */
} numsyn;

/*@
  predicate numsyn_ok(numsyn *ns, integer p, integer n) =
       p <= ns->i0 < ns->i1 <= ns->f0 <= ns->f1 <= ns->end <= n && p < ns->end
    && ns->i0 < n && ns->dot < n && ns->epos < n
    && -1000000000000 <= ns->e <= 1000000000000;
*/

/* The JSON number grammar at in[p] (RFC 8259), without judging the value. A leading zero followed
 * by a digit is MXT_E_NUMBER_LEADING_ZERO (at the zero) in every profile. */
/*@
  requires p < n;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(ns) && \valid(err);
  requires \separated(ns, err, in + (0 .. n - 1));
  assigns *ns, *err;
  ensures \result == MXT_OK ==> p <= ns->i0 < ns->i1 && ns->i0 < n;
  ensures \result == MXT_OK ==> ns->i1 <= ns->f0 <= ns->f1 <= ns->end <= n;
  ensures \result == MXT_OK ==> p < ns->end;
  ensures \result == MXT_OK ==> ns->dot < n && ns->epos < n;
  ensures \result == MXT_OK ==> -1000000000000 <= ns->e <= 1000000000000;
  ensures \result != MXT_OK ==> *err <= n;
*/
static mxt_status number_syntax(const uint8_t *in, uint32_t n, uint32_t p, numsyn *ns,
                                uint32_t *err)
{
    uint32_t q = p;
    int64_t e = 0;
    int neg = 0;
    int has_frac = 0;
    int has_exp = 0;
    uint32_t dot = p;
    uint32_t epos = p;
    uint32_t i0;
    uint32_t i1;
    uint32_t f0;
    uint32_t f1;
    *err = p;
    if (in[q] == '-') {
        neg = 1;
        q++;
    }
    if (q >= n) {
        *err = n;
        return MXT_E_EOF;
    }
    if (!is_digit_at(in, n, q)) {
        *err = q;
        return MXT_E_NUMBER_SYNTAX;
    }
    i0 = q;
    if (in[q] == '0') {
        q++;
        if (q < n && is_digit_at(in, n, q)) {
            *err = i0;
            return MXT_E_NUMBER_LEADING_ZERO;
        }
    } else {
        q = skip_digits(in, n, q);
    }
    i1 = q;
    f0 = q;
    f1 = q;
    if (q < n && in[q] == '.') {
        dot = q;
        has_frac = 1;
        q++;
        f0 = q;
        q = skip_digits(in, n, q);
        f1 = q;
        if (q == f0) {
            *err = q;
            return q >= n ? MXT_E_EOF : MXT_E_NUMBER_SYNTAX;
        }
    }
    if (q < n && (in[q] == 'e' || in[q] == 'E')) {
        int eneg = 0;
        uint32_t e0;
        epos = q;
        has_exp = 1;
        q++;
        if (q < n && (in[q] == '+' || in[q] == '-')) {
            eneg = in[q] == '-';
            q++;
        }
        e0 = q;
        /*@ loop invariant e0 <= q <= n;
            loop invariant 0 <= e <= 1000000000000;
            loop assigns q, e;
            loop variant n - q; */
        while (q < n && in[q] >= '0' && in[q] <= '9') {
            /* saturates near 10^12: far beyond any fraction length, so still decides exactly */
            if (e < 100000000000LL)
                e = e * 10 + (int64_t)(in[q] - '0');
            q++;
        }
        if (q == e0) {
            *err = q;
            return q >= n ? MXT_E_EOF : MXT_E_NUMBER_SYNTAX;
        }
        if (eneg)
            e = -e;
    }
    ns->i0 = i0;
    ns->i1 = i1;
    ns->f0 = f0;
    ns->f1 = f1;
    ns->dot = dot;
    ns->epos = epos;
    ns->end = q;
    ns->neg = neg;
    ns->has_frac = has_frac;
    ns->has_exp = has_exp;
    ns->e = e;
    return MXT_OK;
}

/* MXT_NUM_STRICT: only integers written canonically (CJSON-005/006). */
/*@
  requires numsyn_ok(ns, p, n);
  requires \valid_read(in + (0 .. n - 1));
  requires \valid_read(ns) && \valid(val) && \valid(err);
  requires \separated(val, err, ns, in + (0 .. n - 1));
  assigns *val, *err;
  ensures \result == MXT_OK ==> cjson_int_in_range(*val);
  ensures \result != MXT_OK ==> *err <= n;
*/
static mxt_status number_strict(const uint8_t *in, uint32_t n, uint32_t p, const numsyn *ns,
                                int64_t *val, uint32_t *err)
{
    uint64_t v = 0;
    (void)n;
    *err = p;
    if (ns->has_frac) {
        *err = ns->dot;
        return MXT_E_NUMBER_FRACTION;
    }
    if (ns->has_exp) {
        *err = ns->epos;
        return MXT_E_NUMBER_EXPONENT;
    }
    if (ns->neg && in[ns->i0] == '0')
        return MXT_E_NUMBER_NEG_ZERO;
    /*@ loop invariant ns->i0 <= k <= ns->i1;
        loop invariant v <= 9999999999999999;
        loop assigns k, v;
        loop variant ns->i1 - k; */
    for (uint32_t k = ns->i0; k < ns->i1; k++) {
        if (v > DEC15)
            return MXT_E_NUMBER_RANGE;
        v = v * 10u + digit(in[k]);
    }
    if (v > (uint64_t)MXT_JSON_INT_MAX)
        return MXT_E_NUMBER_RANGE;
    *val = ns->neg ? -(int64_t)v : (int64_t)v;
    return MXT_OK;
}

/*
 * Scans the number starting at in[p] ('-' or a digit expected) under profile `prof`.
 * On success *endp is the offset after it and *val its value; on failure *err is the offset of the
 * offending byte: the '.' (fraction), the 'e' (exponent), the leading zero, or the number's first
 * byte for -0, range and non-integers.
 */
/*@
  requires p < n;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(endp) && \valid(val) && \valid(err);
  requires \separated(endp, val, err, in + (0 .. n - 1));
  assigns *endp, *val, *err;
  ensures \result == MXT_OK ==> p < *endp <= n && cjson_int_in_range(*val);
  ensures \result != MXT_OK ==> *err <= n;
*/
static mxt_status scan_number(const uint8_t *in, uint32_t n, uint32_t p, unsigned prof,
                              uint32_t *endp, int64_t *val, uint32_t *err)
{
    numsyn ns;
    mxt_status st = number_syntax(in, n, p, &ns, err);
    if (st != MXT_OK)
        return st;
    *endp = ns.end;
    if (prof == (unsigned)MXT_NUM_NORMALISE) {
        int64_t mag;
        *err = p;
        st = normalise(in, n, ns.i0, ns.i1, ns.f0, ns.f1, ns.e, &mag);
        if (st != MXT_OK)
            return st;
        *val = ns.neg ? -mag : mag;
        return MXT_OK;
    }
    return number_strict(in, n, p, &ns, val, err);
}

static const uint8_t W_TRUE[4] = {'t', 'r', 'u', 'e'};
static const uint8_t W_FALSE[5] = {'f', 'a', 'l', 's', 'e'};
static const uint8_t W_NULL[4] = {'n', 'u', 'l', 'l'};

/* Matches the literal word w[0..wl) at in[p]; on failure *err is the offset. */
/*@
  requires p < n && 1 <= wl <= 5;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid_read(w + (0 .. wl - 1));
  requires \valid(err) && \separated(err, in + (0 .. n - 1), w + (0 .. wl - 1));
  assigns *err;
  ensures \result == MXT_OK ==> p + wl <= n;
  ensures \result == MXT_OK || \result == MXT_E_EOF || \result == MXT_E_SYNTAX;
  ensures \result != MXT_OK ==> *err <= n;
*/
static mxt_status match_word(const uint8_t *in, uint32_t n, uint32_t p, const uint8_t *w,
                             uint32_t wl, uint32_t *err)
{
    /*@ loop invariant 0 <= k <= wl && p + k <= n;
        loop assigns k, *err;
        loop variant wl - k; */
    for (uint32_t k = 0; k < wl; k++) {
        if (p + k >= n) {
            *err = n;
            return MXT_E_EOF;
        }
        if (in[p + k] != w[k]) {
            *err = p + k;
            return MXT_E_SYNTAX;
        }
    }
    return MXT_OK;
}

/* Compares the unescaped keys of tokens a and b (0 when either is not a well-placed string). */
/*@
  requires \valid_read(in + (0 .. n - 1));
  requires \valid_read(tok + (0 .. count - 1));
  assigns \nothing;
  ensures -1 <= \result <= 1;
*/
static int key_cmp(const uint8_t *in, uint32_t n, const mxt_json_token *tok, uint32_t count,
                   uint32_t a, uint32_t b)
{
    uint32_t as;
    uint32_t al;
    uint32_t bs;
    uint32_t bl;
    if (a >= count || b >= count)
        return 0;
    as = tok[a].start;
    al = tok[a].len;
    bs = tok[b].start;
    bl = tok[b].len;
    if (al < 2u || as > n || al > n - as || bl < 2u || bs > n || bl > n - bs)
        return 0;
    if (((tok[a].flags | tok[b].flags) & MXT_JSON_F_ESCAPED) == 0) {
        /* the common case, inline: no escapes, so UTF-8 byte order is code point order */
        uint32_t m = al < bl ? al : bl;
        /*@ loop invariant 1 <= k <= m - 1;
            loop assigns k;
            loop variant m - k; */
        for (uint32_t k = 1; k < m - 1u; k++) {
            if (in[as + k] != in[bs + k])
                return in[as + k] < in[bs + k] ? -1 : 1;
        }
        return al < bl ? -1 : al > bl ? 1 : 0;
    }
    return mxt_jstr_cmp(in, (size_t)as + 1u, (size_t)as + al - 1u,
                        (tok[a].flags & MXT_JSON_F_ESCAPED) != 0,
                        (size_t)bs + 1u, (size_t)bs + bl - 1u,
                        (tok[b].flags & MXT_JSON_F_ESCAPED) != 0);
}

/*@
  predicate idx_ok(integer x, integer count) = x == MXT_JSON_NONE || 0 <= x < count;
*/

/*
 * Sorts the key chain starting at *head (m keys, linked through `link`) by key, stably:
 * a bottom-up merge sort of the linked list. MXT_E_INTERNAL if the chain is not as described.
 */
/*@
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(tok + (0 .. count - 1));
  requires \separated(tok + (0 .. count - 1), in + (0 .. n - 1), head);
  requires \valid(head) && idx_ok(*head, count);
  requires m >= 1;
  assigns tok[0 .. count - 1].link, *head;
  ensures \result == MXT_OK || \result == MXT_E_INTERNAL;
  ensures \result == MXT_OK ==> idx_ok(*head, count);
*/
static mxt_status sort_chain(const uint8_t *in, uint32_t n, mxt_json_token *tok, uint32_t count,
                             uint32_t *head, uint32_t m)
{
    uint32_t list = *head;
    /*@ loop invariant 1 <= insize <= 2 * m;
        loop invariant idx_ok(list, count);
        loop assigns insize, list, tok[0 .. count - 1].link;
        loop variant (uint64_t)m * 2 - insize; */
    for (uint64_t insize = 1; insize < m; insize *= 2) {
        uint32_t p = list;
        uint32_t tail = MXT_JSON_NONE;
        list = MXT_JSON_NONE;
        /*@ loop invariant 0 <= it <= m;
            loop invariant idx_ok(p, count) && idx_ok(tail, count) && idx_ok(list, count);
            loop assigns it, p, tail, list, tok[0 .. count - 1].link;
            loop variant m - it; */
        for (uint32_t it = 0; it < m && p != MXT_JSON_NONE; it++) {
            uint32_t q = p;
            uint64_t psize = 0;
            uint64_t qsize = insize;
            /*@ loop invariant 0 <= i <= insize && psize == i;
                loop invariant idx_ok(q, count);
                loop assigns i, psize, q;
                loop variant insize - i; */
            for (uint64_t i = 0; i < insize && q != MXT_JSON_NONE; i++) {
                psize++;
                q = tok[q].link;
                if (q != MXT_JSON_NONE && q >= count)
                    return MXT_E_INTERNAL;
            }
            /*@ loop invariant 0 <= psize <= insize && 0 <= qsize <= insize;
                loop invariant idx_ok(p, count) && idx_ok(q, count) && idx_ok(tail, count);
                loop invariant idx_ok(list, count);
                loop assigns psize, qsize, p, q, tail, list, tok[0 .. count - 1].link;
                loop variant psize + qsize; */
            while (psize > 0 || (qsize > 0 && q != MXT_JSON_NONE)) {
                uint32_t el;
                if (psize == 0 || (qsize > 0 && q != MXT_JSON_NONE && p != MXT_JSON_NONE
                                   && key_cmp(in, n, tok, count, p, q) > 0)) {
                    if (q == MXT_JSON_NONE || qsize == 0)
                        return MXT_E_INTERNAL;
                    el = q;
                    q = tok[q].link;
                    qsize--;
                } else {
                    if (p == MXT_JSON_NONE)
                        return MXT_E_INTERNAL;
                    el = p;
                    p = tok[p].link;
                    psize--;
                }
                if ((p != MXT_JSON_NONE && p >= count) || (q != MXT_JSON_NONE && q >= count))
                    return MXT_E_INTERNAL;
                if (tail == MXT_JSON_NONE)
                    list = el;
                else
                    tok[tail].link = el;
                tail = el;
            }
            p = q;
        }
        if (p != MXT_JSON_NONE)
            return MXT_E_INTERNAL;
        if (tail != MXT_JSON_NONE)
            tok[tail].link = MXT_JSON_NONE;
    }
    *head = list;
    return MXT_OK;
}

/*
 * Chains the keys of object `obj` (just closed; its members are tokens obj+1 .. count-1) in
 * canonical order and records in *dup the offset of the earliest key that repeats another.
 */
/*@
  requires obj < count;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(tok + (0 .. count - 1));
  requires \valid(dup);
  requires \separated(tok + (0 .. count - 1), in + (0 .. n - 1), dup);
  assigns tok[0 .. count - 1].link, *dup;
  ensures \result == MXT_OK || \result == MXT_E_INTERNAL;
  ensures *dup == \old(*dup) || *dup < n;
*/
static mxt_status link_object(const uint8_t *in, uint32_t n, mxt_json_token *tok, uint32_t count,
                              uint32_t obj, uint32_t *dup)
{
    uint32_t m = tok[obj].count;
    uint32_t head = MXT_JSON_NONE;
    uint32_t prev = MXT_JSON_NONE;
    uint32_t k = obj + 1u;
    int sorted = 1;
    mxt_status st;

    tok[obj].link = MXT_JSON_NONE;
    if (m == 0)
        return MXT_OK;
    /* document order: key k, its value k + 1, the next key at the end of the value's subtree */
    /*@ loop invariant 0 <= i <= m;
        loop invariant idx_ok(head, count) && idx_ok(prev, count);
        loop invariant i > 0 ==> prev != MXT_JSON_NONE;
        loop invariant obj < k;
        loop assigns i, k, head, prev, sorted, tok[0 .. count - 1].link;
        loop variant m - i; */
    for (uint32_t i = 0; i < m; i++) {
        uint32_t nx;
        if (k >= count || count - k < 2u)
            return MXT_E_INTERNAL;
        tok[k].link = MXT_JSON_NONE;
        if (prev == MXT_JSON_NONE) {
            head = k;
        } else {
            tok[prev].link = k;
            if (sorted && key_cmp(in, n, tok, count, prev, k) >= 0)
                sorted = 0;
        }
        prev = k;
        nx = tok[k + 1u].end;
        if (nx <= k + 1u || nx > count)
            return MXT_E_INTERNAL;
        k = nx;
    }
    if (!sorted) {
        uint32_t x;
        st = sort_chain(in, n, tok, count, &head, m);
        if (st != MXT_OK)
            return st;
        x = head;
        /*@ loop invariant 0 <= i <= m && idx_ok(x, count);
            loop invariant *dup == \at(*dup, Pre) || *dup < n;
            loop assigns i, x, *dup;
            loop variant m - i; */
        for (uint32_t i = 0; i < m && x != MXT_JSON_NONE; i++) {
            uint32_t y = tok[x].link;
            if (y == MXT_JSON_NONE)
                break;
            if (y >= count)
                return MXT_E_INTERNAL;
            if (key_cmp(in, n, tok, count, x, y) == 0) {
                uint32_t later = tok[y].start > tok[x].start ? tok[y].start : tok[x].start;
                if (later < *dup && later < n)
                    *dup = later;
            }
            x = y;
        }
    }
    tok[obj].link = head;
    return MXT_OK;
}

/* Fills token t. */
/*@
  requires \valid(tok);
  assigns *tok;
  ensures tok->type == type && tok->depth == depth && tok->start == start && tok->len == len
       && tok->parent == parent && tok->end == end && tok->link == MXT_JSON_NONE
       && tok->count == 0 && tok->flags == flags && tok->num == num;
*/
static void set_tok(mxt_json_token *tok, uint8_t type, uint8_t flags, uint16_t depth,
                    uint32_t start, uint32_t len, uint32_t end, uint32_t parent, int64_t num)
{
    tok->type = type;
    tok->flags = flags;
    tok->depth = depth;
    tok->start = start;
    tok->len = len;
    tok->count = 0;
    tok->end = end;
    tok->parent = parent;
    tok->link = MXT_JSON_NONE;
    tok->num = num;
}


/* The final pass: every token satisfies mxt_tok_ok and every number is in range. */
/*@
  requires \valid(doc);
  requires 1 <= doc->count <= doc->cap;
  requires 1 <= doc->in_len < MXT_JSON_NONE;
  requires \valid(doc->tok + (0 .. doc->cap - 1));
  requires \valid_read(doc->in + (0 .. doc->in_len - 1));
  requires \separated(doc, doc->tok + (0 .. doc->cap - 1));
  assigns \nothing;
  ensures \result == MXT_OK || \result == MXT_E_INTERNAL;
  ensures \result == MXT_OK ==> mxt_doc_ok(doc);
  ensures \result == MXT_OK ==> mxt_doc_nums_ok(doc);
*/
static mxt_status check_doc(const mxt_json_doc *doc)
{
    const mxt_json_token *tok = doc->tok;
    uint32_t count = doc->count;
    uint32_t n = doc->in_len;
    /*@ loop invariant 0 <= i <= count;
        loop invariant \forall integer j; 0 <= j < i ==> mxt_tok_ok(doc, j);
        loop invariant \forall integer j; 0 <= j < i && doc->tok[j].type == MXT_JSON_NUMBER
                       ==> cjson_int_in_range(doc->tok[j].num);
        loop assigns i;
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        const mxt_json_token *t = &tok[i];
        if (t->type < 1u || t->type > 7u || t->start > n || t->len > n - t->start
            || t->end <= i || t->end > count
            || (t->link != MXT_JSON_NONE && t->link >= count)
            || (t->parent != MXT_JSON_NONE && t->parent >= i))
            return MXT_E_INTERNAL;
        if (t->type == MXT_JSON_NUMBER && (t->num < MXT_JSON_INT_MIN || t->num > MXT_JSON_INT_MAX))
            return MXT_E_INTERNAL;
    }
    return MXT_OK;
}

/* The reader's position: what the main loop carries from one step to the next. */
typedef struct {
    uint32_t p;     /* read offset */
    uint32_t count; /* tokens used */
    uint32_t cur;   /* innermost open container, or MXT_JSON_NONE at top level */
    uint32_t dup;   /* offset of the earliest duplicate key found so far, or MXT_JSON_NONE */
    uint32_t err;   /* offset of a failure */
} pstate;

/*@
  predicate ps_ok(pstate *s, integer n, integer cap) =
       s->p <= n && s->count <= cap
    && (s->cur == MXT_JSON_NONE || s->cur < s->count)
    && (s->dup == MXT_JSON_NONE || s->dup < n);
*/

/* Reads one key and its ':' (in[s->p] should open the key; s->cur is the object). */
/*@
  requires ps_ok(s, n, cap) && s->cur != MXT_JSON_NONE && s->p < n;
  requires d <= 65535;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(tok + (0 .. cap - 1));
  requires \valid(s);
  requires \separated(s, tok + (0 .. cap - 1), in + (0 .. n - 1));
  requires \separated(tok + (0 .. cap - 1), in + (0 .. n - 1));
  assigns *s, tok[0 .. cap - 1];
  ensures ps_ok(s, n, cap);
  ensures \result != MXT_OK ==> s->err <= n;
*/
static mxt_status step_key(const uint8_t *in, uint32_t n, mxt_json_token *tok, uint32_t cap,
                           pstate *s, uint32_t d)
{
    uint32_t p = s->p;
    uint32_t e;
    uint8_t fl;
    uint32_t err;
    mxt_status st;
    s->err = p;
    if (in[p] != '"')
        return MXT_E_SYNTAX;
    if (s->count >= cap)
        return MXT_E_TOKENS;
    st = scan_string(in, n, p, &e, &fl, &err);
    if (st != MXT_OK) {
        s->err = err;
        return st;
    }
    if (tok[s->cur].count == UINT32_MAX)
        return MXT_E_INTERNAL;
    set_tok(&tok[s->count], MXT_JSON_STRING, fl, (uint16_t)d, p, e - p, s->count + 1u, s->cur, 0);
    tok[s->cur].count++;
    s->count++;
    p = skip_ws(in, n, e);
    if (p >= n) {
        s->err = n;
        return MXT_E_EOF;
    }
    if (in[p] != ':') {
        s->err = p;
        return MXT_E_SYNTAX;
    }
    s->p = p + 1u;
    return MXT_OK;
}

/* Reads one value starting at in[s->p]: a scalar, or the bracket that opens a container. */
/*@
  requires ps_ok(s, n, cap) && s->p < n;
  requires d <= maxd <= 65535;
  requires prof == MXT_NUM_STRICT || prof == MXT_NUM_NORMALISE;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(tok + (0 .. cap - 1));
  requires \valid(s) && \valid(state);
  requires \separated(s, state, tok + (0 .. cap - 1), in + (0 .. n - 1));
  requires \separated(tok + (0 .. cap - 1), in + (0 .. n - 1));
  assigns *s, *state, tok[0 .. cap - 1];
  ensures s->p <= n;
  ensures s->count <= cap;
  ensures s->cur == MXT_JSON_NONE || s->cur < s->count;
  ensures s->dup == \old(s->dup);
  ensures \result != MXT_OK ==> s->err <= n;
*/
static mxt_status step_value(const uint8_t *in, uint32_t n, mxt_json_token *tok, uint32_t cap,
                             pstate *s, uint32_t d, uint32_t maxd, unsigned prof, unsigned *state)
{
    uint32_t p = s->p;
    uint8_t c = in[p];
    uint32_t e;
    uint32_t err;
    mxt_status st;
    s->err = p;
    if (s->count >= cap)
        return MXT_E_TOKENS;
    if (s->cur != MXT_JSON_NONE && tok[s->cur].type == MXT_JSON_ARRAY) {
        if (tok[s->cur].count == UINT32_MAX)
            return MXT_E_INTERNAL;
        tok[s->cur].count++;
    }
    if (c == '{' || c == '[') {
        if (d >= maxd)
            return MXT_E_DEPTH;
        set_tok(&tok[s->count], c == '{' ? MXT_JSON_OBJECT : MXT_JSON_ARRAY, 0, (uint16_t)d, p, 1u,
                s->count + 1u, s->cur, 0);
        s->cur = s->count;
        s->count++;
        s->p = p + 1u;
        *state = c == '{' ? ST_OBJ_FIRST : ST_ARR_FIRST;
        return MXT_OK;
    }
    if (c == '"') {
        uint8_t fl;
        st = scan_string(in, n, p, &e, &fl, &err);
        if (st != MXT_OK) {
            s->err = err;
            return st;
        }
        set_tok(&tok[s->count], MXT_JSON_STRING, fl, (uint16_t)d, p, e - p, s->count + 1u, s->cur, 0);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        int64_t v;
        st = scan_number(in, n, p, prof, &e, &v, &err);
        if (st != MXT_OK) {
            s->err = err;
            return st;
        }
        set_tok(&tok[s->count], MXT_JSON_NUMBER, 0, (uint16_t)d, p, e - p, s->count + 1u, s->cur, v);
    } else if (c == 't' || c == 'f' || c == 'n') {
        uint32_t wl = c == 'f' ? 5u : 4u;
        uint8_t ty = c == 't' ? MXT_JSON_TRUE : c == 'f' ? MXT_JSON_FALSE : MXT_JSON_NULL;
        if (c == 't')
            st = match_word(in, n, p, W_TRUE, 4u, &err);
        else if (c == 'f')
            st = match_word(in, n, p, W_FALSE, 5u, &err);
        else
            st = match_word(in, n, p, W_NULL, 4u, &err);
        if (st != MXT_OK) {
            s->err = err;
            return st;
        }
        e = p + wl;
        set_tok(&tok[s->count], ty, 0, (uint16_t)d, p, wl, s->count + 1u, s->cur, 0);
    } else {
        return MXT_E_SYNTAX;
    }
    s->count++;
    s->p = e;
    *state = ST_AFTER;
    return MXT_OK;
}

/* in[s->p] closes container s->cur: finish it (and chain its keys) and step out to its parent. */
/*@
  requires ps_ok(s, n, cap) && s->cur != MXT_JSON_NONE && s->p < n;
  requires \valid_read(in + (0 .. n - 1));
  requires \valid(tok + (0 .. cap - 1));
  requires \valid(s);
  requires \separated(s, tok + (0 .. cap - 1), in + (0 .. n - 1));
  requires \separated(tok + (0 .. cap - 1), in + (0 .. n - 1));
  assigns *s, tok[0 .. cap - 1];
  ensures ps_ok(s, n, cap);
  ensures \result != MXT_OK ==> s->err <= n;
*/
static mxt_status step_close(const uint8_t *in, uint32_t n, mxt_json_token *tok, uint32_t cap,
                             pstate *s)
{
    uint32_t obj = s->cur;
    uint32_t par = tok[obj].parent;
    mxt_status st;
    (void)cap;
    s->err = s->p;
    tok[obj].len = s->p + 1u - tok[obj].start;
    tok[obj].end = s->count;
    if (tok[obj].type == MXT_JSON_OBJECT) {
        st = link_object(in, n, tok, s->count, obj, &s->dup);
        if (st != MXT_OK)
            return st;
    }
    if (par != MXT_JSON_NONE && par >= s->count)
        return MXT_E_INTERNAL;
    s->cur = par;
    s->p++;
    return MXT_OK;
}

/* Records a failure, unless an earlier duplicate key takes precedence (document order). */
/*@
  requires \valid(where) && \valid(doc) && \separated(where, doc);
  requires st != MXT_OK;
  requires off <= n;
  requires dup == MXT_JSON_NONE || dup < n;
  assigns where->offset, doc->count;
  ensures where->offset <= n;
  ensures doc->count == 0;
  ensures \result != MXT_OK;
*/
static mxt_status fail(mxt_json_doc *doc, mxt_where *where, mxt_status st, uint32_t off,
                       uint32_t dup, uint32_t n)
{
    (void)n;
    doc->count = 0;
    if (st != MXT_E_INTERNAL && dup != MXT_JSON_NONE && dup < off) {
        where->offset = dup;
        return MXT_E_DUPLICATE_KEY;
    }
    where->offset = off;
    return st;
}

mxt_status mxt_json_parse(const uint8_t *in, size_t len, mxt_json_token *tok, uint32_t cap,
                          const mxt_json_opts *opts, mxt_json_doc *doc, mxt_where *where)
{
    uint32_t n;
    uint32_t maxd = MXT_JSON_DEFAULT_DEPTH;
    unsigned prof = (unsigned)MXT_NUM_STRICT;
    pstate s;
    unsigned state = ST_VALUE;
    int done = 0;
    mxt_status st;

    doc->in = in;
    doc->in_len = 0;
    doc->tok = tok;
    doc->cap = cap;
    doc->count = 0;
    if (len > MXT_JSON_MAX_INPUT) {
        where->offset = 0;
        return MXT_E_TOO_LARGE;
    }
    n = (uint32_t)len;
    if (opts != NULL) {
        if (opts->max_depth != 0)
            maxd = opts->max_depth > 65535u ? 65535u : opts->max_depth;
        if (opts->numbers == MXT_NUM_NORMALISE)
            prof = (unsigned)MXT_NUM_NORMALISE;
    }
    s.p = 0;
    s.count = 0;
    s.cur = MXT_JSON_NONE;
    s.dup = MXT_JSON_NONE;
    s.err = 0;

    /* every step but the last consumes at least one byte, so n + 1 steps suffice */
    /*@ loop invariant 0 <= iter <= n + 1;
        loop invariant ps_ok(&s, n, cap);
        loop invariant 1 <= maxd <= 65535;
        loop assigns iter, s, state, done, st, tok[0 .. cap - 1];
        loop variant n + 1 - iter; */
    for (uint32_t iter = 0; iter <= n; iter++) {
        uint8_t c;
        uint32_t d;
        s.p = skip_ws(in, n, s.p);
        if (state == ST_AFTER) {
            if (s.cur == MXT_JSON_NONE) {
                if (s.p < n)
                    return fail(doc, where, MXT_E_TRAILING, s.p, s.dup, n);
                done = 1;
                break;
            }
            if (s.p >= n)
                return fail(doc, where, MXT_E_EOF, n, s.dup, n);
            c = in[s.p];
            if (c == ',') {
                s.p++;
                state = tok[s.cur].type == MXT_JSON_OBJECT ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && tok[s.cur].type == MXT_JSON_OBJECT)
                || (c == ']' && tok[s.cur].type == MXT_JSON_ARRAY)) {
                st = step_close(in, n, tok, cap, &s);
                if (st != MXT_OK)
                    return fail(doc, where, st, s.err, s.dup, n);
                continue;
            }
            return fail(doc, where, MXT_E_SYNTAX, s.p, s.dup, n);
        }
        if (s.p >= n)
            return fail(doc, where, MXT_E_EOF, n, s.dup, n);
        c = in[s.p];
        if (s.cur != MXT_JSON_NONE
            && ((state == ST_OBJ_FIRST && c == '}') || (state == ST_ARR_FIRST && c == ']'))) {
            st = step_close(in, n, tok, cap, &s);
            if (st != MXT_OK)
                return fail(doc, where, st, s.err, s.dup, n);
            state = ST_AFTER;
            continue;
        }
        d = s.cur == MXT_JSON_NONE ? 0u : (uint32_t)tok[s.cur].depth + 1u;
        if (d > maxd)
            return fail(doc, where, MXT_E_INTERNAL, s.p, s.dup, n);
        if (state == ST_OBJ_FIRST || state == ST_KEY) {
            if (s.cur == MXT_JSON_NONE)
                return fail(doc, where, MXT_E_INTERNAL, s.p, s.dup, n);
            st = step_key(in, n, tok, cap, &s, d);
            if (st != MXT_OK)
                return fail(doc, where, st, s.err, s.dup, n);
            state = ST_VALUE;
            continue;
        }
        st = step_value(in, n, tok, cap, &s, d, maxd, prof, &state);
        if (st != MXT_OK)
            return fail(doc, where, st, s.err, s.dup, n);
    }
    if (!done)
        return fail(doc, where, MXT_E_INTERNAL, n, s.dup, n);
    if (s.dup != MXT_JSON_NONE)
        return fail(doc, where, MXT_E_DUPLICATE_KEY, s.dup, MXT_JSON_NONE, n);
    if (s.count == 0 || n == 0)
        return fail(doc, where, MXT_E_INTERNAL, 0, MXT_JSON_NONE, n);
    doc->in_len = n;
    doc->count = s.count;
    st = check_doc(doc);
    if (st != MXT_OK)
        return fail(doc, where, st, 0, MXT_JSON_NONE, n);
    return MXT_OK;
}

uint32_t mxt_json_get(const mxt_json_doc *doc, uint32_t obj, const uint8_t *key, size_t key_len)
{
    const mxt_json_token *tok = doc->tok;
    uint32_t count = doc->count;
    uint32_t m;
    uint32_t k;
    if (obj >= count || tok[obj].type != MXT_JSON_OBJECT)
        return MXT_JSON_NONE;
    m = tok[obj].count;
    k = obj + 1u;
    /*@ loop invariant 0 <= i <= m && obj < k;
        loop assigns i, k;
        loop variant m - i; */
    for (uint32_t i = 0; i < m; i++) {
        const mxt_json_token *kt;
        if (k >= count || count - k < 2u)
            return MXT_JSON_NONE;
        //@ assert mxt_tok_ok(doc, k);
        //@ assert mxt_tok_ok(doc, k + 1);
        kt = &tok[k];
        if (kt->type == MXT_JSON_STRING && kt->len >= 2u && tok[k + 1u].parent == obj
            && mxt_jstr_eq_raw(doc->in, (size_t)kt->start + 1u, (size_t)kt->start + kt->len - 1u,
                               (kt->flags & MXT_JSON_F_ESCAPED) != 0, key, key_len))
            return k + 1u;
        k = tok[k + 1u].end;
    }
    return MXT_JSON_NONE;
}

mxt_status mxt_json_str(const mxt_json_doc *doc, uint32_t t, uint8_t *out, size_t cap,
                        size_t *out_len)
{
    const mxt_json_token *tk = &doc->tok[t];
    size_t i;
    size_t end;
    size_t w = 0;
    //@ assert mxt_tok_ok(doc, t);
    *out_len = 0;
    if (tk->type != MXT_JSON_STRING || tk->len < 2u)
        return MXT_E_TYPE;
    i = (size_t)tk->start + 1u;
    end = (size_t)tk->start + tk->len - 1u;
    /*@ loop invariant tk->start + 1 <= i <= end;
        loop invariant w <= 4 * (i - (tk->start + 1));
        loop assigns i, w, out[0 .. cap - 1];
        loop variant end - i; */
    while (i < end) {
        uint32_t cp;
        size_t nx;
        uint8_t b[4];
        size_t bl;
        if (mxt_jstr_unit(doc->in, end, i, &cp, &nx) != MXT_OK)
            return MXT_E_ESCAPE;
        bl = mxt_utf8_encode(cp, b);
        /*@ loop invariant 0 <= j <= bl;
            loop assigns j, out[0 .. cap - 1];
            loop variant bl - j; */
        for (size_t j = 0; j < bl; j++)
            if (w + j < cap)
                out[w + j] = b[j];
        w += bl;
        i = nx;
    }
    *out_len = w;
    return w <= cap ? MXT_OK : MXT_E_BUFFER_SMALL;
}

int mxt_json_str_eq(const mxt_json_doc *doc, uint32_t t, const uint8_t *s, size_t n)
{
    const mxt_json_token *tk;
    if (t >= doc->count)
        return 0;
    tk = &doc->tok[t];
    //@ assert mxt_tok_ok(doc, t);
    if (tk->type != MXT_JSON_STRING || tk->len < 2u)
        return 0;
    return mxt_jstr_eq_raw(doc->in, (size_t)tk->start + 1u, (size_t)tk->start + tk->len - 1u,
                           (tk->flags & MXT_JSON_F_ESCAPED) != 0, s, n);
}
