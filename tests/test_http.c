/* The server's shared state under concurrent use, in one process so that
 * ThreadSanitizer (make check-tsan) sees every thread: clients on /match
 * and /search while the index is swapped and reloaded, /scan requests on
 * the deferred workers, /screen streams, then a stop with requests in
 * flight. Every answer must be one the route gives (never a reset or a
 * 5xx), and every generation must be freed (the sanitizer builds check). */
#include "testutil.h"
#include "http/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct shared {
    unsigned port;
    atomic_bool stop;
    atomic_int requests, bad;
    char last_bad[256];
    pthread_mutex_t lock;
} shared;

/* One HTTP/1.0 request on a new connection; returns the status or -1. */
static int request(unsigned port, const char *method, const char *path, const char *type, const char *body)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    char head[512];
    size_t n = body ? strlen(body) : 0;
    int k = snprintf(head, sizeof head,
                     "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", method,
                     path, type ? type : "application/json", n);
    if (write(fd, head, (size_t)k) != k || (n && write(fd, body, n) != (ssize_t)n)) {
        close(fd);
        return -1;
    }
    char reply[4096];
    ssize_t got, total = 0;
    while ((got = read(fd, reply + total, sizeof reply - 1 - (size_t)total)) > 0) {
        total += got;
        if ((size_t)total == sizeof reply - 1)
            total = 16; /* keep the status line, drop the rest */
    }
    close(fd);
    reply[total] = '\0';
    int status;
    return sscanf(reply, "HTTP/1.%*d %d", &status) == 1 ? status : -1;
}

static void note(shared *sh, const char *what, int status)
{
    atomic_fetch_add(&sh->requests, 1);
    /* 503: a busy scan worker or no index yet, both answers the API documents */
    if (status == 200 || status == 503)
        return;
    atomic_fetch_add(&sh->bad, 1);
    pthread_mutex_lock(&sh->lock);
    snprintf(sh->last_bad, sizeof sh->last_bad, "%s answered %d", what, status);
    pthread_mutex_unlock(&sh->lock);
}

static void *match_client(void *arg)
{
    shared *sh = arg;
    const char *q = "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Eric Badege\"]}}}}";
    while (!atomic_load(&sh->stop)) {
        note(sh, "/match", request(sh->port, "POST", "/match/default", NULL, q));
        note(sh, "/search", request(sh->port, "GET", "/search/default?q=Primakov", NULL, NULL));
        note(sh, "/readyz", request(sh->port, "GET", "/readyz", NULL, NULL));
    }
    return NULL;
}

static void *scan_client(void *arg)
{
    shared *sh = arg;
    const char *text = "Eric Badege was seen in Goma. Later Badege left for Kigali with Mr. Primakov.";
    const char *batch = "{\"schema\": \"Person\", \"properties\": {\"name\": [\"Eric Badege\"]}}\n"
                        "{\"schema\": \"Person\", \"properties\": {\"name\": [\"Jane Unlisted\"]}}\n";
    while (!atomic_load(&sh->stop)) {
        note(sh, "/scan", request(sh->port, "POST", "/scan", "text/plain", text));
        note(sh, "/screen", request(sh->port, "POST", "/screen", "application/x-ndjson", batch));
    }
    return NULL;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        assert_int_equal(fwrite(chunk, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void test_reloads_under_load(void **state)
{
    (void)state;
    /* two different indexes to swap between */
    struct kd_index *a = build_open_index("lists/un", "http-un.kdx");
    kd_index_close(a);
    char un[4096], live[4096], next[4096];
    snprintf(un, sizeof un, "%s", tmp_path("http-un.kdx"));
    struct kd_index *b = build_open_index("lists/eu_oj", "http-eu.kdx");
    kd_index_close(b);
    char eu[4096];
    snprintf(eu, sizeof eu, "%s", tmp_path("http-eu.kdx"));
    snprintf(live, sizeof live, "%s", tmp_path("http-live.kdx"));
    snprintf(next, sizeof next, "%s", tmp_path("http-next.kdx"));
    copy_file(un, live);

    http_options o = {.index_path = live, .listen = "127.0.0.1:0", .threads = 3, .quiet = 1,
                      .scan_concurrency = 2};
    http_server *server;
    kd_error err = {0};
    assert_int_equal(http_server_start(&o, &server, &err), 0);
    shared sh = {.port = http_server_port(server)};
    pthread_mutex_init(&sh.lock, NULL);

    pthread_t clients[4];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&clients[i], NULL, match_client, &sh), 0);
    assert_int_equal(pthread_create(&clients[3], NULL, scan_client, &sh), 0);
    for (int i = 0; i < 12; i++) {
        /* a new file renamed into place, as kordon build does; then reload */
        copy_file(i % 2 ? un : eu, next);
        assert_int_equal(rename(next, live), 0);
        assert_int_equal(http_server_reload(server, &err), 0);
        usleep(50 * 1000);
    }
    atomic_store(&sh.stop, true);
    for (int i = 0; i < 4; i++)
        pthread_join(clients[i], NULL);
    http_server_stop(server, 10);
    pthread_mutex_destroy(&sh.lock);
    fprintf(stderr, "test_http: %d requests over 12 reloads, %d unexpected\n", atomic_load(&sh.requests),
            atomic_load(&sh.bad));
    if (atomic_load(&sh.bad))
        fail_msg("%d unexpected answers, e.g. %s", atomic_load(&sh.bad), sh.last_bad);
    assert_true(atomic_load(&sh.requests) > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reloads_under_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
