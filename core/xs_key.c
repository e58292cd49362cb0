/* Cross-signing key validation: see xs_key.h and spec/acsl/xs.h (XS-001, XS-002). */
#include "xs_key.h"
#include "b64.h"

#define XS_VALUE_CAP 64u   /* a key value is 43 characters; longer ones cannot be a key */
#define XS_NAME_CAP  64u   /* "ed25519:" + 43 = 51 */
#define XS_PREFIX_LEN 8u   /* "ed25519:" */

/* Byte strings as uint8_t arrays (WP's memory model does not let a char literal be read as
 * uint8_t). */
static const uint8_t S_MASTER[6] = { 'm', 'a', 's', 't', 'e', 'r' };
static const uint8_t S_SELF_SIGNING[12] = { 's', 'e', 'l', 'f', '_', 's', 'i', 'g', 'n', 'i', 'n', 'g' };
static const uint8_t S_USER_SIGNING[12] = { 'u', 's', 'e', 'r', '_', 's', 'i', 'g', 'n', 'i', 'n', 'g' };
static const uint8_t S_ED25519[8] = { 'e', 'd', '2', '5', '5', '1', '9', ':' };
static const uint8_t S_USER_ID[7] = { 'u', 's', 'e', 'r', '_', 'i', 'd' };
static const uint8_t S_USAGE[5] = { 'u', 's', 'a', 'g', 'e' };
static const uint8_t S_KEYS[4] = { 'k', 'e', 'y', 's' };

mxt_xsk_reason mxt_xs_key_decide(const mxt_xs_key_facts *f)
{
    if (f->is_object != 1) return MXT_XSK_NOT_OBJECT;
    if (f->user == MXT_XSF_ABSENT) return MXT_XSK_NO_USER_ID;
    if (f->user == MXT_XSF_BAD_TYPE) return MXT_XSK_USER_ID_TYPE;
    if (f->user != MXT_XSF_MATCH) return MXT_XSK_WRONG_USER;
    if (f->usage == MXT_XSF_ABSENT) return MXT_XSK_NO_USAGE;
    if (f->usage != MXT_XSF_MATCH) return MXT_XSK_USAGE_TYPE;
    if (f->usage_nonstring != 0) return MXT_XSK_USAGE_TYPE;
    if (f->usage_role == 0) return MXT_XSK_WRONG_USAGE;
    if (f->usage_len != 1 || f->usage_role != 1) return MXT_XSK_USAGE_EXTRA;
    if (f->keys == MXT_XSF_ABSENT) return MXT_XSK_NO_KEYS;
    if (f->keys != MXT_XSF_MATCH) return MXT_XSK_KEYS_TYPE;
    if (f->keys_len == 0) return MXT_XSK_NO_KEYS;
    if (f->keys_len > 1) return MXT_XSK_SEVERAL_KEYS;
    if (f->value_string != 1) return MXT_XSK_KEY_VALUE_TYPE;
    if (f->value_b64 != 1) return MXT_XSK_KEY_BASE64;
    if (f->decoded_len != 32) return MXT_XSK_KEY_LENGTH;
    if (f->value_len != 43) return MXT_XSK_KEY_PADDED;
    if (f->id_ed25519 != 1) return MXT_XSK_KEY_ALGORITHM;
    if (f->id_matches != 1) return MXT_XSK_KEY_ID_MISMATCH;
    return MXT_XSK_OK;
}

/*@
  requires n == 0 || (\valid_read(a + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1)));
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> (\forall integer i; 0 <= i < n ==> a[i] == b[i]);
*/
static int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> a[j] == b[j];
        loop assigns i;
        loop variant n - i; */
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return 0;
    }
    return 1;
}

/*@
  requires role == MXT_XS_MASTER || role == MXT_XS_SELF_SIGNING || role == MXT_XS_USER_SIGNING;
  requires \valid(len);
  assigns *len, \result \from role;
  ensures 6 <= *len <= 12;
  ensures \valid_read(\result + (0 .. *len - 1));
*/
static const uint8_t *role_name(mxt_xs_role role, size_t *len)
{
    if (role == MXT_XS_MASTER) {
        *len = 6;
        return S_MASTER;
    }
    *len = 12;
    if (role == MXT_XS_SELF_SIGNING)
        return S_SELF_SIGNING;
    return S_USER_SIGNING;
}

/*@
  requires mxt_doc_ok(doc);
  requires u == MXT_JSON_NONE || u < doc->count;
  requires name_len == 0 || \valid_read(name + (0 .. name_len - 1));
  requires \valid(f);
  requires \separated(f, doc, doc->tok + (0 .. doc->cap - 1), doc->in + (0 .. doc->in_len - 1));
  assigns f->usage, f->usage_len, f->usage_nonstring, f->usage_role;
  ensures u == MXT_JSON_NONE ==> f->usage == MXT_XSF_ABSENT;
  ensures u != MXT_JSON_NONE && doc->tok[u].type != MXT_JSON_ARRAY ==> f->usage == MXT_XSF_BAD_TYPE;
  ensures u != MXT_JSON_NONE && doc->tok[u].type == MXT_JSON_ARRAY ==>
          f->usage == MXT_XSF_MATCH && f->usage_len == doc->tok[u].count;
*/
static void observe_usage(const mxt_json_doc *doc, uint32_t u, const uint8_t *name,
                          size_t name_len, mxt_xs_key_facts *f)
{
    uint8_t kind = MXT_XSF_MATCH;
    uint32_t cnt = 0, n = 0, nonstring = 0, role = 0;
    if (u == MXT_JSON_NONE) {
        kind = MXT_XSF_ABSENT;
    } else if (doc->tok[u].type != MXT_JSON_ARRAY) {
        kind = MXT_XSF_BAD_TYPE;
    } else {
        cnt = doc->tok[u].count;
        const uint32_t end = doc->tok[u].end;
        //@ assert mxt_tok_ok(doc, u);
        //@ assert end <= doc->count;
        uint32_t i = u + 1u;
        /*@ loop invariant u < i <= doc->count;
            loop invariant 0 <= n <= cnt;
            loop invariant nonstring <= n && role <= n;
            loop assigns i, n, nonstring, role;
            loop variant doc->count - i; */
        while (n < cnt && i < end) {
            //@ assert mxt_tok_ok(doc, i);
            if (doc->tok[i].type != MXT_JSON_STRING)
                nonstring++;
            else if (mxt_json_str_eq(doc, i, name, name_len) == 1)
                role++;
            i = doc->tok[i].end;
            n++;
        }
    }
    f->usage = kind;
    f->usage_len = cnt;
    f->usage_nonstring = nonstring;
    f->usage_role = role;
}

/*@
  requires mxt_doc_ok(doc);
  requires k == MXT_JSON_NONE || k < doc->count;
  requires \valid(f) && \valid(key + (0 .. 31));
  requires \separated(f, key + (0 .. 31), doc, doc->tok + (0 .. doc->cap - 1),
                       doc->in + (0 .. doc->in_len - 1));
  requires \separated(f, key + (0 .. 31));
  assigns f->keys, f->keys_len, f->value_string, f->value_b64, f->value_len, f->decoded_len,
          f->id_ed25519, f->id_matches, key[0 .. 31];
  ensures k == MXT_JSON_NONE ==> f->keys == MXT_XSF_ABSENT;
  ensures k != MXT_JSON_NONE && doc->tok[k].type != MXT_JSON_OBJECT ==> f->keys == MXT_XSF_BAD_TYPE;
  ensures k != MXT_JSON_NONE && doc->tok[k].type == MXT_JSON_OBJECT ==>
          f->keys == MXT_XSF_MATCH && f->keys_len == doc->tok[k].count;
*/
static void observe_keys(const mxt_json_doc *doc, uint32_t k, mxt_xs_key_facts *f, uint8_t *key)
{
    uint8_t value[XS_VALUE_CAP];
    char text[XS_VALUE_CAP];
    uint8_t name[XS_NAME_CAP];
    size_t vlen = 0, nlen = 0, dlen = 0;
    mxt_where where;
    uint8_t kind = MXT_XSF_MATCH, vstring = 0, vb64 = 0, ided = 0, idm = 0;
    uint32_t klen = 0, vl = 0, dl = 0;

    if (k == MXT_JSON_NONE) {
        kind = MXT_XSF_ABSENT;
        goto done;
    }
    if (doc->tok[k].type != MXT_JSON_OBJECT) {
        kind = MXT_XSF_BAD_TYPE;
        goto done;
    }
    klen = doc->tok[k].count;
    //@ assert mxt_tok_ok(doc, k);
    if (klen != 1 || doc->tok[k].end < 3u || k >= doc->tok[k].end - 2u)
        goto done;
    const uint32_t nt = k + 1u;  /* the member's name */
    const uint32_t vt = k + 2u;  /* its value */
    //@ assert vt < doc->count && nt < doc->count;
    if (doc->tok[vt].type != MXT_JSON_STRING)
        goto done;
    vstring = 1;

    mxt_status st = mxt_json_str(doc, vt, value, sizeof value, &vlen);
    if (st == MXT_E_BUFFER_SMALL) {
        /* Longer than any 32-byte key's encoding: reported as a length error. */
        vl = vlen > UINT32_MAX ? UINT32_MAX : (uint32_t)vlen;
        vb64 = 1;
        goto done;
    }
    if (st != MXT_OK)
        goto done;
    vl = (uint32_t)vlen;

    st = mxt_json_str(doc, nt, name, sizeof name, &nlen);
    if (st == MXT_E_BUFFER_SMALL) {
        /* A name longer than "ed25519:" + 43 characters cannot name a 43-character value, so
         * id_matches stays 0; the buffer holds the name's first XS_NAME_CAP unescaped bytes
         * (mxt_json_str fills it before reporting the length), enough to check the algorithm
         * prefix, so that a long name without it is KEY_ALGORITHM (found by fuzz/fuzz_xs.c). */
        if (bytes_eq(name, S_ED25519, XS_PREFIX_LEN) == 1)
            ided = 1;
    } else if (st == MXT_OK && nlen >= XS_PREFIX_LEN && bytes_eq(name, S_ED25519, XS_PREFIX_LEN) == 1) {
        ided = 1;
        if (nlen - XS_PREFIX_LEN == vlen && bytes_eq(name + XS_PREFIX_LEN, value, vlen) == 1)
            idm = 1;
    }

    /*@ loop invariant 0 <= i <= vlen;
        loop assigns i, text[0 .. XS_VALUE_CAP - 1];
        loop variant vlen - i; */
    for (size_t i = 0; i < vlen; i++)
        text[i] = (char)value[i];
    st = mxt_b64_decode(text, vlen, MXT_B64_STRICT, key, 32, &dlen, &where);
    if (st == MXT_OK || st == MXT_E_BUFFER_SMALL) {
        vb64 = 1;
        dl = dlen > UINT32_MAX ? UINT32_MAX : (uint32_t)dlen;
    }
done:
    f->keys = kind;
    f->keys_len = klen;
    f->value_string = vstring;
    f->value_b64 = vb64;
    f->value_len = vl;
    f->decoded_len = dl;
    f->id_ed25519 = ided;
    f->id_matches = idm;
}

/*@
  requires \valid(pk + (0 .. 31)) && \valid_read(key + (0 .. 31));
  requires \separated(pk + (0 .. 31), key + (0 .. 31));
  assigns pk[0 .. 31];
  ensures ok != 0 ==> \forall integer j; 0 <= j < 32 ==> pk[j] == key[j];
  ensures ok == 0 ==> \forall integer j; 0 <= j < 32 ==> pk[j] == 0;
*/
static void emit_key(uint8_t *pk, const uint8_t *key, int ok)
{
    /*@ loop invariant 0 <= i <= 32;
        loop invariant \forall integer j; 0 <= j < i ==> pk[j] == (ok != 0 ? key[j] : 0);
        loop assigns i, pk[0 .. 31];
        loop variant 32 - i; */
    for (size_t i = 0; i < 32; i++)
        pk[i] = ok != 0 ? key[i] : 0u;
}

mxt_xsk_reason mxt_xs_key_check(const mxt_json_doc *doc, uint32_t obj,
                                const uint8_t *user, size_t user_len, mxt_xs_role role,
                                uint8_t pk[32], mxt_xs_key_facts *facts)
{
    uint8_t key[32];
    mxt_xs_key_facts lf;
    size_t role_len = 0;
    const uint8_t *rname = role_name(role, &role_len);

    lf.is_object = 0;
    lf.user = MXT_XSF_ABSENT;
    lf.usage = MXT_XSF_ABSENT;
    lf.usage_len = 0;
    lf.usage_nonstring = 0;
    lf.usage_role = 0;
    lf.keys = MXT_XSF_ABSENT;
    lf.keys_len = 0;
    lf.value_string = 0;
    lf.value_b64 = 0;
    lf.value_len = 0;
    lf.decoded_len = 0;
    lf.id_ed25519 = 0;
    lf.id_matches = 0;

    if (doc->tok[obj].type == MXT_JSON_OBJECT) {
        uint8_t ufact;
        uint32_t t = mxt_json_get(doc, obj, S_USER_ID, 7);
        if (t == MXT_JSON_NONE)
            ufact = MXT_XSF_ABSENT;
        else if (doc->tok[t].type != MXT_JSON_STRING)
            ufact = MXT_XSF_BAD_TYPE;
        else if (mxt_json_str_eq(doc, t, user, user_len) == 1)
            ufact = MXT_XSF_MATCH;
        else
            ufact = MXT_XSF_DIFFERENT;
        uint32_t u = mxt_json_get(doc, obj, S_USAGE, 5);
        uint32_t k = mxt_json_get(doc, obj, S_KEYS, 4);
        lf.is_object = 1;
        lf.user = ufact;
        observe_usage(doc, u, rname, role_len, &lf);
        observe_keys(doc, k, &lf, key);
    }

    mxt_xsk_reason r = mxt_xs_key_decide(&lf);
    *facts = lf;
    //@ assert r == xsk_reason(*facts);
    emit_key(pk, key, r == MXT_XSK_OK);
    return r;
}

const char *mxt_xsk_reason_name(mxt_xsk_reason r)
{
    switch (r) {
    case MXT_XSK_OK: return "OK";
    case MXT_XSK_NOT_OBJECT: return "NOT_OBJECT";
    case MXT_XSK_NO_USER_ID: return "NO_USER_ID";
    case MXT_XSK_USER_ID_TYPE: return "USER_ID_TYPE";
    case MXT_XSK_WRONG_USER: return "WRONG_USER";
    case MXT_XSK_NO_USAGE: return "NO_USAGE";
    case MXT_XSK_USAGE_TYPE: return "USAGE_TYPE";
    case MXT_XSK_WRONG_USAGE: return "WRONG_USAGE";
    case MXT_XSK_USAGE_EXTRA: return "USAGE_EXTRA";
    case MXT_XSK_NO_KEYS: return "NO_KEYS";
    case MXT_XSK_KEYS_TYPE: return "KEYS_TYPE";
    case MXT_XSK_SEVERAL_KEYS: return "SEVERAL_KEYS";
    case MXT_XSK_KEY_VALUE_TYPE: return "KEY_VALUE_TYPE";
    case MXT_XSK_KEY_BASE64: return "KEY_BASE64";
    case MXT_XSK_KEY_LENGTH: return "KEY_LENGTH";
    case MXT_XSK_KEY_PADDED: return "KEY_PADDED";
    case MXT_XSK_KEY_ALGORITHM: return "KEY_ALGORITHM";
    case MXT_XSK_KEY_ID_MISMATCH: return "KEY_ID_MISMATCH";
    default: return "?";
    }
}
