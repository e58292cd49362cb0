/*
 * HTTP client for `mxtrust server` (libcurl): one request at a time against a homeserver, with a
 * per-request timeout, no retries except on 429 (honouring retry_after_ms, bounded), and redaction
 * of credentials in everything that may be printed.
 */
#ifndef MXT_SERVER_HTTP_H
#define MXT_SERVER_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct mxt_http mxt_http;

typedef struct {
    long   status;      /* HTTP status, 0 when no response (transport error in err) */
    char  *body;        /* NUL-terminated response body (heap, may be empty) */
    size_t len;
    cJSON *json;        /* the body parsed as JSON, NULL when it is not JSON */
    char   err[200];    /* transport error ("timed out after N ms", "connection closed"...) */
    char   what[240];   /* "METHOD /path" of the request (redacted) */
    int    n429;        /* 429 answers seen (and waited for) before this one */
} mxt_http_resp;

/* base: "http://host:port" (a trailing slash is dropped). timeout_ms > 0. max_429: retries
 * after a 429 answer; max_wait_ms bounds each wait. Returns NULL on failure. */
mxt_http *mxt_http_open(const char *base, long timeout_ms, int max_429, long max_wait_ms);
void mxt_http_close(mxt_http *h);

/* A flag (set by a signal handler) that aborts the request in progress when it becomes non-zero. */
void mxt_http_abort_on(mxt_http *h, const volatile sig_atomic_t *flag);

/* Registers a credential: it is replaced by "<redacted>" in every evidence text. */
void mxt_http_secret(mxt_http *h, const char *secret);

/* One request. path starts with '/'. token: bearer access token or NULL. body: JSON text or NULL.
 * Always fills *r (free with mxt_http_resp_free). Returns 0 when a response arrived, -1 otherwise. */
int mxt_http_call(mxt_http *h, const char *method, const char *path, const char *token,
                  const char *body, mxt_http_resp *r);
void mxt_http_resp_free(mxt_http_resp *r);

/* Evidence for a response: "METHOD /path -> 404: <body excerpt>" (or the transport error), with
 * credentials redacted and at most ~300 bytes of body. Heap string. */
char *mxt_http_evidence(const mxt_http *h, const mxt_http_resp *r);

/* Copy of s with every registered secret and the values of members named access_token,
 * refresh_token, password, mac and nonce replaced by <redacted>. Heap string. */
char *mxt_http_redact(const mxt_http *h, const char *s);

/* Counters over the whole run. */
typedef struct {
    unsigned long requests, answers_429, waits_ms;
    unsigned long bad_429;      /* 429 answers without errcode M_LIMIT_EXCEEDED (BK-SRV-020) */
    char          last_bad_429[200];
} mxt_http_stats;
mxt_http_stats mxt_http_get_stats(const mxt_http *h);

/* Percent-encodes s for a path segment or query value. Heap string. */
char *mxt_http_escape(const char *s);

#endif
