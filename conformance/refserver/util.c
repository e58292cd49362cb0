/* mxt-refserver: buffers, JSON helpers over the core reader, SQLite helpers, errors, auth. */
#include "rs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "canon.h"
#include "signed_json.h"

/* ---- buffer ---- */

static int buf_reserve(rs_buf *b, size_t extra)
{
    if (b->oom) return -1;
    if (extra > SIZE_MAX / 2 - b->len) { b->oom = 1; return -1; }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return -1; }
    b->p = p;
    b->cap = cap;
    return 0;
}

void rs_buf_put(rs_buf *b, const void *s, size_t n)
{
    if (buf_reserve(b, n) != 0) return;
    if (n) memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void rs_buf_puts(rs_buf *b, const char *s) { rs_buf_put(b, s, strlen(s)); }

void rs_buf_printf(rs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rs_buf_jstr(rs_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    rs_buf_put(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        rs_buf_put(b, s + run, i - run);
        run = i + 1;
        char e[6] = { '\\', 0, 0, 0, 0, 0 };
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        default:
            e[1] = 'u'; e[2] = '0'; e[3] = '0'; e[4] = hex[c >> 4]; e[5] = hex[c & 15];
            el = 6;
        }
        rs_buf_put(b, e, el);
    }
    rs_buf_put(b, s + run, n - run);
    rs_buf_put(b, "\"", 1);
}

void rs_buf_free(rs_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

/* ---- JSON ---- */

int rs_json_parse(rs_json *j, const uint8_t *in, size_t len)
{
    memset(j, 0, sizeof *j);
    if (len == 0 || len > (size_t)64 << 20) return -1;
    size_t cap = len / 8 + 64;
    for (;;) {
        mxt_json_token *tok = realloc(j->tok, cap * sizeof *tok);
        if (!tok) { rs_json_free(j); return -1; }
        j->tok = tok;
        mxt_where where;
        mxt_status st = mxt_json_parse(in, len, j->tok, (uint32_t)cap, NULL, &j->doc, &where);
        if (st == MXT_OK) return 0;
        if (st != MXT_E_TOKENS || cap >= len + 2) { rs_json_free(j); return -1; }
        cap = cap * 2 > len + 2 ? len + 2 : cap * 2;
    }
}

void rs_json_free(rs_json *j)
{
    free(j->tok);
    j->tok = NULL;
    memset(&j->doc, 0, sizeof j->doc);
}

uint32_t rs_get(const rs_json *j, uint32_t obj, const char *key)
{
    if (obj == MXT_JSON_NONE || obj >= j->doc.count) return MXT_JSON_NONE;
    return mxt_json_get(&j->doc, obj, (const uint8_t *)key, strlen(key));
}

char *rs_str(const rs_json *j, uint32_t t)
{
    if (t == MXT_JSON_NONE || t >= j->doc.count || j->tok[t].type != MXT_JSON_STRING) return NULL;
    size_t cap = j->tok[t].len + 1;
    uint8_t *out = malloc(cap);
    size_t n = 0;
    if (!out) return NULL;
    if (mxt_json_str(&j->doc, t, out, cap, &n) != MXT_OK || memchr(out, 0, n)) {
        free(out);
        return NULL;
    }
    out[n] = 0;
    return (char *)out;
}

const char *rs_raw(const rs_json *j, uint32_t t, size_t *len)
{
    *len = j->tok[t].len;
    return (const char *)j->doc.in + j->tok[t].start;
}

uint8_t *rs_canon(const rs_json *j, uint32_t t, unsigned mode, size_t *len)
{
    size_t need = 0;
    if (mxt_canon_encode(&j->doc, t, mode, NULL, 0, &need) != MXT_E_BUFFER_SMALL) return NULL;
    uint8_t *out = malloc(need + 1);
    if (!out) return NULL;
    if (mxt_canon_encode(&j->doc, t, mode, out, need + 1, len) != MXT_OK) {
        free(out);
        return NULL;
    }
    return out;
}

uint32_t rs_first_key(const rs_json *j, uint32_t obj)
{
    if (obj == MXT_JSON_NONE || j->tok[obj].type != MXT_JSON_OBJECT || j->tok[obj].count == 0)
        return MXT_JSON_NONE;
    return obj + 1;
}

uint32_t rs_next_key(const rs_json *j, uint32_t obj, uint32_t key)
{
    uint32_t next = j->tok[key + 1].end;
    return next < j->tok[obj].end ? next : MXT_JSON_NONE;
}

/* ---- SQLite ---- */

sqlite3_stmt *rs_stmt(rs_server *s, const char *sql)
{
    for (size_t i = 0; i < s->ncache; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "mxt-refserver: prepare failed: %s\n", sqlite3_errmsg(s->db));
        return NULL;
    }
    if (s->ncache < sizeof s->cache / sizeof s->cache[0]) {
        s->cache[s->ncache].sql = sql;
        s->cache[s->ncache].st = st;
        s->ncache++;
    } else {
        fprintf(stderr, "mxt-refserver: statement cache full\n");
    }
    return st;
}

int rs_exec(rs_server *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "mxt-refserver: sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS users(user_id TEXT PRIMARY KEY, pw TEXT NOT NULL, admin INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tokens(token TEXT PRIMARY KEY, user_id TEXT NOT NULL, device_id TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS nonces(nonce TEXT PRIMARY KEY);"
    "CREATE TABLE IF NOT EXISTS devices(user_id TEXT NOT NULL, device_id TEXT NOT NULL, keys TEXT,"
    "  ed25519 TEXT, PRIMARY KEY(user_id, device_id));"
    "CREATE TABLE IF NOT EXISTS xs_keys(user_id TEXT NOT NULL, usage TEXT NOT NULL, pubkey TEXT NOT NULL,"
    "  raw TEXT NOT NULL, PRIMARY KEY(user_id, usage));"
    "CREATE TABLE IF NOT EXISTS sigs(target_user TEXT NOT NULL, target_key TEXT NOT NULL,"
    "  signer_user TEXT NOT NULL, signer_key TEXT NOT NULL, sig TEXT NOT NULL, by_usk INTEGER NOT NULL,"
    "  PRIMARY KEY(target_user, target_key, signer_user, signer_key));"
    "CREATE TABLE IF NOT EXISTS versions(id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL,"
    "  version INTEGER NOT NULL, algorithm TEXT NOT NULL, auth_data TEXT NOT NULL,"
    "  etag INTEGER NOT NULL, count INTEGER NOT NULL, deleted INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS versions_user ON versions(user_id, version);"
    "CREATE TABLE IF NOT EXISTS room_keys(vid INTEGER NOT NULL, room_id TEXT NOT NULL,"
    "  session_id TEXT NOT NULL, fmi INTEGER NOT NULL, fc INTEGER NOT NULL, verified INTEGER NOT NULL,"
    "  session_data TEXT NOT NULL, PRIMARY KEY(vid, room_id, session_id)) WITHOUT ROWID;";

int rs_db_open(rs_server *s, const char *path)
{
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fprintf(stderr, "mxt-refserver: cannot open %s: %s\n", path,
                s->db ? sqlite3_errmsg(s->db) : "out of memory");
        return -1;
    }
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL: a committed transaction is in the log before the answer is sent, so a killed process
     * loses nothing it acknowledged; synchronous=NORMAL gives that up only on power loss. */
    if (rs_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;") != 0)
        return -1;
    return rs_exec(s, SCHEMA);
}

void rs_db_close(rs_server *s)
{
    for (size_t i = 0; i < s->ncache; i++) sqlite3_finalize(s->cache[i].st);
    s->ncache = 0;
    if (s->db) sqlite3_close(s->db);
    s->db = NULL;
}

void rs_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

char *rs_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t) return NULL;
    size_t n = (size_t)sqlite3_column_bytes(st, i);
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, t, n);
    p[n] = 0;
    return p;
}

/* ---- errors, body, auth ---- */

int rs_err(rs_req *r, int status, const char *errcode, const char *msg)
{
    r->status = status;
    r->out.len = 0;
    rs_buf_puts(&r->out, "{\"errcode\":");
    rs_buf_jstr(&r->out, errcode, strlen(errcode));
    rs_buf_puts(&r->out, ",\"error\":");
    rs_buf_jstr(&r->out, msg, strlen(msg));
    rs_buf_puts(&r->out, "}");
    return 0;
}

int rs_err_db(rs_req *r)
{
    fprintf(stderr, "mxt-refserver: database error: %s\n", sqlite3_errmsg(r->srv->db));
    return rs_err(r, 500, "M_UNKNOWN", "database error");
}

int rs_body_object(rs_req *r, rs_json *j)
{
    if (rs_json_parse(j, r->body, r->body_len) != 0) {
        rs_err(r, 400, "M_NOT_JSON", "body is not valid JSON");
        return -1;
    }
    if (j->tok[0].type != MXT_JSON_OBJECT) {
        rs_json_free(j);
        rs_err(r, 400, "M_BAD_JSON", "body is not a JSON object");
        return -1;
    }
    return 0;
}

int rs_auth(rs_req *r)
{
    const char *tok = NULL;
    if (r->authz && strncmp(r->authz, "Bearer ", 7) == 0) tok = r->authz + 7;
    else if (r->q_access_token) tok = r->q_access_token;
    if (!tok) {
        rs_err(r, 401, "M_MISSING_TOKEN", "no access token");
        return -1;
    }
    sqlite3_stmt *st = rs_stmt(r->srv, "SELECT user_id, device_id FROM tokens WHERE token = ?");
    if (!st) { rs_err_db(r); return -1; }
    rs_bind_text(st, 1, tok);
    if (sqlite3_step(st) != SQLITE_ROW) {
        rs_err(r, 401, "M_UNKNOWN_TOKEN", "unknown access token");
        return -1;
    }
    r->user = rs_col_dup(st, 0);
    r->device = rs_col_dup(st, 1);
    sqlite3_reset(st);
    if (!r->user || !r->device) { rs_err(r, 500, "M_UNKNOWN", "out of memory"); return -1; }
    return 0;
}

void rs_rand_hex(char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        uint8_t b;
        randombytes_buf(&b, 1);
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 15];
    }
    out[2 * n] = 0;
}

int rs_sig_valid(const rs_json *j, uint32_t obj, const char *user, const char *key_id, const uint8_t pk[32])
{
    /* The signing bytes are the object's canonical form minus two members: they fit in the
     * input's length plus a margin unless escapes expand; then retry with the reported length. */
    size_t cap = (size_t)j->doc.in_len + 64;
    for (int attempt = 0; attempt < 2; attempt++) {
        uint8_t *scratch = malloc(cap);
        size_t needed = 0;
        mxt_sig_result res;
        if (!scratch) return 0;
        mxt_status st = mxt_sig_check(&j->doc, obj, (const uint8_t *)user, strlen(user),
                                      (const uint8_t *)key_id, strlen(key_id), pk, scratch, cap,
                                      &needed, &res);
        free(scratch);
        if (st != MXT_OK) return 0;
        if (res.reason == MXT_SIGR_CANON && needed > cap) { cap = needed; continue; }
        return res.verdict == MXT_SIG_VALID;
    }
    return 0;
}
