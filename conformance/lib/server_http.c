/* HTTP client for `mxtrust server`: libcurl easy interface, timeouts, bounded 429 waits, redaction. */
#define _POSIX_C_SOURCE 200809L
#include "server_http.h"
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "vecfile.h"

#define MAX_SECRETS 64

struct mxt_http {
    CURL          *curl;
    char          *base;
    long           timeout_ms;
    int            max_429;
    long           max_wait_ms;
    char          *secrets[MAX_SECRETS];
    size_t         n_secrets;
    mxt_http_stats stats;
    long           retry_after_header;
    const volatile sig_atomic_t *abort_flag;
};

static int g_curl_ready;

mxt_http *mxt_http_open(const char *base, long timeout_ms, int max_429, long max_wait_ms)
{
    if (!g_curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return NULL;
        g_curl_ready = 1;
    }
    mxt_http *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->curl = curl_easy_init();
    h->base = strdup(base);
    if (!h->curl || !h->base) {
        mxt_http_close(h);
        return NULL;
    }
    size_t n = strlen(h->base);
    while (n > 0 && h->base[n - 1] == '/')
        h->base[--n] = 0;
    h->timeout_ms = timeout_ms;
    h->max_429 = max_429;
    h->max_wait_ms = max_wait_ms;
    return h;
}

void mxt_http_close(mxt_http *h)
{
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->base);
    for (size_t i = 0; i < h->n_secrets; i++)
        free(h->secrets[i]);
    free(h);
}

void mxt_http_secret(mxt_http *h, const char *secret)
{
    /* very short strings would blank out ordinary text; callers refuse such credentials */
    if (!secret || strlen(secret) < 4 || h->n_secrets >= MAX_SECRETS)
        return;
    for (size_t i = 0; i < h->n_secrets; i++)
        if (strcmp(h->secrets[i], secret) == 0)
            return;
    char *s = strdup(secret);
    if (s)
        h->secrets[h->n_secrets++] = s;
}

void mxt_http_abort_on(mxt_http *h, const volatile sig_atomic_t *flag)
{
    h->abort_flag = flag;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const volatile sig_atomic_t *flag = ud;
    return flag && *flag ? 1 : 0;
}

mxt_http_stats mxt_http_get_stats(const mxt_http *h)
{
    return h->stats;
}

void mxt_http_resp_free(mxt_http_resp *r)
{
    free(r->body);
    cJSON_Delete(r->json);
    r->body = NULL;
    r->json = NULL;
    r->len = 0;
}

typedef struct {
    char  *p;
    size_t n, cap;
    int    oom;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *t = realloc(b->p, cap);
        if (!t) {
            b->oom = 1;
            return;
        }
        b->p = t;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

/* Response bodies are capped at 16 MiB: a server streaming without end is cut off. */
#define MAX_BODY (16u << 20)

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
    buf *b = ud;
    size_t n = size * nmemb;
    if (b->n + n > MAX_BODY)
        return 0;
    buf_add(b, ptr, n);
    return b->oom ? 0 : n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    long *retry_after_ms = ud;
    size_t n = size * nmemb;
    if (n > 12 && strncasecmp(ptr, "Retry-After:", 12) == 0) {
        char tmp[32];
        size_t k = n - 12 < sizeof tmp - 1 ? n - 12 : sizeof tmp - 1;
        memcpy(tmp, ptr + 12, k);
        tmp[k] = 0;
        long s = strtol(tmp, NULL, 10);
        if (s > 0 && s < 86400)
            *retry_after_ms = s * 1000;
    }
    return n;
}

static void sleep_ms(const mxt_http *h, long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        if (h->abort_flag && *h->abort_flag)
            break;
}

/* The request line for evidence: query strings may hold nothing secret here, but redact anyway. */
static void set_what(const mxt_http *h, mxt_http_resp *r, const char *method, const char *path)
{
    char *p = mxt_http_redact(h, path);
    snprintf(r->what, sizeof r->what, "%s %s", method, p ? p : "?");
    free(p);
}

static int call_once(mxt_http *h, const char *method, const char *url, const char *token,
                     const char *body, mxt_http_resp *r)
{
    CURL *c = h->curl;
    curl_easy_reset(c);
    buf b = {NULL, 0, 0, 0};
    struct curl_slist *hd = NULL;
    char *auth = NULL;
    if (token) {
        auth = mxt_strfmt("Authorization: Bearer %s", token);
        hd = curl_slist_append(hd, auth);
    }
    hd = curl_slist_append(hd, "Content-Type: application/json");
    hd = curl_slist_append(hd, "Accept: application/json");
    hd = curl_slist_append(hd, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h->retry_after_header);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    if (h->abort_flag) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)(uintptr_t)h->abort_flag);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    } else if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    h->retry_after_header = 0;
    h->stats.requests++;
    CURLcode cc = curl_easy_perform(c);
    curl_slist_free_all(hd);
    free(auth);
    r->body = b.p ? b.p : strdup("");
    r->len = b.p ? b.n : 0;
    if (cc != CURLE_OK) {
        if (cc == CURLE_OPERATION_TIMEDOUT)
            snprintf(r->err, sizeof r->err, "no response within %ld ms", h->timeout_ms);
        else if (cc == CURLE_GOT_NOTHING)
            snprintf(r->err, sizeof r->err, "connection closed without a response");
        else if (cc == CURLE_ABORTED_BY_CALLBACK)
            snprintf(r->err, sizeof r->err, "interrupted");
        else if (cc == CURLE_WRITE_ERROR)
            snprintf(r->err, sizeof r->err, "response body larger than %u bytes", MAX_BODY);
        else if (cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_WEIRD_SERVER_REPLY)
            snprintf(r->err, sizeof r->err, "the answer is not HTTP (%s)", curl_easy_strerror(cc));
        else
            snprintf(r->err, sizeof r->err, "%s", curl_easy_strerror(cc));
        r->status = 0;
        return -1;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->json = r->len ? cJSON_ParseWithLength(r->body, r->len) : NULL;
    return 0;
}

int mxt_http_call(mxt_http *h, const char *method, const char *path, const char *token,
                  const char *body, mxt_http_resp *r)
{
    memset(r, 0, sizeof *r);
    set_what(h, r, method, path);
    char *url = mxt_strfmt("%s%s", h->base, path);
    if (!url) {
        snprintf(r->err, sizeof r->err, "out of memory");
        return -1;
    }
    int rc;
    for (int attempt = 0;; attempt++) {
        rc = call_once(h, method, url, token, body, r);
        if (rc == 0 && r->status == 429) {
            const cJSON *ec = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, "errcode") : NULL;
            if (!cJSON_IsString(ec) || strcmp(ec->valuestring, "M_LIMIT_EXCEEDED") != 0) {
                h->stats.bad_429++;
                char *ev = mxt_http_evidence(h, r);
                snprintf(h->stats.last_bad_429, sizeof h->stats.last_bad_429, "%s", ev ? ev : "?");
                free(ev);
            }
        }
        if (rc != 0 || r->status != 429 || attempt >= h->max_429 || (h->abort_flag && *h->abort_flag))
            break;
        /* BK-SRV-020: wait as told (retry_after_ms, else Retry-After, else 1 s), bounded. */
        long wait = 1000;
        const cJSON *ra = r->json ? cJSON_GetObjectItemCaseSensitive(r->json, "retry_after_ms") : NULL;
        if (cJSON_IsNumber(ra) && ra->valuedouble >= 0)
            wait = ra->valuedouble < 1e9 ? (long)ra->valuedouble : h->max_wait_ms;
        else if (h->retry_after_header > 0)
            wait = h->retry_after_header;
        if (wait > h->max_wait_ms)
            wait = h->max_wait_ms;
        h->stats.answers_429++;
        h->stats.waits_ms += (unsigned long)wait;
        r->n429++;
        int n429 = r->n429;
        mxt_http_resp_free(r);
        memset(r->err, 0, sizeof r->err);
        r->status = 0;
        sleep_ms(h, wait);
        r->n429 = n429;
    }
    if (rc == 0 && r->status == 429)
        h->stats.answers_429++;
    free(url);
    return rc;
}

/* Replaces the string value after "key": with <redacted>, in place on a heap copy. */
static char *redact_member(char *s, const char *key)
{
    char pat[48];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    size_t pl = strlen(pat);
    char *p = s;
    while ((p = strstr(p, pat)) != NULL) {
        char *q = p + pl;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q != ':') {
            p += pl;
            continue;
        }
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q != '"') {
            p += pl;
            continue;
        }
        char *e = q + 1;
        while (*e && *e != '"') {
            if (*e == '\\' && e[1])
                e++;
            e++;
        }
        if (*e == '"')
            e++;
        char *t = mxt_strfmt("%.*s\"<redacted>\"%s", (int)(q - s), s, e);
        if (!t)
            return s;
        size_t off = (size_t)(q - s) + 12;
        free(s);
        s = t;
        p = s + off;
    }
    return s;
}

char *mxt_http_redact(const mxt_http *h, const char *in)
{
    char *s = strdup(in ? in : "");
    if (!s)
        return NULL;
    for (size_t i = 0; h && i < h->n_secrets; i++) {
        const char *sec = h->secrets[i];
        size_t sl = strlen(sec);
        char *p;
        while ((p = strstr(s, sec)) != NULL) {
            char *t = mxt_strfmt("%.*s<redacted>%s", (int)(p - s), s, p + sl);
            if (!t)
                break;
            free(s);
            s = t;
        }
    }
    static const char *const keys[] = {"access_token", "refresh_token", "password", "mac",
                                       "nonce", "registration_shared_secret"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        s = redact_member(s, keys[i]);
    return s;
}

char *mxt_http_evidence(const mxt_http *h, const mxt_http_resp *r)
{
    if (r->status == 0)
        return mxt_strfmt("%s -> %s", r->what, r->err[0] ? r->err : "no response");
    /* Redact before cutting, so a secret is never left half-printed at the cut. */
    size_t n = r->len > 4096 ? 4096 : r->len;
    char *ex = mxt_sanitize(r->body ? r->body : "", n);
    char *red = mxt_http_redact(h, ex ? ex : "");
    size_t rl = red ? strlen(red) : 0;
    int cut = rl > 300;
    char *out = mxt_strfmt("%s -> %ld: %s%.*s%s", r->what, r->status,
                           r->len ? "" : "(empty body)", (int)(cut ? 300 : rl), red ? red : "",
                           cut || r->len > n ? "..." : "");
    free(ex);
    free(red);
    return out;
}

char *mxt_http_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *o = malloc(3 * n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            o[k++] = (char)c;
        } else {
            o[k++] = '%';
            o[k++] = hex[c >> 4];
            o[k++] = hex[c & 15];
        }
    }
    o[k] = 0;
    return o;
}
