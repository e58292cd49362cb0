/*
 * Tests for core/skb.c: seed 001's signed key backup (SKB-002..006) and MSC4048's final authenticated
 * backup (SKB-011..014).
 */
#include <criterion/criterion.h>
#include "skb.h"

static mxt_skb1_facts f1(mxt_skb_signing_key_field sk, bool trusted, mxt_skb_auth_flag flag, mxt_sig_verdict v,
                         mxt_skb_mac_check mac)
{
    mxt_skb1_facts f = { sk, trusted, flag, v, mac };
    return f;
}

Test(skb_seed001, authenticated_needs_flag_signature_and_trusted_key)
{
    mxt_skb_signing_key_field names[] = { MXT_SKB_SK_STABLE, MXT_SKB_SK_UNSTABLE_MSCXXXX, MXT_SKB_SK_UNSTABLE_MSC4048 };
    for (size_t i = 0; i < 3; i++) {
        mxt_skb1_facts f = f1(names[i], true, MXT_SKB_FLAG_TRUE, MXT_SIG_VALID, MXT_SKB_MAC_INVALID);
        mxt_skb1_decision d = mxt_skb1_decide(&f);
        cr_expect(d.accept && d.authenticated && !d.mac_relied_on, "name %zu", i);
        cr_expect_eq(d.reason, MXT_SKB1_AUTHENTICATED);
    }
}

Test(skb_seed001, flag_absent_or_false_is_not_authenticated)
{
    mxt_skb_auth_flag flags[] = { MXT_SKB_FLAG_ABSENT, MXT_SKB_FLAG_FALSE, MXT_SKB_FLAG_MALFORMED };
    for (size_t i = 0; i < 3; i++) {
        mxt_skb1_facts f = f1(MXT_SKB_SK_STABLE, true, flags[i], MXT_SIG_VALID, MXT_SKB_MAC_ABSENT);
        mxt_skb1_decision d = mxt_skb1_decide(&f);
        cr_expect(d.accept && !d.authenticated && !d.mac_relied_on, "flag %zu", i);
        cr_expect_eq(d.reason, MXT_SKB1_SIGNED_NOT_CLAIMED);
    }
}

Test(skb_seed001, signing_key_ignored_when_auth_data_untrusted)
{
    mxt_skb1_facts f = f1(MXT_SKB_SK_UNSTABLE_MSCXXXX, false, MXT_SKB_FLAG_TRUE, MXT_SIG_VALID, MXT_SKB_MAC_VALID);
    mxt_skb1_decision d = mxt_skb1_decide(&f);
    cr_expect(d.accept && !d.authenticated && d.mac_relied_on);
    cr_expect_eq(d.reason, MXT_SKB1_SIGNING_KEY_NOT_TRUSTED);
    f.mac = MXT_SKB_MAC_INVALID;
    d = mxt_skb1_decide(&f);
    cr_expect(!d.accept && !d.authenticated);
}

Test(skb_seed001, no_or_malformed_signing_key)
{
    mxt_skb_signing_key_field sks[] = { MXT_SKB_SK_ABSENT, MXT_SKB_SK_MALFORMED };
    for (size_t i = 0; i < 2; i++) {
        mxt_skb1_facts f = f1(sks[i], true, MXT_SKB_FLAG_TRUE, MXT_SIG_VALID, MXT_SKB_MAC_VALID);
        mxt_skb1_decision d = mxt_skb1_decide(&f);
        cr_expect(d.accept && !d.authenticated && d.mac_relied_on);
        cr_expect_eq(d.reason, MXT_SKB1_NO_SIGNING_KEY);
    }
}

Test(skb_seed001, bad_signature_falls_back_to_mac)
{
    mxt_sig_verdict vs[] = { MXT_SIG_MISSING, MXT_SIG_INVALID, MXT_SIG_MALFORMED };
    for (size_t i = 0; i < 3; i++) {
        mxt_skb1_facts f = f1(MXT_SKB_SK_STABLE, true, MXT_SKB_FLAG_TRUE, vs[i], MXT_SKB_MAC_VALID);
        mxt_skb1_decision d = mxt_skb1_decide(&f);
        cr_expect(d.accept && !d.authenticated && d.mac_relied_on);
        cr_expect_eq(d.reason, MXT_SKB1_SIGNATURE_NOT_VALID);
        f.mac = MXT_SKB_MAC_ABSENT;
        cr_expect(!mxt_skb1_decide(&f).accept);
    }
}

Test(skb_seed001, auth_data_signature_trusted_from_bk_trust)
{
    mxt_bkt_decision d = { true, MXT_BKT_TRUSTED_MASTER_SIGNATURE, 0 };
    cr_expect(mxt_skb1_auth_data_signature_trusted(&d));
    d.reason = MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE;
    cr_expect(mxt_skb1_auth_data_signature_trusted(&d));
    d.reason = MXT_BKT_TRUSTED_PRIVATE_KEY_MATCH; /* a key match is not a signature (SKB-003) */
    cr_expect(!mxt_skb1_auth_data_signature_trusted(&d));
    d.trusted = false;
    d.reason = MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED;
    cr_expect(!mxt_skb1_auth_data_signature_trusted(&d));
}

/* Exhaustive against an oracle written as a table walk. */
Test(skb_seed001, exhaustive)
{
    for (int sk = 0; sk < 5; sk++)
    for (int tr = 0; tr < 2; tr++)
    for (int fl = 0; fl < 4; fl++)
    for (int v = 0; v < 4; v++)
    for (int mac = 0; mac < 3; mac++) {
        mxt_skb1_facts f = f1((mxt_skb_signing_key_field)sk, tr == 1, (mxt_skb_auth_flag)fl, (mxt_sig_verdict)v,
                              (mxt_skb_mac_check)mac);
        bool key_ok = sk >= 1 && sk <= 3 && tr == 1;
        bool signed_ok = key_ok && v == MXT_SIG_VALID;
        bool want_auth = signed_ok && fl == MXT_SKB_FLAG_TRUE;
        bool want_accept = signed_ok || mac == MXT_SKB_MAC_VALID;
        mxt_skb1_decision d = mxt_skb1_decide(&f);
        cr_assert_eq(d.authenticated, want_auth, "sk %d tr %d fl %d v %d mac %d", sk, tr, fl, v, mac);
        cr_assert_eq(d.accept, want_accept, "sk %d tr %d fl %d v %d mac %d", sk, tr, fl, v, mac);
        cr_assert_eq(d.mac_relied_on, !signed_ok);
    }
}

static mxt_skb2_facts f2(mxt_bkt_algorithm alg, mxt_skb_mac_check bmac, mxt_skb_mac_check v1mac,
                         mxt_skb_unauth_field u, bool v1_unauth)
{
    mxt_skb2_facts f = { alg, bmac, v1mac, u, v1_unauth };
    return f;
}

#define V2 MXT_BKT_ALG_V2
#define V1 MXT_BKT_ALG_MEGOLM_V1

Test(skb_msc4048, v2_backup_mac_required)
{
    mxt_skb2_facts f = f2(V2, MXT_SKB_MAC_ABSENT, MXT_SKB_MAC_VALID, MXT_SKB_UNAUTH_ABSENT, false);
    mxt_skb2_decision d = mxt_skb2_decide(&f);
    cr_expect(!d.accept && !d.authenticated);
    cr_expect_eq(d.reason, MXT_SKB2_IGNORED_MISSING_BACKUP_MAC);
    f.backup_mac = MXT_SKB_MAC_INVALID;
    d = mxt_skb2_decide(&f);
    cr_expect(!d.accept);
    cr_expect_eq(d.reason, MXT_SKB2_IGNORED_INVALID_BACKUP_MAC);
    f.backup_mac = MXT_SKB_MAC_VALID;
    f.v1_mac = MXT_SKB_MAC_ABSENT; /* v2 keys need no v1 mac */
    d = mxt_skb2_decide(&f);
    cr_expect(d.accept && d.authenticated);
    cr_expect_eq(d.source, MXT_SKB_SRC_AUTHENTICATED);
    cr_expect_eq(d.reason, MXT_SKB2_AUTHENTICATED);
}

Test(skb_msc4048, unauthenticated_values)
{
    struct { mxt_skb_unauth_field u; mxt_skb_source want; } cells[] = {
        { MXT_SKB_UNAUTH_UNDEFINED, MXT_SKB_SRC_UNDEFINED },
        { MXT_SKB_UNAUTH_LEGACY_V1, MXT_SKB_SRC_LEGACY_V1 },
        { MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY, MXT_SKB_SRC_FORWARDED_ROOM_KEY },
        { MXT_SKB_UNAUTH_UNKNOWN, MXT_SKB_SRC_UNDEFINED },
    };
    for (size_t i = 0; i < 4; i++) {
        mxt_skb2_facts f = f2(V2, MXT_SKB_MAC_VALID, MXT_SKB_MAC_ABSENT, cells[i].u, false);
        mxt_skb2_decision d = mxt_skb2_decide(&f);
        cr_expect(d.accept && !d.authenticated, "cell %zu", i);
        cr_expect_eq(d.source, cells[i].want, "cell %zu", i);
        cr_expect_eq(d.reason, MXT_SKB2_UNAUTHENTICATED_STATED);
        cr_expect_eq(mxt_skb_source_from_field(cells[i].u), cells[i].want);
    }
    cr_expect_eq(mxt_skb_source_from_field(MXT_SKB_UNAUTH_ABSENT), MXT_SKB_SRC_AUTHENTICATED);
}

Test(skb_msc4048, v1_backup_keys)
{
    /* v1 mac must check */
    mxt_skb2_facts f = f2(V1, MXT_SKB_MAC_VALID, MXT_SKB_MAC_INVALID, MXT_SKB_UNAUTH_ABSENT, false);
    cr_expect_eq(mxt_skb2_decide(&f).reason, MXT_SKB2_IGNORED_V1_MAC);
    cr_expect(!mxt_skb2_decide(&f).accept);
    /* no backup_mac: accepted, unauthenticated, legacy-v1 */
    f = f2(V1, MXT_SKB_MAC_ABSENT, MXT_SKB_MAC_VALID, MXT_SKB_UNAUTH_ABSENT, false);
    mxt_skb2_decision d = mxt_skb2_decide(&f);
    cr_expect(d.accept && !d.authenticated);
    cr_expect_eq(d.source, MXT_SKB_SRC_LEGACY_V1);
    cr_expect_eq(d.reason, MXT_SKB2_UNAUTHENTICATED_V1_NO_BACKUP_MAC);
    /* a stated source is kept */
    f.unauthenticated = MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY;
    cr_expect_eq(mxt_skb2_decide(&f).source, MXT_SKB_SRC_FORWARDED_ROOM_KEY);
    /* valid backup_mac, no option: v2 semantics */
    f = f2(V1, MXT_SKB_MAC_VALID, MXT_SKB_MAC_VALID, MXT_SKB_UNAUTH_ABSENT, false);
    d = mxt_skb2_decide(&f);
    cr_expect(d.accept && d.authenticated);
    cr_expect_eq(d.reason, MXT_SKB2_AUTHENTICATED);
    /* valid backup_mac, option on: unauthenticated */
    f.v1_keys_unauthenticated = true;
    d = mxt_skb2_decide(&f);
    cr_expect(d.accept && !d.authenticated);
    cr_expect_eq(d.source, MXT_SKB_SRC_LEGACY_V1);
    cr_expect_eq(d.reason, MXT_SKB2_UNAUTHENTICATED_V1_POLICY);
}

Test(skb_msc4048, unknown_algorithm_ignored)
{
    mxt_skb2_facts f = f2(MXT_BKT_ALG_OTHER, MXT_SKB_MAC_VALID, MXT_SKB_MAC_VALID, MXT_SKB_UNAUTH_ABSENT, false);
    mxt_skb2_decision d = mxt_skb2_decide(&f);
    cr_expect(!d.accept && !d.authenticated);
    cr_expect_eq(d.reason, MXT_SKB2_IGNORED_UNKNOWN_ALGORITHM);
}

Test(skb_msc4048, exhaustive)
{
    for (int alg = 0; alg < 3; alg++)
    for (int bm = 0; bm < 3; bm++)
    for (int vm = 0; vm < 3; vm++)
    for (int u = 0; u < 5; u++)
    for (int opt = 0; opt < 2; opt++) {
        mxt_skb2_facts f = f2((mxt_bkt_algorithm)alg, (mxt_skb_mac_check)bm, (mxt_skb_mac_check)vm,
                              (mxt_skb_unauth_field)u, opt == 1);
        bool accept = (alg == V2 && bm == MXT_SKB_MAC_VALID) || (alg == V1 && vm == MXT_SKB_MAC_VALID);
        bool v1_unauth = alg == V1 && (bm != MXT_SKB_MAC_VALID || opt == 1);
        bool auth = accept && !v1_unauth && u == MXT_SKB_UNAUTH_ABSENT;
        mxt_skb2_decision d = mxt_skb2_decide(&f);
        cr_assert_eq(d.accept, accept, "alg %d bm %d vm %d u %d opt %d", alg, bm, vm, u, opt);
        cr_assert_eq(d.authenticated, auth, "alg %d bm %d vm %d u %d opt %d", alg, bm, vm, u, opt);
        if (accept) cr_assert_eq(d.authenticated, d.source == MXT_SKB_SRC_AUTHENTICATED);
    }
}

Test(skb_msc4048, migration)
{
    mxt_skb_unauth_field all[] = { MXT_SKB_UNAUTH_ABSENT, MXT_SKB_UNAUTH_UNDEFINED, MXT_SKB_UNAUTH_LEGACY_V1,
                                   MXT_SKB_UNAUTH_FORWARDED_ROOM_KEY, MXT_SKB_UNAUTH_UNKNOWN };
    for (size_t i = 0; i < 5; i++) {
        cr_expect_eq(mxt_skb_migrate_unauthenticated(MXT_SKB_MAC_ABSENT, all[i]), MXT_SKB_UNAUTH_LEGACY_V1);
        cr_expect_eq(mxt_skb_migrate_unauthenticated(MXT_SKB_MAC_INVALID, all[i]), MXT_SKB_UNAUTH_LEGACY_V1);
        cr_expect_eq(mxt_skb_migrate_unauthenticated(MXT_SKB_MAC_VALID, all[i]), all[i]);
    }
}
