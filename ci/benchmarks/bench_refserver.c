/*
 * Benchmark (not a test): sustained room-key uploads into mxt-refserver over loopback, next to the
 * same writes made straight into SQLite by one process, and their ratio.
 *
 *   single  one PUT /room_keys/keys/{room}/{session} per key (one HTTP request, one transaction)
 *   batch   PUT /room_keys/keys with 100 sessions per request (one transaction per 100 keys)
 *
 * The direct baseline runs what the server's store does per key (look up the slot, insert, bump
 * the version's etag/count) with prepared statements, same schema, WAL, synchronous=NORMAL, one
 * transaction per key or per 100 keys. Server: MXT_REFSERVER (default: the build's mxt-refserver).
 * Keys per phase: MXT_BENCH_KEYS (default 3000). Also printed: the rate of authenticated
 * GET /account/whoami, the request floor of the HTTP path without any key work.
 */
#include <curl/curl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#ifndef MXT_REFSERVER_BIN
#define MXT_REFSERVER_BIN "mxt-refserver"
#endif

static const char SD[] = "{\"ciphertext\":\"Y2lwaGVydGV4dGNpcGhlcnRleHRjaXBoZXJ0ZXh0Y2lwaGVydGV4dGNpcGhlcnRleHRj"
                         "aXBoZXJ0ZXh0Y2lwaGVydGV4dGNpcGhlcnRleHQ\",\"ephemeral\":\"ZXBoZW1lcmFsZXBoZW1lcmFsZX"
                         "BoZW1lcmFsZXBoZW1lcmFs\",\"mac\":\"bWFjbWFjbWFjbWFj\"}";

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    char  *p;
    size_t n;
} sink;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    sink *s = userp;
    size_t len = size * nmemb;
    char *p = realloc(s->p, s->n + len + 1);
    if (!p) return 0;
    memcpy(p + s->n, data, len);
    s->n += len;
    p[s->n] = 0;
    s->p = p;
    return len;
}

static CURL *curl;
static char base[128], auth_header[160];

/* One request; returns the HTTP status, body in *out (caller frees). */
static long request(const char *method, const char *path, const char *body, char **out)
{
    char url[512];
    sink s = { NULL, 0 };
    struct curl_slist *h = NULL;
    snprintf(url, sizeof url, "%s%s", base, path);
    if (auth_header[0]) h = curl_slist_append(h, auth_header);
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &s);
    long code = 0;
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    if (out) *out = s.p;
    else free(s.p);
    return code;
}

/* The string value of "name" in a flat JSON answer (enough for our own server's answers). */
static int field(const char *json, const char *name, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", name);
    const char *p = json ? strstr(json, pat) : NULL;
    if (!p) return -1;
    p += strlen(pat);
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= cap) return -1;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return 0;
}

static void kbd(char *buf, size_t cap, unsigned i)
{
    snprintf(buf, cap, "{\"first_message_index\":%u,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":%s}",
             i % 7u, SD);
}

static pid_t start_server(const char *bin, const char *db, int *port)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    char a0[512], a1[] = "--listen", a2[] = "127.0.0.1:0", a3[] = "--db", a4[512];
    snprintf(a0, sizeof a0, "%s", bin);
    snprintf(a4, sizeof a4, "%s", db);
    char *argv[] = { a0, a1, a2, a3, a4, NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc != 0) { close(fd[0]); return -1; }
    char line[128];
    size_t n = 0;
    while (n + 1 < sizeof line) {
        ssize_t r = read(fd[0], line + n, 1);
        if (r <= 0 || line[n] == '\n') break;
        n++;
    }
    line[n] = 0;
    close(fd[0]);
    if (sscanf(line, "listening on http://127.0.0.1:%d", port) != 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

/* The floor: authenticated GET /account/whoami, one small read transaction, no key work. */
static double server_whoami(unsigned n)
{
    double t0 = now();
    for (unsigned i = 0; i < n; i++)
        if (request("GET", "/_matrix/client/v3/account/whoami", NULL, NULL) != 200) {
            fprintf(stderr, "whoami failed\n");
            return 0;
        }
    return (double)n / (now() - t0);
}

static double server_single(const char *version, unsigned n)
{
    char path[256], body[1024];
    double t0 = now();
    for (unsigned i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/_matrix/client/v3/room_keys/keys/%%21single/s%u?version=%s", i, version);
        kbd(body, sizeof body, i);
        if (request("PUT", path, body, NULL) != 200) { fprintf(stderr, "single upload failed\n"); return 0; }
    }
    return (double)n / (now() - t0);
}

static double server_batch(const char *version, unsigned n)
{
    char path[256], one[1024], sid[32];
    size_t cap = 100 * 1200 + 64;
    char *body = malloc(cap);
    if (!body) return 0;
    snprintf(path, sizeof path, "/_matrix/client/v3/room_keys/keys?version=%s", version);
    double t0 = now();
    for (unsigned b = 0; b < n / 100; b++) {
        size_t len = (size_t)snprintf(body, cap, "{\"rooms\":{\"!batch\":{\"sessions\":{");
        for (unsigned i = 0; i < 100; i++) {
            kbd(one, sizeof one, i);
            snprintf(sid, sizeof sid, "b%u_%u", b, i);
            len += (size_t)snprintf(body + len, cap - len, "%s\"%s\":%s", i ? "," : "", sid, one);
        }
        snprintf(body + len, cap - len, "}}}}");
        if (request("PUT", path, body, NULL) != 200) { fprintf(stderr, "batch upload failed\n"); free(body); return 0; }
    }
    double rate = (double)(n / 100 * 100) / (now() - t0);
    free(body);
    return rate;
}

/* The same writes straight into SQLite: per key, look up the slot, insert, bump etag/count. */
static double direct(const char *db, unsigned n, unsigned per_txn)
{
    sqlite3 *d;
    if (sqlite3_open(db, &d) != SQLITE_OK) return 0;
    sqlite3_exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    "CREATE TABLE versions(id INTEGER PRIMARY KEY AUTOINCREMENT, etag INTEGER, count INTEGER);"
                    "INSERT INTO versions(etag, count) VALUES(0, 0);"
                    "CREATE TABLE room_keys(vid INTEGER NOT NULL, room_id TEXT NOT NULL, session_id TEXT NOT NULL,"
                    " fmi INTEGER NOT NULL, fc INTEGER NOT NULL, verified INTEGER NOT NULL,"
                    " session_data TEXT NOT NULL, PRIMARY KEY(vid, room_id, session_id)) WITHOUT ROWID;",
                 NULL, NULL, NULL);
    sqlite3_stmt *sel, *ins, *upd;
    sqlite3_prepare_v2(d, "SELECT fmi, fc, verified FROM room_keys WHERE vid = 1 AND room_id = ? AND session_id = ?",
                       -1, &sel, NULL);
    sqlite3_prepare_v2(d, "INSERT OR REPLACE INTO room_keys VALUES(1, ?, ?, ?, 0, 0, ?)", -1, &ins, NULL);
    sqlite3_prepare_v2(d, "UPDATE versions SET etag = etag + 1, count = count + ? WHERE id = 1", -1, &upd, NULL);
    char sid[32];
    double t0 = now();
    for (unsigned i = 0; i < n; i++) {
        if (i % per_txn == 0) sqlite3_exec(d, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        snprintf(sid, sizeof sid, "s%u", i);
        sqlite3_bind_text(sel, 1, "!direct", -1, SQLITE_STATIC);
        sqlite3_bind_text(sel, 2, sid, -1, SQLITE_TRANSIENT);
        int has = sqlite3_step(sel) == SQLITE_ROW;
        sqlite3_reset(sel);
        if (!has) {
            sqlite3_bind_text(ins, 1, "!direct", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, sid, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(ins, 3, (int)(i % 7u));
            sqlite3_bind_text(ins, 4, SD, -1, SQLITE_STATIC);
            sqlite3_step(ins);
            sqlite3_reset(ins);
        }
        if (i % per_txn == per_txn - 1 || i + 1 == n) {
            sqlite3_bind_int(upd, 1, (int)per_txn);
            sqlite3_step(upd);
            sqlite3_reset(upd);
            sqlite3_exec(d, "COMMIT", NULL, NULL, NULL);
        }
    }
    double rate = (double)n / (now() - t0);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    sqlite3_finalize(upd);
    sqlite3_close(d);
    return rate;
}

int main(void)
{
    const char *bin = getenv("MXT_REFSERVER") ? getenv("MXT_REFSERVER") : MXT_REFSERVER_BIN;
    unsigned n = getenv("MXT_BENCH_KEYS") ? (unsigned)strtoul(getenv("MXT_BENCH_KEYS"), NULL, 10) : 3000u;
    if (n < 100) n = 100;
    char dir[] = "/tmp/mxt-bench-refserver-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char db[256], db1[256], db2[256];
    snprintf(db, sizeof db, "%s/server.sqlite", dir);
    snprintf(db1, sizeof db1, "%s/direct1.sqlite", dir);
    snprintf(db2, sizeof db2, "%s/direct100.sqlite", dir);
    int port = 0;
    pid_t pid = start_server(bin, db, &port);
    if (pid < 0) { fprintf(stderr, "cannot start %s\n", bin); return 1; }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    char *out = NULL, token[128], version[32];
    request("POST", "/_matrix/client/v3/register", "{\"username\":\"bench\",\"password\":\"pw\",\"auth\":{\"type\":\"m.login.dummy\"}}", &out);
    int ok = field(out, "access_token", token, sizeof token) == 0;
    free(out);
    if (ok) {
        snprintf(auth_header, sizeof auth_header, "Authorization: Bearer %s", token);
        request("POST", "/_matrix/client/v3/room_keys/version",
                "{\"algorithm\":\"m.megolm_backup.v1.curve25519-aes-sha2\",\"auth_data\":{}}", &out);
        ok = field(out, "version", version, sizeof version) == 0;
        free(out);
    }
    double s1 = 0, s100 = 0, w = 0;
    if (ok) {
        w = server_whoami(n);
        s1 = server_single(version, n);
        s100 = server_batch(version, n);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    if (!ok || s1 == 0 || s100 == 0) { fprintf(stderr, "benchmark failed\n"); return 1; }
    double d1 = direct(db1, n, 1), d100 = direct(db2, n, 100);
    printf("keys per phase: %u (session_data %zu bytes)\n", n, sizeof SD - 1);
    printf("HTTP floor: GET /account/whoami %.0f requests/s (same connection, auth lookup only)\n", w);
    printf("single-session PUT   server %9.0f keys/s   direct SQLite (1 txn/key)    %9.0f keys/s   ratio %.3f\n",
           s1, d1, s1 / d1);
    printf("batches of 100       server %9.0f keys/s   direct SQLite (1 txn/100)    %9.0f keys/s   ratio %.3f\n",
           s100, d100, s100 / d100);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}
