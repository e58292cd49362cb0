/*
 * mxt-refserver: device keys and cross-signing (/keys/upload, /keys/device_signing/upload,
 * /keys/signatures/upload, /keys/query), rules XS-001..005, XS-008..013, XS-017.
 *
 * Key objects are stored as the exact bytes received (XS-017); their signatures live apart in
 * sigs(target_user, target_key, signer_user, signer_key, sig, by_usk), target_key being a device
 * ID or a cross-signing public key. /keys/query rebuilds each object from the stored bytes minus
 * "signatures", plus the signatures the requester may see (XS-012). Key shapes are checked with
 * the core's mxt_xs_key_check, signatures with the core's mxt_sig_check (rs_sig_valid).
 */
#include "rs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "canon.h"
#include "xs_key.h"

static const char *const ROLE_NAME[3] = { "master", "self_signing", "user_signing" };

int rs_device_id_is_xs_key(rs_server *s, const char *user, const char *device_id)
{
    sqlite3_stmt *st = rs_stmt(s, "SELECT 1 FROM xs_keys WHERE user_id = ? AND pubkey = ?");
    if (!st) return 1;
    rs_bind_text(st, 1, user);
    rs_bind_text(st, 2, device_id);
    int hit = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return hit;
}

/* The stored public key (unpadded base64, malloc'd) of user's key with `usage`, or NULL. */
static char *xs_pubkey(rs_server *s, const char *user, const char *usage)
{
    sqlite3_stmt *st = rs_stmt(s, "SELECT pubkey FROM xs_keys WHERE user_id = ? AND usage = ?");
    if (!st) return NULL;
    rs_bind_text(st, 1, user);
    rs_bind_text(st, 2, usage);
    char *pk = sqlite3_step(st) == SQLITE_ROW ? rs_col_dup(st, 0) : NULL;
    sqlite3_reset(st);
    return pk;
}

static int decode_pk(const char *b64, uint8_t pk[32])
{
    size_t n = 0;
    mxt_where w;
    return b64 && mxt_b64_decode(b64, strlen(b64), MXT_B64_LENIENT, pk, 32, &n, &w) == MXT_OK && n == 32
               ? 0 : -1;
}

/* 1 when key_id ("ed25519:...") is signer's current user-signing key. */
static int is_usk(rs_server *s, const char *signer, const char *key_id)
{
    if (strncmp(key_id, "ed25519:", 8) != 0) return 0;
    char *usk = xs_pubkey(s, signer, "user_signing");
    int yes = usk && strcmp(usk, key_id + 8) == 0;
    free(usk);
    return yes;
}

static int insert_sig(rs_server *s, const char *tu, const char *tk, const char *su, const char *sk,
                      const char *sig)
{
    sqlite3_stmt *st = rs_stmt(s,
        "INSERT OR REPLACE INTO sigs(target_user, target_key, signer_user, signer_key, sig, by_usk) "
        "VALUES(?, ?, ?, ?, ?, ?)");
    if (!st) return -1;
    int usk = is_usk(s, su, sk);
    rs_bind_text(st, 1, tu);
    rs_bind_text(st, 2, tk);
    rs_bind_text(st, 3, su);
    rs_bind_text(st, 4, sk);
    rs_bind_text(st, 5, sig);
    sqlite3_bind_int(st, 6, usk);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* Moves the signatures found in an uploaded object into the sigs table (all signers). */
static int store_embedded_sigs(rs_server *s, const rs_json *j, uint32_t obj, const char *tu, const char *tk)
{
    uint32_t sigs = rs_get(j, obj, "signatures");
    if (sigs == MXT_JSON_NONE || j->tok[sigs].type != MXT_JSON_OBJECT) return 0;
    for (uint32_t u = rs_first_key(j, sigs); u != MXT_JSON_NONE; u = rs_next_key(j, sigs, u)) {
        if (j->tok[u + 1].type != MXT_JSON_OBJECT) continue;
        char *su = rs_str(j, u);
        for (uint32_t k = rs_first_key(j, u + 1); su && k != MXT_JSON_NONE; k = rs_next_key(j, u + 1, k)) {
            char *sk = rs_str(j, k), *sig = rs_str(j, k + 1);
            int rc = sk && sig ? insert_sig(s, tu, tk, su, sk, sig) : 0;
            free(sk);
            free(sig);
            if (rc != 0) { free(su); return -1; }
        }
        free(su);
    }
    return 0;
}

static int delete_sigs_on(rs_server *s, const char *tu, const char *tk)
{
    sqlite3_stmt *st = rs_stmt(s, "DELETE FROM sigs WHERE target_user = ? AND target_key = ?");
    if (!st) return -1;
    rs_bind_text(st, 1, tu);
    rs_bind_text(st, 2, tk);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* 1 when the signing bytes (canonical JSON minus signatures/unsigned) of two objects agree. */
static int same_signed_content(const rs_json *a, uint32_t ta, const char *raw_b)
{
    rs_json b;
    if (rs_json_parse(&b, (const uint8_t *)raw_b, strlen(raw_b)) != 0) return 0;
    size_t na = 0, nb = 0;
    uint8_t *ca = rs_canon(a, ta, MXT_CANON_SIGNING, &na);
    uint8_t *cb = rs_canon(&b, 0, MXT_CANON_SIGNING, &nb);
    int same = ca && cb && na == nb && memcmp(ca, cb, na) == 0;
    free(ca);
    free(cb);
    rs_json_free(&b);
    return same;
}

/* ---- /keys/upload ---- */

int rs_h_keys_upload(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    uint32_t dk = rs_get(&j, 0, "device_keys");
    if (dk != MXT_JSON_NONE) {
        char *uid = rs_str(&j, rs_get(&j, dk, "user_id"));
        char *did = rs_str(&j, rs_get(&j, dk, "device_id"));
        rs_buf kid = { 0 };
        rs_buf_printf(&kid, "ed25519:%s", r->device);
        char *ed = rs_str(&j, rs_get(&j, rs_get(&j, dk, "keys"), kid.p ? kid.p : ""));
        rs_buf_free(&kid);
        uint8_t pk[32];
        int ok = j.tok[dk].type == MXT_JSON_OBJECT && uid && did && strcmp(uid, r->user) == 0
              && strcmp(did, r->device) == 0 && decode_pk(ed, pk) == 0;
        free(uid);
        free(did);
        if (!ok) {
            free(ed);
            rs_json_free(&j);
            return rs_err(r, 400, "M_INVALID_PARAM",
                          "device_keys must name this user and device and carry its ed25519 key");
        }
        sqlite3_stmt *st = rs_stmt(r->srv, "SELECT keys FROM devices WHERE user_id = ? AND device_id = ?");
        char *old = NULL;
        if (st) {
            rs_bind_text(st, 1, r->user);
            rs_bind_text(st, 2, r->device);
            if (sqlite3_step(st) == SQLITE_ROW) old = rs_col_dup(st, 0);
            sqlite3_reset(st);
        }
        int fail = !st;
        /* New key material invalidates the signatures made over the old one. */
        if (!fail && old && !same_signed_content(&j, dk, old)) fail = delete_sigs_on(r->srv, r->user, r->device);
        free(old);
        size_t n;
        const char *raw = rs_raw(&j, dk, &n);
        st = fail ? NULL : rs_stmt(r->srv, "UPDATE devices SET keys = ?, ed25519 = ? WHERE user_id = ? AND device_id = ?");
        if (st) {
            sqlite3_bind_text(st, 1, raw, (int)n, SQLITE_STATIC);
            rs_bind_text(st, 2, ed);
            rs_bind_text(st, 3, r->user);
            rs_bind_text(st, 4, r->device);
            fail = sqlite3_step(st) != SQLITE_DONE;
        } else {
            fail = 1;
        }
        free(ed);
        if (!fail) fail = store_embedded_sigs(r->srv, &j, dk, r->user, r->device);
        if (fail) { rs_json_free(&j); return rs_err_db(r); }
    }
    rs_json_free(&j);
    r->status = 200;
    rs_buf_puts(&r->out, "{\"one_time_key_counts\":{}}");
    return 0;
}

/* ---- /keys/device_signing/upload ---- */

/* XS-004: user-interactive auth is needed unless no master key is stored yet, or every key in the
 * request is identical (canonical JSON) to the stored key of its role. */
static int needs_uia(rs_req *r, const rs_json *j, const uint32_t tok[3], const char *const role[3])
{
    char *master = xs_pubkey(r->srv, r->user, "master");
    int stored = master != NULL;
    free(master);
    if (!stored) return 0;
    for (int i = 0; i < 3; i++) {
        if (tok[i] == MXT_JSON_NONE) continue;
        sqlite3_stmt *st = rs_stmt(r->srv, "SELECT raw FROM xs_keys WHERE user_id = ? AND usage = ?");
        if (!st) return 1;
        rs_bind_text(st, 1, r->user);
        rs_bind_text(st, 2, role[i]);
        char *raw = sqlite3_step(st) == SQLITE_ROW ? rs_col_dup(st, 0) : NULL;
        sqlite3_reset(st);
        int same = 0;
        rs_json old;
        if (raw && rs_json_parse(&old, (const uint8_t *)raw, strlen(raw)) == 0) {
            size_t na = 0, nb = 0;
            uint8_t *ca = rs_canon(j, tok[i], MXT_CANON_ALL, &na), *cb = rs_canon(&old, 0, MXT_CANON_ALL, &nb);
            same = ca && cb && na == nb && memcmp(ca, cb, na) == 0;
            free(ca);
            free(cb);
            rs_json_free(&old);
        }
        free(raw);
        if (!same) return 1;
    }
    return 0;
}

/* The auth stage: m.login.password for the requester. 0 when passed, else answers 401. */
static int check_uia(rs_req *r, const rs_json *j)
{
    uint32_t auth = rs_get(j, 0, "auth");
    char *type = rs_str(j, rs_get(j, auth, "type"));
    char *user = rs_str(j, rs_get(j, rs_get(j, auth, "identifier"), "user"));
    if (!user) user = rs_str(j, rs_get(j, auth, "user"));
    char *password = rs_str(j, rs_get(j, auth, "password"));
    int tried = type != NULL, ok = 0;
    if (type && strcmp(type, "m.login.password") == 0 && user && password) {
        rs_buf id = { 0 };
        if (user[0] == '@') rs_buf_puts(&id, user);
        else rs_buf_printf(&id, "@%s:%s", user, r->srv->server_name);
        ok = !id.oom && strcmp(id.p, r->user) == 0 && rs_password_ok(r->srv, id.p, password);
        rs_buf_free(&id);
    }
    free(type);
    free(user);
    free(password);
    if (ok) return 0;
    char session[33];
    rs_rand_hex(session, 16);
    r->status = 401;
    r->out.len = 0;
    rs_buf_puts(&r->out, "{");
    if (tried) rs_buf_puts(&r->out, "\"errcode\":\"M_FORBIDDEN\",\"error\":\"invalid password\",");
    rs_buf_printf(&r->out, "\"flows\":[{\"stages\":[\"m.login.password\"]}],\"params\":{},\"session\":\"%s\"}", session);
    return -1;
}

int rs_h_device_signing_upload(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    static const char *const member[3] = { "master_key", "self_signing_key", "user_signing_key" };
    uint32_t tok[3];
    uint8_t pk[3][32];
    char pkb[3][48];
    for (int i = 0; i < 3; i++) {
        tok[i] = rs_get(&j, 0, member[i]);
        pkb[i][0] = 0;
        if (tok[i] == MXT_JSON_NONE) continue;
        mxt_xs_key_facts facts;
        mxt_xsk_reason why = mxt_xs_key_check(&j.doc, tok[i], (const uint8_t *)r->user, strlen(r->user),
                                              (mxt_xs_role)i, pk[i], &facts);
        if (why != MXT_XSK_OK) {   /* XS-001, XS-002 */
            rs_buf m = { 0 };
            rs_buf_printf(&m, "%s is not a valid %s key (%s)", member[i], ROLE_NAME[i], mxt_xsk_reason_name(why));
            rs_err(r, 400, "M_INVALID_PARAM", m.p ? m.p : "invalid key");
            rs_buf_free(&m);
            rs_json_free(&j);
            return 0;
        }
        size_t n = 0;
        mxt_b64_encode(pk[i], 32, pkb[i], sizeof pkb[i] - 1, &n);
        pkb[i][n] = 0;
    }
    if (needs_uia(r, &j, tok, ROLE_NAME) && check_uia(r, &j) != 0) {
        rs_json_free(&j);
        return 0;
    }
    /* XS-003: subkeys are signed by the master key of this request, else by the stored one. */
    uint8_t master[32];
    char *stored_master = NULL;
    int have_master = tok[0] != MXT_JSON_NONE;
    if (have_master) memcpy(master, pk[0], 32);
    else if ((stored_master = xs_pubkey(r->srv, r->user, "master")) && decode_pk(stored_master, master) == 0)
        have_master = 1;
    char master_b64[48];
    snprintf(master_b64, sizeof master_b64, "%s", tok[0] != MXT_JSON_NONE ? pkb[0] : stored_master ? stored_master : "");
    free(stored_master);
    for (int i = 1; i < 3; i++) {
        if (tok[i] == MXT_JSON_NONE) continue;
        if (!have_master) {
            rs_json_free(&j);
            return rs_err(r, 400, "M_MISSING_PARAM", "no master key to check the subkey against");
        }
        char kid[64];
        snprintf(kid, sizeof kid, "ed25519:%s", master_b64);
        if (!rs_sig_valid(&j, tok[i], r->user, kid, master)) {
            rs_json_free(&j);
            return rs_err(r, 400, "M_INVALID_SIGNATURE",
                          i == 1 ? "self_signing_key is not signed by the master key"
                                 : "user_signing_key is not signed by the master key");
        }
    }
    /* XS-005: a cross-signing public key may not equal one of the user's device IDs. */
    for (int i = 0; i < 3; i++) {
        if (tok[i] == MXT_JSON_NONE) continue;
        sqlite3_stmt *st = rs_stmt(r->srv, "SELECT 1 FROM devices WHERE user_id = ? AND device_id = ?");
        if (!st) { rs_json_free(&j); return rs_err_db(r); }
        rs_bind_text(st, 1, r->user);
        rs_bind_text(st, 2, pkb[i]);
        int hit = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (hit) {
            rs_json_free(&j);
            return rs_err(r, 403, "M_FORBIDDEN", "a cross-signing key equals an existing device ID");
        }
    }
    /* Store: the user-signing key first, so signatures the others carry by it are recognised. */
    static const int order[3] = { 2, 0, 1 };
    for (int o = 0; o < 3; o++) {
        int i = order[o];
        if (tok[i] == MXT_JSON_NONE) continue;
        char *old = xs_pubkey(r->srv, r->user, ROLE_NAME[i]);
        int fail = old && strcmp(old, pkb[i]) != 0 && delete_sigs_on(r->srv, r->user, old) != 0;
        free(old);
        size_t n;
        const char *raw = rs_raw(&j, tok[i], &n);
        sqlite3_stmt *st = fail ? NULL : rs_stmt(r->srv,
            "INSERT OR REPLACE INTO xs_keys(user_id, usage, pubkey, raw) VALUES(?, ?, ?, ?)");
        if (st) {
            rs_bind_text(st, 1, r->user);
            rs_bind_text(st, 2, ROLE_NAME[i]);
            rs_bind_text(st, 3, pkb[i]);
            sqlite3_bind_text(st, 4, raw, (int)n, SQLITE_STATIC);
            fail = sqlite3_step(st) != SQLITE_DONE;
        } else {
            fail = 1;
        }
        if (!fail) fail = store_embedded_sigs(r->srv, &j, tok[i], r->user, pkb[i]);
        if (fail) { rs_json_free(&j); return rs_err_db(r); }
    }
    rs_json_free(&j);
    r->status = 200;
    rs_buf_puts(&r->out, "{}");
    return 0;
}

/* ---- /keys/signatures/upload ---- */

enum target_kind { T_DEVICE, T_MASTER, T_SUBKEY, T_OTHER_MASTER };

static void add_failure(rs_buf *f, int *first_user, int *first_key, const char *tu, const char *tk,
                        const char *errcode, const char *msg)
{
    if (*first_key) {
        if (!*first_user) rs_buf_puts(f, "},");
        rs_buf_jstr(f, tu, strlen(tu));
        rs_buf_puts(f, ":{");
        *first_user = 0;
    } else {
        rs_buf_puts(f, ",");
    }
    *first_key = 0;
    rs_buf_jstr(f, tk, strlen(tk));
    rs_buf_puts(f, ":{\"errcode\":");
    rs_buf_jstr(f, errcode, strlen(errcode));
    rs_buf_puts(f, ",\"error\":");
    rs_buf_jstr(f, msg, strlen(msg));
    rs_buf_puts(f, "}");
}

/* Finds the stored object the upload targets. Returns its raw JSON (malloc'd) or NULL with
 * *errcode and *msg set. */
static char *find_target(rs_req *r, const char *tu, const char *tk, enum target_kind *kind,
                         const char **errcode, const char **msg)
{
    rs_server *s = r->srv;
    char *raw = NULL;
    sqlite3_stmt *st;
    if (strcmp(tu, r->user) == 0) {
        st = rs_stmt(s, "SELECT keys FROM devices WHERE user_id = ? AND device_id = ? AND keys IS NOT NULL");
        if (st) {
            rs_bind_text(st, 1, tu);
            rs_bind_text(st, 2, tk);
            if (sqlite3_step(st) == SQLITE_ROW) raw = rs_col_dup(st, 0);
            sqlite3_reset(st);
        }
        if (raw) { *kind = T_DEVICE; return raw; }
    }
    st = rs_stmt(s, "SELECT usage, raw FROM xs_keys WHERE user_id = ? AND pubkey = ?");
    char *usage = NULL;
    if (st) {
        rs_bind_text(st, 1, tu);
        rs_bind_text(st, 2, tk);
        if (sqlite3_step(st) == SQLITE_ROW) { usage = rs_col_dup(st, 0); raw = rs_col_dup(st, 1); }
        sqlite3_reset(st);
    }
    int master = usage && strcmp(usage, "master") == 0;
    free(usage);
    if (raw && strcmp(tu, r->user) == 0) { *kind = master ? T_MASTER : T_SUBKEY; return raw; }
    if (raw && master) { *kind = T_OTHER_MASTER; return raw; }
    if (raw) {
        free(raw);
        *errcode = "M_FORBIDDEN";
        *msg = "only another user's master key may be signed";   /* XS-010 */
        return NULL;
    }
    st = rs_stmt(s, "SELECT 1 FROM devices WHERE user_id = ? AND device_id = ?");
    int other_device = 0;
    if (st && strcmp(tu, r->user) != 0) {
        rs_bind_text(st, 1, tu);
        rs_bind_text(st, 2, tk);
        other_device = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
    }
    *errcode = other_device ? "M_FORBIDDEN" : "M_NOT_FOUND";
    *msg = other_device ? "another user's devices cannot be signed" : "unknown key";
    return NULL;
}

/* The public key allowed to make signature `kid` on a target of this kind (XS-010, XS-011). */
static int allowed_signer(rs_req *r, enum target_kind kind, const char *kid, uint8_t pk[32])
{
    if (strncmp(kid, "ed25519:", 8) != 0) return -1;
    const char *id = kid + 8;
    const char *usage = kind == T_DEVICE ? "self_signing" : kind == T_SUBKEY ? "master"
                      : kind == T_OTHER_MASTER ? "user_signing" : NULL;
    if (usage) {
        char *want = xs_pubkey(r->srv, r->user, usage);
        int ok = want && strcmp(want, id) == 0 && decode_pk(want, pk) == 0;
        free(want);
        return ok ? 0 : -1;
    }
    /* T_MASTER: one of the user's own devices (XS-011). */
    sqlite3_stmt *st = rs_stmt(r->srv, "SELECT ed25519 FROM devices WHERE user_id = ? AND device_id = ?");
    if (!st) return -1;
    rs_bind_text(st, 1, r->user);
    rs_bind_text(st, 2, id);
    char *ed = sqlite3_step(st) == SQLITE_ROW ? rs_col_dup(st, 0) : NULL;
    sqlite3_reset(st);
    int ok = ed && decode_pk(ed, pk) == 0;
    free(ed);
    return ok ? 0 : -1;
}

static int sig_already_stored(rs_server *s, const char *tu, const char *tk, const char *su,
                              const char *sk, const char *sig)
{
    sqlite3_stmt *st = rs_stmt(s, "SELECT 1 FROM sigs WHERE target_user = ? AND target_key = ? "
                                  "AND signer_user = ? AND signer_key = ? AND sig = ?");
    if (!st) return 0;
    rs_bind_text(st, 1, tu);
    rs_bind_text(st, 2, tk);
    rs_bind_text(st, 3, su);
    rs_bind_text(st, 4, sk);
    rs_bind_text(st, 5, sig);
    int hit = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return hit;
}

/* One (user, key) item. 0 stored; -1 with *errcode and *msg. */
static int sign_item(rs_req *r, const rs_json *j, uint32_t obj, const char *tu, const char *tk,
                     const char **errcode, const char **msg)
{
    if (j->tok[obj].type != MXT_JSON_OBJECT) {
        *errcode = "M_INVALID_PARAM";
        *msg = "the signed object is not an object";
        return -1;
    }
    enum target_kind kind;
    char *raw = find_target(r, tu, tk, &kind, errcode, msg);
    if (!raw) return -1;
    int same = same_signed_content(j, obj, raw);   /* XS-008 */
    free(raw);
    if (!same) {
        *errcode = "M_INVALID_PARAM";
        *msg = "the object does not match the stored key";
        return -1;
    }
    uint32_t mine = rs_get(j, rs_get(j, obj, "signatures"), r->user);
    if (mine == MXT_JSON_NONE || j->tok[mine].type != MXT_JSON_OBJECT) {
        *errcode = "M_INVALID_PARAM";
        *msg = "no signatures by the uploading user";
        return -1;
    }
    /* Check every new signature first; store only when all of them pass. */
    for (int pass = 0; pass < 2; pass++) {
        for (uint32_t k = rs_first_key(j, mine); k != MXT_JSON_NONE; k = rs_next_key(j, mine, k)) {
            char *kid = rs_str(j, k), *sig = rs_str(j, k + 1);
            int bad = 0;
            if (!kid || !sig) {
                bad = 1;
                *errcode = "M_INVALID_SIGNATURE";
                *msg = "malformed signature entry";
            } else if (sig_already_stored(r->srv, tu, tk, r->user, kid, sig)) {
                /* unchanged */
            } else if (pass == 1) {
                bad = insert_sig(r->srv, tu, tk, r->user, kid, sig);
                if (bad) { *errcode = "M_UNKNOWN"; *msg = "database error"; }
            } else {
                uint8_t pk[32];
                if (allowed_signer(r, kind, kid, pk) != 0) {
                    bad = 1;
                    *errcode = "M_INVALID_SIGNATURE";
                    *msg = "this key may not sign this target";
                } else {
                    int valid = rs_sig_valid(j, obj, r->user, kid, pk);
#ifdef MXT_MUTANT_NO_SIG_CHECK
                    valid = 1;   /* MUTANT: the signature is stored without being checked */
#endif
                    if (!valid) {
                        bad = 1;
                        *errcode = "M_INVALID_SIGNATURE";
                        *msg = "invalid signature";
                    }
                }
            }
            free(kid);
            free(sig);
            if (bad) return -1;
        }
    }
    return 0;
}

int rs_h_signatures_upload(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    rs_buf f = { 0 };
    int first_user = 1;
    for (uint32_t u = rs_first_key(&j, 0); u != MXT_JSON_NONE; u = rs_next_key(&j, 0, u)) {
        char *tu = rs_str(&j, u);
        int first_key = 1;
        if (!tu || j.tok[u + 1].type != MXT_JSON_OBJECT) {
            free(tu);
            rs_buf_free(&f);
            rs_json_free(&j);
            return rs_err(r, 400, "M_INVALID_PARAM", "body must map user IDs to objects");
        }
        for (uint32_t k = rs_first_key(&j, u + 1); k != MXT_JSON_NONE; k = rs_next_key(&j, u + 1, k)) {
            char *tk = rs_str(&j, k);
            const char *errcode = "M_INVALID_PARAM", *msg = "invalid key ID";
            if (!tk || sign_item(r, &j, k + 1, tu, tk, &errcode, &msg) != 0)
                add_failure(&f, &first_user, &first_key, tu, tk ? tk : "", errcode, msg);
            free(tk);
        }
        free(tu);
    }
    rs_json_free(&j);
    r->status = 200;
    rs_buf_puts(&r->out, "{\"failures\":{");
    if (f.len) { rs_buf_put(&r->out, f.p, f.len); rs_buf_puts(&r->out, "}"); }
    rs_buf_puts(&r->out, "}}");
    rs_buf_free(&f);
    return 0;
}

/* ---- /keys/query ---- */

/* XS-012: may `requester` see a signature by `signer` on a key of `target`? */
static int visible(const char *requester, const char *target, const char *signer, int by_usk)
{
#ifdef MXT_MUTANT_LEAK_SIGNATURES
    (void)requester; (void)target; (void)signer; (void)by_usk;
    return 1;   /* MUTANT: every signature is shown to everybody */
#else
    if (strcmp(signer, requester) == 0) return 1;   /* made by the requester's own keys or devices */
    if (by_usk) return 0;                           /* other users' user-signing signatures: never */
    return strcmp(signer, target) == 0;             /* a user's own keys and devices on their keys */
#endif
}

/* Writes stored object `raw` without its signatures member, plus the visible signatures. */
static int put_key_object(rs_req *r, rs_buf *b, const char *raw, const char *tu, const char *tk)
{
    rs_json j;
    if (rs_json_parse(&j, (const uint8_t *)raw, strlen(raw)) != 0 || j.tok[0].type != MXT_JSON_OBJECT) {
        rs_json_free(&j);
        return -1;
    }
    rs_buf_puts(b, "{");
    int first = 1;
    for (uint32_t k = rs_first_key(&j, 0); k != MXT_JSON_NONE; k = rs_next_key(&j, 0, k)) {
        if (mxt_json_str_eq(&j.doc, k, (const uint8_t *)"signatures", 10)) continue;
        size_t kn, vn;
        const char *kr = rs_raw(&j, k, &kn), *vr = rs_raw(&j, k + 1, &vn);
        if (!first) rs_buf_puts(b, ",");
        first = 0;
        rs_buf_put(b, kr, kn);
        rs_buf_puts(b, ":");
        rs_buf_put(b, vr, vn);
    }
    rs_json_free(&j);
    sqlite3_stmt *st = rs_stmt(r->srv, "SELECT signer_user, signer_key, sig, by_usk FROM sigs "
                                       "WHERE target_user = ? AND target_key = ? ORDER BY signer_user, signer_key");
    if (!st) return -1;
    rs_bind_text(st, 1, tu);
    rs_bind_text(st, 2, tk);
    rs_buf last = { 0 };
    int any = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *su = (const char *)sqlite3_column_text(st, 0);
        if (!visible(r->user, tu, su, sqlite3_column_int(st, 3))) continue;
        if (!any || strcmp(last.p, su) != 0) {
            rs_buf_puts(b, any ? "}," : (first ? "\"signatures\":{" : ",\"signatures\":{"));
            rs_buf_jstr(b, su, strlen(su));
            rs_buf_puts(b, ":{");
            last.len = 0;
            rs_buf_puts(&last, su);
        } else {
            rs_buf_puts(b, ",");
        }
        any = 1;
        rs_buf_jstr(b, (const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
        rs_buf_puts(b, ":");
        rs_buf_jstr(b, (const char *)sqlite3_column_text(st, 2), (size_t)sqlite3_column_bytes(st, 2));
    }
    rs_buf_free(&last);
    if (rc != SQLITE_DONE) return -1;
    rs_buf_puts(b, any ? "}}}" : "}");
    return 0;
}

static int query_user(rs_req *r, const rs_json *j, uint32_t list, const char *tu, rs_buf *dev,
                      rs_buf *xs[3], int *xs_first)
{
    rs_buf_jstr(dev, tu, strlen(tu));
    rs_buf_puts(dev, ":{");
    sqlite3_stmt *st = rs_stmt(r->srv, "SELECT device_id, keys FROM devices WHERE user_id = ? "
                                       "AND keys IS NOT NULL ORDER BY device_id");
    if (!st) return -1;
    rs_bind_text(st, 1, tu);
    int first = 1, rc;
    size_t ndev = 0;
    char **ids = NULL, **raws = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char *id = rs_col_dup(st, 0), *raw = rs_col_dup(st, 1);
        int wanted = j->tok[list].count == 0;
        for (uint32_t e = list + 1; !wanted && e < j->tok[list].end; e = j->tok[e].end)
            wanted = id && mxt_json_str_eq(&j->doc, e, (const uint8_t *)id, strlen(id));
        char **ni = wanted ? realloc(ids, (ndev + 1) * sizeof *ids) : ids;
        if (ni) ids = ni;
        char **nr = wanted && ni ? realloc(raws, (ndev + 1) * sizeof *raws) : raws;
        if (nr) raws = nr;
        if (wanted && ni && nr && id && raw) { ids[ndev] = id; raws[ndev] = raw; ndev++; }
        else { free(id); free(raw); }
    }
    int fail = rc != SQLITE_DONE;
    /* The scan is finished before the objects are written: one cursor open at a time. */
    for (size_t i = 0; i < ndev; i++) {
        if (!fail) {
            if (!first) rs_buf_puts(dev, ",");
            first = 0;
            rs_buf_jstr(dev, ids[i], strlen(ids[i]));
            rs_buf_puts(dev, ":");
            fail = put_key_object(r, dev, raws[i], tu, ids[i]) != 0;
        }
        free(ids[i]);
        free(raws[i]);
    }
    free(ids);
    free(raws);
    rs_buf_puts(dev, "}");
    for (int i = 0; i < 3 && !fail; i++) {
#ifndef MXT_MUTANT_LEAK_SIGNATURES
        if (i == 2 && strcmp(tu, r->user) != 0) continue;   /* XS-013: user-signing key to its owner only */
#endif
        st = rs_stmt(r->srv, "SELECT pubkey, raw FROM xs_keys WHERE user_id = ? AND usage = ?");
        if (!st) return -1;
        rs_bind_text(st, 1, tu);
        rs_bind_text(st, 2, ROLE_NAME[i]);
        char *pk = NULL, *raw = NULL;
        if (sqlite3_step(st) == SQLITE_ROW) { pk = rs_col_dup(st, 0); raw = rs_col_dup(st, 1); }
        sqlite3_reset(st);
        if (pk && raw) {
            if (!xs_first[i]) rs_buf_puts(xs[i], ",");
            xs_first[i] = 0;
            rs_buf_jstr(xs[i], tu, strlen(tu));
            rs_buf_puts(xs[i], ":");
            fail = put_key_object(r, xs[i], raw, tu, pk) != 0;
        }
        free(pk);
        free(raw);
    }
    return fail ? -1 : 0;
}

int rs_h_keys_query(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    uint32_t dk = rs_get(&j, 0, "device_keys");
    if (dk == MXT_JSON_NONE || j.tok[dk].type != MXT_JSON_OBJECT) {
        rs_json_free(&j);
        return rs_err(r, 400, "M_INVALID_PARAM", "device_keys must be an object");
    }
    rs_buf dev = { 0 }, m = { 0 }, s = { 0 }, u = { 0 };
    rs_buf *xs[3] = { &m, &s, &u };
    int xs_first[3] = { 1, 1, 1 };
    int first = 1, fail = 0;
    for (uint32_t k = rs_first_key(&j, dk); k != MXT_JSON_NONE && !fail; k = rs_next_key(&j, dk, k)) {
        char *tu = rs_str(&j, k);
        if (!tu || j.tok[k + 1].type != MXT_JSON_ARRAY) {
            free(tu);
            fail = 2;
            break;
        }
        if (!first) rs_buf_puts(&dev, ",");
        first = 0;
        fail = query_user(r, &j, k + 1, tu, &dev, xs, xs_first) != 0;
        free(tu);
    }
    rs_json_free(&j);
    if (fail == 2) rs_err(r, 400, "M_INVALID_PARAM", "device_keys maps user IDs to lists of device IDs");
    else if (fail) rs_err_db(r);
    else {
        r->status = 200;
        rs_buf_puts(&r->out, "{\"failures\":{},\"device_keys\":{");
        rs_buf_put(&r->out, dev.p ? dev.p : "", dev.len);
        rs_buf_puts(&r->out, "},\"master_keys\":{");
        rs_buf_put(&r->out, m.p ? m.p : "", m.len);
        rs_buf_puts(&r->out, "},\"self_signing_keys\":{");
        rs_buf_put(&r->out, s.p ? s.p : "", s.len);
        rs_buf_puts(&r->out, "},\"user_signing_keys\":{");
        rs_buf_put(&r->out, u.p ? u.p : "", u.len);
        rs_buf_puts(&r->out, "}}");
    }
    rs_buf_free(&dev);
    rs_buf_free(&m);
    rs_buf_free(&s);
    rs_buf_free(&u);
    return 0;
}
