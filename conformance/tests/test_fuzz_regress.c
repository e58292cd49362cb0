/*
 * Regression tests for what fuzzing (fuzz/, fuzz/ORACLES.md) found in the core: each input below
 * is one a fuzz target reported, reduced by hand, with the outcome the rule gives.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "xs_key.h"

#define KEY "PG4NExAGzwRUAaqyGgJrZUoHVXxMfBZa1yFQ1r1eetA"

static mxt_xsk_reason check_key(const char *name, mxt_xs_key_facts *facts)
{
    static mxt_json_token tok[64];
    char json[512];
    mxt_json_doc doc;
    mxt_where where;
    uint8_t pk[32];
    snprintf(json, sizeof json,
             "{\"keys\":{\"%s\":\"" KEY "\"},\"usage\":[\"master\"],\"user_id\":\"@carol:example.org\"}",
             name);
    cr_assert_eq(mxt_json_parse((const uint8_t *)json, strlen(json), tok, 64, NULL, &doc, &where),
                 MXT_OK, "%s", json);
    return mxt_xs_key_check(&doc, 0, (const uint8_t *)"@carol:example.org", 18, MXT_XS_MASTER, pk,
                            facts);
}

/* fuzz_xs: a key name longer than 64 bytes that does not start with "ed25519:" was reported as
 * KEY_ID_MISMATCH; XS-001's checks report the algorithm first (xsk_reason). */
Test(fuzz_regress, xs_long_key_name_without_ed25519_prefix_is_algorithm)
{
    mxt_xs_key_facts f;
    char name[128];
    snprintf(name, sizeof name, "curve25519:%s%s", KEY, "AAAAAAAAAAAAAAAAAAAA");
    cr_assert_gt(strlen(name), 64u);
    cr_assert_eq(check_key(name, &f), MXT_XSK_KEY_ALGORITHM, "%s", mxt_xsk_reason_name(check_key(name, &f)));
    cr_assert_eq(f.id_ed25519, 0);
    cr_assert_eq(f.id_matches, 0);
}

/* The same length with the prefix: the name cannot match the 43-character value. */
Test(fuzz_regress, xs_long_key_name_with_ed25519_prefix_is_mismatch)
{
    mxt_xs_key_facts f;
    char name[128];
    snprintf(name, sizeof name, "ed25519:%s%s", KEY, "AAAAAAAAAAAAAAAAAAAA");
    cr_assert_gt(strlen(name), 64u);
    cr_assert_eq(check_key(name, &f), MXT_XSK_KEY_ID_MISMATCH);
    cr_assert_eq(f.id_ed25519, 1);
    cr_assert_eq(f.id_matches, 0);
}

/* The prefix written with escapes still counts: the reading compares unescaped bytes. */
Test(fuzz_regress, xs_long_escaped_prefix_is_read_unescaped)
{
    mxt_xs_key_facts f;
    char name[160];
    snprintf(name, sizeof name, "\\u0065d25519:%s%s", KEY, "AAAAAAAAAAAAAAAAAAAA");
    cr_assert_eq(check_key(name, &f), MXT_XSK_KEY_ID_MISMATCH);
    cr_assert_eq(f.id_ed25519, 1);
}

/* Short names keep their behaviour: the exact name is accepted, another algorithm is refused. */
Test(fuzz_regress, xs_short_names_unchanged)
{
    mxt_xs_key_facts f;
    cr_assert_eq(check_key("ed25519:" KEY, &f), MXT_XSK_OK);
    cr_assert_eq(check_key("curve25519:" KEY, &f), MXT_XSK_KEY_ALGORITHM);
}
