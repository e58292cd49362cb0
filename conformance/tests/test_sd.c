/*
 * Sender data (SD-004..012): every row of the rule tables, written here as data independently of
 * core/sd.c, and every policy x class cell.
 */
#include <criterion/criterion.h>
#include "sd.h"

#define V MXT_SIG_VALID
#define M MXT_SIG_MISSING
#define I MXT_SIG_INVALID
#define X MXT_SIG_MALFORMED

static mxt_sender_data sd(uint8_t kind, uint8_t legacy, uint8_t ocf)
{
    mxt_sender_data s = { kind, legacy, ocf };
    return s;
}

/* ---- SD-004 / SD-006 / SD-011: the reception table, row by row ---------------------------- */

typedef struct {
    const char *row;
    mxt_sd_reception in;
    mxt_sd_action action;
    uint8_t kind, legacy, ocf;  /* expected sender data when accepted */
} reception_row;

static const reception_row RECEPTION[] = {
    /* imported: legacy, whatever the lookups say (SD-006) */
    { "imported, nothing known", { 1, 0, M, 0, M, M, MXT_XS_ID_UNPINNED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 1, 0 },
    { "imported, verified owner", { 1, 1, V, 1, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 1, 0 },
    { "imported, bad signatures", { 1, 1, I, 1, I, I, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 1, 0 },
    /* no device found */
    { "no device", { 0, 0, M, 0, M, M, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 0, 0 },
    /* device found, not the session owner */
    { "not owner", { 0, 1, V, 0, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 0, 1 },
    { "not owner, unsigned", { 0, 1, V, 0, M, M, MXT_XS_ID_PINNED }, MXT_SD_ACCEPT, MXT_SD_UNKNOWN_DEVICE, 0, 1 },
    /* owned, not cross-signed */
    { "device info: ssk->device missing", { 0, 1, V, 1, V, M, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_DEVICE_INFO, 0, 0 },
    { "device info: master->ssk missing", { 0, 1, V, 1, M, V, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_DEVICE_INFO, 0, 0 },
    { "device info: both missing", { 0, 1, V, 1, M, M, MXT_XS_ID_PINNED }, MXT_SD_ACCEPT, MXT_SD_DEVICE_INFO, 0, 0 },
    /* cross-signed */
    { "sender verified", { 0, 1, V, 1, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_ACCEPT, MXT_SD_SENDER_VERIFIED, 0, 0 },
    { "verification violation", { 0, 1, V, 1, V, V, MXT_XS_ID_VIOLATION }, MXT_SD_ACCEPT, MXT_SD_VERIFICATION_VIOLATION, 0, 0 },
    { "sender unverified (pinned)", { 0, 1, V, 1, V, V, MXT_XS_ID_PINNED }, MXT_SD_ACCEPT, MXT_SD_SENDER_UNVERIFIED, 0, 0 },
    { "sender unverified (unpinned)", { 0, 1, V, 1, V, V, MXT_XS_ID_UNPINNED }, MXT_SD_ACCEPT, MXT_SD_SENDER_UNVERIFIED, 0, 0 },
    /* SD-011: tampering discards, even where the session would otherwise be unowned or unsigned */
    { "device self-signature invalid", { 0, 1, I, 1, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "device self-signature missing", { 0, 1, M, 1, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "device self-signature malformed", { 0, 1, X, 1, V, V, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "ssk->device invalid", { 0, 1, V, 1, V, I, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "ssk->device malformed", { 0, 1, V, 1, V, X, MXT_XS_ID_PINNED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "master->ssk invalid", { 0, 1, V, 1, I, V, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "master->ssk malformed, device unsigned", { 0, 1, V, 1, X, M, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
    { "tampered and not owner", { 0, 1, V, 0, V, I, MXT_XS_ID_VERIFIED }, MXT_SD_DISCARD, 0, 0, 0 },
};

Test(sd_reception, every_row_of_the_table)
{
    for (size_t i = 0; i < sizeof RECEPTION / sizeof RECEPTION[0]; i++) {
        const reception_row *row = &RECEPTION[i];
        mxt_sender_data out = sd(9, 9, 9);
        mxt_sd_action a = mxt_sd_classify(&row->in, &out);
        cr_expect_eq(a, row->action, "%s: action %d, want %d", row->row, a, row->action);
        if (row->action == MXT_SD_ACCEPT) {
            cr_expect_eq(out.kind, row->kind, "%s: kind %s, want %s", row->row,
                         mxt_sd_kind_name(out.kind), mxt_sd_kind_name(row->kind));
            cr_expect_eq(out.legacy_session, row->legacy, "%s: legacy", row->row);
            cr_expect_eq(out.owner_check_failed, row->ocf, "%s: owner_check_failed", row->row);
        }
    }
}

/* Properties over all 2 x 2 x 4 x 2 x 4 x 4 x 4 receptions. */
Test(sd_reception, properties_over_all_inputs)
{
    static const mxt_sig_verdict vs[] = { V, M, I, X };
    unsigned n = 0;
    for (int imp = 0; imp < 2; imp++)
    for (int found = 0; found < 2; found++)
    for (int a = 0; a < 4; a++)
    for (int own = 0; own < 2; own++)
    for (int b = 0; b < 4; b++)
    for (int c = 0; c < 4; c++)
    for (int id = 0; id < 4; id++) {
        mxt_sd_reception r = { (uint8_t)imp, (uint8_t)found, vs[a], (uint8_t)own, vs[b], vs[c], (uint8_t)id };
        mxt_sender_data out;
        mxt_sd_action act = mxt_sd_classify(&r, &out);
        n++;
        int bad = vs[a] != V || vs[b] == I || vs[b] == X || vs[c] == I || vs[c] == X;
        if (imp) {
            cr_assert(act == MXT_SD_ACCEPT && out.legacy_session == 1);
            continue;
        }
        cr_assert_eq(act == MXT_SD_DISCARD, found && bad);
        if (act == MXT_SD_DISCARD)
            continue;
        cr_assert_eq(out.legacy_session, 0);
        /* A known sender needs an owned device, cross-signed on both links. */
        int known = out.kind >= MXT_SD_VERIFICATION_VIOLATION;
        cr_assert_eq(known, found && own && vs[b] == V && vs[c] == V);
        if (out.kind == MXT_SD_SENDER_VERIFIED)
            cr_assert_eq(id, MXT_XS_ID_VERIFIED);
        if (out.kind == MXT_SD_VERIFICATION_VIOLATION)
            cr_assert_eq(id, MXT_XS_ID_VIOLATION);
        cr_assert_eq(out.owner_check_failed, found && !own);
    }
    cr_assert_eq(n, 2048u);
}

Test(sd_legacy, missing_field_is_legacy)
{
    mxt_sender_data s = sd(4, 0, 1);
    mxt_sd_legacy(&s);
    cr_assert(s.kind == MXT_SD_UNKNOWN_DEVICE && s.legacy_session == 1 && s.owner_check_failed == 0);
}

/* ---- SD-005: trust order and recalculation ------------------------------------------------- */

Test(sd_trust, order_and_replacement)
{
    /* Listed in increasing trust, independently of the enum's numeric values. */
    static const uint8_t order[5] = { MXT_SD_UNKNOWN_DEVICE, MXT_SD_DEVICE_INFO,
        MXT_SD_VERIFICATION_VIOLATION, MXT_SD_SENDER_UNVERIFIED, MXT_SD_SENDER_VERIFIED };
    static const int recalculable[5] = { 1, 1, 1, 0, 0 };
    for (int i = 0; i < 5; i++) {
        cr_expect_eq(mxt_sd_trust(order[i]), i);
        mxt_sender_data s = sd(order[i], 0, 0);
        cr_expect_eq(mxt_sd_should_recalculate(&s), recalculable[i], "%s", mxt_sd_kind_name(order[i]));
        for (int j = 0; j < 5; j++) {
            mxt_sender_data f = sd(order[j], 0, 0);
            int want = recalculable[i] && j > i;
            cr_expect_eq(mxt_sd_should_replace(&s, &f), want, "stored %s, fresh %s",
                         mxt_sd_kind_name(order[i]), mxt_sd_kind_name(order[j]));
        }
    }
    /* Flags do not change trust: a legacy unknown device is not replaced by a plain one. */
    mxt_sender_data legacy = sd(MXT_SD_UNKNOWN_DEVICE, 1, 0), ocf = sd(MXT_SD_UNKNOWN_DEVICE, 0, 1);
    cr_expect_eq(mxt_sd_should_replace(&legacy, &ocf), 0);
}

/* ---- SD-008: verification state ---------------------------------------------------------- */

typedef struct {
    mxt_sender_data s;
    int imported, sender_matches;
    mxt_verification_state want;
} vs_row;

Test(sd_verification_state, every_row)
{
    static const vs_row rows[] = {
        /* MismatchedSender first, for every kind that names a user */
        { { MXT_SD_DEVICE_INFO, 0, 0 }, 0, 0, MXT_VS_MISMATCHED_SENDER },
        { { MXT_SD_DEVICE_INFO, 1, 0 }, 1, 0, MXT_VS_MISMATCHED_SENDER },
        { { MXT_SD_VERIFICATION_VIOLATION, 0, 0 }, 0, 0, MXT_VS_MISMATCHED_SENDER },
        { { MXT_SD_SENDER_UNVERIFIED, 0, 0 }, 0, 0, MXT_VS_MISMATCHED_SENDER },
        { { MXT_SD_SENDER_VERIFIED, 0, 0 }, 1, 0, MXT_VS_MISMATCHED_SENDER },
        /* UnknownDevice names nobody: never mismatched */
        { { MXT_SD_UNKNOWN_DEVICE, 0, 0 }, 1, 0, MXT_VS_INSECURE_SOURCE },
        { { MXT_SD_UNKNOWN_DEVICE, 1, 0 }, 1, 1, MXT_VS_INSECURE_SOURCE },
        { { MXT_SD_UNKNOWN_DEVICE, 0, 0 }, 0, 1, MXT_VS_MISSING_DEVICE },
        { { MXT_SD_UNKNOWN_DEVICE, 0, 0 }, 0, 0, MXT_VS_MISSING_DEVICE },
        { { MXT_SD_UNKNOWN_DEVICE, 1, 0 }, 0, 1, MXT_VS_MISSING_DEVICE },
        { { MXT_SD_UNKNOWN_DEVICE, 0, 1 }, 0, 1, MXT_VS_INSECURE_SOURCE },
        { { MXT_SD_UNKNOWN_DEVICE, 0, 1 }, 1, 0, MXT_VS_INSECURE_SOURCE },
        { { MXT_SD_DEVICE_INFO, 0, 0 }, 0, 1, MXT_VS_UNSIGNED_DEVICE },
        { { MXT_SD_DEVICE_INFO, 1, 0 }, 1, 1, MXT_VS_UNSIGNED_DEVICE },
        { { MXT_SD_VERIFICATION_VIOLATION, 0, 0 }, 0, 1, MXT_VS_VERIFICATION_VIOLATION },
        { { MXT_SD_SENDER_UNVERIFIED, 0, 0 }, 0, 1, MXT_VS_UNVERIFIED_IDENTITY },
        { { MXT_SD_SENDER_VERIFIED, 0, 0 }, 0, 1, MXT_VS_VERIFIED },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        mxt_verification_state got =
            mxt_sd_verification_state(&rows[i].s, rows[i].imported, rows[i].sender_matches);
        cr_expect_eq(got, rows[i].want, "row %zu: %s, want %s", i,
                     mxt_verification_state_name(got), mxt_verification_state_name(rows[i].want));
    }
}

/* ---- SD-009: the TrustRequirement table (plus PARANOID) ------------------------------------ */

/* Cell codes: 1 = ok, 0 = reject, 2 = ok only if legacy_session. Columns: SHOW_ALL (Untrusted),
 * CROSS_SIGNED_OR_LEGACY, CROSS_SIGNED, PARANOID. */
static const struct { mxt_verification_state state; int cell[4]; } TRUST_REQ[] = {
    { MXT_VS_VERIFIED,               { 1, 1, 1, 1 } },
    { MXT_VS_UNVERIFIED_IDENTITY,    { 1, 1, 1, 0 } },
    { MXT_VS_UNSIGNED_DEVICE,        { 1, 2, 0, 0 } },
    { MXT_VS_MISSING_DEVICE,         { 1, 2, 0, 0 } },
    { MXT_VS_INSECURE_SOURCE,        { 1, 2, 0, 0 } },
    { MXT_VS_VERIFICATION_VIOLATION, { 1, 0, 0, 0 } },
    { MXT_VS_MISMATCHED_SENDER,      { 1, 0, 0, 0 } },
};

Test(sd_trust_requirement, every_cell)
{
    for (size_t r = 0; r < 7; r++)
        for (int p = 0; p < 4; p++)
            for (int legacy = 0; legacy < 2; legacy++) {
                int cell = TRUST_REQ[r].cell[p];
                int want = cell == 2 ? legacy : cell;
                int got = mxt_sd_event_allowed((mxt_sd_policy)p, TRUST_REQ[r].state, legacy);
                cr_expect_eq(got, want, "state %s, policy %d, legacy %d",
                             mxt_verification_state_name(TRUST_REQ[r].state), p, legacy);
            }
}

/* ---- SD-010: seed 002 policies x session classes ------------------------------------------- */

static const struct { const char *cls; mxt_sender_data s; int show[4]; } POLICY[] = {
    /*                                                          all  cs+leg  cs  paranoid */
    { "unknown device",            { MXT_SD_UNKNOWN_DEVICE, 0, 0 },   { 1, 0, 0, 0 } },
    { "unknown device, legacy",    { MXT_SD_UNKNOWN_DEVICE, 1, 0 },   { 1, 1, 0, 0 } },
    { "owner check failed",        { MXT_SD_UNKNOWN_DEVICE, 0, 1 },   { 1, 0, 0, 0 } },
    { "device info",               { MXT_SD_DEVICE_INFO, 0, 0 },      { 1, 0, 0, 0 } },
    { "device info, legacy",       { MXT_SD_DEVICE_INFO, 1, 0 },      { 1, 1, 0, 0 } },
    { "verification violation",    { MXT_SD_VERIFICATION_VIOLATION, 0, 0 }, { 1, 0, 0, 0 } },
    { "sender unverified (TOFU)",  { MXT_SD_SENDER_UNVERIFIED, 0, 0 }, { 1, 1, 1, 0 } },
    { "sender verified",           { MXT_SD_SENDER_VERIFIED, 0, 0 },  { 1, 1, 1, 1 } },
};

Test(sd_policy, every_policy_by_class)
{
    for (size_t c = 0; c < sizeof POLICY / sizeof POLICY[0]; c++)
        for (int p = 0; p < 4; p++) {
            int got = mxt_sd_policy_shows((mxt_sd_policy)p, &POLICY[c].s);
            cr_expect_eq(got, POLICY[c].show[p], "%s under policy %d", POLICY[c].cls, p);
        }
}

/* The two tables agree (the lemma of spec/acsl/sd.h, checked on the executable code). */
Test(sd_policy, seed_policies_agree_with_trust_requirement)
{
    for (size_t c = 0; c < sizeof POLICY / sizeof POLICY[0]; c++)
        for (int imported = 0; imported < 2; imported++)
            for (int p = 0; p < 4; p++) {
                const mxt_sender_data *s = &POLICY[c].s;
                mxt_verification_state st = mxt_sd_verification_state(s, imported, 1);
                cr_expect_eq(mxt_sd_event_allowed((mxt_sd_policy)p, st, s->legacy_session),
                             mxt_sd_policy_shows((mxt_sd_policy)p, s), "%s, policy %d, imported %d",
                             POLICY[c].cls, p, imported);
            }
}

/* ---- SD-012: merge --------------------------------------------------------------------------- */

Test(sd_merge, every_row)
{
    mxt_sender_data lo = sd(MXT_SD_DEVICE_INFO, 0, 0), hi = sd(MXT_SD_SENDER_VERIFIED, 0, 0);
    mxt_sender_data lo2 = sd(MXT_SD_DEVICE_INFO, 1, 0);
    static const struct { mxt_ratchet_cmp r; int rel; mxt_merge_result want; } rows[] = {
        /* rel: +1 fresh more trusted, 0 equal, -1 less */
        { MXT_RATCHET_UNCONNECTED, +1, MXT_MERGE_DISCARD },
        { MXT_RATCHET_UNCONNECTED, 0, MXT_MERGE_DISCARD },
        { MXT_RATCHET_UNCONNECTED, -1, MXT_MERGE_DISCARD },
        { MXT_RATCHET_BETTER, +1, MXT_MERGE_TAKE_NEW },
        { MXT_RATCHET_BETTER, 0, MXT_MERGE_TAKE_NEW },
        { MXT_RATCHET_BETTER, -1, MXT_MERGE_NEW_RATCHET_OLD_SENDER },
        { MXT_RATCHET_EQUAL, +1, MXT_MERGE_TAKE_NEW },
        { MXT_RATCHET_EQUAL, 0, MXT_MERGE_KEEP_OLD },
        { MXT_RATCHET_EQUAL, -1, MXT_MERGE_KEEP_OLD },
        { MXT_RATCHET_WORSE, +1, MXT_MERGE_OLD_RATCHET_NEW_SENDER },
        { MXT_RATCHET_WORSE, 0, MXT_MERGE_KEEP_OLD },
        { MXT_RATCHET_WORSE, -1, MXT_MERGE_KEEP_OLD },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const mxt_sender_data *old = rows[i].rel > 0 ? &lo : rows[i].rel < 0 ? &hi : &lo;
        const mxt_sender_data *fresh = rows[i].rel > 0 ? &hi : rows[i].rel < 0 ? &lo : &lo2;
        cr_expect_eq(mxt_sd_merge(rows[i].r, old, fresh), rows[i].want, "row %zu", i);
    }
}
