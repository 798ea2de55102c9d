/* kordon serve: the HTTP API. The main thread only waits for signals:
 * SIGHUP reloads the index, SIGTERM/SIGINT stop after in-flight requests
 * finish, and once a second the index file is checked for replacement. */
#include "cli.h"
#include "http/http.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GRACE_SECONDS 30

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (*end == 'k' || *end == 'K')
        n <<= 10, end++;
    else if (*end == 'm' || *end == 'M')
        n <<= 20, end++;
    if (*end || n == 0)
        return -1;
    *out = (size_t)n;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const char *usage =
        "serve [-i INDEX] [--listen HOST:PORT] [--threads N] [--api-key-file FILE]\n"
        "       [--max-body BYTES] [--max-queries N] [--request-timeout SECONDS]\n"
        "       [--access-log FILE|-] [--quiet] [--no-watch] [--fetch-dir DIR] [--db DB]";
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},         {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},       {"api-key-file", required_argument, NULL, 'k'},
        {"max-body", required_argument, NULL, 'b'},      {"max-queries", required_argument, NULL, 'q'},
        {"request-timeout", required_argument, NULL, 'T'}, {"access-log", required_argument, NULL, 'a'},
        {"quiet", no_argument, NULL, 'Q'},               {"no-watch", no_argument, NULL, 'W'},
        {"fetch-dir", required_argument, NULL, 'F'},     {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0},
    };
    /* Recording is opt-in for the server: --db, or $KORDON_DB when set. */
    const char *db_env = getenv("KORDON_DB");
    http_options o = {.index_path = cli_default_index(), .listen = "127.0.0.1:8000", .watch = 1,
                      .db = db_env && *db_env ? db_env : NULL};
    int c;
    long n;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:l:t:k:b:q:T:a:QWF:D:h", options, NULL)) != -1) {
        switch (c) {
        case 'i': o.index_path = optarg; break;
        case 'l': o.listen = optarg; break;
        case 'k': o.api_key_file = optarg; break;
        case 'a': o.access_log = optarg; break;
        case 'Q': o.quiet = 1; break;
        case 'W': o.watch = 0; break;
        case 'F': o.fetch_dir = optarg; break;
        case 'D': o.db = optarg; break;
        case 't':
        case 'q':
        case 'T':
            n = strtol(optarg, NULL, 10);
            if (n <= 0 || n > 100000) {
                fprintf(stderr, "kordon serve: --%s must be a positive number\n",
                        c == 't' ? "threads" : c == 'q' ? "max-queries" : "request-timeout");
                return EXIT_USAGE;
            }
            if (c == 't')
                o.threads = (unsigned)n;
            else if (c == 'q')
                o.max_queries = (size_t)n;
            else
                o.request_timeout = (unsigned)n;
            break;
        case 'b':
            if (parse_size(optarg, &o.max_body)) {
                fprintf(stderr, "kordon serve: --max-body: expected bytes, e.g. 8M\n");
                return EXIT_USAGE;
            }
            break;
        case 'h': printf("usage: kordon %s\n", usage); return 0;
        default: fprintf(stderr, "usage: kordon %s\n", usage); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: kordon %s\n", usage);
        return EXIT_USAGE;
    }
    /* Signals go to this thread only: block them before any thread exists. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    kd_error err = {0};
    http_server *server;
    if (http_server_start(&o, &server, &err))
        return cli_fail(&err);
    printf("kordon serve: listening on http://%s (port %u), index %s\n", o.listen, http_server_port(server),
           o.index_path);
    fflush(stdout);
    for (;;) {
        struct timespec second = {1, 0};
        int sig = sigtimedwait(&set, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT) {
            fprintf(stderr, "kordon serve: stopping (requests in flight get up to %d s)\n", GRACE_SECONDS);
            break;
        }
        int rc = 0;
        if (sig == SIGHUP)
            rc = http_server_reload(server, &err) ? -1 : 1;
        else if (o.watch)
            rc = http_server_poll_index(server, &err);
        if (rc > 0)
            fprintf(stderr, "kordon serve: loaded %s\n", o.index_path);
        else if (rc < 0)
            fprintf(stderr, "kordon serve: reload failed, still serving the previous index: %s\n", err.message);
    }
    http_server_stop(server, GRACE_SECONDS);
    return 0;
}
