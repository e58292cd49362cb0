/*
 * SIG vectors: checking one signature on a signed JSON object (spec appendix "Signing JSON").
 *
 * Published vectors (the spec's, ruma's, the catalog's cross-signing signatures) are included
 * with their source in the comment. Generated objects are signed by the generator's own signer and
 * then mutated one way at a time; each mutation states its expected verdict from the rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "gen.h"
#include "gen_client.h"
#include "gen_ident.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)

static cJSON *input(const char *json, const char *user, const char *key_id, const char *pk)
{
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "json", json);
    cJSON_AddStringToObject(in, "user", user);
    cJSON_AddStringToObject(in, "key_id", key_id);
    cJSON_AddStringToObject(in, "public_key", pk);
    return in;
}

/* Lenient base64 (padding and unused trailing bits tolerated), for the self-check only. */
static int b64_lenient(const char *in, uint8_t *out, size_t cap, size_t *n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char tmp[128];
    size_t len = strlen(in);
    if (len >= sizeof tmp)
        return -1;
    memcpy(tmp, in, len + 1);
    while (len && tmp[len - 1] == '=')
        tmp[--len] = 0;
    if (len % 4 == 2 || len % 4 == 3) {
        const char *p = strchr(alphabet, tmp[len - 1]);
        if (!p)
            return -1;
        long mask = len % 4 == 2 ? ~15L : ~3L;
        tmp[len - 1] = alphabet[(p - alphabet) & mask];
    }
    return sodium_base642bin(out, cap, tmp, len, NULL, n, NULL,
                             sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

/* Every vector that expects "valid" is verified here with libsodium over the generator's own
 * signing bytes: a typo in a published signature or a generator bug stops generation. */
static void self_check_valid(const char *slug, const char *json, const char *user,
                             const char *key_id, const char *pk_b64)
{
    cJSON *o = cJSON_Parse(json);
    cJSON *sig = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "signatures"), user),
        key_id);
    char *msg = o ? mxt_vg_signing_bytes(o) : NULL;
    uint8_t s[64], pk[32];
    size_t ns = 0, npk = 0;
    int ok = msg && cJSON_IsString(sig) && b64_lenient(sig->valuestring, s, 64, &ns) == 0 &&
             ns == 64 && b64_lenient(pk_b64, pk, 32, &npk) == 0 && npk == 32 &&
             crypto_sign_verify_detached(s, (const unsigned char *)msg, strlen(msg), pk) == 0;
    free(msg);
    cJSON_Delete(o);
    if (!ok) {
        fprintf(stderr, "gen-vectors: SIG-%s expects valid but does not verify\n", slug);
        abort();
    }
}

static int add(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
               const char *const *flags, const char *json, const char *user, const char *key_id,
               const char *pk, const char *result, const char *reason)
{
    if (strcmp(result, "valid") == 0)
        self_check_valid(slug, json, user, key_id, pk);
    return mxt_vg_add(f, slug, rules, comment, flags, "verify_json",
                      input(json, user, key_id, pk), mxt_vg_expect(result, reason));
}

/* Public key of a 32-byte seed given in base64 (padded or not, trailing bits tolerated). */
static void pk_from_seed_b64(const char *seed_b64, char pk_b64[48])
{
    uint8_t seed[32], pk[32], sk[64];
    size_t n = 0;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s", seed_b64);
    if (sodium_base642bin(seed, sizeof seed, tmp, strlen(tmp), NULL, &n, NULL,
                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 || n != 32) {
        /* The spec's seed has non-zero trailing bits, which libsodium refuses: clear them. */
        size_t len = strlen(tmp);
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const char *p = strchr(alphabet, tmp[len - 1]);
        tmp[len - 1] = alphabet[(p - alphabet) & ~3];
        if (sodium_base642bin(seed, sizeof seed, tmp, len, NULL, &n, NULL,
                              sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 || n != 32)
            abort();
    }
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_bin2base64(pk_b64, 48, pk, 32, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

static int published(mxt_vg_file *f)
{
    int e = 0;
    char spec_pk[48], ruma_pk[48];
    pk_from_seed_b64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1", spec_pk);
    pk_from_seed_b64("2OjO919uwYS3oMP7tR/g+In9i9M1dXaYg9z+0DRP7q0", ruma_pk);
    const char *const *spec = MXT_VG_LIST("spec-example");
    e |= add(f, "spec-empty-object", R("SIG-003", "SIG-001"),
             "spec appendix test vector: {} signed with the spec seed (ed25519:1, entity domain)",
             spec,
             "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}",
             "domain", "ed25519:1", spec_pk, "valid", NULL);
    e |= add(f, "spec-one-two", R("SIG-003", "SIG-001"),
             "spec appendix test vector: {\"one\":1,\"two\":\"Two\"} signed with the spec seed", spec,
             "{\"one\":1,\"signatures\":{\"domain\":{\"ed25519:1\":\"KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw\"}},\"two\":\"Two\"}",
             "domain", "ed25519:1", spec_pk, "valid", NULL);
    e |= add(f, "spec-one-two-swapped-signature", R("SIG-005"),
             "the spec's {} signature presented on {\"one\":1,\"two\":\"Two\"} does not verify", spec,
             "{\"one\":1,\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}},\"two\":\"Two\"}",
             "domain", "ed25519:1", spec_pk, "invalid", "ED25519_REJECTED");
    const char *const *ruma = MXT_VG_LIST("peer-vector:ruma");
    e |= add(f, "ruma-empty-object", R("SIG-003"),
             "ruma-signatures test vector: {} signed with ruma's seed", ruma,
             "{\"signatures\":{\"domain\":{\"ed25519:1\":\"lXjsnvhVlz8t3etR+6AEJ0IT70WujeHC1CFjDDsVx0xSig1Bx7lvoi1x3j/2/GPNjQM4a2gD34UqsXFluaQEBA\"}}}",
             "domain", "ed25519:1", ruma_pk, "valid", NULL);
    e |= add(f, "ruma-reverse-key-order", R("SIG-003", "CJSON-002"),
             "ruma-signatures test vector: members in reverse order verify the same", ruma,
             "{\"two\":\"Two\",\"signatures\":{\"domain\":{\"ed25519:1\":\"t6Ehmh6XTDz7qNWI0QI5tNPSliWLPQP/+Fzz3LpdCS7q1k2G2/5b5Embs2j4uG3ZeivejrzqSVoBcdocRpa+AQ\"}},\"one\":1}",
             "domain", "ed25519:1", ruma_pk, "valid", NULL);
    e |= add(f, "ruma-signatures-entry-is-string", R("SIG-003"),
             "ruma-signatures negative vector: signatures[domain] is a string, not an object", ruma,
             "{\"not\":\"empty\",\"signatures\":{\"domain\":\"lXjsnvhVlz8t3etR+6AEJ0IT70WujeHC1CFjDDsVx0xSig1Bx7lvoi1x3j/2/GPNjQM4a2gD34UqsXFluaQEBA\"}}",
             "domain", "ed25519:1", ruma_pk, "malformed", "USER_NOT_OBJECT");
    /* Catalog TV-8: a self-signing key signed by the Synapse/SyTest fixture master key. */
    char msk_pk[48];
    pk_from_seed_b64("2lonYOM6xYKdEsO+6KrC766xBcHnYnim1x/4LFGF8B0", msk_pk);
    char json[1024], key_id[64];
    snprintf(key_id, sizeof key_id, "ed25519:%s", msk_pk);
    snprintf(json, sizeof json,
             "{\"keys\":{\"ed25519:EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ\":\"EmkqvokUn8p+vQAGZitOk4PWjp7Ukp3txV2TbMPEiBQ\"},"
             "\"signatures\":{\"@alice:example.org\":{\"%s\":\"RrIJ+v/yyiJ1xUIl6J7++7CWDZCFDh+QVrtwwMvagC+x36ERPLrMzPfAVnyPEiiVVlcR8U85OrAMhGkEgTrQDw\"}},"
             "\"usage\":[\"self_signing\"],\"user_id\":\"@alice:example.org\"}",
             key_id);
    e |= add(f, "catalog-tv8-ssk-by-msk", R("SIG-003", "XS-003"),
             "self-signing key signed by the SyTest fixture master key (catalog TV-8)",
             MXT_VG_LIST("peer-vector:sytest"), json, "@alice:example.org", key_id, msk_pk,
             "valid", NULL);
    return e;
}

/* One signed object and every mutation of it. `tag` prefixes the slugs. */
typedef struct {
    const char *tag;
    cJSON      *obj;       /* signed by key_id of user */
    const char *user, *key_id, *pk;
    const char *other_pk;  /* a different key of the same shape */
} subject;

static int emit(mxt_vg_file *f, const subject *s, const char *what, const char *const *rules,
                const char *comment, const char *const *flags, const cJSON *obj, const char *user,
                const char *key_id, const char *pk, const char *result, const char *reason)
{
    char slug[128], c[256];
    snprintf(slug, sizeof slug, "%s-%s", s->tag, what);
    snprintf(c, sizeof c, "%s: %s", s->tag, comment);
    char *text = mxt_vg_canonical(obj);
    int e = add(f, slug, rules, c, flags, text, user, key_id, pk, result, reason);
    free(text);
    return e;
}

static cJSON *dup(const cJSON *o) { return cJSON_Duplicate(o, 1); }

static int mutations(mxt_vg_file *f, const subject *s)
{
    int e = 0;
    cJSON *m;
    e |= emit(f, s, "as-signed", R("SIG-003"), "the object as signed verifies", NULL, s->obj,
              s->user, s->key_id, s->pk, "valid", NULL);

    m = dup(s->obj);
    cJSON_AddObjectToObject(m, "unsigned");
    cJSON_AddStringToObject(cJSON_GetObjectItem(m, "unsigned"), "device_display_name", "x");
    e |= emit(f, s, "unsigned-added", R("SIG-005", "SIG-001"),
              "adding an unsigned member keeps the signature valid", NULL, m, s->user, s->key_id,
              s->pk, "valid", NULL);
    cJSON_Delete(m);

    m = dup(s->obj);
    cJSON_AddStringToObject(m, "extra", "added");
    e |= emit(f, s, "member-added", R("SIG-005", "SIG-004"),
              "a member added outside signatures/unsigned breaks the signature", NULL, m, s->user,
              s->key_id, s->pk, "invalid", "ED25519_REJECTED");
    cJSON_Delete(m);

    m = dup(s->obj);
    cJSON_AddStringToObject(m, "org.example.extension", "signed-in");
    e |= emit(f, s, "unknown-member-added", R("SIG-004"),
              "an unknown extension member is covered by the signature like any other", NULL, m,
              s->user, s->key_id, s->pk, "invalid", "ED25519_REJECTED");
    cJSON_Delete(m);

    m = dup(s->obj);
    cJSON_DeleteItemFromObject(m, "user_id");
    cJSON_AddStringToObject(m, "user_id", "@mallory:example.org");
    e |= emit(f, s, "user-id-changed", R("SIG-005"), "changing user_id breaks the signature", NULL,
              m, s->user, s->key_id, s->pk, "invalid", "ED25519_REJECTED");
    cJSON_Delete(m);

    static const unsigned bits[] = {0, 1, 7, 100, 255, 256, 400, 511};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        char what[32], comment[80];
        m = dup(s->obj);
        vg_flip_signature_bit(m, s->user, s->key_id, bits[i]);
        snprintf(what, sizeof what, "sig-bit-%u", bits[i]);
        snprintf(comment, sizeof comment, "signature bit %u flipped", bits[i]);
        e |= emit(f, s, what, R("SIG-003"), comment, NULL, m, s->user, s->key_id, s->pk,
                  "invalid", "ED25519_REJECTED");
        cJSON_Delete(m);
    }

    e |= emit(f, s, "other-public-key", R("SIG-003"),
              "checked against a different public key: the signature does not verify", NULL,
              s->obj, s->user, s->key_id, s->other_pk, "invalid", "ED25519_REJECTED");

    /* SIG-007: a valid signature under another user's ID does not count for this user. */
    m = dup(s->obj);
    {
        cJSON *sigs = cJSON_GetObjectItem(m, "signatures");
        cJSON *mine = cJSON_DetachItemFromObjectCaseSensitive(sigs, s->user);
        cJSON_AddItemToObject(sigs, "@mallory:example.org", mine);
    }
    e |= emit(f, s, "moved-to-other-user", R("SIG-007"),
              "the signature moved under another user's ID is not a signature by this user", NULL,
              m, s->user, s->key_id, s->pk, "missing", "NO_USER");
    cJSON_Delete(m);

    m = dup(s->obj);
    cJSON_DeleteItemFromObject(m, "signatures");
    e |= emit(f, s, "no-signatures", R("SIG-003"), "no signatures member at all", NULL, m, s->user,
              s->key_id, s->pk, "missing", "NO_SIGNATURES");
    cJSON_Delete(m);

    e |= emit(f, s, "other-key-id", R("SIG-003"), "asked for a key ID that did not sign", NULL,
              s->obj, s->user, "ed25519:NOTTHERE", s->pk, "missing", "NO_KEY");

    m = dup(s->obj);
    cJSON_DeleteItemFromObject(m, "signatures");
    cJSON_AddStringToObject(m, "signatures", "not-an-object");
    e |= emit(f, s, "signatures-not-object", R("SIG-003"), "signatures is a string", NULL, m,
              s->user, s->key_id, s->pk, "malformed", "SIGNATURES_NOT_OBJECT");
    cJSON_Delete(m);

    m = dup(s->obj);
    {
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "signatures"), s->user);
        cJSON_ReplaceItemInObjectCaseSensitive(u, s->key_id, cJSON_CreateNumber(42));
    }
    e |= emit(f, s, "signature-not-string", R("SIG-003"), "the signature is a number", NULL, m,
              s->user, s->key_id, s->pk, "malformed", "SIG_NOT_STRING");
    cJSON_Delete(m);

    m = dup(s->obj);
    {
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "signatures"), s->user);
        cJSON_ReplaceItemInObjectCaseSensitive(u, s->key_id, cJSON_CreateString("not*base64!"));
    }
    e |= emit(f, s, "signature-bad-base64", R("SIG-003", "SIG-006"),
              "the signature is not base64", NULL, m, s->user, s->key_id, s->pk, "malformed",
              "SIG_BASE64");
    cJSON_Delete(m);

    m = dup(s->obj);
    {
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "signatures"), s->user);
        const char *sig = cJSON_GetObjectItem(u, s->key_id)->valuestring;
        char shorter[96];
        snprintf(shorter, sizeof shorter, "%.84s", sig); /* 63 bytes */
        cJSON_ReplaceItemInObjectCaseSensitive(u, s->key_id, cJSON_CreateString(shorter));
    }
    e |= emit(f, s, "signature-63-bytes", R("SIG-003"), "the signature decodes to 63 bytes",
              NULL, m, s->user, s->key_id, s->pk, "malformed", "SIG_LENGTH");
    cJSON_Delete(m);

    m = dup(s->obj);
    {
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "signatures"), s->user);
        const char *sig = cJSON_GetObjectItem(u, s->key_id)->valuestring;
        char padded[100];
        snprintf(padded, sizeof padded, "%s==", sig);
        cJSON_ReplaceItemInObjectCaseSensitive(u, s->key_id, cJSON_CreateString(padded));
    }
    e |= emit(f, s, "signature-padded", R("SIG-006"),
              "a padded signature decodes to the same bytes and verifies", NULL, m, s->user,
              s->key_id, s->pk, "valid", NULL);
    cJSON_Delete(m);

    m = dup(s->obj);
    {
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(m, "signatures"), s->user);
        char sig[100];
        snprintf(sig, sizeof sig, "%s", cJSON_GetObjectItem(u, s->key_id)->valuestring);
        /* 86 characters carry 516 bits for 512: set the unused low bits of the last one. */
        static const char alphabet[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t len = strlen(sig);
        long idx = strchr(alphabet, sig[len - 1]) - alphabet;
        sig[len - 1] = alphabet[idx | 3];
        cJSON_ReplaceItemInObjectCaseSensitive(u, s->key_id, cJSON_CreateString(sig));
    }
    e |= emit(f, s, "signature-trailing-bits", R("SIG-006"),
              "non-zero unused bits in the last base64 character: accepted by the default "
              "(lenient) decoder, as the spec's own seed needs", MXT_VG_LIST("spec-ambiguity"), m,
              s->user, s->key_id, s->pk, "valid", NULL);
    cJSON_Delete(m);

    e |= emit(f, s, "key-id-not-ed25519", R("SIG-002"),
              "asked to check a curve25519 key ID: not a signing algorithm", NULL, s->obj, s->user,
              "curve25519:X", s->pk, "malformed", "BAD_KEY_ID");
    return e;
}

/* Signed objects whose bytes exercise canonical JSON, and wrongly-canonicalised signers. */
static int canonical_cases(mxt_vg_file *f)
{
    int e = 0;
    vg_device d;
    vg_device_init(&d, "@sig:example.org", "CANONDEV");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "\xef\xbd\xa1", "halfwidth");
    cJSON_AddStringToObject(o, "\xf0\x9f\x98\x80", "emoji");
    cJSON_AddStringToObject(o, "ctl", "\x01\x1f\x7f/\"\\");
    cJSON_AddNumberToObject(o, "max", 9007199254740991.0);
    cJSON_AddStringToObject(o, "user_id", d.user);
    mxt_vg_sign(o, d.user, d.ed_id, d.ed_sk);
    char *text = mxt_vg_canonical(o);
    e |= add(f, "canonical-astral-and-controls", R("SIG-001", "CJSON-002", "CJSON-004"),
             "signed over code-point key order and the spec's escapes: verifies", NULL, text,
             d.user, d.ed_id, d.ed, "valid", NULL);
    free(text);

    /* The same content signed over UTF-16 key order (JS Array.sort): our bytes differ. */
    {
        const char *utf16_bytes =
            "{\"ctl\":\"\\u0001\\u001f\x7f/\\\"\\\\\",\"max\":9007199254740991,\"user_id\":\"@sig:example.org\","
            "\"\xf0\x9f\x98\x80\":\"emoji\",\"\xef\xbd\xa1\":\"halfwidth\"}";
        uint8_t sig[64];
        crypto_sign_detached(sig, NULL, (const unsigned char *)utf16_bytes, strlen(utf16_bytes),
                             d.ed_sk);
        char *b64 = mxt_vg_b64(sig, 64);
        cJSON *w = cJSON_Duplicate(o, 1);
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(w, "signatures"), d.user);
        cJSON_ReplaceItemInObjectCaseSensitive(u, d.ed_id, cJSON_CreateString(b64));
        text = mxt_vg_canonical(w);
        e |= add(f, "signer-used-utf16-order", R("SIG-001", "CJSON-002"),
                 "the signer sorted keys in UTF-16 order (as another-json does): not the "
                 "canonical bytes, the signature does not verify",
                 MXT_VG_LIST("divergence:another-json-utf16-order"), text, d.user, d.ed_id, d.ed,
                 "invalid", "ED25519_REJECTED");
        free(text);
        free(b64);
        cJSON_Delete(w);
    }
    /* Signed over capital \U escapes (another-json): not canonical either. */
    {
        const char *upper =
            "{\"ctl\":\"\\U0001\\U001F\x7f/\\\"\\\\\",\"max\":9007199254740991,\"user_id\":\"@sig:example.org\","
            "\"\xef\xbd\xa1\":\"halfwidth\",\"\xf0\x9f\x98\x80\":\"emoji\"}";
        uint8_t sig[64];
        crypto_sign_detached(sig, NULL, (const unsigned char *)upper, strlen(upper), d.ed_sk);
        char *b64 = mxt_vg_b64(sig, 64);
        cJSON *w = cJSON_Duplicate(o, 1);
        cJSON *u = cJSON_GetObjectItem(cJSON_GetObjectItem(w, "signatures"), d.user);
        cJSON_ReplaceItemInObjectCaseSensitive(u, d.ed_id, cJSON_CreateString(b64));
        text = mxt_vg_canonical(w);
        e |= add(f, "signer-used-capital-U-escapes", R("SIG-001", "CJSON-004"),
                 "the signer escaped controls as \\U0001 (another-json): the signature does not "
                 "verify over canonical bytes",
                 MXT_VG_LIST("divergence:another-json-capital-U"), text, d.user, d.ed_id, d.ed,
                 "invalid", "ED25519_REJECTED");
        free(text);
        free(b64);
        cJSON_Delete(w);
    }
    cJSON_Delete(o);

    /* Objects that cannot be canonicalised cannot carry a checkable signature. */
    static const struct { const char *slug, *json, *reason, *comment, *flag; } bad[] = {
        {"unrepresentable-number", "{\"n\":9007199254740992,\"signatures\":{\"@sig:example.org\":{\"ed25519:CANONDEV\":\"AAAA\"}}}",
         "E_NUMBER_RANGE", "2^53 inside the signed object: no canonical form",
         "divergence:rust-sdk-missing"},
        {"float-member", "{\"n\":1.5,\"signatures\":{\"@sig:example.org\":{\"ed25519:CANONDEV\":\"AAAA\"}}}",
         "E_NUMBER_FRACTION", "a float inside the signed object: no canonical form",
         "divergence:rust-sdk-missing"},
        {"duplicate-member", "{\"a\":1,\"a\":2,\"signatures\":{\"@sig:example.org\":{\"ed25519:CANONDEV\":\"AAAA\"}}}",
         "E_DUPLICATE_KEY", "a duplicate member: which value was signed is ambiguous", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        e |= add(f, bad[i].slug, R("SIG-003", "CJSON-009"), bad[i].comment,
                 bad[i].flag ? MXT_VG_LIST(bad[i].flag) : NULL, bad[i].json, d.user, d.ed_id, d.ed,
                 "malformed", bad[i].reason);
    return e;
}

/* SIG-010: a signer that signs the exact (padded) form it publishes. */
static int padded_field(mxt_vg_file *f)
{
    vg_device d;
    vg_device_init(&d, "@pad:example.org", "PADDEV");
    uint8_t bpk[32], bsk[32];
    mxt_vg_x25519("pad:backup", bpk, bsk);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, bpk, 32, sodium_base64_VARIANT_ORIGINAL);
    cJSON *auth = cJSON_CreateObject();
    cJSON_AddStringToObject(auth, "public_key", b64); /* padded: ends with '=' */
    mxt_vg_sign(auth, d.user, d.ed_id, d.ed_sk);
    char *text = mxt_vg_canonical(auth);
    int e = add(f, "auth-data-padded-public-key", R("SIG-010", "SIG-004"),
                "auth_data whose public_key is padded base64, signed as published: verifies over "
                "the exact bytes (a verifier that re-encodes the key would reject it)",
                MXT_VG_LIST("divergence:rust-sdk-reencodes-public-key"), text, d.user, d.ed_id,
                d.ed, "valid", NULL);
    free(text);
    cJSON_Delete(auth);
    return e;
}

/* signatures[user][key_id] = the ed25519 signature, with `sk`, of exactly the bytes `msg` (not
 * the object's canonical form): how a signer that canonicalises wrongly, or signs a different
 * form than it publishes, produces its signature. */
static void sign_bytes_as(cJSON *obj, const char *user, const char *key_id, const uint8_t sk[64],
                          const char *msg)
{
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    char *b64 = mxt_vg_b64(sig, 64);
    cJSON *sigs = cJSON_GetObjectItemCaseSensitive(obj, "signatures");
    if (!sigs)
        sigs = cJSON_AddObjectToObject(obj, "signatures");
    cJSON *mine = cJSON_GetObjectItemCaseSensitive(sigs, user);
    if (!mine)
        mine = cJSON_AddObjectToObject(sigs, user);
    cJSON_AddStringToObject(mine, key_id, b64);
    free(b64);
}

static int add_obj(mxt_vg_file *f, const char *slug, const char *const *rules, const char *comment,
                   const char *const *flags, cJSON *obj, const char *user, const char *key_id,
                   const char *pk, const char *result)
{
    char *text = mxt_vg_canonical(obj);
    int e = add(f, slug, rules, comment, flags, text, user, key_id, pk, result,
                strcmp(result, "invalid") == 0 ? "ED25519_REJECTED" : NULL);
    free(text);
    cJSON_Delete(obj);
    return e;
}

/*
 * The failing side of the canonical-form rules and SIG-010: objects whose signature was made over
 * bytes other than the canonical form of the object as published. A verifier that canonicalises
 * as the rule says computes different bytes, so the signature is invalid; each has a valid twin
 * (the same object signed over its canonical form) among the vectors above or the mutations.
 */
static int noncanonical_signers(mxt_vg_file *f)
{
    vg_device d;
    vg_device_init(&d, "@noncanon:example.org", "NCDEV");
    int e = 0;

    cJSON *o = cJSON_Parse("{\"a\":[1,2],\"b\":\"x\"}");
    sign_bytes_as(o, d.user, d.ed_id, d.ed_sk, "{\"a\": [1, 2], \"b\": \"x\"}");
    e |= add_obj(f, "signed-with-whitespace", R("CJSON-001", "SIG-003"),
                 "signed over a form with spaces after ':' and ',': the canonical bytes have none "
                 "(CJSON-001), so the signature does not verify",
                 NULL, o, d.user, d.ed_id, d.ed, "invalid");

    o = cJSON_Parse("{\"a\":null,\"b\":true}");
    sign_bytes_as(o, d.user, d.ed_id, d.ed_sk, "{\"b\":true}");
    e |= add_obj(f, "signed-with-null-member-dropped", R("CJSON-007", "SIG-003"),
                 "signed over a form that dropped the null member: canonical JSON keeps it "
                 "(CJSON-007), so the signature does not verify",
                 NULL, o, d.user, d.ed_id, d.ed, "invalid");

    o = cJSON_Parse("{\"a\":[3,1,2]}");
    sign_bytes_as(o, d.user, d.ed_id, d.ed_sk, "{\"a\":[1,2,3]}");
    e |= add_obj(f, "signed-with-array-sorted", R("CJSON-008", "SIG-003"),
                 "signed over a form with the array sorted: canonical JSON keeps array order "
                 "(CJSON-008), so the signature does not verify",
                 NULL, o, d.user, d.ed_id, d.ed, "invalid");

    /* SIG-010's failing side: published padded, signed over the re-encoded (unpadded) key. */
    uint8_t bpk[32], bsk[32];
    mxt_vg_x25519("pad:backup", bpk, bsk);
    char padded[64];
    sodium_bin2base64(padded, sizeof padded, bpk, 32, sodium_base64_VARIANT_ORIGINAL);
    char *unpadded = mxt_vg_b64(bpk, 32);
    cJSON *reenc = cJSON_CreateObject();
    cJSON_AddStringToObject(reenc, "public_key", unpadded);
    char *msg = mxt_vg_signing_bytes(reenc);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "public_key", padded);
    sign_bytes_as(o, d.user, d.ed_id, d.ed_sk, msg);
    e |= add_obj(f, "auth-data-padded-signed-unpadded", R("SIG-010", "SIG-004"),
                 "auth_data publishes a padded public_key but was signed over the unpadded "
                 "re-encoding: a verifier canonicalising the members as received rejects it (one "
                 "that re-encodes first would accept it)",
                 MXT_VG_LIST("divergence:rust-sdk-reencodes-public-key"), o, d.user, d.ed_id,
                 d.ed, "invalid");
    free(msg);
    free(unpadded);
    cJSON_Delete(reenc);

    /* XS-003's failing side: a self-signing key whose signature under the master key's ID was
     * made by another key (the user-signing key): not signed by the master key. */
    vg_user u;
    vg_user_init(&u, "@xs003:example.org", "sig");
    o = vg_self_signing(&u, 0);
    char *sb = mxt_vg_signing_bytes(o);
    sign_bytes_as(o, u.user, u.msk_id, u.usk_sk, sb);
    free(sb);
    e |= add_obj(f, "ssk-not-signed-by-msk", R("XS-003", "SIG-003"),
                 "self-signing key whose signature under the master key ID was made by the "
                 "user-signing key: not signed by the master key (a server answers 400 "
                 "M_INVALID_SIGNATURE)",
                 NULL, o, u.user, u.msk_id, u.msk, "invalid");
    return e;
}

int gen_sig(mxt_vg_file *f)
{
    int e = published(f);
    e |= canonical_cases(f);
    e |= padded_field(f);
    e |= noncanonical_signers(f);

    /* Subjects: device keys, cross-signing keys, a backup auth_data. */
    vg_user alice, bob;
    vg_user_init(&alice, "@alice:example.org", "sig");
    vg_user_init(&bob, "@bob:example.org", "sig");
    vg_device d1, d2;
    vg_device_init(&d1, alice.user, "ALICEDEV1");
    vg_device_init(&d2, bob.user, "BOBDEV1");

    subject subjects[6];
    subjects[0] = (subject){"device-self", vg_device_keys(&d1, NULL), d1.user, d1.ed_id, d1.ed, d2.ed};
    subjects[1] = (subject){"device-by-ssk", vg_device_keys(&d2, &bob), bob.user, bob.ssk_id, bob.ssk, alice.ssk};
    subjects[2] = (subject){"ssk-by-msk", vg_self_signing(&alice, 1), alice.user, alice.msk_id, alice.msk, bob.msk};
    subjects[3] = (subject){"usk-by-msk", vg_user_signing(&bob, 1), bob.user, bob.msk_id, bob.msk, alice.msk};
    cJSON *bob_msk_by_alice = vg_master(&bob);
    mxt_vg_sign(bob_msk_by_alice, alice.user, alice.usk_id, alice.usk_sk);
    subjects[4] = (subject){"msk-by-other-usk", bob_msk_by_alice, alice.user, alice.usk_id, alice.usk, bob.usk};
    uint8_t bpk[32], bsk[32];
    mxt_vg_x25519("sig:backup", bpk, bsk);
    char *bpk64 = mxt_vg_b64(bpk, 32);
    cJSON *auth = cJSON_CreateObject();
    cJSON_AddStringToObject(auth, "public_key", bpk64);
    free(bpk64);
    mxt_vg_sign(auth, alice.user, alice.msk_id, alice.msk_sk);
    mxt_vg_sign(auth, alice.user, d1.ed_id, d1.ed_sk);
    subjects[5] = (subject){"auth-data-by-msk", auth, alice.user, alice.msk_id, alice.msk, bob.msk};

    for (size_t i = 0; i < 6; i++) {
        e |= mutations(f, &subjects[i]);
        cJSON_Delete(subjects[i].obj);
    }
    e |= gen_client_sig(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
