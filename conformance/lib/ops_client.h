/* Client-decision operations (ops_client.c; conformance/OPS.md "Client decisions"), registered in
 * the table of ops.c. Each reads its input, calls the proven core (core/client_flow.h and the
 * family functions it reuses), and writes the outcome; see mxt_op_fn in ops.h. */
#ifndef MXT_OPS_CLIENT_H
#define MXT_OPS_CLIENT_H

#include "ops.h"
#include "ops_backup.h"

void op_verify_user_allowed(const cJSON *input, mxt_outcome *out);       /* SIG-008 */
void op_verification_key_fixed(const cJSON *input, mxt_outcome *out);    /* SIG-008 */
void op_master_key_from_device(const cJSON *input, mxt_outcome *out);    /* XS-016 */
void op_backup_key_metadata(const cJSON *input, mxt_outcome *out);       /* BK-BETTER-010 */
void op_backup_key_metadata_check(const cJSON *input, mxt_outcome *out); /* BK-BETTER-010 */
void op_backup_upload_answer(const cJSON *input, mxt_outcome *out);      /* BK-TRUST-009 */
void op_backup_create_signatures(const cJSON *input, mxt_outcome *out);  /* BK-TRUST-010 */
void op_backup_refetch(const cJSON *input, mxt_outcome *out);            /* BK-TRUST-013 */
void op_session_arrival(const cJSON *input, mxt_outcome *out);           /* BK-TRUST-014, SD-001/007/017 */
void op_key_backup_preference(const cJSON *input, mxt_outcome *out);     /* BK-TRUST-015 */
void op_backup_secret_decode(const cJSON *input, mxt_outcome *out);      /* BK-FMT-011 */
void op_skb1_signing_secret(const cJSON *input, mxt_outcome *out);       /* SKB-001 */
void op_skb1_decide(const cJSON *input, mxt_outcome *out);               /* SKB-006 */
void op_skb1_enable_signing(const cJSON *input, mxt_outcome *out);       /* SKB-007 */
void op_shield(const cJSON *input, mxt_outcome *out);                    /* SD-014 */
void op_room_key_recipient(const cJSON *input, mxt_outcome *out);        /* SD-015 */
void op_restored_session_shareable(const cJSON *input, mxt_outcome *out);/* SD-018 */

#endif
