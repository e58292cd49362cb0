/*
 * The server scenarios of `mxtrust server` (conformance/SERVER.md): black-box HTTP checks of a
 * homeserver's key backup (BK-SRV-*, BK-BETTER-*) and cross-signing (XS-*) rules. Each scenario
 * runs on fresh users (random-suffixed names) so scenarios are independent and repeatable.
 */
#ifndef MXT_SERVER_SUITE_H
#define MXT_SERVER_SUITE_H

#include <signal.h>
#include <stddef.h>
#include "vecfile.h"

typedef struct {
    const char        *url;           /* homeserver base URL, e.g. http://127.0.0.1:8008 */
    const char *const *tokens;        /* --access-token values (existing users) */
    size_t             n_tokens;
    const char        *shared_secret; /* Synapse admin registration shared secret, or NULL */
    long               timeout_ms;    /* per request */
    int                max_429;       /* retries after 429 */
    long               max_wait_ms;   /* bound of one 429 wait */
    const volatile sig_atomic_t *stop; /* non-zero (set by a signal handler): abort, or NULL */
} mxt_srv_config;

typedef struct mxt_srv mxt_srv;
typedef struct mxt_srv_t mxt_srv_t;

typedef struct {
    const char        *id;       /* e.g. "BK-SRV-version-create" */
    const char        *family;   /* "BK-SRV", "BK-BETTER" or "XS" */
    const char *const *rules;    /* NULL-terminated rule IDs */
    const char        *title;
    int                users;    /* how many users it needs */
    int                fresh;    /* 1: needs newly registered users (not --access-token ones) */
    void             (*fn)(mxt_srv_t *t);
} mxt_srv_scenario;

size_t mxt_srv_scenario_count(void);
const mxt_srv_scenario *mxt_srv_scenario_at(size_t i);

/* Connects (no request yet). Returns NULL with a message in err. */
mxt_srv *mxt_srv_open(const mxt_srv_config *cfg, char *err, size_t cap);
void mxt_srv_close(mxt_srv *s);

/* Prepares the --access-token users (GET /account/whoami). Returns 0, or -1 with err. */
int mxt_srv_prepare(mxt_srv *s, char *err, size_t cap);

/* Runs one scenario: verdict PASS, FAIL or SKIP, with heap evidence (why it failed or was
 * skipped, credentials redacted) and a heap note (remarks on a pass); either may be NULL. */
void mxt_srv_run(mxt_srv *s, const mxt_srv_scenario *sc, mxt_verdict *verdict, char **evidence,
                 char **note);

/* Run-wide counters for the summary: requests made, 429 answers waited for. */
void mxt_srv_stats(const mxt_srv *s, unsigned long *requests, unsigned long *n429);

#endif
