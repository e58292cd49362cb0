/*
 * Results of a conformance run and the three reports: human text, JSON (--json) and JUnit XML
 * (--junit). Shared by `mxtrust run` (in-process) and `mxtrust client` (adapter protocol).
 */
#ifndef MXT_RUNREPORT_H
#define MXT_RUNREPORT_H

#include <stdio.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "vecfile.h"

typedef struct {
    const mxt_vector *v;
    mxt_verdict       verdict;
    mxt_outcome       actual;    /* what the implementation answered (empty when none) */
    char             *evidence;  /* why it failed, errored or was skipped (heap, may be NULL) */
    char             *note;      /* a remark on a pass (e.g. differing reason code) */
    double            ms;        /* wall time of the request */
} mxt_result;

typedef struct {
    const char       *command;       /* "run" or "client" */
    const char       *impl_name;
    const char       *impl_version;
    const char       *adapter;       /* adapter command line, NULL in-process */
    const char       *vectors;       /* directory or file the vectors came from */
    const mxt_vecset *set;
    mxt_result       *res;           /* one per selected vector, in run order */
    size_t            n_res;
    int               interrupted;   /* the signal that stopped the run, or 0 */
    int               strict_reason;
    time_t            started;
    double            seconds;
} mxt_run;

/* Counts per verdict. */
typedef struct {
    size_t n[MXT_V_COUNT_];
} mxt_counts;

mxt_counts mxt_run_totals(const mxt_run *r);
/* 0 when every selected vector passed or was skipped and every file loaded; 1 otherwise. */
int mxt_run_exit_status(const mxt_run *r);
void mxt_run_free_results(mxt_run *r);

/* Hook for rule statements (the rules DB): returns the statement of a rule ID, or NULL. */
typedef const char *(*mxt_rule_lookup_fn)(const char *rule_id);
void mxt_report_set_rule_lookup(mxt_rule_lookup_fn fn);

/* Human report. color: ANSI colours; quiet: no tables, only problems and the summary line. */
void mxt_report_text(FILE *f, const mxt_run *r, int color, int quiet);

/* Machine reports as data (for tests) and written atomically to a file ("-" = stdout). */
cJSON *mxt_report_json(const mxt_run *r);
char *mxt_report_junit(const mxt_run *r);
int mxt_report_write_json(const mxt_run *r, const char *path);
int mxt_report_write_junit(const mxt_run *r, const char *path);

/* XML text/attribute escaping: & < > " ' escaped; control bytes not allowed in XML 1.0 and invalid
 * UTF-8 become the text "\xNN". Heap result. */
char *mxt_xml_escape(const char *s);

/* Writes data to path via a temporary file in the same directory and rename(); "-" = stdout.
 * Returns 0, or -1 with errno. */
int mxt_write_atomic(const char *path, const char *data, size_t len);

#endif
