/*
 * mxt-refserver: accounts. Open registration (m.login.dummy), Synapse's shared-secret admin
 * registration (HMAC-SHA1 over nonce NUL user NUL password NUL admin|notadmin), password login,
 * whoami. Passwords are kept as salted BLAKE2b (a test server: fast on purpose, not a KDF).
 */
#include "rs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

static void to_hex(const uint8_t *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = 0;
}

static void pw_hash(const char *salt_hex, const char *pw, char out[65])
{
    uint8_t h[32];
    crypto_generichash(h, sizeof h, (const uint8_t *)pw, strlen(pw), (const uint8_t *)salt_hex,
                       strlen(salt_hex));
    to_hex(h, sizeof h, out);
}

int rs_password_ok(rs_server *s, const char *user_id, const char *password)
{
    sqlite3_stmt *st = rs_stmt(s, "SELECT pw FROM users WHERE user_id = ?");
    int ok = 0;
    if (!st) return 0;
    rs_bind_text(st, 1, user_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *pw = (const char *)sqlite3_column_text(st, 0);
        const char *dollar = pw ? strchr(pw, '$') : NULL;
        if (dollar && dollar - pw == 32) {
            char salt[33], h[65];
            memcpy(salt, pw, 32);
            salt[32] = 0;
            pw_hash(salt, password, h);
            ok = strlen(dollar + 1) == 64 && CRYPTO_memcmp(h, dollar + 1, 64) == 0;
        }
    }
    sqlite3_reset(st);
    return ok;
}

/* Lower-cases and checks a localpart (a-z 0-9 . _ = - /); 0 when valid. */
static int localpart_ok(char *lp)
{
    size_t n = strlen(lp);
    if (n == 0 || n > 200) return -1;
    for (size_t i = 0; i < n; i++) {
        lp[i] = (char)tolower((unsigned char)lp[i]);
        char c = lp[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '='
              || c == '-' || c == '/'))
            return -1;
    }
    return 0;
}

static int device_id_ok(const char *d)
{
    size_t n = strlen(d);
    if (n == 0 || n > 255) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)d[i] < 0x21 || (unsigned char)d[i] > 0x7e) return 0;
    return 1;
}

/* Creates the device (if new) and an access token; writes the login/register answer. */
static int new_session(rs_req *r, const char *user_id, const char *want_device)
{
    char device[32], token[80];
    if (want_device && !device_id_ok(want_device))
        return rs_err(r, 400, "M_INVALID_PARAM", "invalid device_id");
    if (want_device && rs_device_id_is_xs_key(r->srv, user_id, want_device))
        return rs_err(r, 403, "M_FORBIDDEN", "device_id collides with a cross-signing key"); /* XS-005 */
    if (!want_device) {
        static const char az[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        uint8_t b[10];
        randombytes_buf(b, sizeof b);
        for (size_t i = 0; i < sizeof b; i++) device[i] = az[b[i] % 26u];
        device[sizeof b] = 0;
        want_device = device;
    }
    memcpy(token, "mxt_", 4);
    rs_rand_hex(token + 4, 24);
    sqlite3_stmt *st = rs_stmt(r->srv, "INSERT OR IGNORE INTO devices(user_id, device_id) VALUES(?, ?)");
    if (!st) return rs_err_db(r);
    rs_bind_text(st, 1, user_id);
    rs_bind_text(st, 2, want_device);
    if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
    st = rs_stmt(r->srv, "INSERT INTO tokens(token, user_id, device_id) VALUES(?, ?, ?)");
    if (!st) return rs_err_db(r);
    rs_bind_text(st, 1, token);
    rs_bind_text(st, 2, user_id);
    rs_bind_text(st, 3, want_device);
    if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
    r->status = 200;
    rs_buf_puts(&r->out, "{\"user_id\":");
    rs_buf_jstr(&r->out, user_id, strlen(user_id));
    rs_buf_puts(&r->out, ",\"access_token\":");
    rs_buf_jstr(&r->out, token, strlen(token));
    rs_buf_puts(&r->out, ",\"device_id\":");
    rs_buf_jstr(&r->out, want_device, strlen(want_device));
    rs_buf_puts(&r->out, ",\"home_server\":");
    rs_buf_jstr(&r->out, r->srv->server_name, strlen(r->srv->server_name));
    rs_buf_puts(&r->out, "}");
    return 0;
}

/* Inserts a user; writes an error and returns -1 when the name is taken or invalid. */
static int create_user(rs_req *r, char *localpart, const char *password, int admin, char **user_id)
{
    if (localpart_ok(localpart) != 0) {
        rs_err(r, 400, "M_INVALID_USERNAME", "invalid username");
        return -1;
    }
    rs_buf id = { 0 };
    rs_buf_printf(&id, "@%s:%s", localpart, r->srv->server_name);
    if (id.oom) { rs_err(r, 500, "M_UNKNOWN", "out of memory"); return -1; }
    char salt[33], h[65];
    rs_rand_hex(salt, 16);
    pw_hash(salt, password ? password : "", h);
    rs_buf pw = { 0 };
    rs_buf_printf(&pw, "%s$%s", salt, h);
    sqlite3_stmt *st = rs_stmt(r->srv, "INSERT OR IGNORE INTO users(user_id, pw, admin) VALUES(?, ?, ?)");
    if (!st) { rs_buf_free(&id); rs_buf_free(&pw); rs_err_db(r); return -1; }
    rs_bind_text(st, 1, id.p);
    rs_bind_text(st, 2, password ? pw.p : "!");
    sqlite3_bind_int(st, 3, admin);
    int rc = sqlite3_step(st);
    rs_buf_free(&pw);
    if (rc != SQLITE_DONE) { rs_buf_free(&id); rs_err_db(r); return -1; }
    if (sqlite3_changes(r->srv->db) == 0) {
        rs_buf_free(&id);
        rs_err(r, 400, "M_USER_IN_USE", "user ID already taken");
        return -1;
    }
    *user_id = id.p;
    return 0;
}

int rs_h_register(rs_req *r)
{
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    uint32_t auth = rs_get(&j, 0, "auth");
    char *type = rs_str(&j, rs_get(&j, auth, "type"));
    if (!type || strcmp(type, "m.login.dummy") != 0) {
        free(type);
        rs_json_free(&j);
        char session[33];
        rs_rand_hex(session, 16);
        r->status = 401;
        rs_buf_printf(&r->out, "{\"flows\":[{\"stages\":[\"m.login.dummy\"]}],\"params\":{},\"session\":\"%s\"}",
                      session);
        return 0;
    }
    free(type);
    char *username = rs_str(&j, rs_get(&j, 0, "username"));
    char *password = rs_str(&j, rs_get(&j, 0, "password"));
    char *device = rs_str(&j, rs_get(&j, 0, "device_id"));
    uint32_t inhibit = rs_get(&j, 0, "inhibit_login");
    int no_login = inhibit != MXT_JSON_NONE && j.tok[inhibit].type == MXT_JSON_TRUE;
    rs_json_free(&j);
    if (!username) {
        username = malloc(20);
        if (username) { username[0] = 'u'; rs_rand_hex(username + 1, 8); }
    }
    char *user_id = NULL;
    if (username && create_user(r, username, password, 0, &user_id) == 0) {
        if (no_login) {
            r->status = 200;
            rs_buf_puts(&r->out, "{\"user_id\":");
            rs_buf_jstr(&r->out, user_id, strlen(user_id));
            rs_buf_puts(&r->out, "}");
        } else {
            new_session(r, user_id, device);
        }
    } else if (!username) {
        rs_err(r, 500, "M_UNKNOWN", "out of memory");
    }
    free(user_id);
    free(username);
    free(password);
    free(device);
    return 0;
}

int rs_h_login(rs_req *r)
{
    if (strcmp(r->method, "GET") == 0) {
        r->status = 200;
        rs_buf_puts(&r->out, "{\"flows\":[{\"type\":\"m.login.password\"}]}");
        return 0;
    }
    if (strcmp(r->method, "POST") != 0)
        return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    char *type = rs_str(&j, rs_get(&j, 0, "type"));
    char *user = rs_str(&j, rs_get(&j, rs_get(&j, 0, "identifier"), "user"));
    if (!user) user = rs_str(&j, rs_get(&j, 0, "user"));
    char *password = rs_str(&j, rs_get(&j, 0, "password"));
    char *device = rs_str(&j, rs_get(&j, 0, "device_id"));
    rs_json_free(&j);
    if (!type || strcmp(type, "m.login.password") != 0) {
        rs_err(r, 400, "M_UNKNOWN", "only m.login.password is supported");
    } else if (!user || !password) {
        rs_err(r, 400, "M_MISSING_PARAM", "user and password are required");
    } else {
        rs_buf id = { 0 };
        if (user[0] == '@') rs_buf_puts(&id, user);
        else {
            for (char *p = user; *p; p++) *p = (char)tolower((unsigned char)*p);
            rs_buf_printf(&id, "@%s:%s", user, r->srv->server_name);
        }
        int ok = !id.oom && rs_password_ok(r->srv, id.p, password);
        if (ok) new_session(r, id.p, device);
        else rs_err(r, 403, "M_FORBIDDEN", "invalid user or password");
        rs_buf_free(&id);
    }
    free(type);
    free(user);
    free(password);
    free(device);
    return 0;
}

int rs_h_whoami(rs_req *r)
{
    if (rs_auth(r) != 0) return 0;
    r->status = 200;
    rs_buf_puts(&r->out, "{\"user_id\":");
    rs_buf_jstr(&r->out, r->user, strlen(r->user));
    rs_buf_puts(&r->out, ",\"device_id\":");
    rs_buf_jstr(&r->out, r->device, strlen(r->device));
    rs_buf_puts(&r->out, "}");
    return 0;
}

int rs_h_admin_register(rs_req *r)
{
    if (!r->srv->secret)
        return rs_err(r, 400, "M_UNKNOWN", "shared secret registration is not enabled");
    if (strcmp(r->method, "GET") == 0) {
        char nonce[49];
        rs_rand_hex(nonce, 24);
        sqlite3_stmt *st = rs_stmt(r->srv, "INSERT INTO nonces(nonce) VALUES(?)");
        if (!st) return rs_err_db(r);
        rs_bind_text(st, 1, nonce);
        if (sqlite3_step(st) != SQLITE_DONE) return rs_err_db(r);
        r->status = 200;
        rs_buf_printf(&r->out, "{\"nonce\":\"%s\"}", nonce);
        return 0;
    }
    if (strcmp(r->method, "POST") != 0)
        return rs_err(r, 405, "M_UNRECOGNIZED", "method not allowed on this endpoint");
    rs_json j;
    if (rs_body_object(r, &j) != 0) return 0;
    char *nonce = rs_str(&j, rs_get(&j, 0, "nonce"));
    char *username = rs_str(&j, rs_get(&j, 0, "username"));
    char *password = rs_str(&j, rs_get(&j, 0, "password"));
    char *mac = rs_str(&j, rs_get(&j, 0, "mac"));
    uint32_t adm = rs_get(&j, 0, "admin");
    int admin = adm != MXT_JSON_NONE && j.tok[adm].type == MXT_JSON_TRUE;
    rs_json_free(&j);
    char *user_id = NULL;
    if (!nonce || !username || !password || !mac) {
        rs_err(r, 400, "M_MISSING_PARAM", "nonce, username, password and mac are required");
        goto out;
    }
    sqlite3_stmt *st = rs_stmt(r->srv, "DELETE FROM nonces WHERE nonce = ?");
    if (!st) { rs_err_db(r); goto out; }
    rs_bind_text(st, 1, nonce);
    if (sqlite3_step(st) != SQLITE_DONE) { rs_err_db(r); goto out; }
    if (sqlite3_changes(r->srv->db) != 1) {
        rs_err(r, 400, "M_UNKNOWN", "unrecognised nonce");
        goto out;
    }
    rs_buf msg = { 0 };
    rs_buf_puts(&msg, nonce);
    rs_buf_put(&msg, "", 1);
    rs_buf_puts(&msg, username);
    rs_buf_put(&msg, "", 1);
    rs_buf_puts(&msg, password);
    rs_buf_put(&msg, "", 1);
    rs_buf_puts(&msg, admin ? "admin" : "notadmin");
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    int good = 0;
    if (!msg.oom && HMAC(EVP_sha1(), r->srv->secret, (int)strlen(r->srv->secret),
                         (const uint8_t *)msg.p, msg.len, digest, &dlen)) {
        char hex[2 * EVP_MAX_MD_SIZE + 1];
        to_hex(digest, dlen, hex);
        for (char *p = mac; *p; p++) *p = (char)tolower((unsigned char)*p);
        good = strlen(mac) == 2 * (size_t)dlen && CRYPTO_memcmp(hex, mac, 2 * (size_t)dlen) == 0;
    }
    rs_buf_free(&msg);
    if (!good) {
        r->status = 403;
        rs_buf_puts(&r->out, "{\"errcode\":\"M_FORBIDDEN\",\"error\":\"HMAC incorrect\"}");
        /* an answer of 400 or more rolls the request back, so the nonce stays usable */
        goto out;
    }
    if (create_user(r, username, password, admin, &user_id) == 0) new_session(r, user_id, NULL);
out:
    free(user_id);
    free(nonce);
    free(username);
    free(password);
    free(mac);
    return 0;
}
