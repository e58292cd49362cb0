/* The adapter client's pipelined API: mxt_adapter_send / mxt_adapter_next / pop_unanswered against
 * the faulty adapter fixture (answers out of order, a crash mid-window, an interruption). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "adapter_client.h"

#define FAULTY "exec /usr/bin/python3 " MXT_SOURCE_DIR "/conformance/tests/fixtures/faulty_adapter.py "

static void send_n(mxt_adapter *a, size_t n)
{
    cJSON *in = cJSON_Parse("{\"hex\":\"666f6f\"}");
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "V%zu", i);
        char *why = NULL;
        cr_assert_eq(mxt_adapter_send(a, i, id, "base64_encode", in, &why), MXT_AR_OK, "%s",
                     why ? why : "");
        cr_assert_eq(mxt_adapter_outstanding(a), i + 1);
    }
    cJSON_Delete(in);
}

static void start(mxt_adapter *a, const char *cmd, const volatile sig_atomic_t *stop)
{
    mxt_adapter_opts opts = {cmd, 5000, NULL, stop};
    mxt_adapter_init(a, &opts);
    char *why = NULL;
    cr_assert_eq(mxt_adapter_start(a, &why), MXT_AR_OK, "%s", why ? why : "");
}

Test(pipeline, answers_out_of_order_are_matched_by_id, .timeout = 20)
{
    mxt_adapter a;
    start(&a, FAULTY "reverse 4", NULL);
    send_n(&a, 8);
    static const size_t want[] = {3, 2, 1, 0, 7, 6, 5, 4};
    for (size_t k = 0; k < 8; k++) {
        size_t tag = 99;
        mxt_outcome o;
        char *why = NULL;
        double ms = -1;
        cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_OK, "%s", why ? why : "");
        cr_assert_eq(tag, want[k]);
        cr_assert_str_eq(o.output->valuestring, "Zm9v");
        cr_assert(ms >= 0);
        mxt_outcome_clear(&o);
        cr_assert_eq(mxt_adapter_outstanding(&a), 7 - k);
    }
    size_t tag;
    cr_assert_eq(mxt_adapter_pop_unanswered(&a, &tag), 0);
    mxt_outcome o;
    char *why = NULL;
    double ms;
    cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_FAILED, "nothing outstanding");
    free(why);
    mxt_adapter_stop(&a, 1000);
    mxt_adapter_free(&a);
}

Test(pipeline, crash_mid_window_blames_one_and_returns_the_rest, .timeout = 20)
{
    mxt_adapter a;
    start(&a, FAULTY "crash 3", NULL);
    send_n(&a, 6);
    mxt_outcome o;
    char *why = NULL;
    double ms;
    size_t tag;
    for (size_t k = 0; k < 2; k++) {
        cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_OK);
        cr_assert_eq(tag, k);
        mxt_outcome_clear(&o);
    }
    cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_FAILED);
    cr_assert_eq(tag, 2, "the oldest outstanding request is blamed");
    cr_assert(why && strstr(why, "crashing on request 3"), "%s", why ? why : "");
    free(why);
    cr_assert_eq(a.pid, 0, "killed and reaped");
    for (size_t k = 3; k < 6; k++) {
        cr_assert_eq(mxt_adapter_pop_unanswered(&a, &tag), 1);
        cr_assert_eq(tag, k, "unanswered requests come back oldest first");
    }
    cr_assert_eq(mxt_adapter_pop_unanswered(&a, &tag), 0);
    /* Restarted, the same id can be sent again. */
    why = NULL;
    cr_assert_eq(mxt_adapter_start(&a, &why), MXT_AR_OK);
    send_n(&a, 2);
    cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_OK);
    cr_assert_eq(tag, 0);
    mxt_outcome_clear(&o);
    mxt_adapter_stop(&a, 1000);
    mxt_adapter_free(&a);
}

Test(pipeline, interruption_leaves_every_request_unanswered, .timeout = 20)
{
    static volatile sig_atomic_t stop;
    stop = 0;
    mxt_adapter a;
    start(&a, FAULTY "hang 1", &stop);
    send_n(&a, 3);
    stop = 1;
    mxt_outcome o;
    char *why = NULL;
    double ms;
    size_t tag = 99;
    cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_INTERRUPTED);
    free(why);
    cr_assert_eq(a.pid, 0);
    for (size_t k = 0; k < 3; k++) {
        cr_assert_eq(mxt_adapter_pop_unanswered(&a, &tag), 1);
        cr_assert_eq(tag, k);
    }
    cr_assert_eq(mxt_adapter_pop_unanswered(&a, &tag), 0);
    mxt_adapter_free(&a);
}

Test(pipeline, a_reader_that_stops_does_not_block_the_harness, .timeout = 20)
{
    /* "hang 1" stops reading after its first request: megabytes of requests cannot all be
     * written; the oldest is written, so its evidence is the missing answer. */
    mxt_adapter a;
    mxt_adapter_opts opts = {FAULTY "hang 1", 300, NULL, NULL};
    mxt_adapter_init(&a, &opts);
    char *why = NULL;
    cr_assert_eq(mxt_adapter_start(&a, &why), MXT_AR_OK);
    char *big = malloc(200001);
    memset(big, 'a', 200000);
    big[200000] = 0;
    cJSON *in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, "hex", big);
    free(big);
    for (size_t i = 0; i < 20; i++)
        cr_assert_eq(mxt_adapter_send(&a, i, "V", "base64_encode", in, &why), MXT_AR_OK);
    cJSON_Delete(in);
    cr_assert_gt(a.wqueued, a.wwritten, "the pipe cannot take 4 MB");
    mxt_outcome o;
    double ms;
    size_t tag = 99;
    cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_FAILED);
    cr_assert_eq(tag, 0);
    cr_assert_str_eq(why, "no response within 300 ms (killed)");
    free(why);
    size_t n = 0;
    while (mxt_adapter_pop_unanswered(&a, &tag))
        n++;
    cr_assert_eq(n, 19);
    mxt_adapter_free(&a);
}

Test(pipeline, inputs_arrive_as_they_are, .timeout = 20)
{
    /* The request line is printed by the client itself: strings with escapes and non-ASCII,
     * integers, fractions, large and tiny numbers, nesting, empty containers. */
    static const char *const inputs[] = {
        "{\"s\":\"quote \\\" backslash \\\\ nl \\n ctl \\u0001 \\u001f \\u007f \\u00e9 \\ud83d\\ude00\"}",
        "{\"n\":[0,-0,1,-1,123456789,9007199254740992,-9007199254740992,9007199254740993,"
        "0.1,-2.5,1e300,-1.5e-300,3.141592653589793,1e21,123456789012345678901234567890]}",
        "{\"o\":{\"a\":{},\"b\":[],\"c\":[null,true,false,{\"\":\"\"}]}}",
        "{}",
    };
    mxt_adapter a;
    start(&a, FAULTY "echo 0", NULL);
    size_t n = sizeof inputs / sizeof inputs[0];
    cJSON *in[4];
    for (size_t i = 0; i < n; i++) {
        in[i] = cJSON_Parse(inputs[i]);
        cr_assert_not_null(in[i], "%s", inputs[i]);
        static const char *const ids[] = {"V\"q\\0", "V1", "V-\u00e9-2", "V3"};
        char *why = NULL;
        cr_assert_eq(mxt_adapter_send(&a, i, ids[i], "op", in[i], &why), MXT_AR_OK);
    }
    size_t tag;
    mxt_outcome o;
    double ms;
    char *why = NULL;
    while (mxt_adapter_outstanding(&a)) {
        cr_assert_eq(mxt_adapter_next(&a, &tag, &o, &why, &ms), MXT_AR_OK, "%s", why ? why : "");
        cr_assert(cJSON_Compare(o.output, in[tag], 1), "input %zu came back as %s", tag,
                  cJSON_PrintUnformatted(o.output));
        mxt_outcome_clear(&o);
    }
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(in[i]);
    mxt_adapter_stop(&a, 1000);
    mxt_adapter_free(&a);
}
