/*
 * mxtrust core: the small client-side decisions around the trust rules (SIG-008, XS-016,
 * BK-BETTER-010, BK-TRUST-009/013/014/015, BK-FMT-011, SKB-001/007, SD-001/007/014/015/017/018).
 * Rules: spec/acsl/client_flow.h (included by relative path, since this header has the same name).
 * Inputs are facts the caller established (parsed documents, verdicts, flags); every function is
 * pure and total over its domain.
 */
#ifndef MXT_CLIENT_FLOW_H
#define MXT_CLIENT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "b64.h"
#include "json.h"
#include "mxt_status.h"
#include "../spec/acsl/client_flow.h"

/* SKB-001 (seed 001): the secret name of the backup signing key, "m.key_backup.signing". */
extern const uint8_t MXT_CF_SKB1_SECRET_NAME[20];

/* Byte-string equality (the shared step of SIG-008 and BK-TRUST-013). */
/*@
  requires an == 0 || \valid_read(a + (0 .. an - 1));
  requires bn == 0 || \valid_read(b + (0 .. bn - 1));
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> cf_bytes_eq(a, an, b, bn);
*/
int mxt_cf_bytes_eq(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);

/* SIG-008: does device ID `dev` name the same key ID as the cross-signing public key `key`
 * (unpadded base64)? One such pair among a user's devices and keys refuses verification. */
/*@
  requires dn == 0 || \valid_read(dev + (0 .. dn - 1));
  requires kn == 0 || \valid_read(key + (0 .. kn - 1));
  assigns \nothing;
  behavior shadows:
    assumes sig008_shadows(dev, dn, key, kn);
    ensures \result == 1;
  behavior distinct:
    assumes !sig008_shadows(dev, dn, key, kn);
    ensures \result == 0;
  complete behaviors;
  disjoint behaviors;
*/
int mxt_cf_id_shadows_key(const uint8_t *dev, size_t dn, const uint8_t *key, size_t kn);

/* SIG-008: a verification is fixed to the public key it started with (`start`, 32 bytes). At its
 * end the key found under the same identity is `now` (NULL when there is none): only the very
 * same key may be marked verified. */
/*@
  requires \valid_read(start + (0 .. 31));
  requires now == \null || \valid_read(now + (0 .. 31));
  assigns \nothing;
  behavior gone:
    assumes now == \null;
    ensures \result == MXT_CF_VK_GONE;
  behavior same:
    assumes now != \null && cf_bytes_eq(start, 32, now, 32);
    ensures \result == MXT_CF_VK_SAME;
  behavior changed:
    assumes now != \null && !cf_bytes_eq(start, 32, now, 32);
    ensures \result == MXT_CF_VK_CHANGED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_verified_key mxt_cf_verified_key_fixed(const uint8_t *start, const uint8_t *now);

/* XS-016: may the client trust another user's master key because a device it verified signed it?
 * Only the first master key seen for that user is trusted that way without asking. */
/*@
  assigns \nothing;
  ensures \result == xs016_action(signed_by_verified_device, first_master_key, user_confirmed);
  behavior no_evidence:
    assumes signed_by_verified_device == 0;
    ensures \result == MXT_CF_MK_NO_EVIDENCE;
  behavior first:
    assumes signed_by_verified_device != 0 && first_master_key != 0;
    ensures \result == MXT_CF_MK_TRUST_FIRST;
  behavior confirmed:
    assumes signed_by_verified_device != 0 && first_master_key == 0 && user_confirmed != 0;
    ensures \result == MXT_CF_MK_TRUST_CONFIRMED;
  behavior ask:
    assumes signed_by_verified_device != 0 && first_master_key == 0 && user_confirmed == 0;
    ensures \result == MXT_CF_MK_ASK_USER;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_mk_action mxt_cf_master_from_device(bool signed_by_verified_device, bool first_master_key,
                                           bool user_confirmed);

/* BK-BETTER-010: the metadata sent with a backed-up key: is_verified = this device verified the
 * device the key came from; first_message_index = the session's first known index;
 * forwarded_count = the length of its forwarding_curve25519_key_chain. */
/*@
  assigns \nothing;
  ensures bkb010_metadata(\result, device_verified, first_known_index, chain_len);
*/
mxt_bk_rank mxt_cf_backup_metadata(bool device_verified, uint32_t first_known_index,
                                   uint32_t chain_len);

/* BK-BETTER-010: does metadata `sent` with a backed-up key describe the session? The first
 * field that does not is named. */
/*@
  requires \valid_read(sent);
  assigns \nothing;
  ensures \result == MXT_CF_MD_CORRECT
          <==> bkb010_metadata(*sent, device_verified, first_known_index, chain_len);
  behavior correct:
    assumes bkb010_metadata(*sent, device_verified, first_known_index, chain_len);
    ensures \result == MXT_CF_MD_CORRECT;
  behavior is_verified:
    assumes !((sent->is_verified != 0) <==> (device_verified != 0));
    ensures \result == MXT_CF_MD_IS_VERIFIED;
  behavior first_message_index:
    assumes (sent->is_verified != 0) <==> (device_verified != 0);
    assumes sent->first_message_index != first_known_index;
    ensures \result == MXT_CF_MD_FIRST_MESSAGE_INDEX;
  behavior forwarded_count:
    assumes (sent->is_verified != 0) <==> (device_verified != 0);
    assumes sent->first_message_index == first_known_index && sent->forwarded_count != chain_len;
    ensures \result == MXT_CF_MD_FORWARDED_COUNT;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_metadata_check mxt_cf_backup_metadata_check(const mxt_bk_rank *sent, bool device_verified,
                                                   uint32_t first_known_index, uint32_t chain_len);

/* BK-TRUST-009: what to do with the answer to PUT /room_keys/keys. */
/*@
  requires MXT_CF_ERR_NONE <= err <= MXT_CF_ERR_OTHER;
  assigns \nothing;
  ensures \result == bkt009_action(status, err, has_retry_after);
  behavior done:
    assumes status == 200;
    ensures \result == MXT_CF_UP_DONE;
  behavior wrong_version:
    assumes bkt009_wrong_version(status, err);
    ensures \result == MXT_CF_UP_REFETCH;
  behavior retry_after:
    assumes status == 429 && has_retry_after != 0;
    ensures \result == MXT_CF_UP_RETRY_AFTER;
  behavior backoff:
    assumes status == 429 && has_retry_after == 0;
    ensures \result == MXT_CF_UP_RETRY_BACKOFF;
  behavior fail:
    assumes status != 200 && status != 429 && !bkt009_wrong_version(status, err);
    ensures \result == MXT_CF_UP_FAIL;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_upload_action mxt_cf_upload_answer(uint32_t status, mxt_cf_errcode err,
                                          bool has_retry_after);

/* BK-TRUST-013: after fetching the backup again, must trust be decided again? `pv`/`pa`: the
 * version and canonical auth_data the last decision was made on (ignored when !had); `cv`/`ca`:
 * those just fetched. */
/*@
  requires pvn == 0 || \valid_read(pv + (0 .. pvn - 1));
  requires cvn == 0 || \valid_read(cv + (0 .. cvn - 1));
  requires pan == 0 || \valid_read(pa + (0 .. pan - 1));
  requires can == 0 || \valid_read(ca + (0 .. can - 1));
  assigns \nothing;
  ensures \result == MXT_CF_RC_UNCHANGED <==> bkt013_unchanged(had, pv, pvn, cv, cvn, pa, pan, ca, can);
  behavior first:
    assumes had == 0;
    ensures \result == MXT_CF_RC_FIRST_FETCH;
  behavior new_version:
    assumes had != 0 && !cf_bytes_eq(pv, pvn, cv, cvn);
    ensures \result == MXT_CF_RC_NEW_VERSION;
  behavior changed:
    assumes had != 0 && cf_bytes_eq(pv, pvn, cv, cvn) && !cf_bytes_eq(pa, pan, ca, can);
    ensures \result == MXT_CF_RC_AUTH_DATA_CHANGED;
  behavior unchanged:
    assumes had != 0 && cf_bytes_eq(pv, pvn, cv, cvn) && cf_bytes_eq(pa, pan, ca, can);
    ensures \result == MXT_CF_RC_UNCHANGED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_recheck mxt_cf_recheck_trust(bool had, const uint8_t *pv, size_t pvn, const uint8_t *cv,
                                    size_t cvn, const uint8_t *pa, size_t pan, const uint8_t *ca,
                                    size_t can);

/* BK-TRUST-014 / SD-001 / SD-007 / SD-017: how a session that reached the client is taken in. */
/*@
  requires \valid_read(a) && cf_arrival_ok(*a);
  assigns \nothing;
  ensures \result == cf_arrival(*a);
  behavior not_olm:                  // SD-001
    assumes (a->source == MXT_CF_SRC_ROOM_KEY || a->source == MXT_CF_SRC_KEY_BUNDLE)
         && a->over_olm == 0;
    ensures \result == MXT_CF_ARR_REJECT_NOT_OLM;
  behavior room_key:
    assumes a->source == MXT_CF_SRC_ROOM_KEY && a->over_olm != 0;
    ensures \result == MXT_CF_ARR_LOOKUP;
  behavior backup:                   // BK-TRUST-014: the private key suffices
    assumes a->source == MXT_CF_SRC_BACKUP && a->holds_backup_key != 0;
    ensures \result == MXT_CF_ARR_IMPORTED;
  behavior backup_no_key:
    assumes a->source == MXT_CF_SRC_BACKUP && a->holds_backup_key == 0;
    ensures \result == MXT_CF_ARR_REJECT_NO_KEY;
  behavior bundle:                   // SD-017
    assumes a->source == MXT_CF_SRC_KEY_BUNDLE && a->over_olm != 0 && a->has_forwarder != 0;
    ensures \result == MXT_CF_ARR_BUNDLE;
  behavior bundle_no_forwarder:
    assumes a->source == MXT_CF_SRC_KEY_BUNDLE && a->over_olm != 0 && a->has_forwarder == 0;
    ensures \result == MXT_CF_ARR_REJECT_NO_FORWARDER;
  behavior stored:
    assumes a->source == MXT_CF_SRC_STORE && a->has_sender_data != 0;
    ensures \result == MXT_CF_ARR_STORED;
  behavior stored_legacy:            // SD-007
    assumes a->source == MXT_CF_SRC_STORE && a->has_sender_data == 0;
    ensures \result == MXT_CF_ARR_STORED_LEGACY;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_arrival_action mxt_cf_arrival_decide(const mxt_cf_arrival *a);

/* BK-TRUST-015: the m.key_backup account data (`doc` NULL when there is none). Only an object
 * whose "enabled" member is a boolean counts. */
/*@
  requires doc == \null || mxt_doc_ok(doc);
  assigns \nothing;
  ensures MXT_CF_PREF_ENABLED <= \result <= MXT_CF_PREF_IGNORED;
  ensures doc == \null ==> \result == MXT_CF_PREF_IGNORED;
  ensures doc != \null && doc->tok[0].type != MXT_JSON_OBJECT ==> \result == MXT_CF_PREF_IGNORED;
  ensures \result == MXT_CF_PREF_ENABLED ==> \exists integer t; 0 < t < doc->count
          && doc->tok[t].parent == 0 && doc->tok[t].type == MXT_JSON_TRUE;
  ensures \result == MXT_CF_PREF_DISABLED ==> \exists integer t; 0 < t < doc->count
          && doc->tok[t].parent == 0 && doc->tok[t].type == MXT_JSON_FALSE;
*/
mxt_cf_backup_pref mxt_cf_backup_preference(const mxt_json_doc *doc);

/* BK-FMT-011: the m.megolm_backup.v1 secret's value, base64 (padded or not), to the 32-byte key. */
/*@
  requires n == 0 || \valid_read(in + (0 .. n - 1));
  requires \valid(key + (0 .. 31)) && \valid(where);
  requires \separated(key + (0 .. 31), where, in + (0 .. n - 1));
  assigns key[0 .. 31], where->offset;
  behavior ok:
    assumes b64_wellformed(in, n, \false) && b64_dec_len(b64_unpad(in, n)) == 32;
    ensures \result == MXT_CF_SECRET_OK && b64_decodes(key, 32, in);
  behavior length:
    assumes b64_wellformed(in, n, \false) && b64_dec_len(b64_unpad(in, n)) != 32;
    ensures \result == MXT_CF_SECRET_LENGTH;
  behavior base64:
    assumes !b64_wellformed(in, n, \false);
    ensures \result == MXT_CF_SECRET_BASE64 && where->offset < n;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_secret_problem mxt_cf_backup_secret(const char *in, size_t n, uint8_t *key,
                                           mxt_where *where);

/* SKB-001 (seed 001): is a received secret the backup signing key? `key_matches`: the public half
 * of its value is auth_data's signing_public_key. */
/*@
  requires n == 0 || \valid_read(name + (0 .. n - 1));
  assigns \nothing;
  behavior use:
    assumes cf_bytes_eq(name, n, &MXT_CF_SKB1_SECRET_NAME[0], 20) && key_matches != 0;
    ensures \result == MXT_CF_SKS_USE;
  behavior mismatch:
    assumes cf_bytes_eq(name, n, &MXT_CF_SKB1_SECRET_NAME[0], 20) && key_matches == 0;
    ensures \result == MXT_CF_SKS_KEY_MISMATCH;
  behavior wrong_name:
    assumes !cf_bytes_eq(name, n, &MXT_CF_SKB1_SECRET_NAME[0], 20);
    ensures \result == MXT_CF_SKS_WRONG_NAME;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_signing_secret mxt_cf_skb1_signing_secret(const uint8_t *name, size_t n, bool key_matches);

/* SKB-007 (seed 001): turning signed backup on for the current backup. */
/*@
  assigns \nothing;
  ensures has_signing_key != 0 <==> \result == MXT_CF_SKE_KEEP_VERSION;
  ensures has_signing_key == 0 <==> \result == MXT_CF_SKE_NEW_VERSION;
*/
mxt_cf_signing_enable mxt_cf_skb1_enable_signing(bool has_signing_key);

/* SD-014: the shield of a verification state (strict or lax display). */
/*@
  requires MXT_VS_VERIFIED <= state <= MXT_VS_MISMATCHED_SENDER;
  assigns \nothing;
  ensures \result.colour == sd014_colour(state, strict);
  ensures \result.message == sd014_message(state, strict);
*/
mxt_cf_shield mxt_cf_shield_for(mxt_verification_state state, bool strict);

/* SD-015 (MSC4153): does a device receive a room key? */
/*@
  assigns \nothing;
  ensures \result == sd015_recipient(has_identity_keys, cross_signed, exclude_insecure);
  behavior not_a_device:
    assumes has_identity_keys == 0;
    ensures \result == MXT_CF_RCPT_NOT_A_DEVICE;
  behavior withhold:
    assumes has_identity_keys != 0 && cross_signed == 0 && exclude_insecure != 0;
    ensures \result == MXT_CF_RCPT_WITHHOLD;
  behavior share:
    assumes has_identity_keys != 0 && (cross_signed != 0 || exclude_insecure == 0);
    ensures \result == MXT_CF_RCPT_SHARE;
  complete behaviors;
  disjoint behaviors;
*/
mxt_cf_recipient mxt_cf_room_key_recipient(bool has_identity_keys, bool cross_signed,
                                           bool exclude_insecure);

/* SD-018: is a session restored from backup shareable? Object `obj` is its decrypted
 * BackedUpSessionData: only a shared_history member that is true makes it so. */
/*@
  requires mxt_doc_ok(doc) && obj < doc->count;
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 ==> doc->tok[obj].type == MXT_JSON_OBJECT && \exists integer t;
          obj < t < doc->count && doc->tok[t].parent == obj && doc->tok[t].type == MXT_JSON_TRUE;
  ensures doc->tok[obj].type != MXT_JSON_OBJECT ==> \result == 0;
*/
int mxt_cf_restored_shareable(const mxt_json_doc *doc, uint32_t obj);

#endif
