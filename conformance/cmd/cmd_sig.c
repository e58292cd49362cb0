/* mxtrust verify-json / sign-json: one ed25519 signature on a signed JSON object (SIG-001..007).
 * Verification is the proven core's (core/signed_json.c); signing is conformance/lib/sign.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "commands.h"
#include "json.h"
#include "mxt_io.h"
#include "sign.h"
#include "signed_json.h"

static void verify_help(FILE *to)
{
    fprintf(to,
            "usage: mxtrust verify-json FILE|- --user USER --key-id ed25519:ID --public-key B64\n\n"
            "Checks the signature signatures[USER][ed25519:ID] of the JSON object in FILE (or\n"
            "standard input) against the ed25519 public key B64 (unpadded or padded base64 of 32\n"
            "bytes). Only USER's entry is consulted (SIG-007); the signed bytes are the canonical\n"
            "JSON of the object without \"signatures\" and \"unsigned\" (SIG-001).\n\n"
            "prints one line:\n"
            "  valid                 the signature is there and ed25519 accepts it      (exit 0)\n"
            "  missing: REASON       no signature by this key (NO_SIGNATURES, NO_USER, NO_KEY)\n"
            "  invalid: REASON       a well-formed signature that ed25519 rejects (ED25519_REJECTED)\n"
            "  malformed: REASON     something there that cannot be a signature, or a bad key ID\n"
            "  malformed: E_CODE (RULE) at byte N   the file is not acceptable JSON (CJSON rules)\n"
            "exit status: 0 valid; 1 any other verdict; 2 usage or I/O error.\n");
}

static void sign_help(FILE *to)
{
    fprintf(to,
            "usage: mxtrust sign-json FILE|- --user USER --key-id ed25519:ID --seed B64\n\n"
            "Signs the JSON object in FILE (or standard input) as SIG-001 says: the canonical JSON\n"
            "without \"signatures\" and \"unsigned\" is signed with the ed25519 key of the 32-byte\n"
            "seed B64, and the unpadded base64 signature is added at signatures[USER][ed25519:ID].\n"
            "Other signatures and \"unsigned\" are kept. Prints the signed object as canonical JSON\n"
            "(no trailing newline).\n"
            "exit status: 0 printed; 1 the input cannot be signed (reason on stderr); 2 usage or I/O.\n");
}

typedef struct {
    const char *path, *user, *key_id, *key;
} sig_args;

/* Parses FILE --user U --key-id K --<keyopt> V (also --opt=value). Returns 0 or 2 (usage). */
static int parse_args(const char *cmd, int argc, char **argv, const char *keyopt, sig_args *a,
                      void (*help)(FILE *))
{
    memset(a, 0, sizeof *a);
    size_t klen = strlen(keyopt);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        const char *name = NULL;
        if (strncmp(s, "--user", 6) == 0 && (s[6] == 0 || s[6] == '=')) {
            slot = &a->user, name = "--user";
        } else if (strncmp(s, "--key-id", 8) == 0 && (s[8] == 0 || s[8] == '=')) {
            slot = &a->key_id, name = "--key-id";
        } else if (strncmp(s, keyopt, klen) == 0 && (s[klen] == 0 || s[klen] == '=')) {
            slot = &a->key, name = keyopt;
        } else if (s[0] == '-' && s[1] != 0) {
            fprintf(stderr, "mxtrust %s: unknown option '%s'\n\n", cmd, s);
            help(stderr);
            return 2;
        } else if (a->path == NULL) {
            a->path = s;
            continue;
        } else {
            fprintf(stderr, "mxtrust %s: more than one input file\n\n", cmd);
            help(stderr);
            return 2;
        }
        const char *eq = strchr(s, '=');
        if (eq != NULL) {
            *slot = eq + 1;
        } else if (i + 1 < argc) {
            *slot = argv[++i];
        } else {
            fprintf(stderr, "mxtrust %s: %s needs a value\n\n", cmd, name);
            help(stderr);
            return 2;
        }
    }
    const char *missing = a->path == NULL ? "FILE" : a->user == NULL ? "--user"
                        : a->key_id == NULL ? "--key-id" : a->key == NULL ? keyopt : NULL;
    if (missing != NULL) {
        fprintf(stderr, "mxtrust %s: %s is required\n\n", cmd, missing);
        help(stderr);
        return 2;
    }
    return 0;
}

/* Decodes B64 into exactly 32 bytes (lenient, padded or not). */
static int key32(const char *cmd, const char *opt, const char *b64, uint8_t out[32],
                 void (*help)(FILE *))
{
    uint8_t buf[48];
    size_t n = 0;
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_b64_decode(b64, strlen(b64), MXT_B64_LENIENT, buf, sizeof buf, &n, &w);
    if (st != MXT_OK || n != 32) {
        fprintf(stderr, "mxtrust %s: %s must be the base64 of 32 bytes", cmd, opt);
        if (st != MXT_OK && st != MXT_E_BUFFER_SMALL)
            fprintf(stderr, " (%s at byte %zu)", mxt_status_name(st), w.offset);
        fprintf(stderr, "\n\n");
        help(stderr);
        return 2;
    }
    memcpy(out, buf, 32);
    return 0;
}

int cmd_verify_json(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        verify_help(stdout);
        return 0;
    }
    sig_args a;
    uint8_t pk[32];
    if (parse_args("verify-json", argc, argv, "--public-key", &a, verify_help) ||
        key32("verify-json", "--public-key", a.key, pk, verify_help))
        return 2;
    size_t len = 0;
    uint8_t *in = mxt_read_file(a.path, &len);
    if (in == NULL) {
        fprintf(stderr, "mxtrust verify-json: %s: %s\n", a.path, strerror(errno));
        return 2;
    }
    int rc = 2;
    size_t ntok = len + 1;   /* a token needs at least one byte */
    mxt_json_token *tok = ntok <= UINT32_MAX ? calloc(ntok, sizeof *tok) : NULL;
    if (tok == NULL) {
        fprintf(stderr, "mxtrust verify-json: %s: out of memory\n", a.path);
        goto done;
    }
    mxt_json_doc doc;
    mxt_where w = {MXT_NO_OFFSET};
    mxt_status st = mxt_json_parse(in, len, tok, (uint32_t)ntok, NULL, &doc, &w);
    if (st != MXT_OK) {
        const char *rule = mxt_status_rule(st);
        printf("malformed: %s", mxt_status_name(st));
        if (rule[0] != 0)
            printf(" (%s)", rule);
        if (w.offset != MXT_NO_OFFSET)
            printf(" at byte %zu", w.offset);
        printf("\n");
        rc = 1;
        goto done;
    }
    mxt_sig_result res;
    st = mxt_sig_check_alloc(&doc, 0, (const uint8_t *)a.user, strlen(a.user),
                             (const uint8_t *)a.key_id, strlen(a.key_id), pk, &res);
    if (st != MXT_OK) {
        fprintf(stderr, "mxtrust verify-json: %s\n", mxt_status_name(st));
        goto done;
    }
    if (res.verdict == MXT_SIG_VALID)
        printf("valid\n");
    else
        printf("%s: %s\n", mxt_sig_verdict_name(res.verdict), mxt_sig_reason_name(res.reason));
    rc = res.verdict == MXT_SIG_VALID ? 0 : 1;
done:
    if (fflush(stdout) != 0)
        rc = 2;
    free(tok);
    free(in);
    return rc;
}

int cmd_sign_json(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        sign_help(stdout);
        return 0;
    }
    sig_args a;
    uint8_t seed[32];
    if (parse_args("sign-json", argc, argv, "--seed", &a, sign_help) ||
        key32("sign-json", "--seed", a.key, seed, sign_help))
        return 2;
    if (strncmp(a.key_id, "ed25519:", 8) != 0 || a.key_id[8] == 0) {
        fprintf(stderr, "mxtrust sign-json: --key-id must be ed25519:<id> (SIG-002)\n\n");
        sign_help(stderr);
        return 2;
    }
    size_t len = 0;
    uint8_t *in = mxt_read_file(a.path, &len);
    if (in == NULL) {
        fprintf(stderr, "mxtrust sign-json: %s: %s\n", a.path, strerror(errno));
        return 2;
    }
    char *out = NULL;
    size_t olen = 0;
    mxt_sign_error err;
    int rc = 1;
    if (mxt_sign_json(in, len, a.user, a.key_id, seed, &out, &olen, &err) != 0) {
        fprintf(stderr, "mxtrust sign-json: %s: %s\n", a.path, err.msg);
    } else if (fwrite(out, 1, olen, stdout) != olen || fflush(stdout) != 0) {
        fprintf(stderr, "mxtrust sign-json: writing: %s\n", strerror(errno));
        rc = 2;
    } else {
        rc = 0;
    }
    free(out);
    free(in);
    return rc;
}
