/* The harness side of the adapter protocol: process management, handshake, requests. */
#define _POSIX_C_SOURCE 200809L
#include "adapter_client.h"
#include <errno.h>
#include <fcntl.h>
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
    a->rlen = 0;
}

void mxt_adapter_free(mxt_adapter *a)
{
    kill_adapter(a);
    forget_handshake(a);
    free(a->rbuf);
    a->rbuf = NULL;
    a->rcap = 0;
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
    a->rlen = 0;
    a->err_tail_len = 0;
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

/* Waits for one complete stdout line (without its '\n'), copying stderr to the log meanwhile. */
static pump_rc read_line(mxt_adapter *a, long long deadline, char **line, size_t *len)
{
    for (;;) {
        char *nl = a->rlen ? memchr(a->rbuf, '\n', a->rlen) : NULL;
        if (nl) {
            *line = a->rbuf;
            *len = (size_t)(nl - a->rbuf);
            return P_LINE;
        }
        if (a->rlen > MAX_LINE)
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
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (a->rcap - a->rlen < 65536) {
                size_t cap = a->rcap ? a->rcap * 2 : 131072;
                char *t = realloc(a->rbuf, cap);
                if (!t)
                    return P_TOOLONG;
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
        }
    }
}

/* Drops the first line (and its '\n') from the read buffer. */
static void consume_line(mxt_adapter *a, size_t len)
{
    size_t used = len + 1;
    memmove(a->rbuf, a->rbuf + used, a->rlen - used);
    a->rlen -= used;
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
        d = first_bytes(a->rbuf, a->rlen);
        *why = mxt_strfmt("%s: a line longer than %zu bytes without a newline, starting %s",
                          waiting_for, MAX_LINE, d ? d : "?");
        free(d);
        break;
    case P_EOF:
    case P_LINE:
    default:
        d = death_note(a, 1000);
        if (a->rlen) {
            char *fb = first_bytes(a->rbuf, a->rlen);
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

mxt_adapter_rc mxt_adapter_parse_response(const char *line, size_t len, const char *id,
                                          mxt_outcome *out, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    cJSON *j = parse_line(line, len, why);
    if (!j)
        return MXT_AR_FAILED;
    mxt_adapter_rc rc = MXT_AR_FAILED;
    if (!type_is(j, "response", why))
        goto done;
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(j, "id");
    if (!cJSON_IsString(rid) || strcmp(rid->valuestring, id) != 0) {
        char *txt = rid ? cJSON_PrintUnformatted(rid) : NULL;
        char *s = mxt_sanitize(txt ? txt : "missing", strlen(txt ? txt : "missing"));
        *why = mxt_strfmt("response id %s, expected \"%s\"", s ? s : "?", id);
        free(s);
        free(txt);
        goto done;
    }
    const cJSON *un = cJSON_GetObjectItemCaseSensitive(j, "unsupported");
    if (cJSON_IsTrue(un)) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(j, "why");
        *why = mxt_strfmt("the adapter declined: %s",
                          cJSON_IsString(w) ? w->valuestring : "(no reason given)");
        rc = MXT_AR_UNSUPPORTED;
        goto done;
    }
    char err[600];
    if (mxt_outcome_from_json(j, "response", out, err, sizeof err) != 0) {
        *why = mxt_sanitize(err, strlen(err));
        goto done;
    }
    rc = MXT_AR_OK;
done:
    cJSON_Delete(j);
    return rc;
}

mxt_adapter_rc mxt_adapter_start(mxt_adapter *a, char **why)
{
    *why = NULL;
    kill_adapter(a);
    forget_handshake(a);
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

mxt_adapter_rc mxt_adapter_request(mxt_adapter *a, const char *id, const char *op,
                                   const cJSON *input, mxt_outcome *out, char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (a->pid <= 0) {
        *why = strdup("the adapter is not running");
        return MXT_AR_FAILED;
    }
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "type", "request");
    cJSON_AddStringToObject(req, "id", id);
    cJSON_AddStringToObject(req, "op", op);
    cJSON_AddItemToObject(req, "input", cJSON_Duplicate(input, 1));
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    if (!text) {
        *why = strdup("out of memory");
        return MXT_AR_FAILED;
    }
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
        free(text);
        *why = strdup("out of memory");
        return MXT_AR_FAILED;
    }
    line[n] = '\n';
    long long deadline = now_ms() + a->opts.timeout_ms;
    write_rc w = write_all(a, line, n + 1, deadline);
    free(line);
    if (w == WR_STOP)
        return fail_read(a, P_STOP, "", why);
    if (w == WR_TIMEOUT)
        return fail_read(a, P_TIMEOUT, "room in the adapter's stdin", why);
    if (w == WR_CLOSED) {
        char *d = death_note(a, 1000);
        *why = mxt_strfmt("the adapter closed its stdin; %s", d ? d : "");
        free(d);
        kill_adapter(a);
        return MXT_AR_FAILED;
    }
    char *resp;
    size_t len;
    pump_rc rc = read_line(a, deadline, &resp, &len);
    if (rc != P_LINE)
        return fail_read(a, rc, "response", why);
    mxt_adapter_rc r = mxt_adapter_parse_response(resp, len, id, out, why);
    consume_line(a, len);
    if (r == MXT_AR_FAILED)
        kill_adapter(a);
    return r;
}

void mxt_adapter_stop(mxt_adapter *a, int grace_ms)
{
    if (a->pid <= 0)
        return;
    close_fd(&a->in_fd);
    long long until = now_ms() + grace_ms;
    while (now_ms() < until) {
        if (a->err_fd >= 0) {
            struct pollfd p = {a->err_fd, POLLIN, 0};
            if (poll(&p, 1, 20) > 0)
                read_stderr(a);
        } else {
            struct timespec ts = {0, 20 * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (waitpid(a->pid, NULL, WNOHANG) == a->pid) {
            a->pid = 0;
            break;
        }
    }
    kill_adapter(a);
}
