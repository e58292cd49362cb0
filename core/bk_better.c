/*
 * mxtrust core: better-key decision (BK-BETTER). Contracts and rule text: bk_better.h,
 * spec/acsl/bk_better.h.
 */
#include "bk_better.h"

/*@
  assigns \nothing;
  ensures \result.action == action && \result.reason == reason;
*/
static mxt_bk_decision make_decision(mxt_bk_action action, mxt_bk_reason reason)
{
    mxt_bk_decision d;
    d.action = action;
    d.reason = reason;
    return d;
}

mxt_bk_decision mxt_bk_decide(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded)
{
    if (stored == NULL)
        return make_decision(MXT_BK_STORE, MXT_BKR_NO_STORED_KEY);
    if (uploaded->is_verified && !stored->is_verified)
        return make_decision(MXT_BK_REPLACE, MXT_BKR_VERIFIED_WINS);
    if (!uploaded->is_verified && stored->is_verified)
        return make_decision(MXT_BK_KEEP, MXT_BKR_UNVERIFIED_LOSES);
    if (uploaded->first_message_index < stored->first_message_index)
        return make_decision(MXT_BK_REPLACE, MXT_BKR_LOWER_INDEX_WINS);
    if (uploaded->first_message_index > stored->first_message_index)
        return make_decision(MXT_BK_KEEP, MXT_BKR_HIGHER_INDEX_LOSES);
    if (uploaded->forwarded_count < stored->forwarded_count)
        return make_decision(MXT_BK_REPLACE, MXT_BKR_LOWER_FORWARD_COUNT_WINS);
    if (uploaded->forwarded_count > stored->forwarded_count)
        return make_decision(MXT_BK_KEEP, MXT_BKR_HIGHER_FORWARD_COUNT_LOSES);
    return make_decision(MXT_BK_KEEP, MXT_BKR_TIE_KEEPS_STORED);
}

bool mxt_bk_apply(mxt_bk_rank *slot, bool has_stored, const mxt_bk_rank *uploaded)
{
    mxt_bk_decision d = mxt_bk_decide(has_stored ? slot : NULL, uploaded);
    if (d.action == MXT_BK_KEEP)
        return false;
    *slot = *uploaded;
    return true;
}

void mxt_bk_decide_batch(const mxt_bk_entry *entries, size_t n, mxt_bk_decision *out)
{
    /*@
      loop invariant 0 <= i <= n;
      loop invariant \forall integer j; 0 <= j < i ==>
        mxt_bk_decision_ok(entries[j].has_stored, entries[j].stored, entries[j].uploaded, out[j]);
      loop assigns i, out[0 .. n - 1];
      loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        out[i] = mxt_bk_decide(entries[i].has_stored ? &entries[i].stored : NULL, &entries[i].uploaded);
}

mxt_bk_decision mxt_bk_synapse_decide(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded)
{
    if (stored == NULL)
        return make_decision(MXT_BK_STORE, MXT_BKR_NO_STORED_KEY);
    if ((uploaded->is_verified && !stored->is_verified)
        || uploaded->first_message_index < stored->first_message_index
        || uploaded->forwarded_count < stored->forwarded_count)
        return make_decision(MXT_BK_REPLACE, MXT_BKR_SYNAPSE_ANY_FIELD);
    return make_decision(MXT_BK_KEEP, MXT_BKR_SYNAPSE_NO_FIELD);
}

bool mxt_bk_is_synapse_divergence(const mxt_bk_rank *stored, const mxt_bk_rank *uploaded)
{
    mxt_bk_decision spec = mxt_bk_decide(stored, uploaded);
    mxt_bk_decision syn = mxt_bk_synapse_decide(stored, uploaded);
    return spec.action != syn.action;
}
