/*
 * BK-BETTER: which of two keys for the same (version, room, session) the server keeps.
 * Source: spec "Server-side key backups" ("Storing keys": the three-step choice), MSC1219 (ties keep the
 * existing key). Rule IDs refer to spec/RULES.md (draft: research/rules-draft.md section 5).
 *
 * A key's rank is the triple (is_verified, first_message_index, forwarded_count). The rules are logic here;
 * core/bk_better.h proves a function against them. Synapse's any-field rule (element-hq/synapse#13704) is
 * written down too, under its own names, so the divergence is a statement that can be checked.
 */
#ifndef MXT_ACSL_BK_BETTER_H
#define MXT_ACSL_BK_BETTER_H

#include <stdbool.h>
#include <stdint.h>

/* The metadata the server compares (KeyBackupData minus session_data). */
typedef struct {
    bool     is_verified;
    uint32_t first_message_index;
    uint32_t forwarded_count;
} mxt_bk_rank;

/*@
  // Both keys carry the same is_verified value (compared as truth values).
  predicate mxt_bk_same_verified(mxt_bk_rank a, mxt_bk_rank b) =
    (a.is_verified != 0) <==> (b.is_verified != 0);

  // BK-BETTER-003: a tie. All three fields are equal, so neither key is better.
  predicate mxt_bk_same_rank(mxt_bk_rank a, mxt_bk_rank b) =
    mxt_bk_same_verified(a, b)
    && a.first_message_index == b.first_message_index
    && a.forwarded_count == b.forwarded_count;

  // BK-BETTER-002: key a is better than key b. Verified beats unverified; then the lower
  // first_message_index; then the lower forwarded_count. Lexicographic, each step only on equality.
  predicate mxt_bk_better(mxt_bk_rank a, mxt_bk_rank b) =
       (a.is_verified != 0 && b.is_verified == 0)
    || (mxt_bk_same_verified(a, b) && a.first_message_index < b.first_message_index)
    || (mxt_bk_same_verified(a, b) && a.first_message_index == b.first_message_index
        && a.forwarded_count < b.forwarded_count);

  // BK-BETTER-004: "better" is a strict order; the three laws together mean the kept key cannot
  // depend on arrival order (see the store model below).
  lemma mxt_bk_better_irreflexive: \forall mxt_bk_rank a; !mxt_bk_better(a, a);
  lemma mxt_bk_better_asymmetric:
    \forall mxt_bk_rank a, b; mxt_bk_better(a, b) ==> !mxt_bk_better(b, a);
  lemma mxt_bk_better_transitive:
    \forall mxt_bk_rank a, b, c; mxt_bk_better(a, b) && mxt_bk_better(b, c) ==> mxt_bk_better(a, c);
  // Any two keys are comparable: exactly one of better, worse, tie.
  lemma mxt_bk_better_trichotomy:
    \forall mxt_bk_rank a, b;
      mxt_bk_better(a, b) || mxt_bk_better(b, a) || mxt_bk_same_rank(a, b);
  lemma mxt_bk_tie_not_better:
    \forall mxt_bk_rank a, b; mxt_bk_same_rank(a, b) ==> !mxt_bk_better(a, b) && !mxt_bk_better(b, a);

  // BK-BETTER-005: an unverified key never beats a verified one, whatever its other fields.
  lemma mxt_bk_unverified_never_beats_verified:
    \forall mxt_bk_rank a, b; a.is_verified == 0 && b.is_verified != 0 ==> !mxt_bk_better(a, b);
  // BK-BETTER-006: with equal is_verified, a higher first_message_index never wins, even with a
  // lower forwarded_count.
  lemma mxt_bk_higher_index_never_wins:
    \forall mxt_bk_rank a, b; mxt_bk_same_verified(a, b)
      && a.first_message_index > b.first_message_index ==> !mxt_bk_better(a, b);

  // The store model (BK-BETTER-001/002/003/007): r is the key kept when `uploaded` arrives at a slot
  // holding `stored`. An empty slot stores the first upload (BK-BETTER-001), so "a then b" on an
  // empty slot keeps r with mxt_bk_keeps(a, b, r).
  predicate mxt_bk_keeps(mxt_bk_rank stored, mxt_bk_rank uploaded, mxt_bk_rank r) =
    (mxt_bk_better(uploaded, stored) ==> r == uploaded)
    && (!mxt_bk_better(uploaded, stored) ==> r == stored);

  // BK-BETTER-004, order independence. Two uploads a and b into an empty slot: the stored rank is
  // the same whichever arrives first, and when a and b do not tie, the stored key is the same key.
  lemma mxt_bk_two_uploads_same_rank:
    \forall mxt_bk_rank a, b, r_ab, r_ba;
      mxt_bk_keeps(a, b, r_ab) && mxt_bk_keeps(b, a, r_ba) ==> mxt_bk_same_rank(r_ab, r_ba);
  lemma mxt_bk_two_uploads_same_key:
    \forall mxt_bk_rank a, b, r_ab, r_ba;
      !mxt_bk_same_rank(a, b) && mxt_bk_keeps(a, b, r_ab) && mxt_bk_keeps(b, a, r_ba) ==> r_ab == r_ba;
  // The same over a key s already stored: s, then a, then b (t_a, then r_ab) against s, then b,
  // then a (t_b, then r_ba).
  lemma mxt_bk_two_uploads_over_stored_same_rank:
    \forall mxt_bk_rank s, a, b, t_a, t_b, r_ab, r_ba;
      mxt_bk_keeps(s, a, t_a) && mxt_bk_keeps(t_a, b, r_ab) &&
      mxt_bk_keeps(s, b, t_b) && mxt_bk_keeps(t_b, a, r_ba) ==> mxt_bk_same_rank(r_ab, r_ba);
  lemma mxt_bk_two_uploads_over_stored_same_key:
    \forall mxt_bk_rank s, a, b, t_a, t_b, r_ab, r_ba;
      !mxt_bk_same_rank(a, b) &&
      mxt_bk_keeps(s, a, t_a) && mxt_bk_keeps(t_a, b, r_ab) &&
      mxt_bk_keeps(s, b, t_b) && mxt_bk_keeps(t_b, a, r_ba) ==> r_ab == r_ba;
*/

/*@
  // DIVERGENCE (not the rule): Synapse's and Dendrite's replacement test, element-hq/synapse#13704.
  // The upload replaces the stored key when ANY field is better on its own.
  predicate mxt_bk_synapse_replaces(mxt_bk_rank stored, mxt_bk_rank uploaded) =
       (uploaded.is_verified != 0 && stored.is_verified == 0)
    || uploaded.first_message_index < stored.first_message_index
    || uploaded.forwarded_count < stored.forwarded_count;

  // The divergence: the two rules disagree on this (stored, uploaded) pair.
  predicate mxt_bk_synapse_diverges(mxt_bk_rank stored, mxt_bk_rank uploaded) =
    !(mxt_bk_synapse_replaces(stored, uploaded) <==> mxt_bk_better(uploaded, stored));

  // Synapse replaces whenever the spec does: the divergence is over-replacement only.
  lemma mxt_bk_synapse_over_replaces:
    \forall mxt_bk_rank s, u; mxt_bk_better(u, s) ==> mxt_bk_synapse_replaces(s, u);
  lemma mxt_bk_synapse_diverges_only_by_replacing:
    \forall mxt_bk_rank s, u; mxt_bk_synapse_diverges(s, u) ==>
      mxt_bk_synapse_replaces(s, u) && !mxt_bk_better(u, s);

  // Synapse's rule is not asymmetric: (F,9,6) and (F,10,5) each replace the other, so the stored key
  // flip-flops and depends on arrival order (TV-9).
  lemma mxt_bk_synapse_not_asymmetric_9_6_vs_10_5:
    \forall mxt_bk_rank a, b;
      a.is_verified == 0 && a.first_message_index == 9 && a.forwarded_count == 6 &&
      b.is_verified == 0 && b.first_message_index == 10 && b.forwarded_count == 5 ==>
        mxt_bk_synapse_replaces(a, b) && mxt_bk_synapse_replaces(b, a)
        && mxt_bk_better(a, b) && !mxt_bk_better(b, a);
  // Synapse lets an unverified key replace a verified one (TV-9 first row): (T,10,5) <- (F,9,4).
  lemma mxt_bk_synapse_unverified_replaces_verified:
    \forall mxt_bk_rank s, u;
      s.is_verified != 0 && s.first_message_index == 10 && s.forwarded_count == 5 &&
      u.is_verified == 0 && u.first_message_index == 9 && u.forwarded_count == 4 ==>
        mxt_bk_synapse_replaces(s, u) && !mxt_bk_better(u, s);
  // The slot after an upload under Synapse's rule.
  predicate mxt_bk_synapse_keeps(mxt_bk_rank stored, mxt_bk_rank uploaded, mxt_bk_rank r) =
    (mxt_bk_synapse_replaces(stored, uploaded) ==> r == uploaded)
    && (!mxt_bk_synapse_replaces(stored, uploaded) ==> r == stored);
  // So its final state depends on arrival order: into an empty slot, (F,9,6) then (F,10,5) stores
  // (F,10,5), the other order stores (F,9,6). Contrast mxt_bk_two_uploads_same_key.
  lemma mxt_bk_synapse_order_dependent:
    \forall mxt_bk_rank a, b, r_ab, r_ba;
      a.is_verified == 0 && a.first_message_index == 9 && a.forwarded_count == 6 &&
      b.is_verified == 0 && b.first_message_index == 10 && b.forwarded_count == 5 &&
      mxt_bk_synapse_keeps(a, b, r_ab) && mxt_bk_synapse_keeps(b, a, r_ba) ==>
        r_ab == b && r_ba == a && r_ab != r_ba;
*/

#endif
