/* Deterministic Matrix identities for the scenario vectors: a user's cross-signing keys and
 * devices, built from named seeds and signed by the generator's own signer (vecgen.h). */
#ifndef MXT_GEN_IDENT_H
#define MXT_GEN_IDENT_H

#include "vecgen.h"

typedef struct {
    char    user[96];
    uint8_t msk_pk[32], msk_sk[64], ssk_pk[32], ssk_sk[64], usk_pk[32], usk_sk[64];
    char    msk[48], ssk[48], usk[48];          /* unpadded base64 public keys */
    char    msk_id[64], ssk_id[64], usk_id[64];  /* "ed25519:<b64>" */
} vg_user;

typedef struct {
    char    user[96], device[32];
    uint8_t ed_pk[32], ed_sk[64], cv_pk[32], cv_sk[32];
    char    ed[48], cv[48];
    char    ed_id[64];                           /* "ed25519:<DEVICE>" */
} vg_device;

/* Keys from the seed names "<tag>:<user>:master" etc.: the same tag gives the same keys. */
void vg_user_init(vg_user *u, const char *user, const char *tag);
void vg_device_init(vg_device *d, const char *user, const char *device);

/* Unsigned cross-signing key object {"keys":{id:pk},"usage":[usage],"user_id":user}. */
cJSON *vg_xs_key(const char *user, const char *usage, const char *pk_b64);
/* The user's master key, and self-signing / user-signing keys signed by the master key. */
cJSON *vg_master(const vg_user *u);
cJSON *vg_self_signing(const vg_user *u, int signed_by_master);
cJSON *vg_user_signing(const vg_user *u, int signed_by_master);
/* Device keys object, self-signed, optionally signed by the user's self-signing key. */
cJSON *vg_device_keys(const vg_device *d, const vg_user *owner_or_null);

/* Flips bit `bit` of the base64 signature at signatures[user][key_id] (re-encoded unpadded). */
void vg_flip_signature_bit(cJSON *obj, const char *user, const char *key_id, unsigned bit);

/* A /keys/query-shaped response; members are added by the caller (device_keys etc.). */
cJSON *vg_keys_query(void);
void vg_kq_add_device(cJSON *kq, const char *user, const char *device, cJSON *keys);
void vg_kq_add_xs(cJSON *kq, const char *member, const char *user, cJSON *key);

#endif
