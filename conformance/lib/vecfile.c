/* Vector files: loading and validating (vectors/SCHEMA.md), selection, judging outcomes. */
#define _POSIX_C_SOURCE 200809L
#include "vecfile.h"
#include "mxt_io.h"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *mxt_strfmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if the bytes there are not one. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int mxt_utf8_valid(const char *bytes, size_t n)
{
    const unsigned char *p = (const unsigned char *)bytes;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (l == 0)
            return 0;
        i += l;
    }
    return 1;
}

char *mxt_sanitize(const char *bytes, size_t n)
{
    const unsigned char *p = (const unsigned char *)bytes;
    char *out = malloc(n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq(p + i, n - i);
        if (l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7F))) {
            o += (size_t)sprintf(out + o, "\\x%02x", p[i]);
            i++;
        } else {
            memcpy(out + o, p + i, l);
            o += l;
            i += l;
        }
    }
    out[o] = 0;
    return out;
}

/* ---- outcomes ---------------------------------------------------------------------------- */

void mxt_outcome_clear(mxt_outcome *o)
{
    free(o->result);
    free(o->reason);
    free(o->message);
    cJSON_Delete(o->output);
    memset(o, 0, sizeof *o);
}

int mxt_outcome_set(mxt_outcome *o, const char *result, const char *reason, const char *message)
{
    o->result = dup_or_null(result);
    o->reason = dup_or_null(reason);
    o->message = dup_or_null(message);
    if ((result && !o->result) || (reason && !o->reason) || (message && !o->message))
        return -1;
    return 0;
}

cJSON *mxt_outcome_to_json(const mxt_outcome *o)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    if (o->result)
        cJSON_AddStringToObject(j, "result", o->result);
    if (o->reason)
        cJSON_AddStringToObject(j, "reason", o->reason);
    if (o->output)
        cJSON_AddItemToObject(j, "output", cJSON_Duplicate(o->output, 1));
    if (o->message)
        cJSON_AddStringToObject(j, "message", o->message);
    return j;
}

static int fail_at(char *err, size_t cap, const char *path, const char *what)
{
    snprintf(err, cap, "%s: %s", path, what);
    return -1;
}

int mxt_outcome_from_json(const cJSON *obj, const char *path, mxt_outcome *o, char *err,
                          size_t err_cap)
{
    memset(o, 0, sizeof *o);
    if (!cJSON_IsObject(obj))
        return fail_at(err, err_cap, path, "not an object");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(obj, "result");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(obj, "reason");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(obj, "output");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(obj, "message");
    char p[512];
    if (!cJSON_IsString(r) || r->valuestring[0] == 0) {
        snprintf(p, sizeof p, "%s.result", path);
        return fail_at(err, err_cap, p, r ? "not a non-empty string" : "missing");
    }
    if (why && !cJSON_IsString(why) && !cJSON_IsNull(why)) {
        snprintf(p, sizeof p, "%s.reason", path);
        return fail_at(err, err_cap, p, "not a string");
    }
    if (msg && !cJSON_IsString(msg) && !cJSON_IsNull(msg)) {
        snprintf(p, sizeof p, "%s.message", path);
        return fail_at(err, err_cap, p, "not a string");
    }
    if (mxt_outcome_set(o, r->valuestring, cJSON_IsString(why) ? why->valuestring : NULL,
                        cJSON_IsString(msg) ? msg->valuestring : NULL) != 0)
        goto oom;
    if (out && !cJSON_IsNull(out)) {
        o->output = cJSON_Duplicate(out, 1);
        if (!o->output)
            goto oom;
    }
    return 0;
oom:
    mxt_outcome_clear(o);
    return fail_at(err, err_cap, path, "out of memory");
}

/* ---- validation -------------------------------------------------------------------------- */

static const char *const FAMILY_RE = "^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*$";
static const char *const RULE_RE = "^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[0-9]+[a-z]?$";
static const char *const ID_RE = "^[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)*-[A-Za-z0-9][A-Za-z0-9_.-]*$";
static const char *const OP_RE = "^[a-z][a-z0-9_]*$";
static const char *const FLAG_RE = "^[a-z][a-z0-9-]*(:[A-Za-z0-9_.:/#-]+)?$";

/* Hand-written matchers for the patterns above (regexec per field made loading slow). */
static int upper_or_digit(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int alnum(char c)
{
    return upper_or_digit(c) || lower(c);
}

/* FAMILY_RE over s[0..n). */
static int family_n(const char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        if (i >= n || !(s[i] >= 'A' && s[i] <= 'Z'))
            return 0;
        while (i < n && upper_or_digit(s[i]))
            i++;
        if (i == n)
            return 1;
        if (s[i] != '-')
            return 0;
        i++;
    }
}

static int matches(const char *re, const char *s)
{
    size_t n = strlen(s);
    if (re == FAMILY_RE)
        return family_n(s, n);
    if (re == RULE_RE) {
        const char *dash = strrchr(s, '-');
        if (!dash || !family_n(s, (size_t)(dash - s)))
            return 0;
        const char *p = dash + 1;
        if (!digit(*p))
            return 0;
        while (digit(*p))
            p++;
        if (lower(*p))
            p++;
        return *p == 0;
    }
    if (re == ID_RE) {
        /* A family, '-', then the slug; the family part is whatever precedes the first '-' that
         * is followed by something other than an upper-case word (the caller checks the family). */
        for (const char *d = strchr(s, '-'); d; d = strchr(d + 1, '-')) {
            if (!family_n(s, (size_t)(d - s)) || !alnum(d[1]))
                continue;
            const char *p = d + 1;
            while (alnum(*p) || *p == '_' || *p == '.' || *p == '-')
                p++;
            if (*p == 0)
                return 1;
        }
        return 0;
    }
    if (re == OP_RE) {
        if (!lower(s[0]))
            return 0;
        for (size_t i = 1; i < n; i++)
            if (!lower(s[i]) && !digit(s[i]) && s[i] != '_')
                return 0;
        return 1;
    }
    if (re == FLAG_RE) {
        size_t i = 0;
        if (!lower(s[0]))
            return 0;
        while (i < n && (lower(s[i]) || digit(s[i]) || s[i] == '-'))
            i++;
        if (i == n)
            return 1;
        if (s[i] != ':' || i + 1 == n)
            return 0;
        for (i++; i < n; i++)
            if (!alnum(s[i]) && !strchr("_.:/#-", s[i]))
                return 0;
        return 1;
    }
    return 0;
}

static void add_error(mxt_vecset *set, const char *file, const char *path, const char *msg)
{
    mxt_load_error *e = realloc(set->err, (set->n_err + 1) * sizeof *e);
    if (!e)
        return;
    set->err = e;
    e[set->n_err].file = strdup(file);
    e[set->n_err].path = strdup(path);
    e[set->n_err].message = strdup(msg);
    set->n_err++;
}

/* Member names allowed besides x-* extensions. */
static int known_member(const char *name, const char *const *allowed)
{
    if (strncmp(name, "x-", 2) == 0)
        return 1;
    for (size_t i = 0; allowed[i]; i++)
        if (strcmp(name, allowed[i]) == 0)
            return 1;
    return 0;
}

static int check_members(mxt_vecset *set, const char *file, const char *path, const cJSON *obj,
                         const char *const *allowed)
{
    int ok = 1;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        if (!known_member(m->string, allowed)) {
            char p[512];
            snprintf(p, sizeof p, "%s.%s", path, m->string);
            add_error(set, file, p, "unknown member (extensions must start with \"x-\")");
            ok = 0;
        }
    }
    return ok;
}

/* Checks an array of strings matching `re`; returns the count or -1 (error recorded). */
static int check_strings(mxt_vecset *set, const char *file, const char *path, const cJSON *a,
                         const char *re, int need_one)
{
    if (!cJSON_IsArray(a)) {
        add_error(set, file, path, a ? "not an array" : "missing");
        return -1;
    }
    int n = cJSON_GetArraySize(a);
    if (need_one && n == 0) {
        add_error(set, file, path, "empty (at least one needed)");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(a, i);
        char p[512];
        snprintf(p, sizeof p, "%s[%d]", path, i);
        if (!cJSON_IsString(s)) {
            add_error(set, file, p, "not a string");
            return -1;
        }
        if (!matches(re, s->valuestring)) {
            char m[600];
            snprintf(m, sizeof m, "\"%.200s\" does not match %s", s->valuestring, re);
            add_error(set, file, p, m);
            return -1;
        }
    }
    return n;
}

static int check_outcome(mxt_vecset *set, const char *file, const char *path, const cJSON *o)
{
    static const char *const allowed[] = {"result", "reason", "output", NULL};
    char err[700];
    mxt_outcome tmp;
    if (mxt_outcome_from_json(o, path, &tmp, err, sizeof err) != 0) {
        const char *colon = strstr(err, ": ");
        char p[512];
        snprintf(p, sizeof p, "%.*s", colon ? (int)(colon - err) : (int)strlen(err), err);
        add_error(set, file, p, colon ? colon + 2 : "invalid");
        if (cJSON_IsObject(o))
            check_members(set, file, path, o, allowed);
        return 0;
    }
    mxt_outcome_clear(&tmp);
    if (cJSON_GetObjectItemCaseSensitive(o, "message")) {
        char p[512];
        snprintf(p, sizeof p, "%s.message", path);
        add_error(set, file, p, "not allowed in an expectation");
        return 0;
    }
    return check_members(set, file, path, o, allowed);
}

static int check_expected(mxt_vecset *set, const char *file, const char *path, const cJSON *e)
{
    if (!cJSON_IsObject(e)) {
        add_error(set, file, path, e ? "not an object" : "missing");
        return 0;
    }
    const cJSON *any = cJSON_GetObjectItemCaseSensitive(e, "any_of");
    if (!any)
        return check_outcome(set, file, path, e);
    static const char *const allowed[] = {"any_of", NULL};
    if (!check_members(set, file, path, e, allowed))
        return 0;
    char p[512];
    snprintf(p, sizeof p, "%s.any_of", path);
    if (!cJSON_IsArray(any) || cJSON_GetArraySize(any) < 1) {
        add_error(set, file, p, "not a non-empty array");
        return 0;
    }
    for (int i = 0; i < cJSON_GetArraySize(any); i++) {
        char q[560];
        snprintf(q, sizeof q, "%s[%d]", p, i);
        if (!check_outcome(set, file, q, cJSON_GetArrayItem(any, i)))
            return 0;
    }
    return 1;
}

static size_t id_hash(const char *id)
{
    size_t h = 14695981039346656037u;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h;
}

/* The vector with this id, or NULL. */
static const mxt_vector *id_lookup(const mxt_vecset *set, const char *id)
{
    if (set->id_cap == 0)
        return NULL;
    for (size_t i = id_hash(id) & (set->id_cap - 1);; i = (i + 1) & (set->id_cap - 1)) {
        size_t slot = set->id_slots[i];
        if (slot == 0)
            return NULL;
        if (strcmp(set->vec[slot - 1].id, id) == 0)
            return &set->vec[slot - 1];
    }
}

/* Indexes vector `k` (already in set->vec) by its id; grows the table at half load. */
static int id_insert(mxt_vecset *set, size_t k)
{
    if (2 * (k + 1) > set->id_cap) {
        size_t cap = set->id_cap ? set->id_cap * 2 : 256;
        size_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        free(set->id_slots);
        set->id_slots = slots;
        set->id_cap = cap;
        for (size_t j = 0; j < k; j++)
            id_insert(set, j);
    }
    size_t i = id_hash(set->vec[k].id) & (set->id_cap - 1);
    while (set->id_slots[i] != 0)
        i = (i + 1) & (set->id_cap - 1);
    set->id_slots[i] = k + 1;
    return 0;
}

static const char **string_array(const cJSON *a, size_t *n)
{
    *n = 0;
    if (!cJSON_IsArray(a))
        return NULL;
    int k = cJSON_GetArraySize(a);
    if (k == 0)
        return NULL;
    const char **out = calloc((size_t)k, sizeof *out);
    if (!out)
        return NULL;
    for (int i = 0; i < k; i++)
        out[i] = cJSON_GetArrayItem(a, i)->valuestring;
    *n = (size_t)k;
    return out;
}

static void add_vector(mxt_vecset *set, const char *file, const char *family, int idx,
                       const cJSON *v)
{
    static const char *const allowed[] = {"id", "rules", "comment", "flags", "op", "input",
                                          "expected", NULL};
    char path[128];
    char p[256];
    snprintf(path, sizeof path, "$.vectors[%d]", idx);
    if (!cJSON_IsObject(v)) {
        add_error(set, file, path, "not an object");
        return;
    }
    int ok = check_members(set, file, path, v, allowed);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
    snprintf(p, sizeof p, "%s.id", path);
    if (!cJSON_IsString(id)) {
        add_error(set, file, p, id ? "not a string" : "missing");
        return;
    }
    size_t fl = strlen(family);
    if (!matches(ID_RE, id->valuestring) || strncmp(id->valuestring, family, fl) != 0 ||
        id->valuestring[fl] != '-') {
        char m[400];
        snprintf(m, sizeof m, "\"%.200s\" is not \"%s-<slug>\" (slug: letters, digits, . _ -)",
                 id->valuestring, family);
        add_error(set, file, p, m);
        ok = 0;
    }
    const mxt_vector *other = id_lookup(set, id->valuestring);
    if (other) {
        char m[700];
        snprintf(m, sizeof m, "duplicate id \"%.200s\" (first in %.200s at $.vectors[%zu])",
                 id->valuestring, other->file, other->index);
        add_error(set, file, p, m);
        return;
    }
    snprintf(p, sizeof p, "%s.rules", path);
    if (check_strings(set, file, p, cJSON_GetObjectItemCaseSensitive(v, "rules"), RULE_RE, 1) < 0)
        ok = 0;
    const cJSON *flags = cJSON_GetObjectItemCaseSensitive(v, "flags");
    snprintf(p, sizeof p, "%s.flags", path);
    if (flags && check_strings(set, file, p, flags, FLAG_RE, 0) < 0)
        ok = 0;
    const cJSON *comment = cJSON_GetObjectItemCaseSensitive(v, "comment");
    snprintf(p, sizeof p, "%s.comment", path);
    if (!cJSON_IsString(comment)) {
        add_error(set, file, p, comment ? "not a string" : "missing");
        ok = 0;
    } else if (strchr(comment->valuestring, '\n')) {
        add_error(set, file, p, "must be one line");
        ok = 0;
    }
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(v, "op");
    snprintf(p, sizeof p, "%s.op", path);
    if (!cJSON_IsString(op) || !matches(OP_RE, op->valuestring)) {
        add_error(set, file, p, op ? "not an operation name ([a-z][a-z0-9_]*)" : "missing");
        ok = 0;
    }
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(v, "input");
    snprintf(p, sizeof p, "%s.input", path);
    if (!cJSON_IsObject(input)) {
        add_error(set, file, p, input ? "not an object" : "missing");
        ok = 0;
    }
    snprintf(p, sizeof p, "%s.expected", path);
    if (!check_expected(set, file, p, cJSON_GetObjectItemCaseSensitive(v, "expected")))
        ok = 0;
    if (!ok)
        return;
    mxt_vector *grown = realloc(set->vec, (set->n_vec + 1) * sizeof *grown);
    if (!grown)
        return;
    set->vec = grown;
    mxt_vector *x = &set->vec[set->n_vec];
    memset(x, 0, sizeof *x);
    x->id = id->valuestring;
    x->family = family;
    x->file = file;
    x->index = (size_t)idx;
    x->rules = string_array(cJSON_GetObjectItemCaseSensitive(v, "rules"), &x->n_rules);
    x->flags = string_array(flags, &x->n_flags);
    x->comment = comment->valuestring;
    x->op = op->valuestring;
    x->input = input;
    x->expected = cJSON_GetObjectItemCaseSensitive(v, "expected");
    set->n_vec++;
    if (id_insert(set, set->n_vec - 1) != 0) {
        free(x->rules);
        free(x->flags);
        set->n_vec--;
        add_error(set, file, path, "out of memory");
    }
}

void mxt_vecset_add_text(mxt_vecset *set, const char *name, const char *text, size_t len)
{
    char **files = realloc(set->files, (set->n_files + 1) * sizeof *files);
    if (!files)
        return;
    set->files = files;
    cJSON **trees = realloc(set->trees, (set->n_files + 1) * sizeof *trees);
    if (!trees)
        return;
    set->trees = trees;
    char *file = strdup(name);
    if (!file)
        return;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root && end) {
        size_t off = (size_t)(end - text);
        while (off < len && strchr(" \t\r\n", text[off]) && text[off] != 0)
            off++;
        if (off < len) {
            cJSON_Delete(root);
            root = NULL;
            end = text + off;
        }
    }
    set->files[set->n_files] = file;
    set->trees[set->n_files] = root;
    set->n_files++;
    if (!root) {
        char m[200];
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        size_t line = 1;
        for (size_t i = 0; i < off && i < len; i++)
            line += text[i] == '\n';
        snprintf(m, sizeof m, "not valid JSON (near byte %zu, line %zu)", off, line);
        add_error(set, file, "$", m);
        return;
    }
    if (!cJSON_IsObject(root)) {
        add_error(set, file, "$", "not a JSON object");
        return;
    }
    static const char *const allowed[] = {"schema", "family", "generator", "notes", "count",
                                          "input_schema", "vectors", NULL};
    check_members(set, file, "$", root, allowed);
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(schema) || strcmp(schema->valuestring, MXT_VECTORS_SCHEMA) != 0) {
        add_error(set, file, "$.schema", schema ? "not \"" MXT_VECTORS_SCHEMA "\""
                                                : "missing (must be \"" MXT_VECTORS_SCHEMA "\")");
        return;
    }
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(root, "family");
    if (!cJSON_IsString(family) || !matches(FAMILY_RE, family->valuestring)) {
        add_error(set, file, "$.family", family ? "not a family name (e.g. \"CJSON\", \"BK-TRUST\")"
                                                : "missing");
        return;
    }
    static const char *const strs[] = {"generator", "notes", NULL};
    for (size_t i = 0; strs[i]; i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, strs[i]);
        if (s && !cJSON_IsString(s)) {
            char p[64];
            snprintf(p, sizeof p, "$.%s", strs[i]);
            add_error(set, file, p, "not a string");
        }
    }
    const cJSON *is = cJSON_GetObjectItemCaseSensitive(root, "input_schema");
    if (is && !cJSON_IsObject(is))
        add_error(set, file, "$.input_schema", "not an object");
    const cJSON *vectors = cJSON_GetObjectItemCaseSensitive(root, "vectors");
    if (!cJSON_IsArray(vectors)) {
        add_error(set, file, "$.vectors", vectors ? "not an array" : "missing");
        return;
    }
    int n = cJSON_GetArraySize(vectors);
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(root, "count");
    if (count && (!cJSON_IsNumber(count) || count->valuedouble != (double)n)) {
        char m[100];
        snprintf(m, sizeof m, "does not equal the number of vectors (%d)", n);
        add_error(set, file, "$.count", m);
    }
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, vectors)
        add_vector(set, file, family->valuestring, i++, v);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_file(mxt_vecset *set, const char *path)
{
    size_t len = 0;
    uint8_t *text = mxt_read_file(path, &len);
    if (!text) {
        char m[300];
        snprintf(m, sizeof m, "cannot read: %s", strerror(errno));
        add_error(set, path, "$", m);
        return;
    }
    mxt_vecset_add_text(set, path, (const char *)text, len);
    free(text);
}

int mxt_vecset_load(mxt_vecset *set, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        char m[300];
        snprintf(m, sizeof m, "cannot open vectors: %s", strerror(errno));
        add_error(set, dir, "$", m);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        load_file(set, dir);
        return 0;
    }
    DIR *d = opendir(dir);
    if (!d) {
        char m[300];
        snprintf(m, sizeof m, "cannot open directory: %s", strerror(errno));
        add_error(set, dir, "$", m);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 6 || e->d_name[0] == '.' || strcmp(e->d_name + l - 5, ".json") != 0 ||
            strcmp(e->d_name, "schema.json") == 0)
            continue;
        char **g = realloc(names, (n + 1) * sizeof *g);
        if (!g)
            break;
        names = g;
        names[n] = mxt_strfmt("%s/%s", dir, e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        load_file(set, names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

void mxt_vecset_free(mxt_vecset *set)
{
    for (size_t i = 0; i < set->n_vec; i++) {
        free(set->vec[i].rules);
        free(set->vec[i].flags);
    }
    free(set->vec);
    for (size_t i = 0; i < set->n_files; i++) {
        cJSON_Delete(set->trees[i]);
        free(set->files[i]);
    }
    free(set->trees);
    free(set->files);
    for (size_t i = 0; i < set->n_err; i++) {
        free(set->err[i].file);
        free(set->err[i].path);
        free(set->err[i].message);
    }
    free(set->err);
    free(set->id_slots);
    memset(set, 0, sizeof *set);
}

int mxt_vector_selected(const mxt_vector *v, const char *family, const char *rule)
{
    if (family && strcmp(family, v->family) != 0)
        return 0;
    if (!rule)
        return 1;
    for (size_t i = 0; i < v->n_rules; i++)
        if (strcmp(rule, v->rules[i]) == 0)
            return 1;
    return 0;
}

/* ---- judging ------------------------------------------------------------------------------ */

const char *mxt_verdict_name(mxt_verdict v)
{
    switch (v) {
    case MXT_V_PASS: return "pass";
    case MXT_V_FAIL: return "fail";
    case MXT_V_SKIP: return "skip";
    case MXT_V_ERROR: return "error";
    case MXT_V_NOTRUN: return "not-run";
    case MXT_V_COUNT_: break;
    }
    return "?";
}

static char *json_text(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    return s ? s : strdup("?");
}

/* Judges against one {result, reason?, output?} alternative. */
static mxt_verdict judge_one(const cJSON *e, const mxt_outcome *a, int strict_reason, char **why,
                             char **note)
{
    const cJSON *er = cJSON_GetObjectItemCaseSensitive(e, "result");
    const cJSON *ew = cJSON_GetObjectItemCaseSensitive(e, "reason");
    const cJSON *eo = cJSON_GetObjectItemCaseSensitive(e, "output");
    if (!cJSON_IsString(er)) {
        *why = strdup("the vector's expected.result is not a string");
        return MXT_V_ERROR;
    }
    if (strcmp(er->valuestring, a->result) != 0) {
        *why = mxt_strfmt("result: expected \"%s\", got \"%s\"", er->valuestring, a->result);
        return MXT_V_FAIL;
    }
    if (cJSON_IsString(ew) && a->reason && strcmp(ew->valuestring, a->reason) != 0) {
        char *m = mxt_strfmt("reason: expected \"%s\", got \"%s\"", ew->valuestring, a->reason);
        if (strict_reason) {
            *why = m;
            return MXT_V_FAIL;
        }
        *note = m;
    }
    if (eo && !cJSON_IsNull(eo)) {
        if (!a->output) {
            *why = strdup("output: expected one, got none");
            return MXT_V_FAIL;
        }
        int same = cJSON_IsString(eo) && cJSON_IsString(a->output)
                       ? strcmp(eo->valuestring, a->output->valuestring) == 0
                       : cJSON_Compare(eo, a->output, 1);
        if (!same) {
            char *x = json_text(eo), *y = json_text(a->output);
            *why = mxt_strfmt("output: expected %s, got %s", x, y);
            free(x);
            free(y);
            free(*note);
            *note = NULL;
            return MXT_V_FAIL;
        }
    }
    return MXT_V_PASS;
}

mxt_verdict mxt_judge(const cJSON *expected, const mxt_outcome *actual, int strict_reason,
                      char **why, char **note)
{
    *why = NULL;
    *note = NULL;
    if (!actual->result) {
        *why = strdup("no result");
        return MXT_V_ERROR;
    }
    if (strcmp(actual->result, "error") == 0) {
        *why = actual->message ? strdup(actual->message)
                               : strdup("the implementation reported an error");
        return MXT_V_ERROR;
    }
    const cJSON *any = cJSON_GetObjectItemCaseSensitive(expected, "any_of");
    if (!any)
        return judge_one(expected, actual, strict_reason, why, note);
    char *all = NULL;
    const cJSON *alt;
    int i = 0;
    cJSON_ArrayForEach(alt, any) {
        char *w = NULL, *n = NULL;
        mxt_verdict v = judge_one(alt, actual, strict_reason, &w, &n);
        if (v == MXT_V_PASS) {
            free(w);
            free(all);
            *note = n;
            return v;
        }
        free(n);
        char *joined = mxt_strfmt("%s%salternative %d: %s", all ? all : "", all ? "; " : "", i,
                                  w ? w : "?");
        free(all);
        free(w);
        all = joined;
        i++;
    }
    *why = all;
    return MXT_V_FAIL;
}

char *mxt_expected_text(const cJSON *expected)
{
    return json_text(expected);
}

char *mxt_outcome_text(const mxt_outcome *o)
{
    cJSON *j = mxt_outcome_to_json(o);
    char *s = json_text(j);
    cJSON_Delete(j);
    return s;
}
