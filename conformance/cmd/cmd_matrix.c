/*
 * mxtrust matrix: every adapter of conformance/adapters/REGISTRY whose requirement holds is run
 * through the client runner (mxt_client_exec, the same code as `mxtrust client`), and one table is
 * printed: rule family by implementation, passed / failed / unsupported vectors per cell.
 *
 * REGISTRY lines: name<TAB>command<TAB>requirement-check; both commands run with /bin/sh -c in the
 * repository root, with MXT_BIN set to this program when it is not set already. '#' lines and
 * blank lines are ignored.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "client_exec.h"
#include "commands.h"
#include "runreport.h"
#include "vecfile.h"

typedef struct {
    char *name, *command, *requirement;
} reg_entry;

typedef struct {
    char       *family;
    mxt_counts *cell;   /* one per implementation */
} fam_row;

typedef struct {
    const char *registry, *root, *vectors, *family, *json;
    const char *only[16];
    int n_only, timeout_ms, window, quiet, require_all;
} mopts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mxtrust matrix [--registry FILE] [--root DIR] [--vectors DIR] [--family F]\n"
            "       [--only NAME]... [--json FILE] [--timeout-ms N] [--window N] [--require-all]\n"
            "       [--quiet]\n\n"
            "Runs every adapter of the registry whose requirement holds (the same runner as\n"
            "`mxtrust client`) and prints one table: rule family by implementation, with\n"
            "passed / failed / unsupported vectors (and errors, when any) per cell.\n\n"
            "  --registry FILE  adapter registry (default ROOT/conformance/adapters/REGISTRY)\n"
            "  --root DIR       directory the adapter and requirement commands run in\n"
            "                   (default %s)\n"
            "  --vectors DIR    vector files (default $MXT_VECTORS, else ROOT/vectors)\n"
            "  --family F       only the vectors of family F\n"
            "  --only NAME      only this adapter (repeatable)\n"
            "  --json FILE      the table as JSON (- for stdout)\n"
            "  --timeout-ms N, --window N   as for mxtrust client\n"
            "  --require-all    an adapter whose requirement does not hold is a failure\n"
            "  --quiet          no progress lines on stderr\n\n"
            "Exit status: 0 when every adapter that could run answered every vector (failures\n"
            "are findings, not errors), 1 when an adapter errored or could not run (with\n"
            "--require-all), a vector file did not load, or the registry is unreadable; 2 usage;\n"
            "128+N when stopped by signal N.\n",
            MXT_SOURCE_DIR);
}

static int parse(int argc, char **argv, mopts *o)
{
    memset(o, 0, sizeof *o);
    o->root = MXT_SOURCE_DIR;
    o->timeout_ms = 5000;
    o->window = 64;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            o->quiet = 1;
            continue;
        }
        if (strcmp(a, "--require-all") == 0) {
            o->require_all = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "mxtrust matrix: %s: unknown option or missing value\n\n", a);
            return -1;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--registry") == 0) o->registry = v;
        else if (strcmp(a, "--root") == 0) o->root = v;
        else if (strcmp(a, "--vectors") == 0) o->vectors = v;
        else if (strcmp(a, "--family") == 0) o->family = v;
        else if (strcmp(a, "--json") == 0) o->json = v;
        else if (strcmp(a, "--only") == 0 && o->n_only < 16) o->only[o->n_only++] = v;
        else if (strcmp(a, "--timeout-ms") == 0 || strcmp(a, "--window") == 0) {
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (errno || *end || n < 1 || n > 100000000) {
                fprintf(stderr, "mxtrust matrix: %s needs a positive number\n\n", a);
                return -1;
            }
            *(a[2] == 't' ? &o->timeout_ms : &o->window) = (int)n;
        } else {
            fprintf(stderr, "mxtrust matrix: unknown option '%s'\n\n", a);
            return -1;
        }
    }
    return 0;
}

/* Reads the registry; returns the number of entries or -1 (message printed). */
static long read_registry(const char *path, reg_entry **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "mxtrust matrix: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0, lineno = 0;
    int bad = 0;
    reg_entry *e = NULL;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        const char *p = line;
        while (*p == ' ')
            p++;
        if (!*p || *p == '#')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2 || strchr(t2 + 1, '\t') || t1 == line || t2 == t1 + 1 || !t2[1]) {
            fprintf(stderr, "mxtrust matrix: %s:%ld: expected name<TAB>command<TAB>requirement\n",
                    path, lineno);
            bad = 1;
            break;
        }
        reg_entry *ne = realloc(e, (size_t)(n + 1) * sizeof *e);
        if (!ne) {
            bad = 1;
            break;
        }
        e = ne;
        *t1 = *t2 = '\0';
        e[n].name = strdup(line);
        e[n].command = strdup(t1 + 1);
        e[n].requirement = strdup(t2 + 1);
        n++;
    }
    free(line);
    fclose(f);
    *out = e;
    return bad ? -1 : n;
}

static void free_registry(reg_entry *e, long n)
{
    for (long i = 0; i < n; i++) {
        free(e[i].name);
        free(e[i].command);
        free(e[i].requirement);
    }
    free(e);
}

/* The command run in the root directory: "cd 'ROOT' && CMD". Heap. */
static char *in_root(const char *root, const char *cmd)
{
    size_t q = 0;
    for (const char *p = root; *p; p++)
        q += *p == '\'' ? 4 : 1;
    char *s = malloc(q + strlen(cmd) + 16);
    if (!s)
        return NULL;
    char *w = s;
    w += sprintf(w, "cd '");
    for (const char *p = root; *p; p++) {
        if (*p == '\'') {
            memcpy(w, "'\\''", 4);
            w += 4;
        } else {
            *w++ = *p;
        }
    }
    sprintf(w, "' && %s", cmd);
    return s;
}

static int requirement_holds(const char *root, const char *req)
{
    char *c = in_root(root, req);
    if (!c)
        return 0;
    char *full = mxt_strfmt("(%s) >/dev/null 2>&1 </dev/null", c);
    free(c);
    int st = full ? system(full) : -1;
    free(full);
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int selected_only(const mopts *o, const char *name)
{
    if (o->n_only == 0)
        return 1;
    for (int i = 0; i < o->n_only; i++)
        if (strcmp(o->only[i], name) == 0)
            return 1;
    return 0;
}

/* The row of family `fam`, created (in order of appearance) when new. */
static fam_row *row_of(fam_row **rows, size_t *n, const char *fam, size_t n_impl)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*rows)[i].family, fam) == 0)
            return &(*rows)[i];
    fam_row *nr = realloc(*rows, (*n + 1) * sizeof **rows);
    if (!nr)
        return NULL;
    *rows = nr;
    fam_row *r = &nr[(*n)++];
    r->family = strdup(fam);
    r->cell = calloc(n_impl ? n_impl : 1, sizeof *r->cell);
    return r->family && r->cell ? r : NULL;
}

static cJSON *counts_json(const mxt_counts *c)
{
    cJSON *j = cJSON_CreateObject();
    size_t total = 0;
    for (int v = 0; v < MXT_V_COUNT_; v++) {
        cJSON_AddNumberToObject(j, mxt_verdict_name((mxt_verdict)v), (double)c->n[v]);
        total += c->n[v];
    }
    cJSON_AddNumberToObject(j, "total", (double)total);
    return j;
}

static void cell_text(char *buf, size_t cap, const mxt_counts *c, int available)
{
    if (!available) {
        snprintf(buf, cap, "unavailable");
        return;
    }
    size_t err = c->n[MXT_V_ERROR] + c->n[MXT_V_NOTRUN];
    if (err)
        snprintf(buf, cap, "%zu/%zu/%zu +%zu err", c->n[MXT_V_PASS], c->n[MXT_V_FAIL],
                 c->n[MXT_V_SKIP], err);
    else
        snprintf(buf, cap, "%zu/%zu/%zu", c->n[MXT_V_PASS], c->n[MXT_V_FAIL], c->n[MXT_V_SKIP]);
}

int cmd_matrix(int argc, char **argv)
{
    mopts o;
    if (mxt_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    if (parse(argc, argv, &o) != 0) {
        usage(stderr);
        return 2;
    }
    char *reg_path = o.registry ? strdup(o.registry)
                                : mxt_strfmt("%s/conformance/adapters/REGISTRY", o.root);
    char *vec_dir = NULL;
    if (o.vectors)
        vec_dir = strdup(o.vectors);
    else if (getenv("MXT_VECTORS") && *getenv("MXT_VECTORS"))
        vec_dir = strdup(getenv("MXT_VECTORS"));
    else
        vec_dir = mxt_strfmt("%s/vectors", o.root);
    /* The registry names the built-in core as "$MXT_BIN adapter": this very program. */
    char self[PATH_MAX];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl > 0 && !(getenv("MXT_BIN") && *getenv("MXT_BIN"))) {
        self[sl] = '\0';
        setenv("MXT_BIN", self, 1);
    }

    reg_entry *reg = NULL;
    long n_reg = reg_path && vec_dir ? read_registry(reg_path, &reg) : -1;
    if (n_reg < 0) {
        free_registry(reg, 0);
        free(reg_path);
        free(vec_dir);
        return 1;
    }
    mxt_vecset set;
    memset(&set, 0, sizeof set);
    mxt_vecset_load(&set, vec_dir);
    int rc = 0;
    for (size_t i = 0; i < set.n_err; i++) {
        fprintf(stderr, "mxtrust matrix: %s: %s: %s\n", set.err[i].file, set.err[i].path,
                set.err[i].message);
        rc = 1;
    }

    size_t n_impl = 0;
    reg_entry **impl = calloc((size_t)n_reg + 1, sizeof *impl);
    int *avail = calloc((size_t)n_reg + 1, sizeof *avail);
    mxt_counts *tot = calloc((size_t)n_reg + 1, sizeof *tot);
    char **ver = calloc((size_t)n_reg + 1, sizeof *ver);
    char **rname = calloc((size_t)n_reg + 1, sizeof *rname);
    fam_row *rows = NULL;
    size_t n_rows = 0;
    int interrupted = 0;
    for (long k = 0; k < n_reg; k++)
        if (selected_only(&o, reg[k].name))
            impl[n_impl++] = &reg[k];
    for (int i = 0; i < o.n_only; i++) {
        int found = 0;
        for (size_t k = 0; k < n_impl; k++)
            found |= strcmp(impl[k]->name, o.only[i]) == 0;
        if (!found) {
            fprintf(stderr, "mxtrust matrix: --only %s: not in %s\n", o.only[i], reg_path);
            rc = 1;
        }
    }
    /* Rows in the order the families appear in the vector files. */
    for (size_t i = 0; i < set.n_vec; i++)
        if (mxt_vector_selected(&set.vec[i], o.family, NULL))
            row_of(&rows, &n_rows, set.vec[i].family, n_impl);

    for (size_t k = 0; k < n_impl && !interrupted; k++) {
        reg_entry *e = impl[k];
        if (!requirement_holds(o.root, e->requirement)) {
            fprintf(stderr, "mxtrust matrix: %s: requirement does not hold (%s)%s\n", e->name,
                    e->requirement, o.require_all ? "" : "; not run");
            if (o.require_all)
                rc = 1;
            continue;
        }
        avail[k] = 1;
        if (!o.quiet)
            fprintf(stderr, "mxtrust matrix: running %s\n", e->name);
        mxt_run r;
        memset(&r, 0, sizeof r);
        r.command = "matrix";
        r.vectors = vec_dir;
        r.set = &set;
        r.res = calloc(set.n_vec ? set.n_vec : 1, sizeof *r.res);
        for (size_t i = 0; r.res && i < set.n_vec; i++)
            if (mxt_vector_selected(&set.vec[i], o.family, NULL)) {
                r.res[r.n_res].v = &set.vec[i];
                r.res[r.n_res].verdict = MXT_V_NOTRUN;
                r.n_res++;
            }
        char *cmd = in_root(o.root, e->command);
        mxt_client_cfg cfg = {cmd, o.timeout_ms, 5, o.window, 0, 1, NULL};
        char *name = NULL, *version = NULL;
        if (cmd && r.res)
            mxt_client_exec(&r, &cfg, &name, &version);
        free(cmd);
        for (size_t i = 0; i < r.n_res; i++) {
            fam_row *row = row_of(&rows, &n_rows, r.res[i].v->family, n_impl);
            if (row)
                row->cell[k].n[r.res[i].verdict]++;
            tot[k].n[r.res[i].verdict]++;
        }
        if (tot[k].n[MXT_V_ERROR] || tot[k].n[MXT_V_NOTRUN])
            rc = 1;
        interrupted = r.interrupted;
        rname[k] = name;
        ver[k] = version;
        mxt_run_free_results(&r);
    }

    /* The table. */
    size_t w0 = strlen("family");
    for (size_t i = 0; i < n_rows; i++)
        if (strlen(rows[i].family) > w0)
            w0 = strlen(rows[i].family);
    size_t *w = calloc(n_impl + 1, sizeof *w);
    char cell[64];
    for (size_t k = 0; w && k < n_impl; k++) {
        w[k] = strlen(impl[k]->name);
        for (size_t i = 0; i <= n_rows; i++) {
            cell_text(cell, sizeof cell, i < n_rows ? &rows[i].cell[k] : &tot[k], avail[k]);
            if (strlen(cell) > w[k])
                w[k] = strlen(cell);
        }
    }
    printf("passed/failed/unsupported vectors, rule family by implementation\n\n%-*s",
           (int)w0, "family");
    for (size_t k = 0; w && k < n_impl; k++)
        printf("  %*s", (int)w[k], impl[k]->name);
    printf("\n");
    for (size_t i = 0; w && i <= n_rows; i++) {
        printf("%-*s", (int)w0, i < n_rows ? rows[i].family : "total");
        for (size_t k = 0; k < n_impl; k++) {
            cell_text(cell, sizeof cell, i < n_rows ? &rows[i].cell[k] : &tot[k], avail[k]);
            printf("  %*s", (int)w[k], cell);
        }
        printf("\n");
    }
    for (size_t k = 0; k < n_impl; k++)
        if (avail[k])
            printf("%s%s: %s %s\n", k == 0 ? "\n" : "", impl[k]->name,
                   rname[k] ? rname[k] : "?", ver[k] ? ver[k] : "?");
    fflush(stdout);
    free(w);

    if (o.json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "schema", "mxtrust-matrix/1");
        cJSON_AddStringToObject(j, "vectors_from", vec_dir);
        cJSON *arr = cJSON_AddArrayToObject(j, "implementations");
        for (size_t k = 0; k < n_impl; k++) {
            cJSON *m = cJSON_CreateObject();
            cJSON_AddStringToObject(m, "name", impl[k]->name);
            cJSON_AddStringToObject(m, "adapter", impl[k]->command);
            cJSON_AddBoolToObject(m, "available", avail[k]);
            if (avail[k]) {
                cJSON *ra = cJSON_AddObjectToObject(m, "reports_as");
                cJSON_AddStringToObject(ra, "name", rname[k] ? rname[k] : "?");
                cJSON_AddStringToObject(ra, "version", ver[k] ? ver[k] : "?");
                cJSON_AddItemToObject(m, "totals", counts_json(&tot[k]));
                cJSON *fams = cJSON_AddObjectToObject(m, "families");
                for (size_t i = 0; i < n_rows; i++)
                    cJSON_AddItemToObject(fams, rows[i].family, counts_json(&rows[i].cell[k]));
            }
            cJSON_AddItemToArray(arr, m);
        }
        char *s = cJSON_Print(j);
        if (!s || mxt_write_atomic(o.json, s, strlen(s)) != 0) {
            fprintf(stderr, "mxtrust matrix: cannot write %s: %s\n", o.json, strerror(errno));
            rc = 1;
        }
        free(s);
        cJSON_Delete(j);
    }

    for (size_t i = 0; i < n_rows; i++) {
        free(rows[i].family);
        free(rows[i].cell);
    }
    free(rows);
    for (size_t k = 0; k < n_impl; k++) {
        free(rname[k]);
        free(ver[k]);
    }
    free(rname);
    free(ver);
    free(tot);
    free(avail);
    free(impl);
    mxt_vecset_free(&set);
    free_registry(reg, n_reg);
    free(reg_path);
    free(vec_dir);
    return interrupted ? 128 + interrupted : rc;
}
