/*
 * fuzz_bk_trust: backup trust (core/bk_trust.c, BK-TRUST-002..012) and creation (BK-TRUST-010)
 * on facts and up to 8 signatures decoded from the input bytes (enum values are taken modulo
 * their range). Each decision is compared with the plain re-statement in oracle_rules.c: the
 * verdict, the reason, the deciding signature (it must satisfy the reason's predicate), the
 * divergence profiles, the creation plan and the check of a freshly signed auth_data. Law: adding
 * a signature never turns a trusted backup untrusted (no veto, BK-TRUST-006).
 * Also the signed/authenticated backup decisions of MSC4048 (core/skb.c, SKB-002..014), which
 * build on that decision: both profiles against oskb1/oskb2, exhaustively at start-up
 * (480 and 270 fact combinations) and per input.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"

static void check_skb1(const mxt_skb1_facts *f)
{
    mxt_skb1_decision d = mxt_skb1_decide(f), w;
    oskb1(f, &w);
    ORACLE(d.accept == w.accept && d.authenticated == w.authenticated
           && d.mac_relied_on == w.mac_relied_on && d.reason == w.reason,
           "skb1 (%d,%d,%d,%d) vs (%d,%d,%d,%d)", d.accept, d.authenticated, d.mac_relied_on,
           (int)d.reason, w.accept, w.authenticated, w.mac_relied_on, (int)w.reason);
}

static void check_skb2(const mxt_skb2_facts *f)
{
    mxt_skb2_decision d = mxt_skb2_decide(f), w;
    oskb2(f, &w);
    ORACLE(d.accept == w.accept && d.authenticated == w.authenticated && d.source == w.source
           && d.reason == w.reason, "skb2 (%d,%d,%d,%d) vs (%d,%d,%d,%d)", d.accept,
           d.authenticated, (int)d.source, (int)d.reason, w.accept, w.authenticated,
           (int)w.source, (int)w.reason);
    ORACLE(mxt_skb_source_from_field(f->unauthenticated) == oskb_source(f->unauthenticated), "source");
    mxt_skb_unauth_field m = mxt_skb_migrate_unauthenticated(f->backup_mac, f->unauthenticated);
    ORACLE(m == (f->backup_mac != MXT_SKB_MAC_VALID ? MXT_SKB_UNAUTH_LEGACY_V1 : f->unauthenticated),
           "migration");
}

static mxt_skb1_facts skb1_of(unsigned k)
{
    mxt_skb1_facts f;
    memset(&f, 0, sizeof f);
    f.signing_key = (mxt_skb_signing_key_field)(k % 5u); k /= 5u;
    f.auth_data_signature_trusted = k % 2u; k /= 2u;
    f.authenticated = (mxt_skb_auth_flag)(k % 4u); k /= 4u;
    f.signature = (mxt_sig_verdict)(k % 4u); k /= 4u;
    f.mac = (mxt_skb_mac_check)(k % 3u);
    return f;
}

static mxt_skb2_facts skb2_of(unsigned k)
{
    mxt_skb2_facts f;
    memset(&f, 0, sizeof f);
    f.backup_algorithm = (mxt_bkt_algorithm)(k % 3u); k /= 3u;
    f.backup_mac = (mxt_skb_mac_check)(k % 3u); k /= 3u;
    f.v1_mac = (mxt_skb_mac_check)(k % 3u); k /= 3u;
    f.unauthenticated = (mxt_skb_unauth_field)(k % 5u); k /= 5u;
    f.v1_keys_unauthenticated = k % 2u;
    return f;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc; (void)argv;
    for (unsigned k = 0; k < 480u; k++) { mxt_skb1_facts f = skb1_of(k); check_skb1(&f); }
    for (unsigned k = 0; k < 270u; k++) { mxt_skb2_facts f = skb2_of(k); check_skb2(&f); }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_bytes b = { data, size, 0 };
    mxt_bkt_facts f;
    memset(&f, 0, sizeof f);
    uint8_t x = fz_u8(&b);
    f.algorithm = (mxt_bkt_algorithm)(x % 3u);
    f.msc4048 = (x >> 2) & 1u;
    f.master_key_trusted = (x >> 3) & 1u;
    f.key_matches = (x >> 4) & 1u;
    f.key_source = (mxt_bkt_key_source)(fz_u8(&b) % 6u);
    size_t n = fz_u8(&b) % 9u;
    mxt_bkt_signature s[9];
    memset(s, 0, sizeof s);
    for (size_t i = 0; i < n; i++) {
        uint8_t y = fz_u8(&b), z = fz_u8(&b);
        s[i].own_user = y & 1u;
        s[i].kind = (mxt_bkt_key_kind)((y >> 1) & 3u);
        s[i].verdict = (mxt_sig_verdict)((y >> 3) & 3u);
        s[i].device_verified = (y >> 5) & 1u;
        s[i].current_device = (y >> 6) & 1u;
        (void)z;
    }
    mxt_bkt_decision d = mxt_bkt_decide(&f, n ? s : NULL, n);
    bool want = obt_trusted(&f, s, n);
    ORACLE(d.trusted == want, "trusted %d, rule says %d", d.trusted, want);
    mxt_bkt_reason wr = obt_reason(&f, s, n);
    ORACLE(d.reason == wr, "reason %d, rule says %d", (int)d.reason, (int)wr);
    switch (d.reason) {
    case MXT_BKT_TRUSTED_MASTER_SIGNATURE:
    case MXT_BKT_UNTRUSTED_MASTER_KEY_NOT_TRUSTED:
        ORACLE(d.signature < n && s[d.signature].own_user && s[d.signature].kind == MXT_BKT_KEY_OWN_MASTER
               && s[d.signature].verdict == MXT_SIG_VALID, "deciding master signature");
        break;
    case MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE:
        ORACLE(d.signature < n && s[d.signature].own_user && s[d.signature].kind == MXT_BKT_KEY_OWN_DEVICE
               && s[d.signature].verdict == MXT_SIG_VALID
               && (s[d.signature].device_verified || s[d.signature].current_device),
               "deciding device signature");
        break;
    default:
        ORACLE(d.signature == MXT_BKT_NO_SIGNATURE, "a signature named for reason %d", (int)d.reason);
    }
    for (int p = 0; p < 3; p++)
        ORACLE(mxt_bkt_profile_trusts((mxt_bkt_profile)p, &f, n ? s : NULL, n)
                   == obt_profile((mxt_bkt_profile)p, &f, s, n), "profile %d", p);
    /* monotone in the signatures: one more never vetoes */
    if (n < 8 && d.trusted) {
        uint8_t y = fz_u8(&b);
        s[n].own_user = y & 1u;
        s[n].kind = (mxt_bkt_key_kind)((y >> 1) & 3u);
        s[n].verdict = (mxt_sig_verdict)((y >> 3) & 3u);
        ORACLE(mxt_bkt_decide(&f, s, n + 1).trusted, "an extra signature vetoed trust");
    }
    /* SKB-003: the signing key is usable only when trust rested on a signature */
    ORACLE(mxt_skb1_auth_data_signature_trusted(&d)
               == (d.trusted && (d.reason == MXT_BKT_TRUSTED_MASTER_SIGNATURE
                                 || d.reason == MXT_BKT_TRUSTED_VERIFIED_DEVICE_SIGNATURE)),
           "skb1 auth_data trust");
    {
        uint16_t k = (uint16_t)((fz_u8(&b) << 8) | fz_u8(&b));
        mxt_skb1_facts f1 = skb1_of(k % 480u);
        f1.auth_data_signature_trusted = mxt_skb1_auth_data_signature_trusted(&d);
        check_skb1(&f1);
        mxt_skb2_facts f2 = skb2_of(k % 270u);
        f2.backup_algorithm = f.algorithm;
        check_skb2(&f2);
    }
    for (int p = 0; p < 2; p++) {
        for (int h = 0; h < 2; h++) {
            mxt_bkc_plan pl = mxt_bkc_plan_create((mxt_bkc_profile)p, h != 0);
            bool may = obc_may_create((mxt_bkc_profile)p, h != 0);
            ORACLE(pl.may_create == may && pl.sign_with_device == may
                   && pl.sign_with_master == (may && h), "plan p=%d h=%d", p, h);
            mxt_bkc_reason r = h ? MXT_BKC_CREATE_DEVICE_AND_MASTER
                             : (p == MXT_BKC_PROFILE_STRICT ? MXT_BKC_REFUSE_NO_MASTER_PRIVATE_KEY
                                                            : MXT_BKC_CREATE_DEVICE_ONLY);
            ORACLE(pl.reason == r, "plan reason");
        }
        mxt_bkc_check c = mxt_bkc_check_signed((mxt_bkc_profile)p, n ? s : NULL, n);
        mxt_bkc_check_reason cr = obc_check((mxt_bkc_profile)p, s, n);
        ORACLE(c.reason == cr && c.ok == (cr == MXT_BKC_OK_MASTER_SIGNED || cr == MXT_BKC_OK_DEVICE_SIGNED),
               "check_signed p=%d: %d vs %d", p, (int)c.reason, (int)cr);
    }
    return 0;
}
