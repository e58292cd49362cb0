/* Server scenarios for key backup: backup versions and keys (BK-SRV-*) and the better-key choice
 * (BK-BETTER-*), whose expected winners come from the proven core decision (core/bk_better.h). */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bk_better.h"
#include "canon.h"
#include "server_int.h"

#define ALG "m.megolm_backup.v1.curve25519-aes-sha2"
#define RK "/_matrix/client/v3/room_keys"
#define ROOM1 "!mxtrust-room-one:example.org"
#define ROOM2 "!mxtrust-room-two:example.org"

/* ---- helpers ------------------------------------------------------------------------------------ */

static char *rand_b64(size_t n)
{
    uint8_t b[64];
    randombytes_buf(b, n);
    return mxt_vg_b64(b, n);
}

/* A plausible auth_data: a random curve25519 public key. */
static char *plain_auth_data(void)
{
    char *k = rand_b64(32);
    char *s = mxt_strfmt("{\"public_key\":\"%s\"}", k ? k : "");
    free(k);
    return s;
}

/* auth_data / session_data members that a faithful server keeps exactly: unknown members, nesting,
 * the largest exact integers, escapes and non-ASCII text, empty containers, members out of order. */
#define ODD_MEMBERS                                                                                \
    "\"zz_mxtrust_unknown\":{\"nested\":[1,-2,9007199254740991,-9007199254740991,0,true,false,"  \
    "null,\"\\u00e9\\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001 /\"],\"empty_obj\":{},"         \
    "\"empty_arr\":[],\"big\":9007199254740991,\"deep\":{\"a\":{\"b\":{\"c\":[[[]]]}}}},"     \
    "\"a_mxtrust_number\":1234567890123,\"m_text\":\"caf\xc3\xa9 \xe2\x9c\x93\","

static char *odd_auth_data(void)
{
    char *k = rand_b64(32);
    char *s = mxt_strfmt("{\"public_key\":\"%s\"," ODD_MEMBERS
                         "\"signatures\":{\"@someone:example.org\":{\"ed25519:DEVICE\":\"%s\"}}}",
                         k ? k : "", k ? k : "");
    free(k);
    return s;
}

static char *path_version(const char *v)
{
    char *e = mxt_http_escape(v);
    char *p = mxt_strfmt(RK "/version/%s", e ? e : "");
    free(e);
    return p;
}

/* /room_keys/keys[/room[/session]]?version=v (v NULL: no query). */
static char *path_keys(const char *v, const char *room, const char *session)
{
    char *er = room ? mxt_http_escape(room) : NULL;
    char *es = session ? mxt_http_escape(session) : NULL;
    char *ev = v ? mxt_http_escape(v) : NULL;
    char *p = mxt_strfmt(RK "/keys%s%s%s%s%s%s", er ? "/" : "", er ? er : "", es ? "/" : "",
                         es ? es : "", ev ? "?version=" : "", ev ? ev : "");
    free(er);
    free(es);
    free(ev);
    return p;
}

/* POST /room_keys/version; returns the new version (heap) or NULL after a recorded failure. */
static char *bk_create_with(mxt_srv_t *t, const srv_user *u, const char *auth_data)
{
    char *body = mxt_strfmt("{\"algorithm\":\"" ALG "\",\"auth_data\":%s}", auth_data);
    mxt_http_resp r;
    srv_req(t, u, "POST", RK "/version", body, &r);
    free(body);
    char *v = NULL;
    if (srv_expect(t, &r, 200, NULL, "create backup (POST /room_keys/version)")) {
        const cJSON *jv = cJSON_GetObjectItemCaseSensitive(r.json, "version");
        if (cJSON_IsString(jv) && jv->valuestring[0])
            v = strdup(jv->valuestring);
        else
            srv_fail_resp(&*t, &r, "create backup: no version string in the answer (BK-SRV-001)");
    }
    mxt_http_resp_free(&r);
    return v;
}

static char *bk_create(mxt_srv_t *t, const srv_user *u)
{
    char *a = plain_auth_data();
    char *v = bk_create_with(t, u, a);
    free(a);
    return v;
}

/* A version that cannot exist for anyone (opaque, not numeric). */
static void unknown_version(char *out, size_t cap)
{
    uint8_t b[6];
    randombytes_buf(b, sizeof b);
    snprintf(out, cap, "mxtrust-no-such-version-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
             b[4], b[5]);
}

/* KeyBackupData with a rank and a marker in session_data (to tell equal-rank keys apart). */
static cJSON *kbd(mxt_bk_rank k, const char *marker)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "first_message_index", (double)k.first_message_index);
    cJSON_AddNumberToObject(o, "forwarded_count", (double)k.forwarded_count);
    cJSON_AddBoolToObject(o, "is_verified", k.is_verified);
    cJSON *sd = cJSON_AddObjectToObject(o, "session_data");
    cJSON_AddStringToObject(sd, "ephemeral", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    cJSON_AddStringToObject(sd, "ciphertext", marker);
    cJSON_AddStringToObject(sd, "mac", "AAAAAAAAAAA");
    return o;
}

static mxt_bk_rank rank(int verified, unsigned fmi, unsigned fc)
{
    mxt_bk_rank k = {verified != 0, fmi, fc};
    return k;
}

static void rank_text(mxt_bk_rank k, char *out, size_t cap)
{
    snprintf(out, cap, "(%s, index %u, forwarded %u)", k.is_verified ? "verified" : "unverified",
             k.first_message_index, k.forwarded_count);
}

/* Checks a write answer {etag: string, count: integer} (BK-SRV-009) and, when want >= 0, the count
 * (BK-SRV-010). Copies the etag into etag (may be NULL). */
static int write_answer(mxt_srv_t *t, const mxt_http_resp *r, long want, char *etag, size_t cap,
                        const char *step)
{
    if (!srv_expect(t, r, 200, NULL, step))
        return 0;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r->json, "etag");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(r->json, "count");
    if (!cJSON_IsString(e) || !cJSON_IsNumber(c) || !(c->valuedouble >= 0 && c->valuedouble < 1e15) ||
        c->valuedouble != (double)(long)c->valuedouble) {
        srv_fail_resp(t, r, "%s: the answer is not {etag: string, count: integer} (BK-SRV-009)", step);
        return 0;
    }
    if (want >= 0 && (long)c->valuedouble != want) {
        srv_fail_resp(t, r, "%s: count %ld, but %ld keys are stored (BK-SRV-010)", step,
                      (long)c->valuedouble, want);
        return 0;
    }
    if (etag)
        snprintf(etag, cap, "%s", e->valuestring);
    return 1;
}

static int put_json(mxt_srv_t *t, const srv_user *u, const char *path, const cJSON *body,
                    mxt_http_resp *r)
{
    return srv_req_json(t, u, "PUT", path, body, r);
}

/* PUT one key at the session level; checks the write answer. */
static int put_one(mxt_srv_t *t, const srv_user *u, const char *v, const char *room,
                   const char *session, mxt_bk_rank k, const char *marker, long want, char *etag,
                   size_t cap, const char *step)
{
    char *p = path_keys(v, room, session);
    cJSON *b = kbd(k, marker);
    mxt_http_resp r;
    put_json(t, u, p, b, &r);
    int ok = write_answer(t, &r, want, etag, cap, step);
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(p);
    return ok;
}

/* GET and expect a status/errcode. */
static int get_expect(mxt_srv_t *t, const srv_user *u, const char *method, const char *path,
                      long status, const char *errcode, const char *step)
{
    mxt_http_resp r;
    srv_req(t, u, method, path, NULL, &r);
    int ok = srv_expect(t, &r, status, errcode, step);
    mxt_http_resp_free(&r);
    return ok;
}

/* Compares a returned KeyBackupData with the rank and marker expected. */
static int kbd_is(mxt_srv_t *t, const cJSON *got, mxt_bk_rank k, const char *marker,
                  const char *what)
{
    const cJSON *fmi = cJSON_GetObjectItemCaseSensitive(got, "first_message_index");
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(got, "forwarded_count");
    const cJSON *iv = cJSON_GetObjectItemCaseSensitive(got, "is_verified");
    const char *m = srv_str_at(got, SRV_PATH("session_data", "ciphertext"));
    char want[80];
    rank_text(k, want, sizeof want);
    if (!cJSON_IsNumber(fmi) || !cJSON_IsNumber(fc) || !cJSON_IsBool(iv) || !m ||
        !(fmi->valuedouble >= 0 && fmi->valuedouble <= 4294967295.0) ||
        !(fc->valuedouble >= 0 && fc->valuedouble <= 4294967295.0)) {
        char *s = got ? cJSON_PrintUnformatted(got) : NULL;
        srv_fail(t, "%s: not a KeyBackupData: %.200s", what, s ? s : "(absent)");
        free(s);
        return 0;
    }
    mxt_bk_rank g = rank(cJSON_IsTrue(iv), (unsigned)fmi->valuedouble, (unsigned)fc->valuedouble);
    if (g.is_verified != k.is_verified || g.first_message_index != k.first_message_index ||
        g.forwarded_count != k.forwarded_count || strcmp(m, marker) != 0) {
        char have[80];
        rank_text(g, have, sizeof have);
        srv_fail(t, "%s: expected %s '%s', server has %s '%s'", what, want, marker, have, m);
        return 0;
    }
    return 1;
}

/* GET /room_keys/version[/v]: checks the information of backup v (BK-SRV-002/003). */
static int check_info(mxt_srv_t *t, const srv_user *u, const char *path, const char *v,
                      const char *auth_data, long count, const char *step)
{
    mxt_http_resp r;
    srv_req(t, u, "GET", path, NULL, &r);
    int ok = srv_expect(t, &r, 200, NULL, step);
    if (ok) {
        const cJSON *j = r.json;
        const char *alg = srv_str_at(j, SRV_PATH("algorithm"));
        const char *ver = srv_str_at(j, SRV_PATH("version"));
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "count");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "etag");
        if (!alg || strcmp(alg, ALG) != 0 || !ver || strcmp(ver, v) != 0 || !cJSON_IsNumber(c) ||
            !cJSON_IsString(e) || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "auth_data"))) {
            srv_fail_resp(t, &r, "%s: expected algorithm " ALG ", version '%s', auth_data, count "
                                 "and etag",
                          step, v);
            ok = 0;
        } else if (count >= 0 && !(c->valuedouble >= 0 && c->valuedouble < 1e15 &&
                                   (long)c->valuedouble == count)) {
            srv_fail_resp(t, &r, "%s: count should be %ld (BK-SRV-010)", step, count);
            ok = 0;
        } else if (auth_data) {
            ok = srv_json_equal_text(t, auth_data, &r, SRV_PATH("auth_data"), MXT_CANON_ALL,
                                     "auth_data");
        }
    }
    mxt_http_resp_free(&r);
    return ok;
}

/* ---- BK-SRV scenarios ---------------------------------------------------------------------------- */

static void sc_no_backup(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char unk[64];
    unknown_version(unk, sizeof unk);
    get_expect(t, u, "GET", RK "/version", 404, "M_NOT_FOUND", "GET current backup, none exists");
    char *p = path_version(unk);
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET unknown version");
    free(p);
    p = path_keys(unk, ROOM1, "s");
    cJSON *b = kbd(rank(0, 0, 0), "x");
    mxt_http_resp r;
    put_json(t, u, p, b, &r);
    srv_expect(t, &r, 404, "M_NOT_FOUND", "PUT a key with no backup at all (BK-SRV-008)");
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(p);
}

static void sc_version_create(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *a1 = plain_auth_data(), *a2 = plain_auth_data();
    char *v1 = bk_create_with(t, u, a1);
    if (!v1)
        goto done;
    check_info(t, u, RK "/version", v1, a1, 0, "GET current backup after create");
    char *p1 = path_version(v1);
    check_info(t, u, p1, v1, a1, 0, "GET the backup by its version");
    char *v2 = bk_create_with(t, u, a2);
    if (v2) {
        if (strcmp(v1, v2) == 0)
            srv_fail(t, "two backups got the same version '%s'", v1);
        check_info(t, u, RK "/version", v2, a2, 0, "GET current backup after a second create "
                                                   "(the newest is current, BK-SRV-001)");
        check_info(t, u, p1, v1, a1, 0, "GET the first backup by version after a second create");
    }
    free(v2);
    free(p1);
    free(v1);
done:
    free(a1);
    free(a2);
}

static void sc_version_opaque(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    /* near misses: a suffix or prefix added (a numeric parse would accept some of them) */
    static const char *const pre[] = {"", "0", "", " ", "", "+"};
    static const char *const post[] = {"0", "", " ", "", "/", ""};
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
        char near[160], step[400];
        snprintf(near, sizeof near, "%s%s%s", pre[i], v, post[i]);
        snprintf(step, sizeof step, "GET version '%s' (the real one is '%s': versions match only "
                                    "exactly)", near, v);
        char *p = path_version(near);
        get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", step);
        free(p);
    }
    free(v);
}

static void sc_version_update(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *a1 = plain_auth_data(), *a2 = odd_auth_data(), *a3 = plain_auth_data();
    char *v = bk_create_with(t, u, a1);
    if (!v)
        goto done;
    char *p = path_version(v);
    mxt_http_resp r;
    char *b = mxt_strfmt("{\"algorithm\":\"" ALG "\",\"auth_data\":%s,\"version\":\"%s\"}", a2, v);
    srv_req(t, u, "PUT", p, b, &r);
    free(b);
    if (srv_expect(t, &r, 200, NULL, "PUT new auth_data") && cJSON_GetArraySize(r.json) != 0)
        srv_fail_resp(t, &r, "PUT new auth_data: the answer should be {} (BK-SRV-004)");
    mxt_http_resp_free(&r);
    check_info(t, u, p, v, a2, 0, "GET after the update (auth_data changed, nothing else)");
    b = mxt_strfmt("{\"algorithm\":\"" ALG "\",\"auth_data\":%s}", a3);
    srv_req(t, u, "PUT", p, b, &r);
    free(b);
    srv_expect(t, &r, 200, NULL, "PUT without the optional version member");
    mxt_http_resp_free(&r);
    check_info(t, u, p, v, a3, 0, "GET after the second update");
    b = mxt_strfmt("{\"algorithm\":\"m.mxtrust.other_algorithm\",\"auth_data\":%s,\"version\":\"%s\"}",
                   a1, v);
    srv_req(t, u, "PUT", p, b, &r);
    free(b);
    srv_expect(t, &r, 400, "M_INVALID_PARAM", "PUT with a different algorithm");
    mxt_http_resp_free(&r);
    b = mxt_strfmt("{\"algorithm\":\"" ALG "\",\"auth_data\":%s,\"version\":\"%s-other\"}", a1, v);
    srv_req(t, u, "PUT", p, b, &r);
    free(b);
    srv_expect(t, &r, 400, "M_INVALID_PARAM", "PUT with a body version that is not the path's");
    mxt_http_resp_free(&r);
    check_info(t, u, p, v, a3, 0, "GET after the rejected updates (nothing changed)");
    char unk[64];
    unknown_version(unk, sizeof unk);
    char *pu = path_version(unk);
    b = mxt_strfmt("{\"algorithm\":\"" ALG "\",\"auth_data\":%s}", a1);
    srv_req(t, u, "PUT", pu, b, &r);
    free(b);
    srv_expect(t, &r, 404, "M_NOT_FOUND", "PUT on an unknown version");
    mxt_http_resp_free(&r);
    free(pu);
    free(p);
    free(v);
done:
    free(a1);
    free(a2);
    free(a3);
}

static void sc_version_delete(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v1 = bk_create(t, u);
    if (!v1)
        return;
    put_one(t, u, v1, ROOM1, "s1", rank(1, 0, 0), "k", 1, NULL, 0, "PUT a key before the delete");
    char *p1 = path_version(v1);
    mxt_http_resp r;
    srv_req(t, u, "DELETE", p1, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "DELETE the backup") && cJSON_GetArraySize(r.json) != 0)
        srv_fail_resp(t, &r, "DELETE the backup: the answer should be {}");
    mxt_http_resp_free(&r);
    get_expect(t, u, "GET", p1, 404, "M_NOT_FOUND", "GET the deleted version");
    char *pk = path_keys(v1, NULL, NULL);
    get_expect(t, u, "GET", pk, 404, "M_NOT_FOUND", "GET the keys of the deleted version");
    free(pk);
    pk = path_keys(v1, ROOM1, "s2");
    cJSON *b = kbd(rank(0, 0, 0), "x");
    put_json(t, u, pk, b, &r);
    srv_expect(t, &r, 404, "M_NOT_FOUND", "PUT a key into the deleted version");
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(pk);
    /* BK-SRV-006: which backup is current afterwards is unspecified; the deleted one is not. */
    srv_req(t, u, "GET", RK "/version", NULL, &r);
    if (r.status == 200) {
        const char *cv = srv_str_at(r.json, SRV_PATH("version"));
        if (cv && strcmp(cv, v1) == 0)
            srv_fail_resp(t, &r, "GET current backup still returns the deleted version");
        else
            srv_note(t, "after deleting the only backup, GET /room_keys/version answered 200 "
                        "(BK-SRV-006 leaves this open)");
    } else if (r.status != 404) {
        srv_fail_resp(t, &r, "GET current backup after the delete: expected 404 (or a remaining "
                             "backup)");
    }
    mxt_http_resp_free(&r);
    srv_req(t, u, "DELETE", p1, NULL, &r);
    srv_expect(t, &r, 200, NULL, "DELETE the deleted backup again (BK-SRV-005: should answer 200)");
    mxt_http_resp_free(&r);
    char unk[64];
    unknown_version(unk, sizeof unk);
    char *pu = path_version(unk);
    get_expect(t, u, "DELETE", pu, 404, "M_NOT_FOUND", "DELETE a version that never existed");
    free(pu);
    char *v2 = bk_create(t, u);
    if (v2) {
        pk = path_keys(v2, NULL, NULL);
        srv_req(t, u, "GET", pk, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET keys of the recreated backup")) {
            const cJSON *rooms = cJSON_GetObjectItemCaseSensitive(r.json, "rooms");
            if (!cJSON_IsObject(rooms) || cJSON_GetArraySize(rooms) != 0)
                srv_fail_resp(t, &r, "a recreated backup must start empty (BK-SRV-018)");
        }
        mxt_http_resp_free(&r);
        free(pk);
        char *p2 = path_version(v2);
        check_info(t, u, p2, v2, NULL, 0, "GET the recreated backup (count 0)");
        free(p2);
    }
    free(v2);
    free(p1);
    free(v1);
}

static void sc_version_no_reuse(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    enum { N = 6 };
    char *v[N] = {0};
    /* create, delete, create...: and once keep an older backup alive while the newest is deleted */
    for (int i = 0; i < N && !t->failed; i++) {
        v[i] = bk_create(t, u);
        if (!v[i])
            break;
        for (int j = 0; j < i; j++)
            if (strcmp(v[i], v[j]) == 0)
                srv_fail(t, "version '%s' handed out again after it was deleted (creation %d and "
                            "%d, BK-SRV-007)",
                         v[i], j + 1, i + 1);
        if (i == 2)
            continue; /* v[2] stays; v[3] is then deleted while v[2] exists */
        char *p = path_version(v[i]);
        get_expect(t, u, "DELETE", p, 200, NULL, "DELETE the backup just created");
        free(p);
    }
    for (int i = 0; i < N; i++)
        free(v[i]);
}

static void sc_keys_levels(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    mxt_bk_rank k1 = rank(0, 3, 1), k2 = rank(1, 0, 0), k3 = rank(0, 7, 2), k4 = rank(1, 5, 5),
                k5 = rank(0, 1, 0);
    put_one(t, u, v, ROOM1, "S1", k1, "one", 1, NULL, 0, "PUT /keys/{room}/{session}");
    mxt_http_resp r;
    cJSON *b = cJSON_CreateObject();
    cJSON *ss = cJSON_AddObjectToObject(b, "sessions");
    cJSON_AddItemToObject(ss, "S2", kbd(k2, "two"));
    cJSON_AddItemToObject(ss, "S3", kbd(k3, "three"));
    char *p = path_keys(v, ROOM1, NULL);
    put_json(t, u, p, b, &r);
    write_answer(t, &r, 3, NULL, 0, "PUT /keys/{room} with two sessions");
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(p);
    b = cJSON_CreateObject();
    cJSON *rooms = cJSON_AddObjectToObject(b, "rooms");
    cJSON *r2 = cJSON_AddObjectToObject(rooms, ROOM2);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(r2, "sessions"), "S4", kbd(k4, "four"));
    cJSON *r1 = cJSON_AddObjectToObject(rooms, ROOM1);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(r1, "sessions"), "S5", kbd(k5, "five"));
    p = path_keys(v, NULL, NULL);
    put_json(t, u, p, b, &r);
    write_answer(t, &r, 5, NULL, 0, "PUT /keys with two rooms");
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    /* read back at every level */
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET /keys")) {
        const cJSON *rs = cJSON_GetObjectItemCaseSensitive(r.json, "rooms");
        const cJSON *s1 = srv_at(rs, SRV_PATH(ROOM1, "sessions"));
        const cJSON *s2 = srv_at(rs, SRV_PATH(ROOM2, "sessions"));
        if (cJSON_GetArraySize(rs) != 2 || cJSON_GetArraySize(s1) != 4 || cJSON_GetArraySize(s2) != 1)
            srv_fail_resp(&*t, &r, "GET /keys: expected 2 rooms with 4 and 1 sessions");
        else {
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(s1, "S1"), k1, "one", "GET /keys S1");
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(s1, "S2"), k2, "two", "GET /keys S2");
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(s1, "S3"), k3, "three", "GET /keys S3");
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(s1, "S5"), k5, "five", "GET /keys S5");
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(s2, "S4"), k4, "four", "GET /keys S4");
        }
    }
    mxt_http_resp_free(&r);
    free(p);
    p = path_keys(v, ROOM1, NULL);
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET /keys/{room}")) {
        const cJSON *ss1 = cJSON_GetObjectItemCaseSensitive(r.json, "sessions");
        if (cJSON_GetArraySize(ss1) != 4)
            srv_fail_resp(t, &r, "GET /keys/{room}: expected 4 sessions");
        else
            kbd_is(t, cJSON_GetObjectItemCaseSensitive(ss1, "S3"), k3, "three", "GET /keys/{room} S3");
    }
    mxt_http_resp_free(&r);
    free(p);
    p = path_keys(v, ROOM2, "S4");
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET /keys/{room}/{session}"))
        kbd_is(t, r.json, k4, "four", "GET /keys/{room}/{session}");
    mxt_http_resp_free(&r);
    free(p);
    char *pv = path_version(v);
    check_info(t, u, pv, v, NULL, 5, "GET the backup's count after three writes");
    free(pv);
    free(v);
}

static void sc_keys_empty(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    mxt_http_resp r;
    char *p = path_keys(v, ROOM1, "absent");
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET an absent session");
    free(p);
    p = path_keys(v, ROOM1, NULL);
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET a room without keys")) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(r.json, "sessions");
        if (!cJSON_IsObject(s) || cJSON_GetArraySize(s) != 0)
            srv_fail_resp(t, &r, "GET a room without keys: expected {\"sessions\":{}} (BK-SRV-013)");
    }
    mxt_http_resp_free(&r);
    free(p);
    p = path_keys(v, NULL, NULL);
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET all keys of an empty backup")) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(r.json, "rooms");
        if (!cJSON_IsObject(s) || cJSON_GetArraySize(s) != 0)
            srv_fail_resp(t, &r, "GET all keys of an empty backup: expected {\"rooms\":{}} "
                                 "(BK-SRV-014)");
    }
    mxt_http_resp_free(&r);
    free(p);
    put_one(t, u, v, ROOM1, "present", rank(0, 0, 0), "p", 1, NULL, 0, "PUT one key");
    p = path_keys(v, ROOM1, "other");
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET an absent session of a room with keys");
    free(p);
    char unk[64];
    unknown_version(unk, sizeof unk);
    p = path_keys(unk, ROOM1, "present");
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET a session of an unknown version");
    free(p);
    p = path_keys(unk, ROOM1, NULL);
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET a room of an unknown version");
    free(p);
    p = path_keys(unk, NULL, NULL);
    get_expect(t, u, "GET", p, 404, "M_NOT_FOUND", "GET all keys of an unknown version");
    free(p);
    /* the version parameter is required */
    const char *lvl[3][2] = {{NULL, NULL}, {ROOM1, NULL}, {ROOM1, "present"}};
    for (int i = 0; i < 3; i++) {
        p = path_keys(NULL, lvl[i][0], lvl[i][1]);
        srv_req(t, u, "GET", p, NULL, &r);
        char step[120];
        snprintf(step, sizeof step, "GET %s without ?version= (required, BK-SRV-014)",
                 i == 0 ? "/keys" : i == 1 ? "/keys/{room}" : "/keys/{room}/{session}");
        srv_expect_4xx(t, &r, step);
        mxt_http_resp_free(&r);
        free(p);
    }
    free(v);
}

static void sc_etag(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    char e0[256] = "", e1[256] = "", e2[256] = "", e3[256] = "", e4[256] = "";
    mxt_http_resp r;
    char *pv = path_version(v);
    srv_req(t, u, "GET", pv, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET the new backup"))
        snprintf(e0, sizeof e0, "%s", srv_str_at(r.json, SRV_PATH("etag")) ? srv_str_at(r.json, SRV_PATH("etag")) : "");
    mxt_http_resp_free(&r);
    if (!put_one(t, u, v, ROOM1, "S", rank(0, 5, 2), "first", 1, e1, sizeof e1, "PUT a first key"))
        goto done;
    if (strcmp(e0, e1) == 0)
        srv_fail(t, "etag '%s' unchanged after a key was inserted (BK-SRV-011)", e1);
    put_one(t, u, v, ROOM1, "S", rank(0, 5, 2), "tie", 1, e2, sizeof e2,
            "PUT an equal key (kept: BK-BETTER-003)");
    if (strcmp(e1, e2) != 0)
        srv_fail(t, "etag changed from '%s' to '%s' on an upload that was not stored "
                    "(BK-BETTER-007)", e1, e2);
    put_one(t, u, v, ROOM1, "S", rank(0, 9, 0), "worse", 1, e2, sizeof e2,
            "PUT a worse key (higher index)");
    if (strcmp(e1, e2) != 0)
        srv_fail(t, "etag changed from '%s' to '%s' on a rejected worse key (BK-BETTER-007)", e1,
                 e2);
    char *pk = path_keys(v, ROOM1, "S");
    srv_req(t, u, "GET", pk, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET the key after rejected uploads"))
        kbd_is(t, r.json, rank(0, 5, 2), "first", "the stored key after rejected uploads "
                                                  "(BK-BETTER-007)");
    mxt_http_resp_free(&r);
    put_one(t, u, v, ROOM1, "S", rank(0, 2, 2), "better", 1, e3, sizeof e3,
            "PUT a better key (lower index)");
    if (strcmp(e3, e1) == 0)
        srv_fail(t, "etag '%s' unchanged after the stored key was replaced (BK-SRV-011)", e3);
    /* the other two levels: a batch where every entry loses, then one with a new session */
    char e5[256] = "";
    cJSON *b = cJSON_CreateObject();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(b, "sessions"), "S", kbd(rank(0, 7, 7), "worse"));
    char *pr = path_keys(v, ROOM1, NULL);
    put_json(t, u, pr, b, &r);
    if (write_answer(t, &r, 1, e5, sizeof e5, "PUT /keys/{room} whose only entry loses") &&
        strcmp(e5, e3) != 0)
        srv_fail(t, "etag changed from '%s' to '%s' on a room batch that stored nothing "
                    "(BK-BETTER-007)", e3, e5);
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(pr);
    b = cJSON_CreateObject();
    cJSON *ss = cJSON_AddObjectToObject(
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(b, "rooms"), ROOM1), "sessions");
    cJSON_AddItemToObject(ss, "S", kbd(rank(0, 7, 7), "worse"));
    cJSON_AddItemToObject(ss, "S2", kbd(rank(0, 0, 0), "new"));
    pr = path_keys(v, NULL, NULL);
    put_json(t, u, pr, b, &r);
    if (write_answer(t, &r, 2, e5, sizeof e5, "PUT /keys with a losing entry and a new session") &&
        strcmp(e5, e3) == 0)
        srv_fail(t, "etag '%s' unchanged after a batch inserted a key (BK-SRV-011)", e5);
    mxt_http_resp_free(&r);
    cJSON_Delete(b);
    free(pr);
    snprintf(e3, sizeof e3, "%s", e5);
    srv_req(t, u, "DELETE", pk, NULL, &r);
    write_answer(t, &r, 1, e4, sizeof e4, "DELETE the key");
    mxt_http_resp_free(&r);
    if (strcmp(e4, e3) == 0)
        srv_fail(t, "etag '%s' unchanged after the key was deleted (BK-SRV-011)", e4);
    srv_req(t, u, "GET", pv, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET the backup after the delete")) {
        const char *eg = srv_str_at(r.json, SRV_PATH("etag"));
        if (!eg || strcmp(eg, e3) == 0)
            srv_fail_resp(t, &r, "GET /room_keys/version still reports the etag from before the "
                                 "delete (BK-SRV-011)");
    }
    mxt_http_resp_free(&r);
    free(pk);
done:
    free(pv);
    free(v);
}

static void sc_wrong_version(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v1 = bk_create(t, u), *v2 = v1 ? bk_create(t, u) : NULL;
    if (!v2) {
        free(v1);
        return;
    }
    char unk[64];
    unknown_version(unk, sizeof unk);
    static const char *const lvl[] = {"/keys/{room}/{session}", "/keys/{room}", "/keys"};
    for (int i = 0; i < 3; i++) {
        cJSON *b;
        if (i == 0) {
            b = kbd(rank(1, 0, 0), "old");
        } else {
            b = cJSON_CreateObject();
            cJSON *ss = cJSON_AddObjectToObject(b, "sessions");
            cJSON_AddItemToObject(ss, "S", kbd(rank(1, 0, 0), "old"));
            if (i == 2) {
                cJSON *rooms = cJSON_CreateObject();
                cJSON_AddItemToObject(rooms, ROOM1, b);
                b = cJSON_CreateObject();
                cJSON_AddItemToObject(b, "rooms", rooms);
            }
        }
        for (int k = 0; k < 2; k++) {
            const char *ver = k == 0 ? v1 : unk;
            char *p = path_keys(ver, i < 2 ? ROOM1 : NULL, i == 0 ? "S" : NULL);
            mxt_http_resp r;
            put_json(t, u, p, b, &r);
            char step[160];
            snprintf(step, sizeof step, "PUT %s with %s version", lvl[i],
                     k == 0 ? "an old (not current)" : "an unknown");
            if (k == 0 && srv_expect(t, &r, 403, "M_WRONG_ROOM_KEYS_VERSION", step)) {
                const char *cv = srv_str_at(r.json, SRV_PATH("current_version"));
                if (!cv || strcmp(cv, v2) != 0)
                    srv_fail_resp(t, &r, "%s: current_version should be '%s'", step, v2);
            } else if (k == 1) {
                srv_expect(t, &r, 404, "M_NOT_FOUND", step);
            }
            mxt_http_resp_free(&r);
            free(p);
        }
        cJSON_Delete(b);
    }
    char *p1 = path_version(v1), *p2 = path_version(v2);
    check_info(t, u, p1, v1, NULL, 0, "the old backup is unchanged");
    check_info(t, u, p2, v2, NULL, 0, "the current backup is unchanged");
    free(p1);
    free(p2);
    free(v1);
    free(v2);
}

static void sc_delete_keys(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v1 = bk_create(t, u);
    if (!v1)
        return;
    put_one(t, u, v1, ROOM1, "A", rank(0, 0, 0), "a", 1, NULL, 0, "PUT key A");
    put_one(t, u, v1, ROOM1, "B", rank(0, 0, 0), "b", 2, NULL, 0, "PUT key B");
    put_one(t, u, v1, ROOM1, "C", rank(0, 0, 0), "c", 3, NULL, 0, "PUT key C");
    put_one(t, u, v1, ROOM2, "D", rank(0, 0, 0), "d", 4, NULL, 0, "PUT key D");
    put_one(t, u, v1, ROOM2, "E", rank(0, 0, 0), "e", 5, NULL, 0, "PUT key E");
    char *v2 = bk_create(t, u);
    if (!v2) {
        free(v1);
        return;
    }
    put_one(t, u, v2, ROOM1, "A", rank(0, 0, 0), "a2", 1, NULL, 0, "PUT a key in the new backup");
    mxt_http_resp r;
    char *p = path_keys(v1, ROOM1, "A");
    srv_req(t, u, "DELETE", p, NULL, &r);
    write_answer(t, &r, 4, NULL, 0, "DELETE one session of the old (not current) backup");
    mxt_http_resp_free(&r);
    free(p);
    p = path_keys(v1, ROOM1, NULL);
    srv_req(t, u, "DELETE", p, NULL, &r);
    write_answer(t, &r, 2, NULL, 0, "DELETE a room of the old backup");
    mxt_http_resp_free(&r);
    free(p);
    p = path_keys(v1, NULL, NULL);
    srv_req(t, u, "DELETE", p, NULL, &r);
    write_answer(t, &r, 0, NULL, 0, "DELETE all keys of the old backup");
    mxt_http_resp_free(&r);
    srv_req(t, u, "GET", p, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "GET the emptied backup") &&
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.json, "rooms")) != 0)
        srv_fail_resp(t, &r, "GET the emptied backup: expected no rooms");
    mxt_http_resp_free(&r);
    free(p);
    char *pv2 = path_version(v2);
    check_info(t, u, pv2, v2, NULL, 1, "the current backup kept its key");
    free(pv2);
    char unk[64];
    unknown_version(unk, sizeof unk);
    p = path_keys(unk, NULL, NULL);
    get_expect(t, u, "DELETE", p, 404, "M_NOT_FOUND", "DELETE keys of an unknown version");
    free(p);
    free(v1);
    free(v2);
}

static void sc_validation(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    static const char *const bad[][2] = {
        {"first_message_index missing",
         "{\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}"},
        {"first_message_index a string",
         "{\"first_message_index\":\"1\",\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}"},
        {"forwarded_count missing",
         "{\"first_message_index\":1,\"is_verified\":false,\"session_data\":{}}"},
        {"forwarded_count an object",
         "{\"first_message_index\":1,\"forwarded_count\":{},\"is_verified\":false,\"session_data\":{}}"},
        {"is_verified a string",
         "{\"first_message_index\":1,\"forwarded_count\":0,\"is_verified\":\"true\",\"session_data\":{}}"},
        {"is_verified missing",
         "{\"first_message_index\":1,\"forwarded_count\":0,\"session_data\":{}}"},
        {"session_data a string",
         "{\"first_message_index\":1,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":\"x\"}"},
        {"session_data missing", "{\"first_message_index\":1,\"forwarded_count\":0,\"is_verified\":false}"},
        {"body an array", "[1,2,3]"},
        {"body not JSON", "{\"first_message_index\":1,"},
    };
    char *p = path_keys(v, ROOM1, "S");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mxt_http_resp r;
        srv_req(t, u, "PUT", p, bad[i][1], &r);
        char step[160];
        snprintf(step, sizeof step, "PUT KeyBackupData with %s (BK-SRV-016)", bad[i][0]);
        srv_expect_4xx(t, &r, step);
        mxt_http_resp_free(&r);
    }
    free(p);
    p = path_keys(v, ROOM1, NULL);
    mxt_http_resp r;
    srv_req(t, u, "PUT", p, "{\"sessions\":{\"S\":{\"first_message_index\":true}}}", &r);
    srv_expect_4xx(t, &r, "PUT /keys/{room} with a malformed session (BK-SRV-016)");
    mxt_http_resp_free(&r);
    free(p);
    char *pv = path_version(v);
    check_info(t, u, pv, v, NULL, 0, "no malformed key was stored");
    free(pv);
    free(v);
}

static void sc_opaque_auth_data(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *a = odd_auth_data();
    char *v = bk_create_with(t, u, a);
    if (v) {
        check_info(t, u, RK "/version", v, a, 0, "GET current: auth_data JSON-equal");
        char *p = path_version(v);
        check_info(t, u, p, v, a, 0, "GET by version: auth_data JSON-equal");
        free(p);
    }
    free(v);
    free(a);
}

static void sc_opaque_session_data(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    /* backup_mac (MSC4048) is one of the members a server keeps as it is (SKB-015's minimum). */
    const char *sd = "{\"ephemeral\":\"AAAA\",\"ciphertext\":\"BBBB\",\"mac\":\"CCCC\","
                     "\"backup_mac\":\"DDDD\"," ODD_MEMBERS
                     "\"org.example.extra\":[{\"x\":-1}]}";
    char *body = mxt_strfmt("{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":true,"
                            "\"session_data\":%s}", sd);
    char *p = path_keys(v, ROOM1, "S");
    mxt_http_resp r;
    srv_req(t, u, "PUT", p, body, &r);
    int ok = write_answer(t, &r, 1, NULL, 0, "PUT a key with unusual session_data");
    mxt_http_resp_free(&r);
    if (ok) {
        srv_req(t, u, "GET", p, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET /keys/{room}/{session}"))
            srv_json_equal_text(t, sd, &r, SRV_PATH("session_data"), MXT_CANON_ALL,
                                "session_data (GET /keys/{room}/{session})");
        mxt_http_resp_free(&r);
        char *pr = path_keys(v, ROOM1, NULL);
        srv_req(t, u, "GET", pr, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET /keys/{room}"))
            srv_json_equal_text(t, sd, &r, SRV_PATH("sessions", "S", "session_data"), MXT_CANON_ALL,
                                "session_data (GET /keys/{room})");
        mxt_http_resp_free(&r);
        free(pr);
        pr = path_keys(v, NULL, NULL);
        srv_req(t, u, "GET", pr, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET /keys"))
            srv_json_equal_text(t, sd, &r, SRV_PATH("rooms", ROOM1, "sessions", "S", "session_data"),
                                MXT_CANON_ALL, "session_data (GET /keys)");
        mxt_http_resp_free(&r);
        free(pr);
    }
    free(p);
    free(body);
    free(v);
}

static void sc_isolation(mxt_srv_t *t)
{
    srv_user *a = srv_user_new(t);
    srv_user *b = a ? srv_user_new(t) : NULL;
    if (!b)
        return;
    char *va = bk_create(t, a);
    if (!va)
        return;
    put_one(t, a, va, ROOM1, "S", rank(1, 0, 0), "a's", 1, NULL, 0, "user A stores a key");
    get_expect(t, b, "GET", RK "/version", 404, "M_NOT_FOUND",
               "user B (no backup) reads the current backup");
    char *pv = path_version(va);
    get_expect(t, b, "GET", pv, 404, "M_NOT_FOUND", "user B reads A's version");
    char *pk = path_keys(va, NULL, NULL);
    get_expect(t, b, "GET", pk, 404, "M_NOT_FOUND", "user B reads the keys of A's version");
    char *ps = path_keys(va, ROOM1, "S");
    get_expect(t, b, "GET", ps, 404, "M_NOT_FOUND", "user B reads A's key");
    cJSON *kb = kbd(rank(1, 0, 0), "b's");
    mxt_http_resp r;
    put_json(t, b, ps, kb, &r);
    srv_expect(t, &r, 404, "M_NOT_FOUND", "user B writes into A's version");
    mxt_http_resp_free(&r);
    get_expect(t, b, "DELETE", ps, 404, "M_NOT_FOUND", "user B deletes A's key");
    get_expect(t, b, "DELETE", pv, 404, "M_NOT_FOUND", "user B deletes A's backup");
    char *vb = bk_create(t, b);
    if (vb) {
        put_one(t, b, vb, ROOM1, "S", rank(1, 0, 0), "b's", 1, NULL, 0, "user B stores a key "
                                                                          "in B's own backup");
        free(vb);
    }
    srv_req(t, a, "GET", ps, NULL, &r);
    if (srv_expect(t, &r, 200, NULL, "user A reads A's key afterwards"))
        kbd_is(t, r.json, rank(1, 0, 0), "a's", "A's key after B's attempts (BK-SRV-019)");
    mxt_http_resp_free(&r);
    check_info(t, a, pv, va, NULL, 1, "A's backup still holds one key");
    cJSON_Delete(kb);
    free(ps);
    free(pk);
    free(pv);
    free(va);
}

static void sc_rate_limit(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    mxt_http_stats before = mxt_http_get_stats(srv_http(t));
    char *p = path_keys(v, NULL, NULL);
    int n = 40;
    for (int i = 0; i < n && !t->failed; i++) {
        mxt_http_resp r;
        srv_req(t, u, "GET", p, NULL, &r);
        if (r.status != 200)
            srv_fail_resp(t, &r, "request %d of a burst: expected 200 after honouring any 429 "
                                 "(BK-SRV-020)", i + 1);
        mxt_http_resp_free(&r);
    }
    mxt_http_stats after = mxt_http_get_stats(srv_http(t));
    if (after.bad_429 > before.bad_429)
        srv_fail(t, "a 429 answer without errcode M_LIMIT_EXCEEDED: %s", after.last_bad_429);
    if (after.answers_429 == before.answers_429)
        srv_note(t, "no 429 in a burst of %d requests (rate limiting is optional)", n);
    else
        srv_note(t, "%lu answers 429 in a burst of %d requests, each waited for as told",
                 after.answers_429 - before.answers_429, n);
    free(p);
    free(v);
}

/* ---- BK-BETTER scenarios --------------------------------------------------------------------------- */

/* The grid: both is_verified values, two indexes, two forwarded counts (every ordering of the
 * three fields between two keys occurs among its pairs). */
#define GRID 8
static mxt_bk_rank grid(int i)
{
    return rank(i & 4, (i & 2) ? 3u : 1u, (i & 1) ? 3u : 1u);
}

typedef int (*pair_filter)(mxt_bk_rank stored, mxt_bk_rank up);

static int pf_verified(mxt_bk_rank s, mxt_bk_rank u) { return s.is_verified != u.is_verified; }
static int pf_index(mxt_bk_rank s, mxt_bk_rank u)
{
    return s.is_verified == u.is_verified && s.first_message_index != u.first_message_index;
}
static int pf_forwarded(mxt_bk_rank s, mxt_bk_rank u)
{
    return s.is_verified == u.is_verified && s.first_message_index == u.first_message_index &&
           s.forwarded_count != u.forwarded_count;
}
static int pf_tie(mxt_bk_rank s, mxt_bk_rank u)
{
    return s.is_verified == u.is_verified && s.first_message_index == u.first_message_index &&
           s.forwarded_count == u.forwarded_count;
}
static int pf_anyfield(mxt_bk_rank s, mxt_bk_rank u) { return mxt_bk_is_synapse_divergence(&s, &u); }
static int pf_all(mxt_bk_rank s, mxt_bk_rank u)
{
    (void)s;
    (void)u;
    return 1;
}

/* Uploads a "stored" key for each selected pair (one batch at /keys), then the competing keys (one
 * batch at /keys/{room}), then reads everything back: each session must hold the key the rule's
 * decision (mxt_bk_decide) keeps. Returns the number of pairs. */
static int run_pairs(mxt_srv_t *t, pair_filter f)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return 0;
    char *v = bk_create(t, u);
    if (!v)
        return 0;
    cJSON *b1 = cJSON_CreateObject();
    cJSON *s1 = cJSON_AddObjectToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(b1, "rooms"),
                                                                ROOM1),
                                        "sessions");
    cJSON *b2 = cJSON_CreateObject();
    cJSON *s2 = cJSON_AddObjectToObject(b2, "sessions");
    int n = 0, replaced = 0;
    for (int i = 0; i < GRID; i++)
        for (int j = 0; j < GRID; j++) {
            mxt_bk_rank a = grid(i), c = grid(j);
            if (!f(a, c))
                continue;
            char name[32];
            snprintf(name, sizeof name, "pair-%d-%d", i, j);
            cJSON_AddItemToObject(s1, name, kbd(a, "stored"));
            cJSON_AddItemToObject(s2, name, kbd(c, "uploaded"));
            n++;
            replaced += mxt_bk_decide(&a, &c).action == MXT_BK_REPLACE;
        }
    mxt_http_resp r;
    char *p = path_keys(v, NULL, NULL);
    put_json(t, u, p, b1, &r);
    int ok = write_answer(t, &r, n, NULL, 0, "PUT the first key of every pair (one batch)");
    mxt_http_resp_free(&r);
    char *pr = path_keys(v, ROOM1, NULL);
    if (ok) {
        put_json(t, u, pr, b2, &r);
        ok = write_answer(t, &r, n, NULL, 0,
                          "PUT the competing key of every pair (one batch, some lose: "
                          "BK-BETTER-009)");
        mxt_http_resp_free(&r);
    }
    if (ok) {
        srv_req(t, u, "GET", pr, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET the room's keys")) {
            const cJSON *ss = cJSON_GetObjectItemCaseSensitive(r.json, "sessions");
            for (int i = 0; i < GRID; i++)
                for (int j = 0; j < GRID; j++) {
                    mxt_bk_rank a = grid(i), c = grid(j);
                    if (!f(a, c))
                        continue;
                    char name[32], what[400], ta[80], tc[80];
                    snprintf(name, sizeof name, "pair-%d-%d", i, j);
                    mxt_bk_decision d = mxt_bk_decide(&a, &c);
                    int rep = d.action == MXT_BK_REPLACE;
                    rank_text(a, ta, sizeof ta);
                    rank_text(c, tc, sizeof tc);
                    snprintf(what, sizeof what, "stored %s, uploaded %s: the %s key must be kept",
                             ta, tc, rep ? "uploaded" : "stored");
                    kbd_is(t, cJSON_GetObjectItemCaseSensitive(ss, name), rep ? c : a,
                           rep ? "uploaded" : "stored", what);
                }
        }
        mxt_http_resp_free(&r);
    }
    srv_note(t, "%d pairs, %d replacements expected", n, replaced);
    free(p);
    free(pr);
    cJSON_Delete(b1);
    cJSON_Delete(b2);
    free(v);
    return n;
}

static void sc_better_verified(mxt_srv_t *t) { run_pairs(t, pf_verified); }
static void sc_better_index(mxt_srv_t *t) { run_pairs(t, pf_index); }
static void sc_better_forwarded(mxt_srv_t *t) { run_pairs(t, pf_forwarded); }
static void sc_better_tie(mxt_srv_t *t) { run_pairs(t, pf_tie); }
static void sc_better_anyfield(mxt_srv_t *t) { run_pairs(t, pf_anyfield); }
static void sc_better_batch(mxt_srv_t *t) { run_pairs(t, pf_all); }

static void sc_better_first(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    for (int i = 0; i < GRID; i++) {
        char s[16];
        snprintf(s, sizeof s, "first-%d", i);
        put_one(t, u, v, ROOM1, s, grid(i), "only", i + 1, NULL, 0,
                "PUT into an empty slot (stored whatever its rank, BK-BETTER-001)");
        char *p = path_keys(v, ROOM1, s);
        mxt_http_resp r;
        srv_req(t, u, "GET", p, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET the first key of a slot"))
            kbd_is(t, r.json, grid(i), "only", "the first key of a slot");
        mxt_http_resp_free(&r);
        free(p);
    }
    free(v);
}

/* BK-BETTER-004: three distinct keys in all six orders, one session per order; the kept key must be
 * the same in every order (the best one). Under the any-field rule some orders keep another key. */
static void sc_better_order(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v = bk_create(t, u);
    if (!v)
        return;
    static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    cJSON *step[3];
    cJSON *ss[3];
    for (int k = 0; k < 3; k++) {
        step[k] = cJSON_CreateObject();
        ss[k] = cJSON_AddObjectToObject(step[k], "sessions");
    }
    int n = 0;
    for (int a = 0; a < GRID; a++)
        for (int b = a + 1; b < GRID; b++)
            for (int c = b + 1; c < GRID; c++)
                for (int q = 0; q < 6; q++) {
                    int tri[3] = {a, b, c};
                    char name[32];
                    snprintf(name, sizeof name, "order-%d%d%d-%d", a, b, c, q);
                    for (int k = 0; k < 3; k++) {
                        char m[8];
                        snprintf(m, sizeof m, "k%d", tri[perm[q][k]]);
                        cJSON_AddItemToObject(ss[k], name, kbd(grid(tri[perm[q][k]]), m));
                    }
                    n++;
                }
    char *p = path_keys(v, ROOM1, NULL);
    int ok = 1;
    for (int k = 0; k < 3 && ok; k++) {
        mxt_http_resp r;
        put_json(t, u, p, step[k], &r);
        char stp[80];
        snprintf(stp, sizeof stp, "PUT upload %d of 3 for %d sessions", k + 1, n);
        ok = write_answer(t, &r, n, NULL, 0, stp);
        mxt_http_resp_free(&r);
    }
    if (ok) {
        mxt_http_resp r;
        srv_req(t, u, "GET", p, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET the room's keys")) {
            const cJSON *sess = cJSON_GetObjectItemCaseSensitive(r.json, "sessions");
            for (int a = 0; a < GRID; a++)
                for (int b = a + 1; b < GRID; b++)
                    for (int c = b + 1; c < GRID; c++)
                        for (int q = 0; q < 6; q++) {
                            int tri[3] = {a, b, c};
                            /* the expected survivor: fold the proven single-slot step */
                            mxt_bk_rank slot = grid(tri[perm[q][0]]);
                            int win = tri[perm[q][0]];
                            for (int k = 1; k < 3; k++) {
                                mxt_bk_rank up = grid(tri[perm[q][k]]);
                                if (mxt_bk_apply(&slot, true, &up))
                                    win = tri[perm[q][k]];
                            }
                            char name[32], m[8], what[160];
                            snprintf(name, sizeof name, "order-%d%d%d-%d", a, b, c, q);
                            snprintf(m, sizeof m, "k%d", win);
                            snprintf(what, sizeof what, "keys %d,%d,%d uploaded in the order "
                                                        "%d,%d,%d",
                                     a, b, c, tri[perm[q][0]], tri[perm[q][1]], tri[perm[q][2]]);
                            kbd_is(t, cJSON_GetObjectItemCaseSensitive(sess, name), grid(win), m,
                                   what);
                        }
        }
        mxt_http_resp_free(&r);
    }
    srv_note(t, "%d sessions (every triple of distinct grid keys in all six orders; grid key i is "
                "verified when i & 4, index 3 when i & 2 else 1, forwarded 3 when i & 1 else 1)", n);
    for (int k = 0; k < 3; k++)
        cJSON_Delete(step[k]);
    free(p);
    free(v);
}

/* BK-BETTER-008: a slot of a new version is empty even if an older version holds a better key. */
static void sc_better_version(mxt_srv_t *t)
{
    srv_user *u = srv_user_new(t);
    if (!u)
        return;
    char *v1 = bk_create(t, u);
    if (!v1)
        return;
    put_one(t, u, v1, ROOM1, "S", rank(1, 0, 0), "best", 1, NULL, 0, "PUT the best key in backup 1");
    char *v2 = bk_create(t, u);
    if (v2) {
        put_one(t, u, v2, ROOM1, "S", rank(0, 50, 9), "worse", 1, NULL, 0,
                "PUT a worse key in backup 2 (its slot is empty)");
        char *p = path_keys(v2, ROOM1, "S");
        mxt_http_resp r;
        srv_req(t, u, "GET", p, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET the key of backup 2"))
            kbd_is(t, r.json, rank(0, 50, 9), "worse", "backup 2's key (compared within its own "
                                                       "version only)");
        mxt_http_resp_free(&r);
        free(p);
        p = path_keys(v1, ROOM1, "S");
        srv_req(t, u, "GET", p, NULL, &r);
        if (srv_expect(t, &r, 200, NULL, "GET the key of backup 1"))
            kbd_is(t, r.json, rank(1, 0, 0), "best", "backup 1's key");
        mxt_http_resp_free(&r);
        free(p);
    }
    free(v1);
    free(v2);
}

/* ---- the table ------------------------------------------------------------------------------------ */

#define R(...) ((const char *const[]){__VA_ARGS__, NULL})

const mxt_srv_scenario mxt_srv_bk_scenarios[] = {
    {"BK-SRV-no-backup", "BK-SRV", R("BK-SRV-002", "BK-SRV-003", "BK-SRV-008"),
     "a new user has no backup: GET current, GET a version and PUT a key answer 404 M_NOT_FOUND", 1,
     1, sc_no_backup},
    {"BK-SRV-version-create", "BK-SRV", R("BK-SRV-001", "BK-SRV-002", "BK-SRV-003"),
     "create two backups: each gets a version, the newest is current, both readable by version", 1,
     0, sc_version_create},
    {"BK-SRV-version-opaque", "BK-SRV", R("BK-SRV-003"),
     "versions are opaque strings matched exactly: near-miss spellings are 404 M_NOT_FOUND", 1, 1,
     sc_version_opaque},
    {"BK-SRV-version-update", "BK-SRV", R("BK-SRV-004", "BK-SRV-017"),
     "update changes only auth_data; algorithm or version mismatch is 400 M_INVALID_PARAM, unknown "
     "version 404", 1, 0, sc_version_update},
    {"BK-SRV-version-delete", "BK-SRV", R("BK-SRV-005", "BK-SRV-006", "BK-SRV-018"),
     "delete a backup: it and its keys are gone, deleting again is 200, never-existing 404, a new "
     "backup starts empty", 1, 0, sc_version_delete},
    {"BK-SRV-version-no-reuse", "BK-SRV", R("BK-SRV-007"),
     "versions are never handed out again after a delete (also when the newest is deleted)", 1, 0,
     sc_version_no_reuse},
    {"BK-SRV-keys-levels", "BK-SRV",
     R("BK-SRV-009", "BK-SRV-010", "BK-SRV-012", "BK-SRV-013", "BK-SRV-014"),
     "upload at all three levels: {etag, count} with exact counts, read back at all three levels", 1,
     0, sc_keys_levels},
    {"BK-SRV-keys-empty", "BK-SRV", R("BK-SRV-012", "BK-SRV-013", "BK-SRV-014"),
     "empty room and backup reads, absent sessions and unknown versions 404, version parameter "
     "required", 1, 0, sc_keys_empty},
    {"BK-SRV-etag", "BK-SRV", R("BK-SRV-011", "BK-SRV-009", "BK-BETTER-007"),
     "the etag changes exactly when the stored keys change (insert, replace, delete; not on "
     "rejected uploads at the session, room or all-keys level)", 1, 0, sc_etag},
    {"BK-SRV-wrong-version", "BK-SRV", R("BK-SRV-008"),
     "writes to an old version are 403 M_WRONG_ROOM_KEYS_VERSION with current_version, to an "
     "unknown one 404 (all three levels)", 1, 0, sc_wrong_version},
    {"BK-SRV-delete-keys", "BK-SRV", R("BK-SRV-015", "BK-SRV-009", "BK-SRV-010"),
     "delete keys at all three levels from a non-current version, with exact counts", 1, 0,
     sc_delete_keys},
    {"BK-SRV-validation", "BK-SRV", R("BK-SRV-016"),
     "malformed KeyBackupData is answered 4xx, never 5xx or stored", 1, 0, sc_validation},
    {"BK-SRV-opaque-auth-data", "BK-SRV", R("BK-SRV-017"),
     "auth_data with unknown members, big integers, escapes and non-ASCII is returned JSON-equal",
     1, 0, sc_opaque_auth_data},
    {"BK-SRV-opaque-session-data", "BK-SRV", R("BK-SRV-017", "SKB-015"),
     "session_data with backup_mac, unknown members, big integers and escapes is returned "
     "JSON-equal at all three levels", 1, 0, sc_opaque_session_data},
    {"BK-SRV-isolation", "BK-SRV", R("BK-SRV-019"),
     "a second user can neither read, write nor delete the first user's backup", 2, 1,
     sc_isolation},
    {"BK-SRV-rate-limit", "BK-SRV", R("BK-SRV-020"),
     "a burst of reads: any 429 carries M_LIMIT_EXCEEDED and the request succeeds after waiting "
     "retry_after_ms", 1, 0, sc_rate_limit},
    {"BK-BETTER-first", "BK-BETTER", R("BK-BETTER-001"),
     "the first key of a slot is stored whatever its rank", 1, 0, sc_better_first},
    {"BK-BETTER-verified", "BK-BETTER", R("BK-BETTER-002", "BK-BETTER-005"),
     "pairs differing in is_verified: verified wins whatever the index and forwarded count", 1, 0,
     sc_better_verified},
    {"BK-BETTER-index", "BK-BETTER", R("BK-BETTER-002", "BK-BETTER-006"),
     "pairs with equal is_verified and different index: the lower index wins whatever the "
     "forwarded count", 1, 0, sc_better_index},
    {"BK-BETTER-forwarded", "BK-BETTER", R("BK-BETTER-002"),
     "pairs equal in the first two fields: the lower forwarded_count wins", 1, 0,
     sc_better_forwarded},
    {"BK-BETTER-tie", "BK-BETTER", R("BK-BETTER-003"),
     "pairs of equal rank: the stored key is kept", 1, 0, sc_better_tie},
    {"BK-BETTER-anyfield", "BK-BETTER", R("BK-BETTER-002", "BK-BETTER-005", "BK-BETTER-006"),
     "the pairs where an any-field comparison (Synapse #13704) replaces but the rule keeps", 1, 0,
     sc_better_anyfield},
    {"BK-BETTER-order", "BK-BETTER", R("BK-BETTER-004"),
     "three keys in every order: the same (best) key is kept whatever the order", 1, 0,
     sc_better_order},
    {"BK-BETTER-batch", "BK-BETTER", R("BK-BETTER-009", "BK-BETTER-002"),
     "one batch with all 64 grid pairs, winners and losers mixed: each decided on its own", 1, 0,
     sc_better_batch},
    {"BK-BETTER-version", "BK-BETTER", R("BK-BETTER-008"),
     "keys are compared only within their own backup version", 1, 0, sc_better_version},
};
const size_t mxt_srv_bk_count = sizeof mxt_srv_bk_scenarios / sizeof mxt_srv_bk_scenarios[0];
