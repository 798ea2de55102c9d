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

/* A whole number from 1 to max for --name; says why not. */
static int parse_count(const char *name, const char *text, long max, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n <= 0 || n > max) {
        fprintf(stderr, "kordon serve: --%s: expected a whole number from 1 to %ld, not \"%s\"\n", name, max, text);
        return -1;
    }
    *out = n;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option options[] = {
        {"index", required_argument, NULL, 'i'},         {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},       {"api-key-file", required_argument, NULL, 'k'},
        {"max-body", required_argument, NULL, 'b'},      {"max-queries", required_argument, NULL, 'q'},
        {"request-timeout", required_argument, NULL, 'T'}, {"access-log", required_argument, NULL, 'a'},
        {"quiet", no_argument, NULL, 'Q'},               {"no-watch", no_argument, NULL, 'W'},
        {"fetch-dir", required_argument, NULL, 'F'},     {"db", required_argument, NULL, 'D'},
        {"cors-origin", required_argument, NULL, 'C'},   {"public-url", required_argument, NULL, 'P'},
        {"insecure-no-auth", no_argument, NULL, 'I'},    {"scan-max-mentions", required_argument, NULL, 'M'},
        {"scan-max-related", required_argument, NULL, 'R'}, {"scan-max-response", required_argument, NULL, 'S'},
        {"scan-timeout", required_argument, NULL, 'O'},  {"scan-concurrency", required_argument, NULL, 'N'},
        {"keep-answers", required_argument, NULL, 'K'},  {"writers", required_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0},
    };
    /* Recording is opt-in for the server: --db, or $KORDON_DB when set. */
    const char *db_env = getenv("KORDON_DB");
    http_options o = {.index_path = cli_default_index(), .listen = "127.0.0.1:8000", .watch = 1,
                      .db = db_env && *db_env ? db_env : NULL, .keep_answers_hours = -1};
    int c;
    long n;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:l:t:k:b:q:T:a:QWF:D:hC:P:IM:R:S:O:N:K:w:", options, NULL)) != -1) {
        switch (c) {
        case 'i': o.index_path = optarg; break;
        case 'l': o.listen = optarg; break;
        case 'k': o.api_key_file = optarg; break;
        case 'a': o.access_log = optarg; break;
        case 'Q': o.quiet = 1; break;
        case 'W': o.watch = 0; break;
        case 'F': o.fetch_dir = optarg; break;
        case 'D': o.db = optarg; break;
        case 'P': o.public_url = optarg; break;
        case 'I': o.insecure_no_auth = 1; break;
        case 'C':
            if (o.n_cors_origins == (sizeof o.cors_origins / sizeof o.cors_origins[0])) {
                fprintf(stderr, "kordon serve: --cors-origin: at most %zu origins\n", (sizeof o.cors_origins / sizeof o.cors_origins[0]));
                return EXIT_USAGE;
            }
            o.cors_origins[o.n_cors_origins++] = optarg;
            break;
        case 'O': {
            char *end;
            double seconds = strtod(optarg, &end);
            if (end == optarg || *end || !(seconds > 0 && seconds <= 3600)) {
                fprintf(stderr, "kordon serve: --scan-timeout: expected seconds, more than 0 and at most 3600\n");
                return EXIT_USAGE;
            }
            o.scan_timeout = seconds;
            break;
        }
        case 'M':
            if (parse_count("scan-max-mentions", optarg, 10000000, &n))
                return EXIT_USAGE;
            o.scan_max_mentions = (size_t)n;
            break;
        case 'R':
            if (parse_count("scan-max-related", optarg, 10000, &n))
                return EXIT_USAGE;
            o.scan_max_related = (size_t)n;
            break;
        case 'N':
            if (parse_count("scan-concurrency", optarg, 1000, &n))
                return EXIT_USAGE;
            o.scan_concurrency = (unsigned)n;
            break;
        case 'S':
            if (parse_size(optarg, &o.scan_max_response)) {
                fprintf(stderr, "kordon serve: --scan-max-response: expected bytes, e.g. 4M\n");
                return EXIT_USAGE;
            }
            break;
        case 't':
            if (parse_count("threads", optarg, 1000, &n))
                return EXIT_USAGE;
            o.threads = (unsigned)n;
            break;
        case 'q':
            if (parse_count("max-queries", optarg, 100000, &n))
                return EXIT_USAGE;
            o.max_queries = (size_t)n;
            break;
        case 'T':
            if (parse_count("request-timeout", optarg, 100000, &n))
                return EXIT_USAGE;
            o.request_timeout = (unsigned)n;
            break;
        case 'b':
            if (parse_size(optarg, &o.max_body)) {
                fprintf(stderr, "kordon serve: --max-body: expected bytes, e.g. 8M\n");
                return EXIT_USAGE;
            }
            break;
        case 'K':
            /* 0 keeps them for ever */
            if (strcmp(optarg, "0") == 0)
                o.keep_answers_hours = 0;
            else if (parse_count("keep-answers", optarg, 24L * 366 * 10, &n))
                return EXIT_USAGE;
            else
                o.keep_answers_hours = n;
            break;
        case 'w':
            if (parse_count("writers", optarg, 8, &n))
                return EXIT_USAGE;
            o.writers = (unsigned)n;
            break;
        case 'h': return cli_usage("serve", 0);
        default: return cli_usage("serve", EXIT_USAGE);
        }
    }
    if (optind != argc)
        return cli_usage("serve", EXIT_USAGE);
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
    if (!http_server_key_count(server))
        fprintf(stderr, "kordon serve: no API keys: every client that can reach %s may read alerts and record "
                        "decisions%s\n",
                o.listen, o.insecure_no_auth ? " (--insecure-no-auth)" : "; this is why it listens on loopback only");
    fflush(stdout);
    for (;;) {
        struct timespec second = {1, 0};
        int sig = sigtimedwait(&set, NULL, &second);
        if (sig == SIGTERM || sig == SIGINT) {
            fprintf(stderr, "kordon serve: stopping (requests in flight get up to %d s)\n", GRACE_SECONDS);
            break;
        }
        /* One line per event: the watcher tries a file once per change, so a
         * bad file is reported once, not every second. */
        int rc = 0;
        if (sig == SIGHUP)
            rc = http_server_reload(server, &err) ? -1 : 1;
        else if (o.watch)
            rc = http_server_poll_index(server, &err);
        if (rc == 1)
            fprintf(stderr, "kordon serve: loaded %s%s\n", o.index_path, sig == SIGHUP ? " (SIGHUP)" : "");
        else if (rc == 2)
            fprintf(stderr, "kordon serve: %s\n", err.message);
        else if (rc < 0)
            fprintf(stderr,
                    "kordon serve: reload%s failed: %s (the index loaded before, if any, is still served; "
                    "/readyz reports the failure until a good file is loaded)\n",
                    sig == SIGHUP ? " on SIGHUP" : "", err.message);
    }
    http_server_stop(server, GRACE_SECONDS);
    return 0;
}
