/* Tests for the conformance runner's pieces: vector loading and validation, judging outcomes,
 * the JSON and JUnit reports, XML escaping, atomic writes, and the adapter client's handling of
 * well-behaved and faulty adapters. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "adapter_client.h"
#include "runreport.h"
#include "vecfile.h"

static const char *GOOD =
    "{\"schema\":\"mxtrust-vectors/1\",\"family\":\"CJSON\",\"notes\":\"n\",\"count\":2,"
    "\"vectors\":["
    "{\"id\":\"CJSON-a\",\"rules\":[\"CJSON-002\",\"CJSON-011\"],\"comment\":\"c\","
    "\"flags\":[\"spec-example\"],\"op\":\"canonical_json\",\"input\":{\"json\":\"{}\"},"
    "\"expected\":{\"result\":\"ok\",\"output\":\"{}\"}},"
    "{\"id\":\"CJSON-b\",\"rules\":[\"CJSON-009\"],\"comment\":\"d\",\"op\":\"canonical_json\","
    "\"input\":{\"json\":\"{}\"},\"expected\":{\"result\":\"reject\",\"reason\":\"E_X\"}}]}";

static void load(mxt_vecset *set, const char *name, const char *text)
{
    mxt_vecset_add_text(set, name, text, strlen(text));
}

/* 1 when some load error has this path and its message contains `part`. */
static int has_error(const mxt_vecset *set, const char *path, const char *part)
{
    for (size_t i = 0; i < set->n_err; i++)
        if (strcmp(set->err[i].path, path) == 0 && strstr(set->err[i].message, part))
            return 1;
    return 0;
}

static void dump_errors(const mxt_vecset *set)
{
    for (size_t i = 0; i < set->n_err; i++)
        cr_log_info("%s: %s: %s", set->err[i].file, set->err[i].path, set->err[i].message);
}

Test(load, good_file_gives_every_vector)
{
    mxt_vecset set = {0};
    load(&set, "CJSON.json", GOOD);
    dump_errors(&set);
    cr_assert_eq(set.n_err, 0);
    cr_assert_eq(set.n_vec, 2);
    cr_assert_str_eq(set.vec[0].id, "CJSON-a");
    cr_assert_str_eq(set.vec[0].family, "CJSON");
    cr_assert_eq(set.vec[0].n_rules, 2);
    cr_assert_str_eq(set.vec[0].rules[1], "CJSON-011");
    cr_assert_eq(set.vec[0].n_flags, 1);
    cr_assert_str_eq(set.vec[1].op, "canonical_json");
    cr_assert_eq(set.vec[1].index, 1);
    cr_assert(mxt_vector_selected(&set.vec[1], "CJSON", "CJSON-009"));
    cr_assert(!mxt_vector_selected(&set.vec[1], "CJSON", "CJSON-002"));
    cr_assert(!mxt_vector_selected(&set.vec[1], "SIG", NULL));
    mxt_vecset_free(&set);
}

Test(load, not_json_names_file_and_line)
{
    mxt_vecset set = {0};
    load(&set, "bad.json", "{\"schema\":\n\"mxtrust-vectors/1\",,}");
    cr_assert_eq(set.n_vec, 0);
    cr_assert_eq(set.n_err, 1);
    cr_assert_str_eq(set.err[0].file, "bad.json");
    cr_assert_str_eq(set.err[0].path, "$");
    cr_assert(strstr(set.err[0].message, "line 2"), "%s", set.err[0].message);
    mxt_vecset_free(&set);
}

Test(load, trailing_bytes_after_the_document_are_an_error)
{
    mxt_vecset set = {0};
    char *t = mxt_strfmt("%s\n}", GOOD);
    load(&set, "t.json", t);
    free(t);
    cr_assert(has_error(&set, "$", "not valid JSON"));
    mxt_vecset_free(&set);
}

Test(load, bad_vector_is_reported_by_path_and_the_rest_still_load)
{
    mxt_vecset set = {0};
    char *t = strdup(GOOD);
    char *r = strstr(t, "\"result\":\"reject\"");
    memcpy(r, "\"resulx\"", 8);
    load(&set, "CJSON.json", t);
    free(t);
    dump_errors(&set);
    cr_assert_eq(set.n_vec, 1);
    cr_assert_str_eq(set.vec[0].id, "CJSON-a");
    cr_assert(has_error(&set, "$.vectors[1].expected.result", "missing"));
    cr_assert(has_error(&set, "$.vectors[1].expected.resulx", "unknown member"));
    mxt_vecset_free(&set);
}

Test(load, header_problems)
{
    mxt_vecset set = {0};
    load(&set, "a.json", "{\"schema\":\"mxtrust-vectors/2\",\"family\":\"CJSON\",\"vectors\":[]}");
    cr_assert(has_error(&set, "$.schema", "mxtrust-vectors/1"));
    load(&set, "b.json", "{\"schema\":\"mxtrust-vectors/1\",\"family\":\"cjson\",\"vectors\":[]}");
    cr_assert(has_error(&set, "$.family", "family"));
    load(&set, "c.json", "{\"schema\":\"mxtrust-vectors/1\",\"family\":\"C\",\"vectors\":{}}");
    cr_assert(has_error(&set, "$.vectors", "not an array"));
    load(&set, "d.json", "[]");
    cr_assert(has_error(&set, "$", "not a JSON object"));
    char *t = strdup(GOOD);
    memcpy(strstr(t, "\"count\":2"), "\"count\":3", 9);
    load(&set, "e.json", t);
    free(t);
    cr_assert(has_error(&set, "$.count", "(2)"));
    mxt_vecset_free(&set);
}

Test(load, duplicate_ids_across_files)
{
    mxt_vecset set = {0};
    load(&set, "one.json", GOOD);
    load(&set, "two.json", GOOD);
    cr_assert_eq(set.n_vec, 2);
    cr_assert(has_error(&set, "$.vectors[0].id", "duplicate id \"CJSON-a\" (first in one.json"));
    cr_assert(has_error(&set, "$.vectors[1].id", "duplicate id \"CJSON-b\""));
    cr_assert_str_eq(set.err[0].file, "two.json");
    mxt_vecset_free(&set);
}

Test(load, vector_fields_are_checked)
{
    static const char *cases[][3] = {
        {"\"id\":\"CJSON-a\"", "$.vectors[0].id", "CJSON-<slug>"},
        {"\"rules\":[\"CJSON-002\",\"CJSON-011\"]", "$.vectors[0].rules", "empty"},
        {"\"comment\":\"c\"", "$.vectors[0].comment", "one line"},
        {"\"op\":\"canonical_json\"", "$.vectors[0].op", "operation name"},
        {"\"flags\":[\"spec-example\"]", "$.vectors[0].flags[0]", "does not match"},
        {"\"input\":{\"json\":\"{}\"}", "$.vectors[0].input", "not an object"},
        {"\"expected\":{\"result\":\"ok\",\"output\":\"{}\"}", "$.vectors[0].expected.any_of",
         "non-empty"},
    };
    static const char *repl[] = {
        "\"id\":\"SIG-a\"", "\"rules\":[]", "\"comment\":\"c\\nd\"", "\"op\":\"Canon\"",
        "\"flags\":[\"Bad Flag\"]", "\"input\":[1]", "\"expected\":{\"any_of\":[]}"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *at = strstr(GOOD, cases[i][0]);
        cr_assert(at);
        char *t = mxt_strfmt("%.*s%s%s", (int)(at - GOOD), GOOD, repl[i], at + strlen(cases[i][0]));
        mxt_vecset set = {0};
        load(&set, "x.json", t);
        free(t);
        dump_errors(&set);
        cr_assert(has_error(&set, cases[i][1], cases[i][2]), "case %zu", i);
        cr_assert_eq(set.n_vec, 1, "case %zu: the bad vector is left out", i);
        mxt_vecset_free(&set);
    }
}

Test(load, directory_of_fixtures)
{
    mxt_vecset set = {0};
    cr_assert_eq(mxt_vecset_load(&set, MXT_SOURCE_DIR "/conformance/tests/fixtures/vectors/malformed"), 0);
    dump_errors(&set);
    /* BROKEN.json is cut short, CJSON.json's second vector lacks its result, SIG.json is fine. */
    cr_assert(has_error(&set, "$", "not valid JSON"));
    cr_assert(has_error(&set, "$.vectors[1].expected.result", "missing"));
    cr_assert_eq(set.n_err, 2);
    cr_assert_eq(set.n_vec, 1 + 4);
    cr_assert_eq(mxt_vecset_load(&set, "/nonexistent/vectors"), -1);
    cr_assert(has_error(&set, "$", "cannot open"));
    mxt_vecset_free(&set);
}

/* ---- judging ---- */

static mxt_verdict judge(const char *expected, const char *result, const char *reason,
                         const char *output_json, int strict, char **why, char **note)
{
    cJSON *e = cJSON_Parse(expected);
    cr_assert(e);
    mxt_outcome a = {0};
    mxt_outcome_set(&a, result, reason, result && strcmp(result, "error") == 0 ? "input.x: missing"
                                                                               : NULL);
    if (output_json)
        a.output = cJSON_Parse(output_json);
    mxt_verdict v = mxt_judge(e, &a, strict, why, note);
    mxt_outcome_clear(&a);
    cJSON_Delete(e);
    return v;
}

Test(judge, results_reasons_outputs)
{
    char *why, *note;
    cr_assert_eq(judge("{\"result\":\"ok\"}", "ok", NULL, NULL, 1, &why, &note), MXT_V_PASS);
    cr_assert_null(why);
    cr_assert_eq(judge("{\"result\":\"ok\"}", "reject", "E", NULL, 1, &why, &note), MXT_V_FAIL);
    cr_assert_str_eq(why, "result: expected \"ok\", got \"reject\"");
    free(why);
    /* Reasons: compared only when both sides give one; strict fails, lenient notes. */
    cr_assert_eq(judge("{\"result\":\"reject\",\"reason\":\"E_A\"}", "reject", "E_B", NULL, 1,
                       &why, &note), MXT_V_FAIL);
    cr_assert(strstr(why, "reason"));
    free(why);
    cr_assert_eq(judge("{\"result\":\"reject\",\"reason\":\"E_A\"}", "reject", "E_B", NULL, 0,
                       &why, &note), MXT_V_PASS);
    cr_assert(note && strstr(note, "E_B"));
    free(note);
    cr_assert_eq(judge("{\"result\":\"reject\",\"reason\":\"E_A\"}", "reject", NULL, NULL, 1,
                       &why, &note), MXT_V_PASS);
    /* Outputs: strings byte-equal, other values JSON-equal (member order irrelevant). */
    cr_assert_eq(judge("{\"result\":\"ok\",\"output\":\"{}\"}", "ok", NULL, "\"{}\"", 1, &why,
                       &note), MXT_V_PASS);
    cr_assert_eq(judge("{\"result\":\"ok\",\"output\":\"{}\"}", "ok", NULL, "\"{ }\"", 1, &why,
                       &note), MXT_V_FAIL);
    cr_assert(strstr(why, "output"));
    free(why);
    cr_assert_eq(judge("{\"result\":\"ok\",\"output\":\"{}\"}", "ok", NULL, NULL, 1, &why, &note),
                 MXT_V_FAIL);
    free(why);
    cr_assert_eq(judge("{\"result\":\"ok\",\"output\":{\"a\":1,\"b\":[2]}}", "ok", NULL,
                       "{\"b\":[2],\"a\":1}", 1, &why, &note), MXT_V_PASS);
    cr_assert_eq(judge("{\"result\":\"ok\",\"output\":{\"a\":1}}", "ok", NULL, "{\"a\":2}", 1,
                       &why, &note), MXT_V_FAIL);
    free(why);
    /* An operation error is an error, not a failure, and carries its message. */
    cr_assert_eq(judge("{\"result\":\"ok\"}", "error", NULL, NULL, 1, &why, &note), MXT_V_ERROR);
    cr_assert_str_eq(why, "input.x: missing");
    free(why);
    cr_assert_eq(judge("{\"result\":\"ok\"}", NULL, NULL, NULL, 1, &why, &note), MXT_V_ERROR);
    free(why);
}

Test(judge, any_of)
{
    const char *e = "{\"any_of\":[{\"result\":\"ok\",\"output\":\"{\\\"a\\\":0}\"},"
                    "{\"result\":\"reject\"}]}";
    char *why, *note;
    cr_assert_eq(judge(e, "reject", "E", NULL, 1, &why, &note), MXT_V_PASS);
    cr_assert_eq(judge(e, "ok", NULL, "\"{\\\"a\\\":0}\"", 1, &why, &note), MXT_V_PASS);
    cr_assert_eq(judge(e, "ok", NULL, "\"{\\\"a\\\":-0}\"", 1, &why, &note), MXT_V_FAIL);
    cr_assert(strstr(why, "alternative 0") && strstr(why, "alternative 1"), "%s", why);
    free(why);
}

/* ---- reports ---- */

Test(xml, escaping)
{
    char *s = mxt_xml_escape("a<b>&\"c'\n\x01\xff\xc3\xa9\xe6\x97\xa5\xed\xa0\x80z");
    cr_assert_str_eq(s, "a&lt;b&gt;&amp;&quot;c&apos;&#10;\\x01\\xff\xc3\xa9\xe6\x97\xa5"
                        "\\xed\\xa0\\x80z");
    free(s);
    s = mxt_xml_escape("");
    cr_assert_str_eq(s, "");
    free(s);
}

Test(text, utf8_validity)
{
    cr_assert(mxt_utf8_valid("a\xc3\xa9\xf0\x9f\x98\x80", 7));
    cr_assert(!mxt_utf8_valid("\xc0\x80", 2), "overlong");
    cr_assert(!mxt_utf8_valid("\xed\xa0\x80", 3), "surrogate");
    cr_assert(!mxt_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF");
    cr_assert(!mxt_utf8_valid("\xe6\x97", 2), "truncated");
}

Test(text, sanitize)
{
    char *s = mxt_sanitize("ok\x00\n\xc3\xa9\xc3", 7);
    cr_assert_str_eq(s, "ok\\x00\\x0a\xc3\xa9\\xc3");
    free(s);
}

/* A run over GOOD with one result of each verdict. */
static void make_run(mxt_vecset *set, mxt_run *r)
{
    memset(set, 0, sizeof *set);
    memset(r, 0, sizeof *r);
    load(set, "CJSON.json", GOOD);
    load(set, "broken.json", "nope");
    cr_assert_eq(set->n_vec, 2);
    r->command = "client";
    r->impl_name = "impl<&>";
    r->impl_version = "1";
    r->adapter = "python3 a.py";
    r->vectors = "dir";
    r->set = set;
    r->res = calloc(2, sizeof *r->res);
    r->n_res = 2;
    r->res[0].v = &set->vec[0];
    r->res[0].verdict = MXT_V_FAIL;
    mxt_outcome_set(&r->res[0].actual, "ok", NULL, NULL);
    r->res[0].actual.output = cJSON_CreateString("<{\"x\":1}>");
    r->res[0].evidence = strdup("output: expected \"{}\", got \"<{\\\"x\\\":1}>\" & \x02");
    r->res[1].v = &set->vec[1];
    r->res[1].verdict = MXT_V_ERROR;
    r->res[1].evidence = strdup("not JSON line: \"\\x00\\xffgarbage\"");
}

static int python_ok(const char *script, const char *path)
{
    char *cmd = mxt_strfmt("/usr/bin/python3 -c '%s' %s", script, path);
    int rc = system(cmd);
    free(cmd);
    return rc == 0;
}

Test(report, junit_is_valid_xml_with_one_testcase_per_vector)
{
    mxt_vecset set;
    mxt_run r;
    make_run(&set, &r);
    char *x = mxt_report_junit(&r);
    cr_assert(x);
    cr_assert(strstr(x, "<testcase name=\"CJSON-a\" classname=\"CJSON-002\""));
    cr_assert(strstr(x, "<failure message=\"output: expected &quot;{}&quot;"));
    cr_assert(strstr(x, "<error message=\"not JSON line"));
    cr_assert(strstr(x, "impl&lt;&amp;&gt; 1"));
    cr_assert(strstr(x, "classname=\"load\""), "load errors appear as their own testcases");
    free(x);
    char path[] = "/tmp/mxt_junit_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    cr_assert_eq(mxt_report_write_junit(&r, path), 0);
    cr_assert(python_ok("import sys, xml.etree.ElementTree as E\n"
                        "t = E.parse(sys.argv[1]).getroot()\n"
                        "cases = [c for c in t.iter(\"testcase\") if c.get(\"classname\") != \"load\"]\n"
                        "assert [c.get(\"name\") for c in cases] == [\"CJSON-a\", \"CJSON-b\"], cases\n"
                        "assert cases[0].find(\"failure\") is not None\n"
                        "assert cases[1].find(\"error\") is not None\n"
                        "assert t.get(\"failures\") == \"1\" and t.get(\"errors\") == \"2\"\n",
                        path));
    unlink(path);
    mxt_run_free_results(&r);
    mxt_vecset_free(&set);
}

Test(report, json_has_summaries_and_outcomes)
{
    mxt_vecset set;
    mxt_run r;
    make_run(&set, &r);
    cJSON *j = mxt_report_json(&r);
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "implementation"), "name")->valuestring,
                     "impl<&>");
    cJSON *tot = cJSON_GetObjectItem(j, "totals");
    cr_assert_eq(cJSON_GetObjectItem(tot, "fail")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(tot, "error")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(tot, "total")->valueint, 2);
    cJSON *rules = cJSON_GetObjectItem(j, "rules");
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(rules, "CJSON-011"), "fail")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(rules, "CJSON-009"), "error")->valueint, 1);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "families"),
                                                         "CJSON"), "total")->valueint, 2);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "conforms")));
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "load_errors")), 1);
    cJSON *v0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "vectors"), 0);
    cr_assert_str_eq(cJSON_GetObjectItem(v0, "verdict")->valuestring, "fail");
    cr_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(v0, "flags"), 0)->valuestring,
                     "spec-example");
    cr_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(v0, "actual"), "output")->valuestring,
                     "<{\"x\":1}>");
    cJSON_Delete(j);
    cr_assert_eq(mxt_run_exit_status(&r), 1);
    /* All pass, no load errors: conforms. */
    r.res[0].verdict = MXT_V_PASS;
    r.res[1].verdict = MXT_V_SKIP;
    size_t n_err = set.n_err;
    set.n_err = 0;
    cr_assert_eq(mxt_run_exit_status(&r), 0);
    r.res[1].verdict = MXT_V_NOTRUN;
    cr_assert_eq(mxt_run_exit_status(&r), 1);
    set.n_err = n_err;
    mxt_run_free_results(&r);
    mxt_vecset_free(&set);
}

Test(report, text_lists_failures_with_expected_and_actual)
{
    mxt_vecset set;
    mxt_run r;
    make_run(&set, &r);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    mxt_report_text(f, &r, 0, 0);
    fclose(f);
    cr_assert(strstr(buf, "FAIL  CJSON-a"));
    cr_assert(strstr(buf, "expected: {\"result\":\"ok\",\"output\":\"{}\"}"));
    cr_assert(strstr(buf, "actual:   {\"result\":\"ok\""));
    cr_assert(strstr(buf, "ERROR CJSON-b"));
    cr_assert(strstr(buf, "LOAD ERRORS"));
    cr_assert(strstr(buf, "DOES NOT CONFORM"));
    cr_assert_null(strstr(buf, "\033["), "no colour unless asked");
    free(buf);
    mxt_run_free_results(&r);
    mxt_vecset_free(&set);
}

Test(report, atomic_write_replaces_and_leaves_no_temp)
{
    char dir[] = "/tmp/mxt_atomic_XXXXXX";
    cr_assert(mkdtemp(dir));
    char *p = mxt_strfmt("%s/r.json", dir);
    cr_assert_eq(mxt_write_atomic(p, "one", 3), 0);
    cr_assert_eq(mxt_write_atomic(p, "second", 6), 0);
    FILE *f = fopen(p, "r");
    char got[16] = {0};
    cr_assert_eq(fread(got, 1, sizeof got - 1, f), 6);
    fclose(f);
    cr_assert_str_eq(got, "second");
    char *ls = mxt_strfmt("test $(ls -A %s | wc -l) -eq 1", dir);
    cr_assert_eq(system(ls), 0);
    free(ls);
    cr_assert_eq(mxt_write_atomic("/nonexistent-dir/r.json", "x", 1), -1);
    unlink(p);
    rmdir(dir);
    free(p);
}

/* ---- adapter client ---- */

Test(adapter, response_parsing)
{
    mxt_outcome o;
    char *why;
#define R(s) s, strlen(s)
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"response\",\"id\":\"A\",\"result\":\"ok\","
                                              "\"output\":\"x\"}"), "A", &o, &why), MXT_AR_OK);
    cr_assert_str_eq(o.result, "ok");
    cr_assert_str_eq(o.output->valuestring, "x");
    mxt_outcome_clear(&o);
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"response\",\"id\":\"B\",\"result\":\"ok\"}"),
                                            "A", &o, &why), MXT_AR_FAILED);
    cr_assert_str_eq(why, "response id \"B\", expected \"A\"");
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"hello\",\"id\":\"A\"}"), "A", &o, &why),
                 MXT_AR_FAILED);
    cr_assert(strstr(why, "\"type\" is \"hello\""));
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("\x01garbage{"), "A", &o, &why), MXT_AR_FAILED);
    cr_assert_str_eq(why, "not JSON line: \"\\x01garbage{\"");
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"response\",\"id\":\"A\",\"result\":\"ok\","
                                              "\"output\":\"\xc3\""), "A", &o, &why), MXT_AR_FAILED);
    cr_assert(strstr(why, "not UTF-8 line"), "%s", why);
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("[1]"), "A", &o, &why), MXT_AR_FAILED);
    cr_assert(strstr(why, "not a JSON object"));
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"response\",\"id\":\"A\"}"), "A", &o, &why),
                 MXT_AR_FAILED);
    cr_assert_str_eq(why, "response.result: missing");
    free(why);
    cr_assert_eq(mxt_adapter_parse_response(R("{\"type\":\"response\",\"id\":\"A\",\"unsupported\":true,"
                                              "\"why\":\"no\"}"), "A", &o, &why), MXT_AR_UNSUPPORTED);
    cr_assert(strstr(why, "no"));
    free(why);
#undef R
}

#define FAULTY "/usr/bin/python3 " MXT_SOURCE_DIR "/conformance/tests/fixtures/faulty_adapter.py "

static mxt_adapter_rc one_request(mxt_adapter *a, const char *id, mxt_outcome *o, char **why)
{
    cJSON *in = cJSON_Parse("{\"hex\":\"666f6f\"}");
    mxt_adapter_rc rc = mxt_adapter_request(a, id, "base64_encode", in, o, why);
    cJSON_Delete(in);
    return rc;
}

Test(adapter, handshake_requests_and_crash_evidence)
{
    mxt_adapter_opts opts = {FAULTY "crash 2", 5000, NULL, NULL};
    mxt_adapter a;
    mxt_adapter_init(&a, &opts);
    char *why = NULL;
    cr_assert_eq(mxt_adapter_start(&a, &why), MXT_AR_OK, "%s", why ? why : "");
    cr_assert_str_eq(a.name, "faulty-crash");
    cr_assert(mxt_adapter_declares(&a, "base64_encode"));
    cr_assert(!mxt_adapter_declares(&a, "verify_json"));
    mxt_outcome o;
    cr_assert_eq(one_request(&a, "V1", &o, &why), MXT_AR_OK);
    cr_assert_str_eq(o.output->valuestring, "Zm9v");
    mxt_outcome_clear(&o);
    cr_assert_eq(one_request(&a, "V2", &o, &why), MXT_AR_FAILED);
    cr_assert(strstr(why, "exited with status 3"), "%s", why);
    cr_assert(strstr(why, "crashing on request 2"), "%s", why);
    free(why);
    cr_assert_eq(a.pid, 0);
    /* Restarted, it answers again. */
    cr_assert_eq(mxt_adapter_start(&a, &why), MXT_AR_OK);
    cr_assert_eq(one_request(&a, "V3", &o, &why), MXT_AR_OK);
    mxt_outcome_clear(&o);
    cr_assert_eq(a.starts, 2);
    mxt_adapter_stop(&a, 1000);
    mxt_adapter_free(&a);
}

Test(adapter, hang_times_out_and_is_killed, .timeout = 20)
{
    mxt_adapter_opts opts = {FAULTY "hang 1", 300, NULL, NULL};
    mxt_adapter a;
    mxt_adapter_init(&a, &opts);
    char *why = NULL;
    cr_assert_eq(mxt_adapter_start(&a, &why), MXT_AR_OK);
    pid_t pid = a.pid;
    mxt_outcome o;
    cr_assert_eq(one_request(&a, "V1", &o, &why), MXT_AR_FAILED);
    cr_assert_str_eq(why, "no response within 300 ms (killed)");
    free(why);
    cr_assert_neq(kill(pid, 0), 0, "the hung adapter was killed and reaped");
    mxt_adapter_free(&a);
}

Test(adapter, garbage_wrong_id_closed_stdout_bad_hello, .timeout = 30)
{
    static const char *modes[][2] = {
        {FAULTY "garbage 1", "not UTF-8 line: \"\\x00\\xffthis is not json {{{\""},
        {FAULTY "wrong-id 1", "response id \"not-V1\", expected \"V1\""},
        {"exec " FAULTY "close 1", "stdout closed before the response; the adapter is still running"},
        {"exit 7", "stdout closed before the hello answer; the adapter exited with status 7"},
        {FAULTY "bad-hello 1", "bad hello answer: \"type\" is \"response\""},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        mxt_adapter_opts opts = {modes[i][0], 3000, NULL, NULL};
        mxt_adapter a;
        mxt_adapter_init(&a, &opts);
        char *why = NULL;
        mxt_outcome o;
        mxt_adapter_rc rc = mxt_adapter_start(&a, &why);
        if (rc == MXT_AR_OK)
            rc = one_request(&a, "V1", &o, &why);
        cr_assert_eq(rc, MXT_AR_FAILED, "%s", modes[i][0]);
        cr_assert(why && strstr(why, modes[i][1]), "%s: got: %s", modes[i][0], why ? why : "");
        free(why);
        cr_assert_eq(a.pid, 0);
        mxt_adapter_free(&a);
    }
}
