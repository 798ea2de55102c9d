/* The HTTP server: libmicrohttpd with a thread pool on epoll, request
 * bodies collected under a size limit, API keys, an access log line per
 * request, metrics, and a reaper for clients that send too slowly.
 *
 * libmicrohttpd's own timeout only measures inactivity, so a client sending
 * one byte a second would hold a connection for ever; the reaper gives every
 * request a deadline and shuts the socket down when it passes, which makes
 * libmicrohttpd close the connection through its normal path. */
#define _GNU_SOURCE /* POLLRDHUP */
#include "http_internal.h"
#include "kordon/store.h"
#include "kordon/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct request_context {
    buf body;
    http_server *server;
    struct MHD_Connection *connection;
    bool discard_body;          /* the route reads no body: what comes is dropped */
    size_t discarded;
    bool close;                 /* refused before its body was read: close after answering */
    /* a deferred request: run on a worker while the connection is
     * suspended; the answer waits here until the connection resumes */
    http_deferred *job;
    /* a recorded /match: answered, suspended until the recorder thread
     * has committed its run (recorder.c); then job_answer is sent */
    bool awaiting_record;
    bool headers_seen;          /* on_request has run once */
    bool too_many_args;         /* seen in the request line, dropped before parsing */
    http_response job_answer;
    atomic_bool job_done;
    double started;
    const http_route *route;    /* set with the headers, never NULL after */
    int status;
    size_t bytes_out;
    bool answered;              /* a response was queued before the body was read */
    live_index *index;
    char method[12];
    char path[256];
    char remote[64];
} request_context;


/* ---- libmicrohttpd callbacks ------------------------------------------ */

static http_connection *connection_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void set_deadline(http_server *s, struct MHD_Connection *c, double deadline)
{
    http_connection *hc = connection_of(c);
    if (!hc)
        return;
    pthread_mutex_lock(&s->connections_lock);
    hc->deadline = deadline;
    pthread_mutex_unlock(&s->connections_lock);
}

static enum MHD_Result queue(struct MHD_Connection *c, request_context *ctx, http_response *rs)
{
    struct MHD_Response *r = rs->stream;
    if (!r) {
        if (!rs->body && rs->status != 304 && rs->status != 204)
            http_reply_error(rs, 500, "no response");
        r = MHD_create_response_from_buffer_with_free_callback(rs->body_len, rs->body, free);
        if (!r) {
            free(rs->body);
            return MHD_NO;
        }
        rs->body = NULL;
        ctx->bytes_out = rs->body_len;
    }
    if (rs->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
    if (rs->etag[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
    if (rs->location[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rs->location);
    if (rs->batch_size[0])
        MHD_add_response_header(r, "x-batch-size", rs->batch_size);
    if (rs->replayed)
        MHD_add_response_header(r, "Idempotent-Replayed", "true");
    if (rs->status == 401)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    if (rs->status == 503 && rs->retry_after[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, rs->retry_after);
    if (rs->status == 405 && rs->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
    /* CORS only for the origins the operator named, or every origin on
     * the routes open to all (http_route.any_origin) */
    const char *origin = ctx->route->any_origin ? "*" : http_guard_cors_origin(ctx->server, c);
    if (origin) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(r, "Access-Control-Expose-Headers",
                                "ETag, Location, x-batch-size, X-Kordon-Index, Idempotent-Replayed");
    }
    MHD_add_response_header(r, "Vary", "Origin");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* which index answered: behind a balancer, replicas may hold different
     * ones for a while (the ETag is over the datasets' versions) */
    if (ctx->index) {
        char which[160];
        snprintf(which, sizeof which, "%.*s; generation=%llu; built_at=%s", (int)strlen(ctx->index->etag) - 2,
                 ctx->index->etag + 1, (unsigned long long)ctx->index->generation,
                 kd_index_built_at(ctx->index->index));
        MHD_add_response_header(r, "X-Kordon-Index", which);
    }
    if (ctx->close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cacheable ? "max-age=300" : "no-store");
    ctx->status = rs->status;
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_now(struct MHD_Connection *c, request_context *ctx, int status,
                                 const char *detail)
{
    http_response rs = {0};
    http_reply_error(&rs, status, "%s", detail);
    ctx->answered = true;
    return queue(c, ctx, &rs);
}

/* Called with the request line before libmicrohttpd parses its query
 * arguments. libmicrohttpd 0.9.75 keeps the arguments in the connection's
 * fixed memory pool and, when a thousand of them overflow it, neither
 * answers nor calls a handler: the client hangs until the timeout. So the
 * arguments are counted here, and when there are too many the query string
 * is cut right after its '?' — the line is libmicrohttpd's writable read
 * buffer, handed over as const — and the request is answered 414. */
static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    request_context *ctx = calloc(1, sizeof *ctx);
    const char *query = strchr(uri, '?');
    if (!ctx || !query)
        return ctx;
    size_t args = 1;
    for (const char *p = query + 1; *p && *p != ' '; p++)
        args += *p == '&';
    if (args > HTTP_MAX_ARGS) {
        ctx->too_many_args = true;
        ((char *)query)[1] = '\0';
    }
    return ctx;
}

/* The answer to a CORS preflight: allowed for the configured origins only
 * (the guard has refused other origins already). */
static enum MHD_Result preflight(struct MHD_Connection *c, request_context *ctx)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    const char *origin = ctx->route->any_origin ? "*" : http_guard_cors_origin(ctx->server, c);
    if (origin) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Allow-Headers",
                                "Content-Type, Authorization, X-API-Key, X-Kordon-User");
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    }
    MHD_add_response_header(r, "Vary", "Origin");
    MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, POST, OPTIONS");
    ctx->status = 204;
    ctx->answered = true;
    enum MHD_Result ok = MHD_queue_response(c, 204, r);
    MHD_destroy_response(r);
    return ok;
}

/* On a worker thread: runs the deferred request, then wakes its connection. */
static void deferred_work(void *arg)
{
    request_context *ctx = arg;
    ctx->job->run(ctx->job, &ctx->job_answer);
    ctx->job->free(ctx->job);
    atomic_store(&ctx->job_done, true);
    MHD_resume_connection(ctx->connection);
}

/* Hands the request's work to a worker, its connection suspended until the
 * worker resumes it; a busy server answers 503 at once. A worker is
 * promised before the connection is suspended, so that the work cannot
 * finish (and resume) before the suspension. */
static enum MHD_Result defer(struct MHD_Connection *c, request_context *ctx, http_deferred *job)
{
    if (!http_workers_reserve(ctx->server->workers)) {
        job->free(job);
        http_response busy = {0};
        http_reply_error(&busy, 503,
                         "Every text screening worker is busy (--scan-concurrency %u); try again shortly.",
                         ctx->server->options.scan_concurrency);
        snprintf(busy.retry_after, sizeof busy.retry_after, "1");
        return queue(c, ctx, &busy);
    }
    job->connection = c;
    ctx->job = job;
    MHD_suspend_connection(c);
    http_workers_submit(ctx->server->workers, deferred_work, ctx);
    return MHD_YES;
}

/* The recorder thread's word on a run: the answer stands, or becomes the
 * reason it could not be recorded (nothing is answered unrecorded). */
static void recorded(void *arg, int rc, const kd_error *err, const kd_kept_answer *kept)
{
    request_context *ctx = arg;
    if (!rc && kept) /* a retry of a request recorded already */
        http_reply_kept(&ctx->job_answer, kept);
    if (rc) {
        free(ctx->job_answer.body);
        memset(&ctx->job_answer, 0, sizeof ctx->job_answer);
        http_reply_error(&ctx->job_answer, http_store_status(ctx->server, err), "cannot record the screening: %.400s",
                         err->message);
    }
    atomic_store(&ctx->job_done, true);
    MHD_resume_connection(ctx->connection);
}

/* Suspends the connection until its run is durable; the thread is free
 * for other requests meanwhile, which is what lets runs group. */
static enum MHD_Result await_record(struct MHD_Connection *c, request_context *ctx, http_response *rs)
{
    http_pending_run *run = rs->record;
    rs->record = NULL;
    ctx->job_answer = *rs;
    ctx->awaiting_record = true;
    MHD_suspend_connection(c);
    http_recorder_submit(ctx->server, run, recorded, ctx);
    return MHD_YES;
}

bool http_client_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return true;
    struct pollfd p = {.fd = info->connect_fd, .events = POLLRDHUP};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size,
                                  void **context)
{
    (void)version;
    http_server *s = cls;
    request_context *ctx = *context;
    if (!ctx || !ctx->headers_seen) {
        /* First call: headers are in, nothing of the body yet. */
        if (!ctx && !(ctx = calloc(1, sizeof *ctx)))
            return MHD_NO;
        *context = ctx;
        ctx->headers_seen = true;
        atomic_fetch_add(&s->in_flight, 1);
        ctx->started = http_now();
        ctx->route = http_route_find(url);
        snprintf(ctx->method, sizeof ctx->method, "%s", method);
        snprintf(ctx->path, sizeof ctx->path, "%s", url);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ctx->remote, sizeof ctx->remote);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ctx->remote,
                          sizeof ctx->remote);
        }
        set_deadline(s, c, ctx->started + s->options.request_timeout);
        ctx->server = s;
        ctx->connection = c;
        http_guard g;
        if (ctx->too_many_args) {
            ctx->close = true;
            char detail[96];
            snprintf(detail, sizeof detail, "More than %d query arguments.", HTTP_MAX_ARGS);
            return reply_now(c, ctx, 414, detail);
        }
        if (http_guard_check(s, c, method, ctx->route, &g)) {
            ctx->close = g.close;
            return reply_now(c, ctx, g.status, g.detail);
        }
        ctx->discard_body = g.discard_body;
        if (strcmp(method, "OPTIONS") == 0)
            return preflight(c, ctx);
        const char *why;
        int denied = http_auth_check(s, c, ctx->route, url, method, &why);
        if (denied) {
            /* nobody reads the body of a refused request */
            ctx->close = g.has_body;
            return reply_now(c, ctx, denied, why);
        }
        return MHD_YES;
    }
    if (ctx->answered) {
        *upload_size = 0; /* discard: the answer is already queued */
        return MHD_YES;
    }
    if (*upload_size && ctx->discard_body) {
        ctx->discarded += *upload_size;
        *upload_size = 0;
        return ctx->discarded > 64 * 1024 ? MHD_NO : MHD_YES;
    }
    if (*upload_size) {
        if (http_now() > ctx->started + s->options.request_timeout)
            return MHD_NO; /* too slow: close */
        if (ctx->body.len + *upload_size > s->options.max_body)
            return MHD_NO; /* a chunked body over the limit: no way to answer politely */
        if (buf_append(&ctx->body, upload, *upload_size))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    if (ctx->job || ctx->awaiting_record) {
        /* resumed: the worker has answered, or the run is recorded */
        if (!atomic_load(&ctx->job_done))
            return MHD_YES;
        http_response answer = ctx->job_answer;
        memset(&ctx->job_answer, 0, sizeof ctx->job_answer);
        return queue(c, ctx, &answer);
    }
    /* The whole request is in: answer it. Streams may take long, which is
     * the client's to read, not a deadline to enforce. */
    set_deadline(s, c, 0);
    http_response rs = {0};
    bool args_ok = http_args_valid_utf8(c);
    ctx->index = live_acquire(&s->live);
    http_request rq = {c, method, url, ctx->body.data ? ctx->body.data : "", ctx->body.len,
                       ctx->index, &s->options, s};
    if (!args_ok)
        http_reply_error(&rs, 400, "query string: invalid UTF-8");
    else if (!utf8_valid(url, strlen(url), NULL))
        http_reply_error(&rs, 400, "path: invalid UTF-8");
    else
        http_dispatch(&rq, &rs, ctx->route);
    if (rs.deferred)
        return defer(c, ctx, rs.deferred);
    if (rs.record)
        return await_record(c, ctx, &rs);
    return queue(c, ctx, &rs);
}

static void append_json_string(buf *b, const char *s)
{
    json_t *j = json_string(s);
    char *text = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    buf_append_str(b, text ? text : "\"?\"");
    free(text);
    json_decref(j);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **context,
                         enum MHD_RequestTerminationCode toe)
{
    http_server *s = cls;
    request_context *ctx = *context;
    if (!ctx)
        return;
    if (!ctx->headers_seen) { /* refused by libmicrohttpd before any handler ran */
        free(ctx);
        *context = NULL;
        return;
    }
    double seconds = http_now() - ctx->started;
    int status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ctx->status : 0;
    metrics_record(&s->metrics, ctx->route->id, status ? status : 499, seconds);
    if (s->access_log) {
        buf line = {0};
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        struct tm tm;
        gmtime_r(&now.tv_sec, &tm);
        char when[40];
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        buf_printf(&line, "{\"time\":\"%s.%03ldZ\",\"remote\":", when, now.tv_nsec / 1000000);
        append_json_string(&line, ctx->remote);
        buf_printf(&line, ",\"method\":");
        append_json_string(&line, ctx->method);
        buf_printf(&line, ",\"path\":");
        append_json_string(&line, ctx->path);
        buf_printf(&line, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f%s}\n", ctx->status, ctx->bytes_out,
                   seconds * 1e3, status ? "" : ",\"aborted\":true");
        fwrite(line.data, 1, line.len, s->access_log);
        fflush(s->access_log);
        buf_free(&line);
    }
    live_release(ctx->index);
    free(ctx->job_answer.body); /* a deferred answer the client left before */
    buf_free(&ctx->body);
    free(ctx);
    *context = NULL;
    set_deadline(s, c, http_now() + s->options.request_timeout);
    atomic_fetch_sub(&s->in_flight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    http_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        http_connection *hc = calloc(1, sizeof *hc);
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!hc || !info) {
            free(hc);
            return;
        }
        hc->fd = info->connect_fd;
        hc->deadline = http_now() + s->options.request_timeout;
        pthread_mutex_lock(&s->connections_lock);
        hc->next = s->connections;
        if (hc->next)
            hc->next->prev = hc;
        s->connections = hc;
        pthread_mutex_unlock(&s->connections_lock);
        *socket_context = hc;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        http_connection *hc = *socket_context;
        if (!hc)
            return;
        pthread_mutex_lock(&s->connections_lock);
        if (hc->prev)
            hc->prev->next = hc->next;
        else
            s->connections = hc->next;
        if (hc->next)
            hc->next->prev = hc->prev;
        pthread_mutex_unlock(&s->connections_lock);
        free(hc);
        *socket_context = NULL;
    }
}

static void *reaper_main(void *arg)
{
    http_server *s = arg;
    while (!atomic_load(&s->stopping)) {
        struct timespec pause = {0, 200 * 1000 * 1000};
        nanosleep(&pause, NULL);
        double now = http_now();
        pthread_mutex_lock(&s->connections_lock);
        for (http_connection *hc = s->connections; hc; hc = hc->next)
            if (hc->deadline > 0 && now > hc->deadline) {
                shutdown(hc->fd, SHUT_RDWR);
                hc->deadline = 0;
            }
        pthread_mutex_unlock(&s->connections_lock);
    }
    return NULL;
}

/* ---- life cycle -------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6, kd_error *err)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon)
        return error_set(err, KD_EUSAGE, "--listen %s: expected HOST:PORT", listen);
    size_t n = (size_t)(colon - listen);
    if (n >= sizeof host)
        return error_set(err, KD_EUSAGE, "--listen %s: host too long", listen);
    memcpy(host, listen, n);
    host[n] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == '\0')
        return error_set(err, KD_EUSAGE, "--listen %s: port must be 0-65535", listen);
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
        host[n - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return error_set(err, KD_EUSAGE, "--listen %s: not an IPv6 address", listen);
        *v6 = true;
        return 0;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (!*host || strcmp(host, "0.0.0.0") == 0)
        a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (strcmp(host, "localhost") == 0)
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return error_set(err, KD_EUSAGE, "--listen %s: not an IPv4 address (use [::1]:PORT for IPv6)", listen);
    *v6 = false;
    return 0;
}

static void close_store(void *store)
{
    kd_store_close(store);
}

static void server_free(http_server *s)
{
    http_workers_stop(s->workers);
    http_recorder_free(s);
    http_pool_destroy(&s->stores, close_store);
    pthread_mutex_destroy(&s->store_state_lock);
    for (size_t i = 0; i < s->n_api_keys; i++) {
        free(s->api_keys[i].key);
        free(s->api_keys[i].name);
    }
    free(s->api_keys);
    if (s->own_access_log && s->access_log)
        fclose(s->access_log);
    live_destroy(&s->live);
    pthread_mutex_destroy(&s->connections_lock);
    free(s);
}

int http_server_start(const http_options *options, http_server **out, kd_error *err)
{
    http_server *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, KD_ENOMEM, "out of memory");
    s->options = *options;
    if (!s->options.listen)
        s->options.listen = "127.0.0.1:8000";
    if (!s->options.threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        s->options.threads = cores > 0 ? (unsigned)cores : 2;
    }
    if (!s->options.max_body)
        s->options.max_body = 8u << 20;
    if (!s->options.max_queries)
        s->options.max_queries = 100;
    if (!s->options.request_timeout)
        s->options.request_timeout = 10;
    /* long text screening gets its own threads, as many as leave the
     * network threads a core when the cores are few */
    if (!s->options.scan_concurrency)
        s->options.scan_concurrency = s->options.threads > 2 ? s->options.threads / 2 : 1;
    pthread_mutex_init(&s->connections_lock, NULL);
    pthread_mutex_init(&s->store_state_lock, NULL);
    http_pool_init(&s->stores);
    if (live_init(&s->live, options->index_path)) {
        pthread_mutex_destroy(&s->connections_lock);
        pthread_mutex_destroy(&s->store_state_lock);
        http_pool_destroy(&s->stores, close_store);
        free(s);
        return error_set(err, KD_ENOMEM, "out of memory");
    }
    int rc = http_keys_load(s, err);
    if (rc) {
        server_free(s);
        return rc;
    }
    /* Open the store once now: a wrong path or URI fails the start, and
     * migrations run before the first request. */
    if (s->options.db) {
        kd_store *store = http_store_take(s, err);
        if (!store) {
            rc = error_wrap(err, err->code ? err->code : KD_EIO, "--db: ");
            server_free(s);
            return rc;
        }
        http_store_give(s, store);
        /* every index loaded gets the analysts' judgments on parties */
        s->live.prepare = http_apply_judgments;
        s->live.prepare_context = s;
    }
    if (!options->quiet) {
        if (!options->access_log)
            s->access_log = stderr;
        else if (strcmp(options->access_log, "-") == 0)
            s->access_log = stdout;
        else if (!(s->access_log = fopen(options->access_log, "a"))) {
            rc = error_set(err, KD_EIO, "%s: cannot open the access log: %s", options->access_log,
                           strerror(errno));
            server_free(s);
            return rc;
        } else
            s->own_access_log = true;
    }
    /* No index yet is not fatal: /readyz reports 503 until one appears. */
    kd_error load_err = {0};
    if (live_load(&s->live, &load_err))
        fprintf(stderr, "kordon serve: %s; /readyz answers 503 until it loads\n", load_err.message);

    struct sockaddr_storage ss;
    bool v6 = false;
    if ((rc = parse_listen(s->options.listen, &ss, &v6, err)) ||
        (rc = http_guard_init(s, (struct sockaddr *)&ss, err)) || (rc = http_recorder_start(s, err)) ||
        (rc = http_workers_start(s->options.scan_concurrency, &s->workers, err))) {
        server_free(s);
        return rc;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | (v6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, s->options.threads, MHD_OPTION_CONNECTION_TIMEOUT,
        s->options.request_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
        MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 1024u,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_URI_LOG_CALLBACK, on_request_line, s, MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
    if (!s->daemon) {
        rc = error_set(err, KD_EIO, "cannot listen on %s (address in use, or not allowed)",
                       s->options.listen);
        server_free(s);
        return rc;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    if (pthread_create(&s->reaper, NULL, reaper_main, s)) {
        MHD_stop_daemon(s->daemon);
        server_free(s);
        return error_set(err, KD_ENOMEM, "cannot start a thread");
    }
    *out = s;
    return KD_OK;
}

unsigned http_server_port(const http_server *s)
{
    return s->port;
}

size_t http_server_key_count(const http_server *s)
{
    return s->n_api_keys;
}

int http_server_reload(http_server *s, kd_error *err)
{
    int rc = live_load(&s->live, err);
    atomic_fetch_add(rc ? &s->metrics.reload_failures : &s->metrics.reloads, 1);
    return rc;
}

int http_server_poll_index(http_server *s, kd_error *err)
{
    switch (live_changed(&s->live)) {
    case LIVE_SAME:
        return 0;
    case LIVE_IN_PLACE:
        error_set(err, KD_OK,
                  "%s was modified in place, not replaced by rename: it is loaded once it stops "
                  "changing and only if complete; to swap an index safely, write a new file and "
                  "rename it into place",
                  s->options.index_path);
        return 2;
    case LIVE_REPLACED:
    case LIVE_IN_PLACE_READY:
        break;
    }
    return http_server_reload(s, err) ? err->code : 1;
}

void http_server_stop(http_server *s, unsigned grace_seconds)
{
    if (!s)
        return;
    /* Stop accepting; requests already received are answered. */
    MHD_socket listener = MHD_quiesce_daemon(s->daemon);
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    double until = http_now() + grace_seconds;
    while (atomic_load(&s->in_flight) > 0 && http_now() < until) {
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    /* deferred work ends by its own deadline and resumes its connection,
     * which the daemon must still be running to answer */
    http_workers_stop(s->workers);
    s->workers = NULL;
    /* runs waiting to be recorded are written and their connections
     * resumed while the daemon can still answer them */
    http_recorder_stop(s);
    atomic_store(&s->stopping, true);
    pthread_join(s->reaper, NULL);
    MHD_stop_daemon(s->daemon);
    server_free(s);
}
