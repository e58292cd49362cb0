/* The mutation engine of `mxtrust fuzz` (conformance/lib/mutate.h): text edits, determinism of
 * the generator, the minimiser, and coverage of the mutation kinds on the real vectors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "mutate.h"
#include "vecfile.h"

static char *apply(const char *text, mxt_edit_op e, const char *path, const char *arg,
                   size_t pos)
{
    mxt_mutation m = {MXT_MUT_STRING, e, (char *)(uintptr_t)path, (char *)(uintptr_t)arg, pos};
    return mxt_mutation_apply_text(text, strlen(text), &m, NULL);
}

static void expect_edit(const char *text, mxt_edit_op e, const char *path, const char *arg,
                        size_t pos, const char *want)
{
    char *got = apply(text, e, path, arg, pos);
    if (!want) {
        cr_expect_null(got, "%s %s on %s: expected not to apply, got %s", mxt_edit_name(e), path,
                       text, got);
    } else {
        cr_assert_not_null(got, "%s %s on %s did not apply", mxt_edit_name(e), path, text);
        cr_expect_str_eq(got, want, "%s %s on %s", mxt_edit_name(e), path, text);
    }
    free(got);
}

Test(mutate, rng_is_deterministic)
{
    mxt_rng a, b, c;
    mxt_rng_seed(&a, 42);
    mxt_rng_seed(&b, 42);
    mxt_rng_seed(&c, 43);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = mxt_rng_next(&a), y = mxt_rng_next(&b), z = mxt_rng_next(&c);
        cr_assert_eq(x, y);
        differ += x != z;
    }
    cr_expect_gt(differ, 90);
    for (int i = 0; i < 1000; i++)
        cr_assert_lt(mxt_rng_below(&a, 7), 7u);
}

Test(mutate, replace_value_and_key)
{
    const char *t = "{\"a\":1,\"b\":[true,\"x\"]}";
    expect_edit(t, MXT_EDIT_REPLACE_VALUE, "/a", "2.0", 0, "{\"a\":2.0,\"b\":[true,\"x\"]}");
    expect_edit(t, MXT_EDIT_REPLACE_VALUE, "/b/1", "null", 0, "{\"a\":1,\"b\":[true,null]}");
    expect_edit(t, MXT_EDIT_REPLACE_VALUE, "", "[]", 0, "[]");
    expect_edit(t, MXT_EDIT_REPLACE_KEY, "/b", "\"c\"", 0, "{\"a\":1,\"c\":[true,\"x\"]}");
    expect_edit(t, MXT_EDIT_REPLACE_KEY, "/b/0", "\"c\"", 0, NULL); /* elements have no name */
    expect_edit(t, MXT_EDIT_REPLACE_VALUE, "/missing", "1", 0, NULL);
    expect_edit(t, MXT_EDIT_REPLACE_VALUE, "/b/2", "1", 0, NULL);
    expect_edit("{\"a\":", MXT_EDIT_REPLACE_VALUE, "/a", "1", 0, NULL); /* not JSON */
    /* Names with '/' and '~' are escaped in paths; escaped names are matched decoded. */
    expect_edit("{\"a/b\":1,\"c~d\":2,\"\\u0065\":3}", MXT_EDIT_REPLACE_VALUE, "/a~1b", "0", 0,
                "{\"a/b\":0,\"c~d\":2,\"\\u0065\":3}");
    expect_edit("{\"a/b\":1,\"c~d\":2,\"\\u0065\":3}", MXT_EDIT_REPLACE_VALUE, "/c~0d", "0", 0,
                "{\"a/b\":1,\"c~d\":0,\"\\u0065\":3}");
    expect_edit("{\"a/b\":1,\"c~d\":2,\"\\u0065\":3}", MXT_EDIT_REPLACE_VALUE, "/e", "0", 0,
                "{\"a/b\":1,\"c~d\":2,\"\\u0065\":0}");
}

Test(mutate, remove_insert_swap_duplicate)
{
    const char *t = "{\"a\":1, \"b\":2 ,\"c\":3}";
    expect_edit(t, MXT_EDIT_REMOVE, "/a", NULL, 0, "{\"b\":2 ,\"c\":3}");
    expect_edit(t, MXT_EDIT_REMOVE, "/b", NULL, 0, "{\"a\":1, \"c\":3}");
    expect_edit(t, MXT_EDIT_REMOVE, "/c", NULL, 0, "{\"a\":1, \"b\":2}");
    expect_edit("{\"only\":[1]}", MXT_EDIT_REMOVE, "/only", NULL, 0, "{}");
    expect_edit("[1,2,3]", MXT_EDIT_REMOVE, "/1", NULL, 0, "[1,3]");
    expect_edit("[1]", MXT_EDIT_REMOVE, "", NULL, 0, NULL); /* the root stays */
    expect_edit(t, MXT_EDIT_INSERT, "", "\"z\":0", 0, "{\"z\":0,\"a\":1, \"b\":2 ,\"c\":3}");
    expect_edit(t, MXT_EDIT_INSERT, "", "\"z\":0", 2, "{\"a\":1, \"b\":2 ,\"z\":0,\"c\":3}");
    expect_edit(t, MXT_EDIT_INSERT, "", "\"z\":0", 9, "{\"a\":1, \"b\":2 ,\"c\":3,\"z\":0}");
    expect_edit("{\"o\":{}}", MXT_EDIT_INSERT, "/o", "\"z\":0", 0, "{\"o\":{\"z\":0}}");
    expect_edit(t, MXT_EDIT_INSERT, "/a", "\"z\":0", 0, NULL); /* not a container */
    expect_edit(t, MXT_EDIT_SWAP_NEXT, "", NULL, 0, "{\"b\":2, \"a\":1 ,\"c\":3}");
    expect_edit(t, MXT_EDIT_SWAP_NEXT, "", NULL, 1, "{\"a\":1, \"c\":3 ,\"b\":2}");
    expect_edit(t, MXT_EDIT_SWAP_NEXT, "", NULL, 2, NULL);
    expect_edit(t, MXT_EDIT_DUPLICATE, "/b", NULL, 0, "{\"a\":1, \"b\":2,\"b\":2 ,\"c\":3}");
}

Test(mutate, edits_inside_json_text_held_by_a_string)
{
    cJSON *in = cJSON_Parse("{\"json\":\"{\\\"x\\\":{\\\"y\\\":1,\\\"z\\\":\\\"q\\\\u00e9\\\"}}\","
                            "\"user\":\"@a:b\"}");
    cr_assert_not_null(in);
    mxt_mutation m[2] = {
        {MXT_MUT_NUMBER, MXT_EDIT_REPLACE_VALUE, (char *)"/json/~j/x/y", (char *)"1.0", 0},
        {MXT_MUT_REORDER, MXT_EDIT_SWAP_NEXT, (char *)"/json/~j/x", NULL, 0},
    };
    size_t applied = 0;
    cJSON *out = mxt_mutant_apply(in, m, 2, NULL, &applied);
    cr_assert_not_null(out);
    cr_expect_eq(applied, 2u);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(out, "json");
    cr_assert(cJSON_IsString(j));
    /* The inner text keeps its escape (\u00e9), gets the new number spelling and order. */
    cr_expect_str_eq(j->valuestring, "{\"x\":{\"z\":\"q\\u00e9\",\"y\":1.0}}");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(out, "user")->valuestring, "@a:b");
    cJSON_Delete(out);
    /* Only the second edit. */
    unsigned char keep[2] = {0, 1};
    out = mxt_mutant_apply(in, m, 2, keep, &applied);
    cr_expect_eq(applied, 1u);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(out, "json")->valuestring,
                     "{\"x\":{\"z\":\"q\\u00e9\",\"y\":1}}");
    cJSON_Delete(out);
    /* A path into a string that is not JSON does not apply. */
    mxt_mutation bad = {MXT_MUT_STRING, MXT_EDIT_REPLACE_VALUE, (char *)"/user/~j", (char *)"1", 0};
    out = mxt_mutant_apply(in, &bad, 1, NULL, &applied);
    cr_expect_eq(applied, 0u);
    cr_expect(cJSON_Compare(out, in, 1));
    cJSON_Delete(out);
    cJSON_Delete(in);
}

/* ---- generation on the real vectors ---- */

static mxt_vecset g_set;

static void load(void)
{
    memset(&g_set, 0, sizeof g_set);
    mxt_vecset_load(&g_set, MXT_SOURCE_DIR "/vectors");
    cr_assert_gt(g_set.n_vec, 100u, "vectors/ did not load");
}

static void unload(void)
{
    mxt_vecset_free(&g_set);
}

static int same_mutant(const mxt_mutant *a, const mxt_mutant *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        const mxt_mutation *x = &a->m[i], *y = &b->m[i];
        if (x->kind != y->kind || x->edit != y->edit || x->pos != y->pos ||
            strcmp(x->path, y->path) != 0 || (!x->arg) != (!y->arg) ||
            (x->arg && strcmp(x->arg, y->arg) != 0))
            return 0;
    }
    return 1;
}

Test(mutate, generation_is_deterministic_and_every_edit_applies, .init = load, .fini = unload)
{
    size_t differ = 0;
    for (size_t i = 0; i < 300; i++) {
        const mxt_vector *v = &g_set.vec[(i * 7919) % g_set.n_vec];
        const cJSON *donor = g_set.vec[(i * 7919 + 1) % g_set.n_vec].input;
        mxt_rng r1, r2, r3;
        mxt_rng_seed(&r1, i);
        mxt_rng_seed(&r2, i);
        mxt_rng_seed(&r3, i + 1000);
        mxt_mutant a, b, c;
        int ra = mxt_mutant_generate(v->input, &donor, 1, &r1, 3, &a);
        int rb = mxt_mutant_generate(v->input, &donor, 1, &r2, 3, &b);
        int rc = mxt_mutant_generate(v->input, &donor, 1, &r3, 3, &c);
        cr_assert_eq(ra, rb);
        cr_assert(same_mutant(&a, &b), "seed %zu on %s: two different mutants", i, v->id);
        if (ra == 0 && rc == 0)
            differ += !same_mutant(&a, &c);
        if (ra == 0) {
            cr_assert(a.n >= 1 && a.n <= 3);
            size_t applied = 0;
            cJSON *m1 = mxt_mutant_apply(v->input, a.m, a.n, NULL, &applied);
            cJSON *m2 = mxt_mutant_apply(v->input, b.m, b.n, NULL, NULL);
            cr_assert_not_null(m1, "%s: the mutant is not JSON", v->id);
            cr_expect_eq(applied, a.n, "%s: an edit of its own mutant did not apply", v->id);
            cr_expect(cJSON_Compare(m1, m2, 1));
            cr_expect(!cJSON_Compare(m1, v->input, 1), "%s: the mutant equals the input", v->id);
            cJSON_Delete(m1);
            cJSON_Delete(m2);
        }
        mxt_mutant_free(&a);
        mxt_mutant_free(&b);
        mxt_mutant_free(&c);
    }
    cr_expect_gt(differ, 250u, "other seeds should give other mutants (%zu of 300 differ)", differ);
}

Test(mutate, every_kind_is_generated_on_the_vectors, .init = load, .fini = unload)
{
    size_t seen[MXT_MUT_COUNT_] = {0};
    for (size_t i = 0; i < 3000; i++) {
        const mxt_vector *v = &g_set.vec[(i * 104729) % g_set.n_vec];
        const cJSON *donor = g_set.vec[(i * 104729 + 3) % g_set.n_vec].input;
        mxt_rng r;
        mxt_rng_seed(&r, i);
        mxt_mutant a;
        if (mxt_mutant_generate(v->input, &donor, 1, &r, 1, &a) == 0)
            seen[a.m[0].kind]++;
        mxt_mutant_free(&a);
    }
    for (int k = 0; k < MXT_MUT_COUNT_; k++)
        if (k != MXT_MUT_REDUCE)
            cr_expect_gt(seen[k], 0u, "kind %s never generated",
                         mxt_mut_kind_name((mxt_mut_kind)k));
    cr_expect_eq(seen[MXT_MUT_REDUCE], 0u, "reduce edits come from the reducer only");
}

Test(mutate, signature_bitflip_changes_one_bit)
{
    /* The spec's signed {} with its signature. */
    cJSON *in = cJSON_Parse(
        "{\"json\":\"{\\\"signatures\\\":{\\\"domain\\\":{\\\"ed25519:1\\\":\\\"K8280/U9SSy9IVtj"
        "BuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\\\"}}}\","
        "\"user\":\"domain\",\"key_id\":\"ed25519:1\"}");
    cr_assert_not_null(in);
    size_t flips = 0;
    for (uint64_t seed = 0; seed < 400; seed++) {
        mxt_rng r;
        mxt_rng_seed(&r, seed);
        mxt_mutant a;
        if (mxt_mutant_generate(in, NULL, 0, &r, 1, &a) == 0 &&
            a.m[0].kind == MXT_MUT_SIG_BITFLIP) {
            flips++;
            const char *old = "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/"
                              "7Xg4ahLwYGYZzuHGZKM5ZAQ";
            const char *arg = a.m[0].arg;
            cr_assert_eq(strlen(arg), strlen(old) + 2);
            cr_expect_str_eq(a.m[0].path, "/json/~j/signatures/domain/ed25519:1");
            size_t ndiff = 0;
            for (size_t k = 0; k < strlen(old); k++)
                ndiff += arg[k + 1] != old[k];
            cr_expect(ndiff >= 1 && ndiff <= 2, "one bit changes one or two characters");
        }
        mxt_mutant_free(&a);
    }
    cr_expect_gt(flips, 5u);
    cJSON_Delete(in);
}

/* ---- the minimiser ---- */

typedef struct {
    size_t calls;
    const char *need[2]; /* values that must both appear in the input's "json" text */
} pctx;

static int pred_has(const cJSON *in, void *vctx)
{
    pctx *c = vctx;
    c->calls++;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(in, "json");
    if (!cJSON_IsString(j))
        return 0;
    for (int i = 0; i < 2; i++)
        if (c->need[i] && !strstr(j->valuestring, c->need[i]))
            return 0;
    return 1;
}

static void make_mutant(mxt_mutant *mu)
{
    static const char *const vals[] = {"11", "22", "33", "44", "55"};
    static const char *const paths[] = {"/json/~j/a", "/json/~j/b", "/json/~j/c", "/json/~j/d",
                                        "/json/~j/e"};
    mu->n = 5;
    mu->m = calloc(5, sizeof *mu->m);
    for (size_t i = 0; i < 5; i++) {
        mu->m[i].kind = MXT_MUT_NUMBER;
        mu->m[i].edit = MXT_EDIT_REPLACE_VALUE;
        mu->m[i].path = strdup(paths[i]);
        mu->m[i].arg = strdup(vals[i]);
    }
}

Test(mutate, minimiser_keeps_exactly_the_edits_that_matter)
{
    cJSON *in = cJSON_Parse("{\"json\":\"{\\\"a\\\":1,\\\"b\\\":2,\\\"c\\\":3,\\\"d\\\":4,"
                            "\\\"e\\\":5}\"}");
    /* One edit needed. */
    mxt_mutant mu;
    make_mutant(&mu);
    pctx c = {0, {"\"c\":33", NULL}};
    cr_assert(pred_has(in, &c) == 0); /* the unmutated input is not interesting */
    c.calls = 0;
    size_t removed = mxt_mutant_minimise(in, &mu, pred_has, &c, 100);
    cr_expect_eq(removed, 4u);
    cr_assert_eq(mu.n, 1u);
    cr_expect_str_eq(mu.m[0].path, "/json/~j/c");
    cr_expect_leq(c.calls, 100u);
    mxt_mutant_free(&mu);
    /* Two edits needed, in any order of removal. */
    make_mutant(&mu);
    pctx c2 = {0, {"\"b\":22", "\"e\":55"}};
    removed = mxt_mutant_minimise(in, &mu, pred_has, &c2, 100);
    cr_expect_eq(removed, 3u);
    cr_assert_eq(mu.n, 2u);
    cr_expect_str_eq(mu.m[0].path, "/json/~j/b");
    cr_expect_str_eq(mu.m[1].path, "/json/~j/e");
    /* 1-minimal: the remaining edits each matter. */
    unsigned char k0[2] = {0, 1}, k1[2] = {1, 0};
    cJSON *x = mxt_mutant_apply(in, mu.m, 2, k0, NULL);
    cr_expect(!pred_has(x, &c2));
    cJSON_Delete(x);
    x = mxt_mutant_apply(in, mu.m, 2, k1, NULL);
    cr_expect(!pred_has(x, &c2));
    cJSON_Delete(x);
    mxt_mutant_free(&mu);
    /* The budget bounds the predicate calls. */
    make_mutant(&mu);
    pctx c3 = {0, {"\"c\":33", NULL}};
    removed = mxt_mutant_minimise(in, &mu, pred_has, &c3, 2);
    cr_expect_eq(c3.calls, 2u);
    cr_expect_eq(removed, 2u);
    cr_expect_eq(mu.n, 3u);
    mxt_mutant_free(&mu);
    /* Nothing needed: every edit goes. */
    make_mutant(&mu);
    pctx c4 = {0, {"\"a\"", NULL}};
    removed = mxt_mutant_minimise(in, &mu, pred_has, &c4, 100);
    cr_expect_eq(mu.n, 0u);
    cr_expect_eq(removed, 5u);
    mxt_mutant_free(&mu);
    cJSON_Delete(in);
}

Test(mutate, escape_and_whitespace_keep_the_meaning)
{
    cJSON *in = cJSON_Parse("{\"json\":\"{\\\"k\\u00e9y/\\\":[\\\"v\\u20ac\\\",1,{\\\"\\\":2}]}\"}");
    cr_assert_not_null(in);
    const cJSON *orig = cJSON_GetObjectItemCaseSensitive(in, "json");
    cJSON *want = cJSON_Parse(orig->valuestring);
    size_t checked = 0;
    for (uint64_t seed = 0; seed < 600; seed++) {
        mxt_rng r;
        mxt_rng_seed(&r, seed);
        mxt_mutant a;
        if (mxt_mutant_generate(in, NULL, 0, &r, 1, &a) == 0 &&
            (a.m[0].kind == MXT_MUT_ESCAPE || a.m[0].kind == MXT_MUT_WHITESPACE)) {
            cJSON *out = mxt_mutant_apply(in, a.m, a.n, NULL, NULL);
            const cJSON *j = cJSON_GetObjectItemCaseSensitive(out, "json");
            cr_assert(cJSON_IsString(j));
            cr_expect_str_neq(j->valuestring, orig->valuestring);
            cJSON *got = cJSON_Parse(j->valuestring);
            cr_assert_not_null(got, "%s: %s", mxt_mut_kind_name(a.m[0].kind), j->valuestring);
            cr_expect(cJSON_Compare(got, want, 1), "%s changed the value: %s",
                      mxt_mut_kind_name(a.m[0].kind), j->valuestring);
            cJSON_Delete(got);
            cJSON_Delete(out);
            checked++;
        }
        mxt_mutant_free(&a);
    }
    cr_expect_gt(checked, 20u);
    cJSON_Delete(want);
    cJSON_Delete(in);
}

/* ---- the reducer ---- */

static int pred_keeps_b(const cJSON *in, void *vctx)
{
    size_t *calls = vctx;
    (*calls)++;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(in, "json");
    return cJSON_IsString(j) && strstr(j->valuestring, "\"b\":{\"keep\":1") != NULL;
}

Test(mutate, reducer_removes_what_does_not_matter)
{
    cJSON *in = cJSON_Parse("{\"json\":\"{\\\"a\\\":[1,2,{\\\"x\\\":3}],"
                            "\\\"b\\\":{\\\"keep\\\":1,\\\"drop\\\":[4,5]},"
                            "\\\"c\\\":\\\"s\\\"}\",\"n\":[7,8]}");
    cr_assert_not_null(in);
    mxt_mutant mu = {0};
    size_t calls = 0;
    size_t kept = mxt_mutant_reduce(in, &mu, pred_keeps_b, &calls, 100);
    cJSON *out = mxt_mutant_apply(in, mu.m, mu.n, NULL, NULL);
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(out, "json");
    cr_assert(cJSON_IsString(j));
    /* a, c and b.drop go; b.keep stays; the outer list loses its elements too. */
    cr_expect_str_eq(j->valuestring, "{\"b\":{\"keep\":1}}");
    char *n = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(out, "n"));
    cr_expect_str_eq(n, "[]");
    free(n);
    cr_expect_eq(kept, mu.n);
    for (size_t i = 0; i < mu.n; i++)
        cr_expect_eq(mu.m[i].kind, MXT_MUT_REDUCE);
    cr_expect_leq(calls, 100u);
    cJSON_Delete(out);
    mxt_mutant_free(&mu);
    /* The budget bounds the calls. */
    calls = 0;
    mxt_mutant_reduce(in, &mu, pred_keeps_b, &calls, 3);
    cr_expect_eq(calls, 3u);
    mxt_mutant_free(&mu);
    cJSON_Delete(in);
}
