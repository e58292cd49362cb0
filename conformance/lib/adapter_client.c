/* The harness side of the adapter protocol: process management, handshake, requests. */
#define _POSIX_C_SOURCE 200809L
#include "adapter_client.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE ((size_t)64 << 20)
#define EVIDENCE_BYTES 120

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_msd(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int stopped(const mxt_adapter *a)
{
    return a->opts.stop && *a->opts.stop;
}

void mxt_adapter_init(mxt_adapter *a, const mxt_adapter_opts *opts)
{
    /* Writing to an adapter that has died must be an EPIPE to report, not a signal that kills
     * the harness. */
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);
    memset(a, 0, sizeof *a);
    a->opts = *opts;
    a->in_fd = a->out_fd = a->err_fd = -1;
}

static void forget_handshake(mxt_adapter *a)
{
    free(a->name);
    free(a->version);
    for (size_t i = 0; i < a->n_ops; i++)
        free(a->ops[i]);
    free(a->ops);
    a->name = a->version = NULL;
    a->ops = NULL;
    a->n_ops = 0;
}

/* Drops the outstanding requests (after a restart or at the end). */
static void forget_requests(mxt_adapter *a)
{
    for (size_t i = 0; i < a->fl_n; i++)
        free(a->fl[i].id);
    a->fl_n = 0;
}

static void remove_request(mxt_adapter *a, size_t k)
{
    free(a->fl[k].id);
    memmove(&a->fl[k], &a->fl[k + 1], (a->fl_n - k - 1) * sizeof a->fl[0]);
    a->fl_n--;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Kills the whole process group and reaps the child. */
static void kill_adapter(mxt_adapter *a)
{
    if (a->pgid > 0)
        kill(-a->pgid, SIGKILL);
    if (a->pid > 0) {
        kill(a->pid, SIGKILL);
        while (waitpid(a->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    a->pid = 0;
    a->pgid = 0;
    close_fd(&a->in_fd);
    close_fd(&a->out_fd);
    close_fd(&a->err_fd);
    a->roff = a->rlen = 0;
    a->woff = a->wlen = 0;
}

void mxt_adapter_free(mxt_adapter *a)
{
    kill_adapter(a);
    forget_handshake(a);
    forget_requests(a);
    free(a->fl);
    a->fl = NULL;
    a->fl_cap = 0;
    free(a->rbuf);
    a->rbuf = NULL;
    a->rcap = 0;
    free(a->wbuf);
    a->wbuf = NULL;
    a->wcap = 0;
}

static void set_flags(int fd)
{
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static int spawn(mxt_adapter *a, char **why)
{
    int in[2], out[2], err[2];
    if (pipe(in) != 0)
        goto fail0;
    if (pipe(out) != 0)
        goto fail1;
    if (pipe(err) != 0)
        goto fail2;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        goto fail3;
    if (pid == 0) {
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        execl("/bin/sh", "sh", "-c", a->opts.command, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    a->pid = pid;
    a->pgid = pid;
    a->in_fd = in[1];
    a->out_fd = out[0];
    a->err_fd = err[0];
    set_flags(a->in_fd);
    set_flags(a->out_fd);
    set_flags(a->err_fd);
    a->roff = a->rlen = 0;
    a->err_tail_len = 0;
    a->woff = a->wlen = 0;
    a->wqueued = a->wwritten = 0;
    a->in_broken = 0;
    a->starts++;
    return 0;
fail3:
    close(err[0]); close(err[1]);
fail2:
    close(out[0]); close(out[1]);
fail1:
    close(in[0]); close(in[1]);
fail0:
    *why = mxt_strfmt("cannot start the adapter: %s", strerror(errno));
    return -1;
}

static void take_stderr(mxt_adapter *a, const char *buf, size_t n)
{
    if (a->opts.log) {
        fwrite(buf, 1, n, a->opts.log);
        fflush(a->opts.log);
    }
    size_t cap = sizeof a->err_tail;
    if (n >= cap) {
        memcpy(a->err_tail, buf + n - cap, cap);
        a->err_tail_len = cap;
    } else {
        if (a->err_tail_len + n > cap) {
            size_t drop = a->err_tail_len + n - cap;
            memmove(a->err_tail, a->err_tail + drop, a->err_tail_len - drop);
            a->err_tail_len -= drop;
        }
        memcpy(a->err_tail + a->err_tail_len, buf, n);
        a->err_tail_len += n;
    }
}

/* Reads what is available on stderr; returns 0 at EOF, 1 otherwise. */
static int read_stderr(mxt_adapter *a)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(a->err_fd, buf, sizeof buf);
        if (n > 0) {
            take_stderr(a, buf, (size_t)n);
            continue;
        }
        if (n == 0) {
            close_fd(&a->err_fd);
            return 0;
        }
        if (errno == EINTR)
            continue;
        return 1;
    }
}

typedef enum { P_LINE, P_TIMEOUT, P_EOF, P_STOP, P_TOOLONG } pump_rc;

/* One read() of stdout into the buffer (closes out_fd at EOF). -1 when out of memory. */
static int read_some(mxt_adapter *a)
{
    if (a->roff > 0) {
        memmove(a->rbuf, a->rbuf + a->roff, a->rlen - a->roff);
        a->rlen -= a->roff;
        a->roff = 0;
    }
    if (a->rcap - a->rlen < 65536) {
        size_t cap = a->rcap ? a->rcap * 2 : 131072;
        char *t = realloc(a->rbuf, cap);
        if (!t)
            return -1;
        a->rbuf = t;
        a->rcap = cap;
    }
    ssize_t n = read(a->out_fd, a->rbuf + a->rlen, a->rcap - a->rlen - 1);
    if (n > 0)
        a->rlen += (size_t)n;
    else if (n == 0)
        close_fd(&a->out_fd);
    else if (errno != EINTR && errno != EAGAIN)
        close_fd(&a->out_fd);
    return 0;
}

/* Waits for one complete stdout line (without its '\n'), copying stderr to the log meanwhile. */
static pump_rc read_line(mxt_adapter *a, long long deadline, char **line, size_t *len)
{
    for (;;) {
        char *nl = a->rlen > a->roff ? memchr(a->rbuf + a->roff, '\n', a->rlen - a->roff) : NULL;
        if (nl) {
            *line = a->rbuf + a->roff;
            *len = (size_t)(nl - *line);
            return P_LINE;
        }
        if (a->rlen - a->roff > MAX_LINE)
            return P_TOOLONG;
        if (a->out_fd < 0)
            return P_EOF;
        if (stopped(a))
            return P_STOP;
        long long left = deadline - now_ms();
        if (left <= 0)
            return P_TIMEOUT;
        struct pollfd p[2] = {{a->out_fd, POLLIN, 0}, {a->err_fd, POLLIN, 0}};
        int np = a->err_fd >= 0 ? 2 : 1;
        int r = poll(p, (nfds_t)np, left > 1000 ? 1000 : (int)left);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return P_EOF;
        }
        if (np == 2 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            read_stderr(a);
        if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && read_some(a) != 0)
            return P_TOOLONG;
    }
}

/* Drops the first line (and its '\n') from the read buffer. */
static void consume_line(mxt_adapter *a, size_t len)
{
    a->roff += len + 1;
    if (a->roff == a->rlen)
        a->roff = a->rlen = 0;
}

typedef enum { WR_OK, WR_CLOSED, WR_TIMEOUT, WR_STOP } write_rc;

static write_rc write_all(mxt_adapter *a, const char *data, size_t n, long long deadline)
{
    size_t done = 0;
    while (done < n) {
        if (stopped(a))
            return WR_STOP;
        ssize_t w = write(a->in_fd, data + done, n - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno != EAGAIN)
            return WR_CLOSED;
        long long left = deadline - now_ms();
        if (left <= 0)
            return WR_TIMEOUT;
        struct pollfd p[2] = {{a->in_fd, POLLOUT, 0}, {a->err_fd, POLLIN, 0}};
        int np = a->err_fd >= 0 ? 2 : 1;
        if (poll(p, (nfds_t)np, left > 1000 ? 1000 : (int)left) > 0) {
            if (np == 2 && (p[1].revents & (POLLIN | POLLHUP)))
                read_stderr(a);
            if (p[0].revents & (POLLERR | POLLHUP))
                return WR_CLOSED;
        }
    }
    return WR_OK;
}

/* Describes how the process ended (waiting up to wait_ms), with the tail of its stderr. */
static char *death_note(mxt_adapter *a, int wait_ms)
{
    long long until = now_ms() + wait_ms;
    while (a->err_fd >= 0 && now_ms() < until) {
        struct pollfd p = {a->err_fd, POLLIN, 0};
        if (poll(&p, 1, 50) > 0 && read_stderr(a) == 0)
            break;
    }
    char how[160];
    snprintf(how, sizeof how, "the adapter is still running");
    int st;
    for (;;) {
        pid_t r = waitpid(a->pid, &st, WNOHANG);
        if (r == a->pid) {
            if (WIFEXITED(st))
                snprintf(how, sizeof how, "the adapter exited with status %d", WEXITSTATUS(st));
            else if (WIFSIGNALED(st))
                snprintf(how, sizeof how, "the adapter was killed by signal %d (%s)",
                         WTERMSIG(st), strsignal(WTERMSIG(st)));
            a->pid = 0;
            break;
        }
        if (r < 0 && errno != EINTR)
            break;
        if (now_ms() >= until)
            break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    /* The last non-empty stderr line is usually the one that explains the crash. */
    size_t end = a->err_tail_len;
    while (end && (a->err_tail[end - 1] == '\n' || a->err_tail[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start && a->err_tail[start - 1] != '\n')
        start--;
    if (end == 0)
        return strdup(how);
    if (end - start > 300)
        start = end - 300;
    char *tail = mxt_sanitize(a->err_tail + start, end - start);
    char *s = mxt_strfmt("%s; last stderr line: %s", how, tail ? tail : "?");
    free(tail);
    return s;
}

static char *first_bytes(const char *line, size_t len)
{
    char *s = mxt_sanitize(line, len > EVIDENCE_BYTES ? EVIDENCE_BYTES : len);
    char *q = mxt_strfmt("\"%s\"%s", s ? s : "", len > EVIDENCE_BYTES ? "..." : "");
    free(s);
    return q;
}

/* Turns a failed read into evidence, kills the adapter, and says which rc to return. */
static mxt_adapter_rc fail_read(mxt_adapter *a, pump_rc rc, const char *waiting_for, char **why)
{
    char *d;
    switch (rc) {
    case P_STOP:
        kill_adapter(a);
        *why = strdup("interrupted");
        return MXT_AR_INTERRUPTED;
    case P_TIMEOUT:
        *why = mxt_strfmt("no %s within %d ms (killed)", waiting_for, a->opts.timeout_ms);
        break;
    case P_TOOLONG:
        d = first_bytes(a->rbuf + a->roff, a->rlen - a->roff);
        *why = mxt_strfmt("%s: a line longer than %zu bytes without a newline, starting %s",
                          waiting_for, MAX_LINE, d ? d : "?");
        free(d);
        break;
    case P_EOF:
    case P_LINE:
    default:
        d = death_note(a, 1000);
        if (a->rlen > a->roff) {
            char *fb = first_bytes(a->rbuf + a->roff, a->rlen - a->roff);
            *why = mxt_strfmt("stdout closed before a complete %s (partial line %s); %s",
                              waiting_for, fb ? fb : "?", d ? d : "");
            free(fb);
        } else {
            *why = mxt_strfmt("stdout closed before the %s; %s", waiting_for, d ? d : "");
        }
        free(d);
        break;
    }
    kill_adapter(a);
    return MXT_AR_FAILED;
}

static cJSON *parse_line(const char *line, size_t len, char **why)
{
    if (!mxt_utf8_valid(line, len)) {
        char *fb = first_bytes(line, len);
        *why = mxt_strfmt("not UTF-8 line: %s", fb ? fb : "?");
        free(fb);
        return NULL;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
    if (j && end) {
        while (end < line + len && strchr(" \t\r", *end) && *end)
            end++;
        if (end != line + len) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    if (!j || !cJSON_IsObject(j)) {
        char *fb = first_bytes(line, len);
        *why = mxt_strfmt("%s line: %s", j ? "not a JSON object" : "not JSON", fb ? fb : "?");
        free(fb);
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static int type_is(const cJSON *j, const char *type, char **why)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "type");
    if (cJSON_IsString(t) && strcmp(t->valuestring, type) == 0)
        return 1;
    char *txt = t ? cJSON_PrintUnformatted(t) : NULL;
    *why = mxt_strfmt("\"type\" is %s, expected \"%s\"", txt ? txt : "missing", type);
    free(txt);
    return 0;
}

/* The evidence for a response id that is not the expected one (n_out requests outstanding). */
static char *id_mismatch(const cJSON *rid, const char *expected, size_t n_out)
{
    char *txt = rid ? cJSON_PrintUnformatted(rid) : NULL;
    char *s = mxt_sanitize(txt ? txt : "missing", strlen(txt ? txt : "missing"));
    char *why;
    if (n_out > 1)
        why = mxt_strfmt("response id %s, expected \"%s\" (the oldest of the %zu requests in "
                         "flight; it matches none of them)", s ? s : "?", expected, n_out);
    else
        why = mxt_strfmt("response id %s, expected \"%s\"", s ? s : "?", expected);
    free(s);
    free(txt);
    return why;
}

/* A response line up to its id: the object (caller deletes) and *rid inside it, or NULL with
 * *why. */
static cJSON *response_head(const char *line, size_t len, const cJSON **rid, char **why)
{
    cJSON *j = parse_line(line, len, why);
    if (!j)
        return NULL;
    if (!type_is(j, "response", why)) {
        cJSON_Delete(j);
        return NULL;
    }
    *rid = cJSON_GetObjectItemCaseSensitive(j, "id");
    return j;
}

/* The rest of a response whose id matched. */
static mxt_adapter_rc response_body(const cJSON *j, mxt_outcome *out, char **why)
{
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(j, "unsupported");
    if (cJSON_IsTrue(un)) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "why");
        *why = mxt_strfmt("the adapter declined: %s",
                          cJSON_IsString(w) ? w->valuestring : "(no reason given)");
        return MXT_AR_UNSUPPORTED;
    }
    char err[600];
    if (mxt_outcome_from_json(j, "response", out, err, sizeof err) != 0) {
        *why = mxt_sanitize(err, strlen(err));
        return MXT_AR_FAILED;
    }
    return MXT_AR_OK;
}

mxt_adapter_rc mxt_adapter_parse_response(const char *line, size_t len, const char *id,
                                          mxt_outcome *out, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    const cJSON *rid = NULL;
    cJSON *j = response_head(line, len, &rid, why);
    if (!j)
        return MXT_AR_FAILED;
    mxt_adapter_rc rc = MXT_AR_FAILED;
    if (!cJSON_IsString(rid) || strcmp(rid->valuestring, id) != 0)
        *why = id_mismatch(rid, id, 1);
    else
        rc = response_body(j, out, why);
    cJSON_Delete(j);
    return rc;
}

mxt_adapter_rc mxt_adapter_start(mxt_adapter *a, char **why)
{
    *why = NULL;
    kill_adapter(a);
    forget_handshake(a);
    forget_requests(a);
    if (spawn(a, why) != 0)
        return MXT_AR_FAILED;
    long long deadline = now_ms() + a->opts.timeout_ms;
    char hello[64];
    int n = snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"protocol\":%d}\n",
                     MXT_PROTOCOL_VERSION);
    write_rc w = write_all(a, hello, (size_t)n, deadline);
    if (w == WR_STOP)
        return fail_read(a, P_STOP, "", why);
    if (w != WR_OK)
        return fail_read(a, w == WR_TIMEOUT ? P_TIMEOUT : P_EOF, "hello answer", why);
    char *line;
    size_t len;
    pump_rc rc = read_line(a, deadline, &line, &len);
    if (rc != P_LINE)
        return fail_read(a, rc, "hello answer", why);
    char *e = NULL;
    cJSON *j = parse_line(line, len, &e);
    consume_line(a, len);
    const cJSON *impl, *nm, *ver, *ops, *proto;
    if (!j)
        goto bad;
    if (!type_is(j, "hello", &e))
        goto bad;
    proto = cJSON_GetObjectItemCaseSensitive(j, "protocol");
    if (!cJSON_IsNumber(proto) || proto->valuedouble != MXT_PROTOCOL_VERSION) {
        e = mxt_strfmt("hello: \"protocol\" is not %d", MXT_PROTOCOL_VERSION);
        goto bad;
    }
    impl = cJSON_GetObjectItemCaseSensitive(j, "implementation");
    nm = cJSON_GetObjectItemCaseSensitive(impl, "name");
    ver = cJSON_GetObjectItemCaseSensitive(impl, "version");
    if (!cJSON_IsString(nm) || !cJSON_IsString(ver)) {
        e = strdup("hello: implementation.name and implementation.version must be strings");
        goto bad;
    }
    ops = cJSON_GetObjectItemCaseSensitive(j, "operations");
    if (!cJSON_IsArray(ops)) {
        e = strdup("hello: \"operations\" must be an array of operation names");
        goto bad;
    }
    a->name = mxt_sanitize(nm->valuestring, strlen(nm->valuestring));
    a->version = mxt_sanitize(ver->valuestring, strlen(ver->valuestring));
    a->ops = calloc((size_t)cJSON_GetArraySize(ops) + 1, sizeof *a->ops);
    const cJSON *op;
    cJSON_ArrayForEach(op, ops) {
        if (!cJSON_IsString(op)) {
            e = strdup("hello: \"operations\" must be an array of strings");
            goto bad;
        }
        if (a->ops)
            a->ops[a->n_ops++] = strdup(op->valuestring);
    }
    cJSON_Delete(j);
    return MXT_AR_OK;
bad:
    cJSON_Delete(j);
    forget_handshake(a);
    *why = mxt_strfmt("bad hello answer: %s", e ? e : "?");
    free(e);
    kill_adapter(a);
    return MXT_AR_FAILED;
}

int mxt_adapter_declares(const mxt_adapter *a, const char *op)
{
    for (size_t i = 0; i < a->n_ops; i++)
        if (a->ops[i] && strcmp(a->ops[i], op) == 0)
            return 1;
    return 0;
}

/* ---- pipelined requests --------------------------------------------------------------------- */

/* Writes what the adapter's stdin takes without blocking. A write error other than EAGAIN means
 * the adapter closed its stdin: in_broken is set and the unwritten bytes stay unwritten. */
static void flush_writes(mxt_adapter *a)
{
    while (a->woff < a->wlen && a->in_fd >= 0 && !a->in_broken) {
        ssize_t w = write(a->in_fd, a->wbuf + a->woff, a->wlen - a->woff);
        if (w > 0) {
            a->woff += (size_t)w;
            a->wwritten += (unsigned long long)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && errno == EAGAIN)
            return;
        a->in_broken = 1;
        close_fd(&a->in_fd);
    }
    if (a->woff == a->wlen)
        a->woff = a->wlen = 0;
}

/* Room for n more bytes at wbuf + wlen. */
static int reserve(mxt_adapter *a, size_t n)
{
    if (a->wcap - a->wlen < n && a->woff > 0) {
        memmove(a->wbuf, a->wbuf + a->woff, a->wlen - a->woff);
        a->wlen -= a->woff;
        a->woff = 0;
    }
    if (a->wcap - a->wlen < n) {
        size_t cap = a->wcap ? a->wcap : 65536;
        while (cap - a->wlen < n)
            cap *= 2;
        char *t = realloc(a->wbuf, cap);
        if (!t)
            return -1;
        a->wbuf = t;
        a->wcap = cap;
    }
    return 0;
}

static int queue_bytes(mxt_adapter *a, const char *data, size_t n)
{
    if (reserve(a, n) != 0)
        return -1;
    memcpy(a->wbuf + a->wlen, data, n);
    a->wlen += n;
    a->wqueued += n;
    return 0;
}

/* s as a JSON string: '"' and '\\' escaped, control bytes as \u00XX, the rest as it is. */
static int queue_json_string(mxt_adapter *a, const char *s)
{
    size_t n = strlen(s);
    if (reserve(a, 6 * n + 2) != 0)
        return -1;
    char *w = a->wbuf + a->wlen, *w0 = w;
    *w++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *w++ = '\\';
            *w++ = (char)c;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            memcpy(w, "\\u00", 4);
            w[4] = hex[c >> 4];
            w[5] = hex[c & 15];
            w += 6;
        } else {
            *w++ = (char)c;
        }
    }
    *w++ = '"';
    a->wlen += (size_t)(w - w0);
    a->wqueued += (unsigned long long)(w - w0);
    return 0;
}

/* A number as JSON: integers (exact in a double) without printf, others with the shortest of
 * %.15g / %.17g that reads back as the same double; not finite (cannot come from JSON) as null. */
static int queue_number(mxt_adapter *a, double v)
{
    char tmp[40];
    size_t n = 0;
    if (!isfinite(v)) {
        return queue_bytes(a, "null", 4);
    } else if ((v < 0 ? -v : v) <= 9007199254740992.0 &&
               (double)(unsigned long long)(v < 0 ? -v : v) == (v < 0 ? -v : v)) {
        unsigned long long u = (unsigned long long)(v < 0 ? -v : v);
        char digits[24];
        size_t k = 0;
        do {
            digits[k++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (signbit(v))
            tmp[n++] = '-';
        while (k)
            tmp[n++] = digits[--k];
    } else {
        int m = snprintf(tmp, sizeof tmp, "%.15g", v);
        if (m > 0 && strtod(tmp, NULL) != v)
            m = snprintf(tmp, sizeof tmp, "%.17g", v);
        n = m > 0 ? (size_t)m : 0;
    }
    return queue_bytes(a, tmp, n);
}

/* The JSON text of a cJSON tree (what cJSON_PrintUnformatted gives, numbers aside: same values,
 * printed faster). */
static int queue_json(mxt_adapter *a, const cJSON *j, int depth)
{
    if (depth > 10000)
        return -1;
    if (cJSON_IsRaw(j))
        return queue_bytes(a, j->valuestring, strlen(j->valuestring));
    if (cJSON_IsString(j))
        return queue_json_string(a, j->valuestring);
    if (cJSON_IsNumber(j))
        return queue_number(a, j->valuedouble);
    if (cJSON_IsTrue(j))
        return queue_bytes(a, "true", 4);
    if (cJSON_IsFalse(j))
        return queue_bytes(a, "false", 5);
    int obj = cJSON_IsObject(j);
    if (!obj && !cJSON_IsArray(j))
        return queue_bytes(a, "null", 4);
    if (queue_bytes(a, obj ? "{" : "[", 1) != 0)
        return -1;
    for (const cJSON *c = j->child; c; c = c->next) {
        if (c != j->child && queue_bytes(a, ",", 1) != 0)
            return -1;
        if (obj && (queue_json_string(a, c->string ? c->string : "") != 0 ||
                    queue_bytes(a, ":", 1) != 0))
            return -1;
        if (queue_json(a, c, depth + 1) != 0)
            return -1;
    }
    return queue_bytes(a, obj ? "}" : "]", 1);
}

size_t mxt_adapter_outstanding(const mxt_adapter *a)
{
    return a->fl_n;
}

mxt_adapter_rc mxt_adapter_send(mxt_adapter *a, size_t tag, const char *id, const char *op,
                                const cJSON *input, char **why)
{
    *why = NULL;
    if (a->pid <= 0) {
        *why = strdup("the adapter is not running");
        return MXT_AR_FAILED;
    }
    if (a->fl_n == a->fl_cap) {
        size_t cap = a->fl_cap ? a->fl_cap * 2 : 64;
        struct mxt_adapter_req *t = realloc(a->fl, cap * sizeof *t);
        if (t) {
            a->fl = t;
            a->fl_cap = cap;
        }
    }
    /* The line is written straight into the queue: the input is printed in place (no copy of the
     * vector's tree, no temporary string), and dropped again if anything fails. */
    unsigned long long wq0 = a->wqueued; /* wlen moves with wqueued (compaction aside) */
    char *idc = strdup(id);
    int ok = idc && a->fl_n < a->fl_cap && queue_bytes(a, "{\"type\":\"request\",\"id\":", 23) == 0 &&
             queue_json_string(a, id) == 0 && queue_bytes(a, ",\"op\":", 6) == 0 &&
             queue_json_string(a, op) == 0;
    if (ok && input)
        ok = queue_bytes(a, ",\"input\":", 9) == 0 && queue_json(a, input, 0) == 0;
    ok = ok && queue_bytes(a, "}\n", 2) == 0;
    if (!ok) {
        a->wlen -= (size_t)(a->wqueued - wq0);
        a->wqueued = wq0;
        free(idc);
        *why = strdup("out of memory");
        return MXT_AR_FAILED;
    }
    if (a->fl_n == 0)
        a->oldest_since = now_ms();
    a->fl[a->fl_n++] = (struct mxt_adapter_req){tag, idc, a->wqueued, now_msd()};
    /* Written by mxt_adapter_next() in one go, or now when much is queued. */
    if (a->wlen - a->woff >= 65536)
        flush_writes(a);
    return MXT_AR_OK;
}

int mxt_adapter_pop_unanswered(mxt_adapter *a, size_t *tag)
{
    if (a->fl_n == 0)
        return 0;
    *tag = a->fl[0].tag;
    remove_request(a, 0);
    return 1;
}

/* Blames request k for a failure: *tag (and *ms since its send), removes it, kills the adapter. */
static mxt_adapter_rc blame(mxt_adapter *a, size_t k, size_t *tag, double *ms)
{
    *tag = a->fl[k].tag;
    *ms = now_msd() - a->fl[k].sent_ms;
    remove_request(a, k);
    kill_adapter(a);
    return MXT_AR_FAILED;
}

/* Handles the complete line at the head of the read buffer. */
static mxt_adapter_rc take_response(mxt_adapter *a, size_t len, size_t *tag, mxt_outcome *out,
                                    char **why, double *ms)
{
    const cJSON *rid = NULL;
    cJSON *j = response_head(a->rbuf + a->roff, len, &rid, why);
    consume_line(a, len);
    if (!j)
        return blame(a, 0, tag, ms);
    size_t k = 0;
    while (k < a->fl_n && !(cJSON_IsString(rid) && strcmp(rid->valuestring, a->fl[k].id) == 0))
        k++;
    if (k == a->fl_n) {
        *why = id_mismatch(rid, a->fl[0].id, a->fl_n);
        cJSON_Delete(j);
        return blame(a, 0, tag, ms);
    }
    mxt_adapter_rc rc = response_body(j, out, why);
    cJSON_Delete(j);
    if (rc == MXT_AR_FAILED)
        return blame(a, k, tag, ms);
    *ms = now_msd() - a->fl[k].sent_ms;
    *tag = a->fl[k].tag;
    remove_request(a, k);
    if (k == 0)
        a->oldest_since = now_ms();
    return rc;
}

mxt_adapter_rc mxt_adapter_next(mxt_adapter *a, size_t *tag, mxt_outcome *out, char **why,
                                double *ms)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    *ms = 0;
    if (a->fl_n == 0) {
        *why = strdup("no request outstanding");
        return MXT_AR_FAILED;
    }
    for (;;) {
        /* Answers already read are taken first; the queued requests go out in one write when
         * there are none left (then we are about to wait anyway). */
        char *head = a->rbuf + a->roff;
        char *nl = a->rlen > a->roff ? memchr(head, '\n', a->rlen - a->roff) : NULL;
        if (nl)
            return take_response(a, (size_t)(nl - head), tag, out, why, ms);
        flush_writes(a);
        int unwritten = a->fl[0].end > a->wwritten;
        if (a->rlen - a->roff > MAX_LINE) {
            fail_read(a, P_TOOLONG, "response", why);
            return blame(a, 0, tag, ms);
        }
        if (a->in_broken && unwritten) {
            char *d = death_note(a, 1000);
            *why = mxt_strfmt("the adapter closed its stdin; %s", d ? d : "");
            free(d);
            return blame(a, 0, tag, ms);
        }
        if (a->out_fd < 0) {
            fail_read(a, P_EOF, "response", why);
            return blame(a, 0, tag, ms);
        }
        if (stopped(a))
            return fail_read(a, P_STOP, "", why);
        long long left = a->oldest_since + a->opts.timeout_ms - now_ms();
        if (left <= 0) {
            fail_read(a, P_TIMEOUT, unwritten ? "room in the adapter's stdin" : "response", why);
            return blame(a, 0, tag, ms);
        }
        struct pollfd p[3];
        nfds_t np = 0;
        p[np++] = (struct pollfd){a->out_fd, POLLIN, 0};
        int wi = -1, ei = -1;
        if (a->woff < a->wlen && a->in_fd >= 0 && !a->in_broken) {
            wi = (int)np;
            p[np++] = (struct pollfd){a->in_fd, POLLOUT, 0};
        }
        if (a->err_fd >= 0) {
            ei = (int)np;
            p[np++] = (struct pollfd){a->err_fd, POLLIN, 0};
        }
        int r = poll(p, np, left > 1000 ? 1000 : (int)left);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fail_read(a, P_EOF, "response", why);
            return blame(a, 0, tag, ms);
        }
        if (ei >= 0 && (p[ei].revents & (POLLIN | POLLHUP | POLLERR)))
            read_stderr(a);
        if (wi >= 0 && (p[wi].revents & (POLLOUT | POLLHUP | POLLERR)))
            flush_writes(a);
        if ((p[0].revents & (POLLIN | POLLHUP | POLLERR)) && read_some(a) != 0) {
            fail_read(a, P_TOOLONG, "response", why);
            return blame(a, 0, tag, ms);
        }
    }
}

mxt_adapter_rc mxt_adapter_request(mxt_adapter *a, const char *id, const char *op,
                                   const cJSON *input, mxt_outcome *out, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (a->fl_n != 0) {
        *why = strdup("requests are outstanding");
        return MXT_AR_FAILED;
    }
    mxt_adapter_rc rc = mxt_adapter_send(a, 0, id, op, input, why);
    if (rc != MXT_AR_OK)
        return rc;
    size_t tag;
    double ms;
    rc = mxt_adapter_next(a, &tag, out, why, &ms);
    forget_requests(a);
    return rc;
}

void mxt_adapter_stop(mxt_adapter *a, int grace_ms)
{
    if (a->pid <= 0)
        return;
    close_fd(&a->in_fd);
    long long until = now_ms() + grace_ms;
    for (;;) {
        if (waitpid(a->pid, NULL, WNOHANG) == a->pid) {
            a->pid = 0;
            break;
        }
        if (now_ms() >= until)
            break;
        /* Its stderr closes when it exits: wake up then, not at the next tick. */
        if (a->err_fd >= 0) {
            struct pollfd p = {a->err_fd, POLLIN, 0};
            if (poll(&p, 1, 20) > 0)
                read_stderr(a);
        } else {
            struct timespec ts = {0, 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    kill_adapter(a);
}
