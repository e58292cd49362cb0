/*
 * mxtrust core: data types of the cross-signing rules (XS-001/002, XS-006/007, XS-015).
 *
 * Kept apart from the functions so that the rules in spec/acsl/xs.h can name these types, and the
 * function headers (xs_key.h, xs_trust.h) can name those rules.
 */
#ifndef MXT_XS_TYPES_H
#define MXT_XS_TYPES_H

#include <stdint.h>
#include "signed_json.h"

/* The three cross-signing roles (XS-002); the value of `usage` a key must have. */
typedef enum {
    MXT_XS_MASTER = 0,        /* "master" */
    MXT_XS_SELF_SIGNING = 1,  /* "self_signing" */
    MXT_XS_USER_SIGNING = 2   /* "user_signing" */
} mxt_xs_role;

/* Why a cross-signing key object was refused (XS-001, XS-002), in the order the checks run. */
typedef enum {
    MXT_XSK_OK = 0,
    MXT_XSK_NOT_OBJECT,       /* the key is not a JSON object */
    MXT_XSK_NO_USER_ID,       /* no "user_id" */
    MXT_XSK_USER_ID_TYPE,     /* "user_id" is not a string */
    MXT_XSK_WRONG_USER,       /* "user_id" is not the expected user */
    MXT_XSK_NO_USAGE,         /* no "usage" */
    MXT_XSK_USAGE_TYPE,       /* "usage" is not an array of strings */
    MXT_XSK_WRONG_USAGE,      /* "usage" does not contain the expected role */
    MXT_XSK_USAGE_EXTRA,      /* "usage" contains the role and something else (Synapse accepts) */
    MXT_XSK_NO_KEYS,          /* no "keys", or "keys" is empty */
    MXT_XSK_KEYS_TYPE,        /* "keys" is not an object */
    MXT_XSK_SEVERAL_KEYS,     /* "keys" has more than one member */
    MXT_XSK_KEY_VALUE_TYPE,   /* the member's value is not a string */
    MXT_XSK_KEY_BASE64,       /* the value is not (strict, unpadded) base64 */
    MXT_XSK_KEY_LENGTH,       /* the value does not decode to 32 bytes */
    MXT_XSK_KEY_PADDED,       /* the value is padded: not the unpadded form (SIG-006) */
    MXT_XSK_KEY_ALGORITHM,    /* the member name does not start with "ed25519:" */
    MXT_XSK_KEY_ID_MISMATCH,  /* the name's suffix is not the value (Synapse does not check) */
    MXT_XSK_REASON_COUNT_
} mxt_xsk_reason;

/* A three-way observation of one member. */
#define MXT_XSF_ABSENT    0u  /* member not there */
#define MXT_XSF_BAD_TYPE  1u  /* there, wrong JSON type */
#define MXT_XSF_DIFFERENT 2u  /* there, right type, not the expected value */
#define MXT_XSF_MATCH     3u  /* there and as expected */

/*
 * What the validator observed in a key object: each field is one fact read from the JSON, and the
 * decision (mxt_xs_key_decide) is a function of these facts only, so the rule is stated once over
 * them (spec/acsl/xs.h, xsk_reason) and tests can check facts and decision apart.
 */
typedef struct {
    uint8_t  is_object;       /* 1 if the key is an object */
    uint8_t  user;            /* MXT_XSF_* for "user_id" against the expected user */
    uint8_t  usage;           /* MXT_XSF_ABSENT, MXT_XSF_BAD_TYPE (not an array), else MXT_XSF_MATCH */
    uint32_t usage_len;       /* elements of "usage" */
    uint32_t usage_nonstring; /* elements that are not strings */
    uint32_t usage_role;      /* elements equal to the expected role's name */
    uint8_t  keys;            /* MXT_XSF_ABSENT, MXT_XSF_BAD_TYPE (not an object), else MXT_XSF_MATCH */
    uint32_t keys_len;        /* members of "keys" */
    uint8_t  value_string;    /* 1 if the (single) member's value is a string */
    uint8_t  value_b64;       /* 1 if it decodes as strict base64 (of any length; a value longer
                                 than 64 bytes counts as base64 without being decoded) */
    uint32_t value_len;       /* its length in bytes (unescaped) */
    uint32_t decoded_len;     /* bytes it decodes to, when value_b64 */
    uint8_t  id_ed25519;      /* 1 if the member name starts with "ed25519:" */
    uint8_t  id_matches;      /* 1 if the name after "ed25519:" is exactly the value */
} mxt_xs_key_facts;

/* Outcome of a cross-signing chain (XS-006, XS-007). */
typedef enum {
    MXT_XSC_TRUSTED = 0,        /* every link VALID and the root (own master key) trusted */
    MXT_XSC_ROOT_UNTRUSTED = 1, /* every link VALID, but the own master key is not trusted */
    MXT_XSC_NOT_SIGNED = 2,     /* no link tampered, at least one signature MISSING */
    MXT_XSC_TAMPERED = 3        /* at least one signature INVALID or MALFORMED: evidence of tampering */
} mxt_xs_chain_result;

/* XS-007: own device. Each verdict is mxt_sig_check's on that link. */
typedef struct {
    uint8_t         own_master_trusted;  /* the own master key is trusted (verified locally) */
    mxt_sig_verdict master_signed_ssk;   /* own master key's signature on own self-signing key */
    mxt_sig_verdict ssk_signed_device;   /* own self-signing key's signature on the device */
} mxt_xs_own_chain;

/* XS-006: another user's device. */
typedef struct {
    uint8_t         own_master_trusted;     /* the own master key is trusted */
    mxt_sig_verdict own_master_signed_usk;  /* own master on own user-signing key */
    mxt_sig_verdict usk_signed_their_master;/* own user-signing key on their master key */
    mxt_sig_verdict their_master_signed_ssk;/* their master on their self-signing key */
    mxt_sig_verdict their_ssk_signed_device;/* their self-signing key on their device */
} mxt_xs_other_chain;

/* Trust level of another user's identity (XS-015, SD-016; RSDK OtherUserIdentity). */
typedef enum {
    MXT_XS_ID_VERIFIED = 0,   /* verified now: own trusted master -> own USK -> their master all VALID */
    MXT_XS_ID_VIOLATION = 1,  /* not verified now, but verified before: the master key changed */
    MXT_XS_ID_PINNED = 2,     /* never verified; the master key is the pinned one (TOFU) */
    MXT_XS_ID_UNPINNED = 3    /* never verified; the master key differs from the pinned one:
                                 unverified, the change must be shown and acknowledged (XS-015) */
} mxt_xs_identity_level;

typedef struct {
    uint8_t verified_now;        /* mxt_xs_identity_verified() of the current links */
    uint8_t previously_verified; /* latch: was verified at some earlier time (mxt_xs_latch) */
    uint8_t master_is_pinned;    /* the current master key equals the pinned (first seen or
                                    acknowledged) master key */
} mxt_xs_identity_facts;

#endif
