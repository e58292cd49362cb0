/*
 * The harness side of the adapter protocol (conformance/ADAPTER.md): spawns an adapter command
 * (sh -c) in its own process group, performs the hello handshake, sends one request per vector and
 * reads the response line with a timeout. Every way an adapter can misbehave (exit, signal, hang,
 * closed stdout, a line that is not JSON, a wrong id or type) comes back as an error string with
 * the evidence; the caller then restarts it with mxt_adapter_start().
 */
#ifndef MXT_ADAPTER_CLIENT_H
#define MXT_ADAPTER_CLIENT_H

#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <cjson/cJSON.h>
#include "vecfile.h"

#define MXT_PROTOCOL_VERSION 1

typedef struct {
    const char                  *command;      /* run with /bin/sh -c */
    int                          timeout_ms;   /* per request (and for the handshake) */
    FILE                        *log;          /* adapter stderr is copied here (may be NULL) */
    const volatile sig_atomic_t *stop;         /* set by a signal handler: give up waiting */
} mxt_adapter_opts;

typedef struct {
    mxt_adapter_opts opts;
    pid_t   pid;          /* 0 when not running (or already reaped) */
    pid_t   pgid;         /* its process group, killed as a whole */
    int     in_fd;        /* its stdin (we write) */
    int     out_fd;       /* its stdout (we read lines) */
    int     err_fd;       /* its stderr (logged) */
    char   *rbuf;         /* stdout bytes not yet consumed */
    size_t  rlen, rcap;
    char    err_tail[1024]; /* last stderr bytes, for evidence */
    size_t  err_tail_len;
    /* From the handshake. */
    char   *name;
    char   *version;
    char  **ops;
    size_t  n_ops;
    int     starts;       /* how many times it was started */
} mxt_adapter;

/* Outcome of one exchange. */
typedef enum {
    MXT_AR_OK = 0,         /* a response: outcome filled */
    MXT_AR_UNSUPPORTED,    /* the adapter declined the vector: *why filled */
    MXT_AR_FAILED,         /* protocol failure: *why has the evidence; the adapter was killed */
    MXT_AR_INTERRUPTED     /* opts.stop was set while waiting; the adapter was killed */
} mxt_adapter_rc;

/* Also sets SIGPIPE to SIG_IGN when it is at its default (a dead adapter must not kill us). */
void mxt_adapter_init(mxt_adapter *a, const mxt_adapter_opts *opts);
/* Spawns the command and performs the handshake. MXT_AR_OK, or FAILED/INTERRUPTED with *why. */
mxt_adapter_rc mxt_adapter_start(mxt_adapter *a, char **why);
/* 1 when the handshake declared `op`. */
int mxt_adapter_declares(const mxt_adapter *a, const char *op);
/* One request. On MXT_AR_OK, *out holds the response's outcome. */
mxt_adapter_rc mxt_adapter_request(mxt_adapter *a, const char *id, const char *op,
                                   const cJSON *input, mxt_outcome *out, char **why);
/* Closes stdin, waits up to grace_ms for a clean exit, then kills the process group. */
void mxt_adapter_stop(mxt_adapter *a, int grace_ms);
void mxt_adapter_free(mxt_adapter *a);

/* Checks one response line against the request id (exposed for tests). Returns MXT_AR_OK,
 * MXT_AR_UNSUPPORTED (why = the adapter's reason) or MXT_AR_FAILED (why = evidence). */
mxt_adapter_rc mxt_adapter_parse_response(const char *line, size_t len, const char *id,
                                          mxt_outcome *out, char **why);

#endif
