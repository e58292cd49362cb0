/*
 * mxtrust core: the server's better-key choice (BK-BETTER-001..007, 009), proven against
 * spec/acsl/bk_better.h.
 *
 * mxt_bk_decide() is the spec rule: for one (version, room, session) slot, store the upload when the
 * slot is empty, replace the stored key only when the upload is better, keep it otherwise (ties keep the
 * stored key). mxt_bk_synapse_decide() is NOT the rule: it is Synapse's any-field test
 * (element-hq/synapse#13704), kept so divergence vectors can be generated from a proven statement of it.
 */
#ifndef MXT_BK_BETTER_H
#define MXT_BK_BETTER_H

#include <stddef.h>
#include "../spec/acsl/bk_better.h"

typedef enum {
    MXT_BK_STORE = 0,   /* the slot was empty: store the upload (BK-BETTER-001) */
    MXT_BK_REPLACE = 1, /* the upload is better: it replaces the stored key (BK-BETTER-002) */
    MXT_BK_KEEP = 2     /* the upload is not better: the stored key and count stay (BK-BETTER-007) */
} mxt_bk_action;

/* The step of the rule that decided. */
typedef enum {
    MXT_BKR_NO_STORED_KEY = 0,       /* STORE   BK-BETTER-001 */
    MXT_BKR_VERIFIED_WINS,           /* REPLACE uploaded verified, stored not (BK-BETTER-002) */
    MXT_BKR_UNVERIFIED_LOSES,        /* KEEP    stored verified, uploaded not (BK-BETTER-005) */
    MXT_BKR_LOWER_INDEX_WINS,        /* REPLACE same is_verified, lower first_message_index */
    MXT_BKR_HIGHER_INDEX_LOSES,      /* KEEP    same is_verified, higher first_message_index (BK-BETTER-006) */
    MXT_BKR_LOWER_FORWARD_COUNT_WINS,/* REPLACE first two equal, lower forwarded_count */
    MXT_BKR_HIGHER_FORWARD_COUNT_LOSES, /* KEEP  first two equal, higher forwarded_count */
    MXT_BKR_TIE_KEEPS_STORED,        /* KEEP    all three equal (BK-BETTER-003) */
    MXT_BKR_SYNAPSE_ANY_FIELD,       /* REPLACE divergent profile only: some field better on its own */
    MXT_BKR_SYNAPSE_NO_FIELD         /* KEEP    divergent profile only: no field better on its own */
} mxt_bk_reason;

typedef struct {
    mxt_bk_action action;
    mxt_bk_reason reason;
} mxt_bk_decision;

/* One entry of a batch upload (BK-BETTER-009): the slot's current key, if any, and the upload. */
typedef struct {
    bool        has_stored;
    mxt_bk_rank stored;
    mxt_bk_rank uploaded;
} mxt_bk_entry;

/*@
  // The decision the rule gives for one slot, as logic (used by the batch contract).
  predicate mxt_bk_decision_ok(integer has_stored, mxt_bk_rank stored, mxt_bk_rank uploaded,
                               mxt_bk_decision d) =
    (has_stored == 0 ==> d.action == MXT_BK_STORE && d.reason == MXT_BKR_NO_STORED_KEY)
    && (has_stored != 0 && mxt_bk_better(uploaded, stored) ==> d.action == MXT_BK_REPLACE)
    && (has_stored != 0 && !mxt_bk_better(uploaded, stored) ==> d.action == MXT_BK_KEEP);
*/

/*
 * Decides one slot. `stored` is NULL when no key is stored for the session.
 */
/*@
  requires stored == \null || \valid_read(stored);
  requires \valid_read(uploaded);
  assigns \nothing;
  ensures \result.action == MXT_BK_REPLACE <==> stored != \null && mxt_bk_better(*uploaded, *stored);
  ensures \result.action == MXT_BK_KEEP <==> stored != \null && !mxt_bk_better(*uploaded, *stored);
  ensures \result.action == MXT_BK_STORE <==> stored == \null;

  behavior no_stored_key:                         // BK-BETTER-001
    assumes stored == \null;
    ensures \result.action == MXT_BK_STORE && \result.reason == MXT_BKR_NO_STORED_KEY;
  behavior verified_wins:                         // BK-BETTER-002, first step
    assumes stored != \null;
    assumes uploaded->is_verified != 0 && stored->is_verified == 0;
    ensures \result.action == MXT_BK_REPLACE && \result.reason == MXT_BKR_VERIFIED_WINS;
  behavior unverified_loses:                      // BK-BETTER-005
    assumes stored != \null;
    assumes uploaded->is_verified == 0 && stored->is_verified != 0;
    ensures \result.action == MXT_BK_KEEP && \result.reason == MXT_BKR_UNVERIFIED_LOSES;
  behavior lower_index_wins:                      // BK-BETTER-002, second step
    assumes stored != \null && mxt_bk_same_verified(*uploaded, *stored);
    assumes uploaded->first_message_index < stored->first_message_index;
    ensures \result.action == MXT_BK_REPLACE && \result.reason == MXT_BKR_LOWER_INDEX_WINS;
  behavior higher_index_loses:                    // BK-BETTER-006
    assumes stored != \null && mxt_bk_same_verified(*uploaded, *stored);
    assumes uploaded->first_message_index > stored->first_message_index;
    ensures \result.action == MXT_BK_KEEP && \result.reason == MXT_BKR_HIGHER_INDEX_LOSES;
  behavior lower_forward_count_wins:              // BK-BETTER-002, third step
    assumes stored != \null && mxt_bk_same_verified(*uploaded, *stored);
    assumes uploaded->first_message_index == stored->first_message_index;
    assumes uploaded->forwarded_count < stored->forwarded_count;
    ensures \result.action == MXT_BK_REPLACE && \result.reason == MXT_BKR_LOWER_FORWARD_COUNT_WINS;
  behavior higher_forward_count_loses:            // BK-BETTER-002, third step
    assumes stored != \null && mxt_bk_same_verified(*uploaded, *stored);
    assumes uploaded->first_message_index == stored->first_message_index;
    assumes uploaded->forwarded_count > stored->forwarded_count;
    ensures \result.action == MXT_BK_KEEP && \result.reason == MXT_BKR_HIGHER_FORWARD_COUNT_LOSES;
  behavior tie_keeps_stored:                      // BK-BETTER-003
    assumes stored != \null && mxt_bk_same_rank(*uploaded, *stored);
    ensures \result.action == MXT_BK_KEEP && \result.reason == MXT_BKR_TIE_KEEPS_STORED;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bk_decision mxt_bk_decide(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded);

/*
 * BK-BETTER-001/004/007 as one step of the store: writes to *slot the key the slot holds after the
 * upload (*slot is the stored key when has_stored, ignored otherwise). Applying it twice in either
 * order leaves keys of the same rank (lemmas mxt_bk_two_uploads_*).
 */
/*@
  requires \valid(slot) && \valid_read(uploaded) && \separated(slot, uploaded);
  assigns *slot;
  ensures has_stored ==> mxt_bk_keeps(\old(*slot), *uploaded, *slot);
  ensures !has_stored ==> *slot == *uploaded;
  ensures \result == 1 <==> !has_stored || mxt_bk_better(*uploaded, \old(*slot));
*/
bool mxt_bk_apply(mxt_bk_rank *slot, bool has_stored, const mxt_bk_rank *uploaded);

/*
 * BK-BETTER-009: decides each entry of a batch on its own; out[i] depends on entries[i] only, and one
 * KEEP never affects another entry.
 */
/*@
  requires n <= 0x7fffffff;
  requires \valid_read(entries + (0 .. n - 1));
  requires \valid(out + (0 .. n - 1));
  requires \separated(entries + (0 .. n - 1), out + (0 .. n - 1));
  assigns out[0 .. n - 1];
  ensures \forall integer i; 0 <= i < n ==>
    mxt_bk_decision_ok(entries[i].has_stored, entries[i].stored, entries[i].uploaded, out[i]);
*/
void mxt_bk_decide_batch(const mxt_bk_entry *entries, size_t n, mxt_bk_decision *out);

/*
 * DIVERGENCE PROFILE (not the rule): Synapse/Dendrite's replacement test (element-hq/synapse#13704).
 * Same inputs and actions as mxt_bk_decide; REPLACE when any field is better on its own.
 */
/*@
  requires stored == \null || \valid_read(stored);
  requires \valid_read(uploaded);
  assigns \nothing;
  behavior no_stored_key:
    assumes stored == \null;
    ensures \result.action == MXT_BK_STORE && \result.reason == MXT_BKR_NO_STORED_KEY;
  behavior any_field_better:
    assumes stored != \null && mxt_bk_synapse_replaces(*stored, *uploaded);
    ensures \result.action == MXT_BK_REPLACE && \result.reason == MXT_BKR_SYNAPSE_ANY_FIELD;
  behavior no_field_better:
    assumes stored != \null && !mxt_bk_synapse_replaces(*stored, *uploaded);
    ensures \result.action == MXT_BK_KEEP && \result.reason == MXT_BKR_SYNAPSE_NO_FIELD;
  complete behaviors;
  disjoint behaviors;
*/
mxt_bk_decision mxt_bk_synapse_decide(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded);

/*
 * True when the spec rule and Synapse's rule disagree on (stored, uploaded): a divergence vector.
 * By lemma mxt_bk_synapse_diverges_only_by_replacing, such a pair is always "Synapse replaces, spec keeps".
 */
/*@
  requires \valid_read(stored) && \valid_read(uploaded);
  assigns \nothing;
  ensures \result == 1 <==> mxt_bk_synapse_diverges(*stored, *uploaded);
*/
bool mxt_bk_is_synapse_divergence(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded);

#endif
