/* Internals shared by the server scenario files (server_suite.c, server_bk.c, server_xs.c). */
#ifndef MXT_SERVER_INT_H
#define MXT_SERVER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "server_http.h"
#include "server_suite.h"
#include "sign.h"
#include "vecgen.h"

#define SRV_MAX_USERS 4

typedef struct {
    char *user_id, *token, *device_id, *password; /* password NULL for --access-token users */
} srv_user;

typedef struct {
    char  *p;
    size_t n, cap;
} srv_sb;

struct mxt_srv_t {
    mxt_srv                *s;
    const mxt_srv_scenario *sc;
    int                     failed, skipped;
    int                     setup_error; /* no user could be had: the scenario did not run */
    srv_sb                  ev, note;
    srv_user                users[SRV_MAX_USERS];
    int                     n_users;
};

/* Records a failure (evidence) / a remark on a pass / a skip reason. */
void srv_fail(mxt_srv_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void srv_fail_resp(mxt_srv_t *t, const mxt_http_resp *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void srv_note(mxt_srv_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void srv_skip(mxt_srv_t *t, const char *why);

/* A new user for this scenario (registered, or the next --access-token user). NULL after a
 * failure or skip has been recorded. */
srv_user *srv_user_new(mxt_srv_t *t);

/* Requests as user u (NULL: no token). Always fill *r (free it). */
int srv_req(mxt_srv_t *t, const srv_user *u, const char *method, const char *path,
            const char *body, mxt_http_resp *r);
int srv_req_json(mxt_srv_t *t, const srv_user *u, const char *method, const char *path,
                 const cJSON *body, mxt_http_resp *r);

/* 1 when r has this status, a JSON object body and (if errcode) this errcode; else records a
 * failure naming `step` with the evidence and returns 0. */
int srv_expect(mxt_srv_t *t, const mxt_http_resp *r, long status, const char *errcode,
               const char *step);
int srv_expect_4xx(mxt_srv_t *t, const mxt_http_resp *r, const char *step);

/* Canonical JSON (core reader + encoder) of the subtree at `path` (NULL-terminated member names,
 * NULL = the root) of text[0..len). mode: MXT_CANON_ALL or MXT_CANON_SIGNING. Heap or NULL+why. */
char *srv_canon(const char *text, size_t len, const char *const *path, unsigned mode, char *why,
                size_t cap);
/* 1 when the subtree at path of r's body is JSON-equal (canonical forms) to `sent`. */
int srv_json_equal_text(mxt_srv_t *t, const char *sent, const mxt_http_resp *r,
                        const char *const *path, unsigned mode, const char *what);

/* ed25519 keys: a random seed, the public key, its unpadded base64 and "ed25519:<base64>". */
typedef struct {
    uint8_t seed[32], pk[32];
    char    pub[48], key_id[64];
} srv_key;
void srv_keypair(srv_key *k);
/* obj signed as user with key_id (a new tree, NULL on failure). */
cJSON *srv_sign(const cJSON *obj, const char *user, const char *key_id, const uint8_t seed[32]);

/* The run's HTTP client (for its counters). */
mxt_http *srv_http(mxt_srv_t *t);

const char *srv_str_at(const cJSON *j, const char *const *path);
const cJSON *srv_at(const cJSON *j, const char *const *path);
#define SRV_PATH(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Scenario tables of the two scenario files. */
extern const mxt_srv_scenario mxt_srv_bk_scenarios[];
extern const size_t mxt_srv_bk_count;
extern const mxt_srv_scenario mxt_srv_xs_scenarios[];
extern const size_t mxt_srv_xs_count;

#endif
