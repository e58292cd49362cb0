/* Tests for the server suite's pieces that need no server: credential redaction, evidence excerpts,
 * path escaping, canonical comparison of response subtrees, and the scenario table. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "canon.h"
#include "rules_db.h"
#include "server_http.h"
#include "server_int.h"
#include "server_suite.h"

static mxt_http *h;

static void setup(void)
{
    h = mxt_http_open("http://127.0.0.1:1/", 1000, 0, 0);
    cr_assert_not_null(h);
}

static void teardown(void)
{
    mxt_http_close(h);
}

TestSuite(server_http, .init = setup, .fini = teardown);

Test(server_http, registered_secrets_are_redacted_everywhere)
{
    mxt_http_secret(h, "syt_secret_token_123");
    mxt_http_secret(h, "shared-secret-xyz");
    char *s = mxt_http_redact(h, "a syt_secret_token_123 b syt_secret_token_123 shared-secret-xyz");
    cr_assert_str_eq(s, "a <redacted> b <redacted> <redacted>");
    free(s);
}

Test(server_http, too_short_secrets_are_not_registered)
{
    mxt_http_secret(h, "abc");
    char *s = mxt_http_redact(h, "abcabc");
    cr_assert_str_eq(s, "abcabc");
    free(s);
}

Test(server_http, credential_members_are_redacted_by_name)
{
    char *s = mxt_http_redact(h, "{\"access_token\": \"t\\\"x\", \"user_id\":\"@a:b\",\"password\":\"pw\","
                                 "\"mac\":\"00ff\",\"nonce\" : \"n\",\"count\":3}");
    cr_assert_str_eq(s, "{\"access_token\": \"<redacted>\", \"user_id\":\"@a:b\",\"password\":"
                        "\"<redacted>\",\"mac\":\"<redacted>\",\"nonce\" : \"<redacted>\",\"count\":3}");
    free(s);
    /* a member name that is not followed by a string value is left alone */
    s = mxt_http_redact(h, "{\"password\":null,\"x\":\"password\"}");
    cr_assert_str_eq(s, "{\"password\":null,\"x\":\"password\"}");
    free(s);
}

Test(server_http, evidence_excerpt_is_redacted_before_it_is_cut)
{
    mxt_http_secret(h, "secret-token-abcdefgh");
    mxt_http_resp r;
    memset(&r, 0, sizeof r);
    snprintf(r.what, sizeof r.what, "GET /x");
    r.status = 500;
    /* the token straddles byte 300 of the body */
    char body[400];
    memset(body, 'x', sizeof body);
    memcpy(body + 290, "secret-token-abcdefgh", 21);
    body[sizeof body - 1] = 0;
    r.body = body;
    r.len = strlen(body);
    char *e = mxt_http_evidence(h, &r);
    cr_assert_null(strstr(e, "secret-token"));
    cr_assert_null(strstr(e, "secret"));
    cr_assert(strncmp(e, "GET /x -> 500: ", 15) == 0, "%s", e);
    cr_assert(strstr(e, "...") != NULL);
    free(e);
}

Test(server_http, evidence_shows_control_bytes_escaped_and_transport_errors)
{
    mxt_http_resp r;
    memset(&r, 0, sizeof r);
    snprintf(r.what, sizeof r.what, "PUT /k");
    r.status = 200;
    char body[] = "a\x01\xff";
    r.body = body;
    r.len = 3;
    char *e = mxt_http_evidence(h, &r);
    cr_assert_str_eq(e, "PUT /k -> 200: a\\x01\\xff");
    free(e);
    r.status = 0;
    snprintf(r.err, sizeof r.err, "no response within 5 ms");
    e = mxt_http_evidence(h, &r);
    cr_assert_str_eq(e, "PUT /k -> no response within 5 ms");
    free(e);
}

Test(server_http, a_refused_connection_is_an_error_response)
{
    mxt_http_resp r;
    int rc = mxt_http_call(h, "GET", "/_matrix/client/versions", "tok-abcdef", NULL, &r);
    cr_assert_eq(rc, -1);
    cr_assert_eq(r.status, 0);
    cr_assert(r.err[0] != 0);
    cr_assert_str_eq(r.what, "GET /_matrix/client/versions");
    mxt_http_resp_free(&r);
}

Test(server_http, path_segments_are_percent_encoded)
{
    char *s = mxt_http_escape("!room:example.org/x y+z");
    cr_assert_str_eq(s, "%21room%3Aexample.org%2Fx%20y%2Bz");
    free(s);
}

Test(server_http, canonical_subtree_comparison)
{
    const char *body = "{\"a\":{\"z\":1,\"b\":[true,null,\"\\u00e9\"]},\"n\":9007199254740991}";
    char why[200];
    char *c = srv_canon(body, strlen(body), SRV_PATH("a"), MXT_CANON_ALL, why, sizeof why);
    cr_assert_str_eq(c, "{\"b\":[true,null,\"\xc3\xa9\"],\"z\":1}");
    free(c);
    c = srv_canon(body, strlen(body), SRV_PATH("a", "missing"), MXT_CANON_ALL, why, sizeof why);
    cr_assert_null(c);
    cr_assert(strstr(why, "missing") != NULL);
    /* a number re-encoded as a double is not canonical JSON: the comparison cannot pass */
    const char *reenc = "{\"n\":9.007199254740991e+15}";
    c = srv_canon(reenc, strlen(reenc), NULL, MXT_CANON_ALL, why, sizeof why);
    cr_assert_null(c);
    /* signing mode drops signatures and unsigned */
    const char *k = "{\"keys\":{},\"signatures\":{\"@a:b\":{}},\"unsigned\":{}}";
    c = srv_canon(k, strlen(k), NULL, MXT_CANON_SIGNING, why, sizeof why);
    cr_assert_str_eq(c, "{\"keys\":{}}");
    free(c);
}

Test(server_http, scenario_table_is_well_formed)
{
    size_t n = mxt_srv_scenario_count();
    cr_assert_geq(n, 30);
    cJSON *db = mxt_rules_load();
    cr_assert_not_null(db);
    for (size_t i = 0; i < n; i++) {
        const mxt_srv_scenario *a = mxt_srv_scenario_at(i);
        cr_assert_not_null(a->fn);
        cr_assert_not_null(a->rules[0], "%s has no rule", a->id);
        cr_assert(strncmp(a->id, a->family, strlen(a->family)) == 0, "%s not in %s", a->id,
                  a->family);
        cr_assert(a->users >= 1 && a->users <= SRV_MAX_USERS);
        for (size_t k = 0; a->rules[k]; k++) {
            const cJSON *rule = mxt_rules_find(db, a->rules[k]);
            cr_assert_not_null(rule, "%s: unknown rule %s", a->id, a->rules[k]);
            const char *binds = mxt_rules_str(rule, "binds");
            cr_assert(binds && (strcmp(binds, "server") == 0 || strcmp(binds, "both") == 0),
                      "%s: %s does not bind servers", a->id, a->rules[k]);
            /* SKB: MSC4048's server rule (SKB-015, backup_mac kept opaquely) */
            cr_assert(strncmp(a->rules[k], "BK-SRV-", 7) == 0 ||
                          strncmp(a->rules[k], "BK-BETTER-", 10) == 0 ||
                          strncmp(a->rules[k], "XS-", 3) == 0 ||
                          strncmp(a->rules[k], "SKB-", 4) == 0,
                      "%s: %s", a->id, a->rules[k]);
        }
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(a->id, mxt_srv_scenario_at(j)->id);
    }
    cr_assert_null(mxt_srv_scenario_at(n));
    cJSON_Delete(db);
}
