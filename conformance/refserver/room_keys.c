/*
 * mxt-refserver: server-side key backups (/room_keys/version, /room_keys/keys), rules BK-SRV-*,
 * BK-BETTER-*. The better-key choice is the proven core's mxt_bk_decide (core/bk_better.h).
 *
 * Storage: versions(id AUTOINCREMENT, user_id, version, ...) keeps deleted versions as rows with
 * deleted=1, so a version number is never handed out again (BK-SRV-007) and deleting a deleted
 * version answers 200 (BK-SRV-005). etag is a counter bumped once per request that changed the
 * stored keys (BK-SRV-011, BK-BETTER-007); count is kept in the same transaction (BK-SRV-010).
 * auth_data and session_data are stored as the exact bytes received (BK-SRV-017).
 */
#include "rs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "bk_better.h"

typedef struct {
    int64_t id;
    int64_t version;
    int     deleted;
    int64_t etag;
    int64_t count;
    char   *algorithm;
    char   *auth_data;
} vrow;

static void vrow_free(vrow *v)
{
    free(v->algorithm);
    free(v->auth_data);
    v->algorithm = v->auth_data = NULL;
}

/* Versions are decimal strings without leading zeros; anything else names no version. */
static int parse_version(const char *s, int64_t *v)
{
    if (!s || s[0] < '1' || s[0] > '9' || strlen(s) > 17) return -1;
    int64_t x = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        x = x * 10 + (*p - '0');
    }
    *v = x;
    return 0;
}

static int read_vrow(sqlite3_stmt *st, vrow *v)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) return -1;
    v->id = sqlite3_column_int64(st, 0);
    v->version = sqlite3_column_int64(st, 1);
    v->deleted = sqlite3_column_int(st, 2);
    v->etag = sqlite3_column_int64(st, 3);
    v->count = sqlite3_column_int64(st, 4);
    v->algorithm = rs_col_dup(st, 5);
    v->auth_data = rs_col_dup(st, 6);
    sqlite3_reset(st);
    return 1;
}

/* 1 found (deleted or not), 0 unknown, -1 database error. */
static int find_version(rs_req *r, const char *vstr, vrow *v)
{
    int64_t n;
    memset(v, 0, sizeof *v);
    if (parse_version(vstr, &n) != 0) return 0;
    sqlite3_stmt *st = rs_stmt(r->srv,
        "SELECT id, version, deleted, etag, count, algorithm, auth_data FROM versions "
        "WHERE user_id = ? AND version = ? ORDER BY deleted ASC, id DESC LIMIT 1");
    if (!st) return -1;
    rs_bind_text(st, 1, r->user);
    sqlite3_bind_int64(st, 2, n);
    return read_vrow(st, v);
}

static int current_version(rs_req *r, vrow *v)
{
    memset(v, 0, sizeof *v);
    sqlite3_stmt *st = rs_stmt(r->srv,
        "SELECT id, version, deleted, etag, count, algorithm, auth_data FROM versions "
        "WHERE user_id = ? AND deleted = 0 ORDER BY version DESC, id DESC LIMIT 1");
    if (!st) return -1;
    rs_bind_text(st, 1, r->user);
    return read_vrow(st, v);
}

#ifdef MXT_MUTANT_AUTHDATA_REENCODE
/* MUTANT: auth_data goes through a generic JSON library and comes back with only the members a
 * client "needs" (public_key, signatures), numbers printed as doubles. */
static void put_auth_data(rs_buf *b, const char *raw)
{
    cJSON *in = cJSON_Parse(raw), *out = cJSON_CreateObject();
    if (in && out) {
        cJSON *pk = cJSON_GetObjectItemCaseSensitive(in, "public_key");
        cJSON *sg = cJSON_GetObjectItemCaseSensitive(in, "signatures");
        if (pk) cJSON_AddItemToObject(out, "public_key", cJSON_Duplicate(pk, 1));
        if (sg) cJSON_AddItemToObject(out, "signatures", cJSON_Duplicate(sg, 1));
    }
    char *s = out ? cJSON_PrintUnformatted(out) : NULL;
    rs_buf_puts(b, s ? s : "{}");
    cJSON_free(s);
    cJSON_Delete(in);
    cJSON_Delete(out);
}
#else
static void put_auth_data(rs_buf *b, const char *raw) { rs_buf_puts(b, raw); }
#endif

static void put_version_info(rs_buf *b, const vrow *v)
{
    rs_buf_puts(b, "{\"algorithm\":");
    rs_buf_jstr(b, v->algorithm, strlen(v->algorithm));
    rs_buf_puts(b, ",\"auth_data\":");
    put_auth_data(b, v->auth_data);
    rs_buf_printf(b, ",\"count\":%lld,\"etag\":\"%lld\",\"version\":\"%lld\"}", (long long)v->count,
                  (long long)v->etag, (long long)v->version);
}

/* Reads {algorithm, auth_data}; on failure answers 400 and returns -1. */
static int read_algo_auth(rs_req *r, rs_json *j, char **algorithm, char **auth_data, int need_algo)
{
    uint32_t a = rs_get(j, 0, "algorithm");
    uint32_t ad = rs_get(j, 0, "auth_data");
    *algorithm = NULL;
    *auth_data = NULL;
    if (a == MXT_JSON_NONE && need_algo) {
        rs_err(r, 400, "M_MISSING_PARAM", "algorithm is required");
        return -1;
    }
    if (a != MXT_JSON_NONE && !(*algorithm = rs_str(j, a))) {
        rs_err(r, 400, "M_BAD_JSON", "algorithm must be a string");
        return -1;
    }
    if (ad == MXT_JSON_NONE || j->tok[ad].type != MXT_JSON_OBJECT) {
        free(*algorithm);
        *algorithm = NULL;
        rs_err(r, 400, ad == MXT_JSON_NONE ? "M_MISSING_PARAM" : "M_BAD_JSON",
               "auth_data must be an object");
        return -1;
    }
    size_t n;
    const char *raw = rs_raw(j, ad, &n);
    *auth_data = malloc(n + 1);
    if (!*auth_data) {
        free(*algorithm);
        *algorithm = NULL;
        rs_err(r, 500, "M_UNKNOWN", "out of memory");
        return -1;
    }
    memcpy(*auth_data, raw, n);
    (*auth_data)[n] = 0;
    return 0;
}

static int create_version(rs_req *r)
{
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    char *algorithm, *auth_data;
    int bad = read_algo_auth(r, &j, &algorithm, &auth_data, 1);
    rs_json_free(&j);
    if (bad) return 0;
    int64_t version = 0;
#ifdef MXT_MUTANT_VERSION_REUSE
    /* MUTANT: the next version is one past the highest live one, so deleting the newest backup
     * lets its number be handed out again. */
    sqlite3_stmt *mx = rs_stmt(r->srv,
        "SELECT coalesce(max(version), 0) + 1 FROM versions WHERE user_id = ? AND deleted = 0");
    if (!mx) { free(algorithm); free(auth_data); return rs_err_db(r); }
    rs_bind_text(mx, 1, r->user);
    if (sqlite3_step(mx) != SQLITE_ROW) { free(algorithm); free(auth_data); return rs_err_db(r); }
    version = sqlite3_column_int64(mx, 0);
    sqlite3_reset(mx);
#endif
    sqlite3_stmt *st = rs_stmt(r->srv,
        "INSERT INTO versions(user_id, version, algorithm, auth_data, etag, count, deleted) "
        "VALUES(?, ?, ?, ?, 0, 0, 0)");
    if (!st) { free(algorithm); free(auth_data); return rs_err_db(r); }
    rs_bind_text(st, 1, r->user);
    sqlite3_bind_int64(st, 2, version);
    rs_bind_text(st, 3, algorithm);
    rs_bind_text(st, 4, auth_data);
    int rc = sqlite3_step(st);
    free(algorithm);
    free(auth_data);
    if (rc != SQLITE_DONE) return rs_err_db(r);
    if (version == 0) {
        /* The version is the row's AUTOINCREMENT id: never reused, even after deletion (BK-SRV-007). */
        version = sqlite3_last_insert_rowid(r->srv->db);
        st = rs_stmt(r->srv, "UPDATE versions SET version = id WHERE id = ?");
        if (!st) return rs_err_db(r);
        sqlite3_bind_int64(st, 1, version);
        if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
    }
    r->status = 200;
    rs_buf_printf(&r->out, "{\"version\":\"%lld\"}", (long long)version);
    return 0;
}

static int update_version(rs_req *r, const vrow *v, const char *path_version)
{
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    char *algorithm, *auth_data;
    if (read_algo_auth(r, &j, &algorithm, &auth_data, 1) != 0) {
        rs_json_free(&j);
        return 0;
    }
    uint32_t bv = rs_get(&j, 0, "version");
    char *body_version = bv == MXT_JSON_NONE ? NULL : rs_str(&j, bv);
    int version_bad = bv != MXT_JSON_NONE && (!body_version || strcmp(body_version, path_version) != 0);
    rs_json_free(&j);
    free(body_version);
    if (strcmp(algorithm, v->algorithm) != 0) {
        rs_err(r, 400, "M_INVALID_PARAM", "algorithm does not match the backup's");
    } else if (version_bad) {
        rs_err(r, 400, "M_INVALID_PARAM", "version in the body does not match the path");
    } else {
        sqlite3_stmt *st = rs_stmt(r->srv, "UPDATE versions SET auth_data = ? WHERE id = ?");
        if (!st) {
            rs_err_db(r);
        } else {
            rs_bind_text(st, 1, auth_data);
            sqlite3_bind_int64(st, 2, v->id);
            if (sqlite3_step(st) != SQLITE_DONE) rs_err_db(r);
            else { r->status = 200; rs_buf_puts(&r->out, "{}"); }
        }
    }
    free(algorithm);
    free(auth_data);
    return 0;
}

static int delete_version(rs_req *r, const vrow *v)
{
    sqlite3_stmt *st = rs_stmt(r->srv, "DELETE FROM room_keys WHERE vid = ?");
    if (!st) return rs_err_db(r);
    sqlite3_bind_int64(st, 1, v->id);
    if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
#ifdef MXT_MUTANT_VERSION_REUSE
    st = rs_stmt(r->srv, "DELETE FROM versions WHERE id = ?");
#else
    st = rs_stmt(r->srv, "UPDATE versions SET deleted = 1, count = 0 WHERE id = ?");
#endif
    if (!st) return rs_err_db(r);
    sqlite3_bind_int64(st, 1, v->id);
    if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
    r->status = 200;
    rs_buf_puts(&r->out, "{}");
    return 0;
}

static int h_version(rs_req *r)
{
    vrow v;
    int found;
    if (r->nseg == 2) {
        if (strcmp(r->method, "POST") == 0) return create_version(r);
        if (strcmp(r->method, "GET") != 0)
            return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
        found = current_version(r, &v);
        if (found < 0) return rs_err_db(r);
        if (found == 0) return rs_err(r, 404, "M_NOT_FOUND", "no current backup version");
    } else if (r->nseg == 3) {
        found = find_version(r, r->seg[2], &v);
        if (found < 0) return rs_err_db(r);
        if (found == 0 || (v.deleted && strcmp(r->method, "DELETE") != 0)) {
            vrow_free(&v);
            return rs_err(r, 404, "M_NOT_FOUND", "unknown backup version");
        }
        if (strcmp(r->method, "PUT") == 0) {
            update_version(r, &v, r->seg[2]);
            vrow_free(&v);
            return 0;
        }
        if (strcmp(r->method, "DELETE") == 0) {
            if (v.deleted) { r->status = 200; rs_buf_puts(&r->out, "{}"); }
            else delete_version(r, &v);
            vrow_free(&v);
            return 0;
        }
        if (strcmp(r->method, "GET") != 0) {
            vrow_free(&v);
            return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
        }
    } else {
        return rs_err(r, 404, "M_UNRECOGNIZED", "unrecognised request");
    }
    r->status = 200;
    put_version_info(&r->out, &v);
    vrow_free(&v);
    return 0;
}

/* ---- keys ---- */

typedef struct {
    char       *room;
    char       *session;
    mxt_bk_rank rank;
    const char *sd;
    size_t      sd_len;
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
} entries;

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++) {
        free(es->e[i].room);
        free(es->e[i].session);
    }
    free(es->e);
}

static int read_u32(const rs_json *j, uint32_t t, uint32_t *out)
{
    if (t == MXT_JSON_NONE || j->tok[t].type != MXT_JSON_NUMBER) return -1;
    int64_t v = j->tok[t].num;
    if (v < 0 || v > (int64_t)UINT32_MAX) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* BK-SRV-016: the four KeyBackupData members with their types. Takes ownership of room/session. */
static int add_entry(entries *es, const rs_json *j, uint32_t kbd, char *room, char *session)
{
    entry e;
    memset(&e, 0, sizeof e);
    e.room = room;
    e.session = session;
    uint32_t v = rs_get(j, kbd, "is_verified");
    uint32_t sd = rs_get(j, kbd, "session_data");
    int ok = room && session && kbd != MXT_JSON_NONE && j->tok[kbd].type == MXT_JSON_OBJECT
          && read_u32(j, rs_get(j, kbd, "first_message_index"), &e.rank.first_message_index) == 0
          && read_u32(j, rs_get(j, kbd, "forwarded_count"), &e.rank.forwarded_count) == 0
          && v != MXT_JSON_NONE && (j->tok[v].type == MXT_JSON_TRUE || j->tok[v].type == MXT_JSON_FALSE)
          && sd != MXT_JSON_NONE && j->tok[sd].type == MXT_JSON_OBJECT;
    if (ok && es->n == es->cap) {
        size_t cap = es->cap ? es->cap * 2 : 16;
        entry *p = realloc(es->e, cap * sizeof *p);
        if (!p) ok = 0;
        else { es->e = p; es->cap = cap; }
    }
    if (!ok) {
        free(room);
        free(session);
        return -1;
    }
    e.rank.is_verified = j->tok[v].type == MXT_JSON_TRUE;
    e.sd = rs_raw(j, sd, &e.sd_len);
    es->e[es->n++] = e;
    return 0;
}

static char *dup_s(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p) memcpy(p, s, n + 1);
    return p;
}

static int add_room(entries *es, const rs_json *j, uint32_t sessions, const char *room)
{
    if (sessions == MXT_JSON_NONE || j->tok[sessions].type != MXT_JSON_OBJECT) return -1;
    for (uint32_t k = rs_first_key(j, sessions); k != MXT_JSON_NONE; k = rs_next_key(j, sessions, k))
        if (add_entry(es, j, k + 1, dup_s(room), rs_str(j, k)) != 0) return -1;
    return 0;
}

/* Reads the upload at the level the path names; -1 when the body is malformed. */
static int read_upload(rs_req *r, const rs_json *j, entries *es)
{
    if (r->nseg == 4) return add_entry(es, j, 0, dup_s(r->seg[2]), dup_s(r->seg[3]));
    if (r->nseg == 3) return add_room(es, j, rs_get(j, 0, "sessions"), r->seg[2]);
    uint32_t rooms = rs_get(j, 0, "rooms");
    if (rooms == MXT_JSON_NONE || j->tok[rooms].type != MXT_JSON_OBJECT) return -1;
    for (uint32_t k = rs_first_key(j, rooms); k != MXT_JSON_NONE; k = rs_next_key(j, rooms, k)) {
        char *room = rs_str(j, k);
        int bad = !room || add_room(es, j, rs_get(j, k + 1, "sessions"), room) != 0;
        free(room);
        if (bad) return -1;
    }
    return 0;
}

static int put_etag_count(rs_req *r, int64_t vid)
{
    sqlite3_stmt *st = rs_stmt(r->srv, "SELECT etag, count FROM versions WHERE id = ?");
    if (!st) return rs_err_db(r);
    sqlite3_bind_int64(st, 1, vid);
    if (sqlite3_step(st) != SQLITE_ROW) return rs_err_db(r);
    r->status = 200;
    rs_buf_printf(&r->out, "{\"etag\":\"%lld\",\"count\":%lld}", (long long)sqlite3_column_int64(st, 0),
                  (long long)sqlite3_column_int64(st, 1));
    sqlite3_reset(st);
    return 0;
}

static int bump(rs_req *r, int64_t vid, int64_t etag_delta, int64_t count_delta)
{
    sqlite3_stmt *st = rs_stmt(r->srv, "UPDATE versions SET etag = etag + ?, count = count + ? WHERE id = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, etag_delta);
    sqlite3_bind_int64(st, 2, count_delta);
    sqlite3_bind_int64(st, 3, vid);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* One slot: decide with the core rule and write. *changed / *added report what happened. */
static int store_entry(rs_req *r, int64_t vid, const entry *e, int *changed, int64_t *added)
{
    sqlite3_stmt *st = rs_stmt(r->srv,
        "SELECT fmi, fc, verified FROM room_keys WHERE vid = ? AND room_id = ? AND session_id = ?");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, vid);
    rs_bind_text(st, 2, e->room);
    rs_bind_text(st, 3, e->session);
    int rc = sqlite3_step(st);
    mxt_bk_rank stored;
    int has = rc == SQLITE_ROW;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return -1;
    if (has) {
        stored.first_message_index = (uint32_t)sqlite3_column_int64(st, 0);
        stored.forwarded_count = (uint32_t)sqlite3_column_int64(st, 1);
        stored.is_verified = sqlite3_column_int(st, 2) != 0;
    }
    sqlite3_reset(st);
#ifdef MXT_MUTANT_ANYFIELD_BETTER
    /* MUTANT: Synapse's any-field replacement test (element-hq/synapse#13704). */
    mxt_bk_decision d = mxt_bk_synapse_decide(has ? &stored : NULL, &e->rank);
#else
    mxt_bk_decision d = mxt_bk_decide(has ? &stored : NULL, &e->rank);
#endif
    if (d.action == MXT_BK_KEEP) return 0;
    st = rs_stmt(r->srv,
        "INSERT OR REPLACE INTO room_keys(vid, room_id, session_id, fmi, fc, verified, session_data) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, vid);
    rs_bind_text(st, 2, e->room);
    rs_bind_text(st, 3, e->session);
    sqlite3_bind_int64(st, 4, e->rank.first_message_index);
    sqlite3_bind_int64(st, 5, e->rank.forwarded_count);
    sqlite3_bind_int(st, 6, e->rank.is_verified ? 1 : 0);
    sqlite3_bind_text(st, 7, e->sd, (int)e->sd_len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return -1;
    *changed = 1;
    if (d.action == MXT_BK_STORE) (*added)++;
    return 0;
}

static int put_keys(rs_req *r, const vrow *v)
{
    vrow cur;
    int c = current_version(r, &cur);
    if (c < 0) return rs_err_db(r);
    if (c == 0 || cur.id != v->id) {
        /* BK-SRV-008: a write to an existing backup that is not the current one. */
#ifdef MXT_MUTANT_WRONG_VERSION_400
        r->status = 400;   /* MUTANT: 400 instead of 403 */
#else
        r->status = 403;
#endif
        r->out.len = 0;
        rs_buf_puts(&r->out, "{\"errcode\":\"M_WRONG_ROOM_KEYS_VERSION\",\"error\":\"Wrong backup version.\"");
        if (c == 1) rs_buf_printf(&r->out, ",\"current_version\":\"%lld\"", (long long)cur.version);
        rs_buf_puts(&r->out, "}");
        vrow_free(&cur);
        return 0;
    }
    vrow_free(&cur);
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    entries es;
    memset(&es, 0, sizeof es);
    if (read_upload(r, &j, &es) != 0) {
        entries_free(&es);
        rs_json_free(&j);
        return rs_err(r, 400, "M_BAD_JSON", "malformed KeyBackupData");
    }
    int changed = 0, fail = 0;
    int64_t added = 0;
    for (size_t i = 0; i < es.n && !fail; i++) fail = store_entry(r, v->id, &es.e[i], &changed, &added) != 0;
    entries_free(&es);
    rs_json_free(&j);
#ifdef MXT_MUTANT_ETAG_ON_REJECT
    changed = 1;   /* MUTANT: the etag moves on every upload, even when every key was kept */
#endif
    if (fail || bump(r, v->id, changed ? 1 : 0, added) != 0) return rs_err_db(r);
    return put_etag_count(r, v->id);
}

static void put_kbd(rs_buf *b, sqlite3_stmt *st, int col)
{
    rs_buf_printf(b, "{\"first_message_index\":%lld,\"forwarded_count\":%lld,\"is_verified\":%s,\"session_data\":",
                  (long long)sqlite3_column_int64(st, col), (long long)sqlite3_column_int64(st, col + 1),
                  sqlite3_column_int(st, col + 2) ? "true" : "false");
    rs_buf_put(b, sqlite3_column_text(st, col + 3), (size_t)sqlite3_column_bytes(st, col + 3));
    rs_buf_puts(b, "}");
}

static void put_col_str(rs_buf *b, sqlite3_stmt *st, int col)
{
    rs_buf_jstr(b, (const char *)sqlite3_column_text(st, col), (size_t)sqlite3_column_bytes(st, col));
}

static int get_keys(rs_req *r, const vrow *v)
{
    sqlite3_stmt *st;
    int rc;
    if (r->nseg == 4) {
        st = rs_stmt(r->srv, "SELECT fmi, fc, verified, session_data FROM room_keys "
                             "WHERE vid = ? AND room_id = ? AND session_id = ?");
        if (!st) return rs_err_db(r);
        sqlite3_bind_int64(st, 1, v->id);
        rs_bind_text(st, 2, r->seg[2]);
        rs_bind_text(st, 3, r->seg[3]);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) return rs_err(r, 404, "M_NOT_FOUND", "no key for this session");
        if (rc != SQLITE_ROW) return rs_err_db(r);
        r->status = 200;
        put_kbd(&r->out, st, 0);
        sqlite3_reset(st);
        return 0;
    }
    if (r->nseg == 3) {
        st = rs_stmt(r->srv, "SELECT session_id, fmi, fc, verified, session_data FROM room_keys "
                             "WHERE vid = ? AND room_id = ? ORDER BY session_id");
        if (!st) return rs_err_db(r);
        sqlite3_bind_int64(st, 1, v->id);
        rs_bind_text(st, 2, r->seg[2]);
        rs_buf_puts(&r->out, "{\"sessions\":{");
        int first = 1;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (!first) rs_buf_puts(&r->out, ",");
            first = 0;
            put_col_str(&r->out, st, 0);
            rs_buf_puts(&r->out, ":");
            put_kbd(&r->out, st, 1);
        }
        if (rc != SQLITE_DONE) return rs_err_db(r);
        rs_buf_puts(&r->out, "}}");
        r->status = 200;
        return 0;
    }
    st = rs_stmt(r->srv, "SELECT room_id, session_id, fmi, fc, verified, session_data FROM room_keys "
                         "WHERE vid = ? ORDER BY room_id, session_id");
    if (!st) return rs_err_db(r);
    sqlite3_bind_int64(st, 1, v->id);
    rs_buf_puts(&r->out, "{\"rooms\":{");
    rs_buf last = { 0 };
    int first = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *room = (const char *)sqlite3_column_text(st, 0);
        size_t rn = (size_t)sqlite3_column_bytes(st, 0);
        int same = !first && last.len == rn && memcmp(last.p, room, rn) == 0;
        if (!same) {
            if (!first) rs_buf_puts(&r->out, "}},");
            put_col_str(&r->out, st, 0);
            rs_buf_puts(&r->out, ":{\"sessions\":{");
            last.len = 0;
            rs_buf_put(&last, room, rn);
        } else {
            rs_buf_puts(&r->out, ",");
        }
        first = 0;
        put_col_str(&r->out, st, 1);
        rs_buf_puts(&r->out, ":");
        put_kbd(&r->out, st, 2);
    }
    rs_buf_free(&last);
    if (rc != SQLITE_DONE) return rs_err_db(r);
    rs_buf_puts(&r->out, first ? "}}" : "}}}}");
    r->status = 200;
    return 0;
}

static int delete_keys(rs_req *r, const vrow *v)
{
    sqlite3_stmt *st;
    if (r->nseg == 4) {
        st = rs_stmt(r->srv, "DELETE FROM room_keys WHERE vid = ? AND room_id = ? AND session_id = ?");
        if (!st) return rs_err_db(r);
        rs_bind_text(st, 3, r->seg[3]);
    } else if (r->nseg == 3) {
        st = rs_stmt(r->srv, "DELETE FROM room_keys WHERE vid = ? AND room_id = ?");
    } else {
        st = rs_stmt(r->srv, "DELETE FROM room_keys WHERE vid = ?");
    }
    if (!st) return rs_err_db(r);
    sqlite3_bind_int64(st, 1, v->id);
    if (r->nseg >= 3) rs_bind_text(st, 2, r->seg[2]);
    if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
    int64_t n = sqlite3_changes(r->srv->db);
    if (n > 0 && bump(r, v->id, 1, -n) != 0) return rs_err_db(r);
    return put_etag_count(r, v->id);
}

static int h_keys(rs_req *r)
{
    if (r->nseg > 4) return rs_err(r, 404, "M_UNRECOGNIZED", "unrecognised request");
    int get = strcmp(r->method, "GET") == 0, put = strcmp(r->method, "PUT") == 0,
        del = strcmp(r->method, "DELETE") == 0;
    if (!get && !put && !del) return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
    if (!r->q_version) return rs_err(r, 400, "M_MISSING_PARAM", "the version query parameter is required");
    vrow v;
    int found = find_version(r, r->q_version, &v);
    if (found < 0) return rs_err_db(r);
    if (found == 0 || v.deleted) {
        vrow_free(&v);
        return rs_err(r, 404, "M_NOT_FOUND", "unknown backup version");
    }
    if (get) get_keys(r, &v);
    else if (put) put_keys(r, &v);
    else delete_keys(r, &v);
    vrow_free(&v);
    return 0;
}

int rs_h_room_keys(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    if (strcmp(r->seg[1], "version") == 0) return h_version(r);
    if (strcmp(r->seg[1], "keys") == 0) return h_keys(r);
    return rs_err(r, 404, "M_UNRECOGNIZED", "unrecognised request");
}
