/*
 * mxtrust run:     every vector against the built-in core, in-process.
 * mxtrust client:  every vector against an adapter process (conformance/ADAPTER.md).
 * mxtrust adapter: the built-in core served over the adapter protocol on stdin/stdout.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "mxt_io.h"
#include "adapter_client.h"
#include "client_exec.h"
#include "commands.h"
#include "ops.h"
#include "rules_db.h"
#include "runreport.h"
#include "vecfile.h"

#define CORE_NAME "mxtrust-core"
#define CORE_VERSION "0.1"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking wait returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* ---- rule statements: the catalogue embedded in the tool (rules_db.h) ------------------------ */

static cJSON *g_rules;

static const char *rule_statement(const char *id)
{
    return mxt_rules_str(mxt_rules_find(g_rules, id), "statement");
}

static void load_rule_statements(void)
{
    g_rules = mxt_rules_load();
    if (g_rules)
        mxt_report_set_rule_lookup(rule_statement);
}

/* ---- options ----------------------------------------------------------------------------- */

typedef struct {
    const char *vectors, *family, *rule, *json, *junit, *adapter, *adapter_log;
    int quiet, timeout_ms, max_restarts, strict_reasons, window;
} options;

static void usage(FILE *f, const char *cmd)
{
    int client = strcmp(cmd, "client") == 0;
    fprintf(f, "usage: mxtrust %s %s[--vectors DIR|FILE] [--family F] [--rule ID]\n"
               "       [--json FILE] [--junit FILE] [--quiet]%s\n\n",
            cmd, client ? "--adapter 'COMMAND ARGS' " : "",
            client ? "\n       [--timeout-ms N] [--max-restarts N] [--window N] "
                     "[--adapter-log FILE] [--strict-reasons]"
                   : "");
    if (client)
        fprintf(f, "Runs every vector against an implementation through its adapter (a process "
                   "speaking the\nJSON-lines protocol of conformance/ADAPTER.md on stdin/stdout, "
                   "started with sh -c).\n");
    else
        fprintf(f, "Runs every vector against the built-in core, in-process.\n");
    fprintf(f, "\n  --vectors DIR   vector files (default $MXT_VECTORS, else %s/vectors)\n"
               "  --family F      only the vectors of family F (e.g. CJSON)\n"
               "  --rule ID       only the vectors that exercise rule ID (e.g. CJSON-009)\n"
               "  --json FILE     machine-readable report (- for stdout)\n"
               "  --junit FILE    JUnit XML report: one testcase per vector\n"
               "  --quiet         no tables or progress: problems and the summary line only\n",
            MXT_SOURCE_DIR);
    if (client)
        fprintf(f, "  --timeout-ms N  per request (counted from when it becomes the oldest "
                   "unanswered one)\n                  and for the handshake (default 5000)\n"
                   "  --window N      requests sent ahead of their answers (default 64; 1 = one "
                   "at a time)\n"
                   "  --max-restarts N  restarts after crashes/hangs/garbage (default 5); then "
                   "the remaining\n                  vectors are errors\n"
                   "  --adapter-log FILE  copy the adapter's stderr there (it is never parsed)\n"
                   "  --strict-reasons  a differing reason code fails (default: a note; always "
                   "strict\n                  when the adapter is mxtrust's own)\n");
    fprintf(f, "\nExit status: 0 when nothing failed or errored and every file loaded, 1 "
               "otherwise,\n2 usage, 128+N when stopped by signal N (reports are still "
               "written).\n");
}

static int int_arg(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0 || v > 100000000)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_options(int argc, char **argv, int client, options *o)
{
    memset(o, 0, sizeof o[0]);
    o->timeout_ms = 5000;
    o->max_restarts = 5;
    o->window = 64;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **str = NULL;
        int *num = NULL;
        if (strcmp(a, "--vectors") == 0) str = &o->vectors;
        else if (strcmp(a, "--family") == 0) str = &o->family;
        else if (strcmp(a, "--rule") == 0) str = &o->rule;
        else if (strcmp(a, "--json") == 0) str = &o->json;
        else if (strcmp(a, "--junit") == 0) str = &o->junit;
        else if (client && strcmp(a, "--adapter") == 0) str = &o->adapter;
        else if (client && strcmp(a, "--adapter-log") == 0) str = &o->adapter_log;
        else if (client && strcmp(a, "--timeout-ms") == 0) num = &o->timeout_ms;
        else if (client && strcmp(a, "--max-restarts") == 0) num = &o->max_restarts;
        else if (client && strcmp(a, "--window") == 0) num = &o->window;
        else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) { o->quiet = 1; continue; }
        else if (client && strcmp(a, "--strict-reasons") == 0) { o->strict_reasons = 1; continue; }
        else {
            fprintf(stderr, "mxtrust %s: unknown option '%s'\n\n", argv[0], a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mxtrust %s: %s needs a value\n\n", argv[0], a);
            return -1;
        }
        if (str)
            *str = argv[++i];
        else if (int_arg(argv[++i], num) != 0 ||
                 ((num == &o->timeout_ms || num == &o->window) && *num == 0)) {
            fprintf(stderr, "mxtrust %s: %s needs a positive number\n\n", argv[0], a);
            return -1;
        }
    }
    if (client && !o->adapter) {
        fprintf(stderr, "mxtrust client: --adapter 'COMMAND ARGS' is required\n\n");
        return -1;
    }
    if (!o->vectors) {
        const char *env = getenv("MXT_VECTORS");
        o->vectors = env && *env ? env : MXT_SOURCE_DIR "/vectors";
    }
    return 0;
}

/* ---- progress ------------------------------------------------------------------------------- */

typedef struct {
    double start, last;
    int    tty, shown, quiet;
} progress;

static void progress_tick(progress *p, const mxt_run *r, size_t done)
{
    if (p->quiet)
        return;
    double t = mxt_now_s();
    if (t - p->start < 1.0 || (p->shown && t - p->last < (p->tty ? 1.0 : 5.0)))
        return;
    p->last = t;
    size_t fail = 0, err = 0;
    for (size_t i = 0; i < done; i++) {
        fail += r->res[i].verdict == MXT_V_FAIL;
        err += r->res[i].verdict == MXT_V_ERROR;
    }
    fprintf(stderr, "%smxtrust %s: %zu/%zu vectors, %zu failed, %zu errors, %.0f s%s",
            p->tty ? "\r\033[K" : "", r->command, done, r->n_res, fail, err, t - p->start,
            p->tty ? "" : "\n");
    fflush(stderr);
    p->shown = 1;
}

static void progress_end(progress *p)
{
    if (p->shown && p->tty) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* ---- shared run skeleton ---------------------------------------------------------------------- */

static int select_vectors(mxt_run *r, const mxt_vecset *set, const options *o)
{
    r->res = calloc(set->n_vec ? set->n_vec : 1, sizeof *r->res);
    if (!r->res)
        return -1;
    for (size_t i = 0; i < set->n_vec; i++)
        if (mxt_vector_selected(&set->vec[i], o->family, o->rule)) {
            r->res[r->n_res].v = &set->vec[i];
            r->res[r->n_res].verdict = MXT_V_NOTRUN;
            r->n_res++;
        }
    return 0;
}

static void set_result(mxt_result *res, mxt_outcome *actual, int strict, double ms)
{
    res->actual = *actual;
    memset(actual, 0, sizeof *actual);
    res->verdict = mxt_judge(res->v->expected, &res->actual, strict, &res->evidence, &res->note);
    res->ms = ms;
}

static int finish(mxt_run *r, const options *o, double t0)
{
    r->seconds = mxt_now_s() - t0;
    if (r->interrupted)
        for (size_t i = 0; i < r->n_res; i++)
            if (r->res[i].verdict == MXT_V_NOTRUN && !r->res[i].evidence)
                r->res[i].evidence = mxt_strfmt("not run: interrupted by signal %d",
                                                r->interrupted);
    int rc = mxt_run_exit_status(r);
    const char *nc = getenv("NO_COLOR");
    int color = isatty(1) && !(nc && *nc);
    mxt_report_text(stdout, r, color, o->quiet);
    fflush(stdout);
    if (o->json && mxt_report_write_json(r, o->json) != 0) {
        fprintf(stderr, "mxtrust %s: cannot write %s: %s\n", r->command, o->json, strerror(errno));
        rc = 1;
    }
    if (o->junit && mxt_report_write_junit(r, o->junit) != 0) {
        fprintf(stderr, "mxtrust %s: cannot write %s: %s\n", r->command, o->junit,
                strerror(errno));
        rc = 1;
    }
    if (r->n_res == 0 && (!r->set || r->set->n_err == 0)) {
        fprintf(stderr, "mxtrust %s: no vectors selected from %s\n", r->command, r->vectors);
        rc = 1;
    }
    if (r->interrupted)
        rc = 128 + r->interrupted;
    return rc;
}

static int prepare(int argc, char **argv, int client, options *o, mxt_vecset *set, mxt_run *r)
{
    if (mxt_wants_help(argc, argv)) {
        usage(stdout, argv[0]);
        return 0;
    }
    if (parse_options(argc, argv, client, o) != 0) {
        usage(stderr, argv[0]);
        return 2;
    }
    catch_signals();
    load_rule_statements();
    memset(set, 0, sizeof *set);
    memset(r, 0, sizeof *r);
    r->command = argv[0];
    r->vectors = o->vectors;
    r->set = set;
    r->started = time(NULL);
    mxt_vecset_load(set, o->vectors);
    for (size_t i = 0; i < set->n_err && !o->quiet; i++)
        fprintf(stderr, "mxtrust %s: %s: %s: %s\n", argv[0], set->err[i].file, set->err[i].path,
                set->err[i].message);
    if (select_vectors(r, set, o) != 0) {
        fprintf(stderr, "mxtrust %s: out of memory\n", argv[0]);
        return 1;
    }
    return -1;
}

static void cleanup(mxt_run *r, mxt_vecset *set)
{
    mxt_run_free_results(r);
    mxt_vecset_free(set);
    cJSON_Delete(g_rules);
    g_rules = NULL;
}

/* ---- mxtrust run ---------------------------------------------------------------------------- */

int cmd_run(int argc, char **argv)
{
    options o;
    mxt_vecset set;
    mxt_run r;
    int rc = prepare(argc, argv, 0, &o, &set, &r);
    if (rc >= 0)
        return rc;
    r.impl_name = CORE_NAME;
    r.impl_version = CORE_VERSION;
    r.strict_reason = 1;
    double t0 = mxt_now_s();
    progress p = {t0, t0, isatty(2), 0, o.quiet};
    for (size_t i = 0; i < r.n_res; i++) {
        if (g_stop) {
            r.interrupted = g_stop;
            break;
        }
        mxt_result *res = &r.res[i];
        if (!mxt_op_find(res->v->op)) {
            res->verdict = MXT_V_SKIP;
            res->evidence = mxt_strfmt("operation %s is not implemented in-process yet",
                                       res->v->op);
            continue;
        }
        mxt_outcome out;
        double t = mxt_now_s();
        mxt_op_run(res->v->op, res->v->input, &out);
        set_result(res, &out, 1, (mxt_now_s() - t) * 1000.0);
        progress_tick(&p, &r, i + 1);
    }
    progress_end(&p);
    rc = finish(&r, &o, t0);
    cleanup(&r, &set);
    return rc;
}

/* ---- mxtrust client ------------------------------------------------------------------------- */

static int declares(const cJSON *ops, const char *op)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, ops)
        if (cJSON_IsString(o) && strcmp(o->valuestring, op) == 0)
            return 1;
    return 0;
}

void mxt_client_exec(mxt_run *rp, const mxt_client_cfg *cfg, char **name_out,
                     char **version_out)
{
    mxt_run r = *rp;  /* worked on here, written back at the end */
    struct {
        int quiet, max_restarts, strict_reasons;
    } o = {cfg->quiet, cfg->max_restarts, cfg->strict_reasons};
    catch_signals();
    mxt_adapter_opts ao = {cfg->adapter, cfg->timeout_ms, cfg->log, &g_stop};
    mxt_adapter a;
    mxt_adapter_init(&a, &ao);
    r.adapter = cfg->adapter;
    double t0 = mxt_now_s();
    progress p = {t0, t0, isatty(2), 0, o.quiet};

    char *why = NULL;
    char *gave_up = NULL;   /* set once the restart budget is spent */
    int restarts = 0;
    mxt_adapter_rc ar = mxt_adapter_start(&a, &why);
    if (ar == MXT_AR_FAILED) {
        gave_up = mxt_strfmt("the adapter did not start: %s", why ? why : "?");
        fprintf(stderr, "mxtrust client: %s\n", gave_up);
    }
    free(why);
    why = NULL;
    r.impl_name = a.name ? a.name : "?";
    r.impl_version = a.version ? a.version : "?";
    /* Names and versions survive restarts: keep our own copies for the report. */
    char *name = strdup(r.impl_name), *version = strdup(r.impl_version);
    r.impl_name = name;
    r.impl_version = version;
    int strict = o.strict_reasons || (a.name && strcmp(a.name, CORE_NAME) == 0);
    r.strict_reason = strict;
    /* The operations of the last successful handshake (kept while a restart is failing). */
    cJSON *declared = cJSON_CreateArray();
    for (size_t k = 0; ar == MXT_AR_OK && k < a.n_ops; k++)
        cJSON_AddItemToArray(declared, cJSON_CreateString(a.ops[k]));
    int declared_known = ar == MXT_AR_OK;
    mxt_result *need_restart = NULL; /* the vector whose failure needs a restart */
    /* Up to o.window requests are in flight. A failure is one vector's error; the other
     * unanswered vectors go back to `again` (sent first, in their order) once restarted. */
    size_t *again = malloc((r.n_res ? r.n_res : 1) * sizeof *again);
    size_t n_again = 0, next_new = 0, answered = 0;
    size_t window = (size_t)cfg->window;
    if (!again) {
        fprintf(stderr, "mxtrust client: out of memory\n");
        gave_up = strdup("not sent: out of memory");
    }

    for (;;) {
        /* Fill the window. */
        while (!g_stop && mxt_adapter_outstanding(&a) < window &&
               (n_again > 0 || next_new < r.n_res)) {
            size_t i;
            if (n_again > 0) {
                i = again[0];
                memmove(again, again + 1, (n_again - 1) * sizeof *again);
                n_again--;
            } else {
                i = next_new++;
            }
            mxt_result *res = &r.res[i];
            if (declared_known && !declares(declared, res->v->op)) {
                res->verdict = MXT_V_SKIP;
                res->evidence = mxt_strfmt("the adapter does not declare operation %s",
                                           res->v->op);
                answered++;
                continue;
            }
            /* Restart after a failure, within the budget; a failed handshake uses budget too. */
            while (need_restart && !gave_up && !g_stop) {
                if (restarts >= o.max_restarts) {
                    gave_up = mxt_strfmt("not sent: the adapter failed after %d restart%s "
                                         "(last failure on %s)",
                                         restarts, restarts == 1 ? "" : "s",
                                         need_restart->v->id);
                    break;
                }
                restarts++;
                if (!o.quiet)
                    fprintf(stderr, "mxtrust client: %s: %s; restarting the adapter (%d/%d)\n",
                            need_restart->v->id,
                            need_restart->evidence ? need_restart->evidence : "?", restarts,
                            o.max_restarts);
                char *w2 = NULL;
                mxt_adapter_rc sr = mxt_adapter_start(&a, &w2);
                if (sr == MXT_AR_OK) {
                    need_restart = NULL;
                    cJSON_Delete(declared);
                    declared = cJSON_CreateArray();
                    for (size_t k = 0; k < a.n_ops; k++)
                        cJSON_AddItemToArray(declared, cJSON_CreateString(a.ops[k]));
                }
                else if (!o.quiet && sr == MXT_AR_FAILED)
                    fprintf(stderr, "mxtrust client: restart failed: %s\n", w2 ? w2 : "?");
                free(w2);
            }
            if (g_stop)
                break; /* this vector stays not-run */
            if (gave_up) {
                res->verdict = MXT_V_ERROR;
                res->evidence = strdup(gave_up);
                answered++;
                continue;
            }
            ar = mxt_adapter_send(&a, i, res->v->id, res->v->op, res->v->input, &why);
            if (ar != MXT_AR_OK) {
                res->verdict = MXT_V_ERROR;
                res->evidence = why;
                why = NULL;
                answered++;
            }
        }
        if (g_stop) {
            r.interrupted = g_stop;
            break;
        }
        if (mxt_adapter_outstanding(&a) == 0)
            break; /* nothing in flight and nothing left to send */
        size_t i = 0;
        mxt_outcome out;
        double ms = 0;
        ar = mxt_adapter_next(&a, &i, &out, &why, &ms);
        if (ar == MXT_AR_INTERRUPTED) {
            /* The unanswered vectors stay not-run. */
            free(why);
            why = NULL;
            r.interrupted = g_stop ? g_stop : SIGINT;
            break;
        }
        mxt_result *res = &r.res[i];
        answered++;
        if (ar == MXT_AR_OK) {
            set_result(res, &out, strict, ms);
        } else if (ar == MXT_AR_UNSUPPORTED) {
            res->verdict = MXT_V_SKIP;
            res->evidence = why;
            why = NULL;
        } else {
            res->verdict = MXT_V_ERROR;
            res->evidence = why;
            res->ms = ms;
            why = NULL;
            need_restart = res; /* restarted lazily, when the next request needs it */
            /* The others in flight were not answered: send them again after the restart,
             * before anything else and in the order they were sent. */
            size_t n_back = mxt_adapter_outstanding(&a);
            memmove(again + n_back, again, n_again * sizeof *again);
            for (size_t x = 0; x < n_back; x++)
                mxt_adapter_pop_unanswered(&a, &again[x]);
            n_again += n_back;
        }
        progress_tick(&p, &r, answered < r.n_res ? answered : r.n_res);
    }
    free(again);
    if (g_stop && !r.interrupted)
        r.interrupted = g_stop;
    progress_end(&p);
    mxt_adapter_stop(&a, 1000);
    if (!o.quiet && restarts)
        fprintf(stderr, "mxtrust client: the adapter was restarted %d time%s\n", restarts,
                restarts == 1 ? "" : "s");
    mxt_adapter_free(&a);
    cJSON_Delete(declared);
    free(gave_up);
    *name_out = name;
    *version_out = version;
    *rp = r;
}

int cmd_client(int argc, char **argv)
{
    options o;
    mxt_vecset set;
    mxt_run r;
    int rc = prepare(argc, argv, 1, &o, &set, &r);
    if (rc >= 0)
        return rc;
    FILE *log = NULL;
    if (o.adapter_log && !(log = fopen(o.adapter_log, "ab"))) {
        fprintf(stderr, "mxtrust client: cannot open %s: %s\n", o.adapter_log, strerror(errno));
        cleanup(&r, &set);
        return 2;
    }
    mxt_client_cfg cfg = {o.adapter, o.timeout_ms, o.max_restarts, o.window, o.strict_reasons,
                          o.quiet, log};
    char *name = NULL, *version = NULL;
    double t0 = mxt_now_s();
    mxt_client_exec(&r, &cfg, &name, &version);
    rc = finish(&r, &o, t0);
    free(name);
    free(version);
    if (log)
        fclose(log);
    cleanup(&r, &set);
    return rc;
}

/* ---- mxtrust adapter ------------------------------------------------------------------------ */

/* Answers go to a fully buffered stdout, flushed whenever no complete request is waiting and
 * every MXT_ADAPTER_BATCH answers (see cmd_adapter): one write per burst, not one per answer, yet
 * the harness gets answers to judge while the rest of a burst is still being computed. */
#ifndef MXT_ADAPTER_BATCH
#define MXT_ADAPTER_BATCH 16
#endif
static unsigned g_unflushed;

static void reply(cJSON *j)
{
    /* Printed into a reused buffer (no allocation per answer); a larger one when it is short. */
    static char pbuf[1 << 15];
    g_unflushed++;
    if (cJSON_PrintPreallocated(j, pbuf, (int)sizeof pbuf, 0)) {
        fputs(pbuf, stdout);
        fputc('\n', stdout);
    } else {
        char *s = cJSON_PrintUnformatted(j);
        if (s) {
            fputs(s, stdout);
            fputc('\n', stdout);
            free(s);
        }
    }
    cJSON_Delete(j);
    if (g_unflushed >= MXT_ADAPTER_BATCH) {
        fflush(stdout);
        g_unflushed = 0;
    }
}

static cJSON *response(const char *id)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "type", "response");
    if (id)
        cJSON_AddStringToObject(j, "id", id);
    else
        cJSON_AddNullToObject(j, "id");
    return j;
}

int cmd_adapter(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv) || argc > 1) {
        FILE *f = argc > 1 && !mxt_wants_help(argc, argv) ? stderr : stdout;
        fprintf(f, "usage: mxtrust adapter\n\nServes the built-in core over the adapter protocol "
                   "(conformance/ADAPTER.md):\nJSON lines on stdin, answers on stdout. For "
                   "example:\n  mxtrust client --adapter 'mxtrust adapter'\n");
        return f == stdout ? 0 : 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    size_t cap = 1 << 16, have = 0, off = 0;
    char *buf = malloc(cap);
    int eof = 0;
    while (buf) {
        char *nl = have > off ? memchr(buf + off, '\n', have - off) : NULL;
        if (!nl) {
            if (eof) {
                if (have > off) { /* a last line without its newline */
                    buf[have] = '\n';
                    nl = buf + have++;
                } else {
                    break;
                }
            } else {
                /* Keep the partial line, make room, then read; flush the answers first when
                 * no more input is ready (the harness may be waiting for them). */
                memmove(buf, buf + off, have - off);
                have -= off;
                off = 0;
                if (cap - have < 4096) {
                    char *t = realloc(buf, cap * 2);
                    if (!t)
                        break;
                    buf = t;
                    cap *= 2;
                }
                struct pollfd pf = {0, POLLIN, 0};
                if (poll(&pf, 1, 0) <= 0) {
                    g_unflushed = 0;
                    if (fflush(stdout) != 0)
                        break;
                }
                ssize_t got = read(0, buf + have, cap - have - 1);
                if (got < 0 && errno == EINTR)
                    continue;
                if (got <= 0)
                    eof = 1;
                else
                    have += (size_t)got;
                continue;
            }
        }
        char *line = buf + off;
        size_t n = (size_t)(nl - line) + 1;
        off += n;
        cJSON *req = cJSON_ParseWithLength(line, (size_t)n);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(req, "type");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
        const char *ids = cJSON_IsString(id) ? id->valuestring : NULL;
        if (cJSON_IsString(type) && strcmp(type->valuestring, "hello") == 0) {
            cJSON *h = cJSON_CreateObject();
            cJSON_AddStringToObject(h, "type", "hello");
            cJSON_AddNumberToObject(h, "protocol", MXT_PROTOCOL_VERSION);
            cJSON *impl = cJSON_AddObjectToObject(h, "implementation");
            cJSON_AddStringToObject(impl, "name", CORE_NAME);
            cJSON_AddStringToObject(impl, "version", CORE_VERSION);
            cJSON *ops = cJSON_AddArrayToObject(h, "operations");
            size_t k;
            const mxt_op *all = mxt_ops_all(&k);
            for (size_t i = 0; i < k; i++)
                cJSON_AddItemToArray(ops, cJSON_CreateString(all[i].name));
            reply(h);
        } else if (cJSON_IsString(type) && strcmp(type->valuestring, "request") == 0 && ids) {
            const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
            cJSON *resp = response(ids);
            if (!cJSON_IsString(op) || !mxt_op_find(op->valuestring)) {
                cJSON_AddBoolToObject(resp, "unsupported", 1);
                cJSON_AddStringToObject(resp, "why", "operation not implemented by the core");
            } else {
                mxt_outcome out;
                mxt_op_run(op->valuestring, cJSON_GetObjectItemCaseSensitive(req, "input"), &out);
                cJSON *oj = mxt_outcome_to_json(&out);
                mxt_outcome_clear(&out);
                cJSON *m;
                while (oj && (m = oj->child) != NULL) {
                    cJSON_DetachItemViaPointer(oj, m);
                    cJSON_AddItemToObject(resp, m->string, m);
                }
                cJSON_Delete(oj);
            }
            reply(resp);
        } else {
            /* Not a message this adapter understands: answer with an error outcome. */
            cJSON *resp = response(ids);
            cJSON_AddStringToObject(resp, "result", "error");
            cJSON_AddStringToObject(resp, "message",
                                    req ? "not a hello or request message" : "not JSON");
            reply(resp);
        }
        cJSON_Delete(req);
    }
    fflush(stdout);
    free(buf);
    return 0;
}
