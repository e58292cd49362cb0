/* mxtrust canon: print the canonical JSON of a file (CJSON-001..013) using the proven core. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "mxt_io.h"
#include "json.h"
#include "canon.h"

static void canon_help(FILE *to)
{
    fprintf(to,
            "usage: mxtrust canon [FILE|-] [--numbers strict|normalise]\n\n"
            "Prints the canonical JSON (spec appendix \"Canonical JSON\") of FILE, or of standard\n"
            "input when FILE is '-' or absent, with no trailing newline.\n\n"
            "  --numbers strict     only integers in canonical form (default; CJSON-005)\n"
            "  --numbers normalise  also accept -0, fractions and exponents whose value is an\n"
            "                       integer in range, as in the spec's {\"a\":-0,\"b\":1e10} example\n\n"
            "exit status: 0 printed; 1 the input is not acceptable (one line on stderr:\n"
            "  mxtrust canon: FILE: E_CODE (RULE) at byte N); 2 usage or I/O error.\n");
}

int cmd_canon(int argc, char **argv)
{
    const char *path = NULL;
    mxt_json_opts opts = {0, MXT_NUM_STRICT};
    if (mxt_wants_help(argc, argv)) {
        canon_help(stdout);
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        if (strcmp(a, "--numbers") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "mxtrust canon: --numbers needs a value\n\n");
                canon_help(stderr);
                return 2;
            }
            val = argv[++i];
        } else if (strncmp(a, "--numbers=", 10) == 0) {
            val = a + 10;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "mxtrust canon: unknown option '%s'\n\n", a);
            canon_help(stderr);
            return 2;
        } else if (path == NULL) {
            path = a;
            continue;
        } else {
            fprintf(stderr, "mxtrust canon: more than one input file\n\n");
            canon_help(stderr);
            return 2;
        }
        if (strcmp(val, "strict") == 0) {
            opts.numbers = MXT_NUM_STRICT;
        } else if (strcmp(val, "normalise") == 0 || strcmp(val, "normalize") == 0) {
            opts.numbers = MXT_NUM_NORMALISE;
        } else {
            fprintf(stderr, "mxtrust canon: --numbers must be strict or normalise, not '%s'\n\n", val);
            canon_help(stderr);
            return 2;
        }
    }
    if (path == NULL)
        path = "-";

    size_t len = 0;
    uint8_t *in = mxt_read_file(path, &len);
    if (in == NULL) {
        fprintf(stderr, "mxtrust canon: %s: %s\n", path, strerror(errno));
        return 2;
    }
    /* a token needs at least one input byte, so len + 1 tokens always suffice */
    size_t ntok = len + 1;
    if (ntok > UINT32_MAX)
        ntok = UINT32_MAX;
    mxt_json_token *tok = calloc(ntok, sizeof *tok);
    if (tok == NULL) {
        fprintf(stderr, "mxtrust canon: %s: out of memory\n", path);
        free(in);
        return 2;
    }
    mxt_json_doc doc;
    mxt_where where = {MXT_NO_OFFSET};
    int rc = 1;
    uint8_t *out = NULL;
    mxt_status st = mxt_json_parse(in, len, tok, (uint32_t)ntok, &opts, &doc, &where);
    if (st == MXT_OK) {
        size_t need = 0;
        st = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, NULL, 0, &need);
        if (st == MXT_E_BUFFER_SMALL) {
            out = malloc(need ? need : 1);
            if (out == NULL) {
                fprintf(stderr, "mxtrust canon: %s: out of memory\n", path);
                rc = 2;
                goto done;
            }
            st = mxt_canon_encode(&doc, 0, MXT_CANON_ALL, out, need, &need);
        }
        if (st == MXT_OK) {
            if (fwrite(out, 1, need, stdout) != need || fflush(stdout) != 0) {
                fprintf(stderr, "mxtrust canon: writing: %s\n", strerror(errno));
                rc = 2;
            } else {
                rc = 0;
            }
            goto done;
        }
        where.offset = MXT_NO_OFFSET;
    }
    {
        const char *rule = mxt_status_rule(st);
        fprintf(stderr, "mxtrust canon: %s: %s", path, mxt_status_name(st));
        if (rule[0] != '\0')
            fprintf(stderr, " (%s)", rule);
        if (where.offset != MXT_NO_OFFSET)
            fprintf(stderr, " at byte %zu", where.offset);
        fputc('\n', stderr);
    }
done:
    free(out);
    free(tok);
    free(in);
    return rc;
}
