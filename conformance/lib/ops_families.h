/* Operations per rule family (conformance/OPS.md), registered in the table of ops.c. Each reads
 * its input, calls the proven core, and writes the outcome; see mxt_op_fn in ops.h. */
#ifndef MXT_OPS_FAMILIES_H
#define MXT_OPS_FAMILIES_H

#include "ops.h"

/* BK-BETTER (ops_tables.c) */
void op_better_key(const cJSON *input, mxt_outcome *out);
void op_better_key_sequence(const cJSON *input, mxt_outcome *out);
/* SD tables (ops_tables.c) */
void op_verification_state(const cJSON *input, mxt_outcome *out);
void op_trust_requirement(const cJSON *input, mxt_outcome *out);
void op_display_policy(const cJSON *input, mxt_outcome *out);
void op_sender_data_recalculate(const cJSON *input, mxt_outcome *out);
void op_sender_data_merge(const cJSON *input, mxt_outcome *out);
/* Identity scenarios over /keys/query responses (ops_identity.c) */
void op_cross_signing_key(const cJSON *input, mxt_outcome *out);
void op_device_trust(const cJSON *input, mxt_outcome *out);
void op_backup_trust(const cJSON *input, mxt_outcome *out);
void op_sender_data(const cJSON *input, mxt_outcome *out);
/* Backups: recovery keys, session_data, shapes (BK-FMT); signed/authenticated backup (SKB)
 * (ops_backup.c) */
void op_recovery_key_decode(const cJSON *input, mxt_outcome *out);
void op_recovery_key_encode(const cJSON *input, mxt_outcome *out);
void op_backup_decrypt(const cJSON *input, mxt_outcome *out);
void op_backup_auth_data(const cJSON *input, mxt_outcome *out);
void op_session_data_shape(const cJSON *input, mxt_outcome *out);
void op_backed_up_session(const cJSON *input, mxt_outcome *out);
void op_skb_session(const cJSON *input, mxt_outcome *out);
void op_skb_backup_mac(const cJSON *input, mxt_outcome *out);

#endif
