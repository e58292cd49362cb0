/* Backup object shape checks (BK-FMT-001/003/006/007/008/013); contracts in bk_fmt.h. */
#include "bk_fmt.h"
#include "b64.h"

#define STR_CAP 256u    /* longest base64 string of a fixed-size member we decode on the stack */
#define CHUNK   256u    /* ciphertext is validated 256 characters (192 bytes) at a time */

static const uint8_t K_PUBLIC_KEY[] = "public_key";
static const uint8_t K_SIGNATURES[] = "signatures";
static const uint8_t K_EPHEMERAL[] = "ephemeral";
static const uint8_t K_CIPHERTEXT[] = "ciphertext";
static const uint8_t K_MAC[] = "mac";
static const uint8_t K_ALGORITHM[] = "algorithm";
static const uint8_t K_CHAIN[] = "forwarding_curve25519_key_chain";
static const uint8_t K_SENDER_KEY[] = "sender_key";
static const uint8_t K_CLAIMED[] = "sender_claimed_keys";
static const uint8_t K_ED25519[] = "ed25519";
static const uint8_t K_SESSION_KEY[] = "session_key";
static const uint8_t K_SHARED_HISTORY[] = "shared_history";
static const uint8_t V_BACKUP_ALG[] = "m.megolm_backup.v1.curve25519-aes-sha2";
static const uint8_t V_MEGOLM_ALG[] = "m.megolm.v1.aes-sha2";

/*@
  requires \valid(res);
  requires MXT_BKF_M_ROOT <= m <= MXT_BKF_M_SHARED_HISTORY;
  requires MXT_BKF_P_MISSING <= p <= MXT_BKF_P_TOO_LONG;
  assigns *res;
  ensures res->member == m && res->problem == p;
  ensures bkf_result_wf(*res);
*/
static void fail(mxt_bkf_result *res, mxt_bkf_member m, mxt_bkf_problem p)
{
    res->member = m;
    res->problem = p;
}

/*@
  requires \valid(res);
  assigns *res;
  ensures bkf_result_ok(*res) && bkf_result_wf(*res);
*/
static void pass(mxt_bkf_result *res)
{
    res->member = MXT_BKF_M_NONE;
    res->problem = MXT_BKF_P_OK;
}

mxt_bkf_problem mxt_bkf_session_export(const uint8_t *b, size_t n)
{
    if (n != MXT_BKF_SESSION_KEY_LEN)
        return MXT_BKF_P_LENGTH;
    if (b[0] != MXT_BKF_EXPORT_VERSION)
        return MXT_BKF_P_VALUE;
    return MXT_BKF_P_OK;
}

/* Decodes base64 string token t into out[0..cap); the problem if it is not a string, not base64,
 * or does not decode to exactly `want` bytes (cap >= want). */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires 0 < want <= cap <= 192;
  requires \valid(out + (0 .. cap - 1));
  requires \separated(out + (0 .. cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                      doc->in + (0 .. doc->in_len - 1));
  assigns out[0 .. cap - 1];
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_WRONG_TYPE || \result == MXT_BKF_P_BASE64
       || \result == MXT_BKF_P_LENGTH;
  ensures doc->tok[t].type != MXT_JSON_STRING ==> \result == MXT_BKF_P_WRONG_TYPE;
*/
static mxt_bkf_problem b64_fixed(const mxt_json_doc *doc, uint32_t t, uint8_t *out, size_t cap,
                                 size_t want)
{
    uint8_t raw[STR_CAP];
    char text[STR_CAP];
    size_t n = 0, got = 0, i;
    mxt_where w;
    mxt_status st;

    if (doc->tok[t].type != MXT_JSON_STRING)
        return MXT_BKF_P_WRONG_TYPE;
    st = mxt_json_str(doc, t, raw, sizeof raw, &n);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_BKF_P_LENGTH;   /* longer than any encoding of `cap` <= 192 bytes */
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    /*@
      loop invariant 0 <= i <= n;
      loop assigns i, text[0 .. STR_CAP - 1];
      loop variant n - i;
    */
    for (i = 0; i < n; i++)
        text[i] = (char)raw[i];
    st = mxt_b64_decode(text, n, MXT_B64_LENIENT, out, cap, &got, &w);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_BKF_P_LENGTH;
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    return got == want ? MXT_BKF_P_OK : MXT_BKF_P_LENGTH;
}

/* Member `key` of object `obj`: MISSING when absent, else the b64_fixed verdict for exactly
 * `want` bytes (want <= 192). Writes nothing the caller can see. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires \valid_read(key + (0 .. key_len - 1)) && key_len > 0;
  requires 0 < want <= 192;
  requires \separated(doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns \nothing;
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_MISSING || \result == MXT_BKF_P_WRONG_TYPE
       || \result == MXT_BKF_P_BASE64 || \result == MXT_BKF_P_LENGTH;
*/
static mxt_bkf_problem b64_member(const mxt_json_doc *doc, uint32_t obj, const uint8_t *key,
                                  size_t key_len, size_t want)
{
    uint8_t buf[192];
    uint32_t t = mxt_json_get(doc, obj, key, key_len);
    if (t == MXT_JSON_NONE)
        return MXT_BKF_P_MISSING;
    return b64_fixed(doc, t, buf, want, want);
}

/* The session_key member: a base64 string of a 165-byte session export (BK-FMT-007). */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires \separated(doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns \nothing;
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_MISSING || \result == MXT_BKF_P_WRONG_TYPE
       || \result == MXT_BKF_P_BASE64 || \result == MXT_BKF_P_LENGTH || \result == MXT_BKF_P_VALUE;
*/
static mxt_bkf_problem session_key(const mxt_json_doc *doc, uint32_t obj)
{
    uint8_t sk[MXT_BKF_SESSION_KEY_LEN];
    mxt_bkf_problem p;
    uint32_t t = mxt_json_get(doc, obj, K_SESSION_KEY, sizeof K_SESSION_KEY - 1u);
    if (t == MXT_JSON_NONE)
        return MXT_BKF_P_MISSING;
    p = b64_fixed(doc, t, sk, sizeof sk, MXT_BKF_SESSION_KEY_LEN);
    if (p != MXT_BKF_P_OK)
        return p;
    return mxt_bkf_session_export(sk, sizeof sk);
}

/* Validates the base64 text s[0..n) chunk by chunk and returns its decoded length in *total.
 * Every chunk but the last is 256 characters that must decode to 192 bytes (so no '=' inside). */
/*@
  requires n == 0 || \valid_read(s + (0 .. n - 1));
  requires \valid(total) && \separated(total, s + (0 .. n - 1));
  assigns *total;
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_BASE64;
*/
static mxt_bkf_problem b64_stream_len(const uint8_t *s, size_t n, size_t *total)
{
    char text[CHUNK];
    uint8_t out[192];
    size_t pos = 0, acc = 0, got = 0, i;
    mxt_where w;
    mxt_status st;

    *total = 0;
    /*@
      loop invariant 0 <= pos <= n;
      loop invariant acc <= pos;
      loop assigns pos, acc, got, i, w, st, text[0 .. CHUNK - 1], out[0 .. 191];
      loop variant n - pos;
    */
    while (n - pos > CHUNK) {
        /*@
          loop invariant 0 <= i <= CHUNK;
          loop assigns i, text[0 .. CHUNK - 1];
          loop variant CHUNK - i;
        */
        for (i = 0; i < CHUNK; i++)
            text[i] = (char)s[pos + i];
        st = mxt_b64_decode(text, CHUNK, MXT_B64_LENIENT, out, sizeof out, &got, &w);
        if (st != MXT_OK || got != 192u)
            return MXT_BKF_P_BASE64;
        acc += 192u;
        pos += CHUNK;
    }
    /*@
      loop invariant 0 <= i <= n - pos;
      loop assigns i, text[0 .. CHUNK - 1];
      loop variant n - pos - i;
    */
    for (i = 0; i < n - pos; i++)
        text[i] = (char)s[pos + i];
    st = mxt_b64_decode(text, n - pos, MXT_B64_LENIENT, out, sizeof out, &got, &w);
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    *total = acc + got;
    return MXT_BKF_P_OK;
}

/* BK-FMT-003 ciphertext: a base64 string whose decoded length satisfies bkf_ciphertext_len_ok. */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires scratch_cap == 0 || \valid(scratch + (0 .. scratch_cap - 1));
  requires \separated(scratch + (0 .. scratch_cap - 1), doc, doc->tok + (0 .. doc->cap - 1),
                      doc->in + (0 .. doc->in_len - 1));
  assigns scratch[0 .. scratch_cap - 1];
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_WRONG_TYPE || \result == MXT_BKF_P_BASE64
       || \result == MXT_BKF_P_LENGTH || \result == MXT_BKF_P_TOO_LONG;
  ensures doc->tok[t].type != MXT_JSON_STRING ==> \result == MXT_BKF_P_WRONG_TYPE;
*/
static mxt_bkf_problem ciphertext(const mxt_json_doc *doc, uint32_t t, uint8_t *scratch,
                                  size_t scratch_cap)
{
    size_t n = 0, total = 0;
    mxt_status st;
    mxt_bkf_problem p;

    if (doc->tok[t].type != MXT_JSON_STRING)
        return MXT_BKF_P_WRONG_TYPE;
    if (scratch_cap == 0)
        return MXT_BKF_P_TOO_LONG;
    st = mxt_json_str(doc, t, scratch, scratch_cap, &n);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_BKF_P_TOO_LONG;
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    p = b64_stream_len(scratch, n, &total);
    if (p != MXT_BKF_P_OK)
        return p;
    /*@ assert total > 0 && total % 16 == 0 <==> bkf_ciphertext_len_ok(total); */
    return (total > 0u && total % 16u == 0u) ? MXT_BKF_P_OK : MXT_BKF_P_LENGTH;
}

void mxt_bkf_algorithm(const mxt_json_doc *doc, uint32_t t, mxt_bkf_result *res)
{
    if (doc->tok[t].type != MXT_JSON_STRING) {
        fail(res, MXT_BKF_M_ALGORITHM, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    if (mxt_json_str_eq(doc, t, V_BACKUP_ALG, sizeof V_BACKUP_ALG - 1u) == 1)
        pass(res);
    else
        fail(res, MXT_BKF_M_ALGORITHM, MXT_BKF_P_VALUE);
}

void mxt_bkf_auth_data(const mxt_json_doc *doc, uint32_t obj, uint8_t *pk, mxt_bkf_result *res)
{
    uint8_t key[32];
    uint32_t t, s;
    mxt_bkf_problem p;
    size_t i;

    if (doc->tok[obj].type != MXT_JSON_OBJECT) {
        fail(res, MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    t = mxt_json_get(doc, obj, K_PUBLIC_KEY, sizeof K_PUBLIC_KEY - 1u);
    if (t == MXT_JSON_NONE) {
        fail(res, MXT_BKF_M_PUBLIC_KEY, MXT_BKF_P_MISSING);
        return;
    }
    s = mxt_json_get(doc, obj, K_SIGNATURES, sizeof K_SIGNATURES - 1u);
    p = b64_fixed(doc, t, key, sizeof key, MXT_BKF_KEY_LEN);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_PUBLIC_KEY, p);
        return;
    }
    if (s != MXT_JSON_NONE && doc->tok[s].type != MXT_JSON_OBJECT) {
        fail(res, MXT_BKF_M_SIGNATURES, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    if (pk != NULL) {
        /*@
          loop invariant 0 <= i <= 32;
          loop assigns i, pk[0 .. 31];
          loop variant 32 - i;
        */
        for (i = 0; i < 32u; i++)
            pk[i] = key[i];
    }
    pass(res);
}

void mxt_bkf_session_data(const mxt_json_doc *doc, uint32_t obj, uint8_t *scratch,
                          size_t scratch_cap, mxt_bkf_result *res)
{
    uint32_t t;
    mxt_bkf_problem p;

    if (doc->tok[obj].type != MXT_JSON_OBJECT) {
        fail(res, MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    p = b64_member(doc, obj, K_EPHEMERAL, sizeof K_EPHEMERAL - 1u, MXT_BKF_KEY_LEN);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_EPHEMERAL, p);
        return;
    }
    p = b64_member(doc, obj, K_MAC, sizeof K_MAC - 1u, MXT_BKF_MAC_LEN);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_MAC, p);
        return;
    }
    /* last, because it is the one step that writes (the caller's scratch) */
    t = mxt_json_get(doc, obj, K_CIPHERTEXT, sizeof K_CIPHERTEXT - 1u);
    p = t == MXT_JSON_NONE ? MXT_BKF_P_MISSING : ciphertext(doc, t, scratch, scratch_cap);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_CIPHERTEXT, p);
        return;
    }
    pass(res);
}

/* The forwarding chain: an array whose elements are all strings. */
/*@
  requires mxt_doc_ok(doc);
  requires a < doc->count;
  assigns \nothing;
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_WRONG_TYPE;
  ensures doc->tok[a].type != MXT_JSON_ARRAY ==> \result == MXT_BKF_P_WRONG_TYPE;
*/
static mxt_bkf_problem string_array(const mxt_json_doc *doc, uint32_t a)
{
    uint32_t c, end;
    if (doc->tok[a].type != MXT_JSON_ARRAY)
        return MXT_BKF_P_WRONG_TYPE;
    end = doc->tok[a].end;
    c = a + 1u;
    /*@
      loop invariant a < c <= end <= doc->count;
      loop assigns c;
      loop variant end - c;
    */
    while (c < end) {
        if (doc->tok[c].type != MXT_JSON_STRING)
            return MXT_BKF_P_WRONG_TYPE;
        c = doc->tok[c].end;   /* a string's subtree is itself: the next sibling */
        if (c > end)
            return MXT_BKF_P_WRONG_TYPE;   /* not a tree the reader produced */
    }
    return MXT_BKF_P_OK;
}

/* BK-FMT-006: string token t is a key, the unpadded base64 of exactly 32 bytes (43 characters,
 * no '=' padding; non-zero trailing bits are accepted as everywhere in SIG-006's lenient reading).
 * WRONG_TYPE (not a string), BASE64 (not unpadded base64), LENGTH (another number of bytes). */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires \separated(doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns \nothing;
  ensures \result == MXT_BKF_P_OK || \result == MXT_BKF_P_WRONG_TYPE || \result == MXT_BKF_P_BASE64
       || \result == MXT_BKF_P_LENGTH;
  ensures doc->tok[t].type != MXT_JSON_STRING ==> \result == MXT_BKF_P_WRONG_TYPE;
*/
static mxt_bkf_problem unpadded_key(const mxt_json_doc *doc, uint32_t t)
{
    uint8_t raw[STR_CAP];
    char text[STR_CAP];
    uint8_t key[48];
    size_t n = 0, got = 0, i;
    mxt_where w;
    mxt_status st;

    if (doc->tok[t].type != MXT_JSON_STRING)
        return MXT_BKF_P_WRONG_TYPE;
    st = mxt_json_str(doc, t, raw, sizeof raw, &n);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_BKF_P_LENGTH;   /* far longer than 43 characters */
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    /*@
      loop invariant 0 <= i <= n;
      loop assigns i, text[0 .. STR_CAP - 1];
      loop variant n - i;
    */
    for (i = 0; i < n; i++)
        text[i] = (char)raw[i];
    st = mxt_b64_decode(text, n, MXT_B64_LENIENT, key, sizeof key, &got, &w);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_BKF_P_LENGTH;
    if (st != MXT_OK)
        return MXT_BKF_P_BASE64;
    if (got != MXT_BKF_KEY_LEN)
        return MXT_BKF_P_LENGTH;
    if (n != MXT_BKF_KEY_CHARS)
        return MXT_BKF_P_BASE64;   /* 32 bytes, but padded: not unpadded base64 */
    /*@ assert bkf_unpadded_key_len(n, got); */
    return MXT_BKF_P_OK;
}

/* BK-FMT-006: every token directly inside object `obj` is a string (sender_claimed_keys is a map
 * from algorithm name to key string). 1 if so, else 0. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  assigns \nothing;
  behavior map:
    assumes bkf_map_of_strings(doc, obj);
    ensures \result == 1;
  behavior not_map:
    assumes !bkf_map_of_strings(doc, obj);
    ensures \result == 0;
  complete behaviors;
  disjoint behaviors;
*/
static int map_of_strings(const mxt_json_doc *doc, uint32_t obj)
{
    uint32_t c;
    uint32_t end = doc->tok[obj].end;
    /*@
      loop invariant obj < c <= end;
      loop invariant \forall integer k; obj < k < c && doc->tok[k].parent == obj
                       ==> doc->tok[k].type == MXT_JSON_STRING;
      loop assigns c;
      loop variant end - c;
    */
    for (c = obj + 1u; c < end; c++) {
        if (doc->tok[c].parent == obj && doc->tok[c].type != MXT_JSON_STRING)
            return 0;
    }
    return 1;
}

/* BackedUpSessionData, first part: algorithm, forwarding chain, sender_key. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires \separated(doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns \nothing;
  ensures bkf_result_wf(\result);
  ensures bkf_result_ok(\result)
       || (MXT_BKF_M_SESSION_ALGORITHM <= \result.member <= MXT_BKF_M_SENDER_KEY);
*/
static mxt_bkf_result plain_head(const mxt_json_doc *doc, uint32_t obj)
{
    mxt_bkf_result r;
    mxt_bkf_result *res = &r;
    uint32_t t = mxt_json_get(doc, obj, K_ALGORITHM, sizeof K_ALGORITHM - 1u);
    mxt_bkf_problem p;

    if (t == MXT_JSON_NONE)
        p = MXT_BKF_P_MISSING;
    else if (doc->tok[t].type != MXT_JSON_STRING)
        p = MXT_BKF_P_WRONG_TYPE;
    else if (mxt_json_str_eq(doc, t, V_MEGOLM_ALG, sizeof V_MEGOLM_ALG - 1u) != 1)
        p = MXT_BKF_P_VALUE;
    else
        p = MXT_BKF_P_OK;
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_SESSION_ALGORITHM, p);
        return r;
    }
    t = mxt_json_get(doc, obj, K_CHAIN, sizeof K_CHAIN - 1u);
    if (t == MXT_JSON_NONE) {
        fail(res, MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_MISSING);
        return r;
    }
    if (string_array(doc, t) != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_FORWARDING_CHAIN, MXT_BKF_P_WRONG_TYPE);
        return r;
    }
    t = mxt_json_get(doc, obj, K_SENDER_KEY, sizeof K_SENDER_KEY - 1u);
    if (t == MXT_JSON_NONE) {
        fail(res, MXT_BKF_M_SENDER_KEY, MXT_BKF_P_MISSING);
        return r;
    }
    p = unpadded_key(doc, t);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_SENDER_KEY, p);
        return r;
    }
    pass(res);
    return r;
}

/* BackedUpSessionData, second part: sender_claimed_keys.ed25519, session_key, shared_history. */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires \valid(res);
  requires \separated(res, doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns *res;
  ensures bkf_result_wf(*res);
  ensures bkf_result_ok(*res) || MXT_BKF_M_SENDER_CLAIMED_KEYS <= res->member;
*/
static void plain_tail(const mxt_json_doc *doc, uint32_t obj, mxt_bkf_result *res)
{
    uint32_t t = mxt_json_get(doc, obj, K_CLAIMED, sizeof K_CLAIMED - 1u);
    uint32_t e;
    mxt_bkf_problem p;

    if (t == MXT_JSON_NONE) {
        fail(res, MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_MISSING);
        return;
    }
    if (doc->tok[t].type != MXT_JSON_OBJECT) {
        fail(res, MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    if (map_of_strings(doc, t) != 1) {
        fail(res, MXT_BKF_M_SENDER_CLAIMED_KEYS, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    e = mxt_json_get(doc, t, K_ED25519, sizeof K_ED25519 - 1u);
    if (e == MXT_JSON_NONE) {
        fail(res, MXT_BKF_M_CLAIMED_ED25519, MXT_BKF_P_MISSING);
        return;
    }
    p = unpadded_key(doc, e);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_CLAIMED_ED25519, p);
        return;
    }
    p = session_key(doc, obj);
    if (p != MXT_BKF_P_OK) {
        fail(res, MXT_BKF_M_SESSION_KEY, p);
        return;
    }
    t = mxt_json_get(doc, obj, K_SHARED_HISTORY, sizeof K_SHARED_HISTORY - 1u);
    if (t != MXT_JSON_NONE && doc->tok[t].type != MXT_JSON_TRUE
        && doc->tok[t].type != MXT_JSON_FALSE) {
        fail(res, MXT_BKF_M_SHARED_HISTORY, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    pass(res);
}

void mxt_bkf_session_plain(const mxt_json_doc *doc, uint32_t obj, mxt_bkf_result *res)
{
    if (doc->tok[obj].type != MXT_JSON_OBJECT) {
        fail(res, MXT_BKF_M_ROOT, MXT_BKF_P_WRONG_TYPE);
        return;
    }
    const mxt_bkf_result h = plain_head(doc, obj);
    if (h.problem != MXT_BKF_P_OK) {
        *res = h;
        return;
    }
    plain_tail(doc, obj, res);
}

const char *mxt_bkf_member_name(mxt_bkf_member m)
{
    switch (m) {
    case MXT_BKF_M_NONE: return "";
    case MXT_BKF_M_ROOT: return "(value)";
    case MXT_BKF_M_ALGORITHM: return "algorithm";
    case MXT_BKF_M_PUBLIC_KEY: return "public_key";
    case MXT_BKF_M_SIGNATURES: return "signatures";
    case MXT_BKF_M_EPHEMERAL: return "ephemeral";
    case MXT_BKF_M_CIPHERTEXT: return "ciphertext";
    case MXT_BKF_M_MAC: return "mac";
    case MXT_BKF_M_SESSION_ALGORITHM: return "algorithm";
    case MXT_BKF_M_FORWARDING_CHAIN: return "forwarding_curve25519_key_chain";
    case MXT_BKF_M_SENDER_KEY: return "sender_key";
    case MXT_BKF_M_SENDER_CLAIMED_KEYS: return "sender_claimed_keys";
    case MXT_BKF_M_CLAIMED_ED25519: return "sender_claimed_keys.ed25519";
    case MXT_BKF_M_SESSION_KEY: return "session_key";
    case MXT_BKF_M_SHARED_HISTORY: return "shared_history";
    }
    return "?";
}

const char *mxt_bkf_problem_name(mxt_bkf_problem p)
{
    switch (p) {
    case MXT_BKF_P_OK: return "OK";
    case MXT_BKF_P_MISSING: return "MISSING";
    case MXT_BKF_P_WRONG_TYPE: return "WRONG_TYPE";
    case MXT_BKF_P_BASE64: return "BASE64";
    case MXT_BKF_P_LENGTH: return "LENGTH";
    case MXT_BKF_P_VALUE: return "VALUE";
    case MXT_BKF_P_TOO_LONG: return "TOO_LONG";
    }
    return "?";
}
