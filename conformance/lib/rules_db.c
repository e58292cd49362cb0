/* The embedded rule catalogue (rules_db.h): lookup and text extraction for `mxtrust explain`. */
#include "rules_db.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

cJSON *mxt_rules_load(void)
{
    return cJSON_ParseWithLength((const char *)mxt_rules_json, mxt_rules_json_len);
}

const char *mxt_rules_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = toupper((unsigned char)*a), cb = toupper((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

const cJSON *mxt_rules_find(const cJSON *db, const char *id)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(db, "rules");
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        const char *rid = mxt_rules_str(r, "id");
        if (rid && ascii_casecmp(rid, id) == 0)
            return r;
    }
    return NULL;
}

const mxt_embedded_file *mxt_embedded_find(const mxt_embedded_file *table, const char *path)
{
    for (const mxt_embedded_file *f = table; f->path; f++)
        if (strcmp(f->path, path) == 0)
            return f;
    return NULL;
}

static int is_ident_start(int c) { return isalpha(c) || c == '_'; }
static int is_ident(int c) { return isalnum(c) || c == '_'; }

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static int starts_with(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* If line [p, end) declares an ACSL predicate/logic/lemma/inductive, returns its name's start and
 * sets *name_len; otherwise NULL. */
static const char *acsl_decl_name(const char *p, const char *end, size_t *name_len)
{
    static const char *const KEYWORDS[] = {"predicate", "logic", "lemma", "inductive", "axiom"};
    p = skip_blank(p, end);
    if (starts_with(p, end, "/*@"))
        p = skip_blank(p + 3, end);
    size_t k;
    for (k = 0; k < sizeof KEYWORDS / sizeof KEYWORDS[0]; k++) {
        size_t n = strlen(KEYWORDS[k]);
        if (starts_with(p, end, KEYWORDS[k]) && p + n < end && (p[n] == ' ' || p[n] == '\t')) {
            p += n;
            break;
        }
    }
    if (k == sizeof KEYWORDS / sizeof KEYWORDS[0])
        return NULL;
    /* The declared name is the first identifier followed by one of ( { = : ; or the line end. */
    while (p < end) {
        if (!is_ident_start((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *id = p;
        while (p < end && is_ident((unsigned char)*p))
            p++;
        const char *q = skip_blank(p, end);
        if (q == end || strchr("({=:;", *q)) {
            *name_len = (size_t)(p - id);
            return id;
        }
    }
    return NULL;
}

static const char *line_end(const char *p)
{
    const char *e = strchr(p, '\n');
    return e ? e : p + strlen(p);
}

static int line_is_acsl_comment(const char *p, const char *end)
{
    p = skip_blank(p, end);
    return starts_with(p, end, "//");
}

/* Copies lines [from, to) removing up to `indent` leading blanks from each. */
static char *copy_dedent(const char *from, const char *to, size_t indent)
{
    char *out = malloc((size_t)(to - from) + 2);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *p = from;
    while (p < to) {
        const char *e = line_end(p);
        if (e > to)
            e = to;
        size_t skip = 0;
        while (skip < indent && p + skip < e && (p[skip] == ' ' || p[skip] == '\t'))
            skip++;
        memcpy(out + o, p + skip, (size_t)(e - p) - skip);
        o += (size_t)(e - p) - skip;
        out[o++] = '\n';
        p = (e < to) ? e + 1 : to;
    }
    out[o] = '\0';
    return out;
}

char *mxt_acsl_extract(const char *text, const char *name)
{
    size_t want = strlen(name);
    const char *prev_start = NULL; /* first line of the run of // comments right above */
    for (const char *line = text; *line; ) {
        const char *end = line_end(line);
        size_t nlen = 0;
        const char *decl = acsl_decl_name(line, end, &nlen);
        if (decl && nlen == want && memcmp(decl, name, want) == 0) {
            /* Find the ';' that ends the declaration, at bracket depth 0, skipping // comments. */
            int depth = 0;
            const char *p = decl + nlen;
            for (; *p; p++) {
                if (p[0] == '/' && p[1] == '/') {
                    p = line_end(p);
                    if (!*p)
                        break;
                    continue;
                }
                if (p[0] == '*' && p[1] == '/' && depth == 0)
                    break;
                if (*p == '(' || *p == '{' || *p == '[')
                    depth++;
                else if ((*p == ')' || *p == '}' || *p == ']') && depth > 0)
                    depth--;
                else if (*p == ';' && depth == 0)
                    break;
            }
            const char *stop = line_end(p);
            size_t indent = (size_t)(skip_blank(line, end) - line);
            return copy_dedent(prev_start ? prev_start : line, stop, indent);
        }
        if (line_is_acsl_comment(line, end)) {
            if (!prev_start)
                prev_start = line;
        } else {
            prev_start = NULL;
        }
        line = *end ? end + 1 : end;
    }
    return NULL;
}

char *mxt_c_prototype(const char *text, const char *name)
{
    /* Blank out comments (ordinary and ACSL) so only code is searched; keep offsets and newlines. */
    size_t n = strlen(text);
    char *code = malloc(n + 1);
    if (!code)
        return NULL;
    memcpy(code, text, n + 1);
    for (size_t i = 0; i < n; i++) {
        if (code[i] == '/' && i + 1 < n && code[i + 1] == '*') {
            size_t j = i;
            while (j < n && !(code[j] == '*' && j + 1 < n && code[j + 1] == '/')) {
                if (code[j] != '\n')
                    code[j] = ' ';
                j++;
            }
            if (j < n) {
                code[j] = ' ';
                code[j + 1] = ' ';
                j++;
            }
            i = j;
        } else if (code[i] == '/' && i + 1 < n && code[i + 1] == '/') {
            while (i < n && code[i] != '\n')
                code[i++] = ' ';
        }
    }
    size_t want = strlen(name);
    char *result = NULL;
    for (const char *p = code; (p = strstr(p, name)) != NULL; p += want) {
        if (p > code && is_ident((unsigned char)p[-1]))
            continue;
        const char *q = p + want;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q != '(')
            continue;
        const char *ls = p;
        while (ls > code && ls[-1] != '\n')
            ls--;
        if (*ls == '#' || *ls == ' ' || *ls == '\t')
            continue; /* a macro or a call inside a body, not a top-level prototype */
        const char *semi = strchr(q, ';');
        if (!semi)
            break;
        size_t off = (size_t)(ls - code), len = (size_t)(semi - ls) + 1;
        result = malloc(len + 2);
        if (result) {
            memcpy(result, text + off, len);
            result[len] = '\n';
            result[len + 1] = '\0';
        }
        break;
    }
    free(code);
    return result;
}
