/*
 * The rule catalogue built into the tool: spec/rules.json, the ACSL headers (spec/acsl, every .h)
 * and the core headers (core, every .h), embedded at build time by spec/embed_rules.cmake (a generated C source in
 * the build directory), so `mxtrust rules` and `mxtrust explain` need no source tree at run time.
 */
#ifndef MXT_RULES_DB_H
#define MXT_RULES_DB_H

#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct {
    const char          *path;  /* relative to the source tree, e.g. "spec/acsl/bk_better.h" */
    const unsigned char *text;  /* NUL-terminated */
    size_t               len;   /* bytes, without the NUL */
} mxt_embedded_file;

/* Defined in the generated source. The file tables end with a {0, 0, 0} entry. */
extern const unsigned char     mxt_rules_json[];
extern const size_t            mxt_rules_json_len;
extern const mxt_embedded_file mxt_acsl_files[];
extern const size_t            mxt_acsl_files_count;
extern const mxt_embedded_file mxt_core_files[];
extern const size_t            mxt_core_files_count;

/* Parses the embedded catalogue; NULL if it is not valid JSON. Free with cJSON_Delete. */
cJSON *mxt_rules_load(void);

/* The rule whose "id" equals `id` (ASCII case-insensitive), or NULL. */
const cJSON *mxt_rules_find(const cJSON *db, const char *id);

/* Helpers over a rule or any object: the string member `key`, or NULL. */
const char *mxt_rules_str(const cJSON *obj, const char *key);

/* The embedded file with this path (e.g. "spec/acsl/b64.h"), or NULL. */
const mxt_embedded_file *mxt_embedded_find(const mxt_embedded_file *table, const char *path);

/*
 * The ACSL declaration of `name` in `text`: the predicate, logic function, lemma or inductive
 * definition whose declared name is `name`, from its line (preceded by the ACSL // comment lines
 * directly above it) to the ';' that ends it. Returns a heap string (free with free) or NULL if
 * `name` is not declared there.
 */
char *mxt_acsl_extract(const char *text, const char *name);

/*
 * The C prototype of function `name` in a header: the declaration line(s) from the line holding
 * "name(" to the closing ");". Returns a heap string or NULL. Ordinary comments are skipped.
 */
char *mxt_c_prototype(const char *text, const char *name);

#endif
