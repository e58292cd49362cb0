/*
 * SD vectors: sender data of Megolm sessions ("invisible crypto", seed 002) and what a client
 * shows under each policy.
 *
 * sender_data scenarios classify a session at reception from a /keys/query response and the
 * receiver's verification state. The table operations (verification_state, trust_requirement,
 * display_policy, sender_data_recalculate, sender_data_merge) enumerate their whole domain; each
 * expected value is written here from the rule's table, not computed by the core.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "gen_client.h"
#include "gen_ident.h"

#define R(...) MXT_VG_LIST(__VA_ARGS__)

/* Kinds in trust order (SD-005): the index is the trust level. */
static const char *const KIND[] = {"unknown_device", "device_info", "verification_violation",
                                   "sender_unverified", "sender_verified"};
enum { K_UNKNOWN, K_DEVICE_INFO, K_VIOLATION, K_UNVERIFIED, K_VERIFIED, K_COUNT };

static cJSON *sender_data(int kind, int legacy, int owner_failed)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", KIND[kind]);
    cJSON_AddBoolToObject(o, "legacy_session", legacy);
    cJSON_AddBoolToObject(o, "owner_check_failed", owner_failed);
    return o;
}

/* The sender-data values that can exist: legacy only on unknown_device/device_info, the owner
 * check flag only on unknown_device. */
typedef struct {
    int kind, legacy, owner_failed;
} sd_value;

static size_t all_values(sd_value out[16])
{
    size_t n = 0;
    for (int k = 0; k < K_COUNT; k++)
        for (int l = 0; l <= 1; l++)
            for (int o = 0; o <= 1; o++) {
                if (l && k > K_DEVICE_INFO)
                    continue;
                if (o && (k != K_UNKNOWN || l))
                    continue;
                out[n++] = (sd_value){k, l, o};
            }
    return n;
}

static void value_name(char *out, size_t cap, sd_value v)
{
    snprintf(out, cap, "%s%s%s", KIND[v.kind], v.legacy ? "-legacy" : "",
             v.owner_failed ? "-owner-failed" : "");
}

/* ---- SD-008: verification state of a decrypted event ----------------------------------------- */

static const char *expected_state(sd_value v, int imported, int sender_matches)
{
    if (v.kind != K_UNKNOWN && !sender_matches)
        return "mismatched_sender"; /* checked first: the data names a user, not the sender */
    switch (v.kind) {
    case K_UNKNOWN:
        return v.owner_failed || imported ? "insecure_source" : "missing_device";
    case K_DEVICE_INFO: return "unsigned_device";
    case K_VIOLATION: return "verification_violation";
    case K_UNVERIFIED: return "unverified_identity";
    default: return "verified";
    }
}

static int verification_states(mxt_vg_file *f)
{
    sd_value vals[16];
    size_t n = all_values(vals);
    int e = 0;
    for (size_t i = 0; i < n; i++)
        for (int imported = 0; imported <= 1; imported++)
            for (int match = 0; match <= 1; match++) {
                char name[64], slug[128], comment[200];
                value_name(name, sizeof name, vals[i]);
                snprintf(slug, sizeof slug, "state-%s%s%s", name, imported ? "-imported" : "",
                         match ? "" : "-other-sender");
                const char *st = expected_state(vals[i], imported, match);
                snprintf(comment, sizeof comment, "%s, %s session, %s: %s", name,
                         imported ? "imported" : "received",
                         match ? "sender matches" : "event sender differs", st);
                cJSON *in = cJSON_CreateObject();
                cJSON_AddItemToObject(in, "sender_data",
                                      sender_data(vals[i].kind, vals[i].legacy, vals[i].owner_failed));
                cJSON_AddBoolToObject(in, "imported", imported);
                cJSON_AddBoolToObject(in, "sender_matches", match);
                e |= mxt_vg_add(f, slug, R("SD-008"), comment, NULL, "verification_state", in,
                                mxt_vg_expect(st, NULL));
            }
    return e;
}

/* ---- SD-009/010: trust requirement and display policies ------------------------------------- */

static const char *const POLICY[] = {"show_all", "cross_signed_or_legacy", "cross_signed",
                                     "paranoid"};
static const char *const STATE[] = {"verified", "unverified_identity", "verification_violation",
                                    "unsigned_device", "missing_device", "insecure_source",
                                    "mismatched_sender"};

static int gate_allows(int policy, int state, int legacy)
{
    int verified = state == 0, unverified_identity = state == 1;
    int unsigned_or_none = state == 3 || state == 4 || state == 5;
    switch (policy) {
    case 0: return 1;
    case 1: return verified || unverified_identity || (unsigned_or_none && legacy);
    case 2: return verified || unverified_identity;
    default: return verified;
    }
}

static int trust_requirements(mxt_vg_file *f)
{
    int e = 0;
    for (int p = 0; p < 4; p++)
        for (int s = 0; s < 7; s++)
            for (int legacy = 0; legacy <= 1; legacy++) {
                char slug[128], comment[200];
                int ok = gate_allows(p, s, legacy);
                snprintf(slug, sizeof slug, "gate-%s-%s%s", POLICY[p], STATE[s],
                         legacy ? "-legacy" : "");
                snprintf(comment, sizeof comment, "policy %s, state %s%s: %s", POLICY[p],
                         STATE[s], legacy ? ", legacy session" : "", ok ? "decrypt" : "refuse");
                cJSON *in = cJSON_CreateObject();
                cJSON_AddStringToObject(in, "policy", POLICY[p]);
                cJSON_AddStringToObject(in, "state", STATE[s]);
                cJSON_AddBoolToObject(in, "legacy_session", legacy);
                e |= mxt_vg_add(f, slug, p == 3 ? R("SD-009", "SD-010") : R("SD-009"), comment,
                                p == 3 ? MXT_VG_LIST("no-rust-sdk-equivalent") : NULL,
                                "trust_requirement", in, mxt_vg_expect(ok ? "decrypt" : "refuse", NULL));
            }
    return e;
}

static int display_policies(mxt_vg_file *f)
{
    sd_value vals[16];
    size_t n = all_values(vals);
    int e = 0;
    for (int p = 0; p < 4; p++)
        for (size_t i = 0; i < n; i++) {
            sd_value v = vals[i];
            int sender_known = v.kind == K_UNVERIFIED || v.kind == K_VERIFIED;
            int show = p == 0 ? 1 : p == 1 ? sender_known || v.legacy
                              : p == 2 ? sender_known : v.kind == K_VERIFIED;
            char name[64], slug[128], comment[200];
            value_name(name, sizeof name, v);
            snprintf(slug, sizeof slug, "policy-%s-%s", POLICY[p], name);
            snprintf(comment, sizeof comment, "seed 002 policy '%s' with sender data %s: %s",
                     POLICY[p], name, show ? "show" : "hide");
            cJSON *in = cJSON_CreateObject();
            cJSON_AddStringToObject(in, "policy", POLICY[p]);
            cJSON_AddItemToObject(in, "sender_data", sender_data(v.kind, v.legacy, v.owner_failed));
            e |= mxt_vg_add(f, slug, R("SD-010"), comment, NULL, "display_policy", in,
                            mxt_vg_expect(show ? "show" : "hide", NULL));
        }
    return e;
}

/* ---- SD-005 recalculation and SD-012 merge --------------------------------------------------- */

static int recalculation(mxt_vg_file *f)
{
    int e = 0;
    for (int s = 0; s < K_COUNT; s++)
        for (int n = 0; n < K_COUNT; n++) {
            int recalculable = s == K_UNKNOWN || s == K_DEVICE_INFO || s == K_VIOLATION;
            int replace = recalculable && n > s;
            char slug[128], comment[200];
            snprintf(slug, sizeof slug, "recalc-%s-to-%s", KIND[s], KIND[n]);
            snprintf(comment, sizeof comment, "stored %s, recalculated %s: %s", KIND[s], KIND[n],
                     replace ? "replace (strictly more trusted)"
                             : recalculable ? "keep (not more trusted)" : "keep (never recalculated)");
            cJSON *in = cJSON_CreateObject();
            cJSON_AddItemToObject(in, "stored", sender_data(s, 0, 0));
            cJSON_AddItemToObject(in, "fresh", sender_data(n, 0, 0));
            e |= mxt_vg_add(f, slug, R("SD-005"), comment, NULL, "sender_data_recalculate", in,
                            mxt_vg_expect(replace ? "replace" : "keep", NULL));
        }
    return e;
}

static int merges(mxt_vg_file *f)
{
    static const char *const RATCHET[] = {"unconnected", "better", "equal", "worse"};
    int e = 0;
    for (int r = 0; r < 4; r++)
        for (int o = 0; o < K_COUNT; o++)
            for (int n = 0; n < K_COUNT; n++) {
                const char *res;
                if (r == 0)
                    res = "discard";
                else if (r == 1)
                    res = n >= o ? "take_new" : "new_ratchet_old_sender";
                else if (r == 2)
                    res = n > o ? "take_new" : "keep_old";
                else
                    res = n > o ? "old_ratchet_new_sender" : "keep_old";
                char slug[128], comment[200];
                snprintf(slug, sizeof slug, "merge-%s-%s-to-%s", RATCHET[r], KIND[o], KIND[n]);
                snprintf(comment, sizeof comment, "ratchet %s, stored %s, received %s: %s",
                         RATCHET[r], KIND[o], KIND[n], res);
                cJSON *in = cJSON_CreateObject();
                cJSON_AddStringToObject(in, "ratchet", RATCHET[r]);
                cJSON_AddItemToObject(in, "old", sender_data(o, 0, 0));
                cJSON_AddItemToObject(in, "new", sender_data(n, 0, 0));
                /* SD-013's contrast: the same pair with a connected ratchet at the same index
                 * and better sender data is taken, where the unconnected one is discarded. */
                e |= mxt_vg_add(f, slug,
                                r == 0                ? R("SD-012", "SD-013")
                                : r == 2 && n > o     ? R("SD-012", "SD-013")
                                                      : R("SD-012"),
                                comment,
                                NULL, "sender_data_merge", in,
                                mxt_vg_expect(res, NULL));
            }
    return e;
}

/* ---- SD-004/006/011: classification at reception ---------------------------------------------- */

static int reception(mxt_vg_file *f, int v)
{
    char me[64], bob[64], carol[64], tag[32];
    snprintf(me, sizeof me, "@alice%d:example.org", v);
    snprintf(bob, sizeof bob, "@bob%d:example.org", v);
    snprintf(carol, sizeof carol, "@carol%d:example.org", v);
    snprintf(tag, sizeof tag, "sd-%d", v);
    vg_user ub, uc;
    vg_user_init(&ub, bob, tag);
    vg_user_init(&uc, carol, tag);
    vg_device bdev, cdev, stranger;
    vg_device_init(&bdev, bob, "BOBPHONE");
    vg_device_init(&cdev, carol, "CAROLPHONE");
    vg_device_init(&stranger, bob, "NOTPUBLISHED");

    enum { OK, NOT_CROSS_SIGNED, SSK_SIG_BAD, MSK_SIG_BAD, SELF_SIG_BAD };
    static const struct {
        const char *slug, *comment, *kind;
        int device, identity_verified, previously_verified, imported, variant, legacy, owner_failed;
        const char *const *rules;
    } cases[] = {
        {"verified", "cross-signed device of a sender the receiver verified", "sender_verified",
         1, 1, 0, 0, OK, 0, 0, NULL},
        {"tofu", "cross-signed device, sender identity not verified (TOFU)", "sender_unverified",
         1, 0, 0, 0, OK, 0, 0, NULL},
        {"violation", "cross-signed device, sender verified before but not now",
         "verification_violation", 1, 0, 1, 0, OK, 0, 0, NULL},
        /* XS-015 / SD-016's contrast: verified before and still verified (the master key the
         * receiver verified has not changed): no violation. */
        {"still-verified", "cross-signed device, sender verified before and still verified now",
         "sender_verified", 1, 1, 1, 0, OK, 0, 0, NULL},
        {"device-info", "the device is not cross-signed by its owner", "device_info", 1, 0, 0, 0,
         NOT_CROSS_SIGNED, 0, 0, NULL},
        {"unknown-device", "no published device has the session's Curve25519 key",
         "unknown_device", 0, 0, 0, 0, OK, 0, 0, NULL},
        {"owner-other-user", "the Curve25519 key belongs to another user's device",
         "unknown_device", 2, 0, 0, 0, OK, 0, 1, NULL},
        {"owner-wrong-ed25519", "the device's ed25519 key is not the session's claimed key",
         "unknown_device", 3, 0, 0, 0, OK, 0, 1, NULL},
        {"ssk-signature-bad", "the owner's self-signing signature on the device is bad",
         "discard", 1, 1, 0, 0, SSK_SIG_BAD, 0, 0, NULL},
        {"msk-signature-bad", "the owner's master signature on the self-signing key is bad",
         "discard", 1, 1, 0, 0, MSK_SIG_BAD, 0, 0, NULL},
        {"self-signature-bad", "the device keys' own signature is bad", "discard", 1, 0, 0, 0,
         SELF_SIG_BAD, 0, 0, NULL},
        {"imported-cross-signed", "imported from a backup: legacy, never upgraded by a lookup",
         "unknown_device", 1, 1, 0, 1, OK, 1, 0, NULL},
        {"imported-unknown", "imported, device unknown: legacy", "unknown_device", 0, 0, 0, 1, OK,
         1, 0, NULL},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *kq = vg_keys_query();
        cJSON *bkeys = vg_device_keys(&bdev, cases[i].variant == NOT_CROSS_SIGNED ? NULL : &ub);
        if (cases[i].variant == SSK_SIG_BAD)
            vg_flip_signature_bit(bkeys, ub.user, ub.ssk_id, 33);
        if (cases[i].variant == SELF_SIG_BAD)
            vg_flip_signature_bit(bkeys, bdev.user, bdev.ed_id, 34);
        vg_kq_add_device(kq, bob, bdev.device, bkeys);
        vg_kq_add_device(kq, carol, cdev.device, vg_device_keys(&cdev, &uc));
        vg_kq_add_xs(kq, "master_keys", bob, vg_master(&ub));
        cJSON *ssk = vg_self_signing(&ub, 1);
        if (cases[i].variant == MSK_SIG_BAD)
            vg_flip_signature_bit(ssk, ub.user, ub.msk_id, 35);
        vg_kq_add_xs(kq, "self_signing_keys", bob, ssk);
        vg_kq_add_xs(kq, "master_keys", carol, vg_master(&uc));
        vg_kq_add_xs(kq, "self_signing_keys", carol, vg_self_signing(&uc, 1));

        /* The session as received: claimed sender bob, a Curve25519 key, a claimed ed25519. */
        const vg_device *key_of = cases[i].device == 0 ? &stranger
                                : cases[i].device == 2 ? &cdev : &bdev;
        cJSON *in = cJSON_CreateObject(), *local = cJSON_CreateObject(), *sess = cJSON_CreateObject();
        cJSON_AddStringToObject(in, "user_id", me);
        char *text = mxt_vg_canonical(kq);
        cJSON_AddStringToObject(in, "keys_query", text);
        free(text);
        cJSON_Delete(kq);
        cJSON *vu = cJSON_AddArrayToObject(local, "verified_users");
        if (cases[i].identity_verified)
            cJSON_AddItemToArray(vu, cJSON_CreateString(bob));
        cJSON *pv = cJSON_AddArrayToObject(local, "previously_verified_users");
        if (cases[i].previously_verified)
            cJSON_AddItemToArray(pv, cJSON_CreateString(bob));
        cJSON_AddItemToObject(in, "local", local);
        cJSON_AddStringToObject(sess, "sender", bob);
        cJSON_AddStringToObject(sess, "sender_key", key_of->cv);
        cJSON_AddStringToObject(sess, "sender_ed25519",
                                cases[i].device == 3 ? stranger.ed : key_of->ed);
        cJSON_AddBoolToObject(sess, "imported", cases[i].imported);
        cJSON_AddItemToObject(in, "session", sess);

        char slug[96];
        snprintf(slug, sizeof slug, "reception-%d-%s", v, cases[i].slug);
        cJSON *exp = mxt_vg_expect(cases[i].kind, NULL);
        if (strcmp(cases[i].kind, "discard") != 0) {
            cJSON *out = cJSON_CreateObject();
            cJSON_AddBoolToObject(out, "legacy_session", cases[i].legacy);
            cJSON_AddBoolToObject(out, "owner_check_failed", cases[i].owner_failed);
            cJSON_AddItemToObject(exp, "output", out);
        }
        /* Every case checks ownership (SD-002) and the cross-signing proof of the creator
         * (SD-003); violations are XS-015/SD-016 seen from the receiving side. The verified and
         * TOFU cases are also SD-011's contrast: the same keys with every signature valid (the
         * discard cases differ from them only by one flipped signature bit). */
        const char *const *rules =
            strcmp(cases[i].kind, "discard") == 0 ? R("SD-011", "SD-004", "SD-002")
            : cases[i].imported                  ? R("SD-006", "SD-004", "SD-003")
            : cases[i].owner_failed              ? R("SD-004", "SD-002")
            : cases[i].previously_verified       ? R("SD-004", "SD-003", "XS-015", "SD-016")
            : cases[i].variant == OK && cases[i].device == 1 ? R("SD-004", "SD-003", "SD-011")
                                                 : R("SD-004", "SD-003");
        /* Where matrix-rust-sdk decides otherwise: it does not discard on a bad cross-signing
         * signature (it reports DeviceInfo; a device with a bad self-signature is never stored,
         * so UnknownDevice), and it looks a Curve25519 key up among the claimed sender's
         * devices only, so another user's key gives "no device" without a failed owner check. */
        const char *const *flags =
            strcmp(cases[i].kind, "discard") == 0 ? MXT_VG_LIST("divergence:rust-sdk-no-discard")
            : cases[i].device == 2 ? MXT_VG_LIST("divergence:rust-sdk-sender-devices-only")
                                   : NULL;
        e |= mxt_vg_add(f, slug, rules, cases[i].comment, flags, "sender_data", in, exp);
    }
    return e;
}

int gen_sd(mxt_vg_file *f)
{
    int e = 0;
    for (int v = 1; v <= 3; v++)
        e |= reception(f, v);
    e |= verification_states(f);
    e |= trust_requirements(f);
    e |= display_policies(f);
    e |= recalculation(f);
    e |= merges(f);
    e |= gen_client_sd(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
