/*
 * mxtrust core: data types of the sender-data rules (SD-004..012, "invisible crypto").
 * Rules over them: spec/acsl/sd.h. Functions: sd.h.
 */
#ifndef MXT_SD_TYPES_H
#define MXT_SD_TYPES_H

#include <stdint.h>
#include "xs_types.h"

/* SenderData kinds (SD-004). The numeric values are NOT the trust order; see sd_trust in sd.h. */
typedef enum {
    MXT_SD_UNKNOWN_DEVICE = 0,        /* no device, or the device does not own the session */
    MXT_SD_DEVICE_INFO = 1,           /* device known and owned, not cross-signed by its owner */
    MXT_SD_VERIFICATION_VIOLATION = 2,/* cross-signed; owner was verified before, is not now */
    MXT_SD_SENDER_UNVERIFIED = 3,     /* cross-signed; owner identity not verified (TOFU) */
    MXT_SD_SENDER_VERIFIED = 4        /* cross-signed; owner identity verified */
} mxt_sd_kind;

/* Sender data stored with a Megolm session. */
typedef struct {
    uint8_t kind;               /* mxt_sd_kind */
    uint8_t legacy_session;     /* imported or pre-existing session (SD-006, SD-007) */
    uint8_t owner_check_failed; /* UNKNOWN_DEVICE because the device did not own the session */
} mxt_sender_data;

/* What is known when a session arrives (SD-004) or is recalculated. */
typedef struct {
    uint8_t         imported;               /* from a backup or a file export (SD-006) */
    uint8_t         device_found;           /* device keys found for the Olm Curve25519 key */
    mxt_sig_verdict device_self_signature;  /* the device keys' own signature (SD-002) */
    uint8_t         device_owned_by_sender; /* device user_id is the claimed sender and its
                                               ed25519 key is the session's claimed key */
    mxt_sig_verdict master_signed_ssk;      /* owner's master key on owner's self-signing key */
    mxt_sig_verdict ssk_signed_device;      /* owner's self-signing key on the device */
    uint8_t         owner_identity;         /* mxt_xs_identity_level of the owner (XS-015) */
} mxt_sd_reception;

typedef enum {
    MXT_SD_ACCEPT = 0,
    MXT_SD_DISCARD = 1   /* evidence of tampering (SD-011): the session is dropped */
} mxt_sd_action;

/* Verification state of a decrypted event (SD-008; RSDK VerificationState). */
typedef enum {
    MXT_VS_VERIFIED = 0,
    MXT_VS_UNVERIFIED_IDENTITY = 1,
    MXT_VS_VERIFICATION_VIOLATION = 2,
    MXT_VS_UNSIGNED_DEVICE = 3,
    MXT_VS_MISSING_DEVICE = 4,   /* None(MissingDevice) */
    MXT_VS_INSECURE_SOURCE = 5,  /* None(InsecureSource) */
    MXT_VS_MISMATCHED_SENDER = 6
} mxt_verification_state;

/* Display policies of seed 002 (SD-010) = RSDK TrustRequirement + "paranoid" (SD-009). */
typedef enum {
    MXT_POLICY_SHOW_ALL = 0,               /* TrustRequirement::Untrusted */
    MXT_POLICY_CROSS_SIGNED_OR_LEGACY = 1, /* TrustRequirement::CrossSignedOrLegacy */
    MXT_POLICY_CROSS_SIGNED = 2,           /* TrustRequirement::CrossSigned */
    MXT_POLICY_PARANOID = 3                /* verified senders only: no RSDK variant */
} mxt_sd_policy;

/* SD-012: how a received copy of a session's ratchet compares with the stored one. */
typedef enum {
    MXT_RATCHET_UNCONNECTED = 0, /* not the same session (SD-013) */
    MXT_RATCHET_BETTER = 1,      /* reaches further back (lower first known index) */
    MXT_RATCHET_EQUAL = 2,
    MXT_RATCHET_WORSE = 3
} mxt_ratchet_cmp;

typedef enum {
    MXT_MERGE_DISCARD = 0,
    MXT_MERGE_TAKE_NEW = 1,
    MXT_MERGE_KEEP_OLD = 2,
    MXT_MERGE_NEW_RATCHET_OLD_SENDER = 3,
    MXT_MERGE_OLD_RATCHET_NEW_SENDER = 4
} mxt_merge_result;

#endif
