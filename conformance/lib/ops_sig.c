/* verify_json (OPS.md): one signature on a signed JSON object, decided by core/signed_json.c. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include "b64.h"
#include "ops.h"
#include "sign.h"
#include "signed_json.h"

void mxt_op_verify_json(const cJSON *input, mxt_outcome *out)
{
    size_t ulen = 0, klen = 0, pklen = 0, jlen = 0;
    uint8_t *user = NULL, *key_id = NULL, *pk_b64 = NULL, *json = NULL;
    mxt_json_token *tok = NULL;
    if (!(json = mxt_in_bytes(input, "json", &jlen, out)) ||
        !(user = mxt_in_bytes(input, "user", &ulen, out)) ||
        !(key_id = mxt_in_bytes(input, "key_id", &klen, out)) ||
        !(pk_b64 = mxt_in_bytes(input, "public_key", &pklen, out)))
        goto done;
    uint8_t pk[48];
    size_t pkn = 0;
    mxt_where w = {MXT_NO_OFFSET};
    if (mxt_b64_decode((const char *)pk_b64, pklen, MXT_B64_LENIENT, pk, sizeof pk, &pkn, &w) !=
            MXT_OK || pkn != 32) {
        mxt_op_error(out, "input.public_key: not the base64 of 32 bytes");
        goto done;
    }
    mxt_json_doc doc;
    mxt_status st = mxt_op_parse(json, jlen, MXT_NUM_STRICT, &tok, &doc, &w);
    if (st != MXT_OK) {
        mxt_op_reject(out, "malformed", st, &w);
        goto done;
    }
    mxt_sig_result res;
    st = mxt_sig_check_alloc(&doc, 0, user, ulen, key_id, klen, pk, &res);
    if (st != MXT_OK) {
        mxt_op_error(out, "mxt_sig_check: %s", mxt_status_name(st));
        goto done;
    }
    mxt_outcome_set(out, mxt_sig_verdict_name(res.verdict), mxt_sig_reason_name(res.reason), NULL);
done:
    free(tok);
    free(json);
    free(user);
    free(key_id);
    free(pk_b64);
}
