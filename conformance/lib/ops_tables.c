/*
 * Operations whose input is already the rule's own vocabulary: the better-key ranks (BK-BETTER)
 * and the sender-data tables (SD-005, 008, 009, 010, 012). Each maps words to the core's enums,
 * calls the proven function, and maps the answer back to words.
 */
#include <stdio.h>
#include <string.h>
#include "ops_families.h"
#include "bk_better.h"
#include "sd.h"

/* ---- BK-BETTER ------------------------------------------------------------------------------ */

static int read_rank(const cJSON *v, const char *path, mxt_bk_rank *r, mxt_outcome *out)
{
    const cJSON *iv = cJSON_GetObjectItemCaseSensitive(v, "is_verified");
    const cJSON *fmi = cJSON_GetObjectItemCaseSensitive(v, "first_message_index");
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(v, "forwarded_count");
    if (!cJSON_IsObject(v))
        return mxt_op_error(out, "%s: not an object", path);
    if (!cJSON_IsBool(iv))
        return mxt_op_error(out, "%s.is_verified: not a boolean", path);
    if (!cJSON_IsNumber(fmi) || fmi->valuedouble < 0 || fmi->valuedouble > 4294967295.0)
        return mxt_op_error(out, "%s.first_message_index: not an unsigned 32-bit integer", path);
    if (!cJSON_IsNumber(fc) || fc->valuedouble < 0 || fc->valuedouble > 4294967295.0)
        return mxt_op_error(out, "%s.forwarded_count: not an unsigned 32-bit integer", path);
    r->is_verified = cJSON_IsTrue(iv);
    r->first_message_index = (uint32_t)fmi->valuedouble;
    r->forwarded_count = (uint32_t)fc->valuedouble;
    return 0;
}

static const char *bk_reason_name(mxt_bk_reason r)
{
    switch (r) {
    case MXT_BKR_NO_STORED_KEY: return "NO_STORED_KEY";
    case MXT_BKR_VERIFIED_WINS: return "VERIFIED_WINS";
    case MXT_BKR_UNVERIFIED_LOSES: return "UNVERIFIED_LOSES";
    case MXT_BKR_LOWER_INDEX_WINS: return "LOWER_INDEX_WINS";
    case MXT_BKR_HIGHER_INDEX_LOSES: return "HIGHER_INDEX_LOSES";
    case MXT_BKR_LOWER_FORWARD_COUNT_WINS: return "LOWER_FORWARD_COUNT_WINS";
    case MXT_BKR_HIGHER_FORWARD_COUNT_LOSES: return "HIGHER_FORWARD_COUNT_LOSES";
    case MXT_BKR_TIE_KEEPS_STORED: return "TIE_KEEPS_STORED";
    case MXT_BKR_SYNAPSE_ANY_FIELD: return "SYNAPSE_ANY_FIELD";
    case MXT_BKR_SYNAPSE_NO_FIELD: return "SYNAPSE_NO_FIELD";
    }
    return "UNKNOWN";
}

void op_better_key(const cJSON *input, mxt_outcome *out)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(input, "stored");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(input, "uploaded");
    mxt_bk_rank stored, uploaded;
    if (!s) {
        mxt_op_error(out, "input.stored: missing (null for an empty slot)");
        return;
    }
    if (!cJSON_IsNull(s) && read_rank(s, "input.stored", &stored, out) != 0)
        return;
    if (read_rank(u, "input.uploaded", &uploaded, out) != 0)
        return;
    mxt_bk_decision d = mxt_bk_decide(cJSON_IsNull(s) ? NULL : &stored, &uploaded);
    const char *word = d.action == MXT_BK_STORE ? "store" : d.action == MXT_BK_REPLACE ? "replace"
                                                                                      : "keep";
    mxt_outcome_set(out, word, bk_reason_name(d.reason), NULL);
}

void op_better_key_sequence(const cJSON *input, mxt_outcome *out)
{
    const cJSON *ups = cJSON_GetObjectItemCaseSensitive(input, "uploads");
    if (!cJSON_IsArray(ups) || cJSON_GetArraySize(ups) == 0) {
        mxt_op_error(out, "input.uploads: not a non-empty array");
        return;
    }
    mxt_bk_rank slot = {0};
    int have = 0, i = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, ups) {
        char path[48];
        mxt_bk_rank up;
        snprintf(path, sizeof path, "input.uploads[%d]", i++);
        if (read_rank(k, path, &up, out) != 0)
            return;
        mxt_bk_apply(&slot, have, &up);
        have = 1;
    }
    if (mxt_outcome_set(out, "ok", NULL, NULL) != 0)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "is_verified", slot.is_verified);
    cJSON_AddNumberToObject(o, "first_message_index", slot.first_message_index);
    cJSON_AddNumberToObject(o, "forwarded_count", slot.forwarded_count);
    out->output = o;
}

/* ---- SD tables ------------------------------------------------------------------------------ */

/* Words in the order of the core's enums. */
static const char *const KIND_WORDS[] = {"unknown_device", "device_info", "verification_violation",
                                         "sender_unverified", "sender_verified"};
static const mxt_sd_kind KIND_VALUES[] = {MXT_SD_UNKNOWN_DEVICE, MXT_SD_DEVICE_INFO,
                                          MXT_SD_VERIFICATION_VIOLATION, MXT_SD_SENDER_UNVERIFIED,
                                          MXT_SD_SENDER_VERIFIED};
static const char *const STATE_WORDS[] = {"verified", "unverified_identity",
                                          "verification_violation", "unsigned_device",
                                          "missing_device", "insecure_source", "mismatched_sender"};
static const char *const POLICY_WORDS[] = {"show_all", "cross_signed_or_legacy", "cross_signed",
                                           "paranoid"};
static const char *const RATCHET_WORDS[] = {"unconnected", "better", "equal", "worse"};
static const char *const MERGE_WORDS[] = {"discard", "take_new", "keep_old",
                                          "new_ratchet_old_sender", "old_ratchet_new_sender"};

static int word_index(const cJSON *input, const char *name, const char *const *words, int n,
                      mxt_outcome *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(input, name);
    if (!cJSON_IsString(v))
        return mxt_op_error(out, "input.%s: not a string", name);
    for (int i = 0; i < n; i++)
        if (strcmp(v->valuestring, words[i]) == 0)
            return i;
    return mxt_op_error(out, "input.%s: unknown value '%s'", name, v->valuestring);
}

static int read_sender_data(const cJSON *input, const char *name, mxt_sender_data *sd,
                            mxt_outcome *out)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(input, name);
    if (!cJSON_IsObject(o))
        return mxt_op_error(out, "input.%s: not an object", name);
    int k = word_index(o, "kind", KIND_WORDS, 5, out);
    if (k < 0)
        return -1;
    int legacy = mxt_in_bool(o, "legacy_session", 0, out);
    int owner = mxt_in_bool(o, "owner_check_failed", 0, out);
    if (legacy < 0 || owner < 0)
        return -1;
    sd->kind = (uint8_t)KIND_VALUES[k];
    sd->legacy_session = (uint8_t)legacy;
    sd->owner_check_failed = (uint8_t)owner;
    return 0;
}

void op_verification_state(const cJSON *input, mxt_outcome *out)
{
    mxt_sender_data sd;
    if (read_sender_data(input, "sender_data", &sd, out) != 0)
        return;
    int imported = mxt_in_bool(input, "imported", 0, out);
    int matches = mxt_in_bool(input, "sender_matches", 1, out);
    if (imported < 0 || matches < 0)
        return;
    mxt_verification_state st = mxt_sd_verification_state(&sd, imported, matches);
    mxt_outcome_set(out, STATE_WORDS[st], NULL, NULL);
}

void op_trust_requirement(const cJSON *input, mxt_outcome *out)
{
    int p = word_index(input, "policy", POLICY_WORDS, 4, out);
    int s = p < 0 ? -1 : word_index(input, "state", STATE_WORDS, 7, out);
    int legacy = s < 0 ? -1 : mxt_in_bool(input, "legacy_session", 0, out);
    if (legacy < 0)
        return;
    int ok = mxt_sd_event_allowed((mxt_sd_policy)p, (mxt_verification_state)s, legacy);
    mxt_outcome_set(out, ok ? "decrypt" : "refuse", NULL, NULL);
}

void op_display_policy(const cJSON *input, mxt_outcome *out)
{
    mxt_sender_data sd;
    int p = word_index(input, "policy", POLICY_WORDS, 4, out);
    if (p < 0 || read_sender_data(input, "sender_data", &sd, out) != 0)
        return;
    mxt_outcome_set(out, mxt_sd_policy_shows((mxt_sd_policy)p, &sd) ? "show" : "hide", NULL, NULL);
}

void op_sender_data_recalculate(const cJSON *input, mxt_outcome *out)
{
    mxt_sender_data stored, fresh;
    if (read_sender_data(input, "stored", &stored, out) != 0 ||
        read_sender_data(input, "fresh", &fresh, out) != 0)
        return;
    mxt_outcome_set(out, mxt_sd_should_replace(&stored, &fresh) ? "replace" : "keep", NULL, NULL);
}

void op_sender_data_merge(const cJSON *input, mxt_outcome *out)
{
    mxt_sender_data old, fresh;
    int r = word_index(input, "ratchet", RATCHET_WORDS, 4, out);
    if (r < 0 || read_sender_data(input, "old", &old, out) != 0 ||
        read_sender_data(input, "new", &fresh, out) != 0)
        return;
    mxt_merge_result m = mxt_sd_merge((mxt_ratchet_cmp)r, &old, &fresh);
    mxt_outcome_set(out, MERGE_WORDS[m], NULL, NULL);
}
