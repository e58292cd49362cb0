/* The adapter-protocol runner behind `mxtrust client`, shared with `mxtrust matrix`
 * (conformance/cmd/cmd_run.c). */
#ifndef MXT_CLIENT_EXEC_H
#define MXT_CLIENT_EXEC_H

#include <stdio.h>
#include "runreport.h"

typedef struct {
    const char *adapter;      /* command line, run with /bin/sh -c */
    int         timeout_ms;   /* per request and for the handshake */
    int         max_restarts;
    int         window;       /* requests in flight (>= 1) */
    int         strict_reasons;
    int         quiet;        /* no progress or restart messages on stderr */
    FILE       *log;          /* adapter stderr copy, may be NULL */
} mxt_client_cfg;

/* Runs the selected vectors of *r (r->res[0..n_res) with verdict not-run) through the adapter:
 * fills every result, r->adapter, r->strict_reason and r->interrupted (SIGINT/SIGTERM are
 * caught). r->impl_name/impl_version point to *name_out and *version_out (heap: the caller frees
 * them after the last use of r). */
void mxt_client_exec(mxt_run *r, const mxt_client_cfg *cfg, char **name_out, char **version_out);

#endif
