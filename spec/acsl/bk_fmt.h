/*
 * BK-FMT-001, -003, -006, -007, -013 as ACSL logic: the shapes of the m.megolm_backup.v1.curve25519-
 * aes-sha2 backup objects (spec "Server-side key backups"). Annotations only.
 */
#ifndef MXT_ACSL_BK_FMT_H
#define MXT_ACSL_BK_FMT_H

#define MXT_BKF_KEY_LEN          32u   /* public_key, ephemeral (BK-FMT-001, -003) */
#define MXT_BKF_KEY_CHARS        43u   /* its unpadded base64 length (BK-FMT-006 keys) */
#define MXT_BKF_MAC_LEN           8u   /* session_data.mac (BK-FMT-003) */
#define MXT_BKF_SESSION_KEY_LEN 165u   /* Megolm session export (BK-FMT-007) */
#define MXT_BKF_EXPORT_VERSION    1u   /* its version byte (BK-FMT-007) */

/*@
  // BK-FMT-003: the ciphertext is whole AES blocks, at least one (PKCS#7 always pads).
  predicate bkf_ciphertext_len_ok(integer n) = n > 0 && n % 16 == 0;

  // BK-FMT-007: a session_key in the Megolm session-export format: version byte 0x01, a 4-byte
  // message index, the 128-byte ratchet, the 32-byte ed25519 key: 165 bytes. (The spec's example
  // starts with 0x02, the session-sharing format; it is not accepted here.)
  predicate bkf_session_export_ok{L}(unsigned char *b, integer n) =
    n == 165 && b[0] == 0x01;

  // A decoded base64 value has the length a member requires.
  predicate bkf_len_is(integer got, integer want) = got == want;

  // BK-FMT-006: sender_key and sender_claimed_keys.ed25519 are keys (Curve25519, Ed25519): the
  // unpadded base64 of 32 bytes, i.e. exactly 43 characters that decode to 32 bytes (a padded
  // 44-character form is not unpadded base64; trailing bits are read leniently, as SIG-006 says).
  predicate bkf_unpadded_key_len(integer chars, integer bytes) =
    bytes == MXT_BKF_KEY_LEN && chars == MXT_BKF_KEY_CHARS;

  // BK-FMT-006: sender_claimed_keys maps algorithm names to key strings: every token directly
  // inside the object (its member names and its member values) is a string.
  predicate bkf_map_of_strings{L}(mxt_json_doc *d, integer obj) =
    \forall integer c; obj < c < d->tok[obj].end && d->tok[c].parent == obj
      ==> d->tok[c].type == MXT_JSON_STRING;
*/

#endif
