/*
 * Tests for core/bk_better.c (BK-BETTER-001..009): the TV-9 tables, an exhaustive comparison against an
 * oracle written differently from the core (rank as one integer, lower is better), order independence,
 * and the Synapse divergence profile.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include "bk_better.h"

static mxt_bk_rank R(bool v, uint32_t fmi, uint32_t fc)
{
    mxt_bk_rank r = { v, fmi, fc };
    return r;
}

/* Oracle: the spec's rank (is_verified ? 0 : 1, fmi, fc) packed into one integer; lower is better. */
static uint64_t oracle_rank(mxt_bk_rank k)
{
    return ((uint64_t)(k.is_verified ? 0u : 1u) << 40) | ((uint64_t)k.first_message_index << 20)
           | (uint64_t)k.forwarded_count;
}

static bool oracle_replaces(mxt_bk_rank stored, mxt_bk_rank uploaded)
{
    return oracle_rank(uploaded) < oracle_rank(stored);
}

/* Synapse's rule, written independently (any field). */
static bool oracle_synapse(mxt_bk_rank s, mxt_bk_rank u)
{
    if (u.first_message_index < s.first_message_index) return true;
    if (u.forwarded_count < s.forwarded_count) return true;
    return u.is_verified && !s.is_verified;
}

static bool same(mxt_bk_rank a, mxt_bk_rank b)
{
    return a.is_verified == b.is_verified && a.first_message_index == b.first_message_index
           && a.forwarded_count == b.forwarded_count;
}

#define T true
#define F false

struct pair { mxt_bk_rank old, neu; };

/* TV-9: spec keeps, Synapse/Dendrite replace. */
static const struct pair tv9_keep_diverge[] = {
    { { T, 10, 5 }, { F, 9, 4 } },  { { T, 10, 5 }, { F, 9, 5 } },  { { T, 10, 5 }, { F, 9, 6 } },
    { { T, 10, 5 }, { F, 10, 4 } }, { { T, 10, 5 }, { F, 11, 4 } }, { { T, 10, 5 }, { T, 11, 4 } },
    { { F, 10, 5 }, { F, 11, 4 } },
};
/* TV-9: spec replaces, Synapse agrees. */
static const struct pair tv9_replace[] = {
    { { F, 10, 5 }, { T, 11, 6 } }, { { F, 10, 5 }, { F, 9, 6 } }, { { F, 10, 5 }, { F, 10, 4 } },
};

Test(bk_better, tv9_spec_keeps_synapse_replaces)
{
    for (size_t i = 0; i < sizeof tv9_keep_diverge / sizeof tv9_keep_diverge[0]; i++) {
        const struct pair *p = &tv9_keep_diverge[i];
        mxt_bk_decision d = mxt_bk_decide(&p->old, &p->neu);
        cr_expect_eq(d.action, MXT_BK_KEEP, "row %zu: spec must keep", i);
        mxt_bk_decision s = mxt_bk_synapse_decide(&p->old, &p->neu);
        cr_expect_eq(s.action, MXT_BK_REPLACE, "row %zu: Synapse replaces", i);
        cr_expect_eq(s.reason, MXT_BKR_SYNAPSE_ANY_FIELD);
        cr_expect(mxt_bk_is_synapse_divergence(&p->old, &p->neu), "row %zu is a divergence", i);
    }
}

Test(bk_better, tv9_replace_rows)
{
    static const mxt_bk_reason why[] = { MXT_BKR_VERIFIED_WINS, MXT_BKR_LOWER_INDEX_WINS,
                                         MXT_BKR_LOWER_FORWARD_COUNT_WINS };
    for (size_t i = 0; i < sizeof tv9_replace / sizeof tv9_replace[0]; i++) {
        const struct pair *p = &tv9_replace[i];
        mxt_bk_decision d = mxt_bk_decide(&p->old, &p->neu);
        cr_expect_eq(d.action, MXT_BK_REPLACE, "row %zu", i);
        cr_expect_eq(d.reason, why[i], "row %zu reason", i);
        cr_expect_eq(mxt_bk_synapse_decide(&p->old, &p->neu).action, MXT_BK_REPLACE);
        cr_expect(!mxt_bk_is_synapse_divergence(&p->old, &p->neu));
    }
}

Test(bk_better, tv9_tie_keeps_stored)
{
    mxt_bk_rank a = R(F, 10, 5), b = R(F, 10, 5);
    mxt_bk_decision d = mxt_bk_decide(&a, &b);
    cr_expect_eq(d.action, MXT_BK_KEEP);
    cr_expect_eq(d.reason, MXT_BKR_TIE_KEEPS_STORED);
    cr_expect_eq(mxt_bk_synapse_decide(&a, &b).action, MXT_BK_KEEP);
}

Test(bk_better, tv9_synapse_flip_flop)
{
    mxt_bk_rank a = R(F, 9, 6), b = R(F, 10, 5);
    /* Synapse: each replaces the other. */
    cr_expect_eq(mxt_bk_synapse_decide(&a, &b).action, MXT_BK_REPLACE);
    cr_expect_eq(mxt_bk_synapse_decide(&b, &a).action, MXT_BK_REPLACE);
    /* Spec: (F,9,6) is better, whichever order. */
    cr_expect_eq(mxt_bk_decide(&a, &b).action, MXT_BK_KEEP);
    cr_expect_eq(mxt_bk_decide(&a, &b).reason, MXT_BKR_HIGHER_INDEX_LOSES);
    cr_expect_eq(mxt_bk_decide(&b, &a).action, MXT_BK_REPLACE);
    mxt_bk_rank slot1 = a, slot2 = b;
    mxt_bk_apply(&slot1, true, &b);
    mxt_bk_apply(&slot2, true, &a);
    cr_expect(same(slot1, slot2) && same(slot1, a), "spec: (F,9,6) stays in both orders");
}

Test(bk_better, no_stored_key_stores)
{
    mxt_bk_rank u = R(F, 3, 2);
    mxt_bk_decision d = mxt_bk_decide(NULL, &u);
    cr_expect_eq(d.action, MXT_BK_STORE);
    cr_expect_eq(d.reason, MXT_BKR_NO_STORED_KEY);
    mxt_bk_rank slot = R(T, 0, 0); /* garbage: ignored when !has_stored */
    cr_expect(mxt_bk_apply(&slot, false, &u));
    cr_expect(same(slot, u));
    cr_expect_eq(mxt_bk_synapse_decide(NULL, &u).action, MXT_BK_STORE);
}

/* Every pair over a small grid, both verification values: against the oracle, plus the order laws. */
#define N 4
Test(bk_better, exhaustive_against_oracle)
{
    mxt_bk_rank all[2 * N * N];
    size_t k = 0;
    for (int v = 0; v < 2; v++)
        for (uint32_t i = 0; i < N; i++)
            for (uint32_t c = 0; c < N; c++)
                all[k++] = R(v == 1, i, c);
    size_t diverging = 0;
    for (size_t x = 0; x < k; x++) {
        for (size_t y = 0; y < k; y++) {
            mxt_bk_rank s = all[x], u = all[y];
            mxt_bk_decision d = mxt_bk_decide(&s, &u);
            bool rep = oracle_replaces(s, u);
            cr_assert_eq(d.action, rep ? MXT_BK_REPLACE : MXT_BK_KEEP, "pair %zu,%zu", x, y);
            /* asymmetry and irreflexivity as observed through the function */
            if (rep) cr_assert_eq(mxt_bk_decide(&u, &s).action, MXT_BK_KEEP);
            if (x == y) cr_assert_eq(d.reason, MXT_BKR_TIE_KEEPS_STORED);
            /* order independence from an empty slot: a then b versus b then a */
            mxt_bk_rank ab = s, ba = u;
            mxt_bk_apply(&ab, true, &u);
            mxt_bk_apply(&ba, true, &s);
            cr_assert(same(ab, ba), "order matters for %zu,%zu", x, y);
            /* Synapse profile and divergence flag */
            bool syn = oracle_synapse(s, u);
            cr_assert_eq(mxt_bk_synapse_decide(&s, &u).action, syn ? MXT_BK_REPLACE : MXT_BK_KEEP);
            cr_assert_eq(mxt_bk_is_synapse_divergence(&s, &u), syn != rep);
            if (syn != rep) {
                cr_assert(syn && !rep, "divergence is always over-replacement");
                diverging++;
            }
            /* transitivity, checked on triples */
            for (size_t z = 0; z < k; z++) {
                mxt_bk_rank t = all[z];
                if (mxt_bk_decide(&s, &u).action == MXT_BK_REPLACE
                    && mxt_bk_decide(&u, &t).action == MXT_BK_REPLACE)
                    cr_assert_eq(mxt_bk_decide(&s, &t).action, MXT_BK_REPLACE);
                /* three keys over a stored one, two orders: same final rank */
                mxt_bk_rank o1 = t, o2 = t;
                mxt_bk_apply(&o1, true, &s); mxt_bk_apply(&o1, true, &u);
                mxt_bk_apply(&o2, true, &u); mxt_bk_apply(&o2, true, &s);
                cr_assert(same(o1, o2));
            }
        }
    }
    cr_expect_gt(diverging, 0);
}

Test(bk_better, reasons_per_step)
{
    mxt_bk_rank s = R(F, 5, 5);
    mxt_bk_rank up[] = { R(T, 9, 9), R(F, 4, 9), R(F, 5, 4), R(F, 6, 0), R(F, 5, 6) };
    mxt_bk_reason want[] = { MXT_BKR_VERIFIED_WINS, MXT_BKR_LOWER_INDEX_WINS, MXT_BKR_LOWER_FORWARD_COUNT_WINS,
                             MXT_BKR_HIGHER_INDEX_LOSES, MXT_BKR_HIGHER_FORWARD_COUNT_LOSES };
    for (size_t i = 0; i < 5; i++)
        cr_expect_eq(mxt_bk_decide(&s, &up[i]).reason, want[i], "case %zu", i);
    mxt_bk_rank sv = R(T, 5, 5), u = R(F, 0, 0);
    cr_expect_eq(mxt_bk_decide(&sv, &u).reason, MXT_BKR_UNVERIFIED_LOSES);
    /* extremes of the field ranges */
    mxt_bk_rank hi = R(F, UINT32_MAX, UINT32_MAX), lo = R(F, UINT32_MAX, UINT32_MAX - 1);
    cr_expect_eq(mxt_bk_decide(&hi, &lo).action, MXT_BK_REPLACE);
    cr_expect_eq(mxt_bk_decide(&lo, &hi).action, MXT_BK_KEEP);
}

Test(bk_better, batch_decides_each_entry)
{
    mxt_bk_entry e[4] = {
        { true, { F, 10, 5 }, { F, 11, 4 } },  /* keep */
        { false, { F, 0, 0 }, { F, 11, 4 } },  /* store */
        { true, { F, 10, 5 }, { F, 9, 6 } },   /* replace */
        { true, { T, 1, 1 }, { T, 1, 1 } },    /* tie */
    };
    mxt_bk_decision out[4];
    mxt_bk_decide_batch(e, 4, out);
    cr_expect_eq(out[0].action, MXT_BK_KEEP);
    cr_expect_eq(out[1].action, MXT_BK_STORE);
    cr_expect_eq(out[2].action, MXT_BK_REPLACE);
    cr_expect_eq(out[3].action, MXT_BK_KEEP);
    for (size_t i = 0; i < 4; i++) {
        mxt_bk_decision one = mxt_bk_decide(e[i].has_stored ? &e[i].stored : NULL, &e[i].uploaded);
        cr_expect_eq(out[i].action, one.action);
        cr_expect_eq(out[i].reason, one.reason);
    }
    mxt_bk_decide_batch(e, 0, out); /* empty batch touches nothing */
    cr_expect_eq(out[0].action, MXT_BK_KEEP);
}
