/* mxtrust rules / mxtrust explain: the rule catalogue (spec/rules.json, embedded at build time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "commands.h"
#include "rules_db.h"

static const char *const STATUSES[] = {"spec", "proposal", "derived", "note"};

static void rules_usage(FILE *to)
{
    fprintf(to,
            "usage: mxtrust rules [--family F] [--status S]\n\n"
            "Lists the rules of the catalogue (spec/rules.json, built into this binary): ID, strength\n"
            "(MUST/SHOULD/MAY), who it binds (client/server/both), status (spec/proposal/derived; note\n"
            "marks an implementation note kept under a stable ID, not a rule) and title. Filters combine.\n\n"
            "  --family F   only family F: CJSON SIG XS BK-SRV BK-BETTER BK-TRUST BK-FMT SKB SD\n"
            "  --status S   only status S: spec, proposal, derived or note\n\n"
            "'mxtrust explain RULE-ID' prints one rule in full.\n");
}

static void explain_usage(FILE *to)
{
    fprintf(to,
            "usage: mxtrust explain RULE-ID\n\n"
            "Prints one rule of the catalogue: its statement, strength, who it binds, status, sources,\n"
            "known divergences of implementations, ambiguity notes, the text of its ACSL predicate\n"
            "(from spec/acsl, built into this binary) and the core function that implements it.\n"
            "Exit status: 0 printed, 1 unknown rule ID, 2 usage error.\n\n"
            "example: mxtrust explain BK-BETTER-002\n");
}

static int family_known(const cJSON *db, const char *fam)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(db, "families")) {
        const char *id = mxt_rules_str(f, "id");
        if (id && strcmp(id, fam) == 0)
            return 1;
    }
    return 0;
}

static cJSON *load_or_complain(const char *cmd)
{
    cJSON *db = mxt_rules_load();
    if (!db)
        fprintf(stderr, "mxtrust %s: the built-in rule catalogue is not valid JSON (rebuild)\n", cmd);
    return db;
}

int cmd_rules(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        rules_usage(stdout);
        return 0;
    }
    const char *family = NULL, *status = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "--family") == 0 || strcmp(argv[i], "--status") == 0) && i + 1 < argc) {
            if (argv[i][2] == 'f')
                family = argv[++i];
            else
                status = argv[++i];
        } else {
            fprintf(stderr, "mxtrust rules: unexpected argument '%s'\n\n", argv[i]);
            rules_usage(stderr);
            return 2;
        }
    }
    if (status) {
        size_t k;
        for (k = 0; k < sizeof STATUSES / sizeof STATUSES[0]; k++)
            if (strcmp(status, STATUSES[k]) == 0)
                break;
        if (k == sizeof STATUSES / sizeof STATUSES[0]) {
            fprintf(stderr, "mxtrust rules: unknown status '%s' (spec, proposal, derived or note)\n", status);
            return 2;
        }
    }
    cJSON *db = load_or_complain("rules");
    if (!db)
        return 1;
    if (family && !family_known(db, family)) {
        fprintf(stderr, "mxtrust rules: unknown family '%s' (see 'mxtrust rules --help')\n", family);
        cJSON_Delete(db);
        return 2;
    }
    const cJSON *r;
    int shown = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(db, "rules")) {
        const char *fam = mxt_rules_str(r, "family"), *st = mxt_rules_str(r, "status");
        if (family && (!fam || strcmp(fam, family) != 0))
            continue;
        if (status && (!st || strcmp(st, status) != 0))
            continue;
        printf("%-14s %-6s %-6s %-8s %s\n", mxt_rules_str(r, "id"), mxt_rules_str(r, "strength"),
               mxt_rules_str(r, "binds"), st, mxt_rules_str(r, "title"));
        shown++;
    }
    cJSON_Delete(db);
    if (shown == 0)
        fprintf(stderr, "mxtrust rules: no rule matches\n");
    return 0;
}

/* Prints `text` wrapped at 78 columns, each line starting with `indent` spaces. */
static void print_wrapped(const char *text, int indent)
{
    const int width = 78;
    int col = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        int len = (int)(p - w);
        if (col > 0 && col + 1 + len > width) {
            putchar('\n');
            col = 0;
        }
        if (col == 0) {
            printf("%*s", indent, "");
            col = indent;
        } else {
            putchar(' ');
            col++;
        }
        printf("%.*s", len, w);
        col += len;
    }
    if (col > 0)
        putchar('\n');
}

static void print_indented_block(const char *text, int indent)
{
    for (const char *p = text; *p; ) {
        const char *e = strchr(p, '\n');
        int len = e ? (int)(e - p) : (int)strlen(p);
        printf("%*s%.*s\n", indent, "", len, p);
        p = e ? e + 1 : p + len;
    }
}

static void explain_formalisation(const cJSON *f)
{
    const char *acsl = mxt_rules_str(f, "acsl"), *file = mxt_rules_str(f, "file");
    if (acsl && file) {
        printf("Formalisation: ACSL %s in %s\n", acsl, file);
        const mxt_embedded_file *ef = mxt_embedded_find(mxt_acsl_files, file);
        char *decl = ef ? mxt_acsl_extract((const char *)ef->text, acsl) : NULL;
        if (decl) {
            print_indented_block(decl, 4);
            free(decl);
        } else {
            printf("    (not found in the built-in copy of %s: the catalogue and the ACSL disagree)\n",
                   file);
        }
    } else if (mxt_rules_str(f, "none")) {
        printf("Formalisation: none\n");
        print_wrapped(mxt_rules_str(f, "none"), 4);
    } else {
        printf("Formalisation: pending\n");
        print_wrapped(mxt_rules_str(f, "pending") ? mxt_rules_str(f, "pending") : "", 4);
    }
}

static void explain_implementation(const cJSON *im)
{
    const char *fn = mxt_rules_str(im, "core");
    if (fn) {
        for (const mxt_embedded_file *ef = mxt_core_files; ef->path; ef++) {
            char *proto = mxt_c_prototype((const char *)ef->text, fn);
            if (proto) {
                printf("Implementation: core function %s, declared in %s\n", fn, ef->path);
                print_indented_block(proto, 4);
                free(proto);
                return;
            }
        }
        printf("Implementation: core function %s (not found in the built-in core headers)\n", fn);
    } else if (mxt_rules_str(im, "none")) {
        printf("Implementation: none\n");
        print_wrapped(mxt_rules_str(im, "none"), 4);
    } else {
        printf("Implementation: pending\n");
        print_wrapped(mxt_rules_str(im, "pending") ? mxt_rules_str(im, "pending") : "", 4);
    }
}

int cmd_explain(int argc, char **argv)
{
    if (mxt_wants_help(argc, argv)) {
        explain_usage(stdout);
        return 0;
    }
    if (argc != 2) {
        explain_usage(stderr);
        return 2;
    }
    cJSON *db = load_or_complain("explain");
    if (!db)
        return 1;
    const cJSON *r = mxt_rules_find(db, argv[1]);
    if (!r) {
        fprintf(stderr, "mxtrust explain: unknown rule ID '%s' (list them with 'mxtrust rules')\n",
                argv[1]);
        cJSON_Delete(db);
        return 1;
    }
    printf("%s: %s\n", mxt_rules_str(r, "id"), mxt_rules_str(r, "title"));
    printf("%s, binds %s, status %s", mxt_rules_str(r, "strength"), mxt_rules_str(r, "binds"),
           mxt_rules_str(r, "status"));
    if (mxt_rules_str(r, "profile"))
        printf(", profile %s", mxt_rules_str(r, "profile"));
    printf("\n\n");
    print_wrapped(mxt_rules_str(r, "statement"), 2);

    printf("\nSources:\n");
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(r, "source")) {
        printf("  - %s, %s\n", mxt_rules_str(s, "document"), mxt_rules_str(s, "section"));
        if (mxt_rules_str(s, "url"))
            printf("    %s\n", mxt_rules_str(s, "url"));
    }
    const cJSON *divs = cJSON_GetObjectItemCaseSensitive(r, "divergences");
    if (cJSON_GetArraySize(divs) > 0) {
        printf("\nDivergences:\n");
        const cJSON *d;
        cJSON_ArrayForEach(d, divs) {
            printf("  - %s:\n", mxt_rules_str(d, "implementation"));
            print_wrapped(mxt_rules_str(d, "summary"), 4);
            printf("    ref: %s\n", mxt_rules_str(d, "reference"));
        }
    }
    if (mxt_rules_str(r, "ambiguity")) {
        printf("\nAmbiguity:\n");
        print_wrapped(mxt_rules_str(r, "ambiguity"), 2);
    }
    printf("\n");
    explain_formalisation(cJSON_GetObjectItemCaseSensitive(r, "formalisation"));
    explain_implementation(cJSON_GetObjectItemCaseSensitive(r, "implementation"));
    printf("Conformance: %s\n", mxt_rules_str(r, "conformance"));
    cJSON_Delete(db);
    return 0;
}
