/* Every HTTP route's body (or query string) from any bytes, through a real
 * `kordon serve` running in this process on loopback, with an audit store,
 * over an index of the EU lists ($KORDON_SHARED_DATA/lists/eu_oj, or
 * ../shared/data/lists/eu_oj). The first byte of an input picks the route
 * and content type, the rest is the body. Every request must be answered,
 * with a status the API documents and a JSON answer where JSON is due;
 * a 500 or a dropped connection is a finding. The server's threads run
 * under the same sanitizers, so memory errors anywhere abort the run. */
#include "fuzz_target.h"
#include "kordon.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct route {
    const char *method, *path, *type;
    int in_query;               /* the input goes, percent-encoded, after path */
} route;

static const route routes[] = {
    {"POST", "/match/default", "application/json", 0},
    {"POST", "/match/default?limit=3&threshold=0.5&algorithm=logic-v1", "application/json", 0},
    {"POST", "/screen", "application/x-ndjson", 0},
    {"POST", "/screen", "text/csv", 0},
    {"POST", "/scan", "text/plain", 0},
    {"POST", "/reconcile/default", "application/x-www-form-urlencoded", 0},
    {"POST", "/alerts/1/decision", "application/json", 0},
    /* a body that records a judgment reloads the index: slow, but that is
     * the path a hostile body takes */
    {"POST", "/resolve/judgments", "application/json", 0},
    {"GET", "/search/default?q=", NULL, 1},
    {"GET", "/reconcile/default?queries=", NULL, 1},
    {"GET", "/reconcile/default/suggest/entity?prefix=", NULL, 1},
    {"GET", "/audit?from=", NULL, 1},
    {"GET", "/entities/", NULL, 1},
    {"GET", "/resolve/judgments?all=", NULL, 1},
};

static char scratch_index[4096], scratch_db[4096];

/* The replay runs once per test run; without this every run left its index and store in TMPDIR. */
static void remove_scratch_files(void)
{
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[4200];
    unlink(scratch_index);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(path, sizeof path, "%s%s", scratch_db, suffixes[i]);
        unlink(path);
    }
}

static unsigned port_once(void)
{
    static unsigned port;
    if (port)
        return port;
    const char *data = getenv("KORDON_SHARED_DATA");
    const char *tmp = getenv("TMPDIR");
    static char lists[4096];
    char *index = scratch_index, *db = scratch_db;
    snprintf(lists, sizeof lists, "%s/lists/eu_oj", data && *data ? data : "../shared/data");
    snprintf(index, sizeof scratch_index, "%s/kordon-fuzz-http-%ld.kdx", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    snprintf(db, sizeof scratch_db, "%s/kordon-fuzz-http-%ld.db", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    const char *srcs[] = {lists};
    kd_build_options opts = {.output = index};
    kd_error err = {0};
    if (kd_build(srcs, 1, &opts, &err)) {
        fprintf(stderr, "fuzz_http_routes: %s (set KORDON_SHARED_DATA)\n", err.message);
        abort();
    }
    unlink(db);
    atexit(remove_scratch_files);
    http_options o = {.index_path = index, .listen = "127.0.0.1:0", .threads = 2, .quiet = !getenv("FUZZ_ACCESS_LOG"), .access_log = getenv("FUZZ_ACCESS_LOG"), .watch = 0,
                      .db = db, .max_body = 64 * 1024, .scan_concurrency = 1, .scan_timeout = 5};
    http_server *server;
    if (http_server_start(&o, &server, &err)) {
        fprintf(stderr, "fuzz_http_routes: %s\n", err.message);
        abort();
    }
    port = http_server_port(server);
    return port;
}

static bool write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Sends one request, reads the whole answer; returns its length or -1. */
static long exchange(unsigned port, const char *head, size_t head_len, const uint8_t *body, size_t body_len,
                     char *answer, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        abort();
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        abort();
    if (!write_all(fd, head, head_len) || !write_all(fd, body, body_len)) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    size_t total = 0;
    ssize_t got;
    /* libFuzzer's timers interrupt system calls: EINTR is not an answer */
    while ((got = read(fd, answer + total, cap - 1 - total)) > 0 || (got < 0 && errno == EINTR)) {
        if (got < 0)
            continue;
        total += (size_t)got;
        if (total == cap - 1)
            total = cap / 2; /* keep the head, the rest only needs to arrive */
    }
    int saved = errno;
    close(fd);
    answer[total] = '\0';
    errno = got < 0 ? saved : 0;
    return (long)total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned port = port_once();
    const route *r = &routes[data[0] % (sizeof routes / sizeof routes[0])];
    data++;
    size--;
    static char head[64 * 1024], answer[256 * 1024];
    size_t k;
    if (r->in_query) {
        k = (size_t)snprintf(head, sizeof head, "%s %s", r->method, r->path);
        for (size_t i = 0; i < size && k + 16 < sizeof head; i++)
            k += (size_t)snprintf(head + k, sizeof head - k, "%%%02X", data[i]);
        k += (size_t)snprintf(head + k, sizeof head - k, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        size = 0;
    } else {
        k = (size_t)snprintf(head, sizeof head,
                             "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                             r->method, r->path, r->type, size);
    }
    long n = exchange(port, head, k, data, size, answer, sizeof answer);
    int status;
    if (n <= 0 || sscanf(answer, "HTTP/1.%*d %d", &status) != 1) {
        fprintf(stderr, "fuzz_http_routes: %s %s: no answer (%ld bytes: %s)\n", r->method, r->path, n,
                errno ? strerror(errno) : "end of stream");
        abort();
    }
    /* statuses the API documents for a bad request; 5xx only for a busy
     * scan worker (503) */
    static const int allowed[] = {200, 201, 308, 400, 404, 405, 413, 414, 415, 422, 503};
    int ok = 0;
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        ok |= status == allowed[i];
    const char *body = strstr(answer, "\r\n\r\n");
    if (!ok || !body) {
        fprintf(stderr, "fuzz_http_routes: %s %s answered %d\n%.600s\n", r->method, r->path, status, answer);
        abort();
    }
    body += 4;
    /* every answer of these routes is JSON (an object, or JSON lines: none
     * for a batch without records or a period without events) */
    bool lines = strstr(r->path, "/audit") || strstr(r->path, "/screen");
    if (status != 308 && *body != '{' && !(status == 200 && lines && *body == '\0')) {
        fprintf(stderr, "fuzz_http_routes: %s %s: not JSON: %.200s\n", r->method, r->path, body);
        abort();
    }
    return 0;
}
