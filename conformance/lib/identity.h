/*
 * Identity model over a /keys/query response (conformance glue, not the core).
 *
 * The scenario operations (device_trust, backup_trust, sender_data: OPS.md) receive the identities
 * and devices exactly as a server returns them. This module gathers the facts the proven core
 * decides on: which cross-signing key objects are usable for their role (core/xs_key.h), which
 * devices are published and with what keys, and the verdict of mxt_sig_check (core/signed_json.h)
 * on each link of a chain. It decides nothing itself: an unusable or absent key object or device
 * simply makes the links that need it MISSING, and the core ranks the verdicts.
 *
 * Everything is read with the core's JSON reader (core/json.h), so signatures are checked over the
 * very bytes that were received.
 */
#ifndef MXT_IDENTITY_H
#define MXT_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "signed_json.h"
#include "xs_types.h"

/* A parsed JSON text (heap-owned copy of the bytes and the tokens). */
typedef struct {
    uint8_t        *text;
    size_t          len;
    mxt_json_token *tok;
    mxt_json_doc    doc;
} mxt_id_json;

/* Parses text[0..len) (copied) with the core reader, strict numbers. Returns MXT_OK, or the
 * reader's status with *w at the offending byte. Free with mxt_id_json_free in every case. */
mxt_status mxt_id_json_parse(mxt_id_json *j, const uint8_t *text, size_t len, mxt_where *w);
void mxt_id_json_free(mxt_id_json *j);

/* Member `name` (NUL-terminated) of object token `obj`, or MXT_JSON_NONE. */
uint32_t mxt_id_get(const mxt_json_doc *doc, uint32_t obj, const char *name);
/* The unescaped string of token t as a heap, NUL-terminated copy; NULL when t is not a string
 * (or MXT_JSON_NONE) or contains a NUL. */
char *mxt_id_str(const mxt_json_doc *doc, uint32_t t);
/* Walks the members of object token `obj`: *key receives the key token, *val the value token.
 * Start with *cursor = 0; returns 1 while there is a member, 0 at the end. */
int mxt_id_next_member(const mxt_json_doc *doc, uint32_t obj, uint32_t *cursor, uint32_t *key,
                       uint32_t *val);

/* A cross-signing key of one user and role, as found in a /keys/query response. */
typedef struct {
    int            usable;      /* present and accepted by mxt_xs_key_check for the role */
    uint32_t       obj;         /* token of the key object (MXT_JSON_NONE when absent) */
    mxt_xsk_reason reason;      /* mxt_xs_key_check's reason (MXT_XSK_OK when usable) */
    uint8_t        pk[32];      /* the public key, when usable */
    char           id[64];      /* "ed25519:<unpadded base64 of pk>", when usable */
} mxt_id_xskey;

/* The `role` key of `user` from kq's master_keys / self_signing_keys / user_signing_keys. */
void mxt_id_xs_key(const mxt_json_doc *kq, const char *user, mxt_xs_role role, mxt_id_xskey *k);

/* A published device: device_keys[user][device_id], with device_id and user_id inside the object
 * equal to where it is listed, and an "ed25519:<device_id>" key of 32 bytes. */
typedef struct {
    int      usable;
    uint32_t obj;            /* token of the device keys object */
    uint8_t  ed[32];         /* its ed25519 key */
    int      has_curve;      /* a "curve25519:<device_id>" key of 32 bytes is there */
    uint8_t  curve[32];
    char     user[256];
    char     device_id[256];
    char     key_id[272];    /* "ed25519:<device_id>" */
} mxt_id_device;

/* Looks up device_keys[user][device_id]; d->usable says whether it is there and usable. */
void mxt_id_device_get(const mxt_json_doc *kq, const char *user, const char *device_id,
                       mxt_id_device *d);
/* Finds a usable device whose curve25519 key is curve[0..32): one of `prefer_user`'s devices when
 * there is one (so another user publishing the same Curve25519 key cannot shadow the sender's
 * device), else the first of any user in document order. 1 found, 0 not. */
int mxt_id_device_by_curve(const mxt_json_doc *kq, const uint8_t curve[32], const char *prefer_user,
                           mxt_id_device *d);

/* Verdict of mxt_sig_check on object token `obj` of `doc` for signatures[signer][key_id] with
 * public key pk. A scratch buffer for the signing bytes is allocated as needed. On an internal
 * failure (no memory, a call outside the contract) returns -1, else 0 with *v set. */
int mxt_id_sig(const mxt_json_doc *doc, uint32_t obj, const char *signer, const char *key_id,
               const uint8_t pk[32], mxt_sig_verdict *v);

/* One chain link: the signature of `signer_key` (owned by `signer_user`) on object `signed_obj`.
 * MISSING when the signing key is unusable or the signed object is absent (MXT_JSON_NONE): there
 * is nothing that could have been signed or nothing to check with. -1 on internal failure. */
int mxt_id_link(const mxt_json_doc *kq, const mxt_id_xskey *signer_key, const char *signer_user,
                uint32_t signed_obj, mxt_sig_verdict *v);

/* XS-007 facts for own device `device_id` of `user`. -1 on internal failure. */
int mxt_id_own_chain(const mxt_json_doc *kq, const char *user, const char *device_id,
                     int master_trusted, mxt_xs_own_chain *c);
/* XS-006 facts for device `device_id` of `them`, seen by `me`. -1 on internal failure. */
int mxt_id_other_chain(const mxt_json_doc *kq, const char *me, const char *them,
                       const char *device_id, int master_trusted, mxt_xs_other_chain *c);

/* What a signature on backup auth_data is by (the classification behind mxt_bkt_key_kind). */
typedef enum {
    MXT_ID_SIGNER_OWN_MASTER = 0,     /* ed25519:<own usable master key> under the own user */
    MXT_ID_SIGNER_OWN_DEVICE = 1,     /* ed25519:<a published, usable own device ID> */
    MXT_ID_SIGNER_OWN_UNKNOWN = 2,    /* ed25519:<anything else> under the own user: a device
                                         that is unknown or deleted */
    MXT_ID_SIGNER_OWN_OTHER_KEY = 3,  /* the own self-signing or user-signing key, or a key ID
                                         that is not ed25519: under the own user */
    MXT_ID_SIGNER_OTHER_USER = 4      /* listed under another user ID */
} mxt_id_signer;

typedef struct {
    mxt_id_signer signer;
    int           key_known;   /* pk holds the key the signature claims (checkable) */
    uint8_t       pk[32];
    char          device_id[256]; /* OWN_DEVICE: the device ID */
} mxt_id_signer_info;

/* Classifies key ID `key_id` listed under `signer_user` on an object, for own user `own_user`,
 * against kq. Another user's master key or device is resolved too (key_known), so its verdict can
 * be reported, though it never counts (BK-TRUST-005). */
void mxt_id_classify_signer(const mxt_json_doc *kq, const char *own_user, const char *signer_user,
                            const char *key_id, mxt_id_signer_info *info);

#endif
