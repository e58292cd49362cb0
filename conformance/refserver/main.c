/*
 * mxt-refserver: command line, HTTP front end (libmicrohttpd, one polling thread), routing, and
 * the transaction around each request. See README.md for the CLI and the endpoints.
 */
#include "rs.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* Bodies above 8 MiB are refused (413): the token array of the JSON reader is bounded with it. */
#define RS_MAX_BODY ((size_t)8 << 20)

typedef struct {
    rs_buf body;
    int    too_large;
} conn_state;

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string; NULL on a bad escape or an encoded NUL. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n) { free(out); return NULL; }
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0 || (h == 0 && l == 0)) { free(out); return NULL; }
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return out;
}

static char *query_arg(struct MHD_Connection *c, const char *name)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return v ? pct_decode(v, strlen(v)) : NULL;
}

/* Splits the path after `prefix` into decoded segments; -1 when malformed. */
static int split_path(rs_req *r, const char *rest)
{
    r->nseg = 0;
    if (*rest == 0) return 0;
    for (;;) {
        const char *slash = strchr(rest, '/');
        size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
        if (r->nseg == RS_MAX_SEG) return -1;
        r->seg[r->nseg] = pct_decode(rest, n);
        if (!r->seg[r->nseg]) return -1;
        r->nseg++;
        if (!slash) return 0;
        rest = slash + 1;
    }
}

static int is(const rs_req *r, size_t i, const char *s)
{
    return i < r->nseg && strcmp(r->seg[i], s) == 0;
}

static int method_is(const rs_req *r, const char *m) { return strcmp(r->method, m) == 0; }

static int not_allowed(rs_req *r)
{
    return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
}

static int route_client(rs_req *r)
{
    if (r->nseg == 1 && is(r, 0, "register")) return method_is(r, "POST") ? rs_h_register(r) : not_allowed(r);
    if (r->nseg == 1 && is(r, 0, "login")) return rs_h_login(r);
    if (r->nseg == 2 && is(r, 0, "account") && is(r, 1, "whoami"))
        return method_is(r, "GET") ? rs_h_whoami(r) : not_allowed(r);
    if (r->nseg >= 2 && is(r, 0, "room_keys")) return rs_h_room_keys(r);
    if (r->nseg == 2 && is(r, 0, "keys") && is(r, 1, "upload"))
        return method_is(r, "POST") ? rs_h_keys_upload(r) : not_allowed(r);
    if (r->nseg == 2 && is(r, 0, "keys") && is(r, 1, "query"))
        return method_is(r, "POST") ? rs_h_keys_query(r) : not_allowed(r);
    if (r->nseg == 3 && is(r, 0, "keys") && is(r, 1, "device_signing") && is(r, 2, "upload"))
        return method_is(r, "POST") ? rs_h_device_signing_upload(r) : not_allowed(r);
    if (r->nseg == 3 && is(r, 0, "keys") && is(r, 1, "signatures") && is(r, 2, "upload"))
        return method_is(r, "POST") ? rs_h_signatures_upload(r) : not_allowed(r);
    return rs_err(r, 404, "M_UNRECOGNIZED", "unrecognised request");
}

static void route(rs_req *r, const char *url)
{
    static const char *const client_prefixes[] = { "/_matrix/client/v3/", "/_matrix/client/r0/" };
    static const char admin_prefix[] = "/_synapse/admin/v1/register";
    if (strcmp(url, "/_matrix/client/versions") == 0) {
        r->status = 200;
        rs_buf_puts(&r->out, "{\"versions\":[\"r0.6.1\",\"v1.1\",\"v1.2\",\"v1.3\",\"v1.4\",\"v1.5\","
                             "\"v1.6\",\"v1.7\",\"v1.8\",\"v1.9\",\"v1.10\",\"v1.11\"]}");
        return;
    }
    if (strcmp(url, admin_prefix) == 0) {
        rs_h_admin_register(r);
        return;
    }
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(client_prefixes[i]);
        if (strncmp(url, client_prefixes[i], n) == 0) {
            if (split_path(r, url + n) != 0) {
                rs_err(r, 400, "M_INVALID_PARAM", "malformed path");
                return;
            }
            route_client(r);
            return;
        }
    }
    rs_err(r, 404, "M_UNRECOGNIZED", "unrecognised request");
}

/* Runs one request inside one transaction: committed when the answer is below 400. */
static void run_request(rs_server *srv, rs_req *r, const char *url)
{
    int write = strcmp(r->method, "GET") != 0;
    if (rs_exec(srv, write ? "BEGIN IMMEDIATE" : "BEGIN") != 0) {
        rs_err_db(r);
        return;
    }
    route(r, url);
    if (r->out.oom) rs_err(r, 500, "M_UNKNOWN", "out of memory");
    /* No statement may hold a cursor across the end of the transaction. */
    for (size_t i = 0; i < srv->ncache; i++) sqlite3_reset(srv->cache[i].st);
    if (r->status < 400) {
        if (rs_exec(srv, "COMMIT") != 0) {
            rs_exec(srv, "ROLLBACK");
            rs_err_db(r);
        }
    } else {
        rs_exec(srv, "ROLLBACK");
    }
}

static void free_req(rs_req *r)
{
    for (size_t i = 0; i < r->nseg; i++) free(r->seg[i]);
    free(r->q_version);
    free(r->q_access_token);
    free(r->user);
    free(r->device);
    rs_buf_free(&r->out);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    rs_server *srv = cls;
    (void)version;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs) return MHD_NO;
        *con_cls = cs;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (cs->body.len + *upload_data_size > RS_MAX_BODY) cs->too_large = 1;
        else rs_buf_put(&cs->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    rs_req r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.method = method;
    r.status = 200;
    r.body = (const uint8_t *)(cs->body.p ? cs->body.p : "");
    r.body_len = cs->body.len;
    r.authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    r.q_version = query_arg(c, "version");
    r.q_access_token = query_arg(c, "access_token");
    if (cs->too_large || cs->body.oom) rs_err(&r, 413, "M_TOO_LARGE", "request body too large");
    else if (strcmp(method, "OPTIONS") == 0) r.status = 200, rs_buf_puts(&r.out, "{}");
    else run_request(srv, &r, url);
    /* The URL MHD passes has no query string, so no access_token can reach the log. */
    if (r.status >= 500 || srv->log_requests)
        fprintf(stderr, "mxt-refserver: %s %s -> %d\n", method, url, r.status);

    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r.out.len, r.out.p ? r.out.p : (char *)"", MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    if (resp) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        ret = MHD_queue_response(c, (unsigned)r.status, resp);
        MHD_destroy_response(resp);
    }
    free_req(&r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    conn_state *cs = *con_cls;
    if (cs) {
        rs_buf_free(&cs->body);
        free(cs);
        *con_cls = NULL;
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: mxt-refserver --listen 127.0.0.1:PORT --db FILE "
                    "[--registration-shared-secret S] [--server-name NAME] [--log-requests]\n");
}

int main(int argc, char **argv)
{
    const char *listen = NULL, *dbpath = NULL;
    rs_server srv;
    memset(&srv, 0, sizeof srv);
    srv.server_name = "localhost";
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && strcmp(argv[i], "--listen") == 0) listen = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--db") == 0) dbpath = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--registration-shared-secret") == 0) srv.secret = argv[++i];
        else if (i + 1 < argc && strcmp(argv[i], "--server-name") == 0) srv.server_name = argv[++i];
        else if (strcmp(argv[i], "--log-requests") == 0) srv.log_requests = 1;
        else { usage(); return 2; }
    }
    if (!listen || !dbpath) { usage(); return 2; }

    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host) { usage(); return 2; }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *endp = NULL;
    unsigned long port = strtoul(colon + 1, &endp, 10);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    if (*endp || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "mxt-refserver: --listen wants IPv4ADDR:PORT\n");
        return 2;
    }
    sa.sin_port = htons((uint16_t)port);

    if (sodium_init() < 0) { fprintf(stderr, "mxt-refserver: libsodium init failed\n"); return 1; }
    if (rs_db_open(&srv, dbpath) != 0) { rs_db_close(&srv); return 1; }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, &srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mxt-refserver: cannot listen on %s\n", listen);
        rs_db_close(&srv);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = info ? info->port : (unsigned)port;
    fprintf(stderr, "mxt-refserver: database %s, shared-secret registration %s\n", dbpath,
            srv.secret ? "enabled" : "disabled");
    printf("listening on http://%s:%u\n", host, bound);
    fflush(stdout);

    sigdelset(&set, SIGPIPE);
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "mxt-refserver: signal %d, stopping\n", sig);
    MHD_stop_daemon(d);
    rs_db_close(&srv);
    return 0;
}
