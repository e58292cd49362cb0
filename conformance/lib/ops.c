/* The operation registry: in-process execution of OPS.md operations against the core. */
#define _POSIX_C_SOURCE 200809L
#include "ops.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "canon.h"
#include "json.h"
#include "ops_families.h"
#include "ops_client.h"

/* ---- helpers ---------------------------------------------------------------------------- */

int mxt_op_error(mxt_outcome *out, const char *fmt, ...)
{
    mxt_outcome_clear(out);
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    mxt_outcome_set(out, "error", NULL, buf);
    return -1;
}

char *mxt_hex_encode(const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[b[i] >> 4];
        s[2 * i + 1] = digits[b[i] & 15];
    }
    s[2 * n] = 0;
    return s;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *mxt_hex_decode(const char *s, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2)
        return NULL;
    uint8_t *b = malloc(n / 2 + 1);
    if (!b)
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int h = hexval(s[2 * i]), l = hexval(s[2 * i + 1]);
        if (h < 0 || l < 0) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(h * 16 + l);
    }
    b[n / 2] = 0;
    *len = n / 2;
    return b;
}

uint8_t *mxt_in_bytes(const cJSON *input, const char *name, size_t *len, mxt_outcome *out)
{
    char b64name[128];
    snprintf(b64name, sizeof b64name, "%s_b64", name);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(input, name);
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(input, b64name);
    if (t && h) {
        mxt_op_error(out, "input: both %s and %s given", name, b64name);
        return NULL;
    }
    if (h) {
        if (!cJSON_IsString(h)) {
            mxt_op_error(out, "input.%s: not a string", b64name);
            return NULL;
        }
        size_t n = strlen(h->valuestring), cap = n / 4 * 3 + 3;
        uint8_t *b = malloc(cap + 1);
        mxt_where w = {MXT_NO_OFFSET};
        if (!b || mxt_b64_decode(h->valuestring, n, MXT_B64_LENIENT, b, cap, len, &w) != MXT_OK) {
            free(b);
            mxt_op_error(out, "input.%s: not base64", b64name);
            return NULL;
        }
        b[*len] = 0;
        return b;
    }
    if (!t) {
        mxt_op_error(out, "input.%s: missing", name);
        return NULL;
    }
    if (!cJSON_IsString(t)) {
        mxt_op_error(out, "input.%s: not a string", name);
        return NULL;
    }
    *len = strlen(t->valuestring);
    uint8_t *b = malloc(*len + 1);
    if (!b) {
        mxt_op_error(out, "out of memory");
        return NULL;
    }
    memcpy(b, t->valuestring, *len + 1);
    return b;
}

int mxt_in_bool(const cJSON *input, const char *name, int dflt, mxt_outcome *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(input, name);
    if (!t)
        return dflt;
    if (!cJSON_IsBool(t))
        return mxt_op_error(out, "input.%s: not a boolean", name);
    return cJSON_IsTrue(t) ? 1 : 0;
}

const char *mxt_in_str(const cJSON *input, const char *name, const char *dflt, int *bad,
                       mxt_outcome *out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(input, name);
    *bad = 0;
    if (!t)
        return dflt;
    if (!cJSON_IsString(t)) {
        *bad = 1;
        mxt_op_error(out, "input.%s: not a string", name);
        return NULL;
    }
    return t->valuestring;
}

/* Sets a rejection outcome from a core status: reason = status name, message with the place. */
void mxt_op_reject(mxt_outcome *out, const char *word, mxt_status st, const mxt_where *w)
{
    char msg[160];
    const char *rule = mxt_status_rule(st);
    if (w && w->offset != MXT_NO_OFFSET)
        snprintf(msg, sizeof msg, "at byte %zu%s%s", w->offset, rule[0] ? ", rule " : "", rule);
    else
        snprintf(msg, sizeof msg, "%s%s", rule[0] ? "rule " : "", rule);
    mxt_outcome_set(out, word, mxt_status_name(st), msg[0] ? msg : NULL);
}

/* Parses text with a heap token array sized for the worst case (a token per byte). */
mxt_status mxt_op_parse(const uint8_t *text, size_t len, mxt_num_profile prof,
                        mxt_json_token **tok, mxt_json_doc *doc, mxt_where *w)
{
    size_t cap = len + 1;
    if (cap > UINT32_MAX - 1)
        return MXT_E_TOO_LARGE;
    *tok = malloc(cap * sizeof **tok);
    if (!*tok)
        return MXT_E_TOKENS;
    mxt_json_opts opts = {0, prof};
    w->offset = MXT_NO_OFFSET;
    return mxt_json_parse(text, len, *tok, (uint32_t)cap, &opts, doc, w);
}

void mxt_op_text_free(mxt_op_text *t)
{
    free(t->tok);
    free(t->bytes);
    memset(t, 0, sizeof *t);
}

int mxt_op_text_read(const cJSON *input, const char *name, mxt_num_profile prof, mxt_op_text *t,
                     mxt_outcome *out)
{
    memset(t, 0, sizeof *t);
    t->bytes = mxt_in_bytes(input, name, &t->len, out);
    if (!t->bytes)
        return -1;
    mxt_where w;
    mxt_status st = mxt_op_parse(t->bytes, t->len, prof, &t->tok, &t->doc, &w);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, &w);
        mxt_op_text_free(t);
        return -1;
    }
    return 0;
}

/* ---- operations --------------------------------------------------------------------------- */

static void op_canonical_json(const cJSON *input, mxt_outcome *out)
{
    int bad;
    const char *profile = mxt_in_str(input, "profile", "strict", &bad, out);
    if (bad)
        return;
    mxt_num_profile prof;
    if (strcmp(profile, "strict") == 0)
        prof = MXT_NUM_STRICT;
    else if (strcmp(profile, "normalise") == 0)
        prof = MXT_NUM_NORMALISE;
    else {
        mxt_op_error(out, "input.profile: \"%.60s\" is neither \"strict\" nor \"normalise\"",
                     profile);
        return;
    }
    size_t len = 0;
    uint8_t *text = mxt_in_bytes(input, "json", &len, out);
    if (!text)
        return;
    mxt_json_token *tok = NULL;
    mxt_json_doc doc;
    mxt_where w;
    mxt_status st = mxt_op_parse(text, len, prof, &tok, &doc, &w);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, &w);
        goto done;
    }
    size_t need = 0;
    st = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, NULL, 0, &need);
    if (st != MXT_OK && st != MXT_E_BUFFER_SMALL) {
        mxt_op_reject(out, "reject", st, NULL);
        goto done;
    }
    uint8_t *buf = malloc(need + 1);
    if (!buf) {
        mxt_op_error(out, "out of memory");
        goto done;
    }
    size_t got = 0;
    st = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, buf, need, &got);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, NULL);
    } else {
        buf[got] = 0;
        if (memchr(buf, 0, got))
            mxt_op_error(out, "canonical output contains a NUL byte (cannot be reported)");
        else {
            mxt_outcome_set(out, "ok", NULL, NULL);
            out->output = cJSON_CreateString((const char *)buf);
        }
    }
    free(buf);
done:
    free(tok);
    free(text);
}

static void op_base64_decode(const cJSON *input, mxt_outcome *out)
{
    int strict = mxt_in_bool(input, "strict", 0, out);
    if (strict < 0)
        return;
    size_t len = 0;
    uint8_t *data = mxt_in_bytes(input, "data", &len, out);
    if (!data)
        return;
    uint8_t *bytes = malloc(len / 4 * 3 + 3);
    if (!bytes) {
        free(data);
        mxt_op_error(out, "out of memory");
        return;
    }
    size_t n = 0;
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_b64_decode((const char *)data, len, strict ? MXT_B64_STRICT : MXT_B64_LENIENT,
                                   bytes, len / 4 * 3 + 3, &n, &w);
    if (st != MXT_OK) {
        mxt_op_reject(out, "reject", st, &w);
    } else {
        char *hex = mxt_hex_encode(bytes, n);
        mxt_outcome_set(out, "ok", NULL, NULL);
        out->output = hex ? cJSON_CreateString(hex) : NULL;
        free(hex);
    }
    free(bytes);
    free(data);
}

static void op_base64_encode(const cJSON *input, mxt_outcome *out)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(input, "hex");
    if (!h) {
        mxt_op_error(out, "input.hex: missing");
        return;
    }
    size_t n = 0;
    uint8_t *bytes = cJSON_IsString(h) ? mxt_hex_decode(h->valuestring, &n) : NULL;
    if (!bytes) {
        mxt_op_error(out, "input.hex: not a string of hex digit pairs");
        return;
    }
    size_t cap = MXT_B64_ENCODED_LEN(n) + 1, got = 0;
    char *b64 = malloc(cap);
    mxt_status st = b64 ? mxt_b64_encode(bytes, n, b64, cap, &got) : MXT_E_BUFFER_SMALL;
    if (st != MXT_OK) {
        mxt_op_error(out, "base64 encoder failed: %s", mxt_status_name(st));
    } else {
        b64[got] = 0;
        mxt_outcome_set(out, "ok", NULL, NULL);
        out->output = cJSON_CreateString(b64);
    }
    free(b64);
    free(bytes);
}

/* The registry: one line per operation. */
static const mxt_op OPS[] = {
    {"canonical_json", op_canonical_json, "canonical JSON of a text (CJSON)"},
    {"base64_decode", op_base64_decode, "unpadded base64 decoding (SIG-006)"},
    {"base64_encode", op_base64_encode, "unpadded base64 encoding (SIG-006)"},
    {"better_key", op_better_key, "stored vs uploaded key: store, replace or keep (BK-BETTER)"},
    {"better_key_sequence", op_better_key_sequence, "the key a slot holds after uploads (BK-BETTER-004)"},
    {"verification_state", op_verification_state, "verification state of a decrypted event (SD-008)"},
    {"trust_requirement", op_trust_requirement, "decrypt gate per policy (SD-009)"},
    {"display_policy", op_display_policy, "seed 002 display policies (SD-010)"},
    {"sender_data_recalculate", op_sender_data_recalculate, "recalculated sender data replaces? (SD-005)"},
    {"sender_data_merge", op_sender_data_merge, "merging a received session copy (SD-012)"},
    {"recovery_key_decode", op_recovery_key_decode, "recovery key text to the backup key (BK-FMT-010)"},
    {"recovery_key_encode", op_recovery_key_encode, "display form of a backup key (BK-FMT-009)"},
    {"backup_decrypt", op_backup_decrypt, "decrypting a v1 session_data (BK-FMT-004/005)"},
    {"backup_auth_data", op_backup_auth_data, "shape of a v1 backup's auth_data (BK-FMT-001)"},
    {"session_data_shape", op_session_data_shape, "shape of an encrypted session_data (BK-FMT-003)"},
    {"backed_up_session", op_backed_up_session, "shape of a decrypted backed-up session (BK-FMT-006/007)"},
    {"skb_session", op_skb_session, "seed-001 signed backup: is a backed-up key authenticated (SKB-002..005)"},
    {"skb_backup_mac", op_skb_backup_mac, "MSC4048 backup_mac: accept or ignore a backed-up key (SKB-009..013)"},
    /* Client decisions (ops_client.c, core/client_flow.h) */
    {"verify_user_allowed", op_verify_user_allowed, "may verification of a user proceed (SIG-008)"},
    {"verification_key_fixed", op_verification_key_fixed, "a verification ends on the key it started with (SIG-008)"},
    {"master_key_from_device", op_master_key_from_device, "trust migrated from a verified device to a master key (XS-016)"},
    {"backup_key_metadata", op_backup_key_metadata, "metadata a client sends with a backed-up key (BK-BETTER-010)"},
    {"backup_key_metadata_check", op_backup_key_metadata_check, "does sent metadata describe the session (BK-BETTER-010)"},
    {"backup_upload_answer", op_backup_upload_answer, "what a client does with an upload answer (BK-TRUST-009)"},
    {"backup_create_signatures", op_backup_create_signatures, "signatures a creating client puts on auth_data (BK-TRUST-010)"},
    {"backup_refetch", op_backup_refetch, "must trust be decided again after a re-fetch (BK-TRUST-013)"},
    {"session_arrival", op_session_arrival, "how a Megolm session is taken in, by source (BK-TRUST-014, SD-001/007/017)"},
    {"key_backup_preference", op_key_backup_preference, "the m.key_backup account data (BK-TRUST-015)"},
    {"backup_secret_decode", op_backup_secret_decode, "the m.megolm_backup.v1 secret to the key (BK-FMT-011)"},
    {"skb1_signing_secret", op_skb1_signing_secret, "seed-001: is a secret the backup signing key (SKB-001)"},
    {"skb1_decide", op_skb1_decide, "seed-001: import decision over its facts, v1 mac included (SKB-006)"},
    {"skb1_enable_signing", op_skb1_enable_signing, "seed-001: adding the signing key means a new version (SKB-007)"},
    {"shield", op_shield, "shield colour and message of a verification state (SD-014)"},
    {"room_key_recipient", op_room_key_recipient, "does a device receive room keys (SD-015)"},
    {"restored_session_shareable", op_restored_session_shareable, "is a restored session shareable (SD-018)"},
    /* The identity operations (ops_identity.c) call mxt_sig_check: registered by themselves as soon
     * as core/signed_json.c is in the tree (MXT_HAVE_SIG_CHECK: a build that links another one).
     * Drop the guard once core/signed_json.c is committed. */
#if defined(MXT_HAVE_SIG_CHECK) || (defined(__has_include) && __has_include("signed_json.c"))
    {"verify_json", mxt_op_verify_json, "one signature on a signed JSON object (SIG)"},
    {"cross_signing_key", op_cross_signing_key, "one cross-signing key object for a user and role (XS-001/002)"},
    {"device_trust", op_device_trust, "cross-signing chain to a device over /keys/query (XS-006/007)"},
    {"backup_trust", op_backup_trust, "may a client trust a backup's auth_data (BK-TRUST-012)"},
    {"sender_data", op_sender_data, "sender data of a Megolm session at reception (SD-004/006/011)"},
#endif
};

const mxt_op *mxt_ops_all(size_t *n)
{
    *n = sizeof OPS / sizeof OPS[0];
    return OPS;
}

const mxt_op *mxt_op_find(const char *name)
{
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
        if (strcmp(OPS[i].name, name) == 0)
            return &OPS[i];
    return NULL;
}

void mxt_op_run(const char *name, const cJSON *input, mxt_outcome *out)
{
    memset(out, 0, sizeof *out);
    const mxt_op *op = mxt_op_find(name);
    if (!op) {
        mxt_op_error(out, "op: \"%.80s\" is not an operation of this implementation", name);
        return;
    }
    if (!cJSON_IsObject(input)) {
        mxt_op_error(out, "input: not an object");
        return;
    }
    op->fn(input, out);
    if (!out->result)
        mxt_op_error(out, "operation %s gave no result", name);
}
