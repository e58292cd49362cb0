/* Sender data and display policies: see sd.h and spec/acsl/sd.h (SD-004..012). */
#include "sd.h"

/*@
  requires \valid(out);
  assigns *out;
  ensures out->kind == kind && out->legacy_session == legacy && out->owner_check_failed == ocf;
*/
static void set_sd(mxt_sender_data *out, uint8_t kind, uint8_t legacy, uint8_t ocf)
{
    out->kind = kind;
    out->legacy_session = legacy;
    out->owner_check_failed = ocf;
}

mxt_sd_action mxt_sd_classify(const mxt_sd_reception *r, mxt_sender_data *out)
{
    if (r->imported != 0) {
        set_sd(out, MXT_SD_UNKNOWN_DEVICE, 1u, 0u);
        return MXT_SD_ACCEPT;
    }
    if (r->device_found == 0) {
        set_sd(out, MXT_SD_UNKNOWN_DEVICE, 0u, 0u);
        return MXT_SD_ACCEPT;
    }
    if (r->device_self_signature != MXT_SIG_VALID
        || r->master_signed_ssk == MXT_SIG_INVALID || r->master_signed_ssk == MXT_SIG_MALFORMED
        || r->ssk_signed_device == MXT_SIG_INVALID || r->ssk_signed_device == MXT_SIG_MALFORMED) {
        set_sd(out, MXT_SD_UNKNOWN_DEVICE, 0u, 0u);
        return MXT_SD_DISCARD;
    }
    if (r->device_owned_by_sender == 0) {
        set_sd(out, MXT_SD_UNKNOWN_DEVICE, 0u, 1u);
        return MXT_SD_ACCEPT;
    }
    if (r->master_signed_ssk != MXT_SIG_VALID || r->ssk_signed_device != MXT_SIG_VALID) {
        set_sd(out, MXT_SD_DEVICE_INFO, 0u, 0u);
        return MXT_SD_ACCEPT;
    }
    if (r->owner_identity == MXT_XS_ID_VERIFIED)
        set_sd(out, MXT_SD_SENDER_VERIFIED, 0u, 0u);
    else if (r->owner_identity == MXT_XS_ID_VIOLATION)
        set_sd(out, MXT_SD_VERIFICATION_VIOLATION, 0u, 0u);
    else
        set_sd(out, MXT_SD_SENDER_UNVERIFIED, 0u, 0u);
    return MXT_SD_ACCEPT;
}

void mxt_sd_legacy(mxt_sender_data *out)
{
    set_sd(out, MXT_SD_UNKNOWN_DEVICE, 1u, 0u);
}

int mxt_sd_trust(uint8_t kind)
{
    switch (kind) {
    case MXT_SD_UNKNOWN_DEVICE: return 0;
    case MXT_SD_DEVICE_INFO: return 1;
    case MXT_SD_VERIFICATION_VIOLATION: return 2;
    case MXT_SD_SENDER_UNVERIFIED: return 3;
    default: return 4;
    }
}

int mxt_sd_should_recalculate(const mxt_sender_data *s)
{
    return s->kind == MXT_SD_UNKNOWN_DEVICE || s->kind == MXT_SD_DEVICE_INFO
           || s->kind == MXT_SD_VERIFICATION_VIOLATION;
}

int mxt_sd_should_replace(const mxt_sender_data *stored, const mxt_sender_data *fresh)
{
    return mxt_sd_should_recalculate(stored) && mxt_sd_trust(fresh->kind) > mxt_sd_trust(stored->kind);
}

mxt_verification_state mxt_sd_verification_state(const mxt_sender_data *s, int imported,
                                                  int sender_matches)
{
    if (s->kind != MXT_SD_UNKNOWN_DEVICE && sender_matches == 0)
        return MXT_VS_MISMATCHED_SENDER;
    switch (s->kind) {
    case MXT_SD_UNKNOWN_DEVICE:
        if (s->owner_check_failed != 0 || imported != 0)
            return MXT_VS_INSECURE_SOURCE;
        return MXT_VS_MISSING_DEVICE;
    case MXT_SD_DEVICE_INFO: return MXT_VS_UNSIGNED_DEVICE;
    case MXT_SD_VERIFICATION_VIOLATION: return MXT_VS_VERIFICATION_VIOLATION;
    case MXT_SD_SENDER_UNVERIFIED: return MXT_VS_UNVERIFIED_IDENTITY;
    default: return MXT_VS_VERIFIED;
    }
}

/*@
  requires \valid_read(s);
  assigns \nothing;
  ensures \result == 0 || \result == 1;
  ensures \result == 1 <==> sender_known(*s);
*/
static int known(const mxt_sender_data *s)
{
    return s->kind == MXT_SD_SENDER_UNVERIFIED || s->kind == MXT_SD_SENDER_VERIFIED;
}

int mxt_sd_policy_shows(mxt_sd_policy policy, const mxt_sender_data *s)
{
    switch (policy) {
    case MXT_POLICY_SHOW_ALL: return 1;
    case MXT_POLICY_CROSS_SIGNED_OR_LEGACY: return known(s) || s->legacy_session != 0;
    case MXT_POLICY_CROSS_SIGNED: return known(s);
    default: return s->kind == MXT_SD_SENDER_VERIFIED;
    }
}

int mxt_sd_event_allowed(mxt_sd_policy policy, mxt_verification_state state, int legacy_session)
{
    int cross_signed = state == MXT_VS_VERIFIED || state == MXT_VS_UNVERIFIED_IDENTITY;
    int unsigned_or_none = state == MXT_VS_UNSIGNED_DEVICE || state == MXT_VS_MISSING_DEVICE
                           || state == MXT_VS_INSECURE_SOURCE;
    switch (policy) {
    case MXT_POLICY_SHOW_ALL: return 1;
    case MXT_POLICY_CROSS_SIGNED_OR_LEGACY: return cross_signed || (unsigned_or_none && legacy_session != 0);
    case MXT_POLICY_CROSS_SIGNED: return cross_signed;
    default: return state == MXT_VS_VERIFIED;
    }
}

mxt_merge_result mxt_sd_merge(mxt_ratchet_cmp ratchet, const mxt_sender_data *old,
                              const mxt_sender_data *fresh)
{
    int t_old = mxt_sd_trust(old->kind);
    int t_new = mxt_sd_trust(fresh->kind);
    if (ratchet == MXT_RATCHET_UNCONNECTED)
        return MXT_MERGE_DISCARD;
    if (ratchet == MXT_RATCHET_BETTER)
        return t_new >= t_old ? MXT_MERGE_TAKE_NEW : MXT_MERGE_NEW_RATCHET_OLD_SENDER;
    if (ratchet == MXT_RATCHET_EQUAL)
        return t_new > t_old ? MXT_MERGE_TAKE_NEW : MXT_MERGE_KEEP_OLD;
    return t_new > t_old ? MXT_MERGE_OLD_RATCHET_NEW_SENDER : MXT_MERGE_KEEP_OLD;
}

const char *mxt_sd_kind_name(mxt_sd_kind k)
{
    switch (k) {
    case MXT_SD_UNKNOWN_DEVICE: return "UnknownDevice";
    case MXT_SD_DEVICE_INFO: return "DeviceInfo";
    case MXT_SD_VERIFICATION_VIOLATION: return "VerificationViolation";
    case MXT_SD_SENDER_UNVERIFIED: return "SenderUnverified";
    case MXT_SD_SENDER_VERIFIED: return "SenderVerified";
    default: return "?";
    }
}

const char *mxt_verification_state_name(mxt_verification_state v)
{
    switch (v) {
    case MXT_VS_VERIFIED: return "Verified";
    case MXT_VS_UNVERIFIED_IDENTITY: return "UnverifiedIdentity";
    case MXT_VS_VERIFICATION_VIOLATION: return "VerificationViolation";
    case MXT_VS_UNSIGNED_DEVICE: return "UnsignedDevice";
    case MXT_VS_MISSING_DEVICE: return "None(MissingDevice)";
    case MXT_VS_INSECURE_SOURCE: return "None(InsecureSource)";
    case MXT_VS_MISMATCHED_SENDER: return "MismatchedSender";
    default: return "?";
    }
}
