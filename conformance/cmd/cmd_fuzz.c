/*
 * mxtrust fuzz: mutates the vectors' inputs (conformance/lib/mutate.h), asks the built-in core for
 * the expected decision and an adapter (conformance/ADAPTER.md) for its decision, and writes every
 * disagreement, minimised, as a replayable vector file (conformance/FUZZ.md).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "mxt_io.h"
#include "adapter_client.h"
#include "commands.h"
#include "mutate.h"
#include "ops.h"
#include "runreport.h"
#include "vecfile.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    g_stop = sig;
}

/* ---- options ---------------------------------------------------------------------------------- */

typedef struct {
    const char *adapter, *vectors, *family, *rule, *out, *adapter_log;
    unsigned long long seed;
    long count;        /* -1: not given */
    double time_s;     /* 0: not given */
    int steps, timeout_ms, max_restarts, window, max_findings, reduce, quiet;
} options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mxtrust fuzz --adapter 'COMMAND ARGS' [--vectors DIR|FILE] [--family F]\n"
            "       [--rule ID] [--seed N] [--count N] [--time SECONDS] [--out DIR] [--steps N]\n"
            "       [--max-findings N] [--reduce N] [--timeout-ms N] [--max-restarts N]\n"
            "       [--window N] [--adapter-log FILE] [--quiet]\n\n"
            "Mutates the inputs of valid vectors (signature bits, key order, escapes, number\n"
            "forms, members added inside or outside the signed part, usages, user and key IDs,\n"
            "devices and keys removed, keys swapped...), asks the built-in core for the expected\n"
            "decision and the adapter for its decision, and writes each disagreement, minimised,\n"
            "as a vector file that 'mxtrust client --adapter CMD --vectors DIR' replays.\n\n"
            "  --vectors DIR     vectors to mutate (default $MXT_VECTORS, else %s/vectors)\n"
            "  --family F, --rule ID   only those vectors (as for mxtrust run)\n"
            "  --seed N          the run is a function of the seed (default 1)\n"
            "  --count N         mutants to try (default 1000 unless --time is given)\n"
            "  --time SECONDS    stop after this long (with --count: whichever comes first)\n"
            "  --out DIR         findings, one vector file each (default build/fuzz-findings)\n"
            "  --steps N         at most N edits per mutant (default 3)\n"
            "  --max-findings N  minimise and write at most N distinct findings (default 20)\n"
            "  --reduce N        then try up to N removals of input members that do not\n"
            "                    matter (default 200; 0: keep the input whole)\n"
            "  --timeout-ms N, --max-restarts N, --window N, --adapter-log FILE: as for client\n"
            "  --quiet           no progress; the summary only\n\n"
            "Exit status: 0 no disagreement, 1 disagreements found (or the adapter failed for\n"
            "good), 2 usage, 128+N when stopped by signal N.\n",
            MXT_SOURCE_DIR);
}

static int num_arg(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->count = -1;
    o->steps = 3;
    o->timeout_ms = 5000;
    o->max_restarts = 5;
    o->window = 64;
    o->max_findings = 20;
    o->reduce = 200;
    o->out = "build/fuzz-findings";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
            continue;
        }
        const char **str = NULL;
        if (strcmp(a, "--adapter") == 0) str = &o->adapter;
        else if (strcmp(a, "--vectors") == 0) str = &o->vectors;
        else if (strcmp(a, "--family") == 0) str = &o->family;
        else if (strcmp(a, "--rule") == 0) str = &o->rule;
        else if (strcmp(a, "--out") == 0) str = &o->out;
        else if (strcmp(a, "--adapter-log") == 0) str = &o->adapter_log;
        else if (strcmp(a, "--seed") && strcmp(a, "--count") && strcmp(a, "--time") &&
                 strcmp(a, "--steps") && strcmp(a, "--timeout-ms") &&
                 strcmp(a, "--max-restarts") && strcmp(a, "--window") &&
                 strcmp(a, "--max-findings") && strcmp(a, "--reduce")) {
            fprintf(stderr, "mxtrust fuzz: unknown option '%s'\n\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mxtrust fuzz: %s needs a value\n\n", a);
            return -1;
        }
        const char *v = argv[++i];
        if (str) {
            *str = v;
            continue;
        }
        double d = 0;
        int bad;
        if (strcmp(a, "--seed") == 0) {
            char *end;
            errno = 0;
            o->seed = strtoull(v, &end, 10);
            bad = errno || end == v || *end || v[0] == '-';
        } else if (strcmp(a, "--time") == 0) {
            bad = num_arg(v, 0.001, 1e7, &d) != 0;
            o->time_s = d;
        } else {
            bad = num_arg(v, 0, 1e9, &d) != 0 || d != (double)(long)d;
            if (!bad && strcmp(a, "--count") == 0)
                o->count = (long)d;
            else if (!bad && strcmp(a, "--steps") == 0)
                bad = (o->steps = (int)d) < 1 || d > 16;
            else if (!bad && strcmp(a, "--timeout-ms") == 0)
                bad = (o->timeout_ms = (int)d) < 1 || d > 1e8;
            else if (!bad && strcmp(a, "--max-restarts") == 0)
                bad = (o->max_restarts = (int)d) < 0 || d > 1e6;
            else if (!bad && strcmp(a, "--window") == 0)
                bad = (o->window = (int)d) < 1 || d > 4096;
            else if (!bad && strcmp(a, "--reduce") == 0)
                bad = (o->reduce = (int)d) < 0 || d > 1e6;
            else if (!bad)
                bad = (o->max_findings = (int)d) < 0 || d > 1e6;
        }
        if (bad) {
            fprintf(stderr, "mxtrust fuzz: %s: bad value '%s'\n\n", a, v);
            return -1;
        }
    }
    if (!o->adapter) {
        fprintf(stderr, "mxtrust fuzz: --adapter 'COMMAND ARGS' is required\n\n");
        return -1;
    }
    if (!o->vectors) {
        const char *env = getenv("MXT_VECTORS");
        o->vectors = env && *env ? env : MXT_SOURCE_DIR "/vectors";
    }
    if (o->count < 0 && o->time_s == 0)
        o->count = 1000;
    return 0;
}

/* ---- per-operation counts --------------------------------------------------------------------- */

typedef struct {
    const char *op;
    int         declared;
    size_t      vectors, tried, agreed, disagreed, adapter_errors, unsupported, core_errors;
} opstat;

typedef struct {
    opstat *s;
    size_t  n;
} opstats;

static opstat *stat_for(opstats *st, const char *op)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->s[i].op, op) == 0)
            return &st->s[i];
    opstat *g = realloc(st->s, (st->n + 1) * sizeof *g);
    if (!g)
        return NULL;
    st->s = g;
    memset(&st->s[st->n], 0, sizeof st->s[0]);
    st->s[st->n].op = op;
    return &st->s[st->n++];
}

/* ---- the run ---------------------------------------------------------------------------------- */

typedef struct {
    const mxt_vector *v;
    mxt_mutant        mu;
    cJSON            *input;     /* the mutant's input */
    cJSON            *expected;  /* the core's outcome as an expectation */
    unsigned long     n;         /* mutant number */
    int               done;      /* 1 judged, 2 disagreed, 3 the adapter failed on it */
    char             *fail_why;  /* done == 3: the evidence */
} item;

typedef struct {
    options          o;
    mxt_adapter      a;
    int              restarts;
    int              dead;       /* the restart budget is spent */
    const mxt_vector **sel;
    size_t           nsel;
    const opstat   **dops;       /* the declared operations with vectors */
    size_t           ndops;
    opstats          st;
    unsigned long    mutants, disagreements, failures, written, dup_findings;
    unsigned long    written_of[2];  /* findings written: disagreements, failures */
    char           **sigs;       /* signatures of the findings written (dedup) */
    size_t           nsigs;
    unsigned long    min_calls;
} fuzz;

static int all_utf8(const cJSON *j)
{
    const cJSON *c;
    if (cJSON_IsString(j) && !mxt_utf8_valid(j->valuestring, strlen(j->valuestring)))
        return 0;
    cJSON_ArrayForEach(c, j)
        if (!all_utf8(c))
            return 0;
    return 1;
}

/* The core's outcome as a vector expectation (result, reason, output; never message). NULL when
 * the core could not use the input (result "error"), or when its output holds bytes that are not
 * UTF-8 (a decrypted plaintext garbled by a flipped ciphertext bit under a MAC that does not
 * cover the ciphertext): a vector file could not carry that expectation. */
static cJSON *core_expect(const char *op, const cJSON *input)
{
    mxt_outcome out;
    mxt_op_run(op, input, &out);
    cJSON *e = NULL;
    if (out.result && strcmp(out.result, "error") != 0 && (!out.output || all_utf8(out.output))) {
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "result", out.result);
        if (out.reason)
            cJSON_AddStringToObject(e, "reason", out.reason);
        if (out.output)
            cJSON_AddItemToObject(e, "output", cJSON_Duplicate(out.output, 1));
    }
    mxt_outcome_clear(&out);
    return e;
}

/* Restarts the adapter after a failure. `counted`: the failure happened while fuzzing (it uses the
 * --max-restarts budget); the minimiser's own expected crashes do not. */
static int restart(fuzz *f, const char *why, int counted)
{
    if (f->dead)
        return -1;
    if (!counted) {
        char *w = NULL;
        if (mxt_adapter_start(&f->a, &w) == MXT_AR_OK) {
            free(w);
            return 0;
        }
        int r = g_stop ? -1 : restart(f, w ? w : "restart failed", 1);
        free(w);
        return r;
    }
    if (f->restarts >= f->o.max_restarts) {
        f->dead = 1;
        fprintf(stderr, "mxtrust fuzz: the adapter failed after %d restart%s (%s): giving up\n",
                f->restarts, f->restarts == 1 ? "" : "s", why ? why : "?");
        return -1;
    }
    f->restarts++;
    if (!f->o.quiet)
        fprintf(stderr, "mxtrust fuzz: %s; restarting the adapter (%d/%d)\n", why ? why : "?",
                f->restarts, f->o.max_restarts);
    char *w = NULL;
    mxt_adapter_rc rc = mxt_adapter_start(&f->a, &w);
    if (rc != MXT_AR_OK) {
        char *copy = w ? w : strdup("restart failed");
        int r = g_stop ? -1 : restart(f, copy, 1);
        free(copy);
        return r;
    }
    free(w);
    return 0;
}

/* Compares: 0 agree, 1 disagree, 2 adapter error (result "error"). */
static int compare(const cJSON *expected, const mxt_outcome *got)
{
    char *why = NULL, *note = NULL;
    mxt_verdict v = mxt_judge(expected, got, 0, &why, &note);
    free(why);
    free(note);
    return v == MXT_V_PASS ? 0 : v == MXT_V_FAIL ? 1 : 2;
}

/* ---- minimising and writing findings ------------------------------------------------------------ */

typedef struct {
    fuzz       *f;
    const char *op;
    const char *id;
    int         failure;  /* the property: the adapter fails (crash, hang, garbage) */
} pred_ctx;

static int still_disagrees(const cJSON *input, void *vctx)
{
    pred_ctx *c = vctx;
    fuzz *f = c->f;
    if (f->dead || g_stop)
        return 0;
    cJSON *exp = core_expect(c->op, input);
    if (!exp)
        return 0;
    /* A failure is tried on a fresh process: an earlier request may have left it damaged (heap
     * corruption shows up on a later free), and the finding must not depend on that. */
    if (c->failure && restart(f, NULL, 0) != 0) {
        cJSON_Delete(exp);
        return 0;
    }
    char id[96];
    snprintf(id, sizeof id, "%s-min%lu", c->id, f->min_calls++);
    mxt_outcome out;
    memset(&out, 0, sizeof out);
    char *why = NULL;
    mxt_adapter_rc rc = mxt_adapter_request(&f->a, id, c->op, input, &out, &why);
    int r = 0;
    if (rc == MXT_AR_OK)
        r = !c->failure && compare(exp, &out) == 1;
    else if (rc == MXT_AR_FAILED) {
        r = c->failure;
        restart(f, why, !c->failure);
    }
    free(why);
    mxt_outcome_clear(&out);
    cJSON_Delete(exp);
    return r;
}

static int mkdirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    int r = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return r;
}

static char *outcome_line(const mxt_outcome *o)
{
    return mxt_outcome_text(o);
}

/* Strings that are not UTF-8 (an adapter may answer "\udc98") are written with \xNN escapes: a
 * vector file is UTF-8. */
static void make_utf8(cJSON *j)
{
    cJSON *c;
    if (cJSON_IsString(j) && !mxt_utf8_valid(j->valuestring, strlen(j->valuestring))) {
        char *t = mxt_sanitize(j->valuestring, strlen(j->valuestring));
        if (t) {
            cJSON_SetValuestring(j, t);
            free(t);
        }
    }
    cJSON_ArrayForEach(c, j)
        make_utf8(c);
}

static int mutant_copy(const mxt_mutant *from, mxt_mutant *to)
{
    to->n = 0;
    to->m = calloc(from->n ? from->n : 1, sizeof *to->m);
    if (!to->m)
        return -1;
    for (size_t i = 0; i < from->n; i++) {
        to->m[i] = from->m[i];
        to->m[i].path = strdup(from->m[i].path);
        to->m[i].arg = from->m[i].arg ? strdup(from->m[i].arg) : NULL;
        to->n++;
    }
    return 0;
}

/* A disagreement (adapter_first: the adapter's answer) or, when it->fail_why is set, an adapter
 * failure (crash, hang, garbage): minimised, confirmed, grouped, written. */
static void finding(fuzz *f, item *it, const mxt_outcome *adapter_first)
{
    int failure = it->fail_why != NULL;
    if (failure)
        f->failures++;
    else
        f->disagreements++;
    /* The cap applies to each sort: many disagreements do not hide a crash. */
    if (f->written_of[failure] >= (unsigned long)f->o.max_findings || f->dead)
        return;
    char id[160];
    snprintf(id, sizeof id, "%s-fuzz-s%llu-%lu", it->v->family, f->o.seed, it->n);
    pred_ctx pc = {f, it->v->op, id, failure};
    size_t before = it->mu.n;
    mxt_mutant found;
    if (mutant_copy(&it->mu, &found) != 0)
        return;
    /* A failure costs a restart per try: a smaller budget. */
    mxt_mutant_minimise(it->v->input, &it->mu, still_disagrees, &pc, failure ? 16 : 64);
    size_t edits = it->mu.n;
    /* Then the input itself shrinks (members and list entries that do not matter go). Not for
     * failures: each try would cost a crash, and a crash may surface a request late. */
    size_t reduced = failure ? 0
                             : mxt_mutant_reduce(it->v->input, &it->mu, still_disagrees, &pc,
                                                 (size_t)f->o.reduce);
    cJSON *input = mxt_mutant_apply(it->v->input, it->mu.m, it->mu.n, NULL, NULL);
    cJSON *exp = input ? core_expect(it->v->op, input) : NULL;
    /* The adapter's answer to the minimised input (the evidence in the file). */
    mxt_outcome got;
    memset(&got, 0, sizeof got);
    char *why = NULL, *fail_why = NULL;
    int confirmed = 0;
    if (exp && !f->dead && (!failure || restart(f, NULL, 0) == 0)) {
        char rid[200];
        snprintf(rid, sizeof rid, "%s-confirm", id);
        mxt_adapter_rc rc = mxt_adapter_request(&f->a, rid, it->v->op, input, &got, &why);
        if (rc == MXT_AR_OK)
            confirmed = !failure && compare(exp, &got) == 1;
        else if (rc == MXT_AR_FAILED) {
            confirmed = failure;
            restart(f, why, !failure);
            if (failure) {
                fail_why = why;
                why = NULL;
            }
        }
        free(why);
    }
    if (!confirmed) {
        /* Flaky or lost while minimising: keep the mutant as it was found. */
        cJSON_Delete(input);
        cJSON_Delete(exp);
        mxt_outcome_clear(&got);
        mxt_mutant_free(&it->mu);
        it->mu = found;
        found.m = NULL;
        found.n = 0;
        input = cJSON_Duplicate(it->input, 1);
        exp = cJSON_Duplicate(it->expected, 1);
        if (failure) {
            free(fail_why);
            fail_why = strdup(it->fail_why);
        } else {
            got.result = adapter_first->result ? strdup(adapter_first->result) : NULL;
            got.reason = adapter_first->reason ? strdup(adapter_first->reason) : NULL;
            got.output = adapter_first->output ? cJSON_Duplicate(adapter_first->output, 1) : NULL;
        }
    }
    mxt_mutant_free(&found);
    /* One finding per (operation, edit kinds, expected result, adapter result). */
    char sig[512];
    size_t off = (size_t)snprintf(sig, sizeof sig, "%s|", it->v->op);
    for (size_t i = 0; i < it->mu.n && off < sizeof sig; i++)
        if (it->mu.m[i].kind != MXT_MUT_REDUCE)
            off += (size_t)snprintf(sig + off, sizeof sig - off, "%s,",
                                    mxt_mut_kind_name(it->mu.m[i].kind));
    const cJSON *er = cJSON_GetObjectItemCaseSensitive(exp, "result");
    if (off < sizeof sig)
        snprintf(sig + off, sizeof sig - off, "|%s|%s",
                 cJSON_IsString(er) ? er->valuestring : "?",
                 failure ? "(adapter failure)" : got.result ? got.result : "?");
    for (size_t i = 0; i < f->nsigs; i++)
        if (strcmp(f->sigs[i], sig) == 0) {
            f->dup_findings++;
            cJSON_Delete(input);
            cJSON_Delete(exp);
            mxt_outcome_clear(&got);
            free(fail_why);
            return;
        }
    char **g = realloc(f->sigs, (f->nsigs + 1) * sizeof *g);
    if (g) {
        f->sigs = g;
        f->sigs[f->nsigs++] = strdup(sig);
    }

    /* The vector file. */
    cJSON *file = cJSON_CreateObject();
    cJSON_AddStringToObject(file, "schema", MXT_VECTORS_SCHEMA);
    cJSON_AddStringToObject(file, "family", it->v->family);
    cJSON_AddStringToObject(file, "generator", "mxtrust fuzz");
    char *notes = mxt_strfmt("%s found by mxtrust fuzz --seed %llu (mutant %lu of "
                             "%s, %zu edit%s minimised to %zu, then %zu member%s removed from "
                             "the input); expected is the built-in core's decision; adapter: %s",
                             failure ? "an adapter failure (crash, hang or garbage)"
                                     : "a disagreement",
                             f->o.seed, it->n, it->v->id, before, before == 1 ? "" : "s",
                             edits, reduced, reduced == 1 ? "" : "s", f->o.adapter);
    cJSON_AddStringToObject(file, "notes", notes ? notes : "");
    free(notes);
    cJSON_AddNumberToObject(file, "count", 1);
    cJSON *vs = cJSON_AddArrayToObject(file, "vectors");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "id", id);
    cJSON *rules = cJSON_AddArrayToObject(v, "rules");
    for (size_t i = 0; i < it->v->n_rules; i++)
        cJSON_AddItemToArray(rules, cJSON_CreateString(it->v->rules[i]));
    char *comment = NULL;
    {
        size_t cl = 0;
        char *acc = mxt_strfmt("mutant of %s:", it->v->id);
        for (size_t i = 0; acc && i < it->mu.n; i++) {
            if (it->mu.m[i].kind == MXT_MUT_REDUCE)
                continue;
            char *d = mxt_mutation_describe(&it->mu.m[i]);
            char *nx = mxt_strfmt("%s%s %s", acc, i ? ";" : "", d ? d : "?");
            free(d);
            free(acc);
            acc = nx;
        }
        if (acc && edits == 0) {
            char *nx = mxt_strfmt("%s no edit needed (the vector itself disagrees)", acc);
            free(acc);
            acc = nx;
        }
        if (acc && reduced) {
            char *nx = mxt_strfmt("%s (and %zu input member%s that %s not matter removed)", acc,
                                  reduced, reduced == 1 ? "" : "s", reduced == 1 ? "does" : "do");
            free(acc);
            acc = nx;
        }
        comment = acc;
        /* one line */
        for (char *c = comment; c && *c; c++, cl++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
    }
    cJSON_AddStringToObject(v, "comment", comment ? comment : "fuzz finding");
    cJSON *flags = cJSON_AddArrayToObject(v, "flags");
    cJSON_AddItemToArray(flags, cJSON_CreateString("randomised"));
    cJSON_AddStringToObject(v, "op", it->v->op);
    cJSON_AddItemToObject(v, "input", input);
    cJSON_AddItemToObject(v, "expected", exp);
    cJSON_AddItemToArray(vs, v);
    cJSON *x = cJSON_AddObjectToObject(file, "x-fuzz");
    cJSON_AddStringToObject(x, "base", it->v->id);
    cJSON_AddNumberToObject(x, "seed", (double)f->o.seed);
    cJSON_AddNumberToObject(x, "mutant", (double)it->n);
    cJSON_AddItemToObject(x, "edits", mxt_mutant_to_json(&it->mu));
    cJSON_AddStringToObject(x, "adapter", f->o.adapter);
    if (failure) {
        cJSON_AddStringToObject(x, "adapter_failure", fail_why ? fail_why : "?");
        /* false: the fresh process did not fail on it (the damage came from earlier requests) */
        cJSON_AddBoolToObject(x, "reproduced", confirmed);
    }
    else
        cJSON_AddItemToObject(x, "adapter_outcome", mxt_outcome_to_json(&got));
    make_utf8(x);
    char *text = cJSON_Print(file);
    char *path = mxt_strfmt("%s/%s.json", f->o.out, id);
    if (!text || !path || mkdirs(f->o.out) != 0 ||
        mxt_write_atomic(path, text, strlen(text)) != 0) {
        fprintf(stderr, "mxtrust fuzz: cannot write %s: %s\n", path ? path : "?",
                strerror(errno));
    } else {
        f->written++;
        f->written_of[failure]++;
        char *e = mxt_expected_text(cJSON_GetObjectItemCaseSensitive(v, "expected"));
        char *gl = failure ? mxt_strfmt("failed: %s", fail_why ? fail_why : "?")
                           : outcome_line(&got);
        if (!f->o.quiet)
            fprintf(stderr, "%s", isatty(2) ? "\r\033[K" : "");
        printf("finding %s (%s): %s\n  core %s, adapter %s\n  written to %s\n", id, it->v->op,
               comment ? comment : "", e ? e : "?", gl ? gl : "?", path);
        fflush(stdout);
        free(e);
        free(gl);
    }
    free(comment);
    free(text);
    free(path);
    free(fail_why);
    cJSON_Delete(file);
    mxt_outcome_clear(&got);
}

/* ---- one batch: generate, send pipelined, judge --------------------------------------------- */

static void item_free(item *it)
{
    free(it->fail_why);
    mxt_mutant_free(&it->mu);
    cJSON_Delete(it->input);
    cJSON_Delete(it->expected);
    memset(it, 0, sizeof *it);
}

/* Makes mutant number n; 0 when it goes to the adapter, -1 when skipped (counted). */
static int make_item(fuzz *f, unsigned long n, item *it)
{
    memset(it, 0, sizeof *it);
    mxt_rng r;
    mxt_rng_seed(&r, f->o.seed * 0x100000001b3ULL + n);
    /* An operation first (each as likely as the others), then one of its vectors. */
    const opstat *os = f->dops[mxt_rng_below(&r, f->ndops)];
    size_t k = mxt_rng_below(&r, os->vectors);
    for (size_t i = 0; i < f->nsel; i++)
        if (strcmp(f->sel[i]->op, os->op) == 0 && k-- == 0) {
            it->v = f->sel[i];
            break;
        }
    if (!it->v)
        return -1;
    it->n = n;
    opstat *s = stat_for(&f->st, it->v->op);
    /* Up to four other vectors of the operation lend values (MXT_MUT_SPLICE). */
    const cJSON *donors[4];
    size_t nd = 0;
    for (size_t t = 0; t < 4 && os->vectors > 1; t++) {
        size_t d = mxt_rng_below(&r, os->vectors);
        for (size_t i = 0; i < f->nsel; i++)
            if (strcmp(f->sel[i]->op, os->op) == 0 && d-- == 0) {
                if (f->sel[i] != it->v)
                    donors[nd++] = f->sel[i]->input;
                break;
            }
    }
    if (mxt_mutant_generate(it->v->input, donors, nd, &r, (size_t)f->o.steps, &it->mu) != 0 ||
        !(it->input = mxt_mutant_apply(it->v->input, it->mu.m, it->mu.n, NULL, NULL))) {
        item_free(it);
        return -1;
    }
    f->mutants++;
    if (s)
        s->tried++;
    it->expected = core_expect(it->v->op, it->input);
    if (!it->expected) {
        if (s)
            s->core_errors++;
        item_free(it);
        return -1;
    }
    return 0;
}

static void run_batch(fuzz *f, item *items, size_t n)
{
    char id[64];
    size_t next = 0; /* items[0..next) were sent (or given up) */
    size_t *again = malloc((n ? n : 1) * sizeof *again), n_again = 0;
    /* After a failure with several requests in flight, the blame is not certain (the adapter may
     * have died on a later one): they are all sent again one at a time ("careful"), so that the
     * request a failure is blamed on is the only one in flight. */
    int careful_busy = 0;
    if (!again)
        return;
    for (;;) {
        while (!g_stop && !f->dead &&
               mxt_adapter_outstanding(&f->a) <
                   (n_again || careful_busy ? 1 : (size_t)f->o.window) &&
               (n_again || next < n)) {
            size_t i;
            if (n_again) {
                i = again[0];
                memmove(again, again + 1, --n_again * sizeof *again);
                careful_busy = 1;
            } else {
                i = next++;
            }
            snprintf(id, sizeof id, "fuzz-%lu", items[i].n);
            char *why = NULL;
            if (mxt_adapter_send(&f->a, i, id, items[i].v->op, items[i].input, &why) !=
                MXT_AR_OK) {
                opstat *s = stat_for(&f->st, items[i].v->op);
                if (s)
                    s->adapter_errors++;
                items[i].done = 1;
                careful_busy = 0;
                if (restart(f, why, 1) != 0) {
                    free(why);
                    break;
                }
            }
            free(why);
        }
        if (g_stop || mxt_adapter_outstanding(&f->a) == 0)
            break;
        size_t tag = 0;
        mxt_outcome out;
        memset(&out, 0, sizeof out);
        char *why = NULL;
        double ms;
        mxt_adapter_rc rc = mxt_adapter_next(&f->a, &tag, &out, &why, &ms);
        if (rc == MXT_AR_INTERRUPTED) {
            free(why);
            break;
        }
        careful_busy = 0;
        item *it = &items[tag];
        opstat *s = stat_for(&f->st, it->v->op);
        it->done = 1;
        if (rc == MXT_AR_OK) {
            int c = compare(it->expected, &out);
            if (s)
                *(c == 0 ? &s->agreed : c == 1 ? &s->disagreed : &s->adapter_errors) += 1;
            if (c == 1) {
                /* Minimised later (nothing may be in flight while minimising): keep the answer. */
                cJSON *ans = mxt_outcome_to_json(&out);
                cJSON_AddItemToObject(it->expected, "x-adapter", ans);
                it->done = 2;
            }
        } else if (rc == MXT_AR_UNSUPPORTED) {
            if (s)
                s->unsupported++;
        } else {
            size_t k, popped = 0;
            size_t first_back = n_again;
            while (mxt_adapter_pop_unanswered(&f->a, &k)) {
                again[n_again++] = k;
                popped++;
            }
            if (popped == 0) {
                /* It was the only request in flight: the failure is its own. */
                if (s)
                    s->adapter_errors++;
                if (!f->o.quiet)
                    fprintf(stderr, "%smxtrust fuzz: fuzz-%lu (%s): %s\n",
                            isatty(2) ? "\r\033[K" : "", it->n, it->v->id, why ? why : "?");
                it->done = 3;
                it->fail_why = why ? strdup(why) : strdup("?");
            } else {
                /* Not certain: this one goes back too, first. */
                it->done = 0;
                memmove(again + first_back + 1, again + first_back, popped * sizeof *again);
                again[first_back] = tag;
                n_again++;
            }
            if (restart(f, why, 1) != 0) {
                free(why);
                mxt_outcome_clear(&out);
                break;
            }
        }
        free(why);
        mxt_outcome_clear(&out);
    }
    free(again);
    /* The disagreements and failures of this batch, minimised one by one. */
    for (size_t i = 0; i < n && !g_stop; i++) {
        if (items[i].done == 3) {
            finding(f, &items[i], NULL);
            continue;
        }
        if (items[i].done != 2)
            continue;
        cJSON *ans = cJSON_DetachItemFromObjectCaseSensitive(items[i].expected, "x-adapter");
        mxt_outcome first;
        memset(&first, 0, sizeof first);
        char err[256];
        mxt_outcome_from_json(ans, "adapter", &first, err, sizeof err);
        cJSON_Delete(ans);
        finding(f, &items[i], &first);
        mxt_outcome_clear(&first);
    }
}

/* ---- summary ------------------------------------------------------------------------------------ */

static void summary(fuzz *f, double secs)
{
    printf("\n%-24s %8s %8s %9s %8s %11s %11s\n", "operation", "mutants", "agreed", "disagreed",
           "adapter", "unsupported", "core-error");
    printf("%-24s %8s %8s %9s %8s %11s %11s\n", "", "", "", "", "errors", "", "(skipped)");
    size_t tot[6] = {0};
    for (size_t i = 0; i < f->st.n; i++) {
        const opstat *s = &f->st.s[i];
        if (!s->declared) {
            printf("%-24s not declared by the adapter: %zu vector%s skipped\n", s->op,
                   s->vectors, s->vectors == 1 ? "" : "s");
            continue;
        }
        printf("%-24s %8zu %8zu %9zu %8zu %11zu %11zu\n", s->op, s->tried, s->agreed,
               s->disagreed, s->adapter_errors, s->unsupported, s->core_errors);
        tot[0] += s->tried;
        tot[1] += s->agreed;
        tot[2] += s->disagreed;
        tot[3] += s->adapter_errors;
        tot[4] += s->unsupported;
        tot[5] += s->core_errors;
    }
    printf("%-24s %8zu %8zu %9zu %8zu %11zu %11zu\n", "total", tot[0], tot[1], tot[2], tot[3],
           tot[4], tot[5]);
    printf("\nmxtrust fuzz: %lu mutants in %.1f s (%.0f/s), seed %llu: %lu disagreement%s",
           f->mutants, secs, secs > 0 ? (double)f->mutants / secs : 0.0, f->o.seed,
           f->disagreements, f->disagreements == 1 ? "" : "s");
    if (f->failures)
        printf(", %lu adapter failure%s (crash, hang, garbage)", f->failures,
               f->failures == 1 ? "" : "s");
    if (f->disagreements || f->failures)
        printf(", %lu finding%s written to %s (%lu more of the same kind)", f->written,
               f->written == 1 ? "" : "s", f->o.out, f->dup_findings);
    printf("\n");
    if (f->restarts)
        printf("mxtrust fuzz: the adapter was restarted %d time%s\n", f->restarts,
               f->restarts == 1 ? "" : "s");
    fflush(stdout);
}

int cmd_fuzz(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    fuzz f;
    memset(&f, 0, sizeof f);
    if (parse_options(argc, argv, &f.o) != 0) {
        usage(stderr);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    mxt_vecset set;
    memset(&set, 0, sizeof set);
    mxt_vecset_load(&set, f.o.vectors);
    for (size_t i = 0; i < set.n_err && !f.o.quiet; i++)
        fprintf(stderr, "mxtrust fuzz: %s: %s: %s\n", set.err[i].file, set.err[i].path,
                set.err[i].message);
    FILE *log = NULL;
    if (f.o.adapter_log && !(log = fopen(f.o.adapter_log, "ab"))) {
        fprintf(stderr, "mxtrust fuzz: cannot open %s: %s\n", f.o.adapter_log, strerror(errno));
        mxt_vecset_free(&set);
        return 2;
    }
    mxt_adapter_opts ao = {f.o.adapter, f.o.timeout_ms, log, &g_stop};
    mxt_adapter_init(&f.a, &ao);
    char *why = NULL;
    int rc = 0;
    if (mxt_adapter_start(&f.a, &why) != MXT_AR_OK) {
        fprintf(stderr, "mxtrust fuzz: the adapter did not start: %s\n", why ? why : "?");
        free(why);
        rc = 1;
        goto done;
    }
    free(why);
    f.sel = calloc(set.n_vec ? set.n_vec : 1, sizeof *f.sel);
    for (size_t i = 0; f.sel && i < set.n_vec; i++) {
        const mxt_vector *v = &set.vec[i];
        if (!mxt_vector_selected(v, f.o.family, f.o.rule) || !mxt_op_find(v->op))
            continue;
        opstat *s = stat_for(&f.st, v->op);
        if (!s)
            continue;
        s->vectors++;
        s->declared = mxt_adapter_declares(&f.a, v->op);
        if (s->declared)
            f.sel[f.nsel++] = v;
    }
    f.dops = calloc(f.st.n ? f.st.n : 1, sizeof *f.dops);
    for (size_t i = 0; f.dops && i < f.st.n; i++)
        if (f.st.s[i].declared)
            f.dops[f.ndops++] = &f.st.s[i];
    if (f.nsel == 0 || !f.dops) {
        fprintf(stderr, "mxtrust fuzz: no vector selected from %s has an operation the adapter "
                        "declares\n", f.o.vectors);
        rc = 1;
        goto done;
    }
    if (!f.o.quiet)
        fprintf(stderr, "mxtrust fuzz: %s %s, %zu vectors, seed %llu\n",
                f.a.name ? f.a.name : "?", f.a.version ? f.a.version : "?", f.nsel, f.o.seed);
    double t0 = mxt_now_s(), last = t0;
    int tty = isatty(2), shown = 0;
    size_t cap = (size_t)f.o.window * 4;
    item *items = calloc(cap, sizeof *items);
    unsigned long n = 0;
    while (items && !g_stop && !f.dead) {
        if (f.o.count >= 0 && n >= (unsigned long)f.o.count)
            break;
        if (f.o.time_s > 0 && mxt_now_s() - t0 >= f.o.time_s)
            break;
        size_t k = 0;
        while (k < cap && !(f.o.count >= 0 && n >= (unsigned long)f.o.count) &&
               !(f.o.time_s > 0 && mxt_now_s() - t0 >= f.o.time_s)) {
            if (make_item(&f, n++, &items[k]) == 0)
                k++;
        }
        run_batch(&f, items, k);
        for (size_t i = 0; i < k; i++)
            item_free(&items[i]);
        double t = mxt_now_s();
        if (!f.o.quiet && t - t0 >= 1.0 && (!shown || t - last >= (tty ? 1.0 : 5.0))) {
            fprintf(stderr, "%smxtrust fuzz: %lu mutants, %lu disagreements, %.0f s%s",
                    tty ? "\r\033[K" : "", f.mutants, f.disagreements, t - t0, tty ? "" : "\n");
            fflush(stderr);
            shown = 1;
            last = t;
        }
    }
    free(items);
    if (shown && tty)
        fprintf(stderr, "\r\033[K");
    summary(&f, mxt_now_s() - t0);
    rc = f.disagreements || f.failures || f.dead ? 1 : 0;
    if (g_stop)
        rc = 128 + g_stop;
done:
    mxt_adapter_stop(&f.a, 1000);
    mxt_adapter_free(&f.a);
    if (log)
        fclose(log);
    for (size_t i = 0; i < f.nsigs; i++)
        free(f.sigs[i]);
    free(f.sigs);
    free(f.st.s);
    free(f.sel);
    free(f.dops);
    mxt_vecset_free(&set);
    return rc;
}
