/* The scenario machinery of `mxtrust server`: users, requests, checks, evidence. The scenarios
 * themselves are in server_bk.c (key backup) and server_xs.c (cross-signing). */
#define _POSIX_C_SOURCE 200809L
#include "server_int.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canon.h"
#include "json.h"

struct mxt_srv {
    mxt_srv_config cfg;
    mxt_http      *h;
    srv_user       fixed[8];
    size_t         n_fixed;
};

/* ---- text buffers ------------------------------------------------------------------------------ */

static void sb_add(srv_sb *b, const char *s)
{
    size_t n = strlen(s);
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *t = realloc(b->p, cap);
        if (!t)
            return;
        b->p = t;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n + 1);
    b->n += n;
}

static void sb_vfmt(srv_sb *b, const char *fmt, va_list ap)
{
    char tmp[1024];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (b->n)
        sb_add(b, "; ");
    sb_add(b, tmp);
}

/* Evidence is capped: a scenario that finds many problems lists the first ones and the count. */
#define MAX_FAILS 8

void srv_fail(mxt_srv_t *t, const char *fmt, ...)
{
    t->failed++;
    if (t->failed > MAX_FAILS)
        return;
    va_list ap;
    va_start(ap, fmt);
    sb_vfmt(&t->ev, fmt, ap);
    va_end(ap);
}

void srv_note(mxt_srv_t *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vfmt(&t->note, fmt, ap);
    va_end(ap);
}

void srv_skip(mxt_srv_t *t, const char *why)
{
    t->skipped = 1;
    if (!t->ev.n)
        sb_add(&t->ev, why);
}

mxt_http *srv_http(mxt_srv_t *t)
{
    return t->s->h;
}

/* ---- requests ------------------------------------------------------------------------------------ */

int srv_req(mxt_srv_t *t, const srv_user *u, const char *method, const char *path,
            const char *body, mxt_http_resp *r)
{
    return mxt_http_call(t->s->h, method, path, u ? u->token : NULL, body, r);
}

int srv_req_json(mxt_srv_t *t, const srv_user *u, const char *method, const char *path,
                 const cJSON *body, mxt_http_resp *r)
{
    char *s = body ? cJSON_PrintUnformatted(body) : NULL;
    int rc = srv_req(t, u, method, path, s, r);
    free(s);
    return rc;
}

static const char *errcode_of(const mxt_http_resp *r)
{
    const cJSON *e = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, "errcode") : NULL;
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

int srv_expect(mxt_srv_t *t, const mxt_http_resp *r, long status, const char *errcode,
               const char *step)
{
    const char *ec = errcode_of(r);
    int ok = r->status == status && cJSON_IsObject(r->json) &&
             (!errcode || (ec && strcmp(ec, errcode) == 0));
    if (!ok) {
        char *ev = mxt_http_evidence(t->s->h, r);
        srv_fail(t, "%s: expected %ld%s%s, got %s", step, status, errcode ? " " : " (JSON object)",
                 errcode ? errcode : "", ev ? ev : "?");
        free(ev);
    }
    return ok;
}

int srv_expect_4xx(mxt_srv_t *t, const mxt_http_resp *r, const char *step)
{
    int ok = r->status >= 400 && r->status < 500 && r->status != 429;
    if (!ok) {
        char *ev = mxt_http_evidence(t->s->h, r);
        srv_fail(t, "%s: expected a 4xx answer, got %s", step, ev ? ev : "?");
        free(ev);
    }
    return ok;
}

void srv_fail_resp(mxt_srv_t *t, const mxt_http_resp *r, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *ev = mxt_http_evidence(t->s->h, r);
    srv_fail(t, "%s (%s)", msg, ev ? ev : "?");
    free(ev);
}

/* ---- users ------------------------------------------------------------------------------------- */

static void hex(const unsigned char *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = 0;
}

static void rand_hex(char *out, size_t bytes)
{
    unsigned char b[32];
    if (bytes > sizeof b)
        bytes = sizeof b;
    randombytes_buf(b, bytes);
    hex(b, bytes, out);
}

static int take_login(mxt_srv_t *t, srv_user *u, const mxt_http_resp *r, const char *step)
{
    const cJSON *j = r->json;
    const cJSON *uid = cJSON_GetObjectItemCaseSensitive(j, "user_id");
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    const cJSON *dev = cJSON_GetObjectItemCaseSensitive(j, "device_id");
    if (!cJSON_IsString(uid) || !cJSON_IsString(tok) || !cJSON_IsString(dev)) {
        srv_fail_resp(t, r, "%s: answer lacks user_id, access_token or device_id", step);
        return -1;
    }
    mxt_http_secret(t->s->h, tok->valuestring);
    u->user_id = strdup(uid->valuestring);
    u->token = strdup(tok->valuestring);
    u->device_id = strdup(dev->valuestring);
    return u->user_id && u->token && u->device_id ? 0 : -1;
}

/* Synapse admin API: nonce, then HMAC-SHA1 over nonce \0 user \0 password \0 "notadmin". */
static int register_shared_secret(mxt_srv_t *t, srv_user *u, const char *name)
{
    const char *path = "/_synapse/admin/v1/register";
    mxt_http_resp r;
    srv_req(t, NULL, "GET", path, NULL, &r);
    if (!srv_expect(t, &r, 200, NULL, "registration: GET nonce")) {
        mxt_http_resp_free(&r);
        return -1;
    }
    const cJSON *nonce = cJSON_GetObjectItemCaseSensitive(r.json, "nonce");
    if (!cJSON_IsString(nonce)) {
        srv_fail_resp(t, &r, "registration: no nonce");
        mxt_http_resp_free(&r);
        return -1;
    }
    char *nc = strdup(nonce->valuestring);
    mxt_http_resp_free(&r);
    if (!nc)
        return -1;
    size_t ln = strlen(nc), lu = strlen(name), lp = strlen(u->password);
    size_t total = ln + lu + lp + 3 + 8;
    unsigned char *msg = malloc(total);
    if (!msg) {
        free(nc);
        return -1;
    }
    size_t k = 0;
    memcpy(msg + k, nc, ln), k += ln, msg[k++] = 0;
    memcpy(msg + k, name, lu), k += lu, msg[k++] = 0;
    memcpy(msg + k, u->password, lp), k += lp, msg[k++] = 0;
    memcpy(msg + k, "notadmin", 8), k += 8;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    const char *sec = t->s->cfg.shared_secret;
    HMAC(EVP_sha1(), sec, (int)strlen(sec), msg, k, mac, &maclen);
    free(msg);
    char machex[2 * EVP_MAX_MD_SIZE + 1];
    hex(mac, maclen, machex);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "nonce", nc);
    cJSON_AddStringToObject(b, "username", name);
    cJSON_AddStringToObject(b, "password", u->password);
    cJSON_AddBoolToObject(b, "admin", 0);
    cJSON_AddStringToObject(b, "mac", machex);
    free(nc);
    srv_req_json(t, NULL, "POST", path, b, &r);
    cJSON_Delete(b);
    int rc = -1;
    if (srv_expect(t, &r, 200, NULL, "registration: POST (shared secret)"))
        rc = take_login(t, u, &r, "registration");
    mxt_http_resp_free(&r);
    return rc;
}

/* Open registration: the m.login.dummy stage (after the 401 that names the session). */
static int register_open(mxt_srv_t *t, srv_user *u, const char *name)
{
    const char *path = "/_matrix/client/v3/register";
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "username", name);
    cJSON_AddStringToObject(b, "password", u->password);
    cJSON_AddStringToObject(b, "initial_device_display_name", "mxtrust server suite");
    mxt_http_resp r;
    srv_req_json(t, NULL, "POST", path, b, &r);
    if (r.status == 401) {
        cJSON *auth = cJSON_AddObjectToObject(b, "auth");
        cJSON_AddStringToObject(auth, "type", "m.login.dummy");
        const cJSON *sess = cJSON_GetObjectItemCaseSensitive(r.json, "session");
        if (cJSON_IsString(sess))
            cJSON_AddStringToObject(auth, "session", sess->valuestring);
        mxt_http_resp_free(&r);
        srv_req_json(t, NULL, "POST", path, b, &r);
    }
    cJSON_Delete(b);
    int rc = -1;
    if (srv_expect(t, &r, 200, NULL, "registration: POST /register (m.login.dummy)"))
        rc = take_login(t, u, &r, "registration");
    mxt_http_resp_free(&r);
    return rc;
}

srv_user *srv_user_new(mxt_srv_t *t)
{
    if (t->n_users >= SRV_MAX_USERS)
        return NULL;
    srv_user *u = &t->users[t->n_users];
    memset(u, 0, sizeof *u);
    mxt_srv *s = t->s;
    if (s->n_fixed) {
        if (t->sc->fresh) {
            srv_skip(t, "needs newly registered users: run with --registration-shared-secret or "
                        "against a server with open registration");
            return NULL;
        }
        if ((size_t)t->n_users >= s->n_fixed) {
            srv_skip(t, "needs more --access-token users");
            return NULL;
        }
        const srv_user *f = &s->fixed[t->n_users];
        u->user_id = strdup(f->user_id);
        u->token = strdup(f->token);
        u->device_id = strdup(f->device_id ? f->device_id : "");
        t->n_users++;
        return u;
    }
    char suffix[17], pw[33], name[96];
    rand_hex(suffix, 8);
    rand_hex(pw, 16);
    snprintf(name, sizeof name, "mxt_%c%d_%s", t->sc->family[0] == 'X' ? 'x' : 'b', t->n_users,
             suffix);
    for (char *p = name; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    u->password = strdup(pw);
    if (!u->password)
        return NULL;
    mxt_http_secret(s->h, pw);
    t->n_users++;
    int rc = s->cfg.shared_secret ? register_shared_secret(t, u, name) : register_open(t, u, name);
    if (rc != 0)
        t->setup_error = 1;
    return rc == 0 ? u : NULL;
}

static void user_clear(srv_user *u)
{
    free(u->user_id);
    free(u->token);
    free(u->device_id);
    free(u->password);
    memset(u, 0, sizeof *u);
}

/* ---- setup and run ------------------------------------------------------------------------------ */

mxt_srv *mxt_srv_open(const mxt_srv_config *cfg, char *err, size_t cap)
{
    if (sodium_init() < 0) {
        snprintf(err, cap, "libsodium init failed");
        return NULL;
    }
    mxt_srv *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->h = mxt_http_open(cfg->url, cfg->timeout_ms, cfg->max_429, cfg->max_wait_ms);
    if (!s->h) {
        snprintf(err, cap, "cannot initialise libcurl");
        free(s);
        return NULL;
    }
    if (cfg->stop)
        mxt_http_abort_on(s->h, cfg->stop);
    if (cfg->shared_secret)
        mxt_http_secret(s->h, cfg->shared_secret);
    for (size_t i = 0; i < cfg->n_tokens; i++)
        mxt_http_secret(s->h, cfg->tokens[i]);
    return s;
}

void mxt_srv_close(mxt_srv *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_fixed; i++)
        user_clear(&s->fixed[i]);
    mxt_http_close(s->h);
    free(s);
}

int mxt_srv_prepare(mxt_srv *s, char *err, size_t cap)
{
    if (s->cfg.shared_secret)
        return 0; /* registration wins over tokens: every scenario gets fresh users */
    for (size_t i = 0; i < s->cfg.n_tokens && s->n_fixed < 8; i++) {
        mxt_http_resp r;
        mxt_http_call(s->h, "GET", "/_matrix/client/v3/account/whoami", s->cfg.tokens[i], NULL, &r);
        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(r.json, "user_id");
        const cJSON *dev = cJSON_GetObjectItemCaseSensitive(r.json, "device_id");
        if (r.status != 200 || !cJSON_IsString(uid)) {
            char *ev = mxt_http_evidence(s->h, &r);
            snprintf(err, cap, "--access-token #%zu: whoami failed: %s", i + 1, ev ? ev : "?");
            free(ev);
            mxt_http_resp_free(&r);
            return -1;
        }
        srv_user *u = &s->fixed[s->n_fixed++];
        u->user_id = strdup(uid->valuestring);
        u->token = strdup(s->cfg.tokens[i]);
        u->device_id = strdup(cJSON_IsString(dev) ? dev->valuestring : "");
        mxt_http_resp_free(&r);
    }
    return 0;
}

void mxt_srv_run(mxt_srv *s, const mxt_srv_scenario *sc, mxt_verdict *verdict, char **evidence,
                 char **note)
{
    mxt_srv_t t;
    memset(&t, 0, sizeof t);
    t.s = s;
    t.sc = sc;
    sc->fn(&t);
    if (t.failed > MAX_FAILS) {
        char more[64];
        snprintf(more, sizeof more, "... and %d more problems", t.failed - MAX_FAILS);
        sb_add(&t.ev, "; ");
        sb_add(&t.ev, more);
    }
    /* a scenario whose users could not be registered did not test its rules: an error, not a fail */
    *verdict = t.setup_error ? MXT_V_ERROR
               : t.failed    ? MXT_V_FAIL
               : t.skipped   ? MXT_V_SKIP
                             : MXT_V_PASS;
    *evidence = t.ev.p ? mxt_http_redact(s->h, t.ev.p) : NULL;
    *note = t.note.p ? mxt_http_redact(s->h, t.note.p) : NULL;
    free(t.ev.p);
    free(t.note.p);
    for (int i = 0; i < t.n_users; i++)
        user_clear(&t.users[i]);
}

void mxt_srv_stats(const mxt_srv *s, unsigned long *requests, unsigned long *n429)
{
    mxt_http_stats st = mxt_http_get_stats(s->h);
    *requests = st.requests;
    *n429 = st.answers_429;
}

/* ---- canonical JSON of a response subtree (the core's reader and encoder) ------------------------ */

char *srv_canon(const char *text, size_t len, const char *const *path, unsigned mode, char *why,
                size_t cap)
{
    if (len == 0 || len >= UINT32_MAX) {
        snprintf(why, cap, "empty body");
        return NULL;
    }
    mxt_json_token *tok = calloc(len + 1, sizeof *tok);
    if (!tok) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    mxt_json_doc doc;
    mxt_where where = {MXT_NO_OFFSET};
    char *out = NULL;
    mxt_status st = mxt_json_parse((const uint8_t *)text, len, tok, (uint32_t)(len + 1), NULL,
                                   &doc, &where);
    if (st != MXT_OK) {
        snprintf(why, cap, "not canonicalisable JSON: %s at byte %zu", mxt_status_name(st),
                 where.offset);
        goto done;
    }
    uint32_t at = 0;
    for (size_t i = 0; path && path[i]; i++) {
        at = mxt_json_get(&doc, at, (const uint8_t *)path[i], strlen(path[i]));
        if (at == MXT_JSON_NONE) {
            snprintf(why, cap, "member %s missing", path[i]);
            goto done;
        }
    }
    size_t need = 0;
    st = mxt_canon_encode(&doc, at, mode, NULL, 0, &need);
    if (st == MXT_E_BUFFER_SMALL || st == MXT_OK) {
        out = malloc(need + 1);
        if (out && mxt_canon_encode(&doc, at, mode, (uint8_t *)out, need, &need) == MXT_OK) {
            out[need] = 0;
        } else {
            free(out);
            out = NULL;
            snprintf(why, cap, "canonical encoding failed");
        }
    } else {
        snprintf(why, cap, "canonical encoding failed: %s", mxt_status_name(st));
    }
done:
    free(tok);
    return out;
}

int srv_json_equal_text(mxt_srv_t *t, const char *sent, const mxt_http_resp *r,
                        const char *const *path, unsigned mode, const char *what)
{
    char why[200];
    char *a = srv_canon(sent, strlen(sent), NULL, mode, why, sizeof why);
    if (!a) {
        srv_fail(t, "internal: the suite's own %s is not canonicalisable (%s)", what, why);
        return 0;
    }
    char *b = srv_canon(r->body, r->len, path, mode, why, sizeof why);
    int ok = b && strcmp(a, b) == 0;
    if (!b)
        srv_fail_resp(t, r, "%s as returned: %s", what, why);
    else if (!ok) {
        char *bs = mxt_sanitize(b, strlen(b) > 400 ? 400 : strlen(b));
        char *as = mxt_sanitize(a, strlen(a) > 400 ? 400 : strlen(a));
        srv_fail(t, "%s not JSON-equal to what was stored: sent %s; got back %s", what,
                 as ? as : "?", bs ? bs : "?");
        free(as);
        free(bs);
    }
    free(a);
    free(b);
    return ok;
}

/* ---- keys and signing ---------------------------------------------------------------------------- */

void srv_keypair(srv_key *k)
{
    randombytes_buf(k->seed, sizeof k->seed);
    mxt_ed25519_pk_from_seed(k->seed, k->pk);
    char *b = mxt_vg_b64(k->pk, 32);
    snprintf(k->pub, sizeof k->pub, "%s", b ? b : "");
    snprintf(k->key_id, sizeof k->key_id, "ed25519:%s", b ? b : "");
    free(b);
}

cJSON *srv_sign(const cJSON *obj, const char *user, const char *key_id, const uint8_t seed[32])
{
    char *s = cJSON_PrintUnformatted(obj);
    if (!s)
        return NULL;
    char *out = NULL;
    size_t out_len = 0;
    mxt_sign_error err;
    int rc = mxt_sign_json((const uint8_t *)s, strlen(s), user, key_id, seed, &out, &out_len, &err);
    free(s);
    if (rc != 0)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(out, out_len);
    free(out);
    return j;
}

const char *srv_str_at(const cJSON *j, const char *const *path)
{
    for (size_t i = 0; j && path[i]; i++)
        j = cJSON_GetObjectItemCaseSensitive(j, path[i]);
    return cJSON_IsString(j) ? j->valuestring : NULL;
}

const cJSON *srv_at(const cJSON *j, const char *const *path)
{
    for (size_t i = 0; j && path[i]; i++)
        j = cJSON_GetObjectItemCaseSensitive(j, path[i]);
    return j;
}

/* ---- the scenario list: backup scenarios first, then cross-signing ------------------------------- */

size_t mxt_srv_scenario_count(void)
{
    return mxt_srv_bk_count + mxt_srv_xs_count;
}

const mxt_srv_scenario *mxt_srv_scenario_at(size_t i)
{
    if (i < mxt_srv_bk_count)
        return &mxt_srv_bk_scenarios[i];
    i -= mxt_srv_bk_count;
    return i < mxt_srv_xs_count ? &mxt_srv_xs_scenarios[i] : NULL;
}
