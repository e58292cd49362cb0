/* Conformance run results: counting, human text, JSON and JUnit reports, atomic writes. */
#define _POSIX_C_SOURCE 200809L
#include "runreport.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static mxt_rule_lookup_fn rule_lookup;

void mxt_report_set_rule_lookup(mxt_rule_lookup_fn fn)
{
    rule_lookup = fn;
}

mxt_counts mxt_run_totals(const mxt_run *r)
{
    mxt_counts c;
    memset(&c, 0, sizeof c);
    for (size_t i = 0; i < r->n_res; i++)
        c.n[r->res[i].verdict]++;
    return c;
}

int mxt_run_exit_status(const mxt_run *r)
{
    mxt_counts c = mxt_run_totals(r);
    if (c.n[MXT_V_FAIL] || c.n[MXT_V_ERROR] || c.n[MXT_V_NOTRUN] || (r->set && r->set->n_err))
        return 1;
    return 0;
}

void mxt_run_free_results(mxt_run *r)
{
    for (size_t i = 0; i < r->n_res; i++) {
        mxt_outcome_clear(&r->res[i].actual);
        free(r->res[i].evidence);
        free(r->res[i].note);
    }
    free(r->res);
    r->res = NULL;
    r->n_res = 0;
}

/* ---- grouping by family and by rule ------------------------------------------------------- */

typedef struct {
    const char *key;
    mxt_counts  c;
} group;

typedef struct {
    group *g;
    size_t n;
} groups;

static void tally(groups *gs, const char *key, mxt_verdict v)
{
    for (size_t i = 0; i < gs->n; i++)
        if (strcmp(gs->g[i].key, key) == 0) {
            gs->g[i].c.n[v]++;
            return;
        }
    group *g = realloc(gs->g, (gs->n + 1) * sizeof *g);
    if (!g)
        return;
    gs->g = g;
    memset(&g[gs->n], 0, sizeof g[gs->n]);
    g[gs->n].key = key;
    g[gs->n].c.n[v]++;
    gs->n++;
}

/* Rule IDs sort by family then by number ("CJSON-002" < "CJSON-010"), which strcmp gives for
 * fixed-width numbers. */
static int by_key(const void *a, const void *b)
{
    return strcmp(((const group *)a)->key, ((const group *)b)->key);
}

static void group_families(const mxt_run *r, groups *gs)
{
    memset(gs, 0, sizeof *gs);
    for (size_t i = 0; i < r->n_res; i++)
        tally(gs, r->res[i].v->family, r->res[i].verdict);
}

static void group_rules(const mxt_run *r, groups *gs)
{
    memset(gs, 0, sizeof *gs);
    for (size_t i = 0; i < r->n_res; i++)
        for (size_t k = 0; k < r->res[i].v->n_rules; k++)
            tally(gs, r->res[i].v->rules[k], r->res[i].verdict);
    if (gs->n)
        qsort(gs->g, gs->n, sizeof *gs->g, by_key);
}

/* ---- text ------------------------------------------------------------------------------- */

#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char *col(int color, const char *c)
{
    return color ? c : "";
}

static void table(FILE *f, const char *title, const groups *gs, int color)
{
    fprintf(f, "%s%-20s %6s %6s %6s %6s %8s%s\n", col(color, C_BOLD), title, "pass", "fail", "skip",
            "error", "not-run", col(color, C_OFF));
    for (size_t i = 0; i < gs->n; i++) {
        const mxt_counts *c = &gs->g[i].c;
        int bad = c->n[MXT_V_FAIL] || c->n[MXT_V_ERROR];
        fprintf(f, "%s%-20s%s %6zu %6zu %6zu %6zu %8zu\n",
                col(color, bad ? C_RED : (c->n[MXT_V_PASS] ? C_GREEN : C_YELLOW)), gs->g[i].key,
                col(color, C_OFF), c->n[MXT_V_PASS], c->n[MXT_V_FAIL], c->n[MXT_V_SKIP],
                c->n[MXT_V_ERROR], c->n[MXT_V_NOTRUN]);
    }
    fputc('\n', f);
}

static void problem(FILE *f, const mxt_result *res, int color)
{
    const mxt_vector *v = res->v;
    const char *c = res->verdict == MXT_V_FAIL ? C_RED : C_YELLOW;
    fprintf(f, "%s%s%s %s (%s)\n", col(color, c), res->verdict == MXT_V_FAIL ? "FAIL " : "ERROR",
            col(color, C_OFF), v->id, v->op);
    fprintf(f, "  vector:   %s  [%s $.vectors[%zu]]\n", v->comment, v->file, v->index);
    for (size_t k = 0; k < v->n_rules; k++) {
        const char *st = rule_lookup ? rule_lookup(v->rules[k]) : NULL;
        if (st)
            fprintf(f, "  rule:     %s: %s\n", v->rules[k], st);
        else
            fprintf(f, "  rule:     %s\n", v->rules[k]);
    }
    if (v->n_flags) {
        fprintf(f, "  flags:   ");
        for (size_t k = 0; k < v->n_flags; k++)
            fprintf(f, " %s", v->flags[k]);
        fputc('\n', f);
    }
    char *e = mxt_expected_text(v->expected);
    fprintf(f, "  expected: %s\n", e ? e : "?");
    free(e);
    if (res->actual.result) {
        char *a = mxt_outcome_text(&res->actual);
        fprintf(f, "  actual:   %s\n", a ? a : "?");
        free(a);
    } else {
        fprintf(f, "  actual:   (no outcome)\n");
    }
    if (res->evidence)
        fprintf(f, "  why:      %s\n", res->evidence);
    fputc('\n', f);
}

/* SIG-009: the verdicts an implementation gave on the ed25519 strictness cases (flag
 * ed25519-strictness), listed for the reader; the vectors themselves accept either verdict where
 * the spec is silent, so these are reported, not judged. */
static void strictness(FILE *f, const mxt_run *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_res; i++) {
        const mxt_result *res = &r->res[i];
        int flagged = 0;
        for (size_t k = 0; k < res->v->n_flags && !flagged; k++)
            flagged = strcmp(res->v->flags[k], "ed25519-strictness") == 0;
        if (!flagged || !res->actual.result)
            continue;
        if (n++ == 0)
            fprintf(f, "\ned25519 strictness (SIG-009; reported, not judged where the spec is silent):\n");
        fprintf(f, "  %s: %s\n", res->v->id, res->actual.result);
    }
}

void mxt_report_text(FILE *f, const mxt_run *r, int color, int quiet)
{
    mxt_counts t = mxt_run_totals(r);
    if (!quiet) {
        fprintf(f, "mxtrust %s: %s %s%s%s%s, %zu vectors from %s\n\n", r->command,
                r->impl_name ? r->impl_name : "?", r->impl_version ? r->impl_version : "",
                r->adapter ? " (adapter: " : " (in-process)", r->adapter ? r->adapter : "",
                r->adapter ? ")" : "", r->n_res, r->vectors ? r->vectors : "?");
        groups gs;
        group_families(r, &gs);
        table(f, "family", &gs, color);
        free(gs.g);
        group_rules(r, &gs);
        table(f, "rule", &gs, color);
        free(gs.g);
    }
    if (r->set && r->set->n_err) {
        fprintf(f, "%sLOAD ERRORS%s (these vectors did not run)\n", col(color, C_RED),
                col(color, C_OFF));
        for (size_t i = 0; i < r->set->n_err; i++)
            fprintf(f, "  %s: %s: %s\n", r->set->err[i].file, r->set->err[i].path,
                    r->set->err[i].message);
        fputc('\n', f);
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->n_res; i++)
            if (r->res[i].verdict == (pass == 0 ? MXT_V_FAIL : MXT_V_ERROR))
                problem(f, &r->res[i], color);
    if (!quiet) {
        /* Skip reasons, each once with its count. */
        for (size_t i = 0; i < r->n_res; i++) {
            if (r->res[i].verdict != MXT_V_SKIP)
                continue;
            const char *why = r->res[i].evidence ? r->res[i].evidence : "";
            int seen = 0;
            for (size_t j = 0; j < i && !seen; j++)
                seen = r->res[j].verdict == MXT_V_SKIP &&
                       strcmp(r->res[j].evidence ? r->res[j].evidence : "", why) == 0;
            if (seen)
                continue;
            size_t n = 0;
            for (size_t j = i; j < r->n_res; j++)
                n += r->res[j].verdict == MXT_V_SKIP &&
                     strcmp(r->res[j].evidence ? r->res[j].evidence : "", why) == 0;
            fprintf(f, "skipped %zu: %s\n", n, why);
        }
        size_t notes = 0;
        for (size_t i = 0; i < r->n_res; i++)
            if (r->res[i].note) {
                if (notes == 0)
                    fprintf(f, "\nnotes (not failures):\n");
                if (notes++ < 20)
                    fprintf(f, "  %s: %s\n", r->res[i].v->id, r->res[i].note);
            }
        if (notes > 20)
            fprintf(f, "  ... and %zu more notes (all are in the --json report)\n", notes - 20);
        strictness(f, r);
        fputc('\n', f);
    }
    if (r->interrupted)
        fprintf(f, "%sinterrupted by signal %d%s: %zu vectors not run\n", col(color, C_YELLOW),
                r->interrupted, col(color, C_OFF), t.n[MXT_V_NOTRUN]);
    int ok = mxt_run_exit_status(r) == 0;
    fprintf(f, "%s%s%s: %zu passed, %zu failed, %zu skipped, %zu errors, %zu not run (of %zu)%s%zu "
               "file errors, %.2f s\n",
            col(color, ok ? C_GREEN : C_RED), ok ? "CONFORMS" : "DOES NOT CONFORM",
            col(color, C_OFF), t.n[MXT_V_PASS], t.n[MXT_V_FAIL], t.n[MXT_V_SKIP],
            t.n[MXT_V_ERROR], t.n[MXT_V_NOTRUN], r->n_res, "; ",
            r->set ? r->set->n_err : 0, r->seconds);
}

/* ---- JSON ------------------------------------------------------------------------------- */

static cJSON *counts_json(const mxt_counts *c)
{
    cJSON *o = cJSON_CreateObject();
    size_t total = 0;
    for (int v = 0; v < MXT_V_COUNT_; v++) {
        cJSON_AddNumberToObject(o, mxt_verdict_name((mxt_verdict)v), (double)c->n[v]);
        total += c->n[v];
    }
    cJSON_AddNumberToObject(o, "total", (double)total);
    return o;
}

static cJSON *strings_json(const char **s, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(s[i]));
    return a;
}

static cJSON *groups_json(const groups *gs)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < gs->n; i++)
        cJSON_AddItemToObject(o, gs->g[i].key, counts_json(&gs->g[i].c));
    return o;
}

cJSON *mxt_report_json(const mxt_run *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "schema", "mxtrust-report/1");
    cJSON_AddStringToObject(j, "command", r->command);
    cJSON *impl = cJSON_AddObjectToObject(j, "implementation");
    cJSON_AddStringToObject(impl, "name", r->impl_name ? r->impl_name : "");
    cJSON_AddStringToObject(impl, "version", r->impl_version ? r->impl_version : "");
    if (r->adapter)
        cJSON_AddStringToObject(impl, "adapter", r->adapter);
    else
        cJSON_AddStringToObject(impl, "mode", "in-process");
    cJSON_AddStringToObject(j, "vectors_from", r->vectors ? r->vectors : "");
    char ts[32];
    struct tm tm;
    gmtime_r(&r->started, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(j, "started", ts);
    cJSON_AddNumberToObject(j, "seconds", r->seconds);
    cJSON_AddBoolToObject(j, "strict_reason", r->strict_reason);
    if (r->interrupted)
        cJSON_AddNumberToObject(j, "interrupted_by_signal", r->interrupted);
    else
        cJSON_AddNullToObject(j, "interrupted_by_signal");
    cJSON_AddBoolToObject(j, "conforms", mxt_run_exit_status(r) == 0);
    mxt_counts t = mxt_run_totals(r);
    cJSON_AddItemToObject(j, "totals", counts_json(&t));
    groups gs;
    group_families(r, &gs);
    cJSON_AddItemToObject(j, "families", groups_json(&gs));
    free(gs.g);
    group_rules(r, &gs);
    cJSON_AddItemToObject(j, "rules", groups_json(&gs));
    free(gs.g);
    cJSON *le = cJSON_AddArrayToObject(j, "load_errors");
    for (size_t i = 0; r->set && i < r->set->n_err; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "file", r->set->err[i].file);
        cJSON_AddStringToObject(e, "path", r->set->err[i].path);
        cJSON_AddStringToObject(e, "message", r->set->err[i].message);
        cJSON_AddItemToArray(le, e);
    }
    cJSON *vs = cJSON_AddArrayToObject(j, "vectors");
    for (size_t i = 0; i < r->n_res; i++) {
        const mxt_result *res = &r->res[i];
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "id", res->v->id);
        cJSON_AddStringToObject(v, "family", res->v->family);
        cJSON_AddItemToObject(v, "rules", strings_json(res->v->rules, res->v->n_rules));
        cJSON_AddItemToObject(v, "flags", strings_json(res->v->flags, res->v->n_flags));
        cJSON_AddStringToObject(v, "comment", res->v->comment);
        cJSON_AddStringToObject(v, "op", res->v->op);
        cJSON_AddStringToObject(v, "verdict", mxt_verdict_name(res->verdict));
        cJSON_AddItemToObject(v, "expected", cJSON_Duplicate(res->v->expected, 1));
        if (res->actual.result)
            cJSON_AddItemToObject(v, "actual", mxt_outcome_to_json(&res->actual));
        else
            cJSON_AddNullToObject(v, "actual");
        if (res->evidence)
            cJSON_AddStringToObject(v, "evidence", res->evidence);
        if (res->note)
            cJSON_AddStringToObject(v, "note", res->note);
        cJSON_AddNumberToObject(v, "ms", res->ms);
        cJSON_AddStringToObject(v, "file", res->v->file);
        cJSON_AddItemToArray(vs, v);
    }
    return j;
}

int mxt_report_write_json(const mxt_run *r, const char *path)
{
    cJSON *j = mxt_report_json(r);
    char *s = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!s) {
        errno = ENOMEM;
        return -1;
    }
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (t) {
        s = t;
        s[n++] = '\n';
        s[n] = 0;
    }
    int rc = mxt_write_atomic(path, s, n);
    free(s);
    return rc;
}

/* ---- JUnit -------------------------------------------------------------------------------- */

typedef struct {
    char  *s;
    size_t n, cap;
    int    oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024);
        while (cap < b->n + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t) {
            b->oom = 1;
            return;
        }
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_esc(sbuf *b, const char *s)
{
    char *e = mxt_xml_escape(s ? s : "");
    if (!e) {
        b->oom = 1;
        return;
    }
    sb_str(b, e);
    free(e);
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_str(b, tmp);
}

char *mxt_xml_escape(const char *s)
{
    sbuf b = {0};
    sb_add(&b, "", 0);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        switch (c) {
        case '&': sb_str(&b, "&amp;"); i++; continue;
        case '<': sb_str(&b, "&lt;"); i++; continue;
        case '>': sb_str(&b, "&gt;"); i++; continue;
        case '"': sb_str(&b, "&quot;"); i++; continue;
        case '\'': sb_str(&b, "&apos;"); i++; continue;
        case '\t': sb_str(&b, "&#9;"); i++; continue;
        case '\n': sb_str(&b, "&#10;"); i++; continue;
        case '\r': sb_str(&b, "&#13;"); i++; continue;
        default: break;
        }
        /* Keep valid UTF-8 that XML 1.0 allows; everything else becomes visible "\xNN". */
        size_t len = 0;
        unsigned cp = 0;
        if (c >= 0x20 && c < 0x80) {
            len = 1;
            cp = c;
        } else if (c >= 0xC2 && c <= 0xF4) {
            size_t want = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            cp = c & (0x7Fu >> want);
            len = want;
            for (size_t k = 1; k < want; k++) {
                if (i + k >= n || (p[i + k] & 0xC0) != 0x80) {
                    len = 0;
                    break;
                }
                cp = (cp << 6) | (p[i + k] & 0x3Fu);
            }
            if (len && ((want == 3 && cp < 0x800) || (want == 4 && cp < 0x10000) ||
                        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
                        cp == 0xFFFF))
                len = 0;
        }
        if (len == 0) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\x%02x", c);
            sb_str(&b, esc);
            i++;
        } else {
            sb_add(&b, (const char *)p + i, len);
            i += len;
        }
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static void junit_case(sbuf *b, const mxt_result *res)
{
    const mxt_vector *v = res->v;
    sb_str(b, "    <testcase name=\"");
    sb_esc(b, v->id);
    sb_str(b, "\" classname=\"");
    sb_esc(b, v->n_rules ? v->rules[0] : v->family);
    sb_fmt(b, "\" time=\"%.6f\"", res->ms / 1000.0);
    if (res->verdict == MXT_V_PASS && !res->note) {
        sb_str(b, "/>\n");
        return;
    }
    sb_str(b, ">\n");
    const char *tag = res->verdict == MXT_V_FAIL    ? "failure"
                      : res->verdict == MXT_V_ERROR ? "error"
                      : res->verdict == MXT_V_PASS  ? NULL
                                                    : "skipped";
    if (tag) {
        sb_fmt(b, "      <%s message=\"", tag);
        sb_esc(b, res->evidence ? res->evidence
                                : res->verdict == MXT_V_NOTRUN ? "not run" : "");
        sb_fmt(b, "\" type=\"%s\">", mxt_verdict_name(res->verdict));
        char *e = mxt_expected_text(v->expected);
        char *a = res->actual.result ? mxt_outcome_text(&res->actual) : NULL;
        char *body = mxt_strfmt("%s\nop: %s\nexpected: %s\nactual: %s\nfile: %s $.vectors[%zu]",
                                v->comment, v->op, e ? e : "?", a ? a : "(none)", v->file,
                                v->index);
        sb_esc(b, body ? body : "");
        free(body);
        free(e);
        free(a);
        sb_fmt(b, "</%s>\n", tag);
    }
    if (res->note) {
        sb_str(b, "      <system-out>");
        sb_esc(b, res->note);
        sb_str(b, "</system-out>\n");
    }
    sb_str(b, "    </testcase>\n");
}

char *mxt_report_junit(const mxt_run *r)
{
    sbuf b = {0};
    mxt_counts t = mxt_run_totals(r);
    size_t nerr = r->set ? r->set->n_err : 0;
    sb_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb_fmt(&b, "<testsuites name=\"mxtrust %s\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
               "skipped=\"%zu\" time=\"%.3f\">\n",
           r->command, r->n_res + nerr, t.n[MXT_V_FAIL], t.n[MXT_V_ERROR] + nerr,
           t.n[MXT_V_SKIP] + t.n[MXT_V_NOTRUN], r->seconds);
    groups gs;
    group_families(r, &gs);
    for (size_t g = 0; g < gs.n; g++) {
        const mxt_counts *c = &gs.g[g].c;
        double secs = 0;
        size_t tests = 0;
        for (size_t i = 0; i < r->n_res; i++)
            if (strcmp(r->res[i].v->family, gs.g[g].key) == 0) {
                secs += r->res[i].ms / 1000.0;
                tests++;
            }
        sb_str(&b, "  <testsuite name=\"");
        sb_esc(&b, gs.g[g].key);
        sb_fmt(&b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" "
                   "time=\"%.6f\">\n",
               tests, c->n[MXT_V_FAIL], c->n[MXT_V_ERROR], c->n[MXT_V_SKIP] + c->n[MXT_V_NOTRUN],
               secs);
        if (g == 0) {
            sb_str(&b, "    <properties>\n      <property name=\"implementation\" value=\"");
            sb_esc(&b, r->impl_name ? r->impl_name : "");
            sb_str(&b, " ");
            sb_esc(&b, r->impl_version ? r->impl_version : "");
            sb_str(&b, "\"/>\n      <property name=\"adapter\" value=\"");
            sb_esc(&b, r->adapter ? r->adapter : "(in-process)");
            sb_str(&b, "\"/>\n    </properties>\n");
        }
        for (size_t i = 0; i < r->n_res; i++)
            if (strcmp(r->res[i].v->family, gs.g[g].key) == 0)
                junit_case(&b, &r->res[i]);
        sb_str(&b, "  </testsuite>\n");
    }
    free(gs.g);
    if (nerr) {
        sb_fmt(&b, "  <testsuite name=\"load\" tests=\"%zu\" failures=\"0\" errors=\"%zu\" "
                   "skipped=\"0\">\n",
               nerr, nerr);
        for (size_t i = 0; i < nerr; i++) {
            const mxt_load_error *e = &r->set->err[i];
            sb_str(&b, "    <testcase name=\"");
            sb_esc(&b, e->file);
            sb_str(&b, "\" classname=\"load\">\n      <error message=\"");
            char *m = mxt_strfmt("%s: %s", e->path, e->message);
            sb_esc(&b, m ? m : "");
            free(m);
            sb_str(&b, "\" type=\"load\"/>\n    </testcase>\n");
        }
        sb_str(&b, "  </testsuite>\n");
    }
    sb_str(&b, "</testsuites>\n");
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

int mxt_report_write_junit(const mxt_run *r, const char *path)
{
    char *x = mxt_report_junit(r);
    if (!x) {
        errno = ENOMEM;
        return -1;
    }
    int rc = mxt_write_atomic(path, x, strlen(x));
    free(x);
    return rc;
}

/* ---- atomic writes ------------------------------------------------------------------------ */

int mxt_write_atomic(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        size_t w = fwrite(data, 1, len, stdout);
        fflush(stdout);
        return w == len ? 0 : -1;
    }
    char *tmp = mxt_strfmt("%s.tmp.%ld", path, (long)getpid());
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    size_t w = fwrite(data, 1, len, f);
    int bad = w != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad || rename(tmp, path) != 0) {
        if (!bad)
            e = errno;
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}
