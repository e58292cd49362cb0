/*
 * fuzz_json: the core JSON reader (core/json.c) against cJSON and against its own laws.
 *  - no crash, no sanitizer report, on any bytes, both number profiles, depth limits from 1 to
 *    65535 (there each token's depth is its parent's plus one);
 *  - an accepted document satisfies mxt_doc_ok (checked at run time, token by token);
 *  - the core accepts only what cJSON accepts; on the class both are meant to accept (oj_prescan:
 *    no duplicate keys, canonical integers in range, valid UTF-8, no raw controls, depth <= 64)
 *    the core accepts, and its canonical form equals the oracle printer's (oracle_json.c);
 *  - a rejection reports an offset within the input; with fewer tokens than the document needs
 *    the reader says E_TOKENS, with exactly enough it succeeds.
 */
#include <string.h>
#include "fuzz_common.h"
#include "oracle.h"
#include "json.h"
#include "canon.h"

static mxt_json_token toks[MXT_FUZZ_MAX_INPUT + 2];
static uint8_t out[4 * MXT_FUZZ_MAX_INPUT + 64];

static void check_doc(const mxt_json_doc *d)
{
    ORACLE(d->count >= 1 && d->count <= d->cap, "count %u cap %u", d->count, d->cap);
    for (uint32_t i = 0; i < d->count; i++) {
        const mxt_json_token *t = &d->tok[i];
        ORACLE(t->type >= 1 && t->type <= 7, "token %u type %u", i, t->type);
        ORACLE(t->start <= d->in_len && t->len <= d->in_len - t->start, "token %u span", i);
        ORACLE(i < t->end && t->end <= d->count, "token %u end %u", i, t->end);
        ORACLE(t->link == MXT_JSON_NONE || t->link < d->count, "token %u link", i);
        ORACLE(t->parent == MXT_JSON_NONE || t->parent < i, "token %u parent", i);
        if (t->type == MXT_JSON_NUMBER)
            ORACLE(t->num >= MXT_JSON_INT_MIN && t->num <= MXT_JSON_INT_MAX, "number range");
        if (t->type == MXT_JSON_OBJECT) {          /* link chain: every key once, ascending */
            uint32_t k = t->link, seen = 0;
            while (k != MXT_JSON_NONE) {
                ORACLE(d->tok[k].type == MXT_JSON_STRING && d->tok[k].parent == i, "link to key");
                seen++;
                ORACLE(seen <= t->count, "link chain longer than the member count");
                k = d->tok[k].link;
            }
            ORACLE(seen == t->count, "chain %u members %u", seen, t->count);
        }
    }
    ORACLE(d->tok[0].end == d->count && d->tok[0].parent == MXT_JSON_NONE, "root");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MXT_FUZZ_MAX_INPUT) size = MXT_FUZZ_MAX_INPUT;
    mxt_json_doc doc;
    mxt_where where;
    uint32_t cap = (uint32_t)size + 1u;

    /* the normalising profile and a small depth limit: only memory safety and offsets */
    mxt_json_opts norm = { (uint32_t)(size % 7u), MXT_NUM_NORMALISE };
    mxt_status sn = mxt_json_parse(data, size, toks, cap, &norm, &doc, &where);
    if (sn == MXT_OK) check_doc(&doc);
    else ORACLE(where.offset <= size && doc.count == 0, "offset %zu of %zu", where.offset, size);

    /* the largest depth limit: deep nesting must neither overflow a depth field nor the stack */
    mxt_json_opts deep = { 65535u, MXT_NUM_STRICT };
    mxt_status sd = mxt_json_parse(data, size, toks, cap, &deep, &doc, &where);
    if (sd == MXT_OK) {
        check_doc(&doc);
        for (uint32_t i = 1; i < doc.count; i++)
            ORACLE(doc.tok[i].depth == doc.tok[doc.tok[i].parent].depth + 1u, "depth of token %u", i);
    }

    /* the default, strict profile */
    mxt_status s = mxt_json_parse(data, size, toks, cap, NULL, &doc, &where);
    if (s != MXT_OK) {
        ORACLE(where.offset <= size, "offset %zu of %zu (%s)", where.offset, size, mxt_status_name(s));
        ORACLE(s != MXT_E_TOKENS && s != MXT_E_INTERNAL, "%s with len+1 tokens", mxt_status_name(s));
    } else {
        check_doc(&doc);
        ORACLE(sn == MXT_OK || norm.max_depth != 0, "strict accepts, normalising refuses: %s",
               mxt_status_name(sn));
    }

    /* too few tokens: E_TOKENS (or an earlier error), never a write past the array */
    if (s == MXT_OK && doc.count > 1) {
        uint32_t need = doc.count, small = 1u + (uint32_t)(size % (need - 1u));
        mxt_json_doc d2;
        mxt_status st = mxt_json_parse(data, size, toks, small, NULL, &d2, &where);
        ORACLE(st == MXT_E_TOKENS, "%u of %u tokens: %s", small, need, mxt_status_name(st));
        st = mxt_json_parse(data, size, toks, need, NULL, &d2, &where);   /* exactly enough */
        ORACLE(st == MXT_OK && d2.count == need, "exact token count: %s", mxt_status_name(st));
    }

    oj_scan scan = oj_prescan(data, size, MXT_JSON_DEFAULT_DEPTH);
    cJSON *cj = oj_cjson_parse(data, size);
    ORACLE(s != MXT_OK || cj != NULL, "the core accepts what cJSON refuses");
    bool dup = (cj != NULL) && oj_has_duplicate_keys(cj);
    if (s == MXT_OK && !scan.nul_escape) {
        ORACLE(scan.clean && !dup, "accepted, yet outside the common class: %s",
               dup ? "duplicate keys" : scan.why);
    }
    if (cj != NULL && scan.clean && !dup) {
        ORACLE(s == MXT_OK, "both are meant to accept; core says %s at %zu",
               mxt_status_name(s), where.offset);
        size_t mine = 0, theirs = 0;
        mxt_status e = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, out, sizeof out, &mine);
        ORACLE(e == MXT_OK, "encode: %s", mxt_status_name(e));
        char *ref = oj_canon(cj, &theirs);
        ORACLE(mine == theirs && memcmp(out, ref, mine) == 0,
               "canonical forms differ:\n  core:   %.*s\n  oracle: %s", (int)mine, out, ref);
        free(ref);
    }
    cJSON_Delete(cj);
    return 0;
}
