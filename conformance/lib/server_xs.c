/* Server scenarios for cross-signing (XS-*): key upload, signature upload with per-item failures,
 * and which signatures /keys/query shows to whom. Real ed25519 signatures (sign.h). */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "canon.h"
#include "server_int.h"

#define CS "/_matrix/client/v3/keys"

typedef struct {
    srv_user *u;
    srv_key   dev, master, ssk, usk;
    cJSON    *device;  /* the uploaded device keys (signed by the device) */
    cJSON    *mk, *sk, *uk; /* uploaded master (unsigned), self-signing and user-signing keys */
} xs_user;

static void xs_free(xs_user *x)
{
    cJSON_Delete(x->device);
    cJSON_Delete(x->mk);
    cJSON_Delete(x->sk);
    cJSON_Delete(x->uk);
    memset(x, 0, sizeof *x);
}

static char *xs_text(const cJSON *j)
{
    return cJSON_PrintUnformatted(j);
}

/* A user with device keys uploaded (signed by the device's own key). */
static int xs_device(mxt_srv_t *t, xs_user *x)
{
    x->u = srv_user_new(t);
    if (!x->u)
        return -1;
    srv_keypair(&x->dev);
    const char *d = x->u->device_id;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user_id", x->u->user_id);
    cJSON_AddStringToObject(o, "device_id", d);
    cJSON *alg = cJSON_AddArrayToObject(o, "algorithms");
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.olm.v1.curve25519-aes-sha2"));
    cJSON_AddItemToArray(alg, cJSON_CreateString("m.megolm.v1.aes-sha2"));
    cJSON *keys = cJSON_AddObjectToObject(o, "keys");
    char kid[160];
    uint8_t ck[32];
    randombytes_buf(ck, sizeof ck);
    char *cb = mxt_vg_b64(ck, 32);
    snprintf(kid, sizeof kid, "curve25519:%s", d);
    cJSON_AddStringToObject(keys, kid, cb ? cb : "");
    free(cb);
    snprintf(kid, sizeof kid, "ed25519:%s", d);
    cJSON_AddStringToObject(keys, kid, x->dev.pub);
    x->device = srv_sign(o, x->u->user_id, kid, x->dev.seed);
    cJSON_Delete(o);
    if (!x->device) {
        srv_fail(t, "internal: cannot sign the device keys");
        return -1;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "device_keys", cJSON_Duplicate(x->device, 1));
    mxt_http_resp r;
    srv_req_json(t, x->u, "POST", CS "/upload", body, &r);
    cJSON_Delete(body);
    int ok = srv_expect(t, &r, 200, NULL, "upload device keys (POST /keys/upload)");
    mxt_http_resp_free(&r);
    return ok ? 0 : -1;
}

static cJSON *xs_key(const char *user, const char *usage, const srv_key *k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user_id", user);
    cJSON *us = cJSON_AddArrayToObject(o, "usage");
    cJSON_AddItemToArray(us, cJSON_CreateString(usage));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "keys"), k->key_id, k->pub);
    return o;
}

/* POST /keys/device_signing/upload, with password UIA when the server asks for it. */
static void xs_upload_signing(mxt_srv_t *t, const srv_user *u, cJSON *body, mxt_http_resp *r)
{
    srv_req_json(t, u, "POST", CS "/device_signing/upload", body, r);
    if (r->status == 401 && u->password && cJSON_GetObjectItemCaseSensitive(r->json, "flows")) {
        cJSON *auth = cJSON_AddObjectToObject(body, "auth");
        cJSON_AddStringToObject(auth, "type", "m.login.password");
        cJSON *id = cJSON_AddObjectToObject(auth, "identifier");
        cJSON_AddStringToObject(id, "type", "m.id.user");
        cJSON_AddStringToObject(id, "user", u->user_id);
        cJSON_AddStringToObject(auth, "user", u->user_id);
        cJSON_AddStringToObject(auth, "password", u->password);
        const char *sess = srv_str_at(r->json, SRV_PATH("session"));
        if (sess)
            cJSON_AddStringToObject(auth, "session", sess);
        mxt_http_resp_free(r);
        srv_req_json(t, u, "POST", CS "/device_signing/upload", body, r);
        cJSON_DeleteItemFromObject(body, "auth");
    }
}

/* Uploads master, self-signing and user-signing keys (subkeys signed by the master key). */
static int xs_cross(mxt_srv_t *t, xs_user *x)
{
    const char *u = x->u->user_id;
    srv_keypair(&x->master);
    srv_keypair(&x->ssk);
    srv_keypair(&x->usk);
    x->mk = xs_key(u, "master", &x->master);
    cJSON *s = xs_key(u, "self_signing", &x->ssk), *k = xs_key(u, "user_signing", &x->usk);
    x->sk = srv_sign(s, u, x->master.key_id, x->master.seed);
    x->uk = srv_sign(k, u, x->master.key_id, x->master.seed);
    cJSON_Delete(s);
    cJSON_Delete(k);
    if (!x->sk || !x->uk) {
        srv_fail(t, "internal: cannot sign the subkeys");
        return -1;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "master_key", cJSON_Duplicate(x->mk, 1));
    cJSON_AddItemToObject(body, "self_signing_key", cJSON_Duplicate(x->sk, 1));
    cJSON_AddItemToObject(body, "user_signing_key", cJSON_Duplicate(x->uk, 1));
    mxt_http_resp r;
    xs_upload_signing(t, x->u, body, &r);
    cJSON_Delete(body);
    int ok = srv_expect(t, &r, 200, NULL, "upload cross-signing keys (POST "
                                          "/keys/device_signing/upload)");
    mxt_http_resp_free(&r);
    return ok ? 0 : -1;
}

static int xs_full(mxt_srv_t *t, xs_user *x)
{
    return xs_device(t, x) == 0 && xs_cross(t, x) == 0 ? 0 : -1;
}

/* POST /keys/query as `as` for user `who`. */
static int xs_query(mxt_srv_t *t, const srv_user *as, const char *who, mxt_http_resp *r,
                    const char *step)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddArrayToObject(cJSON_AddObjectToObject(b, "device_keys"), who);
    srv_req_json(t, as, "POST", CS "/query", b, r);
    cJSON_Delete(b);
    return srv_expect(t, r, 200, NULL, step);
}

/* POST /keys/signatures/upload; returns the failures object (in r->json) or NULL on a non-200. */
static const cJSON *xs_sigup(mxt_srv_t *t, const srv_user *as, const cJSON *body,
                             mxt_http_resp *r, const char *step)
{
    srv_req_json(t, as, "POST", CS "/signatures/upload", body, r);
    if (!srv_expect(t, r, 200, NULL, step))
        return NULL;
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(r->json, "failures");
    static const cJSON empty = {0};
    if (f && !cJSON_IsObject(f)) {
        srv_fail_resp(t, r, "%s: failures is not an object (XS-009)", step);
        return NULL;
    }
    return f ? f : &empty;
}

/* An object with only signatures[user][kid] = the signature of obj (for signature upload). */
static cJSON *signed_copy(const cJSON *obj, const char *user, const char *kid, const srv_key *k,
                          int corrupt)
{
    cJSON *base = cJSON_Duplicate(obj, 1);
    cJSON_DeleteItemFromObject(base, "signatures");
    cJSON_DeleteItemFromObject(base, "unsigned");
    cJSON *s = srv_sign(base, user, kid, k->seed);
    cJSON_Delete(base);
    if (s && corrupt) {
        cJSON *sig = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
                                                          cJSON_GetObjectItemCaseSensitive(s, "signatures"),
                                                          user),
                                                      kid);
        if (cJSON_IsString(sig)) {
            char *v = strdup(sig->valuestring);
            if (v) {
                v[3] = v[3] == 'A' ? 'B' : 'A';
                cJSON_SetValuestring(sig, v);
                free(v);
            }
        }
    }
    return s;
}

static const char *sig_value(const cJSON *obj, const char *user, const char *kid)
{
    return srv_str_at(obj, SRV_PATH("signatures", user, kid));
}

/* The query's object for (field, user[, device]) compared with what was uploaded. */
static void same_key(mxt_srv_t *t, const mxt_http_resp *r, const char *field, const char *user,
                     const char *device, const cJSON *uploaded, const char *what)
{
    char *sent = xs_text(uploaded);
    const char *const p3[] = {field, user, device, NULL};
    if (sent)
        srv_json_equal_text(t, sent, r, p3, MXT_CANON_SIGNING, what);
    free(sent);
    const cJSON *got = srv_at(r->json, p3);
    const cJSON *sigs = cJSON_GetObjectItemCaseSensitive(uploaded, "signatures");
    const cJSON *su;
    cJSON_ArrayForEach(su, sigs)
    {
        const cJSON *sk;
        cJSON_ArrayForEach(sk, su)
        {
            const char *g = sig_value(got, su->string, sk->string);
            if (!g || !cJSON_IsString(sk) || strcmp(g, sk->valuestring) != 0)
                srv_fail(t, "%s: the uploaded signature %s/%s is not returned as uploaded "
                            "(XS-017)",
                         what, su->string, sk->string);
        }
    }
}

/* ---- scenarios ------------------------------------------------------------------------------------- */

static void sc_upload_query(mxt_srv_t *t)
{
    xs_user a = {0}, b = {0};
    if (xs_full(t, &a) != 0 || !(b.u = srv_user_new(t)))
        goto done;
    const char *ua = a.u->user_id;
    mxt_http_resp r;
    if (xs_query(t, a.u, ua, &r, "the owner queries their keys")) {
        same_key(t, &r, "master_keys", ua, NULL, a.mk, "own master key");
        same_key(t, &r, "self_signing_keys", ua, NULL, a.sk, "own self-signing key");
        same_key(t, &r, "user_signing_keys", ua, NULL, a.uk, "own user-signing key (XS-013)");
        same_key(t, &r, "device_keys", ua, a.u->device_id, a.device, "own device keys");
    }
    mxt_http_resp_free(&r);
    if (xs_query(t, b.u, ua, &r, "another user queries the keys")) {
        same_key(t, &r, "master_keys", ua, NULL, a.mk, "master key seen by another user");
        same_key(t, &r, "self_signing_keys", ua, NULL, a.sk, "self-signing key seen by another user");
        if (srv_at(r.json, SRV_PATH("user_signing_keys", ua)))
            srv_fail_resp(t, &r, "another user is shown the user-signing key (XS-013)");
    }
    mxt_http_resp_free(&r);
done:
    xs_free(&a);
    xs_free(&b);
}

static void sc_subkey_signature(mxt_srv_t *t)
{
    xs_user a = {0}, b = {0};
    if (!(a.u = srv_user_new(t)) || !(b.u = srv_user_new(t)))
        goto done;
    const char *ua = a.u->user_id;
    srv_keypair(&a.master);
    srv_keypair(&a.ssk);
    srv_keypair(&a.usk);
    srv_key other;
    srv_keypair(&other);
    cJSON *m = xs_key(ua, "master", &a.master);
    cJSON *s = xs_key(ua, "self_signing", &a.ssk);
    for (int c = 0; c < 2; c++) {
        /* c == 0: signed by another key under the master's key ID; c == 1: a corrupted signature */
        const srv_key *k = c == 0 ? &other : &a.master;
        cJSON *ss = signed_copy(s, ua, a.master.key_id, k, c == 1);
        cJSON *body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "master_key", cJSON_Duplicate(m, 1));
        cJSON_AddItemToObject(body, "self_signing_key", ss);
        mxt_http_resp r;
        xs_upload_signing(t, a.u, body, &r);
        srv_expect(t, &r, 400, "M_INVALID_SIGNATURE",
                   c == 0 ? "upload a self-signing key signed by a key that is not the master key"
                          : "upload a self-signing key with a corrupted master signature");
        mxt_http_resp_free(&r);
        cJSON_Delete(body);
    }
    mxt_http_resp r;
    if (xs_query(t, a.u, ua, &r, "query after the rejected uploads") &&
        srv_at(r.json, SRV_PATH("self_signing_keys", ua)))
        srv_fail_resp(t, &r, "a self-signing key with a bad signature was stored (XS-003)");
    mxt_http_resp_free(&r);
    /* no master key at all */
    const char *ub = b.u->user_id;
    srv_keypair(&b.master);
    srv_keypair(&b.ssk);
    cJSON *bs = xs_key(ub, "self_signing", &b.ssk);
    cJSON *bss = srv_sign(bs, ub, b.master.key_id, b.master.seed);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "self_signing_key", bss);
    xs_upload_signing(t, b.u, body, &r);
    srv_expect(t, &r, 400, "M_MISSING_PARAM", "upload a self-signing key with no master key stored "
                                              "or sent");
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
    cJSON_Delete(bs);
    cJSON_Delete(m);
    cJSON_Delete(s);
done:
    xs_free(&a);
    xs_free(&b);
}

static void sc_sig_invalid(mxt_srv_t *t)
{
    xs_user a = {0};
    if (xs_full(t, &a) != 0)
        goto done;
    const char *ua = a.u->user_id, *d = a.u->device_id;
    char dkid[160];
    snprintf(dkid, sizeof dkid, "ed25519:%s", d);
    cJSON *good = signed_copy(a.device, ua, a.ssk.key_id, &a.ssk, 0);
    cJSON *bad = signed_copy(a.mk, ua, dkid, &a.dev, 1);
    const char *good_sig = sig_value(good, ua, a.ssk.key_id);
    char *gs = good_sig ? strdup(good_sig) : NULL;
    cJSON *body = cJSON_CreateObject();
    cJSON *bu = cJSON_AddObjectToObject(body, ua);
    cJSON_AddItemToObject(bu, d, good);
    cJSON_AddItemToObject(bu, a.master.pub, bad);
    mxt_http_resp r;
    const cJSON *f = xs_sigup(t, a.u, body, &r, "upload one valid and one invalid signature");
    if (f) {
        const char *ec = srv_str_at(f, SRV_PATH(ua, a.master.pub, "errcode"));
        if (!ec || strcmp(ec, "M_INVALID_SIGNATURE") != 0)
            srv_fail_resp(t, &r, "the invalid signature on the master key is not reported as "
                                 "M_INVALID_SIGNATURE in failures (XS-009)");
        if (srv_at(f, SRV_PATH(ua, d)))
            srv_fail_resp(t, &r, "the valid device signature is listed in failures (XS-009)");
    }
    mxt_http_resp_free(&r);
    if (xs_query(t, a.u, ua, &r, "query after the upload")) {
        const cJSON *dev = srv_at(r.json, SRV_PATH("device_keys", ua, d));
        const char *g = sig_value(dev, ua, a.ssk.key_id);
        if (!g || !gs || strcmp(g, gs) != 0)
            srv_fail_resp(t, &r, "the valid self-signing signature on the device was not kept "
                                 "(XS-009: items not listed succeed)");
        if (sig_value(srv_at(r.json, SRV_PATH("master_keys", ua)), ua, dkid))
            srv_fail_resp(t, &r, "the invalid signature was stored on the master key");
    }
    mxt_http_resp_free(&r);
    free(gs);
    cJSON_Delete(body);
done:
    xs_free(&a);
}

static void sc_sig_object(mxt_srv_t *t)
{
    xs_user a = {0};
    if (xs_full(t, &a) != 0)
        goto done;
    const char *ua = a.u->user_id, *d = a.u->device_id;
    /* a validly signed object that is not the stored device keys */
    cJSON *alt = cJSON_Duplicate(a.device, 1);
    cJSON_AddStringToObject(alt, "org.mxtrust.not_stored", "x");
    cJSON *s = signed_copy(alt, ua, a.ssk.key_id, &a.ssk, 0);
    cJSON_Delete(alt);
    /* and a master key object with another usage list */
    cJSON *altm = cJSON_Duplicate(a.mk, 1);
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(altm, "usage"),
                         cJSON_CreateString("self_signing"));
    char dkid[160];
    snprintf(dkid, sizeof dkid, "ed25519:%s", d);
    cJSON *sm = signed_copy(altm, ua, dkid, &a.dev, 0);
    cJSON_Delete(altm);
    cJSON *body = cJSON_CreateObject();
    cJSON *bu = cJSON_AddObjectToObject(body, ua);
    cJSON_AddItemToObject(bu, d, s);
    cJSON_AddItemToObject(bu, a.master.pub, sm);
    mxt_http_resp r;
    const cJSON *f = xs_sigup(t, a.u, body, &r, "upload signatures over objects that differ from "
                                                "the stored keys");
    if (f) {
        if (!srv_at(f, SRV_PATH(ua, d)))
            srv_fail_resp(t, &r, "a signature over an altered device object is not in failures "
                                 "(XS-008)");
        if (!srv_at(f, SRV_PATH(ua, a.master.pub)))
            srv_fail_resp(t, &r, "a signature over an altered master key is not in failures "
                                 "(XS-008)");
    }
    mxt_http_resp_free(&r);
    if (xs_query(t, a.u, ua, &r, "query after the upload")) {
        same_key(t, &r, "device_keys", ua, d, a.device, "device keys after the rejected upload");
        if (sig_value(srv_at(r.json, SRV_PATH("device_keys", ua, d)), ua, a.ssk.key_id))
            srv_fail_resp(t, &r, "the signature over the altered device object was stored");
        if (sig_value(srv_at(r.json, SRV_PATH("master_keys", ua)), ua, dkid))
            srv_fail_resp(t, &r, "the signature over the altered master key was stored");
    }
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
done:
    xs_free(&a);
}

static void sc_device_signs_master(mxt_srv_t *t)
{
    xs_user a = {0}, b = {0};
    if (xs_full(t, &a) != 0 || !(b.u = srv_user_new(t)))
        goto done;
    const char *ua = a.u->user_id, *d = a.u->device_id;
    char dkid[160];
    snprintf(dkid, sizeof dkid, "ed25519:%s", d);
    /* a device that does not exist may not sign */
    srv_key ghost;
    srv_keypair(&ghost);
    cJSON *gm = signed_copy(a.mk, ua, "ed25519:MXTRUSTNODEVICE", &ghost, 0);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(body, ua), a.master.pub, gm);
    mxt_http_resp r;
    const cJSON *f = xs_sigup(t, a.u, body, &r, "a device that does not exist signs the master key");
    if (f && !srv_at(f, SRV_PATH(ua, a.master.pub)))
        srv_fail_resp(t, &r, "a master-key signature by a device that does not exist is not in "
                             "failures (XS-011: the device must exist)");
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
    cJSON *sm = signed_copy(a.mk, ua, dkid, &a.dev, 0);
    char *sig = sm && sig_value(sm, ua, dkid) ? strdup(sig_value(sm, ua, dkid)) : NULL;
    body = cJSON_CreateObject();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(body, ua), a.master.pub, sm);
    f = xs_sigup(t, a.u, body, &r, "the user's own device signs the master key");
    int accepted = f && !srv_at(f, SRV_PATH(ua, a.master.pub));
    if (f && !accepted)
        srv_note(t, "the server declines device signatures on the master key (XS-011 is a MAY)");
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
    for (int k = 0; accepted && k < 2; k++) {
        const srv_user *as = k == 0 ? a.u : b.u;
        if (xs_query(t, as, ua, &r, k == 0 ? "the owner queries" : "another user queries")) {
            const char *g = sig_value(srv_at(r.json, SRV_PATH("master_keys", ua)), ua, dkid);
            if (!g || !sig || strcmp(g, sig) != 0)
                srv_fail_resp(t, &r, "%s does not see the accepted device signature on the master "
                                     "key (XS-011, XS-012)",
                              k == 0 ? "the owner" : "another user");
        }
        mxt_http_resp_free(&r);
    }
    free(sig);
done:
    xs_free(&a);
    xs_free(&b);
}

static void sc_visibility(mxt_srv_t *t)
{
    xs_user a = {0}, b = {0}, c = {0};
    if (xs_full(t, &a) != 0 || xs_full(t, &b) != 0 || !(c.u = srv_user_new(t)))
        goto done;
    const char *ua = a.u->user_id, *ub = b.u->user_id, *bd = b.u->device_id;
    /* A signs B's master key with A's user-signing key (allowed), and B's device (not allowed) */
    cJSON *bm = signed_copy(b.mk, ua, a.usk.key_id, &a.usk, 0);
    cJSON *bdev = signed_copy(b.device, ua, a.usk.key_id, &a.usk, 0);
    cJSON *body = cJSON_CreateObject();
    cJSON *bu = cJSON_AddObjectToObject(body, ub);
    cJSON_AddItemToObject(bu, b.master.pub, bm);
    cJSON_AddItemToObject(bu, bd, bdev);
    mxt_http_resp r;
    const cJSON *f = xs_sigup(t, a.u, body, &r, "A signs B's master key and B's device with A's "
                                                "user-signing key");
    if (f) {
        if (srv_at(f, SRV_PATH(ub, b.master.pub)))
            srv_fail_resp(t, &r, "A's user-signing signature on B's master key was refused");
        if (!srv_at(f, SRV_PATH(ub, bd)))
            srv_fail_resp(t, &r, "A's signature on B's device is not in failures (XS-010: only "
                                 "the master key)");
    }
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
    /* B signs B's own device with B's self-signing key */
    cJSON *own = signed_copy(b.device, ub, b.ssk.key_id, &b.ssk, 0);
    body = cJSON_CreateObject();
    cJSON_AddItemToObject(cJSON_AddObjectToObject(body, ub), bd, own);
    f = xs_sigup(t, b.u, body, &r, "B signs B's device with B's self-signing key");
    if (f && cJSON_GetArraySize(f) != 0)
        srv_fail_resp(t, &r, "B's self-signing signature on B's device was refused");
    mxt_http_resp_free(&r);
    cJSON_Delete(body);
    static const char *const who[] = {"A (the signer)", "B (the signed user)", "C (a third user)"};
    const srv_user *as[] = {a.u, b.u, c.u};
    for (int k = 0; k < 3; k++) {
        char step[80];
        snprintf(step, sizeof step, "%s queries B", who[k]);
        if (!xs_query(t, as[k], ub, &r, step)) {
            mxt_http_resp_free(&r);
            continue;
        }
        const cJSON *m = srv_at(r.json, SRV_PATH("master_keys", ub));
        int sees = sig_value(m, ua, a.usk.key_id) != NULL;
        if (k == 0 && !sees)
            srv_fail_resp(t, &r, "A does not see A's own user-signing signature on B's master key "
                                 "(XS-012)");
        if (k > 0 && sees)
            srv_fail_resp(t, &r, "%s is shown A's user-signing signature on B's master key "
                                 "(XS-012: never shown to others)",
                          who[k]);
        const cJSON *dev = srv_at(r.json, SRV_PATH("device_keys", ub, bd));
        if (!sig_value(dev, ub, b.ssk.key_id))
            srv_fail_resp(t, &r, "%s does not see B's self-signing signature on B's device "
                                 "(XS-012)",
                          who[k]);
        if (sig_value(dev, ua, a.usk.key_id))
            srv_fail_resp(t, &r, "%s is shown the refused signature of A on B's device", who[k]);
        if (k != 1 && srv_at(r.json, SRV_PATH("user_signing_keys", ub)))
            srv_fail_resp(t, &r, "%s is shown B's user-signing key (XS-013)", who[k]);
        mxt_http_resp_free(&r);
    }
done:
    xs_free(&a);
    xs_free(&b);
    xs_free(&c);
}

/* XS-004: replacing the master key needs user-interactive auth; an identical re-upload may skip it. */
static void sc_upload_auth(mxt_srv_t *t)
{
    xs_user a = {0};
    if (xs_full(t, &a) != 0)
        goto done;
    const char *ua = a.u->user_id;
    mxt_http_resp r;
    cJSON *same = cJSON_CreateObject();
    cJSON_AddItemToObject(same, "master_key", cJSON_Duplicate(a.mk, 1));
    cJSON_AddItemToObject(same, "self_signing_key", cJSON_Duplicate(a.sk, 1));
    cJSON_AddItemToObject(same, "user_signing_key", cJSON_Duplicate(a.uk, 1));
    srv_req_json(t, a.u, "POST", CS "/device_signing/upload", same, &r);
    if (r.status == 401) {
        if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r.json, "flows")))
            srv_fail_resp(t, &r, "re-upload of identical keys: a 401 must list the auth flows");
    } else {
        srv_expect(t, &r, 200, NULL, "re-upload of identical keys without auth (200, or 401 asking "
                                     "for auth)");
    }
    mxt_http_resp_free(&r);
    cJSON_Delete(same);
    /* a new master key (with new subkeys) */
    srv_key m2, s2;
    srv_keypair(&m2);
    srv_keypair(&s2);
    cJSON *mk2 = xs_key(ua, "master", &m2);
    cJSON *sk0 = xs_key(ua, "self_signing", &s2);
    cJSON *sk2 = srv_sign(sk0, ua, m2.key_id, m2.seed);
    cJSON_Delete(sk0);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "master_key", cJSON_Duplicate(mk2, 1));
    cJSON_AddItemToObject(body, "self_signing_key", sk2 ? sk2 : cJSON_CreateObject());
    srv_req_json(t, a.u, "POST", CS "/device_signing/upload", body, &r);
    const char *sess = NULL;
    char session[256] = "";
    if (r.status != 401 || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r.json, "flows")))
        srv_fail_resp(t, &r, "replacing the master key without auth must answer 401 with the auth "
                             "flows (XS-004)");
    else if ((sess = srv_str_at(r.json, SRV_PATH("session"))) != NULL)
        snprintf(session, sizeof session, "%s", sess);
    mxt_http_resp_free(&r);
    for (int k = 0; k < 2 && a.u->password; k++) {
        cJSON *auth = cJSON_AddObjectToObject(body, "auth");
        cJSON_AddStringToObject(auth, "type", "m.login.password");
        cJSON *id = cJSON_AddObjectToObject(auth, "identifier");
        cJSON_AddStringToObject(id, "type", "m.id.user");
        cJSON_AddStringToObject(id, "user", ua);
        cJSON_AddStringToObject(auth, "password", k == 0 ? "mxtrust-wrong-password" : a.u->password);
        if (session[0])
            cJSON_AddStringToObject(auth, "session", session);
        srv_req_json(t, a.u, "POST", CS "/device_signing/upload", body, &r);
        cJSON_DeleteItemFromObject(body, "auth");
        if (k == 0) {
            if (r.status != 401 && r.status != 403)
                srv_fail_resp(t, &r, "replacing the master key with a wrong password must be "
                                     "refused (XS-004)");
            const char *s2s = srv_str_at(r.json, SRV_PATH("session"));
            if (s2s)
                snprintf(session, sizeof session, "%s", s2s);
        } else {
            srv_expect(t, &r, 200, NULL, "replace the master key with password auth");
        }
        mxt_http_resp_free(&r);
        if (xs_query(t, a.u, ua, &r, "query the master key")) {
            const char *const p[] = {"master_keys", ua, NULL};
            char *want = xs_text(k == 0 ? a.mk : mk2);
            if (want)
                srv_json_equal_text(t, want, &r, p, MXT_CANON_SIGNING,
                                    k == 0 ? "master key after the refused replacement"
                                           : "master key after the authenticated replacement");
            free(want);
        }
        mxt_http_resp_free(&r);
    }
    cJSON_Delete(body);
    cJSON_Delete(mk2);
done:
    xs_free(&a);
}

/* POST /login with a password and a chosen device ID; registers the new token for redaction. */
static void xs_login(mxt_srv_t *t, const srv_user *u, const char *device_id, mxt_http_resp *r)
{
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "type", "m.login.password");
    cJSON *id = cJSON_AddObjectToObject(b, "identifier");
    cJSON_AddStringToObject(id, "type", "m.id.user");
    cJSON_AddStringToObject(id, "user", u->user_id);
    cJSON_AddStringToObject(b, "password", u->password ? u->password : "");
    cJSON_AddStringToObject(b, "device_id", device_id);
    srv_req_json(t, NULL, "POST", "/_matrix/client/v3/login", b, r);
    cJSON_Delete(b);
    const char *tok = srv_str_at(r->json, SRV_PATH("access_token"));
    if (tok)
        mxt_http_secret(srv_http(t), tok);
}

/* XS-005: device IDs and cross-signing public keys never collide, in either order. */
static void sc_device_id_collision(mxt_srv_t *t)
{
    xs_user a = {0}, b = {0};
    if (xs_full(t, &a) != 0 || !(b.u = srv_user_new(t)))
        goto done;
    mxt_http_resp r;
    xs_login(t, a.u, a.master.pub, &r);
    srv_expect(t, &r, 403, "M_FORBIDDEN", "log in with the master public key as device ID");
    mxt_http_resp_free(&r);
    srv_key k;
    srv_keypair(&k);
    xs_login(t, b.u, k.pub, &r);
    int have_device = srv_expect(t, &r, 200, NULL, "log in with a fresh device ID (a public key "
                                                   "not yet used)");
    mxt_http_resp_free(&r);
    if (have_device) {
        cJSON *body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "master_key", xs_key(b.u->user_id, "master", &k));
        xs_upload_signing(t, b.u, body, &r);
        srv_expect(t, &r, 403, "M_FORBIDDEN", "upload a master key equal to an existing device ID");
        mxt_http_resp_free(&r);
        cJSON_Delete(body);
    }
done:
    xs_free(&a);
    xs_free(&b);
}

/* XS-001/XS-002: malformed cross-signing keys are refused and not stored. */
static void sc_key_shape(mxt_srv_t *t)
{
    xs_user a = {0};
    if (!(a.u = srv_user_new(t)))
        goto done;
    const char *ua = a.u->user_id;
    srv_key k, k2;
    srv_keypair(&k);
    srv_keypair(&k2);
    uint8_t short16[16];
    randombytes_buf(short16, sizeof short16);
    char *sb = mxt_vg_b64(short16, sizeof short16);
    for (int c = 0; c < 5; c++) {
        cJSON *m = xs_key(ua, "master", &k);
        cJSON *keys = cJSON_GetObjectItemCaseSensitive(m, "keys");
        const char *what = "";
        char kid[96];
        switch (c) {
        case 0:
            cJSON_AddStringToObject(keys, k2.key_id, k2.pub);
            what = "a master key with two public keys";
            break;
        case 1:
            cJSON_DeleteItemFromObject(keys, k.key_id);
            cJSON_AddStringToObject(keys, k.key_id, k2.pub);
            what = "a master key whose key ID names another key";
            break;
        case 2:
            cJSON_DeleteItemFromObject(m, "usage");
            cJSON_AddItemToArray(cJSON_AddArrayToObject(m, "usage"), cJSON_CreateString("self_signing"));
            what = "a master key whose usage lacks \"master\"";
            break;
        case 3:
            cJSON_DeleteItemFromObject(keys, k.key_id);
            snprintf(kid, sizeof kid, "ed25519:%s", sb ? sb : "");
            cJSON_AddStringToObject(keys, kid, sb ? sb : "");
            what = "a master key of 16 bytes";
            break;
        default:
            cJSON_DeleteItemFromObject(m, "keys");
            what = "a master key without keys";
            break;
        }
        cJSON *body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "master_key", m);
        mxt_http_resp r;
        xs_upload_signing(t, a.u, body, &r);
        char step[160];
        snprintf(step, sizeof step, "upload %s (XS-001/XS-002)", what);
        srv_expect_4xx(t, &r, step);
        mxt_http_resp_free(&r);
        cJSON_Delete(body);
    }
    free(sb);
    mxt_http_resp r;
    if (xs_query(t, a.u, ua, &r, "query after the malformed uploads") &&
        srv_at(r.json, SRV_PATH("master_keys", ua)))
        srv_fail_resp(t, &r, "a malformed master key was stored");
    mxt_http_resp_free(&r);
    xs_cross(t, &a); /* the same user can still upload well-formed keys */
done:
    xs_free(&a);
}

#define R(...) ((const char *const[]){__VA_ARGS__, NULL})

const mxt_srv_scenario mxt_srv_xs_scenarios[] = {
    {"XS-upload-query", "XS", R("XS-013", "XS-017"),
     "cross-signing and device keys come back from /keys/query as uploaded; only the owner gets "
     "the user-signing key", 2, 1, sc_upload_query},
    {"XS-key-shape", "XS", R("XS-001", "XS-002"),
     "malformed master keys (two keys, key ID naming another key, usage without master, 16 bytes, "
     "no keys) are refused with 4xx and not stored", 1, 1, sc_key_shape},
    {"XS-subkey-signature", "XS", R("XS-003"),
     "a self-signing key not signed by the master key is 400 M_INVALID_SIGNATURE; no master key at "
     "all is 400 M_MISSING_PARAM", 2, 1, sc_subkey_signature},
    {"XS-signature-invalid", "XS", R("XS-009"),
     "signature upload: an invalid signature is in failures as M_INVALID_SIGNATURE, the valid item "
     "is kept", 1, 1, sc_sig_invalid},
    {"XS-signature-object", "XS", R("XS-008"),
     "signature upload: an object that is not the stored key (apart from signatures) is a "
     "failure", 1, 1, sc_sig_object},
    {"XS-device-signs-master", "XS", R("XS-011", "XS-012"),
     "the user's own device may sign the master key (visible to all); a device that does not exist "
     "may not", 2, 1, sc_device_signs_master},
    {"XS-visibility", "XS", R("XS-012", "XS-010", "XS-013"),
     "user-signing signatures are seen only by their signer; other users' devices cannot be "
     "signed", 3, 1, sc_visibility},
    {"XS-upload-auth", "XS", R("XS-004"),
     "replacing the master key needs user-interactive auth (a wrong password is refused); an "
     "identical re-upload may skip it", 1, 1, sc_upload_auth},
    {"XS-device-id-collision", "XS", R("XS-005"),
     "a device ID equal to a cross-signing public key is refused at login, and such a key at "
     "upload, with 403 M_FORBIDDEN", 2, 1, sc_device_id_collision},
};
const size_t mxt_srv_xs_count = sizeof mxt_srv_xs_scenarios / sizeof mxt_srv_xs_scenarios[0];
