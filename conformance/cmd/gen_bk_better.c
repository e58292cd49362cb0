/*
 * BK-BETTER vectors: which key the server keeps (spec "Server-side key backups", storing keys).
 *
 * Expected outcomes come from the rule as written here (rank = (verified first, then lower
 * first_message_index, then lower forwarded_count), ties keep the stored key), independently of
 * core/bk_better.c. Every case where Synapse's any-field test (element-hq/synapse#13704) decides
 * differently carries the flag divergence:synapse-13704, so a run against such a server shows
 * exactly those vectors failing.
 */
#include <stdio.h>
#include <string.h>
#include "gen.h"
#include "gen_client.h"

typedef struct {
    int verified, fmi, fc;
} rank3;

/* -1: a better than b; 1: b better than a; 0: same rank. */
static int rule_cmp(rank3 a, rank3 b)
{
    if (a.verified != b.verified)
        return a.verified ? -1 : 1;
    if (a.fmi != b.fmi)
        return a.fmi < b.fmi ? -1 : 1;
    if (a.fc != b.fc)
        return a.fc < b.fc ? -1 : 1;
    return 0;
}

/* Synapse's test, as its handler spells it: any single field being better replaces. */
static int synapse_replaces(rank3 stored, rank3 up)
{
    return (up.verified && !stored.verified) || up.fmi < stored.fmi || up.fc < stored.fc;
}

static const char *reason_for(rank3 stored, rank3 up)
{
    if (up.verified != stored.verified)
        return up.verified ? "VERIFIED_WINS" : "UNVERIFIED_LOSES";
    if (up.fmi != stored.fmi)
        return up.fmi < stored.fmi ? "LOWER_INDEX_WINS" : "HIGHER_INDEX_LOSES";
    if (up.fc != stored.fc)
        return up.fc < stored.fc ? "LOWER_FORWARD_COUNT_WINS" : "HIGHER_FORWARD_COUNT_LOSES";
    return "TIE_KEEPS_STORED";
}

static const char *rule_for(rank3 stored, rank3 up)
{
    if (stored.verified && !up.verified)
        return "BK-BETTER-005";
    if (stored.verified == up.verified && up.fmi > stored.fmi)
        return "BK-BETTER-006";
    if (rule_cmp(stored, up) == 0)
        return "BK-BETTER-003";
    return "BK-BETTER-002";
}

/*
 * A rule this pair is the contrast case of, or NULL: the pair where the rule's condition is not
 * met, so the decision goes the other way. Cited only on the exhaustive pairs, where the
 * condition is the only thing that separates them from the rule's own cases.
 *   BK-BETTER-001: the slot is not empty and the upload loses (stored is the best rank): keep,
 *                  not store.
 *   BK-BETTER-003: not a tie, the two differ in exactly one field and the upload is better:
 *                  replace.
 *   BK-BETTER-005: a verified upload over an unverified stored key with a worse index or
 *                  forwarded_count: replace (verification ranks first both ways).
 *   BK-BETTER-006: equal is_verified, a lower index with a higher forwarded_count: replace.
 */
static const char *contrast_for(rank3 stored, rank3 up)
{
    int diffs = (stored.verified != up.verified) + (stored.fmi != up.fmi) + (stored.fc != up.fc);
    if (stored.verified && stored.fmi == 0 && stored.fc == 0 && diffs > 0)
        return "BK-BETTER-001";
    if (diffs == 1 && rule_cmp(up, stored) < 0)
        return "BK-BETTER-003";
    if (up.verified && !stored.verified && (up.fmi > stored.fmi || up.fc > stored.fc))
        return "BK-BETTER-005";
    if (up.verified == stored.verified && up.fmi < stored.fmi && up.fc > stored.fc)
        return "BK-BETTER-006";
    return NULL;
}

static cJSON *key_json(rank3 k)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "is_verified", k.verified);
    cJSON_AddNumberToObject(o, "first_message_index", k.fmi);
    cJSON_AddNumberToObject(o, "forwarded_count", k.fc);
    return o;
}

static void name(char *out, size_t cap, rank3 k)
{
    snprintf(out, cap, "%c%d.%d", k.verified ? 'T' : 'F', k.fmi, k.fc);
}

static int pair(mxt_vg_file *f, rank3 stored, rank3 up, const char *extra_flag, const char *tag)
{
    char a[16], b[16], slug[64], comment[160];
    name(a, sizeof a, stored);
    name(b, sizeof b, up);
    snprintf(slug, sizeof slug, "%s%s-then-%s", tag, a, b);
    int replace = rule_cmp(up, stored) < 0;
    int synapse = synapse_replaces(stored, up);
    const char *contrast = strcmp(tag, "") == 0 ? contrast_for(stored, up) : NULL;
    snprintf(comment, sizeof comment, "stored (%s) vs uploaded (%s): the rule says %s%s%s%s", a,
             b, replace ? "replace" : "keep",
             synapse != replace ? (synapse ? "; Synapse replaces" : "; Synapse keeps") : "",
             contrast ? "; contrast case of " : "", contrast ? contrast : "");
    const char *flags[3] = {NULL, NULL, NULL};
    size_t nf = 0;
    if (synapse != replace)
        flags[nf++] = "divergence:synapse-13704";
    if (extra_flag)
        flags[nf++] = extra_flag;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddItemToObject(in, "stored", key_json(stored));
    cJSON_AddItemToObject(in, "uploaded", key_json(up));
    const char *primary = rule_for(stored, up);
    const char *rules[4] = {primary, "BK-BETTER-002", contrast, NULL};
    if (strcmp(primary, "BK-BETTER-002") == 0) { /* cite BK-BETTER-002 once */
        rules[1] = contrast;
        rules[2] = NULL;
    }
    return mxt_vg_add(f, slug, rules, comment, flags,
                      "better_key", in,
                      mxt_vg_expect(replace ? "replace" : "keep", reason_for(stored, up)));
}

/* The draft catalog's table TV-9 (values as tabulated there). */
static int tv9(mxt_vg_file *f)
{
    static const rank3 rows[][2] = {
        {{1, 10, 5}, {0, 9, 4}},  {{1, 10, 5}, {0, 9, 5}},  {{1, 10, 5}, {0, 9, 6}},
        {{1, 10, 5}, {0, 10, 4}}, {{1, 10, 5}, {0, 11, 4}}, {{1, 10, 5}, {1, 11, 4}},
        {{0, 10, 5}, {0, 11, 4}}, {{0, 10, 5}, {1, 11, 6}}, {{0, 10, 5}, {0, 9, 6}},
        {{0, 10, 5}, {0, 10, 4}}, {{0, 10, 5}, {0, 10, 5}}, {{0, 9, 6}, {0, 10, 5}},
        {{0, 10, 5}, {0, 9, 6}},
    };
    int e = 0;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char tag[16];
        snprintf(tag, sizeof tag, "tv9-%02zu-", i);
        e |= pair(f, rows[i][0], rows[i][1], "catalog-table", tag);
    }
    return e;
}

static int empty_slot(mxt_vg_file *f, rank3 up)
{
    char b[16], slug[64], comment[128];
    name(b, sizeof b, up);
    snprintf(slug, sizeof slug, "empty-then-%s", b);
    snprintf(comment, sizeof comment, "no stored key: the upload (%s) is stored", b);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNullToObject(in, "stored");
    cJSON_AddItemToObject(in, "uploaded", key_json(up));
    return mxt_vg_add(f, slug, MXT_VG_LIST("BK-BETTER-001"), comment, NULL, "better_key", in,
                      mxt_vg_expect("store", "NO_STORED_KEY"));
}

/* Two uploads in both orders must leave a key of the same rank (BK-BETTER-004). */
static int sequence(mxt_vg_file *f, rank3 a, rank3 b)
{
    int e = 0;
    rank3 order[2][2] = {{a, b}, {b, a}};
    rank3 winner = rule_cmp(a, b) <= 0 ? a : b;
    for (int o = 0; o < 2; o++) {
        rank3 first = order[o][0], second = order[o][1];
        rank3 synapse_final = synapse_replaces(first, second) ? second : first;
        char x[16], y[16], slug[64], comment[160];
        name(x, sizeof x, first);
        name(y, sizeof y, second);
        snprintf(slug, sizeof slug, "seq-%s-%s", x, y);
        int diverges = rule_cmp(synapse_final, winner) != 0;
        snprintf(comment, sizeof comment,
                 "upload %s then %s: the better key stays whatever the order%s", x, y,
                 diverges ? "; Synapse keeps the later one" : "");
        cJSON *in = cJSON_CreateObject(), *ups = cJSON_CreateArray();
        cJSON_AddItemToArray(ups, key_json(first));
        cJSON_AddItemToArray(ups, key_json(second));
        cJSON_AddItemToObject(in, "uploads", ups);
        cJSON *exp = mxt_vg_expect("ok", NULL);
        cJSON_AddItemToObject(exp, "output", key_json(winner));
        e |= mxt_vg_add(f, slug, MXT_VG_LIST("BK-BETTER-004"), comment,
                        diverges ? MXT_VG_LIST("divergence:synapse-13704") : NULL,
                        "better_key_sequence", in, exp);
    }
    return e;
}

int gen_bk_better(mxt_vg_file *f)
{
    rank3 all[18];
    size_t n = 0;
    for (int v = 0; v < 2; v++)
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 3; c++)
                all[n++] = (rank3){v, i, c};
    int e = tv9(f);
    for (size_t i = 0; i < n; i++)
        e |= empty_slot(f, all[i]);
    /* Every ordered pair of ranks over a small domain: exhaustive for the three-step rule. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            e |= pair(f, all[i], all[j], "exhaustive", "");
    /* Arrival order: every unordered pair of distinct ranks, in both orders. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            e |= sequence(f, all[i], all[j]);
    e |= gen_client_bk_better(f); /* client decisions (gen_client.c) */
    return e ? -1 : 0;
}
