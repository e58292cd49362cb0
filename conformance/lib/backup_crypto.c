/* Backup cryptography (see backup_crypto.h): libsodium for X25519 and HMAC-SHA-256, OpenSSL
 * libcrypto for HKDF-SHA-256 (libsodium 1.0.18 has none) and AES-256-CBC with PKCS#7. */
#include "backup_crypto.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <sodium.h>

#include "canon.h"
#include "json.h"

static const uint8_t ZERO_SALT[32] = {0};
static const char BACKUP_MAC_INFO[] = "MATRIX_BACKUP_MAC_KEY";

const char *mxt_bkc_status_name(mxt_bkc_status s)
{
    switch (s) {
    case MXT_BKC_OK: return "OK";
    case MXT_BKC_OK_CIPHERTEXT_MAC: return "OK_CIPHERTEXT_MAC";
    case MXT_BKC_BAD_MAC: return "BAD_MAC";
    case MXT_BKC_BAD_LENGTH: return "BAD_LENGTH";
    case MXT_BKC_BAD_PADDING: return "BAD_PADDING";
    case MXT_BKC_BAD_POINT: return "BAD_POINT";
    case MXT_BKC_CRYPTO_ERROR: return "CRYPTO_ERROR";
    case MXT_BKC_NOMEM: return "NOMEM";
    }
    return "UNKNOWN";
}

static int ready(void)
{
    return sodium_init() >= 0;
}

/* HKDF-SHA-256; salt may be NULL ("no salt": RFC 5869 then uses HashLen zero bytes). */
static mxt_bkc_status hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                                  size_t ikm_len, const uint8_t *info, size_t info_len,
                                  uint8_t *out, size_t out_len)
{
    mxt_bkc_status st = MXT_BKC_CRYPTO_ERROR;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t len = out_len;

    if (ctx == NULL)
        return MXT_BKC_NOMEM;
    if (salt_len > INT_MAX || ikm_len > INT_MAX || info_len > INT_MAX)
        goto done;
    if (EVP_PKEY_derive_init(ctx) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) <= 0)
        goto done;
    if (salt != NULL && EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, (int)salt_len) <= 0)
        goto done;
    if (EVP_PKEY_CTX_set1_hkdf_key(ctx, ikm, (int)ikm_len) <= 0)
        goto done;
    if (info_len > 0 && EVP_PKEY_CTX_add1_hkdf_info(ctx, info, (int)info_len) <= 0)
        goto done;
    if (EVP_PKEY_derive(ctx, out, &len) <= 0 || len != out_len)
        goto done;
    st = MXT_BKC_OK;
done:
    EVP_PKEY_CTX_free(ctx);
    return st;
}

mxt_bkc_status mxt_bk_hmac_sha256(const uint8_t mac_key[32], const uint8_t *msg, size_t len,
                                  uint8_t out[32])
{
    static const uint8_t empty[1] = {0};
    if (!ready())
        return MXT_BKC_CRYPTO_ERROR;
    crypto_auth_hmacsha256(out, len == 0 ? empty : msg, (unsigned long long)len, mac_key);
    return MXT_BKC_OK;
}

mxt_bkc_status mxt_bk_public_key(const uint8_t priv[32], uint8_t pub[32])
{
    if (!ready())
        return MXT_BKC_CRYPTO_ERROR;
    return crypto_scalarmult_base(pub, priv) == 0 ? MXT_BKC_OK : MXT_BKC_BAD_POINT;
}

int mxt_bk_key_matches(const uint8_t priv[32], const uint8_t pub[32])
{
    uint8_t derived[32];
    int same;
    if (mxt_bk_public_key(priv, derived) != MXT_BKC_OK)
        return 0;
    same = sodium_memcmp(derived, pub, 32) == 0;
    sodium_memzero(derived, sizeof derived);
    return same;
}

mxt_bkc_status mxt_bk_kdf(const uint8_t shared[32], uint8_t okm[80])
{
    return hkdf_sha256(ZERO_SALT, sizeof ZERO_SALT, shared, 32, NULL, 0, okm, 80);
}

/* okm from an X25519 exchange between `priv` and `pub`. */
static mxt_bkc_status derive(const uint8_t priv[32], const uint8_t pub[32], uint8_t okm[80])
{
    uint8_t shared[32];
    mxt_bkc_status st;
    if (!ready())
        return MXT_BKC_CRYPTO_ERROR;
    if (crypto_scalarmult(shared, priv, pub) != 0) {
        sodium_memzero(shared, sizeof shared);
        return MXT_BKC_BAD_POINT;
    }
    st = mxt_bk_kdf(shared, okm);
    sodium_memzero(shared, sizeof shared);
    return st;
}

/* AES-256-CBC with PKCS#7; out needs in_len + 16 bytes. */
static mxt_bkc_status aes_cbc(int enc, const uint8_t key[32], const uint8_t iv[16],
                              const uint8_t *in, size_t in_len, uint8_t *out, size_t *out_len)
{
    mxt_bkc_status st = MXT_BKC_CRYPTO_ERROR;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;

    if (ctx == NULL)
        return MXT_BKC_NOMEM;
    if (in_len > (size_t)INT_MAX - 32)
        goto done;
    if (EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv, enc) != 1)
        goto done;
    if (EVP_CipherUpdate(ctx, out, &n1, in, (int)in_len) != 1)
        goto done;
    if (EVP_CipherFinal_ex(ctx, out + n1, &n2) != 1) {
        st = enc ? MXT_BKC_CRYPTO_ERROR : MXT_BKC_BAD_PADDING;
        goto done;
    }
    *out_len = (size_t)n1 + (size_t)n2;
    st = MXT_BKC_OK;
done:
    EVP_CIPHER_CTX_free(ctx);
    return st;
}

mxt_bkc_status mxt_bk_encrypt(const uint8_t backup_pub[32], const uint8_t eph_priv[32],
                              const uint8_t *pt, size_t pt_len, unsigned mac_mode,
                              mxt_bk_sealed *out)
{
    uint8_t okm[80], full[32];
    mxt_bkc_status st;
    size_t ct_len = 0;

    memset(out, 0, sizeof *out);
    if (mac_mode != MXT_BK_MAC_EMPTY && mac_mode != MXT_BK_MAC_CIPHERTEXT)
        return MXT_BKC_CRYPTO_ERROR;
    st = mxt_bk_public_key(eph_priv, out->ephemeral);
    if (st != MXT_BKC_OK)
        return st;
    st = derive(eph_priv, backup_pub, okm);
    if (st != MXT_BKC_OK)
        goto done;
    out->ciphertext = malloc(pt_len + 16u);
    if (out->ciphertext == NULL) {
        st = MXT_BKC_NOMEM;
        goto done;
    }
    st = aes_cbc(1, okm, okm + 64, pt, pt_len, out->ciphertext, &ct_len);
    if (st != MXT_BKC_OK)
        goto done;
    out->ciphertext_len = ct_len;
    if (mac_mode == MXT_BK_MAC_EMPTY)
        st = mxt_bk_hmac_sha256(okm + 32, NULL, 0, full);
    else
        st = mxt_bk_hmac_sha256(okm + 32, out->ciphertext, ct_len, full);
    if (st == MXT_BKC_OK)
        memcpy(out->mac, full, MXT_BK_MAC_LEN);
done:
    sodium_memzero(okm, sizeof okm);
    if (st != MXT_BKC_OK)
        mxt_bk_sealed_free(out);
    return st;
}

void mxt_bk_sealed_free(mxt_bk_sealed *s)
{
    if (s == NULL)
        return;
    free(s->ciphertext);
    s->ciphertext = NULL;
    s->ciphertext_len = 0;
}

mxt_bkc_status mxt_bk_decrypt(const uint8_t backup_priv[32], const uint8_t ephemeral[32],
                              const uint8_t *ct, size_t ct_len,
                              const uint8_t *mac, size_t mac_len,
                              uint8_t **pt, size_t *pt_len)
{
    uint8_t okm[80], full[32];
    uint8_t *buf = NULL;
    size_t len = 0;
    mxt_bkc_status st, verdict;

    *pt = NULL;
    *pt_len = 0;
    if (mac_len != MXT_BK_MAC_LEN || ct_len == 0 || ct_len % 16u != 0)
        return MXT_BKC_BAD_LENGTH;
    st = derive(backup_priv, ephemeral, okm);
    if (st != MXT_BKC_OK)
        goto done;

    /* BK-FMT-005: the MAC of the empty string is what the spec requires a decryptor to accept. */
    st = mxt_bk_hmac_sha256(okm + 32, NULL, 0, full);
    if (st != MXT_BKC_OK)
        goto done;
    if (sodium_memcmp(full, mac, MXT_BK_MAC_LEN) == 0) {
        verdict = MXT_BKC_OK;
    } else {
        st = mxt_bk_hmac_sha256(okm + 32, ct, ct_len, full);
        if (st != MXT_BKC_OK)
            goto done;
        if (sodium_memcmp(full, mac, MXT_BK_MAC_LEN) != 0) {
            st = MXT_BKC_BAD_MAC;
            goto done;
        }
        verdict = MXT_BKC_OK_CIPHERTEXT_MAC;
    }

    buf = malloc(ct_len + 1u);
    if (buf == NULL) {
        st = MXT_BKC_NOMEM;
        goto done;
    }
    st = aes_cbc(0, okm, okm + 64, ct, ct_len, buf, &len);
    if (st != MXT_BKC_OK)
        goto done;
    buf[len] = 0;
    *pt = buf;
    *pt_len = len;
    buf = NULL;
    st = verdict;
done:
    sodium_memzero(okm, sizeof okm);
    if (buf != NULL) {
        sodium_memzero(buf, ct_len + 1u);
        free(buf);
    }
    return st;
}

mxt_bkc_status mxt_bk_backup_mac_key(const uint8_t backup_priv[32], uint8_t mac_key[32])
{
    return hkdf_sha256(NULL, 0, backup_priv, 32, (const uint8_t *)BACKUP_MAC_INFO,
                       sizeof BACKUP_MAC_INFO - 1u, mac_key, 32);
}

mxt_bkc_status mxt_bk_backup_mac(const uint8_t mac_key[32], const uint8_t *json, size_t json_len,
                                 char out[MXT_BK_BACKUP_MAC_B64_LEN + 1], int *core_status)
{
    mxt_json_token *tok = NULL;
    uint8_t *canon = NULL;
    uint8_t full[32];
    size_t need = 0, got = 0;
    mxt_json_doc doc;
    mxt_where where;
    mxt_status cs;
    mxt_bkc_status st = MXT_BKC_BAD_LENGTH;
    size_t cap = json_len + 1u;

    if (core_status != NULL)
        *core_status = MXT_OK;
    if (!ready())
        return MXT_BKC_CRYPTO_ERROR;
    if (json_len == 0 || json_len > MXT_JSON_MAX_INPUT || cap > UINT32_MAX)
        return MXT_BKC_BAD_LENGTH;
    tok = calloc(cap, sizeof *tok);
    if (tok == NULL)
        return MXT_BKC_NOMEM;
    cs = mxt_json_parse(json, json_len, tok, (uint32_t)cap, NULL, &doc, &where);
    if (cs == MXT_OK && doc.tok[0].type != MXT_JSON_OBJECT)
        cs = MXT_E_TYPE;
    if (cs == MXT_OK) {
        cs = mxt_canon_encode(&doc, 0, MXT_CANON_SIGNING, NULL, 0, &need);
        if (cs == MXT_E_BUFFER_SMALL) {
            canon = malloc(need == 0 ? 1u : need);
            if (canon == NULL) {
                st = MXT_BKC_NOMEM;
                goto done;
            }
            cs = mxt_canon_encode(&doc, 0, MXT_CANON_SIGNING, canon, need, &got);
        }
    }
    if (cs != MXT_OK) {
        if (core_status != NULL)
            *core_status = (int)cs;
        goto done;
    }
    st = mxt_bk_hmac_sha256(mac_key, canon, got, full);
    if (st == MXT_BKC_OK)
        sodium_bin2base64(out, MXT_BK_BACKUP_MAC_B64_LEN + 1u, full, sizeof full,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
done:
    free(canon);
    free(tok);
    return st;
}
