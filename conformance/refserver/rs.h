/*
 * mxt-refserver: a small homeserver subset (register/login, room_keys, device and cross-signing
 * keys) used as the known-good target of the server suite, and, built with one MXT_MUTANT_* switch,
 * as a known-bad one (MUTANTS.md). Outside the proven core: heap, SQLite, libmicrohttpd.
 *
 * One SQLite connection, used only by libmicrohttpd's single polling thread, so requests run one
 * at a time; each request runs inside one SQLite transaction (committed before the answer is sent
 * when the status is below 400, rolled back otherwise).
 */
#ifndef MXT_RS_H
#define MXT_RS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include "json.h"

/* ---- growable byte buffer ---- */
typedef struct {
    char  *p;
    size_t len;
    size_t cap;
    int    oom;
} rs_buf;

void rs_buf_put(rs_buf *b, const void *s, size_t n);
void rs_buf_puts(rs_buf *b, const char *s);
void rs_buf_printf(rs_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal (quotes included) of s[0..n). */
void rs_buf_jstr(rs_buf *b, const char *s, size_t n);
void rs_buf_free(rs_buf *b);

/* ---- JSON documents read by the core's reader (tokens on the heap) ---- */
typedef struct {
    mxt_json_doc    doc;
    mxt_json_token *tok;
} rs_json;

/* 0 on success; -1 when the bytes are not (strict) JSON or memory ran out. */
int rs_json_parse(rs_json *j, const uint8_t *in, size_t len);
void rs_json_free(rs_json *j);
/* Member `key` of object `obj`, MXT_JSON_NONE when absent or obj is not an object. */
uint32_t rs_get(const rs_json *j, uint32_t obj, const char *key);
/* Unescaped string value of token t (malloc'd, NUL-terminated); NULL when t is not a string, is
 * NONE, or holds a NUL byte. */
char *rs_str(const rs_json *j, uint32_t t);
/* The raw bytes of token t's whole value. */
const char *rs_raw(const rs_json *j, uint32_t t, size_t *len);
/* The canonical JSON of token t (mode MXT_CANON_*), malloc'd; NULL on failure. */
uint8_t *rs_canon(const rs_json *j, uint32_t t, unsigned mode, size_t *len);
/* 1 when signatures[user][key_id] of object obj is a valid ed25519 signature by pk (the core's
 * mxt_sig_check, SIG-001..007), else 0. */
int rs_sig_valid(const rs_json *j, uint32_t obj, const char *user, const char *key_id, const uint8_t pk[32]);
/* Iteration over an object's members: first key token, next key token, NONE at the end. */
uint32_t rs_first_key(const rs_json *j, uint32_t obj);
uint32_t rs_next_key(const rs_json *j, uint32_t obj, uint32_t key);

/* ---- server and request ---- */
typedef struct {
    sqlite3    *db;
    const char *secret;       /* registration shared secret, NULL when disabled */
    const char *server_name;
    int         log_requests;     /* one stderr line per request: method, path, status */
    struct { const char *sql; sqlite3_stmt *st; } cache[96];
    size_t      ncache;
} rs_server;

#define RS_MAX_SEG 8

typedef struct {
    rs_server  *srv;
    const char *method;
    size_t      nseg;               /* path segments after /_matrix/client/v3/ */
    char       *seg[RS_MAX_SEG];    /* percent-decoded */
    char       *q_version;          /* ?version=, decoded, or NULL */
    char       *q_access_token;     /* ?access_token=, or NULL */
    const char *authz;              /* Authorization header, or NULL */
    const uint8_t *body;
    size_t      body_len;
    char       *user;               /* after rs_auth: the requester */
    char       *device;
    int         status;
    rs_buf      out;
} rs_req;

/* A prepared statement for sql (a string literal: cached by address), reset and unbound. */
sqlite3_stmt *rs_stmt(rs_server *s, const char *sql);
/* Runs sql with no result rows; 0 or -1. */
int rs_exec(rs_server *s, const char *sql);
int rs_db_open(rs_server *s, const char *path);
void rs_db_close(rs_server *s);
void rs_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Column text as a malloc'd copy (NULL for SQL NULL). */
char *rs_col_dup(sqlite3_stmt *st, int i);

/* Error answer {"errcode","error"}; returns 0 so handlers can `return rs_err(...)`. */
int rs_err(rs_req *r, int status, const char *errcode, const char *msg);
int rs_err_db(rs_req *r);
/* Parses the body into j; answers 400 M_NOT_JSON and returns -1 when it is not a JSON object. */
int rs_body_object(rs_req *r, rs_json *j);
/* Authenticates the request (Bearer token or access_token); answers 401 and returns -1 if not. */
int rs_auth(rs_req *r);
/* Random bytes as lowercase hex (2n chars + NUL) into out. */
void rs_rand_hex(char *out, size_t n);

/* ---- handlers: each fills r->status and r->out and returns 0 ---- */
int rs_h_register(rs_req *r);
int rs_h_login(rs_req *r);
int rs_h_whoami(rs_req *r);
int rs_h_admin_register(rs_req *r);
int rs_h_room_keys(rs_req *r);
int rs_h_keys_upload(rs_req *r);
int rs_h_device_signing_upload(rs_req *r);
int rs_h_signatures_upload(rs_req *r);
int rs_h_keys_query(rs_req *r);

/* 1 when password is user_id's password. */
int rs_password_ok(rs_server *s, const char *user_id, const char *password);

/* XS-005: 1 when device_id equals one of user's cross-signing public keys. */
int rs_device_id_is_xs_key(rs_server *s, const char *user, const char *device_id);

#endif
