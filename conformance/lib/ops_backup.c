/*
 * Backup operations (conformance/OPS.md): recovery keys and session_data decryption (BK-FMT), the
 * shapes of auth_data and backed-up sessions (BK-FMT, through core/bk_fmt.h), and the two profiles
 * of signed / authenticated key backup (SKB, core/skb.h).
 *
 * Every JSON text is read with the core reader (strict numbers), so signatures and MACs are checked
 * over the bytes that were received. The glue only gathers facts (a signature verdict, a MAC
 * verdict, which field name was used); the proven core decides.
 */
#include "ops_backup.h"
#include "identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "b64.h"
#include "backup_crypto.h"
#include "bk_fmt.h"
#include "ops_families.h"
#include "recovery_key.h"
#include "signed_json.h"

/* ---- small readers over the core's JSON document ------------------------------------------- */

/* Member `name` of object token `obj`, or MXT_JSON_NONE. */
static uint32_t member(const mxt_json_doc *doc, uint32_t obj, const char *name)
{
    return mxt_json_get(doc, obj, (const uint8_t *)name, strlen(name));
}

/* The unescaped value of string token t as a heap NUL-terminated copy (*n bytes); NULL when t is
 * absent, not a string, or holds a NUL. */
static char *string_of(const mxt_json_doc *doc, uint32_t t, size_t *n)
{
    if (t == MXT_JSON_NONE || doc->tok[t].type != MXT_JSON_STRING)
        return NULL;
    size_t cap = (size_t)doc->tok[t].len + 1, got = 0; /* unescaping never lengthens */
    char *s = malloc(cap);
    if (!s)
        return NULL;
    if (mxt_json_str(doc, t, (uint8_t *)s, cap, &got) != MXT_OK || got >= cap ||
        memchr(s, 0, got)) {
        free(s);
        return NULL;
    }
    s[got] = 0;
    if (n)
        *n = got;
    return s;
}

/* Base64 (lenient: padded or not, SIG-006) of exactly `want` bytes into out. 0 or -1. */
static int b64_exact(const char *s, size_t n, uint8_t *out, size_t want)
{
    size_t cap = n / 4 * 3 + 3, got = 0;
    uint8_t *buf = malloc(cap);
    mxt_where w = {MXT_NO_OFFSET};
    int ok = buf && mxt_b64_decode(s, n, MXT_B64_LENIENT, buf, cap, &got, &w) == MXT_OK &&
             got == want;
    if (ok)
        memcpy(out, buf, want);
    free(buf);
    return ok ? 0 : -1;
}

/* String member `name` of object `obj` decoded from base64 into exactly `want` bytes. */
static int b64_member(const mxt_json_doc *doc, uint32_t obj, const char *name, uint8_t *out,
                      size_t want)
{
    size_t n = 0;
    char *s = string_of(doc, member(doc, obj, name), &n);
    int r = s ? b64_exact(s, n, out, want) : -1;
    free(s);
    return r;
}

/* mxt_op_text_read with the canonical-JSON number profile (signed or canonicalised inputs). */
static int read_text(const cJSON *input, const char *name, mxt_op_text *t, mxt_outcome *out)
{
    return mxt_op_text_read(input, name, MXT_NUM_STRICT, t, out);
}

/* A v1 session_data (BK-FMT-003) is neither signed nor canonicalised: no rule asks for canonical
 * numbers in it, so an unrelated member such as 10E-1 does not stop decryption (the normalising
 * profile). Duplicate member names are still refused (which ciphertext would be meant?). */
static int read_session_data(const cJSON *input, const char *name, mxt_op_text *t, mxt_outcome *out)
{
    return mxt_op_text_read(input, name, MXT_NUM_NORMALISE, t, out);
}

/* A 32-byte key given as base64 in input member `name`. */
static int read_key32(const cJSON *input, const char *name, uint8_t key[32], mxt_outcome *out)
{
    int bad = 0;
    const char *s = mxt_in_str(input, name, NULL, &bad, out);
    if (bad)
        return -1;
    if (!s)
        return mxt_op_error(out, "input.%s: missing", name);
    if (b64_exact(s, strlen(s), key, 32) != 0)
        return mxt_op_error(out, "input.%s: not base64 of 32 bytes", name);
    return 0;
}

/* ---- BK-FMT: recovery keys ------------------------------------------------------------------- */

void op_recovery_key_decode(const cJSON *input, mxt_outcome *out)
{
    size_t n = 0;
    uint8_t *text = mxt_in_bytes(input, "recovery_key", &n, out);
    if (!text)
        return;
    uint8_t raw[35], key[32];
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_rk_decode((const char *)text, n, raw, key, &w);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, &w);
    } else {
        char *hex = mxt_hex_encode(key, sizeof key);
        if (!hex || mxt_outcome_set(out, "ok", NULL, NULL) != 0)
            mxt_op_error(out, "out of memory");
        else
            out->output = cJSON_CreateString(hex);
        free(hex);
    }
    sodium_memzero(key, sizeof key);
    sodium_memzero(raw, sizeof raw);
    free(text);
}

void op_recovery_key_encode(const cJSON *input, mxt_outcome *out)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(input, "hex");
    size_t n = 0;
    uint8_t *key = cJSON_IsString(h) ? mxt_hex_decode(h->valuestring, &n) : NULL;
    if (!key || n != 32) {
        free(key);
        mxt_op_error(out, "input.hex: not 64 hex digits (a 32-byte key)");
        return;
    }
    char disp[MXT_RK_DISPLAY_LEN + 1];
    size_t got = 0;
    mxt_status st = mxt_rk_encode(key, MXT_RK_DISPLAY, disp, sizeof disp - 1, &got);
    sodium_memzero(key, n);
    free(key);
    if (st != MXT_OK) {
        mxt_op_error(out, "mxt_rk_encode: %s", mxt_status_name(st));
        return;
    }
    disp[got] = 0;
    mxt_outcome_set(out, "ok", NULL, NULL);
    out->output = cJSON_CreateString(disp);
}

/* ---- BK-FMT: session_data decryption ---------------------------------------------------------- */

/* The shape check's verdict as an outcome: reject with reason = the problem (MISSING, WRONG_TYPE,
 * BASE64, LENGTH, VALUE) and a message naming the member and the rule. Returns 0 when the shape
 * is fine (out untouched), else -1 (out set; TOO_LONG, not a verdict, is an error). */
static int shape_outcome(const mxt_bkf_result *r, const char *what, const char *rule,
                         mxt_outcome *out)
{
    if (r->member == MXT_BKF_M_NONE && r->problem == MXT_BKF_P_OK)
        return 0;
    if (r->problem == MXT_BKF_P_TOO_LONG)
        return mxt_op_error(out, "%s.%s: longer than the scratch buffer", what,
                            mxt_bkf_member_name(r->member));
    char msg[160];
    snprintf(msg, sizeof msg, "%s%s%s: %s, rule %s", what, r->member == MXT_BKF_M_ROOT ? "" : ".",
             r->member == MXT_BKF_M_ROOT ? "" : mxt_bkf_member_name(r->member),
             mxt_bkf_problem_name(r->problem), rule);
    mxt_outcome_set(out, "reject", mxt_bkf_problem_name(r->problem), msg);
    return -1;
}

/* BK-FMT-003 through the core: the shape of session_data object token 0. 0 or -1 (out set). */
static int session_data_ok(const mxt_json_doc *d, mxt_outcome *out)
{
    uint8_t *scratch = malloc((size_t)d->in_len + 1);
    if (!scratch)
        return mxt_op_error(out, "out of memory");
    mxt_bkf_result r;
    mxt_bkf_session_data(d, 0, scratch, (size_t)d->in_len + 1, &r);
    free(scratch);
    return shape_outcome(&r, "session_data", "BK-FMT-003", out);
}

void op_backup_decrypt(const cJSON *input, mxt_outcome *out)
{
    uint8_t priv[32], eph[32], mac[MXT_BK_MAC_LEN];
    if (read_key32(input, "private_key", priv, out) != 0)
        return;
    mxt_op_text sd;
    if (read_session_data(input, "session_data", &sd, out) != 0)
        return;
    const mxt_json_doc *d = &sd.doc;
    uint8_t *ct = NULL, *pt = NULL;
    size_t ct_len = 0, pt_len = 0;
    char *ct64 = NULL;
    if (session_data_ok(d, out) != 0)
        goto done;
    /* The shape check passed: the three members are base64 of the right lengths. */
    ct64 = string_of(d, member(d, 0, "ciphertext"), &ct_len);
    if (ct64) {
        size_t cap = ct_len / 4 * 3 + 3, got = 0;
        mxt_where w;
        ct = malloc(cap);
        if (ct && mxt_b64_decode(ct64, ct_len, MXT_B64_LENIENT, ct, cap, &got, &w) == MXT_OK)
            ct_len = got;
        else {
            free(ct);
            ct = NULL;
        }
    }
    if (!ct || b64_member(d, 0, "ephemeral", eph, 32) != 0 ||
        b64_member(d, 0, "mac", mac, sizeof mac) != 0) {
        mxt_op_error(out, "session_data passed the shape check but a member does not decode");
        goto done;
    }
    mxt_bkc_status bs = mxt_bk_decrypt(priv, eph, ct, ct_len, mac, sizeof mac, &pt, &pt_len);
    switch (bs) {
    case MXT_BKC_OK:
        if (memchr(pt, 0, pt_len)) {
            mxt_op_error(out, "plaintext contains a NUL byte (cannot be reported)");
        } else {
            mxt_outcome_set(out, "ok", NULL, NULL);
            out->output = cJSON_CreateString((const char *)pt);
        }
        break;
    case MXT_BKC_OK_CIPHERTEXT_MAC:
        mxt_outcome_set(out, "reject", "MAC_OVER_CIPHERTEXT",
                        "BK-FMT-005: the MAC is over the ciphertext, not the empty string");
        break;
    case MXT_BKC_BAD_MAC:
        mxt_outcome_set(out, "reject", "MAC_MISMATCH", "BK-FMT-005: the MAC does not match");
        break;
    case MXT_BKC_BAD_LENGTH:
        mxt_outcome_set(out, "reject", "LENGTH",
                        "BK-FMT-003: ciphertext empty or not a whole number of AES blocks");
        break;
    case MXT_BKC_BAD_PADDING:
        mxt_outcome_set(out, "reject", "BAD_PADDING", "BK-FMT-004: invalid PKCS#7 padding");
        break;
    case MXT_BKC_BAD_POINT:
        mxt_outcome_set(out, "reject", "BAD_POINT", "BK-FMT-004: low-order ephemeral key");
        break;
    case MXT_BKC_CRYPTO_ERROR:
    case MXT_BKC_NOMEM:
        mxt_op_error(out, "mxt_bk_decrypt: %s", mxt_bkc_status_name(bs));
        break;
    }
done:
    if (pt) {
        sodium_memzero(pt, pt_len);
        free(pt);
    }
    free(ct);
    free(ct64);
    mxt_op_text_free(&sd);
    sodium_memzero(priv, sizeof priv);
}

/* ---- BK-FMT: shapes ------------------------------------------------------------------------ */

void op_backup_auth_data(const cJSON *input, mxt_outcome *out)
{
    mxt_op_text t;
    if (read_text(input, "json", &t, out) != 0)
        return;
    mxt_bkf_result r;
    mxt_bkf_auth_data(&t.doc, 0, NULL, &r);
    if (shape_outcome(&r, "auth_data", "BK-FMT-001", out) == 0)
        mxt_outcome_set(out, "ok", NULL, NULL);
    mxt_op_text_free(&t);
}

void op_session_data_shape(const cJSON *input, mxt_outcome *out)
{
    mxt_op_text t;
    if (read_session_data(input, "json", &t, out) != 0)
        return;
    if (session_data_ok(&t.doc, out) == 0)
        mxt_outcome_set(out, "ok", NULL, NULL);
    mxt_op_text_free(&t);
}

void op_backed_up_session(const cJSON *input, mxt_outcome *out)
{
    mxt_op_text t;
    if (read_text(input, "json", &t, out) != 0)
        return;
    mxt_bkf_result r;
    mxt_bkf_session_plain(&t.doc, 0, &r);
    if (shape_outcome(&r, "session", "BK-FMT-006/007", out) == 0)
        mxt_outcome_set(out, "ok", NULL, NULL);
    mxt_op_text_free(&t);
}

/* ---- SKB, seed-001 profile ---------------------------------------------------------------------- */

const char *mxt_opb_skb1_reason(mxt_skb1_reason r)
{
    switch (r) {
    case MXT_SKB1_AUTHENTICATED: return "AUTHENTICATED";
    case MXT_SKB1_SIGNED_NOT_CLAIMED: return "SIGNED_NOT_CLAIMED";
    case MXT_SKB1_NO_SIGNING_KEY: return "NO_SIGNING_KEY";
    case MXT_SKB1_SIGNING_KEY_NOT_TRUSTED: return "SIGNING_KEY_NOT_TRUSTED";
    case MXT_SKB1_SIGNATURE_NOT_VALID: return "SIGNATURE_NOT_VALID";
    }
    return "UNKNOWN";
}

/* SKB-002: the backup signing key of auth_data, under the stable name first, then the unstable
 * ones. The first name present decides: a value that is not base64 of 32 bytes is MALFORMED. */
static mxt_skb_signing_key_field signing_key_of(const mxt_json_doc *ad, uint8_t pk[32])
{
    static const struct { const char *name; mxt_skb_signing_key_field field; } names[] = {
        {"signing_public_key", MXT_SKB_SK_STABLE},
        {"org.matrix.mscxxxx.signing_public_key", MXT_SKB_SK_UNSTABLE_MSCXXXX},
        {"org.matrix.msc4048.signing_public_key", MXT_SKB_SK_UNSTABLE_MSC4048},
    };
    if (ad->tok[0].type != MXT_JSON_OBJECT)
        return MXT_SKB_SK_ABSENT;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (member(ad, 0, names[i].name) == MXT_JSON_NONE)
            continue;
        return b64_member(ad, 0, names[i].name, pk, 32) == 0 ? names[i].field
                                                             : MXT_SKB_SK_MALFORMED;
    }
    return MXT_SKB_SK_ABSENT;
}

/* SKB-005: SessionData's authenticated flag (stable name first, then the seed's unstable name). */
static mxt_skb_auth_flag auth_flag_of(const mxt_json_doc *sd)
{
    static const char *const names[] = {"authenticated", "org.matrix.mscxxxx.authenticated"};
    for (size_t i = 0; i < 2; i++) {
        uint32_t t = member(sd, 0, names[i]);
        if (t == MXT_JSON_NONE)
            continue;
        return sd->tok[t].type == MXT_JSON_TRUE    ? MXT_SKB_FLAG_TRUE
               : sd->tok[t].type == MXT_JSON_FALSE ? MXT_SKB_FLAG_FALSE
                                                   : MXT_SKB_FLAG_MALFORMED;
    }
    return MXT_SKB_FLAG_ABSENT;
}

/* mxt_sig_check on object token 0 (identity.h's wrapper). 0, or -1 (no memory or a call outside
 * the contract). */
static int sig_verdict(const mxt_json_doc *doc, const char *user, const char *key_id,
                       const uint8_t pk[32], mxt_sig_verdict *v)
{
    return mxt_id_sig(doc, 0, user, key_id, pk, v);
}

void op_skb_session(const cJSON *input, mxt_outcome *out)
{
    int bad = 0;
    const char *user = mxt_in_str(input, "user_id", NULL, &bad, out);
    if (bad)
        return;
    if (!user) {
        mxt_op_error(out, "input.user_id: missing");
        return;
    }
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(input, "auth_data_trusted");
    if (!cJSON_IsBool(tr)) {
        mxt_op_error(out, "input.auth_data_trusted: missing or not a boolean");
        return;
    }
    mxt_op_text ad, sd;
    if (read_text(input, "auth_data", &ad, out) != 0)
        return;
    if (read_text(input, "session_data", &sd, out) != 0) {
        mxt_op_text_free(&ad);
        return;
    }
    mxt_skb1_facts f;
    memset(&f, 0, sizeof f);
    uint8_t pk[32];
    f.signing_key = signing_key_of(&ad.doc, pk);
    f.auth_data_signature_trusted = cJSON_IsTrue(tr);
    f.mac = MXT_SKB_MAC_ABSENT; /* a plaintext SessionData carries no v1 mac */
    f.signature = MXT_SIG_MISSING;
    if (sd.doc.tok[0].type != MXT_JSON_OBJECT) {
        mxt_outcome_set(out, "reject", "E_TYPE", "SKB-004: session_data is not an object");
        goto done;
    }
    f.authenticated = auth_flag_of(&sd.doc);
    if (f.signing_key != MXT_SKB_SK_ABSENT && f.signing_key != MXT_SKB_SK_MALFORMED) {
        /* The seed does not name the signing entity: the user's ID, key ID ed25519:<key>. */
        char key_id[8 + MXT_B64_ENCODED_LEN(32u) + 1];
        size_t got = 0;
        memcpy(key_id, "ed25519:", 8);
        if (mxt_b64_encode(pk, 32, key_id + 8, sizeof key_id - 9, &got) != MXT_OK) {
            mxt_op_error(out, "mxt_b64_encode failed");
            goto done;
        }
        key_id[8 + got] = 0;
        if (sig_verdict(&sd.doc, user, key_id, pk, &f.signature) != 0) {
            mxt_op_error(out, "mxt_sig_check failed (memory or arguments)");
            goto done;
        }
    }
    mxt_skb1_decision dec = mxt_skb1_decide(&f);
    mxt_outcome_set(out, dec.authenticated ? "authenticated" : "unauthenticated",
                    mxt_opb_skb1_reason(dec.reason), NULL);
done:
    mxt_op_text_free(&sd);
    mxt_op_text_free(&ad);
}

/* ---- SKB, MSC4048 profile ----------------------------------------------------------------------- */

mxt_bkt_algorithm mxt_opb_algorithm(const char *name)
{
    if (!name)
        return MXT_BKT_ALG_OTHER;
    if (strcmp(name, "m.megolm_backup.v1.curve25519-aes-sha2") == 0)
        return MXT_BKT_ALG_MEGOLM_V1;
    if (strcmp(name, "m.backup.v2.curve25519-aes-sha2") == 0 ||
        strcmp(name, "org.matrix.msc4048.curve25519-aes-sha2") == 0)
        return MXT_BKT_ALG_V2;
    return MXT_BKT_ALG_OTHER;
}

mxt_skb_unauth_field mxt_opb_unauth_field(const char *value)
{
    if (!value)
        return MXT_SKB_UNAUTH_ABSENT;
    if (strcmp(value, "m.undefined") == 0)
        return MXT_SKB_UNAUTH_UNDEFINED;
    if (strcmp(value, "m.legacy-v1") == 0)
        return MXT_SKB_UNAUTH_LEGACY_V1;
    if (strcmp(value, "m.forwarded_room_key") == 0)
        return MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY;
    return MXT_SKB_UNAUTH_UNKNOWN;
}

const char *mxt_opb_source_word(mxt_skb_source s)
{
    switch (s) {
    case MXT_SKB_SRC_AUTHENTICATED: return "authenticated";
    case MXT_SKB_SRC_UNDEFINED: return "m.undefined";
    case MXT_SKB_SRC_LEGACY_V1: return "m.legacy-v1";
    case MXT_SKB_SRC_FORWARDED_ROOM_KEY: return "m.forwarded_room_key";
    }
    return "m.undefined";
}

const char *mxt_opb_skb2_reason(mxt_skb2_reason r)
{
    switch (r) {
    case MXT_SKB2_AUTHENTICATED: return "AUTHENTICATED";
    case MXT_SKB2_UNAUTHENTICATED_STATED: return "UNAUTHENTICATED_STATED";
    case MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC: return "UNAUTHENTICATED_V1_NO_BACKUP_MAC";
    case MXT_SKB2_UNAUTHENTICATED_V1_POLICY: return "UNAUTHENTICATED_V1_POLICY";
    case MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM: return "IGNORED_UNKNOWN_ALGORITHM";
    case MXT_SKB2_IGNORED_MISSING_BACKUP_MAC: return "IGNORED_MISSING_BACKUP_MAC";
    case MXT_SKB2_IGNORED_INVALID_BACKUP_MAC: return "IGNORED_INVALID_BACKUP_MAC";
    case MXT_SKB2_IGNORED_V1_MAC: return "IGNORED_V1_MAC";
    }
    return "UNKNOWN";
}

int mxt_opb_backup_mac_check(const mxt_json_doc *doc, const uint8_t priv[32],
                             mxt_skb_mac_check *verdict)
{
    *verdict = MXT_SKB_MAC_ABSENT;
    if (doc->tok[0].type != MXT_JSON_OBJECT)
        return 0;
    uint32_t u = member(doc, 0, "unsigned");
    if (u == MXT_JSON_NONE || doc->tok[u].type != MXT_JSON_OBJECT)
        return 0;
    uint32_t t = member(doc, u, "backup_mac");
    if (t == MXT_JSON_NONE)
        t = member(doc, u, "org.matrix.msc4048.backup_mac");
    if (t == MXT_JSON_NONE)
        return 0;
    *verdict = MXT_SKB_MAC_INVALID;
    size_t n = 0;
    char *given64 = string_of(doc, t, &n);
    uint8_t given[32], want[32], mk[32];
    char want64[MXT_BK_BACKUP_MAC_B64_LEN + 1];
    int rc = 0;
    if (!given64 || b64_exact(given64, n, given, 32) != 0)
        goto done;
    if (mxt_bk_backup_mac_key(priv, mk) != MXT_BKC_OK) {
        rc = -1;
        goto done;
    }
    int core = 0;
    mxt_bkc_status bs = mxt_bk_backup_mac(mk, doc->in, doc->in_len, want64, &core);
    if (bs != MXT_BKC_OK) {
        rc = bs == MXT_BKC_BAD_LENGTH ? 0 : -1; /* BAD_LENGTH: the core refused the text */
        goto done;
    }
    if (b64_exact(want64, MXT_BK_BACKUP_MAC_B64_LEN, want, 32) != 0) {
        rc = -1;
        goto done;
    }
    if (sodium_memcmp(given, want, 32) == 0)
        *verdict = MXT_SKB_MAC_VALID;
done:
    sodium_memzero(mk, sizeof mk);
    free(given64);
    return rc;
}

int mxt_opb_v1_mac_check(const mxt_json_doc *doc, const uint8_t priv[32],
                         mxt_skb_mac_check *verdict)
{
    *verdict = MXT_SKB_MAC_ABSENT;
    if (doc->tok[0].type != MXT_JSON_OBJECT || member(doc, 0, "mac") == MXT_JSON_NONE)
        return 0;
    *verdict = MXT_SKB_MAC_INVALID;
    uint8_t eph[32], given[MXT_BK_MAC_LEN], shared[32], okm[80], full[32];
    if (b64_member(doc, 0, "mac", given, sizeof given) != 0 ||
        b64_member(doc, 0, "ephemeral", eph, sizeof eph) != 0)
        return 0;
    if (sodium_init() < 0)
        return -1;
    int rc = 0;
    if (crypto_scalarmult(shared, priv, eph) != 0) /* low-order point: no key, no valid MAC */
        goto done;
    if (mxt_bk_kdf(shared, okm) != MXT_BKC_OK ||
        mxt_bk_hmac_sha256(okm + 32, NULL, 0, full) != MXT_BKC_OK) {
        rc = -1;
        goto done;
    }
    if (sodium_memcmp(full, given, sizeof given) == 0)
        *verdict = MXT_SKB_MAC_VALID;
done:
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(okm, sizeof okm);
    return rc;
}

void op_skb_backup_mac(const cJSON *input, mxt_outcome *out)
{
    int bad = 0;
    const char *alg = mxt_in_str(input, "algorithm", NULL, &bad, out);
    if (bad)
        return;
    if (!alg) {
        mxt_op_error(out, "input.algorithm: missing");
        return;
    }
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(input, "unauthenticated");
    mxt_skb2_facts f;
    memset(&f, 0, sizeof f);
    if (!u || cJSON_IsNull(u))
        f.unauthenticated = MXT_SKB_UNAUTH_ABSENT;
    else if (cJSON_IsString(u))
        f.unauthenticated = mxt_opb_unauth_field(u->valuestring);
    else
        f.unauthenticated = MXT_SKB_UNAUTH_UNKNOWN; /* not a string: m.undefined (SKB-012) */
    int v1u = mxt_in_bool(input, "v1_keys_unauthenticated", 0, out);
    if (v1u < 0)
        return;
    f.v1_keys_unauthenticated = v1u != 0;
    f.backup_algorithm = mxt_opb_algorithm(alg);
    uint8_t priv[32];
    if (read_key32(input, "private_key", priv, out) != 0)
        return;
    mxt_op_text sd;
    if (read_text(input, "session_data", &sd, out) != 0) {
        sodium_memzero(priv, sizeof priv);
        return;
    }
    if (sd.doc.tok[0].type != MXT_JSON_OBJECT) {
        mxt_outcome_set(out, "reject", "E_TYPE", "SKB-011: session_data is not an object");
        goto done;
    }
    if (mxt_opb_backup_mac_check(&sd.doc, priv, &f.backup_mac) != 0 ||
        mxt_opb_v1_mac_check(&sd.doc, priv, &f.v1_mac) != 0) {
        mxt_op_error(out, "backup MAC computation failed (crypto library or memory)");
        goto done;
    }
    mxt_skb2_decision dec = mxt_skb2_decide(&f);
    mxt_outcome_set(out, dec.accept ? "accept" : "ignore", mxt_opb_skb2_reason(dec.reason), NULL);
    if (dec.accept)
        out->output = cJSON_CreateString(mxt_opb_source_word(dec.source));
done:
    mxt_op_text_free(&sd);
    sodium_memzero(priv, sizeof priv);
}
