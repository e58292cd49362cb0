/*
 * fuzz_sd: sender data and display policies (core/sd.c, SD-004..012) on facts decoded from the
 * input. Every function is compared with its plain re-statement (oracle_rules.c): classification
 * at reception (action and all fields), trust numbers, recalculation and replacement, the
 * verification state of an event, the display policies and the decrypt gate, merges. Laws: the
 * policies are nested (paranoid shows a subset of cross-signed, ... of show-all); seed 002's
 * session policies agree with the SDK gate for a matching sender; a merge never lowers trust.
 * LLVMFuzzerInitialize also checks every reception (2048 of them) exhaustively.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"

static void check_reception(const mxt_sd_reception *r)
{
    mxt_sender_data got, want;
    memset(&got, 0xAA, sizeof got);
    mxt_sd_action a = mxt_sd_classify(r, &got);
    mxt_sd_action wa = osd_classify(r, &want);
    ORACLE(a == wa, "classify action %d vs %d", (int)a, (int)wa);
    if (a == MXT_SD_ACCEPT)
        ORACLE(got.kind == want.kind && got.legacy_session == want.legacy_session
               && got.owner_check_failed == want.owner_check_failed,
               "sender data (%u,%u,%u) vs (%u,%u,%u)", got.kind, got.legacy_session,
               got.owner_check_failed, want.kind, want.legacy_session, want.owner_check_failed);
}

static void exhaustive(void)
{
    mxt_sd_reception r;
    for (unsigned i = 0; i < 2u * 2u * 4u * 2u * 4u * 4u * 4u; i++) {
        unsigned k = i;
        memset(&r, 0, sizeof r);
        r.imported = k & 1u; k >>= 1;
        r.device_found = k & 1u; k >>= 1;
        r.device_self_signature = (mxt_sig_verdict)(k & 3u); k >>= 2;
        r.device_owned_by_sender = k & 1u; k >>= 1;
        r.master_signed_ssk = (mxt_sig_verdict)(k & 3u); k >>= 2;
        r.ssk_signed_device = (mxt_sig_verdict)(k & 3u); k >>= 2;
        r.owner_identity = (uint8_t)(k & 3u);
        check_reception(&r);
    }
}

/* well-formed sender data (sd_ok) from one byte */
static mxt_sender_data sdata(uint8_t x)
{
    mxt_sender_data s;
    memset(&s, 0, sizeof s);
    s.kind = (uint8_t)(x % 5u);
    if (s.kind <= MXT_SD_DEVICE_INFO) s.legacy_session = (x >> 3) & 1u;
    if (s.kind == MXT_SD_UNKNOWN_DEVICE) s.owner_check_failed = (x >> 4) & 1u;
    return s;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    exhaustive();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_bytes b = { data, size, 0 };
    mxt_sd_reception r;
    memset(&r, 0, sizeof r);
    uint8_t x = fz_u8(&b), y = fz_u8(&b);
    r.imported = x & 1u;
    r.device_found = (x >> 1) & 1u;
    r.device_self_signature = (mxt_sig_verdict)((x >> 2) & 3u);
    r.device_owned_by_sender = (x >> 4) & 1u;
    r.master_signed_ssk = (mxt_sig_verdict)((x >> 5) & 3u);
    r.ssk_signed_device = (mxt_sig_verdict)(y & 3u);
    r.owner_identity = (uint8_t)((y >> 2) & 3u);
    check_reception(&r);

    mxt_sender_data s = sdata(fz_u8(&b)), t = sdata(fz_u8(&b));
    uint8_t z = fz_u8(&b);
    int imported = z & 1, matches = (z >> 1) & 1, legacy = (z >> 2) & 1;
    mxt_ratchet_cmp rc = (mxt_ratchet_cmp)((z >> 3) & 3u);
    mxt_sd_policy pol = (mxt_sd_policy)((z >> 5) & 3u);
    mxt_verification_state vs = (mxt_verification_state)(fz_u8(&b) % 7u);

    ORACLE(mxt_sd_trust(s.kind) == osd_trust(s.kind), "trust of %u", s.kind);
    ORACLE(mxt_sd_should_recalculate(&s) == (s.kind <= MXT_SD_VERIFICATION_VIOLATION), "recalculate");
    ORACLE(mxt_sd_should_replace(&s, &t) == osd_replace(&s, &t), "replace");
    mxt_verification_state st = mxt_sd_verification_state(&s, imported, matches);
    ORACLE(st == osd_state(&s, imported, matches), "state %d vs %d", (int)st, (int)osd_state(&s, imported, matches));
    ORACLE(mxt_sd_policy_shows(pol, &s) == osd_shows(pol, &s), "policy %d shows", (int)pol);
    ORACLE(mxt_sd_event_allowed(pol, vs, legacy) == osd_event_allowed(pol, vs, legacy), "gate");
    mxt_merge_result m = mxt_sd_merge(rc, &s, &t);
    ORACLE(m == osd_merge(rc, &s, &t), "merge %d vs %d", (int)m, (int)osd_merge(rc, &s, &t));
    if (m == MXT_MERGE_TAKE_NEW || m == MXT_MERGE_OLD_RATCHET_NEW_SENDER)
        ORACLE(osd_trust(t.kind) >= osd_trust(s.kind), "a merge lowered trust");
    for (int p = 1; p < 4; p++)      /* nested policies */
        if (mxt_sd_event_allowed((mxt_sd_policy)p, vs, legacy))
            ORACLE(mxt_sd_event_allowed((mxt_sd_policy)(p - 1), vs, legacy), "policies not nested");
    /* seed 002 (session policy) and the SDK gate (event state) agree for a matching sender */
    mxt_verification_state sm = mxt_sd_verification_state(&s, imported, 1);
    for (int p = 0; p < 4; p++)
        ORACLE(mxt_sd_policy_shows((mxt_sd_policy)p, &s)
                   == mxt_sd_event_allowed((mxt_sd_policy)p, sm, s.legacy_session),
               "policy %d: session view and event view disagree", p);
    return 0;
}
