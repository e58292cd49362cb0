/*
 * Glue of the backup operations (ops_backup.c): the pieces that turn vector inputs into the facts
 * the proven core decides on (core/skb.h, core/recovery_key.h) and the backup cryptography
 * (backup_crypto.h). Exposed for conformance/tests/test_ops_backup.c; the operations themselves
 * are declared in ops_families.h.
 */
#ifndef MXT_OPS_BACKUP_H
#define MXT_OPS_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "skb.h"

/* Backup algorithm name -> the core's algorithm (SKB-009, BK-TRUST-008):
 * m.megolm_backup.v1.curve25519-aes-sha2 -> V1; m.backup.v2.curve25519-aes-sha2 and
 * org.matrix.msc4048.curve25519-aes-sha2 -> V2; anything else (NULL too) -> OTHER. */
mxt_bkt_algorithm mxt_opb_algorithm(const char *name);

/* SessionDataV2.unauthenticated value -> the core's field (SKB-012). NULL means absent; the three
 * defined values map to their own enum values; any other string is UNKNOWN. */
mxt_skb_unauth_field mxt_opb_unauth_field(const char *value);

/* The word reported for a source: "authenticated", "m.undefined", "m.legacy-v1",
 * "m.forwarded_room_key". */
const char *mxt_opb_source_word(mxt_skb_source s);

/* Reason names without their enum prefix ("AUTHENTICATED", "SIGNED_NOT_CLAIMED", ...). */
const char *mxt_opb_skb1_reason(mxt_skb1_reason r);
const char *mxt_opb_skb2_reason(mxt_skb2_reason r);

/* SKB-011: the MSC4048 backup_mac of object token 0 of `doc` (a session_data object) checked
 * against the value stored in unsigned.backup_mac, or unsigned["org.matrix.msc4048.backup_mac"]
 * when the stable name is absent. ABSENT when neither is there (or `unsigned` is not an object);
 * INVALID when the stored value is not a string, not base64 of 32 bytes, or differs from
 * HMAC-SHA-256(backup_mac_key(priv), canonical session_data without signatures/unsigned).
 * Returns 0, or -1 when the computation itself failed (crypto library, memory). */
int mxt_opb_backup_mac_check(const mxt_json_doc *doc, const uint8_t priv[32],
                             mxt_skb_mac_check *verdict);

/* SKB-013 / BK-FMT-005: the v1 `mac` of a session_data object: ABSENT when there is no "mac";
 * VALID when it is base64 of 8 bytes equal to HMAC-SHA-256(mac key, "")[0:8], the mac key coming
 * from X25519(priv, ephemeral) and HKDF; INVALID otherwise (including a MAC over the ciphertext, a
 * missing or malformed ephemeral). Returns 0, or -1 when the crypto library failed. */
int mxt_opb_v1_mac_check(const mxt_json_doc *doc, const uint8_t priv[32],
                         mxt_skb_mac_check *verdict);

#endif
