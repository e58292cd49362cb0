/*
 * The harness side of the adapter protocol (conformance/ADAPTER.md): spawns an adapter command
 * (sh -c) in its own process group, performs the hello handshake, sends requests and reads the
 * response lines with a timeout. Requests may be pipelined: mxt_adapter_send() queues a request
 * without waiting (the bytes go out non-blocking while responses are read, so neither side can
 * block the other), mxt_adapter_next() returns the next response, matched to its request by id.
 * Every way an adapter can misbehave (exit, signal, hang, closed stdout, a line that is not JSON,
 * a wrong id or type) comes back as an error string with the evidence, blamed on one request (the
 * oldest outstanding one when the fault cannot be tied to a request); the adapter is then killed,
 * the caller takes back the other unanswered requests with mxt_adapter_pop_unanswered() and
 * restarts it with mxt_adapter_start().
 *
 * Timeout: a request must be answered (and, before that, written) within opts.timeout_ms of the
 * moment it became the oldest outstanding request (its send, when nothing else was outstanding).
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

struct mxt_adapter_req {
    size_t             tag;      /* the caller's handle (e.g. an index) */
    char              *id;
    unsigned long long end;      /* stream offset just past its '\n' */
    double             sent_ms;  /* when it was queued (ms, monotonic clock) */
};

typedef struct {
    mxt_adapter_opts opts;
    pid_t   pid;          /* 0 when not running (or already reaped) */
    pid_t   pgid;         /* its process group, killed as a whole */
    int     in_fd;        /* its stdin (we write) */
    int     out_fd;       /* its stdout (we read lines) */
    int     err_fd;       /* its stderr (logged) */
    char   *rbuf;         /* stdout bytes read; rbuf[roff..rlen) not yet consumed */
    size_t  roff, rlen, rcap;
    char    err_tail[1024]; /* last stderr bytes, for evidence */
    size_t  err_tail_len;
    /* From the handshake. */
    char   *name;
    char   *version;
    char  **ops;
    size_t  n_ops;
    int     starts;       /* how many times it was started */
    /* Pipelining: bytes queued for its stdin, wbuf[woff..wlen); stream offsets since the start. */
    char   *wbuf;
    size_t  woff, wlen, wcap;
    unsigned long long wqueued, wwritten;
    int     in_broken;    /* writing failed (EPIPE...): the adapter closed its stdin */
    struct mxt_adapter_req *fl;  /* outstanding requests, oldest first */
    size_t  fl_n, fl_cap;
    long long oldest_since;      /* ms (monotonic) when fl[0] became the oldest outstanding */
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
/* One request, waiting for its answer (nothing else may be outstanding). On MXT_AR_OK, *out holds
 * the response's outcome. */
mxt_adapter_rc mxt_adapter_request(mxt_adapter *a, const char *id, const char *op,
                                   const cJSON *input, mxt_outcome *out, char **why);

/* Pipelining. Queues one request under the caller's `tag` and returns at once (MXT_AR_OK), or
 * MXT_AR_FAILED with *why when the adapter is not running or memory runs out (nothing queued).
 * A write error is not reported here: it surfaces through mxt_adapter_next(). */
mxt_adapter_rc mxt_adapter_send(mxt_adapter *a, size_t tag, const char *id, const char *op,
                                const cJSON *input, char **why);
/* Requests sent and not yet answered. */
size_t mxt_adapter_outstanding(const mxt_adapter *a);
/* Waits for the next response (writing queued requests meanwhile); needs outstanding > 0.
 *   MXT_AR_OK / MXT_AR_UNSUPPORTED: *tag answered (with *out, or *why = the adapter's reason).
 *   MXT_AR_FAILED: *tag is the request the fault is blamed on, *why the evidence; the adapter
 *     was killed; the other unanswered requests are left for mxt_adapter_pop_unanswered().
 *   MXT_AR_INTERRUPTED: opts.stop was set; the adapter was killed; every unanswered request is
 *     left for mxt_adapter_pop_unanswered() (*tag is not set).
 * *ms is the time from the request's send to its answer (or to the failure blamed on it). */
mxt_adapter_rc mxt_adapter_next(mxt_adapter *a, size_t *tag, mxt_outcome *out, char **why,
                                double *ms);
/* After FAILED or INTERRUPTED: takes back the unanswered requests, oldest first (1 while there is
 * one, then 0). mxt_adapter_start() forgets any left. */
int mxt_adapter_pop_unanswered(mxt_adapter *a, size_t *tag);
/* Closes stdin, waits up to grace_ms for a clean exit, then kills the process group. */
void mxt_adapter_stop(mxt_adapter *a, int grace_ms);
void mxt_adapter_free(mxt_adapter *a);

/* Checks one response line against the request id (exposed for tests). Returns MXT_AR_OK,
 * MXT_AR_UNSUPPORTED (why = the adapter's reason) or MXT_AR_FAILED (why = evidence). */
mxt_adapter_rc mxt_adapter_parse_response(const char *line, size_t len, const char *id,
                                          mxt_outcome *out, char **why);

#endif
