/*
 * Checking one signature on a signed JSON object (SIG-001..007). The lookup goes to
 * signatures[user][key_id] and nowhere else (SIG-007); the signing bytes come from the canonical
 * encoder with "signatures" and "unsigned" left out (SIG-001); the only call to libsodium goes
 * through core/extern_crypto.h.
 */
#include "signed_json.h"
#include "b64.h"
#include "canon.h"
#include "extern_crypto.h"

/* Longest signature string decoded: 86 characters unpadded, 88 padded; room for a few more so that
 * a slightly long string is reported by the base64 decoder's length check. */
#define SIG_STR_CAP 96u

static const uint8_t K_SIGNATURES[10] = {'s', 'i', 'g', 'n', 'a', 't', 'u', 'r', 'e', 's'};

/*@
  requires \valid_read(id + (0 .. len - 1)) || len == 0;
  assigns \nothing;
  ensures \result == 1 <==> sig_key_id_ok(id, len);
  ensures \result == 0 || \result == 1;
*/
static int key_id_ok(const uint8_t *id, size_t len)
{
    if (len <= 8u)
        return 0;
    return id[0] == 'e' && id[1] == 'd' && id[2] == '2' && id[3] == '5' && id[4] == '5' &&
           id[5] == '1' && id[6] == '9' && id[7] == ':';
}

/*@
  requires \valid(res);
  assigns res->verdict, res->reason;
  ensures res->verdict == v && res->reason == r;
*/
static void set(mxt_sig_result *res, mxt_sig_verdict v, mxt_sig_reason r)
{
    res->verdict = v;
    res->reason = r;
}

/*
 * Decodes the signature string token `t` into sig[0..64). Returns MXT_SIGR_OK, MXT_SIGR_SIG_BASE64
 * or MXT_SIGR_SIG_LENGTH.
 */
/*@
  requires mxt_doc_ok(doc);
  requires t < doc->count;
  requires \valid(sig + (0 .. 63));
  requires \separated(sig + (0 .. 63), doc, doc->tok + (0 .. doc->cap - 1),
                      doc->in + (0 .. doc->in_len - 1));
  assigns sig[0 .. 63];
  ensures \result == MXT_SIGR_OK || \result == MXT_SIGR_SIG_BASE64 || \result == MXT_SIGR_SIG_LENGTH;
*/
static mxt_sig_reason decode_sig(const mxt_json_doc *doc, uint32_t t, uint8_t *sig)
{
    uint8_t raw[SIG_STR_CAP];
    char text[SIG_STR_CAP];
    size_t n = 0, got = 0;
    mxt_status st = mxt_json_str(doc, t, raw, sizeof raw, &n);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_SIGR_SIG_LENGTH;
    if (st != MXT_OK)
        return MXT_SIGR_SIG_BASE64;
    size_t i;
    /*@
      loop invariant 0 <= i <= n;
      loop assigns i, text[0 .. SIG_STR_CAP - 1];
      loop variant n - i;
    */
    for (i = 0; i < n; i++)
        text[i] = (char)raw[i];
    mxt_where w;
    st = mxt_b64_decode(text, n, MXT_B64_LENIENT, sig, 64u, &got, &w);
    if (st == MXT_E_BUFFER_SMALL)
        return MXT_SIGR_SIG_LENGTH;
    if (st != MXT_OK)
        return MXT_SIGR_SIG_BASE64;
    return got == 64u ? MXT_SIGR_OK : MXT_SIGR_SIG_LENGTH;
}

/*
 * Finds the signature token: signatures[user][key_id] of object `obj`. Returns MXT_SIGR_OK with
 * *t set, or the MISSING/MALFORMED reason of the step that failed.
 */
/*@
  requires mxt_doc_ok(doc);
  requires obj < doc->count;
  requires user_len == 0 || \valid_read(user + (0 .. user_len - 1));
  requires key_id_len == 0 || \valid_read(key_id + (0 .. key_id_len - 1));
  requires \valid(t) && \separated(t, doc, doc->tok + (0 .. doc->cap - 1));
  assigns *t;
  ensures \result == MXT_SIGR_OK || \result == MXT_SIGR_NO_SIGNATURES
       || \result == MXT_SIGR_SIGNATURES_NOT_OBJECT || \result == MXT_SIGR_NO_USER
       || \result == MXT_SIGR_USER_NOT_OBJECT || \result == MXT_SIGR_NO_KEY
       || \result == MXT_SIGR_SIG_NOT_STRING;
  ensures \result == MXT_SIGR_OK ==> *t < doc->count && doc->tok[*t].type == MXT_JSON_STRING;
*/
static mxt_sig_reason find_sig(const mxt_json_doc *doc, uint32_t obj, const uint8_t *user,
                               size_t user_len, const uint8_t *key_id, size_t key_id_len,
                               uint32_t *t)
{
    uint32_t s = mxt_json_get(doc, obj, K_SIGNATURES, sizeof K_SIGNATURES);
    if (s == MXT_JSON_NONE)
        return MXT_SIGR_NO_SIGNATURES;
    if (doc->tok[s].type != MXT_JSON_OBJECT)
        return MXT_SIGR_SIGNATURES_NOT_OBJECT;
    uint32_t u = mxt_json_get(doc, s, user, user_len);   /* SIG-007: this user only */
    if (u == MXT_JSON_NONE)
        return MXT_SIGR_NO_USER;
    if (doc->tok[u].type != MXT_JSON_OBJECT)
        return MXT_SIGR_USER_NOT_OBJECT;
    uint32_t k = mxt_json_get(doc, u, key_id, key_id_len);
    if (k == MXT_JSON_NONE)
        return MXT_SIGR_NO_KEY;
    if (doc->tok[k].type != MXT_JSON_STRING)
        return MXT_SIGR_SIG_NOT_STRING;
    *t = k;
    return MXT_SIGR_OK;
}

mxt_status mxt_sig_check(const mxt_json_doc *doc, uint32_t obj,
                         const uint8_t *user, size_t user_len,
                         const uint8_t *key_id, size_t key_id_len,
                         const uint8_t pk[32],
                         uint8_t *scratch, size_t scratch_cap, size_t *scratch_needed,
                         mxt_sig_result *res)
{
    res->signed_len = 0;
    if (scratch_needed != NULL)
        *scratch_needed = 0;
    if (!key_id_ok(key_id, key_id_len)) {
        set(res, MXT_SIG_MALFORMED, MXT_SIGR_BAD_KEY_ID);
        return MXT_OK;
    }
    if (doc->tok[obj].type != MXT_JSON_OBJECT) {
        set(res, MXT_SIG_MALFORMED, MXT_SIGR_NOT_OBJECT);
        return MXT_OK;
    }
    uint32_t t = MXT_JSON_NONE;
    mxt_sig_reason r = find_sig(doc, obj, user, user_len, key_id, key_id_len, &t);
    if (r == MXT_SIGR_NO_SIGNATURES || r == MXT_SIGR_NO_USER || r == MXT_SIGR_NO_KEY) {
        set(res, MXT_SIG_MISSING, r);
        return MXT_OK;
    }
    if (r != MXT_SIGR_OK) {
        set(res, MXT_SIG_MALFORMED, r);
        return MXT_OK;
    }
    uint8_t sig[64];
    r = decode_sig(doc, t, sig);
    if (r != MXT_SIGR_OK) {
        set(res, MXT_SIG_MALFORMED, r);
        return MXT_OK;
    }
    /* SIG-001: the signing bytes, canonical JSON without "signatures" and "unsigned". */
    size_t len = 0;
    mxt_status st = mxt_canon_encode(doc, obj, MXT_CANON_SIGNING, scratch, scratch_cap, &len);
    if (st != MXT_OK) {
        if (scratch_needed != NULL)
            *scratch_needed = st == MXT_E_BUFFER_SMALL ? len : 0u;
        set(res, MXT_SIG_MALFORMED, MXT_SIGR_CANON);
        return MXT_OK;
    }
    if (scratch_needed != NULL)
        *scratch_needed = len;
    res->signed_len = len;
    size_t i;
    /*@
      loop invariant 0 <= i <= 64;
      loop assigns i, res->sig[0 .. 63];
      loop variant 64 - i;
    */
    for (i = 0; i < 64u; i++)
        res->sig[i] = sig[i];
    int rc = crypto_sign_verify_detached(res->sig, scratch, len, pk);
    if (rc == 0)
        set(res, MXT_SIG_VALID, MXT_SIGR_OK);
    else
        set(res, MXT_SIG_INVALID, MXT_SIGR_ED25519_REJECTED);
    return MXT_OK;
}

const char *mxt_sig_verdict_name(mxt_sig_verdict v)
{
    switch (v) {
    case MXT_SIG_VALID: return "valid";
    case MXT_SIG_MISSING: return "missing";
    case MXT_SIG_INVALID: return "invalid";
    case MXT_SIG_MALFORMED: return "malformed";
    }
    return "unknown";
}

const char *mxt_sig_reason_name(mxt_sig_reason r)
{
    switch (r) {
    case MXT_SIGR_OK: return "OK";
    case MXT_SIGR_NOT_OBJECT: return "NOT_OBJECT";
    case MXT_SIGR_NO_SIGNATURES: return "NO_SIGNATURES";
    case MXT_SIGR_SIGNATURES_NOT_OBJECT: return "SIGNATURES_NOT_OBJECT";
    case MXT_SIGR_NO_USER: return "NO_USER";
    case MXT_SIGR_USER_NOT_OBJECT: return "USER_NOT_OBJECT";
    case MXT_SIGR_NO_KEY: return "NO_KEY";
    case MXT_SIGR_SIG_NOT_STRING: return "SIG_NOT_STRING";
    case MXT_SIGR_SIG_BASE64: return "SIG_BASE64";
    case MXT_SIGR_SIG_LENGTH: return "SIG_LENGTH";
    case MXT_SIGR_BAD_KEY_ID: return "BAD_KEY_ID";
    case MXT_SIGR_CANON: return "CANON";
    case MXT_SIGR_ED25519_REJECTED: return "ED25519_REJECTED";
    }
    return "UNKNOWN";
}
