/*
 * Tests for core/bk_trust.c: every cell of the backup trust decision (BK-TRUST-002..008, 012) and both
 * creation profiles (BK-TRUST-010, seed 000).
 */
#include <criterion/criterion.h>
#include "bk_trust.h"

static mxt_bkt_facts facts(mxt_bkt_algorithm alg, bool msk_trusted, mxt_bkt_key_source src, bool match)
{
    mxt_bkt_facts f = { alg, false, msk_trusted, src, match };
    return f;
}

static mxt_bkt_signature sig(bool own, mxt_bkt_key_kind kind, mxt_sig_verdict v, bool verified, bool current)
{
    mxt_bkt_signature s = { own, kind, v, verified, current };
    return s;
}

#define V1 MXT_BKT_ALG_MEGOLM_V1
#define MASTER(v) sig(true, MXT_BKT_KEY_OWN_MASTER, (v), false, false)
#define DEVICE(v, verified, current) sig(true, MXT_BKT_KEY_OWN_DEVICE, (v), (verified), (current))

static void expect(mxt_bkt_decision d, bool trusted, mxt_bkt_reason r, size_t index)
{
    cr_expect_eq(d.trusted, trusted, "trusted: got %d want %d (reason %d)", d.trusted, trusted, d.reason);
    cr_expect_eq(d.reason, r, "reason: got %d want %d", d.reason, r);
    cr_expect_eq(d.signature, index, "signature index: got %zu want %zu", d.signature, index);
}

Test(bk_trust, master_signed_trusted_msk)
{
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature s[] = { MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, s, 1), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 0);
}

Test(bk_trust, master_signed_untrusted_msk)
{
    mxt_bkt_facts f = facts(V1, false, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature s[] = { MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, s, 1), false, MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED, 0);
}

Test(bk_trust, master_signature_not_valid)
{
    mxt_sig_verdict bad[] = { MXT_SIG_MISSING, MXT_SIG_INVALID, MXT_SIG_MALFORMED };
    for (size_t i = 0; i < 3; i++) {
        mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
        mxt_bkt_signature s[] = { MASTER(bad[i]) };
        expect(mxt_bkt_decide(&f, s, 1), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE, MXT_BKT_NO_SIGNATURE);
    }
}

Test(bk_trust, device_cells)
{
    mxt_bkt_facts f = facts(V1, false, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature verified[] = { DEVICE(MXT_SIG_VALID, true, false) };
    expect(mxt_bkt_decide(&f, verified, 1), true, MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE, 0);
    mxt_bkt_signature current[] = { DEVICE(MXT_SIG_VALID, false, true) };
    expect(mxt_bkt_decide(&f, current, 1), true, MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE, 0);
    mxt_bkt_signature unverified[] = { DEVICE(MXT_SIG_VALID, false, false) };
    expect(mxt_bkt_decide(&f, unverified, 1), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE,
           MXT_BKT_NO_SIGNATURE);
    mxt_bkt_signature verified_invalid[] = { DEVICE(MXT_SIG_INVALID, true, true) };
    expect(mxt_bkt_decide(&f, verified_invalid, 1), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE,
           MXT_BKT_NO_SIGNATURE);
    /* a deleted or unknown own device: even "valid" and flagged verified, it does not count */
    mxt_bkt_signature deleted[] = { sig(true, MXT_BKT_KEY_OWN_UNKNOWN_DEVICE, MXT_SIG_VALID, true, false) };
    expect(mxt_bkt_decide(&f, deleted, 1), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE, MXT_BKT_NO_SIGNATURE);
}

Test(bk_trust, other_user_signatures_never_count)
{
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature s[] = {
        sig(false, MXT_BKT_KEY_OWN_MASTER, MXT_SIG_VALID, true, true),  /* misclassified: not own user */
        sig(false, MXT_BKT_KEY_OWN_DEVICE, MXT_SIG_VALID, true, true),
        sig(false, MXT_BKT_KEY_OTHER, MXT_SIG_VALID, true, true),
        sig(true, MXT_BKT_KEY_OTHER, MXT_SIG_VALID, true, true),
    };
    expect(mxt_bkt_decide(&f, s, 4), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE, MXT_BKT_NO_SIGNATURE);
}

Test(bk_trust, invalid_next_to_trusted_does_not_veto)
{
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature s[] = { DEVICE(MXT_SIG_INVALID, true, false), MASTER(MXT_SIG_INVALID),
                              DEVICE(MXT_SIG_VALID, true, false) };
    expect(mxt_bkt_decide(&f, s, 3), true, MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE, 2);
    mxt_bkt_signature m[] = { DEVICE(MXT_SIG_MALFORMED, true, false), MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, m, 2), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 1);
}

Test(bk_trust, master_takes_precedence_over_device)
{
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_SECRET_STORAGE, true);
    mxt_bkt_signature s[] = { DEVICE(MXT_SIG_VALID, true, true), MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, s, 2), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 1);
    f.master_key_trusted = false;
    expect(mxt_bkt_decide(&f, s, 2), true, MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE, 0);
}

/* Seed 000 scenario (BK-TRUST-007): new verified session, creating device deleted. */
Test(bk_trust, master_signature_survives_device_deletion)
{
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature with_msk[] = { sig(true, MXT_BKT_KEY_OWN_UNKNOWN_DEVICE, MXT_SIG_MISSING, false, false),
                                     MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, with_msk, 2), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 1);
    mxt_bkt_signature device_only[] = { sig(true, MXT_BKT_KEY_OWN_UNKNOWN_DEVICE, MXT_SIG_MISSING, false, false) };
    expect(mxt_bkt_decide(&f, device_only, 1), false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE,
           MXT_BKT_NO_SIGNATURE);
}

Test(bk_trust, private_key_sources)
{
    struct { mxt_bkt_key_source src; bool match; bool trusted; mxt_bkt_reason r; } cells[] = {
        { MXT_BKT_PK_USER_ENTERED, true, true, MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH },
        { MXT_BKT_PK_SECRET_STORAGE, true, true, MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH },
        { MXT_BKT_PK_SHARED_VERIFIED_DEVICE, true, true, MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH },
        { MXT_BKT_PK_SHARED_UNVERIFIED_DEVICE, true, false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE },
        { MXT_BKT_PK_OTHER, true, false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_SOURCE },
        { MXT_BKT_PK_USER_ENTERED, false, false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH },
        { MXT_BKT_PK_SECRET_STORAGE, false, false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH },
        { MXT_BKT_PK_SHARED_VERIFIED_DEVICE, false, false, MXT_BKT_UNTRUSTED_PRIVATE_KEY_MISMATCH },
        { MXT_BKT_PK_SHARED_UNVERIFIED_DEVICE, false, false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE },
        { MXT_BKT_PK_OTHER, false, false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE },
        { MXT_BKT_PK_NONE, false, false, MXT_BKT_UNTRUSTED_NO_TRUSTED_SIGNATURE },
    };
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        mxt_bkt_facts f = facts(V1, false, cells[i].src, cells[i].match);
        mxt_bkt_decision d = mxt_bkt_decide(&f, NULL, 0);
        cr_expect_eq(d.trusted, cells[i].trusted, "cell %zu", i);
        cr_expect_eq(d.reason, cells[i].r, "cell %zu reason %d", i, d.reason);
        cr_expect_eq(d.signature, MXT_BKT_NO_SIGNATURE);
    }
}

Test(bk_trust, untrusted_master_reported_before_key_problems)
{
    mxt_bkt_facts f = facts(V1, false, MXT_BKT_PK_SECRET_STORAGE, false);
    mxt_bkt_signature s[] = { DEVICE(MXT_SIG_VALID, false, false), MASTER(MXT_SIG_VALID) };
    expect(mxt_bkt_decide(&f, s, 2), false, MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED, 1);
    f.key_matches = true; /* a trusted matching key still establishes trust */
    expect(mxt_bkt_decide(&f, s, 2), true, MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH, MXT_BKT_NO_SIGNATURE);
}

Test(bk_trust, algorithms)
{
    mxt_bkt_signature s[] = { MASTER(MXT_SIG_VALID) };
    mxt_bkt_facts f = facts(MXT_BKT_ALG_OTHER, true, MXT_BKT_PK_USER_ENTERED, true);
    expect(mxt_bkt_decide(&f, s, 1), false, MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM, MXT_BKT_NO_SIGNATURE);
    f.algorithm = MXT_BKT_ALG_V2; /* v2 without the MSC4048 profile: unknown */
    expect(mxt_bkt_decide(&f, s, 1), false, MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM, MXT_BKT_NO_SIGNATURE);
    f.msc4048 = true;
    expect(mxt_bkt_decide(&f, s, 1), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 0);
    f.algorithm = MXT_BKT_ALG_MEGOLM_V1; /* v1 is known with or without the profile */
    expect(mxt_bkt_decide(&f, s, 1), true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 0);
}

/* Exhaustive over one signature and all facts: trusted <=> the rule, written here as an oracle. */
Test(bk_trust, exhaustive_single_signature)
{
    size_t count = 0, trusted_count = 0;
    for (int alg = 0; alg < 3; alg++)
    for (int prof = 0; prof < 2; prof++)
    for (int msk = 0; msk < 2; msk++)
    for (int src = 0; src < 6; src++)
    for (int match = 0; match < 2; match++)
    for (int own = 0; own < 2; own++)
    for (int kind = 0; kind < 4; kind++)
    for (int v = 0; v < 4; v++)
    for (int ver = 0; ver < 2; ver++)
    for (int cur = 0; cur < 2; cur++) {
        mxt_bkt_facts f = { (mxt_bkt_algorithm)alg, prof == 1, msk == 1, (mxt_bkt_key_source)src, match == 1 };
        mxt_bkt_signature s = { own == 1, (mxt_bkt_key_kind)kind, (mxt_sig_verdict)v, ver == 1, cur == 1 };
        bool known = alg == MXT_BKT_ALG_MEGOLM_V1 || (alg == MXT_BKT_ALG_V2 && prof == 1);
        bool valid_own = own == 1 && v == MXT_SIG_VALID;
        bool by_master = valid_own && kind == MXT_BKT_KEY_OWN_MASTER && msk == 1;
        bool by_device = valid_own && kind == MXT_BKT_KEY_OWN_DEVICE && (ver == 1 || cur == 1);
        bool by_key = match == 1 && (src == MXT_BKT_PK_USER_ENTERED || src == MXT_BKT_PK_SECRET_STORAGE
                                     || src == MXT_BKT_PK_SHARED_VERIFIED_DEVICE);
        bool want = known && (by_master || by_device || by_key);
        mxt_bkt_decision d = mxt_bkt_decide(&f, &s, 1);
        cr_assert_eq(d.trusted, want, "alg %d prof %d msk %d src %d match %d own %d kind %d v %d ver %d cur %d",
                     alg, prof, msk, src, match, own, kind, v, ver, cur);
        if (want) {
            cr_assert(d.reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE
                      || d.reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE
                      || d.reason == MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH);
            if (by_master) cr_assert_eq(d.reason, MXT_BKT_TRUSTED_MASTER_SIGNATURE);
            trusted_count++;
        } else if (!known) {
            cr_assert_eq(d.reason, MXT_BKT_UNTRUSTED_UNKNOWN_ALGORITHM);
        }
        count++;
    }
    cr_expect_eq(count, 3u * 2 * 2 * 6 * 2 * 2 * 4 * 4 * 2 * 2);
    cr_expect(trusted_count > 0 && trusted_count < count);
}

Test(bk_trust, create_default_profile)
{
    mxt_bkc_plan p = mxt_bkc_plan_create(MXT_BKC_PROFILE_DEFAULT, false);
    cr_expect(p.may_create && p.sign_with_device && !p.sign_with_master);
    cr_expect_eq(p.reason, MXT_BKC_CREATE_DEVICE_ONLY);
    p = mxt_bkc_plan_create(MXT_BKC_PROFILE_DEFAULT, true);
    cr_expect(p.may_create && p.sign_with_device && p.sign_with_master);
    cr_expect_eq(p.reason, MXT_BKC_CREATE_DEVICE_AND_MASTER);
}

Test(bk_trust, create_strict_profile)
{
    mxt_bkc_plan p = mxt_bkc_plan_create(MXT_BKC_PROFILE_STRICT, false);
    cr_expect(!p.may_create && !p.sign_with_device && !p.sign_with_master);
    cr_expect_eq(p.reason, MXT_BKC_REFUSE_NO_MASTER_PRIVATE_KEY);
    p = mxt_bkc_plan_create(MXT_BKC_PROFILE_STRICT, true);
    cr_expect(p.may_create && p.sign_with_device && p.sign_with_master);
    cr_expect_eq(p.reason, MXT_BKC_CREATE_DEVICE_AND_MASTER);
}

Test(bk_trust, check_signed_profiles)
{
    mxt_bkt_signature device_only[] = { DEVICE(MXT_SIG_VALID, true, true) };
    mxt_bkt_signature both[] = { DEVICE(MXT_SIG_VALID, true, true), MASTER(MXT_SIG_VALID) };
    mxt_bkt_signature bad_master[] = { DEVICE(MXT_SIG_VALID, true, true), MASTER(MXT_SIG_INVALID) };
    mxt_bkt_signature other_device[] = { DEVICE(MXT_SIG_VALID, true, false) };

    mxt_bkc_check c = mxt_bkc_check_signed(MXT_BKC_PROFILE_DEFAULT, device_only, 1);
    cr_expect(c.ok); cr_expect_eq(c.reason, MXT_BKC_OK_DEVICE_SIGNED);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_STRICT, device_only, 1);
    cr_expect(!c.ok); cr_expect_eq(c.reason, MXT_BKC_MISSING_MASTER_SIGNATURE);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_STRICT, both, 2);
    cr_expect(c.ok); cr_expect_eq(c.reason, MXT_BKC_OK_MASTER_SIGNED);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_DEFAULT, both, 2);
    cr_expect(c.ok); cr_expect_eq(c.reason, MXT_BKC_OK_MASTER_SIGNED);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_STRICT, bad_master, 2);
    cr_expect(!c.ok); cr_expect_eq(c.reason, MXT_BKC_MISSING_MASTER_SIGNATURE);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_DEFAULT, other_device, 1);
    cr_expect(!c.ok); cr_expect_eq(c.reason, MXT_BKC_MISSING_SIGNATURE);
    c = mxt_bkc_check_signed(MXT_BKC_PROFILE_DEFAULT, NULL, 0);
    cr_expect(!c.ok); cr_expect_eq(c.reason, MXT_BKC_MISSING_SIGNATURE);
}

/* BK-TRUST-012 divergence cells. */
Test(bk_trust, divergence_profiles)
{
    /* signed by the trusted master key, no private key: spec and signature-only trust; key-only does not */
    mxt_bkt_facts f = facts(V1, true, MXT_BKT_PK_NONE, false);
    mxt_bkt_signature s[] = { MASTER(MXT_SIG_VALID) };
    cr_expect(mxt_bkt_profile_trusts(MXT_BKT_PROFILE_SPEC, &f, s, 1));
    cr_expect(mxt_bkt_profile_trusts(MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY, &f, s, 1));
    cr_expect(!mxt_bkt_profile_trusts(MXT_BKT_PROFILE_RSDK_KEY_ONLY, &f, s, 1));
    /* unsigned, key from secret storage matches: spec and key-only trust; signature-only does not */
    f = facts(V1, false, MXT_BKT_PK_SECRET_STORAGE, true);
    cr_expect(mxt_bkt_profile_trusts(MXT_BKT_PROFILE_SPEC, &f, NULL, 0));
    cr_expect(mxt_bkt_profile_trusts(MXT_BKT_PROFILE_RSDK_KEY_ONLY, &f, NULL, 0));
    cr_expect(!mxt_bkt_profile_trusts(MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY, &f, NULL, 0));
    /* both signed and keyed: all three agree; neither: all three refuse */
    cr_expect(mxt_bkt_profile_trusts(MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY, &f, s, 1) == (f.master_key_trusted));
    f.master_key_trusted = true;
    for (int p = 0; p < 3; p++)
        cr_expect(mxt_bkt_profile_trusts((mxt_bkt_profile)p, &f, s, 1), "profile %d", p);
    f = facts(V1, false, MXT_BKT_PK_NONE, false);
    for (int p = 0; p < 3; p++)
        cr_expect(!mxt_bkt_profile_trusts((mxt_bkt_profile)p, &f, s, 1), "profile %d", p);
    /* unknown algorithm: nobody trusts */
    f = facts(MXT_BKT_ALG_OTHER, true, MXT_BKT_PK_USER_ENTERED, true);
    for (int p = 0; p < 3; p++)
        cr_expect(!mxt_bkt_profile_trusts((mxt_bkt_profile)p, &f, s, 1), "profile %d", p);
}

/* Exhaustive over two signatures: the divergence profiles only ever under-trust. */
Test(bk_trust, profiles_only_under_trust)
{
    size_t rsdk_gap = 0, jssdk_gap = 0;
    for (int msk = 0; msk < 2; msk++)
    for (int src = 0; src < 6; src++)
    for (int match = 0; match < 2; match++)
    for (int k0 = 0; k0 < 4; k0++)
    for (int v0 = 0; v0 < 4; v0++)
    for (int k1 = 0; k1 < 4; k1++)
    for (int ver = 0; ver < 4; ver++) {
        mxt_bkt_facts f = facts(V1, msk == 1, (mxt_bkt_key_source)src, match == 1);
        mxt_bkt_signature s[2] = {
            sig(true, (mxt_bkt_key_kind)k0, (mxt_sig_verdict)v0, (ver & 1) != 0, false),
            sig(true, (mxt_bkt_key_kind)k1, MXT_SIG_VALID, (ver & 2) != 0, false),
        };
        bool spec = mxt_bkt_profile_trusts(MXT_BKT_PROFILE_SPEC, &f, s, 2);
        cr_assert_eq(spec, mxt_bkt_decide(&f, s, 2).trusted);
        bool rsdk = mxt_bkt_profile_trusts(MXT_BKT_PROFILE_RSDK_KEY_ONLY, &f, s, 2);
        bool js = mxt_bkt_profile_trusts(MXT_BKT_PROFILE_JSSDK_SIGNATURE_ONLY, &f, s, 2);
        cr_assert(!rsdk || spec);
        cr_assert(!js || spec);
        cr_assert_eq(spec, rsdk || js, "spec = key-only OR signature-only");
        rsdk_gap += spec && !rsdk;
        jssdk_gap += spec && !js;
    }
    cr_expect_gt(rsdk_gap, 0);
    cr_expect_gt(jssdk_gap, 0);
}
