/*
 * Oracles for the fuzz harnesses: each rule re-stated plainly, written apart from the core (and
 * without looking at how the core computes it), so that a harness can compare the two.
 * See fuzz/ORACLES.md for what each oracle checks and where the core is meant to differ from cJSON.
 */
#ifndef MXT_FUZZ_ORACLE_H
#define MXT_FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "bk_better.h"
#include "bk_trust.h"
#include "sd.h"
#include "xs_key.h"
#include "xs_trust.h"
#include "bk_fmt.h"
#include "skb.h"

/* ---- oracle_b64.c: unpadded base64 (SIG-006) ---- */
/* 0: decoded into out[0..*out_len); -1: not base64; -2: does not fit cap. */
int ob64_decode(const uint8_t *in, size_t n, int strict, uint8_t *out, size_t cap, size_t *out_len);
size_t ob64_encode(const uint8_t *in, size_t n, char *out);   /* out: 4*ceil(n/3) bytes suffice */

/* ---- oracle_json.c: the "both readers are meant to accept" class and a canonical printer ---- */
typedef struct {
    bool clean;            /* nothing the core rejects by design (see ORACLES.md) */
    bool nul_escape;       /* a \u0000 escape (cJSON cuts strings there) */
    const char *why;       /* first reason the input is not clean */
} oj_scan;
oj_scan oj_prescan(const uint8_t *in, size_t n, unsigned max_depth);
bool oj_utf8_valid(const uint8_t *s, size_t n);
cJSON *oj_cjson_parse(const uint8_t *in, size_t n);
bool oj_has_duplicate_keys(const cJSON *v);
/* Canonical JSON of a cJSON tree; *len receives its length. malloc'd, NUL-terminated. */
char *oj_canon(const cJSON *v, size_t *len);

/* ---- oracle_rk.c: recovery key (BK-FMT-009/010) with schoolbook base58 ---- */
/* Returns the status mxt_rk_decode should give; raw receives the decoded bytes when 35 long. */
int ork_decode(const char *in, size_t n, uint8_t raw[35], size_t *bad_offset);
void ork_encode(const uint8_t key[32], int display, char *out, size_t *out_len);

/* ---- oracle_rules.c: the decision rules over facts ---- */
bool obb_better(const mxt_bk_rank *a, const mxt_bk_rank *b);             /* BK-BETTER-002 */
bool obb_synapse_replaces(const mxt_bk_rank *stored, const mxt_bk_rank *up);

mxt_xsk_reason oxs_reason(const mxt_xs_key_facts *f);
mxt_xsk_reason oxs_check_cjson(const cJSON *key, const char *user, size_t user_len,
                               mxt_xs_role role);
mxt_xs_chain_result oxs_own(const mxt_xs_own_chain *c);
mxt_xs_chain_result oxs_other(const mxt_xs_other_chain *c);
int oxs_identity_verified(const mxt_xs_other_chain *c);
mxt_xs_identity_level oxs_level(const mxt_xs_identity_facts *f);

bool obt_trusted(const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n);
mxt_bkt_reason obt_reason(const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n);
bool obt_profile(mxt_bkt_profile p, const mxt_bkt_facts *f, const mxt_bkt_signature *s, size_t n);
bool obc_may_create(mxt_bkc_profile p, bool holds_master);
mxt_bkc_check_reason obc_check(mxt_bkc_profile p, const mxt_bkt_signature *s, size_t n);

int osd_trust(uint8_t kind);
mxt_sd_action osd_classify(const mxt_sd_reception *r, mxt_sender_data *out);
bool osd_replace(const mxt_sender_data *stored, const mxt_sender_data *fresh);
mxt_verification_state osd_state(const mxt_sender_data *s, int imported, int sender_matches);
bool osd_shows(mxt_sd_policy p, const mxt_sender_data *s);
bool osd_event_allowed(mxt_sd_policy p, mxt_verification_state v, int legacy);
mxt_merge_result osd_merge(mxt_ratchet_cmp r, const mxt_sender_data *o, const mxt_sender_data *f);

/* SKB (MSC4048): seed 001 and final profiles */
void oskb1(const mxt_skb1_facts *f, mxt_skb1_decision *d);
mxt_skb_source oskb_source(mxt_skb_unauth_field u);
void oskb2(const mxt_skb2_facts *f, mxt_skb2_decision *d);

/* BK-FMT-003 on a cJSON tree: the member and problem mxt_bkf_session_data reports. */
mxt_bkf_result obf_session_data(const cJSON *v);
/* BK-FMT-013, -001, -006/007 on a cJSON tree */
mxt_bkf_result obf_algorithm(const cJSON *v);
mxt_bkf_result obf_auth_data(const cJSON *v);
mxt_bkf_result obf_session_plain(const cJSON *v);

#endif
