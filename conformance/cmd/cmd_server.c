/*
 * mxtrust server --url URL: the server scenarios (conformance/SERVER.md) against a homeserver over
 * HTTP, reported like vectors (text, --json, --junit) by the shared report code.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mxt_io.h"
#include "commands.h"
#include "rules_db.h"
#include "runreport.h"
#include "server_suite.h"

#define MAX_TOKENS 8
#define MAX_SEL 32

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = sig;
}

static cJSON *g_rules;

/* "known divergences (spec/rules.json): RULE: impl, impl; ..." for the rules of a failed scenario,
 * or NULL when none of them records one. Heap string. */
static char *divergences(const mxt_srv_scenario *sc)
{
    char buf[600];
    size_t n = 0;
    buf[0] = 0;
    for (size_t k = 0; sc->rules[k]; k++) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(mxt_rules_find(g_rules, sc->rules[k]),
                                                          "divergences");
        char impls[200] = "";
        size_t m = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, d)
        {
            const char *impl = mxt_rules_str(e, "implementation");
            if (!impl || strstr(impls, impl))
                continue;
            int w = snprintf(impls + m, sizeof impls - m, "%s%s", m ? ", " : "", impl);
            if (w < 0 || (size_t)w >= sizeof impls - m)
                break;
            m += (size_t)w;
        }
        if (m == 0)
            continue;
        int w = snprintf(buf + n, sizeof buf - n, "%s%s: %s", n ? "; " : "", sc->rules[k], impls);
        if (w < 0 || (size_t)w >= sizeof buf - n)
            break;
        n += (size_t)w;
    }
    return n ? mxt_strfmt("known divergences (spec/rules.json, `mxtrust explain ID`): %s", buf)
             : NULL;
}

static const char *rule_statement(const char *id)
{
    return mxt_rules_str(mxt_rules_find(g_rules, id), "statement");
}

typedef struct {
    const char *url, *secret, *json, *junit;
    const char *tokens[MAX_TOKENS];
    size_t      n_tokens;
    const char *scen[MAX_SEL], *fam[MAX_SEL];
    size_t      n_scen, n_fam;
    long        timeout_ms, max_wait_ms;
    int         max_429, list, quiet;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mxtrust server --url URL [--access-token TOKEN]... "
            "[--registration-shared-secret S]\n"
            "       [--scenario ID]... [--family F]... [--list] [--json FILE] [--junit FILE]\n"
            "       [--timeout-ms N] [--max-429-retries N] [--max-429-wait-ms N] [--quiet]\n\n"
            "Runs the server scenarios (key backup BK-SRV/BK-BETTER, cross-signing XS) against a "
            "homeserver\nover HTTP. Each scenario registers fresh users (random names), so runs "
            "are independent\nand repeatable. Users come from, in this order of preference:\n"
            "  --registration-shared-secret S  Synapse admin registration API (also "
            "$MXT_REGISTRATION_SHARED_SECRET)\n"
            "  --access-token TOKEN            existing users (repeatable; scenarios that need "
            "fresh users are skipped)\n"
            "  (neither)                       open registration with m.login.dummy\n\n"
            "  --scenario ID     only this scenario (repeatable; see --list)\n"
            "  --family F        only this family: BK-SRV, BK-BETTER or XS (repeatable)\n"
            "  --list            list the scenarios with their rules and exit\n"
            "  --json FILE       machine-readable report (- for stdout)\n"
            "  --junit FILE      JUnit XML report: one testcase per scenario\n"
            "  --timeout-ms N    per request (default 10000)\n"
            "  --max-429-retries N  retries after 429 M_LIMIT_EXCEEDED, honouring retry_after_ms "
            "(default 5)\n"
            "  --max-429-wait-ms N  longest single wait (default 10000)\n"
            "  --quiet           problems and the summary line only\n\n"
            "Credentials are never printed (redacted in evidence).\n"
            "Exit status: 0 when every selected scenario passed or was skipped, 1 otherwise, 2 "
            "usage,\n128+N when stopped by signal N (reports are still written).\n");
}

static int num_arg(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > 100000000)
        return -1;
    *out = v;
    return 0;
}

static int parse(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = 10000;
    o->max_wait_ms = 10000;
    o->max_429 = 5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--list") == 0) {
            o->list = 1;
            continue;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mxtrust server: %s needs a value (or is unknown)\n\n", a);
            return -1;
        }
        const char *v = argv[++i];
        long n;
        if (strcmp(a, "--url") == 0) o->url = v;
        else if (strcmp(a, "--registration-shared-secret") == 0) o->secret = v;
        else if (strcmp(a, "--json") == 0) o->json = v;
        else if (strcmp(a, "--junit") == 0) o->junit = v;
        else if (strcmp(a, "--access-token") == 0) {
            if (o->n_tokens >= MAX_TOKENS) {
                fprintf(stderr, "mxtrust server: at most %d --access-token options\n\n", MAX_TOKENS);
                return -1;
            }
            o->tokens[o->n_tokens++] = v;
        } else if (strcmp(a, "--scenario") == 0 && o->n_scen < MAX_SEL) o->scen[o->n_scen++] = v;
        else if (strcmp(a, "--family") == 0 && o->n_fam < MAX_SEL) o->fam[o->n_fam++] = v;
        else if (strcmp(a, "--timeout-ms") == 0 && num_arg(v, 1, &n) == 0) o->timeout_ms = n;
        else if (strcmp(a, "--max-429-wait-ms") == 0 && num_arg(v, 0, &n) == 0) o->max_wait_ms = n;
        else if (strcmp(a, "--max-429-retries") == 0 && num_arg(v, 0, &n) == 0 && n <= 100)
            o->max_429 = (int)n;
        else {
            fprintf(stderr, "mxtrust server: unknown option or bad value: %s\n\n", a);
            return -1;
        }
    }
    if (!o->secret) {
        const char *e = getenv("MXT_REGISTRATION_SHARED_SECRET");
        if (e && *e)
            o->secret = e;
    }
    if (o->secret && strlen(o->secret) < 8) {
        fprintf(stderr, "mxtrust server: the registration shared secret is shorter than 8 "
                        "characters: too short to be kept out of the output reliably\n\n");
        return -1;
    }
    if (!o->url && !o->list) {
        fprintf(stderr, "mxtrust server: --url URL is required\n\n");
        return -1;
    }
    return 0;
}

static int selected(const options *o, const mxt_srv_scenario *sc)
{
    int ok = o->n_scen == 0 && o->n_fam == 0;
    for (size_t i = 0; i < o->n_scen; i++)
        ok |= strcmp(o->scen[i], sc->id) == 0;
    for (size_t i = 0; i < o->n_fam; i++)
        ok |= strcmp(o->fam[i], sc->family) == 0;
    return ok;
}

static void list(const options *o)
{
    for (size_t i = 0; i < mxt_srv_scenario_count(); i++) {
        const mxt_srv_scenario *sc = mxt_srv_scenario_at(i);
        if (!selected(o, sc))
            continue;
        printf("%-28s %-10s", sc->id, sc->family);
        for (size_t k = 0; sc->rules[k]; k++)
            printf("%s%s", k ? "," : "", sc->rules[k]);
        printf("\n    %s%s\n", sc->title, sc->fresh ? " [fresh users]" : "");
    }
}

int cmd_server(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    options o;
    if (parse(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    size_t total = mxt_srv_scenario_count(), n_sel = 0;
    for (size_t i = 0; i < total; i++)
        n_sel += selected(&o, mxt_srv_scenario_at(i)) != 0;
    if (n_sel == 0) {
        fprintf(stderr, "mxtrust server: no scenario matches the --scenario/--family filters (see "
                        "--list)\n");
        return 2;
    }
    if (o.list) {
        list(&o);
        return 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_rules = mxt_rules_load();
    if (g_rules)
        mxt_report_set_rule_lookup(rule_statement);

    mxt_srv_config cfg = {o.url, o.tokens, o.n_tokens, o.secret, o.timeout_ms, o.max_429,
                          o.max_wait_ms, &g_stop};
    char err[512];
    mxt_srv *s = mxt_srv_open(&cfg, err, sizeof err);
    if (!s) {
        fprintf(stderr, "mxtrust server: %s\n", err);
        cJSON_Delete(g_rules);
        return 1;
    }
    int rc = 1;
    mxt_vector *vec = calloc(n_sel, sizeof *vec);
    cJSON *expected = cJSON_CreateObject();
    cJSON_AddStringToObject(expected, "result", "pass");
    mxt_run r;
    memset(&r, 0, sizeof r);
    r.res = calloc(n_sel, sizeof *r.res);
    if (!vec || !r.res) {
        fprintf(stderr, "mxtrust server: out of memory\n");
        goto out;
    }
    r.command = "server";
    r.impl_name = "homeserver";
    r.impl_version = "";
    r.adapter = o.url; /* shown as "(adapter: URL)": the suite talks HTTP, not in-process */
    r.vectors = "server scenarios (conformance/SERVER.md)";
    r.started = time(NULL);
    double t0 = mxt_now_s();
    for (size_t i = 0, k = 0; i < total; i++) {
        const mxt_srv_scenario *sc = mxt_srv_scenario_at(i);
        if (!selected(&o, sc))
            continue;
        mxt_vector *v = &vec[k];
        v->id = sc->id;
        v->family = sc->family;
        v->file = o.url;
        v->index = k;
        v->rules = (const char **)(uintptr_t)sc->rules;
        while (sc->rules[v->n_rules])
            v->n_rules++;
        v->comment = sc->title;
        v->op = "http";
        v->expected = expected;
        r.res[k].v = v;
        r.res[k].verdict = MXT_V_NOTRUN;
        k++;
    }
    r.n_res = n_sel;
    int prep = mxt_srv_prepare(s, err, sizeof err);
    for (size_t k = 0; k < n_sel; k++) {
        mxt_result *res = &r.res[k];
        const mxt_srv_scenario *sc = NULL;
        for (size_t i = 0; i < total && !sc; i++)
            if (strcmp(mxt_srv_scenario_at(i)->id, res->v->id) == 0)
                sc = mxt_srv_scenario_at(i);
        if (g_stop) {
            res->evidence = mxt_strfmt("not run: interrupted by signal %d", (int)g_stop);
            continue;
        }
        double ts = mxt_now_s();
        if (prep != 0) {
            res->verdict = MXT_V_ERROR;
            res->evidence = mxt_strfmt("%s", err);
        } else {
            mxt_srv_run(s, sc, &res->verdict, &res->evidence, &res->note);
            if (g_stop) { /* stopped half-way: its verdict would be the interruption's */
                free(res->evidence);
                free(res->note);
                res->note = NULL;
                res->verdict = MXT_V_NOTRUN;
                res->evidence = mxt_strfmt("not run: interrupted by signal %d", (int)g_stop);
            }
        }
        res->ms = (mxt_now_s() - ts) * 1000.0;
        if (res->verdict != MXT_V_NOTRUN)
            mxt_outcome_set(&res->actual, mxt_verdict_name(res->verdict), NULL, NULL);
        if (res->verdict == MXT_V_FAIL && g_rules) {
            char *dv = divergences(sc);
            if (dv) {
                char *ev = mxt_strfmt("%s\n            %s", res->evidence ? res->evidence : "", dv);
                free(res->evidence);
                res->evidence = ev;
                free(dv);
            }
        }
        if (!o.quiet)
            fprintf(stderr, "mxtrust server: %-5s %s (%.0f ms)\n", mxt_verdict_name(res->verdict),
                    sc->id, res->ms);
    }
    r.interrupted = (int)g_stop;
    r.seconds = mxt_now_s() - t0;
    rc = mxt_run_exit_status(&r);
    const char *nc = getenv("NO_COLOR");
    mxt_report_text(stdout, &r, isatty(1) && !(nc && *nc), o.quiet);
    unsigned long nreq = 0, n429 = 0;
    mxt_srv_stats(s, &nreq, &n429);
    if (!o.quiet)
        printf("%lu HTTP requests, %lu answers 429 (waited for)\n", nreq, n429);
    fflush(stdout);
    if (o.json && mxt_report_write_json(&r, o.json) != 0) {
        fprintf(stderr, "mxtrust server: cannot write %s: %s\n", o.json, strerror(errno));
        rc = 1;
    }
    if (o.junit && mxt_report_write_junit(&r, o.junit) != 0) {
        fprintf(stderr, "mxtrust server: cannot write %s: %s\n", o.junit, strerror(errno));
        rc = 1;
    }
    if (r.interrupted)
        rc = 128 + r.interrupted;
out:
    mxt_run_free_results(&r);
    free(vec);
    cJSON_Delete(expected);
    mxt_srv_close(s);
    cJSON_Delete(g_rules);
    return rc;
}
