/*
 * fuzz_bk_better: the server's better-key choice (core/bk_better.c, BK-BETTER-001..009) on
 * random triples of ranks (small values are favoured so ties and near-ties are common).
 *  - mxt_bk_decide agrees with the plain rule (oracle_rules.c obb_better) and names the step;
 *  - order laws of "better" (spec/acsl/bk_better.h): irreflexive, asymmetric, transitive,
 *    trichotomy (better, worse, or a tie of all three fields), ties never better;
 *  - the store model: two uploads into an empty slot, or over a stored key, leave the same rank
 *    whichever arrives first, and the same key when they do not tie (BK-BETTER-004);
 *  - a batch decides each entry alone (BK-BETTER-009);
 *  - Synapse's profile agrees with its own re-statement, and only ever over-replaces.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"

static mxt_bk_rank rank(fz_bytes *b)
{
    mxt_bk_rank r;
    memset(&r, 0, sizeof r);
    r.is_verified = (fz_u8(b) & 1u) != 0;
    r.first_message_index = fz_u32_small(b);
    r.forwarded_count = fz_u32_small(b);
    return r;
}

static bool same_rank(const mxt_bk_rank *a, const mxt_bk_rank *b)
{
    return a->is_verified == b->is_verified && a->first_message_index == b->first_message_index
        && a->forwarded_count == b->forwarded_count;
}

static void check_decide(const mxt_bk_rank *stored, const mxt_bk_rank *up)
{
    mxt_bk_decision d = mxt_bk_decide(stored, up);
    if (stored == NULL) {
        ORACLE(d.action == MXT_BK_STORE && d.reason == MXT_BKR_NO_STORED_KEY, "empty slot");
        return;
    }
    bool better = obb_better(up, stored);
    ORACLE(d.action == (better ? MXT_BK_REPLACE : MXT_BK_KEEP), "action %d, rule says %s",
           (int)d.action, better ? "replace" : "keep");
    mxt_bk_reason want;
    if (up->is_verified != stored->is_verified)
        want = up->is_verified ? MXT_BKR_VERIFIED_WINS : MXT_BKR_UNVERIFIED_LOSES;
    else if (up->first_message_index != stored->first_message_index)
        want = up->first_message_index < stored->first_message_index ? MXT_BKR_LOWER_INDEX_WINS
                                                                     : MXT_BKR_HIGHER_INDEX_LOSES;
    else if (up->forwarded_count != stored->forwarded_count)
        want = up->forwarded_count < stored->forwarded_count ? MXT_BKR_LOWER_FORWARD_COUNT_WINS
                                                             : MXT_BKR_HIGHER_FORWARD_COUNT_LOSES;
    else
        want = MXT_BKR_TIE_KEEPS_STORED;
    ORACLE(d.reason == want, "reason %d, expected %d", (int)d.reason, (int)want);

    mxt_bk_decision sy = mxt_bk_synapse_decide(stored, up);
    bool sr = obb_synapse_replaces(stored, up);
    ORACLE(sy.action == (sr ? MXT_BK_REPLACE : MXT_BK_KEEP), "synapse action");
    ORACLE(sy.reason == (sr ? MXT_BKR_SYNAPSE_ANY_FIELD : MXT_BKR_SYNAPSE_NO_FIELD), "synapse reason");
    ORACLE(!better || sr, "the spec replaces but Synapse keeps");
    ORACLE(mxt_bk_is_synapse_divergence(stored, up) == (sr != better), "divergence flag");
}

/* the slot after uploading `up` onto `slot` (has: whether a key is stored) */
static mxt_bk_rank apply(mxt_bk_rank slot, bool has, const mxt_bk_rank *up)
{
    mxt_bk_rank before = slot;
    bool took = mxt_bk_apply(&slot, has, up);
    bool want = !has || obb_better(up, &before);
    ORACLE(took == want, "apply result");
    ORACLE(memcmp(&slot, want ? up : &before, sizeof slot) == 0 || same_rank(&slot, want ? up : &before),
           "apply stored the wrong key");
    return slot;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_bytes b = { data, size, 0 };
    mxt_bk_rank a = rank(&b), c = rank(&b), s = rank(&b);
    const mxt_bk_rank *r[3] = { &a, &c, &s };

    for (int i = 0; i < 3; i++) {
        check_decide(NULL, r[i]);
        ORACLE(!obb_better(r[i], r[i]), "oracle irreflexive");
        for (int j = 0; j < 3; j++) {
            check_decide(r[i], r[j]);
            bool ij = obb_better(r[i], r[j]), ji = obb_better(r[j], r[i]);
            ORACLE(!(ij && ji), "asymmetry");
            ORACLE(ij || ji || same_rank(r[i], r[j]), "trichotomy");
            if (same_rank(r[i], r[j])) ORACLE(!ij && !ji, "a tie is never better");
            for (int k = 0; k < 3; k++)
                if (ij && obb_better(r[j], r[k])) ORACLE(obb_better(r[i], r[k]), "transitivity");
        }
    }
    /* order independence: into an empty slot, then over a stored key s */
    mxt_bk_rank z;
    memset(&z, 0, sizeof z);
    mxt_bk_rank ab = apply(apply(z, false, &a), true, &c);
    mxt_bk_rank ba = apply(apply(z, false, &c), true, &a);
    ORACLE(same_rank(&ab, &ba), "two uploads: the rank depends on arrival order");
    if (!same_rank(&a, &c)) ORACLE(memcmp(&ab, &ba, sizeof ab) == 0, "two uploads: different keys");
    mxt_bk_rank sab = apply(apply(s, true, &a), true, &c);
    mxt_bk_rank sba = apply(apply(s, true, &c), true, &a);
    ORACLE(same_rank(&sab, &sba), "over a stored key: the rank depends on arrival order");

    /* batch: each entry alone */
    mxt_bk_entry e[6];
    mxt_bk_decision out[6];
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            e[n].has_stored = ((fz_u8(&b) >> j) & 1u) != 0;
            e[n].stored = *r[i];
            e[n].uploaded = *r[(i + j + 1) % 3];
            n++;
        }
    mxt_bk_decide_batch(e, n, out);
    for (size_t i = 0; i < n; i++) {
        mxt_bk_decision one = mxt_bk_decide(e[i].has_stored ? &e[i].stored : NULL, &e[i].uploaded);
        ORACLE(out[i].action == one.action && out[i].reason == one.reason, "batch entry %zu", i);
    }
    return 0;
}
