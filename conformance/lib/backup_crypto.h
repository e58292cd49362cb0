/*
 * Backup cryptography outside the proven core (heap allowed): the m.megolm_backup.v1.curve25519-aes-sha2
 * construction (spec "Server-side key backups"; BK-FMT-004, BK-FMT-005, BK-FMT-012) and the MSC4048
 * backup MAC (SKB-008, SKB-011).
 *
 * v1, per session:
 *   shared   = X25519(ephemeral private, backup public key)        (libsodium crypto_scalarmult)
 *   okm      = HKDF-SHA-256(salt = 32 zero bytes, IKM = shared, info = "", L = 80)   (OpenSSL)
 *   aes key  = okm[0:32], mac key = okm[32:64], iv = okm[64:80]
 *   ciphertext = AES-256-CBC(aes key, iv, plaintext, PKCS#7 padding)                 (OpenSSL)
 *   mac      = HMAC-SHA-256(mac key, "")[0:8]  (the libolm behaviour the spec documents; MSC1219
 *              meant the ciphertext, and some implementations produced or required that instead)
 *
 * Encryption takes the ephemeral private key as an input, so that vectors are reproducible;
 * callers wanting a fresh key pass 32 random bytes.
 */
#ifndef MXT_BACKUP_CRYPTO_H
#define MXT_BACKUP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define MXT_BK_KEY_LEN  32u
#define MXT_BK_MAC_LEN  8u   /* v1 session_data.mac (BK-FMT-003) */
#define MXT_BK_HMAC_LEN 32u  /* MSC4048 backup_mac, before base64 */
#define MXT_BK_BACKUP_MAC_B64_LEN 43u

typedef enum {
    MXT_BKC_OK = 0,              /* MAC of the empty string matched (spec, BK-FMT-005); decrypted */
    MXT_BKC_OK_CIPHERTEXT_MAC,   /* the MAC instead matched HMAC(mac key, ciphertext): the
                                    MSC1219-text variant; decrypted, reported as a distinct outcome */
    MXT_BKC_BAD_MAC,             /* the MAC matches neither; nothing decrypted */
    MXT_BKC_BAD_LENGTH,          /* mac not 8 bytes, or ciphertext empty / not a multiple of 16 */
    MXT_BKC_BAD_PADDING,         /* AES-CBC decryption ended in invalid PKCS#7 padding */
    MXT_BKC_BAD_POINT,           /* X25519 gave the all-zero output (low-order public key) */
    MXT_BKC_CRYPTO_ERROR,        /* the crypto library failed (or was not initialised) */
    MXT_BKC_NOMEM                /* allocation failed */
} mxt_bkc_status;

/* Which MAC mxt_bk_encrypt writes. */
#define MXT_BK_MAC_EMPTY      0u  /* the spec's: HMAC over the empty string */
#define MXT_BK_MAC_CIPHERTEXT 1u  /* the variant, for producing non-conforming test inputs */

typedef struct {
    uint8_t  ephemeral[32];   /* ephemeral public key */
    uint8_t *ciphertext;      /* malloc'd; free with mxt_bk_sealed_free */
    size_t   ciphertext_len;
    uint8_t  mac[MXT_BK_MAC_LEN];
} mxt_bk_sealed;

const char *mxt_bkc_status_name(mxt_bkc_status s);

/* X25519 public key of a 32-byte private key (clamped scalar multiplication of the base point). */
mxt_bkc_status mxt_bk_public_key(const uint8_t priv[32], uint8_t pub[32]);

/* BK-FMT-012: 1 when priv's public key equals pub (constant-time comparison), else 0. */
int mxt_bk_key_matches(const uint8_t priv[32], const uint8_t pub[32]);

/* The 80 HKDF bytes (aes key, mac key, iv) derived from an X25519 shared secret. */
mxt_bkc_status mxt_bk_kdf(const uint8_t shared[32], uint8_t okm[80]);

/* Encrypts pt[0..pt_len) for backup public key `backup_pub` with ephemeral private key `eph_priv`.
 * mac_mode is MXT_BK_MAC_EMPTY (conforming) or MXT_BK_MAC_CIPHERTEXT. */
mxt_bkc_status mxt_bk_encrypt(const uint8_t backup_pub[32], const uint8_t eph_priv[32],
                              const uint8_t *pt, size_t pt_len, unsigned mac_mode,
                              mxt_bk_sealed *out);

void mxt_bk_sealed_free(mxt_bk_sealed *s);

/* Decrypts with the backup private key. On MXT_BKC_OK or MXT_BKC_OK_CIPHERTEXT_MAC, *pt is a
 * malloc'd buffer of *pt_len bytes plus a NUL (not counted); otherwise *pt is NULL. */
mxt_bkc_status mxt_bk_decrypt(const uint8_t backup_priv[32], const uint8_t ephemeral[32],
                              const uint8_t *ct, size_t ct_len,
                              const uint8_t *mac, size_t mac_len,
                              uint8_t **pt, size_t *pt_len);

/* MSC4048 (SKB-008): backup_mac_key = HKDF-SHA-256(no salt, IKM = backup decryption key,
 * info = "MATRIX_BACKUP_MAC_KEY", L = 32). */
mxt_bkc_status mxt_bk_backup_mac_key(const uint8_t backup_priv[32], uint8_t mac_key[32]);

/* HMAC-SHA-256(mac_key, msg) in full (32 bytes). */
mxt_bkc_status mxt_bk_hmac_sha256(const uint8_t mac_key[32], const uint8_t *msg, size_t len,
                                  uint8_t out[32]);

/* MSC4048 (SKB-011): backup_mac of a session_data JSON object: unpadded base64 of HMAC-SHA-256
 * (mac_key, canonical JSON of session_data without "signatures" and "unsigned"). Reads the JSON
 * with the core reader and encodes it with the core canonical encoder; out receives 43 characters
 * and a NUL. Returns MXT_BKC_BAD_LENGTH when the input is not a JSON object the core accepts
 * (*core_status, if not NULL, then holds the core's mxt_status). */
mxt_bkc_status mxt_bk_backup_mac(const uint8_t mac_key[32], const uint8_t *json, size_t json_len,
                                 char out[MXT_BK_BACKUP_MAC_B64_LEN + 1], int *core_status);

#endif
